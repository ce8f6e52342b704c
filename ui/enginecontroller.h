#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QThread>

#include "catalog/catalogchanges.h"
#include "pipeline/engine.h"

namespace gh {

/*!
    \class gh::EngineController
    Owns the engine's thread. The GUI talks to the engine only through this object: requests become queued
    calls on the engine's thread, answers arrive as the engine's signals (connect to engine() with
    Qt::QueuedConnection, which is what AutoConnection does across threads).

    It also owns the change feed (gh::CatalogWatcher, on a thread of its own): catalogChanged() reports what
    other workstations, command-line runs and this engine committed, at most once per [team] refresh_ms.
*/
class EngineController : public QObject
{
    Q_OBJECT

public:
    EngineController(const Workspace &workspace, const RunOptions &options, QObject *parent = nullptr);
    ~EngineController() override;

    //! For connecting to its signals; never call its slots directly from the GUI thread.
    Engine *engine() const { return m_engine; }

    void start();
    void runSource(const QString &source);
    void runBatch(qint64 batchId);
    void loadFiles(qint64 batchId);
    //! See Engine::refreshFiles(): the batch's files again, as updates that keep the view's place.
    void refreshFiles(qint64 batchId);
    void loadFileDetails(qint64 fileId);
    //! Asks for the QA findings of \a batchId; the engine answers with Engine::findingsLoaded().
    void loadFindings(qint64 batchId);
    /*!
        See Engine::refreshBatches(). A request while one is queued and not yet started is the same request:
        the queued one reads whatever is committed when it starts (counting problems reads every batch).
    */
    void refreshBatches();
    void setRunOptions(const RunOptions &options);
    void cancel();
    //! Pauses or resumes the running batch's fetch stage; the engine answers with Engine::pausedChanged().
    void setPaused(bool paused);
    //! Watches \a dir for deliveries (empty: none); see Engine::setHotFolder().
    void setHotFolder(const QString &dir, qint64 settleMs = 10000);
    //! See Engine::runNewSource().
    void runNewSource(const QString &source);
    //! See Engine::recheck().
    void recheck(qint64 batchId, const QList<qint64> &fileIds = {});
    void renameBatch(qint64 batchId, const QString &name);
    void setBatchArchived(qint64 batchId, bool archived);
    //! The engine answers with Engine::batchDeletionPlanned().
    void planBatchDeletion(qint64 batchId);
    void deleteBatch(qint64 batchId);

signals:
    //! What changed in the catalog since the last report (see gh::CatalogWatcher).
    void catalogChanged(const QList<gh::CatalogChange> &changes);

private:
    QThread m_thread;
    Engine *m_engine;
    CatalogWatcher m_watcher;
    //! A refreshFiles() is queued on the engine's thread: a second one waits for it to start (no backlog).
    std::shared_ptr<std::atomic_bool> m_filesRefreshQueued = std::make_shared<std::atomic_bool>(false);
    //! The same for refreshBatches().
    std::shared_ptr<std::atomic_bool> m_batchesRefreshQueued = std::make_shared<std::atomic_bool>(false);
};

} // namespace gh
