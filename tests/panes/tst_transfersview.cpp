#include <QAbstractItemModelTester>
#include <QApplication>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "ui/transfersmodel.h"
#include "ui/transfersview.h"

using namespace gh;

namespace {

TransferActivity transfer(qint64 id, qint64 received, qint64 total, double rate = 1000, int attempt = 1)
{
    TransferActivity t;
    t.tag = id;
    t.label = QStringLiteral("page-%1.jp2").arg(id);
    t.host = QStringLiteral("images.example.org");
    t.bytesDone = received;
    t.total = total;
    t.bytesPerSecond = rate;
    t.attempt = attempt;
    return t;
}

QList<qint64> ids(const TransfersModel &model)
{
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(TransfersModel::FileIdRole).toLongLong());
    return result;
}

QPushButton *button(QWidget *parent, const QString &accessibleName)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>()) {
        if (b->accessibleName() == accessibleName)
            return b;
    }
    return nullptr;
}

} // namespace

class TestTransfersView : public QObject
{
    Q_OBJECT

private slots:
    void updatesInPlaceWithoutReset();
    void removesFinishedInRanges();
    void identicalSnapshotChangesNothing();
    void selectionAndScrollHold();
    void paintsKnownAndUnknownTotals();
    void pauseButtonToggles();
    void summaryAndCancel();
};

void TestTransfersView::updatesInPlaceWithoutReset()
{
    TransfersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setTransfers({transfer(1, 0, 1000), transfer(2, 0, -1), transfer(3, 10, 500)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1); // one insert for the whole snapshot
    QCOMPARE(ids(model), (QList<qint64>{1, 2, 3}));
    QCOMPARE(model.index(0, TransfersModel::NameColumn).data().toString(), QStringLiteral("page-1.jp2"));
    QCOMPARE(model.index(0, TransfersModel::HostColumn).data().toString(),
             QStringLiteral("images.example.org"));

    // The next snapshot moves the numbers of rows 0 and 2; they change in place.
    model.setTransfers({transfer(1, 500, 1000), transfer(2, 0, -1), transfer(3, 250, 500, 2048, 2)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.constFirst().at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.constFirst().at(1).toModelIndex().row(), 2);
    QCOMPARE(model.index(0, 0).data(TransfersModel::ReceivedRole).toLongLong(), 500);
    QVERIFY(model.index(0, TransfersModel::ProgressColumn).data().toString().contains(QStringLiteral("50%")));
    QCOMPARE(model.index(2, TransfersModel::AttemptColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(2, TransfersModel::RateColumn).data().toString(), QStringLiteral("2.00 KiB/s"));
    // An unknown total shows what arrived and says so in the tooltip.
    QCOMPARE(model.index(1, 0).data(TransfersModel::TotalRole).toLongLong(), -1);
    QVERIFY(model.index(1, TransfersModel::ProgressColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("not known")));
    QCOMPARE(resets.size(), 0);
}

void TestTransfersView::removesFinishedInRanges()
{
    TransfersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    QList<TransferActivity> running;
    for (qint64 id = 1; id <= 6; ++id)
        running.append(transfer(id, id * 10, 100));
    model.setTransfers(running);
    const QPersistentModelIndex six(model.index(5, 0));

    // 2 and 3 finished (one range), 5 finished (another), 7 and 8 started.
    model.setTransfers({transfer(1, 20, 100), transfer(4, 50, 100), transfer(6, 70, 100), transfer(7, 0, 100),
                        transfer(8, 0, -1)});
    QCOMPARE(ids(model), (QList<qint64>{1, 4, 6, 7, 8}));
    QCOMPARE(removed.size(), 2);
    // Bottom-up: row 4 (file 5) first, then rows 1–2 (files 2 and 3).
    QCOMPARE(removed.at(0).at(1).toInt(), 4);
    QCOMPARE(removed.at(0).at(2).toInt(), 4);
    QCOMPARE(removed.at(1).at(1).toInt(), 1);
    QCOMPARE(removed.at(1).at(2).toInt(), 2);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(model.rowForFile(6), 2);
    QCOMPARE(model.rowForFile(8), 4);
    QCOMPARE(model.rowForFile(3), -1);
    // A persistent index follows its file.
    QVERIFY(six.isValid());
    QCOMPARE(six.data(TransfersModel::FileIdRole).toLongLong(), 6);

    // Everything finished.
    model.setTransfers({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(resets.size(), 0);
}

void TestTransfersView::identicalSnapshotChangesNothing()
{
    TransfersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<TransferActivity> snapshot{transfer(1, 10, 100), transfer(2, 20, 100)};
    model.setTransfers(snapshot);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setTransfers(snapshot);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    // A file listed twice in one snapshot is one row, with its last numbers.
    model.setTransfers(
        {transfer(1, 10, 100), transfer(2, 20, 100), transfer(3, 1, 100), transfer(3, 9, 100)});
    QCOMPARE(ids(model), (QList<qint64>{1, 2, 3}));
    QCOMPARE(model.index(2, 0).data(TransfersModel::ReceivedRole).toLongLong(), 9);
}

void TestTransfersView::selectionAndScrollHold()
{
    TransfersView view;
    view.resize(700, 160);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTableView *table = view.table();
    QList<TransferActivity> running;
    for (qint64 id = 1; id <= 40; ++id)
        running.append(transfer(id, 0, 1000));
    Progress p;
    p.filesTotal = 100;
    p.transfers = running;
    view.setProgress(p);
    table->selectRow(30);
    table->scrollTo(table->model()->index(30, 0), QAbstractItemView::PositionAtTop);
    const int scroll = table->verticalScrollBar()->value();
    QVERIFY(scroll > 0);

    // Numbers move for everyone and two earlier files finish: file 31 stays selected, the view stays put
    // (less the two rows that left above it).
    running.removeAt(0);
    running.removeAt(0);
    for (TransferActivity &t : running)
        t.bytesDone += 300;
    p.transfers = running;
    view.setProgress(p);
    const QModelIndexList selected = table->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.constFirst().data(TransfersModel::FileIdRole).toLongLong(), 31);
    QVERIFY(qAbs(table->verticalScrollBar()->value() - (scroll - 2)) <= 1);
}

void TestTransfersView::paintsKnownAndUnknownTotals()
{
    TransfersView view;
    view.resize(700, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    Progress p;
    p.transfers = {transfer(1, 0, 1000), transfer(2, 1000, 1000), transfer(3, 500, -1)};
    view.setProgress(p);
    QTableView *table = view.table();
    const QImage image = table->viewport()->grab().toImage();
    auto cell = [&](int row) {
        const QRect rect = table->visualRect(table->model()->index(row, TransfersModel::ProgressColumn));
        return image.copy(
            QRect(rect.topLeft() * image.devicePixelRatio(), rect.size() * image.devicePixelRatio()));
    };
    // An empty bar and a full bar look different; the unknown total paints something too.
    QVERIFY(cell(0) != cell(1));
    QVERIFY(!cell(2).isNull());
    QCOMPARE(table->model()->index(2, TransfersModel::ProgressColumn).data().toString(),
             QStringLiteral("500 bytes"));
}

void TestTransfersView::pauseButtonToggles()
{
    TransfersView view;
    QSignalSpy pause(&view, &TransfersView::pauseRequested);
    QPushButton *pauseButton = button(&view, QStringLiteral("Pause transfers"));
    QVERIFY(pauseButton);
    QVERIFY(!pauseButton->isEnabled());
    QVERIFY(!pauseButton->toolTip().isEmpty());
    view.setBusy(true);
    QVERIFY(pauseButton->isEnabled());

    QTest::mouseClick(pauseButton, Qt::LeftButton);
    QCOMPARE(pause.size(), 1);
    QCOMPARE(pause.constLast().at(0).toBool(), true);
    QVERIFY(view.isPaused());
    QCOMPARE(pauseButton->text(), QStringLiteral("&Resume"));
    QCOMPARE(pauseButton->accessibleName(), QStringLiteral("Resume transfers"));

    QTest::mouseClick(pauseButton, Qt::LeftButton);
    QCOMPARE(pause.size(), 2);
    QCOMPARE(pause.constLast().at(0).toBool(), false);
    QCOMPARE(pauseButton->text(), QStringLiteral("&Pause"));

    // The engine's word shows without asking again.
    view.setPaused(true);
    QCOMPARE(pause.size(), 2);
    QVERIFY(pauseButton->isChecked());
    QCOMPARE(pauseButton->accessibleName(), QStringLiteral("Resume transfers"));

    // The run ends: not paused any more, nothing to pause.
    view.setBusy(false);
    QVERIFY(!view.isPaused());
    QVERIFY(!pauseButton->isEnabled());
    QCOMPARE(pauseButton->text(), QStringLiteral("&Pause"));
    // A pause the engine reports while idle is not shown.
    view.setPaused(true);
    QVERIFY(!view.isPaused());
}

void TestTransfersView::summaryAndCancel()
{
    TransfersView view;
    view.setBusy(true);
    Progress p;
    p.filesDone = 3;
    p.filesTotal = 10;
    p.bytesDone = 2048;
    p.bytesTotal = 4096;
    p.bytesPerSecond = 1024;
    p.etaSeconds = 65;
    p.filesFailed = 1;
    p.transfers = {transfer(1, 10, 100)};
    view.setProgress(p);
    QCOMPARE(view.summaryText(),
             QStringLiteral("3 of 10 files · 2.00 KiB of 4.00 KiB · 1.00 KiB/s · 1:05 left · problems: 1"));
    view.setPaused(true);
    view.setProgress(p);
    QVERIFY(view.summaryText().contains(QStringLiteral("paused")));
    QVERIFY(!view.summaryText().contains(QStringLiteral("left")));

    QSignalSpy cancel(&view, &TransfersView::cancelRequested);
    QPushButton *cancelButton = button(&view, QStringLiteral("Cancel the running stage"));
    QVERIFY(cancelButton && cancelButton->isEnabled());
    QTest::mouseClick(cancelButton, Qt::LeftButton);
    QCOMPARE(cancel.size(), 1);
    QVERIFY(!cancelButton->isEnabled());

    view.setBusy(false);
    QCOMPARE(view.model()->rowCount(), 0);
}

QTEST_MAIN(TestTransfersView)
#include "tst_transfersview.moc"
