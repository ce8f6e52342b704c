#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include "model/records.h"

namespace gh {

/*!
    \class gh::BatchContext
    What every file job of a batch needs to know about the batch.
*/
struct BatchContext
{
    qint64 batchId = 0;
    QString name;
    QDateTime created; //!< Used for {timestamp}, so keys stay the same when a run resumes.
    QString keyTemplate;
};

/*!
    \class gh::FileOutcome
    A file after a stage worked on it, with the events that describe what happened. A file whose status is
    still pending was not touched (the run was cancelled before its turn) and stays pending.
*/
struct FileOutcome
{
    FileRecord file;
    QList<EventRecord> events;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::FileOutcome)
