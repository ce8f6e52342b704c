#pragma once

#include <atomic>
#include <memory>

#include <QObject>

#include "fetchoptions.h"
#include "intake/intake.h"
#include "progress.h"
#include "report/batchlog.h"
#include "report/reportsettings.h"
#include "report/runnotifier.h"
#include "store/bitstore.h"
#include "workspace.h"

namespace gh {

class BitStore;
class Catalog;
class FetchStage;

struct RunOptions
{
    IntakeOptions intake;
    FetchOptions fetch;
    StoreOptions store;
    //! A banned-records file the engine reads when a run starts (the CLI's --banned reads it itself).
    QString bannedList;
    //! The summary mail and the copy of the reports at the end of a run ([mail], [report]).
    ReportOptions report;
};

/*!
    \class gh::BatchRunner
    Runs the automatic stages of a batch in order (intake, then fetch), writes the batch log and the
    \c _SUMMARY, and decides whether a run resumes an earlier, unfinished batch. Lives on one thread (the
    CLI's main thread, or the GUI's engine thread) and reports through signals.
*/
class BatchRunner : public QObject
{
    Q_OBJECT

public:
    /*!
        \a cancelFlag, if given, is shared with whoever may cancel from another thread (the GUI): setting it
        stops intake and copies at once, without waiting for this object's thread.
    */
    BatchRunner(const Workspace &workspace, Catalog &catalog, BitStore &store,
                std::shared_ptr<std::atomic_bool> cancelFlag = {}, QObject *parent = nullptr);
    ~BatchRunner() override;

    //! Creates a batch from \a source; synchronous.
    Result<LoadResult> load(const QString &source, const IntakeOptions &options);

    /*!
        Loads \a source and runs the automatic stages. If the newest batch of the same source did not finish
        (its process was killed or cancelled), that batch is resumed instead of creating a new one.
    */
    void run(const QString &source, const RunOptions &options);
    //! Runs the automatic stages of an existing batch, resuming pending work.
    void runBatch(qint64 batchId, const RunOptions &options);
    //! Thread-safe.
    void cancel();
    /*!
        Pauses the fetch stage (running downloads stop receiving, no new file starts; a copy already under
        way finishes its file) or resumes it. A fetch stage that starts later in this run starts paused.
    */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    bool isBusy() const { return m_busy; }

signals:
    void loaded(const gh::LoadResult &result);
    void progressChanged(const gh::Progress &progress);
    void filesChanged(const QList<gh::FileRecord> &files);
    void stageChanged(qint64 batchId, gh::Stage stage, gh::StageState state);
    void logMessage(const QString &line);
    //! \a ok is false when a stage could not run at all (a fatal error, described by \a message).
    void finished(qint64 batchId, bool ok, const QString &message);

private:
    //! The batch \a source's run should continue, if any, and whether its intake must start over.
    Result<std::optional<std::pair<qint64, bool>>> resumableBatch(const QString &source);
    Status checkNotRunningElsewhere(qint64 batchId);
    void log(const QString &line);
    void startFetch(qint64 batchId, const RunOptions &options);
    void complete(qint64 batchId, bool ok, const QString &message);

    Workspace m_workspace;
    Catalog &m_catalog;
    BitStore &m_store;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::unique_ptr<FetchStage> m_fetch;
    std::unique_ptr<BatchLog> m_log;
    bool m_busy = false;
    bool m_paused = false;
    //! What complete() does with the reports: set by run() and runBatch().
    ReportOptions m_report;
    RunNotifier::Occasion m_occasion = RunNotifier::Occasion::Run;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::LoadResult)
