// The main window opening a large batch on a real catalog (tests/bench/scale.sh): the window is made on
// CATALOG and STORE as `gatehouse --catalog … --store …` would be, selects the newest batch by itself and
// fills the file table from the engine. Measures, on the GUI thread:
//   - the time from making the window to the first paint of the file table with rows in it,
//   - the time until every one of the batch's FILES rows is in the table,
//   - the longest block of the GUI thread (a 5 ms timer) from the window showing until every row is in and
//     the table was scrolled to the last row and back,
//   - the peak RSS of the process,
//   - the longest single event the GUI thread delivered, and to what (a block longer than it is several
//     events in a row, or the thread not being scheduled on a loaded machine).
//
//   gatehouse-teamguibench CATALOG STORE FILES
//
// Prints one line per measurement with its goal; exits 1 when a goal is missed, 2 when the run failed.

#include <algorithm>
#include <sys/resource.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QTableView>
#include <QTest>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include "pipeline/workspace.h"
#include "ui/filetablemodel.h"
#include "ui/mainwindow.h"
#include "ui/preferences.h"

using namespace gh;

namespace {

// The longest time between ticks of a 5 ms timer: how long the GUI thread was blocked at most.
class GapMeter : public QObject
{
public:
    explicit GapMeter(QElapsedTimer &clock)
        : m_clock(clock)
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double now = m_clock.nsecsElapsed() / 1e6;
            if (now - m_last > m_max) {
                m_max = now - m_last;
                m_maxAt = m_last;
            }
            m_last = now;
        });
    }
    void start()
    {
        m_last = m_clock.nsecsElapsed() / 1e6;
        m_timer.start();
    }
    double max() const { return m_max; }
    //! When the longest block began, in ms on the clock.
    double maxAt() const { return m_maxAt; }

private:
    QElapsedTimer &m_clock;
    QTimer m_timer;
    double m_last = 0;
    double m_max = 0;
    double m_maxAt = 0;
};

// Notes the first paint of the table's viewport once the table has rows.
class PaintWatch : public QObject
{
public:
    PaintWatch(QTableView *view, QElapsedTimer &clock)
        : m_view(view)
        , m_clock(clock)
    {
        view->viewport()->installEventFilter(this);
    }
    double firstPaintMs() const { return m_firstPaintMs; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (m_firstPaintMs < 0 && event->type() == QEvent::Paint && watched == m_view->viewport() &&
            m_view->model() && m_view->model()->rowCount() > 0)
            m_firstPaintMs = m_clock.nsecsElapsed() / 1e6;
        return false;
    }

private:
    QTableView *m_view;
    QElapsedTimer &m_clock;
    double m_firstPaintMs = -1;
};

// The application that times each event the GUI thread delivers from its event loop (not the ones sent
// from inside another): the longest names what blocked it.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        // Other threads' events (the engine's) are theirs: only the GUI thread's count.
        if (QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        if (m_depth++ > 0) {
            const bool result = QApplication::notify(receiver, event);
            --m_depth;
            return result;
        }
        QElapsedTimer timer;
        timer.start();
        const QString what = QStringLiteral("%1 (%2) to %3")
                                 .arg(int(event->type()))
                                 .arg(QString::fromLatin1(event->type() == QEvent::MetaCall ? "queued call"
                                                          : event->type() == QEvent::Timer  ? "timer"
                                                                                            : "event"),
                                      QString::fromLatin1(receiver->metaObject()->className()));
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        if (const double ms = timer.nsecsElapsed() / 1e6; ms > m_longestMs) {
            m_longestMs = ms;
            m_longest = what;
        }
        return result;
    }
    double longestMs() const { return m_longestMs; }
    QString longest() const { return m_longest; }

private:
    int m_depth = 0;
    double m_longestMs = 0;
    QString m_longest;
};

qint64 peakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char **argv)
{
    TimedApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream out(stdout);
    if (args.size() < 4) {
        out << "usage: gatehouse-teamguibench CATALOG STORE FILES\n";
        return 2;
    }
    const int files = args.at(3).toInt();
    auto workspace = Workspace::resolve(args.at(1), args.at(2));
    if (!workspace) {
        out << "gatehouse-teamguibench: " << workspace.error().message << '\n';
        return 2;
    }

    QElapsedTimer clock;
    clock.start();
    GapMeter gaps(clock);
    MainWindow window(*workspace, Preferences{});
    const double madeMs = clock.nsecsElapsed() / 1e6;
    auto *table = window.findChild<QTableView *>(QStringLiteral("fileView"));
    if (!table) {
        out << "gatehouse-teamguibench: the main window has no file table\n";
        return 2;
    }
    table->resize(1200, 800);
    PaintWatch paints(table, clock);
    window.resize(1600, 1000);
    window.show();
    gaps.start();
    if (!QTest::qWaitForWindowExposed(&window)) {
        out << "gatehouse-teamguibench: the window was never shown\n";
        return 2;
    }
    FileTableModel *model = window.fileModel();
    if (!QTest::qWaitFor([&] { return paints.firstPaintMs() >= 0; }, 120000)) {
        out << "gatehouse-teamguibench: the file table never showed a row\n";
        return 2;
    }
    if (!QTest::qWaitFor([&] { return model->rowCount() >= files; }, 1800000)) {
        out << "gatehouse-teamguibench: the file table showed " << model->rowCount() << " of " << files
            << " rows\n";
        return 2;
    }
    const double allRowsMs = clock.nsecsElapsed() / 1e6;
    QTest::qWait(500);
    // What a curator does next: the end of the list, then back to the top.
    table->scrollToBottom();
    QTest::qWait(300);
    table->scrollToTop();
    QTest::qWait(500);
    const double endMs = clock.nsecsElapsed() / 1e6;

    struct Goal
    {
        const char *name;
        double value;
        double limit;
        const char *unit;
    };
    const Goal goals[] = {
        {"GUI first paint of the file table", paints.firstPaintMs(), 2000, "ms"},
        {"GUI longest GUI-thread block", gaps.max(), 50, "ms"},
        {"GUI peak RSS", peakRssKb() / 1024.0, 2048, "MB"},
    };
    out << QStringLiteral("GUI window made in %1 ms; all %2 rows in the table after %3 ms; longest block at "
                          "%4 ms of %5 ms\n")
               .arg(madeMs, 0, 'f', 0)
               .arg(model->rowCount())
               .arg(allRowsMs, 0, 'f', 0)
               .arg(gaps.maxAt(), 0, 'f', 0)
               .arg(endMs, 0, 'f', 0);
    out << QStringLiteral("GUI longest event delivered: %1 ms, event %2\n")
               .arg(app.longestMs(), 0, 'f', 0)
               .arg(app.longest());
    bool met = true;
    for (const Goal &goal : goals) {
        const bool ok = goal.value <= goal.limit;
        met = met && ok;
        out << QStringLiteral("%1 %2 %3   goal <= %4 %3: %5\n")
                   .arg(QString::fromLatin1(goal.name), -36)
                   .arg(goal.value, 9, 'f', 0)
                   .arg(QString::fromLatin1(goal.unit))
                   .arg(goal.limit, 0, 'f', 0)
                   .arg(ok ? QStringLiteral("goal met") : QStringLiteral("goal MISSED"));
    }
    out.flush();
    return met ? 0 : 1;
}
