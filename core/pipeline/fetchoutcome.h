#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>

#include "fileoutcome.h"
#include "model/records.h"

namespace gh {

class BitStore;
class StoreWriter;

//! A file after a fetch attempt, with the events that describe what happened to it.
using FetchOutcome = FileOutcome;

/*!
    \class gh::FileFinisher
    The rules every fetch path (local copy, download) shares once the bytes are in a temporary object: how the
    stored key is built, how declared checksums decide the status, and which events are recorded.
*/
class FileFinisher
{
    Q_DECLARE_TR_FUNCTIONS(gh::FileFinisher)

public:
    static QHash<QString, QString> keyVariables(const BatchContext &batch, const FileRecord &file,
                                                const Digests &digests);
    //! Records digests, type and fixity verdict on \a outcome and appends the matching events.
    static void recordMeasurements(FetchOutcome &outcome, const Digests &digests, qint64 size,
                                   const QString &mimetype, const QString &agent);
    //! Marks \a outcome failed with \a status and \a message, with a failure event of \a eventType.
    static void fail(FetchOutcome &outcome, FileStatus status, const QString &message,
                     const QString &eventType, const QString &agent);
    static EventRecord event(const FileRecord &file, const QString &type, const QString &outcome,
                             const QString &detail, const QString &agent);
    //! The error of a file whose bytes do not match what \a origin declared (\a detail: Fixity's verdict).
    static QString mismatchMessage(const QString &detail, const QString &origin);

    /*!
        The shared end of every fetch path once all bytes are in \a writer: records the measurements, decides
        the status (fixity, empty), names the object by the batch's key template and commits it, recording
        an event of \a eventType that says where the bytes came from (\a origin). An empty file is not
        stored. Runs on a worker thread.

        With \a lookFirst (a file taken over from a process that may have stored it without living to
        record it) the store is asked first: an object under the key with these very bytes is recorded as
        stored and nothing is sent again.
    */
    static void publish(FetchOutcome &outcome, StoreWriter &writer, BitStore &store,
                        const BatchContext &batch, const Digests &digests, qint64 size,
                        const QString &mimetype, const QString &eventType, const QString &origin,
                        const QString &agent, bool lookFirst);
};

} // namespace gh
