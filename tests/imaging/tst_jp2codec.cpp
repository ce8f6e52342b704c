// Jp2Codec decoding: container detection, the choice of resolution reduction, colour layouts and
// precisions, multi-threaded decoding, and damaged files.

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include "imaging/jp2codec.h"
#include "imagingtestdata.h"

using gh::Jp2Codec;
using namespace gh::test;

class TestJp2Codec : public QObject
{
    Q_OBJECT

private:
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return writeBytes(path, bytes) ? path : QString();
    }
    static Jp2Codec::DecodeOptions fullResolution()
    {
        Jp2Codec::DecodeOptions options;
        options.threads = 1;
        return options;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void detect_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("container");
        QTest::newRow("jp2") << QByteArray("\0\0\0\x0CjP  \r\n\x87\n\0\0", 14)
                             << int(Jp2Codec::Container::Jp2);
        QTest::newRow("j2k") << QByteArray("\xFF\x4F\xFF\x51\0\x2F", 6)
                             << int(Jp2Codec::Container::Codestream);
        QTest::newRow("jpeg") << QByteArray("\xFF\xD8\xFF\xE0", 4) << int(Jp2Codec::Container::None);
        QTest::newRow("short") << QByteArray("\0\0\0\x0CjP", 6) << int(Jp2Codec::Container::None);
        QTest::newRow("empty") << QByteArray() << int(Jp2Codec::Container::None);
    }
    void detect()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, container);
        QCOMPARE(int(Jp2Codec::detect(header)), container);
    }

    void reductionFor_data()
    {
        QTest::addColumn<QSize>("full");
        QTest::addColumn<int>("resolutions");
        QTest::addColumn<int>("minimum");
        QTest::addColumn<int>("reduction");
        QTest::newRow("page 256") << QSize(4000, 5000) << 6 << 256 << 4; // 313 px; one more level gives 157
        QTest::newRow("exactly enough") << QSize(4000, 5000) << 6 << 313 << 4;
        QTest::newRow("one short") << QSize(4000, 5000) << 6 << 314 << 3;
        QTest::newRow("capped by levels") << QSize(4000, 5000) << 3 << 256 << 2;
        QTest::newRow("single level") << QSize(4000, 5000) << 1 << 256 << 0;
        QTest::newRow("smaller than wanted") << QSize(200, 100) << 6 << 256 << 0;
        QTest::newRow("full resolution asked") << QSize(4000, 5000) << 6 << 0 << 0;
        QTest::newRow("tiny wanted") << QSize(4000, 5000) << 33 << 2 << 12; // ceil(5000 / 4096) = 2
    }
    void reductionFor()
    {
        QFETCH(QSize, full);
        QFETCH(int, resolutions);
        QFETCH(int, minimum);
        QFETCH(int, reduction);
        QCOMPARE(Jp2Codec::reductionFor(full, resolutions, minimum), reduction);
    }

    void roundTripLossless_data()
    {
        QTest::addColumn<bool>("gray");
        QTest::addColumn<bool>("codestream");
        QTest::newRow("rgb jp2") << false << false;
        QTest::newRow("gray jp2") << true << false;
        QTest::newRow("rgb j2k") << false << true;
        QTest::newRow("gray j2k") << true << true;
    }
    void roundTripLossless()
    {
        QFETCH(bool, gray);
        QFETCH(bool, codestream);
        const QImage source = quadrantImage(QSize(320, 240), gray);
        Jp2Codec::EncodeOptions encodeOptions;
        encodeOptions.codestreamOnly = codestream;
        const auto encoded = Jp2Codec::encode(source, encodeOptions);
        QVERIFY2(encoded.ok(), qPrintable(encoded.ok() ? QString() : encoded.error().message));
        QCOMPARE(int(Jp2Codec::detect(*encoded)),
                 int(codestream ? Jp2Codec::Container::Codestream : Jp2Codec::Container::Jp2));
        const QString path = write(QStringLiteral("roundtrip.bin"), *encoded); // no extension on purpose
        const auto decoded = Jp2Codec::decodeFile(path, fullResolution());
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
        QCOMPARE(decoded->fullSize, QSize(320, 240));
        QCOMPARE(decoded->image.size(), QSize(320, 240));
        QCOMPARE(decoded->reduction, 0);
        QCOMPARE(decoded->components, gray ? 1 : 3);
        QCOMPARE(decoded->precision, 8);
        QCOMPARE(decoded->image.format(), gray ? QImage::Format_Grayscale8 : QImage::Format_RGB32);
        // Lossless: every pixel, including the quadrant edges, comes back exactly.
        QCOMPARE(decoded->image, gray ? source : source.convertToFormat(QImage::Format_RGB32));
    }

    void lossy()
    {
        Jp2Codec::EncodeOptions encodeOptions;
        encodeOptions.compressionRatio = 20;
        const auto encoded = Jp2Codec::encode(quadrantImage(QSize(400, 300)), encodeOptions);
        QVERIFY(encoded.ok());
        const auto decoded =
            Jp2Codec::decodeFile(write(QStringLiteral("lossy.jp2"), *encoded), fullResolution());
        QVERIFY(decoded.ok());
        QString why;
        QVERIFY2(quadrantsMatch(decoded->image, false, 6, &why), qPrintable(why));
    }

    // The point of the decoder: a 256 px thumbnail of a 4000×5000 page decodes resolution level 2 of 6 only.
    void reducedResolutionOfLargePage()
    {
        const QImage page = quadrantImage(QSize(4000, 5000), true);
        const auto encoded = Jp2Codec::encode(page);
        QVERIFY(encoded.ok());
        const QString path = write(QStringLiteral("page.jp2"), *encoded);

        Jp2Codec::DecodeOptions options;
        options.minimumSize = 256;
        QElapsedTimer timer;
        timer.start();
        const auto decoded = Jp2Codec::decodeFile(path, options);
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
        qDebug() << "reduced decode took" << timer.elapsed() << "ms";
        QCOMPARE(decoded->fullSize, QSize(4000, 5000));
        QCOMPARE(decoded->resolutions, 6);
        QCOMPARE(decoded->reduction, 4);
        QCOMPARE(decoded->image.size(), QSize(250, 313));
        QString why;
        QVERIFY2(quadrantsMatch(decoded->image, true, 2, &why), qPrintable(why));

        // A codestream with fewer levels caps the reduction instead of failing.
        Jp2Codec::EncodeOptions fewLevels;
        fewLevels.resolutions = 3;
        const auto shallow = Jp2Codec::encode(quadrantImage(QSize(1600, 1200), true), fewLevels);
        QVERIFY(shallow.ok());
        const auto capped = Jp2Codec::decodeFile(write(QStringLiteral("shallow.jp2"), *shallow), options);
        QVERIFY(capped.ok());
        QCOMPARE(capped->resolutions, 3);
        QCOMPARE(capped->reduction, 2);
        QCOMPARE(capped->image.size(), QSize(400, 300));
    }

    void threadsGiveTheSameImage()
    {
        const auto encoded = Jp2Codec::encode(quadrantImage(QSize(1024, 768)));
        QVERIFY(encoded.ok());
        const QString path = write(QStringLiteral("threads.jp2"), *encoded);
        Jp2Codec::DecodeOptions single;
        single.threads = 1;
        single.minimumSize = 300;
        Jp2Codec::DecodeOptions many = single;
        many.threads = 4;
        const auto a = Jp2Codec::decodeFile(path, single);
        const auto b = Jp2Codec::decodeFile(path, many);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->reduction, 1);
        QCOMPARE(a->image, b->image);
    }

    // sYCC with 4:2:0 chroma: subsampled components are upsampled and converted to RGB.
    void subsampledYcc_data()
    {
        QTest::addColumn<bool>("codestream");
        QTest::newRow("jp2 with sYCC colour box") << false;
        QTest::newRow("codestream, YCC guessed from subsampling") << true;
    }
    void subsampledYcc()
    {
        QFETCH(bool, codestream);
        const QSize size(64, 48);
        const QImage rgb = quadrantImage(size);
        const auto channel = [rgb](int which, int step) {
            return [rgb, which, step](int x, int y) {
                const QColor c = rgb.pixelColor(x * step, y * step);
                const double r = c.red(), g = c.green(), b = c.blue();
                const double values[] = {0.299 * r + 0.587 * g + 0.114 * b,
                                         128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
                                         128 + 0.5 * r - 0.418688 * g - 0.081312 * b};
                return int(values[which] + 0.5);
            };
        };
        const QList<RawComponent> components = {{1, 1, 8, false, channel(0, 1)},
                                                {2, 2, 8, false, channel(1, 2)},
                                                {2, 2, 8, false, channel(2, 2)}};
        const QByteArray bytes = encodeRawJpeg2000(size, components, RawColorSpace::Sycc, codestream, 3);
        QVERIFY(!bytes.isEmpty());
        const auto decoded = Jp2Codec::decodeFile(write(QStringLiteral("ycc.jp2"), bytes), fullResolution());
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
        QCOMPARE(decoded->image.size(), size);
        QString why;
        QVERIFY2(quadrantsMatch(decoded->image, false, 3, &why), qPrintable(why));
    }

    // Precision other than 8 bits is scaled to 8: 12-bit gray, 16-bit RGB.
    void highPrecision()
    {
        const QSize size(40, 30);
        const QImage gray = quadrantImage(size, true);
        const QImage rgb = quadrantImage(size);
        const QList<RawComponent> twelve = {
            {1, 1, 12, false, [gray](int x, int y) { return qGray(gray.pixel(x, y)) * 4095 / 255; }}};
        const auto grayDecoded =
            Jp2Codec::decodeFile(write(QStringLiteral("gray12.jp2"),
                                       encodeRawJpeg2000(size, twelve, RawColorSpace::Gray, false, 2)),
                                 fullResolution());
        QVERIFY(grayDecoded.ok());
        QCOMPARE(grayDecoded->precision, 12);
        QString why;
        QVERIFY2(quadrantsMatch(grayDecoded->image, true, 1, &why), qPrintable(why));

        const auto sixteen = [rgb](int shift) {
            return [rgb, shift](int x, int y) { return ((rgb.pixel(x, y) >> shift) & 0xFF) * 257; };
        };
        const QList<RawComponent> deep = {
            {1, 1, 16, false, sixteen(16)}, {1, 1, 16, false, sixteen(8)}, {1, 1, 16, false, sixteen(0)}};
        const auto rgbDecoded = Jp2Codec::decodeFile(
            write(QStringLiteral("rgb16.j2k"), encodeRawJpeg2000(size, deep, RawColorSpace::Srgb, true, 2)),
            fullResolution());
        QVERIFY(rgbDecoded.ok());
        QCOMPARE(rgbDecoded->precision, 16);
        QVERIFY2(quadrantsMatch(rgbDecoded->image, false, 1, &why), qPrintable(why));
    }

    void fourComponentsWithAlpha()
    {
        const QSize size(40, 30);
        const QImage rgb = quadrantImage(size);
        const auto plane = [rgb](int shift) {
            return [rgb, shift](int x, int y) { return int((rgb.pixel(x, y) >> shift) & 0xFF); };
        };
        const QList<RawComponent> components = {
            {1, 1, 8, false, plane(16)},
            {1, 1, 8, false, plane(8)},
            {1, 1, 8, false, plane(0)},
            {1, 1, 8, true, [size](int x, int) { return x < size.width() / 2 ? 255 : 0; }}};
        const auto decoded =
            Jp2Codec::decodeFile(write(QStringLiteral("rgba.jp2"),
                                       encodeRawJpeg2000(size, components, RawColorSpace::Srgb, false, 2)),
                                 fullResolution());
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
        QCOMPARE(decoded->components, 4);
        QCOMPARE(decoded->image.format(), QImage::Format_ARGB32);
        QCOMPARE(qAlpha(decoded->image.pixel(5, 5)), 255);
        QCOMPARE(qAlpha(decoded->image.pixel(35, 5)), 0);
        QCOMPARE(decoded->image.pixelColor(5, 5).rgb(), quadrantColor(TopLeft, false).rgb());
    }

    void pixelLimit()
    {
        const auto encoded = Jp2Codec::encode(quadrantImage(QSize(400, 300)));
        QVERIFY(encoded.ok());
        Jp2Codec::DecodeOptions options;
        options.maxPixels = 1000;
        const auto decoded = Jp2Codec::decodeFile(write(QStringLiteral("limit.jp2"), *encoded), options);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, gh::ErrorCode::LimitExceeded);
    }

    // Damaged input gives an Error naming the file; nothing crashes (the sanitizer build checks for worse).
    void damaged_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        const QByteArray jp2 = *Jp2Codec::encode(quadrantImage(QSize(300, 200)));
        Jp2Codec::EncodeOptions codestreamOptions;
        codestreamOptions.codestreamOnly = true;
        const QByteArray j2k = *Jp2Codec::encode(quadrantImage(QSize(300, 200)), codestreamOptions);
        const int corrupt = int(gh::ErrorCode::Corrupt);
        QTest::newRow("jp2 truncated to half") << jp2.left(jp2.size() / 2) << corrupt;
        QTest::newRow("jp2 truncated to 90%") << jp2.left(jp2.size() * 9 / 10) << corrupt;
        QTest::newRow("jp2 signature only") << jp2.left(12) << corrupt;
        QTest::newRow("jp2 header cut") << jp2.left(60) << corrupt;
        QTest::newRow("j2k truncated to half") << j2k.left(j2k.size() / 2) << corrupt;
        QTest::newRow("j2k SOC and SIZ marker only") << j2k.left(4) << corrupt;
        QByteArray garbage = jp2.left(12);
        garbage += gh::test::encodeWithQt(quadrantImage(QSize(30, 20)), "png");
        QTest::newRow("jp2 signature, then garbage") << garbage << corrupt;
        QTest::newRow("not jpeg 2000") << QByteArray("hello") << int(gh::ErrorCode::Unsupported);
    }
    void damaged()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        const QString path = write(QStringLiteral("damaged-%1.jp2")
                                       .arg(QString::fromUtf8(QTest::currentDataTag()).replace(u' ', u'-')),
                                   bytes);
        Jp2Codec::DecodeOptions options;
        options.minimumSize = 64;
        const auto decoded = Jp2Codec::decodeFile(path, options);
        QVERIFY(!decoded.ok());
        QCOMPARE(int(decoded.error().code), code);
        QVERIFY2(decoded.error().message.contains(path), qPrintable(decoded.error().message));
    }

    // Damage inside entropy-coded data is not always detectable (the image then decodes to noise), but it
    // must never crash or return an image of the wrong size.
    void scrambledTileData()
    {
        const QByteArray jp2 = *Jp2Codec::encode(quadrantImage(QSize(300, 200)));
        for (int seed = 1; seed <= 8; ++seed) {
            QByteArray scrambled = jp2;
            for (qsizetype i = jp2.size() / 3 + seed; i < jp2.size(); i += 5 + seed)
                scrambled[i] = char(scrambled[i] ^ (0x35 * seed));
            const auto decoded = Jp2Codec::decodeFile(
                write(QStringLiteral("scrambled-%1.jp2").arg(seed), scrambled), fullResolution());
            if (decoded.ok())
                QCOMPARE(decoded->image.size(), QSize(300, 200));
            else
                QCOMPARE(decoded.error().code, gh::ErrorCode::Corrupt);
        }
    }

    void missingFile()
    {
        const auto decoded =
            Jp2Codec::decodeFile(m_dir.filePath(QStringLiteral("nope.jp2")), fullResolution());
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, gh::ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestJp2Codec)
#include "tst_jp2codec.moc"
