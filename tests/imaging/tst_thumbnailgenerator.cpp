// ThumbnailGenerator: every supported format decoded to an exactly sized thumbnail with the right colours,
// dispatch by content, EXIF orientation, no upscaling, the JPEG 2000 reduction, damaged and unsupported
// files, and concurrent use.

#include <QCryptographicHash>
#include <QFile>
#include <QImageReader>
#include <QMutex>
#include <QMutexLocker>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include "imaging/jp2codec.h"
#include "imaging/thumbnailgenerator.h"
#include "imagingtestdata.h"
#include "testsupport.h"

using gh::ThumbnailGenerator;
using Format = gh::ThumbnailGenerator::SourceFormat;
using namespace gh::test;

Q_DECLARE_METATYPE(gh::ThumbnailGenerator::SourceFormat)

namespace {

QByteArray jp2Bytes(const QImage &image, bool codestream = false, float ratio = 0)
{
    gh::Jp2Codec::EncodeOptions options;
    options.codestreamOnly = codestream;
    options.compressionRatio = ratio;
    const auto encoded = gh::Jp2Codec::encode(image, options);
    return encoded.ok() ? *encoded : QByteArray();
}

} // namespace

class TestThumbnailGenerator : public QObject
{
    Q_OBJECT

private:
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return writeBytes(path, bytes) ? path : QString();
    }
    static QString message(const gh::Result<ThumbnailGenerator::Thumbnail> &result)
    {
        return result.ok() ? QString() : result.error().message;
    }

    QTemporaryDir m_dir;
    int m_counter = 0;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void sniff_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<Format>("format");
        QTest::newRow("jpeg") << QByteArray("\xFF\xD8\xFF\xE0\0\x10JFIF", 10) << Format::Jpeg;
        QTest::newRow("png") << QByteArray("\x89PNG\r\n\x1A\n\0\0", 10) << Format::Png;
        QTest::newRow("gif") << QByteArray("GIF89a\x01\0") << Format::Gif;
        QTest::newRow("tiff le") << QByteArray("II*\0\x08\0\0\0", 8) << Format::Tiff;
        QTest::newRow("tiff be") << QByteArray("MM\0*\0\0\0\x08", 8) << Format::Tiff;
        QTest::newRow("bigtiff") << QByteArray("II+\0\x08\0\0\0", 8) << Format::Tiff;
        QTest::newRow("webp") << QByteArray("RIFF\x10\0\0\0WEBPVP8 ", 16) << Format::WebP;
        QTest::newRow("riff wave") << QByteArray("RIFF\x10\0\0\0WAVEfmt ", 16) << Format::Unknown;
        QTest::newRow("bmp") << QByteArray("BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18) << Format::Bmp;
        QTest::newRow("text starting BM") << QByteArray("BMW and Mercedes are cars\n") << Format::Unknown;
        QTest::newRow("jp2") << QByteArray("\0\0\0\x0CjP  \r\n\x87\n", 12) << Format::Jp2;
        QTest::newRow("j2k") << QByteArray("\xFF\x4F\xFF\x51", 4) << Format::J2kCodestream;
        QTest::newRow("pdf") << QByteArray("%PDF-1.7\n") << Format::Pdf;
        QTest::newRow("pdf after junk") << QByteArray(300, ' ') + "%PDF-1.4\n" << Format::Pdf;
        QTest::newRow("xml") << QByteArray("<?xml version=\"1.0\"?><mix/>") << Format::Unknown;
        QTest::newRow("empty") << QByteArray() << Format::Unknown;
    }
    void sniff()
    {
        QFETCH(QByteArray, header);
        QFETCH(Format, format);
        QCOMPARE(ThumbnailGenerator::sniff(header), format);
    }

    void fittedSize_data()
    {
        QTest::addColumn<QSize>("source");
        QTest::addColumn<int>("size");
        QTest::addColumn<QSize>("fitted");
        QTest::newRow("portrait") << QSize(4000, 5000) << 256 << QSize(205, 256);
        QTest::newRow("landscape") << QSize(640, 480) << 128 << QSize(128, 96);
        QTest::newRow("square") << QSize(300, 300) << 100 << QSize(100, 100);
        QTest::newRow("smaller: never upscaled") << QSize(64, 48) << 256 << QSize(64, 48);
        QTest::newRow("equal") << QSize(256, 10) << 256 << QSize(256, 10);
        QTest::newRow("sliver keeps a pixel") << QSize(10000, 3) << 100 << QSize(100, 1);
    }
    void fittedSize()
    {
        QFETCH(QSize, source);
        QFETCH(int, size);
        QFETCH(QSize, fitted);
        QCOMPARE(ThumbnailGenerator::fittedSize(source, size), fitted);
    }

    // Every format: exact thumbnail size, RGB32, and the colour of each quadrant. Files have no extension,
    // so dispatch can only be by content.
    void formats_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<Format>("format");
        QTest::addColumn<bool>("gray");
        QTest::addColumn<int>("tolerance");
        QTest::addColumn<QSize>("expected");
        const QImage colour = quadrantImage(QSize(640, 480));
        const QImage gray = quadrantImage(QSize(640, 480), true);
        QTest::newRow("png") << encodeWithQt(colour, "png") << Format::Png << false << 0 << QSize(128, 96);
        QTest::newRow("jpeg") << encodeWithQt(colour, "jpeg", 90) << Format::Jpeg << false << 8
                              << QSize(128, 96);
        QTest::newRow("tiff") << encodeWithQt(colour, "tiff") << Format::Tiff << false << 0 << QSize(128, 96);
        QTest::newRow("webp") << encodeWithQt(colour, "webp", 90) << Format::WebP << false << 8
                              << QSize(128, 96);
        QTest::newRow("gif") << encodeGif(colour) << Format::Gif << false << 0 << QSize(128, 96);
        QTest::newRow("bmp") << encodeWithQt(colour, "bmp") << Format::Bmp << false << 0 << QSize(128, 96);
        QTest::newRow("jp2 rgb") << jp2Bytes(colour) << Format::Jp2 << false << 0 << QSize(128, 96);
        QTest::newRow("jp2 rgb lossy")
            << jp2Bytes(colour, false, 20) << Format::Jp2 << false << 6 << QSize(128, 96);
        QTest::newRow("jp2 gray") << jp2Bytes(gray) << Format::Jp2 << true << 0 << QSize(128, 96);
        QTest::newRow("j2k codestream")
            << jp2Bytes(colour, true) << Format::J2kCodestream << false << 0 << QSize(128, 96);
        QTest::newRow("pdf") << quadrantPdf() << Format::Pdf << false << 2
                             << QSize(90, 128); // A4 in whole points: 595×842
    }
    void formats()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(Format, format);
        QFETCH(bool, gray);
        QFETCH(int, tolerance);
        QFETCH(QSize, expected);
        QVERIFY(!bytes.isEmpty());
        const QString path = write(QStringLiteral("format-%1").arg(++m_counter), bytes);
        ThumbnailGenerator::Options options;
        options.size = 128;
        const auto thumbnail = ThumbnailGenerator::generate(path, options);
        QVERIFY2(thumbnail.ok(), qPrintable(message(thumbnail)));
        QCOMPARE(thumbnail->format, format);
        QCOMPARE(thumbnail->image.size(), expected);
        QCOMPARE(thumbnail->image.format(), QImage::Format_RGB32);
        QString why;
        QVERIFY2(quadrantsMatch(thumbnail->image, gray, tolerance, &why), qPrintable(why));

        // The plain API gives the same image.
        const auto plain = ThumbnailGenerator::generate(path, 128);
        QVERIFY(plain.ok());
        QCOMPARE(plain->size(), expected);
    }

    void exifOrientation()
    {
        // Stored landscape, EXIF says "rotate 90° clockwise": the thumbnail is portrait and the stored
        // top-left quadrant ends up top-right.
        const QByteArray jpeg =
            withExifOrientation(encodeWithQt(quadrantImage(QSize(640, 480)), "jpeg", 92), 6);
        const QString path = write(QStringLiteral("rotated.jpg"), jpeg);
        QCOMPARE(QImageReader(path).transformation(), QImageIOHandler::TransformationRotate90);
        const auto thumbnail = ThumbnailGenerator::generate(path, ThumbnailGenerator::Options{128, {}, 0});
        QVERIFY2(thumbnail.ok(), qPrintable(message(thumbnail)));
        QCOMPARE(thumbnail->image.size(), QSize(96, 128));
        QCOMPARE(thumbnail->sourceSize, QSize(480, 640));
        const QImage &image = thumbnail->image;
        const auto near = [](QColor a, QColor b) {
            return std::abs(a.red() - b.red()) < 10 && std::abs(a.green() - b.green()) < 10 &&
                   std::abs(a.blue() - b.blue()) < 10;
        };
        QVERIFY(near(image.pixelColor(72, 32), quadrantColor(TopLeft, false)));
        QVERIFY(near(image.pixelColor(72, 96), quadrantColor(TopRight, false)));
        QVERIFY(near(image.pixelColor(24, 32), quadrantColor(BottomLeft, false)));
    }

    void neverUpscales_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QImage small = quadrantImage(QSize(64, 48));
        QTest::newRow("png") << encodeWithQt(small, "png");
        QTest::newRow("jpeg") << encodeWithQt(small, "jpeg", 95);
        QTest::newRow("jp2") << jp2Bytes(small);
    }
    void neverUpscales()
    {
        QFETCH(QByteArray, bytes);
        const QString path = write(QStringLiteral("small-%1").arg(++m_counter), bytes);
        const auto thumbnail = ThumbnailGenerator::generate(path, 256);
        QVERIFY2(thumbnail.ok(), qPrintable(thumbnail.ok() ? QString() : thumbnail.error().message));
        QCOMPARE(thumbnail->size(), QSize(64, 48));
    }

    void alphaIsKept()
    {
        QImage image(200, 100, QImage::Format_ARGB32);
        image.fill(Qt::transparent);
        for (int y = 0; y < 100; ++y) {
            for (int x = 0; x < 100; ++x)
                image.setPixel(x, y, qRgba(200, 40, 40, 255));
        }
        const auto thumbnail =
            ThumbnailGenerator::generate(write(QStringLiteral("alpha.png"), encodeWithQt(image, "png")), 100);
        QVERIFY(thumbnail.ok());
        QCOMPARE(thumbnail->format(), QImage::Format_ARGB32);
        QCOMPARE(thumbnail->size(), QSize(100, 50));
        QCOMPARE(qAlpha(thumbnail->pixel(20, 25)), 255);
        QCOMPARE(qAlpha(thumbnail->pixel(80, 25)), 0);
    }

    // A 4000×5000 page: 256 px needs resolution reduction 4 (250×313 decoded), never a full decode.
    void jp2UsesReducedResolution()
    {
        const QString path =
            write(QStringLiteral("page-4000x5000"), jp2Bytes(quadrantImage(QSize(4000, 5000), true)));
        const auto thumbnail = ThumbnailGenerator::generate(path, ThumbnailGenerator::Options{256, {}, 0});
        QVERIFY2(thumbnail.ok(), qPrintable(message(thumbnail)));
        QCOMPARE(thumbnail->format, Format::Jp2);
        QCOMPARE(thumbnail->jp2Reduction, 4);
        QCOMPARE(thumbnail->sourceSize, QSize(4000, 5000));
        QCOMPARE(thumbnail->image.size(), QSize(205, 256));
        QString why;
        QVERIFY2(quadrantsMatch(thumbnail->image, true, 2, &why), qPrintable(why));

        // Bigger thumbnails discard fewer levels.
        const auto large = ThumbnailGenerator::generate(path, ThumbnailGenerator::Options{1000, {}, 0});
        QVERIFY(large.ok());
        QCOMPARE(large->jp2Reduction, 2);
        QCOMPARE(large->image.size(), QSize(800, 1000));
    }

    // opj_compress is the encoder vendors actually use; its defaults must decode too (16-bit input here).
    void jp2FromOpjCompress()
    {
        const QString opjCompress = QStandardPaths::findExecutable(QStringLiteral("opj_compress"));
        QVERIFY2(!opjCompress.isEmpty(),
                 "opj_compress is not installed (scripts/setup.sh installs libopenjp2-tools)");
        const QImage gray = quadrantImage(QSize(300, 200), true);
        QByteArray pgm = "P5\n300 200\n65535\n";
        for (int y = 0; y < 200; ++y) {
            for (int x = 0; x < 300; ++x) {
                const int value = qGray(gray.pixel(x, y)) * 257;
                pgm += char(value >> 8);
                pgm += char(value & 0xFF);
            }
        }
        const QString input = write(QStringLiteral("deep.pgm"), pgm);
        const QString output = m_dir.filePath(QStringLiteral("deep.jp2"));
        QProcess process;
        process.start(opjCompress, {QStringLiteral("-i"), input, QStringLiteral("-o"), output});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const auto thumbnail = ThumbnailGenerator::generate(output, ThumbnailGenerator::Options{100, {}, 0});
        QVERIFY2(thumbnail.ok(), qPrintable(message(thumbnail)));
        QCOMPARE(thumbnail->image.size(), QSize(100, 67));
        QString why;
        QVERIFY2(quadrantsMatch(thumbnail->image, true, 2, &why), qPrintable(why));
    }

    // Damaged files of every format give an Error naming the file, never a crash or a half-grey image.
    void damaged_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        const QImage colour = quadrantImage(QSize(320, 240));
        const int corrupt = int(gh::ErrorCode::Corrupt);
        const QList<QPair<const char *, QByteArray>> files = {
            {"png", encodeWithQt(colour, "png")},
            {"jpeg", encodeWithQt(colour, "jpeg", 90)},
            {"tiff", encodeWithQt(colour, "tiff")},
            {"webp", encodeWithQt(colour, "webp", 90)},
            {"gif", encodeGif(colour)},
            {"bmp", encodeWithQt(colour, "bmp")},
            {"jp2", jp2Bytes(colour)},
            {"j2k", jp2Bytes(colour, true)},
            {"pdf", quadrantPdf()},
        };
        for (const auto &[name, bytes] : files) {
            QTest::addRow("%s truncated to half", name) << bytes.left(bytes.size() / 2) << corrupt;
            QTest::addRow("%s header only", name) << bytes.left(24) << corrupt;
            // The magic bytes, then someone else's data.
            QTest::addRow("%s magic then garbage", name)
                << bytes.left(32) + gh::test::pseudoRandomBytes(4096, quint64(bytes.size())) << corrupt;
        }
        QTest::newRow("pdf with broken objects")
            << QByteArray("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 "
                          "0 R >>\n%%EOF\n")
            << corrupt;
    }
    void damaged()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        const QString path = write(QStringLiteral("damaged-%1").arg(++m_counter), bytes);
        const auto thumbnail = ThumbnailGenerator::generate(path, ThumbnailGenerator::Options{64, {}, 1});
        QVERIFY2(!thumbnail.ok(), "a damaged file gave a thumbnail");
        QCOMPARE(int(thumbnail.error().code), code);
        QVERIFY2(thumbnail.error().message.contains(path), qPrintable(thumbnail.error().message));
    }

    void encryptedPdf()
    {
        const QString path = write(QStringLiteral("locked.pdf"), gh::test::encryptedPdf());
        const auto thumbnail = ThumbnailGenerator::generate(path, 128);
        QVERIFY(!thumbnail.ok());
        QCOMPARE(thumbnail.error().code, gh::ErrorCode::Unsupported);
        QVERIFY2(thumbnail.error().message.contains(path), qPrintable(thumbnail.error().message));
        QVERIFY2(thumbnail.error().message.contains(QStringLiteral("password")),
                 qPrintable(thumbnail.error().message));
    }

    void unsupportedAndMissing()
    {
        const QString xml = write(QStringLiteral("page.mix.xml"), "<?xml version=\"1.0\"?><mix/>");
        auto result = ThumbnailGenerator::generate(xml, 128);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, gh::ErrorCode::Unsupported);
        QVERIFY(result.error().message.contains(xml));

        // A PNG named .jp2 is still a PNG: the name never decides.
        const QString misnamed =
            write(QStringLiteral("really-a-png.jp2"), encodeWithQt(quadrantImage(QSize(64, 64)), "png"));
        const auto png = ThumbnailGenerator::generate(misnamed, ThumbnailGenerator::Options{32, {}, 0});
        QVERIFY(png.ok());
        QCOMPARE(png->format, Format::Png);

        // The catalog's mimetype rules out non-images without reading them (the file does not even exist).
        result = ThumbnailGenerator::generate(m_dir.filePath(QStringLiteral("absent.xml")), 128,
                                              QStringLiteral("text/xml"));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, gh::ErrorCode::Unsupported);
        QVERIFY(ThumbnailGenerator::mayHaveThumbnail(QStringLiteral("image/jp2")));
        QVERIFY(ThumbnailGenerator::mayHaveThumbnail(QStringLiteral("application/pdf")));
        QVERIFY(ThumbnailGenerator::mayHaveThumbnail(QString()));
        QVERIFY(!ThumbnailGenerator::mayHaveThumbnail(QStringLiteral("application/xml")));

        result = ThumbnailGenerator::generate(m_dir.filePath(QStringLiteral("absent.png")), 128);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, gh::ErrorCode::NotFound);

        result = ThumbnailGenerator::generate(write(QStringLiteral("empty.png"), QByteArray()), 128);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, gh::ErrorCode::Corrupt);

        result = ThumbnailGenerator::generate(misnamed, 0);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, gh::ErrorCode::Usage);
    }

    // The loader calls generate() from a pool; every decoder must be reentrant.
    void concurrentUse()
    {
        const QImage colour = quadrantImage(QSize(800, 600));
        const QStringList paths = {
            write(QStringLiteral("c1"), encodeWithQt(colour, "jpeg", 90)),
            write(QStringLiteral("c2"), jp2Bytes(colour)),
            write(QStringLiteral("c3"), quadrantPdf()),
            write(QStringLiteral("c4"), encodeWithQt(colour, "png")),
            write(QStringLiteral("c5"), encodeWithQt(colour, "webp", 90)),
            write(QStringLiteral("c6"), encodeWithQt(colour, "tiff")),
        };
        QThreadPool pool;
        pool.setMaxThreadCount(6);
        QMutex mutex;
        QStringList failures;
        for (int round = 0; round < 4; ++round) {
            for (const QString &path : paths) {
                pool.start([&, path] {
                    const auto thumbnail = ThumbnailGenerator::generate(path, 96);
                    QString why;
                    if (!thumbnail.ok() || !quadrantsMatch(*thumbnail, false, 10, &why)) {
                        QMutexLocker locker(&mutex);
                        failures.append(path + u": " + (thumbnail.ok() ? why : thumbnail.error().message));
                    }
                });
            }
        }
        pool.waitForDone();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
    }
};

QTEST_MAIN(TestThumbnailGenerator)
#include "tst_thumbnailgenerator.moc"
