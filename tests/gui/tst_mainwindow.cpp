#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <QTranslator>

#include "testsupport.h"
#include "ui/batchlistmodel.h"
#include "ui/enginecontroller.h"
#include "ui/filetablemodel.h"
#include "ui/issuespanel.h"
#include "ui/mainwindow.h"
#include "ui/metadatapane.h"
#include "ui/previewwidget.h"
#include "ui/progresspanel.h"
#include "ui/thumbnailview.h"

using namespace gh;

namespace {

//! Records the longest gap between ticks of a 10 ms timer: how long the GUI thread was unavailable.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_clock.start();
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer,
                         [this] { m_longest = std::max(m_longest, m_clock.restart()); });
        m_timer.start();
    }
    qint64 longestMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

int rowOf(const FileTableModel *model, const QString &name)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->file(row)->name == name)
            return row;
    }
    return -1;
}

StageState lamp(const BatchListModel *model, int row, Stage stage)
{
    const int column = BatchListModel::FirstStageColumn + int(StageInfo::all().indexOf(stage));
    return StageState(model->index(row, column).data(BatchListModel::StageStateRole).toInt());
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loadsSampleShowsFilesAndLamps();
    void cancelThenResume();
    void dropAFolder();
    void windowStateRestored();
    void openBatchRestored();
    void gridAndPreviewShareTheSelection();
    void hotFolderDeliveriesRunOneAfterAnother();
    void followsLocale_data();
    void followsLocale();

private:
    std::unique_ptr<MainWindow> makeWindow(const test::Workspace &ws);
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestMainWindow::makeWindow(const test::Workspace &ws)
{
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    auto window = std::make_unique<MainWindow>(*workspace, Preferences{});
    window->show();
    return window;
}

void TestMainWindow::loadsSampleShowsFilesAndLamps()
{
    test::Workspace ws;
    auto window = makeWindow(ws);
    QSignalSpy finished(window.get(), &MainWindow::runFinished);
    StallMeter stalls;
    window->openSource(test::sampleDir());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.constFirst().at(1).toBool(), true);

    // The file table fills from the engine (the final reload arrives after runFinished).
    FileTableModel *files = window->fileModel();
    QTRY_COMPARE(files->rowCount(), 7);
    const int bad = rowOf(files, QStringLiteral("card-0004.jp2"));
    QVERIFY(bad >= 0);
    QTRY_COMPARE(FileStatus(files->index(bad, 0).data(FileTableModel::StatusRole).toInt()),
                 FileStatus::FixityMismatch);
    const int good = rowOf(files, QStringLiteral("card-0001.png"));
    QCOMPARE(FileStatus(files->index(good, 0).data(FileTableModel::StatusRole).toInt()), FileStatus::Success);
    QCOMPARE(files->index(good, FileTableModel::TypeColumn).data().toString(), QStringLiteral("image/png"));

    BatchListModel *batches = window->batchModel();
    QTRY_COMPARE(batches->rowCount(), 1);
    QTRY_COMPARE(lamp(batches, 0, Stage::Intake), StageState::Done);
    QTRY_COMPARE(lamp(batches, 0, Stage::Fetch), StageState::NeedsAttention);
    QCOMPARE(lamp(batches, 0, Stage::Upload), StageState::NotStarted);
    QVERIFY(batches->index(0, BatchListModel::FirstStageColumn + 1)
                .data(Qt::AccessibleTextRole)
                .toString()
                .contains(QStringLiteral("attention")));

    QVERIFY(window->logPane()->toPlainText().contains(QStringLiteral("fixity-mismatch")));
    QVERIFY(!window->isBusy());
    QVERIFY(!window->progressPanel()->findChild<QPushButton *>()->isEnabled());

    // Selecting a file shows its details, fetched by the engine.
    auto *view = window->findChild<QTableView *>(QStringLiteral("fileView"));
    auto *metadata = window->findChild<MetadataPane *>(QStringLiteral("metadataPane"));
    QVERIFY(metadata);
    const QModelIndex proxyIndex = view->model()->index(0, 0);
    const qint64 selectedId = proxyIndex.data(FileTableModel::FileIdRole).toLongLong();
    const QString selectedSha =
        proxyIndex.siblingAtColumn(FileTableModel::Sha256Column).data().toString().left(8);
    QVERIFY(!selectedSha.isEmpty());
    view->setCurrentIndex(proxyIndex);
    QTRY_COMPARE(metadata->fileId(), selectedId);
    QVERIFY(metadata->technicalView()->toPlainText().contains(selectedSha));
    QVERIFY(metadata->provenanceView()->toPlainText().contains(QStringLiteral("message digest calculation")));

    // The planted mismatch is in the problems list; activating it selects its file in the table.
    auto *issues = window->findChild<IssuesPanel *>(QStringLiteral("issuesPanel"));
    QVERIFY(issues);
    QTRY_COMPARE(issues->count(), 1);
    const QModelIndex problem = issues->table()->model()->index(0, 0);
    issues->table()->setCurrentIndex(problem);
    QTest::keyClick(issues->table(), Qt::Key_Return);
    QTRY_COMPARE(view->currentIndex().siblingAtColumn(FileTableModel::NameColumn).data().toString(),
                 QStringLiteral("card-0004.jp2"));
    QTRY_COMPARE(metadata->fileId(), view->currentIndex().data(FileTableModel::FileIdRole).toLongLong());

    // The filter bar narrows the table to what the curator asks for.
    auto *filter = window->findChild<QLineEdit *>(QStringLiteral("filterSearch"));
    QVERIFY(filter);
    QTest::keyClicks(filter, QStringLiteral("status:fixity-mismatch"));
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->index(0, FileTableModel::NameColumn).data().toString(),
             QStringLiteral("card-0004.jp2"));
    filter->clear();
    QTRY_COMPARE(view->model()->rowCount(), 7);

    // The GUI thread was never blocked long enough to freeze the window.
    QVERIFY2(stalls.longestMs() < 1000, qPrintable(QString::number(stalls.longestMs())));
}

void TestMainWindow::cancelThenResume()
{
    test::Workspace ws;
    const QString source = ws.file(QStringLiteral("big"));
    for (int i = 0; i < 120; ++i)
        test::writeFile(source + QStringLiteral("/scan-%1.tif").arg(i, 3, 10, QLatin1Char('0')),
                        test::pseudoRandomBytes(2 * 1024 * 1024, quint64(i)));
    auto window = makeWindow(ws);
    QSignalSpy finished(window.get(), &MainWindow::runFinished);
    QSignalSpy progress(window->engine()->engine(), &Engine::progressChanged);
    window->openSource(source);
    QTRY_VERIFY_WITH_TIMEOUT(window->isBusy(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !progress.isEmpty() && progress.constLast().at(0).value<Progress>().filesDone >= 5, 30000);
    auto *cancel = window->progressPanel()->findChild<QPushButton *>();
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.wait(60000));

    QTRY_COMPARE(window->fileModel()->rowCount(), 120);
    int pending = 0;
    for (int row = 0; row < 120; ++row)
        pending += FileStatus(window->fileModel()->index(row, 0).data(FileTableModel::StatusRole).toInt()) ==
                   FileStatus::Pending;
    QVERIFY2(pending > 0, "cancel stopped nothing");
    QTRY_COMPARE(lamp(window->batchModel(), 0, Stage::Fetch), StageState::NeedsAttention);
    QVERIFY(!window->isBusy());

    // Run again: the pending files are fetched, nothing twice.
    window->engine()->runBatch(window->batchModel()->batch(0)->id);
    QVERIFY(finished.wait(120000));
    QTRY_COMPARE(lamp(window->batchModel(), 0, Stage::Fetch), StageState::Done);
    QTRY_COMPARE(window->batchModel()->batch(0)->counts.value(FileStatus::Success), 120);
}

void TestMainWindow::dropAFolder()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("dropped/a.txt")), "dropped file");
    auto window = makeWindow(ws);
    QSignalSpy finished(window.get(), &MainWindow::runFinished);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(ws.file(QStringLiteral("dropped")))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &drop);
    QVERIFY(finished.wait(30000));
    QTRY_COMPARE(window->fileModel()->rowCount(), 1);
    QCOMPARE(window->batchModel()->batch(0)->name, QStringLiteral("dropped"));

    // A dropped file (an archive, a manifest, a spreadsheet) is a source too.
    QMimeData file;
    file.setUrls({QUrl::fromLocalFile(ws.file(QStringLiteral("dropped/a.txt")))});
    QDragEnterEvent accepted(QPoint(10, 10), Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
    accepted.setAccepted(false);
    QApplication::sendEvent(window.get(), &accepted);
    QVERIFY(accepted.isAccepted());

    // Something that is neither a local path nor a web address is refused.
    QMimeData other;
    other.setUrls({QUrl(QStringLiteral("mailto:curator@example.org")),
                   QUrl::fromLocalFile(ws.file(QStringLiteral("missing")))});
    QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QApplication::sendEvent(window.get(), &refused);
    QVERIFY(!refused.isAccepted());
}

void TestMainWindow::windowStateRestored()
{
    test::Workspace ws;
    {
        auto window = makeWindow(ws);
        window->resize(1011, 707);
        window->close();
    }
    QVERIFY(QSettings().contains(QStringLiteral("ui/geometry")));
    auto again = makeWindow(ws);
    QCOMPARE(again->size(), QSize(1011, 707));
}

void TestMainWindow::openBatchRestored()
{
    test::Workspace ws;
    {
        auto window = makeWindow(ws);
        QSignalSpy finished(window.get(), &MainWindow::runFinished);
        window->openSource(test::sampleDir());
        QVERIFY(finished.wait(60000));
        QTRY_COMPARE(window->fileModel()->rowCount(), 7);
        // The status bar carries the same progress summary as the panel.
        auto *status = window->findChild<QLabel *>(QStringLiteral("statusProgress"));
        QVERIFY(status);
        QCOMPARE(status->text(), window->progressPanel()->summaryText());
        window->close();
    }
    // Reopened, the window shows the batch the curator was looking at, without loading anything again.
    auto again = makeWindow(ws);
    QTRY_COMPARE(again->batchModel()->rowCount(), 1);
    QTRY_COMPARE(again->fileModel()->rowCount(), 7);
    auto *batches = again->findChild<QTableView *>(QStringLiteral("batchView"));
    QCOMPARE(batches->currentIndex().row(), 0);
    QVERIFY(!again->isBusy());
    QSettings().remove(QStringLiteral("ui/openBatch"));
}

void TestMainWindow::gridAndPreviewShareTheSelection()
{
    test::Workspace ws;
    auto window = makeWindow(ws);
    QSignalSpy finished(window.get(), &MainWindow::runFinished);
    window->openSource(test::sampleDir());
    QVERIFY(finished.wait(60000));
    QTRY_COMPARE(window->fileModel()->rowCount(), 7);

    auto *table = window->findChild<QTableView *>(QStringLiteral("fileView"));
    auto *grid = window->findChild<ThumbnailView *>(QStringLiteral("thumbnailView"));
    auto *preview = window->findChild<PreviewWidget *>(QStringLiteral("previewWidget"));
    QVERIFY(table && grid && preview);
    QCOMPARE(grid->model(), table->model());
    QCOMPARE(grid->selectionModel(), table->selectionModel());

    // Select the PNG in the table, then switch to thumbnails: the grid shows the same current file.
    int png = -1;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        if (table->model()->index(row, FileTableModel::NameColumn).data().toString() == u"card-0001.png")
            png = row;
    QVERIFY(png >= 0);
    table->setFocus();
    table->setCurrentIndex(table->model()->index(png, 0));
    QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
    QTRY_VERIFY(grid->isVisible());
    QVERIFY(!table->isVisible());
    QCOMPARE(grid->currentIndex().row(), png);
    QTRY_VERIFY(grid->isScreenLoaded());

    // Space previews the current file, decoded off the GUI thread.
    QSignalSpy shown(preview, &PreviewWidget::imageShown);
    grid->setFocus();
    QTest::keyClick(grid, Qt::Key_Space);
    QVERIFY(preview->isVisible());
    QVERIFY(shown.wait(10000));
    QCOMPARE(shown.last().first().value<QModelIndex>().row(), png);

    // Arrow keys in the grid move the one selection; the preview follows.
    shown.clear();
    QTest::keyClick(grid, Qt::Key_Right);
    QCOMPARE(table->currentIndex().row(), grid->currentIndex().row());
    QVERIFY(grid->currentIndex().row() != png);

    // Back to the table (Ctrl+1), and the choice of view is remembered.
    QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY(table->isVisible());
    QTest::keyClick(window.get(), Qt::Key_2, Qt::ControlModifier);
    window->close();
    auto again = makeWindow(ws);
    QTRY_VERIFY(again->findChild<ThumbnailView *>(QStringLiteral("thumbnailView"))->isVisible());
    QVERIFY(again->findChild<PreviewWidget *>(QStringLiteral("previewWidget"))->isVisible());
    QSettings().remove(QStringLiteral("ui/filesView"));
    QSettings().remove(QStringLiteral("ui/preview"));
    QSettings().remove(QStringLiteral("ui/openBatch"));
}

void TestMainWindow::hotFolderDeliveriesRunOneAfterAnother()
{
    test::Workspace ws;
    const QString incoming = ws.file(QStringLiteral("incoming"));
    QVERIFY(QDir().mkpath(incoming));
    auto window = makeWindow(ws);
    QSignalSpy finished(window.get(), &MainWindow::runFinished);
    window->engine()->setHotFolder(incoming, 300);
    auto *status = window->findChild<QLabel *>(QStringLiteral("hotFolderStatus"));
    QTRY_VERIFY(status->text().contains(QDir::toNativeSeparators(incoming)));

    // Two deliveries arrive together (a half-copied third is still being written and must wait).
    for (const char *name : {"delivery-a", "delivery-b"}) {
        for (int i = 0; i < 3; ++i)
            test::writeFile(
                ws.file(QStringLiteral("incoming/%1/page-%2.txt").arg(QLatin1String(name)).arg(i)),
                QByteArray("page ") + QByteArray::number(i) + name);
    }
    test::writeFile(ws.file(QStringLiteral("incoming/delivery-c.part")), "still copying");

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    BatchListModel *batches = window->batchModel();
    QTRY_COMPARE(batches->rowCount(), 2);
    QStringList names;
    for (int row = 0; row < 2; ++row) {
        names.append(batches->batch(row)->name);
        QTRY_COMPARE(lamp(batches, row, Stage::Fetch), StageState::Done);
        QCOMPARE(batches->batch(row)->counts.value(FileStatus::Success), 3);
    }
    names.sort();
    QCOMPARE(names, QStringList({QStringLiteral("delivery-a"), QStringLiteral("delivery-b")}));
    QVERIFY(window->logPane()->toPlainText().contains(QStringLiteral("hot folder")));

    // Switched off, the folder is no longer watched: a new delivery stays where it is.
    window->engine()->setHotFolder({});
    QTRY_VERIFY(status->text().isEmpty());
    test::writeFile(ws.file(QStringLiteral("incoming/delivery-d/page.txt")), "late");
    QTest::qWait(1500);
    QCOMPARE(batches->rowCount(), 2);
}

void TestMainWindow::followsLocale_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("fileMenu");
    QTest::newRow("German") << QStringLiteral("de_DE") << QStringLiteral("&Datei");
    QTest::newRow("Danish") << QStringLiteral("da_DK") << QStringLiteral("&Filer");
}

void TestMainWindow::followsLocale()
{
    // What main() does with the system locale: load our catalogue from the ui library's resources.
    QFETCH(QString, locale);
    QFETCH(QString, fileMenu);
    QTranslator translator;
    QVERIFY(translator.load(QLocale(locale), QStringLiteral("gatehouse"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QApplication::installTranslator(&translator);
    test::Workspace ws;
    auto window = makeWindow(ws);
    QCOMPARE(window->menuBar()->actions().constFirst()->text(), fileMenu);
    QApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
