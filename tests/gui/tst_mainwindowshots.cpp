// Screenshots of the main window at 1600×1000 for review: the window with a batch and a selected file, the
// thumbnail grid with a selection (light and dark palettes), the preview of an image and of an XML file, the
// problems of a IIIF batch, the review view on a QA sample, the welcome panel and the dialogs. Saved under
// the build folder (screenshots/mainwindow/); each also checks what a curator must be able to see in it.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

#include "testsupport.h"
#include "ui/batchlistmodel.h"
#include "ui/enginecontroller.h"
#include "ui/filetablemodel.h"
#include "ui/helpdialogs.h"
#include "ui/issuespanel.h"
#include "ui/mainwindow.h"
#include "ui/metadatapane.h"
#include "ui/previewwidget.h"
#include "ui/reviewview.h"
#include "ui/thumbnailview.h"
#include "ui/webaddressdialog.h"

using namespace gh;

namespace {

const QSize s_size(1600, 1000);

QString shotPath(const QString &name)
{
    const QString dir = QStringLiteral(GATEHOUSE_BIN_DIR "/../screenshots/mainwindow");
    QDir().mkpath(dir);
    return QDir(dir).filePath(name + QStringLiteral(".png"));
}

void save(QWidget *widget, const QString &name)
{
    QApplication::processEvents();
    const QImage image = widget->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(image.save(shotPath(name)), qPrintable(shotPath(name)));
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x33));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    return p;
}

bool near(const QColor &c, const QColor &colour)
{
    return std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
               std::abs(c.blue() - colour.blue()) <
           40;
}

//! The share of the frame of \a rect (the ring one pixel inside it) in \a image that is close to \a colour: a
//! tile painted as selected has a frame in the highlight colour, whatever its picture shows.
double frameShare(const QImage &image, const QRect &rect, const QColor &colour)
{
    int hits = 0;
    int all = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            const int distance = std::min({x - r.left(), r.right() - x, y - r.top(), r.bottom() - y});
            if (distance != 1)
                continue;
            ++all;
            hits += near(image.pixelColor(x, y), colour);
        }
    }
    return all > 0 ? double(hits) / all : 0;
}

int rowOf(const QAbstractItemModel *model, const QString &name)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, FileTableModel::NameColumn).data().toString() == name)
            return row;
    }
    return -1;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void screenshots();
    void welcome();

private:
    std::unique_ptr<MainWindow> makeWindow(const test::Workspace &ws);
};

void TestScreenshots::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

std::unique_ptr<MainWindow> TestScreenshots::makeWindow(const test::Workspace &ws)
{
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    auto window = std::make_unique<MainWindow>(*workspace, Preferences{});
    window->resize(s_size);
    window->show();
    [&] { QVERIFY(QTest::qWaitForWindowExposed(window.get())); }();
    return window;
}

void TestScreenshots::screenshots()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("newspaper/B400022028240-RT1"))})
                 .exitCode,
             0);
    QCOMPARE(
        ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("iiif/v3-manifest.json"))}).exitCode,
        0);
    QCOMPARE(ws.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("mets/book"))}).exitCode, 0);
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir()}).exitCode, 1);
    auto window = makeWindow(ws);
    BatchListModel *batches = window->batchModel();
    QTRY_COMPARE(batches->rowCount(), 4);
    auto *dashboard = window->findChild<QTableView *>(QStringLiteral("batchView"));
    auto *table = window->findChild<QTableView *>(QStringLiteral("fileView"));
    auto *grid = window->findChild<ThumbnailView *>(QStringLiteral("thumbnailView"));
    auto *preview = window->findChild<PreviewWidget *>(QStringLiteral("previewWidget"));

    // The sample batch, its mismatching card selected: the metadata of that file.
    dashboard->setCurrentIndex(batches->index(batches->rowForBatch(4), 0));
    QTRY_COMPARE(window->fileModel()->rowCount(), 7);
    const int bad = rowOf(table->model(), QStringLiteral("card-0004.jp2"));
    table->setCurrentIndex(table->model()->index(bad, 0));
    QTRY_VERIFY(window->metadataPane()->isShowingFile());
    QTRY_VERIFY(window->metadataPane()->imageSize().isValid());
    // The checksum mismatch, and the flags run's check stage raised (one count everywhere: as status says).
    const qint64 problems =
        QJsonDocument::fromJson(
            ws.cli({QStringLiteral("status"), QStringLiteral("4"), QStringLiteral("--json")}).out)
            .object()
            .value(QStringLiteral("batches"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("problems"))
            .toObject()
            .value(QStringLiteral("total"))
            .toInteger();
    QVERIFY(problems >= 1);
    QTRY_COMPARE(qint64(window->issuesPanel()->count()), problems);
    table->setFocus();
    save(window.get(), QStringLiteral("mainwindow"));
    QCOMPARE(window->grab().size(), s_size);

    // A laptop's window: the names keep a third of the table (up to 24 em); digests and keys give way.
    window->resize(1280, 800);
    const int em = table->fontMetrics().horizontalAdvance(u'M');
    QTRY_VERIFY2(
        table->horizontalHeader()->sectionSize(FileTableModel::NameColumn) >=
            std::min(24 * em, table->viewport()->width() / 3) - 2,
        qPrintable(QString::number(table->horizontalHeader()->sectionSize(FileTableModel::NameColumn))));
    save(window.get(), QStringLiteral("mainwindow-1280"));
    window->resize(s_size);
    QTRY_COMPARE(window->grab().size(), s_size);

    // The grid with a selected tile: framed and tinted in the highlight colour, light and dark.
    QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
    QTRY_VERIFY(grid->isVisible());
    const int card = rowOf(grid->model(), QStringLiteral("card-0002.jpg"));
    grid->selectionModel()->setCurrentIndex(grid->model()->index(card, 0),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    grid->setFocus();
    QTRY_VERIFY(grid->isScreenLoaded());
    for (const bool dark : {false, true}) {
        const QPalette before = QApplication::palette();
        if (dark)
            QApplication::setPalette(darkPalette());
        QApplication::processEvents();
        save(window.get(), dark ? QStringLiteral("grid-selection-dark") : QStringLiteral("grid-selection"));
        const QImage tiles = grid->viewport()->grab().toImage();
        const QRect tile = grid->visualRect(grid->model()->index(card, FileTableModel::NameColumn));
        // The highlight of the window's state (an inactive window paints the inactive one).
        const QColor highlight = grid->palette().color(
            grid->isActiveWindow() ? QPalette::Active : QPalette::Inactive, QPalette::Highlight);
        const double selected = frameShare(tiles, tile, highlight);
        QVERIFY2(
            selected > 0.6,
            qPrintable(QStringLiteral("the selected tile's frame is %1 % highlight").arg(selected * 100)));
        // Another tile is not framed.
        const QRect other =
            grid->visualRect(grid->model()->index(card == 0 ? 1 : 0, FileTableModel::NameColumn));
        QVERIFY(frameShare(tiles, other, highlight) < 0.1);
        if (dark)
            QApplication::setPalette(before);
    }

    // The preview of the selected image beside the grid.
    QSignalSpy shown(preview, &PreviewWidget::imageShown);
    QTest::keyClick(window.get(), Qt::Key_F3);
    QTRY_VERIFY(preview->isVisible());
    QVERIFY(shown.wait(10000));
    QVERIFY(preview->width() >= 280);
    save(window.get(), QStringLiteral("preview"));

    // A newspaper page: "page 1 of 1" of its images; its ALTO is shown as text with colours.
    dashboard->setCurrentIndex(batches->index(batches->rowForBatch(1), 0));
    QTRY_VERIFY(window->fileModel()->rowCount() > 0);
    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    int alto = -1;
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (table->model()->index(row, FileTableModel::NameColumn).data().toString().endsWith(u".alto.xml"))
            alto = row;
    }
    QVERIFY(alto >= 0);
    table->setCurrentIndex(table->model()->index(alto, 0));
    QTRY_VERIFY(preview->isShowingText() && preview->state() == PreviewWidget::State::Ready);
    QVERIFY(preview->textView()->toPlainText().contains(QStringLiteral("<alto")));
    QVERIFY(preview->itemFileCount() > 1);
    save(window.get(), QStringLiteral("preview-xml"));

    // The IIIF batch: its problem counted once, in the dock and on the dashboard.
    QTest::keyClick(window.get(), Qt::Key_F3);
    dashboard->setCurrentIndex(batches->index(batches->rowForBatch(2), 0));
    QTRY_COMPARE(window->issuesPanel()->count(), 1);
    QCOMPARE(batches->index(batches->rowForBatch(2), BatchListModel::ProblemsColumn).data().toString(),
             QStringLiteral("1"));
    save(window.get(), QStringLiteral("problems-iiif"));

    // The review view on the newspaper batch's QA sample (drawn with a fixed seed, so the shot is the same
    // on every run).
    QCOMPARE(
        ws.cli({QStringLiteral("sample"), QStringLiteral("1"), QStringLiteral("--seed"), QStringLiteral("7")})
            .exitCode,
        0);
    window->openReview(1);
    ReviewView *review = window->reviewView();
    QVERIFY(review);
    auto *scoreboard = review->findChild<QLabel *>(QStringLiteral("scoreboard"));
    QVERIFY(scoreboard);
    QTRY_VERIFY_WITH_TIMEOUT(scoreboard->text().contains(QStringLiteral("reviewed")), 60000);
    review->resize(s_size);
    // Newspaper identifiers differ at their end: the item list widens to show them (up to a third).
    const auto *items = review->findChild<QListWidget *>(QStringLiteral("reviewItems"));
    QVERIFY(items);
    int widest = 0;
    for (int i = 0; i < items->count(); ++i)
        widest = std::max(widest, items->fontMetrics().horizontalAdvance(items->item(i)->text()));
    QVERIFY2(items->width() >= std::min(widest, review->width() / 3 - 20),
             qPrintable(QStringLiteral("list %1 px for rows of %2 px").arg(items->width()).arg(widest)));
    // The item's problems, each once, naming its file without the batch's folders (the heading has them).
    const auto *details = review->findChild<QTextBrowser *>(QStringLiteral("itemDetails"));
    QVERIFY(details);
    QTRY_VERIFY(details->toPlainText().contains(QStringLiteral("jp2-structure")));
    const QString panel = details->toPlainText();
    QCOMPARE(panel.count(QStringLiteral("jp2-structure")), 1);
    QVERIFY2(panel.contains(QStringLiteral("jp2-structure: adresseavisen1759-1795-06-13-01-0001.jp2 is not a sound")),
             qPrintable(panel));
    QVERIFY2(!panel.contains(QStringLiteral("B400022028240-RT1/")), qPrintable(panel));
    save(review, QStringLiteral("review"));
    review->close();

    // The dialogs a curator meets.
    WebAddressDialog web({}, window.get());
    web.show();
    QTest::keyClicks(web.field(), QStringLiteral("ftp://example.org/manifest"));
    web.accept();
    QVERIFY(!web.errorText().isEmpty());
    save(&web, QStringLiteral("dialog-web-address"));
    web.reject();
    UsageDialog usage(window.get());
    usage.show();
    QVERIFY(usage.browser()->toPlainText().contains(QStringLiteral("Check Again")));
    save(&usage, QStringLiteral("dialog-using-gatehouse"));
    ShortcutsDialog keys(window->menuBar(), window.get());
    keys.show();
    save(&keys, QStringLiteral("dialog-shortcuts"));
    QSettings().clear();
}

void TestScreenshots::welcome()
{
    test::Workspace ws;
    auto window = makeWindow(ws);
    QTRY_VERIFY(window->findChild<QWidget *>(QStringLiteral("welcomePanel"))->isVisible());
    save(window.get(), QStringLiteral("welcome"));
    QSettings().clear();
}

QTEST_MAIN(TestScreenshots)
#include "tst_mainwindowshots.moc"
