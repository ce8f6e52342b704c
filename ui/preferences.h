#pragma once

#include <QCoreApplication>
#include <QString>

#include "pipeline/batchrunner.h"
#include "qa/qaprofile.h"

namespace gh {

/*!
    \class gh::Preferences
    The curator's settings, kept in QSettings, and the engine options they make. The settings dialog edits a
    Preferences; the main window applies it to the engine. The keys mirror the CLI's --config INI sections.
*/
struct Preferences
{
    RunOptions options;
    QString hotFolder; //!< A folder watched for new deliveries; empty for none.
    QaProfile qa;      //!< The QA profile, under the same [check] keys as the CLI's INI files.

    static Preferences load();
    void save() const;
};

} // namespace gh
