#pragma once

#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QProcessEnvironment>

#include "target.h"
#include "targetoptions.h"

namespace gh {

class HttpEngine;
struct HttpEngineOptions;

/*!
    \class gh::TargetContext
    What a target may need from the run that opens it besides its options.
*/
struct TargetContext
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    //! Where targets keep temporary files (S3 spools and multipart journals, derivatives).
    QString stagingDir;
    //! The run's HTTP engine, for targets that speak HTTP through it (MediaWiki); they make their own when
    //! none is given.
    HttpEngine *http = nullptr;
};

/*!
    \class gh::TargetRegistry
    The kinds of target Gatehouse knows, keyed by the scheme of their spec: \c local:DIR,
    \c s3://bucket/prefix, \c mediawiki:https://host/w/api.php. A new kind registers a factory, as intake
    ingesters do; the built-in kinds are listed in targetregistry.cpp.
*/
class TargetRegistry
{
    Q_DECLARE_TR_FUNCTIONS(gh::TargetRegistry)

public:
    using Factory = std::function<Result<std::unique_ptr<Target>>(const QString &spec, const TargetOptions &,
                                                                  const TargetContext &)>;
    struct Kind
    {
        QString scheme;  //!< "local", "s3", "mediawiki": the spec's text before its first ':'.
        QString example; //!< For help and error messages: "local:DIR".
        Factory open;
    };

    //! Adds a kind, or replaces the one with the same scheme. Thread-safe.
    static void add(const Kind &kind);
    static QList<Kind> kinds();
    //! "local", "s3", "mediawiki"; empty for a spec without a scheme.
    static QString schemeOf(const QString &spec);

    /*!
        Opens the target named by \a spec. Nothing is sent over the network here; a target connects when
        it is first asked something. Fails with ErrorCode::Usage for an unknown or malformed spec.
    */
    static Result<std::unique_ptr<Target>> open(const QString &spec, const TargetOptions &options,
                                                const TargetContext &context = {});
    //! The HTTP engine a wiki target brings when the run gives none (user agent, contact, CA bundle, as many
    //! connections per host as the write lanes and a few reads need).
    static HttpEngineOptions httpOptions(const TargetOptions &options);

private:
    static QList<Kind> builtInKinds();
};

} // namespace gh
