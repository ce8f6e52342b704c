#include "fetchstage.h"

#include <deque>

#include <QMutex>

#include "archivecopy.h"
#include "catalog/catalog.h"
#include "digest/md5lanes.h"
#include "download.h"
#include "localcopy.h"
#include "store/bitstore.h"
#include "util/logging.h"

namespace gh {

namespace {

//! Files that come from a URL go to the transfer engine; the rest are local files or archive members.
bool isDownload(const FileRecord &file)
{
    return !file.sourceUrl.isEmpty() && file.sourcePath.isEmpty();
}

} // namespace

struct FetchStage::GroupQueue
{
    void put(LocalCopy::Request request)
    {
        QMutexLocker lock(&mutex);
        waiting.push_back(std::move(request));
    }
    QList<LocalCopy::Request> take(int most)
    {
        QMutexLocker lock(&mutex);
        QList<LocalCopy::Request> taken;
        while (!waiting.empty() && taken.size() < most) {
            taken.append(std::move(waiting.front()));
            waiting.pop_front();
        }
        return taken;
    }

    //! More for a group that is running: none once the stage stops.
    QList<LocalCopy::Request> takeMore(int most)
    {
        return closed.load() ? QList<LocalCopy::Request>() : take(most);
    }
    void close() { closed = true; }

    QMutex mutex;
    std::deque<LocalCopy::Request> waiting;
    std::atomic_bool closed = false;
};

FetchStage::FetchStage(const StageEnvironment &environment, QObject *parent)
    : FileStage(environment, parent)
    , m_store(environment.store)
    , m_bytesInFlight(std::make_shared<std::atomic<qint64>>(0))
    , m_groupQueue(std::make_shared<GroupQueue>())
{
    // Copies are bound by disk and hashing, so more jobs than cores only adds seeking.
    const int jobs = environment.options.transfer.jobs;
    const int cores = std::max(2, QThread::idealThreadCount());
    const int threads = std::clamp(jobs, 1, cores);
    // Enough work queued that neither the copy pool nor the transfer engine runs dry while this thread writes
    // a batch of outcomes to the catalog: a few hundred files' worth costs nothing to hold.
    setConcurrency(threads, std::max(jobs, threads) * 16);
    // Copies are queued a little deeper than the pool needs: while this thread waits for the store to sync a
    // group, the pool goes on with the next files instead of running dry. Beyond two per thread, a copy is
    // queued only while the copies in flight hold less than s_localQueueBytes, so a pause or a cancel still
    // leaves the rest untouched within a fraction of a second.
    m_minLocalInFlight = threads * 2;
    m_maxLocalInFlight = std::max(m_minLocalInFlight, 64);
}

FetchStage::~FetchStage()
{
    m_transfers.reset(); // cancels downloads; their partial bytes stay for the next run
}

Status FetchStage::prepare()
{
    // A pass that failed may have left files queued whose tasks were dropped: this pass starts afresh.
    m_groupQueue = std::make_shared<GroupQueue>();
    m_cache.clear();
    m_archivesInFlight.clear();
    m_lookFirst.clear();
    if (Status s = m_store.removeStaleTemporaries(); !s)
        emit logMessage(s.error().message);
    if (environment().options.fetch.refresh) {
        auto refreshed =
            catalog().resetStage(batch().batchId, stage(), {FileStatus::Success, FileStatus::Unchanged}, true,
                                 environment().downstream);
        if (!refreshed)
            return refreshed.error();
        emit logMessage(tr("Refreshing %1 downloaded files with conditional requests.").arg(*refreshed));
    }
    return {};
}

QString FetchStage::startMessage(qint64 files) const
{
    return tr("Fetching %1 files of batch %2 into %3.")
        .arg(files)
        .arg(batch().batchId)
        .arg(m_store.displayName());
}

Status FetchStage::pageLoaded(const QList<FileRecord> &page)
{
    m_lookFirst.unite(takeTakenOver());
    QStringList urls;
    for (const FileRecord &f : page) {
        if (!f.sourceUrl.isEmpty())
            urls.append(f.sourceUrl);
    }
    if (urls.isEmpty())
        return {};
    auto cache = catalog().httpCache(urls);
    if (!cache)
        return cache.error();
    m_cache.insert(*cache);
    return {};
}

bool FetchStage::canDispatch(const FileRecord &next) const
{
    if (isDownload(next) || m_localInFlight < m_minLocalInFlight)
        return true;
    return m_localInFlight < m_maxLocalInFlight && m_localBytesInFlight < s_localQueueBytes;
}

int FetchStage::dispatch(const FileRecord &file)
{
    if (!file.sourceMember.isEmpty())
        return dispatchArchive(file.sourcePath);
    if (isDownload(file)) {
        dispatchDownload(file);
    } else {
        ++m_localInFlight;
        m_localBytesInFlight += std::max<qint64>(file.declaredSize, 0);
        dispatchLocal(file);
    }
    return 1;
}

int FetchStage::dispatchArchive(const QString &archivePath)
{
    // One sequential pass per archive takes every pending member of it; later pages skip them.
    if (m_archivesInFlight.contains(archivePath))
        return 0;
    m_archivesInFlight.insert(archivePath);
    // The members are claimed like any page: those another process holds are its to copy.
    QHash<QString, FileRecord> wanted;
    FileQuery query;
    query.sourcePath = archivePath;
    query.limit = 5000;
    auto members = claim(query);
    if (!members) {
        fail(members.error().message);
        return 0;
    }
    m_lookFirst.unite(takeTakenOver());
    QSet<qint64> lookFirst;
    for (const FileRecord &f : std::as_const(*members)) {
        if (!f.sourceMember.isEmpty())
            wanted.insert(f.sourceMember, f);
        if (m_lookFirst.contains(f.id))
            lookFirst.insert(f.id);
    }
    m_localInFlight += int(wanted.size());
    auto cancel = cancelFlag();
    auto bytesInFlight = m_bytesInFlight;
    BitStore *store = &m_store;
    const BatchContext context = batch();
    const ArchiveLimits limits = environment().options.intake.archive;
    runOnPool([archivePath, wanted, cancel, bytesInFlight, store, context, limits,
               lookFirst](const Deliver &deliver) {
        qint64 reported = 0;
        ArchiveCopy::run(
            archivePath, wanted, *store, context, limits, *cancel,
            [&](qint64 bytes) {
                reported += bytes;
                bytesInFlight->fetch_add(bytes, std::memory_order_relaxed);
            },
            [&](const FetchOutcome &outcome) {
                // This member's bytes are now part of the outcome's size: stop counting them as in flight.
                bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
                reported = 0;
                deliver(outcome);
            },
            lookFirst);
        bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
    });
    return int(wanted.size());
}

void FetchStage::dispatchDownload(const FileRecord &file)
{
    DownloadJob job;
    job.file = file;
    job.batch = batch();
    job.lookFirst = m_lookFirst.contains(file.id);
    if (const auto cached = m_cache.constFind(file.sourceUrl); cached != m_cache.cend())
        job.cached = *cached;
    m_cache.remove(file.sourceUrl);

    // While the server said the earlier copy stays fresh, a careful archiver need not ask again.
    if (environment().options.transfer.honourFreshness && job.cached && job.cached->freshUntil.isValid() &&
        job.cached->freshUntil > QDateTime::currentDateTimeUtc()) {
        FetchOutcome outcome;
        outcome.file = file;
        FileRecord &f = outcome.file;
        f.status = FileStatus::Unchanged;
        f.size = job.cached->size;
        f.digests = job.cached->digests;
        f.mimetype = job.cached->mimetype;
        f.storedKey = job.cached->storedKey;
        f.etag = job.cached->etag;
        f.lastModified = job.cached->lastModified;
        f.processedAt = QDateTime::currentDateTimeUtc();
        outcome.events.append(FileFinisher::event(
            f, QStringLiteral("transfer"), QStringLiteral("success"),
            tr("%1 is fresh until %2 by the server's own caching rules; not requested, the stored copy %3 is "
               "reused.")
                .arg(file.sourceUrl, job.cached->freshUntil.toString(Qt::ISODate), job.cached->storedKey),
            QStringLiteral("gatehouse fetch")));
        QMetaObject::invokeMethod(
            this, [this, outcome] { outcomeArrived(outcome); }, Qt::QueuedConnection);
        return;
    }
    m_jobs.append(job);
}

void FetchStage::dispatched()
{
    startCopies();
    if (m_jobs.isEmpty())
        return;
    if (!m_transfers) {
        m_transfers = std::make_unique<Downloader>(m_store, environment().options.transfer);
        connect(m_transfers.get(), &Downloader::finished, this, &FetchStage::onDownloads);
        connect(m_transfers.get(), &Downloader::activity, this,
                [this](const QList<TransferActivity> &transfers) { m_activity = transfers; });
        if (isPaused())
            m_transfers->setPaused(true);
    }
    m_transfers->start(std::exchange(m_jobs, {}));
}

void FetchStage::onDownloads(const QList<DownloadResult> &results)
{
    bool running = true;
    for (const DownloadResult &result : results) {
        if (result.cacheUpdate && isRunning())
            m_pendingCache.append(*result.cacheUpdate);
        running = takeOutcome(result.outcome) && running;
    }
    if (running)
        fill();
}

void FetchStage::dispatchLocal(const FileRecord &file)
{
    // Queued here, and a task for it started once this round of dispatching is over (startCopies()), so the
    // first task finds every file dispatched with it.
    m_groupQueue->put({file, m_lookFirst.contains(file.id)});
    ++m_copiesToStart;
}

void FetchStage::startCopies()
{
    // Each pool task takes whatever waits when it starts, up to a group, and takes more between rounds as
    // its files finish; a task that finds nothing left has had its file taken by an earlier one.
    auto cancel = cancelFlag();
    auto bytesInFlight = m_bytesInFlight;
    BitStore *store = &m_store;
    const BatchContext context = batch();
    for (; m_copiesToStart > 0; --m_copiesToStart) {
        runOnPool([queue = m_groupQueue, cancel, bytesInFlight, store, context](const Deliver &deliver) {
            const QList<LocalCopy::Request> group = queue->take(Md5Lanes::maxStreams);
            if (cancel->load()) {
                for (const LocalCopy::Request &request : group)
                    deliver(FetchOutcome{request.file, {}});
                return;
            }
            if (group.isEmpty())
                return;
            LocalCopy::runGroup(
                group, *store, context, *cancel,
                [&](qint64 bytes) { bytesInFlight->fetch_add(bytes, std::memory_order_relaxed); },
                [&](const FetchOutcome &outcome, qint64 reported) {
                    bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
                    deliver(outcome);
                },
                [&](int most) { return queue->takeMore(most); });
        });
    }
}

void FetchStage::released(const FileRecord &file)
{
    m_lookFirst.remove(file.id);
    if (isDownload(file))
        return;
    --m_localInFlight;
    if (file.sourceMember.isEmpty())
        m_localBytesInFlight -= std::max<qint64>(file.declaredSize, 0);
}

void FetchStage::abortWork()
{
    // Running groups take no more files; the tasks of those waiting report them untouched.
    m_groupQueue->close();
    // Running downloads report back untouched; their partial bytes stay for the next run.
    if (m_transfers)
        m_transfers->cancelAll();
}

void FetchStage::pauseWork(bool paused)
{
    // Running copies and archive passes finish their file; downloads stop receiving at once.
    if (m_transfers)
        m_transfers->setPaused(paused);
}

Status FetchStage::beforeCommit()
{
    // The objects become durable before the catalog says they are stored: one sync for the whole batch.
    return m_store.flush();
}

Status FetchStage::commit(const QList<FileRecord> &files, const QList<EventRecord> &events)
{
    return catalog().recordOutcomes(files, events, std::exchange(m_pendingCache, {}));
}

QString FetchStage::breakerMessage(int count, const QString &lastError) const
{
    return tr("The store %1 failed %2 times in a row; stopping. Last error: %3")
        .arg(m_store.displayName())
        .arg(count)
        .arg(lastError);
}

qint64 FetchStage::bytesInFlight() const
{
    qint64 downloading = 0;
    for (const TransferActivity &t : std::as_const(m_activity))
        downloading += t.bytesDone;
    return m_bytesInFlight->load(std::memory_order_relaxed) + downloading;
}

QList<TransferActivity> FetchStage::activity() const
{
    return m_activity;
}

Result<QMap<FileStatus, qint64>> FetchStage::judgedFiles()
{
    return catalog().statusCounts(batch().batchId);
}

QString FetchStage::doneDetail() const
{
    return tr("All files stored.");
}

void FetchStage::stopped()
{
    m_activity.clear();
}

} // namespace gh
