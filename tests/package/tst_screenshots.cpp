// The screenshots the AppStream metadata names, made here: the metadata is read, and for each <image> the
// main window is shown offscreen at the image's size, in the image's language, on the bundled sample batch
// after a real run, and saved under build/screenshots/ with the file name of the image's URL. So the metadata
// can only name screenshots this test makes, and they always show the current window.
#include <QAbstractProxyModel>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include "ui/batchlistmodel.h"
#include "ui/filetablemodel.h"
#include "ui/mainwindow.h"
#include "report/itemlink.h"
#include "testsupport.h"

using namespace gh;

namespace {

struct Shot
{
    QString fileName;
    QSize size;
    QString language; // empty for the default (English)
};

QList<Shot> shotsInMetainfo(QString *error)
{
    QFile file(QStringLiteral(GATEHOUSE_METAINFO));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Shot> shots;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement || xml.name() != u"image")
            continue;
        Shot shot;
        shot.size = QSize(xml.attributes().value(QStringLiteral("width")).toInt(),
                          xml.attributes().value(QStringLiteral("height")).toInt());
        shot.language = xml.attributes().value(QStringLiteral("xml:lang")).toString();
        shot.fileName = xml.readElementText().section(u'/', -1);
        shots.append(shot);
    }
    if (xml.hasError())
        *error = xml.errorString();
    return shots;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void screenshots_data();
    void screenshots();
    void gatehouseLinkOpensTheItem();
};

void TestScreenshots::screenshots_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("language");
    QString error;
    const QList<Shot> shots = shotsInMetainfo(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!shots.isEmpty());
    for (const Shot &shot : shots)
        QTest::newRow(qPrintable(shot.fileName)) << shot.fileName << shot.size << shot.language;
}

void TestScreenshots::screenshots()
{
    QFETCH(QString, fileName);
    QFETCH(QSize, size);
    QFETCH(QString, language);
    QVERIFY(size.width() >= 620 && size.height() > 0);

    QTranslator translator;
    if (!language.isEmpty()) {
        QVERIFY2(translator.load(QStringLiteral("gatehouse_") + language, QStringLiteral(":/i18n")),
                 qPrintable(language));
        QCoreApplication::installTranslator(&translator);
        QLocale::setDefault(QLocale(language));
    }

    test::Workspace ws;
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    {
        MainWindow window(*workspace, Preferences{});
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(&window, &MainWindow::runFinished);
        window.openSource(test::sampleDir());
        QVERIFY(finished.wait(120000));
        // The final reload of the files arrives after the run; wait for the whole table and a settled layout.
        QTRY_VERIFY_WITH_TIMEOUT(window.fileModel()->rowCount() > 0, 30000);
        QTest::qWait(500);
        const QImage image = window.grab().toImage();
        QCOMPARE(image.size() / image.devicePixelRatio(), size);
        QDir().mkpath(QStringLiteral(GATEHOUSE_SCREENSHOT_DIR));
        const QString path = QDir(QStringLiteral(GATEHOUSE_SCREENSHOT_DIR)).filePath(fileName);
        QVERIFY2(image.save(path), qPrintable(path));
        // Not a blank grab: a real window has many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    }
    if (!language.isEmpty()) {
        QCoreApplication::removeTranslator(&translator);
        QLocale::setDefault(QLocale::c());
    }
}

void TestScreenshots::gatehouseLinkOpensTheItem()
{
    // What "gatehouse gatehouse://batch/1/item/N" does: a window that starts on a link shows that batch and
    // selects the item's first file once the files arrive.
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir()}).exitCode, 1);
    const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(files.exitCode, 0);
    const QList<QByteArray> lines = files.out.trimmed().split('\n');
    QVERIFY(lines.size() > 3);
    const QJsonObject target = QJsonDocument::fromJson(lines[lines.size() - 2]).object();
    const auto link = ItemLink::parse(target.value(QStringLiteral("link")).toString());
    QVERIFY(link);

    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    MainWindow window(*workspace, Preferences{});
    window.openLink(*link); // before the batch list has arrived, as at start-up
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTableView *table = nullptr;
    for (QTableView *view : window.findChildren<QTableView *>()) {
        const auto *proxy = qobject_cast<const QAbstractProxyModel *>(view->model());
        if (view->model() == window.fileModel() || (proxy && proxy->sourceModel() == window.fileModel()))
            table = view;
    }
    QVERIFY(table);
    QTRY_VERIFY_WITH_TIMEOUT(table->currentIndex().isValid(), 30000);
    const qint64 fileId = table->currentIndex().data(FileTableModel::FileIdRole).toLongLong();
    const int row = window.fileModel()->rowForFile(fileId);
    QVERIFY(row >= 0);
    QCOMPARE(window.fileModel()->file(row)->itemId, link->itemId);
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
