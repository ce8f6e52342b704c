#include "enginecontroller.h"

namespace gh {

namespace {

//! Queues \a call on \a engine's thread unless the last one queued with \a queued has not started yet: that
//! one reads whatever is committed by the time it starts, so no reads pile up behind one another.
template <typename Call>
void queueOnce(Engine *engine, const std::shared_ptr<std::atomic_bool> &queued, Call call)
{
    if (queued->exchange(true))
        return;
    QMetaObject::invokeMethod(
        engine,
        [engine, queued, call] {
            queued->store(false);
            call(engine);
        },
        Qt::QueuedConnection);
}

} // namespace

EngineController::EngineController(const Workspace &workspace, const RunOptions &options, QObject *parent)
    : QObject(parent)
    , m_engine(new Engine(workspace, options))
    , m_watcher(workspace.catalog(), options.team.refreshMs)
{
    connect(&m_watcher, &CatalogWatcher::changed, this, &EngineController::catalogChanged);
    connect(&m_watcher, &CatalogWatcher::failed, m_engine, &Engine::logMessage);
    m_thread.setObjectName(QStringLiteral("gatehouse-engine"));
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.start();
}

EngineController::~EngineController()
{
    // Stop work cooperatively; running copies abort and their files stay pending for the next start.
    m_engine->cancel();
    m_thread.quit();
    m_thread.wait();
}

void EngineController::start()
{
    // The watcher opens the catalog once the engine has created and migrated it.
    connect(
        m_engine, &Engine::started, this, [this] { m_watcher.start(); }, Qt::SingleShotConnection);
    QMetaObject::invokeMethod(m_engine, &Engine::start, Qt::QueuedConnection);
}

void EngineController::runSource(const QString &source)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, source] { engine->runSource(source); }, Qt::QueuedConnection);
}

void EngineController::runBatch(qint64 batchId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId] { engine->runBatch(batchId); }, Qt::QueuedConnection);
}

void EngineController::loadFiles(qint64 batchId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId] { engine->loadFiles(batchId); }, Qt::QueuedConnection);
}

void EngineController::refreshFiles(qint64 batchId)
{
    // Reading a large batch may take longer than the refresh interval: never queue reads behind one another.
    queueOnce(m_engine, m_filesRefreshQueued, [batchId](Engine *engine) { engine->refreshFiles(batchId); });
}

void EngineController::loadFileDetails(qint64 fileId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, fileId] { engine->loadFileDetails(fileId); }, Qt::QueuedConnection);
}

void EngineController::loadFindings(qint64 batchId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId] { engine->loadFindings(batchId); }, Qt::QueuedConnection);
}

void EngineController::refreshBatches()
{
    queueOnce(m_engine, m_batchesRefreshQueued, [](Engine *engine) { engine->refreshBatches(); });
}

void EngineController::setRunOptions(const RunOptions &options)
{
    m_watcher.setInterval(options.team.refreshMs);
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, options] { engine->setRunOptions(options); }, Qt::QueuedConnection);
}

void EngineController::cancel()
{
    m_engine->cancel();
}

void EngineController::setPaused(bool paused)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, paused] { engine->setPaused(paused); }, Qt::QueuedConnection);
}

void EngineController::setHotFolder(const QString &dir, qint64 settleMs)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, dir, settleMs] { engine->setHotFolder(dir, settleMs); },
        Qt::QueuedConnection);
}

void EngineController::runNewSource(const QString &source)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, source] { engine->runNewSource(source); }, Qt::QueuedConnection);
}

void EngineController::recheck(qint64 batchId, const QList<qint64> &fileIds)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId, fileIds] { engine->recheck(batchId, fileIds); },
        Qt::QueuedConnection);
}

void EngineController::renameBatch(qint64 batchId, const QString &name)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId, name] { engine->renameBatch(batchId, name); },
        Qt::QueuedConnection);
}

void EngineController::setBatchArchived(qint64 batchId, bool archived)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId, archived] { engine->setBatchArchived(batchId, archived); },
        Qt::QueuedConnection);
}

void EngineController::planBatchDeletion(qint64 batchId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId] { engine->planBatchDeletion(batchId); }, Qt::QueuedConnection);
}

void EngineController::deleteBatch(qint64 batchId)
{
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, batchId] { engine->deleteBatch(batchId); }, Qt::QueuedConnection);
}

} // namespace gh
