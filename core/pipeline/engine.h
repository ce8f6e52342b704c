#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "batchhousekeeping.h"
#include "batchrunner.h"
#include "model/finding.h"

namespace gh {

class BitStore;
class Catalog;
class HotFolderRunner;

/*!
    \class gh::Engine
    The engine as the GUI sees it: one object that lives on its own thread, owns that thread's catalog
    connection, the bit store and the batch runner, and answers requests with signals. Call its slots through
    queued connections (QMetaObject::invokeMethod); only cancel() may be called directly from any thread.

    Updates are throttled for the GUI thread: file changes arrive in batches from the stages, and the batch
   list is refreshed at most a few times a second.
*/
class Engine : public QObject
{
    Q_OBJECT

public:
    Engine(const Workspace &workspace, const RunOptions &options, QObject *parent = nullptr);
    ~Engine() override;

    //! Thread-safe: asks the running stage to stop; cancelled files stay pending.
    void cancel();

public slots:
    //! Opens the catalog and the store on the engine's thread; emits started() or failed().
    void start();
    //! Loads \a source (or resumes its unfinished batch) and runs the automatic stages.
    void runSource(const QString &source);
    //! Runs the automatic stages of an existing batch.
    void runBatch(qint64 batchId);
    void setRunOptions(const gh::RunOptions &options);
    //! Emits batchesChanged() with every batch and its problems counted (gh::Problems::annotate()).
    void refreshBatches();
    //! Streams every file of a batch in chunks through filesLoaded().
    void loadFiles(qint64 batchId);
    /*!
        Reads every file of \a batchId again and streams them through filesLoaded() without \c reset: rows
        already shown are updated in place (selection, scroll position and the current file stay), new ones
        are appended. For changes other processes made (gh::CatalogWatcher).
    */
    void refreshFiles(qint64 batchId);
    //! Emits fileDetails() for one file: the record, its item, and the file's and item's events in time
    //! order.
    void loadFileDetails(qint64 fileId);
    //! Emits findingsLoaded() with every QA finding of \a batchId.
    void loadFindings(qint64 batchId);
    /*!
        Pauses the running batch's fetch stage (downloads stop receiving and keep their connections, no new
        file starts, a local copy under way finishes its file) or resumes it. Ignored, with
        pausedChanged(false), when nothing runs; a run that finishes ends its pause.
    */
    void setPaused(bool paused);
    /*!
        Watches \a dir for deliveries (an empty \a dir stops watching): each entry is loaded as a batch once
        nothing in it has changed for \a settleMs, and run when the engine is free, in the order they
        settled, so progress, pause and cancel work as for a batch the curator opened.
    */
    void setHotFolder(const QString &dir, qint64 settleMs = 10000);

    // Curator requests beyond running: a new batch of a known source, checking again, housekeeping.
    //! Loads \a source as a new batch even if an unfinished batch of it exists, and runs it.
    void runNewSource(const QString &source);
    /*!
        Checks \a batchId again (only \a fileIds when given; see gh::Recheck) and fetches what needs
        copying; reports like a run (busyChanged(), progressChanged(), runFinished()).
    */
    void recheck(qint64 batchId, const QList<qint64> &fileIds);
    void renameBatch(qint64 batchId, const QString &name);
    void setBatchArchived(qint64 batchId, bool archived);
    //! Answers with batchDeletionPlanned(): what deleting \a batchId would remove.
    void planBatchDeletion(qint64 batchId);
    //! Deletes \a batchId with its stored copies (see gh::BatchHousekeeping::remove()).
    void deleteBatch(qint64 batchId);

signals:
    void started(const QString &catalog, const QString &store);
    void failed(const QString &message);
    //! The hot folder now watched (empty: none).
    void hotFolderChanged(const QString &dir);
    void busyChanged(bool busy);
    //! The pause state after setPaused() or after a paused run finished.
    void pausedChanged(bool paused);
    void batchesChanged(const QList<gh::BatchRecord> &batches);
    /*!
        The batch list at start, before the problems are counted (BatchRecord::problems and batchProblems
        empty): counting reads every batch's stages and findings, and the window shows the newest batch's
        files first. A batchesChanged() with the problems follows when refreshBatches() is asked for.
    */
    void batchesListed(const QList<gh::BatchRecord> &batches);
    //! The files of \a batchId: the first chunk has \a reset set, the last has \a complete set.
    void filesLoaded(qint64 batchId, const QList<gh::FileRecord> &files, bool reset, bool complete);
    void filesChanged(const QList<gh::FileRecord> &files);
    void fileDetails(const gh::FileRecord &file, const gh::ItemRecord &item,
                     const QList<gh::EventRecord> &events);
    /*!
        What QA found about the file of the latest fileDetails(): its findings and the image statistics
        kept for it (fileId 0 when it has none). Sent right after fileDetails().
    */
    void fileQa(qint64 fileId, const QList<gh::FindingRecord> &findings,
                const gh::ImageStatistics &statistics);
    //! The QA findings of \a batchId, and for each where it is ("item / name", empty for the batch's own).
    void findingsLoaded(qint64 batchId, const QList<gh::FindingRecord> &findings, const QStringList &where);
    void batchLoaded(const gh::LoadResult &result);
    void progressChanged(const gh::Progress &progress);
    void logMessage(const QString &line);
    void runFinished(qint64 batchId, bool ok, const QString &message);
    void batchDeletionPlanned(const gh::BatchFootprint &footprint);
    void batchDeleted(qint64 batchId, const QString &message);

private:
    bool ensureIdle();
    //! Streams the files of \a batchId through filesLoaded(), the first chunk with \a reset.
    void streamFiles(qint64 batchId, bool reset);
    void runNextDelivery();
    //! The run options with the banned list read from its file.
    Result<RunOptions> optionsForRun() const;
    void scheduleBatchRefresh();
    //! For the curator's requests that run: idle, options read; announces the run. Nothing when refused.
    std::optional<RunOptions> beginRun();

    Workspace m_workspace;
    RunOptions m_options;
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<BitStore> m_store;
    std::unique_ptr<BatchRunner> m_runner;
    QTimer m_refreshTimer;
    bool m_paused = false;
    std::unique_ptr<HotFolderRunner> m_hotFolder;
    QList<qint64> m_deliveries; //!< Batches the hot folder loaded, waiting for the runner.
    //! Shared with the runner and its stages: cancel() takes effect at once, from any thread.
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
};

} // namespace gh

Q_DECLARE_METATYPE(gh::BatchFootprint)
