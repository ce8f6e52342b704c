#pragma once

#include <QString>
#include <QStringList>

namespace gh {

/*!
    \class gh::TransferOptions
    How the transfer engine behaves towards servers: parallelism, politeness, timeouts, retries and limits.
    Defaults suit a careful archiver; the CLI and the GUI expose the same settings.
*/
struct TransferOptions
{
    int jobs = 8;    //!< Transfers running at once.
    int perHost = 4; //!< Connections to one host at once.
    //! Sent with every request; empty means "Gatehouse/<version> (+contact)".
    QString userAgent;
    //! An e-mail or URL where server operators can reach whoever runs the crawl.
    QString contact = QStringLiteral("https://gatehouse.invalid/contact");
    int connectTimeoutMs = 30000;
    //! A transfer slower than lowSpeedLimit bytes/s for lowSpeedSeconds is a stall (status timeout).
    int lowSpeedLimit = 1;
    int lowSpeedSeconds = 60;
    int maxRedirects = 10;
    //! Attempts in all for transient outcomes (timeouts, resets, 429, 5xx, short bodies).
    int maxAttempts = 3;
    int backoffBaseMs = 1000; //!< First retry after about this long, doubling, with jitter.
    int backoffMaxMs = 60000;
    //! Longest Retry-After honoured; a server asking for longer gets the file marked for a later run.
    int retryAfterMaxMs = 120000;
    qint64 maxSize = -1; //!< Bytes; -1 for no limit. Checked on Content-Length and while streaming.
    QStringList accept;  //!< Mimetype patterns ("image/*", "application/pdf"); empty accepts everything.
    //! Skip the request entirely while a cached copy is fresh by Cache-Control max-age or Expires.
    bool honourFreshness = false;
    QString caBundle; //!< Extra CA bundle to verify TLS with; verification itself is never optional.

    QString effectiveUserAgent() const;
};

} // namespace gh
