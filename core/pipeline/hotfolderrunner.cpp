#include "hotfolderrunner.h"

#include <QJsonObject>
#include <QTimer>

#include "catalog/catalog.h"
#include "util/logging.h"

namespace gh {

HotFolderRunner::HotFolderRunner(const Workspace &workspace, Catalog &catalog, BitStore &store,
                                 const RunOptions &options, const HotFolderOptions &hotFolder,
                                 std::shared_ptr<const WatchClock> clock, QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_options(options)
    , m_hot(hotFolder)
    , m_watcher(hotFolder, std::move(clock))
    , m_runner(workspace, catalog, store)
{
    m_watcher.setParent(this);
    m_runner.setParent(this);
    connect(&m_watcher, &DeliveryWatcher::logMessage, this, &HotFolderRunner::logMessage);
    connect(&m_watcher, &DeliveryWatcher::settling, this, &HotFolderRunner::entrySettling);
    connect(&m_watcher, &DeliveryWatcher::scanned, this, [this] {
        m_scanned = true;
        processNext();
    });
    connect(&m_runner, &BatchRunner::progressChanged, this, &HotFolderRunner::progressChanged);
    // The runner's lines go to the batch's own log as well; here they tell what the watcher is doing.
    connect(&m_runner, &BatchRunner::logMessage, this, &HotFolderRunner::logMessage);
    connect(&m_runner, &BatchRunner::finished, this, &HotFolderRunner::deliveryDone);
}

HotFolderRunner::~HotFolderRunner() = default;

Status HotFolderRunner::start()
{
    return m_watcher.start();
}

void HotFolderRunner::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_watcher.stop();
    if (!m_current.name.isEmpty()) {
        log(tr("Stopping: %1 is cancelled after the files in progress; it is resumed next time.")
                .arg(m_current.name));
        m_runner.cancel();
        return;
    }
    QTimer::singleShot(0, this, [this] {
        if (!m_finished) {
            m_finished = true;
            emit finished();
        }
    });
}

void HotFolderRunner::log(const QString &line)
{
    qCInfo(lcPipeline).noquote() << line;
    emit logMessage(line);
}

void HotFolderRunner::processNext()
{
    while (!m_stopping && m_current.name.isEmpty()) {
        const auto next = m_watcher.takeNext();
        if (!next)
            break;
        if (!runDelivery(*next))
            m_watcher.release(next->name);
    }
    finishOnce();
}

void HotFolderRunner::finishOnce()
{
    if (m_hot.once && m_scanned && !m_stopping && m_current.name.isEmpty() && !m_watcher.hasSettled() &&
        !m_finished) {
        m_finished = true;
        emit finished();
    }
}

Result<std::pair<HotFolderRunner::Known, qint64>> HotFolderRunner::lookup(const Delivery &delivery)
{
    using Found = std::pair<Known, qint64>;
    auto latest = m_catalog.latestBatchForSource(Intake::normalizeSource(delivery.path));
    if (!latest)
        return latest.error();
    if (!*latest)
        return Found(Known::New, 0);
    const qint64 batchId = **latest;
    auto settings = m_catalog.batchSettings(batchId);
    if (!settings)
        return settings.error();
    const QString fingerprint = settings->value(QStringLiteral("hot_folder"))
                                    .toObject()
                                    .value(QStringLiteral("fingerprint"))
                                    .toString();
    bool same = fingerprint == delivery.fingerprint;
    if (fingerprint.isEmpty()) {
        auto batch = m_catalog.batch(batchId);
        if (!batch)
            return batch.error();
        same = batch->created > delivery.newestChange;
        if (same) {
            if (Status s = remember(batchId, delivery); !s)
                return s.error();
        }
    }
    if (!same)
        return Found(Known::Changed, batchId);

    auto next = nextStep(m_catalog, batchId, m_runner.stages());
    if (!next)
        return next.error();
    switch (next->action) {
    case NextStep::Action::Load:
        // A delivery that could not be loaded stays failed until it changes: loading it again would fail
        // again.
        return Found(next->state == StageState::Failed ? Known::Taken : Known::Unfinished, batchId);
    case NextStep::Action::Run:
        // Loading is all the watcher does without run: a loaded batch is the curator's to run.
        return Found(m_hot.run ? Known::Unfinished : Known::Taken, batchId);
    case NextStep::Action::Wait:
    case NextStep::Action::Stopped:
    case NextStep::Action::Done:
        return Found(Known::Taken, batchId);
    }
    Q_UNREACHABLE();
}

Status HotFolderRunner::remember(qint64 batchId, const Delivery &delivery)
{
    auto settings = m_catalog.batchSettings(batchId);
    if (!settings)
        return settings.error();
    settings->insert(QStringLiteral("hot_folder"),
                     QJsonObject{{QStringLiteral("folder"), m_watcher.folder()},
                                 {QStringLiteral("fingerprint"), delivery.fingerprint},
                                 {QStringLiteral("files"), delivery.files},
                                 {QStringLiteral("bytes"), delivery.bytes},
                                 {QStringLiteral("newest_change"),
                                  delivery.newestChange.toUTC().toString(Qt::ISODateWithMs)}});
    return m_catalog.setBatchSettings(batchId, *settings);
}

bool HotFolderRunner::runDelivery(const Delivery &delivery)
{
    auto known = lookup(delivery);
    if (!known) {
        log(tr("Error: %1").arg(known.error().message));
        emit errorOccurred(known.error().message);
        emit deliveryFinished(delivery.path, 0, false);
        return false;
    }
    const auto [state, batchId] = *known;
    if (state == Known::Taken) {
        log(tr("Delivery %1 was loaded as batch %2 and has not changed since; not loading it again.")
                .arg(delivery.name)
                .arg(batchId));
        return false;
    }
    m_current = delivery;
    if (state == Known::Unfinished && m_hot.run) {
        log(tr("Delivery %1 (batch %2) did not finish; resuming it.").arg(delivery.name).arg(batchId));
        m_runner.run(delivery.path, m_options);
        return true;
    }
    if (state == Known::Unfinished) {
        // Intake was interrupted: the batch is loaded again from scratch, as BatchRunner::run() would.
        log(tr("Loading delivery %1 (batch %2) did not finish; loading it again.")
                .arg(delivery.name)
                .arg(batchId));
        auto reloaded = m_runner.reload(batchId, delivery.path, m_options.intakeOptions());
        if (reloaded)
            emit batchLoaded(batchId);
        QTimer::singleShot(
            0, this,
            [this, batchId, ok = bool(reloaded), message = reloaded ? QString() : reloaded.error().message] {
                deliveryDone(batchId, ok, ok ? tr("loaded.") : message);
            });
        return true;
    }
    log(state == Known::Changed ? tr("Delivery %1 changed since it was loaded as batch %2: %3 files, %4 "
                                     "bytes; loading it as a new "
                                     "batch.")
                                      .arg(delivery.name)
                                      .arg(batchId)
                                      .arg(delivery.files)
                                      .arg(delivery.bytes)
                                : tr("Delivery %1 settled: %2 files, %3 bytes; loading it.")
                                      .arg(delivery.name)
                                      .arg(delivery.files)
                                      .arg(delivery.bytes));
    auto loaded = m_runner.load(delivery.path, m_options.intakeOptions());
    if (!loaded) {
        // The batch exists with a failed intake: remember the fingerprint so an unchanged broken delivery is
        // not retried at every listing.
        qint64 failedId = 0;
        if (auto failed = m_catalog.latestBatchForSource(Intake::normalizeSource(delivery.path));
            failed && *failed && **failed != batchId) {
            failedId = **failed;
            if (Status s = remember(failedId, delivery); !s)
                log(tr("Warning: %1").arg(s.error().message));
        }
        QTimer::singleShot(0, this, [this, failedId, message = loaded.error().message] {
            deliveryDone(failedId, false, message);
        });
        return true;
    }
    if (Status s = remember(loaded->batchId, delivery); !s)
        log(tr("Warning: %1").arg(s.error().message));
    emit batchLoaded(loaded->batchId);
    if (m_hot.run) {
        m_runner.runBatch(loaded->batchId, m_options);
        return true;
    }
    QTimer::singleShot(
        0, this, [this, batchId = loaded->batchId, items = loaded->items, files = loaded->files] {
            deliveryDone(batchId, true, tr("loaded (%1 items, %2 files).").arg(items).arg(files));
        });
    return true;
}

void HotFolderRunner::deliveryDone(qint64 batchId, bool ok, const QString &message)
{
    const Delivery delivery = std::exchange(m_current, Delivery{});
    m_watcher.release(delivery.name);
    if (ok) {
        log(tr("Delivery %1 finished as batch %2: %3").arg(delivery.name).arg(batchId).arg(message));
    } else {
        const QString line =
            tr("Delivery %1 failed%2: %3")
                .arg(delivery.name, batchId > 0 ? tr(" (batch %1)").arg(batchId) : QString(), message);
        log(line);
        emit errorOccurred(line);
    }
    emit deliveryFinished(delivery.path, batchId, ok);
    if (m_stopping) {
        if (!m_finished) {
            m_finished = true;
            emit finished();
        }
        return;
    }
    QTimer::singleShot(0, this, &HotFolderRunner::processNext);
}

} // namespace gh
