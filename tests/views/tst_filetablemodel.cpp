// FileTableModel's rows by file id: found while the engine's pages arrive in id order (a binary search, no
// hash), after updates, and still found when a page of an older load arrives out of order after a reset.

#include <QSignalSpy>
#include <QTest>

#include "ui/filetablemodel.h"

using namespace gh;

namespace {

QList<FileRecord> page(qint64 batchId, qint64 firstId, int count, qint64 step = 1)
{
    QList<FileRecord> files;
    for (int i = 0; i < count; ++i) {
        FileRecord f;
        f.batchId = batchId;
        f.id = firstId + i * step;
        f.name = QStringLiteral("page-%1.tif").arg(f.id);
        files.append(f);
    }
    return files;
}

} // namespace

class TestFileTableModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsByIdInOrder();
    void updatesDoNotAddRows();
    void outOfOrderPageStillFound();
};

void TestFileTableModel::rowsByIdInOrder()
{
    FileTableModel model;
    model.reset(7);
    // Ids with gaps (other batches' files in between), three pages.
    for (int p = 0; p < 3; ++p)
        model.appendFiles(page(7, 10 + p * 3000, 1000, 3));
    QCOMPARE(model.rowCount(), 3000);
    QCOMPARE(model.rowForFile(10), 0);
    QCOMPARE(model.rowForFile(13), 1);
    QCOMPARE(model.rowForFile(10 + 2 * 3000 + 999 * 3), 2999);
    QCOMPARE(model.rowForFile(11), -1); // in a gap
    QCOMPARE(model.rowForFile(9), -1);  // before the first
    QCOMPARE(model.rowForFile(1000000), -1);
    // Files of another batch are not the shown batch's rows.
    model.appendFiles(page(8, 100000, 5));
    QCOMPARE(model.rowCount(), 3000);
    QCOMPARE(model.rowForFile(100000), -1);
}

void TestFileTableModel::updatesDoNotAddRows()
{
    FileTableModel model;
    model.reset(1);
    model.appendFiles(page(1, 1, 100));
    QList<FileRecord> again = page(1, 41, 10);
    for (FileRecord &f : again)
        f.status = FileStatus::Success;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.appendFiles(again); // a reload's page of rows already shown: updates, no new rows
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.file(model.rowForFile(45))->status, FileStatus::Success);
    QCOMPARE(model.file(model.rowForFile(39))->status, FileStatus::Pending);
}

void TestFileTableModel::outOfOrderPageStillFound()
{
    FileTableModel model;
    model.reset(1);
    model.appendFiles(page(1, 5001, 2000));
    // A page of an earlier load, queued before the reset, arrives after it: lower ids at the end.
    model.appendFiles(page(1, 1, 2000));
    QCOMPARE(model.rowCount(), 4000);
    QCOMPARE(model.rowForFile(5001), 0);
    QCOMPARE(model.rowForFile(7000), 1999);
    QCOMPARE(model.rowForFile(1), 2000);
    QCOMPARE(model.rowForFile(2000), 3999);
    QCOMPARE(model.rowForFile(3000), -1);
    // Rows added later are found too, and a reset makes the model ordered again.
    model.appendFiles(page(1, 9000, 3));
    QCOMPARE(model.rowForFile(9002), 4002);
    model.reset(1);
    QCOMPARE(model.rowForFile(1), -1);
    model.appendFiles(page(1, 1, 10));
    QCOMPARE(model.rowForFile(10), 9);
}

QTEST_MAIN(TestFileTableModel)
#include "tst_filetablemodel.moc"
