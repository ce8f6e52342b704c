#include <array>
#include <cstring>
#include <vector>

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "digest/fixity.h"
#include "digest/md5lanes.h"
#include "digest/multidigest.h"
#include "digest/shapair.h"
#include "testsupport.h"

using namespace gh;

class TestDigest : public QObject
{
    Q_OBJECT

private slots:
    void knownVectors_data();
    void knownVectors();
    void largerThanReadBuffer_data();
    void largerThanReadBuffer();
    void splitLanesWithReusedBuffers();
    void md5LanesAgreeWithOpenSsl_data();
    void md5LanesAgreeWithOpenSsl();
    void md5LanesTakeAStreamTwiceInOneCall();
    void shaPairAgreesWithOpenSsl_data();
    void shaPairAgreesWithOpenSsl();
    void sha512OnRequest();
    void anySetOfAlgorithms_data();
    void anySetOfAlgorithms();
    void algorithmNames();
    void sidecarFormats_data();
    void sidecarFormats();
    void sidecarRejectsWrongLength();
    void compare();
};

void TestDigest::knownVectors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("md5");
    QTest::addColumn<QString>("sha1");
    QTest::addColumn<QString>("sha256");
    // RFC 1321, FIPS 180 examples.
    QTest::newRow("empty") << QByteArray() << QStringLiteral("d41d8cd98f00b204e9800998ecf8427e")
                           << QStringLiteral("da39a3ee5e6b4b0d3255bfef95601890afd80709")
                           << QStringLiteral(
                                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    QTest::newRow("abc") << QByteArrayLiteral("abc") << QStringLiteral("900150983cd24fb0d6963f7d28e17f72")
                         << QStringLiteral("a9993e364706816aba3e25717850c26c9cd0d89d")
                         << QStringLiteral(
                                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("448 bits") << QByteArrayLiteral("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                              << QStringLiteral("8215ef0796a20bcaaae116d3876c664a")
                              << QStringLiteral("84983e441c3bd26ebaae4aa1f95129e5e54670f1")
                              << QStringLiteral(
                                     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    QTest::newRow("million a") << QByteArray(1000000, 'a')
                               << QStringLiteral("7707d6ae4e027c70eea2a935c2296f21")
                               << QStringLiteral("34aa973cd4c4daa4f61eeb2bdbad27316534016f")
                               << QStringLiteral(
                                      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

void TestDigest::knownVectors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, md5);
    QFETCH(QString, sha1);
    QFETCH(QString, sha256);
    for (auto lanes : {MultiDigest::Lanes::Single, MultiDigest::Lanes::Split}) {
        MultiDigest digest(lanes);
        // Feed in uneven pieces to exercise chunk boundaries.
        for (qsizetype offset = 0; offset < input.size();) {
            const qsizetype n = std::min<qsizetype>(input.size() - offset, 1 + offset % 65537);
            digest.add(input.constData() + offset, n);
            offset += n;
        }
        const Digests d = digest.finish();
        QCOMPARE(d.md5, md5);
        QCOMPARE(d.sha1, sha1);
        QCOMPARE(d.sha256, sha256);
        QCOMPARE(digest.bytes(), qint64(input.size()));
    }
}

void TestDigest::largerThanReadBuffer_data()
{
    QTest::addColumn<qint64>("size");
    QTest::newRow("one byte over 1 MiB") << qint64((1 << 20) + 1);
    QTest::newRow("5 MiB + 17") << qint64(5 * (1 << 20) + 17);
    QTest::newRow("20 MiB - 3 (split lanes)") << qint64(20 * (1 << 20) - 3);
}

void TestDigest::largerThanReadBuffer()
{
    // The digests Gatehouse computes while copying a file must equal an independent implementation's.
    QFETCH(qint64, size);
    const QByteArray data = test::pseudoRandomBytes(size, quint64(size));
    MultiDigest digest(lanesForSize(size));
    constexpr qsizetype chunk = 1 << 20;
    for (qsizetype offset = 0; offset < data.size(); offset += chunk)
        digest.add(data.constData() + offset, std::min(chunk, data.size() - offset));
    const Digests d = digest.finish();
    QCOMPARE(d.md5, QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex()));
    QCOMPARE(d.sha1, QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha1).toHex()));
    QCOMPARE(d.sha256,
             QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
}

void TestDigest::splitLanesWithReusedBuffers()
{
    // The contract of split mode: a buffer may be reused once the next add() has returned. Reuse two buffers
    // in turn, overwriting each as soon as allowed; the result must not depend on timing.
    const QByteArray data = test::pseudoRandomBytes(12 * (1 << 20) + 5, 7);
    QByteArray buffers[2] = {QByteArray(1 << 20, '\0'), QByteArray(1 << 20, '\0')};
    MultiDigest digest(MultiDigest::Lanes::Split);
    int turn = 0;
    for (qsizetype offset = 0; offset < data.size(); offset += 1 << 20, turn ^= 1) {
        const qsizetype n = std::min<qsizetype>(1 << 20, data.size() - offset);
        std::memcpy(buffers[turn].data(), data.constData() + offset, size_t(n));
        digest.add(buffers[turn].constData(), n);
    }
    QCOMPARE(digest.finish().md5,
             QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex()));
}

void TestDigest::md5LanesAgreeWithOpenSsl_data()
{
    QTest::addColumn<int>("streams");
    QTest::addColumn<int>("maxChunk");
    QTest::addColumn<bool>("equalLengths");
    QTest::addColumn<Md5Lanes::Kernel>("kernel");
    // The widths (4, 8 and 16 lanes), one lane short of each and one over, fewer streams than lanes pay for,
    // and more than one batch of lanes; chunks small enough to leave partial blocks between calls, and
    // large ones.
    for (Md5Lanes::Kernel kernel : {Md5Lanes::Kernel::Best, Md5Lanes::Kernel::OpenSsl}) {
        const char *kernelName = kernel == Md5Lanes::Kernel::Best ? "best" : "openssl";
        for (int streams : {1, 2, 3, 4, 5, 8, 9, 15, 16, 17, 32}) {
            for (int maxChunk : {100, 70000}) {
                for (bool equal : {true, false}) {
                    QTest::addRow("%s, %d streams, chunks up to %d, %s lengths", kernelName, streams,
                                  maxChunk, equal ? "equal" : "unequal")
                        << streams << maxChunk << equal << kernel;
                }
            }
        }
    }
}

void TestDigest::md5LanesAgreeWithOpenSsl()
{
    QFETCH(int, streams);
    QFETCH(int, maxChunk);
    QFETCH(bool, equalLengths);
    QFETCH(Md5Lanes::Kernel, kernel);
    if (kernel == Md5Lanes::Kernel::Best && !Md5Lanes::accelerated())
        qInfo("this CPU has no AVX-512: the best kernel is OpenSSL's");
    QRandomGenerator random(quint32(streams * 1000 + maxChunk + (equalLengths ? 1 : 0)));
    QList<QByteArray> data;
    const int sharedLength = random.bounded(150000, 300000);
    for (int s = 0; s < streams; ++s) {
        // Unequal lengths include the empty stream and lengths on either side of the padding's edges.
        static const int edges[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 128};
        const int length = equalLengths                ? sharedLength
                           : s < int(std::size(edges)) ? edges[s] + random.bounded(0, 2) * 64 * 1024
                                                       : random.bounded(0, 300000);
        data.append(test::pseudoRandomBytes(length, quint32(s + 1)));
    }
    Md5Lanes lanes(streams, kernel);
    QCOMPARE(lanes.streams(), streams);
    QList<qsizetype> offsets(streams, 0);
    for (bool more = true; more;) {
        more = false;
        std::vector<Md5Lanes::Input> inputs;
        for (int s = 0; s < streams; ++s) {
            const qsizetype left = data[s].size() - offsets[s];
            if (left == 0)
                continue;
            const qsizetype n = std::min<qsizetype>(left, random.bounded(1, maxChunk + 1));
            inputs.push_back({s, data[s].constData() + offsets[s], n});
            offsets[s] += n;
            more = true;
        }
        lanes.add(inputs);
    }
    for (int s = 0; s < streams; ++s) {
        QCOMPARE(lanes.finish(s),
                 QString::fromLatin1(QCryptographicHash::hash(data[s], QCryptographicHash::Md5).toHex()));
    }
}

void TestDigest::md5LanesTakeAStreamTwiceInOneCall()
{
    // A stream's second input in the same call follows its first.
    const QByteArray data = test::pseudoRandomBytes(5000, 3);
    const std::vector<char> bytes(data.cbegin(), data.cend()); // (GCC's bounds check loses QByteArray's size)
    Md5Lanes lanes(4);
    const Md5Lanes::Input inputs[] = {{0, bytes.data(), 1000},
                                      {1, bytes.data(), 5000},
                                      {2, bytes.data(), 5000},
                                      {0, bytes.data() + 1000, 4000},
                                      {3, bytes.data(), 5000}};
    lanes.add(inputs);
    const QString expected =
        QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex());
    for (int s = 0; s < 4; ++s)
        QCOMPARE(lanes.finish(s), expected);
}

void TestDigest::shaPairAgreesWithOpenSsl_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("maxChunk");
    QTest::addColumn<ShaPair::Kernel>("kernel");
    // Lengths on either side of the padding's edges and of whole blocks, and longer ones; in one piece, in
    // chunks small enough to leave partial blocks between calls, and in larger ones.
    for (ShaPair::Kernel kernel : {ShaPair::Kernel::Best, ShaPair::Kernel::OpenSsl}) {
        const char *kernelName = kernel == ShaPair::Kernel::Best ? "best" : "openssl";
        for (int length : {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 262144, 300007}) {
            for (int maxChunk : {0, 100, 70000}) {
                QTest::addRow("%s, %d bytes, %s", kernelName, length,
                              maxChunk == 0 ? "in one piece"
                                            : qPrintable(QStringLiteral("chunks up to %1").arg(maxChunk)))
                    << length << maxChunk << kernel;
            }
        }
    }
}

void TestDigest::shaPairAgreesWithOpenSsl()
{
    QFETCH(int, length);
    QFETCH(int, maxChunk);
    QFETCH(ShaPair::Kernel, kernel);
    if (kernel == ShaPair::Kernel::Best && !ShaPair::accelerated())
        qInfo("this CPU has no SHA extensions: the best kernel is OpenSSL's");
    const QByteArray data = test::pseudoRandomBytes(length, quint32(length + 11));
    QRandomGenerator random(quint32(length * 7 + maxChunk));
    ShaPair pair(kernel);
    for (qsizetype offset = 0; offset < data.size();) {
        const qsizetype n = maxChunk == 0
                                ? data.size()
                                : std::min<qsizetype>(data.size() - offset, random.bounded(1, maxChunk + 1));
        pair.add(data.constData() + offset, n);
        offset += n;
    }
    pair.finish();
    QCOMPARE(pair.sha1(),
             QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha1).toHex()));
    QCOMPARE(pair.sha256(),
             QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
}

void TestDigest::sha512OnRequest()
{
    MultiDigest plain;
    plain.add(QByteArrayLiteral("abc"));
    QVERIFY(plain.finish().sha512.isEmpty());
    MultiDigest with(MultiDigest::Lanes::Single, true);
    with.add(QByteArrayLiteral("abc"));
    QCOMPARE(with.finish().sha512,
             QStringLiteral(
                 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
                 "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
}

void TestDigest::anySetOfAlgorithms_data()
{
    QTest::addColumn<QList<int>>("algorithms");
    QTest::addColumn<int>("lanes");
    const int single = int(MultiDigest::Lanes::Single);
    const int split = int(MultiDigest::Lanes::Split);
    auto set = [](std::initializer_list<DigestAlgorithm> list) {
        QList<int> result;
        for (DigestAlgorithm a : list)
            result.append(int(a));
        return result;
    };
    QTest::newRow("all six, split") << set({DigestAlgorithm::Md5, DigestAlgorithm::Sha1,
                                            DigestAlgorithm::Sha224, DigestAlgorithm::Sha256,
                                            DigestAlgorithm::Sha384, DigestAlgorithm::Sha512})
                                    << split;
    QTest::newRow("sha224 + sha384, split")
        << set({DigestAlgorithm::Sha224, DigestAlgorithm::Sha384}) << split;
    QTest::newRow("sha384 alone, split") << set({DigestAlgorithm::Sha384}) << split;
    QTest::newRow("sha224 alone") << set({DigestAlgorithm::Sha224}) << single;
    QTest::newRow("md5 + sha512") << set({DigestAlgorithm::Md5, DigestAlgorithm::Sha512}) << single;
}

void TestDigest::anySetOfAlgorithms()
{
    // Whatever set is asked for, and however it is split between lanes, each digest is what an independent
    // implementation computes, and nothing else is computed.
    QFETCH(QList<int>, algorithms);
    QFETCH(int, lanes);
    DigestSet wanted;
    for (int a : algorithms)
        wanted.insert(DigestAlgorithm(a));
    const QByteArray data = test::pseudoRandomBytes(3 * (1 << 20) + 12345, 77);
    MultiDigest digest(MultiDigest::Lanes(lanes), wanted);
    QCOMPARE(digest.algorithms(), wanted);
    std::array<QByteArray, 2> buffers{QByteArray(1 << 20, Qt::Uninitialized),
                                      QByteArray(1 << 20, Qt::Uninitialized)};
    for (qsizetype offset = 0, turn = 0; offset < data.size(); offset += 1 << 20, turn ^= 1) {
        const qsizetype n = std::min<qsizetype>(1 << 20, data.size() - offset);
        std::memcpy(buffers[size_t(turn)].data(), data.constData() + offset, size_t(n));
        digest.add(buffers[size_t(turn)].constData(), n);
    }
    const Digests standard = digest.finish();
    const std::pair<DigestAlgorithm, QCryptographicHash::Algorithm> reference[] = {
        {DigestAlgorithm::Md5, QCryptographicHash::Md5},
        {DigestAlgorithm::Sha1, QCryptographicHash::Sha1},
        {DigestAlgorithm::Sha224, QCryptographicHash::Sha224},
        {DigestAlgorithm::Sha256, QCryptographicHash::Sha256},
        {DigestAlgorithm::Sha384, QCryptographicHash::Sha384},
        {DigestAlgorithm::Sha512, QCryptographicHash::Sha512}};
    for (const auto &[algorithm, qt] : reference) {
        const QString expected = wanted.contains(algorithm)
                                     ? QString::fromLatin1(QCryptographicHash::hash(data, qt).toHex())
                                     : QString();
        QCOMPARE(digest.result(algorithm), expected);
    }
    QCOMPARE(standard.md5, digest.result(DigestAlgorithm::Md5));
    QCOMPARE(standard.sha512, digest.result(DigestAlgorithm::Sha512));
}

void TestDigest::algorithmNames()
{
    // Manifests may name all six; sidecars, METS and spreadsheets only what the catalog records.
    QCOMPARE(Fixity::anyAlgorithmFromName(u"SHA-384"), std::optional(DigestAlgorithm::Sha384));
    QCOMPARE(Fixity::anyAlgorithmFromName(u"sha224"), std::optional(DigestAlgorithm::Sha224));
    QVERIFY(!Fixity::algorithmFromName(u"sha224"));
    QVERIFY(!Fixity::algorithmFromName(u"sha384"));
    QCOMPARE(Fixity::algorithmFromName(u"SHA-256"), std::optional(DigestAlgorithm::Sha256));
    QVERIFY(!Fixity::anyAlgorithmFromName(u"blake2b"));
    QCOMPARE(Fixity::hexLength(DigestAlgorithm::Sha224), 56);
    QCOMPARE(Fixity::hexLength(DigestAlgorithm::Sha384), 96);
    QVERIFY(Fixity::isHexDigest(QString(96, u'f'), DigestAlgorithm::Sha384));
    DeclaredChecksums declared;
    Fixity::declare(declared, DigestAlgorithm::Sha384, QString(96, u'f'));
    QVERIFY(declared.isEmpty()); // the catalog has no column for it
}

void TestDigest::sidecarFormats_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("bare") << QByteArrayLiteral("900150983CD24FB0D6963F7D28E17F72\n");
    QTest::newRow("md5sum") << QByteArrayLiteral("900150983cd24fb0d6963f7d28e17f72  page.jp2\n");
    QTest::newRow("md5sum binary") << QByteArrayLiteral("900150983cd24fb0d6963f7d28e17f72 *page.jp2\n");
    QTest::newRow("bsd") << QByteArrayLiteral("MD5 (page.jp2) = 900150983cd24fb0d6963f7d28e17f72\n");
    QTest::newRow("bom and crlf") << QByteArrayLiteral("\xEF\xBB\xBF"
                                                       "900150983cd24fb0d6963f7d28e17f72\r\n");
    QTest::newRow("tab separated") << QByteArrayLiteral("900150983cd24fb0d6963f7d28e17f72\tpage.jp2");
}

void TestDigest::sidecarFormats()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("page.jp2.md5"));
    test::writeFile(path, content);
    const auto digest = Fixity::readSidecar(path, DigestAlgorithm::Md5);
    QVERIFY2(digest.ok(), qPrintable(digest.ok() ? QString() : digest.error().message));
    QCOMPARE(*digest, QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
}

void TestDigest::sidecarRejectsWrongLength()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("page.jp2.sha1"));
    test::writeFile(path,
                    QByteArrayLiteral("900150983cd24fb0d6963f7d28e17f72  page.jp2\n")); // an md5, not a sha1
    const auto digest = Fixity::readSidecar(path, DigestAlgorithm::Sha1);
    QVERIFY(!digest.ok());
    QCOMPARE(digest.error().code, ErrorCode::Invalid);
    QVERIFY(digest.error().message.contains(path));
}

void TestDigest::compare()
{
    const Digests computed = MultiDigest::of(QByteArrayLiteral("abc"));
    DeclaredChecksums declared;
    QVERIFY(!Fixity::compare(declared, computed).checked);

    declared.md5 = QStringLiteral("900150983CD24FB0D6963F7D28E17F72");
    declared.origin = QStringLiteral("page.jp2.md5");
    auto verdict = Fixity::compare(declared, computed);
    QVERIFY(verdict.checked);
    QVERIFY(verdict.matches);

    declared.sha256 = QStringLiteral("00") + computed.sha256.mid(2);
    verdict = Fixity::compare(declared, computed);
    QVERIFY(!verdict.matches);
    QVERIFY(verdict.detail.contains(QStringLiteral("sha256")));
    QVERIFY(!verdict.detail.contains(QStringLiteral("md5")));

    // A declared sha512 is compared only when it was computed.
    DeclaredChecksums only512;
    only512.sha512 = QString(128, u'a');
    QVERIFY(!Fixity::compare(only512, computed).checked);
}

QTEST_GUILESS_MAIN(TestDigest)
#include "tst_digest.moc"
