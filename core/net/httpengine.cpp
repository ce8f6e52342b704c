#include "httpengine.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <mutex>

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QSocketNotifier>
#include <QTimer>

#include <curl/curl.h>

#include "util/logging.h"

namespace gh {

namespace {

constexpr int s_activityIntervalMs = 500;
//! libcurl's upload buffer: fewer, larger reads from files than its 64 KiB default.
constexpr long s_uploadBuffer = 512 * 1024;

void initialiseCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/*!
    A byte range of a file as one part of a multipart form, read while libcurl sends it.
*/
struct FormFile
{
    QString path;
    qint64 offset = 0;
    qint64 length = 0;
    qint64 position = 0;
    QFile file;
    QString *error = nullptr; //!< The exchange's local error, set when reading fails.
};

} // namespace

/*!
    One exchange inside the engine: the request and its handler, its easy handle while it runs, and what the
    current attempt has seen. Engine thread only.
*/
struct HttpExchange
{
    enum class State
    {
        Backlog, //!< Waiting for its lane behind an earlier exchange of the lane.
        Queued,  //!< Waiting for a free job.
        Running, //!< An attempt is with libcurl.
        Waiting, //!< Between attempts (a retry timer).
        Held     //!< The handler holds it (HttpVerdict::hold()).
    };

    HttpEngineWorker *worker = nullptr;
    HttpExchangeId id = 0;
    HttpRequest request;
    std::shared_ptr<HttpHandler> handler;
    State state = State::Queued;
    CURL *easy = nullptr;
    bool inMulti = false;
    int attempt = 0;
    quint64 generation = 0; //!< Invalidates retry timers of an earlier state.

    // The current attempt.
    curl_slist *headers = nullptr;
    curl_mime *mime = nullptr;
    QFile bodyFile;
    qint64 bodyLength = 0;
    qint64 bodyPosition = 0;
    bool streamTouched = false; //!< A stream body gave bytes: another attempt must rewind it.
    char errorBuffer[CURL_ERROR_SIZE] = {};
    HttpResponseHead head;
    bool abortedByHandler = false;
    QString localError;
    bool flowPaused = false; //!< By the handler (onBody() Pause, a stream's WouldBlock).
    qint64 bodyBytes = 0;

    // Activity.
    QElapsedTimer rateClock;
    qint64 rateBytes = 0;
    double bytesPerSecond = 0;

    bool reportsActivity() const
    {
        return !request.label.isEmpty() && state != State::Queued && state != State::Backlog;
    }
};

/*!
    The engine's thread side: owns the multi handle and every exchange. Lives on HttpEngine's thread.
*/
class HttpEngineWorker : public QObject
{
    Q_OBJECT

public:
    explicit HttpEngineWorker(const HttpEngineOptions &options);
    ~HttpEngineWorker() override;

    void initialise();
    void submit(std::vector<std::unique_ptr<HttpExchange>> exchanges);
    void cancel(HttpExchangeId id);
    void cancelAll();
    void setPaused(bool paused);
    void resume(HttpExchangeId id);
    void release(HttpExchangeId id);
    void shutdown();
    bool isShutDown() const { return m_shutDown; }

signals:
    void activity(const QList<gh::TransferActivity> &transfers);

private:
    static int socketCallback(CURL *easy, curl_socket_t socket, int what, void *worker, void *);
    static int timerCallback(CURLM *multi, long timeoutMs, void *worker);
    static size_t headerCallback(char *data, size_t size, size_t count, void *exchange);
    static size_t writeCallback(char *data, size_t size, size_t count, void *exchange);
    static size_t readCallback(char *buffer, size_t size, size_t count, void *exchange);
    static int seekCallback(void *exchange, curl_off_t offset, int origin);
    static size_t readFormFile(char *buffer, size_t size, size_t count, void *part);
    static int seekFormFile(void *part, curl_off_t offset, int origin);
    static void freeFormFile(void *part);

    void watchSocket(curl_socket_t socket, int what);
    void socketAction(curl_socket_t socket, int flags);
    void processMessages();
    void startNext();
    void startAttempt(HttpExchange &x);
    //! The one place libcurl is set up; false with \a error when the request cannot be sent.
    bool configure(HttpExchange &x, QString *error);
    bool configureForm(HttpExchange &x, QString *error);
    void finishAttempt(HttpExchange &x, CURLcode code);
    void apply(HttpExchange &x, const HttpVerdict &verdict);
    void close(HttpExchangeId id, HttpEnd end);
    //! Resets the easy handle and frees what the last attempt's options pointed to.
    void clearAttempt(HttpExchange &x);
    CURL *takeHandle();
    void recycle(CURL *easy);
    void releaseLane(const QString &lane);
    TransferActivity activityOf(HttpExchange &x) const;
    void reportActivity();

    HttpEngineOptions m_options;
    QByteArray m_userAgent;
    QByteArray m_caBundle;
    curl_slist *m_connectTo = nullptr;
    CURLM *m_multi = nullptr;
    QTimer *m_timer = nullptr;
    QTimer *m_activityTimer = nullptr;
    struct SocketWatch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };
    QHash<curl_socket_t, SocketWatch> m_sockets;
    std::map<HttpExchangeId, std::unique_ptr<HttpExchange>> m_exchanges; //!< By id: ordered like starts.
    std::deque<HttpExchangeId> m_queue;                                  //!< Queued; ids may be gone.
    QHash<QString, std::deque<HttpExchangeId>> m_laneBacklog;
    QSet<QString> m_lanesInUse; //!< Lanes with an exchange queued or running.
    std::vector<CURL *> m_idleHandles;
    int m_active = 0; //!< Exchanges running, waiting to retry or held.
    bool m_paused = false;
    bool m_inStartNext = false;
    bool m_cancelling = false;
    bool m_shutDown = false;
    bool m_reportedActivity = false;
};

namespace {

/*!
    The handler behind perform() and the callback form of start(): gathers the reply, retries by the call's
    policy, and hands over the last attempt's reply (or a cancellation) when the exchange closes.
*/
class CallHandler : public HttpHandler
{
    Q_DECLARE_TR_FUNCTIONS(gh::HttpEngine)

public:
    CallHandler(const HttpCallOptions &options, std::function<void(Result<HttpReply>)> done)
        : m_options(options)
        , m_done(std::move(done))
    {}

    HttpVerdict prepare(HttpRequest &request, int attempt) override
    {
        m_reply = HttpReply{};
        m_toSink = false;
        m_localError.clear();
        m_localFailure = HttpReply::LocalFailure::None;
        m_host = request.host();
        if (m_options.beforeAttempt)
            m_options.beforeAttempt(request, attempt);
        return HttpVerdict::send();
    }

    bool onHead(const HttpResponseHead &head) override
    {
        // Only the last head's body counts (a followed redirect's body never arrives).
        m_toSink = m_options.sink && head.status >= 200 && head.status < 300;
        m_reply.body.clear();
        return true;
    }

    HttpBodyAction onBody(const char *data, qint64 size) override
    {
        if (m_toSink) {
            if (m_options.sink(data, size))
                return HttpBodyAction::Accept;
            m_localError = tr("the received bytes could not be kept");
            m_localFailure = HttpReply::LocalFailure::Sink;
            return HttpBodyAction::Abort;
        }
        if (m_reply.body.size() + size > m_options.maxBufferedBytes) {
            m_localError =
                tr("the answer is larger than the %1 bytes expected of it").arg(m_options.maxBufferedBytes);
            m_localFailure = HttpReply::LocalFailure::TooLarge;
            return HttpBodyAction::Abort;
        }
        m_reply.body.append(data, size);
        return HttpBodyAction::Accept;
    }

    HttpVerdict onAttemptEnd(const HttpAttempt &attempt) override
    {
        m_reply.status = attempt.head.status;
        m_reply.headers = attempt.head.headers;
        m_reply.url = attempt.url;
        m_reply.attempts = attempt.number;
        m_reply.curlCode = attempt.curlCode;
        m_reply.transportError = attempt.transportError;
        m_reply.localError = m_localError.isEmpty() ? attempt.localError : m_localError;
        m_reply.localFailure = m_localFailure != HttpReply::LocalFailure::None ? m_localFailure
                               : attempt.localError.isEmpty()                  ? HttpReply::LocalFailure::None
                                                              : HttpReply::LocalFailure::RequestBody;
        if (!m_reply.localError.isEmpty())
            m_reply.transportError = m_reply.localError;
        if (m_options.afterAttempt && !m_options.afterAttempt(m_reply)) {
            m_cancelled = true;
            return HttpVerdict::fail();
        }
        if (!m_reply.localError.isEmpty())
            return HttpVerdict::done();
        const bool transient = m_options.transient ? m_options.transient(m_reply)
                                                   : HttpRules::isTransient(m_reply.curlCode, m_reply.status);
        const RetryDecision decision =
            HttpRules::retryDecision(m_options.retry, attempt.number, transient,
                                     m_reply.header("retry-after"), QDateTime::currentDateTimeUtc());
        if (!decision.retry)
            return HttpVerdict::done();
        qCInfo(lcNet).noquote() << "retrying" << attempt.url.toDisplayString() << "in" << decision.delayMs
                                << "ms after attempt" << attempt.number << ":"
                                << (m_reply.curlCode ? m_reply.transportError
                                                     : QStringLiteral("HTTP %1").arg(m_reply.status));
        return HttpVerdict::retryAfter(decision.delayMs);
    }

    void onClosed(HttpEnd end) override
    {
        if (end == HttpEnd::Cancelled || m_cancelled)
            m_done(Error{ErrorCode::Cancelled, tr("The request to %1 was cancelled.").arg(m_host)});
        else
            m_done(std::move(m_reply));
    }

private:
    HttpCallOptions m_options;
    std::function<void(Result<HttpReply>)> m_done;
    HttpReply m_reply;
    QString m_host;
    QString m_localError;
    HttpReply::LocalFailure m_localFailure = HttpReply::LocalFailure::None;
    bool m_toSink = false;
    bool m_cancelled = false;
};

} // namespace

// HttpEngine

HttpEngine::HttpEngine(const HttpEngineOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_worker(new HttpEngineWorker(options))
{
    initialiseCurl();
    qRegisterMetaType<gh::TransferActivity>();
    qRegisterMetaType<QList<gh::TransferActivity>>();
    m_thread.setObjectName(QStringLiteral("gatehouse-http"));
    m_worker->moveToThread(&m_thread);
    connect(m_worker, &HttpEngineWorker::activity, this, &HttpEngine::activity);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, &HttpEngineWorker::initialise, Qt::QueuedConnection);
}

HttpEngine::~HttpEngine()
{
    shutdown();
    delete m_worker;
}

void HttpEngine::shutdown()
{
    if (m_shutDown.exchange(true))
        return;
    Q_ASSERT_X(!isEngineThread(), "HttpEngine::shutdown", "called on the engine's own thread");
    QMetaObject::invokeMethod(m_worker, &HttpEngineWorker::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QList<HttpExchangeId> HttpEngine::start(QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges)
{
    QList<HttpExchangeId> ids;
    ids.reserve(exchanges.size());
    auto batch = std::make_shared<std::vector<std::unique_ptr<HttpExchange>>>();
    batch->reserve(size_t(exchanges.size()));
    for (auto &[request, handler] : exchanges) {
        auto x = std::make_unique<HttpExchange>();
        x->id = m_nextId.fetch_add(1);
        x->request = std::move(request);
        x->handler = std::move(handler);
        x->handler->m_engine = this;
        x->handler->m_id = x->id;
        ids.append(x->id);
        batch->push_back(std::move(x));
    }
    if (m_shutDown.load()) {
        // Nothing runs any more: the exchanges close at once, here.
        for (auto &x : *batch)
            x->handler->onClosed(HttpEnd::Cancelled);
        return ids;
    }
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, batch] { worker->submit(std::move(*batch)); }, Qt::QueuedConnection);
    return ids;
}

HttpExchangeId HttpEngine::start(HttpRequest request, std::shared_ptr<HttpHandler> handler)
{
    return start(QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>>{
                     {std::move(request), std::move(handler)}})
        .constFirst();
}

HttpExchangeId HttpEngine::start(HttpRequest request, const HttpCallOptions &options, QObject *context,
                                 std::function<void(Result<HttpReply>)> done)
{
    QPointer<QObject> receiver(context);
    auto handler = std::make_shared<CallHandler>(options, [receiver, done](Result<HttpReply> reply) {
        if (receiver)
            QMetaObject::invokeMethod(
                receiver.data(), [done, reply] { done(reply); }, Qt::QueuedConnection);
    });
    return start(std::move(request), std::move(handler));
}

Result<HttpReply> HttpEngine::perform(HttpRequest request, const HttpCallOptions &options)
{
    if (isEngineThread()) {
        Q_ASSERT_X(false, "HttpEngine::perform", "would wait forever on the engine's own thread");
        return Error{
            ErrorCode::Usage,
            tr("A blocking request to %1 was made on the HTTP engine's own thread.").arg(request.host())};
    }
    struct Waiter
    {
        std::mutex mutex;
        std::condition_variable wake;
        std::optional<Result<HttpReply>> result;
    };
    auto waiter = std::make_shared<Waiter>();
    auto handler = std::make_shared<CallHandler>(options, [waiter](Result<HttpReply> reply) {
        std::lock_guard lock(waiter->mutex);
        waiter->result.emplace(std::move(reply));
        waiter->wake.notify_all();
    });
    const HttpExchangeId id = start(std::move(request), std::move(handler));
    std::unique_lock lock(waiter->mutex);
    bool cancelSent = false;
    while (!waiter->result) {
        if (options.cancelled && !cancelSent) {
            waiter->wake.wait_for(lock, std::chrono::milliseconds(50));
            if (!waiter->result && options.cancelled()) {
                lock.unlock();
                cancel(id);
                cancelSent = true;
                lock.lock();
            }
        } else {
            waiter->wake.wait(lock);
        }
    }
    return std::move(*waiter->result);
}

void HttpEngine::cancel(HttpExchangeId id)
{
    post([worker = m_worker, id] { worker->cancel(id); });
}

void HttpEngine::cancelAll()
{
    post([worker = m_worker] { worker->cancelAll(); });
}

void HttpEngine::setPaused(bool paused)
{
    post([worker = m_worker, paused] { worker->setPaused(paused); });
}

void HttpEngine::resume(HttpExchangeId id)
{
    post([worker = m_worker, id] { worker->resume(id); });
}

void HttpEngine::release(HttpExchangeId id)
{
    post([worker = m_worker, id] { worker->release(id); });
}

void HttpEngine::post(std::function<void()> task)
{
    if (m_shutDown.load())
        return;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, task = std::move(task)] {
            if (!worker->isShutDown())
                task();
        },
        Qt::QueuedConnection);
}

// HttpEngineWorker

HttpEngineWorker::HttpEngineWorker(const HttpEngineOptions &options)
    : m_options(options)
    , m_userAgent(options.effectiveUserAgent().toUtf8())
    , m_caBundle(QFile::encodeName(options.caBundle))
{
    for (const QString &entry : std::as_const(m_options.connectTo))
        m_connectTo = curl_slist_append(m_connectTo, entry.toLatin1().constData());
}

HttpEngineWorker::~HttpEngineWorker()
{
    if (m_connectTo)
        curl_slist_free_all(m_connectTo);
}

void HttpEngineWorker::initialise()
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
    m_activityTimer = new QTimer(this);
    m_activityTimer->setInterval(s_activityIntervalMs);
    connect(m_activityTimer, &QTimer::timeout, this, &HttpEngineWorker::reportActivity);

    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &HttpEngineWorker::socketCallback);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &HttpEngineWorker::timerCallback);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, long(std::max(0, m_options.perHost)));
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(std::max(1, m_options.jobs)));
    curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
}

void HttpEngineWorker::shutdown()
{
    cancelAll();
    m_shutDown = true;
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
    if (m_timer)
        m_timer->stop();
    if (m_activityTimer)
        m_activityTimer->stop();
}

int HttpEngineWorker::socketCallback(CURL *, curl_socket_t socket, int what, void *worker, void *)
{
    static_cast<HttpEngineWorker *>(worker)->watchSocket(socket, what);
    return 0;
}

int HttpEngineWorker::timerCallback(CURLM *, long timeoutMs, void *worker)
{
    QTimer *timer = static_cast<HttpEngineWorker *>(worker)->m_timer;
    if (timeoutMs < 0)
        timer->stop();
    else
        timer->start(int(timeoutMs));
    return 0;
}

void HttpEngineWorker::watchSocket(curl_socket_t socket, int what)
{
    auto it = m_sockets.find(socket);
    if (what == CURL_POLL_REMOVE) {
        if (it != m_sockets.end()) {
            // libcurl is about to close the socket, perhaps from inside a notifier's signal: disable now,
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

void HttpEngineWorker::socketAction(curl_socket_t socket, int flags)
{
    if (!m_multi)
        return;
    int running = 0;
    curl_multi_socket_action(m_multi, socket, flags, &running);
    processMessages();
}

void HttpEngineWorker::processMessages()
{
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL *easy = message->easy_handle;
        const CURLcode code = message->data.result;
        HttpExchange *x = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &x);
        curl_multi_remove_handle(m_multi, easy);
        if (x) {
            x->inMulti = false;
            finishAttempt(*x, code);
        }
    }
}

void HttpEngineWorker::submit(std::vector<std::unique_ptr<HttpExchange>> exchanges)
{
    for (auto &x : exchanges) {
        x->worker = this;
        if (m_shutDown) {
            x->handler->onClosed(HttpEnd::Cancelled);
            continue;
        }
        const HttpExchangeId id = x->id;
        if (x->request.lane.isEmpty() && !m_options.sequentialHosts.isEmpty()) {
            const QString host = x->request.host();
            if (m_options.sequentialHosts.contains(host, Qt::CaseInsensitive))
                x->request.lane = QStringLiteral("host:") + host.toLower();
        }
        const QString lane = x->request.lane;
        if (!lane.isEmpty() && m_lanesInUse.contains(lane)) {
            x->state = HttpExchange::State::Backlog;
            m_laneBacklog[lane].push_back(id);
        } else {
            if (!lane.isEmpty())
                m_lanesInUse.insert(lane);
            x->state = HttpExchange::State::Queued;
            m_queue.push_back(id);
        }
        m_exchanges[id] = std::move(x);
    }
    startNext();
}

void HttpEngineWorker::startNext()
{
    if (m_inStartNext || m_cancelling || m_shutDown)
        return;
    m_inStartNext = true;
    while (!m_paused && !m_queue.empty() && m_active < std::max(1, m_options.jobs)) {
        const HttpExchangeId id = m_queue.front();
        m_queue.pop_front();
        const auto found = m_exchanges.find(id);
        if (found == m_exchanges.end() || found->second->state != HttpExchange::State::Queued)
            continue; // cancelled while it waited
        ++m_active;
        startAttempt(*found->second);
    }
    m_inStartNext = false;
}

CURL *HttpEngineWorker::takeHandle()
{
    // A pooled handle keeps its buffers from earlier exchanges.
    if (m_idleHandles.empty())
        return curl_easy_init();
    CURL *easy = m_idleHandles.back();
    m_idleHandles.pop_back();
    return easy;
}

void HttpEngineWorker::recycle(CURL *easy)
{
    if (!easy)
        return;
    if (m_idleHandles.size() < size_t(std::max(1, m_options.jobs)))
        m_idleHandles.push_back(easy);
    else
        curl_easy_cleanup(easy);
}

void HttpEngineWorker::clearAttempt(HttpExchange &x)
{
    // Reset first: the handle's options point to the list, the form and the file freed below.
    if (x.easy)
        curl_easy_reset(x.easy);
    if (x.headers) {
        curl_slist_free_all(x.headers);
        x.headers = nullptr;
    }
    if (x.mime) {
        curl_mime_free(x.mime);
        x.mime = nullptr;
    }
    if (x.bodyFile.isOpen())
        x.bodyFile.close();
}

void HttpEngineWorker::startAttempt(HttpExchange &x)
{
    x.state = HttpExchange::State::Running;
    ++x.attempt;
    ++x.generation;
    clearAttempt(x);
    x.head = HttpResponseHead{};
    x.abortedByHandler = false;
    x.localError.clear();
    x.flowPaused = false;
    x.bodyBytes = 0;
    x.bodyPosition = 0;
    x.errorBuffer[0] = 0;
    const HttpVerdict verdict = x.handler->prepare(x.request, x.attempt);
    if (verdict.kind() != HttpVerdict::Kind::Send) {
        apply(x, verdict);
        return;
    }
    if (!x.easy)
        x.easy = takeHandle();
    QString error;
    if (!x.easy) {
        x.localError = tr("libcurl could not set up a transfer");
        finishAttempt(x, CURLE_FAILED_INIT);
        return;
    }
    if (!configure(x, &error)) {
        x.localError = error;
        finishAttempt(x, CURLE_READ_ERROR);
        return;
    }
    if (!x.request.label.isEmpty()) {
        const TransferActivity a = activityOf(x);
        x.rateBytes = a.bytesDone;
        x.rateClock.start();
        if (!m_activityTimer->isActive())
            m_activityTimer->start();
    }
    if (m_paused)
        curl_easy_pause(x.easy, CURLPAUSE_ALL);
    x.inMulti = true;
    curl_multi_add_handle(m_multi, x.easy);
}

bool HttpEngineWorker::configure(HttpExchange &x, QString *error)
{
    CURL *easy = x.easy;
    const HttpRequest &r = x.request;
    const QByteArray url = r.encodedUrl();
    curl_easy_setopt(easy, CURLOPT_URL, url.constData());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &x);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, x.errorBuffer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &HttpEngineWorker::headerCallback);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &HttpEngineWorker::writeCallback);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (r.followRedirects >= 0) {
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(easy, CURLOPT_MAXREDIRS, long(r.followRedirects));
    }
    curl_easy_setopt(easy, CURLOPT_USERAGENT, m_userAgent.constData());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(m_options.connectTimeoutMs));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, long(m_options.lowSpeedLimit));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, long(m_options.lowSpeedSeconds));
    // Certificates are always verified; there is deliberately no setting to turn that off.
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_caBundle.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, m_caBundle.constData());
    if (m_connectTo)
        curl_easy_setopt(easy, CURLOPT_CONNECT_TO, m_connectTo);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, long(m_options.receiveBufferBytes));
    if (r.decompress)
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    if (r.maxBodyBytes >= 0)
        curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(r.maxBodyBytes));

    for (const auto &[name, value] : r.headers) {
        // "Name;" is libcurl's way of sending a header with an empty value.
        x.headers =
            curl_slist_append(x.headers, value.isEmpty() ? QByteArray(name + ';').constData()
                                                         : QByteArray(name + ": " + value).constData());
    }
    if (x.headers)
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x.headers);

    const QByteArray method = r.method.toUpper();
    const HttpBody &body = r.body;
    x.bodyLength = body.kind() == HttpBody::Kind::None ? 0 : -1;
    switch (body.kind()) {
    case HttpBody::Kind::None:
        if (method == "HEAD") {
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        } else if (method == "POST") {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(0));
        } else if (method != "GET") {
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.constData());
        }
        return true;
    case HttpBody::Kind::Form:
        if (!configureForm(x, error))
            return false;
        curl_easy_setopt(easy, CURLOPT_MIMEPOST, x.mime);
        if (method != "POST")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.constData());
        curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, s_uploadBuffer);
        return true;
    case HttpBody::Kind::Memory:
        x.bodyLength = body.data().size();
        break;
    case HttpBody::Kind::FileRange: {
        x.bodyFile.setFileName(body.path());
        if (!x.bodyFile.open(QIODevice::ReadOnly) || !x.bodyFile.seek(body.offset())) {
            *error = tr("cannot read %1 to send it: %2").arg(body.path(), x.bodyFile.errorString());
            return false;
        }
        x.bodyLength = body.length() >= 0 ? body.length() : x.bodyFile.size() - body.offset();
        break;
    }
    case HttpBody::Kind::Stream:
        if (x.streamTouched && !(body.rewinder() && body.rewinder()())) {
            *error = tr("the request's body cannot be sent a second time");
            return false;
        }
        x.bodyLength = body.length();
        break;
    }
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &HttpEngineWorker::readCallback);
    curl_easy_setopt(easy, CURLOPT_READDATA, &x);
    curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &HttpEngineWorker::seekCallback);
    curl_easy_setopt(easy, CURLOPT_SEEKDATA, &x);
    curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, s_uploadBuffer);
    if (method == "POST") {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(x.bodyLength));
    } else {
        curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(x.bodyLength));
        if (method != "PUT")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.constData());
    }
    return true;
}

bool HttpEngineWorker::configureForm(HttpExchange &x, QString *error)
{
    x.mime = curl_mime_init(x.easy);
    for (const HttpForm::Part &p : x.request.body.formData().parts()) {
        curl_mimepart *part = curl_mime_addpart(x.mime);
        curl_mime_name(part, p.name.constData());
        if (!p.fileName.isEmpty())
            curl_mime_filename(part, p.fileName.toUtf8().constData());
        if (!p.contentType.isEmpty())
            curl_mime_type(part, p.contentType.constData());
        if (!p.isFileRange()) {
            curl_mime_data(part, p.data.constData(), size_t(p.data.size()));
            continue;
        }
        auto file = std::make_unique<FormFile>();
        file->path = p.path;
        file->offset = p.offset;
        file->error = &x.localError;
        file->file.setFileName(p.path);
        // Opened now, so a missing file is an error before anything is sent; read as libcurl sends.
        if (!file->file.open(QIODevice::ReadOnly) || !file->file.seek(p.offset)) {
            *error = tr("cannot read %1 to send it: %2").arg(p.path, file->file.errorString());
            return false;
        }
        file->length = p.length >= 0 ? p.length : file->file.size() - p.offset;
        if (file->length < 0 || p.offset + file->length > file->file.size()) {
            *error = tr("%1 is shorter than the %2 bytes from offset %3 to be sent")
                         .arg(p.path)
                         .arg(file->length)
                         .arg(p.offset);
            return false;
        }
        const curl_off_t length = curl_off_t(file->length);
        curl_mime_data_cb(part, length, &HttpEngineWorker::readFormFile, &HttpEngineWorker::seekFormFile,
                          &HttpEngineWorker::freeFormFile, file.release());
    }
    return true;
}

size_t HttpEngineWorker::readFormFile(char *buffer, size_t size, size_t count, void *part)
{
    auto *f = static_cast<FormFile *>(part);
    const qint64 wanted = std::min<qint64>(qint64(size * count), f->length - f->position);
    if (wanted <= 0)
        return 0;
    const qint64 n = f->file.read(buffer, wanted);
    if (n <= 0) {
        *f->error = tr("%1 could not be read after %2 bytes: %3")
                        .arg(f->path)
                        .arg(f->offset + f->position)
                        .arg(n < 0 ? f->file.errorString() : tr("it ended"));
        return CURL_READFUNC_ABORT;
    }
    f->position += n;
    return size_t(n);
}

int HttpEngineWorker::seekFormFile(void *part, curl_off_t offset, int origin)
{
    auto *f = static_cast<FormFile *>(part);
    if (origin != SEEK_SET || offset < 0 || offset > f->length)
        return CURL_SEEKFUNC_CANTSEEK;
    if (!f->file.seek(f->offset + qint64(offset)))
        return CURL_SEEKFUNC_FAIL;
    f->position = qint64(offset);
    return CURL_SEEKFUNC_OK;
}

void HttpEngineWorker::freeFormFile(void *part)
{
    delete static_cast<FormFile *>(part);
}

size_t HttpEngineWorker::readCallback(char *buffer, size_t size, size_t count, void *exchange)
{
    auto *x = static_cast<HttpExchange *>(exchange);
    const qint64 room = qint64(size * count);
    const HttpBody &body = x->request.body;
    switch (body.kind()) {
    case HttpBody::Kind::Memory: {
        const qint64 n = std::min<qint64>(room, x->bodyLength - x->bodyPosition);
        if (n <= 0)
            return 0;
        std::memcpy(buffer, body.data().constData() + x->bodyPosition, size_t(n));
        x->bodyPosition += n;
        return size_t(n);
    }
    case HttpBody::Kind::FileRange: {
        const qint64 wanted = std::min<qint64>(room, x->bodyLength - x->bodyPosition);
        if (wanted <= 0)
            return 0;
        const qint64 n = x->bodyFile.read(buffer, wanted);
        if (n <= 0) {
            x->localError = tr("%1 could not be read after %2 bytes: %3")
                                .arg(body.path())
                                .arg(body.offset() + x->bodyPosition)
                                .arg(n < 0 ? x->bodyFile.errorString() : tr("it ended"));
            return CURL_READFUNC_ABORT;
        }
        x->bodyPosition += n;
        return size_t(n);
    }
    case HttpBody::Kind::Stream: {
        const qint64 n = body.reader()(buffer, room);
        if (n == HttpBody::WouldBlock) {
            x->flowPaused = true;
            return CURL_READFUNC_PAUSE;
        }
        if (n < 0 || n > room) {
            x->localError = tr("the request's body could not be read");
            return CURL_READFUNC_ABORT;
        }
        x->streamTouched = x->streamTouched || n > 0;
        x->bodyPosition += n;
        return size_t(n);
    }
    case HttpBody::Kind::None:
    case HttpBody::Kind::Form:
        break;
    }
    return 0;
}

int HttpEngineWorker::seekCallback(void *exchange, curl_off_t offset, int origin)
{
    // libcurl rewinds the body when it must send it again (a redirect, an authentication round, a refused
    // Expect: 100-continue).
    auto *x = static_cast<HttpExchange *>(exchange);
    const HttpBody &body = x->request.body;
    if (origin != SEEK_SET || offset < 0 || (x->bodyLength >= 0 && offset > x->bodyLength))
        return CURL_SEEKFUNC_CANTSEEK;
    switch (body.kind()) {
    case HttpBody::Kind::Memory:
        break;
    case HttpBody::Kind::FileRange:
        if (!x->bodyFile.seek(body.offset() + qint64(offset)))
            return CURL_SEEKFUNC_FAIL;
        break;
    case HttpBody::Kind::Stream:
        if (offset != 0 || !body.rewinder() || !body.rewinder()())
            return CURL_SEEKFUNC_CANTSEEK;
        break;
    case HttpBody::Kind::None:
    case HttpBody::Kind::Form:
        return CURL_SEEKFUNC_CANTSEEK;
    }
    x->bodyPosition = qint64(offset);
    return CURL_SEEKFUNC_OK;
}

size_t HttpEngineWorker::headerCallback(char *data, size_t size, size_t count, void *exchange)
{
    auto *x = static_cast<HttpExchange *>(exchange);
    const size_t length = size * count;
    const QByteArray line = QByteArray::fromRawData(data, qsizetype(length)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new response: after a 1xx, or the next hop of a redirect libcurl follows.
        x->head = HttpResponseHead{};
        const qsizetype space = line.indexOf(' ');
        x->head.status = space > 0 ? line.mid(space + 1, 3).toInt() : 0;
        return length;
    }
    if (line.isEmpty()) {
        // The end of a header block; informational (1xx) blocks are followed by the real one.
        if (x->head.status >= 200 && !x->handler->onHead(x->head)) {
            x->abortedByHandler = true;
            return 0;
        }
        return length;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        x->head.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    return length;
}

size_t HttpEngineWorker::writeCallback(char *data, size_t size, size_t count, void *exchange)
{
    auto *x = static_cast<HttpExchange *>(exchange);
    const qint64 length = qint64(size * count);
    switch (x->handler->onBody(data, length)) {
    case HttpBodyAction::Accept:
        x->bodyBytes += length;
        return size_t(length);
    case HttpBodyAction::Pause:
        // A paused write is delivered again on resume.
        x->flowPaused = true;
        return CURL_WRITEFUNC_PAUSE;
    case HttpBodyAction::Abort:
        break;
    }
    x->abortedByHandler = true;
    return 0;
}

void HttpEngineWorker::finishAttempt(HttpExchange &x, CURLcode code)
{
    HttpAttempt attempt;
    attempt.number = x.attempt;
    attempt.curlCode = int(code);
    attempt.abortedByHandler = x.abortedByHandler || !x.localError.isEmpty();
    attempt.localError = x.localError;
    if (code != CURLE_OK) {
        attempt.transportError = !x.localError.isEmpty() ? x.localError
                                 : x.errorBuffer[0]      ? QString::fromLocal8Bit(x.errorBuffer)
                                                         : QString::fromLatin1(curl_easy_strerror(code));
    }
    attempt.head = x.head;
    attempt.bodyBytes = x.bodyBytes;
    char *effective = nullptr;
    if (x.easy && curl_easy_getinfo(x.easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective &&
        *effective)
        attempt.url = QUrl::fromEncoded(QByteArray(effective));
    else
        attempt.url = QUrl::fromEncoded(x.request.encodedUrl());
    curl_off_t sent = 0;
    if (x.easy && curl_easy_getinfo(x.easy, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK)
        attempt.sentBytes = qint64(sent);
    apply(x, x.handler->onAttemptEnd(attempt));
}

void HttpEngineWorker::apply(HttpExchange &x, const HttpVerdict &verdict)
{
    switch (verdict.kind()) {
    case HttpVerdict::Kind::Done:
        close(x.id, HttpEnd::Done);
        return;
    case HttpVerdict::Kind::Fail:
        close(x.id, HttpEnd::Failed);
        return;
    case HttpVerdict::Kind::Hold:
        x.state = HttpExchange::State::Held;
        return;
    case HttpVerdict::Kind::Send:
    case HttpVerdict::Kind::Retry:
        break;
    }
    if (verdict.delayMs() <= 0) {
        startAttempt(x);
        return;
    }
    x.state = HttpExchange::State::Waiting;
    const HttpExchangeId id = x.id;
    const quint64 generation = ++x.generation;
    QTimer::singleShot(int(std::min<qint64>(verdict.delayMs(), std::numeric_limits<int>::max())), this,
                       [this, id, generation] {
                           const auto found = m_exchanges.find(id);
                           if (found != m_exchanges.end() &&
                               found->second->state == HttpExchange::State::Waiting &&
                               found->second->generation == generation)
                               startAttempt(*found->second);
                       });
}

void HttpEngineWorker::close(HttpExchangeId id, HttpEnd end)
{
    const auto found = m_exchanges.find(id);
    if (found == m_exchanges.end())
        return;
    std::unique_ptr<HttpExchange> x = std::move(found->second);
    m_exchanges.erase(found);
    if (x->inMulti && m_multi) {
        curl_multi_remove_handle(m_multi, x->easy);
        x->inMulti = false;
    }
    const QString &lane = x->request.lane;
    if (x->state == HttpExchange::State::Backlog) {
        auto &backlog = m_laneBacklog[lane];
        backlog.erase(std::remove(backlog.begin(), backlog.end(), id), backlog.end());
    } else {
        if (x->state != HttpExchange::State::Queued)
            --m_active;
        if (!lane.isEmpty())
            releaseLane(lane);
    }
    clearAttempt(*x);
    recycle(std::exchange(x->easy, nullptr));
    ++x->generation;
    x->handler->onClosed(end);
    startNext();
}

void HttpEngineWorker::releaseLane(const QString &lane)
{
    auto backlog = m_laneBacklog.find(lane);
    while (backlog != m_laneBacklog.end() && !backlog->empty()) {
        const HttpExchangeId next = backlog->front();
        backlog->pop_front();
        const auto found = m_exchanges.find(next);
        if (found == m_exchanges.end())
            continue;
        // The lane's next request goes to the front: it has waited since it was started.
        found->second->state = HttpExchange::State::Queued;
        m_queue.push_front(next);
        return;
    }
    if (backlog != m_laneBacklog.end())
        m_laneBacklog.erase(backlog);
    m_lanesInUse.remove(lane);
}

void HttpEngineWorker::cancel(HttpExchangeId id)
{
    close(id, HttpEnd::Cancelled);
}

void HttpEngineWorker::cancelAll()
{
    // No queued exchange may start while the others are cancelled.
    m_cancelling = true;
    while (!m_exchanges.empty())
        close(m_exchanges.begin()->first, HttpEnd::Cancelled);
    m_queue.clear();
    m_cancelling = false;
}

void HttpEngineWorker::setPaused(bool paused)
{
    m_paused = paused;
    for (auto &[id, x] : m_exchanges) {
        if (!x->inMulti)
            continue;
        if (paused)
            curl_easy_pause(x->easy, CURLPAUSE_ALL);
        else if (!x->flowPaused)
            curl_easy_pause(x->easy, CURLPAUSE_CONT);
    }
    if (!paused)
        startNext();
}

void HttpEngineWorker::resume(HttpExchangeId id)
{
    const auto found = m_exchanges.find(id);
    if (found == m_exchanges.end())
        return;
    HttpExchange &x = *found->second;
    if (!x.flowPaused)
        return;
    // Cleared even while the engine is paused, so the engine's resume carries on with it.
    x.flowPaused = false;
    if (x.inMulti && !m_paused)
        curl_easy_pause(x.easy, CURLPAUSE_CONT);
}

void HttpEngineWorker::release(HttpExchangeId id)
{
    const auto found = m_exchanges.find(id);
    if (found != m_exchanges.end() && found->second->state == HttpExchange::State::Held)
        close(id, HttpEnd::Done);
}

TransferActivity HttpEngineWorker::activityOf(HttpExchange &x) const
{
    TransferActivity a;
    a.tag = x.request.tag;
    a.label = x.request.label;
    a.host = x.request.host();
    a.direction = x.request.direction;
    a.attempt = x.attempt;
    if (a.direction == TransferActivity::Direction::Upload) {
        curl_off_t sent = 0;
        if (x.inMulti && curl_easy_getinfo(x.easy, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK)
            a.bytesDone = qint64(sent);
        curl_off_t total = -1;
        if (x.inMulti && curl_easy_getinfo(x.easy, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &total) == CURLE_OK)
            a.total = qint64(total);
        else
            a.total = x.bodyLength;
    } else {
        a.bytesDone = x.bodyBytes;
        a.total = x.head.contentLength();
    }
    x.handler->describe(a);
    return a;
}

void HttpEngineWorker::reportActivity()
{
    QList<TransferActivity> list;
    for (auto &[id, x] : m_exchanges) {
        if (!x->reportsActivity())
            continue;
        TransferActivity a = activityOf(*x);
        const qint64 elapsed = x->rateClock.isValid() ? x->rateClock.restart() : 0;
        if (elapsed > 0)
            x->bytesPerSecond = double(a.bytesDone - x->rateBytes) * 1000.0 / double(elapsed);
        x->rateBytes = a.bytesDone;
        a.bytesPerSecond = std::max(0.0, x->bytesPerSecond);
        list.append(a);
    }
    if (list.isEmpty()) {
        m_activityTimer->stop();
        if (std::exchange(m_reportedActivity, false))
            emit activity({});
        return;
    }
    m_reportedActivity = true;
    emit activity(list);
}

} // namespace gh

#include "httpengine.moc"
