#include "s3client.h"

#include <cstring>
#include <mutex>

#include <QElapsedTimer>
#include <QFile>
#include <QFileDevice>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>
#include <QXmlStreamReader>

#include <curl/curl.h>

#include "util/logging.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr qint64 s_maxBufferedBody = 64 * 1024 * 1024;

// libcurl's global state must be set up once, before any thread uses a handle.
void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Body
{
    const QByteArray *memory = nullptr;
    QFile *file = nullptr;
    qint64 offset = 0; //!< Where the body starts in the file.
    qint64 length = 0;
    qint64 position = 0; //!< Bytes handed to curl so far.
    bool failed = false;
};

size_t readBody(char *buffer, size_t size, size_t count, void *userdata)
{
    auto *body = static_cast<Body *>(userdata);
    const qint64 wanted = std::min<qint64>(qint64(size * count), body->length - body->position);
    if (wanted <= 0)
        return 0;
    if (body->memory) {
        std::memcpy(buffer, body->memory->constData() + body->position, size_t(wanted));
        body->position += wanted;
        return size_t(wanted);
    }
    const qint64 n = body->file->read(buffer, wanted);
    if (n <= 0) {
        body->failed = true;
        return CURL_READFUNC_ABORT;
    }
    body->position += n;
    return size_t(n);
}

// curl rewinds the body when it has to send it again (a redirect, an authentication round, a refused
// Expect: 100-continue).
int seekBody(void *userdata, curl_off_t offset, int origin)
{
    auto *body = static_cast<Body *>(userdata);
    if (origin != SEEK_SET || offset < 0 || offset > body->length)
        return CURL_SEEKFUNC_CANTSEEK;
    if (body->file && !body->file->seek(body->offset + offset))
        return CURL_SEEKFUNC_FAIL;
    body->position = offset;
    return CURL_SEEKFUNC_OK;
}

struct Received
{
    CURL *handle = nullptr;
    QIODevice *sink = nullptr;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;
    bool sinkFailed = false;
    bool tooLarge = false;
};

size_t writeBody(char *data, size_t size, size_t count, void *userdata)
{
    auto *received = static_cast<Received *>(userdata);
    const size_t bytes = size * count;
    long status = 0;
    curl_easy_getinfo(received->handle, CURLINFO_RESPONSE_CODE, &status);
    if (received->sink && status >= 200 && status < 300) {
        if (received->sink->write(data, qint64(bytes)) != qint64(bytes)) {
            received->sinkFailed = true;
            return 0;
        }
        return bytes;
    }
    if (received->body.size() + qint64(bytes) > s_maxBufferedBody) {
        received->tooLarge = true;
        return 0;
    }
    received->body.append(data, qsizetype(bytes));
    return bytes;
}

size_t receiveHeader(char *data, size_t size, size_t count, void *userdata)
{
    auto *received = static_cast<Received *>(userdata);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        received->headers.clear(); // a new response (after "100 Continue")
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        received->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return bytes;
}

bool isRetryableTransport(CURLcode code)
{
    switch (code) {
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
    initCurlOnce();
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

S3Client::~S3Client()
{
    for (void *handle : std::as_const(m_pool))
        curl_easy_cleanup(static_cast<CURL *>(handle));
}

void *S3Client::acquireHandle()
{
    {
        QMutexLocker locker(&m_poolMutex);
        if (!m_pool.isEmpty())
            return m_pool.takeLast();
    }
    return curl_easy_init();
}

void S3Client::releaseHandle(void *handle)
{
    QMutexLocker locker(&m_poolMutex);
    m_pool.append(handle);
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
    const int attempts = std::max(1, m_options.maxAttempts);
    QString transportError;
    for (int attempt = 1;; ++attempt) {
        bool retryable = false;
        transportError.clear();
        if (request.sink) {
            // A retry starts the download over.
            request.sink->seek(0);
            if (auto *file = qobject_cast<QFileDevice *>(request.sink))
                file->resize(0);
        }
        Result<Response> result = sendOnce(request, attempt, &transportError, &retryable);
        const bool last = attempt >= attempts;
        if (result) {
            if (last || !isRetryableResponse(*result))
                return result;
            qCInfo(lcStore).noquote() << "S3" << request.method << describe(request.objectKey) << "answered"
                                      << result->status << result->errorCode << "- retrying";
        } else {
            if (!retryable || last) {
                if (result.error().code == ErrorCode::Cancelled || !retryable)
                    return result;
                return Error{ErrorCode::Network,
                             redact(tr("Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).",
                                       nullptr, attempt)
                                        .arg(endpointText(), describe(request.objectKey), transportError))};
            }
            qCInfo(lcStore).noquote() << "S3" << request.method << describe(request.objectKey)
                                      << "failed:" << redact(transportError) << "- retrying";
        }
        // Exponential back-off with jitter, so threads that failed together do not retry together.
        const double factor = 0.75 + QRandomGenerator::global()->bounded(0.5);
        const qint64 delay = std::min<qint64>(
            qint64(double(m_options.retryDelayMs) * double(1ll << std::min(attempt - 1, 16)) * factor),
            20000);
        QThread::msleep(quint64(delay));
    }
}

Result<S3Client::Response> S3Client::sendOnce(const Request &request, int attempt, QString *transportError,
                                              bool *retryable)
{
    // The signed request.
    SigV4::Request signedRequest;
    signedRequest.method = request.method;
    signedRequest.path = path(request.objectKey);
    signedRequest.query = request.query;
    signedRequest.headers.append({QByteArrayLiteral("Host"), hostHeader()});
    for (const auto &header : request.headers)
        signedRequest.headers.append(header);

    QFile file;
    Body body;
    if (!request.bodyFile.isEmpty()) {
        file.setFileName(request.bodyFile);
        if (!file.open(QIODevice::ReadOnly) || !file.seek(request.bodyOffset)) {
            return Error{ErrorCode::Io,
                         tr("Cannot read %1 to upload it to %2: %3")
                             .arg(request.bodyFile, describe(request.objectKey), file.errorString())};
        }
        body.file = &file;
        body.offset = request.bodyOffset;
        body.length = request.bodyLength >= 0 ? request.bodyLength : file.size() - request.bodyOffset;
    } else {
        body.memory = &request.body;
        body.length = request.body.size();
    }
    signedRequest.payloadHash = request.payloadHash;
    if (signedRequest.payloadHash.isEmpty()) {
        signedRequest.payloadHash = body.memory ? SigV4::sha256Hex(request.body) : SigV4::unsignedPayload();
    }
    const QByteArray amzDate = SigV4::amzDate(QDateTime::currentDateTimeUtc());
    SigV4::prepare(signedRequest, m_options.credentials, amzDate, true);
    const SigV4::Signature signature =
        SigV4::sign(signedRequest, m_options.credentials, m_region, "s3", amzDate, SigV4::PathMode::S3);

    CURL *curl = static_cast<CURL *>(acquireHandle());
    if (!curl)
        return Error{ErrorCode::Network,
                     tr("Cannot set up an HTTP request for %1.").arg(describe(request.objectKey))};
    curl_easy_reset(curl);

    curl_slist *headers = nullptr;
    for (const auto &[name, value] : std::as_const(signedRequest.headers)) {
        if (!value.isEmpty())
            headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    }
    headers = curl_slist_append(headers, QByteArray("Authorization: " + signature.authorization).constData());

    Received received;
    received.handle = curl;
    received.sink = request.sink;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    const QByteArray url = this->url(request.objectKey, request.query);
    static const QByteArray userAgent = "gatehouse/" + versionString().toLatin1();

    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    // Certificates are always verified; there is deliberately no setting to turn that off.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    const QByteArray caBundle = QFile::encodeName(m_options.caBundle);
    if (!caBundle.isEmpty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, caBundle.constData());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(m_options.connectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(m_options.stallTimeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, receiveHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &received);
    curl_slist *connectTo = nullptr;
    for (const QString &entry : std::as_const(m_options.connectTo))
        connectTo = curl_slist_append(connectTo, entry.toLatin1().constData());
    if (connectTo)
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connectTo);

    const bool hasBody = request.method == "PUT" || request.method == "POST";
    if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.length));
    } else if (request.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.length));
    } else if (request.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.constData());
    }
    if (hasBody) {
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, readBody);
        curl_easy_setopt(curl, CURLOPT_READDATA, &body);
        curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seekBody);
        curl_easy_setopt(curl, CURLOPT_SEEKDATA, &body);
    }

    QElapsedTimer timer;
    timer.start();
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    // Options point into this frame; clear them before the handle goes back to the pool.
    curl_easy_reset(curl);
    curl_slist_free_all(headers);
    curl_slist_free_all(connectTo);
    releaseHandle(curl);

    Response response;
    if (code != CURLE_OK) {
        *transportError = QString::fromUtf8(errorBuffer[0] ? errorBuffer : curl_easy_strerror(code));
        *retryable = isRetryableTransport(code);
        if (body.failed || received.sinkFailed) {
            *retryable = false;
            *transportError = received.sinkFailed ? tr("cannot write the downloaded bytes to a local file")
                                                  : tr("cannot read the local file to upload");
        }
        if (received.tooLarge) {
            *retryable = false;
            *transportError = tr("the server's answer is unexpectedly large");
        }
        status = 0;
    } else {
        response.status = int(status);
        response.headers = received.headers;
        response.body = received.body;
        // S3 may answer 200 and still report an error in the body (CompleteMultipartUpload).
        if (!response.body.isEmpty() && response.body.contains("<Error"))
            parseError(response.body, &response.errorCode, &response.errorMessage);
    }

    qCDebug(lcStore).noquote() << "S3" << request.method << describe(request.objectKey)
                               << SigV4::encodeQuery(request.query) << "->" << response.status
                               << response.errorCode << redact(*transportError) << "attempt" << attempt
                               << "in" << timer.elapsed() << "ms";

    if (m_options.observer) {
        S3RequestEvent event;
        event.method = request.method;
        event.bucket = m_options.bucket;
        event.objectKey = request.objectKey;
        event.query = request.query;
        for (const auto &[name, value] : std::as_const(signedRequest.headers)) {
            const bool token = name.compare("X-Amz-Security-Token", Qt::CaseInsensitive) == 0;
            event.headers.append({name, token ? QByteArrayLiteral("<redacted>") : value});
        }
        event.bodySize = hasBody ? body.length : 0;
        event.attempt = attempt;
        event.httpStatus = response.status;
        event.s3ErrorCode = response.errorCode;
        event.transportError = redact(*transportError);
        if (!m_options.observer(event)) {
            *retryable = false;
            return Error{ErrorCode::Cancelled,
                         tr("The transfer of %1 was cancelled.").arg(describe(request.objectKey))};
        }
    }

    if (code != CURLE_OK) {
        return Error{body.failed || received.sinkFailed ? ErrorCode::Io : ErrorCode::Network,
                     redact(tr("Cannot transfer %1 (endpoint %2): %3")
                                .arg(describe(request.objectKey), endpointText(), *transportError))};
    }
    return response;
}

} // namespace gh
