#include "engine.h"

#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "hotfolderrunner.h"
#include "recheck.h"
#include "report/problems.h"
#include "settings.h"
#include "store/bitstore.h"
#include "util/logging.h"

namespace gh {

namespace {

constexpr int s_filesChunk = 2000;
constexpr int s_batchRefreshMs = 500;

} // namespace

Engine::Engine(const Workspace &workspace, const RunOptions &options, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_options(options)
{
    qRegisterMetaType<gh::BatchRecord>();
    qRegisterMetaType<gh::FileRecord>();
    qRegisterMetaType<gh::EventRecord>();
    qRegisterMetaType<gh::ItemRecord>();
    qRegisterMetaType<gh::Progress>();
    qRegisterMetaType<gh::LoadResult>();
    qRegisterMetaType<gh::RunOptions>();
    qRegisterMetaType<gh::BatchFootprint>();
    qRegisterMetaType<gh::FindingRecord>();
    qRegisterMetaType<QList<gh::FindingRecord>>();
    qRegisterMetaType<gh::ImageStatistics>();
    // A child, so it moves to the engine's thread with its parent.
    m_refreshTimer.setParent(this);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(s_batchRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &Engine::refreshBatches);
}

Engine::~Engine() = default;

void Engine::start()
{
    auto catalog = Catalog::open(m_workspace.catalog());
    if (!catalog) {
        emit failed(catalog.error().message);
        return;
    }
    m_catalog = std::move(*catalog);
    auto store = openBitStore(m_workspace.storeSpec(), m_options.store);
    if (!store) {
        emit failed(store.error().message);
        return;
    }
    m_store = std::move(*store);
    m_runner = std::make_unique<BatchRunner>(m_workspace, *m_catalog, *m_store, m_cancel);
    connect(m_runner.get(), &BatchRunner::loaded, this, [this](const LoadResult &result) {
        emit batchLoaded(result);
        refreshBatches();
        loadFiles(result.batchId);
    });
    connect(m_runner.get(), &BatchRunner::progressChanged, this, &Engine::progressChanged);
    connect(m_runner.get(), &BatchRunner::logMessage, this, &Engine::logMessage);
    connect(m_runner.get(), &BatchRunner::filesChanged, this, [this](const QList<FileRecord> &files) {
        emit filesChanged(files);
        scheduleBatchRefresh();
    });
    connect(m_runner.get(), &BatchRunner::stageChanged, this, [this] { scheduleBatchRefresh(); });
    connect(m_runner.get(), &BatchRunner::finished, this,
            [this](qint64 batchId, bool ok, const QString &message) {
                refreshBatches();
                if (m_paused) {
                    m_paused = false;
                    emit pausedChanged(false);
                }
                emit busyChanged(false);
                emit runFinished(batchId, ok, message);
                QTimer::singleShot(0, this, &Engine::runNextDelivery);
            });
    emit started(m_workspace.catalog().displayName(), m_store->displayName());
    // The list alone: whoever shows it asks for its files first and for the problems after
    // (batchesListed()).
    auto batches = m_catalog->batches();
    if (!batches) {
        emit logMessage(batches.error().message);
        return;
    }
    emit batchesListed(*batches);
}

void Engine::cancel()
{
    m_cancel->store(true);
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_runner)
                m_runner->cancel();
        },
        Qt::QueuedConnection);
}

bool Engine::ensureIdle()
{
    if (!m_runner) {
        emit failed(tr("The catalog is not open."));
        return false;
    }
    if (m_runner->isBusy()) {
        emit failed(tr("A batch is already running; cancel it or wait for it to finish."));
        return false;
    }
    return true;
}

void Engine::setHotFolder(const QString &dir, qint64 settleMs)
{
    if (m_hotFolder)
        m_hotFolder->stop();
    m_hotFolder.reset();
    if (dir.isEmpty() || !m_catalog || !m_store) {
        emit hotFolderChanged({});
        return;
    }
    auto options = optionsForRun();
    if (!options) {
        emit failed(options.error().message);
        emit hotFolderChanged({});
        return;
    }
    HotFolderOptions hot;
    hot.dir = dir;
    hot.settleMs = settleMs;
    hot.run = false; // the engine's own runner runs them, one at a time, with the GUI's controls
    m_hotFolder = std::make_unique<HotFolderRunner>(m_workspace, *m_catalog, *m_store, *options, hot);
    connect(m_hotFolder.get(), &HotFolderRunner::logMessage, this, &Engine::logMessage);
    connect(m_hotFolder.get(), &HotFolderRunner::errorOccurred, this, &Engine::failed);
    connect(m_hotFolder.get(), &HotFolderRunner::batchLoaded, this, [this](qint64 batchId) {
        refreshBatches();
        m_deliveries.append(batchId);
        runNextDelivery();
    });
    if (Status started = m_hotFolder->start(); !started) {
        m_hotFolder.reset();
        emit failed(started.error().message);
        emit hotFolderChanged({});
        return;
    }
    emit hotFolderChanged(dir);
}

void Engine::runNextDelivery()
{
    if (m_deliveries.isEmpty() || !m_runner || m_runner->isBusy())
        return;
    const qint64 batchId = m_deliveries.takeFirst();
    emit logMessage(tr("Running batch %1, a delivery from the hot folder.").arg(batchId));
    runBatch(batchId);
}

Result<RunOptions> Engine::optionsForRun() const
{
    RunOptions options = m_options;
    if (!options.bannedList.isEmpty()) {
        auto banned = EngineSettings::readBannedList(options.bannedList);
        if (!banned)
            return banned.error();
        options.intake.bannedIds = *banned;
    }
    return options;
}

void Engine::runSource(const QString &source)
{
    if (!ensureIdle())
        return;
    auto options = optionsForRun();
    if (!options) {
        emit failed(options.error().message);
        return;
    }
    emit busyChanged(true);
    m_runner->run(source, *options);
}

void Engine::runBatch(qint64 batchId)
{
    if (!ensureIdle())
        return;
    auto options = optionsForRun();
    if (!options) {
        emit failed(options.error().message);
        return;
    }
    emit busyChanged(true);
    loadFiles(batchId);
    m_runner->runBatch(batchId, *options);
}

void Engine::setRunOptions(const RunOptions &options)
{
    m_options = options;
}

void Engine::setPaused(bool paused)
{
    if (!m_runner || !m_runner->isBusy())
        paused = false;
    else
        m_runner->setPaused(paused);
    m_paused = paused;
    emit pausedChanged(paused);
}

void Engine::scheduleBatchRefresh()
{
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void Engine::refreshBatches()
{
    if (!m_catalog)
        return;
    auto batches = m_catalog->batches();
    if (!batches) {
        emit logMessage(batches.error().message);
        return;
    }
    if (Status s = Problems::annotate(*m_catalog, *batches); !s)
        emit logMessage(s.error().message);
    emit batchesChanged(*batches);
}

void Engine::loadFiles(qint64 batchId)
{
    streamFiles(batchId, true);
}

void Engine::refreshFiles(qint64 batchId)
{
    streamFiles(batchId, false);
}

void Engine::streamFiles(qint64 batchId, bool reset)
{
    if (!m_catalog)
        return;
    FileQuery query;
    query.limit = s_filesChunk;
    bool first = reset;
    for (;;) {
        auto page = m_catalog->files(batchId, query);
        if (!page) {
            emit logMessage(page.error().message);
            emit filesLoaded(batchId, {}, first, true);
            return;
        }
        const bool complete = page->size() < s_filesChunk;
        emit filesLoaded(batchId, *page, first, complete);
        if (complete)
            return;
        first = false;
        query.afterId = page->constLast().id;
    }
}

void Engine::loadFileDetails(qint64 fileId)
{
    if (!m_catalog)
        return;
    auto file = m_catalog->file(fileId);
    if (!file) {
        emit logMessage(file.error().message);
        return;
    }
    auto item = m_catalog->item(file->itemId);
    auto events = m_catalog->events(file->batchId, fileId);
    QList<EventRecord> all = events ? *events : QList<EventRecord>{};
    if (file->itemId > 0) {
        if (auto itemEvents = m_catalog->itemEvents(file->batchId, file->itemId);
            itemEvents && !itemEvents->isEmpty()) {
            all += *itemEvents;
            std::stable_sort(all.begin(), all.end(), [](const EventRecord &a, const EventRecord &b) {
                return a.at != b.at ? a.at < b.at : a.id < b.id;
            });
        }
    }
    emit fileDetails(*file, item ? *item : ItemRecord{}, all);

    CheckRecords qa(*m_catalog);
    auto findings = qa.fileFindings(fileId);
    auto statistics = qa.imageStatistics(fileId);
    emit fileQa(fileId, findings ? *findings : QList<FindingRecord>{},
                statistics && statistics->has_value() ? **statistics : ImageStatistics{});
}

void Engine::loadFindings(qint64 batchId)
{
    if (!m_catalog)
        return;
    auto findings = CheckRecords(*m_catalog).findings(batchId);
    if (!findings) {
        emit logMessage(findings.error().message);
        return;
    }
    // Findings name few files; each is looked up once.
    QHash<qint64, QString> places;
    QStringList where;
    where.reserve(findings->size());
    for (const FindingRecord &f : std::as_const(*findings)) {
        if (f.fileId > 0 && !places.contains(f.fileId)) {
            auto file = m_catalog->file(f.fileId);
            places.insert(f.fileId, file ? file->item + u" / " + file->name : QString());
        }
        where.append(places.value(f.fileId));
    }
    emit findingsLoaded(batchId, *findings, where);
}

std::optional<RunOptions> Engine::beginRun()
{
    if (!ensureIdle())
        return std::nullopt;
    auto options = optionsForRun();
    if (!options) {
        emit failed(options.error().message);
        return std::nullopt;
    }
    emit busyChanged(true);
    m_cancel->store(false);
    return *options;
}

void Engine::runNewSource(const QString &source)
{
    const auto options = beginRun();
    if (!options)
        return;
    // Intake always makes a new batch; the runner then runs it like any other.
    auto loaded = m_runner->load(source, options->intakeOptions());
    if (!loaded) {
        refreshBatches();
        emit busyChanged(false);
        emit runFinished(0, false, loaded.error().message);
        return;
    }
    emit batchLoaded(*loaded);
    refreshBatches();
    loadFiles(loaded->batchId);
    m_runner->runBatch(loaded->batchId, *options);
}

void Engine::recheck(qint64 batchId, const QList<qint64> &fileIds)
{
    const auto options = beginRun();
    if (!options)
        return;
    RecheckOptions recheckOptions;
    recheckOptions.fileIds = fileIds;
    recheckOptions.intake = options->intakeOptions(m_cancel.get());
    Recheck recheck(*m_catalog, *m_store);
    recheck.setLogCallback([this](const QString &line) { emit logMessage(line); });
    QElapsedTimer throttle;
    throttle.start();
    recheck.setProgressCallback([this, batchId, &throttle](qint64 done, qint64 total) {
        if (done < total && throttle.elapsed() < 100)
            return;
        throttle.restart();
        Progress p;
        p.batchId = batchId;
        p.stage = Stage::Fetch;
        p.filesDone = done;
        p.filesTotal = total;
        emit progressChanged(p);
    });
    auto summary = recheck.run(batchId, recheckOptions);
    refreshBatches();
    loadFiles(batchId);
    if (!summary) {
        emit busyChanged(false);
        emit runFinished(batchId, summary.error().code == ErrorCode::Cancelled, summary.error().message);
        return;
    }
    if (summary->toFetch > 0) {
        // What changed or was never stored is copied by the fetch stage, which finishes the run.
        m_runner->runBatch(batchId, *options);
        return;
    }
    emit busyChanged(false);
    emit runFinished(batchId, true, summary->text());
}

void Engine::renameBatch(qint64 batchId, const QString &name)
{
    if (!m_catalog)
        return;
    BatchHousekeeping housekeeping(m_workspace, *m_catalog, m_store.get());
    if (Status s = housekeeping.rename(batchId, name); !s)
        emit failed(s.error().message);
    refreshBatches();
}

void Engine::setBatchArchived(qint64 batchId, bool archived)
{
    if (!m_catalog)
        return;
    BatchHousekeeping housekeeping(m_workspace, *m_catalog, m_store.get());
    if (Status s = housekeeping.setArchived(batchId, archived); !s)
        emit failed(s.error().message);
    refreshBatches();
}

void Engine::planBatchDeletion(qint64 batchId)
{
    if (!m_catalog)
        return;
    BatchHousekeeping housekeeping(m_workspace, *m_catalog, m_store.get());
    auto plan = housekeeping.footprint(batchId);
    if (!plan) {
        emit failed(plan.error().message);
        return;
    }
    emit batchDeletionPlanned(*plan);
}

void Engine::deleteBatch(qint64 batchId)
{
    if (!ensureIdle())
        return;
    BatchHousekeeping housekeeping(m_workspace, *m_catalog, m_store.get());
    auto removed = housekeeping.remove(batchId);
    refreshBatches();
    if (!removed) {
        emit failed(removed.error().message);
        return;
    }
    const QString message = tr("Deleted %1.").arg(removed->text());
    emit logMessage(message);
    emit batchDeleted(batchId, message);
}

} // namespace gh
