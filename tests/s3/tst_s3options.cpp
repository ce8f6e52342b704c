// S3 store configuration without a server: spec parsing, environment, defaults, URL building for both
// addressing styles, the keychain fallback, opening through openBitStore() and cleaning staging files.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "store/s3client.h"
#include "store/s3store.h"
#include "testsupport.h"

using namespace gh;

namespace {

const QByteArray s_secret = "uNiT-S3cret/Value+With=Signs";

S3Options baseOptions(const QString &endpoint, S3Options::Addressing addressing)
{
    S3Options o;
    o.bucket = QStringLiteral("archive-bucket");
    o.endpoint = QUrl(endpoint);
    o.addressing = addressing;
    o.credentials = {"AKIDUNIT", s_secret, {}};
    return o;
}

} // namespace

class TstS3Options : public QObject
{
    Q_OBJECT

private slots:
    void specParsing();
    void environment();
    void environmentRejectsNonsense();
    void defaults();
    void urls_data();
    void urls();
    void validation();
    void errorMessages();
    void keychainWithoutSessionBusDoesNotHang();
    void keychainWithDeadSessionBusGivesUp();
    void openBitStoreOpensS3();
    void removeStaleTemporariesKeepsJournals();
};

void TstS3Options::specParsing()
{
    auto o = S3Options::fromSpec(QStringLiteral("s3://bucket/some/prefix/"));
    QVERIFY(o);
    QCOMPARE(o->bucket, QStringLiteral("bucket"));
    QCOMPARE(o->normalizedPrefix(), QStringLiteral("some/prefix/"));
    o = S3Options::fromSpec(QStringLiteral("s3://bucket"));
    QVERIFY(o);
    QCOMPARE(o->normalizedPrefix(), QString());
    QVERIFY(!S3Options::fromSpec(QStringLiteral("s3:///prefix")));
    QVERIFY(!S3Options::fromSpec(QStringLiteral("/data/store")));
}

void TstS3Options::environment()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"), QStringLiteral("http://minio.local:9000"));
    env.insert(QStringLiteral("AWS_REGION"), QStringLiteral("eu-west-3"));
    env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("virtual"));
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENV"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QString::fromLatin1(s_secret));
    env.insert(QStringLiteral("AWS_SESSION_TOKEN"), QStringLiteral("TOKEN"));
    env.insert(QStringLiteral("GATEHOUSE_S3_PART_SIZE_MB"), QStringLiteral("6"));
    env.insert(QStringLiteral("GATEHOUSE_S3_MULTIPART_THRESHOLD_MB"), QStringLiteral("32"));
    S3Options o = *S3Options::fromSpec(QStringLiteral("s3://b/p"));
    QVERIFY(o.applyEnvironment(env));
    QCOMPARE(o.endpoint, QUrl(QStringLiteral("http://minio.local:9000")));
    QCOMPARE(o.region, QStringLiteral("eu-west-3"));
    QCOMPARE(o.addressing, S3Options::Addressing::VirtualHost);
    QCOMPARE(o.credentials.accessKeyId, QByteArray("AKIDENV"));
    QCOMPARE(o.credentials.secretAccessKey, s_secret);
    QCOMPARE(o.credentials.sessionToken, QByteArray("TOKEN"));
    QCOMPARE(o.partSize, 6 * 1024 * 1024);
    QCOMPARE(o.multipartThreshold, 32 * 1024 * 1024);

    // Values the caller set (from a config file) win; GATEHOUSE_S3_REGION wins over AWS_REGION.
    env.insert(QStringLiteral("GATEHOUSE_S3_REGION"), QStringLiteral("local"));
    S3Options configured = *S3Options::fromSpec(QStringLiteral("s3://b"));
    configured.endpoint = QUrl(QStringLiteral("https://s3.example.org"));
    configured.credentials = {"AKIDFILE", "file-secret", {}};
    QVERIFY(configured.applyEnvironment(env));
    QCOMPARE(configured.endpoint.host(), QStringLiteral("s3.example.org"));
    QCOMPARE(configured.region, QStringLiteral("local"));
    QCOMPARE(configured.credentials.accessKeyId, QByteArray("AKIDFILE"));
    QCOMPARE(configured.credentials.secretAccessKey, QByteArray("file-secret"));
    QVERIFY(configured.credentials.sessionToken.isEmpty());
}

void TstS3Options::environmentRejectsNonsense()
{
    for (const auto &[name, value] :
         {std::pair{"GATEHOUSE_S3_ADDRESSING", "sideways"}, std::pair{"GATEHOUSE_S3_ENDPOINT", "ftp://host"},
          std::pair{"GATEHOUSE_S3_PART_SIZE_MB", "-3"}}) {
        QProcessEnvironment env;
        env.insert(QString::fromLatin1(name), QString::fromLatin1(value));
        S3Options o = *S3Options::fromSpec(QStringLiteral("s3://b"));
        const Status s = o.applyEnvironment(env);
        QVERIFY2(!s, name);
        QVERIFY2(s.error().message.contains(QString::fromLatin1(name)), qPrintable(s.error().message));
    }
}

void TstS3Options::defaults()
{
    S3Options o = *S3Options::fromSpec(QStringLiteral("s3://b"));
    QCOMPARE(o.effectiveRegion(), QStringLiteral("us-east-1"));
    QCOMPARE(o.effectiveEndpoint(), QUrl(QStringLiteral("https://s3.us-east-1.amazonaws.com")));
    QCOMPARE(o.effectiveAddressing(), S3Options::Addressing::VirtualHost);
    o.endpoint = QUrl(QStringLiteral("http://127.0.0.1:9000"));
    QCOMPARE(o.effectiveAddressing(), S3Options::Addressing::Path);
    QCOMPARE(o.partSize, 8 * 1024 * 1024);
    QCOMPARE(o.multipartThreshold, 16 * 1024 * 1024);
    QVERIFY(!o.withDefaults().stagingDir.isEmpty());
}

void TstS3Options::urls_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("addressing");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("url");

    const int path = int(S3Options::Addressing::Path);
    const int virt = int(S3Options::Addressing::VirtualHost);
    QTest::newRow("path style with port")
        << QStringLiteral("http://127.0.0.1:9000") << path << QStringLiteral("batch 1/\u1234+!.txt")
        << QByteArray("127.0.0.1:9000")
        << QByteArray("http://127.0.0.1:9000/archive-bucket/batch%201/%E1%88%B4%2B%21.txt");
    QTest::newRow("virtual host on aws")
        << QStringLiteral("https://s3.eu-west-1.amazonaws.com") << virt << QStringLiteral("a/b c")
        << QByteArray("archive-bucket.s3.eu-west-1.amazonaws.com")
        << QByteArray("https://archive-bucket.s3.eu-west-1.amazonaws.com/a/b%20c");
    QTest::newRow("default port dropped")
        << QStringLiteral("https://s3.example.org:443") << path << QStringLiteral("k")
        << QByteArray("s3.example.org") << QByteArray("https://s3.example.org/archive-bucket/k");
    QTest::newRow("base path kept") << QStringLiteral("http://gw.example.org:8080/s3/") << path
                                    << QStringLiteral("k") << QByteArray("gw.example.org:8080")
                                    << QByteArray("http://gw.example.org:8080/s3/archive-bucket/k");
    QTest::newRow("ipv6 literal") << QStringLiteral("http://[::1]:9000") << path << QStringLiteral("k")
                                  << QByteArray("[::1]:9000")
                                  << QByteArray("http://[::1]:9000/archive-bucket/k");
    QTest::newRow("virtual host with port")
        << QStringLiteral("http://s3.localhost:4568") << virt << QStringLiteral("x?#%.bin")
        << QByteArray("archive-bucket.s3.localhost:4568")
        << QByteArray("http://archive-bucket.s3.localhost:4568/x%3F%23%25.bin");
}

void TstS3Options::urls()
{
    QFETCH(QString, endpoint);
    QFETCH(int, addressing);
    QFETCH(QString, key);
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, url);
    const S3Options o = baseOptions(endpoint, S3Options::Addressing(addressing));
    QVERIFY(o.validate());
    S3Client client(o);
    QCOMPARE(client.hostHeader(), host);
    QCOMPARE(client.url(key), url);
    // Queries go out in canonical order, encoded exactly as signed.
    QCOMPARE(client.url(key, {{"uploadId", "a/b+c"}, {"partNumber", "2"}}),
             url + "?partNumber=2&uploadId=a%2Fb%2Bc");
    // A bucket request: path-style "/bucket", virtual host "/".
    QCOMPARE(
        client.path({}).endsWith(addressing == int(S3Options::Addressing::Path) ? "/archive-bucket" : "/"),
        true);
}

void TstS3Options::validation()
{
    S3Options o = baseOptions(QStringLiteral("http://127.0.0.1:9000"), S3Options::Addressing::Path);
    QVERIFY(o.validate());

    S3Options noSecret = o;
    noSecret.credentials.secretAccessKey.clear();
    Status s = noSecret.validate();
    QVERIFY(!s);
    QVERIFY(s.error().message.contains(u"AWS_SECRET_ACCESS_KEY"));

    S3Options tinyParts = o;
    tinyParts.partSize = 1024 * 1024;
    QVERIFY(!tinyParts.validate());

    S3Options userInfo = o;
    userInfo.endpoint.setUserName(QStringLiteral("AKIDUNIT"));
    userInfo.endpoint.setPassword(QString::fromLatin1(s_secret));
    QVERIFY(!userInfo.endpoint.userInfo().isEmpty());
    s = userInfo.validate();
    QVERIFY(!s);
    QVERIFY2(!s.error().message.contains(QString::fromLatin1(s_secret)), qPrintable(s.error().message));

    S3Options noBucket = o;
    noBucket.bucket.clear();
    QVERIFY(!noBucket.validate());
}

void TstS3Options::errorMessages()
{
    S3Client client(baseOptions(QStringLiteral("http://127.0.0.1:9000"), S3Options::Addressing::Path));
    S3Client::Response denied;
    denied.status = 403;
    S3Client::parseError(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access "
        "Denied &amp; logged</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>",
        &denied.errorCode, &denied.errorMessage);
    QCOMPARE(denied.errorCode, QStringLiteral("AccessDenied"));
    QCOMPARE(denied.errorMessage, QStringLiteral("Access Denied & logged"));
    QVERIFY(!denied.isSuccess());
    Error e =
        client.failure(QStringLiteral("Cannot upload ") + client.describe(QStringLiteral("a/b c")), denied);
    QCOMPARE(e.code, ErrorCode::Unreadable);
    QCOMPARE(e.message,
             QStringLiteral("Cannot upload s3://archive-bucket/a/b c: HTTP 403 AccessDenied: Access Denied & "
                            "logged (endpoint http://127.0.0.1:9000)."));

    // AWS says where the bucket is when asked in the wrong region.
    S3Client::Response moved;
    moved.status = 301;
    moved.errorCode = QStringLiteral("PermanentRedirect");
    moved.headers.insert("x-amz-bucket-region", "eu-west-1");
    e = client.failure(QStringLiteral("Cannot look up x"), moved);
    QVERIFY2(e.message.contains(u"eu-west-1"), qPrintable(e.message));

    // A result document is not an error.
    QString code;
    QString message;
    S3Client::parseError(
        "<InitiateMultipartUploadResult><UploadId>x</UploadId></InitiateMultipartUploadResult>", &code,
        &message);
    QVERIFY(code.isEmpty());

    // Whatever a server echoes back, secrets and signatures do not reach a message.
    S3Client::Response echo;
    echo.status = 400;
    echo.errorCode = QStringLiteral("InvalidArgument");
    echo.errorMessage = QStringLiteral("bad header: AWS4-HMAC-SHA256 Credential=AKIDUNIT/x, Signature=") +
                        QString(64, u'a') + QStringLiteral(" secret ") + QString::fromLatin1(s_secret);
    e = client.failure(QStringLiteral("Cannot upload x"), echo);
    QVERIFY2(!e.message.contains(QString::fromLatin1(s_secret)), qPrintable(e.message));
    QVERIFY2(!e.message.contains(QString(64, u'a')), qPrintable(e.message));
    QVERIFY(e.message.contains(u"<redacted>"));
}

void TstS3Options::keychainWithoutSessionBusDoesNotHang()
{
    const QByteArray saved = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    S3Options o = baseOptions(QStringLiteral("http://127.0.0.1:9000"), S3Options::Addressing::Path);
    o.credentials.secretAccessKey.clear();
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!o.loadSecretFromKeychain(5000));
    QVERIFY(timer.elapsed() < 1000);
    QVERIFY(o.credentials.secretAccessKey.isEmpty());
    if (!saved.isEmpty())
        qputenv("DBUS_SESSION_BUS_ADDRESS", saved);
}

void TstS3Options::keychainWithDeadSessionBusGivesUp()
{
    // A session bus address that leads nowhere: the keychain job fails or times out, and we go on without it.
    QTemporaryDir dir;
    const QByteArray saved = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS",
            "unix:path=" + QFile::encodeName(dir.filePath(QStringLiteral("no-bus"))));
    S3Options o = baseOptions(QStringLiteral("http://127.0.0.1:9000"), S3Options::Addressing::Path);
    o.credentials.secretAccessKey.clear();
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!o.loadSecretFromKeychain(1500));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(o.credentials.secretAccessKey.isEmpty());
    if (saved.isEmpty())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", saved);
}

void TstS3Options::openBitStoreOpensS3()
{
    QTemporaryDir staging;
    qputenv("GATEHOUSE_S3_ENDPOINT", "http://127.0.0.1:9");
    qputenv("GATEHOUSE_S3_STAGING", QFile::encodeName(staging.path()));
    qputenv("GATEHOUSE_S3_KEYCHAIN", "0");
    qputenv("AWS_ACCESS_KEY_ID", "AKIDUNIT");
    qputenv("AWS_SECRET_ACCESS_KEY", s_secret);
    auto store = openBitStore(QStringLiteral("s3://archive-bucket/batches/"));
    QVERIFY2(store, store ? "" : qPrintable(store.error().message));
    QCOMPARE((*store)->displayName(), QStringLiteral("s3://archive-bucket/batches"));
    QVERIFY((*store)->localPath(QStringLiteral("a/b")).isEmpty());
    QVERIFY(QDir(staging.filePath(QStringLiteral("spool"))).exists());
    QVERIFY(QDir(staging.filePath(QStringLiteral("multipart"))).exists());

    // Without credentials: a clear error that says where they go, and no secret anywhere.
    qunsetenv("AWS_SECRET_ACCESS_KEY");
    auto missing = openBitStore(QStringLiteral("s3://archive-bucket"));
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(u"AWS_SECRET_ACCESS_KEY"), qPrintable(missing.error().message));
    for (const char *name :
         {"GATEHOUSE_S3_ENDPOINT", "GATEHOUSE_S3_STAGING", "GATEHOUSE_S3_KEYCHAIN", "AWS_ACCESS_KEY_ID"})
        qunsetenv(name);

    QVERIFY(!openBitStore(QStringLiteral("ftp://host/x")));
}

void TstS3Options::removeStaleTemporariesKeepsJournals()
{
    QTemporaryDir staging;
    S3Options o = baseOptions(QStringLiteral("http://127.0.0.1:9"), S3Options::Addressing::Path);
    o.stagingDir = staging.path();
    auto store = S3Store::open(o);
    QVERIFY(store);

    // A pid that certainly belonged to a process that has ended.
    QProcess child;
    child.start(QStringLiteral("/bin/true"));
    QVERIFY(child.waitForStarted());
    const qint64 gonePid = child.processId();
    QVERIFY(child.waitForFinished());

    const QString spool = staging.filePath(QStringLiteral("spool"));
    const QString stale = spool + QStringLiteral("/%1-0-deadbeef.part").arg(gonePid);
    const QString staleRead = spool + QStringLiteral("/%1-read-AbC123.part").arg(gonePid);
    const QString ours =
        spool + QStringLiteral("/%1-7-cafebabe.part").arg(QCoreApplication::applicationPid());
    const QString journal = (*store)->journalDir() + u"/0123.json";
    for (const QString &path : {stale, staleRead, ours, journal})
        test::writeFile(path, "x");

    QVERIFY((*store)->removeStaleTemporaries());
    QVERIFY(!QFile::exists(stale));
    QVERIFY(!QFile::exists(staleRead));
    QVERIFY(QFile::exists(ours));
    QVERIFY(QFile::exists(journal));

    // A writer's spool file lives in the staging folder and is gone after abort().
    auto writer = (*store)->beginWrite();
    QVERIFY(writer);
    QVERIFY((*writer)->write("abc", 3));
    QCOMPARE(QDir(spool).entryList(QDir::Files).size(), 2);
    (*writer)->abort();
    QCOMPARE(QDir(spool).entryList(QDir::Files).size(), 1);
}

QTEST_GUILESS_MAIN(TstS3Options)
#include "tst_s3options.moc"
