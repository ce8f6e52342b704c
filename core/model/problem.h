#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include "stage.h"
#include "status.h"

namespace gh {

/*!
    \class gh::Problem
    One thing in a batch that needs the curator's attention, as every view shows it: the dashboard's problems
    column, the Problems dock, the lamps' tooltips and \c{status --json}. gh::Problems builds them, so each
    problem is counted once wherever it appears.
*/
struct Problem
{
    enum class Kind
    {
        File,   //!< A file whose status has Error severity (intake or fetch recorded it).
        Intake, //!< A warning of the intake trace that is not the error of a file already listed.
        Stage,  //!< A stage that failed, was interrupted, or left files unprocessed.
        Finding //!< Something a QA check found (about a file, or about the whole batch).
    };
    enum class Level
    {
        Warning, //!< Worth a look; the batch can go on.
        Error,   //!< Something is wrong and stays wrong until the curator acts.
        Flag     //!< A QA finding for a person to look at (a dark page); not wrong as such.
    };

    Kind kind = Kind::File;
    Level level = Level::Error;
    Stage stage = Stage::Fetch;              //!< The stage whose lamp it belongs to.
    qint64 fileId = 0;                       //!< Kind::File only.
    FileStatus status = FileStatus::Pending; //!< Kind::File only.
    QString where;                           //!< "item / file", or the intake step ("Intake: manifest").
    QString message;                         //!< What is wrong, in the words of whoever found it.
    QString check;                           //!< Kind::Finding only: the check's binding name.
};

/*!
    \class gh::ProblemCounts
    How many problems a batch has, by level.
*/
struct ProblemCounts
{
    qint64 errors = 0;
    qint64 warnings = 0;
    qint64 flags = 0; //!< QA findings for a person to look at.

    qint64 total() const { return errors + warnings + flags; }
    bool operator==(const ProblemCounts &other) const = default;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::Problem)
