#include "fetchstage.h"

#include <algorithm>
#include <deque>

#include <QMutex>

#include "archivecopy.h"
#include "catalog/catalog.h"
#include "digest/multidigest.h"
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

/*!
    Local files waiting for a copier, a pool task running LocalCopy::runGroup(), which takes them into its
    group as slots free up. Up to maxCopiers run at once: one starts with a file queued while fewer run, and
    one ends when it finds the queue empty, both decided under the queue's lock, so no file waits without one.
*/
struct FetchStage::CopyQueue
{
    explicit CopyQueue(int maxCopiers, LocalCopy::Threads threads)
        : maxCopiers(maxCopiers)
        , threads(threads)
    {}

    //! Queues \a request; true when the caller must start a copier.
    bool put(LocalCopy::Request request)
    {
        QMutexLocker lock(&mutex);
        waiting.push_back(std::move(request));
        if (copiers >= maxCopiers)
            return false;
        ++copiers;
        return true;
    }
    //! Up to \a most files for the copier; none once the stage stopped (those waiting stay pending).
    QList<LocalCopy::Request> take(int most)
    {
        QMutexLocker lock(&mutex);
        QList<LocalCopy::Request> taken;
        while (!closed && !waiting.empty() && taken.size() < most) {
            taken.append(std::move(waiting.front()));
            waiting.pop_front();
            if (readAhead > 0)
                --readAhead;
        }
        return taken;
    }
    //! The sources of up to \a most waiting files not yet named by an earlier call, first in line first.
    QStringList toReadAhead(int most)
    {
        QMutexLocker lock(&mutex);
        QStringList paths;
        for (; !closed && readAhead < waiting.size() && paths.size() < most; ++readAhead)
            paths.append(waiting[readAhead].file.sourcePath);
        return paths;
    }
    //! Everything waiting, for a copier that was cancelled to report untouched.
    QList<LocalCopy::Request> takeAll()
    {
        QMutexLocker lock(&mutex);
        QList<LocalCopy::Request> taken(std::make_move_iterator(waiting.begin()),
                                        std::make_move_iterator(waiting.end()));
        waiting.clear();
        readAhead = 0;
        return taken;
    }
    //! The copier is done: true when nothing waits for it (it then no longer runs).
    bool copierDone()
    {
        QMutexLocker lock(&mutex);
        if (!waiting.empty() && !closed)
            return false;
        --copiers;
        return true;
    }
    void close()
    {
        QMutexLocker lock(&mutex);
        closed = true;
    }

    const int maxCopiers;
    const LocalCopy::Threads threads;
    QMutex mutex;
    std::deque<LocalCopy::Request> waiting;
    size_t readAhead = 0; //!< how many at the front of waiting were named by toReadAhead()
    int copiers = 0;
    bool closed = false;
};

FetchStage::FetchStage(const StageEnvironment &environment, QObject *parent)
    : FileStage(environment, parent)
    , m_store(environment.store)
    , m_bytesInFlight(std::make_shared<std::atomic<qint64>>(0))
{
    // Copies are bound by disk and hashing, so more jobs than cores only adds seeking.
    const int jobs = environment.options.transfer.jobs;
    const int cores = std::max(2, QThread::idealThreadCount());
    const int threads = std::clamp(jobs, 1, cores);
    // Enough work queued that neither the copy pool nor the transfer engine runs dry while this thread writes
    // a batch of outcomes to the catalog: a few hundred files' worth costs nothing to hold.
    // A thread more for the group of large files, which takes its helpers from a pool of its own.
    setConcurrency(threads + 1, std::max(jobs, threads) * 16);
    m_copyThreads = threads;
    makeCopyQueues();
    // Copies are queued a little deeper than the pool needs: while this thread waits for the store to sync a
    // group, the pool goes on with the next files instead of running dry. Beyond two per thread, a copy is
    // queued only while the copies in flight hold less than s_localQueueBytes, so a pause or a cancel still
    // leaves the rest untouched within a fraction of a second.
    m_minLocalInFlight = threads * 2;
    m_maxLocalInFlight = std::max(m_minLocalInFlight, 256);
}

void FetchStage::makeCopyQueues()
{
    m_smallCopies = std::make_shared<CopyQueue>(m_copyThreads, LocalCopy::Threads::One);
    m_largeCopies = std::make_shared<CopyQueue>(1, LocalCopy::Threads::All);
}

FetchStage::~FetchStage()
{
    m_transfers.reset(); // cancels downloads; their partial bytes stay for the next run
}

Status FetchStage::prepare()
{
    // A pass that failed may have left files queued: this pass starts afresh.
    makeCopyQueues();
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
    if (isDownload(next))
        return true;
    // Large files count apart: as many as the group of large files reads side by side, whatever the smaller
    // files in flight hold, so that neither kind waits behind the other.
    if (isLargeCopy(next))
        return m_largeInFlight < s_largeInFlight;
    if (m_localInFlight < m_minLocalInFlight)
        return true;
    return m_localInFlight < m_maxLocalInFlight && m_localBytesInFlight < s_localQueueBytes;
}

bool FetchStage::isLargeCopy(const FileRecord &file)
{
    return !isDownload(file) && file.sourceMember.isEmpty() &&
           lanesForSize(file.declaredSize) == MultiDigest::Lanes::Split;
}

int FetchStage::dispatch(const FileRecord &file)
{
    if (!file.sourceMember.isEmpty())
        return dispatchArchive(file.sourcePath);
    if (isDownload(file)) {
        dispatchDownload(file);
    } else if (isLargeCopy(file)) {
        ++m_largeInFlight;
        dispatchLocal(file);
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
    // Large files share one group whose rounds take every core; smaller ones go to groups of their own on
    // each pool thread, whose short rounds would spend more waiting for each other than they save.
    const std::shared_ptr<CopyQueue> &queue = isLargeCopy(file) ? m_largeCopies : m_smallCopies;
    if (queue->put({file, m_lookFirst.contains(file.id)}))
        startCopier(queue);
}

void FetchStage::startCopier(const std::shared_ptr<CopyQueue> &queue)
{
    auto cancel = cancelFlag();
    auto bytesInFlight = m_bytesInFlight;
    BitStore *store = &m_store;
    const BatchContext context = batch();
    runOnPool([queue, cancel, bytesInFlight, store, context](const Deliver &deliver) {
        do {
            LocalCopy::runGroup(
                {}, *store, context, *cancel,
                [&](qint64 bytes) { bytesInFlight->fetch_add(bytes, std::memory_order_relaxed); },
                [&](const FetchOutcome &outcome, qint64 reported) {
                    bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
                    deliver(outcome);
                },
                [&](int most) {
                    if (cancel->load())
                        return QList<LocalCopy::Request>();
                    QList<LocalCopy::Request> taken = queue->take(most);
                    for (const QString &path : queue->toReadAhead(s_readAheadFiles))
                        LocalCopy::readAhead(path);
                    return taken;
                },
                queue->threads);
            if (cancel->load()) {
                // Every file dispatched is accounted for: those still waiting go back untouched.
                for (const LocalCopy::Request &request : queue->takeAll())
                    deliver(FetchOutcome{request.file, {}});
            }
        } while (!queue->copierDone());
    });
}

void FetchStage::released(const FileRecord &file)
{
    m_lookFirst.remove(file.id);
    if (isDownload(file))
        return;
    if (isLargeCopy(file)) {
        --m_largeInFlight;
        return;
    }
    --m_localInFlight;
    if (file.sourceMember.isEmpty())
        m_localBytesInFlight -= std::max<qint64>(file.declaredSize, 0);
}

void FetchStage::abortWork()
{
    // A failed stage's copier takes no more files; a cancelled one reports them untouched.
    if (!cancelFlag()->load()) {
        m_smallCopies->close();
        m_largeCopies->close();
    }
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
