#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QSet>

#include "intake/intake.h"
#include "nextstep.h"
#include "progress.h"
#include "report/batchlog.h"
#include "report/runnotifier.h"
#include "runoptions.h"
#include "stagedefinition.h"
#include "store/bitstore.h"
#include "workspace.h"

namespace gh {

class BitStore;
class Catalog;
class FileStage;

/*!
    \class gh::BatchRunner
    Walks a batch through its stages: intake, then the stages of its list (StageDefinition::defaults()
    unless setStages() gives another), asking nextStep() before each what the batch needs. Files stages run
    one after the other; a stage that needs a person stops the run (the batch waits for the curator); a
    stage that fails ends it. Writes the batch log and the \c _SUMMARY, and resumes an earlier, unfinished
    batch of the same source. Lives on one thread (the CLI's main thread, or the GUI's engine thread) and
    reports through signals.
*/
class BatchRunner : public QObject
{
    Q_OBJECT

public:
    /*!
        \a cancelFlag, if given, is shared with whoever may cancel from another thread (the GUI): setting it
        stops intake and the running stage at once, without waiting for this object's thread.
    */
    BatchRunner(const Workspace &workspace, Catalog &catalog, BitStore &store,
                std::shared_ptr<std::atomic_bool> cancelFlag = {}, QObject *parent = nullptr);
    ~BatchRunner() override;

    //! The stages walked after intake, in order (a plug-in adds its own here).
    void setStages(const QList<StageDefinition> &stages);
    const QList<StageDefinition> &stages() const { return m_stages; }

    //! Creates a batch from \a source; synchronous.
    Result<LoadResult> load(const QString &source, const IntakeOptions &options);
    //! Loads \a source again into \a batchId, whose intake did not finish; synchronous.
    Result<LoadResult> reload(qint64 batchId, const QString &source, const IntakeOptions &options);

    /*!
        Loads \a source and runs its stages. If the newest batch of the same source did not finish (its
        process was killed, or it was cancelled: nextStep() says load or run), that batch is resumed instead
        of creating a new one.
    */
    void run(const QString &source, const RunOptions &options);
    /*!
        Runs every files stage of an existing batch once more (pending work, transient failures), in order.
        \a occasion tells RunNotifier what the run was (an upload or an approval's upload mails; a fetch
        does not).
    */
    void runBatch(qint64 batchId, const RunOptions &options,
                  RunNotifier::Occasion occasion = RunNotifier::Occasion::Fetch);
    //! Thread-safe.
    void cancel();
    /*!
        Pauses the running stage (running downloads stop receiving, no new file starts; work already under
        way on a file finishes it) or resumes it. A stage that starts later in this run starts paused.
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
    Status checkNotRunningElsewhere(qint64 batchId);
    void log(const QString &line);
    void begin(const RunOptions &options, bool rerun);
    //! Asks nextStep() and does it: the next stage, a stop, or the end of the run.
    void advance(qint64 batchId);
    void startStage(qint64 batchId, const StageDefinition &definition);
    void stageFinished(qint64 batchId, Stage stage, StageState state, const QString &detail);
    void complete(qint64 batchId, bool ok, const QString &message);

    Workspace m_workspace;
    Catalog &m_catalog;
    BitStore &m_store;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QList<StageDefinition> m_stages;
    std::unique_ptr<FileStage> m_stage; //!< The stage running now.
    std::unique_ptr<BatchLog> m_log;
    RunOptions m_options;
    QSet<Stage> m_ran; //!< Stages this run has run, intake included when it loaded.
    bool m_rerun = false;
    QString m_lastDetail; //!< The detail of the stage that finished last.
    bool m_busy = false;
    bool m_paused = false;
    //! What complete() tells RunNotifier the run was: set by run() and runBatch().
    RunNotifier::Occasion m_occasion = RunNotifier::Occasion::Run;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::LoadResult)
