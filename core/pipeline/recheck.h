#pragma once

#include <atomic>
#include <functional>
#include <optional>

#include <QCoreApplication>
#include <QJsonObject>

#include "intake/intaketypes.h"
#include "model/records.h"
#include "util/result.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::RecheckOptions
    What "Check again" looks at and how it reads the source.
*/
struct RecheckOptions
{
    QList<qint64> fileIds; //!< Only these files of the batch; empty: every file.
    /*!
        How the source is read again (limits, banned list, column mapping, transfer settings for manifests
        given by URL). Its \c cancel flag stops the check between files.
    */
    IntakeOptions intake;
    int jobs = 0; //!< Stored copies read at once; 0: one per core.
};

/*!
    \class gh::RecheckSummary
    What a check found, for the log, the status bar and \c{recheck --json}.
*/
struct RecheckSummary
{
    qint64 checked = 0;      //!< Files looked at.
    qint64 verified = 0;     //!< Stored copies read again and found to hold the bytes that were stored.
    qint64 resolved = 0;     //!< Files that had a problem before the check and have none now.
    qint64 problems = 0;     //!< Files with an Error-severity status after the check.
    qint64 toFetch = 0;      //!< Files put back to pending, for the fetch stage to copy (again).
    qint64 damaged = 0;      //!< Of those: stored copies that were missing or no longer matched.
    qint64 changed = 0;      //!< Of those: sources whose bytes changed since they were copied.
    qint64 notListed = 0;    //!< Files the source no longer lists; left as they were.
    bool sourceRead = false; //!< Whether the source (sidecars, manifests) could be read again.

    //! One sentence: "Checked 7 files: 1 problem resolved, 7 stored copies verified, nothing to copy again."
    QString text() const;
    QJsonObject toJson() const;
};

/*!
    \class gh::Recheck
    "Check again" after the curator fixed something: reads the batch's source again (sidecars, manifests,
    bag manifests — whatever intake reads), takes the checksums it declares now, reads every stored copy
    back and compares it with what was stored and with what is declared. Nothing is copied here: a file
    whose stored copy is intact and whose source bytes did not change keeps its copy, and only its status and
    events change. Files that need copying (a changed source, a damaged or missing stored copy, a file that
    was never stored) are put back to pending for the fetch stage.

    Runs synchronously on the calling thread (the CLI's, or the GUI's engine thread); stored copies are read
    on a thread pool. Every change is recorded with a PREMIS "fixity check" event by \c{gatehouse/<version>
    recheck}.
*/
class Recheck
{
    Q_DECLARE_TR_FUNCTIONS(gh::Recheck)

public:
    using ProgressCallback = std::function<void(qint64 done, qint64 total)>;
    using LogCallback = std::function<void(const QString &line)>;

    Recheck(Catalog &catalog, BitStore &store);

    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    void setLogCallback(LogCallback callback) { m_log = std::move(callback); }

    //! Checks \a batchId again. Fails when the batch does not exist, is being processed by another
    //! Gatehouse, or when one of \a options' files is not in the batch.
    Result<RecheckSummary> run(qint64 batchId, const RecheckOptions &options);

    /*!
        The one place that sets the stage lamps after a check: the intake lamp from the trace read again
        (when it was), the fetch lamp from the files' statuses — Done when every file is fine, attention when
        some have problems or wait to be fetched again. (When stages keep a state per file, this is where a
        checked file's later stages are reset.)
    */
    static Status settleStages(Catalog &catalog, qint64 batchId, const std::optional<QJsonArray> &trace);

    //! What the source declares now about one file, matched by item identifier and file name.
    struct Declared
    {
        DeclaredChecksums declared;
        qint64 declaredSize = -1;
        QString declaredMimetype;
        FileStatus status = FileStatus::Pending; //!< What intake records: pending, or why not (missing, …).
        QString error;
    };
    //! How a stored copy and its source look now (read on a worker thread).
    struct CopyCheck
    {
        bool hasCopy = false;  //!< The file has a stored key.
        bool readable = false; //!< The stored copy could be read to the end.
        QString readError;
        Digests digests; //!< Of the stored copy, when readable.
        qint64 size = -1;
        bool sourceChanged = false; //!< The source's bytes differ from what was stored.
    };
    /*!
        The decision for one file, without I/O: its new status, error and declared checksums in \a file, and
        the events to record. \a declared is empty when the source no longer lists the file (or could not be
        read). Returns true when \a file must be fetched again.
    */
    static bool decide(FileRecord &file, const std::optional<Declared> &declared, const CopyCheck &copy,
                       QList<EventRecord> &events);

private:
    static CopyCheck inspect(BitStore &store, const FileRecord &file, const std::atomic_bool *cancel);
    void log(const QString &line) const;

    Catalog &m_catalog;
    BitStore &m_store;
    ProgressCallback m_progress;
    LogCallback m_log;
};

} // namespace gh
