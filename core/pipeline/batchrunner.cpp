#include "batchrunner.h"

#include <QDir>

#include "catalog/catalog.h"
#include "fetchstage.h"
#include "report/reports.h"
#include "store/bitstore.h"
#include "util/logging.h"

namespace gh {

BatchRunner::BatchRunner(const Workspace &workspace, Catalog &catalog, BitStore &store,
                         std::shared_ptr<std::atomic_bool> cancelFlag, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_catalog(catalog)
    , m_store(store)
    , m_cancel(cancelFlag ? std::move(cancelFlag) : std::make_shared<std::atomic_bool>(false))
{}

BatchRunner::~BatchRunner() = default;

void BatchRunner::log(const QString &line)
{
    const QString formatted = m_log ? m_log->append(line) : line;
    qCInfo(lcPipeline).noquote() << line;
    emit logMessage(formatted);
}

Result<LoadResult> BatchRunner::load(const QString &source, const IntakeOptions &options)
{
    IntakeOptions withCancel = options;
    withCancel.cancel = m_cancel.get();
    Intake intake(m_catalog);
    auto result = intake.load(source, withCancel);
    if (result) {
        m_log = std::make_unique<BatchLog>(m_workspace.logPath(result->batchId));
        log(tr("Loaded %1 as batch %2 (%3): %4 items, %5 files.")
                .arg(QDir::toNativeSeparators(source))
                .arg(result->batchId)
                .arg(result->detected)
                .arg(result->items)
                .arg(result->files));
        for (const QJsonValue &step : std::as_const(result->trace)) {
            for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray())
                log(tr("Warning (%1): %2").arg(step[QStringLiteral("stage")].toString(), warning.toString()));
        }
    }
    return result;
}

Result<std::optional<std::pair<qint64, bool>>> BatchRunner::resumableBatch(const QString &source)
{
    using Found = std::optional<std::pair<qint64, bool>>;
    auto latest = m_catalog.latestBatchForSource(Intake::normalizeSource(source));
    if (!latest)
        return latest.error();
    if (!*latest)
        return Found();
    auto stages = m_catalog.stages(**latest);
    if (!stages)
        return stages.error();
    const StageState intake = StageRecord::stateOf(*stages, Stage::Intake);
    const StageState fetch = StageRecord::stateOf(*stages, Stage::Fetch);
    if (intake == StageState::Running || intake == StageState::Failed || intake == StageState::NotStarted)
        return Found(std::pair(**latest, true));
    if (fetch == StageState::Done || fetch == StageState::Failed)
        return Found();
    if (fetch == StageState::NeedsAttention) {
        // Finished with findings: a new run is a new delivery. Cancelled: files still pending, carry on.
        auto counts = m_catalog.statusCounts(**latest);
        if (!counts)
            return counts.error();
        if (counts->value(FileStatus::Pending) == 0)
            return Found();
    }
    return Found(std::pair(**latest, false));
}

Status BatchRunner::checkNotRunningElsewhere(qint64 batchId)
{
    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    for (const StageRecord &r : *stages) {
        if (r.state == StageState::Running && !r.isInterrupted() && r.runner != currentRunner()) {
            return Error{ErrorCode::Usage,
                         tr("Batch %1 is being processed by another Gatehouse (%2, %3 stage); wait for it to "
                            "finish or stop it first.")
                             .arg(batchId)
                             .arg(r.runner, StageInfo::key(r.stage))};
        }
    }
    return {};
}

void BatchRunner::run(const QString &source, const RunOptions &options)
{
    m_busy = true;
    m_report = options.report;
    m_occasion = RunNotifier::Occasion::Run;
    m_cancel->store(false);
    auto resumable = resumableBatch(source);
    if (!resumable) {
        complete(0, false, resumable.error().message);
        return;
    }
    if (*resumable) {
        const auto [batchId, redoIntake] = **resumable;
        if (Status s = checkNotRunningElsewhere(batchId); !s) {
            complete(batchId, false, s.error().message);
            return;
        }
        m_log = std::make_unique<BatchLog>(m_workspace.logPath(batchId));
        if (redoIntake) {
            log(tr("Batch %1 of %2 was interrupted while loading; loading it again.")
                    .arg(batchId)
                    .arg(source));
            IntakeOptions intakeOptions = options.intake;
            intakeOptions.transfer = options.fetch.transfer;
            intakeOptions.cancel = m_cancel.get();
            Intake intake(m_catalog);
            auto result = intake.reload(batchId, source, intakeOptions);
            if (!result) {
                complete(batchId, false, result.error().message);
                return;
            }
            emit loaded(*result);
        } else {
            log(tr("Resuming batch %1 of %2.").arg(batchId).arg(source));
            auto batch = m_catalog.batch(batchId);
            if (!batch) {
                complete(batchId, false, batch.error().message);
                return;
            }
            LoadResult result;
            result.batchId = batchId;
            result.items = batch->items;
            result.files = batch->files;
            result.detected = batch->detected;
            result.trace = batch->trace;
            emit loaded(result);
        }
        startFetch(batchId, options);
        return;
    }

    // Documents given by URL are downloaded during intake with the fetch stage's transfer settings.
    IntakeOptions intakeOptions = options.intake;
    intakeOptions.transfer = options.fetch.transfer;
    auto result = load(source, intakeOptions);
    if (!result) {
        complete(0, false, result.error().message);
        return;
    }
    emit loaded(*result);
    startFetch(result->batchId, options);
}

void BatchRunner::runBatch(qint64 batchId, const RunOptions &options)
{
    m_busy = true;
    m_report = options.report;
    m_occasion = RunNotifier::Occasion::Fetch;
    m_cancel->store(false);
    auto batch = m_catalog.batch(batchId);
    if (!batch) {
        complete(batchId, false, batch.error().message);
        return;
    }
    if (Status s = checkNotRunningElsewhere(batchId); !s) {
        complete(batchId, false, s.error().message);
        return;
    }
    m_log = std::make_unique<BatchLog>(m_workspace.logPath(batchId));
    startFetch(batchId, options);
}

void BatchRunner::startFetch(qint64 batchId, const RunOptions &options)
{
    if (m_cancel->load()) {
        complete(batchId, true, tr("Cancelled."));
        return;
    }
    auto batch = m_catalog.batch(batchId);
    if (!batch) {
        complete(batchId, false, batch.error().message);
        return;
    }
    BatchContext context;
    context.batchId = batchId;
    context.name = batch->name;
    context.created = batch->created;
    context.keyTemplate = options.fetch.keyTemplate;

    m_fetch = std::make_unique<FetchStage>(m_catalog, m_store, options.fetch, m_cancel);
    connect(m_fetch.get(), &FetchStage::progressChanged, this, &BatchRunner::progressChanged);
    connect(m_fetch.get(), &FetchStage::filesChanged, this, &BatchRunner::filesChanged);
    connect(m_fetch.get(), &FetchStage::logMessage, this, &BatchRunner::log);
    connect(m_fetch.get(), &FetchStage::finished, this,
            [this, batchId](StageState state, const QString &detail) {
                emit stageChanged(batchId, Stage::Fetch, state);
                log(tr("Fetch %1: %2").arg(StageInfo::key(state), detail));
                // Let the stage finish unwinding before it is destroyed.
                QMetaObject::invokeMethod(
                    this,
                    [this, batchId, state, detail] {
                        m_fetch.reset();
                        complete(batchId, state != StageState::Failed, detail);
                    },
                    Qt::QueuedConnection);
            });
    emit stageChanged(batchId, Stage::Fetch, StageState::Running);
    m_fetch->setPaused(m_paused);
    m_fetch->start(context);
}

void BatchRunner::setPaused(bool paused)
{
    m_paused = paused;
    if (m_fetch)
        m_fetch->setPaused(paused);
}

void BatchRunner::cancel()
{
    m_cancel->store(true);
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_fetch)
                m_fetch->cancel();
        },
        Qt::QueuedConnection);
}

void BatchRunner::complete(qint64 batchId, bool ok, const QString &message)
{
    if (!ok)
        log(tr("Error: %1").arg(message));
    if (batchId > 0) {
        auto summary = Reports::writeSummary(m_catalog, batchId, m_workspace.summaryPath(batchId));
        if (!summary)
            log(summary.error().message);
        RunNotifier::finished(m_catalog, batchId, m_occasion, m_report,
                              {m_workspace.batchDir(batchId), m_workspace.logPath(batchId),
                               m_workspace.summaryPath(batchId), m_store.displayName()},
                              [this](const QString &line) { log(line); });
    }
    m_log.reset();
    m_busy = false;
    // A pause belongs to the run it was asked for; the next run starts moving.
    m_paused = false;
    emit finished(batchId, ok, message);
}

} // namespace gh
