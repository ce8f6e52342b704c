#include "transferengine.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QPointer>
#include <QSocketNotifier>
#include <QThreadPool>
#include <QTimer>

#include <curl/curl.h>

#include "digest/multidigest.h"
#include "httprules.h"
#include "pipeline/localcopy.h"
#include "serialqueue.h"
#include "store/bitstore.h"
#include "util/logging.h"
#include "util/version.h"

namespace gh {

class TransferWorker;

namespace {

constexpr qint64 s_chunkSize = 1 << 20;
constexpr qint64 s_highWater = 16 * s_chunkSize; //!< Pause a transfer when this much waits to be hashed.
constexpr qint64 s_lowWater = 4 * s_chunkSize;   //!< Resume it when the backlog is below this.
constexpr qsizetype s_sniffBytes = 4096;
//! Downloads this large (or of unknown size) keep their bytes across an interruption; smaller ones restart.
constexpr qint64 s_resumableFrom = 8 * s_chunkSize;
//! The curl receive buffer: fewer, larger reads than its 16 KiB default.
constexpr long s_receiveBuffer = 512 * 1024;
constexpr int s_activityIntervalMs = 500;

QString agent()
{
    return agentFor(QStringLiteral("fetch"));
}

void initialiseCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool isStrongEtag(const QByteArray &etag)
{
    return !etag.isEmpty() && !etag.startsWith("W/");
}

/*!
    Chunk buffers for downloads, reused: a fresh megabyte per chunk means fresh pages to fault in and zero,
    which costs more than the copy into it.
*/
class ChunkPool
{
public:
    static QByteArray take()
    {
        {
            QMutexLocker lock(&mutex());
            if (!buffers().empty()) {
                QByteArray buffer = std::move(buffers().back());
                buffers().pop_back();
                return buffer;
            }
        }
        QByteArray buffer;
        buffer.reserve(s_chunkCapacity);
        return buffer;
    }

    static void give(QByteArray &&buffer)
    {
        // Only buffers nothing else refers to, and only as many as a busy engine keeps in flight.
        if (!buffer.isDetached() || buffer.capacity() < s_chunkCapacity)
            return;
        buffer.resize(0);
        QMutexLocker lock(&mutex());
        if (buffers().size() < s_poolSize)
            buffers().push_back(std::move(buffer));
    }

private:
    static constexpr qsizetype s_chunkCapacity = s_chunkSize + s_receiveBuffer;
    static constexpr size_t s_poolSize = 64;
    static QMutex &mutex()
    {
        static QMutex m;
        return m;
    }
    static std::vector<QByteArray> &buffers()
    {
        static std::vector<QByteArray> b;
        return b;
    }
};

/*!
    A download's bytes on their way to the store: pushed in order from the curl thread, hashed and written on
    a serial queue of the shared pool, so the curl thread only receives.
*/
class BodySink : public std::enable_shared_from_this<BodySink>
{
public:
    BodySink(std::unique_ptr<StoreWriter> writer, std::shared_ptr<SerialQueue> queue, bool sha512)
        : m_writer(std::move(writer))
        , m_queue(std::move(queue))
        , m_sha512(sha512)
        , m_kept(m_writer->written())
        , m_pushed(m_kept)
    {}

    //! Bytes already in the store from an earlier run of a resumable write.
    qint64 kept() const { return m_kept; }
    //! Bytes the store will hold once everything pushed is written (curl thread).
    qint64 pushed() const { return m_pushed; }
    qint64 backlog() const { return m_backlog.load(std::memory_order_relaxed); }
    QJsonObject resumeState() const { return m_writer->resumeState(); }

    //! Called on the pool thread whenever the backlog falls below the low-water mark.
    void setOnDrained(std::function<void()> onDrained) { m_onDrained = std::move(onDrained); }

    //! Rebuilds the digests from the bytes kept from an earlier run, before any new byte.
    void continueKept()
    {
        m_queue->post([self = shared_from_this()] {
            self->m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
            if (Status s = self->m_writer->replay(
                    [&](const char *data, qint64 size) { self->m_digest->add(data, size); });
                !s)
                self->m_error = s;
        });
    }

    //! Drops everything and starts from nothing; \a expectedSize picks the digest lanes.
    void startOver(qint64 expectedSize)
    {
        m_buffer.clear();
        m_pushed = 0;
        m_queue->post([self = shared_from_this(), expectedSize] {
            self->m_digest = std::make_unique<MultiDigest>(lanesForSize(expectedSize), self->m_sha512);
            self->m_lastChunk.clear();
            if (Status s = self->m_writer->truncate(); !s)
                self->m_error = s;
        });
    }

    void setResumeState(const QJsonObject &state)
    {
        m_queue->post([self = shared_from_this(), state] {
            if (Status s = self->m_writer->setResumeState(state); !s)
                qCWarning(lcTransfer).noquote() << s.error().message;
        });
    }

    void push(const char *data, qint64 size)
    {
        if (m_buffer.capacity() == 0)
            m_buffer = ChunkPool::take();
        m_buffer.append(data, size);
        m_pushed += size;
        if (m_buffer.size() >= s_chunkSize)
            flushBuffer();
    }

    void flushBuffer()
    {
        if (m_buffer.isEmpty())
            return;
        QByteArray chunk = std::exchange(m_buffer, {});
        m_backlog.fetch_add(chunk.size(), std::memory_order_relaxed);
        m_queue->post([self = shared_from_this(), chunk = std::move(chunk)]() mutable {
            const qint64 size = chunk.size();
            if (self->m_error.ok()) {
                if (!self->m_digest)
                    self->m_digest =
                        std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
                self->m_digest->add(chunk.constData(), size);
                self->m_error = self->m_writer->write(chunk.constData(), size);
                // A split-lane digest may still read this chunk until the next add(), which has now waited
                // for the previous one: that one can be reused.
                ChunkPool::give(std::exchange(self->m_lastChunk, std::move(chunk)));
            } else {
                ChunkPool::give(std::move(chunk));
            }
            const qint64 before = self->m_backlog.fetch_sub(size, std::memory_order_relaxed);
            if (before >= s_lowWater && before - size < s_lowWater && self->m_onDrained)
                self->m_onDrained();
        });
    }

    struct Final
    {
        Status error;
        Digests digests;
        qint64 size = 0;
    };
    //! After every pushed byte is written, runs \a then on the pool thread with the digests and the writer.
    void finish(std::function<void(const Final &, StoreWriter &)> then)
    {
        flushBuffer();
        m_queue->post([self = shared_from_this(), then = std::move(then)] {
            Final final;
            final.error = self->m_error;
            if (!self->m_digest)
                self->m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
            final.digests = self->m_digest->finish();
            ChunkPool::give(std::move(self->m_lastChunk));
            final.size = self->m_writer->written();
            then(final, *self->m_writer);
        });
    }

private:
    std::unique_ptr<StoreWriter> m_writer;
    std::shared_ptr<SerialQueue> m_queue;
    const bool m_sha512;
    std::unique_ptr<MultiDigest> m_digest;
    QByteArray m_lastChunk;
    Status m_error;
    std::function<void()> m_onDrained;
    // Curl thread only:
    QByteArray m_buffer;
    const qint64 m_kept;
    qint64 m_pushed;
    std::atomic<qint64> m_backlog{0};
};

/*!
    One file being downloaded: its job, its curl handle, what the current response said, and its history.
*/
struct Download
{
    TransferWorker *worker = nullptr;
    DownloadJob job;
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    std::shared_ptr<BodySink> sink;
    QUrl url;
    QSet<QString> visited;
    QJsonArray hops;
    int attempt = 0;
    bool paused = false;         //!< By backpressure.
    bool resumable = false;      //!< The sink keeps its bytes across an interruption.
    bool retryScheduled = false; //!< Waiting for a backoff timer.

    // The current response.
    int httpStatus = 0;
    QByteArray contentType;
    qint64 contentLength = -1;
    QByteArray etag;
    QByteArray lastModified;
    QByteArray location;
    QByteArray retryAfter;
    QByteArray acceptRanges;
    QByteArray contentRange;
    QByteArray cacheControl;
    QByteArray expires;
    bool acceptingBody = false;
    qint64 attemptStart = 0; //!< Bytes already stored when this attempt began (the Range start).
    bool rangeRequested = false;
    bool conditional = false;
    QByteArray head;
    bool sniffed = false;
    std::optional<FileStatus> abortStatus;
    QString abortMessage;
    bool restartWithoutRange = false;

    // Validators that let the next attempt continue with Range.
    QByteArray resumeEtag;
    QByteArray resumeLastModified;
    bool serverRanges = false;

    QList<EventRecord> events;
    QElapsedTimer rateClock;
    qint64 rateBytes = 0;
    double bytesPerSecond = 0;

    ~Download()
    {
        if (headers)
            curl_slist_free_all(headers);
        // The easy handle goes back to the worker's pool (TransferWorker::release).
    }

    void resetResponse()
    {
        httpStatus = 0;
        contentType.clear();
        contentLength = -1;
        etag.clear();
        lastModified.clear();
        location.clear();
        retryAfter.clear();
        acceptRanges.clear();
        contentRange.clear();
        cacheControl.clear();
        expires.clear();
        acceptingBody = false;
    }

    QString host() const { return url.host(); }
    //! Bytes the store will hold once everything received is written.
    qint64 pushed() const { return sink ? sink->pushed() : 0; }
    QString name() const { return job.file.item + u'/' + job.file.name; }
};

} // namespace

/*!
    The engine's thread side: owns the multi handle and every Download. Lives on TransferEngine's thread.
*/
class TransferWorker : public QObject
{
    Q_OBJECT

public:
    TransferWorker(BitStore &store, const TransferOptions &options);
    ~TransferWorker() override;

    void initialise();
    void enqueue(const QList<DownloadJob> &jobs);
    void cancelAll();
    void setPaused(bool paused);
    void shutdown();

signals:
    void finished(const QList<gh::DownloadResult> &results);
    void activity(const QList<gh::TransferActivity> &transfers);

private:
    static int socketCallback(CURL *easy, curl_socket_t socket, int what, void *worker, void *);
    static int timerCallback(CURLM *multi, long timeoutMs, void *worker);
    static size_t headerCallback(char *data, size_t size, size_t count, void *download);
    static size_t writeCallback(char *data, size_t size, size_t count, void *download);

    void watchSocket(curl_socket_t socket, int what);
    void socketAction(curl_socket_t socket, int flags);
    void processMessages();
    void startNext();
    void begin(std::unique_ptr<Download> download);
    void startAttempt(qint64 fileId);
    static QString resumeToken(qint64 fileId);
    //! Opens the store write for \a d; on failure sets its abort status.
    bool openSink(Download &d, bool resumable);
    bool headersComplete(Download &d);
    bool sniffedTypeAccepted(Download &d);
    void attemptDone(Download *d, CURLcode code);
    void retryOrFail(Download *d, FileStatus status, const QString &message);
    void followRedirect(Download *d);
    void succeed(Download *d);
    void notModified(Download *d);
    void fail(Download *d, FileStatus status, const QString &message, bool keepPartial);
    void deliver(const DownloadResult &result);
    void release(qint64 fileId);
    void recycle(CURL *easy);
    void unpause(qint64 fileId);
    void reportActivity();
    FetchOutcome outcomeBase(const Download &d) const;
    void addEvent(Download &d, const QString &outcome, const QString &detail);

    BitStore &m_store;
    TransferOptions m_options;
    CURLM *m_multi = nullptr;
    QTimer *m_timer = nullptr;
    QTimer *m_activityTimer = nullptr;
    struct SocketWatch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };
    QHash<curl_socket_t, SocketWatch> m_sockets;
    std::deque<DownloadJob> m_queue;
    std::vector<CURL *> m_idleHandles;
    QList<DownloadResult> m_results; //!< Delivered, not yet handed over.
    std::unordered_map<qint64, std::unique_ptr<Download>>
        m_downloads; //!< By file id: running or waiting to retry.
    int m_running = 0;
    bool m_paused = false;
    QThreadPool m_pool;
};

// TransferEngine

TransferEngine::TransferEngine(BitStore &store, const TransferOptions &options, QObject *parent)
    : QObject(parent)
    , m_worker(new TransferWorker(store, options))
{
    initialiseCurl();
    qRegisterMetaType<gh::DownloadJob>();
    qRegisterMetaType<gh::DownloadResult>();
    qRegisterMetaType<QList<gh::DownloadResult>>();
    qRegisterMetaType<gh::TransferActivity>();
    m_thread.setObjectName(QStringLiteral("gatehouse-transfer"));
    m_worker->moveToThread(&m_thread);
    connect(m_worker, &TransferWorker::finished, this, &TransferEngine::finished);
    connect(m_worker, &TransferWorker::activity, this, &TransferEngine::activity);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &TransferWorker::initialise, Qt::QueuedConnection);
}

TransferEngine::~TransferEngine()
{
    QMetaObject::invokeMethod(m_worker, &TransferWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void TransferEngine::start(const QList<DownloadJob> &jobs)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, jobs] { worker->enqueue(jobs); }, Qt::QueuedConnection);
}

void TransferEngine::cancelAll()
{
    QMetaObject::invokeMethod(m_worker, &TransferWorker::cancelAll, Qt::QueuedConnection);
}

void TransferEngine::setPaused(bool paused)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, paused] { worker->setPaused(paused); }, Qt::QueuedConnection);
}

// TransferWorker

TransferWorker::TransferWorker(BitStore &store, const TransferOptions &options)
    : m_store(store)
    , m_options(options)
{
    // Hashing and writing: as many threads as cores; the curl thread only receives.
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
}

TransferWorker::~TransferWorker()
{
    m_pool.waitForDone();
}

void TransferWorker::initialise()
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
    m_activityTimer = new QTimer(this);
    m_activityTimer->setInterval(s_activityIntervalMs);
    connect(m_activityTimer, &QTimer::timeout, this, &TransferWorker::reportActivity);

    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &TransferWorker::socketCallback);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &TransferWorker::timerCallback);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, long(std::max(1, m_options.perHost)));
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(std::max(1, m_options.jobs)));
    curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
}

void TransferWorker::shutdown()
{
    cancelAll();
    m_pool.waitForDone();
    for (auto it = m_sockets.begin(); it != m_sockets.end(); ++it) {
        delete it->read;
        delete it->write;
    }
    m_sockets.clear();
    for (CURL *easy : m_idleHandles)
        curl_easy_cleanup(easy);
    m_idleHandles.clear();
    if (m_multi)
        curl_multi_cleanup(m_multi);
    m_multi = nullptr;
}

int TransferWorker::socketCallback(CURL *, curl_socket_t socket, int what, void *worker, void *)
{
    static_cast<TransferWorker *>(worker)->watchSocket(socket, what);
    return 0;
}

int TransferWorker::timerCallback(CURLM *, long timeoutMs, void *worker)
{
    QTimer *timer = static_cast<TransferWorker *>(worker)->m_timer;
    if (timeoutMs < 0)
        timer->stop();
    else
        timer->start(int(timeoutMs));
    return 0;
}

void TransferWorker::watchSocket(curl_socket_t socket, int what)
{
    auto it = m_sockets.find(socket);
    if (what == CURL_POLL_REMOVE) {
        if (it != m_sockets.end()) {
            // Curl is about to close the socket, perhaps from inside a notifier's signal: disable now,
            // delete later.
            it->read->setEnabled(false);
            it->write->setEnabled(false);
            it->read->deleteLater();
            it->write->deleteLater();
            m_sockets.erase(it);
        }
        return;
    }
    if (it == m_sockets.end()) {
        SocketWatch watch;
        watch.read = new QSocketNotifier(qintptr(socket), QSocketNotifier::Read, this);
        watch.write = new QSocketNotifier(qintptr(socket), QSocketNotifier::Write, this);
        connect(watch.read, &QSocketNotifier::activated, this,
                [this, socket] { socketAction(socket, CURL_CSELECT_IN); });
        connect(watch.write, &QSocketNotifier::activated, this,
                [this, socket] { socketAction(socket, CURL_CSELECT_OUT); });
        it = m_sockets.insert(socket, watch);
    }
    it->read->setEnabled(what == CURL_POLL_IN || what == CURL_POLL_INOUT);
    it->write->setEnabled(what == CURL_POLL_OUT || what == CURL_POLL_INOUT);
}

void TransferWorker::socketAction(curl_socket_t socket, int flags)
{
    if (!m_multi)
        return;
    int running = 0;
    curl_multi_socket_action(m_multi, socket, flags, &running);
    processMessages();
}

void TransferWorker::processMessages()
{
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL *easy = message->easy_handle;
        const CURLcode code = message->data.result;
        Download *d = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &d);
        curl_multi_remove_handle(m_multi, easy);
        --m_running;
        if (d)
            attemptDone(d, code);
    }
    startNext();
}

void TransferWorker::enqueue(const QList<DownloadJob> &jobs)
{
    for (const DownloadJob &job : jobs)
        m_queue.push_back(job);
    startNext();
}

void TransferWorker::startNext()
{
    while (!m_paused && !m_queue.empty() && qsizetype(m_downloads.size()) < m_options.jobs) {
        auto d = std::make_unique<Download>();
        d->job = std::move(m_queue.front());
        m_queue.pop_front();
        begin(std::move(d));
    }
    if (!m_downloads.empty() && !m_activityTimer->isActive())
        m_activityTimer->start();
}

void TransferWorker::begin(std::unique_ptr<Download> download)
{
    Download &d = *download;
    const qint64 id = d.job.file.id;
    d.url = QUrl(d.job.file.sourceUrl, QUrl::StrictMode);
    d.visited.insert(d.url.toString(QUrl::FullyEncoded));
    d.worker = this;
    m_downloads[id] = std::move(download);

    if (!d.url.isValid() || (d.url.scheme() != u"http" && d.url.scheme() != u"https")) {
        fail(&d, FileStatus::Unsupported,
             tr("\"%1\" is not an http or https URL; Gatehouse downloads nothing else.")
                 .arg(d.job.file.sourceUrl),
             false);
        return;
    }
    // Bytes an interrupted earlier run kept for this file continue where they stopped; otherwise nothing is
    // written until a response actually carries the file (a 304 or an error leaves no trace on disk).
    if (m_store.hasResumableWrite(resumeToken(id))) {
        if (!openSink(d, true)) {
            fail(&d, FileStatus::StoreError, d.abortMessage, false);
            return;
        }
        const QJsonObject state = d.sink->resumeState();
        if (state.value(QStringLiteral("url")).toString() == d.job.file.sourceUrl) {
            d.resumeEtag = state.value(QStringLiteral("etag")).toString().toLatin1();
            d.resumeLastModified = state.value(QStringLiteral("last_modified")).toString().toLatin1();
            d.serverRanges = true;
        }
        if (isStrongEtag(d.resumeEtag) || !d.resumeLastModified.isEmpty()) {
            d.sink->continueKept();
            addEvent(d, QStringLiteral("success"),
                     tr("Continuing an interrupted download of %1 after %2 bytes.")
                         .arg(d.job.file.sourceUrl)
                         .arg(d.sink->kept()));
        } else {
            d.sink->startOver(d.job.file.declaredSize);
        }
    }

    // A pooled handle keeps its receive buffer and connection state from earlier downloads.
    if (m_idleHandles.empty()) {
        d.easy = curl_easy_init();
    } else {
        d.easy = m_idleHandles.back();
        m_idleHandles.pop_back();
    }
    d.worker = this;
    startAttempt(id);
}

QString TransferWorker::resumeToken(qint64 fileId)
{
    return QStringLiteral("file-%1").arg(fileId);
}

bool TransferWorker::openSink(Download &d, bool resumable)
{
    const qint64 id = d.job.file.id;
    auto writer = resumable ? m_store.beginResumableWrite(resumeToken(id)) : m_store.beginWrite();
    if (!writer) {
        d.abortStatus = FileStatus::StoreError;
        d.abortMessage = writer.error().message;
        return false;
    }
    d.resumable = resumable;
    d.sink = std::make_shared<BodySink>(std::move(*writer), SerialQueue::create(&m_pool),
                                        !d.job.file.declared.sha512.isEmpty());
    QPointer<TransferWorker> self(this);
    d.sink->setOnDrained([self, id] {
        QMetaObject::invokeMethod(
            self,
            [self, id] {
                if (self)
                    self->unpause(id);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void TransferWorker::startAttempt(qint64 fileId)
{
    const auto found = m_downloads.find(fileId);
    if (found == m_downloads.end())
        return;
    Download &d = *found->second;
    d.retryScheduled = false;
    d.resetResponse();
    d.abortStatus.reset();
    d.abortMessage.clear();
    d.head.clear();
    d.sniffed = false;
    d.errorBuffer[0] = 0;
    d.attemptStart = d.pushed();
    ++d.attempt;

    CURL *easy = d.easy;
    curl_easy_reset(easy);
    const QByteArray url = d.url.toEncoded();
    curl_easy_setopt(easy, CURLOPT_URL, url.constData());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &d);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, d.errorBuffer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &TransferWorker::headerCallback);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &d);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &TransferWorker::writeCallback);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L); // redirects are followed here, hop by hop
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    const QByteArray userAgent = m_options.effectiveUserAgent().toUtf8();
    curl_easy_setopt(easy, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(m_options.connectTimeoutMs));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, long(m_options.lowSpeedLimit));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, long(m_options.lowSpeedSeconds));
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    const QByteArray caBundle = m_options.caBundle.toLocal8Bit();
    if (!caBundle.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, caBundle.constData());
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, s_receiveBuffer);

    if (d.headers) {
        curl_slist_free_all(d.headers);
        d.headers = nullptr;
    }
    d.rangeRequested = false;
    d.conditional = false;
    if (d.attemptStart > 0 && d.serverRanges &&
        (isStrongEtag(d.resumeEtag) || !d.resumeLastModified.isEmpty())) {
        d.headers = curl_slist_append(
            d.headers, QByteArray("Range: bytes=" + QByteArray::number(d.attemptStart) + '-').constData());
        // If-Range: the server sends the rest only if it is still the same representation, else all of it.
        const QByteArray validator = isStrongEtag(d.resumeEtag) ? d.resumeEtag : d.resumeLastModified;
        d.headers = curl_slist_append(d.headers, QByteArray("If-Range: " + validator).constData());
        d.rangeRequested = true;
    } else if (d.attemptStart > 0) {
        d.sink->startOver(d.job.file.declaredSize);
        d.attemptStart = 0;
    }
    if (!d.rangeRequested && d.attemptStart == 0 && d.job.cached) {
        if (!d.job.cached->etag.isEmpty())
            d.headers = curl_slist_append(
                d.headers, QByteArray("If-None-Match: " + d.job.cached->etag.toLatin1()).constData());
        if (!d.job.cached->lastModified.isEmpty())
            d.headers = curl_slist_append(
                d.headers,
                QByteArray("If-Modified-Since: " + d.job.cached->lastModified.toLatin1()).constData());
        d.conditional = d.headers != nullptr;
    }
    if (d.headers)
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, d.headers);

    d.rateClock.start();
    d.rateBytes = d.attemptStart;
    if (m_paused)
        curl_easy_pause(easy, CURLPAUSE_ALL);
    curl_multi_add_handle(m_multi, easy);
    ++m_running;
}

size_t TransferWorker::headerCallback(char *data, size_t size, size_t count, void *download)
{
    auto *d = static_cast<Download *>(download);
    const size_t length = size * count;
    const QByteArray line = QByteArray::fromRawData(data, qsizetype(length)).trimmed();
    if (line.startsWith("HTTP/")) {
        d->resetResponse();
        const QList<QByteArray> parts = line.split(' ');
        d->httpStatus = parts.size() > 1 ? parts[1].toInt() : 0;
        return length;
    }
    if (line.isEmpty()) {
        // The end of a header block; informational (1xx) blocks are followed by the real one.
        if (d->httpStatus >= 200 && !d->worker->headersComplete(*d))
            return 0; // aborts the transfer; abortStatus says why
        return length;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return length;
    const QByteArray name = line.left(colon).trimmed().toLower();
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (name == "content-type")
        d->contentType = value;
    else if (name == "content-length")
        d->contentLength = value.toLongLong();
    else if (name == "etag")
        d->etag = value;
    else if (name == "last-modified")
        d->lastModified = value;
    else if (name == "location")
        d->location = value;
    else if (name == "retry-after")
        d->retryAfter = value;
    else if (name == "accept-ranges")
        d->acceptRanges = value.toLower();
    else if (name == "content-range")
        d->contentRange = value;
    else if (name == "cache-control")
        d->cacheControl = value;
    else if (name == "expires")
        d->expires = value;
    return length;
}

size_t TransferWorker::writeCallback(char *data, size_t size, size_t count, void *download)
{
    auto *d = static_cast<Download *>(download);
    const qint64 length = qint64(size * count);
    if (!d->acceptingBody)
        return size_t(length); // a redirect's, an error's or a 304's body: not the file
    // Backpressure first: a paused write is delivered again, so nothing below may have happened yet.
    if (!d->sink)
        return 0; // cannot happen: headersComplete() opens the sink before the first byte
    if (d->sink->backlog() >= s_highWater) {
        d->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    const TransferOptions &options = d->worker->m_options;
    const qint64 total = d->sink->pushed() + length;
    if (options.maxSize >= 0 && total > options.maxSize) {
        d->abortStatus = FileStatus::TooLarge;
        d->abortMessage =
            tr("%1 is larger than the limit of %2 bytes; the transfer was stopped after %3 bytes.")
                .arg(d->url.toDisplayString())
                .arg(options.maxSize)
                .arg(d->sink->pushed());
        return 0;
    }
    if (!d->sniffed) {
        d->head.append(data, std::min<qsizetype>(length, s_sniffBytes - d->head.size()));
        if (d->head.size() >= s_sniffBytes && !d->worker->sniffedTypeAccepted(*d))
            return 0;
    }
    d->sink->push(data, length);
    return size_t(length);
}

bool TransferWorker::sniffedTypeAccepted(Download &d)
{
    d.sniffed = true;
    if (m_options.accept.isEmpty())
        return true;
    const QString sniffed = sniffMimetype(d.head);
    if (HttpRules::accepts(m_options.accept, sniffed))
        return true;
    d.abortStatus = FileStatus::WrongMimetype;
    d.abortMessage = tr("%1 is %2 by its content, which is not among the accepted types (%3).")
                         .arg(d.url.toDisplayString(), sniffed, m_options.accept.join(QStringLiteral(", ")));
    return false;
}

bool TransferWorker::headersComplete(Download &d)
{
    const int status = d.httpStatus;
    if (HttpRules::isRedirect(status) || status == 304 || status >= 300) {
        d.acceptingBody = false;
        return true;
    }
    // 2xx: the file itself.
    if (status == 206) {
        // Only the part asked for is acceptable; anything else starts over without Range.
        const QByteArray range = d.contentRange.toLower();
        const bool matches =
            d.rangeRequested &&
            range.startsWith(QByteArray("bytes " + QByteArray::number(d.attemptStart) + '-'));
        if (!matches) {
            d.restartWithoutRange = true;
            return false;
        }
    } else if (d.attemptStart > 0) {
        // A full answer to a Range request: the server ignored it, or If-Range found a changed file.
        d.sink->startOver(d.contentLength);
        d.attemptStart = 0;
    } else if (!d.sink) {
        // Resumable only when worth it: a small file simply downloads again.
        if (!openSink(d, d.contentLength < 0 || d.contentLength >= s_resumableFrom))
            return false;
        d.sink->startOver(d.contentLength);
    } else if (d.sink->pushed() == 0) {
        d.sink->startOver(d.contentLength);
    }
    const qint64 total = d.contentLength >= 0 ? d.attemptStart + d.contentLength : -1;
    if (m_options.maxSize >= 0 && total > m_options.maxSize) {
        d.abortStatus = FileStatus::TooLarge;
        d.abortMessage = tr("%1 announces %2 bytes, more than the limit of %3 bytes; nothing was downloaded.")
                             .arg(d.url.toDisplayString())
                             .arg(total)
                             .arg(m_options.maxSize);
        return false;
    }
    const QString declared = HttpRules::mimetypeOf(d.contentType);
    if (!declared.isEmpty() && !HttpRules::accepts(m_options.accept, declared)) {
        d.abortStatus = FileStatus::WrongMimetype;
        d.abortMessage =
            tr("%1 is served as %2, which is not among the accepted types (%3); nothing was downloaded.")
                .arg(d.url.toDisplayString(), declared, m_options.accept.join(QStringLiteral(", ")));
        return false;
    }
    // Remember the validators: the next attempt, or the next run, continues with Range if the server allows.
    d.serverRanges = d.acceptRanges == "bytes" || status == 206;
    if (status != 206) {
        d.resumeEtag = d.etag;
        d.resumeLastModified = d.lastModified;
    }
    if (d.resumable && (isStrongEtag(d.resumeEtag) || !d.resumeLastModified.isEmpty())) {
        d.sink->setResumeState(
            QJsonObject{{QStringLiteral("url"), d.job.file.sourceUrl},
                        {QStringLiteral("etag"), QString::fromLatin1(d.resumeEtag)},
                        {QStringLiteral("last_modified"), QString::fromLatin1(d.resumeLastModified)},
                        {QStringLiteral("length"), total}});
    }
    d.acceptingBody = true;
    return true;
}

void TransferWorker::addEvent(Download &d, const QString &outcome, const QString &detail)
{
    d.events.append(FileFinisher::event(d.job.file, QStringLiteral("transfer"), outcome, detail, agent()));
}

void TransferWorker::attemptDone(Download *d, CURLcode code)
{
    if (d->sink)
        d->sink->flushBuffer();
    if (d->restartWithoutRange) {
        d->restartWithoutRange = false;
        d->serverRanges = false;
        addEvent(*d, QStringLiteral("warning"),
                 tr("%1 answered a Range request with another part; starting over.")
                     .arg(d->url.toDisplayString()));
        startAttempt(d->job.file.id);
        return;
    }
    if (d->abortStatus) {
        fail(d, *d->abortStatus, d->abortMessage, false);
        return;
    }
    if (code != CURLE_OK) {
        const FileStatus status = HttpRules::statusForCurl(code);
        const QString reason = d->errorBuffer[0] ? QString::fromLocal8Bit(d->errorBuffer)
                                                 : QString::fromLatin1(curl_easy_strerror(code));
        QString message;
        if (status == FileStatus::TlsError)
            message = tr("The TLS certificate of %1 could not be verified: %2").arg(d->host(), reason);
        else if (status == FileStatus::Truncated)
            message = tr("%1 ended after %2 of %3 bytes: %4")
                          .arg(d->url.toDisplayString())
                          .arg(d->pushed())
                          .arg(d->contentLength >= 0 ? d->attemptStart + d->contentLength : -1)
                          .arg(reason);
        else
            message =
                tr("Downloading %1 from %2 failed: %3").arg(d->url.toDisplayString(), d->host(), reason);
        retryOrFail(d, status, message);
        return;
    }
    const int status = d->httpStatus;
    if (HttpRules::isRedirect(status) && !d->location.isEmpty()) {
        followRedirect(d);
        return;
    }
    if (status == 304 && d->conditional && d->job.cached) {
        notModified(d);
        return;
    }
    if (status >= 200 && status < 300) {
        succeed(d);
        return;
    }
    const FileStatus failure = HttpRules::statusForHttp(status).value_or(FileStatus::ClientError);
    retryOrFail(d, failure, tr("%1 answered HTTP %2.").arg(d->url.toDisplayString()).arg(status));
}

void TransferWorker::retryOrFail(Download *d, FileStatus status, const QString &message)
{
    if (!StatusInfo::isTransient(status) || d->attempt >= m_options.maxAttempts) {
        const QString final =
            d->attempt > 1
                ? tr("%1 (attempt %2 of %3)").arg(message).arg(d->attempt).arg(m_options.maxAttempts)
                : message;
        // After transient failures the bytes so far are kept for the next run, if they can be continued.
        fail(d, status, final, StatusInfo::isTransient(status));
        return;
    }
    qint64 delay = HttpRules::backoffMs(d->attempt, m_options.backoffBaseMs, m_options.backoffMaxMs);
    if (const auto asked = HttpRules::retryAfterMs(d->retryAfter, QDateTime::currentDateTimeUtc())) {
        if (*asked > m_options.retryAfterMaxMs) {
            fail(d, status,
                 tr("%1 The server asks to come back in %2 s, later than this run waits; the file stays for "
                    "a later run.")
                     .arg(message)
                     .arg(*asked / 1000),
                 true);
            return;
        }
        delay = std::max(delay, *asked);
    }
    addEvent(*d, QStringLiteral("failure"),
             tr("Attempt %1: %2 (%3); retrying in %4 ms%5")
                 .arg(d->attempt)
                 .arg(message, StatusInfo::key(status))
                 .arg(delay)
                 .arg(d->pushed() > 0 && d->serverRanges ? tr(", continuing after %1 bytes").arg(d->pushed())
                                                         : QString()));
    d->retryScheduled = true;
    const qint64 id = d->job.file.id;
    QTimer::singleShot(int(delay), this, [this, id] { startAttempt(id); });
}

void TransferWorker::followRedirect(Download *d)
{
    const QUrl next = d->url.resolved(QUrl::fromEncoded(d->location));
    QJsonObject hop{{QStringLiteral("url"), d->url.toString(QUrl::FullyEncoded)},
                    {QStringLiteral("status"), d->httpStatus},
                    {QStringLiteral("location"), next.toString(QUrl::FullyEncoded)},
                    {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    d->hops.append(hop);
    const QString key = next.toString(QUrl::FullyEncoded);
    if (d->visited.contains(key)) {
        fail(d, FileStatus::RedirectLoop,
             tr("%1 redirects in a loop back to %2 after %3 hops.")
                 .arg(d->job.file.sourceUrl, next.toDisplayString())
                 .arg(d->hops.size()),
             false);
        return;
    }
    if (d->hops.size() > m_options.maxRedirects) {
        fail(d, FileStatus::TooManyRedirects,
             tr("%1 redirects more than %2 times.").arg(d->job.file.sourceUrl).arg(m_options.maxRedirects),
             false);
        return;
    }
    if (next.scheme() != u"http" && next.scheme() != u"https") {
        fail(d, FileStatus::Unsupported,
             tr("%1 redirects to %2, which is not http or https.")
                 .arg(d->url.toDisplayString(), next.toDisplayString()),
             false);
        return;
    }
    d->visited.insert(key);
    d->url = next;
    --d->attempt; // a hop is not a retry
    startAttempt(d->job.file.id);
}

FetchOutcome TransferWorker::outcomeBase(const Download &d) const
{
    FetchOutcome outcome;
    outcome.file = d.job.file;
    outcome.file.attempts = d.job.file.attempts + d.attempt;
    outcome.file.httpStatus = d.httpStatus;
    outcome.file.terminalUrl = d.url.toString(QUrl::FullyEncoded);
    outcome.file.hops = d.hops;
    outcome.file.etag = QString::fromLatin1(d.etag);
    outcome.file.lastModified = QString::fromLatin1(d.lastModified);
    outcome.file.processedAt = QDateTime::currentDateTimeUtc();
    outcome.events = d.events;
    return outcome;
}

void TransferWorker::succeed(Download *d)
{
    if (!d->sniffed && !sniffedTypeAccepted(*d)) {
        fail(d, *d->abortStatus, d->abortMessage, false);
        return;
    }
    DownloadResult base;
    base.outcome = outcomeBase(*d);
    const QString mimetype = sniffMimetype(d->head);
    const QDateTime freshUntil =
        HttpRules::freshUntil(d->cacheControl, d->expires, QDateTime::currentDateTimeUtc());
    const QString url = d->job.file.sourceUrl;
    const QString detail = tr("%1 (HTTP %2 from %3)").arg(url).arg(d->httpStatus).arg(d->host());
    BitStore *store = &m_store;
    const BatchContext batch = d->job.batch;
    QPointer<TransferWorker> self(this);
    const qint64 id = d->job.file.id;
    d->sink->finish([self, id, base, mimetype, freshUntil, url, detail, store,
                     batch](const BodySink::Final &final, StoreWriter &writer) {
        DownloadResult result = base;
        if (!final.error) {
            writer.abort();
            FileFinisher::fail(result.outcome, FileStatus::StoreError, final.error.error().message,
                               QStringLiteral("transfer"), agent());
        } else {
            FileFinisher::publish(result.outcome, writer, *store, batch, final.digests, final.size, mimetype,
                                  QStringLiteral("transfer"), detail, agent());
        }
        const FileRecord &f = result.outcome.file;
        if (!f.storedKey.isEmpty() &&
            (!f.etag.isEmpty() || !f.lastModified.isEmpty() || freshUntil.isValid())) {
            HttpCacheEntry entry;
            entry.url = url;
            entry.etag = f.etag;
            entry.lastModified = f.lastModified;
            entry.freshUntil = freshUntil;
            entry.storedKey = f.storedKey;
            entry.size = f.size;
            entry.digests = f.digests;
            entry.mimetype = f.mimetype;
            entry.fetchedAt = QDateTime::currentDateTimeUtc();
            result.cacheUpdate = entry;
        }
        QMetaObject::invokeMethod(
            self,
            [self, id, result] {
                if (self) {
                    self->release(id);
                    self->deliver(result);
                }
            },
            Qt::QueuedConnection);
    });
}

void TransferWorker::notModified(Download *d)
{
    DownloadResult result;
    result.outcome = outcomeBase(*d);
    const HttpCacheEntry &cached = *d->job.cached;
    FileRecord &f = result.outcome.file;
    f.status = FileStatus::Unchanged;
    f.error.clear();
    f.size = cached.size;
    f.digests = cached.digests;
    f.mimetype = cached.mimetype;
    f.storedKey = cached.storedKey;
    f.etag = d->etag.isEmpty() ? cached.etag : QString::fromLatin1(d->etag);
    f.lastModified = d->lastModified.isEmpty() ? cached.lastModified : QString::fromLatin1(d->lastModified);
    result.outcome.events.append(FileFinisher::event(
        f, QStringLiteral("transfer"), QStringLiteral("success"),
        tr("%1 is not modified since %2; the stored copy %3 is reused.")
            .arg(d->job.file.sourceUrl, cached.fetchedAt.toString(Qt::ISODate), cached.storedKey),
        agent()));
    // The catalog's entry changes only when the server said something new: new validators or freshness.
    // (Its fetched_at keeps saying when the bytes were fetched, which is what the stored copy is.)
    const QDateTime freshUntil =
        HttpRules::freshUntil(d->cacheControl, d->expires, QDateTime::currentDateTimeUtc());
    if (f.etag != cached.etag || f.lastModified != cached.lastModified || freshUntil.isValid() ||
        cached.freshUntil.isValid()) {
        HttpCacheEntry entry = cached;
        entry.etag = f.etag;
        entry.lastModified = f.lastModified;
        entry.freshUntil = freshUntil;
        result.cacheUpdate = entry;
    }
    const qint64 id = d->job.file.id;
    QPointer<TransferWorker> self(this);
    if (!d->sink) {
        release(id);
        deliver(result);
        return;
    }
    d->sink->finish([self, id, result](const BodySink::Final &, StoreWriter &writer) {
        writer.abort();
        QMetaObject::invokeMethod(
            self,
            [self, id, result] {
                if (self) {
                    self->release(id);
                    self->deliver(result);
                }
            },
            Qt::QueuedConnection);
    });
}

void TransferWorker::fail(Download *d, FileStatus status, const QString &message, bool keepPartial)
{
    DownloadResult result;
    result.outcome = outcomeBase(*d);
    FileFinisher::fail(result.outcome, status, message, QStringLiteral("transfer"), agent());
    const qint64 id = d->job.file.id;
    if (!d->sink) {
        release(id);
        deliver(result);
        return;
    }
    QPointer<TransferWorker> self(this);
    d->sink->finish([self, id, result, keepPartial](const BodySink::Final &, StoreWriter &writer) {
        // A transient failure keeps the bytes so far: a later run continues them with Range.
        if (!keepPartial)
            writer.abort();
        QMetaObject::invokeMethod(
            self,
            [self, id, result] {
                if (self) {
                    self->release(id);
                    self->deliver(result);
                }
            },
            Qt::QueuedConnection);
    });
}

void TransferWorker::release(qint64 fileId)
{
    const auto found = m_downloads.find(fileId);
    if (found != m_downloads.end()) {
        recycle(found->second->easy);
        m_downloads.erase(found);
    }
    startNext();
}

void TransferWorker::recycle(CURL *easy)
{
    if (!easy)
        return;
    if (m_idleHandles.size() < size_t(std::max(1, m_options.jobs)))
        m_idleHandles.push_back(easy);
    else
        curl_easy_cleanup(easy);
}

void TransferWorker::deliver(const DownloadResult &result)
{
    // Results leave together once per event-loop turn: one wake-up of the receiving thread for many files.
    m_results.append(result);
    if (m_results.size() == 1)
        QMetaObject::invokeMethod(
            this, [this] { emit finished(std::exchange(m_results, {})); }, Qt::QueuedConnection);
}

void TransferWorker::unpause(qint64 fileId)
{
    const auto found = m_downloads.find(fileId);
    if (found == m_downloads.end())
        return;
    Download &d = *found->second;
    if (!d.paused || m_paused)
        return;
    d.paused = false;
    curl_easy_pause(d.easy, CURLPAUSE_CONT);
}

void TransferWorker::cancelAll()
{
    // Queued jobs and running transfers report back untouched: their files stay pending.
    std::deque<DownloadJob> queued = std::exchange(m_queue, {});
    for (const DownloadJob &job : queued) {
        DownloadResult result;
        result.outcome.file = job.file;
        deliver(result);
    }
    std::vector<qint64> ids;
    for (const auto &[id, d] : m_downloads)
        ids.push_back(id);
    for (qint64 id : ids) {
        auto found = m_downloads.find(id);
        if (found == m_downloads.end())
            continue;
        Download *d = found->second.get();
        if (d->easy && !d->retryScheduled && m_multi)
            curl_multi_remove_handle(m_multi, d->easy);
        DownloadResult result;
        result.outcome.file = d->job.file;
        std::shared_ptr<BodySink> sink = d->sink;
        recycle(d->easy);
        m_downloads.erase(found);
        if (sink) {
            // Let what arrived reach the disk; the resumable write keeps it for the next run.
            sink->finish([](const BodySink::Final &, StoreWriter &) {});
        }
        deliver(result);
    }
    m_running = 0;
    m_activityTimer->stop();
}

void TransferWorker::setPaused(bool paused)
{
    m_paused = paused;
    for (auto &[id, d] : m_downloads) {
        if (!d->easy || d->retryScheduled)
            continue;
        if (paused)
            curl_easy_pause(d->easy, CURLPAUSE_ALL);
        else if (!d->paused)
            curl_easy_pause(d->easy, CURLPAUSE_CONT);
    }
    if (!paused)
        startNext();
}

void TransferWorker::reportActivity()
{
    if (m_downloads.empty()) {
        m_activityTimer->stop();
        emit activity({});
        return;
    }
    QList<TransferActivity> list;
    for (auto &[id, d] : m_downloads) {
        TransferActivity a;
        a.fileId = id;
        a.name = d->name();
        a.host = d->host();
        a.received = d->sink ? d->sink->pushed() : 0;
        a.total = d->contentLength >= 0 ? d->attemptStart + d->contentLength : -1;
        const qint64 elapsed = d->rateClock.restart();
        if (elapsed > 0)
            d->bytesPerSecond = double(a.received - d->rateBytes) * 1000.0 / double(elapsed);
        d->rateBytes = a.received;
        a.bytesPerSecond = std::max(0.0, d->bytesPerSecond);
        a.attempt = d->attempt;
        list.append(a);
    }
    emit activity(list);
}

} // namespace gh

#include "transferengine.moc"
