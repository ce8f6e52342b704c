// Batch → Export in the window: one entry per report format, disabled without a batch, and an export written
// on a worker thread lands as a complete file (the file dialog only chooses the path; exportTo() is the
// rest).
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include "report/exports.h"
#include "testsupport.h"
#include "ui/exportmenu.h"

using namespace gh;

class TestExportMenu : public QObject
{
    Q_OBJECT

private slots:
    void oneEntryPerFormat()
    {
        test::Workspace ws;
        auto workspace = Workspace::resolve(ws.catalog(), ws.store());
        QVERIFY(workspace);
        QWidget window;
        ExportMenu menu(
            *workspace, [] { return qint64(0); }, &window);
        QCOMPARE(menu.actions().size(), Exports::all().size());
        for (QAction *action : menu.actions())
            QVERIFY(action->text().contains(u'&')); // an accelerator for each entry
        emit menu.aboutToShow();
        for (QAction *action : menu.actions())
            QVERIFY(!action->isEnabled()); // no batch shown
    }

    void exportWritesTheFileOnAWorker()
    {
        test::Workspace ws;
        QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir()}).exitCode, 1);
        auto workspace = Workspace::resolve(ws.catalog(), ws.store());
        QVERIFY(workspace);
        QWidget window;
        ExportMenu menu(
            *workspace, [] { return qint64(1); }, &window);
        emit menu.aboutToShow();
        for (QAction *action : menu.actions())
            QVERIFY(action->isEnabled());

        QSignalSpy finished(&menu, &ExportMenu::exportFinished);
        const QString path = ws.file(QStringLiteral("exports/batch-1.csv"));
        menu.exportTo(*Exports::find(QStringLiteral("csv")), path);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.constFirst().at(0).toString(), path);
        QVERIFY2(finished.constFirst().at(1).toBool(), qPrintable(finished.constFirst().at(2).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readLine().startsWith("id,item,name,"));

        // A second export while none runs works the same; with no batch it says why and writes nothing.
        ExportMenu empty(
            *workspace, [] { return qint64(0); }, &window);
        QSignalSpy refused(&empty, &ExportMenu::exportFinished);
        const QString nothing = ws.file(QStringLiteral("exports/none.xml"));
        empty.exportTo(*Exports::find(QStringLiteral("premis")), nothing);
        QCOMPARE(refused.size(), 1);
        QVERIFY(!refused.constFirst().at(1).toBool());
        QVERIFY(!QFileInfo::exists(nothing));
    }
};

QTEST_MAIN(TestExportMenu)
#include "tst_exportmenu.moc"
