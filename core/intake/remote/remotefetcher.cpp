#include "remotefetcher.h"

#include <mutex>
#include <thread>

#include <QBuffer>
#include <QFile>

#include <curl/curl.h>

#include "transfer/httprules.h"
#include "util/logging.h"

namespace gh {

namespace {

struct Transfer
{
    const std::function<bool(const char *, qint64)> *write = nullptr;
    qint64 maxBytes = -1;
    qint64 received = 0;
    bool tooLarge = false;
    bool writeFailed = false;
    const IntakeOptions *options = nullptr;
};

size_t writeCallback(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const qint64 n = qint64(size * count);
    // Checked on the bytes as well as on Content-Length: servers omit or misstate it, and compressed bodies
    // grow on the way in.
    if (t->maxBytes >= 0 && t->received + n > t->maxBytes) {
        t->tooLarge = true;
        return 0;
    }
    t->received += n;
    if (!(*t->write)(data, n)) {
        t->writeFailed = true;
        return 0;
    }
    return size_t(n);
}

int progressCallback(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto *t = static_cast<Transfer *>(user);
    return t->options->cancelled() ? 1 : 0;
}

ErrorCode errorCodeFor(FileStatus status)
{
    switch (status) {
    case FileStatus::NotFound:
        return ErrorCode::NotFound;
    case FileStatus::Forbidden:
        return ErrorCode::Unreadable;
    case FileStatus::TooLarge:
        return ErrorCode::LimitExceeded;
    case FileStatus::Unsupported:
        return ErrorCode::Unsupported;
    default:
        return ErrorCode::Network;
    }
}

} // namespace

RemoteFetcher::RemoteFetcher(const IntakeOptions &options)
    : m_options(options)
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

RemoteFetcher::~RemoteFetcher()
{
    if (m_curl)
        curl_easy_cleanup(static_cast<CURL *>(m_curl));
}

bool RemoteFetcher::isRemote(const QString &source)
{
    return source.startsWith(u"http://", Qt::CaseInsensitive) ||
           source.startsWith(u"https://", Qt::CaseInsensitive);
}

Result<RemoteFetcher::Fetched> RemoteFetcher::download(const QUrl &url, QIODevice &sink, qint64 maxBytes)
{
    const qint64 start = sink.pos();
    auto *file = qobject_cast<QFile *>(&sink);
    auto *buffer = qobject_cast<QBuffer *>(&sink);
    const std::function<bool(const char *, qint64)> write = [&](const char *data, qint64 n) {
        return sink.write(data, n) == n;
    };
    const TransferOptions &transfer = m_options.transfer;
    const int attempts = std::max(1, transfer.maxAttempts);
    for (int attemptNo = 1;; ++attemptNo) {
        Result<Fetched> result = attempt(url, write, maxBytes);
        if (result || attemptNo >= attempts || !StatusInfo::isTransient(m_lastStatus) ||
            m_options.cancelled())
            return result;
        // Start the body over: a document is small next to what the engine downloads, and Range would need
        // validators this one-off request does not keep.
        if (!sink.seek(start))
            return result;
        if (file && !file->resize(start))
            return result;
        if (buffer)
            buffer->buffer().truncate(start);
        const qint64 wait = HttpRules::backoffMs(attemptNo, transfer.backoffBaseMs, transfer.backoffMaxMs);
        qCInfo(lcIntake).noquote() << "retrying" << url.toString() << "in" << wait
                                   << "ms:" << result.error().message;
        for (qint64 waited = 0; waited < wait && !m_options.cancelled(); waited += 50)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

Result<std::pair<RemoteFetcher::Fetched, QByteArray>> RemoteFetcher::fetch(const QUrl &url, qint64 maxBytes)
{
    QBuffer buffer;
    buffer.open(QIODevice::ReadWrite);
    auto fetched = download(url, buffer, maxBytes);
    if (!fetched)
        return fetched.error();
    return std::pair(*fetched, buffer.data());
}

Result<RemoteFetcher::Fetched> RemoteFetcher::attempt(const QUrl &url,
                                                      const std::function<bool(const char *, qint64)> &write,
                                                      qint64 maxBytes)
{
    const QString shown = url.toDisplayString();
    m_lastStatus = FileStatus::Unsupported;
    if (url.scheme() != u"http" && url.scheme() != u"https") {
        return Error{ErrorCode::Unsupported,
                     tr("%1 cannot be downloaded: only http and https URLs are supported.").arg(shown)};
    }
    if (!m_curl)
        m_curl = curl_easy_init();
    auto *curl = static_cast<CURL *>(m_curl);
    if (!curl) {
        m_lastStatus = FileStatus::NetworkError;
        return Error{ErrorCode::Network, tr("%1 cannot be downloaded: libcurl could not start.").arg(shown)};
    }
    curl_easy_reset(curl);

    const TransferOptions &o = m_options.transfer;
    Transfer t;
    t.write = &write;
    t.maxBytes = maxBytes;
    t.options = &m_options;
    const QByteArray encoded = url.toEncoded();
    const QByteArray userAgent = o.effectiveUserAgent().toUtf8();
    const QByteArray caBundle = o.caBundle.toLocal8Bit();
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, encoded.constData());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &writeCallback);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &progressCallback);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, long(o.maxRedirects));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(o.connectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, long(o.lowSpeedLimit));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(o.lowSpeedSeconds));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!caBundle.isEmpty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, caBundle.constData());
    // Manifests and lists compress well; the limit applies to the decoded bytes.
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    if (maxBytes >= 0)
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes));

    const CURLcode code = curl_easy_perform(curl);
    long httpStatus = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &httpStatus);
    char *effective = nullptr;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
    char *contentType = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &contentType);

    if (m_options.cancelled()) {
        m_lastStatus = FileStatus::Pending;
        return Error{ErrorCode::Cancelled, tr("Downloading %1 was cancelled.").arg(shown)};
    }
    if (t.tooLarge || code == CURLE_FILESIZE_EXCEEDED) {
        m_lastStatus = FileStatus::TooLarge;
        return Error{
            ErrorCode::LimitExceeded,
            tr("%1 is larger than the %2 bytes allowed for it; it was not read.").arg(shown).arg(maxBytes)};
    }
    if (t.writeFailed) {
        m_lastStatus = FileStatus::StoreError;
        return Error{ErrorCode::Io, tr("%1 could not be saved to a temporary file.").arg(shown)};
    }
    if (code != CURLE_OK) {
        m_lastStatus = HttpRules::statusForCurl(int(code));
        const QString reason =
            errorBuffer[0] ? QString::fromUtf8(errorBuffer) : QString::fromUtf8(curl_easy_strerror(code));
        return Error{
            errorCodeFor(m_lastStatus),
            tr("%1 could not be downloaded (%2): %3.").arg(shown, StatusInfo::key(m_lastStatus), reason)};
    }
    if (const auto status = HttpRules::statusForHttp(int(httpStatus))) {
        m_lastStatus = *status;
        return Error{errorCodeFor(m_lastStatus),
                     tr("%1 could not be downloaded: the server answered HTTP %2 (%3).")
                         .arg(shown)
                         .arg(httpStatus)
                         .arg(StatusInfo::key(m_lastStatus))};
    }
    m_lastStatus = FileStatus::Success;
    Fetched fetched;
    fetched.finalUrl = effective ? QUrl::fromEncoded(QByteArray(effective)) : url;
    fetched.contentType = contentType ? HttpRules::mimetypeOf(QByteArray(contentType)) : QString();
    fetched.size = t.received;
    qCInfo(lcIntake).noquote() << "downloaded" << shown << "(" << t.received << "bytes)";
    return fetched;
}

} // namespace gh
