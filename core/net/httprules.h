#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include "model/status.h"

namespace gh {

/*!
    \class gh::RetryPolicy
    How often and how patiently an exchange is tried again after a transient failure.
*/
struct RetryPolicy
{
    int maxAttempts = 3;      //!< Attempts in all, the first one included; 1 never retries.
    int backoffBaseMs = 1000; //!< The first retry comes after about this long, doubling, with jitter.
    int backoffMaxMs = 60000;
    //! The longest Retry-After honoured; a server asking for longer gets no retry in this run.
    int retryAfterMaxMs = 120000;
};

/*!
    \class gh::RetryDecision
    What HttpRules::retryDecision() says after a failed attempt.
*/
struct RetryDecision
{
    bool retry = false;
    qint64 delayMs = 0;  //!< Wait this long before the next attempt (when retry).
    qint64 askedMs = -1; //!< What the server's Retry-After asked for; -1 when it said nothing usable.
    //! The failure was transient, but the server asked to wait longer than the policy allows.
    bool askedTooLong = false;
};

/*!
    \class gh::HttpRules
    The rules Gatehouse applies to what servers say, as pure functions: how an HTTP status or a libcurl
    result becomes a file status, which failures are worth another attempt and after how long (backoff with
    jitter, Retry-After capped), whether a mimetype is accepted, how long a response stays fresh. Exchange
    handlers use them so every client retries the same way.
*/
class HttpRules
{
public:
    //! The file status for a final (non-redirect) HTTP response status, or nullopt for a success (2xx, 304).
    static std::optional<FileStatus> statusForHttp(int httpStatus);
    //! The file status for a libcurl error code (CURLcode as int).
    static FileStatus statusForCurl(int curlCode);
    static bool isRedirect(int httpStatus)
    {
        return httpStatus == 301 || httpStatus == 302 || httpStatus == 303 || httpStatus == 307 ||
               httpStatus == 308;
    }
    /*!
        Whether an attempt that ended with libcurl result \a curlCode (0 when a response arrived) and HTTP
        status \a httpStatus is worth another try: timeouts, resets, short bodies, 408, 429 and 5xx.
    */
    static bool isTransient(int curlCode, int httpStatus);

    //! Milliseconds a Retry-After header asks for (delta-seconds or HTTP-date relative to \a now), if any.
    static std::optional<qint64> retryAfterMs(const QByteArray &value, const QDateTime &now);
    //! Exponential backoff with jitter for retry \a attempt (1 = the first retry).
    static qint64 backoffMs(int attempt, int baseMs, int maxMs);
    /*!
        The default retry rule after attempt \a attempt (1 = the first) failed: no retry for a permanent
        failure (\a transient false) or once \a policy's attempts are used up; otherwise the backoff, or what
        the server's \a retryAfter header asks for if that is longer and within the policy's cap.
    */
    static RetryDecision retryDecision(const RetryPolicy &policy, int attempt, bool transient,
                                       const QByteArray &retryAfter, const QDateTime &now);

    //! The mimetype of a Content-Type header, lower-cased, without parameters.
    static QString mimetypeOf(const QByteArray &contentType);
    //! Whether \a mimetype matches one of \a patterns ("image/*", "application/pdf", "*/*"); empty accepts
    //! all.
    static bool accepts(const QStringList &patterns, const QString &mimetype);

    //! When a response stops being fresh by Cache-Control max-age (preferred) or Expires; invalid if never
    //! fresh (no-store, no-cache, no directive).
    static QDateTime freshUntil(const QByteArray &cacheControl, const QByteArray &expires,
                                const QDateTime &now);
    //! Parses an HTTP-date (RFC 9110 IMF-fixdate, and the obsolete RFC 850 and asctime forms).
    static QDateTime parseHttpDate(const QByteArray &value);
};

} // namespace gh
