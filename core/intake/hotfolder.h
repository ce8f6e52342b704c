#pragma once

#include <memory>

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QTimer>

#include "pipeline/batchrunner.h"

namespace gh {

/*!
    \class gh::HotFolderOptions
    What a hot folder watches and how patiently.
*/
struct HotFolderOptions
{
    QString dir;
    //! A delivery is taken once nothing in it has changed (names, sizes, modification times, number of
    //! entries) for this long.
    qint64 settleMs = 10000;
    //! How often the folder is listed again; 0 picks a quarter of the settle time, between 0.2 and 5 s.
    qint64 rescanMs = 0;
    //! Process what is settled now, then stop (for cron jobs and tests): a delivery counts as settled when
    //! its newest change (modification or status-change time of any file or folder in it) is at least the
    //! settle time old.
    bool once = false;
    //! Run every automatic stage after loading (BatchRunner: intake, then fetch); off, a delivery is only
    //! loaded as a batch, for the curator to run.
    bool run = false;
};

/*!
    \class gh::Delivery
    One top-level entry of a hot folder as it is now: a folder (with everything in it) or a single file.
*/
struct Delivery
{
    QString path; //!< Absolute.
    QString name; //!< The entry's name in the hot folder.
    //! SHA-256 over the sorted relative paths, sizes and modification times of everything in the delivery:
    //! equal fingerprints mean an unchanged delivery.
    QString fingerprint;
    qint64 files = 0;
    qint64 bytes = 0;
    //! The latest modification or status-change time of any file or folder in it. The status-change time
    //! (ctime) cannot be set by copying tools, so a copy that keeps the originals' modification times still
    //! shows when it happened.
    QDateTime newestChange;
    //! Holds files still being written by the usual conventions (names ending in ".part" or ".tmp").
    bool busy = false;
};

/*!
    \class gh::HotFolder
    Watches a folder for deliveries and runs each as a batch once it has settled.

    Every top-level entry of the folder, a sub-folder or a single file, is a delivery, except entries whose
    names start with "." or end in ".part" or ".tmp" (case-insensitive): those are being copied in by the
    usual conventions and are ignored until they are renamed. A delivery folder that holds files ending in
    ".part" or ".tmp" is still being written and is not taken until they are gone.

    Settling: the folder is listed again every few seconds (QFileSystemWatcher makes a change on the folder
    itself trigger that at once, but it does not see into sub-folders and misses changes on some network
    file systems, so the periodic listing is what counts). A delivery is taken when its fingerprint (see
    Delivery) has stayed the same for the settle time, so a file that still grows or a folder that still
    gains files is waited for. Deliveries already taken are listed again every 30 s, to notice that they
    changed. Deliveries are loaded (and, with HotFolderOptions::run, run: intake, then fetch) one at a time,
    in the order they settled.

    Identity: a batch's source path is the delivery's identity, and the batch's settings record the
    delivery's fingerprint under "hot_folder". A delivery whose newest batch has the same fingerprint was
    loaded already and is not loaded again, also after a restart of the watcher; if that batch's intake did
    not finish (the watcher was stopped), it is loaded again into the same batch, and with run, an unfinished
    run is resumed. A delivery whose fingerprint differs (files added, replaced or touched after it was
    loaded) is a new delivery and becomes a new batch. A batch of the same path loaded some other way (no
    fingerprint) counts as this delivery when it was created after the delivery's newest change.
*/
class HotFolder : public QObject
{
    Q_OBJECT

public:
    HotFolder(const Workspace &workspace, Catalog &catalog, BitStore &store, const RunOptions &options,
              const HotFolderOptions &hotFolder, QObject *parent = nullptr);
    ~HotFolder() override;

    //! Starts watching; fails when the folder cannot be listed.
    Status start();
    //! Stops watching and cancels the delivery in progress (its files stay pending and are resumed next
    //! time); finished() follows once it has stopped.
    void stop();

    //! Whether a top-level name is ignored until it is renamed (see the class description).
    static bool isIgnoredName(const QString &name);
    //! Whether a file inside a delivery shows that the delivery is still being written.
    static bool isPartialName(const QString &name);
    //! Lists \a path (a folder or a file) as a delivery.
    static Result<Delivery> inspect(const QString &path);

signals:
    //! What the watcher decided, one line at a time, for a log.
    void logMessage(const QString &line);
    //! A new or changed delivery at \a path was seen; it is loaded once it has stopped changing.
    void entrySettling(const QString &path);
    //! A settled delivery was loaded as the new batch \a batchId (before it is run, with
    //! HotFolderOptions::run).
    void batchLoaded(qint64 batchId);
    //! Something went wrong that the curator should see: a delivery that could not be loaded or run, a
    //! catalog error. The watcher carries on with the other deliveries.
    void errorOccurred(const QString &message);
    void progressChanged(const gh::Progress &progress);
    //! A delivery is done: loaded (and run) as batch \a batchId; \a ok is false when it could not be loaded
    //! or run (\a batchId is then 0 when no batch was created).
    void deliveryFinished(const QString &path, qint64 batchId, bool ok);
    //! After stop(), or with HotFolderOptions::once when everything settled has been processed.
    void finished();

private:
    struct Watched
    {
        Delivery delivery;
        qint64 stableSinceMs = 0;  //!< When the current fingerprint was first seen.
        qint64 inspectedAtMs = -1; //!< When it was last listed.
        bool handled = false;      //!< Queued or processed with this fingerprint.
    };
    enum class Known
    {
        New,        //!< No batch of this path.
        Loaded,     //!< Loaded with this fingerprint, and finished.
        Unfinished, //!< Loaded with this fingerprint; its run did not finish.
        Changed     //!< A batch of this path exists, but of other contents.
    };

    void rescan();
    void scheduleRescan();
    void processNext();
    void runDelivery(const Delivery &delivery);
    void deliveryDone(qint64 batchId, bool ok, const QString &message);
    Result<std::pair<Known, qint64>> lookup(const Delivery &delivery);
    Status remember(qint64 batchId, const Delivery &delivery);
    void log(const QString &line);

    Workspace m_workspace;
    Catalog &m_catalog;
    BitStore &m_store;
    RunOptions m_options;
    HotFolderOptions m_hot;
    QString m_dir;
    QFileSystemWatcher m_watcher;
    QTimer m_rescanTimer;
    QElapsedTimer m_clock;
    QHash<QString, Watched> m_watched; //!< By name in the folder.
    QStringList m_queue;               //!< Names of settled deliveries, in the order they settled.
    QString m_current;                 //!< The delivery being run.
    Delivery m_currentDelivery;
    std::unique_ptr<BatchRunner> m_runner;
    bool m_rescanPending = false;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace gh
