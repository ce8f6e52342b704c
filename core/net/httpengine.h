#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QObject>
#include <QThread>

#include "httpexchange.h"
#include "httpoptions.h"
#include "httprules.h"
#include "util/result.h"

namespace gh {

class HttpEngineWorker;

/*!
    \class gh::HttpReply
    The outcome of an exchange run by HttpEngine::perform() or the callback form of HttpEngine::start(): the
    last attempt's response, or how it failed to get one.
*/
struct HttpReply
{
    int status = 0; //!< 0 when no response arrived.
    HttpHeaders headers;
    QByteArray body; //!< The body, unless HttpCallOptions::sink took it (error bodies always land here).
    QUrl url;        //!< Where the response came from, after redirects libcurl followed.
    int attempts = 0;
    int curlCode = 0;       //!< libcurl's result of the last attempt; 0 when a whole response arrived.
    QString transportError; //!< What went wrong when curlCode is not 0.
    //! What failed on this side, if anything; never worth a retry.
    enum class LocalFailure
    {
        None,
        RequestBody, //!< The request's body could not be read.
        Sink,        //!< HttpCallOptions::sink refused bytes.
        TooLarge     //!< A body kept in memory grew past HttpCallOptions::maxBufferedBytes.
    };
    LocalFailure localFailure = LocalFailure::None;
    QString localError; //!< Says what failed on this side (also in transportError).

    bool answered() const { return curlCode == 0 && status > 0; }
    bool isSuccess() const { return answered() && status >= 200 && status < 300; }
    //! The last value of \a lowerCaseName, or empty.
    QByteArray header(const QByteArray &lowerCaseName) const;
};

/*!
    \class gh::HttpCallOptions
    How HttpEngine::perform() (and the callback form of start()) runs an exchange for a caller that wants the
    whole reply. Every function runs on the engine's thread while the caller waits.
*/
struct HttpCallOptions
{
    RetryPolicy retry;
    //! Whether a failed attempt is worth another; default HttpRules::isTransient() of its result.
    std::function<bool(const HttpReply &attempt)> transient;
    //! Before every attempt (1 = the first): re-sign the request, rewind a sink, …
    std::function<void(HttpRequest &request, int attempt)> beforeAttempt;
    //! After every attempt, with what it produced (attempts = its number); false cancels the exchange.
    std::function<bool(const HttpReply &attempt)> afterAttempt;
    //! Takes the body of 2xx responses instead of HttpReply::body; false aborts (a local error).
    std::function<bool(const char *data, qint64 size)> sink;
    //! Bodies kept in memory beyond this abort the exchange with a local error.
    qint64 maxBufferedBytes = 64 * 1024 * 1024;
    //! perform() only: polled by the waiting thread; true cancels the exchange at once.
    std::function<bool()> cancelled;
};

/*!
    \class gh::HttpEngine
    Every HTTP exchange Gatehouse has with a server: one libcurl multi handle on the engine's own thread,
    driven by that thread's Qt event loop (socket notifiers and a timer), running up to jobs exchanges at
    once and no more than perHost connections per host, with keep-alive and HTTP/2 where the server offers
    it. This is the one place that sets up libcurl: TLS always verified (with an extra CA bundle if one is
    given), the User-Agent with a contact, connect and stall timeouts, proxies from the environment.

    An exchange is a request and an HttpHandler that sees the response's head and body as they arrive (with
    backpressure: it may pause and resume later) and decides after each attempt: done, retry after N ms (with
    HttpRules::retryDecision() for backoff, jitter and Retry-After), fail, or hold. Requests of one lane run
    one at a time in the order they were started. The engine knows nothing of files, batches or the catalog.

    perform() is the blocking form for worker threads; start() with a callback the asynchronous one. All
    public methods are thread-safe.
*/
class HttpEngine : public QObject
{
    Q_OBJECT

public:
    explicit HttpEngine(const HttpEngineOptions &options, QObject *parent = nullptr);
    //! Cancels every exchange (handlers see HttpEnd::Cancelled) and stops the thread.
    ~HttpEngine() override;

    const HttpEngineOptions &options() const { return m_options; }
    //! Whether the calling thread is the engine's (where handlers run).
    bool isEngineThread() const { return QThread::currentThread() == &m_thread; }

    //! Starts an exchange; its handler is called on the engine's thread from now on.
    HttpExchangeId start(HttpRequest request, std::shared_ptr<HttpHandler> handler);
    //! Starts many exchanges with one hand-over to the engine's thread, in order.
    QList<HttpExchangeId> start(QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges);
    /*!
        Starts an exchange run by \a options and calls \a done with its reply on \a context's thread. Fails
        only when cancelled (an error with ErrorCode::Cancelled); an HTTP error status or a transport failure
        is a reply.
    */
    HttpExchangeId start(HttpRequest request, const HttpCallOptions &options, QObject *context,
                         std::function<void(Result<HttpReply>)> done);
    /*!
        Runs an exchange and waits for its reply. Fails only when cancelled or when called on the engine's
        own thread (where it would wait forever); an HTTP error status or a transport failure after the
        retries is a reply for the caller to judge (HttpReply::answered()).
    */
    Result<HttpReply> perform(HttpRequest request, const HttpCallOptions &options = {});

    void cancel(HttpExchangeId id);
    void cancelAll();
    //! Pauses every running exchange and starts no new one, or carries on.
    void setPaused(bool paused);
    //! Carries on with an exchange its handler paused (onBody() Pause, a stream's WouldBlock).
    void resume(HttpExchangeId id);
    //! Ends an exchange its handler held (HttpVerdict::hold()) as done.
    void release(HttpExchangeId id);
    //! Runs \a task on the engine's thread, after what is already queued there.
    void post(std::function<void()> task);
    /*!
        Cancels everything and stops the engine's thread; afterwards nothing runs and posted tasks are
        dropped. The destructor does this; call it earlier to keep the object alive for late callers.
    */
    void shutdown();

signals:
    //! The exchanges with a label, a few times a second while any runs; an empty list when the last ends.
    void activity(const QList<gh::TransferActivity> &transfers);

private:
    HttpEngineOptions m_options;
    QThread m_thread;
    HttpEngineWorker *m_worker;
    std::atomic<HttpExchangeId> m_nextId{1};
    std::atomic_bool m_shutDown{false};
};

} // namespace gh

Q_DECLARE_METATYPE(gh::HttpReply)
