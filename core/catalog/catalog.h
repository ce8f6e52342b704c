#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

#include "cataloglocation.h"
#include "model/filestate.h"
#include "model/records.h"
#include "sqldialect.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::PendingFor
    The files a stage still has to do: those it has not settled (no row of \c stage in file_stages, or a
    row put back to pending), among those the stage before it let through: for \c after == Stage::Intake,
    every file intake did not refuse; for any other stage, the files it settled as done, or with \c settled
    every file it settled for good (failed and skipped too, not a transient failure it will try again).
*/
struct PendingFor
{
    Stage stage = Stage::Fetch;
    Stage after = Stage::Intake;
    bool settled = false;
};

/*!
    \class gh::FileQuery
    Which files to read: keyset-paged by id, so a million-file batch never sits in memory at once.
*/
struct FileQuery
{
    QList<FileStatus> statuses;        //!< The files' overall status; empty means every status.
    std::optional<PendingFor> pending; //!< Only files waiting for a stage.
    QString sourcePath; //!< Only files read from this path (an archive's members); empty for all.
    qint64 afterId = 0;
    int limit = -1;
};

/*!
    \class gh::Lease
    Who claims files for a stage (\c owner, "host:pid") and for how long a claim holds without being renewed.
*/
struct Lease
{
    QString owner;
    int seconds = 60;
};

/*!
    \class gh::ClaimedPage
    One page of files a process has claimed for a stage (Catalog::claimFiles()).
*/
struct ClaimedPage
{
    QList<FileRecord> files; //!< Claimed by this owner and still pending for the stage, in id order.
    qint64 lastId = 0;       //!< The last file looked at; the next page starts after it.
    bool exhausted = false;  //!< Nothing claimable was left after lastId.
    //! Of files, those whose lease was another owner's when they were claimed: taken over from a process
    //! that may have stored their bytes without recording them (see takeover.h).
    QSet<qint64> takenOver;
};

/*!
    \class gh::LeaseHolder
    Another process holding live leases on a stage's files (Catalog::leaseHolders()).
*/
struct LeaseHolder
{
    QString owner;
    qint64 files = 0;
    qint64 msToFirstExpiry = 0; //!< Until the first of its leases runs out, unless it renews them.
};

/*!
    \class gh::Settlement
    What another process made of a shared stage's end (Catalog::beginSettle()).
*/
struct Settlement
{
    QString by; //!< The process ("host:pid") that did the stage's work across the batch.
    StageState state = StageState::Done;
    QString detail;
};

/*!
    \class gh::Catalog
    One connection to the catalog: batches, items, files, stage states and events. A Catalog belongs to the
    thread that opened it (QSqlDatabase connections are per thread); other threads open their own.

    Writes that belong together go through a Transaction; callers batch many rows into one.
*/
namespace detail {
struct ConnectionState;
}

class Catalog
{
    Q_DECLARE_TR_FUNCTIONS(gh::Catalog)

public:
    /*!
        Opens the catalog at \a location and migrates it forward to \a targetVersion (the latest by default).
        Fails with ErrorCode::Corrupt for a file that is not a Gatehouse catalog and ErrorCode::SchemaTooNew
       for a catalog written by a newer Gatehouse.
    */
    static Result<std::unique_ptr<Catalog>> open(const CatalogLocation &location, int targetVersion = -1);
    static int latestVersion();

    ~Catalog();
    Catalog(const Catalog &) = delete;
    Catalog &operator=(const Catalog &) = delete;

    const CatalogLocation &location() const { return m_location; }
    const SqlDialect &dialect() const { return m_dialect; }
    int schemaVersion() const { return m_version; }
    QSqlDatabase database() const;

    class Transaction
    {
    public:
        Transaction(Transaction &&other) noexcept;
        ~Transaction();
        Status commit();

    private:
        friend class Catalog;
        explicit Transaction(Catalog *catalog);
        Catalog *m_catalog;
    };
    //! Starts a write transaction; it rolls back unless committed.
    Result<Transaction> transaction();
    /*!
        Runs \a body in a write transaction and commits it. When the server reports a serialization failure
        or a deadlock (PostgreSQL 40001/40P01) anywhere in it, the transaction is rolled back and run again
        after a short pause with jitter, a bounded number of times: the one place such failures are handled.
        \a body must start from scratch each time it is called (reset what it gathers).
    */
    Status inTransaction(const std::function<Status()> &body);
    /*!
        Describes the failure of \a query on this catalog's connection while doing \a what; notes whether the
        server asks for a retry (see inTransaction()), so code that runs its own statements inside
        inTransaction() reports errors through this.
    */
    Error sqlError(const QSqlQuery &query, const QString &what) const;
    //! Whether several processes may share a batch by claiming its files with leases (PostgreSQL; an
    //! SQLite catalog has one writer at a time and its batches keep one runner).
    bool sharesWork() const { return m_dialect.engine() == SqlDialect::Engine::Postgres; }

    // Batches
    Result<qint64> createBatch(const QString &name, const QString &source);
    Status setBatchDetection(qint64 batchId, const QString &detected, const QJsonArray &trace);
    //! Replaces the batch's settings: a JSON object whose keys belong to whoever wrote them (the hot folder
    //! keeps the fingerprint of the delivery it loaded under "hot_folder").
    Status setBatchSettings(qint64 batchId, const QJsonObject &settings);
    Result<QJsonObject> batchSettings(qint64 batchId);
    Result<QList<BatchRecord>> batches();
    Result<BatchRecord> batch(qint64 batchId);
    //! The newest batch created from \a source, if any.
    Result<std::optional<qint64>> latestBatchForSource(const QString &source);
    //! Removes a batch's items, files and events (not the batch itself), for an intake that starts over.
    Status clearBatchContents(qint64 batchId);
    //! Removes the items of a batch after the first \a seq and their files; returns how many files went.
    Result<qint64> discardItemsAfter(qint64 batchId, qint64 seq);

    // Stages
    Status setStageState(qint64 batchId, Stage stage, StageState state, const QString &detail = {});
    //! Marks a running stage as alive, so a stage whose process died can be told from one still working.
    Status heartbeat(qint64 batchId, Stage stage);
    Result<QList<StageRecord>> stages(qint64 batchId);
    struct RunTimes
    {
        QDateTime started;  //!< When the first stage of the batch started.
        QDateTime finished; //!< When the latest stage finished (or last reported progress).
    };
    Result<RunTimes> runTimes(qint64 batchId);

    // Items and files
    Result<qint64> insertItem(const ItemRecord &item);
    //! Adds a file; one that intake already refused (a status other than pending) gets its intake row.
    Result<qint64> insertFile(const FileRecord &file);
    Result<QList<FileRecord>> files(qint64 batchId, const FileQuery &query = {});
    Result<FileRecord> file(qint64 fileId);
    //! The files of item \a itemId in their order (the pages of a multi-page item).
    Result<QList<FileRecord>> itemFiles(qint64 itemId);
    //! Calls \a visit for every file of the batch in id order; stops early when it returns false.
    Status forEachFile(qint64 batchId, const std::function<bool(const FileRecord &)> &visit);
    /*!
        Writes what the fetch stage measured for each file (size, digests, type, key, HTTP data) with its
        outcome as the file's fetch row, the events, and the URLs' validators, in one transaction.
    */
    Status recordOutcomes(const QList<FileRecord> &files, const QList<EventRecord> &events,
                          const QList<HttpCacheEntry> &cache = {});
    /*!
        Writes the outcome of \a stage for each file (status, error as detail, attempts, processedAt as the
        time) and the events, in one transaction. Files whose status is pending are put back for another
        attempt.
    */
    Status recordStageOutcomes(Stage stage, const QList<FileRecord> &files, const QList<EventRecord> &events);
    //! Every stage row of one file, in the order the stages recorded them.
    Result<QList<FileStageRecord>> fileStages(qint64 fileId);
    //! How many files of the batch \a stage has recorded, by status (rows put back count as pending).
    Result<QMap<FileStatus, qint64>> stageCounts(qint64 batchId, Stage stage);
    //! The cache entries for \a urls that the catalog has.
    Result<QHash<QString, HttpCacheEntry>> httpCache(const QStringList &urls);
    Result<QMap<FileStatus, qint64>> statusCounts(qint64 batchId);
    struct Workload
    {
        qint64 files = 0;
        qint64 bytes = 0;          //!< Declared bytes of the files that declare a size.
        bool allSizesKnown = true; //!< Whether every file declares its size.
    };
    //! How much work a batch holds for a stage, for progress totals.
    Result<Workload> pendingWork(qint64 batchId, const PendingFor &pending);
    /*!
        Puts the files that \a stage settled with a status in \a statuses back to pending, for a retry; with
        \a downloadsOnly, only files that come from a URL (for a conditional refresh). What the stages in
        \a downstream recorded for those files is removed: it was about the outcome being redone.
    */
    Result<int> resetStage(qint64 batchId, Stage stage, const QList<FileStatus> &statuses,
                           bool downloadsOnly = false, const QList<Stage> &downstream = {});
    Result<ItemRecord> item(qint64 itemId);
    //! Up to \a limit items of the batch with an id above \a afterId, in id (= intake) order; for paging.
    Result<QList<ItemRecord>> items(qint64 batchId, qint64 afterId, int limit);
    //! Calls \a visit for every item of the batch in id order, a page at a time; stops when it returns false.
    Status forEachItem(qint64 batchId, const std::function<bool(const ItemRecord &)> &visit);

    // Leases: work sharing between processes
    /*!
        Claims up to \a query.limit files pending for \a query.pending (required) with an id above
        \a query.afterId (and from \a query.sourcePath when given) for \a lease:
        files without a lease, with one that ran out, or already this owner's. On PostgreSQL the candidate
        rows are locked with SKIP LOCKED, so two processes claiming at once never wait for each other and
       never get the same file; the lease rows are the arbiter. Files settled by another process while this
       one claimed them are not returned (and not kept).
    */
    Result<ClaimedPage> claimFiles(qint64 batchId, const FileQuery &query, const Lease &lease);
    //! Extends every live lease of \a lease.owner on the batch's \a stage: the heartbeat of work in flight.
    Status renewLeases(qint64 batchId, Stage stage, const Lease &lease);
    /*!
        Of \a fileIds, those whose \a stage lease \a lease.owner still holds (even if it ran out, as long as
        nobody took it over), each extended: what may be committed. A file missing from the answer was taken
        over by another process, whose outcome counts.
    */
    Result<QSet<qint64>> confirmLeases(Stage stage, const Lease &lease, const QList<qint64> &fileIds);
    //! Gives up the leases of \a owner on \a fileIds, or on every file of the batch's \a stage when empty.
    Status releaseLeases(qint64 batchId, Stage stage, const QString &owner,
                         const QList<qint64> &fileIds = {});
    //! Removes the leases on the batch's \a stage that ran out, whoever held them (a stage that ends).
    Status dropRunOutLeases(qint64 batchId, Stage stage);
    //! The other processes that hold live leases on the batch's \a stage.
    Result<QList<LeaseHolder>> leaseHolders(qint64 batchId, Stage stage, const QString &exceptOwner);
    /*!
        Takes the turn to end the batch's \a stage (its work across all files) when several processes shared
        it: waits while another process has the turn (PostgreSQL: a session advisory lock, given back by
        endSettle() or when the connection closes). Returns the settlement another process recorded since
        outcomes were last recorded for the stage (recordStageOutcomes() voids it), or nothing when ending it
       is this process's to do. Call endSettle() either way.
    */
    Result<std::optional<Settlement>> beginSettle(qint64 batchId, Stage stage);
    //! Records \a owner as having ended the stage (when \a settled) and gives the turn back.
    Status endSettle(qint64 batchId, Stage stage, const QString &owner, bool settled);

    // Targets
    //! Adds or replaces the rows of (file, target) pairs, in one transaction.
    Status recordTargets(const QList<FileTargetRecord> &targets);
    //! Every target row of one file.
    Result<QList<FileTargetRecord>> fileTargets(qint64 fileId);
    //! The rows of one target for a batch, keyset-paged by file id.
    Result<QList<FileTargetRecord>> batchTargets(qint64 batchId, const QString &target,
                                                 qint64 afterFileId = 0, int limit = -1);
    Result<QMap<TargetState, qint64>> targetCounts(qint64 batchId, const QString &target);
    //! Where the batch goes (batch_targets), in the order the targets were set.
    Result<QList<BatchTargetRecord>> batchTargetSpecs(qint64 batchId);
    //! Adds \a targets to the batch's targets; one already there takes the new filter, setter and time.
    Status setBatchTargetSpecs(const QList<BatchTargetRecord> &targets);
    //! The targets the batch's files have rows for (file_targets), in spec order.
    Result<QStringList> deliveredTargets(qint64 batchId);

    // Events
    Status addEvents(const QList<EventRecord> &events);
    //! Adds \a events within the Transaction the caller holds, so they commit or roll back with its rows.
    Status addEventsInTransaction(const QList<EventRecord> &events);
    Result<QList<EventRecord>> events(qint64 batchId, qint64 fileId = -1);
    //! The events about item \a itemId as a whole (not about one of its files), in time order.
    Result<QList<EventRecord>> itemEvents(qint64 batchId, qint64 itemId);
    //! Calls \a visit for every event of the batch in id order, a page at a time (exports of 10^6 files).
    Status forEachEvent(qint64 batchId, const std::function<bool(const EventRecord &)> &visit);
    struct EventCount
    {
        QString agent;
        QString type;
        QString outcome;
        qint64 count = 0;
    };
    //! How many events of each agent, type and outcome the batch has (the _SUMMARY's stage sections).
    Result<QList<EventCount>> eventCounts(qint64 batchId);

    static QString toDbTime(const QDateTime &time);
    static QDateTime fromDbTime(const QString &text);

    // Housekeeping and "check again" (BatchHousekeeping, Recheck)
    Status renameBatch(qint64 batchId, const QString &name);
    struct StoredObject
    {
        QString key;
        qint64 size = -1;
        bool shared = false; //!< Another batch's file uses the same stored key.
    };
    //! The stored copies of a batch's files, each key once.
    Result<QList<StoredObject>> storedObjects(qint64 batchId);
    /*!
        Removes a batch and everything recorded about it, in one transaction, and forgets the cached
        downloads whose stored copies (\a removedKeys) are about to be removed from the store.
    */
    Status deleteBatch(qint64 batchId, const QStringList &removedKeys);
    /*!
        Writes what a check found for each file: declared checksums, size and type, status and error (the
        measured digests and the stored key stay) as the file's status and its fetch row, with \a events, in
        one transaction.
    */
    Status recordRecheck(const QList<FileRecord> &files, const QList<EventRecord> &events);

private:
    Catalog(const CatalogLocation &location, SqlDialect dialect, QString connectionName);
    Status initialise(int targetVersion);
    //! Every batch, or only \a onlyId when it is positive, with counts and stage states.
    Result<QList<BatchRecord>> loadBatches(qint64 onlyId);
    Status migrate(int targetVersion);
    Result<int> readVersion();
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what);
    QSqlQuery &prepared(std::optional<QSqlQuery> &slot, const QString &sql);
    //! Drops the statements prepared() kept: on close, and when the connection they were prepared on is gone.
    void forgetPreparedStatements();
    friend detail::ConnectionState &connectionState(const Catalog *catalog);
    Status insertEvents(const QList<EventRecord> &events);
    //! The body of recordOutcomes(), within its transaction.
    Status writeOutcomes(const QList<FileRecord> &files, const QList<EventRecord> &events,
                         const QList<HttpCacheEntry> &cache);
    //! The body of resetStage(), within its transaction.
    Result<int> resetStageRows(qint64 batchId, const QString &stageKey, const QList<FileStatus> &statuses,
                               bool downloadsOnly, const QList<Stage> &downstream, const QString &what);
    //! Upserts \a stage's row for each file; with \a overall, also the derived columns of files.
    Status writeStageRows(Stage stage, const QList<FileRecord> &files, bool overall);
    //! The conditions that select files pending for a stage, on files aliased "f".
    static QString pendingCondition(const PendingFor &pending, QVariantList &values);

    CatalogLocation m_location;
    SqlDialect m_dialect;
    //! Whether the last error sqlError() described is one the server asks to retry.
    mutable bool m_retryable = false;
    bool m_inTransaction = false;
    QString m_connectionName;
    //! Whether the connection was lost, how to wait for the server, the session's advisory locks.
    std::unique_ptr<detail::ConnectionState> m_connectionState;
    int m_version = 0;
    std::optional<QSqlQuery> m_insertItem;
    std::optional<QSqlQuery> m_insertFile;
    std::optional<QSqlQuery> m_upsertCache;
    std::optional<QSqlQuery> m_upsertTarget;
    std::optional<QSqlQuery> m_recordRecheck;
};

} // namespace gh
