#include "fetchstage.h"

#include <QPointer>

#include "archivecopy.h"
#include "catalog/catalog.h"
#include "download.h"
#include "localcopy.h"
#include "store/bitstore.h"
#include "util/logging.h"

namespace gh {

namespace {

constexpr int s_pageSize = 512;
constexpr int s_flushRows = 256;
constexpr int s_flushIntervalMs = 250;

//! Files that come from a URL go to the transfer engine; the rest are local files or archive members.
bool isDownload(const FileRecord &file)
{
    return !file.sourceUrl.isEmpty() && file.sourcePath.isEmpty();
}

} // namespace

FetchStage::FetchStage(Catalog &catalog, BitStore &store, const FetchOptions &options,
                       std::shared_ptr<std::atomic_bool> cancel, QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_store(store)
    , m_options(options)
    , m_cancel(cancel ? std::move(cancel) : std::make_shared<std::atomic_bool>(false))
    , m_bytesInFlight(std::make_shared<std::atomic<qint64>>(0))
{
    // Copies are bound by disk and hashing, so more jobs than cores only adds seeking.
    const int cores = std::max(2, QThread::idealThreadCount());
    m_pool.setMaxThreadCount(std::clamp(m_options.transfer.jobs, 1, cores));
    // Enough work queued that neither the copy pool nor the transfer engine runs dry while this thread writes
    // a batch of outcomes to the catalog: a few hundred files' worth costs nothing to hold.
    m_maxInFlight = std::max(m_options.transfer.jobs, m_pool.maxThreadCount()) * 16;
    // Copies, though, are queued no deeper than the pool needs, so a cancel leaves the rest untouched.
    m_maxLocalInFlight = m_pool.maxThreadCount() * 2;
    m_flushTimer.setInterval(s_flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        flush();
        emitProgress();
    });
}

FetchStage::~FetchStage()
{
    // The cancel flag belongs to the run, not the stage: stop this stage's own work without it.
    m_transfers.reset(); // cancels downloads; their partial bytes stay for the next run
    m_pool.clear();
    m_pool.waitForDone();
}

void FetchStage::start(const BatchContext &batch)
{
    m_batch = batch;
    m_running = true;
    m_failed = false;
    m_exhausted = false;
    m_lastQueuedId = 0;
    m_queue.clear();
    m_cache.clear();
    m_archivesInFlight.clear();
    m_progress = Progress{};
    m_progress.batchId = batch.batchId;
    m_progress.stage = Stage::Fetch;

    if (Status s = m_catalog.setStageState(batch.batchId, Stage::Fetch, StageState::Running); !s) {
        fail(s.error().message);
        return;
    }
    if (Status s = m_store.removeStaleTemporaries(); !s)
        emit logMessage(s.error().message);

    // Transient failures of an earlier run get another chance.
    QList<FileStatus> transient;
    for (FileStatus s : StatusInfo::all()) {
        if (StatusInfo::isTransient(s))
            transient.append(s);
    }
    if (m_options.refresh) {
        auto refreshed =
            m_catalog.resetFiles(batch.batchId, {FileStatus::Success, FileStatus::Unchanged}, true);
        if (!refreshed) {
            fail(refreshed.error().message);
            return;
        }
        emit logMessage(tr("Refreshing %1 downloaded files with conditional requests.").arg(*refreshed));
    }
    if (auto reset = m_catalog.resetFiles(batch.batchId, transient); !reset) {
        fail(reset.error().message);
        return;
    } else if (*reset > 0) {
        emit logMessage(tr("Retrying %1 files that failed transiently in an earlier run.").arg(*reset));
    }

    // Totals for progress: what is pending now.
    auto work = m_catalog.pendingWork(batch.batchId);
    if (!work) {
        fail(work.error().message);
        return;
    }
    const qint64 files = work->files;
    m_progress.filesTotal = files;
    m_progress.bytesTotal = work->allSizesKnown ? work->bytes : -1;
    emit logMessage(tr("Fetching %1 files of batch %2 into %3.")
                        .arg(files)
                        .arg(batch.batchId)
                        .arg(m_store.displayName()));

    m_flushTimer.start();
    emitProgress();
    fill();
}

void FetchStage::cancel()
{
    m_cancel->store(true);
    // Queued copies see the flag and report back at once with their file untouched, so every dispatched
    // job is accounted for and the stage finishes when the running ones have stopped.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_running)
                return;
            m_queue.clear();
            m_exhausted = true;
            // Running downloads report back untouched (their partial bytes stay for the next run); without
            // this a paused or slow download would hold the cancel until it finished.
            if (m_transfers)
                m_transfers->cancelAll();
            fill();
        },
        Qt::QueuedConnection);
}

void FetchStage::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    // Running copies and archive passes finish their file; downloads stop receiving at once.
    if (m_transfers)
        m_transfers->setPaused(paused);
    if (!paused && m_running)
        fill();
}

bool FetchStage::loadPage()
{
    FileQuery query;
    query.statuses = {FileStatus::Pending};
    query.afterId = m_lastQueuedId;
    query.limit = s_pageSize;
    auto page = m_catalog.files(m_batch.batchId, query);
    if (!page) {
        fail(page.error().message);
        return false;
    }
    QStringList urls;
    for (const FileRecord &f : *page) {
        m_queue.push_back(f);
        if (!f.sourceUrl.isEmpty())
            urls.append(f.sourceUrl);
    }
    if (!urls.isEmpty()) {
        auto cache = m_catalog.httpCache(urls);
        if (!cache) {
            fail(cache.error().message);
            return false;
        }
        m_cache.insert(*cache);
    }
    if (!page->isEmpty())
        m_lastQueuedId = page->constLast().id;
    m_exhausted = page->size() < s_pageSize;
    return true;
}

void FetchStage::fill()
{
    if (!m_running)
        return;
    while (!m_cancel->load() && !m_paused && m_inFlight < m_maxInFlight) {
        if (m_queue.empty() && !m_exhausted && !loadPage())
            return;
        if (m_queue.empty())
            break;
        if (!isDownload(m_queue.front()) && m_localInFlight >= m_maxLocalInFlight)
            break;
        const FileRecord next = m_queue.front();
        m_queue.pop_front();
        dispatch(next);
    }
    startDownloads();
    if (m_inFlight == 0 && (m_queue.empty() && (m_exhausted || m_cancel->load()))) {
        flush();
        if (m_failed)
            return;
        if (m_cancel->load()) {
            finish(StageState::NeedsAttention, tr("Cancelled; the remaining files stay pending."));
            return;
        }
        auto counts = m_catalog.statusCounts(m_batch.batchId);
        if (!counts) {
            fail(counts.error().message);
            return;
        }
        qint64 problems = 0;
        for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
            if (StatusInfo::severity(it.key()) == Severity::Error || it.key() == FileStatus::Pending)
                problems += it.value();
        }
        finish(problems > 0 ? StageState::NeedsAttention : StageState::Done,
               problems > 0 ? tr("Files needing attention: %1.").arg(problems) : tr("All files stored."));
    }
}

void FetchStage::dispatch(const FileRecord &file)
{
    if (!file.sourceMember.isEmpty()) {
        dispatchArchive(file.sourcePath);
        return;
    }
    ++m_inFlight;
    if (isDownload(file)) {
        dispatchDownload(file);
    } else {
        ++m_localInFlight;
        dispatchLocal(file);
    }
}

void FetchStage::dispatchArchive(const QString &archivePath)
{
    // One sequential pass per archive takes every pending member of it; later pages skip them.
    if (m_archivesInFlight.contains(archivePath))
        return;
    m_archivesInFlight.insert(archivePath);
    QHash<QString, FileRecord> wanted;
    FileQuery query;
    query.statuses = {FileStatus::Pending};
    query.sourcePath = archivePath;
    query.limit = 5000;
    for (;;) {
        auto page = m_catalog.files(m_batch.batchId, query);
        if (!page) {
            fail(page.error().message);
            return;
        }
        for (const FileRecord &f : *page) {
            if (!f.sourceMember.isEmpty())
                wanted.insert(f.sourceMember, f);
        }
        if (page->size() < query.limit)
            break;
        query.afterId = page->constLast().id;
    }
    m_inFlight += int(wanted.size());
    m_localInFlight += int(wanted.size());
    QPointer<FetchStage> self(this);
    auto cancel = m_cancel;
    auto bytesInFlight = m_bytesInFlight;
    BitStore *store = &m_store;
    const BatchContext batch = m_batch;
    const ArchiveLimits limits = m_options.archive;
    m_pool.start([self, archivePath, wanted, cancel, bytesInFlight, store, batch, limits] {
        qint64 reported = 0;
        ArchiveCopy::run(
            archivePath, wanted, *store, batch, limits, *cancel,
            [&](qint64 bytes) {
                reported += bytes;
                bytesInFlight->fetch_add(bytes, std::memory_order_relaxed);
            },
            [&](const FetchOutcome &outcome) {
                // This member's bytes are now part of the outcome's size: stop counting them as in flight.
                bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
                reported = 0;
                QMetaObject::invokeMethod(
                    self,
                    [self, outcome] {
                        if (self)
                            self->onOutcome(outcome);
                    },
                    Qt::QueuedConnection);
            });
        bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
    });
}

void FetchStage::dispatchDownload(const FileRecord &file)
{
    DownloadJob job;
    job.file = file;
    job.batch = m_batch;
    if (const auto cached = m_cache.constFind(file.sourceUrl); cached != m_cache.cend())
        job.cached = *cached;
    m_cache.remove(file.sourceUrl);

    // While the server said the earlier copy stays fresh, a careful archiver need not ask again.
    if (m_options.transfer.honourFreshness && job.cached && job.cached->freshUntil.isValid() &&
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
            this, [this, outcome] { onOutcome(outcome); }, Qt::QueuedConnection);
        return;
    }
    m_jobs.append(job);
}

void FetchStage::startDownloads()
{
    if (m_jobs.isEmpty())
        return;
    if (!m_transfers) {
        m_transfers = std::make_unique<Downloader>(m_store, m_options.transfer);
        connect(m_transfers.get(), &Downloader::finished, this, &FetchStage::onDownloads);
        connect(m_transfers.get(), &Downloader::activity, this,
                [this](const QList<TransferActivity> &transfers) { m_activity = transfers; });
        if (m_paused)
            m_transfers->setPaused(true);
    }
    m_transfers->start(std::exchange(m_jobs, {}));
}

void FetchStage::onDownloads(const QList<DownloadResult> &results)
{
    bool running = true;
    for (const DownloadResult &result : results) {
        if (result.cacheUpdate && m_running)
            m_pendingCache.append(*result.cacheUpdate);
        running = record(result.outcome) && running;
    }
    if (running)
        fill();
}

void FetchStage::dispatchLocal(const FileRecord &file)
{
    QPointer<FetchStage> self(this);
    auto cancel = m_cancel;
    auto bytesInFlight = m_bytesInFlight;
    BitStore *store = &m_store;
    const BatchContext batch = m_batch;
    m_pool.start([self, file, cancel, bytesInFlight, store, batch] {
        if (cancel->load()) {
            QMetaObject::invokeMethod(
                self,
                [self, file] {
                    if (self)
                        self->onOutcome(FetchOutcome{file, {}});
                },
                Qt::QueuedConnection);
            return;
        }
        qint64 reported = 0;
        const FetchOutcome outcome = LocalCopy::run(file, *store, batch, *cancel, [&](qint64 bytes) {
            reported += bytes;
            bytesInFlight->fetch_add(bytes, std::memory_order_relaxed);
        });
        bytesInFlight->fetch_sub(reported, std::memory_order_relaxed);
        QMetaObject::invokeMethod(
            self,
            [self, outcome] {
                if (self)
                    self->onOutcome(outcome);
            },
            Qt::QueuedConnection);
    });
}

bool FetchStage::record(const FetchOutcome &outcome)
{
    --m_inFlight;
    if (!isDownload(outcome.file))
        --m_localInFlight;
    if (!m_running)
        return false;
    const FileRecord &f = outcome.file;
    if (f.status != FileStatus::Pending) {
        m_pendingFiles.append(f);
        m_pendingEvents.append(outcome.events);
        ++m_progress.filesDone;
        if (f.size > 0)
            m_progress.bytesDone += f.size;
        if (StatusInfo::severity(f.status) == Severity::Error) {
            ++m_progress.filesFailed;
            emit logMessage(tr("%1 %2/%3: %4").arg(StatusInfo::key(f.status), f.item, f.name, f.error));
        }
        if (f.status == FileStatus::StoreError) {
            if (++m_consecutiveStoreErrors >= m_options.maxConsecutiveStoreErrors) {
                flush();
                fail(tr("The store %1 failed %2 times in a row; stopping. Last error: %3")
                         .arg(m_store.displayName())
                         .arg(m_consecutiveStoreErrors)
                         .arg(f.error));
                return false;
            }
        } else {
            m_consecutiveStoreErrors = 0;
        }
    }
    if (m_pendingFiles.size() >= s_flushRows)
        flush();
    return true;
}

void FetchStage::onOutcome(const FetchOutcome &outcome)
{
    if (record(outcome))
        fill();
}

void FetchStage::flush()
{
    if (m_pendingFiles.isEmpty())
        return;
    // The objects become durable before the catalog says they are stored: one sync for the whole batch.
    if (Status s = m_store.flush(); !s) {
        fail(s.error().message);
        return;
    }
    const QList<FileRecord> files = std::exchange(m_pendingFiles, {});
    const QList<EventRecord> events = std::exchange(m_pendingEvents, {});
    const QList<HttpCacheEntry> cache = std::exchange(m_pendingCache, {});
    if (Status s = m_catalog.recordOutcomes(files, events, cache); !s) {
        fail(s.error().message);
        return;
    }
    if (Status s = m_catalog.heartbeat(m_batch.batchId, Stage::Fetch); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    emit filesChanged(files);
}

void FetchStage::emitProgress()
{
    qint64 downloading = 0;
    for (const TransferActivity &t : std::as_const(m_activity))
        downloading += t.bytesDone;
    const qint64 bytes =
        m_progress.bytesDone + m_bytesInFlight->load(std::memory_order_relaxed) + downloading;
    m_meter.sample(bytes);
    Progress p = m_progress;
    p.bytesDone = bytes;
    p.bytesPerSecond = m_meter.bytesPerSecond();
    p.etaSeconds = p.bytesTotal >= 0 ? m_meter.etaSeconds(p.bytesTotal - bytes) : -1;
    p.transfers = m_activity;
    emit progressChanged(p);
}

void FetchStage::finish(StageState state, const QString &detail)
{
    m_flushTimer.stop();
    m_running = false;
    m_activity.clear();
    emitProgress();
    if (Status s = m_catalog.setStageState(m_batch.batchId, Stage::Fetch, state, detail); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    emit finished(state, detail);
}

void FetchStage::fail(const QString &message)
{
    if (m_failed)
        return;
    m_failed = true;
    if (m_transfers)
        m_transfers->cancelAll();
    m_pool.clear();
    m_pool.waitForDone();
    m_pendingFiles.clear();
    m_pendingEvents.clear();
    emit logMessage(message);
    finish(StageState::Failed, message);
}

} // namespace gh
