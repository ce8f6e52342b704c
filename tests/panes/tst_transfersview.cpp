#include <QAbstractItemModelTester>
#include <QApplication>
#include <QItemSelectionModel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "ui/progresspanel.h"
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

//! Pixels of \a image within a small distance of \a colour: how much of a bar's chunk is painted.
int pixelsNear(const QImage &image, const QColor &colour)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                     std::abs(c.blue() - colour.blue()) <
                 60;
        }
    }
    return n;
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
    void waitingLooksWaiting();
    void pauseButtonToggles();
    void summaryAndCancel();
    void stateLineCountsBytesAndShowsTheBatch();
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
    // Nothing arrived and no size yet: waiting, and the tooltip says for what.
    QCOMPARE(model.index(1, 0).data(TransfersModel::TotalRole).toLongLong(), -1);
    QVERIFY(model.index(1, TransfersModel::ProgressColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("Waiting")));
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
    // Bytes arriving without a size: what arrived, and the tooltip says the size is not known.
    QVERIFY(table->model()
                ->index(2, TransfersModel::ProgressColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("not known")));
    // An unknown total is not painted as a full bar: it looks like the empty one, not the finished one.
    const QColor chunk = table->palette().color(QPalette::Highlight);
    QVERIFY(pixelsNear(cell(1), chunk) > 100);
    QVERIFY2(pixelsNear(cell(2), chunk) < pixelsNear(cell(1), chunk) / 10,
             "a transfer of unknown size looks finished");
}

void TestTransfersView::waitingLooksWaiting()
{
    TransfersView view;
    view.resize(700, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    Progress p;
    // Queued for a connection: nothing received, size unknown.
    p.transfers = {transfer(1, 0, -1), transfer(2, 1000, 1000)};
    view.setProgress(p);
    QTableView *table = view.table();
    const QModelIndex waiting = table->model()->index(0, TransfersModel::ProgressColumn);
    QCOMPARE(waiting.data().toString(), QStringLiteral("waiting…"));
    QVERIFY(waiting.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Waiting")));
    const QImage image = table->viewport()->grab().toImage();
    const QRect rect = table->visualRect(waiting);
    const QImage cell =
        image.copy(QRect(rect.topLeft() * image.devicePixelRatio(), rect.size() * image.devicePixelRatio()));
    QCOMPARE(pixelsNear(cell, table->palette().color(QPalette::Highlight)), 0);
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

void TestTransfersView::stateLineCountsBytesAndShowsTheBatch()
{
    ProgressPanel panel;
    auto *bar = panel.findChild<QProgressBar *>();
    auto *resume = panel.findChild<QPushButton *>(QStringLiteral("resumeButton"));
    auto *recheck = panel.findChild<QPushButton *>(QStringLiteral("recheckButton"));
    auto *cancel = panel.findChild<QPushButton *>(QStringLiteral("cancelButton"));
    QVERIFY(bar && resume && recheck && cancel);
    panel.show();

    // A batch with a mismatch: its own state, not "all stored"; Check Again offered, nothing to resume.
    BatchRecord batch;
    batch.id = 3;
    batch.files = 7;
    batch.counts = {{FileStatus::Success, 6}, {FileStatus::FixityMismatch, 1}};
    batch.problems.errors = 1;
    panel.showBatch(&batch);
    QCOMPARE(panel.summaryText(), QStringLiteral("7 files: 6 stored, 1 with a problem"));
    // Problems beyond the files' own (an intake warning) are named, with the files' error among them.
    batch.problems.warnings = 1;
    panel.showBatch(&batch);
    QCOMPARE(panel.summaryText(), QStringLiteral("7 files: 6 stored, 1 with a problem · 1 error, 1 warning"));
    batch.problems.warnings = 0;
    panel.showBatch(&batch);
    QVERIFY(recheck->isVisible() && !resume->isVisible() && !cancel->isVisible());

    // Files left to do: Resume.
    batch.counts = {{FileStatus::Success, 4}, {FileStatus::Pending, 3}};
    batch.problems = {};
    panel.showBatch(&batch);
    QVERIFY(resume->isVisible());
    QCOMPARE(bar->value() * 7, bar->maximum() * 4);

    // Running: one large file of ten done is half the bytes, and the bar says so.
    panel.setRunning(true, QStringLiteral("Resuming…"));
    QVERIFY(cancel->isVisible() && !resume->isVisible());
    Progress p;
    p.batchId = 3;
    p.filesDone = 1;
    p.filesTotal = 10;
    p.bytesDone = 5 * 1024 * 1024;
    p.bytesTotal = 10 * 1024 * 1024;
    panel.setProgress(p);
    QCOMPARE(bar->value() * 2, bar->maximum());
    QVERIFY(panel.summaryText().startsWith(QStringLiteral("1 of 10 files")));
    // Sizes unknown: files.
    p.bytesTotal = -1;
    panel.setProgress(p);
    QCOMPARE(bar->value() * 10, bar->maximum());
    // Sizes unknown, nothing finished, megabytes arriving: the bar moves (busy), it does not sit at 0 %.
    p.filesDone = 0;
    panel.setProgress(p);
    QCOMPARE(bar->maximum(), 0);
    QVERIFY(panel.summaryText().contains(QLocale().formattedDataSize(p.bytesDone)));
    p.filesDone = 1;
    panel.setProgress(p);
    QCOMPARE(bar->value() * 10, bar->maximum());
    // The batch's own state is not shown over a run, and comes back after it.
    panel.showBatch(&batch);
    QVERIFY(panel.summaryText().startsWith(QStringLiteral("1 of 10 files")));
    panel.setRunning(false);
    panel.showBatch(&batch);
    QVERIFY(panel.summaryText().startsWith(QStringLiteral("7 files")));
}

QTEST_MAIN(TestTransfersView)
#include "tst_transfersview.moc"
