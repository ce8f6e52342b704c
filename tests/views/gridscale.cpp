#include "gridscale.h"

#include <algorithm>
#include <sys/resource.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QScrollBar>
#include <QTest>
#include <QTimer>

#include "imaging/thumbnailloader.h"
#include "ui/filetablemodel.h"
#include "ui/thumbnailview.h"
#include "viewsamples.h"

namespace gh::test {

namespace {

// Measures the GUI thread's responsiveness: the longest time between ticks of a 5 ms timer.
class GapMeter
{
public:
    GapMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const double now = m_clock.nsecsElapsed() / 1e6;
            m_max = std::max(m_max, now - m_last);
            m_last = now;
            ++m_ticks;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    //! The longest gap since the last call, then starts a new phase.
    double takeMax()
    {
        const double now = m_clock.nsecsElapsed() / 1e6;
        const double max = std::max(m_max, now - m_last);
        m_max = 0;
        m_last = now;
        return max;
    }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_last = 0;
    double m_max = 0;
    int m_ticks = 0;
};

qint64 peakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

GridScaleReport runGridScale(const GridScaleOptions &options)
{
    GridScaleReport report;
    report.pixmapCacheLimit = options.pixmapCacheLimit;
    QDir().mkpath(options.workDir);
    QList<SampleFile> files;
    for (int i = 0; i < options.distinctFiles; ++i) {
        const bool jpeg = i % 2 == 0;
        const QString path = QDir(options.workDir)
                                 .filePath(QStringLiteral("image-%1.%2")
                                               .arg(i, 4, 10, QLatin1Char('0'))
                                               .arg(jpeg ? QStringLiteral("jpg") : QStringLiteral("png")));
        if (QFileInfo(path).size() > 0) {
            files.append(SampleFile{path, jpeg ? QStringLiteral("image/jpeg") : QStringLiteral("image/png"),
                                    options.imageSize});
            continue;
        }
        const QColor colour = QColor::fromHsv((i * 37) % 360, 200, 220);
        const SampleFile sample =
            writeSample(path, solidImage(options.imageSize, colour), jpeg ? "jpeg" : "png");
        if (sample.path.isEmpty()) {
            report.error = QStringLiteral("Could not write %1.").arg(path);
            return report;
        }
        files.append(sample);
    }
    QList<QList<FileRecord>> batches;
    for (int row = 0; row < options.rows; row += options.batchRows) {
        QList<FileRecord> batch;
        const int end = std::min(options.rows, row + options.batchRows);
        batch.reserve(end - row);
        for (int r = row; r < end; ++r) {
            const SampleFile &sample = files.at(r % files.size());
            // Two pages per item, like a run of double-sided scans.
            batch.append(sampleRecord(1, r + 1, r / 2 + 1,
                                      QStringLiteral("scan-%1.%2")
                                          .arg(r, 6, 10, QLatin1Char('0'))
                                          .arg(QFileInfo(sample.path).suffix()),
                                      sample));
        }
        batches.append(std::move(batch));
    }

    FileTableModel model;
    ThumbnailView view;
    view.setPixmapCacheLimit(options.pixmapCacheLimit);
    view.setModel(&model);
    view.resize(options.viewSize);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) {
        report.error = QStringLiteral("The grid was never shown.");
        return report;
    }

    GapMeter gaps;
    QElapsedTimer clock;
    QObject::connect(&view, &ThumbnailView::visibleThumbnailsLoaded, &view, [&] {
        if (report.firstScreenMs < 0)
            report.firstScreenMs = clock.nsecsElapsed() / 1e6;
    });
    gaps.start();
    clock.start();
    model.reset(1);
    for (const QList<FileRecord> &batch : std::as_const(batches)) {
        const qint64 before = clock.nsecsElapsed();
        model.appendFiles(batch);
        report.maxAppendMs = std::max(report.maxAppendMs, (clock.nsecsElapsed() - before) / 1e6);
        // The engine's batches arrive as queued signals: the event loop runs between them.
        QCoreApplication::processEvents();
    }
    report.populateMs = clock.nsecsElapsed() / 1e6;
    report.maxGapPopulateMs = gaps.takeMax();
    if (!QTest::qWaitFor([&] { return report.firstScreenMs >= 0; }, 60000)) {
        report.error = QStringLiteral("The first screen of thumbnails never finished loading.");
        return report;
    }
    report.maxGapLoadMs = std::max(report.maxGapPopulateMs, gaps.takeMax());

    // The batched layout of every row must finish before the scroll range is final.
    QScrollBar *bar = view.verticalScrollBar();
    const QModelIndex lastIndex = model.index(options.rows - 1, view.modelColumn());
    const bool laidOut = QTest::qWaitFor([&] { return view.visualRect(lastIndex).isValid(); }, 60000);
    report.layoutMs = clock.nsecsElapsed() / 1e6;
    if (!laidOut) {
        report.error = QStringLiteral("The grid never finished laying out its rows.");
        return report;
    }
    gaps.takeMax();
    const QString firstKey = QString::number(model.file(0)->id);
    for (int step = 1; step <= options.scrollSteps; ++step) {
        bar->setValue(int(qint64(bar->maximum()) * step / options.scrollSteps));
        QTest::qWait(options.stepWaitMs);
        report.maxCachedPixmaps = std::max(report.maxCachedPixmaps, view.cachedPixmapCount());
        report.maxQueued = std::max(report.maxQueued, view.loader()->queuedCount());
    }
    clock.restart();
    bool bottomLoaded = false;
    QObject::connect(&view, &ThumbnailView::visibleThumbnailsLoaded, &view, [&] { bottomLoaded = true; });
    if (!QTest::qWaitFor([&] { return bottomLoaded && view.visibleRows().second == options.rows - 1; },
                         60000)) {
        const auto [first, last] = view.visibleRows();
        report.error =
            QStringLiteral("The last screen of thumbnails never finished loading (rows %1-%2 on screen, "
                           "scrolled to %3 of %4, %5 queued, %6 running).")
                .arg(first)
                .arg(last)
                .arg(bar->value())
                .arg(bar->maximum())
                .arg(view.loader()->queuedCount())
                .arg(view.loader()->runningCount());
        return report;
    }
    report.lastScreenMs = clock.nsecsElapsed() / 1e6;
    report.maxGapScrollMs = gaps.takeMax();
    report.maxCachedPixmaps = std::max(report.maxCachedPixmaps, view.cachedPixmapCount());
    report.cancelled = view.cancelledRequestCount();
    report.farOffPending = view.loader()->isPending(firstKey);
    report.ticks = gaps.ticks();
    report.peakRssKb = peakRssKb();
    report.ok = true;
    return report;
}

QString describe(const GridScaleReport &r)
{
    return QStringLiteral(
               "populate %1 ms (longest batch %13 ms, GUI gap %14 ms); first screen of thumbnails %2 ms; max "
               "GUI-thread gap while loading "
               "%3 ms, while scrolling %4 ms (%5 ticks of 5 ms); bottom screen %6 ms after the last "
               "step; pixmaps cached at most %7 of %8; loader queue at most %9; %10 far-off requests "
               "cancelled; peak RSS %11 MB; every row laid out by %12 ms after the reset")
        .arg(r.populateMs, 0, 'f', 1)
        .arg(r.firstScreenMs, 0, 'f', 1)
        .arg(r.maxGapLoadMs, 0, 'f', 1)
        .arg(r.maxGapScrollMs, 0, 'f', 1)
        .arg(r.ticks)
        .arg(r.lastScreenMs, 0, 'f', 1)
        .arg(r.maxCachedPixmaps)
        .arg(r.pixmapCacheLimit)
        .arg(r.maxQueued)
        .arg(r.cancelled)
        .arg(r.peakRssKb / 1024.0, 0, 'f', 0)
        .arg(r.layoutMs, 0, 'f', 1)
        .arg(r.maxAppendMs, 0, 'f', 1)
        .arg(r.maxGapPopulateMs, 0, 'f', 1);
}

} // namespace gh::test
