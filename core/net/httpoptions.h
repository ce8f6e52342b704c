#pragma once

#include <QString>
#include <QStringList>

namespace gh {

/*!
    \class gh::HttpEngineOptions
    How an HttpEngine talks to servers, the same for every exchange it runs: parallelism, politeness and
    timeouts. TLS is always verified (caBundle only adds trust); proxies come from the environment
    (\c http_proxy, \c https_proxy, \c no_proxy), as libcurl reads them.
*/
struct HttpEngineOptions
{
    int jobs = 8;    //!< Exchanges running at once; more wait their turn.
    int perHost = 4; //!< Connections to one host at once; 0 for no limit.
    //! Replaces the User-Agent of every request; empty means defaultUserAgent(contact).
    QString userAgent;
    //! An e-mail or URL where server operators can reach whoever runs Gatehouse (Wikimedia's User-Agent
    //! policy asks for one).
    QString contact = QStringLiteral("https://gatehouse.invalid/contact");
    int connectTimeoutMs = 30000;
    //! An exchange moving fewer than lowSpeedLimit bytes/s for lowSpeedSeconds is a stall (a timeout).
    int lowSpeedLimit = 1;
    int lowSpeedSeconds = 60;
    QString caBundle; //!< Extra CA certificates (PEM) to verify TLS with; verification is never optional.
    QStringList connectTo; //!< libcurl --connect-to entries "HOST:PORT:ADDR:PORT" (pinning, tests).
    //! Hosts that must see one request at a time: requests to them without a lane of their own share the
    //! lane "host:NAME" (see HttpRequest::lane).
    QStringList sequentialHosts;
    //! libcurl's receive buffer: fewer, larger reads than its 16 KiB default.
    int receiveBufferBytes = 512 * 1024;

    QString effectiveUserAgent() const;
    //! "Gatehouse/<version> (<contact>) libcurl/<version>", the form Wikimedia's User-Agent policy asks for.
    static QString defaultUserAgent(const QString &contact);
};

} // namespace gh
