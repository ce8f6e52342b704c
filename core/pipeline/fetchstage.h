#pragma once

#include <atomic>
#include <memory>

#include <QHash>
#include <QSet>

#include "fetchoutcome.h"
#include "filestage.h"

namespace gh {

class BitStore;
class Downloader;
struct DownloadResult;
struct DownloadJob;

/*!
    \class gh::FetchStage
    Brings every pending file of a batch into the bit store and measures it: the first FileStage.

    Local files are copied on the stage's pool, the members of an archive in one sequential pass per archive;
    files with a URL go to the transfer engine, with the catalog's validators for their URL so an unchanged
    resource is not fetched again. Outcomes are committed with the URLs' new validators after the store has
    made them durable.
*/
class FetchStage : public FileStage
{
    Q_OBJECT

public:
    explicit FetchStage(const StageEnvironment &environment, QObject *parent = nullptr);
    ~FetchStage() override;

protected:
    Status prepare() override;
    QString startMessage(qint64 files) const override;
    Status pageLoaded(const QList<FileRecord> &page) override;
    bool canDispatch(const FileRecord &next) const override;
    int dispatch(const FileRecord &file) override;
    void released(const FileRecord &file) override;
    void dispatched() override;
    void abortWork() override;
    void pauseWork(bool paused) override;
    Status beforeCommit() override;
    Status commit(const QList<FileRecord> &files, const QList<EventRecord> &events) override;
    QString breakerMessage(int count, const QString &lastError) const override;
    qint64 bytesInFlight() const override;
    QList<TransferActivity> activity() const override;
    QString doneDetail() const override;
    //! Every file of the batch: intake's refusals and fetch's failures are the fetch lamp's to show.
    Result<QMap<FileStatus, qint64>> judgedFiles() override;
    void stopped() override;

private:
    //! A local file (not an archive member) copied in the group of large files.
    static bool isLargeCopy(const FileRecord &file);
    void dispatchLocal(const FileRecord &file);
    struct CopyQueue;
    void makeCopyQueues();
    void startCopier(const std::shared_ptr<CopyQueue> &queue);
    int dispatchArchive(const QString &archivePath);
    void dispatchDownload(const FileRecord &file);
    void onDownloads(const QList<DownloadResult> &results);

    BitStore &m_store;
    std::unique_ptr<Downloader> m_transfers;
    std::shared_ptr<std::atomic<qint64>> m_bytesInFlight;

    QHash<QString, HttpCacheEntry> m_cache; //!< The catalog's validators for the URLs queued.
    QSet<QString> m_archivesInFlight;       //!< Archives whose pending members a pass has taken.
    //! Claimed from another process, which may have stored them unrecorded: the store is asked first.
    QSet<qint64> m_lookFirst;
    QList<DownloadJob> m_jobs;                //!< Gathered while dispatching, handed to the engine in one go.
    std::shared_ptr<CopyQueue> m_smallCopies; //!< Local files under 8 MiB waiting for a copier.
    std::shared_ptr<CopyQueue>
        m_largeCopies;               //!< Local files from 8 MiB waiting for the copier of large ones.
    int m_copyThreads = 1;           //!< Copiers of smaller files at most.
    int m_localInFlight = 0;         //!< Copies and archive members in flight.
    int m_minLocalInFlight = 0;      //!< Copies always allowed in flight (two per pool thread).
    int m_maxLocalInFlight = 0;      //!< Copies allowed while they hold less than s_localQueueBytes.
    qint64 m_localBytesInFlight = 0; //!< Declared bytes of the local copies in flight.
    static constexpr qint64 s_localQueueBytes = 64 * 1024 * 1024;
    //! How many queued files a copier asks the kernel to start reading each time it takes files: their
    //! sources are read from disk (where not cached) while the copiers work on the files before them, not
    //! when their turn comes, perhaps behind the writes of a group's sync on the same disk.
    static constexpr int s_readAheadFiles = 64;
    int m_largeInFlight = 0; //!< Large local files in flight, counted apart from the rest.
    //! Large files in flight at most: what their group reads side by side in 4 md5 lanes.
    static constexpr int s_largeInFlight = 4;

    QList<HttpCacheEntry> m_pendingCache;
    QList<TransferActivity> m_activity;
};

} // namespace gh
