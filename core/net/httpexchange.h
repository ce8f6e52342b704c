#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include "httprequest.h"

namespace gh {

class HttpEngine;
using HttpExchangeId = quint64;

/*!
    \class gh::HttpResponseHead
    The status line and header fields of one response. Names are lower-case.
*/
struct HttpResponseHead
{
    int status = 0; //!< 0 while no response has arrived.
    HttpHeaders headers;

    //! The last value of \a lowerCaseName, or empty (a repeated field's last value wins).
    QByteArray header(const QByteArray &lowerCaseName) const;
    //! Every value of \a lowerCaseName, in order (Set-Cookie).
    QList<QByteArray> values(const QByteArray &lowerCaseName) const;
    //! Content-Length, or -1 when absent or malformed.
    qint64 contentLength() const;
};

/*!
    \class gh::HttpAttempt
    How one attempt of an exchange ended, as its handler's onAttemptEnd() sees it.
*/
struct HttpAttempt
{
    int number = 1;         //!< 1 for the first attempt of the exchange.
    int curlCode = 0;       //!< libcurl's result (CURLcode); 0 when a whole response arrived.
    QString transportError; //!< libcurl's description when curlCode is not 0.
    //! The handler stopped the attempt (onHead() returned false, onBody() Abort), or this side failed.
    bool abortedByHandler = false;
    //! Set when this side failed: the request body could not be read (transportError says the same).
    QString localError;
    HttpResponseHead head; //!< The final response's head; status 0 when none arrived.
    QUrl url;              //!< Where the response came from (after redirects libcurl followed).
    qint64 bodyBytes = 0;  //!< Body bytes the handler accepted.
    qint64 sentBytes = 0;  //!< Request body bytes sent.

    bool completed() const { return curlCode == 0; }
};

/*!
    \class gh::HttpVerdict
    What a handler decides after an attempt (or before one, from prepare()).
*/
class HttpVerdict
{
public:
    enum class Kind
    {
        Send,  //!< prepare() only: send the attempt now.
        Done,  //!< The exchange succeeded; it ends.
        Retry, //!< Try again after delayMs() (0: at once); prepare() sees the next attempt.
        Fail,  //!< The exchange failed; it ends.
        Hold   //!< It keeps its place (a job, its lane, its activity row) until HttpEngine::release().
    };
    static HttpVerdict send() { return HttpVerdict(Kind::Send); }
    static HttpVerdict done() { return HttpVerdict(Kind::Done); }
    static HttpVerdict retryAfter(qint64 ms) { return HttpVerdict(Kind::Retry, ms); }
    static HttpVerdict fail() { return HttpVerdict(Kind::Fail); }
    static HttpVerdict hold() { return HttpVerdict(Kind::Hold); }

    Kind kind() const { return m_kind; }
    qint64 delayMs() const { return m_delayMs; }

private:
    explicit HttpVerdict(Kind kind, qint64 delayMs = 0)
        : m_kind(kind)
        , m_delayMs(delayMs)
    {}
    Kind m_kind;
    qint64 m_delayMs;
};

//! What a handler does with body bytes.
enum class HttpBodyAction
{
    Accept, //!< Taken.
    Pause,  //!< Not now: the same bytes come again after HttpEngine::resume() (backpressure).
    Abort   //!< Stop this attempt; onAttemptEnd() sees abortedByHandler.
};

//! How an exchange left the engine.
enum class HttpEnd
{
    Done,     //!< The handler said done.
    Failed,   //!< The handler said fail.
    Cancelled //!< HttpEngine::cancel(), cancelAll() or the engine's end.
};

/*!
    \class gh::HttpHandler
    The caller's side of one exchange. Every method runs on the engine's thread and must return quickly: hand
    slow work (hashing, writing) to a pool and answer Pause or Hold meanwhile. The handler lives until the
    exchange has closed.

    onHead() and onBody() run inside libcurl's callbacks: from there, talk to the engine only through its
    thread-safe methods (they are queued).
*/
class HttpHandler
{
public:
    virtual ~HttpHandler();

    /*!
        Before each attempt (\a attempt is 1 for the first): may change \a request (URL, headers, body),
        which the engine keeps for later attempts. Answer send() to go ahead; done(), fail(), hold() or
        retryAfter() decide without sending.
    */
    virtual HttpVerdict prepare(HttpRequest &request, int attempt);
    //! The head of each response with status 200 or more (1xx are skipped); false aborts the attempt.
    virtual bool onHead(const HttpResponseHead &head);
    //! Body bytes as they arrive. The default accepts and drops them.
    virtual HttpBodyAction onBody(const char *data, qint64 size);
    //! An attempt ended: the verdict decides what comes next.
    virtual HttpVerdict onAttemptEnd(const HttpAttempt &attempt) = 0;
    //! The exchange left the engine; called exactly once, last.
    virtual void onClosed(HttpEnd end);
    /*!
        Refines what the transfers view shows for this exchange: the engine fills \a activity from the
        request and the bytes it saw (this attempt's), and works out the rate from what this leaves.
    */
    virtual void describe(TransferActivity &activity) const;

    //! The engine running this exchange, and its id there: set before the first call.
    HttpEngine *engine() const { return m_engine; }
    HttpExchangeId exchangeId() const { return m_id; }

protected:
    //! Shorthands for HttpEngine::resume() and release() of this exchange (thread-safe).
    void resume() const;
    void release() const;

private:
    friend class HttpEngine;
    HttpEngine *m_engine = nullptr;
    HttpExchangeId m_id = 0;
};

} // namespace gh
