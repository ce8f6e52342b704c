// SigV4 as Gatehouse computes it, checked against AWS's published test suite and against botocore signing the
// same S3 requests.

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "store/s3client.h"
#include "store/sigv4.h"
#include "testsupport.h"

using namespace gh;

namespace {

const QByteArray s_suiteAccessKey = "AKIDEXAMPLE";
const QByteArray s_suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const QByteArray s_suiteDate = "20150830T123600Z";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

/*!
    Parses a test-suite .req file: "METHOD URI HTTP/1.1", header lines "Name:value" (value as written, the
    signer trims it), a blank line, the body. The URI may contain spaces (get-space), so the method is the
    first word and the protocol the last.
*/
SigV4::Request parseSuiteRequest(const QByteArray &text)
{
    SigV4::Request request;
    const qsizetype blank = text.indexOf("\n\n");
    const QByteArray head = blank < 0 ? text : text.left(blank);
    const QByteArray body = blank < 0 ? QByteArray() : text.mid(blank + 2);
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray requestLine = lines.value(0);
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype lastSpace = requestLine.lastIndexOf(' ');
    request.method = requestLine.left(firstSpace);
    const QByteArray uri = requestLine.mid(firstSpace + 1, lastSpace - firstSpace - 1);
    const qsizetype question = uri.indexOf('?');
    request.path = question < 0 ? uri : uri.left(question);
    if (question >= 0)
        request.query = SigV4::parseQuery(uri.mid(question + 1));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.append({lines[i].left(colon), lines[i].mid(colon + 1)});
    }
    request.payloadHash = SigV4::sha256Hex(body);
    return request;
}

QString suiteDir()
{
    return test::dataPath(QStringLiteral("sigv4/aws-sig-v4-test-suite"));
}

} // namespace

class TstSigV4 : public QObject
{
    Q_OBJECT

private slots:
    void suite_data();
    void suite();
    void suiteHasTheCasesItShould();
    void signingKeyFromAwsDocumentation();
    void uriEncoding();
    void s3PathIsEncodedOnce();
    void headerCanonicalisation();
    void prepareAddsSessionTokenAndPayloadHash();
    void botocore_data();
    void botocore();
};

void TstSigV4::suite_data()
{
    QTest::addColumn<QString>("base");
    QDirIterator it(suiteDir(), {QStringLiteral("*.req")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QTest::newRow(qPrintable(QDir(suiteDir()).relativeFilePath(path))) << path.chopped(4);
    }
}

void TstSigV4::suite()
{
    QFETCH(QString, base);
    SigV4::Request request = parseSuiteRequest(readAll(base + u".req"));
    SigV4::Credentials credentials{s_suiteAccessKey, s_suiteSecret, {}};

    // The suite is for a generic service: paths are normalized and encoded as sent, not like S3.
    const SigV4::Signature s =
        SigV4::sign(request, credentials, "us-east-1", "service", s_suiteDate, SigV4::PathMode::Normalize);
    QCOMPARE(s.canonicalRequest, readAll(base + u".creq"));
    QCOMPARE(s.stringToSign, readAll(base + u".sts"));
    QCOMPARE(s.authorization, readAll(base + u".authz"));
}

void TstSigV4::suiteHasTheCasesItShould()
{
    // A data-driven test over an empty folder passes vacuously; make sure the vectors are there.
    int count = 0;
    QDirIterator it(suiteDir(), {QStringLiteral("*.req")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    QCOMPARE(count, 30);
    for (const char *name :
         {"get-vanilla/get-vanilla", "get-vanilla-query-order-key-case/get-vanilla-query-order-key-case",
          "get-vanilla-query-unreserved/get-vanilla-query-unreserved", "get-utf8/get-utf8",
          "normalize-path/get-space/get-space", "post-x-www-form-urlencoded/post-x-www-form-urlencoded",
          "post-header-key-case/post-header-key-case", "get-header-value-trim/get-header-value-trim",
          "post-sts-token/post-sts-header-before/post-sts-header-before"}) {
        QVERIFY2(QFile::exists(suiteDir() + u'/' + QString::fromLatin1(name) + u".authz"), name);
    }
}

void TstSigV4::signingKeyFromAwsDocumentation()
{
    // "Examples of how to derive a signing key for Signature Version 4" in AWS's documentation.
    QCOMPARE(SigV4::signingKey(s_suiteSecret, "20120215", "us-east-1", "iam").toHex(),
             QByteArray("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"));
}

void TstSigV4::uriEncoding()
{
    QCOMPARE(SigV4::uriEncode("AZaz09-_.~", true), QByteArray("AZaz09-_.~"));
    QCOMPARE(SigV4::uriEncode("a b/c+d=e&f!*'()", false), QByteArray("a%20b/c%2Bd%3De%26f%21%2A%27%28%29"));
    QCOMPARE(SigV4::uriEncode("a/b", true), QByteArray("a%2Fb"));
    QCOMPARE(SigV4::uriEncode("\xe1\x88\xb4", true), QByteArray("%E1%88%B4"));
    QCOMPARE(SigV4::percentDecode("a%20b%2fc%zz%4"), QByteArray("a b/c%zz%4"));

    const SigV4::Pairs parsed = SigV4::parseQuery("uploads&prefix=a%2Fb&list-type=2");
    QCOMPARE(parsed.size(), 3);
    QCOMPARE(parsed[0], std::make_pair(QByteArray("uploads"), QByteArray()));
    QCOMPARE(parsed[1], std::make_pair(QByteArray("prefix"), QByteArray("a/b")));
    // Sorted by encoded name, empty values keep their '='.
    QCOMPARE(SigV4::canonicalQueryString(parsed), QByteArray("list-type=2&prefix=a%2Fb&uploads="));
    QCOMPARE(SigV4::canonicalQueryString({{"uploadId", "x/y+z="}, {"partNumber", "3"}}),
             QByteArray("partNumber=3&uploadId=x%2Fy%2Bz%3D"));
}

void TstSigV4::s3PathIsEncodedOnce()
{
    using M = SigV4::PathMode;
    QCOMPARE(SigV4::canonicalUri("/bucket/a%20b", M::S3), QByteArray("/bucket/a%20b"));
    QCOMPARE(SigV4::canonicalUri("/bucket/a b", M::S3), QByteArray("/bucket/a%20b"));
    QCOMPARE(SigV4::canonicalUri("/bucket/a!b", M::S3), QByteArray("/bucket/a%21b"));
    // S3 keys may hold "." segments and double slashes; S3 signs them as they are.
    QCOMPARE(SigV4::canonicalUri("/bucket/./a//b/../c", M::S3), QByteArray("/bucket/./a//b/../c"));
    // An encoded slash is part of a key segment, not a separator.
    QCOMPARE(SigV4::canonicalUri("/bucket/a%2Fb", M::S3), QByteArray("/bucket/a%2Fb"));
    QCOMPARE(SigV4::canonicalUri("", M::S3), QByteArray("/"));
    // Other services encode the path as sent once more, after normalizing it.
    QCOMPARE(SigV4::canonicalUri("/a%20b/./c/../d", M::Normalize), QByteArray("/a%2520b/d"));
}

void TstSigV4::headerCanonicalisation()
{
    QByteArray names;
    const QByteArray block = SigV4::canonicalHeaders({{"X-Amz-Date", "20150830T123600Z"},
                                                      {"Host", " example.com "},
                                                      {"My-Header", "  a   b\tc  "},
                                                      {"my-header", "second"}},
                                                     &names);
    QCOMPARE(block, QByteArray("host:example.com\nmy-header:a b c,second\nx-amz-date:20150830T123600Z\n"));
    QCOMPARE(names, QByteArray("host;my-header;x-amz-date"));
}

void TstSigV4::prepareAddsSessionTokenAndPayloadHash()
{
    SigV4::Request request;
    request.method = "GET";
    request.path = "/";
    request.headers = {{"Host", "example.amazonaws.com"}, {"x-amz-date", "stale"}};
    request.payloadHash = SigV4::emptyPayloadHash();
    SigV4::Credentials credentials{s_suiteAccessKey, s_suiteSecret, "TOKEN"};
    SigV4::prepare(request, credentials, s_suiteDate, true);
    QByteArray names;
    const QByteArray block = SigV4::canonicalHeaders(request.headers, &names);
    QCOMPARE(names, QByteArray("host;x-amz-content-sha256;x-amz-date;x-amz-security-token"));
    QVERIFY(block.contains(QByteArray("x-amz-date:" + s_suiteDate + "\n")));
    QVERIFY(!block.contains("stale"));
    QVERIFY(block.contains("x-amz-security-token:TOKEN\n"));
}

void TstSigV4::botocore_data()
{
    QTest::addColumn<QJsonObject>("spec");

    const QByteArray body = test::pseudoRandomBytes(70000, 11);
    const QString bodyB64 = QString::fromLatin1(body.toBase64());
    const QString hello = QString::fromLatin1(QByteArray("hello").toBase64());
    auto base = [](bool s3) {
        return QJsonObject{{QStringLiteral("s3"), s3},
                           {QStringLiteral("service"), s3 ? QStringLiteral("s3") : QStringLiteral("service")},
                           {QStringLiteral("region"), QStringLiteral("eu-central-1")},
                           {QStringLiteral("access_key"), QStringLiteral("AKIDGATEHOUSE")},
                           {QStringLiteral("secret_key"), QStringLiteral("k3y/With+Slash=And=Equals")},
                           {QStringLiteral("token"), QString()},
                           {QStringLiteral("timestamp"), QStringLiteral("20240229T235959Z")},
                           {QStringLiteral("endpoint"), QStringLiteral("http://127.0.0.1:9000")}};
    };
    auto row = [](const char *name, QJsonObject spec,
                  std::initializer_list<std::pair<QString, QJsonValue>> extra) {
        for (const auto &[k, v] : extra)
            spec.insert(k, v);
        QTest::newRow(name) << spec;
    };
    auto pairs = [](std::initializer_list<std::pair<const char *, const char *>> list) {
        QJsonArray a;
        for (const auto &[n, v] : list)
            a.append(QJsonArray{QString::fromUtf8(n), QString::fromUtf8(v)});
        return a;
    };
    const QString md5 =
        QString::fromLatin1(QByteArray::fromHex("5d41402abc4b2a76b9719d911017c592").toBase64());

    row("s3 put object with checksum headers", base(true),
        {{QStringLiteral("method"), QStringLiteral("PUT")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/batch 1/page.jp2")},
         {QStringLiteral("headers"),
          pairs({{"Content-Type", "application/octet-stream"},
                 {"Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                 {"x-amz-checksum-sha256", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
                 {"x-amz-meta-gatehouse-sha256",
                  "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}})},
         {QStringLiteral("body_b64"), hello}});
    row("s3 upload part", base(true),
        {{QStringLiteral("method"), QStringLiteral("PUT")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/big/file.tif")},
         {QStringLiteral("params"), pairs({{"uploadId", "VXBsb2Fk SWQ/+=~x"}, {"partNumber", "3"}})},
         {QStringLiteral("headers"), pairs({{"Content-MD5", md5.toLatin1().constData()}})},
         {QStringLiteral("body_b64"), bodyB64}});
    row("s3 list objects v2", base(true),
        {{QStringLiteral("method"), QStringLiteral("GET")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse")},
         {QStringLiteral("params"),
          pairs({{"list-type", "2"},
                 {"prefix", "a/b"},
                 {"max-keys", "10"},
                 {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="},
                 {"delimiter", "/"}})}});
    row("s3 initiate multipart", base(true),
        {{QStringLiteral("method"), QStringLiteral("POST")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/big/file.tif")},
         {QStringLiteral("params"), pairs({{"uploads", ""}})},
         {QStringLiteral("headers"), pairs({{"Content-Type", "application/octet-stream"}})}});
    row("s3 complete multipart", base(true),
        {{QStringLiteral("method"), QStringLiteral("POST")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/big/file.tif")},
         {QStringLiteral("params"), pairs({{"uploadId", "abc"}})},
         {QStringLiteral("headers"), pairs({{"Content-Type", "application/xml"}})},
         {QStringLiteral("body_b64"),
          QString::fromLatin1(
              QByteArray("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\""
                         "</ETag></Part></CompleteMultipartUpload>")
                  .toBase64())}});
    row("s3 key with spaces unicode and reserved characters", base(true),
        {{QStringLiteral("method"), QStringLiteral("GET")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/d\u00e9p\u00f4t/\u1234 caf\u00e9 + (1) [2] {3} "
                                                 "a=b&c;d,e@f$g!h'i*j:k~l#m?n%o.txt")}});
    row("s3 delete with session token", base(true),
        {{QStringLiteral("method"), QStringLiteral("DELETE")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/x")},
         {QStringLiteral("token"), QStringLiteral("FwoGZXIvYXdzEJr//////////wEaDGF0ZXN0dG9rZW4=")}});
    row("s3 virtual host on https", base(true),
        {{QStringLiteral("method"), QStringLiteral("HEAD")},
         {QStringLiteral("endpoint"), QStringLiteral("https://gatehouse.s3.eu-central-1.amazonaws.com")},
         {QStringLiteral("path"), QStringLiteral("/my key.bin")}});
    row("s3 header values are trimmed", base(true),
        {{QStringLiteral("method"), QStringLiteral("PUT")},
         {QStringLiteral("path"), QStringLiteral("/gatehouse/t")},
         {QStringLiteral("headers"),
          pairs({{"x-amz-meta-note", "  two   spaces\tand tab  "}, {"Cache-Control", "no-cache"}})},
         {QStringLiteral("body_b64"), hello}});
    row("generic service normalizes and double-encodes", base(false),
        {{QStringLiteral("method"), QStringLiteral("GET")},
         {QStringLiteral("wire_path"), QStringLiteral("/foo/./bar/../baz%20qux//x")},
         {QStringLiteral("params"), pairs({{"b", "2"}, {"a", "1 2"}, {"a", "0"}})}});
    row("generic post form", base(false),
        {{QStringLiteral("method"), QStringLiteral("POST")},
         {QStringLiteral("wire_path"), QStringLiteral("/")},
         {QStringLiteral("headers"),
          pairs({{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}})},
         {QStringLiteral("body_b64"),
          QString::fromLatin1(QByteArray("Action=ListUsers&Version=2010-05-08").toBase64())}});
}

void TstSigV4::botocore()
{
    QFETCH(QJsonObject, spec);

    // Our side of the request, built the way S3Client builds it.
    SigV4::Request request;
    request.method = spec.value(u"method").toString().toLatin1();
    const QUrl endpoint(spec.value(u"endpoint").toString());
    QByteArray host = endpoint.host().toLatin1();
    if (endpoint.port() != -1)
        host += ':' + QByteArray::number(endpoint.port());
    if (spec.contains(u"wire_path"))
        request.path = spec.value(u"wire_path").toString().toUtf8();
    else
        request.path = SigV4::uriEncode(spec.value(u"path").toString().toUtf8(), false);
    for (const QJsonValue &p : spec.value(u"params").toArray())
        request.query.append({p[0].toString().toUtf8(), p[1].toString().toUtf8()});
    request.headers.append({"Host", host});
    for (const QJsonValue &h : spec.value(u"headers").toArray())
        request.headers.append({h[0].toString().toUtf8(), h[1].toString().toUtf8()});
    const QByteArray body = QByteArray::fromBase64(spec.value(u"body_b64").toString().toLatin1());
    request.payloadHash = SigV4::sha256Hex(body);
    const bool s3 = spec.value(u"s3").toBool();
    const SigV4::Credentials credentials{spec.value(u"access_key").toString().toUtf8(),
                                         spec.value(u"secret_key").toString().toUtf8(),
                                         spec.value(u"token").toString().toUtf8()};
    const QByteArray date = spec.value(u"timestamp").toString().toLatin1();
    SigV4::prepare(request, credentials, date, s3);
    const SigV4::Signature ours = SigV4::sign(request, credentials, spec.value(u"region").toString().toUtf8(),
                                              spec.value(u"service").toString().toUtf8(), date,
                                              s3 ? SigV4::PathMode::S3 : SigV4::PathMode::Normalize);
    auto header = [&](const char *name) -> QString {
        for (const auto &[n, v] : std::as_const(request.headers)) {
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return QString::fromUtf8(v);
        }
        return {};
    };

    // botocore's side.
    QProcess python;
    python.start(test::python3(), {QStringLiteral(GATEHOUSE_S3_TEST_DIR "/botocore_sign.py")});
    QVERIFY2(python.waitForStarted(), qPrintable(python.errorString()));
    python.write(QJsonDocument(QJsonArray{spec}).toJson());
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(30000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QJsonObject theirs =
        QJsonDocument::fromJson(python.readAllStandardOutput()).array().at(0).toObject();
    QVERIFY2(!theirs.isEmpty(), "botocore produced no result");

    QCOMPARE(QString::fromUtf8(ours.canonicalRequest), theirs.value(u"canonical_request").toString());
    QCOMPARE(QString::fromUtf8(ours.stringToSign), theirs.value(u"string_to_sign").toString());
    // Header for header, what goes on the wire.
    QCOMPARE(QString::fromUtf8(ours.authorization), theirs.value(u"authorization").toString());
    QCOMPARE(header("X-Amz-Date"), theirs.value(u"x-amz-date").toString());
    if (s3)
        QCOMPARE(header("X-Amz-Content-SHA256"), theirs.value(u"x-amz-content-sha256").toString());
    QCOMPARE(header("X-Amz-Security-Token"), theirs.value(u"x-amz-security-token").toString());
}

QTEST_GUILESS_MAIN(TstSigV4)
#include "tst_sigv4.moc"
