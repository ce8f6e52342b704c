#pragma once

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include "derivative.h"
#include "util/result.h"

namespace gh {

class Settings;

/*!
    \class gh::TargetOptions
    How uploads behave, from the settings file (\c [mediawiki], \c [targets]), the environment and the
    command line. One set applies to every target of a run; each target takes what concerns it.

    \code
    [mediawiki]
    user=Curator@gatehouse        ; a bot password's user; or GATEHOUSE_MEDIAWIKI_USER
    password=…                    ; or GATEHOUSE_MEDIAWIKI_PASSWORD, or the desktop keyring
    chunk_size=5M                 ; chunked uploads above this size
    jobs=1                        ; requests at once per wiki (raise only where the wiki allows)
    title_template={title:181} - {identifier}{ext}
    page_template=/path/to/page.wikitext
    summary=Batch upload of {identifier}
    categories=Uploaded with Gatehouse, Batch {batch_name}

    [targets]
    default=mediawiki:https://commons.wikimedia.org/w/api.php
    filter=mime:image/jpeg                   ; which files go to the default target
    derive=image/jp2=image/jpeg:q90:4000
    key_template={batch}/{item}/{filename}   ; S3 keys and local paths (default: the store key)
    jobs=4                                   ; uploads at once to S3 and local targets
    \endcode
*/
struct TargetOptions
{
    Q_DECLARE_TR_FUNCTIONS(gh::TargetOptions)

public:
    static constexpr qint64 defaultChunkSize = 5 * 1024 * 1024;

    QString defaultTarget;
    QString defaultFilter; //!< Which files go to defaultTarget (the filter bar's syntax); empty: all.
    QString titleTemplate; //!< MediaWiki titles; empty: MediaWikiTitle::defaultTemplate().
    QString keyTemplate;   //!< S3 keys and local paths; empty: the file's store key.
    QString pageTemplate;  //!< Wikitext; empty: PageText::defaultTemplate().
    QString summary;       //!< Empty: PageText::defaultSummary().
    QStringList categories;
    QList<DerivativeRule> derive;

    int mediawikiJobs = 1; //!< Requests at once per wiki.
    int jobs = 4;          //!< Uploads at once to S3 and local targets.
    qint64 chunkSize = defaultChunkSize;
    //! Files up to this size go in one request; larger ones in chunks. -1: the chunk size.
    qint64 singleUploadMax = -1;
    //! Chunked files at least this large are assembled and published asynchronously (the wiki's job
    //! queue), polled until done.
    qint64 asyncThreshold = 64 * 1024 * 1024;
    int maxLagSeconds = 5;        //!< Sent as maxlag= on every request.
    int maxAttempts = 5;          //!< Per request, for maxlag, Retry-After, 5xx and network failures.
    int maxRelogins = 3;          //!< Consecutive re-logins after session loss before the run stops.
    int retryAfterMaxMs = 120000; //!< Longer waits are not taken; the file is left for a later run.
    int pollTimeoutMs = 600000;   //!< How long an async upload is polled before it counts as failed.

    QString user;     //!< Bot password user ("Name@appid"); never logged.
    QString password; //!< Never logged, never in an error message.

    QString userAgent; //!< Empty: the HTTP engine's default with the contact.
    QString contact;
    QString caBundle;

    /*!
        Reads \c [mediawiki] and \c [targets] from the INI file at \a path over \a defaults, through the
        settings table (docs/settings.md).
    */
    static Result<TargetOptions> fromFile(const QString &path, TargetOptions defaults);
    static Result<TargetOptions> fromFile(const QString &path);
    /*!
        The options the keys of \c [mediawiki], \c [targets] (and the User-Agent, contact and CA bundle of
        \c [transfer]) in \a settings make, over \a defaults; keys left at their default keep the value in
        \a defaults. A relative page template is read from \a baseDir. \a where names the source in errors.
    */
    static Result<TargetOptions> fromSettings(const Settings &settings, TargetOptions defaults,
                                              const QString &baseDir = {}, const QString &where = {});
    static Result<TargetOptions> fromSettings(const Settings &settings);
    /*!
        Fills the credentials still empty from GATEHOUSE_MEDIAWIKI_USER and GATEHOUSE_MEDIAWIKI_PASSWORD,
        then, for a user without a password, from the desktop keyring (service "Gatehouse MediaWiki", key
        the user) unless GATEHOUSE_MEDIAWIKI_KEYCHAIN=0.
    */
    void applyEnvironment(const QProcessEnvironment &environment);

    qint64 effectiveSingleUploadMax() const { return singleUploadMax >= 0 ? singleUploadMax : chunkSize; }
};

} // namespace gh
