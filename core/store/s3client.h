#pragma once

#include <memory>
#include <mutex>

#include <QCoreApplication>
#include <QHash>
#include <QIODevice>

#include "s3options.h"
#include "sigv4.h"
#include "util/result.h"

namespace gh {

class HttpEngine;

/*!
    \class gh::S3Client
    Signed HTTP requests to one bucket, run on an HttpEngine of its own (blocking; call from worker
    threads: the engine's thread does the work and the calling thread waits). Retries connection errors,
    5xx answers and throttling a bounded number of times with exponential back-off and jitter (timers in the
    engine, Retry-After honoured), signing every attempt afresh, and turns S3's XML error bodies into messages
    that name the bucket, the key and the endpoint, never the credentials. Safe to use from several threads at
    once.
*/
class S3Client
{
    Q_DECLARE_TR_FUNCTIONS(gh::S3Client)

public:
    struct Request
    {
        QByteArray method;
        QString objectKey;    //!< Full key in the bucket; empty for a bucket request.
        SigV4::Pairs query;   //!< Decoded.
        SigV4::Pairs headers; //!< Extra headers to sign and send (Content-MD5, x-amz-meta-…).
        QByteArray body;      //!< A body in memory, or:
        QString bodyFile;     //!< a byte range of a file,
        qint64 bodyOffset = 0;
        qint64 bodyLength = -1;
        QByteArray payloadHash;    //!< Hex sha256 of the body; computed for in-memory bodies when empty.
        QIODevice *sink = nullptr; //!< Receives a successful response body instead of Response::body.
    };

    struct Response
    {
        int status = 0;
        QHash<QByteArray, QByteArray> headers; //!< Lower-case names.
        QByteArray body;                       //!< Error bodies always land here.
        QString errorCode;                     //!< <Code> of an S3 XML error.
        QString errorMessage;                  //!< <Message> of an S3 XML error.

        bool isSuccess() const { return status >= 200 && status < 300 && errorCode.isEmpty(); }
        QByteArray header(const char *name) const { return headers.value(QByteArray(name)); }
    };

    //! \a options must have passed S3Options::validate(); defaults are applied here.
    explicit S3Client(const S3Options &options);
    ~S3Client();
    S3Client(const S3Client &) = delete;
    S3Client &operator=(const S3Client &) = delete;

    /*!
        Sends \a request, retrying transient failures. Fails only when no HTTP answer came (after the
        retries) or the observer cancelled; an HTTP error status is a Response for the caller to judge
        (see failure()).
    */
    Result<Response> send(const Request &request);

    //! The error for an unsuccessful \a response: "WHAT: HTTP 403 AccessDenied: … (endpoint …)." where \a
    //! what is a sentence start such as "Cannot upload s3://bucket/key".
    Error failure(const QString &what, const Response &response) const;

    //! "s3://bucket/key" for messages.
    QString describe(const QString &objectKey) const;
    //! The endpoint for messages ("http://127.0.0.1:4568").
    QString endpointText() const;
    const S3Options &options() const { return m_options; }

    //! The value of the Host header for this bucket: "host[:port]", or "bucket.host[:port]" for virtual
    //! hosts.
    QByteArray hostHeader() const;
    //! The encoded path for \a objectKey: "/bucket/a%20b" (path-style) or "/a%20b" (virtual host).
    QByteArray path(const QString &objectKey) const;
    //! The full URL for \a objectKey and \a query, exactly as sent.
    QByteArray url(const QString &objectKey, const SigV4::Pairs &query = {}) const;

    //! Replaces every occurrence of the secret key, the session token and a request signature by
    //! "<redacted>".
    QString redact(QString text) const;

    //! Parses S3's <Error><Code>…</Code><Message>…</Message></Error>.
    static void parseError(const QByteArray &body, QString *code, QString *message);

private:
    //! The engine, started with the first request.
    HttpEngine &engine();

    S3Options m_options;
    QByteArray m_scheme;
    QByteArray m_host; //!< Host (IPv6 in brackets) and port, without the bucket.
    QByteArray m_basePath;
    QByteArray m_region;
    std::once_flag m_engineStarted;
    std::unique_ptr<HttpEngine> m_engine;
};

} // namespace gh
