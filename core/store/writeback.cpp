#include "writeback.h"

#include <fcntl.h>
#include <unistd.h>

namespace gh {

Writeback::~Writeback()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    for (const Request &request : m_requests)
        ::close(request.fd);
}

void Writeback::start(int fd, qint64 offset, qint64 length)
{
    if (length > 0)
        queue(fd, offset, length);
}

void Writeback::settle(int fd)
{
    queue(fd, 0, 0);
}

void Writeback::queue(int fd, qint64 offset, qint64 length)
{
    if (fd < 0)
        return;
    {
        // A disk far slower than the copies would otherwise pile up a descriptor per object; the group
        // sync writes whatever was not hinted.
        std::lock_guard lock(m_mutex);
        if (m_requests.size() >= s_maxQueued)
            return;
    }
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return; // out of descriptors: the group sync writes these bytes instead
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            ::close(copy);
            return;
        }
        m_requests.push_back({copy, offset, length});
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
    }
    m_wake.notify_one();
}

int Writeback::queued() const
{
    std::lock_guard lock(m_mutex);
    return int(m_requests.size()) + m_busy;
}

void Writeback::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stopping || !m_requests.empty(); });
        if (m_stopping)
            return;
        const Request request = m_requests.front();
        m_requests.pop_front();
        ++m_busy;
        lock.unlock();
        // A failure here only means the group sync writes these bytes itself, and reports any error.
        if (request.length == 0)
            ::fdatasync(request.fd);
        else
            ::sync_file_range(request.fd, off64_t(request.offset), off64_t(request.length),
                              SYNC_FILE_RANGE_WRITE);
        ::close(request.fd);
        lock.lock();
        --m_busy;
    }
}

} // namespace gh
