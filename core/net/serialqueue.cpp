#include "serialqueue.h"

namespace gh {

std::shared_ptr<SerialQueue> SerialQueue::create(QThreadPool *pool)
{
    return std::shared_ptr<SerialQueue>(new SerialQueue(pool));
}

void SerialQueue::post(std::function<void()> task)
{
    QMutexLocker lock(&m_mutex);
    m_tasks.push_back(std::move(task));
    if (m_running)
        return;
    m_running = true;
    m_pool->start([self = shared_from_this()] { self->drain(); });
}

void SerialQueue::drain()
{
    for (;;) {
        std::function<void()> task;
        {
            QMutexLocker lock(&m_mutex);
            if (m_tasks.empty()) {
                m_running = false;
                return;
            }
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        task();
    }
}

} // namespace gh
