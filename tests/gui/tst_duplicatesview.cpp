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
            test::writeFile(m_archive.filePath(QLatin1String(name)), picture(qRgb(250, 250, 250)));
        m_spec = QStringLiteral("local:") + m_archive.path();
        const test::CliResult dedup =
            m_ws.cli({QStringLiteral("dedup"), QString::number(m_batch), QStringLiteral("--target"), m_spec,
                      QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}")});
        QCOMPARE(dedup.exitCode, 1);
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
            QVERIFY(!view.findChild<QLabel *>(QStringLiteral("theirThumbnail"))->pixmap().isNull());
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
