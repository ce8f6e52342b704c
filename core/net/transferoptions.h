#pragma once

#include <QString>
#include <QStringList>

#include "httpoptions.h"
#include "httprules.h"

namespace gh {

/*!
    \class gh::TransferOptions
    The settings for downloads, as the INI file (\c [transfer]) and the GUI's preferences hold them: how the
    HTTP engine behaves towards servers (engineOptions()) and the fetch policy on top of it — redirects,
    retries (retryPolicy()), limits, accepted types, freshness. Defaults suit a careful archiver.
*/
struct TransferOptions
{
    // The engine.
    int jobs = 8;    //!< Transfers running at once.
    int perHost = 4; //!< Connections to one host at once.
    //! Sent with every request; empty means "Gatehouse/<version> (<contact>) libcurl/<version>".
    QString userAgent;
    //! An e-mail or URL where server operators can reach whoever runs the crawl.
    QString contact = QStringLiteral("https://gatehouse.invalid/contact");
    int connectTimeoutMs = 30000;
    //! A transfer slower than lowSpeedLimit bytes/s for lowSpeedSeconds is a stall (status timeout).
    int lowSpeedLimit = 1;
    int lowSpeedSeconds = 60;
    QString caBundle; //!< Extra CA bundle to verify TLS with; verification itself is never optional.

    // The fetch policy.
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

    //! The engine part, for an HttpEngine that runs these downloads.
    HttpEngineOptions engineOptions() const;
    RetryPolicy retryPolicy() const;
    QString effectiveUserAgent() const { return engineOptions().effectiveUserAgent(); }
};

} // namespace gh
