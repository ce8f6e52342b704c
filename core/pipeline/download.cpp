#include "download.h"

#include <atomic>

#include <QJsonObject>
#include <QMutex>
#include <QThreadPool>

#include "digest/mimesniff.h"
#include "digest/multidigest.h"
#include "net/httpengine.h"
#include "net/serialqueue.h"
#include "store/bitstore.h"
#include "util/logging.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr qint64 s_chunkSize = 1 << 20;
constexpr qint64 s_highWater = 16 * s_chunkSize; //!< Pause a transfer when this much waits to be hashed.
constexpr qint64 s_lowWater = 4 * s_chunkSize;   //!< Resume it when the backlog is below this.
//! Downloads this large (or of unknown size) keep their bytes across an interruption; smaller ones restart.
constexpr qint64 s_resumableFrom = 8 * s_chunkSize;
//! The engine's receive buffer, which a chunk must hold on top of a full megabyte.
constexpr qint64 s_receiveBuffer = 512 * 1024;

QString agent()
{
    return agentFor(QStringLiteral("fetch"));
}

bool isStrongEtag(const QByteArray &etag)
{
    return !etag.isEmpty() && !etag.startsWith("W/");
}

QString resumeToken(qint64 fileId)
{
    return QStringLiteral("file-%1").arg(fileId);
}

/*!
    Chunk buffers for downloads, reused: a fresh megabyte per chunk means fresh pages to fault in and zero,
    which costs more than the copy into it.
*/
class ChunkPool
{
public:
    static QByteArray take()
    {
        {
            QMutexLocker lock(&mutex());
            if (!buffers().empty()) {
                QByteArray buffer = std::move(buffers().back());
                buffers().pop_back();
                return buffer;
            }
        }
        QByteArray buffer;
        buffer.reserve(s_chunkCapacity);
        return buffer;
    }

    static void give(QByteArray &&buffer)
    {
        // Only buffers nothing else refers to, and only as many as a busy engine keeps in flight.
        if (!buffer.isDetached() || buffer.capacity() < s_chunkCapacity)
            return;
        buffer.resize(0);
        QMutexLocker lock(&mutex());
        if (buffers().size() < s_poolSize)
            buffers().push_back(std::move(buffer));
    }

private:
    static constexpr qsizetype s_chunkCapacity = s_chunkSize + s_receiveBuffer;
    static constexpr size_t s_poolSize = 64;
    static QMutex &mutex()
    {
        static QMutex m;
        return m;
    }
    static std::vector<QByteArray> &buffers()
    {
        static std::vector<QByteArray> b;
        return b;
    }
};

/*!
    A download's bytes on their way to the store: pushed in order from the engine's thread, hashed and
    written on a serial queue of the shared pool, so the engine's thread only receives.
*/
class BodySink : public std::enable_shared_from_this<BodySink>
{
public:
    BodySink(std::unique_ptr<StoreWriter> writer, std::shared_ptr<SerialQueue> queue, bool sha512)
        : m_writer(std::move(writer))
        , m_queue(std::move(queue))
        , m_sha512(sha512)
        , m_kept(m_writer->written())
        , m_pushed(m_kept)
    {}

    //! Bytes already in the store from an earlier run of a resumable write.
    qint64 kept() const { return m_kept; }
    //! Bytes the store will hold once everything pushed is written (engine thread).
    qint64 pushed() const { return m_pushed; }
    qint64 backlog() const { return m_backlog.load(std::memory_order_relaxed); }
    QJsonObject resumeState() const { return m_writer->resumeState(); }

    //! Called on the pool thread whenever the backlog falls below the low-water mark.
    void setOnDrained(std::function<void()> onDrained) { m_onDrained = std::move(onDrained); }

    //! Rebuilds the digests from the bytes kept from an earlier run, before any new byte.
    void continueKept()
    {
        m_queue->post([self = shared_from_this()] {
            self->m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
            if (Status s = self->m_writer->replay(
                    [&](const char *data, qint64 size) { self->m_digest->add(data, size); });
                !s)
                self->m_error = s;
        });
    }

    //! Drops everything and starts from nothing; \a expectedSize picks the digest lanes.
    void startOver(qint64 expectedSize)
    {
        m_buffer.clear();
        m_pushed = 0;
        m_queue->post([self = shared_from_this(), expectedSize] {
            self->m_digest = std::make_unique<MultiDigest>(lanesForSize(expectedSize), self->m_sha512);
            self->m_lastChunk.clear();
            if (Status s = self->m_writer->truncate(); !s)
                self->m_error = s;
        });
    }

    void setResumeState(const QJsonObject &state)
    {
        m_queue->post([self = shared_from_this(), state] {
            if (Status s = self->m_writer->setResumeState(state); !s)
                qCWarning(lcTransfer).noquote() << s.error().message;
        });
    }

    void push(const char *data, qint64 size)
    {
        if (m_buffer.capacity() == 0)
            m_buffer = ChunkPool::take();
        m_buffer.append(data, size);
        m_pushed += size;
        if (m_buffer.size() >= s_chunkSize)
            flushBuffer();
    }

    void flushBuffer()
    {
        if (m_buffer.isEmpty())
            return;
        QByteArray chunk = std::exchange(m_buffer, {});
        m_backlog.fetch_add(chunk.size(), std::memory_order_relaxed);
        m_queue->post([self = shared_from_this(), chunk = std::move(chunk)]() mutable {
            const qint64 size = chunk.size();
            if (self->m_error.ok()) {
                if (!self->m_digest)
                    self->m_digest =
                        std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
                self->m_digest->add(chunk.constData(), size);
                self->m_error = self->m_writer->write(chunk.constData(), size);
                // A split-lane digest may still read this chunk until the next add(), which has now waited
                // for the previous one: that one can be reused.
                ChunkPool::give(std::exchange(self->m_lastChunk, std::move(chunk)));
            } else {
                ChunkPool::give(std::move(chunk));
            }
            const qint64 before = self->m_backlog.fetch_sub(size, std::memory_order_relaxed);
            if (before >= s_lowWater && before - size < s_lowWater && self->m_onDrained)
                self->m_onDrained();
        });
    }

    struct Final
    {
        Status error;
        Digests digests;
        qint64 size = 0;
    };
    //! After every pushed byte is written, runs \a then on the pool thread with the digests and the writer.
    void finish(std::function<void(const Final &, StoreWriter &)> then)
    {
        flushBuffer();
        m_queue->post([self = shared_from_this(), then = std::move(then)] {
            Final final;
            final.error = self->m_error;
            if (!self->m_digest)
                self->m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, self->m_sha512);
            final.digests = self->m_digest->finish();
            ChunkPool::give(std::move(self->m_lastChunk));
            final.size = self->m_writer->written();
            then(final, *self->m_writer);
        });
    }

private:
    std::unique_ptr<StoreWriter> m_writer;
    std::shared_ptr<SerialQueue> m_queue;
    const bool m_sha512;
    std::unique_ptr<MultiDigest> m_digest;
    QByteArray m_lastChunk;
    Status m_error;
    std::function<void()> m_onDrained;
    // Engine thread only:
    QByteArray m_buffer;
    const qint64 m_kept;
    qint64 m_pushed;
    std::atomic<qint64> m_backlog{0};
};

} // namespace

/*!
    What the downloads of one Downloader share: the store, the settings, the hashing pool, and the results
    on their way out. The results are touched on the engine's thread only.
*/
struct DownloadContext
{
    DownloadContext(BitStore &store, const TransferOptions &options)
        : store(store)
        , options(options)
        , retry(options.retryPolicy())
    {
        // Hashing and writing: as many threads as cores; the engine's thread only receives.
        pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    }

    //! Hands \a result over; results leave together once per turn of the engine's event loop, one wake-up of
    //! the receiving thread for many files.
    void deliver(const DownloadResult &result)
    {
        results.append(result);
        if (results.size() == 1) {
            engine->post([this] {
                const QList<DownloadResult> list = std::exchange(results, {});
                if (!closing.load())
                    emit owner->finished(list);
            });
        }
    }

    BitStore &store;
    const TransferOptions options;
    const RetryPolicy retry;
    QThreadPool pool;
    HttpEngine *engine = nullptr;
    Downloader *owner = nullptr;
    std::atomic_bool closing{false};
    QList<DownloadResult> results;
};

/*!
    One file being downloaded, as an exchange of the HTTP engine: its job, what the current response said,
    and its history. Every method runs on the engine's thread; hashing and writing run on the context's pool.
*/
class DownloadExchange final
    : public HttpHandler
    , public std::enable_shared_from_this<DownloadExchange>
{
    Q_DECLARE_TR_FUNCTIONS(gh::Downloader)

public:
    DownloadExchange(std::shared_ptr<DownloadContext> context, const DownloadJob &job)
        : m_context(std::move(context))
        , m_job(job)
    {}

    HttpVerdict prepare(HttpRequest &request, int attempt) override;
    bool onHead(const HttpResponseHead &head) override;
    HttpBodyAction onBody(const char *data, qint64 size) override;
    HttpVerdict onAttemptEnd(const HttpAttempt &attempt) override;
    void onClosed(HttpEnd end) override;
    void describe(TransferActivity &activity) const override;

private:
    const TransferOptions &options() const { return m_context->options; }
    QString host() const { return m_url.host(); }
    //! Bytes the store will hold once everything received is written.
    qint64 pushed() const { return m_sink ? m_sink->pushed() : 0; }

    //! The first attempt: checks the URL and picks up bytes an interrupted earlier run kept.
    std::optional<HttpVerdict> begin();
    //! Opens the store write; on failure sets the abort status.
    bool openSink(bool resumable);
    bool sniffedTypeAccepted();
    void resetResponse();
    HttpVerdict retryOrFail(FileStatus status, const QString &message);
    HttpVerdict followRedirect();
    HttpVerdict succeed();
    HttpVerdict notModified();
    HttpVerdict fail(FileStatus status, const QString &message, bool keepPartial);
    //! Delivers \a result once its sink has written everything (holding the exchange until then).
    HttpVerdict deliverAfterSink(const DownloadResult &result, bool keepPartial);
    void deliver(const DownloadResult &result);
    FetchOutcome outcomeBase() const;
    void addEvent(const QString &outcome, const QString &detail);

    std::shared_ptr<DownloadContext> m_context;
    DownloadJob m_job;
    std::shared_ptr<BodySink> m_sink;
    QUrl m_url;
    QSet<QString> m_visited;
    QJsonArray m_hops;
    int m_attempt = 0;        //!< Attempts at the file: redirect hops do not count.
    bool m_resumable = false; //!< The sink keeps its bytes across an interruption.
    bool m_delivered = false; //!< The fetch stage has this file's result.
    bool m_restartWithoutRange = false;

    // The current response.
    HttpResponseHead m_head;
    qint64 m_contentLength = -1;
    bool m_acceptingBody = false;
    qint64 m_attemptStart = 0; //!< Bytes already stored when this attempt began (the Range start).
    bool m_rangeRequested = false;
    bool m_conditional = false;
    MimeSniffer m_sniffer;
    bool m_sniffed = false;
    std::optional<FileStatus> m_abortStatus;
    QString m_abortMessage;

    // Validators that let the next attempt continue with Range.
    QByteArray m_resumeEtag;
    QByteArray m_resumeLastModified;
    bool m_serverRanges = false;

    QList<EventRecord> m_events;
};

// Downloader

Downloader::Downloader(BitStore &store, const TransferOptions &options, QObject *parent)
    : QObject(parent)
    , m_context(std::make_shared<DownloadContext>(store, options))
    , m_engine(std::make_unique<HttpEngine>(options.engineOptions()))
{
    qRegisterMetaType<gh::DownloadJob>();
    qRegisterMetaType<gh::DownloadResult>();
    qRegisterMetaType<QList<gh::DownloadResult>>();
    m_context->engine = m_engine.get();
    m_context->owner = this;
    connect(m_engine.get(), &HttpEngine::activity, this, &Downloader::activity);
}

Downloader::~Downloader()
{
    // Running downloads close as cancelled (their partial bytes stay for the next run); then the pool
    // finishes what they handed it, while the engine object still takes (and drops) their late calls.
    m_context->closing.store(true);
    m_engine->shutdown();
    m_context->pool.waitForDone();
}

void Downloader::start(const QList<DownloadJob> &jobs)
{
    QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges;
    exchanges.reserve(jobs.size());
    for (const DownloadJob &job : jobs) {
        HttpRequest request;
        request.url = QUrl(job.file.sourceUrl, QUrl::StrictMode);
        request.tag = job.file.id;
        request.label = job.file.item + u'/' + job.file.name;
        exchanges.append({std::move(request), std::make_shared<DownloadExchange>(m_context, job)});
    }
    m_engine->start(std::move(exchanges));
}

void Downloader::cancelAll()
{
    m_engine->cancelAll();
}

void Downloader::setPaused(bool paused)
{
    m_engine->setPaused(paused);
}

// DownloadExchange

std::optional<HttpVerdict> DownloadExchange::begin()
{
    m_url = QUrl(m_job.file.sourceUrl, QUrl::StrictMode);
    m_visited.insert(m_url.toString(QUrl::FullyEncoded));
    if (!m_url.isValid() || (m_url.scheme() != u"http" && m_url.scheme() != u"https")) {
        return fail(FileStatus::Unsupported,
                    tr("\"%1\" is not an http or https URL; Gatehouse downloads nothing else.")
                        .arg(m_job.file.sourceUrl),
                    false);
    }
    // Bytes an interrupted earlier run kept for this file continue where they stopped; otherwise nothing is
    // written until a response actually carries the file (a 304 or an error leaves no trace on disk).
    if (m_context->store.hasResumableWrite(resumeToken(m_job.file.id))) {
        if (!openSink(true))
            return fail(FileStatus::StoreError, m_abortMessage, false);
        const QJsonObject state = m_sink->resumeState();
        if (state.value(QStringLiteral("url")).toString() == m_job.file.sourceUrl) {
            m_resumeEtag = state.value(QStringLiteral("etag")).toString().toLatin1();
            m_resumeLastModified = state.value(QStringLiteral("last_modified")).toString().toLatin1();
            m_serverRanges = true;
        }
        if (isStrongEtag(m_resumeEtag) || !m_resumeLastModified.isEmpty()) {
            m_sink->continueKept();
            addEvent(QStringLiteral("success"), tr("Continuing an interrupted download of %1 after %2 bytes.")
                                                    .arg(m_job.file.sourceUrl)
                                                    .arg(m_sink->kept()));
        } else {
            m_sink->startOver(m_job.file.declaredSize);
        }
    }
    return std::nullopt;
}

bool DownloadExchange::openSink(bool resumable)
{
    auto writer = resumable ? m_context->store.beginResumableWrite(resumeToken(m_job.file.id))
                            : m_context->store.beginWrite();
    if (!writer) {
        m_abortStatus = FileStatus::StoreError;
        m_abortMessage = writer.error().message;
        return false;
    }
    m_resumable = resumable;
    m_sink = std::make_shared<BodySink>(std::move(*writer), SerialQueue::create(&m_context->pool),
                                        !m_job.file.declared.sha512.isEmpty());
    // Called on the pool; the engine outlives the pool's work (see ~Downloader).
    HttpEngine *engine = this->engine();
    const HttpExchangeId id = exchangeId();
    m_sink->setOnDrained([engine, id] { engine->resume(id); });
    return true;
}

void DownloadExchange::resetResponse()
{
    m_head = HttpResponseHead{};
    m_contentLength = -1;
    m_acceptingBody = false;
}

HttpVerdict DownloadExchange::prepare(HttpRequest &request, int attempt)
{
    if (attempt == 1) {
        if (auto verdict = begin())
            return *verdict;
    }
    resetResponse();
    m_abortStatus.reset();
    m_abortMessage.clear();
    m_sniffer.clear();
    m_sniffed = false;
    m_attemptStart = pushed();
    ++m_attempt;

    request.url = m_url;
    request.headers.clear();
    m_rangeRequested = false;
    m_conditional = false;
    if (m_attemptStart > 0 && m_serverRanges &&
        (isStrongEtag(m_resumeEtag) || !m_resumeLastModified.isEmpty())) {
        request.headers.append({"Range", "bytes=" + QByteArray::number(m_attemptStart) + '-'});
        // If-Range: the server sends the rest only if it is still the same representation, else all of it.
        request.headers.append(
            {"If-Range", isStrongEtag(m_resumeEtag) ? m_resumeEtag : m_resumeLastModified});
        m_rangeRequested = true;
    } else if (m_attemptStart > 0) {
        m_sink->startOver(m_job.file.declaredSize);
        m_attemptStart = 0;
    }
    if (!m_rangeRequested && m_attemptStart == 0 && m_job.cached) {
        if (!m_job.cached->etag.isEmpty())
            request.headers.append({"If-None-Match", m_job.cached->etag.toLatin1()});
        if (!m_job.cached->lastModified.isEmpty())
            request.headers.append({"If-Modified-Since", m_job.cached->lastModified.toLatin1()});
        m_conditional = !request.headers.isEmpty();
    }
    return HttpVerdict::send();
}

bool DownloadExchange::onHead(const HttpResponseHead &head)
{
    m_head = head;
    m_contentLength = head.contentLength();
    const int status = head.status;
    if (HttpRules::isRedirect(status) || status == 304 || status >= 300) {
        m_acceptingBody = false;
        return true;
    }
    // 2xx: the file itself.
    if (status == 206) {
        // Only the part asked for is acceptable; anything else starts over without Range.
        const QByteArray range = head.header("content-range").toLower();
        const bool matches =
            m_rangeRequested &&
            range.startsWith(QByteArray("bytes " + QByteArray::number(m_attemptStart) + '-'));
        if (!matches) {
            m_restartWithoutRange = true;
            return false;
        }
    } else if (m_attemptStart > 0) {
        // A full answer to a Range request: the server ignored it, or If-Range found a changed file.
        m_sink->startOver(m_contentLength);
        m_attemptStart = 0;
    } else if (!m_sink) {
        // Resumable only when worth it: a small file simply downloads again.
        if (!openSink(m_contentLength < 0 || m_contentLength >= s_resumableFrom))
            return false;
        m_sink->startOver(m_contentLength);
    } else if (m_sink->pushed() == 0) {
        m_sink->startOver(m_contentLength);
    }
    const qint64 total = m_contentLength >= 0 ? m_attemptStart + m_contentLength : -1;
    const TransferOptions &o = options();
    if (o.maxSize >= 0 && total > o.maxSize) {
        m_abortStatus = FileStatus::TooLarge;
        m_abortMessage = tr("%1 announces %2 bytes, more than the limit of %3 bytes; nothing was downloaded.")
                             .arg(m_url.toDisplayString())
                             .arg(total)
                             .arg(o.maxSize);
        return false;
    }
    const QString declared = HttpRules::mimetypeOf(head.header("content-type"));
    if (!declared.isEmpty() && !HttpRules::accepts(o.accept, declared)) {
        m_abortStatus = FileStatus::WrongMimetype;
        m_abortMessage =
            tr("%1 is served as %2, which is not among the accepted types (%3); nothing was downloaded.")
                .arg(m_url.toDisplayString(), declared, o.accept.join(QStringLiteral(", ")));
        return false;
    }
    // Remember the validators: the next attempt, or the next run, continues with Range if the server allows.
    const QByteArray etag = head.header("etag");
    const QByteArray lastModified = head.header("last-modified");
    m_serverRanges = head.header("accept-ranges").toLower() == "bytes" || status == 206;
    if (status != 206) {
        m_resumeEtag = etag;
        m_resumeLastModified = lastModified;
    }
    if (m_resumable && (isStrongEtag(m_resumeEtag) || !m_resumeLastModified.isEmpty())) {
        m_sink->setResumeState(
            QJsonObject{{QStringLiteral("url"), m_job.file.sourceUrl},
                        {QStringLiteral("etag"), QString::fromLatin1(m_resumeEtag)},
                        {QStringLiteral("last_modified"), QString::fromLatin1(m_resumeLastModified)},
                        {QStringLiteral("length"), total}});
    }
    m_acceptingBody = true;
    return true;
}

HttpBodyAction DownloadExchange::onBody(const char *data, qint64 size)
{
    if (!m_acceptingBody)
        return HttpBodyAction::Accept; // a redirect's, an error's or a 304's body: not the file
    // Backpressure first: a paused write is delivered again, so nothing below may have happened yet.
    if (!m_sink)
        return HttpBodyAction::Abort; // cannot happen: onHead() opens the sink before the first byte
    if (m_sink->backlog() >= s_highWater)
        return HttpBodyAction::Pause;
    const TransferOptions &o = options();
    const qint64 total = m_sink->pushed() + size;
    if (o.maxSize >= 0 && total > o.maxSize) {
        m_abortStatus = FileStatus::TooLarge;
        m_abortMessage =
            tr("%1 is larger than the limit of %2 bytes; the transfer was stopped after %3 bytes.")
                .arg(m_url.toDisplayString())
                .arg(o.maxSize)
                .arg(m_sink->pushed());
        return HttpBodyAction::Abort;
    }
    if (!m_sniffed) {
        m_sniffer.add(data, size);
        if (m_sniffer.isComplete() && !sniffedTypeAccepted())
            return HttpBodyAction::Abort;
    }
    m_sink->push(data, size);
    return HttpBodyAction::Accept;
}

bool DownloadExchange::sniffedTypeAccepted()
{
    m_sniffed = true;
    const TransferOptions &o = options();
    if (o.accept.isEmpty())
        return true;
    const QString sniffed = m_sniffer.mimetype();
    if (HttpRules::accepts(o.accept, sniffed))
        return true;
    m_abortStatus = FileStatus::WrongMimetype;
    m_abortMessage = tr("%1 is %2 by its content, which is not among the accepted types (%3).")
                         .arg(m_url.toDisplayString(), sniffed, o.accept.join(QStringLiteral(", ")));
    return false;
}

void DownloadExchange::addEvent(const QString &outcome, const QString &detail)
{
    m_events.append(FileFinisher::event(m_job.file, QStringLiteral("transfer"), outcome, detail, agent()));
}

HttpVerdict DownloadExchange::onAttemptEnd(const HttpAttempt &attempt)
{
    // The last head that arrived, even one cut off before its end.
    m_head = attempt.head;
    if (m_head.status > 0)
        m_contentLength = m_head.contentLength();
    if (m_sink)
        m_sink->flushBuffer();
    if (m_restartWithoutRange) {
        m_restartWithoutRange = false;
        m_serverRanges = false;
        addEvent(
            QStringLiteral("warning"),
            tr("%1 answered a Range request with another part; starting over.").arg(m_url.toDisplayString()));
        return HttpVerdict::retryAfter(0);
    }
    if (m_abortStatus)
        return fail(*m_abortStatus, m_abortMessage, false);
    if (!attempt.completed()) {
        const FileStatus status = HttpRules::statusForCurl(attempt.curlCode);
        const QString &reason = attempt.transportError;
        QString message;
        if (status == FileStatus::TlsError)
            message = tr("The TLS certificate of %1 could not be verified: %2").arg(host(), reason);
        else if (status == FileStatus::Truncated)
            message = tr("%1 ended after %2 of %3 bytes: %4")
                          .arg(m_url.toDisplayString())
                          .arg(pushed())
                          .arg(m_contentLength >= 0 ? m_attemptStart + m_contentLength : -1)
                          .arg(reason);
        else
            message = tr("Downloading %1 from %2 failed: %3").arg(m_url.toDisplayString(), host(), reason);
        return retryOrFail(status, message);
    }
    const int status = m_head.status;
    if (HttpRules::isRedirect(status) && !m_head.header("location").isEmpty())
        return followRedirect();
    if (status == 304 && m_conditional && m_job.cached)
        return notModified();
    if (status >= 200 && status < 300)
        return succeed();
    const FileStatus failure = HttpRules::statusForHttp(status).value_or(FileStatus::ClientError);
    return retryOrFail(failure, tr("%1 answered HTTP %2.").arg(m_url.toDisplayString()).arg(status));
}

HttpVerdict DownloadExchange::retryOrFail(FileStatus status, const QString &message)
{
    const RetryPolicy &policy = m_context->retry;
    const RetryDecision decision =
        HttpRules::retryDecision(policy, m_attempt, StatusInfo::isTransient(status),
                                 m_head.header("retry-after"), QDateTime::currentDateTimeUtc());
    if (decision.askedTooLong) {
        return fail(
            status,
            tr("%1 The server asks to come back in %2 s, later than this run waits; the file stays for "
               "a later run.")
                .arg(message)
                .arg(decision.askedMs / 1000),
            true);
    }
    if (!decision.retry) {
        const QString final =
            m_attempt > 1 ? tr("%1 (attempt %2 of %3)").arg(message).arg(m_attempt).arg(policy.maxAttempts)
                          : message;
        // After transient failures the bytes so far are kept for the next run, if they can be continued.
        return fail(status, final, StatusInfo::isTransient(status));
    }
    addEvent(QStringLiteral("failure"),
             tr("Attempt %1: %2 (%3); retrying in %4 ms%5")
                 .arg(m_attempt)
                 .arg(message, StatusInfo::key(status))
                 .arg(decision.delayMs)
                 .arg(pushed() > 0 && m_serverRanges ? tr(", continuing after %1 bytes").arg(pushed())
                                                     : QString()));
    return HttpVerdict::retryAfter(decision.delayMs);
}

HttpVerdict DownloadExchange::followRedirect()
{
    const QUrl next = m_url.resolved(QUrl::fromEncoded(m_head.header("location")));
    QJsonObject hop{{QStringLiteral("url"), m_url.toString(QUrl::FullyEncoded)},
                    {QStringLiteral("status"), m_head.status},
                    {QStringLiteral("location"), next.toString(QUrl::FullyEncoded)},
                    {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    m_hops.append(hop);
    const QString key = next.toString(QUrl::FullyEncoded);
    if (m_visited.contains(key)) {
        return fail(FileStatus::RedirectLoop,
                    tr("%1 redirects in a loop back to %2 after %3 hops.")
                        .arg(m_job.file.sourceUrl, next.toDisplayString())
                        .arg(m_hops.size()),
                    false);
    }
    if (m_hops.size() > options().maxRedirects) {
        return fail(
            FileStatus::TooManyRedirects,
            tr("%1 redirects more than %2 times.").arg(m_job.file.sourceUrl).arg(options().maxRedirects),
            false);
    }
    if (next.scheme() != u"http" && next.scheme() != u"https") {
        return fail(FileStatus::Unsupported,
                    tr("%1 redirects to %2, which is not http or https.")
                        .arg(m_url.toDisplayString(), next.toDisplayString()),
                    false);
    }
    m_visited.insert(key);
    m_url = next;
    --m_attempt; // a hop is not a retry
    return HttpVerdict::retryAfter(0);
}

FetchOutcome DownloadExchange::outcomeBase() const
{
    FetchOutcome outcome;
    outcome.file = m_job.file;
    outcome.file.attempts = m_job.file.attempts + m_attempt;
    outcome.file.httpStatus = m_head.status;
    outcome.file.terminalUrl = m_url.toString(QUrl::FullyEncoded);
    outcome.file.hops = m_hops;
    outcome.file.etag = QString::fromLatin1(m_head.header("etag"));
    outcome.file.lastModified = QString::fromLatin1(m_head.header("last-modified"));
    outcome.file.processedAt = QDateTime::currentDateTimeUtc();
    outcome.events = m_events;
    return outcome;
}

HttpVerdict DownloadExchange::succeed()
{
    if (!m_sniffed && !sniffedTypeAccepted())
        return fail(*m_abortStatus, m_abortMessage, false);
    DownloadResult base;
    base.outcome = outcomeBase();
    const QString mimetype = m_sniffer.mimetype();
    const QDateTime freshUntil = HttpRules::freshUntil(
        m_head.header("cache-control"), m_head.header("expires"), QDateTime::currentDateTimeUtc());
    const QString url = m_job.file.sourceUrl;
    const QString detail = tr("%1 (HTTP %2 from %3)").arg(url).arg(m_head.status).arg(host());
    BitStore *store = &m_context->store;
    const BatchContext batch = m_job.batch;
    const bool lookFirst = m_job.lookFirst;
    HttpEngine *engine = this->engine();
    std::weak_ptr<DownloadExchange> self = weak_from_this();
    m_sink->finish([engine, self, base, mimetype, freshUntil, url, detail, store, batch,
                    lookFirst](const BodySink::Final &final, StoreWriter &writer) {
        DownloadResult result = base;
        if (!final.error) {
            writer.abort();
            FileFinisher::fail(result.outcome, FileStatus::StoreError, final.error.error().message,
                               QStringLiteral("transfer"), agent());
        } else {
            FileFinisher::publish(result.outcome, writer, *store, batch, final.digests, final.size, mimetype,
                                  QStringLiteral("transfer"), detail, agent(), lookFirst);
        }
        const FileRecord &f = result.outcome.file;
        if (!f.storedKey.isEmpty() &&
            (!f.etag.isEmpty() || !f.lastModified.isEmpty() || freshUntil.isValid())) {
            HttpCacheEntry entry;
            entry.url = url;
            entry.etag = f.etag;
            entry.lastModified = f.lastModified;
            entry.freshUntil = freshUntil;
            entry.storedKey = f.storedKey;
            entry.size = f.size;
            entry.digests = f.digests;
            entry.mimetype = f.mimetype;
            entry.fetchedAt = QDateTime::currentDateTimeUtc();
            result.cacheUpdate = entry;
        }
        engine->post([self, result] {
            if (auto exchange = self.lock()) {
                exchange->deliver(result);
                exchange->release();
            }
        });
    });
    return HttpVerdict::hold();
}

HttpVerdict DownloadExchange::notModified()
{
    DownloadResult result;
    result.outcome = outcomeBase();
    const HttpCacheEntry &cached = *m_job.cached;
    FileRecord &f = result.outcome.file;
    f.status = FileStatus::Unchanged;
    f.error.clear();
    f.size = cached.size;
    f.digests = cached.digests;
    f.mimetype = cached.mimetype;
    f.storedKey = cached.storedKey;
    if (f.etag.isEmpty())
        f.etag = cached.etag;
    if (f.lastModified.isEmpty())
        f.lastModified = cached.lastModified;
    result.outcome.events.append(FileFinisher::event(
        f, QStringLiteral("transfer"), QStringLiteral("success"),
        tr("%1 is not modified since %2; the stored copy %3 is reused.")
            .arg(m_job.file.sourceUrl, cached.fetchedAt.toString(Qt::ISODate), cached.storedKey),
        agent()));
    // The catalog's entry changes only when the server said something new: new validators or freshness.
    // (Its fetched_at keeps saying when the bytes were fetched, which is what the stored copy is.)
    const QDateTime freshUntil = HttpRules::freshUntil(
        m_head.header("cache-control"), m_head.header("expires"), QDateTime::currentDateTimeUtc());
    if (f.etag != cached.etag || f.lastModified != cached.lastModified || freshUntil.isValid() ||
        cached.freshUntil.isValid()) {
        HttpCacheEntry entry = cached;
        entry.etag = f.etag;
        entry.lastModified = f.lastModified;
        entry.freshUntil = freshUntil;
        result.cacheUpdate = entry;
    }
    return deliverAfterSink(result, false);
}

HttpVerdict DownloadExchange::fail(FileStatus status, const QString &message, bool keepPartial)
{
    DownloadResult result;
    result.outcome = outcomeBase();
    FileFinisher::fail(result.outcome, status, message, QStringLiteral("transfer"), agent());
    return deliverAfterSink(result, keepPartial);
}

HttpVerdict DownloadExchange::deliverAfterSink(const DownloadResult &result, bool keepPartial)
{
    if (!m_sink) {
        deliver(result);
        return HttpVerdict::done();
    }
    HttpEngine *engine = this->engine();
    std::weak_ptr<DownloadExchange> self = weak_from_this();
    m_sink->finish([engine, self, result, keepPartial](const BodySink::Final &, StoreWriter &writer) {
        // A transient failure keeps the bytes so far: a later run continues them with Range.
        if (!keepPartial)
            writer.abort();
        engine->post([self, result] {
            if (auto exchange = self.lock()) {
                exchange->deliver(result);
                exchange->release();
            }
        });
    });
    return HttpVerdict::hold();
}

void DownloadExchange::deliver(const DownloadResult &result)
{
    // Exactly one result per file: a cancel may have answered for it already.
    if (std::exchange(m_delivered, true))
        return;
    m_context->deliver(result);
}

void DownloadExchange::onClosed(HttpEnd end)
{
    if (end != HttpEnd::Cancelled)
        return;
    // Cancelled, queued or running: the file reports back untouched and stays pending.
    DownloadResult untouched;
    untouched.outcome.file = m_job.file;
    deliver(untouched);
    // Let what arrived reach the disk; the resumable write keeps it for the next run.
    if (m_sink)
        m_sink->finish([](const BodySink::Final &, StoreWriter &) {});
}

void DownloadExchange::describe(TransferActivity &activity) const
{
    activity.bytesDone = pushed();
    activity.total = m_contentLength >= 0 ? m_attemptStart + m_contentLength : -1;
    activity.attempt = std::max(1, m_attempt);
}

} // namespace gh
