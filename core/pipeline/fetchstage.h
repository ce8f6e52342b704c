#pragma once

#include <atomic>
#include <deque>
#include <memory>

#include <QHash>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include "fetchoptions.h"
#include "fetchoutcome.h"
#include "progress.h"

namespace gh {

class BitStore;
class Catalog;
class Downloader;
struct DownloadResult;
struct DownloadJob;

/*!
    \class gh::FetchStage
    Brings every pending file of a batch into the bit store and measures it.

    The stage asks the catalog for pending files a page at a time, so a restart after a crash simply carries
   on with what is still pending. Local files are copied on a thread pool; files with a URL go to the transfer
    engine, with the catalog's validators for their URL so an unchanged resource is not fetched again.
    Outcomes come back to this object's thread and are written to the catalog, with their events and the
    URLs' new validators, in batched transactions after the store has made them durable. Progress is reported
    a few times a second. cancel() stops dispatching and lets running work abort; cancelled files stay
   pending.
*/
class FetchStage : public QObject
{
    Q_OBJECT

public:
    //! \a cancel is the run's cancel flag (see BatchRunner); the stage makes its own if none is given.
    FetchStage(Catalog &catalog, BitStore &store, const FetchOptions &options,
               std::shared_ptr<std::atomic_bool> cancel = {}, QObject *parent = nullptr);
    ~FetchStage() override;

    void start(const BatchContext &batch);
    //! Thread-safe.
    void cancel();
    //! Pauses running downloads and stops starting new work, or carries on.
    void setPaused(bool paused);
    bool isRunning() const { return m_running; }

signals:
    void progressChanged(const gh::Progress &progress);
    void filesChanged(const QList<gh::FileRecord> &files);
    void logMessage(const QString &line);
    void finished(gh::StageState state, const QString &detail);

private:
    void fill();
    bool loadPage();
    void dispatch(const FileRecord &file);
    void dispatchLocal(const FileRecord &file);
    void dispatchDownload(const FileRecord &file);
    void dispatchArchive(const QString &archivePath);
    void onDownloads(const QList<DownloadResult> &results);
    void startDownloads();
    //! Takes in one outcome; false when the stage has stopped (it failed, or is finished).
    bool record(const FetchOutcome &outcome);
    void onOutcome(const FetchOutcome &outcome);
    void flush();
    void emitProgress();
    void finish(StageState state, const QString &detail);
    void fail(const QString &message);

    Catalog &m_catalog;
    BitStore &m_store;
    FetchOptions m_options;
    BatchContext m_batch;
    QThreadPool m_pool;
    std::unique_ptr<Downloader> m_transfers;
    QTimer m_flushTimer;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<std::atomic<qint64>> m_bytesInFlight;

    std::deque<FileRecord> m_queue;
    QHash<QString, HttpCacheEntry> m_cache; //!< The catalog's validators for the URLs in m_queue.
    QSet<QString> m_archivesInFlight;       //!< Archives whose pending members a pass has taken.
    QList<DownloadJob> m_jobs;              //!< Gathered by fill(), handed to the engine in one go.
    qint64 m_lastQueuedId = 0;
    bool m_exhausted = false;
    bool m_running = false;
    bool m_failed = false;
    bool m_paused = false;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
    int m_localInFlight = 0; //!< Copies and archive members among m_inFlight.
    int m_maxLocalInFlight = 0;
    int m_consecutiveStoreErrors = 0;

    QList<FileRecord> m_pendingFiles;
    QList<EventRecord> m_pendingEvents;
    QList<HttpCacheEntry> m_pendingCache;
    QList<TransferActivity> m_activity;
    Progress m_progress;
    ThroughputMeter m_meter;
};

} // namespace gh
