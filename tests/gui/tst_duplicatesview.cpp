// The duplicates view, offscreen, driven from the keyboard alone: a batch classified by the real CLI against
// a local archive holding other pictures under our names and our pictures twice in the batch. The curator
// skips, links all similar with A then L, takes a decision back with Ctrl+Z and decides again; after each
// choice the next undecided file is current; both thumbnails show (theirs read from the target's copy);
// every decision is in the catalog afterwards and nothing waits any more. A screenshot of the first view goes
// to build/screenshots/duplicates/duplicatesview.png.

#include <QBuffer>
#include <QCheckBox>
#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTreeView>

#include "catalog/duplicatebook.h"
#include "testsupport.h"
#include "ui/duplicatesmodel.h"
#include "ui/duplicatesview.h"

using namespace gh;

namespace {

QByteArray picture(QRgb colour, int side = 64)
{
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

//! The colour of the archive's own copies (other pictures under our names).
constexpr QRgb s_theirs = qRgb(230, 140, 20);

//! The colour in the middle of what \a label shows.
QRgb middleOf(QLabel *label)
{
    const QImage image = label->grab().toImage();
    return image.pixel(image.width() / 2, image.height() / 2) & RGB_MASK;
}

} // namespace

class tst_DuplicatesView : public QObject
{
    Q_OBJECT

    test::Workspace m_ws;
    QTemporaryDir m_archive;
    qint64 m_batch = 0;
    QString m_spec;

    bool waitForLoad(QSignalSpy &spy)
    {
        const qsizetype before = spy.size();
        return QTest::qWaitFor([&] { return spy.size() > before; }, 20000);
    }

private slots:
    void initTestCase()
    {
        const QString src = m_ws.file(QStringLiteral("src"));
        // Three names the archive holds with other pictures, and three pictures that occur twice.
        test::writeFile(src + QStringLiteral("/harbour.png"), picture(qRgb(10, 20, 200)));
        test::writeFile(src + QStringLiteral("/mill.png"), picture(qRgb(200, 20, 10)));
        test::writeFile(src + QStringLiteral("/church.png"), picture(qRgb(20, 200, 10)));
        test::writeFile(src + QStringLiteral("/lake.png"), picture(qRgb(1, 2, 3)));
        test::writeFile(src + QStringLiteral("/lake-copy.png"), picture(qRgb(1, 2, 3)));
        test::writeFile(src + QStringLiteral("/tower.png"), picture(qRgb(4, 5, 6)));
        test::writeFile(src + QStringLiteral("/tower-copy.png"), picture(qRgb(4, 5, 6)));
        test::writeFile(src + QStringLiteral("/wall.png"), picture(qRgb(7, 8, 9)));
        test::writeFile(src + QStringLiteral("/wall-copy.png"), picture(qRgb(7, 8, 9)));
        const test::CliResult load = m_ws.cli({QStringLiteral("load"), src, QStringLiteral("--json")});
        QCOMPARE(load.exitCode, 0);
        m_batch = QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger();
        QCOMPARE(m_ws.cli({QStringLiteral("fetch"), QString::number(m_batch)}).exitCode, 0);
        for (const char *name : {"harbour.png", "mill.png", "church.png"})
            test::writeFile(m_archive.filePath(QLatin1String(name)), picture(s_theirs));
        m_spec = QStringLiteral("local:") + m_archive.path();
        const test::CliResult dedup =
            m_ws.cli({QStringLiteral("dedup"), QString::number(m_batch), QStringLiteral("--target"), m_spec,
                      QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}")});
        QCOMPARE(dedup.exitCode, 1);
    }

    //! In the main window the view sits in a dock of about 45 % of the screen's height, inside a scroll area.
    //! Every control stays in sight there, on a 1280 x 800 screen in English and a 1024 x 700 one in German:
    //! the comparison scrolls by itself. The decision buttons were below the dock's edge at 1280 x 800 (A
    //! toggled a box the curator could not see), and in German the row was wider than 1024 pixels, so Undo
    //! and the Check button were cut off behind a horizontal scroll bar.
    void decisionButtonsStayInSightWhenDocked_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QSize>("dockSize");
        QTest::newRow("English, 1280 x 800") << QString() << QSize(1270, 360);
        QTest::newRow("German, 1024 x 700") << QStringLiteral("de_DE") << QSize(1014, 310);
    }

    void decisionButtonsStayInSightWhenDocked()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        QVERIFY(workspace);
        QThread engineThread;
        engineThread.start();
        // Stopped after the view is gone, also when a check below returns early.
        const auto stop = qScopeGuard([&] {
            engineThread.quit();
            engineThread.wait();
        });
        QFETCH(QString, locale);
        QFETCH(QSize, dockSize);
        const test::Translation translation(locale);
        QVERIFY(translation.isReady());
        {
            QScrollArea dock;
            dock.setWidgetResizable(true);
            dock.setFrameShape(QFrame::NoFrame);
            auto *view = new DuplicatesView(*workspace, QString(), &engineThread);
            dock.setWidget(view);
            dock.resize(dockSize);
            dock.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dock));
            QSignalSpy loaded(view, &DuplicatesView::casesLoaded);
            QSignalSpy thumbs(view, &DuplicatesView::thumbnailShown);
            view->setBatch(m_batch);
            QVERIFY(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, 20000));
            QVERIFY(QTest::qWaitFor([&] { return thumbs.size() >= 2; }, 20000));
            QCoreApplication::processEvents();
            const QRect visible = dock.viewport()->rect();
            QList<QWidget *> mustShow{view->findChild<QCheckBox *>(QStringLiteral("allSimilar")),
                                      view->findChild<QWidget *>(QStringLiteral("undoDecision")),
                                      view->findChild<QWidget *>(QStringLiteral("checkButton")),
                                      view->findChild<QWidget *>(QStringLiteral("decisionNote"))};
            for (const char *action : {"action-skip", "action-upload", "action-rename", "action-overwrite",
                                       "action-move", "action-link", "action-hand-fix"})
                mustShow.append(view->findChild<QPushButton *>(QLatin1String(action)));
            for (QWidget *w : std::as_const(mustShow)) {
                QVERIFY(w);
                const QRect where(w->mapTo(dock.viewport(), QPoint(0, 0)), w->size());
                QVERIFY2(visible.contains(where),
                         qPrintable(QStringLiteral("%1 at x %2..%3, y %4..%5; the dock shows %6 x %7")
                                        .arg(w->objectName())
                                        .arg(where.left())
                                        .arg(where.right())
                                        .arg(where.top())
                                        .arg(where.bottom())
                                        .arg(visible.width())
                                        .arg(visible.height())));
            }
            // The comparison is still all there, a scroll away.
            auto *compare = view->findChild<QScrollArea *>(QStringLiteral("compareScroll"));
            QVERIFY(compare);
            QVERIFY(
                compare->widget()->isAncestorOf(view->findChild<QLabel *>(QStringLiteral("theirThumbnail"))));
        }
    }

    void clearsCasesFromTheKeyboard()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        QVERIFY(workspace);
        QThread engineThread;
        engineThread.start();
        {
            DuplicatesView view(*workspace, QString(), &engineThread);
            view.setCurator(QStringLiteral("keyboard"));
            view.resize(1100, 700);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QSignalSpy loaded(&view, &DuplicatesView::casesLoaded);
            QSignalSpy thumbs(&view, &DuplicatesView::thumbnailShown);
            view.setBatch(m_batch);
            QVERIFY(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, 20000));
            QCOMPARE(loaded.last().at(1).toLongLong(), 6);
            QCOMPARE(view.model()->rowCount(), 2); // name-taken and in-batch
            view.tree()->setFocus();

            // Both pictures of the current file: ours from the store, theirs from the archive's copy.
            const qint64 first = view.currentFile();
            QVERIFY(first > 0);
            QVERIFY(view.model()->record(first)->isOpen());
            QVERIFY(QTest::qWaitFor(
                [&] {
                    bool ours = false, theirs = false;
                    for (const auto &args : std::as_const(thumbs)) {
                        if (args.at(0).toLongLong() == first)
                            (args.at(1).toBool() ? theirs : ours) = true;
                    }
                    return ours && theirs;
                },
                20000));
            // Theirs shows the archive's copy (a local folder: its bytes), ours the store's.
            auto *theirThumb = view.findChild<QLabel *>(QStringLiteral("theirThumbnail"));
            QVERIFY(!theirThumb->pixmap().isNull());
            QCOMPARE(middleOf(theirThumb), s_theirs & RGB_MASK);
            const QRgb ours = middleOf(view.findChild<QLabel *>(QStringLiteral("ourThumbnail")));
            QVERIFY2(ours != (s_theirs & RGB_MASK), "ours shows the target's copy");

            // At this size every case row and every file name is shown whole: the case rows span the
            // columns, and the list is as wide as its columns.
            QTreeView *tree = view.tree();
            const QFontMetrics metrics = tree->fontMetrics();
            int columns = 0;
            for (int c = 0; c < DuplicatesModel::ColumnCount; ++c)
                columns += tree->columnWidth(c);
            QVERIFY2(columns <= tree->viewport()->width(),
                     qPrintable(QStringLiteral("%1 > %2").arg(columns).arg(tree->viewport()->width())));
            for (int row = 0; row < view.model()->rowCount(); ++row) {
                const QModelIndex group = view.model()->index(row, 0);
                QVERIFY(tree->isFirstColumnSpanned(row, QModelIndex()));
                QVERIFY2(metrics.horizontalAdvance(group.data().toString()) + tree->indentation() <=
                             tree->viewport()->width(),
                         qPrintable(group.data().toString()));
                for (int child = 0; child < view.model()->rowCount(group); ++child) {
                    const QModelIndex file = view.model()->index(child, DuplicatesModel::FileColumn, group);
                    const QString text = file.data().toString();
                    QVERIFY2(metrics.horizontalAdvance(text) + tree->indentation() <=
                                 tree->columnWidth(DuplicatesModel::FileColumn),
                             qPrintable(QStringLiteral("%1 in %2 px")
                                            .arg(text)
                                            .arg(tree->columnWidth(DuplicatesModel::FileColumn))));
                }
            }
            // What a curator sees first: the cases with counts, ours beside theirs, the keys.
            const QString shots = QStringLiteral(GATEHOUSE_BIN_DIR "/../screenshots/duplicates");
            QVERIFY(QDir().mkpath(shots));
            const QImage shot = view.grab().toImage();
            QVERIFY(shot.save(shots + QStringLiteral("/duplicatesview.png")));

            // S skips the current file; the next undecided one becomes current.
            QTest::keyClick(view.tree(), Qt::Key_S);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 5);
            QCOMPARE(view.model()->record(first)->decision->action, DuplicateAction::Skip);
            QVERIFY(view.currentFile() != first);
            QVERIFY(view.model()->record(view.currentFile())->isOpen());

            // H for the next, then O for the one after (name-taken allows overwrite).
            QTest::keyClick(view.tree(), Qt::Key_H);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 4);
            const qint64 third = view.currentFile();
            QCOMPARE(view.model()->record(third)->dupCase, DuplicateCase::NameTaken);
            QTest::keyClick(view.tree(), Qt::Key_O);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 3);

            // Now the in-batch files: A then L links all three at once.
            QCOMPARE(view.model()->record(view.currentFile())->dupCase, DuplicateCase::InBatch);
            QTest::keyClick(view.tree(), Qt::Key_A);
            QVERIFY(view.findChild<QCheckBox *>(QStringLiteral("allSimilar"))->isChecked());
            QTest::keyClick(view.tree(), Qt::Key_L);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 0);

            // Ctrl+Z takes the three links back; U uploads the current one, A+S skips the other two.
            QTest::keyClick(view.tree(), Qt::Key_Z, Qt::ControlModifier);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 3);
            QTest::keyClick(view.tree(), Qt::Key_U);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 2);
            QTest::keyClick(view.tree(), Qt::Key_A);
            QTest::keyClick(view.tree(), Qt::Key_S);
            QVERIFY(waitForLoad(loaded));
            QCOMPARE(loaded.last().at(1).toLongLong(), 0);
            QVERIFY(view.findChild<QLabel *>(QStringLiteral("duplicateStatus"))
                        ->text()
                        .contains(QStringLiteral("may go ahead")));
            // An action a case does not allow does nothing: M (move) is for wikis.
            QVERIFY(!view.findChild<QPushButton *>(QStringLiteral("action-move"))->isEnabled());
        }
        engineThread.quit();
        QVERIFY(engineThread.wait(10000));

        // What the catalog holds, as another process would read it.
        auto catalog = Catalog::open(*CatalogLocation::parse(m_ws.catalog()));
        QVERIFY(catalog);
        DuplicateBook book(**catalog);
        QCOMPARE(*book.openCount(m_batch), 0);
        auto counts = book.counts(m_batch, m_spec);
        QVERIFY(counts);
        const auto nameTaken = counts->value(DuplicateCase::NameTaken).byAction;
        QCOMPARE(nameTaken.value(DuplicateAction::Skip), 1);
        QCOMPARE(nameTaken.value(DuplicateAction::HandFix), 1);
        QCOMPARE(nameTaken.value(DuplicateAction::Overwrite), 1);
        const auto inBatch = counts->value(DuplicateCase::InBatch).byAction;
        QCOMPARE(inBatch.value(DuplicateAction::Upload), 1);
        QCOMPARE(inBatch.value(DuplicateAction::Skip), 2);
        QCOMPARE(inBatch.value(DuplicateAction::Link), 0);
        DuplicateCaseQuery query;
        query.onlyDecided = true;
        const auto decided = book.cases(m_batch, query);
        QVERIFY(decided);
        for (const DuplicateRecord &r : *decided)
            QCOMPARE(r.decision->decidedBy, QStringLiteral("curator:keyboard"));
        auto stages = (*catalog)->stages(m_batch);
        QCOMPARE(StageRecord::stateOf(*stages, Stage::Dedup), StageState::Done);
    }
};

QTEST_MAIN(tst_DuplicatesView)
#include "tst_duplicatesview.moc"
