#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include "catalog/catalog.h"
#include "fileoutcome.h"
#include "progress.h"
#include "stagedefinition.h"

namespace gh {

/*!
    \class gh::FileStage
    The base of every stage that works file by file: it owns what each of them needs, so a stage only says
    what it does to one file.

    \list
    \li Work: the files pending for the stage (StageEnvironment::pending) are claimed in the catalog a page
        at a time, keyset-paged by id, so a restart after a crash carries on with what is still pending and a
        million-file batch never sits in memory. At most a bounded number of files are in flight.
    \li Sharing: each claim is a lease owned by this process ("host:pid", [team] lease_seconds), renewed
        every third of its time while the stage works, confirmed before an outcome is committed and given
        up once it is. Several processes on one PostgreSQL catalog so share a batch with no file done twice;
        a process that dies leaves leases that run out and are taken over (at once when it ran on this
        machine). A process that runs out of work waits while others still hold leases, taking over what
        they leave, so the stage ends when the batch's work is done, not this process's share. The work
        across the batch's files (allSettled()) is then done once, by the first of them to get there.
    \li Commits: outcomes come back to this object's thread and are written, with their events, in one
        transaction every 256 files or 250 ms (after beforeCommit() made them durable); each commit is the
        stage's heartbeat.
    \li Progress: a Progress snapshot a few times a second.
    \li Pause stops dispatching; cancel (the run's shared atomic flag) stops dispatching and lets running
        work abort; cancelled files stay pending.
    \li Errors: transient failures of an earlier run are put back to pending when the stage starts; a run of
        consecutive errors that count towards the breaker (isBreakerError()) fails the stage; a catalog
        error fails it at once.
    \li The stage's lamp: running while it works; done, needs attention (problems, or cancelled) or failed
        when it ends, with a detail.
    \endlist

    A subclass implements dispatch() and reports each file's outcome with takeOutcome() (or
    outcomeArrived()), usually from work it starts with runOnPool(). Lives on one thread (the runner's).
*/
class FileStage : public QObject
{
    Q_OBJECT

public:
    explicit FileStage(const StageEnvironment &environment, QObject *parent = nullptr);
    ~FileStage() override;

    Stage stage() const { return m_env.pending.stage; }
    void start(const BatchContext &batch);
    //! Thread-safe.
    void cancel();
    //! Stops starting new work, or carries on; running work may pause too (pauseWork()).
    void setPaused(bool paused);
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }

signals:
    void progressChanged(const gh::Progress &progress);
    void filesChanged(const QList<gh::FileRecord> &files);
    void logMessage(const QString &line);
    void finished(gh::StageState state, const QString &detail);

protected:
    //! Called when the lamp says running, before the work is counted: clean up after a crash, put files
    //! back for another attempt. An error fails the stage.
    virtual Status prepare();
    //! The log line when the stage starts with \a files pending.
    virtual QString startMessage(qint64 files) const;
    //! Sees each page of pending files before they are dispatched (to look up what they need in one query).
    virtual Status pageLoaded(const QList<FileRecord> &page);
    //! Whether \a next may start now; false holds it (and the files after it) back until work comes back.
    virtual bool canDispatch(const FileRecord &next) const;
    /*!
        Starts work on \a file. Returns how many files that took into flight: 1, more for work that takes
        several files at once, 0 when the file is already part of work in flight (or the stage failed).
        Every file taken into flight must come back through takeOutcome(), untouched if it was not done.
    */
    virtual int dispatch(const FileRecord &file) = 0;
    //! A file taken into flight came back (before its outcome is recorded).
    virtual void released(const FileRecord &file);
    //! Called after each round of dispatching (to hand gathered work over in one go).
    virtual void dispatched();
    //! Running work should stop (cancel, failure) and report its files back untouched.
    virtual void abortWork();
    virtual void pauseWork(bool paused);
    //! Makes the outcomes about to be committed durable (the store syncs what it wrote).
    virtual Status beforeCommit();
    //! Writes one batch of outcomes and their events in one transaction.
    virtual Status commit(const QList<FileRecord> &files, const QList<EventRecord> &events);
    //! Whether an outcome counts towards the consecutive-error breaker (default: store errors).
    virtual bool isBreakerError(const FileRecord &file) const;
    virtual int breakerLimit() const;
    virtual QString breakerMessage(int count, const QString &lastError) const;
    //! Bytes of files in flight read so far, for progress.
    virtual qint64 bytesInFlight() const;
    //! Transfers running now, for progress.
    virtual QList<TransferActivity> activity() const;
    //! The lamp's detail when the stage ends with every file in an ok or skipped state.
    virtual QString doneDetail() const;
    /*!
        The files the lamp judges when the stage ends, by status: those this stage recorded (Catalog::
        stageCounts()), so a file an earlier stage failed, which never reached this one, is that stage's
        problem and not this one's. An error status or a file left pending makes the lamp need attention.
    */
    virtual Result<QMap<FileStatus, qint64>> judgedFiles();
    /*!
        Called once every file pending for the stage has been settled and committed (not after a cancel or
        a failure), before the lamp shows the end: work across all the files (QA's checks across a batch).
        \a state and \a detail hold what the files' statuses make of the end; the stage may change them.
        An error fails the stage; its files stay settled, so the next run only calls this again.
    */
    virtual Status allSettled(StageState &state, QString &detail);
    //! Called when the stage ends, before its last progress report.
    virtual void stopped();

    const StageEnvironment &environment() const { return m_env; }
    Catalog &catalog() const { return m_env.catalog; }
    const BatchContext &batch() const { return m_batch; }
    const std::shared_ptr<std::atomic_bool> &cancelFlag() const { return m_cancel; }
    QThreadPool &pool() { return m_pool; }
    //! Threads of the stage's pool, and how many files may be in flight at once.
    void setConcurrency(int poolThreads, int maxInFlight);

    using Deliver = std::function<void(const FileOutcome &)>;
    /*!
        Runs \a job on the stage's pool. Each outcome it passes to its Deliver comes back to this stage's
        thread (outcomeArrived()); the job checks the cancel flag itself and reports untouched files.
    */
    void runOnPool(std::function<void(const Deliver &deliver)> job);
    //! Takes in the outcome of a file in flight; false when the stage has stopped (failed, finished).
    bool takeOutcome(const FileOutcome &outcome);
    //! takeOutcome(), then dispatches more work.
    void outcomeArrived(const FileOutcome &outcome);
    //! Dispatches pending files while there is room; finishes the stage when nothing is left.
    void fill();
    //! Fails the stage: running work is stopped, uncommitted outcomes are dropped (their files stay pending).
    void fail(const QString &message);
    //! Claims, with this stage's lease, the pending files \a query selects (work that takes more files than
    //! the one dispatched, such as every member of an archive); files other processes hold are left out.
    Result<QList<FileRecord>> claim(FileQuery query);
    /*!
        Confirms (and renews) this process's leases on \a files just before work whose effects are written
        outside commit() (the duplicates stage's cases and events): the files still held. The others waited
        past their lease and another process took them over; they go back untouched (takeOutcome()).
    */
    Result<QList<FileRecord>> keepHeld(const QList<FileRecord> &files);
    //! The files this stage's claims took over from another owner since the last call (see
    //! catalog/takeover.h): their bytes may be at the store or target already.
    QSet<qint64> takeTakenOver() { return std::exchange(m_takenOver, {}); }

private:
    bool loadPage();
    //! The pass over the pending files ended: true when the stage may finish, false when it goes on (another
    //! pass, or waiting for the files other processes hold).
    bool passEnded();
    //! Gives up the leases of processes on this machine that no longer exist; how many owners that was.
    int releaseGoneHolders(QList<LeaseHolder> &holders);
    void renewLeases(bool force);
    void flush();
    void emitProgress();
    void finish(StageState state, const QString &detail);

    StageEnvironment m_env;
    BatchContext m_batch;
    QThreadPool m_pool;
    QTimer m_flushTimer;
    QTimer m_waitTimer;
    Lease m_lease;
    QElapsedTimer m_sinceRenewal;
    bool m_claimedInPass = false;
    bool m_waiting = false;
    //! This process holds the turn to end the shared stage (Catalog::beginSettle()); and ended it itself.
    bool m_settling = false;
    bool m_settled = false;
    //! Files that came back untouched in this run (cancelled, or left for a later run): not claimed again.
    QSet<qint64> m_untouched;
    QSet<qint64> m_takenOver; //!< See takeTakenOver().
    std::shared_ptr<std::atomic_bool> m_cancel;

    std::deque<FileRecord> m_queue;
    qint64 m_lastQueuedId = 0;
    bool m_exhausted = false;
    bool m_running = false;
    bool m_failed = false;
    bool m_paused = false;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
    int m_consecutiveErrors = 0;

    QList<FileRecord> m_pendingFiles;
    QList<EventRecord> m_pendingEvents;
    Progress m_progress;
    ThroughputMeter m_meter;
};

} // namespace gh
