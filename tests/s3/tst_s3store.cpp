// The S3 bit store against a real S3 server (s3rver, started by tests/peers/s3rver.sh): round trips, checksum
// headers, refusing wrong content, multipart uploads that survive an interruption and a killed process,
// concurrent commits, awkward keys, both addressing styles, a server that is down, and secrets that never
// reach a log line.

#include <csignal>
#include <thread>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "digest/multidigest.h"
#include "peerserver.h"
#include "store/s3store.h"
#include "testsupport.h"

using namespace gh;

namespace {

constexpr qint64 s_mib = 1024 * 1024;
const QString s_bucket = QStringLiteral("gatehouse-test");
// s3rver knows only this access key id; it never checks the secret, which must never show up anywhere.
const QByteArray s_accessKey = "S3RVER";
const QByteArray s_secret = "gH-s3-Secret/Kq9Zx7W+4bPLm2=Zz";
const QByteArray s_token = "gH-Session-Token/AbCdEf0123456789+xyz=";

class Recorder
{
public:
    void add(const S3RequestEvent &event)
    {
        QMutexLocker locker(&m_mutex);
        m_events.append(event);
    }
    QList<S3RequestEvent> events()
    {
        QMutexLocker locker(&m_mutex);
        return m_events;
    }
    int count(const std::function<bool(const S3RequestEvent &)> &predicate)
    {
        const QList<S3RequestEvent> all = events();
        return int(std::count_if(all.cbegin(), all.cend(), predicate));
    }

private:
    QMutex m_mutex;
    QList<S3RequestEvent> m_events;
};

bool hasQuery(const S3RequestEvent &e, const char *name)
{
    return std::any_of(e.query.cbegin(), e.query.cend(), [&](const auto &p) { return p.first == name; });
}

QByteArray header(const S3RequestEvent &e, const char *name)
{
    for (const auto &[n, v] : e.headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool isPartUpload(const S3RequestEvent &e)
{
    return e.method == "PUT" && hasQuery(e, "partNumber") && e.httpStatus == 200;
}
bool isInitiate(const S3RequestEvent &e)
{
    return e.method == "POST" && hasQuery(e, "uploads");
}
bool isComplete(const S3RequestEvent &e)
{
    return e.method == "POST" && hasQuery(e, "uploadId");
}

Status put(BitStore &store, const QString &key, const QByteArray &bytes, const Digests &expected)
{
    auto writer = store.beginWrite();
    if (!writer)
        return writer.error();
    for (qsizetype at = 0; at < bytes.size(); at += s_mib) {
        if (Status s =
                (*writer)->write(bytes.constData() + at, std::min<qsizetype>(s_mib, bytes.size() - at));
            !s)
            return s;
    }
    return (*writer)->commit(key, expected);
}

Status put(BitStore &store, const QString &key, const QByteArray &bytes)
{
    return put(store, key, bytes, MultiDigest::of(bytes));
}

Result<QByteArray> get(BitStore &store, const QString &key)
{
    auto device = store.read(key);
    if (!device)
        return device.error();
    return (*device)->readAll();
}

QString uniquePrefix(const char *name)
{
    return QStringLiteral("%1-%2")
        .arg(QString::fromLatin1(name))
        .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

int freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

S3Options optionsFor(int port, const QString &stagingDir, const QString &prefix)
{
    S3Options o;
    o.bucket = s_bucket;
    o.prefix = prefix;
    o.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    o.region = QStringLiteral("us-east-1");
    o.addressing = S3Options::Addressing::Path;
    o.credentials = {s_accessKey, s_secret, {}};
    o.stagingDir = stagingDir;
    o.retryDelayMs = 20;
    o.partSize = 5 * s_mib;
    o.multipartThreshold = 16 * s_mib;
    return o;
}

/*!
    The child half of interruptedInChildProcessResumes(): commits a file and dies (SIGKILL, no clean-up,
    like a crash or a power cut) right after the server confirmed part \a killAfter. Arguments: --s3-child
    PORT STAGING DATAFILE PREFIX KEY KILLAFTER
*/
int childUpload(const QStringList &args)
{
    if (args.size() < 8)
        return 2;
    S3Options o = optionsFor(args[2].toInt(), args[3], args[5]);
    const int killAfter = args[7].toInt();
    auto parts = std::make_shared<std::atomic<int>>(0);
    o.observer = [parts, killAfter](const S3RequestEvent &e) {
        if (isPartUpload(e) && ++*parts == killAfter)
            ::kill(::getpid(), SIGKILL);
        return true;
    };
    auto store = S3Store::open(o);
    if (!store)
        return 4;
    QFile file(args[4]);
    if (!file.open(QIODevice::ReadOnly))
        return 5;
    const QByteArray bytes = file.readAll();
    const Status s = put(**store, args[6], bytes);
    return s ? 3 : 6; // reaching here at all means the kill did not happen
}

//! The upload id in the only journal of \a stagingDir.
QString journaledUploadId(const QString &stagingDir)
{
    const QDir dir(stagingDir + u"/multipart");
    const QStringList journals = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    if (journals.size() != 1)
        return {};
    QFile file(dir.filePath(journals.first()));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(u"upload_id").toString();
}

struct CapturedLog
{
    QMutex mutex;
    QStringList lines;
};
CapturedLog *s_log = nullptr;

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    QMutexLocker locker(&s_log->mutex);
    s_log->lines.append(QString::fromLatin1(context.category ? context.category : "") + u": " + message);
}

} // namespace

class TstS3Store : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void smallObjectRoundTrip();
    void wrongDigestUploadsNothing();
    void multipartUpload();
    void interruptedMultipartResumesInFreshStore();
    void interruptedInChildProcessResumes();
    void expiredUploadStartsOver();
    void listPartsDecidesWhatToResend();
    void concurrentCommits();
    void keysWithSpecialCharacters();
    void virtualHostAddressing();
    void serverDownNamesEndpoint();
    void missingBucketNamesBucket();
    void credentialsNeverLogged();

private:
    S3Options options(const QString &stagingDir, const QString &prefix,
                      const std::shared_ptr<Recorder> &recorder);
    //! Where s3rver keeps the bytes of \a objectKey.
    QString serverObjectPath(const QString &objectKey, const QString &bucket = s_bucket) const;
    QByteArray serverLog() const;

    std::unique_ptr<test::PeerServer> m_s3;
};

S3Options TstS3Store::options(const QString &stagingDir, const QString &prefix,
                              const std::shared_ptr<Recorder> &recorder)
{
    S3Options o = optionsFor(m_s3->port(), stagingDir, prefix);
    if (recorder) {
        o.observer = [recorder](const S3RequestEvent &e) {
            recorder->add(e);
            return true;
        };
    }
    return o;
}

QString TstS3Store::serverObjectPath(const QString &objectKey, const QString &bucket) const
{
    return m_s3->dir() + u"/data/" + bucket + u'/' + objectKey + u"._S3rver_object";
}

QByteArray TstS3Store::serverLog() const
{
    QFile file(m_s3->dir() + u"/s3rver.log");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void TstS3Store::initTestCase()
{
    m_s3 = std::make_unique<test::PeerServer>(QStringLiteral("s3rver"), QStringList{s_bucket});
    QVERIFY2(m_s3->isRunning(), qPrintable(m_s3->error()));
}

void TstS3Store::smallObjectRoundTrip()
{
    QTemporaryDir staging;
    auto recorder = std::make_shared<Recorder>();
    const QString prefix = uniquePrefix("small");
    auto store = S3Store::open(options(staging.path(), prefix, recorder));
    QVERIFY2(store, store ? "" : qPrintable(store.error().message));
    S3Store &s3 = **store;

    const QByteArray bytes = test::pseudoRandomBytes(300 * 1024 + 7, 1);
    const Digests digests = MultiDigest::of(bytes);
    const QString key = QStringLiteral("batch/item/page.jp2");
    QCOMPARE(s3.exists(key).value(), false);
    const Status committed = put(s3, key, bytes, digests);
    QVERIFY2(committed, committed ? "" : qPrintable(committed.error().message));

    // One PUT, carrying the checksums for the server to verify.
    const QList<S3RequestEvent> puts = [&] {
        QList<S3RequestEvent> list;
        for (const S3RequestEvent &e : recorder->events()) {
            if (e.method == "PUT")
                list.append(e);
        }
        return list;
    }();
    QCOMPARE(puts.size(), 1);
    const S3RequestEvent &e = puts.first();
    QCOMPARE(e.objectKey, prefix + u'/' + key);
    QCOMPARE(e.httpStatus, 200);
    QCOMPARE(e.bodySize, bytes.size());
    QCOMPARE(header(e, "Content-MD5"), QByteArray::fromHex(digests.md5.toLatin1()).toBase64());
    QCOMPARE(header(e, "x-amz-checksum-sha256"), QByteArray::fromHex(digests.sha256.toLatin1()).toBase64());
    QCOMPARE(header(e, "X-Amz-Content-SHA256"), digests.sha256.toLatin1());
    QVERIFY(header(e, "Authorization").isEmpty());

    // The server holds exactly these bytes, with our sha256 as metadata.
    QFile stored(serverObjectPath(prefix + u'/' + key));
    QVERIFY2(stored.open(QIODevice::ReadOnly), qPrintable(stored.fileName()));
    QCOMPARE(stored.readAll(), bytes);
    QFile metadata(serverObjectPath(prefix + u'/' + key)
                       .replace(QStringLiteral("_object"), QStringLiteral("_metadata.json")));
    QVERIFY(metadata.open(QIODevice::ReadOnly));
    QCOMPARE(
        QJsonDocument::fromJson(metadata.readAll()).object().value(u"x-amz-meta-gatehouse-sha256").toString(),
        digests.sha256);

    QCOMPARE(s3.exists(key).value(), true);
    auto back = get(s3, key);
    QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    QCOMPARE(*back, bytes);
    QVERIFY(s3.localPath(key).isEmpty());

    // The spool file is gone, and so is the download once its device is.
    QCOMPARE(QDir(staging.filePath(QStringLiteral("spool"))).entryList(QDir::Files).size(), 0);

    QVERIFY(s3.remove(key));
    QCOMPARE(s3.exists(key).value(), false);
    QVERIFY(s3.remove(key)); // removing what is not there is fine
    auto missing = s3.read(key);
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY2(missing.error().message.contains(u"s3://gatehouse-test/" + prefix + u'/' + key),
             qPrintable(missing.error().message));

    // An empty object works too.
    QVERIFY(put(s3, QStringLiteral("empty"), QByteArray()));
    QCOMPARE(get(s3, QStringLiteral("empty")).value(), QByteArray());
}

void TstS3Store::wrongDigestUploadsNothing()
{
    QTemporaryDir staging;
    auto recorder = std::make_shared<Recorder>();
    const QString prefix = uniquePrefix("wrong");
    auto store = S3Store::open(options(staging.path(), prefix, recorder));
    QVERIFY(store);

    for (const qint64 size : {qint64(4096), 17 * s_mib}) {
        const QByteArray bytes = test::pseudoRandomBytes(size, 2);
        const Digests right = MultiDigest::of(bytes);
        Digests badMd5 = right;
        badMd5.md5 = QStringLiteral("0123456789abcdef0123456789abcdef");
        Digests badSha256 = right;
        badSha256.sha256 = QString(64, u'0');
        for (const Digests &expected : {badMd5, badSha256}) {
            const QString key = QStringLiteral("refused-%1.bin").arg(size);
            const Status s = put(**store, key, bytes, expected);
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::Corrupt);
            QVERIFY2(s.error().message.contains(key), qPrintable(s.error().message));
            QCOMPARE((*store)->exists(key).value(), false);
            QVERIFY(!QFile::exists(serverObjectPath(prefix + u'/' + key)));
        }
    }
    // Not a single byte went out: the only requests were the HEADs above.
    QCOMPARE(recorder->count([](const S3RequestEvent &e) { return e.method != "HEAD"; }), 0);
    QCOMPARE(QDir(staging.filePath(QStringLiteral("spool"))).entryList(QDir::Files).size(), 0);
}

void TstS3Store::multipartUpload()
{
    QTemporaryDir staging;
    auto recorder = std::make_shared<Recorder>();
    const QString prefix = uniquePrefix("multi");
    S3Options o = options(staging.path(), prefix, recorder);
    o.partSize = 8 * s_mib;
    auto store = S3Store::open(o);
    QVERIFY(store);

    const QByteArray bytes = test::pseudoRandomBytes(40 * s_mib + 12345, 3);
    const Digests digests = MultiDigest::of(bytes);
    const Status s = put(**store, QStringLiteral("big/scan.tif"), bytes, digests);
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));

    QCOMPARE(recorder->count(isInitiate), 1);
    QCOMPARE(recorder->count(isPartUpload), 6); // 5 × 8 MiB + the rest
    QCOMPARE(recorder->count(isComplete), 1);
    for (const S3RequestEvent &e : recorder->events()) {
        if (isPartUpload(e)) {
            QVERIFY(!header(e, "Content-MD5").isEmpty());
            QCOMPARE(header(e, "X-Amz-Content-SHA256").size(), 64);
            QVERIFY(e.bodySize == 8 * s_mib || e.bodySize == bytes.size() - 5 * 8 * s_mib);
        }
    }
    QFile stored(serverObjectPath(prefix + u"/big/scan.tif"));
    QVERIFY(stored.open(QIODevice::ReadOnly));
    QCOMPARE(stored.size(), bytes.size());
    QCOMPARE(stored.readAll(), bytes);
    auto back = get(**store, QStringLiteral("big/scan.tif"));
    QVERIFY2(back, back ? "" : qPrintable(back.error().message));
    QVERIFY(*back == bytes);
    // Done means no journal is left behind.
    QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 0);
}

void TstS3Store::interruptedMultipartResumesInFreshStore()
{
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("resume");
    const QString key = QStringLiteral("reel/film.mkv");
    const QByteArray bytes = test::pseudoRandomBytes(23 * s_mib, 4); // 5 parts: 4 × 5 MiB + 3 MiB

    {
        auto recorder = std::make_shared<Recorder>();
        S3Options o = options(staging.path(), prefix, {});
        auto parts = std::make_shared<int>(0);
        // Cancel right after the server confirmed part 3, before it is journaled: parts 1 and 2 survive.
        o.observer = [recorder, parts](const S3RequestEvent &e) {
            recorder->add(e);
            return !(isPartUpload(e) && ++*parts == 3);
        };
        auto store = S3Store::open(o);
        QVERIFY(store);
        const Status s = put(**store, key, bytes);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        QCOMPARE(recorder->count(isPartUpload), 3);
        // Nothing that looks whole.
        QCOMPARE((*store)->exists(key).value(), false);
        QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
    }

    const qsizetype logBefore = serverLog().count("partNumber=");
    auto recorder = std::make_shared<Recorder>();
    auto store = S3Store::open(options(staging.path(), prefix, recorder));
    QVERIFY(store);
    const Status s = put(**store, key, bytes);
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));
    QCOMPARE(recorder->count(isInitiate), 0);
    QCOMPARE(recorder->count(isPartUpload), 3); // parts 3, 4 and 5
    QCOMPARE(recorder->count(isComplete), 1);
    // s3rver's own request log agrees.
    QCOMPARE(serverLog().count("partNumber=") - logBefore, 3);
    QCOMPARE(get(**store, key).value(), bytes);
    QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 0);
}

void TstS3Store::interruptedInChildProcessResumes()
{
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("killed");
    const QString key = QStringLiteral("reel/killed.mkv");
    const QByteArray bytes = test::pseudoRandomBytes(23 * s_mib + 1, 5);
    const QString dataFile = staging.filePath(QStringLiteral("input.bin"));
    test::writeFile(dataFile, bytes);

    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--s3-child"), QString::number(m_s3->port()), staging.path(), dataFile,
                 prefix, key, QStringLiteral("3")});
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit); // killed itself after part 3

    auto recorder = std::make_shared<Recorder>();
    auto store = S3Store::open(options(staging.path(), prefix, recorder));
    QVERIFY(store);
    QCOMPARE((*store)->exists(key).value(), false);

    // The dead process left its spool file; clean-up removes it but keeps the journal.
    const QDir spool(staging.filePath(QStringLiteral("spool")));
    QCOMPARE(spool.entryList({QStringLiteral("*.part")}, QDir::Files).size(), 1);
    QVERIFY((*store)->removeStaleTemporaries());
    QCOMPARE(spool.entryList({QStringLiteral("*.part")}, QDir::Files).size(), 0);
    QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);

    const qsizetype logBefore = serverLog().count("partNumber=");
    const Status s = put(**store, key, bytes);
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));
    QCOMPARE(recorder->count(isInitiate), 0);
    QCOMPARE(recorder->count(isPartUpload), 3); // 3 (confirmed but not journaled), 4, 5
    QCOMPARE(serverLog().count("partNumber=") - logBefore, 3);
    QCOMPARE(get(**store, key).value(), bytes);
}

void TstS3Store::expiredUploadStartsOver()
{
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("expired");
    const QString key = QStringLiteral("expired.bin");
    const QByteArray bytes = test::pseudoRandomBytes(12 * s_mib, 6); // 3 parts

    {
        S3Options o = options(staging.path(), prefix, {});
        o.multipartThreshold = 5 * s_mib;
        auto parts = std::make_shared<int>(0);
        o.observer = [parts](const S3RequestEvent &e) { return !(isPartUpload(e) && ++*parts == 2); };
        auto store = S3Store::open(o);
        QVERIFY(store);
        QVERIFY(!put(**store, key, bytes));
    }
    // The server forgets the upload (expired by a lifecycle rule, or aborted by someone else).
    const QString uploadId = journaledUploadId(staging.path());
    QVERIFY(!uploadId.isEmpty());
    QDir uploadDir(m_s3->dir() + u"/data/" + s_bucket + u"/._S3rver_uploads/" + uploadId);
    QVERIFY2(uploadDir.exists(), qPrintable(uploadDir.path()));
    QVERIFY(uploadDir.removeRecursively());

    auto recorder = std::make_shared<Recorder>();
    S3Options o = options(staging.path(), prefix, recorder);
    o.maxAttempts = 2;
    o.multipartThreshold = 5 * s_mib;
    auto store = S3Store::open(o);
    QVERIFY(store);
    const Status s = put(**store, key, bytes);
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));
    // s3rver cannot list parts, so the journal is trusted: the missing part goes up, completion fails (s3rver
    // answers 500 for an upload it does not know, and is asked twice), then a fresh upload sends all three.
    QCOMPARE(recorder->count(isInitiate), 1);
    QCOMPARE(recorder->count(isPartUpload), 2 + 3);
    QCOMPARE(recorder->count([](const S3RequestEvent &e) { return isComplete(e) && e.httpStatus == 500; }),
             2);
    QCOMPARE(recorder->count([](const S3RequestEvent &e) { return isComplete(e) && e.httpStatus == 200; }),
             1);
    QCOMPARE(get(**store, key).value(), bytes);
    QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 0);
}

void TstS3Store::listPartsDecidesWhatToResend()
{
    // s3rver has no ListParts; a small proxy adds it from s3rver's own upload folder, so the store can be
    // seen believing the server over its journal.
    QProcess proxy;
    proxy.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    proxy.start(test::python3(), {QStringLiteral(GATEHOUSE_S3_TEST_DIR "/listparts_proxy.py"),
                                  QString::number(m_s3->port()), m_s3->dir() + u"/data"});
    QVERIFY(proxy.waitForReadyRead(20000));
    const int port = proxy.readLine().trimmed().toInt();
    QVERIFY(port > 0);
    auto stopProxy = qScopeGuard([&] {
        proxy.kill();
        proxy.waitForFinished();
    });
    const QByteArray bytes = test::pseudoRandomBytes(23 * s_mib, 9); // 5 parts
    const QString uploads = m_s3->dir() + u"/data/" + s_bucket + u"/._S3rver_uploads/";

    // Stops after part 3 is confirmed but before it is journaled: journal {1, 2}, server {1, 2, 3}.
    auto interrupt = [&](const QString &staging, const QString &prefix, const QString &key) {
        S3Options o = optionsFor(port, staging, prefix);
        auto parts = std::make_shared<int>(0);
        o.observer = [parts](const S3RequestEvent &e) { return !(isPartUpload(e) && ++*parts == 3); };
        auto store = S3Store::open(o);
        return store && !put(**store, key, bytes) && !journaledUploadId(staging).isEmpty();
    };
    auto listings = [](const S3RequestEvent &e) { return e.method == "GET" && hasQuery(e, "uploadId"); };

    {
        // The server lost part 2: the store uploads it again although the journal has it.
        QTemporaryDir staging;
        const QString prefix = uniquePrefix("listparts");
        QVERIFY(interrupt(staging.path(), prefix, QStringLiteral("listed.bin")));
        const QString upload = uploads + journaledUploadId(staging.path());
        QVERIFY(QFile::remove(upload + u"/2"));
        QVERIFY(QFile::remove(upload + u"/2.md5"));

        auto recorder = std::make_shared<Recorder>();
        S3Options o = optionsFor(port, staging.path(), prefix);
        o.observer = [recorder](const S3RequestEvent &e) {
            recorder->add(e);
            return true;
        };
        auto store = S3Store::open(o);
        QVERIFY(store);
        const Status s = put(**store, QStringLiteral("listed.bin"), bytes);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        QCOMPARE(recorder->count([&](const S3RequestEvent &e) { return listings(e) && e.httpStatus == 200; }),
                 1);
        QCOMPARE(recorder->count(isInitiate), 0);
        QCOMPARE(recorder->count(isPartUpload), 4); // 2 (lost), 3 (never journaled), 4, 5
        QCOMPARE(get(**store, QStringLiteral("listed.bin")).value(), bytes);
    }
    {
        // The server no longer knows the upload: ListParts says NoSuchUpload and the store starts over at
        // once.
        QTemporaryDir staging;
        const QString prefix = uniquePrefix("nosuchupload");
        QVERIFY(interrupt(staging.path(), prefix, QStringLiteral("gone.bin")));
        QVERIFY(QDir(uploads + journaledUploadId(staging.path())).removeRecursively());

        auto recorder = std::make_shared<Recorder>();
        S3Options o = optionsFor(port, staging.path(), prefix);
        o.observer = [recorder](const S3RequestEvent &e) {
            recorder->add(e);
            return true;
        };
        auto store = S3Store::open(o);
        QVERIFY(store);
        const Status s = put(**store, QStringLiteral("gone.bin"), bytes);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        QCOMPARE(recorder->count([&](const S3RequestEvent &e) { return listings(e) && e.httpStatus == 404; }),
                 1);
        QCOMPARE(recorder->count(isInitiate), 1);
        QCOMPARE(recorder->count(isPartUpload), 5);
        QCOMPARE(recorder->count([](const S3RequestEvent &e) { return e.httpStatus >= 500; }), 0);
        QCOMPARE(get(**store, QStringLiteral("gone.bin")).value(), bytes);
    }
}

void TstS3Store::concurrentCommits()
{
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("threads");
    S3Options o = options(staging.path(), prefix, {});
    o.multipartThreshold = 10 * s_mib;
    auto store = S3Store::open(o);
    QVERIFY(store);

    struct Job
    {
        QString key;
        QByteArray bytes;
        Status status;
    };
    QList<Job> jobs;
    for (int i = 0; i < 6; ++i)
        jobs.append(
            {QStringLiteral("small/%1.bin").arg(i), test::pseudoRandomBytes(200 * 1024 + i, 100 + i), {}});
    for (int i = 0; i < 2; ++i)
        jobs.append(
            {QStringLiteral("large/%1.bin").arg(i), test::pseudoRandomBytes(12 * s_mib + i, 200 + i), {}});
    // The same content to the same key from two threads at once: both succeed, one after the other.
    const QByteArray same = test::pseudoRandomBytes(11 * s_mib, 300);
    jobs.append({QStringLiteral("large/same.bin"), same, {}});
    jobs.append({QStringLiteral("large/same.bin"), same, {}});

    std::vector<std::thread> threads;
    for (Job &job : jobs)
        threads.emplace_back([&store, &job] { job.status = put(**store, job.key, job.bytes); });
    for (std::thread &t : threads)
        t.join();

    for (const Job &job : std::as_const(jobs)) {
        QVERIFY2(job.status,
                 qPrintable(job.key + u": " + (job.status ? QString() : job.status.error().message)));
        auto back = get(**store, job.key);
        QVERIFY2(back, qPrintable(job.key));
        QVERIFY2(*back == job.bytes, qPrintable(job.key));
    }
    QCOMPARE(QDir((*store)->journalDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 0);
}

void TstS3Store::keysWithSpecialCharacters()
{
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("keys");
    auto store = S3Store::open(options(staging.path(), prefix, {}));
    QVERIFY(store);
    const QStringList keys = {QStringLiteral("with space/file name.txt"),
                              QStringLiteral("unicode/\u1234 caf\u00e9 \u00fc \u6f22\u5b57.bin"),
                              QStringLiteral("reserved/a+b=c&d;e,f@g$h!i'j(k)l*m~n.bin"),
                              QStringLiteral("percent/100% sure %41.txt"),
                              QStringLiteral("query/what?#hash.txt"),
                              QStringLiteral("colon/c:d [1] {2} <3> \"q\" `b` ^|.txt")};
    int i = 0;
    for (const QString &key : keys) {
        const QByteArray bytes = test::pseudoRandomBytes(1000 + i, 400 + i);
        ++i;
        const Status s = put(**store, key, bytes);
        QVERIFY2(s, qPrintable(key + u": " + (s ? QString() : s.error().message)));
        // The server understood the key as meant: not double-encoded, not mangled.
        QVERIFY2(QFile::exists(serverObjectPath(prefix + u'/' + key)), qPrintable(key));
        QCOMPARE((*store)->exists(key).value(), true);
        QCOMPARE(get(**store, key).value(), bytes);
        QVERIFY((*store)->remove(key));
        QCOMPARE((*store)->exists(key).value(), false);
    }
}

void TstS3Store::virtualHostAddressing()
{
    QTemporaryDir staging;
    auto recorder = std::make_shared<Recorder>();
    const QString prefix = uniquePrefix("vhost");
    S3Options o = options(staging.path(), prefix, recorder);
    // bucket.s3.localhost is what s3rver (started with --service-endpoint localhost) takes as virtual-host
    // style; the name is pinned to the server's address, as curl --connect-to does.
    o.addressing = S3Options::Addressing::VirtualHost;
    o.endpoint = QUrl(QStringLiteral("http://s3.localhost:%1").arg(m_s3->port()));
    o.connectTo = {QStringLiteral("::127.0.0.1:%1").arg(m_s3->port())};
    auto store = S3Store::open(o);
    QVERIFY(store);
    const QByteArray bytes = test::pseudoRandomBytes(5000, 7);
    const Status s = put(**store, QStringLiteral("v h/x.bin"), bytes);
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));
    QVERIFY(QFile::exists(serverObjectPath(prefix + u"/v h/x.bin")));
    QCOMPARE(get(**store, QStringLiteral("v h/x.bin")).value(), bytes);
    const QList<S3RequestEvent> events = recorder->events();
    QVERIFY(!events.isEmpty());
    for (const S3RequestEvent &e : events)
        QCOMPARE(header(e, "Host"),
                 QByteArray("gatehouse-test.s3.localhost:" + QByteArray::number(m_s3->port())));
}

void TstS3Store::serverDownNamesEndpoint()
{
    QTemporaryDir staging;
    const int port = freePort();
    S3Options o = optionsFor(port, staging.path(), QStringLiteral("down"));
    o.maxAttempts = 2;
    auto recorder = std::make_shared<Recorder>();
    o.observer = [recorder](const S3RequestEvent &e) {
        recorder->add(e);
        return true;
    };
    auto store = S3Store::open(o);
    QVERIFY(store);
    const QString endpoint = QStringLiteral("127.0.0.1:%1").arg(port);

    const Status s = put(**store, QStringLiteral("k.bin"), "bytes");
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::Network);
    QVERIFY2(s.error().message.contains(endpoint), qPrintable(s.error().message));
    QVERIFY2(s.error().message.contains(u"s3://gatehouse-test/down/k.bin"), qPrintable(s.error().message));
    QCOMPARE(recorder->count([](const S3RequestEvent &e) { return e.method == "PUT"; }),
             2); // bounded retries
    QVERIFY(recorder->events().constFirst().httpStatus == 0 &&
            !recorder->events().constFirst().transportError.isEmpty());

    auto exists = (*store)->exists(QStringLiteral("k.bin"));
    QVERIFY(!exists);
    auto read = (*store)->read(QStringLiteral("k.bin"));
    QVERIFY(!read);
    const Status removed = (*store)->remove(QStringLiteral("k.bin"));
    QVERIFY(!removed);
    for (const Error &error : {exists.error(), read.error(), removed.error()}) {
        QCOMPARE(error.code, ErrorCode::Network);
        QVERIFY2(error.message.contains(endpoint), qPrintable(error.message));
    }
}

void TstS3Store::missingBucketNamesBucket()
{
    QTemporaryDir staging;
    S3Options o = options(staging.path(), QStringLiteral("p"), {});
    o.bucket = QStringLiteral("no-such-bucket-gh");
    auto store = S3Store::open(o);
    QVERIFY(store);
    const Status s = put(**store, QStringLiteral("k.bin"), "bytes");
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::NotFound);
    QVERIFY2(s.error().message.contains(u"s3://no-such-bucket-gh/p/k.bin"), qPrintable(s.error().message));
    QVERIFY2(s.error().message.contains(u"NoSuchBucket"), qPrintable(s.error().message));
    QVERIFY2(s.error().message.contains(QString::number(m_s3->port())), qPrintable(s.error().message));
}

void TstS3Store::credentialsNeverLogged()
{
    CapturedLog log;
    s_log = &log;
    QLoggingCategory::setFilterRules(QStringLiteral("gatehouse.*=true"));
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    auto restore = qScopeGuard([&] {
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(QString());
        s_log = nullptr;
    });

    QStringList seen; // every message and name a user could see
    auto note = [&](const Status &s) {
        if (!s)
            seen << s.error().message;
    };
    QTemporaryDir staging;
    const QString prefix = uniquePrefix("secret");
    auto recorder = std::make_shared<Recorder>();

    // Succeeding operations, with temporary credentials, including a multipart upload that is interrupted and
    // resumed (the code paths that log most).
    {
        S3Options o = options(staging.path(), prefix, recorder);
        o.credentials.sessionToken = s_token;
        o.multipartThreshold = 5 * s_mib;
        auto parts = std::make_shared<int>(0);
        o.observer = [recorder, parts](const S3RequestEvent &e) {
            recorder->add(e);
            return !(isPartUpload(e) && ++*parts == 2);
        };
        auto store = S3Store::open(o);
        QVERIFY(store);
        seen << (*store)->displayName();
        const QByteArray big = test::pseudoRandomBytes(11 * s_mib, 8);
        note(put(**store, QStringLiteral("big.bin"), big)); // cancelled after part 2
        o.observer = [recorder](const S3RequestEvent &e) {
            recorder->add(e);
            return true;
        };
        auto again = S3Store::open(o);
        QVERIFY(again);
        QVERIFY(put(**again, QStringLiteral("big.bin"), big));
        QVERIFY(put(**again, QStringLiteral("small.bin"), "small"));
        QCOMPARE((*again)->exists(QStringLiteral("small.bin")).value(), true);
        QCOMPARE(get(**again, QStringLiteral("small.bin")).value(), QByteArray("small"));
        QVERIFY((*again)->remove(QStringLiteral("small.bin")));
        // Failing ones: wrong content, a missing key, a missing bucket, a server that is down.
        Digests wrong = MultiDigest::of("x");
        note(put(**again, QStringLiteral("wrong.bin"), "y", wrong));
        auto missing = (*again)->read(QStringLiteral("missing.bin"));
        QVERIFY(!missing);
        seen << missing.error().message;
    }
    {
        S3Options o = options(staging.path(), prefix, recorder);
        o.credentials.sessionToken = s_token;
        o.bucket = QStringLiteral("no-such-bucket-gh");
        auto store = S3Store::open(o);
        QVERIFY(store);
        note(put(**store, QStringLiteral("k"), "bytes"));
    }
    {
        S3Options o = optionsFor(freePort(), staging.path(), prefix);
        o.credentials.sessionToken = s_token;
        o.maxAttempts = 2;
        auto store = S3Store::open(o);
        QVERIFY(store);
        note(put(**store, QStringLiteral("k"), "bytes"));
        auto e = (*store)->exists(QStringLiteral("k"));
        QVERIFY(!e);
        seen << e.error().message;
    }
    {
        // Missing credentials are reported without echoing the half that is there.
        S3Options o = options(staging.path(), prefix, {});
        o.credentials.accessKeyId.clear();
        auto store = S3Store::open(o);
        QVERIFY(!store);
        seen << store.error().message;
    }

    QStringList lines;
    {
        QMutexLocker locker(&log.mutex);
        lines = log.lines;
    }
    // The test only means something if the store did log, requests and retries alike.
    QVERIFY2(lines.size() > 20, qPrintable(lines.join(u'\n')));
    QVERIFY(
        std::any_of(lines.cbegin(), lines.cend(), [](const QString &l) { return l.contains(u"S3 PUT"); }));
    QVERIFY(
        std::any_of(lines.cbegin(), lines.cend(), [](const QString &l) { return l.contains(u"retrying"); }));
    QVERIFY(std::any_of(lines.cbegin(), lines.cend(),
                        [](const QString &l) { return l.contains(u"continuing"); }));
    QVERIFY(seen.size() >= 7);

    for (const S3RequestEvent &e : recorder->events()) {
        for (const auto &[name, value] : e.headers)
            seen << QString::fromUtf8(name + ": " + value);
        seen << e.transportError;
    }
    for (const QString &text : std::as_const(lines) + seen) {
        QVERIFY2(!text.contains(QString::fromLatin1(s_secret)), qPrintable(text));
        QVERIFY2(!text.contains(QString::fromLatin1(s_token)), qPrintable(text));
        QVERIFY2(!text.contains(u"AWS4-HMAC-SHA256"), qPrintable(text));
        QVERIFY2(!text.contains(u"Signature="), qPrintable(text));
        QVERIFY2(!text.contains(u"Authorization", Qt::CaseInsensitive), qPrintable(text));
    }
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc > 1 && qstrcmp(argv[1], "--s3-child") == 0)
        return childUpload(app.arguments());
    TstS3Store test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_s3store.moc"
