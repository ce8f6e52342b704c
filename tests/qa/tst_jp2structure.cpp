#include <QBuffer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "imaging/jp2codec.h"
#include "imagingtestdata.h"
#include "qa/jp2structure.h"
#include "testsupport.h"

using namespace gh;

namespace {

Jp2Structure readBytes(const QByteArray &bytes)
{
    QByteArray copy = bytes;
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    return Jp2Structure::read(buffer);
}

QByteArray encode(QSize size, bool codestreamOnly, bool gray = true, int resolutions = 4)
{
    Jp2Codec::EncodeOptions options;
    options.codestreamOnly = codestreamOnly;
    options.resolutions = resolutions;
    auto encoded = Jp2Codec::encode(test::quadrantImage(size, gray), options);
    if (!encoded)
        qFatal("cannot encode: %s", qPrintable(encoded.error().message));
    return *encoded;
}

quint32 be32(const QByteArray &b, qsizetype at)
{
    return (quint32(quint8(b[at])) << 24) | (quint32(quint8(b[at + 1])) << 16) |
           (quint32(quint8(b[at + 2])) << 8) | quint32(quint8(b[at + 3]));
}

void setBe32(QByteArray &b, qsizetype at, quint32 v)
{
    b[at] = char(v >> 24);
    b[at + 1] = char(v >> 16);
    b[at + 2] = char(v >> 8);
    b[at + 3] = char(v);
}

qsizetype boxAt(const QByteArray &file, const char *type)
{
    const qsizetype at = file.indexOf(QByteArray(type, 4));
    return at < 4 ? -1 : at - 4;
}

bool mentions(const Jp2Structure &s, const QString &text)
{
    for (const QString &p : s.problems) {
        if (p.contains(text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString problems(const Jp2Structure &s)
{
    return s.problems.join(QStringLiteral(" | "));
}

} // namespace

class TestJp2Structure : public QObject
{
    Q_OBJECT

private slots:
    void soundJp2();
    void soundCodestream();
    void agreesWithJpylyzer();
    void truncatedEverywhere();
    void signatureAndFileType();
    void headerDisagreesWithCodestream();
    void missingBoxes();
    void hostileLengths();
    void fuzzedHeadersNeverCrash();
};

void TestJp2Structure::soundJp2()
{
    const QByteArray jp2 = encode({300, 200}, false);
    const Jp2Structure s = readBytes(jp2);
    QVERIFY2(s.isSound(), qPrintable(problems(s)));
    QCOMPARE(s.container, Jp2Structure::Container::Jp2);
    QVERIFY(s.hasImageHeader);
    QVERIFY(s.hasSiz);
    QCOMPARE(s.width, 300u);
    QCOMPARE(s.height, 200u);
    QCOMPARE(s.headerWidth, 300u);
    QCOMPARE(s.headerHeight, 200u);
    QCOMPARE(s.components, 1);
    QCOMPARE(s.bitDepths, QList<int>{8});
    QCOMPARE(s.tiles, 1u);
    QVERIFY(s.tileParts >= 1);
    QVERIFY(s.hasEoc);
    QVERIFY(s.codestreamOffset > 0);
    QCOMPARE(s.codestreamOffset + s.codestreamLength, qint64(jp2.size()));

    const Jp2Structure colour = readBytes(encode({64, 48}, false, false));
    QVERIFY2(colour.isSound(), qPrintable(problems(colour)));
    QCOMPARE(colour.components, 3);
}

void TestJp2Structure::soundCodestream()
{
    const Jp2Structure s = readBytes(encode({120, 90}, true));
    QVERIFY2(s.isSound(), qPrintable(problems(s)));
    QCOMPARE(s.container, Jp2Structure::Container::Codestream);
    QVERIFY(!s.hasImageHeader);
    QCOMPARE(s.width, 120u);
    QCOMPARE(s.height, 90u);
}

void TestJp2Structure::agreesWithJpylyzer()
{
    // opj_compress's own output, tiled, as vendors deliver it: sound here and valid for jpylyzer.
    const QString opj = QStandardPaths::findExecutable(QStringLiteral("opj_compress"));
    QVERIFY2(!opj.isEmpty(), "opj_compress is needed (libopenjp2-tools)");
    QTemporaryDir dir;
    const QString pgm = dir.filePath(QStringLiteral("p.pgm"));
    const QString jp2 = dir.filePath(QStringLiteral("p.jp2"));
    QByteArray pixels(640 * 480, '\x80');
    test::writeFile(pgm, QByteArray("P5\n640 480\n255\n") + pixels);
    QProcess compress;
    compress.start(opj, {QStringLiteral("-i"), pgm, QStringLiteral("-o"), jp2, QStringLiteral("-t"),
                         QStringLiteral("256,256"), QStringLiteral("-r"), QStringLiteral("10")});
    QVERIFY(compress.waitForFinished(60000));
    QCOMPARE(compress.exitCode(), 0);
    const Jp2Structure s = Jp2Structure::readFile(jp2);
    QVERIFY2(s.isSound(), qPrintable(problems(s)));
    QCOMPARE(s.tiles, 6u); // 3 × 2 tiles of 256
    QCOMPARE(s.tileParts, 6u);

    const QString jpylyzer = QStandardPaths::findExecutable(QStringLiteral("jpylyzer"));
    if (!jpylyzer.isEmpty()) {
        QProcess check;
        check.start(jpylyzer, {jp2});
        QVERIFY(check.waitForFinished(60000));
        QVERIFY(check.readAllStandardOutput().contains("<isValid format=\"jp2\">True</isValid>"));
    }
}

void TestJp2Structure::truncatedEverywhere()
{
    // Cut at every length: never a crash, never "sound", and past the header always "truncated".
    const QByteArray jp2 = encode({200, 160}, false);
    const Jp2Structure whole = readBytes(jp2);
    QVERIFY(whole.isSound());
    for (qsizetype length = 0; length < jp2.size(); ++length) {
        const Jp2Structure s = readBytes(jp2.left(length));
        QVERIFY2(
            !s.isSound(),
            qPrintable(
                QStringLiteral("a file cut to %1 of %2 bytes reads as sound").arg(length).arg(jp2.size())));
        if (length > whole.codestreamOffset + 200)
            QVERIFY2(mentions(s, QStringLiteral("truncated")),
                     qPrintable(QString::number(length) + u": " + problems(s)));
    }
    const QByteArray codestream = encode({200, 160}, true);
    for (qsizetype length = 0; length < codestream.size(); length += 7)
        QVERIFY(!readBytes(codestream.left(length)).isSound());
}

void TestJp2Structure::signatureAndFileType()
{
    QByteArray jp2 = encode({64, 64}, false);
    QByteArray noSignature = jp2;
    noSignature[4] = 'X';
    QVERIFY(mentions(readBytes(noSignature), QStringLiteral("signature")));

    QByteArray brand = jp2;
    const qsizetype ftyp = boxAt(brand, "ftyp");
    QVERIFY(ftyp > 0);
    brand.replace(ftyp + 8, 4, "jpx ");
    const Jp2Structure wrongBrand = readBytes(brand);
    QVERIFY2(mentions(wrongBrand, QStringLiteral("brand is \"jpx \"")), qPrintable(problems(wrongBrand)));

    QByteArray compatibility = jp2;
    compatibility.replace(ftyp + 16, 4, "jpxb");
    QVERIFY(mentions(readBytes(compatibility), QStringLiteral("compatibility list")));
    QVERIFY(mentions(readBytes(QByteArray("not an image at all")), QStringLiteral("signature")));
    QVERIFY(mentions(readBytes(QByteArray()), QStringLiteral("too short")));
}

void TestJp2Structure::headerDisagreesWithCodestream()
{
    QByteArray jp2 = encode({300, 200}, false);
    const qsizetype ihdr = boxAt(jp2, "ihdr");
    QVERIFY(ihdr > 0);
    QCOMPARE(be32(jp2, ihdr + 8), 200u); // HEIGHT
    setBe32(jp2, ihdr + 12, 301);        // WIDTH
    const Jp2Structure s = readBytes(jp2);
    QVERIFY2(mentions(s, QStringLiteral("301×200")) && mentions(s, QStringLiteral("300×200")),
             qPrintable(problems(s)));

    QByteArray depth = encode({300, 200}, false);
    depth[boxAt(depth, "ihdr") + 18] = char(11); // BPC: 12 bits
    QVERIFY(mentions(readBytes(depth), QStringLiteral("bit depths")));

    QByteArray components = encode({300, 200}, false);
    components[boxAt(components, "ihdr") + 17] = char(3); // NC
    QVERIFY(mentions(readBytes(components), QStringLiteral("3 components")));
}

void TestJp2Structure::missingBoxes()
{
    const QByteArray jp2 = encode({64, 64}, false);
    QByteArray noColour = jp2;
    const qsizetype colr = boxAt(noColour, "colr");
    noColour.replace(colr + 4, 4, "xxxx");
    QVERIFY(mentions(readBytes(noColour), QStringLiteral("colour specification")));

    QByteArray noCodestream = jp2;
    noCodestream.replace(boxAt(noCodestream, "jp2c") + 4, 4, "free");
    QVERIFY(mentions(readBytes(noCodestream), QStringLiteral("no contiguous codestream")));

    QByteArray noHeader = jp2;
    noHeader.replace(boxAt(noHeader, "jp2h") + 4, 4, "free");
    QVERIFY(mentions(readBytes(noHeader), QStringLiteral("header box (jp2h) is missing")));

    QByteArray noSiz = jp2;
    const qsizetype siz = noSiz.indexOf(QByteArray("\xFF\x4F\xFF\x51", 4));
    noSiz[siz + 3] = '\x52';
    QVERIFY(mentions(readBytes(noSiz), QStringLiteral("SOC and SIZ")));

    QByteArray noEoc = jp2;
    noEoc[noEoc.size() - 1] = '\x00';
    QVERIFY(mentions(readBytes(noEoc), QStringLiteral("EOC")));
}

void TestJp2Structure::hostileLengths()
{
    const QByteArray jp2 = encode({64, 64}, false);
    // A box claiming 4 GiB.
    QByteArray huge = jp2;
    setBe32(huge, boxAt(huge, "jp2c"), 0xFFFFFFF0u);
    QVERIFY(mentions(readBytes(huge), QStringLiteral("truncated")));
    // An extended length that overflows.
    QByteArray extended = jp2;
    const qsizetype jp2c = boxAt(extended, "jp2c");
    setBe32(extended, jp2c, 1);
    extended.insert(jp2c + 8, QByteArray("\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8));
    QVERIFY(!readBytes(extended).isSound());
    // A length shorter than a box header.
    QByteArray tiny = jp2;
    setBe32(tiny, boxAt(tiny, "jp2h"), 3);
    QVERIFY(mentions(readBytes(tiny), QStringLiteral("less than its own header")));
    // A tile-part length pointing past the end, and one of zero bytes.
    QByteArray tilePart = jp2;
    const qsizetype sot = tilePart.indexOf(QByteArray("\xFF\x90\x00\x0A", 4));
    QVERIFY(sot > 0);
    setBe32(tilePart, sot + 6, 0x7FFFFFFF);
    QVERIFY(mentions(readBytes(tilePart), QStringLiteral("truncated")));
    setBe32(tilePart, sot + 6, 3);
    QVERIFY(!readBytes(tilePart).isSound());
    // A SIZ that defines more tiles than a codestream can index.
    QByteArray tiles = encode({64, 64}, true);
    setBe32(tiles, 8, 1000);  // Xsiz
    setBe32(tiles, 12, 1000); // Ysiz
    setBe32(tiles, 24, 1);    // XTsiz
    setBe32(tiles, 28, 1);    // YTsiz: a million tiles
    QVERIFY(mentions(readBytes(tiles), QStringLiteral("tiles")));
}

void TestJp2Structure::fuzzedHeadersNeverCrash()
{
    // Random bytes flipped in the first kilobyte (boxes, markers, lengths): whatever comes out, the reader
    // ends, and a result with a SIZ has sane numbers.
    const QByteArray jp2 = encode({96, 80}, false);
    quint64 state = 0x243F6A8885A308D3ULL;
    auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    const qsizetype span = std::min<qsizetype>(jp2.size(), 1024);
    for (int round = 0; round < 3000; ++round) {
        QByteArray mutated = jp2;
        const int flips = 1 + int(next() % 4);
        for (int i = 0; i < flips; ++i)
            mutated[qsizetype(next() % quint64(span))] = char(next());
        if (next() % 3 == 0)
            mutated.truncate(qsizetype(next() % quint64(mutated.size())));
        const Jp2Structure s = readBytes(mutated);
        if (s.hasSiz)
            QVERIFY(s.width > 0 && s.height > 0 && s.components > 0 && s.tiles > 0 && s.tiles <= 65535);
        QVERIFY(s.tileParts <= 65535u * 255u);
    }
}

QTEST_GUILESS_MAIN(TestJp2Structure)
#include "tst_jp2structure.moc"
