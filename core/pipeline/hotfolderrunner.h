#pragma once

#include <memory>

#include <QObject>

#include "batchrunner.h"
#include "intake/deliverywatcher.h"

namespace gh {

/*!
    \class gh::HotFolderOptions
    What a hot folder watches, how patiently, and what it does with a delivery.
*/
struct HotFolderOptions : DeliveryWatcherOptions
{
    //! Run every automatic stage after loading (BatchRunner); off, a delivery is only loaded as a batch,
    //! for the curator to run.
    bool run = false;
};

/*!
    \class gh::HotFolderRunner
    Turns the deliveries a DeliveryWatcher hands over into batches, one at a time, in the order they settled.

    Identity: a batch's source path is the delivery's identity, and the batch's settings record the
    delivery's fingerprint under "hot_folder". A delivery whose newest batch has the same fingerprint was
    taken already and is not loaded again, also after a restart of the watcher, unless nextStep() says that
    batch is unfinished: an interrupted intake is loaded again into the same batch, and with
    HotFolderOptions::run an interrupted run is resumed. A delivery that could not be loaded stays failed
    until it changes (loading it again would fail again). A delivery whose fingerprint differs (files added,
    replaced or touched after it was loaded) is a new delivery and becomes a new batch. A batch of the same
    path loaded some other way (no fingerprint) counts as this delivery when it was created after the
    delivery's newest change.

    A QObject on one thread: the CLI's main thread, or the engine thread for the GUI.
*/
class HotFolderRunner : public QObject
{
    Q_OBJECT

public:
    HotFolderRunner(const Workspace &workspace, Catalog &catalog, BitStore &store, const RunOptions &options,
                    const HotFolderOptions &hotFolder,
                    std::shared_ptr<const WatchClock> clock = WatchClock::system(),
                    QObject *parent = nullptr);
    ~HotFolderRunner() override;

    //! Starts watching; fails when the folder cannot be listed.
    Status start();
    //! Stops watching and cancels the delivery in progress (its files stay pending and are resumed next
    //! time); finished() follows once it has stopped.
    void stop();

    DeliveryWatcher &watcher() { return m_watcher; }
    //! The runner the deliveries run on (its stages can be set before start()).
    BatchRunner &runner() { return m_runner; }

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
    enum class Known
    {
        New,        //!< No batch of this path.
        Taken,      //!< Loaded with this fingerprint, and nothing left to do with it.
        Unfinished, //!< Loaded with this fingerprint; its intake (or, with run, its run) did not finish.
        Changed     //!< A batch of this path exists, but of other contents.
    };

    void processNext();
    //! Starts on \a delivery; false when there was nothing to do with it.
    bool runDelivery(const Delivery &delivery);
    void deliveryDone(qint64 batchId, bool ok, const QString &message);
    Result<std::pair<Known, qint64>> lookup(const Delivery &delivery);
    Status remember(qint64 batchId, const Delivery &delivery);
    void log(const QString &line);
    void finishOnce();

    Catalog &m_catalog;
    RunOptions m_options;
    HotFolderOptions m_hot;
    DeliveryWatcher m_watcher;
    BatchRunner m_runner;
    Delivery m_current; //!< The delivery being loaded or run (empty name: none).
    bool m_scanned = false;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace gh
