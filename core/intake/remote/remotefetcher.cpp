#include "remotefetcher.h"

#include <QBuffer>
#include <QFile>

#include "net/httpengine.h"
#include "util/logging.h"

namespace gh {

namespace {

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
{}

RemoteFetcher::~RemoteFetcher() = default;

bool RemoteFetcher::isRemote(const QString &source)
{
    return source.startsWith(u"http://", Qt::CaseInsensitive) ||
           source.startsWith(u"https://", Qt::CaseInsensitive);
}

Result<RemoteFetcher::Fetched> RemoteFetcher::download(const QUrl &url, QIODevice &sink, qint64 maxBytes)
{
    const QString shown = url.toDisplayString();
    m_lastStatus = FileStatus::Unsupported;
    if (url.scheme() != u"http" && url.scheme() != u"https") {
        return Error{ErrorCode::Unsupported,
                     tr("%1 cannot be downloaded: only http and https URLs are supported.").arg(shown)};
    }
    const TransferOptions &o = m_options.transfer;
    if (!m_engine)
        m_engine = std::make_unique<HttpEngine>(o.engineOptions());

    HttpRequest request;
    request.url = url;
    request.followRedirects = std::max(0, o.maxRedirects);
    // Manifests and lists compress well; the limit applies to the decoded bytes.
    request.decompress = true;
    request.maxBodyBytes = maxBytes;

    // The engine's thread writes into the sink while this thread waits for the reply.
    const qint64 start = sink.pos();
    auto *file = qobject_cast<QFile *>(&sink);
    auto *buffer = qobject_cast<QBuffer *>(&sink);
    qint64 received = 0;
    bool tooLarge = false;
    bool writeFailed = false;
    HttpCallOptions call;
    call.retry = o.retryPolicy();
    call.cancelled = [this] { return m_options.cancelled(); };
    call.sink = [&](const char *data, qint64 n) {
        // Checked on the bytes as well as on Content-Length: servers omit or misstate it, and compressed
        // bodies grow on the way in.
        if (maxBytes >= 0 && received + n > maxBytes) {
            tooLarge = true;
            return false;
        }
        received += n;
        if (writeFailed || sink.write(data, n) != n) {
            writeFailed = true;
            return false;
        }
        return true;
    };
    call.beforeAttempt = [&](HttpRequest &, int attempt) {
        if (attempt == 1)
            return;
        // Start the body over: a document is small next to what the fetch stage downloads, and Range would
        // need validators this one-off request does not keep.
        qCInfo(lcIntake).noquote() << "downloading" << shown << "again, attempt" << attempt;
        received = 0;
        tooLarge = false;
        writeFailed = !sink.seek(start) || (file && !file->resize(start));
        if (buffer)
            buffer->buffer().truncate(start);
    };
    const auto reply = m_engine->perform(request, call);

    if (!reply || m_options.cancelled()) {
        m_lastStatus = FileStatus::Pending;
        return Error{ErrorCode::Cancelled, tr("Downloading %1 was cancelled.").arg(shown)};
    }
    if (tooLarge ||
        (reply->curlCode != 0 && HttpRules::statusForCurl(reply->curlCode) == FileStatus::TooLarge)) {
        m_lastStatus = FileStatus::TooLarge;
        return Error{
            ErrorCode::LimitExceeded,
            tr("%1 is larger than the %2 bytes allowed for it; it was not read.").arg(shown).arg(maxBytes)};
    }
    if (writeFailed) {
        m_lastStatus = FileStatus::StoreError;
        return Error{ErrorCode::Io, tr("%1 could not be saved to a temporary file.").arg(shown)};
    }
    if (reply->curlCode != 0) {
        m_lastStatus = HttpRules::statusForCurl(reply->curlCode);
        return Error{errorCodeFor(m_lastStatus),
                     tr("%1 could not be downloaded (%2): %3.")
                         .arg(shown, StatusInfo::key(m_lastStatus), reply->transportError)};
    }
    if (const auto status = HttpRules::statusForHttp(reply->status)) {
        m_lastStatus = *status;
        return Error{errorCodeFor(m_lastStatus),
                     tr("%1 could not be downloaded: the server answered HTTP %2 (%3).")
                         .arg(shown)
                         .arg(reply->status)
                         .arg(StatusInfo::key(m_lastStatus))};
    }
    m_lastStatus = FileStatus::Success;
    Fetched fetched;
    fetched.finalUrl = reply->url.isValid() ? reply->url : url;
    fetched.contentType = HttpRules::mimetypeOf(reply->header("content-type"));
    fetched.size = received;
    qCInfo(lcIntake).noquote() << "downloaded" << shown << "(" << received << "bytes)";
    return fetched;
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

} // namespace gh
