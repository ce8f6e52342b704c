#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace gh {

class Settings;

/*!
    \class gh::Curator
    Who is at work: the name recorded with every decision a person makes (duplicate decisions, QA verdicts,
    approval and rejection) and in their PREMIS events, so curators sharing one catalog can tell their
    decisions apart and a second curator is told who decided first.

    The name is, in this order: the one this process was given (\c {gatehouse-cli --as NAME}), the
    \c {[team] curator} setting, the operating system's user (USER, LOGNAME, USERNAME, else the account the
    process runs as: a hot folder run by a service or cron has no USER).
*/
class Curator
{
    Q_DECLARE_TR_FUNCTIONS(gh::Curator)

public:
    //! The name given for this whole process (--as); empty takes it back. Wins over the settings.
    static void setOverride(const QString &name);
    static QString override();
    //! The curator's name: the override, else \a settings' [team] curator, else the operating system's user.
    static QString name(const Settings &settings);
    //! The override, else the operating system's user (for callers without settings at hand).
    static QString name();
    /*!
        What a curator is told who decides what another decided first: "Already decided by Anna at 14:02:
        skip". \a by is the first curator ("curator:" in front is dropped), \a at when (UTC; shown as local
        time, with the date unless today), \a what the decision.
    */
    static QString alreadyDecided(const QString &by, const QDateTime &at, const QString &what);
};

} // namespace gh
