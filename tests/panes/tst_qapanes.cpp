#include <QApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

#include "catalog/catalog.h"
#include "imaging/imageanalysis.h"
#include "newspaperbatch.h"
#include "qa/checkregistry.h"
#include "review/shippedstages.h"
#include "testsupport.h"
#include "ui/enginecontroller.h"
#include "ui/issuesmodel.h"
#include "ui/issuespanel.h"
#include "ui/metadatapane.h"
#include "ui/qaprofileeditor.h"
#include "ui/settingsdialog.h"

using namespace gh;

// Where a curator meets QA in the GUI: findings in the problems list leading to their files, the metadata
// pane's findings and histogram, the QA profile in Settings. The end-to-end case checks a generated batch
// with gatehouse-cli and reads it back through the engine, as the main window does.

namespace {

FindingRecord finding(qint64 fileId, const QString &check, FindingSeverity severity, const QString &message)
{
    FindingRecord f;
    f.batchId = 3;
    f.fileId = fileId;
    f.itemId = fileId > 0 ? 1 : 0;
    f.check = check;
    f.severity = severity;
    f.message = message;
    return f;
}

} // namespace

class TestQaPanes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void findingsInTheProblemsList();
    void metadataPaneShowsFindingsAndHistogram();
    void profileEditorRoundTrip();
    void settingsDialogHasTheQualityTab();
    void endToEndThroughTheEngine();
    void runChecksWithTheLampLive();
};

void TestQaPanes::initTestCase()
{
    registerImageChecks();
}

void TestQaPanes::findingsInTheProblemsList()
{
    IssuesModel model;
    model.reset(3);
    model.setFindings(
        3,
        {finding(11, QStringLiteral("xml-schema"), FindingSeverity::Error,
                 QStringLiteral("p.alto.xml, line 9: bad")),
         finding(12, QStringLiteral("dark-page"), FindingSeverity::Flag, QStringLiteral("p.jp2 looks dark")),
         finding(0, QStringLiteral("xml-schema"), FindingSeverity::Warning, QStringLiteral("skipped"))},
        {QStringLiteral("item / p.alto.xml"), QStringLiteral("item / p.jp2"), QString()});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, IssuesModel::WhatColumn).data().toString(), QStringLiteral("xml-schema"));
    QCOMPARE(model.index(0, IssuesModel::WhereColumn).data().toString(), QStringLiteral("item / p.alto.xml"));
    QCOMPARE(model.index(0, IssuesModel::MessageColumn).data().toString(),
             QStringLiteral("p.alto.xml, line 9: bad"));
    QCOMPARE(model.index(0, 0).data(IssuesModel::FileIdRole).toLongLong(), 11);
    QCOMPARE(model.index(0, 0).data(IssuesModel::KindRole).toInt(), int(IssuesModel::Kind::Finding));
    QCOMPARE(model.index(1, 0).data(IssuesModel::LevelRole).toInt(), int(IssuesModel::Level::Flag));
    QCOMPARE(model.index(1, IssuesModel::SeverityColumn).data().toString(), QStringLiteral("QA flag"));
    QCOMPARE(model.index(2, IssuesModel::WhereColumn).data().toString(), QStringLiteral("Batch"));
    QCOMPARE(model.index(2, 0).data(IssuesModel::FileIdRole).toLongLong(), 0);
    // Errors, warnings, then flags when sorted by severity.
    QVERIFY(model.index(0, 0).data(IssuesModel::SortRole).toInt() <
            model.index(2, 0).data(IssuesModel::SortRole).toInt());
    QVERIFY(model.index(2, 0).data(IssuesModel::SortRole).toInt() <
            model.index(1, 0).data(IssuesModel::SortRole).toInt());

    // A new answer replaces the findings; file problems stay; other batches are ignored.
    FileRecord failed;
    failed.id = 20;
    failed.batchId = 3;
    failed.status = FileStatus::NotFound;
    model.addOrUpdate({failed});
    model.setFindings(
        3, {finding(12, QStringLiteral("dark-page"), FindingSeverity::Flag, QStringLiteral("dark"))},
        {QStringLiteral("item / p.jp2")});
    QCOMPARE(model.rowCount(), 2);
    model.setFindings(4, {}, {});
    QCOMPARE(model.rowCount(), 2);
    model.setFindings(3, {}, {});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowForFile(20), 0);
}

void TestQaPanes::metadataPaneShowsFindingsAndHistogram()
{
    MetadataPane pane;
    FileRecord file;
    file.id = 12;
    file.batchId = 3;
    file.name = QStringLiteral("p.jp2");
    file.status = FileStatus::Success;
    pane.showFile(file, {}, {});
    ImageStatistics s;
    s.fileId = 12;
    s.width = 4000;
    s.height = 5000;
    s.sampleWidth = 500;
    s.sampleHeight = 625;
    s.reduction = 3;
    s.histogram[60] = 300000;
    s.histogram[200] = 12500;
    pane.showQa(
        12,
        {finding(12, QStringLiteral("dark-page"), FindingSeverity::Flag, QStringLiteral("p.jp2 looks dark"))},
        s);
    QCOMPARE(pane.findings().size(), 1);
    QVERIFY(!pane.histogramImage().isNull());
    QCOMPARE(pane.histogramImage().size(), QSize(256, 72));
    // The bar for 60 reaches the top, the one for 200 is shorter but visible, 0 stays empty.
    const QImage h = pane.histogramImage();
    QVERIFY(h.pixelColor(60, 0) != h.pixelColor(0, 0));
    QVERIFY(h.pixelColor(200, 71) != h.pixelColor(0, 71));
    QVERIFY(h.pixelColor(200, 0) == h.pixelColor(0, 0));
    const QString text = pane.technicalView()->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("Quality")) && text.contains(QStringLiteral("dark-page")) &&
                 text.contains(QStringLiteral("p.jp2 looks dark")) &&
                 text.contains(QStringLiteral("Histogram")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("60 / ")));
    QVERIFY(!pane.technicalView()
                 ->document()
                 ->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("gatehouse-qa:histogram.png")))
                 .isNull());

    // Answers for another file are not shown; a new file starts without findings.
    pane.showQa(99, {finding(99, QStringLiteral("empty"), FindingSeverity::Error, QStringLiteral("other"))},
                {});
    QCOMPARE(pane.findings().size(), 1);
    file.id = 13;
    pane.showFile(file, {}, {});
    QVERIFY(pane.findings().isEmpty());
    QVERIFY(pane.histogramImage().isNull());
    QVERIFY(!pane.technicalView()->toPlainText().contains(QStringLiteral("Quality")));
    pane.showQa(13, {}, {});
    QVERIFY(!pane.technicalView()->toPlainText().contains(QStringLiteral("Quality"))); // nothing known at all
}

void TestQaPanes::profileEditorRoundTrip()
{
    QaProfile profile;
    profile.darkPeak = 100;
    profile.borderMaxFraction = 0.05;
    profile.ocrMinConfidence = 0.5;
    profile.maxWidth = 9000;
    profile.schemas = QStringLiteral("/srv/schemas/catalog.xml");
    profile.severities.insert(QStringLiteral("blank-page"), FindingSeverity::Error);
    profile.checks = {QStringLiteral("fixity"), QStringLiteral("dark-page")};
    QaProfileEditor editor(profile);
    QaProfile back = editor.profile();
    QCOMPARE(back.darkPeak, 100);
    QCOMPARE(back.borderMaxFraction, 0.05);
    QCOMPARE(back.ocrMinConfidence, 0.5);
    QCOMPARE(back.maxWidth, 9000);
    QCOMPARE(back.schemas, profile.schemas);
    QCOMPARE(back.checks, profile.checks);
    QCOMPARE(back.severities, profile.severities); // kept though not shown
    // Every check ticked is "all": checks added later run too.
    for (int i = 0; i < editor.checkList()->count(); ++i)
        editor.checkList()->item(i)->setCheckState(Qt::Checked);
    QVERIFY(editor.profile().checks.isEmpty());
    QCOMPARE(editor.checkList()->count(), CheckRegistry::instance().checks().size());
    editor.checkList()->item(0)->setCheckState(Qt::Unchecked);
    QVERIFY(!editor.profile().runs(editor.checkList()->item(0)->text()));
    QVERIFY(editor.profile().runs(editor.checkList()->item(1)->text()));
}

void TestQaPanes::settingsDialogHasTheQualityTab()
{
    Preferences preferences;
    preferences.qa.darkPeak = 77;
    SettingsDialog dialog(preferences);
    auto *tabs = dialog.findChild<QTabWidget *>();
    QVERIFY(tabs);
    QStringList titles;
    for (int i = 0; i < tabs->count(); ++i)
        titles.append(tabs->tabText(i));
    QVERIFY2(titles.contains(QStringLiteral("Quality")), qPrintable(titles.join(u',')));
    QCOMPARE(dialog.preferences().qa.darkPeak, 77);

    // Saved under [check], the keys the CLI reads.
    QSettings settings;
    settings.clear();
    preferences.save();
    QCOMPARE(settings.value(QStringLiteral("check/dark_peak")).toInt(), 77);
    QCOMPARE(Preferences::load().qa.darkPeak, 77);
}

void TestQaPanes::endToEndThroughTheEngine()
{
    test::Workspace ws;
    test::NewspaperBatch generator;
    test::NewspaperBatch::Spec spec;
    spec.editions = {QStringLiteral("1795-06-13-01")};
    spec.pagesPerEdition = 2;
    spec.width = 240;
    spec.height = 300;
    spec.defects = {test::NewspaperBatch::Defect::DarkPage};
    QString error;
    const QString dir = generator.generate(ws.file(QStringLiteral("delivery")), spec, &error);
    QVERIFY2(!dir.isEmpty(), qPrintable(error));
    const test::CliResult load = ws.cli({QStringLiteral("load"), dir, QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 0);
    const qint64 batch =
        QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger();
    QCOMPARE(ws.cli({QStringLiteral("fetch"), QString::number(batch)}).exitCode, 0);
    QCOMPARE(ws.cli({QStringLiteral("check"), QString::number(batch), QStringLiteral("--profile"),
                     [&] {
                         const QString ini = ws.file(QStringLiteral("profile.ini"));
                         test::writeFile(ini, "[check]\nskip=xml-schema\n");
                         return ini;
                     }()})
                 .exitCode,
             1);

    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    EngineController controller(*workspace, RunOptions{});
    QSignalSpy started(controller.engine(), &Engine::started);
    controller.start();
    QVERIFY(started.wait(30000));

    IssuesPanel panel(&controller);
    panel.setBatch(batch);
    QTRY_COMPARE_WITH_TIMEOUT(panel.count(), 1, 15000);
    IssuesModel *model = panel.model();
    QCOMPARE(model->index(0, IssuesModel::WhatColumn).data().toString(), QStringLiteral("dark-page"));
    const qint64 darkFile = model->index(0, 0).data(IssuesModel::FileIdRole).toLongLong();
    QVERIFY(darkFile > 0);
    QVERIFY(
        model->index(0, IssuesModel::WhereColumn).data().toString().endsWith(QStringLiteral("-0002.jp2")));
    QSignalSpy activated(&panel, &IssuesPanel::fileActivated);
    emit panel.table()->activated(panel.proxy()->index(0, 0));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.constFirst().at(0).toLongLong(), darkFile);

    MetadataPane pane(&controller);
    pane.showFile(darkFile);
    QTRY_COMPARE_WITH_TIMEOUT(pane.findings().size(), 1, 15000);
    QTRY_VERIFY(!pane.histogramImage().isNull());
    QVERIFY(pane.technicalView()->toPlainText().contains(QStringLiteral("looks dark")));
}

void TestQaPanes::runChecksWithTheLampLive()
{
    // The GUI registers the shipped stages at start-up: a run checks the batch after fetch, no "check"
    // command needed, and the Check lamp runs while it does.
    ShippedStages::registerAll();
    test::Workspace ws;
    test::NewspaperBatch generator;
    test::NewspaperBatch::Spec spec;
    spec.width = 240;
    spec.height = 300;
    spec.defects = {test::NewspaperBatch::Defect::DarkPage, test::NewspaperBatch::Defect::FixityMismatch};
    QString error;
    const QString dir = generator.generate(ws.file(QStringLiteral("delivery")), spec, &error);
    QVERIFY2(!dir.isEmpty(), qPrintable(error));

    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    EngineController controller(*workspace, RunOptions{});
    QSignalSpy started(controller.engine(), &Engine::started);
    controller.start();
    QVERIFY(started.wait(30000));
    QList<StageState> checkLamp;
    connect(controller.engine(), &Engine::batchesChanged, this, [&](const QList<BatchRecord> &batches) {
        for (const BatchRecord &b : batches) {
            const StageState s = b.stages.value(Stage::Check, StageState::NotStarted);
            if (checkLamp.isEmpty() || checkLamp.constLast() != s)
                checkLamp.append(s);
        }
    });
    QList<Progress> checking;
    connect(controller.engine(), &Engine::progressChanged, this, [&](const Progress &p) {
        if (p.stage == Stage::Check)
            checking.append(p);
    });
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    controller.runSource(dir);
    QVERIFY(finished.wait(120000));
    const qint64 batch = finished.constFirst().at(0).toLongLong();

    // The check reported its progress over the batch's files from its start (what the state line shows
    // while the lamp reads running; the lamp itself is refreshed at most twice a second, so a batch this
    // small may pass that unseen) to its end, and its lamp ends needing attention for the findings.
    QVERIFY(!checking.isEmpty());
    QCOMPARE(checking.constFirst().filesDone, qint64(0));
    QVERIFY(checking.constFirst().filesTotal >= generator.fileCount() - 1);
    QCOMPARE(checking.constLast().filesDone, checking.constLast().filesTotal);
    QTRY_VERIFY(!checkLamp.isEmpty() && checkLamp.constLast() == StageState::NeedsAttention);

    // Its findings are in the problems list; the checksum mismatch once, as the file's own problem.
    IssuesPanel panel(&controller);
    panel.setBatch(batch);
    controller.loadFiles(batch); // as the main window does for the batch it shows
    IssuesModel *model = panel.model();
    QStringList what;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            what.clear();
            for (int row = 0; row < model->rowCount(); ++row)
                what.append(model->index(row, IssuesModel::WhatColumn).data().toString());
            return what.contains(QStringLiteral("dark-page")) &&
                   what.contains(StatusInfo::displayName(FileStatus::FixityMismatch));
        }(),
        15000);
    QVERIFY2(!what.contains(QStringLiteral("fixity")), qPrintable(what.join(u',')));
    QVERIFY2(what.count(StatusInfo::displayName(FileStatus::FixityMismatch)) == 1,
             qPrintable(what.join(u',')));
    StageDefinition::clearAdded();
}

QTEST_MAIN(TestQaPanes)
#include "tst_qapanes.moc"
