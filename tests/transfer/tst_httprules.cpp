#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <curl/curl.h>

#include "net/httprules.h"

using namespace gh;

class TestHttpRules : public QObject
{
    Q_OBJECT

private slots:
    void statuses_data();
    void statuses();
    void retryAfter();
    void backoffGrowsWithJitterAndCap();
    void transientOutcomes();
    void retryDecisions();
    void acceptPatterns();
    void freshness();
    void httpDates();
};

void TestHttpRules::statuses_data()
{
    QTest::addColumn<int>("http");
    QTest::addColumn<QString>("status");
    QTest::newRow("200") << 200 << QString();
    QTest::newRow("206") << 206 << QString();
    QTest::newRow("304") << 304 << QString();
    QTest::newRow("401") << 401 << QStringLiteral("forbidden");
    QTest::newRow("403") << 403 << QStringLiteral("forbidden");
    QTest::newRow("404") << 404 << QStringLiteral("not-found");
    QTest::newRow("410") << 410 << QStringLiteral("not-found");
    QTest::newRow("408") << 408 << QStringLiteral("timeout");
    QTest::newRow("418") << 418 << QStringLiteral("client-error");
    QTest::newRow("429") << 429 << QStringLiteral("rate-limited");
    QTest::newRow("500") << 500 << QStringLiteral("server-error");
    QTest::newRow("503") << 503 << QStringLiteral("server-error");
}

void TestHttpRules::statuses()
{
    QFETCH(int, http);
    QFETCH(QString, status);
    const auto mapped = HttpRules::statusForHttp(http);
    QCOMPARE(mapped ? StatusInfo::key(*mapped) : QString(), status);
    // What is retried and what is not follows from the taxonomy.
    if (mapped) {
        const bool transient = http == 408 || http == 429 || http >= 500;
        QCOMPARE(StatusInfo::isTransient(*mapped), transient);
    }
}

void TestHttpRules::retryAfter()
{
    const QDateTime now = QDateTime(QDate(2026, 11, 22), QTime(12, 0, 0), QTimeZone::utc());
    QCOMPARE(HttpRules::retryAfterMs("120", now), std::optional<qint64>(120000));
    QCOMPARE(HttpRules::retryAfterMs(" 0 ", now), std::optional<qint64>(0));
    QCOMPARE(HttpRules::retryAfterMs("Sun, 22 Nov 2026 12:00:30 GMT", now), std::optional<qint64>(30000));
    QCOMPARE(HttpRules::retryAfterMs("Sun, 22 Nov 2026 11:00:00 GMT", now),
             std::optional<qint64>(0)); // in the past
    QVERIFY(!HttpRules::retryAfterMs("soon", now).has_value());
    QVERIFY(!HttpRules::retryAfterMs("-5", now).has_value());
    QVERIFY(!HttpRules::retryAfterMs("", now).has_value());
}

void TestHttpRules::backoffGrowsWithJitterAndCap()
{
    for (int attempt = 1; attempt <= 8; ++attempt) {
        const qint64 ceiling = std::min<qint64>(1000LL << (attempt - 1), 10000);
        for (int i = 0; i < 50; ++i) {
            const qint64 delay = HttpRules::backoffMs(attempt, 1000, 10000);
            QVERIFY2(delay >= ceiling / 2 && delay <= ceiling, qPrintable(QString::number(delay)));
        }
    }
    // Jitter: not all the same.
    QSet<qint64> delays;
    for (int i = 0; i < 50; ++i)
        delays.insert(HttpRules::backoffMs(3, 1000, 60000));
    QVERIFY(delays.size() > 10);
}

void TestHttpRules::transientOutcomes()
{
    // Worth another attempt: timeouts, resets, short bodies, 408, 429, 5xx.
    QVERIFY(HttpRules::isTransient(CURLE_OPERATION_TIMEDOUT, 0));
    QVERIFY(HttpRules::isTransient(CURLE_RECV_ERROR, 0));
    QVERIFY(HttpRules::isTransient(CURLE_PARTIAL_FILE, 0));
    QVERIFY(HttpRules::isTransient(CURLE_COULDNT_CONNECT, 0));
    for (int status : {408, 429, 500, 502, 503, 504})
        QVERIFY2(HttpRules::isTransient(CURLE_OK, status), qPrintable(QString::number(status)));
    // Not: answers that will not change, and TLS that cannot be verified.
    for (int status : {200, 206, 304, 400, 401, 403, 404, 410, 451})
        QVERIFY2(!HttpRules::isTransient(CURLE_OK, status), qPrintable(QString::number(status)));
    QVERIFY(!HttpRules::isTransient(CURLE_PEER_FAILED_VERIFICATION, 0));
    QVERIFY(!HttpRules::isTransient(CURLE_TOO_MANY_REDIRECTS, 0));
    QVERIFY(!HttpRules::isTransient(CURLE_FILESIZE_EXCEEDED, 0));
    QVERIFY(!HttpRules::isTransient(CURLE_UNSUPPORTED_PROTOCOL, 0));
}

void TestHttpRules::retryDecisions()
{
    const QDateTime now(QDate(2026, 11, 22), QTime(12, 0), QTimeZone::utc());
    RetryPolicy policy;
    policy.maxAttempts = 3;
    policy.backoffBaseMs = 1000;
    policy.backoffMaxMs = 8000;
    policy.retryAfterMaxMs = 60000;

    // Permanent failures and used-up attempts: no retry, whatever the server asks.
    QVERIFY(!HttpRules::retryDecision(policy, 1, false, "5", now).retry);
    QVERIFY(!HttpRules::retryDecision(policy, 3, true, "", now).retry);
    QVERIFY(!HttpRules::retryDecision(policy, 3, true, "999", now).askedTooLong);

    // The backoff, with jitter, within its bounds.
    const RetryDecision first = HttpRules::retryDecision(policy, 1, true, "", now);
    QVERIFY(first.retry);
    QVERIFY(first.delayMs >= 500 && first.delayMs <= 1000);
    QCOMPARE(first.askedMs, qint64(-1));
    const RetryDecision second = HttpRules::retryDecision(policy, 2, true, "", now);
    QVERIFY(second.delayMs >= 1000 && second.delayMs <= 2000);

    // Retry-After longer than the backoff wins; shorter does not shorten it; beyond the cap: no retry.
    const RetryDecision asked = HttpRules::retryDecision(policy, 1, true, "30", now);
    QVERIFY(asked.retry);
    QCOMPARE(asked.delayMs, qint64(30000));
    QCOMPARE(asked.askedMs, qint64(30000));
    QVERIFY(HttpRules::retryDecision(policy, 1, true, "0", now).delayMs >= 500);
    const RetryDecision date =
        HttpRules::retryDecision(policy, 2, true, "Sun, 22 Nov 2026 12:00:45 GMT", now);
    QCOMPARE(date.delayMs, qint64(45000));
    const RetryDecision tooLong = HttpRules::retryDecision(policy, 1, true, "120", now);
    QVERIFY(!tooLong.retry);
    QVERIFY(tooLong.askedTooLong);
    QCOMPARE(tooLong.askedMs, qint64(120000));
}

void TestHttpRules::acceptPatterns()
{
    QVERIFY(HttpRules::accepts({}, QStringLiteral("text/html")));
    const QStringList patterns{QStringLiteral("image/*"), QStringLiteral("application/pdf")};
    QVERIFY(HttpRules::accepts(patterns, QStringLiteral("image/jp2")));
    QVERIFY(HttpRules::accepts(patterns, QStringLiteral("IMAGE/TIFF")));
    QVERIFY(HttpRules::accepts(patterns, QStringLiteral("application/pdf")));
    QVERIFY(!HttpRules::accepts(patterns, QStringLiteral("application/pdfx")));
    QVERIFY(!HttpRules::accepts(patterns, QStringLiteral("text/html")));
    QVERIFY(!HttpRules::accepts(patterns, QStringLiteral("imagex/png")));
    QVERIFY(HttpRules::accepts({QStringLiteral("*/*")}, QStringLiteral("anything/else")));
    QCOMPARE(HttpRules::mimetypeOf("Text/HTML; charset=UTF-8"), QStringLiteral("text/html"));
}

void TestHttpRules::freshness()
{
    const QDateTime now = QDateTime(QDate(2026, 11, 22), QTime(12, 0, 0), QTimeZone::utc());
    QCOMPARE(HttpRules::freshUntil("public, max-age=600", "", now), now.addSecs(600));
    // max-age wins over Expires.
    QCOMPARE(HttpRules::freshUntil("max-age=60", "Sun, 22 Nov 2026 13:00:00 GMT", now), now.addSecs(60));
    QCOMPARE(HttpRules::freshUntil("", "Sun, 22 Nov 2026 13:00:00 GMT", now), now.addSecs(3600));
    QVERIFY(!HttpRules::freshUntil("no-store, max-age=600", "", now).isValid());
    QVERIFY(!HttpRules::freshUntil("no-cache", "Sun, 22 Nov 2026 13:00:00 GMT", now).isValid());
    QVERIFY(!HttpRules::freshUntil("", "Sun, 22 Nov 2026 11:00:00 GMT", now).isValid());
    QVERIFY(!HttpRules::freshUntil("", "", now).isValid());
}

void TestHttpRules::httpDates()
{
    const QDateTime expected(QDate(1994, 11, 6), QTime(8, 49, 37), QTimeZone::utc());
    // RFC 9110's three forms of the same instant.
    QCOMPARE(HttpRules::parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
    QCOMPARE(HttpRules::parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
    QCOMPARE(HttpRules::parseHttpDate("Sun Nov  6 08:49:37 1994"), expected);
    QVERIFY(!HttpRules::parseHttpDate("yesterday").isValid());
}

QTEST_GUILESS_MAIN(TestHttpRules)
#include "tst_httprules.moc"
