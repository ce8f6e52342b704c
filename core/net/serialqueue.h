#pragma once

#include <deque>
#include <functional>
#include <memory>

#include <QMutex>
#include <QThreadPool>

namespace gh {

/*!
    \class gh::SerialQueue
    Runs tasks on a shared thread pool one after another, in the order they were posted: a "strand". Each
    download hashes and writes its chunks in order on one of these, while many downloads share the pool.
*/
class SerialQueue : public std::enable_shared_from_this<SerialQueue>
{
public:
    static std::shared_ptr<SerialQueue> create(QThreadPool *pool);
    void post(std::function<void()> task);

private:
    explicit SerialQueue(QThreadPool *pool)
        : m_pool(pool)
    {}
    void drain();

    QThreadPool *m_pool;
    QMutex m_mutex;
    std::deque<std::function<void()>> m_tasks;
    bool m_running = false;
};

} // namespace gh
