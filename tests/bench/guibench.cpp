// The thumbnail grid at scale, against the curator-inspection goals: opens a batch of ROWS files (pointing at
// FILES real images of WIDTHxHEIGHT), then scrolls it top to bottom while thumbnails load.
//
//   gatehouse-guibench WORKDIR [ROWS] [FILES] [WIDTH] [HEIGHT]
//
// Prints the measurements and the goals; exits 1 when a goal is missed, 2 when the run itself failed.

#include <QApplication>
#include <QTextStream>

#include "gridscale.h"

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream out(stdout);
    if (args.size() < 2) {
        out << "usage: gatehouse-guibench WORKDIR [ROWS] [FILES] [WIDTH] [HEIGHT]\n";
        return 2;
    }
    gh::test::GridScaleOptions options;
    options.workDir = args.at(1);
    if (args.size() > 2)
        options.rows = args.at(2).toInt();
    if (args.size() > 3)
        options.distinctFiles = args.at(3).toInt();
    if (args.size() > 5)
        options.imageSize = QSize(args.at(4).toInt(), args.at(5).toInt());
    const gh::test::GridScaleReport report = gh::test::runGridScale(options);
    if (!report.ok) {
        out << "gatehouse-guibench: " << report.error << '\n';
        return 2;
    }
    const double maxBlock = std::max(report.maxGapLoadMs, report.maxGapScrollMs);
    const double rssMb = report.peakRssKb / 1024.0;
    struct Goal
    {
        const char *name;
        double value;
        double limit;
        const char *unit;
    };
    const Goal goals[] = {
        {"time to first screen of thumbnails", report.firstScreenMs, 2000, "ms"},
        {"max GUI-thread block while thumbnails load", maxBlock, 50, "ms"},
        {"peak RSS", rssMb, 1024, "MB"},
    };
    out << options.rows << " rows over " << options.distinctFiles << " images of "
        << options.imageSize.width() << "x" << options.imageSize.height() << ", view "
        << options.viewSize.width() << "x" << options.viewSize.height() << '\n';
    out << gh::test::describe(report) << '\n';
    bool met = true;
    for (const Goal &goal : goals) {
        const bool ok = goal.value <= goal.limit;
        met = met && ok;
        out << QStringLiteral("  %1: %2 %3 (goal <= %4 %3) %5\n")
                   .arg(QString::fromLatin1(goal.name))
                   .arg(goal.value, 0, 'f', 1)
                   .arg(QString::fromLatin1(goal.unit))
                   .arg(goal.limit, 0, 'f', 0)
                   .arg(ok ? QStringLiteral("met") : QStringLiteral("MISSED"));
    }
    out.flush();
    return met ? 0 : 1;
}
