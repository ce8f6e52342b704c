#include <csignal>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include "peerserver.h"
#include "testsupport.h"

using namespace gh;

namespace {

using test::jsonLines;

//! Every regular file under \a root outside .partial, with its sha256.
QHash<QString, QString> storedObjects(const QString &root)
{
    QHash<QString, QString> objects;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(QStringLiteral("/.partial/")))
            continue;
        QFile file(path);
        file.open(QIODevice::ReadOnly);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(&file);
        objects.insert(QDir(root).relativeFilePath(path), QString::fromLatin1(hash.result().toHex()));
    }
    return objects;
}

} // namespace

/*!
    The transfer engine against real servers on loopback: the fault server for every way a download can go
    wrong, nginx for a real HTTP server's caching and ranges, s3rver as the store.
*/
class TestTransfer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void faultMatrix();
    void acceptedTypes();
    void retryAfterIsHonoured();
    void interruptedBodyContinuesWithRange();
    void serverIgnoringRangeRestartsCleanly();
    void changedResourceRestartsThroughIfRange();
    void conditionalRequestsOnRefetch();
    void freshnessSkipsTheRequest();
    void nginxConditionalAndCounts();
    void tlsAlwaysVerified();
    void ingestRequestsReport();
    void killAndResumeLargeDownloads();
    void downloadsIntoS3();

private:
    QString fault(const QString &path) const { return m_faults->baseUrl() + path; }
    QJsonObject stats(const QString &path) const;
    int requests(const QString &path) const;
    //! Requests whose path ends with "/NAME", across redirects.
    int requestsNamed(const QString &name) const;
    QList<QJsonObject> requestLog(const QString &path) const;
    QString expectedSha256(const QString &path, int version = 0) const;
    //! A config file with quick retries so tests do not wait for production backoff.
    QString writeConfig(const test::Workspace &ws, const QString &extra = {}) const;
    QHash<QString, QJsonObject> filesByUrl(const test::Workspace &ws, qint64 batch) const;

    std::unique_ptr<test::PeerServer> m_faults;
    std::unique_ptr<test::PeerServer> m_nginx;
    QTemporaryDir m_nginxRoot;
};

void TestTransfer::initTestCase()
{
    m_faults = std::make_unique<test::PeerServer>(QStringLiteral("faultserver"));
    QVERIFY2(m_faults->isRunning(), qPrintable(m_faults->error()));
    for (int i = 0; i < 6; ++i)
        test::writeFile(m_nginxRoot.filePath(QStringLiteral("scan-%1.tif").arg(i)),
                        test::pseudoRandomBytes(200000 + i * 77777, quint64(90 + i)));
    m_nginx = std::make_unique<test::PeerServer>(QStringLiteral("nginx"), QStringList{m_nginxRoot.path()});
    QVERIFY2(m_nginx->isRunning(), qPrintable(m_nginx->error()));
}

void TestTransfer::cleanupTestCase()
{
    m_faults.reset();
    m_nginx.reset();
}

QJsonObject TestTransfer::stats(const QString &path) const
{
    return QJsonDocument::fromJson(test::httpGet(m_faults->baseUrl() + QStringLiteral("/_stats?path=") +
                                                 QString::fromLatin1(QUrl::toPercentEncoding(path))))
        .object();
}

int TestTransfer::requests(const QString &path) const
{
    return stats(path).value(QStringLiteral("count")).toInt();
}

int TestTransfer::requestsNamed(const QString &name) const
{
    QFile file(QDir(m_faults->dir()).filePath(QStringLiteral("requests.jsonl")));
    file.open(QIODevice::ReadOnly);
    int count = 0;
    for (const QJsonObject &r : jsonLines(file.readAll()))
        count += r.value(QStringLiteral("path")).toString().endsWith(u'/' + name);
    return count;
}

QList<QJsonObject> TestTransfer::requestLog(const QString &path) const
{
    QFile file(QDir(m_faults->dir()).filePath(QStringLiteral("requests.jsonl")));
    file.open(QIODevice::ReadOnly);
    QList<QJsonObject> matching;
    for (const QJsonObject &r : jsonLines(file.readAll())) {
        if (r.value(QStringLiteral("path")).toString() == path)
            matching.append(r);
    }
    return matching;
}

QString TestTransfer::expectedSha256(const QString &path, int version) const
{
    QString url = m_faults->baseUrl() + QStringLiteral("/_expected?path=") +
                  QString::fromLatin1(QUrl::toPercentEncoding(path));
    if (version > 0)
        url += QStringLiteral("&version=%1").arg(version);
    return QJsonDocument::fromJson(test::httpGet(url)).object().value(QStringLiteral("sha256")).toString();
}

QString TestTransfer::writeConfig(const test::Workspace &ws, const QString &extra) const
{
    const QString path = ws.file(QStringLiteral("gatehouse.ini"));
    test::writeFile(
        path,
        (QStringLiteral("[transfer]\nbackoff_base_ms=50\nbackoff_max_ms=200\nlow_speed_seconds=2\n"
                        "connect_timeout_ms=5000\nmax_attempts=3\ncontact=mailto:tests@gatehouse.invalid\n") +
         extra)
            .toUtf8());
    return path;
}

QHash<QString, QJsonObject> TestTransfer::filesByUrl(const test::Workspace &ws, qint64 batch) const
{
    QHash<QString, QJsonObject> files;
    const auto result = ws.cli({QStringLiteral("files"), QString::number(batch), QStringLiteral("--json")});
    for (const QJsonObject &f : jsonLines(result.out))
        files.insert(f.value(QStringLiteral("url")).toString(), f);
    return files;
}

void TestTransfer::faultMatrix()
{
    struct Case
    {
        QString path;
        QString status;
        int requests;
        bool stored;
    };
    // Every way a download can go wrong, in one batch, so they also run side by side.
    const QList<Case> cases{
        {QStringLiteral("/ok/n=300000/type=jpeg/m1.jpg"), QStringLiteral("success"), 1, true},
        {QStringLiteral("/ok/n=5000000/chunked/m2.bin"), QStringLiteral("success"), 1, true},
        {QStringLiteral("/status/404/m3"), QStringLiteral("not-found"), 1, false},
        {QStringLiteral("/status/410/m3b"), QStringLiteral("not-found"), 1, false},
        {QStringLiteral("/status/403/m4"), QStringLiteral("forbidden"), 1, false},
        {QStringLiteral("/status/500/m5"), QStringLiteral("server-error"), 3, false},
        {QStringLiteral("/flaky/fails=2/status=503/n=1000/m6"), QStringLiteral("success"), 3, true},
        {QStringLiteral("/flaky/fails=1/status=429/n=1000/m7"), QStringLiteral("success"), 2, true},
        {QStringLiteral("/drop/n=400000/at=100000/m8"), QStringLiteral("network-error"), 3, false},
        {QStringLiteral("/short/n=400000/at=100000/m9"), QStringLiteral("truncated"), 3, false},
        {QStringLiteral("/stall/n=400000/at=1000/m10"), QStringLiteral("timeout"), 3, false},
        {QStringLiteral("/redirect/hops=3/code=301/loc=rel/n=700/m11.bin"), QStringLiteral("success"), 4,
         true},
        {QStringLiteral("/loop/m12"), QStringLiteral("redirect-loop"), 2, false},
        {QStringLiteral("/endless/m13"), QStringLiteral("too-many-redirects"), 11, false},
        {QStringLiteral("/huge/m14.bin"), QStringLiteral("too-large"), 1, false},
        {QStringLiteral("/empty/m15.bin"), QStringLiteral("empty"), 1, false},
        {QStringLiteral("/ok/n=20000000/m16.bin"), QStringLiteral("too-large"), 1, false},
        {QStringLiteral("/ok/n=20000000/chunked/m17.bin"), QStringLiteral("too-large"), 1, false},
    };
    test::Workspace ws;
    QStringList urls;
    for (const Case &c : cases)
        urls.append(fault(c.path));
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8() + '\n');
    const auto run = ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                             ws.file(QStringLiteral("list.txt")), QStringLiteral("--max-size"),
                             QStringLiteral("10M"), QStringLiteral("-q")},
                            180000);
    QCOMPARE(run.exitCode, 1);

    const auto files = filesByUrl(ws, 1);
    QCOMPARE(files.size(), cases.size());
    const QHash<QString, QString> objects = storedObjects(ws.store());
    QSet<QString> storedKeys;
    for (const Case &c : cases) {
        const QJsonObject f = files.value(fault(c.path));
        QVERIFY2(!f.isEmpty(), qPrintable(c.path));
        QCOMPARE(f.value(QStringLiteral("status")).toString(), c.status);
        // Every URL of a case ends with its unique name, redirect hops included: count what the server saw.
        const int seen = requestsNamed(c.path.section(u'/', -1));
        QVERIFY2(
            seen == c.requests,
            qPrintable(QStringLiteral("%1: %2 requests, expected %3").arg(c.path).arg(seen).arg(c.requests)));
        const QString key = f.value(QStringLiteral("stored_key")).toString();
        if (c.stored) {
            QVERIFY2(objects.contains(key), qPrintable(c.path));
            QCOMPARE(objects.value(key), f.value(QStringLiteral("sha256")).toString());
            if (!c.path.startsWith(u"/flaky") && !c.path.startsWith(u"/redirect"))
                QCOMPARE(f.value(QStringLiteral("sha256")).toString(), expectedSha256(c.path));
            storedKeys.insert(key);
        } else {
            QVERIFY2(key.isEmpty(), qPrintable(c.path + u" left a stored object: " + key));
            QVERIFY2(!f.value(QStringLiteral("error")).toString().isEmpty(), qPrintable(c.path));
        }
    }
    // Nothing in the store that does not belong to a successful file: no partial object looks whole.
    QCOMPARE(QSet<QString>(objects.keyBegin(), objects.keyEnd()), storedKeys);

    // The stall was given up after the configured low-speed time, and the huge body never downloaded.
    QVERIFY(stats(QStringLiteral("/huge/m14.bin")).value(QStringLiteral("bytes_sent")).toInteger() <
            5 * 1024 * 1024);
    // A descriptive User-Agent with a contact went with every request.
    const QString agent = requestLog(QStringLiteral("/ok/n=300000/type=jpeg/m1.jpg"))
                              .constFirst()
                              .value(QStringLiteral("headers"))
                              .toObject()
                              .value(QStringLiteral("user-agent"))
                              .toString();
    QVERIFY2(agent.startsWith(QStringLiteral("Gatehouse/")) &&
                 agent.contains(QStringLiteral("tests@gatehouse.invalid")),
             qPrintable(agent));

    // Every attempt is an event; the redirect's hops are recorded.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("matrix"));
    db.setDatabaseName(ws.catalog());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "SELECT COUNT(*) FROM events e JOIN files f ON f.id = e.file_id WHERE f.source_url = ?"
            " AND e.event_type = 'transfer' AND e.outcome = 'failure'"));
        q.addBindValue(fault(QStringLiteral("/status/500/m5")));
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toInt(), 3); // two retried attempts and the final failure
        q.prepare(QStringLiteral("SELECT hops, terminal_url FROM files WHERE source_url = ?"));
        q.addBindValue(fault(QStringLiteral("/redirect/hops=3/code=301/loc=rel/n=700/m11.bin")));
        QVERIFY(q.exec() && q.next());
        QCOMPARE(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).array().size(), 3);
        QVERIFY(q.value(1).toString().endsWith(QStringLiteral("/ok/n=700/m11.bin")));
    }
    db.close();
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("matrix"));
}

void TestTransfer::acceptedTypes()
{
    test::Workspace ws;
    const QStringList paths{QStringLiteral("/html/t1.jpg"), QStringLiteral("/lying/t2.jpg"),
                            QStringLiteral("/ok/n=5000/type=png/body=random/t3.png")};
    QStringList urls;
    for (const QString &p : paths)
        urls.append(fault(p));
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8());
    const auto run = ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                             ws.file(QStringLiteral("list.txt")), QStringLiteral("--accept"),
                             QStringLiteral("image/*,application/pdf"), QStringLiteral("-q")});
    QCOMPARE(run.exitCode, 1);
    const auto files = filesByUrl(ws, 1);
    // Refused on the header, on the content (the header lied), and — a png header over random bytes — on the
    // content too: the sniffed type is what counts.
    QCOMPARE(files.value(urls[0]).value(QStringLiteral("status")).toString(),
             QStringLiteral("wrong-mimetype"));
    QVERIFY(
        files.value(urls[0]).value(QStringLiteral("error")).toString().contains(QStringLiteral("text/html")));
    QCOMPARE(files.value(urls[1]).value(QStringLiteral("status")).toString(),
             QStringLiteral("wrong-mimetype"));
    QCOMPARE(files.value(urls[2]).value(QStringLiteral("status")).toString(),
             QStringLiteral("wrong-mimetype"));
    for (const QString &p : paths)
        QCOMPARE(requests(p), 1); // never retried
    QVERIFY(storedObjects(ws.store()).isEmpty());
}

void TestTransfer::retryAfterIsHonoured()
{
    test::Workspace ws;
    const QString path = QStringLiteral("/flaky/fails=1/status=503/retry=1/n=2000/ra1");
    test::writeFile(ws.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const QList<QJsonObject> log = requestLog(path);
    QCOMPARE(log.size(), 2);
    const double gap =
        log[1].value(QStringLiteral("ts")).toDouble() - log[0].value(QStringLiteral("ts")).toDouble();
    QVERIFY2(gap >= 0.95,
             qPrintable(QString::number(gap))); // the server asked for one second, not the 50 ms backoff
}

void TestTransfer::interruptedBodyContinuesWithRange()
{
    test::Workspace ws;
    const QString path = QStringLiteral("/range/n=3m/drop=1000000/fails=1/r1.bin");
    test::writeFile(ws.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const QList<QJsonObject> log = requestLog(path);
    QCOMPARE(log.size(), 2);
    const QJsonObject second = log[1].value(QStringLiteral("headers")).toObject();
    QVERIFY2(second.value(QStringLiteral("range")).toString().startsWith(QStringLiteral("bytes=")),
             QJsonDocument(second).toJson().constData());
    QVERIFY(second.contains(QStringLiteral("if-range")));
    QCOMPARE(log[1].value(QStringLiteral("status")).toInt(), 206);
    const auto files = filesByUrl(ws, 1);
    QCOMPARE(files.value(fault(path)).value(QStringLiteral("sha256")).toString(), expectedSha256(path));
    QCOMPARE(files.value(fault(path)).value(QStringLiteral("size")).toInteger(), 3 * 1024 * 1024);
}

void TestTransfer::serverIgnoringRangeRestartsCleanly()
{
    test::Workspace ws;
    const QString path = QStringLiteral("/norange/n=3m/advertise/drop=1000000/fails=1/r2.bin");
    test::writeFile(ws.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const QList<QJsonObject> log = requestLog(path);
    QCOMPARE(log.size(), 2);
    QCOMPARE(log[1].value(QStringLiteral("status")).toInt(), 200); // the whole body again
    const auto files = filesByUrl(ws, 1);
    QCOMPARE(files.value(fault(path)).value(QStringLiteral("sha256")).toString(), expectedSha256(path));
}

void TestTransfer::changedResourceRestartsThroughIfRange()
{
    test::Workspace ws;
    const QString path = QStringLiteral("/changing/n=2m/drop=500000/fails=1/r3.bin");
    test::writeFile(ws.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const QList<QJsonObject> log = requestLog(path);
    QCOMPARE(log.size(), 2);
    QVERIFY(log[1].value(QStringLiteral("headers")).toObject().contains(QStringLiteral("if-range")));
    QCOMPARE(log[1].value(QStringLiteral("status")).toInt(),
             200); // If-Range saw a new ETag: full new version
    const auto files = filesByUrl(ws, 1);
    // The stored bytes are the second version, whole — never half of each.
    QCOMPARE(files.value(fault(path)).value(QStringLiteral("sha256")).toString(), expectedSha256(path, 2));
}

void TestTransfer::conditionalRequestsOnRefetch()
{
    test::Workspace ws;
    const QStringList paths{QStringLiteral("/ok/n=80000/etag/c1.bin"),
                            QStringLiteral("/ok/n=90000/lm/c2.bin")};
    QStringList urls;
    for (const QString &p : paths)
        urls.append(fault(p));
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8());
    const QString config = writeConfig(ws);
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const QHash<QString, QString> before = storedObjects(ws.store());
    QCOMPARE(before.size(), 2);

    // The same list again: a new batch, conditional requests, no bytes stored twice.
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const auto second = filesByUrl(ws, 2);
    for (const QString &url : urls)
        QCOMPARE(second.value(url).value(QStringLiteral("status")).toString(), QStringLiteral("unchanged"));
    QCOMPARE(second.value(urls[0]).value(QStringLiteral("stored_key")).toString(),
             filesByUrl(ws, 1).value(urls[0]).value(QStringLiteral("stored_key")).toString());
    QCOMPARE(storedObjects(ws.store()), before);
    QVERIFY(requestLog(paths[0])
                .constLast()
                .value(QStringLiteral("headers"))
                .toObject()
                .contains(QStringLiteral("if-none-match")));
    QVERIFY(requestLog(paths[1])
                .constLast()
                .value(QStringLiteral("headers"))
                .toObject()
                .contains(QStringLiteral("if-modified-since")));
    QCOMPARE(requestLog(paths[0]).constLast().value(QStringLiteral("status")).toInt(), 304);

    // fetch --refresh asks again, conditionally.
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("fetch"), QStringLiteral("1"),
                     QStringLiteral("--refresh"), QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(requests(paths[0]), 3);
    QCOMPARE(filesByUrl(ws, 1).value(urls[0]).value(QStringLiteral("status")).toString(),
             QStringLiteral("unchanged"));
}

void TestTransfer::freshnessSkipsTheRequest()
{
    test::Workspace ws;
    const QString path = QStringLiteral("/ok/n=4000/etag/maxage=3600/f1.bin");
    test::writeFile(ws.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    const QString config = writeConfig(ws, QStringLiteral("honour_freshness=true\n"));
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(requests(path), 1); // fresh: not asked again
    QCOMPARE(filesByUrl(ws, 2).value(fault(path)).value(QStringLiteral("status")).toString(),
             QStringLiteral("unchanged"));
    // Off by default: the same runs without the setting ask again.
    test::Workspace plain;
    test::writeFile(plain.file(QStringLiteral("list.txt")), fault(path).toUtf8());
    QCOMPARE(plain
                 .cli({QStringLiteral("--config"), writeConfig(plain), QStringLiteral("run"),
                       plain.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(plain
                 .cli({QStringLiteral("--config"), writeConfig(plain), QStringLiteral("run"),
                       plain.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(requests(path), 3);
}

void TestTransfer::nginxConditionalAndCounts()
{
    test::Workspace ws;
    QStringList urls;
    for (int i = 0; i < 6; ++i)
        urls.append(m_nginx->baseUrl() + QStringLiteral("/scan-%1.tif").arg(i));
    QString csv = QStringLiteral("id,title,url\n");
    for (int i = 0; i < urls.size(); ++i)
        csv += QStringLiteral("rec-%1,\"Scan, no. %1\",%2\n").arg(i).arg(urls[i]);
    test::writeFile(ws.file(QStringLiteral("urls.csv")), csv.toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("urls.csv")), QStringLiteral("--jobs"), QStringLiteral("3"),
                     QStringLiteral("-q")})
                 .exitCode,
             0);
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("urls.csv")), QStringLiteral("-q")})
                 .exitCode,
             0);
    const auto first = filesByUrl(ws, 1);
    for (int i = 0; i < 6; ++i) {
        QFile source(m_nginxRoot.filePath(QStringLiteral("scan-%1.tif").arg(i)));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QCOMPARE(first.value(urls[i]).value(QStringLiteral("sha256")).toString(),
                 QString::fromLatin1(
                     QCryptographicHash::hash(source.readAll(), QCryptographicHash::Sha256).toHex()));
        QCOMPARE(first.value(urls[i]).value(QStringLiteral("item")).toString(),
                 QStringLiteral("rec-%1").arg(i));
    }
    QFile log(QDir(m_nginx->dir()).filePath(QStringLiteral("logs/access.log")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray entries = log.readAll();
    QCOMPARE(entries.count("200 \"GET /scan-"), 6);
    QCOMPARE(entries.count("304 \"GET /scan-"), 6);
}

void TestTransfer::tlsAlwaysVerified()
{
    test::PeerServer tls(QStringLiteral("nginx"), {m_nginxRoot.path(), QStringLiteral("--tls")});
    QVERIFY2(tls.isRunning(), qPrintable(tls.error()));
    const QString url = QStringLiteral("https://127.0.0.1:%1/scan-0.tif").arg(tls.port());
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("list.txt")), url.toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                     ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             1);
    const QJsonObject refused = filesByUrl(ws, 1).value(url);
    QCOMPARE(refused.value(QStringLiteral("status")).toString(), QStringLiteral("tls-error"));
    QVERIFY2(refused.value(QStringLiteral("error")).toString().contains(QStringLiteral("127.0.0.1")),
             qPrintable(refused.value(QStringLiteral("error")).toString()));

    // With the server's certificate as an extra CA it is trusted; verification itself stays on.
    test::Workspace trusted;
    test::writeFile(trusted.file(QStringLiteral("list.txt")), url.toUtf8());
    const QString config = writeConfig(
        trusted, QStringLiteral("ca_bundle=%1\n").arg(QDir(tls.dir()).filePath(QStringLiteral("cert.pem"))));
    QCOMPARE(trusted
                 .cli({QStringLiteral("--config"), config, QStringLiteral("run"),
                       trusted.file(QStringLiteral("list.txt")), QStringLiteral("-q")})
                 .exitCode,
             0);
}

void TestTransfer::ingestRequestsReport()
{
    test::Workspace ws;
    const QString ok = fault(QStringLiteral("/ok/n=12345/type=pdf/i1.pdf"));
    const QString redirected = fault(QStringLiteral("/redirect/hops=2/code=302/n=2222/i2.pdf"));
    const QString missing = fault(QStringLiteral("/status/404/i3.pdf"));
    QByteArray lines;
    int n = 0;
    for (const QString &url : {ok, redirected, missing}) {
        lines += QJsonDocument(
                     QJsonObject{{QStringLiteral("ingest_type"), QStringLiteral("pdf")},
                                 {QStringLiteral("base_url"), url},
                                 {QStringLiteral("link_source"), QStringLiteral("doi")},
                                 {QStringLiteral("link_source_id"), QStringLiteral("10.123/abc.%1").arg(++n)},
                                 {QStringLiteral("ingest_request_source"), QStringLiteral("tests")},
                                 {QStringLiteral("release_stage"), QStringLiteral("published")}})
                     .toJson(QJsonDocument::Compact) +
                 '\n';
    }
    test::writeFile(ws.file(QStringLiteral("requests.json")), lines);
    const auto load =
        ws.cli({QStringLiteral("load"), ws.file(QStringLiteral("requests.json")), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(load.out).object().value(QStringLiteral("detected")).toString(),
             QStringLiteral("ingest-requests"));
    QCOMPARE(ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("fetch"),
                     QStringLiteral("1"), QStringLiteral("-q")})
                 .exitCode,
             1);
    const auto report = ws.cli(
        {QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("jsonl")});
    QCOMPARE(report.exitCode, 0);
    const QList<QJsonObject> results = jsonLines(report.out);
    QCOMPARE(results.size(), 3);

    const QJsonObject first = results[0];
    QCOMPARE(
        first.value(QStringLiteral("request")).toObject().value(QStringLiteral("link_source_id")).toString(),
        QStringLiteral("10.123/abc.1"));
    QCOMPARE(
        first.value(QStringLiteral("request")).toObject().value(QStringLiteral("release_stage")).toString(),
        QStringLiteral("published")); // verbatim
    QCOMPARE(first.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    QCOMPARE(first.value(QStringLiteral("hit")).toBool(), true);
    const QJsonObject meta = first.value(QStringLiteral("file_meta")).toObject();
    QCOMPARE(meta.value(QStringLiteral("size_bytes")).toInt(), 12345);
    QCOMPARE(meta.value(QStringLiteral("sha256hex")).toString(),
             expectedSha256(QStringLiteral("/ok/n=12345/type=pdf/i1.pdf")));
    QVERIFY(meta.contains(QStringLiteral("md5hex")) && meta.contains(QStringLiteral("sha1hex")) &&
            meta.contains(QStringLiteral("mimetype")));
    const QJsonObject terminal = first.value(QStringLiteral("terminal")).toObject();
    QCOMPARE(terminal.value(QStringLiteral("terminal_url")).toString(), ok);
    QCOMPARE(terminal.value(QStringLiteral("terminal_status_code")).toInt(), 200);
    QCOMPARE(terminal.value(QStringLiteral("terminal_sha1hex")).toString(),
             meta.value(QStringLiteral("sha1hex")).toString());
    QVERIFY(QDateTime::fromString(terminal.value(QStringLiteral("terminal_dt")).toString(), Qt::ISODateWithMs)
                .isValid());

    QCOMPARE(results[1].value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    QCOMPARE(results[1].value(QStringLiteral("hops")).toArray().size(),
             3); // two redirects and the terminal URL
    QVERIFY(results[1]
                .value(QStringLiteral("terminal"))
                .toObject()
                .value(QStringLiteral("terminal_url"))
                .toString()
                .endsWith(QStringLiteral("/ok/n=2222/i2.pdf")));

    QCOMPARE(results[2].value(QStringLiteral("status")).toString(), QStringLiteral("not-found"));
    QCOMPARE(results[2].value(QStringLiteral("hit")).toBool(), false);
    QCOMPARE(results[2]
                 .value(QStringLiteral("terminal"))
                 .toObject()
                 .value(QStringLiteral("terminal_status_code"))
                 .toInt(),
             404);
    QVERIFY(!results[2].value(QStringLiteral("error_message")).toString().isEmpty());
}

void TestTransfer::killAndResumeLargeDownloads()
{
    // Large files from a real server, slowed down so the run can be killed in the middle of them.
    QTemporaryDir root;
    QHash<QString, QString> expected;
    for (int i = 0; i < 4; ++i) {
        const QByteArray content = test::pseudoRandomBytes(24 * 1024 * 1024 + i, quint64(700 + i));
        const QString name = QStringLiteral("master-%1.tif").arg(i);
        test::writeFile(root.filePath(name), content);
        expected.insert(
            name, QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));
    }
    test::PeerServer slow(QStringLiteral("nginx"),
                          {root.path(), QStringLiteral("--rate"), QStringLiteral("6000000")});
    QVERIFY2(slow.isRunning(), qPrintable(slow.error()));
    test::Workspace ws;
    QStringList urls;
    for (int i = 0; i < 4; ++i)
        urls.append(slow.baseUrl() + QStringLiteral("/master-%1.tif").arg(i));
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8());

    QProcess first;
    first.setProcessEnvironment(ws.environment());
    first.start(test::binary(QStringLiteral("gatehouse-cli")),
                {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("--config"), writeConfig(ws),
                 QStringLiteral("run"), ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")});
    QVERIFY(first.waitForStarted());
    // Kill once a good part of every file has arrived: partial bytes wait under .partial.
    QElapsedTimer clock;
    clock.start();
    const QString partial = QDir(ws.store()).filePath(QStringLiteral(".partial"));
    qint64 partialBytes = 0;
    while (clock.elapsed() < 60000 && first.state() == QProcess::Running) {
        partialBytes = 0;
        for (const QFileInfo &info :
             QDir(partial).entryInfoList({QStringLiteral("resume-*.part")}, QDir::Files))
            partialBytes += info.size();
        if (partialBytes > 24 * 1024 * 1024)
            break;
        QTest::qWait(50);
    }
    QVERIFY2(first.state() == QProcess::Running, "the downloads finished before they could be interrupted");
    ::kill(pid_t(first.processId()), SIGKILL);
    first.waitForFinished();

    const auto second = ws.cli({QStringLiteral("--config"), writeConfig(ws), QStringLiteral("run"),
                                ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")},
                               240000);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    const auto files = filesByUrl(ws, 1);
    QCOMPARE(files.size(), 4);
    for (int i = 0; i < 4; ++i) {
        const QJsonObject f = files.value(urls[i]);
        QCOMPARE(f.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        QCOMPARE(f.value(QStringLiteral("sha256")).toString(),
                 expected.value(QStringLiteral("master-%1.tif").arg(i)));
    }
    // The second run continued the partial files with Range requests instead of starting over.
    QFile log(QDir(slow.dir()).filePath(QStringLiteral("logs/access.log")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray entries = log.readAll();
    QVERIFY2(entries.count("206 \"GET /master-") >= 1, entries.constData());
    // Every file once in the store, byte-identical; no temporaries left.
    const QHash<QString, QString> objects = storedObjects(ws.store());
    QCOMPARE(objects.size(), 4);
    QCOMPARE(QSet<QString>(objects.cbegin(), objects.cend()),
             QSet<QString>(expected.cbegin(), expected.cend()));
    QVERIFY(QDir(partial).entryList(QDir::Files).isEmpty());
    QCOMPARE(QJsonDocument::fromJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                 .object()
                 .value(QStringLiteral("batches"))
                 .toArray()
                 .size(),
             1);
}

void TestTransfer::downloadsIntoS3()
{
    test::PeerServer s3(QStringLiteral("s3rver"), {QStringLiteral("archive-bucket")});
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    test::Workspace ws;
    const QStringList paths{QStringLiteral("/ok/n=70000/s1.bin"), QStringLiteral("/ok/n=20000000/s2.bin")};
    QStringList urls;
    for (const QString &p : paths)
        urls.append(fault(p));
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8());

    QProcess process;
    QProcessEnvironment env = ws.environment();
    env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"), s3.baseUrl());
    env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("GATEHOUSE_S3_KEYCHAIN"), QStringLiteral("0"));
    process.setProcessEnvironment(env);
    process.start(test::binary(QStringLiteral("gatehouse-cli")),
                  {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("--store"),
                   QStringLiteral("s3://archive-bucket/ingest"), QStringLiteral("--config"), writeConfig(ws),
                   QStringLiteral("run"), ws.file(QStringLiteral("list.txt")), QStringLiteral("-q")});
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const auto files = filesByUrl(ws, 1);
    for (const QString &p : paths) {
        const QJsonObject f = files.value(fault(p));
        QCOMPARE(f.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        // The object in the bucket is the downloaded bytes (s3rver keeps them under its data folder).
        const QByteArray object = test::httpGet(s3.baseUrl() + QStringLiteral("/archive-bucket/ingest/") +
                                                f.value(QStringLiteral("stored_key")).toString());
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(object, QCryptographicHash::Sha256).toHex()),
                 expectedSha256(p));
    }
}

QTEST_GUILESS_MAIN(TestTransfer)
#include "tst_transfer.moc"
