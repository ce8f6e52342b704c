#pragma once

#include <memory>
#include <set>

#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

namespace gh {

class ThumbnailCache;

/*!
    \class gh::ThumbnailLoader
    Makes thumbnails on a thread pool for a view that scrolls through many files, and hands them back as
    QImage through queued signals on the loader's own thread (the GUI turns them into QPixmaps there; the
    loader never touches a widget).

    Requests wait in the loader's own queue, not the pool's, so they can be re-ordered and dropped until
    they start: items the view reports as visible run first, then higher \c priority, then the most recent
    request (the user has usually scrolled on since the older ones). Requests that are not visible are kept
    up to prefetchLimit(); beyond it the lowest-priority, oldest ones are dropped silently, and the view asks
    again when they scroll back into sight. Every request first looks in the ThumbnailCache, when there is
    one and the request carries a SHA-256, and stores what it generates there.

    Use a loader from the thread it lives in only; its signals are emitted on that thread.
*/
class ThumbnailLoader : public QObject
{
    Q_OBJECT

public:
    //! \a cache may be null for no disk cache; it is shared with the worker threads.
    explicit ThumbnailLoader(std::shared_ptr<ThumbnailCache> cache = {}, QObject *parent = nullptr);
    //! Drops queued requests and waits for the running ones (at most one decode per thread).
    ~ThumbnailLoader() override;

    /*!
        Asks for a \a size thumbnail of the file at \a path, to be reported under \a key. \a sha256 (may
        be empty) keys the disk cache; \a mimetype (may be empty) lets unsupported types fail without disk
        access. Asking again for a queued key replaces that request; asking again for a running one with the
        same file and size is a no-op.
    */
    void request(const QString &key, const QString &path, const QString &sha256, const QString &mimetype,
                 int size, int priority = 0);
    //! Forgets \a key: a queued request never starts, a running one's result is discarded.
    void cancel(const QString &key);
    //! Forgets every request.
    void cancelAll();
    //! The keys the view shows now; their requests jump the queue, and others may be dropped.
    void setVisibleKeys(const QSet<QString> &keys);

    //! Queued requests outside the visible set that are kept; -1 keeps all. Default 256.
    void setPrefetchLimit(int limit);
    int prefetchLimit() const { return m_prefetchLimit; }
    //! Thumbnails made at once. Default: one per core.
    void setMaxThreads(int threads);
    int maxThreads() const { return m_maxThreads; }

    //! Whether \a key is queued or running (and its result will be reported).
    bool isPending(const QString &key) const;
    int queuedCount() const { return int(m_queued.size()); }
    int runningCount() const { return int(m_running.size()); }

Q_SIGNALS:
    void thumbnailReady(const QString &key, const QImage &image);
    void thumbnailFailed(const QString &key, const QString &message);
    //! The last outstanding request has been answered (or its result discarded): nothing is queued or
    //! running.
    void idle();

private:
    struct Job
    {
        QString path;
        QString sha256;
        QString mimetype;
        int size = 0;
    };
    // Sorts in the order requests start: visible first, higher priority first, newest first.
    struct Order
    {
        int hidden; // 0 visible, 1 not
        int negativePriority;
        qint64 negativeSequence;
        QString key;
        bool operator<(const Order &other) const;
    };
    struct Queued
    {
        Job job;
        Order order;
    };
    struct Running
    {
        Job job;
        quint64 ticket = 0;
    };
    struct Outcome
    {
        QImage image;
        QString error;
    };

    static Outcome produce(const Job &job, const std::shared_ptr<ThumbnailCache> &cache, int decodeThreads);
    void enqueue(const QString &key, const Job &job, int priority, qint64 sequence);
    void unqueue(const QString &key);
    void dropExcess();
    void schedule();
    void finish(const QString &key, quint64 ticket, const Outcome &outcome);

    std::shared_ptr<ThumbnailCache> m_cache;
    QThreadPool m_pool;
    int m_maxThreads;
    int m_prefetchLimit = 256;
    int m_inFlight = 0; // jobs on the pool, including cancelled ones still finishing
    qint64 m_nextSequence = 0;
    quint64 m_nextTicket = 0;
    std::set<Order> m_queue;
    QHash<QString, Queued> m_queued;
    QHash<QString, Running> m_running;
    QSet<QString> m_visible;
    int m_hiddenQueued = 0;
};

} // namespace gh
