// PreviewWidget: shows the selected file decoded off the GUI thread, zooms (buttons, keys, Ctrl+wheel) and
// fits, turns the pages (the images) of a multi-page item in their names' order, shows the item's XML and
// text as text, decodes large JPEG 2000 files at a reduced resolution, and says why a file has no preview.

#include <QAbstractScrollArea>
#include <QApplication>
#include <QFileInfo>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QWheelEvent>

#include "imagingtestdata.h"
#include "ui/filetablemodel.h"
#include "ui/previewwidget.h"
#include "viewsamples.h"

using namespace gh;
using namespace gh::test;

class TestPreviewWidget : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<FileRecord> m_records;
    const QList<QColor> m_pageColours = {QColor(200, 40, 40), QColor(40, 160, 60), QColor(40, 70, 200)};

    static QColor centre(const QImage &image)
    {
        return image.pixelColor(image.width() / 2, image.height() / 2);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Item 10: a newspaper issue of three pages in three formats, each a colour of its own.
        const QList<QByteArray> formats = {"png", "jpeg", "jp2"};
        for (int page = 0; page < 3; ++page) {
            const QString path = m_dir.filePath(
                QStringLiteral("page-%1.%2").arg(page + 1).arg(QString::fromLatin1(formats[page])));
            const SampleFile sample =
                writeSample(path, solidImage(QSize(400, 600), m_pageColours[page]), formats[page]);
            QVERIFY(!sample.path.isEmpty());
            m_records.append(sampleRecord(1, page + 1, 10, QFileInfo(path).fileName(), sample));
        }
        // Item 20: a single large JPEG 2000 that must be decoded at a reduced resolution.
        const SampleFile big = writeSample(m_dir.filePath(QStringLiteral("map.jp2")),
                                           solidImage(QSize(4400, 1100), QColor(250, 180, 30)), "jp2");
        QVERIFY(!big.path.isEmpty());
        m_records.append(sampleRecord(1, 4, 20, QStringLiteral("map.jp2"), big));
        // Item 30: a text file, which has no preview.
        const QString text = m_dir.filePath(QStringLiteral("readme.txt"));
        QVERIFY(writeBytes(text, "plain text\n"));
        FileRecord readme = sampleRecord(1, 5, 30, QStringLiteral("readme.txt"), SampleFile{text, {}, {}});
        readme.mimetype = QStringLiteral("text/plain");
        m_records.append(readme);
        // Item 40: an image that cannot be decoded.
        const QString broken = m_dir.filePath(QStringLiteral("scan.tif"));
        QVERIFY(writeBytes(broken, "II*\0 this is not a TIFF"));
        FileRecord scan = sampleRecord(1, 6, 40, QStringLiteral("scan.tif"), SampleFile{broken, {}, {}});
        scan.mimetype = QStringLiteral("image/tiff");
        m_records.append(scan);
        // Item 10's ALTO: not a page, shown as text.
        const QString alto = m_dir.filePath(QStringLiteral("page-1.alto.xml"));
        QVERIFY(writeBytes(alto, "<?xml version=\"1.0\"?>\n<!-- layout -->\n<alto "
                                 "xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\">\n"
                                 "  <String CONTENT=\"Adresseavisen\"/>\n</alto>\n"));
        FileRecord xml = sampleRecord(1, 7, 10, QStringLiteral("page-1.alto.xml"), SampleFile{alto, {}, {}});
        xml.mimetype = QStringLiteral("application/xml");
        m_records.append(xml);
    }

    void showsTheSelectedImageAndZooms()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        PreviewWidget preview;
        preview.setModel(&model);
        preview.resize(500, 400);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));

        QSignalSpy shown(&preview, &PreviewWidget::imageShown);
        preview.setCurrentIndex(model.index(0, FileTableModel::StatusColumn));
        QCOMPARE(preview.state(), PreviewWidget::State::Loading);
        QVERIFY(shown.wait(10000));
        QCOMPARE(preview.state(), PreviewWidget::State::Ready);
        QCOMPARE(preview.image().size(), QSize(400, 600));
        QVERIFY(closeTo(centre(preview.image()), m_pageColours[0], 8));
        QCOMPARE(preview.pageCount(), 3);
        QCOMPARE(preview.currentPage(), 0);

        // Fitted: 600 source pixels high in a window under 400 high.
        QVERIFY(preview.fitsWindow());
        QVERIFY(preview.zoom() < 400.0 / 600.0 * preview.devicePixelRatioF());
        // And drawn: the middle of the window has the page's colour.
        QVERIFY(closeTo(centre(preview.grab().toImage()), m_pageColours[0], 8));

        preview.zoomToActualSize();
        QCOMPARE(preview.zoom(), 1.0);
        QVERIFY(!preview.fitsWindow());
        QSignalSpy zoomed(&preview, &PreviewWidget::zoomChanged);
        QTest::keyClick(&preview, Qt::Key_Plus);
        QCOMPARE(preview.zoom(), 1.25);
        QTest::keyClick(&preview, Qt::Key_Minus);
        QTest::keyClick(&preview, Qt::Key_Minus);
        QCOMPARE(preview.zoom(), 0.8);
        QCOMPARE(zoomed.count(), 3);

        // Ctrl+wheel zooms, a plain wheel scrolls.
        QWidget *viewport = preview.findChild<QAbstractScrollArea *>()->viewport();
        const QPointF at(viewport->width() / 2.0, viewport->height() / 2.0);
        QWheelEvent ctrlWheel(at, viewport->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                              Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport, &ctrlWheel);
        QCOMPARE(preview.zoom(), 1.0);

        QTest::keyClick(&preview, Qt::Key_F);
        QVERIFY(preview.fitsWindow());
        QVERIFY(preview.zoom() < 1.0);
    }

    void turnsPagesInTheirOrder()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        // Sorted by name, descending: the table shows page-3 first, but page 2 is still the second page.
        QSortFilterProxyModel sorted;
        sorted.setSourceModel(&model);
        sorted.sort(FileTableModel::NameColumn, Qt::DescendingOrder);
        PreviewWidget preview;
        preview.setModel(&sorted);
        preview.resize(500, 400);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));

        QSignalSpy shown(&preview, &PreviewWidget::imageShown);
        QSignalSpy moved(&preview, &PreviewWidget::currentIndexChanged);
        const QModelIndex page2 = sorted.mapFromSource(model.index(1, FileTableModel::NameColumn));
        preview.setCurrentIndex(page2);
        QVERIFY(shown.wait(10000));
        // Three images are the pages; the ALTO is a file of the item, not a page.
        QCOMPARE(preview.pageCount(), 3);
        QCOMPARE(preview.itemFileCount(), 4);
        QCOMPARE(preview.currentPage(), 1);
        QVERIFY(closeTo(centre(preview.image()), m_pageColours[1], 8));

        // Page Down: page 3.
        QTest::keyClick(&preview, Qt::Key_PageDown);
        QCOMPARE(moved.count(), 1);
        QCOMPARE(moved.at(0).at(0).toModelIndex().data().toString(), QStringLiteral("page-3.jp2"));
        QVERIFY(shown.wait(10000));
        QCOMPARE(preview.currentPage(), 2);
        QVERIFY(closeTo(centre(preview.image()), m_pageColours[2], 8));
        // The last page: no further.
        QTest::keyClick(&preview, Qt::Key_PageDown);
        QCOMPARE(moved.count(), 1);

        QTest::keyClick(&preview, Qt::Key_PageUp);
        QTest::keyClick(&preview, Qt::Key_PageUp);
        QCOMPARE(preview.currentPage(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(preview.state() == PreviewWidget::State::Ready &&
                                     closeTo(centre(preview.image()), m_pageColours[0], 8),
                                 10000);

        // A single-file item has one page.
        preview.setCurrentIndex(sorted.mapFromSource(model.index(3, FileTableModel::NameColumn)));
        QCOMPARE(preview.pageCount(), 1);
    }

    void showsTheItemsXmlAsText()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        PreviewWidget preview;
        preview.setModel(&model);
        preview.resize(500, 400);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));
        QSignalSpy shown(&preview, &PreviewWidget::imageShown);
        preview.setCurrentIndex(model.index(6, 0));
        QVERIFY(shown.wait(10000));
        QVERIFY(preview.isShowingText());
        QCOMPARE(preview.state(), PreviewWidget::State::Ready);
        QCOMPARE(preview.currentPage(), -1);
        QVERIFY(preview.textView()->toPlainText().contains(QStringLiteral("Adresseavisen")));
        // Coloured: the tag on the fourth line has a colour of its own, the comment another.
        const QTextBlock tagLine = preview.textView()->document()->findBlockByNumber(3);
        const QTextBlock commentLine = preview.textView()->document()->findBlockByNumber(1);
        QVERIFY(!tagLine.layout()->formats().isEmpty());
        QVERIFY(!commentLine.layout()->formats().isEmpty());
        QVERIFY(tagLine.layout()->formats().constFirst().format.foreground() !=
                commentLine.layout()->formats().constFirst().format.foreground());
        // Page Down from the item's XML goes to its first page.
        QTest::keyClick(&preview, Qt::Key_PageDown);
        QVERIFY(shown.wait(10000));
        QVERIFY(!preview.isShowingText());
        QCOMPARE(preview.currentPage(), 0);

        // A text file of its own item is shown as text too.
        preview.setCurrentIndex(model.index(4, 0));
        QVERIFY(shown.wait(10000));
        QVERIFY(preview.isShowingText());
        QCOMPARE(preview.textView()->toPlainText(), QStringLiteral("plain text\n"));
    }

    void decodesLargeJpeg2000Reduced()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        PreviewWidget preview;
        preview.setModel(&model);
        preview.resize(600, 400);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));
        QSignalSpy shown(&preview, &PreviewWidget::imageShown);
        preview.setCurrentIndex(model.index(3, 0));
        QVERIFY(shown.wait(20000));
        // 4400 wide: decoded at a reduced level no wider than the preview size, aspect kept.
        QVERIFY(preview.image().width() <= preview.previewSize());
        QVERIFY(preview.image().width() >= 4400 / 4);
        QCOMPARE(preview.image().width() / preview.image().height(), 4);
        QVERIFY(closeTo(centre(preview.image()), QColor(250, 180, 30), 8));
        // 100% is one source pixel per device pixel, so the whole map is then far wider than the window.
        preview.zoomToActualSize();
        auto *area = preview.findChild<QAbstractScrollArea *>();
        QVERIFY(area->horizontalScrollBar()->maximum() >= int(4400 / preview.devicePixelRatioF()) - 600);
    }

    void showsOnlyTheNewestOfQuickSelections()
    {
        // Arrowing quickly through files: only the file the user stops at is shown, and nothing older
        // appears after it.
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        PreviewWidget preview;
        preview.setModel(&model);
        preview.show();
        QSignalSpy shown(&preview, &PreviewWidget::imageShown);
        for (int row : {3, 0, 1, 2})
            preview.setCurrentIndex(model.index(row, 0));
        QVERIFY(shown.wait(20000));
        QTest::qWait(300);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(shown.at(0).at(0).toModelIndex().row(), 2);
        QVERIFY(closeTo(centre(preview.image()), m_pageColours[2], 8));
    }

    void saysWhyThereIsNoPreview()
    {
        FileTableModel model;
        model.reset(1);
        model.appendFiles(m_records);
        PreviewWidget preview;
        preview.setModel(&model);
        preview.show();
        QSignalSpy failed(&preview, &PreviewWidget::loadFailed);
        preview.setCurrentIndex(model.index(5, 0));
        QVERIFY(failed.count() == 1 || failed.wait(10000));
        QCOMPARE(preview.state(), PreviewWidget::State::Failed);
        QVERIFY(!preview.errorMessage().isEmpty());
        QVERIFY(preview.image().isNull());
        QCOMPARE(failed.at(0).at(0).toModelIndex().row(), 5);

        preview.setCurrentIndex({});
        QCOMPARE(preview.state(), PreviewWidget::State::Empty);
        QCOMPARE(preview.pageCount(), 0);
    }
};

QTEST_MAIN(TestPreviewWidget)
#include "tst_previewwidget.moc"
