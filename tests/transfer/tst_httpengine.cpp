// The HTTP engine on its own, against the fault server (tests/peers/faultserver.py) on loopback: caller
// headers and the User-Agent, request bodies (memory, file range, stream, multipart form), sequential lanes,
// retries after Retry-After, cancel, pause, backpressure, activity, and the blocking form from worker
// threads.

#include <atomic>
#include <thread>

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "net/httpengine.h"
#include "peerserver.h"
#include "testsupport.h"

using namespace gh;

namespace {

QString sha256(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

/*!
    A handler that keeps what it receives and counts it: the bytes (readable from any thread while it runs),
    their sha256, the pauses it asked for, and how the exchange ended.
*/
class CountingHandler : public HttpHandler
{
public:
    //! Pause every \a pauseEvery-th piece of body (0: never) and ask to be resumed at once.
    explicit CountingHandler(int pauseEvery = 0)
        : m_pauseEvery(pauseEvery)
    {}

    HttpBodyAction onBody(const char *data, qint64 size) override
    {
        ++m_pieces;
        if (m_pauseEvery > 0 && m_pieces % m_pauseEvery == 0 && !m_pausedThisPiece) {
            // The same bytes come again after the resume: nothing may be counted twice.
            m_pausedThisPiece = true;
            --m_pieces;
            ++pauses;
            resume();
            return HttpBodyAction::Pause;
        }
        m_pausedThisPiece = false;
        m_hash.addData(QByteArrayView(data, size));
        bytes.fetch_add(size);
        return HttpBodyAction::Accept;
    }

    HttpVerdict onAttemptEnd(const HttpAttempt &attempt) override
    {
        status = attempt.head.status;
        curlCode = attempt.curlCode;
        return attempt.completed() ? HttpVerdict::done() : HttpVerdict::fail();
    }

    void onClosed(HttpEnd how) override
    {
        digest = QString::fromLatin1(m_hash.result().toHex());
        end.store(int(how));
        closed.store(true);
    }

    std::atomic<qint64> bytes{0};
    std::atomic_bool closed{false};
    std::atomic<int> end{-1};
    std::atomic<int> pauses{0};
    int status = 0;
    int curlCode = 0;
    QString digest; //!< Valid once closed.

private:
    const int m_pauseEvery;
    int m_pieces = 0;
    bool m_pausedThisPiece = false;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

struct Interval
{
    double start = 0;
    double end = 0;
};

} // namespace

class TestHttpEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void callerHeadersAndUserAgent();
    void multipartPostStreamsFileRanges();
    void missingFormFileIsALocalError();
    void streamedBodyWithBackpressure();
    void sequentialLanes();
    void laneHeldThroughRetries();
    void sequentialHost();
    void retryAfterIsHonoured();
    void retryAfterBeyondTheCapIsNotAwaited();
    void cancelOneAndAll();
    void performCancelledByItsFlag();
    void pauseHoldsThenResumeCompletes();
    void backpressureLosesNothing();
    void blockingPerformFromWorkerThreads();
    void performRefusedOnTheEngineThread();

private:
    QString url(const QString &path) const { return m_faults->baseUrl() + path; }
    HttpEngineOptions engineOptions(int jobs = 8) const;
    HttpCallOptions quickRetries(int attempts = 3) const;
    QString expectedSha256(const QString &path) const;
    //! The fault server's log records of \a path, in the order they were written.
    QList<QJsonObject> requestLog(const QString &path) const;
    //! When the server took the request and when it had answered it (epoch seconds).
    Interval interval(const QString &path) const;

    std::unique_ptr<test::PeerServer> m_faults;
};

void TestHttpEngine::initTestCase()
{
    m_faults = std::make_unique<test::PeerServer>(QStringLiteral("faultserver"));
    QVERIFY2(m_faults->isRunning(), qPrintable(m_faults->error()));
}

void TestHttpEngine::cleanupTestCase()
{
    m_faults.reset();
}

HttpEngineOptions TestHttpEngine::engineOptions(int jobs) const
{
    HttpEngineOptions o;
    o.jobs = jobs;
    o.perHost = jobs;
    o.contact = QStringLiteral("mailto:tests@gatehouse.invalid");
    o.connectTimeoutMs = 5000;
    o.lowSpeedSeconds = 10;
    return o;
}

HttpCallOptions TestHttpEngine::quickRetries(int attempts) const
{
    HttpCallOptions call;
    call.retry.maxAttempts = attempts;
    call.retry.backoffBaseMs = 50;
    call.retry.backoffMaxMs = 200;
    call.retry.retryAfterMaxMs = 5000;
    return call;
}

QString TestHttpEngine::expectedSha256(const QString &path) const
{
    return QJsonDocument::fromJson(test::httpGet(url(QStringLiteral("/_expected?path=") +
                                                     QString::fromLatin1(QUrl::toPercentEncoding(path)))))
        .object()
        .value(QStringLiteral("sha256"))
        .toString();
}

QList<QJsonObject> TestHttpEngine::requestLog(const QString &path) const
{
    QFile file(QDir(m_faults->dir()).filePath(QStringLiteral("requests.jsonl")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QJsonObject> matching;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QJsonObject r = QJsonDocument::fromJson(line).object();
        if (r.value(QStringLiteral("path")).toString() == path)
            matching.append(r);
    }
    return matching;
}

Interval TestHttpEngine::interval(const QString &path) const
{
    const QList<QJsonObject> log = requestLog(path);
    if (log.size() != 1)
        return {};
    const double start = log.first().value(QStringLiteral("ts")).toDouble();
    return {start, start + log.first().value(QStringLiteral("duration_ms")).toDouble() / 1000.0};
}

void TestHttpEngine::callerHeadersAndUserAgent()
{
    HttpEngine engine(engineOptions());
    HttpRequest request;
    request.method = "POST";
    request.url = QUrl(url(QStringLiteral("/echo/headers-1")));
    request.headers = {{"Cookie", "session=abc123; wiki_UserName=Gatehouse"},
                       {"Authorization", "Bearer t0ken/with+signs="},
                       {"X-CSRF-Token", "+\\"},
                       {"Content-Type", "application/x-www-form-urlencoded"}};
    const QByteArray body = "action=query&meta=tokens&format=json";
    request.body = HttpBody::memory(body);
    const auto reply = engine.perform(request);
    QVERIFY2(reply, qPrintable(reply ? QString() : reply.error().message));
    QCOMPARE(reply->status, 200);
    QVERIFY(reply->answered());
    const QJsonObject echo = QJsonDocument::fromJson(reply->body).object();
    const QJsonObject headers = echo.value(QStringLiteral("headers")).toObject();
    QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(headers.value(QStringLiteral("cookie")).toString(),
             QStringLiteral("session=abc123; wiki_UserName=Gatehouse"));
    QCOMPARE(headers.value(QStringLiteral("authorization")).toString(),
             QStringLiteral("Bearer t0ken/with+signs="));
    QCOMPARE(headers.value(QStringLiteral("x-csrf-token")).toString(), QStringLiteral("+\\"));
    QCOMPARE(headers.value(QStringLiteral("content-type")).toString(),
             QStringLiteral("application/x-www-form-urlencoded"));
    QCOMPARE(echo.value(QStringLiteral("body_length")).toInt(), int(body.size()));
    QCOMPARE(echo.value(QStringLiteral("body_sha256")).toString(), sha256(body));
    // Wikimedia's User-Agent policy: client/version (contact) library/version.
    const QString agent = headers.value(QStringLiteral("user-agent")).toString();
    static const QRegularExpression policy(
        QStringLiteral("^Gatehouse/\\S+ \\(mailto:tests@gatehouse\\.invalid\\) libcurl/\\d+\\.\\d+"));
    QVERIFY2(policy.match(agent).hasMatch(), qPrintable(agent));

    // Another User-Agent replaces it; nothing else changes.
    HttpEngineOptions custom = engineOptions();
    custom.userAgent = QStringLiteral("ExampleBot/2.0 (bot@example.org)");
    HttpEngine other(custom);
    request.url = QUrl(url(QStringLiteral("/echo/headers-2")));
    const auto second = other.perform(request);
    QVERIFY(second);
    QCOMPARE(QJsonDocument::fromJson(second->body)
                 .object()
                 .value(QStringLiteral("headers"))
                 .toObject()
                 .value(QStringLiteral("user-agent"))
                 .toString(),
             custom.userAgent);
}

void TestHttpEngine::multipartPostStreamsFileRanges()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("master.tif"));
    const QByteArray file = test::pseudoRandomBytes(3 * 1024 * 1024 + 17, 4242);
    test::writeFile(path, file);
    const QByteArray chunk = test::pseudoRandomBytes(70000, 77);
    const QByteArray comment = QStringLiteral("Bøger, 1890 – scan \"7\"").toUtf8();

    HttpForm form;
    form.addField("action", "upload")
        .addField("comment", comment)
        .addFile("file", QStringLiteral("page 1.tif"), path, 1000000, 1500000, "image/tiff")
        .addData("chunk", QStringLiteral("chunk.bin"), chunk)
        .addFile("rest", QStringLiteral("rest.bin"), path, 2500000);
    HttpRequest request;
    request.method = "POST";
    request.url = QUrl(url(QStringLiteral("/form/multipart-1")));
    request.headers = {{"Cookie", "session=abc123"}};
    request.body = HttpBody::form(form);
    HttpEngine engine(engineOptions());
    const auto reply = engine.perform(request);
    QVERIFY(reply);
    QVERIFY2(reply->status == 200, reply->body.constData());

    // The server parsed exactly these parts, byte for byte.
    const QJsonObject doc = QJsonDocument::fromJson(reply->body).object();
    QVERIFY(
        doc.value(QStringLiteral("content_type")).toString().startsWith(u"multipart/form-data; boundary="));
    const QJsonArray parts = doc.value(QStringLiteral("parts")).toArray();
    QCOMPARE(parts.size(), 5);
    auto part = [&](int i, const char *key) { return parts.at(i).toObject().value(QLatin1String(key)); };
    QCOMPARE(part(0, "name").toString(), QStringLiteral("action"));
    QCOMPARE(part(0, "text").toString(), QStringLiteral("upload"));
    QVERIFY(part(0, "filename").isNull());
    QCOMPARE(part(1, "name").toString(), QStringLiteral("comment"));
    QCOMPARE(part(1, "sha256").toString(), sha256(comment));
    QCOMPARE(part(2, "name").toString(), QStringLiteral("file"));
    QCOMPARE(part(2, "filename").toString(), QStringLiteral("page 1.tif"));
    QCOMPARE(part(2, "content_type").toString(), QStringLiteral("image/tiff"));
    QCOMPARE(part(2, "length").toInt(), 1500000);
    QCOMPARE(part(2, "sha256").toString(), sha256(file.mid(1000000, 1500000)));
    QCOMPARE(part(3, "filename").toString(), QStringLiteral("chunk.bin"));
    QCOMPARE(part(3, "content_type").toString(), QStringLiteral("application/octet-stream"));
    QCOMPARE(part(3, "sha256").toString(), sha256(chunk));
    QCOMPARE(part(4, "length").toInt(), int(file.size() - 2500000));
    QCOMPARE(part(4, "sha256").toString(), sha256(file.mid(2500000)));
    const QJsonObject logged = requestLog(QStringLiteral("/form/multipart-1")).constFirst();
    QCOMPARE(logged.value(QStringLiteral("headers")).toObject().value(QStringLiteral("cookie")).toString(),
             QStringLiteral("session=abc123"));
}

void TestHttpEngine::missingFormFileIsALocalError()
{
    HttpForm form;
    form.addField("action", "upload")
        .addFile("file", QStringLiteral("gone.tif"), QStringLiteral("/nonexistent/gone.tif"));
    HttpRequest request;
    request.method = "POST";
    request.url = QUrl(url(QStringLiteral("/form/missing-1")));
    request.body = HttpBody::form(form);
    HttpEngine engine(engineOptions());
    const auto reply = engine.perform(request, quickRetries());
    QVERIFY(reply);
    QVERIFY(!reply->answered());
    QCOMPARE(reply->localFailure, HttpReply::LocalFailure::RequestBody);
    QCOMPARE(reply->attempts, 1); // never worth a retry
    QVERIFY2(reply->localError.contains(QStringLiteral("/nonexistent/gone.tif")),
             qPrintable(reply->localError));
    QVERIFY(requestLog(QStringLiteral("/form/missing-1")).isEmpty()); // nothing was sent
}

void TestHttpEngine::streamedBodyWithBackpressure()
{
    // A stream that has nothing to give every other call: the exchange waits for resume(), then goes on.
    // A helper thread resumes it every 20 ms, so the upload takes long enough to be seen in the activity.
    const QByteArray payload = test::pseudoRandomBytes(1200000, 5);
    HttpEngine engine(engineOptions());
    QSignalSpy activity(&engine, &HttpEngine::activity);
    auto position = std::make_shared<std::atomic<qint64>>(0);
    auto ready = std::make_shared<std::atomic_bool>(false);
    HttpRequest request;
    request.method = "PUT";
    request.url = QUrl(url(QStringLiteral("/echo/stream-1")));
    request.tag = 7;
    request.label = QStringLiteral("stream-1");
    request.direction = TransferActivity::Direction::Upload;
    request.body = HttpBody::stream(
        [payload, position, ready](char *buffer, qint64 max) -> qint64 {
            if (!ready->exchange(false))
                return HttpBody::WouldBlock;
            const qint64 n = std::min<qint64>({max, 30000, payload.size() - position->load()});
            std::memcpy(buffer, payload.constData() + position->load(), size_t(n));
            position->fetch_add(n);
            return n;
        },
        payload.size(),
        [position] {
            position->store(0);
            return true;
        });
    std::atomic_bool finished{false};
    std::optional<Result<HttpReply>> reply;
    std::atomic<HttpExchangeId> id{0};
    std::thread resumer([&] {
        while (!finished.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ready->store(true);
            if (const HttpExchangeId running = id.load())
                engine.resume(running);
        }
    });
    id = engine.start(request, HttpCallOptions{}, this, [&](Result<HttpReply> r) {
        reply.emplace(std::move(r));
        finished.store(true);
    });
    QTRY_VERIFY_WITH_TIMEOUT(finished.load(), 30000);
    resumer.join();
    QVERIFY(*reply);
    const QJsonObject echo = QJsonDocument::fromJson((*reply)->body).object();
    QCOMPARE(echo.value(QStringLiteral("body_length")).toInt(), int(payload.size()));
    QCOMPARE(echo.value(QStringLiteral("body_sha256")).toString(), sha256(payload));

    // The transfers view saw an upload moving, then nothing.
    QVERIFY(!activity.isEmpty());
    bool moving = false;
    for (const QList<QVariant> &args : std::as_const(activity)) {
        for (const TransferActivity &a : args.at(0).value<QList<TransferActivity>>()) {
            QCOMPARE(a.tag, qint64(7));
            QCOMPARE(a.label, QStringLiteral("stream-1"));
            QCOMPARE(a.direction, TransferActivity::Direction::Upload);
            QCOMPARE(a.host, QStringLiteral("127.0.0.1"));
            QCOMPARE(a.total, qint64(payload.size()));
            moving = moving || (a.bytesDone > 0 && a.bytesDone < qint64(payload.size()));
        }
    }
    QVERIFY(moving);
    QTRY_VERIFY(!activity.isEmpty() && activity.constLast().at(0).value<QList<TransferActivity>>().isEmpty());
}

void TestHttpEngine::sequentialLanes()
{
    // Two lanes of four slow requests each, plus three without a lane, all started at once: each lane's
    // requests reach the server one after another in the order they were started, while the lanes (and the
    // free requests) run side by side.
    HttpEngine engine(engineOptions(16));
    QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges;
    QList<std::shared_ptr<CountingHandler>> handlers;
    auto add = [&](const QString &path, const QString &lane) {
        HttpRequest request;
        request.url = QUrl(url(path));
        request.lane = lane;
        auto handler = std::make_shared<CountingHandler>();
        handlers.append(handler);
        exchanges.append({request, handler});
    };
    for (int i = 0; i < 4; ++i) {
        add(QStringLiteral("/ok/delay=250/n=1000/api-%1").arg(i), QStringLiteral("https://wiki/api.php"));
        add(QStringLiteral("/ok/delay=250/n=1000/other-%1").arg(i), QStringLiteral("other"));
        if (i < 3)
            add(QStringLiteral("/ok/delay=250/n=1000/free-%1").arg(i), QString());
    }
    QElapsedTimer clock;
    clock.start();
    engine.start(exchanges);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(handlers.cbegin(), handlers.cend(), [](const auto &h) { return h->closed.load(); }),
        20000);
    for (const auto &h : std::as_const(handlers))
        QCOMPARE(h->status, 200);

    for (const QString &lane : {QStringLiteral("api"), QStringLiteral("other")}) {
        for (int i = 1; i < 4; ++i) {
            const Interval before =
                interval(QStringLiteral("/ok/delay=250/n=1000/%1-%2").arg(lane).arg(i - 1));
            const Interval after = interval(QStringLiteral("/ok/delay=250/n=1000/%1-%2").arg(lane).arg(i));
            QVERIFY(before.start > 0 && after.start > 0);
            // Strictly one at a time, in order: the next request arrives after the previous was answered.
            QVERIFY2(after.start >= before.end,
                     qPrintable(QStringLiteral("%1-%2 started %3 s before %1-%4 ended")
                                    .arg(lane)
                                    .arg(i)
                                    .arg(before.end - after.start)
                                    .arg(i - 1)));
        }
    }
    // The two lanes overlap each other, step by step, and the free requests overlap one another.
    auto overlaps = [](const Interval &a, const Interval &b) { return a.start < b.end && b.start < a.end; };
    for (int i = 0; i < 4; ++i) {
        QVERIFY(overlaps(interval(QStringLiteral("/ok/delay=250/n=1000/api-%1").arg(i)),
                         interval(QStringLiteral("/ok/delay=250/n=1000/other-%1").arg(i))));
    }
    QVERIFY(overlaps(interval(QStringLiteral("/ok/delay=250/n=1000/free-0")),
                     interval(QStringLiteral("/ok/delay=250/n=1000/free-2"))));
    QVERIFY2(clock.elapsed() >= 4 * 250, qPrintable(QString::number(clock.elapsed())));
}

void TestHttpEngine::laneHeldThroughRetries()
{
    // The lane's first request fails once and is retried after its backoff; the second, started right after
    // it, still waits for the retry to be answered.
    HttpEngine engine(engineOptions());
    const QString first = QStringLiteral("/flaky/fails=1/status=503/n=500/lane-retry-1");
    const QString second = QStringLiteral("/ok/n=500/lane-retry-2");
    HttpCallOptions call = quickRetries();
    call.retry.backoffBaseMs = 400;
    call.retry.backoffMaxMs = 400;
    std::optional<Result<HttpReply>> one;
    std::optional<Result<HttpReply>> two;
    HttpRequest a;
    a.url = QUrl(url(first));
    a.lane = QStringLiteral("api");
    HttpRequest b = a;
    b.url = QUrl(url(second));
    engine.start(a, call, this, [&](Result<HttpReply> r) { one.emplace(std::move(r)); });
    engine.start(b, call, this, [&](Result<HttpReply> r) { two.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(one && two, 20000);
    QCOMPARE((*one)->status, 200);
    QCOMPARE((*one)->attempts, 2);
    QCOMPARE((*two)->status, 200);
    const QList<QJsonObject> retried = requestLog(first);
    QCOMPARE(retried.size(), 2);
    const double retryEnd = retried[1].value(QStringLiteral("ts")).toDouble() +
                            retried[1].value(QStringLiteral("duration_ms")).toDouble() / 1000.0;
    QVERIFY(interval(second).start >= retryEnd);
}

void TestHttpEngine::sequentialHost()
{
    // A host named sequential gets one lane for every request to it that has none of its own.
    HttpEngineOptions options = engineOptions(8);
    options.sequentialHosts = {QStringLiteral("127.0.0.1")};
    HttpEngine engine(options);
    QList<std::shared_ptr<CountingHandler>> handlers;
    QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges;
    for (int i = 0; i < 3; ++i) {
        HttpRequest request;
        request.url = QUrl(url(QStringLiteral("/ok/delay=200/n=100/host-%1").arg(i)));
        auto handler = std::make_shared<CountingHandler>();
        handlers.append(handler);
        exchanges.append({request, handler});
    }
    engine.start(exchanges);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(handlers.cbegin(), handlers.cend(), [](const auto &h) { return h->closed.load(); }),
        20000);
    for (int i = 1; i < 3; ++i) {
        QVERIFY(interval(QStringLiteral("/ok/delay=200/n=100/host-%1").arg(i)).start >=
                interval(QStringLiteral("/ok/delay=200/n=100/host-%1").arg(i - 1)).end);
    }
}

void TestHttpEngine::retryAfterIsHonoured()
{
    HttpEngine engine(engineOptions());
    // Seconds and HTTP-date forms; the policy's own backoff is 50 ms.
    for (const QString &path : {QStringLiteral("/flaky/fails=1/status=503/retry=1/n=2000/ra-1"),
                                QStringLiteral("/flaky/fails=1/status=429/retryat=2/n=2000/ra-2")}) {
        HttpRequest request;
        request.url = QUrl(url(path));
        const auto reply = engine.perform(request, quickRetries());
        QVERIFY(reply);
        QCOMPARE(reply->status, 200);
        QCOMPARE(reply->attempts, 2);
        QCOMPARE(sha256(reply->body), expectedSha256(path));
        const QList<QJsonObject> log = requestLog(path);
        QCOMPARE(log.size(), 2);
        const double gap =
            log[1].value(QStringLiteral("ts")).toDouble() - log[0].value(QStringLiteral("ts")).toDouble();
        QVERIFY2(gap >= 0.95, qPrintable(QStringLiteral("%1: %2 s").arg(path).arg(gap)));
    }
}

void TestHttpEngine::retryAfterBeyondTheCapIsNotAwaited()
{
    HttpEngine engine(engineOptions());
    const QString path = QStringLiteral("/status/503/retry=30/ra-cap");
    HttpRequest request;
    request.url = QUrl(url(path));
    HttpCallOptions call = quickRetries();
    call.retry.retryAfterMaxMs = 2000;
    QElapsedTimer clock;
    clock.start();
    const auto reply = engine.perform(request, call);
    QVERIFY(reply);
    QCOMPARE(reply->status, 503);
    QCOMPARE(reply->attempts, 1);
    QCOMPARE(reply->header("retry-after"), QByteArray("30"));
    QVERIFY(clock.elapsed() < 5000);
    QCOMPARE(requestLog(path).size(), 1);

    // A permanent failure is not retried at all; a transient one as often as the policy says.
    HttpRequest missing;
    missing.url = QUrl(url(QStringLiteral("/status/404/ra-missing")));
    QCOMPARE(engine.perform(missing, call)->attempts, 1);
    HttpRequest broken;
    broken.url = QUrl(url(QStringLiteral("/status/500/ra-broken")));
    QCOMPARE(engine.perform(broken, call)->attempts, 3);
    QCOMPARE(requestLog(QStringLiteral("/status/500/ra-broken")).size(), 3);
}

void TestHttpEngine::cancelOneAndAll()
{
    HttpEngine engine(engineOptions(3));
    // One stalled exchange, cancelled on its own.
    auto stalled = std::make_shared<CountingHandler>();
    HttpRequest request;
    request.url = QUrl(url(QStringLiteral("/stall/n=400000/at=1000/cancel-1")));
    const HttpExchangeId id = engine.start(request, stalled);
    QTRY_VERIFY_WITH_TIMEOUT(stalled->bytes.load() >= 1000, 10000);
    QElapsedTimer clock;
    clock.start();
    engine.cancel(id);
    QTRY_VERIFY_WITH_TIMEOUT(stalled->closed.load(), 5000);
    QVERIFY(clock.elapsed() < 2000);
    QCOMPARE(stalled->end.load(), int(HttpEnd::Cancelled));

    // Three stalled and two queued behind them (three jobs): all close as cancelled, the queued ones
    // without ever reaching the server.
    QList<std::pair<HttpRequest, std::shared_ptr<HttpHandler>>> exchanges;
    QList<std::shared_ptr<CountingHandler>> handlers;
    for (int i = 0; i < 5; ++i) {
        HttpRequest r;
        r.url = QUrl(url(QStringLiteral("/stall/n=400000/at=1000/cancel-all-%1").arg(i)));
        auto handler = std::make_shared<CountingHandler>();
        handlers.append(handler);
        exchanges.append({r, handler});
    }
    engine.start(exchanges);
    QTRY_VERIFY_WITH_TIMEOUT(handlers[0]->bytes.load() >= 1000 && handlers[1]->bytes.load() >= 1000 &&
                                 handlers[2]->bytes.load() >= 1000,
                             10000);
    QTest::qWait(200);
    QCOMPARE(handlers[3]->bytes.load(), 0);
    engine.cancelAll();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(handlers.cbegin(), handlers.cend(), [](const auto &h) { return h->closed.load(); }),
        5000);
    for (const auto &h : std::as_const(handlers))
        QCOMPARE(h->end.load(), int(HttpEnd::Cancelled));
    QTest::qWait(300);
    QVERIFY(requestLog(QStringLiteral("/stall/n=400000/at=1000/cancel-all-3")).isEmpty());
    QVERIFY(requestLog(QStringLiteral("/stall/n=400000/at=1000/cancel-all-4")).isEmpty());

    // The engine carries on with new work afterwards.
    HttpRequest after;
    after.url = QUrl(url(QStringLiteral("/ok/n=100/cancel-after")));
    QCOMPARE(engine.perform(after)->status, 200);
}

void TestHttpEngine::performCancelledByItsFlag()
{
    HttpEngine engine(engineOptions());
    std::atomic_bool cancel{false};
    HttpCallOptions call = quickRetries();
    call.cancelled = [&cancel] { return cancel.load(); };
    HttpRequest request;
    request.url = QUrl(url(QStringLiteral("/stall/n=400000/at=1000/flag-1")));
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        cancel.store(true);
    });
    QElapsedTimer clock;
    clock.start();
    const auto reply = engine.perform(request, call);
    canceller.join();
    QVERIFY(!reply);
    QCOMPARE(reply.error().code, ErrorCode::Cancelled);
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));

    // A cancel during the backoff between attempts ends the wait at once too.
    cancel.store(false);
    call.retry.backoffBaseMs = 10000;
    call.retry.backoffMaxMs = 10000;
    request.url = QUrl(url(QStringLiteral("/status/503/flag-2")));
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        cancel.store(true);
    });
    clock.restart();
    const auto waited = engine.perform(request, call);
    late.join();
    QVERIFY(!waited);
    QCOMPARE(waited.error().code, ErrorCode::Cancelled);
    QVERIFY(clock.elapsed() < 3000);
    QCOMPARE(requestLog(QStringLiteral("/status/503/flag-2")).size(), 1);
}

void TestHttpEngine::pauseHoldsThenResumeCompletes()
{
    HttpEngine engine(engineOptions());
    const QString path = QStringLiteral("/slow/n=600000/rate=200000/pause-1");
    auto running = std::make_shared<CountingHandler>();
    HttpRequest request;
    request.url = QUrl(url(path));
    engine.start(request, running);
    QTRY_VERIFY_WITH_TIMEOUT(running->bytes.load() > 50000, 10000);
    engine.setPaused(true);
    // Started while paused: it waits.
    auto waiting = std::make_shared<CountingHandler>();
    HttpRequest later;
    later.url = QUrl(url(QStringLiteral("/ok/n=5000/pause-2")));
    engine.start(later, waiting);
    QTest::qWait(500); // what was already in the socket buffers may still land
    const qint64 held = running->bytes.load();
    QTest::qWait(1500);
    QCOMPARE(running->bytes.load(), held);
    QVERIFY(held < 600000);
    QVERIFY(!running->closed.load());
    QVERIFY(!waiting->closed.load());
    QVERIFY(requestLog(QStringLiteral("/ok/n=5000/pause-2")).isEmpty());

    engine.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(running->closed.load() && waiting->closed.load(), 20000);
    QCOMPARE(running->end.load(), int(HttpEnd::Done));
    QCOMPARE(running->bytes.load(), qint64(600000));
    QCOMPARE(running->digest, expectedSha256(path));
    QCOMPARE(waiting->status, 200);
}

void TestHttpEngine::backpressureLosesNothing()
{
    // The handler says "not now" every third piece and asks to be resumed: each paused piece comes again,
    // and the body arrives whole, once.
    HttpEngine engine(engineOptions());
    const QString path = QStringLiteral("/ok/n=5000000/chunked/pressure-1");
    auto handler = std::make_shared<CountingHandler>(3);
    HttpRequest request;
    request.url = QUrl(url(path));
    engine.start(request, handler);
    QTRY_VERIFY_WITH_TIMEOUT(handler->closed.load(), 30000);
    QCOMPARE(handler->end.load(), int(HttpEnd::Done));
    QVERIFY(handler->pauses.load() > 3);
    QCOMPARE(handler->bytes.load(), qint64(5000000));
    QCOMPARE(handler->digest, expectedSha256(path));
}

void TestHttpEngine::blockingPerformFromWorkerThreads()
{
    HttpEngine engine(engineOptions(4));
    constexpr int threads = 8;
    std::vector<std::thread> workers;
    std::vector<QString> digests(threads);
    std::vector<int> statuses(threads);
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&, i] {
            HttpRequest request;
            request.url = QUrl(url(QStringLiteral("/ok/n=300000/worker-%1").arg(i)));
            const auto reply = engine.perform(request);
            statuses[size_t(i)] = reply ? reply->status : -1;
            digests[size_t(i)] = reply ? sha256(reply->body) : QString();
        });
    }
    for (std::thread &t : workers)
        t.join();
    for (int i = 0; i < threads; ++i) {
        QCOMPARE(statuses[size_t(i)], 200);
        QCOMPARE(digests[size_t(i)], expectedSha256(QStringLiteral("/ok/n=300000/worker-%1").arg(i)));
    }
}

void TestHttpEngine::performRefusedOnTheEngineThread()
{
#ifdef QT_NO_DEBUG
    // On its own thread a blocking request would wait for itself forever: it is refused (and asserted on in
    // debug builds).
    HttpEngine engine(engineOptions());
    std::atomic_bool done{false};
    std::optional<Error> refused;
    engine.post([&] {
        HttpRequest request;
        request.url = QUrl(url(QStringLiteral("/ok/n=10/refused")));
        const auto reply = engine.perform(request);
        if (!reply)
            refused = reply.error();
        done.store(true);
    });
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 5000);
    QVERIFY(refused);
    QCOMPARE(refused->code, ErrorCode::Usage);
    QVERIFY(requestLog(QStringLiteral("/ok/n=10/refused")).isEmpty());
#else
    QSKIP("debug builds assert instead");
#endif
}

QTEST_GUILESS_MAIN(TestHttpEngine)
#include "tst_httpengine.moc"
