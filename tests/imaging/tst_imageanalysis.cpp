#include <cstring>

#include <QTemporaryDir>
#include <QTest>

#include "imaging/imageanalysis.h"
#include "imaging/jp2codec.h"
#include "imagingtestdata.h"
#include "testsupport.h"

using namespace gh;

// Pixel sizes from headers (what the metadata pane shows) and the statistics QA judges pages by.

class TestImageAnalysis : public QObject
{
    Q_OBJECT

private slots:
    void probeReadsHeadersOnly();
    void probeErrorsSayWhy();
    void statisticsOfAReducedDecode();
    void luminanceOfColour();
    void peakIgnoresASpikeAtOneValue();
};

void TestImageAnalysis::probeReadsHeadersOnly()
{
    QTemporaryDir dir;
    const QImage page = test::quadrantImage({1200, 900}, true);
    auto jp2 = Jp2Codec::encode(page);
    QVERIFY(jp2);
    // Cut after the main header: the size is still known, as nothing is decoded.
    const QString cut = dir.filePath(QStringLiteral("cut.jp2"));
    test::writeFile(cut, jp2->left(jp2->size() / 3));
    auto size = ImageProbe::pixelSize(cut);
    QVERIFY2(size, qPrintable(size ? QString() : size.error().message));
    QCOMPARE(*size, QSize(1200, 900));
    auto info = Jp2Codec::readInfo(cut);
    QVERIFY(info);
    QVERIFY(info->image.isNull());
    QCOMPARE(info->components, 1);
    QVERIFY(info->resolutions > 1);

    const QString png = dir.filePath(QStringLiteral("p.png"));
    test::writeFile(png, test::encodeWithQt(test::quadrantImage({64, 48}), "png"));
    QCOMPARE(*ImageProbe::pixelSize(png), QSize(64, 48));
}

void TestImageAnalysis::probeErrorsSayWhy()
{
    QTemporaryDir dir;
    auto missing = ImageProbe::pixelSize(dir.filePath(QStringLiteral("none.jp2")));
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY(missing.error().message.contains(QStringLiteral("none.jp2")));
    const QString text = dir.filePath(QStringLiteral("t.png"));
    test::writeFile(text, "not an image");
    auto notImage = ImageProbe::pixelSize(text);
    QVERIFY(!notImage);
    QVERIFY(notImage.error().message.contains(QStringLiteral("t.png")));
}

void TestImageAnalysis::statisticsOfAReducedDecode()
{
    QTemporaryDir dir;
    QImage page(3000, 2400, QImage::Format_Grayscale8);
    page.fill(200);
    for (int y = 0; y < 600; ++y)
        std::memset(page.scanLine(y), 20, size_t(page.width())); // a quarter of the page dark
    Jp2Codec::EncodeOptions options;
    options.resolutions = 6;
    auto jp2 = Jp2Codec::encode(page, options);
    QVERIFY(jp2);
    const QString path = dir.filePath(QStringLiteral("page.jp2"));
    test::writeFile(path, *jp2);
    ImageStatisticsAnalyser analyser;
    QVERIFY(analyser.handles(jp2->left(64), QStringLiteral("image/jp2")));
    QVERIFY(!analyser.handles("<?xml version=\"1.0\"?>", QStringLiteral("application/xml")));
    const ImageStatistics s = analyser.analyse(path, 512);
    QVERIFY2(s.decoded(), qPrintable(s.error));
    QCOMPARE(s.format, QStringLiteral("jp2"));
    QCOMPARE(s.width, 3000);
    QCOMPARE(s.height, 2400);
    // The largest reduction that keeps the longer side at 512 or more: 3000 / 4 = 750; / 8 = 375 is too
    // small.
    QCOMPARE(s.reduction, 2);
    QCOMPARE(s.sampleWidth, 750);
    QCOMPARE(s.sampleHeight, 600);
    QCOMPARE(s.pixelCount(), quint64(750 * 600));
    QCOMPARE(s.peak(), 200);
    QVERIFY(qAbs(s.fractionAtOrBelow(32) - 0.25) < 0.01);
    QVERIFY(qAbs(s.mean() - (0.25 * 20 + 0.75 * 200)) < 1);

    const QString broken = dir.filePath(QStringLiteral("broken.jp2"));
    test::writeFile(broken, jp2->left(jp2->size() / 2));
    const ImageStatistics b = analyser.analyse(broken, 512);
    QVERIFY(!b.decoded());
    QVERIFY2(b.error.contains(QStringLiteral("broken.jp2")), qPrintable(b.error));
    QCOMPARE(b.pixelCount(), quint64(0));
}

void TestImageAnalysis::luminanceOfColour()
{
    QImage image(10, 10, QImage::Format_RGB32);
    image.fill(QColor(255, 0, 0));
    ImageStatistics s;
    ImageStatisticsAnalyser::measure(image, s);
    QCOMPARE(s.pixelCount(), quint64(100));
    QCOMPARE(s.peak(), 76); // BT.601: 0.299 × 255
    image.fill(QColor(0, 0, 255));
    ImageStatisticsAnalyser::measure(image, s);
    QCOMPARE(s.peak(), 29);
    QCOMPARE(s.sampleWidth, 10);
}

void TestImageAnalysis::peakIgnoresASpikeAtOneValue()
{
    // Paper spread over a few values by its grain outweighs a black frame that is all one value.
    ImageStatistics s;
    for (int v = 226; v <= 234; ++v)
        s.histogram[size_t(v)] = 1000;
    s.histogram[5] = 2500;
    QCOMPARE(s.peak(), 226);
    s.histogram[230] = 1100;
    QCOMPARE(s.peak(), 230);
    QCOMPARE(ImageStatistics{}.peak(), -1);
    // The catalog's text form round-trips and refuses anything else.
    ImageStatistics back;
    QVERIFY(back.setHistogramText(s.histogramText()));
    QCOMPARE(back.histogram, s.histogram);
    QVERIFY(!back.setHistogramText(QStringLiteral("1,2,3")));
    QVERIFY(!back.setHistogramText(QString(s.histogramText() + QStringLiteral(",1"))));
}

QTEST_MAIN(TestImageAnalysis)
#include "tst_imageanalysis.moc"
