#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include "model/status.h"

namespace gh {

/*!
    \class gh::HttpRules
    The rules the transfer engine applies to what servers say, as pure functions: how an HTTP status or a
    libcurl result becomes a file status, how long Retry-After asks to wait, whether a mimetype is accepted,
    how long a response stays fresh.
*/
class HttpRules
{
public:
    //! The file status for a final (non-redirect) HTTP response status, or nullopt for a success (2xx, 304).
    static std::optional<FileStatus> statusForHttp(int httpStatus);
    //! The file status for a libcurl error code (CURLcode as int); \a detail receives a readable reason.
    static FileStatus statusForCurl(int curlCode);
    static bool isRedirect(int httpStatus)
    {
        return httpStatus == 301 || httpStatus == 302 || httpStatus == 303 || httpStatus == 307 ||
               httpStatus == 308;
    }

    //! Milliseconds a Retry-After header asks for (delta-seconds or HTTP-date relative to \a now), if any.
    static std::optional<qint64> retryAfterMs(const QByteArray &value, const QDateTime &now);
    //! Exponential backoff with jitter for retry \a attempt (1 = the first retry).
    static qint64 backoffMs(int attempt, int baseMs, int maxMs);

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
