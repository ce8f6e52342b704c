#include "thumbnailloader.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include <QThread>

#include "imaginglogging.h"
#include "thumbnailcache.h"
#include "thumbnailgenerator.h"

namespace gh {

bool ThumbnailLoader::Order::operator<(const Order &other) const
{
    return std::tie(hidden, negativePriority, negativeSequence, key) <
           std::tie(other.hidden, other.negativePriority, other.negativeSequence, other.key);
}

ThumbnailLoader::ThumbnailLoader(std::shared_ptr<ThumbnailCache> cache, QObject *parent)
    : QObject(parent)
    , m_cache(std::move(cache))
    , m_maxThreads(std::max(1, QThread::idealThreadCount()))
{
    m_pool.setMaxThreadCount(m_maxThreads);
    m_pool.setObjectName(QStringLiteral("ThumbnailLoader"));
}

ThumbnailLoader::~ThumbnailLoader()
{
    m_queue.clear();
    m_queued.clear();
    m_running.clear();
    // Workers post their results to this object; they must all be done before it goes away. Results
    // posted but not yet delivered are discarded with the object.
    m_pool.waitForDone();
}

void ThumbnailLoader::request(const QString &key, const QString &path, const QString &sha256,
                              const QString &mimetype, int size, int priority)
{
    const Job job{path, sha256, mimetype, size};
    const auto running = m_running.constFind(key);
    if (running != m_running.cend()) {
        const Job &current = running->job;
        if (current.path == path && current.sha256 == sha256 && current.size == size)
            return;
        // Something else is wanted under this key now; the running job's result must not be reported.
        m_running.erase(running);
    }
    unqueue(key);
    enqueue(key, job, priority, m_nextSequence++);
    dropExcess();
    schedule();
}

void ThumbnailLoader::cancel(const QString &key)
{
    unqueue(key);
    m_running.remove(key);
}

void ThumbnailLoader::cancelAll()
{
    m_queue.clear();
    m_queued.clear();
    m_running.clear();
    m_hiddenQueued = 0;
}

void ThumbnailLoader::setVisibleKeys(const QSet<QString> &keys)
{
    // Only requests whose visibility changed move in the queue; a viewport is small, the queue may not be.
    const QSet<QString> previous = std::exchange(m_visible, keys);
    QSet<QString> changed = previous;
    changed.unite(keys);
    for (const QString &key : std::as_const(changed)) {
        if (previous.contains(key) == keys.contains(key))
            continue;
        const auto queued = m_queued.constFind(key);
        if (queued == m_queued.cend())
            continue;
        const Queued entry = *queued;
        unqueue(key);
        enqueue(key, entry.job, -entry.order.negativePriority, -entry.order.negativeSequence);
    }
    dropExcess();
    schedule();
}

void ThumbnailLoader::setPrefetchLimit(int limit)
{
    m_prefetchLimit = limit < 0 ? -1 : limit;
    dropExcess();
}

void ThumbnailLoader::setMaxThreads(int threads)
{
    m_maxThreads = std::max(1, threads);
    m_pool.setMaxThreadCount(m_maxThreads);
    schedule();
}

bool ThumbnailLoader::isPending(const QString &key) const
{
    return m_queued.contains(key) || m_running.contains(key);
}

void ThumbnailLoader::enqueue(const QString &key, const Job &job, int priority, qint64 sequence)
{
    const bool hidden = !m_visible.contains(key);
    const Order order{hidden ? 1 : 0, -priority, -sequence, key};
    m_queue.insert(order);
    m_queued.insert(key, Queued{job, order});
    if (hidden)
        ++m_hiddenQueued;
}

void ThumbnailLoader::unqueue(const QString &key)
{
    const auto queued = m_queued.constFind(key);
    if (queued == m_queued.cend())
        return;
    if (queued->order.hidden)
        --m_hiddenQueued;
    m_queue.erase(queued->order);
    m_queued.erase(queued);
}

void ThumbnailLoader::dropExcess()
{
    if (m_prefetchLimit < 0)
        return;
    // Hidden requests sort after every visible one, so the queue's tail holds the lowest-priority, oldest
    // hidden requests.
    while (m_hiddenQueued > m_prefetchLimit && !m_queue.empty()) {
        const QString key = std::prev(m_queue.end())->key;
        qCDebug(lcImaging) << "dropping far-off thumbnail request" << key;
        unqueue(key);
    }
}

void ThumbnailLoader::schedule()
{
    // The pool never holds more jobs than it has threads, so everything waiting stays in m_queue where it
    // can still be re-ordered or dropped.
    const int decodeThreads = std::max(1, QThread::idealThreadCount() / m_maxThreads);
    while (m_inFlight < m_maxThreads && !m_queue.empty()) {
        const QString key = m_queue.begin()->key;
        const Job job = m_queued.value(key).job;
        unqueue(key);
        const quint64 ticket = ++m_nextTicket;
        m_running.insert(key, Running{job, ticket});
        ++m_inFlight;
        m_pool.start([this, key, ticket, job, cache = m_cache, decodeThreads] {
            const Outcome outcome = produce(job, cache, decodeThreads);
            QMetaObject::invokeMethod(
                this, [this, key, ticket, outcome] { finish(key, ticket, outcome); }, Qt::QueuedConnection);
        });
    }
}

ThumbnailLoader::Outcome
ThumbnailLoader::produce(const Job &job, const std::shared_ptr<ThumbnailCache> &cache, int decodeThreads)
{
    const bool cacheable = cache && ThumbnailCache::isValidKey(job.sha256);
    if (cacheable) {
        if (std::optional<QImage> hit = cache->find(job.sha256, job.size))
            return Outcome{std::move(*hit), {}};
    }
    ThumbnailGenerator::Options options;
    options.size = job.size;
    options.mimetype = job.mimetype;
    options.decodeThreads = decodeThreads;
    Result<ThumbnailGenerator::Thumbnail> thumbnail = ThumbnailGenerator::generate(job.path, options);
    if (!thumbnail)
        return Outcome{{}, thumbnail.error().message};
    if (cacheable) {
        const Status stored = cache->insert(job.sha256, job.size, thumbnail->image);
        if (!stored)
            qCWarning(lcImaging) << stored.error().message;
    }
    return Outcome{std::move(thumbnail->image), {}};
}

void ThumbnailLoader::finish(const QString &key, quint64 ticket, const Outcome &outcome)
{
    --m_inFlight;
    const auto running = m_running.constFind(key);
    const bool current = running != m_running.cend() && running->ticket == ticket;
    if (current)
        m_running.erase(running);
    // Start the next job before reporting, so a slow slot does not leave a thread idle.
    schedule();
    if (current) {
        if (outcome.image.isNull())
            Q_EMIT thumbnailFailed(key, outcome.error);
        else
            Q_EMIT thumbnailReady(key, outcome.image);
    }
    if (m_queue.empty() && m_running.isEmpty() && m_inFlight == 0)
        Q_EMIT idle();
}

} // namespace gh
