#pragma once

#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QMap>

#include "catalog/duplicates.h"
#include "targets/mediawiki/mediawikitarget.h"
#include "targets/uploadplan.h"

namespace gh {

class Target;

/*!
    \class gh::DuplicateRules
    Decisions made in advance, by case, from the settings: "already-there → skip", "in-batch → link". The
    classifier applies them to every file of the case that has no decision in force, recording each as a
    decision of the rule (undoable like any other).

    \code
    [dedup]
    already-there=skip
    in-batch=link
    earlier-batch=link
    \endcode
*/
class DuplicateRules
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateRules)

public:
    //! Parses "CASE=ACTION" entries; fails on an unknown case or action, or an action the case never allows.
    static Result<DuplicateRules> parse(const QStringList &entries);

    void set(DuplicateCase dupCase, DuplicateAction action) { m_rules.insert(dupCase, action); }
    std::optional<DuplicateAction> actionFor(DuplicateCase dupCase) const;
    //! "in-batch=link", as recorded with the decisions it makes.
    QString text(DuplicateCase dupCase) const;
    QStringList entries() const;
    bool isEmpty() const { return m_rules.isEmpty(); }

private:
    QMap<DuplicateCase, DuplicateAction> m_rules;
};

/*!
    \class gh::DedupSettings
    How one dedup run classifies a batch against one target: the upload's own settings (so the intended
    name is the one \c upload gives: same title template, key template, conversion rules), the route (the
    target and its filter), the rules, and whether a wiki's deleted files are looked up too.

    From the settings file:
    \code
    [dedup]
    deleted=true          ; ask a wiki for deleted files with our bytes (needs the deletedhistory right)
    search=auto           ; our bytes on a wiki: auto, list (every file once), per-hash (one search each)
    already-there=skip    ; rules: CASE=ACTION
    \endcode
*/
struct DedupSettings
{
    Q_DECLARE_TR_FUNCTIONS(gh::DedupSettings)

public:
    UploadSettings upload;
    TargetRoute route;
    DuplicateRules rules;
    bool lookUpDeleted = true;
    //! How a wiki is searched for our bytes: Auto lists it when that takes fewer requests.
    MediaWikiTarget::ContentSearch wikiSearch = MediaWikiTarget::ContentSearch::Auto;
    QString workDir; //!< Where derivatives for conversion rules are made while classifying.

    //! Reads \c [dedup] from the INI file at \a path into \a settings (rules, deleted, search).
    static Status readFile(const QString &path, DedupSettings &settings);
    /*!
        The settings of a run against \a route: the upload's options (\c [mediawiki], \c [targets]) and
        \c [dedup] from \a settingsFile (none: the defaults), and \a titleTemplate from the command line. A
        route without a spec takes the settings' default target.
    */
    static Result<DedupSettings> load(const QString &settingsFile, const TargetRoute &route,
                                      const QString &titleTemplate, const QString &workDir);
    //! Opens the route's target with these options; nothing is sent until it is asked something.
    Result<std::unique_ptr<Target>> openTarget(const QString &stagingDir) const;
};

} // namespace gh
