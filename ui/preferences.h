#pragma once

#include <QCoreApplication>
#include <QString>

#include "pipeline/runoptions.h"
#include "pipeline/settingstable.h"
#include "qa/qaprofile.h"

namespace gh {

/*!
    \class gh::Preferences
    The curator's settings, kept in QSettings under the keys of the settings table (docs/settings.md) — the
    same keys, syntax and checks as the INI file the CLI reads with --config — and the engine options they
    make. The settings dialog edits a Preferences; the main window applies it to the engine.
*/
struct Preferences
{
    Q_DECLARE_TR_FUNCTIONS(gh::Preferences)

public:
    Settings settings;  //!< Every key of the settings table; what is saved.
    RunOptions options; //!< What \c settings make for the engine (kept in step by fromSettings()/save()).
    QString hotFolder;  //!< A folder watched for new deliveries; empty for none (intake/hot_folder).
    //! Saved values the table refused when loading; those keys keep their defaults.
    QStringList problems;
    //! The QA profile: what the [check] keys of \c settings make (written back by toSettings()).
    QaProfile qa;

    static Preferences load();
    static Preferences fromSettings(const Settings &settings);
    //! \c settings with \c options, \c qa and \c hotFolder written into it.
    Settings toSettings() const;
    void save() const;
};

} // namespace gh
