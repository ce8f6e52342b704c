#include "batchrunner.h"

#include <QDir>

#include "catalog/catalog.h"
#include "catalog/reconnect.h"
#include "filestage.h"
#include "model/runner.h"
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
    , m_stages(StageDefinition::defaults())
{}

BatchRunner::~BatchRunner()
{
    // The catalog outlives the runner: it stops telling this runner's log about its connection.
    ReconnectPolicy policy;
    policy.seconds = int(m_options.settings.integer(QStringLiteral("team/reconnect_seconds")));
    setReconnectPolicy(m_catalog, policy);
}

void BatchRunner::setStages(const QList<StageDefinition> &stages)
{
    m_stages = stages;
}

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

Result<LoadResult> BatchRunner::reload(qint64 batchId, const QString &source, const IntakeOptions &options)
{
    IntakeOptions withCancel = options;
    withCancel.cancel = m_cancel.get();
    Intake intake(m_catalog);
    return intake.reload(batchId, source, withCancel);
}

Status BatchRunner::checkNotRunningElsewhere(qint64 batchId)
{
    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    for (const StageRecord &r : *stages) {
        // On a catalog that shares work, file stages claim their files with leases and several processes
        // may run them on one batch; loading cannot be shared, and an SQLite catalog keeps one runner.
        if (m_catalog.sharesWork() && r.stage != Stage::Intake)
            continue;
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

void BatchRunner::begin(const RunOptions &options, bool rerun)
{
    m_busy = true;
    m_occasion = RunNotifier::Occasion::Run;
    m_cancel->store(false);
    m_options = options;
    // A server that restarts during the run is waited for, said once in the batch log, and the run goes on.
    ReconnectPolicy policy;
    policy.seconds = int(options.settings.integer(QStringLiteral("team/reconnect_seconds")));
    policy.notice = [this](const QString &line) { log(line); };
    policy.cancel = m_cancel;
    policy.leaseOwner = currentRunner();
    policy.leaseSeconds = std::max(2, options.team.leaseSeconds);
    setReconnectPolicy(m_catalog, policy);
    m_rerun = rerun;
    m_ran.clear();
    m_lastDetail.clear();
}

void BatchRunner::run(const QString &source, const RunOptions &options)
{
    begin(options, false);
    auto latest = m_catalog.latestBatchForSource(Intake::normalizeSource(source));
    if (!latest) {
        complete(0, false, latest.error().message);
        return;
    }
    if (*latest) {
        const qint64 batchId = **latest;
        auto next = nextStep(m_catalog, batchId, m_stages);
        if (!next) {
            complete(0, false, next.error().message);
            return;
        }
        // Loading or running left to do: the earlier run was killed or cancelled; carry it on. Anything else
        // (finished, waiting for the curator, failed) makes a new run of the source a new delivery.
        if (next->action == NextStep::Action::Load || next->action == NextStep::Action::Run) {
            if (Status s = checkNotRunningElsewhere(batchId); !s) {
                complete(batchId, false, s.error().message);
                return;
            }
            m_log = std::make_unique<BatchLog>(m_workspace.logPath(batchId));
            if (next->action == NextStep::Action::Run) {
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
            advance(batchId);
            return;
        }
    }

    // Documents given by URL are downloaded during intake with the run's transfer settings.
    m_ran.insert(Stage::Intake);
    auto result = load(source, m_options.intakeOptions());
    if (!result) {
        complete(0, false, result.error().message);
        return;
    }
    emit loaded(*result);
    advance(result->batchId);
}

void BatchRunner::runBatch(qint64 batchId, const RunOptions &options, RunNotifier::Occasion occasion)
{
    begin(options, true);
    m_occasion = occasion;
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
    advance(batchId);
}

void BatchRunner::advance(qint64 batchId)
{
    if (m_cancel->load()) {
        // The cancelled stage said what it left pending.
        complete(batchId, true, m_lastDetail.isEmpty() ? tr("Cancelled.") : m_lastDetail);
        return;
    }
    auto next = nextStep(m_catalog, batchId, m_stages, NextStepOptions{m_ran, m_rerun});
    if (!next) {
        complete(batchId, false, next.error().message);
        return;
    }
    switch (next->action) {
    case NextStep::Action::Load: {
        auto batch = m_catalog.batch(batchId);
        if (!batch) {
            complete(batchId, false, batch.error().message);
            return;
        }
        if (m_ran.contains(Stage::Intake)) {
            complete(batchId, false,
                     next->detail.isEmpty() ? tr("Batch %1 could not be loaded.").arg(batchId)
                                            : next->detail);
            return;
        }
        log(tr("Batch %1 of %2 was interrupted while loading; loading it again.")
                .arg(batchId)
                .arg(batch->source));
        m_ran.insert(Stage::Intake);
        auto result = reload(batchId, batch->source, m_options.intakeOptions());
        if (!result) {
            complete(batchId, false, result.error().message);
            return;
        }
        emit loaded(*result);
        advance(batchId);
        return;
    }
    case NextStep::Action::Run:
        if (!m_options.stages.isEmpty() && !m_options.stages.contains(next->stage)) {
            complete(batchId, true, m_lastDetail);
            return;
        }
        for (const StageDefinition &definition : std::as_const(m_stages)) {
            if (definition.stage == next->stage && !m_ran.contains(definition.stage)) {
                startStage(batchId, definition);
                return;
            }
        }
        complete(batchId, true, m_lastDetail);
        return;
    case NextStep::Action::Wait: {
        const QString detail = tr("Waiting for the curator.");
        // Once the curator's tools have written the lamp (a drawn sample's scoreboard), it stays theirs.
        if (next->state == StageState::NotStarted) {
            if (Status s = m_catalog.setStageState(batchId, next->stage, StageState::NeedsAttention, detail);
                !s) {
                complete(batchId, false, s.error().message);
                return;
            }
            emit stageChanged(batchId, next->stage, StageState::NeedsAttention);
        }
        const QString waiting = tr("%1: %2").arg(StageInfo::displayName(next->stage), detail);
        log(waiting);
        complete(batchId, true, m_lastDetail.isEmpty() ? waiting : m_lastDetail + u' ' + waiting);
        return;
    }
    case NextStep::Action::Stopped:
        complete(batchId, false, next->detail);
        return;
    case NextStep::Action::Done:
        complete(batchId, true, m_lastDetail);
        return;
    }
}

void BatchRunner::startStage(qint64 batchId, const StageDefinition &definition)
{
    auto batch = m_catalog.batch(batchId);
    if (!batch) {
        complete(batchId, false, batch.error().message);
        return;
    }
    BatchContext context;
    context.batchId = batchId;
    context.name = batch->name;
    context.created = batch->created;
    context.keyTemplate = m_options.fetch.keyTemplate;

    const Stage stage = definition.stage;
    StageEnvironment environment{m_catalog,
                                 m_store,
                                 m_options,
                                 m_cancel,
                                 StageDefinition::pendingFor(m_stages, stage),
                                 StageDefinition::downstream(m_stages, stage)};
    m_ran.insert(stage);
    m_stage = definition.create(environment);
    connect(m_stage.get(), &FileStage::progressChanged, this, &BatchRunner::progressChanged);
    connect(m_stage.get(), &FileStage::filesChanged, this, &BatchRunner::filesChanged);
    connect(m_stage.get(), &FileStage::logMessage, this, &BatchRunner::log);
    connect(m_stage.get(), &FileStage::finished, this,
            [this, batchId, stage](StageState state, const QString &detail) {
                stageFinished(batchId, stage, state, detail);
            });
    emit stageChanged(batchId, stage, StageState::Running);
    m_stage->setPaused(m_paused);
    m_stage->start(context);
}

void BatchRunner::stageFinished(qint64 batchId, Stage stage, StageState state, const QString &detail)
{
    emit stageChanged(batchId, stage, state);
    log(tr("%1 %2: %3").arg(StageInfo::displayName(stage), StageInfo::key(state), detail));
    m_lastDetail = detail;
    // Let the stage finish unwinding before it is destroyed.
    QMetaObject::invokeMethod(
        this,
        [this, batchId, state, detail] {
            m_stage.reset();
            if (state == StageState::Failed)
                complete(batchId, false, detail);
            else
                advance(batchId);
        },
        Qt::QueuedConnection);
}

void BatchRunner::setPaused(bool paused)
{
    m_paused = paused;
    if (m_stage)
        m_stage->setPaused(paused);
}

void BatchRunner::cancel()
{
    m_cancel->store(true);
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_stage)
                m_stage->cancel();
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
        RunNotifier::finished(m_catalog, batchId, m_occasion, m_options.report,
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
