// ThumbnailView: a grid over the file model shows each file's picture once it is decoded (PNG, JPEG, TIFF,
// JPEG 2000), a file icon for files without one, follows the arrow keys, asks for the preview on Space,
// shares its selection with the table, and reloads at a new thumbnail size.

#include <cmath>

#include <QFileInfo>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "imaging/thumbnailloader.h"
#include "imagingtestdata.h"
#include "ui/filetablemodel.h"
#include "ui/thumbnailview.h"
#include "viewsamples.h"

using namespace gh;
using namespace gh::test;

namespace {

const QList<QColor> s_colours = {QColor(220, 30, 30), QColor(30, 180, 40), QColor(30, 60, 220),
                                 QColor(240, 200, 20)};
const QList<QByteArray> s_formats = {"png", "jpeg", "tiff", "jp2"};

} // namespace

class TestThumbnailView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<FileRecord> m_records;

    // Waits until every row on screen has its thumbnail or is known to have none.
    static bool waitLoaded(ThumbnailView &view)
    {
        return QTest::qWaitFor([&view] { return view.isScreenLoaded(); }, 20000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // One file per format, each a flat colour, landscape so the fitted size is checked too.
        for (int i = 0; i < s_formats.size(); ++i) {
            const QString path =
                m_dir.filePath(QStringLiteral("file-%1.%2").arg(i).arg(QString::fromLatin1(s_formats[i])));
            const SampleFile sample =
                writeSample(path, solidImage(QSize(300, 200), s_colours[i]), s_formats[i]);
            QVERIFY2(!sample.path.isEmpty(), s_formats[i].constData());
            m_records.append(sampleRecord(1, i + 1, i + 1, QFileInfo(path).fileName(), sample));
        }
        // A text file: the grid must show that it has no thumbnail rather than wait for one.
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        QVERIFY(writeBytes(text, "not an image\n"));
        FileRecord notes = sampleRecord(1, 5, 5, QStringLiteral("notes.txt"), SampleFile{text, {}, {}});
        notes.mimetype = QStringLiteral("text/plain");
        m_records.append(notes);
        // A file that failed and was never stored: nothing to read, so no thumbnail, at once.
        FileRecord missing;
        missing.id = 6;
        missing.batchId = 1;
        missing.itemId = 6;
        missing.name = QStringLiteral("gone.tif");
        missing.sourceUrl = QStringLiteral("https://example.org/gone.tif");
        missing.status = FileStatus::NotFound;
        m_records.append(missing);
    }

    void showsEachFormatsPixels()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        ThumbnailView view;
        QSignalSpy loaded(&view, &ThumbnailView::visibleThumbnailsLoaded);
        view.setModel(&model);
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(waitLoaded(view));
        QVERIFY(loaded.count() >= 1 || loaded.wait(2000));

        const QImage screen = view.viewport()->grab().toImage();
        const double dpr = view.devicePixelRatioF();
        for (int row = 0; row < s_formats.size(); ++row) {
            const QModelIndex index = model.index(row, FileTableModel::NameColumn);
            QCOMPARE(view.thumbnailState(index), ThumbnailView::ThumbnailState::Ready);
            const QPixmap pixmap = view.thumbnail(index);
            QCOMPARE(pixmap.devicePixelRatio(), dpr);
            // 300×200 fitted into 128: 128×85 logical, at the screen's density.
            QCOMPARE(pixmap.width(), int(std::ceil(128 * dpr)));
            QVERIFY2(closeTo(pixmap.toImage().pixelColor(pixmap.width() / 2, pixmap.height() / 2),
                             s_colours[row], 12),
                     s_formats[row].constData());
            // And on screen: the middle of the cell's picture square has the file's colour.
            const QRect cell = view.visualRect(index);
            const QPoint centre(cell.center().x(), cell.top() + 6 + 64);
            const QColor painted = screen.pixelColor(QPointF(centre * screen.devicePixelRatio()).toPoint());
            QVERIFY2(closeTo(painted, s_colours[row], 12),
                     qPrintable(QString::fromLatin1(s_formats[row]) + u" painted " + painted.name()));
        }
        QCOMPARE(view.thumbnailState(model.index(4, FileTableModel::NameColumn)),
                 ThumbnailView::ThumbnailState::Unavailable);
        QCOMPARE(view.thumbnailState(model.index(5, FileTableModel::NameColumn)),
                 ThumbnailView::ThumbnailState::Unavailable);
    }

    void arrowKeysMoveAndSpaceAsksForPreview()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        ThumbnailView view;
        view.setModel(&model);
        // Narrow enough for two thumbnails per line, so Down skips one.
        view.resize(2 * (128 + 12 + 8) + 30, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setFocus();
        view.setCurrentIndex(model.index(0, FileTableModel::NameColumn));

        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.currentIndex().row(), 1);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.currentIndex().row(), 3);
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.currentIndex().row(), 2);
        QTest::keyClick(&view, Qt::Key_End);
        QCOMPARE(view.currentIndex().row(), model.rowCount() - 1);

        QSignalSpy preview(&view, &ThumbnailView::previewRequested);
        QTest::keyClick(&view, Qt::Key_Space);
        QCOMPARE(preview.count(), 1);
        QCOMPARE(preview.at(0).at(0).toModelIndex().row(), model.rowCount() - 1);
        // Space does not toggle the selection away.
        QVERIFY(view.selectionModel()->isRowSelected(model.rowCount() - 1, {}));
    }

    void sharesTheSelectionWithTheTable()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        ThumbnailView view;
        view.setModel(&model);
        QTableView table;
        table.setModel(&model);
        table.setSelectionBehavior(QAbstractItemView::SelectRows);
        QItemSelectionModel *shared = view.selectionModel();
        table.setSelectionModel(shared);
        view.resize(800, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        // Clicking a thumbnail selects the whole row, which is what the table shows.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                          view.visualRect(model.index(2, FileTableModel::NameColumn)).center());
        QCOMPARE(shared->selectedRows(FileTableModel::ItemColumn).size(), 1);
        QCOMPARE(shared->selectedRows(FileTableModel::SizeColumn).first().row(), 2);

        // The table leaves the current index in another column; the grid's arrow keys still work from it.
        table.setCurrentIndex(model.index(1, FileTableModel::SizeColumn));
        view.setFocus();
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.currentIndex().row(), 2);
        QVERIFY(shared->isRowSelected(2, {}));
    }

    void reloadsAtANewSize()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        ThumbnailView view;
        view.setModel(&model);
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(waitLoaded(view));
        const QSize before = view.visualRect(model.index(0, FileTableModel::NameColumn)).size();

        view.setThumbnailSize(64);
        QCOMPARE(view.thumbnailSize(), 64);
        QVERIFY(waitLoaded(view));
        const QPixmap small = view.thumbnail(model.index(0, FileTableModel::NameColumn));
        QCOMPARE(small.width(), int(std::ceil(64 * view.devicePixelRatioF())));
        QVERIFY(view.visualRect(model.index(0, FileTableModel::NameColumn)).width() < before.width());
    }

    void reloadsWhenAFileGetsStored()
    {
        // A pending download has no local path: placeholder, no request. Once stored, its thumbnail loads.
        FileTableModel model;
        model.reset(1);
        FileRecord pending = m_records.at(0);
        pending.sourcePath.clear();
        pending.sourceUrl = QStringLiteral("https://example.org/file-0.png");
        pending.status = FileStatus::Pending;
        model.appendFiles({pending});
        ThumbnailView view;
        view.setModel(&model);
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTest::qWait(200);
        const QModelIndex index = model.index(0, FileTableModel::NameColumn);
        QCOMPARE(view.thumbnailState(index), ThumbnailView::ThumbnailState::NotLoaded);

        FileRecord stored = pending;
        stored.storedKey = QFileInfo(m_records.at(0).sourcePath).fileName();
        stored.status = FileStatus::Success;
        model.setLocalStoreRoot(m_dir.path());
        model.updateFiles({stored});
        QVERIFY(QTest::qWaitFor(
            [&] { return view.thumbnailState(index) == ThumbnailView::ThumbnailState::Ready; }, 10000));
        QVERIFY(closeTo(view.thumbnail(index).toImage().pixelColor(10, 10), s_colours[0], 12));
    }
};

QTEST_MAIN(TestThumbnailView)
#include "tst_thumbnailview.moc"
