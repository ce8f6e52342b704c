#include "httprules.h"

#include <cmath>

#include <QLocale>
#include <QRandomGenerator>
#include <QTimeZone>

#include <curl/curl.h>

namespace gh {

std::optional<FileStatus> HttpRules::statusForHttp(int httpStatus)
{
    if ((httpStatus >= 200 && httpStatus < 300) || httpStatus == 304)
        return std::nullopt;
    switch (httpStatus) {
    case 401:
    case 403:
    case 451:
        return FileStatus::Forbidden;
    case 404:
    case 410:
        return FileStatus::NotFound;
    case 408:
        return FileStatus::Timeout;
    case 429:
        return FileStatus::RateLimited;
    default:
        break;
    }
    if (httpStatus >= 500)
        return FileStatus::ServerError;
    if (httpStatus >= 400)
        return FileStatus::ClientError;
    // 1xx or 3xx without a usable Location: the server did not answer with the resource.
    return FileStatus::ClientError;
}

FileStatus HttpRules::statusForCurl(int curlCode)
{
    switch (CURLcode(curlCode)) {
    case CURLE_OPERATION_TIMEDOUT:
        return FileStatus::Timeout;
    case CURLE_PARTIAL_FILE:
        return FileStatus::Truncated;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
        return FileStatus::TlsError;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return FileStatus::Unsupported;
    case CURLE_TOO_MANY_REDIRECTS:
        return FileStatus::TooManyRedirects;
    case CURLE_FILESIZE_EXCEEDED:
        return FileStatus::TooLarge;
    default:
        return FileStatus::NetworkError;
    }
}

bool HttpRules::isTransient(int curlCode, int httpStatus)
{
    if (curlCode != CURLE_OK)
        return StatusInfo::isTransient(statusForCurl(curlCode));
    const std::optional<FileStatus> status = statusForHttp(httpStatus);
    return status && StatusInfo::isTransient(*status);
}

std::optional<qint64> HttpRules::retryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = trimmed.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional<qint64>(seconds * 1000) : std::nullopt;
    const QDateTime when = parseHttpDate(trimmed);
    if (!when.isValid())
        return std::nullopt;
    return std::max<qint64>(0, now.msecsTo(when));
}

qint64 HttpRules::backoffMs(int attempt, int baseMs, int maxMs)
{
    const double exponential = double(baseMs) * std::pow(2.0, std::max(0, attempt - 1));
    const double capped = std::min<double>(exponential, maxMs);
    // "Equal jitter": half fixed, half random, so retries of many files spread out but never come too soon.
    const double jitter = QRandomGenerator::global()->bounded(capped / 2.0 + 1.0);
    return qint64(capped / 2.0 + jitter);
}

RetryDecision HttpRules::retryDecision(const RetryPolicy &policy, int attempt, bool transient,
                                       const QByteArray &retryAfter, const QDateTime &now)
{
    RetryDecision decision;
    if (const auto asked = retryAfterMs(retryAfter, now))
        decision.askedMs = *asked;
    if (!transient || attempt >= policy.maxAttempts)
        return decision;
    decision.delayMs = backoffMs(attempt, policy.backoffBaseMs, policy.backoffMaxMs);
    if (decision.askedMs >= 0) {
        if (decision.askedMs > policy.retryAfterMaxMs) {
            decision.askedTooLong = true;
            return decision;
        }
        decision.delayMs = std::max(decision.delayMs, decision.askedMs);
    }
    decision.retry = true;
    return decision;
}

QString HttpRules::mimetypeOf(const QByteArray &contentType)
{
    return QString::fromLatin1(contentType.split(';').constFirst().trimmed().toLower());
}

bool HttpRules::accepts(const QStringList &patterns, const QString &mimetype)
{
    if (patterns.isEmpty())
        return true;
    const QString type = mimetype.toLower();
    for (const QString &raw : patterns) {
        const QString pattern = raw.trimmed().toLower();
        if (pattern == u"*/*" || pattern == u"*" || pattern == type)
            return true;
        if (pattern.endsWith(u"/*") && type.startsWith(pattern.chopped(1)))
            return true;
    }
    return false;
}

QDateTime HttpRules::freshUntil(const QByteArray &cacheControl, const QByteArray &expires,
                                const QDateTime &now)
{
    const QByteArray directives = cacheControl.toLower();
    if (directives.contains("no-store") || directives.contains("no-cache"))
        return {};
    for (const QByteArray &directive : directives.split(',')) {
        const QByteArray d = directive.trimmed();
        if (d.startsWith("max-age=")) {
            bool ok = false;
            const qint64 seconds = d.mid(8).toLongLong(&ok);
            if (ok && seconds > 0)
                return now.addSecs(seconds);
            return {};
        }
    }
    const QDateTime until = parseHttpDate(expires);
    return until.isValid() && until > now ? until : QDateTime();
}

QDateTime HttpRules::parseHttpDate(const QByteArray &value)
{
    const QString text = QString::fromLatin1(value.trimmed());
    if (text.isEmpty())
        return {};
    const QLocale c = QLocale::c();
    for (const QString &format : {QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"), // IMF-fixdate
                                  QStringLiteral("dddd, dd-MMM-yy HH:mm:ss 'GMT'"),  // RFC 850
                                  QStringLiteral("ddd MMM d HH:mm:ss yyyy")}) {      // asctime
        QDateTime parsed = c.toDateTime(text.simplified(), format);
        if (parsed.isValid()) {
            if (format.contains(u"yy,") || format.contains(u"-yy ")) {
                // Two-digit years: RFC 9110 says interpret as the most recent past century that fits.
                if (parsed.date().year() < 1970)
                    parsed = parsed.addYears(100);
            }
            return QDateTime(parsed.date(), parsed.time(), QTimeZone::utc());
        }
    }
    return {};
}

} // namespace gh
