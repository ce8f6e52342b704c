#pragma once

#include <QSize>
#include <QString>

namespace gh::test {

//! How runGridScale() exercises the grid.
struct GridScaleOptions
{
    QString workDir;         //!< Where the image files are written (reused when present).
    int rows = 100000;       //!< Rows in the model.
    int distinctFiles = 300; //!< Real image files the rows point at (JPEG and PNG alternately).
    QSize imageSize{800, 600};
    QSize viewSize{1200, 800};
    int batchRows = 2000;  //!< Rows per appendFiles(), as the engine delivers them.
    int scrollSteps = 100; //!< Positions from top to bottom.
    int stepWaitMs = 40;   //!< Event-loop time at each position.
    int pixmapCacheLimit = 2000;
};

//! What runGridScale() measured. Times in milliseconds.
struct GridScaleReport
{
    bool ok = false;
    QString error;
    double populateMs = 0;       //!< Appending every row, in batches, including the views' handling.
    double maxAppendMs = 0;      //!< Longest appendFiles() of one batch, with the views' handling.
    double maxGapPopulateMs = 0; //!< Longest gap between ticks while the rows were appended.
    double layoutMs = 0;       //!< Upper bound: by then (from the reset) the layout had reached the last row.
    double firstScreenMs = -1; //!< From the model reset to every thumbnail on the first screen shown.
    double maxGapLoadMs =
        0; //!< Longest gap between 5 ms ticks while populating and loading the first screen.
    double maxGapScrollMs = 0; //!< Longest gap while scrolling top to bottom as thumbnails load.
    int ticks = 0;
    int maxCachedPixmaps = 0;
    int pixmapCacheLimit = 0;
    int maxQueued = 0;         //!< Most requests waiting in the loader at once.
    qint64 cancelled = 0;      //!< Requests cancelled because their rows left the screen.
    bool farOffPending = true; //!< Whether the first row's request was still pending at the bottom.
    double lastScreenMs = -1;  //!< From the last scroll step to the bottom screen's thumbnails shown.
    qint64 peakRssKb = 0;
};

/*!
    Opens a model of \a options.rows files (pointing at a few hundred real images) in a shown ThumbnailView,
    waits for the first screen, then scrolls to the bottom in steps while thumbnails load, measuring the GUI
    thread's event-loop latency with a 5 ms timer throughout.
*/
GridScaleReport runGridScale(const GridScaleOptions &options);

//! The report as lines for qInfo() or stdout.
QString describe(const GridScaleReport &report);

} // namespace gh::test
