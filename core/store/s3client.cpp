#include "s3client.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileDevice>
#include <QRegularExpression>
#include <QXmlStreamReader>

// For the CURLcode values only: which transport failures are worth another attempt.
#include <curl/curl.h>

#include "net/httpengine.h"
#include "util/logging.h"

namespace gh {

namespace {

constexpr qint64 s_maxBufferedBody = 64 * 1024 * 1024;
//! The longest back-off between two attempts, and the longest Retry-After honoured.
constexpr int s_maxRetryDelayMs = 20000;

bool isRetryableTransport(int code)
{
    switch (CURLcode(code)) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

bool isRetryableResponse(const S3Client::Response &response)
{
    if (response.status == 500 || response.status == 502 || response.status == 503 ||
        response.status == 504 || response.status == 429)
        return true;
    // S3 sends these with 400 or even 200 (CompleteMultipartUpload); all mean "try again".
    return response.errorCode == u"RequestTimeout" || response.errorCode == u"SlowDown" ||
           response.errorCode == u"InternalError" || response.errorCode == u"ServiceUnavailable";
}

ErrorCode errorCodeFor(const S3Client::Response &response)
{
    const QString &code = response.errorCode;
    if (code == u"BadDigest" || code == u"InvalidDigest" || code == u"XAmzContentSHA256Mismatch" ||
        code == u"InvalidPart")
        return ErrorCode::Corrupt;
    if (response.status == 404)
        return ErrorCode::NotFound;
    if (response.status == 401 || response.status == 403)
        return ErrorCode::Unreadable;
    if (response.status == 501 || code == u"NotImplemented")
        return ErrorCode::Unsupported;
    return ErrorCode::Network;
}

} // namespace

S3Client::S3Client(const S3Options &options)
    : m_options(options.withDefaults())
{
    const QUrl endpoint = m_options.endpoint;
    m_scheme = endpoint.scheme().toLatin1();
    QByteArray host = endpoint.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = endpoint.port(-1);
    const int defaultPort = m_scheme == "https" ? 443 : 80;
    if (port != -1 && port != defaultPort)
        host += ':' + QByteArray::number(port);
    m_host = host;
    m_basePath = endpoint.path(QUrl::FullyEncoded).toLatin1();
    while (m_basePath.endsWith('/'))
        m_basePath.chop(1);
    m_region = m_options.region.toUtf8();
}

S3Client::~S3Client() = default;

HttpEngine &S3Client::engine()
{
    std::call_once(m_engineStarted, [this] {
        HttpEngineOptions o;
        // Callers are the store's worker threads, each waiting for its own request: as many at once as they
        // ask for.
        o.jobs = 64;
        o.perHost = 0;
        o.connectTimeoutMs = m_options.connectTimeoutMs;
        o.lowSpeedLimit = 1;
        o.lowSpeedSeconds = m_options.stallTimeoutSeconds;
        o.caBundle = m_options.caBundle;
        o.connectTo = m_options.connectTo;
        m_engine = std::make_unique<HttpEngine>(o);
    });
    return *m_engine;
}

QByteArray S3Client::hostHeader() const
{
    if (m_options.addressing == S3Options::Addressing::VirtualHost)
        return m_options.bucket.toLatin1() + '.' + m_host;
    return m_host;
}

QByteArray S3Client::path(const QString &objectKey) const
{
    QByteArray p = m_basePath;
    if (m_options.addressing != S3Options::Addressing::VirtualHost)
        p += '/' + SigV4::uriEncode(m_options.bucket.toUtf8(), true);
    if (!objectKey.isEmpty() || m_options.addressing == S3Options::Addressing::VirtualHost)
        p += '/' + SigV4::uriEncode(objectKey.toUtf8(), false);
    return p;
}

QByteArray S3Client::url(const QString &objectKey, const SigV4::Pairs &query) const
{
    QByteArray u = m_scheme + "://" + hostHeader() + path(objectKey);
    if (!query.isEmpty())
        u += '?' + SigV4::encodeQuery(query);
    return u;
}

QString S3Client::describe(const QString &objectKey) const
{
    return QStringLiteral("s3://") + m_options.bucket + u'/' + objectKey;
}

QString S3Client::endpointText() const
{
    return m_options.endpoint.toDisplayString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

QString S3Client::redact(QString text) const
{
    const QString redacted = QStringLiteral("<redacted>");
    for (const QByteArray &secret :
         {m_options.credentials.secretAccessKey, m_options.credentials.sessionToken}) {
        if (secret.size() >= 4)
            text.replace(QString::fromUtf8(secret), redacted);
    }
    // A signature is a capability for fifteen minutes; whatever echoes one back must not reach a log.
    static const QRegularExpression signature(QStringLiteral("Signature=[0-9a-fA-F]{64}"));
    text.replace(signature, QStringLiteral("Signature=<redacted>"));
    return text;
}

void S3Client::parseError(const QByteArray &body, QString *code, QString *message)
{
    QXmlStreamReader xml(body);
    bool inError = false;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"Error") {
            inError = true;
        } else if (inError && xml.name() == u"Code") {
            *code = xml.readElementText().trimmed();
        } else if (inError && xml.name() == u"Message") {
            *message = xml.readElementText().trimmed();
        } else if (!inError) {
            return; // a result document, not an error
        }
    }
}

Error S3Client::failure(const QString &what, const Response &response) const
{
    QString detail = QStringLiteral("HTTP %1").arg(response.status);
    if (!response.errorCode.isEmpty())
        detail += u' ' + response.errorCode;
    if (!response.errorMessage.isEmpty())
        detail += QStringLiteral(": ") + response.errorMessage;
    // AWS names the bucket's region when it was asked in the wrong one (301, 400
    // AuthorizationHeaderMalformed).
    const QString region = QString::fromUtf8(response.header("x-amz-bucket-region"));
    if (!region.isEmpty() && region != m_options.region)
        detail += u' ' + tr("(the bucket is in region %1; set GATEHOUSE_S3_REGION)").arg(region);
    return Error{errorCodeFor(response),
                 redact(tr("%1: %2 (endpoint %3).").arg(what, detail, endpointText()))};
}

Result<S3Client::Response> S3Client::send(const Request &request)
{
    const QString what = describe(request.objectKey);
    HttpRequest http;
    http.method = request.method;
    // Sent exactly as signed: re-encoding the path would break the signature.
    http.exactUrl = url(request.objectKey, request.query);
    const bool hasBody = request.method == "PUT" || request.method == "POST";
    qint64 bodySize = 0;
    if (!request.bodyFile.isEmpty()) {
        QFile file(request.bodyFile);
        if (!file.open(QIODevice::ReadOnly) || !file.seek(request.bodyOffset)) {
            return Error{
                ErrorCode::Io,
                tr("Cannot read %1 to upload it to %2: %3").arg(request.bodyFile, what, file.errorString())};
        }
        bodySize = request.bodyLength >= 0 ? request.bodyLength : file.size() - request.bodyOffset;
        http.body = HttpBody::fileRange(request.bodyFile, request.bodyOffset, bodySize);
    } else if (hasBody) {
        http.body = HttpBody::memory(request.body);
        bodySize = request.body.size();
    }
    QByteArray payloadHash = request.payloadHash;
    if (payloadHash.isEmpty())
        payloadHash = request.bodyFile.isEmpty() ? SigV4::sha256Hex(request.body) : SigV4::unsignedPayload();

    // Everything below runs on the engine's thread while this one waits.
    SigV4::Pairs signedHeaders;
    QElapsedTimer clock;
    HttpCallOptions call;
    call.retry.maxAttempts = std::max(1, m_options.maxAttempts);
    call.retry.backoffBaseMs = m_options.retryDelayMs;
    call.retry.backoffMaxMs = s_maxRetryDelayMs;
    call.retry.retryAfterMaxMs = s_maxRetryDelayMs;
    call.maxBufferedBytes = s_maxBufferedBody;
    call.beforeAttempt = [&](HttpRequest &r, int) {
        // Every attempt is signed afresh, so a retry after a long back-off is not refused as stale.
        SigV4::Request signedRequest;
        signedRequest.method = request.method;
        signedRequest.path = path(request.objectKey);
        signedRequest.query = request.query;
        signedRequest.headers.append({QByteArrayLiteral("Host"), hostHeader()});
        for (const auto &header : request.headers)
            signedRequest.headers.append(header);
        signedRequest.payloadHash = payloadHash;
        const QByteArray amzDate = SigV4::amzDate(QDateTime::currentDateTimeUtc());
        SigV4::prepare(signedRequest, m_options.credentials, amzDate, true);
        const SigV4::Signature signature =
            SigV4::sign(signedRequest, m_options.credentials, m_region, "s3", amzDate, SigV4::PathMode::S3);
        r.headers.clear();
        for (const auto &[name, value] : std::as_const(signedRequest.headers)) {
            if (!value.isEmpty())
                r.headers.append({name, value});
        }
        r.headers.append({"Authorization", signature.authorization});
        signedHeaders = signedRequest.headers;
        // A retry starts a download over.
        if (request.sink) {
            request.sink->seek(0);
            if (auto *file = qobject_cast<QFileDevice *>(request.sink))
                file->resize(0);
        }
        clock.start();
    };
    if (request.sink) {
        call.sink = [&request](const char *data, qint64 size) {
            return request.sink->write(data, size) == size;
        };
    }
    call.transient = [](const HttpReply &reply) {
        if (reply.curlCode != 0)
            return reply.localFailure == HttpReply::LocalFailure::None &&
                   isRetryableTransport(reply.curlCode);
        Response response;
        response.status = reply.status;
        if (!reply.body.isEmpty() && reply.body.contains("<Error"))
            parseError(reply.body, &response.errorCode, &response.errorMessage);
        return isRetryableResponse(response);
    };
    call.afterAttempt = [&](const HttpReply &reply) {
        QString errorCode;
        QString errorMessage;
        if (reply.curlCode == 0 && !reply.body.isEmpty() && reply.body.contains("<Error"))
            parseError(reply.body, &errorCode, &errorMessage);
        const int status = reply.curlCode == 0 ? reply.status : 0;
        const QString transportError = reply.curlCode == 0 ? QString() : redact(reply.transportError);
        qCDebug(lcStore).noquote() << "S3" << request.method << what << SigV4::encodeQuery(request.query)
                                   << "->" << status << errorCode << transportError << "attempt"
                                   << reply.attempts << "in" << clock.elapsed() << "ms";
        if (!m_options.observer)
            return true;
        S3RequestEvent event;
        event.method = request.method;
        event.bucket = m_options.bucket;
        event.objectKey = request.objectKey;
        event.query = request.query;
        for (const auto &[name, value] : std::as_const(signedHeaders)) {
            const bool token = name.compare("X-Amz-Security-Token", Qt::CaseInsensitive) == 0;
            event.headers.append({name, token ? QByteArrayLiteral("<redacted>") : value});
        }
        event.bodySize = hasBody ? bodySize : 0;
        event.attempt = reply.attempts;
        event.httpStatus = status;
        event.s3ErrorCode = errorCode;
        event.transportError = transportError;
        return m_options.observer(event);
    };

    const Result<HttpReply> reply = engine().perform(http, call);
    if (!reply)
        return Error{ErrorCode::Cancelled, tr("The transfer of %1 was cancelled.").arg(what)};
    if (reply->curlCode != 0) {
        QString reason = reply->transportError;
        ErrorCode code = ErrorCode::Network;
        switch (reply->localFailure) {
        case HttpReply::LocalFailure::Sink:
            reason = tr("cannot write the downloaded bytes to a local file");
            code = ErrorCode::Io;
            break;
        case HttpReply::LocalFailure::RequestBody:
            reason = tr("cannot read the local file to upload");
            code = ErrorCode::Io;
            break;
        case HttpReply::LocalFailure::TooLarge:
            reason = tr("the server's answer is unexpectedly large");
            break;
        case HttpReply::LocalFailure::None:
            if (isRetryableTransport(reply->curlCode)) {
                // Every attempt failed the same way.
                return Error{ErrorCode::Network,
                             redact(tr("Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).",
                                       nullptr, reply->attempts)
                                        .arg(endpointText(), what, reason))};
            }
            break;
        }
        return Error{code,
                     redact(tr("Cannot transfer %1 (endpoint %2): %3").arg(what, endpointText(), reason))};
    }
    Response response;
    response.status = reply->status;
    for (const auto &[name, value] : reply->headers)
        response.headers.insert(name, value);
    response.body = reply->body;
    // S3 may answer 200 and still report an error in the body (CompleteMultipartUpload).
    if (!response.body.isEmpty() && response.body.contains("<Error"))
        parseError(response.body, &response.errorCode, &response.errorMessage);
    return response;
}

} // namespace gh
