#include "filestage.h"

#include <QPointer>

#include "catalog/takeover.h"
#include "model/runner.h"
#include "util/logging.h"

namespace gh {

namespace {

constexpr int s_pageSize = 512;
constexpr int s_flushRows = 256;
constexpr int s_flushIntervalMs = 250;
// While other processes hold the rest of the batch, look again this often (or when their first lease runs
// out).
constexpr int s_waitPollMs = 1000;

} // namespace

FileStage::FileStage(const StageEnvironment &environment, QObject *parent)
    : QObject(parent)
    , m_env(environment)
    , m_cancel(environment.cancel ? environment.cancel : std::make_shared<std::atomic_bool>(false))
{
    const int threads = std::max(1, QThread::idealThreadCount());
    setConcurrency(threads, threads * 2);
    m_flushTimer.setInterval(s_flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        flush();
        renewLeases(false);
        emitProgress();
    });
    m_waitTimer.setSingleShot(true);
    connect(&m_waitTimer, &QTimer::timeout, this, [this] {
        // Another pass from the start: files given up by others, leases that ran out.
        m_lastQueuedId = 0;
        m_exhausted = false;
        fill();
    });
}

FileStage::~FileStage()
{
    // The cancel flag belongs to the run, not the stage: queued jobs are dropped, running ones finish.
    m_pool.clear();
    m_pool.waitForDone();
}

void FileStage::setConcurrency(int poolThreads, int maxInFlight)
{
    m_pool.setMaxThreadCount(std::max(1, poolThreads));
    m_maxInFlight = std::max(1, maxInFlight);
}

Status FileStage::prepare()
{
    return {};
}

QString FileStage::startMessage(qint64 files) const
{
    return tr("%1: %2 files of batch %3 to do.")
        .arg(StageInfo::displayName(stage()))
        .arg(files)
        .arg(m_batch.batchId);
}

Status FileStage::pageLoaded(const QList<FileRecord> &)
{
    return {};
}

bool FileStage::canDispatch(const FileRecord &) const
{
    return true;
}

void FileStage::released(const FileRecord &) {}

Result<QMap<FileStatus, qint64>> FileStage::judgedFiles()
{
    return m_env.catalog.stageCounts(m_batch.batchId, stage());
}

void FileStage::dispatched() {}

void FileStage::abortWork() {}

void FileStage::pauseWork(bool) {}

Status FileStage::beforeCommit()
{
    return {};
}

Status FileStage::commit(const QList<FileRecord> &files, const QList<EventRecord> &events)
{
    return m_env.catalog.recordStageOutcomes(stage(), files, events);
}

bool FileStage::isBreakerError(const FileRecord &file) const
{
    return file.status == FileStatus::StoreError;
}

int FileStage::breakerLimit() const
{
    return m_env.options.fetch.maxConsecutiveStoreErrors;
}

QString FileStage::breakerMessage(int count, const QString &lastError) const
{
    return tr("%1 failed %2 times in a row; stopping. Last error: %3")
        .arg(StageInfo::displayName(stage()))
        .arg(count)
        .arg(lastError);
}

qint64 FileStage::bytesInFlight() const
{
    return 0;
}

QList<TransferActivity> FileStage::activity() const
{
    return {};
}

QString FileStage::doneDetail() const
{
    return tr("All files done.");
}

Status FileStage::allSettled(StageState &, QString &)
{
    return {};
}

void FileStage::stopped() {}

void FileStage::start(const BatchContext &batch)
{
    m_batch = batch;
    m_running = true;
    m_failed = false;
    m_exhausted = false;
    m_lastQueuedId = 0;
    m_consecutiveErrors = 0;
    m_queue.clear();
    m_progress = Progress{};
    m_progress.batchId = batch.batchId;
    m_progress.stage = stage();
    m_lease = Lease{currentRunner(), std::max(2, m_env.options.team.leaseSeconds)};
    m_sinceRenewal.start();
    m_claimedInPass = false;
    m_waiting = false;
    m_untouched.clear();
    m_settling = false;
    m_settled = false;

    if (Status s = m_env.catalog.setStageState(batch.batchId, stage(), StageState::Running); !s) {
        fail(s.error().message);
        return;
    }
    if (Status s = prepare(); !s) {
        fail(s.error().message);
        return;
    }
    // A process of this machine that was killed leaves leases nobody renews: they are free now.
    if (auto holders = m_env.catalog.leaseHolders(batch.batchId, stage(), m_lease.owner); !holders) {
        fail(holders.error().message);
        return;
    } else {
        releaseGoneHolders(*holders);
    }
    // Transient failures of an earlier run get another chance.
    if (auto reset = m_env.catalog.resetStage(batch.batchId, stage(), StatusInfo::transientStatuses(), false,
                                              m_env.downstream);
        !reset) {
        fail(reset.error().message);
        return;
    } else if (*reset > 0) {
        emit logMessage(tr("Retrying %1 files that failed transiently in an earlier run.").arg(*reset));
    }

    // Totals for progress: what is pending now.
    auto work = m_env.catalog.pendingWork(batch.batchId, m_env.pending);
    if (!work) {
        fail(work.error().message);
        return;
    }
    m_progress.filesTotal = work->files;
    m_progress.bytesTotal = work->allSizesKnown ? work->bytes : -1;
    emit logMessage(startMessage(work->files));

    m_flushTimer.start();
    emitProgress();
    fill();
}

void FileStage::cancel()
{
    m_cancel->store(true);
    // Queued jobs see the flag and report back at once with their files untouched, so every dispatched file
    // is accounted for and the stage finishes when the running ones have stopped.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_running)
                return;
            m_waitTimer.stop();
            m_queue.clear();
            m_exhausted = true;
            // Without this a paused or slow piece of work would hold the cancel until it finished.
            abortWork();
            fill();
        },
        Qt::QueuedConnection);
}

void FileStage::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    pauseWork(paused);
    if (!paused && m_running)
        fill();
}

bool FileStage::loadPage()
{
    FileQuery query;
    query.pending = m_env.pending;
    query.afterId = m_lastQueuedId;
    query.limit = s_pageSize;
    auto page = m_env.catalog.claimFiles(m_batch.batchId, query, m_lease);
    if (!page) {
        fail(page.error().message);
        return false;
    }
    m_takenOver.unite(page->takenOver);
    if (Status s = pageLoaded(page->files); !s) {
        fail(s.error().message);
        return false;
    }
    for (FileRecord f : std::as_const(page->files)) {
        if (m_untouched.contains(f.id))
            continue; // this run left it for a later one
        // Pending for this stage, whatever the stage before it said: an outcome still pending is untouched.
        f.status = FileStatus::Pending;
        m_queue.push_back(f);
    }
    m_claimedInPass = m_claimedInPass || !page->files.isEmpty();
    m_lastQueuedId = page->lastId;
    m_exhausted = page->exhausted;
    return true;
}

Result<QList<FileRecord>> FileStage::claim(FileQuery query)
{
    query.pending = m_env.pending;
    QList<FileRecord> claimed;
    if (query.limit <= 0)
        query.limit = s_pageSize;
    for (;;) {
        auto page = m_env.catalog.claimFiles(m_batch.batchId, query, m_lease);
        if (!page)
            return page.error();
        claimed += page->files;
        m_takenOver.unite(page->takenOver);
        if (page->exhausted)
            return claimed;
        query.afterId = page->lastId;
    }
}

Result<QList<FileRecord>> FileStage::keepHeld(const QList<FileRecord> &files)
{
    if (!m_env.catalog.sharesWork() || files.isEmpty())
        return files;
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : files)
        ids.append(f.id);
    auto held = m_env.catalog.confirmLeases(stage(), m_lease, ids);
    if (!held)
        return held.error();
    QList<FileRecord> kept;
    kept.reserve(held->size());
    for (const FileRecord &f : files) {
        if (held->contains(f.id))
            kept.append(f);
    }
    return kept;
}

int FileStage::releaseGoneHolders(QList<LeaseHolder> &holders)
{
    int gone = 0;
    for (auto it = holders.begin(); it != holders.end();) {
        if (!runnerIsGoneHere(it->owner)) {
            ++it;
            continue;
        }
        // Run out rather than gone: whoever claims the files sees they were that process's, which may have
        // stored some of them without living to record it (see catalog/takeover.h).
        if (Status s = expireLeases(m_env.catalog, m_batch.batchId, stage(), it->owner); !s) {
            emit logMessage(s.error().message);
            ++it;
            continue;
        }
        emit logMessage(tr("%1 stopped while it held %n file(s) of this batch; they are taken over.", nullptr,
                           int(it->files))
                            .arg(it->owner));
        ++gone;
        it = holders.erase(it);
    }
    return gone;
}

bool FileStage::passEnded()
{
    auto holders = m_env.catalog.leaseHolders(m_batch.batchId, stage(), m_lease.owner);
    if (!holders) {
        fail(holders.error().message);
        return false;
    }
    bool again = releaseGoneHolders(*holders) > 0;
    if (!again && holders->isEmpty() && m_env.catalog.sharesWork()) {
        // A claim that another process is making at this moment hides its files until it commits (they are
        // skipped, not waited for): while files are pending that this run did not leave alone itself, look
        // again.
        auto work = m_env.catalog.pendingWork(m_batch.batchId, m_env.pending);
        if (!work) {
            fail(work.error().message);
            return false;
        }
        again = work->files > m_untouched.size();
    }
    if (holders->isEmpty() && !again) {
        m_waiting = false;
        // Leases of processes that died after committing their last outcomes are of no use to anyone.
        if (Status s = m_env.catalog.dropRunOutLeases(m_batch.batchId, stage()); !s)
            qCWarning(lcPipeline).noquote() << s.error().message;
        return true;
    }
    if (holders->isEmpty()) {
        // At once after a pass that found work; after a moment when another claim hid what is left.
        m_waitTimer.start(m_claimedInPass ? 0 : 200);
        m_claimedInPass = false;
        return false;
    }
    m_claimedInPass = false;
    qint64 files = 0;
    qint64 nextExpiry = s_waitPollMs;
    QStringList owners;
    for (const LeaseHolder &h : std::as_const(*holders)) {
        files += h.files;
        nextExpiry = std::min(nextExpiry, h.msToFirstExpiry + 50);
        owners.append(h.owner);
    }
    if (!m_waiting) {
        emit logMessage(tr("Waiting for %n file(s) that other Gatehouse processes are working on (%1).",
                           nullptr, int(files))
                            .arg(owners.join(QStringLiteral(", "))));
        m_waiting = true;
    }
    m_waitTimer.start(int(std::clamp<qint64>(nextExpiry, 50, s_waitPollMs)));
    return false;
}

void FileStage::renewLeases(bool force)
{
    if (!m_running || (!force && m_sinceRenewal.elapsed() < qint64(m_lease.seconds) * 1000 / 3))
        return;
    m_sinceRenewal.restart();
    if (Status s = m_env.catalog.renewLeases(m_batch.batchId, stage(), m_lease); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
}

void FileStage::fill()
{
    if (!m_running)
        return;
    if (m_waitTimer.isActive())
        return;
    while (m_running && !m_cancel->load() && !m_paused && m_inFlight < m_maxInFlight) {
        // A page may come back empty while more follows: its files were claimed by others meanwhile.
        while (m_queue.empty() && !m_exhausted) {
            if (!loadPage())
                return;
        }
        if (m_queue.empty())
            break;
        if (!canDispatch(m_queue.front()))
            break;
        const FileRecord next = m_queue.front();
        m_queue.pop_front();
        m_inFlight += dispatch(next);
    }
    if (!m_running)
        return;
    dispatched();
    if (m_inFlight == 0 && m_queue.empty() && (m_exhausted || m_cancel->load())) {
        flush();
        if (m_failed)
            return;
        if (m_cancel->load()) {
            finish(StageState::NeedsAttention, tr("Cancelled; the remaining files stay pending."));
            return;
        }
        if (!passEnded())
            return;
        auto counts = judgedFiles();
        if (!counts) {
            fail(counts.error().message);
            return;
        }
        qint64 problems = 0;
        for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
            if (StatusInfo::severity(it.key()) == Severity::Error || it.key() == FileStatus::Pending)
                problems += it.value();
        }
        StageState state = problems > 0 ? StageState::NeedsAttention : StageState::Done;
        QString detail = problems > 0 ? tr("Files needing attention: %1.").arg(problems) : doneDetail();
        if (m_env.catalog.sharesWork()) {
            // The processes that shared the stage all get here: the work across the batch's files is done
            // by the first, once; the others wait for it and take what it made of the end.
            auto other = m_env.catalog.beginSettle(m_batch.batchId, stage());
            if (!other) {
                fail(other.error().message);
                return;
            }
            m_settling = true;
            if (*other) {
                emit logMessage(tr("%1: %2 ended the stage for the whole batch.")
                                    .arg(StageInfo::displayName(stage()), (*other)->by));
                finish((*other)->state, (*other)->detail);
                return;
            }
        }
        if (Status s = allSettled(state, detail); !s) {
            fail(s.error().message);
            return;
        }
        m_settled = true;
        finish(state, detail);
    }
}

void FileStage::runOnPool(std::function<void(const Deliver &deliver)> job)
{
    QPointer<FileStage> self(this);
    m_pool.start([self, job = std::move(job)] {
        job([self](const FileOutcome &outcome) {
            QMetaObject::invokeMethod(
                self,
                [self, outcome] {
                    if (self)
                        self->outcomeArrived(outcome);
                },
                Qt::QueuedConnection);
        });
    });
}

bool FileStage::takeOutcome(const FileOutcome &outcome)
{
    --m_inFlight;
    released(outcome.file);
    if (!m_running)
        return false;
    const FileRecord &f = outcome.file;
    if (f.status == FileStatus::Pending)
        m_untouched.insert(f.id);
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
        if (isBreakerError(f)) {
            if (++m_consecutiveErrors >= breakerLimit()) {
                flush();
                fail(breakerMessage(m_consecutiveErrors, f.error));
                return false;
            }
        } else {
            m_consecutiveErrors = 0;
        }
    }
    if (m_pendingFiles.size() >= s_flushRows)
        flush();
    return true;
}

void FileStage::outcomeArrived(const FileOutcome &outcome)
{
    if (takeOutcome(outcome))
        fill();
}

void FileStage::flush()
{
    if (m_pendingFiles.isEmpty() || m_failed)
        return;
    // What the outcomes describe becomes durable before the catalog says so: one sync for the whole batch.
    if (Status s = beforeCommit(); !s) {
        fail(s.error().message);
        return;
    }
    QList<FileRecord> files = std::exchange(m_pendingFiles, {});
    QList<EventRecord> events = std::exchange(m_pendingEvents, {});
    // Only what this process still holds is written: a file whose lease ran out and was taken over belongs to
    // the process that took it, and its outcome is the one that counts.
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : std::as_const(files))
        ids.append(f.id);
    auto held = m_env.catalog.confirmLeases(stage(), m_lease, ids);
    if (!held) {
        fail(held.error().message);
        return;
    }
    if (held->size() < files.size()) {
        const qsizetype before = files.size();
        files.removeIf([&](const FileRecord &f) { return !held->contains(f.id); });
        events.removeIf([&](const EventRecord &e) { return e.fileId > 0 && !held->contains(e.fileId); });
        ids = QList<qint64>(held->cbegin(), held->cend());
        emit logMessage(
            tr("Another Gatehouse process took over %n file(s) after this one's lease on them ran "
               "out; its outcome for them is the one kept.",
               nullptr, int(before - files.size())));
    }
    if (Status s = commit(files, events); !s) {
        fail(s.error().message);
        return;
    }
    if (Status s = m_env.catalog.releaseLeases(m_batch.batchId, stage(), m_lease.owner, ids); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    if (Status s = m_env.catalog.heartbeat(m_batch.batchId, stage()); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    emit filesChanged(files);
}

void FileStage::emitProgress()
{
    const qint64 bytes = m_progress.bytesDone + bytesInFlight();
    m_meter.sample(bytes);
    Progress p = m_progress;
    p.bytesDone = bytes;
    p.bytesPerSecond = m_meter.bytesPerSecond();
    p.etaSeconds = p.bytesTotal >= 0 ? m_meter.etaSeconds(p.bytesTotal - bytes) : -1;
    p.transfers = activity();
    emit progressChanged(p);
}

void FileStage::finish(StageState state, const QString &detail)
{
    m_flushTimer.stop();
    m_waitTimer.stop();
    m_running = false;
    // What this process did not finish (cancelled, failed) is free for others at once.
    if (Status s = m_env.catalog.releaseLeases(m_batch.batchId, stage(), m_lease.owner); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    if (m_env.catalog.sharesWork()) {
        emit logMessage(
            tr("%1: this process (%2) did %n file(s) of the batch.", nullptr, int(m_progress.filesDone))
                .arg(StageInfo::displayName(stage()), m_lease.owner));
    }
    stopped();
    emitProgress();
    if (Status s = m_env.catalog.setStageState(m_batch.batchId, stage(), state, detail); !s)
        qCWarning(lcPipeline).noquote() << s.error().message;
    if (std::exchange(m_settling, false)) {
        if (Status s =
                m_env.catalog.endSettle(m_batch.batchId, stage(), m_lease.owner,
                                        std::exchange(m_settled, false) && state != StageState::Failed);
            !s)
            qCWarning(lcPipeline).noquote() << s.error().message;
    }
    emit finished(state, detail);
}

void FileStage::fail(const QString &message)
{
    if (m_failed)
        return;
    m_failed = true;
    abortWork();
    m_pool.clear();
    m_pool.waitForDone();
    m_pendingFiles.clear();
    m_pendingEvents.clear();
    emit logMessage(message);
    finish(StageState::Failed, message);
}

} // namespace gh
