// ThumbnailView at scale: 100,000 rows (pointing at a few hundred real images) populate quickly, the grid
// stays responsive while it is scrolled top to bottom as thumbnails load, keeps at most its cap of pixmaps
// in memory, and cancels requests for rows scrolled far away. The bounds are generous sanity limits, not
// timings: tests/bench/gui.sh measures against the goals.

#include <QTemporaryDir>
#include <QTest>

#include "gridscale.h"

using namespace gh::test;

class TestThumbnailScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hundredThousandRows()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        GridScaleOptions options;
        options.workDir = dir.path();
        options.rows = 100000;
        options.distinctFiles = 200;
        options.imageSize = QSize(320, 240);
        options.viewSize = QSize(900, 600);
        options.scrollSteps = 60;
        options.stepWaitMs = 30;
        // Small enough that scrolling 100,000 rows must evict.
        options.pixmapCacheLimit = 120;
        const GridScaleReport report = runGridScale(options);
        QVERIFY2(report.ok, qPrintable(report.error));
        qInfo().noquote() << describe(report);

        QVERIFY2(report.populateMs < 30000, "populating 100,000 rows took more than 30 s");
        QVERIFY2(report.firstScreenMs < 30000, "the first screen took more than 30 s");
        QVERIFY2(report.maxGapLoadMs < 500, "the GUI thread was blocked for 500 ms or more while loading");
        QVERIFY2(report.maxGapScrollMs < 500,
                 "the GUI thread was blocked for 500 ms or more while scrolling");
        QVERIFY(report.maxCachedPixmaps <= report.pixmapCacheLimit);
        // Scrolling through 100,000 rows fills the cache; the cap, not luck, kept it small.
        QCOMPARE(report.maxCachedPixmaps, report.pixmapCacheLimit);
        QVERIFY(report.cancelled > 0);
        QVERIFY(!report.farOffPending);
        // The loader's queue stays near the screen: a few screens' worth, never the model.
        QVERIFY2(report.maxQueued < 1000, qPrintable(QString::number(report.maxQueued)));
    }
};

QTEST_MAIN(TestThumbnailScale)
#include "tst_thumbnailscale.moc"
