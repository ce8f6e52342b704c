// A test-only GUI process for tst_reviewview's kill test: the real EngineController and ReviewView,
// offscreen, driven by key presses as a curator would (P, and F + Enter every seventh item), printing "saved
// ITEM pass|fail" for each verdict the view reports saved, until it is killed.
//
// reviewharness CATALOG STORE BATCH
#include <QApplication>
#include <QTest>
#include <QTimer>

#include "ui/enginecontroller.h"
#include "ui/reviewview.h"

using namespace gh;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    if (args.size() != 4) {
        fprintf(stderr, "usage: reviewharness CATALOG STORE BATCH\n");
        return 2;
    }
    auto workspace = Workspace::resolve(args.at(1), args.at(2));
    if (!workspace) {
        fprintf(stderr, "%s\n", qPrintable(workspace.error().message));
        return 2;
    }
    const qint64 batchId = args.at(3).toLongLong();
    EngineController engine(*workspace, RunOptions{});
    engine.start();
    Settings settings;
    (void)settings.setText(QStringLiteral("team/curator"), QStringLiteral("Harness"));
    ReviewView view(&engine, *workspace, Preferences::fromSettings(settings));

    QObject::connect(&view, &ReviewView::verdictSaved, &view,
                     [&view](qint64 itemId, bool ok, const QString &) {
                         if (!ok)
                             return;
                         const qsizetype i = view.state().sample.indexOf(itemId);
                         const QString verdict =
                             i >= 0 ? ReviewKeys::key(view.state().sample.items.at(i).verdict) : QString();
                         printf("saved %lld %s\n", static_cast<long long>(itemId), qPrintable(verdict));
                         fflush(stdout);
                     });

    int given = 0;
    QTimer keys;
    keys.setInterval(15);
    QObject::connect(&keys, &QTimer::timeout, &view, [&] {
        // Keep short of the sample's end, where P would give the last item its verdict again.
        if (given >= 40) {
            keys.stop();
            return;
        }
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : &view;
        if (++given % 7 == 0) {
            QTest::keyClick(target, Qt::Key_F);
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_2);
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        } else {
            QTest::keyClick(target, Qt::Key_P);
        }
    });
    QObject::connect(&view, &ReviewView::stateShown, &view, [&keys] {
        if (!keys.isActive())
            keys.start();
    });
    view.show();
    view.activateWindow();
    view.openBatch(batchId);
    return QApplication::exec();
}
