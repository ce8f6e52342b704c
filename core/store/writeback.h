#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <QtGlobal>

namespace gh {

/*!
    \class gh::Writeback
    Starts the kernel writing file ranges to disk early, on a thread of its own, so that the sync that makes a
    group of objects durable (LocalStore::flush()) finds most of their bytes already on the device instead of
    writing all of them while the stage waits.

    Only hints: start() asks for \c sync_file_range(SYNC_FILE_RANGE_WRITE), which queues the range's dirty
    pages for writing and makes nothing durable (no metadata, no device cache flush); settle() asks for
    \c fdatasync, which also has the device put what it holds in its cache into its storage, so that a large
    object's bytes settle there while it is written instead of all at the group sync (on these virtual
    disks that last flush took 0.2 s of each ingest run's 2). Durability stays the group sync's either way.
    A request may block while the device queue is full — on this thread, never the caller's, which goes on
    hashing and writing. Each request holds a duplicate of the descriptor, so the caller may close, rename
    or delete its file at any time.
*/
class Writeback
{
public:
    Writeback() = default;
    //! Stops the thread; requests not yet started are dropped (the group sync writes their bytes).
    ~Writeback();
    Writeback(const Writeback &) = delete;
    Writeback &operator=(const Writeback &) = delete;

    //! Requests waiting at most; more are dropped.
    static constexpr size_t s_maxQueued = 256;

    //! Queues writing \a length bytes of \a fd from \a offset. Never blocks on the disk; drops the request
    //! when s_maxQueued are waiting already.
    void start(int fd, qint64 offset, qint64 length);
    //! Queues flushing what \a fd holds so far to the device's storage (fdatasync); dropped like start().
    void settle(int fd);
    //! Requests queued or being carried out (for tests).
    int queued() const;

private:
    struct Request
    {
        int fd;
        qint64 offset;
        qint64 length; //!< 0: settle the whole file
    };
    void queue(int fd, qint64 offset, qint64 length);
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Request> m_requests;
    int m_busy = 0;
    bool m_stopping = false;
    std::thread m_thread; //!< Started with the first request.
};

} // namespace gh
