#pragma once

#include <memory>
#include <optional>

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include "util/result.h"

namespace gh {

/*!
    \class gh::WatchClock
    The time as a DeliveryWatcher sees it. The system clock in use; a test gives its own and moves it on, so
    "unchanged for ten seconds" needs no ten seconds of waiting.
*/
class WatchClock
{
public:
    virtual ~WatchClock() = default;
    //! Milliseconds on a monotonic clock: how long a delivery has stayed unchanged.
    virtual qint64 elapsedMs() const = 0;
    //! The wall-clock time, compared with files' modification and status-change times (once mode).
    virtual QDateTime now() const = 0;

    //! The system's clocks.
    static std::shared_ptr<const WatchClock> system();
};

/*!
    \class gh::DeliveryWatcherOptions
    What a hot folder watches and how patiently.
*/
struct DeliveryWatcherOptions
{
    QString dir;
    //! A delivery is taken once nothing in it has changed (names, sizes, modification times, number of
    //! entries) for this long.
    qint64 settleMs = 10000;
    //! How often the folder is listed again; 0 picks a quarter of the settle time, between 0.2 and 5 s.
    qint64 rescanMs = 0;
    //! List the folder once and take what is settled now (for cron jobs and tests): a delivery counts as
    //! settled when its newest change (modification or status-change time of any file or folder in it) is
    //! at least the settle time old.
    bool once = false;
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
    \class gh::DeliveryWatcher
    Lists a hot folder, fingerprints each delivery in it, and hands over the deliveries that have settled, in
    the order they settled. It knows nothing of batches: whoever takes a delivery decides what to do with it
    (HotFolderRunner).

    Every top-level entry of the folder, a sub-folder or a single file, is a delivery, except entries whose
    names start with "." or end in ".part" or ".tmp" (case-insensitive): those are being copied in by the
    usual conventions and are ignored until they are renamed. A delivery folder that holds files ending in
    ".part" or ".tmp" is still being written and is not taken until they are gone.

    Settling: the folder is listed again every few seconds (QFileSystemWatcher makes a change on the folder
    itself trigger that at once, but it does not see into sub-folders and misses changes on some network
    file systems, so the periodic listing is what counts). A delivery settles when its fingerprint (see
    Delivery) has stayed the same for the settle time, so a file that still grows or a folder that still
    gains files is waited for. Deliveries already taken are listed again every 30 s, to notice that they
    changed; a changed one settles again and is handed over again.

    Time comes from a WatchClock; a test moves its own clock on and calls scan().
*/
class DeliveryWatcher : public QObject
{
    Q_OBJECT

public:
    explicit DeliveryWatcher(const DeliveryWatcherOptions &options,
                             std::shared_ptr<const WatchClock> clock = WatchClock::system(),
                             QObject *parent = nullptr);
    ~DeliveryWatcher() override;

    //! Checks the folder and schedules the first listing; unless once, watches it from then on.
    Status start();
    //! Stops listing the folder.
    void stop();
    //! Lists the folder now; scanned() follows.
    void scan();
    /*!
        The next settled delivery, listed once more right before it is handed over: one whose copy started
        again after it settled goes back to settling. Empty when none is waiting. The delivery counts as
        taken (it is not handed over again) until release().
    */
    std::optional<Delivery> takeNext();
    //! The taken delivery \a name is dealt with; it is handed over again only once it changes.
    void release(const QString &name);
    //! Whether settled deliveries wait for takeNext().
    bool hasSettled() const { return !m_queue.isEmpty(); }

    const DeliveryWatcherOptions &options() const { return m_options; }
    //! The watched folder, canonical, once start() succeeded.
    QString folder() const { return m_dir; }

    //! Whether a top-level name is ignored until it is renamed (see the class description).
    static bool isIgnoredName(const QString &name);
    //! Whether a file inside a delivery shows that the delivery is still being written.
    static bool isPartialName(const QString &name);
    //! Lists \a path (a folder or a file) as a delivery.
    static Result<Delivery> inspect(const QString &path);

signals:
    //! A new or changed delivery at \a path was seen; it is handed over once it has stopped changing.
    void settling(const QString &path);
    //! A listing of the folder is done; takeNext() has what settled.
    void scanned();
    //! What the watcher decided, one line at a time, for a log.
    void logMessage(const QString &line);

private:
    struct Watched
    {
        Delivery delivery;
        qint64 stableSinceMs = 0;  //!< When the current fingerprint was first seen.
        qint64 inspectedAtMs = -1; //!< When it was last listed.
        bool handled = false;      //!< Handed over (or waiting to be) with this fingerprint.
    };

    void scheduleScan();
    void log(const QString &line);

    DeliveryWatcherOptions m_options;
    std::shared_ptr<const WatchClock> m_clock;
    QString m_dir;
    QFileSystemWatcher m_watcher;
    QTimer m_rescanTimer;
    QHash<QString, Watched> m_watched; //!< By name in the folder.
    QStringList m_queue;               //!< Names of settled deliveries, in the order they settled.
    QString m_taken;                   //!< The delivery handed over and not yet released.
    bool m_scanPending = false;
    bool m_stopped = false;
};

} // namespace gh
