#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include "catalog/catalog.h"
#include "testsupport.h"
#include "ui/enginecontroller.h"
#include "ui/issuesmodel.h"
#include "ui/issuespanel.h"

using namespace gh;

namespace {

constexpr qint64 s_batch = 7;

FileRecord file(qint64 id, FileStatus status, const QString &error = {})
{
    FileRecord f;
    f.id = id;
    f.batchId = s_batch;
    f.item = QStringLiteral("item-%1").arg(id / 4, 6, 10, QLatin1Char('0'));
    f.name = QStringLiteral("page-%1.jp2").arg(id);
    f.status = status;
    f.error = error;
    return f;
}

QString cell(const QAbstractItemModel &model, int row, int column)
{
    return model.index(row, column).data().toString();
}

//! Every file row's id maps back to its row, and the number of file rows is \a expected.
void verifyIndex(const IssuesModel &model, int expected)
{
    int files = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const qint64 id = model.fileId(row);
        if (id <= 0)
            continue;
        ++files;
        if (model.rowForFile(id) != row)
            QFAIL(qPrintable(QStringLiteral("file %1 is at row %2, the index says %3")
                                 .arg(id)
                                 .arg(row)
                                 .arg(model.rowForFile(id))));
    }
    QCOMPARE(files, expected);
}

} // namespace

class TestIssuesModel : public QObject
{
    Q_OBJECT

private slots:
    void oneRowPerProblemFile();
    void updatesInPlaceAndRemovesWhenFine();
    void batchProblemsBesideFiles();
    void activationEmitsFileId();
    void countLabel();
    void hundredThousandFiles();
    void sampleMismatchFromTheEngine();
    void findingThatRestatesTheFileCountsOnce();
};

void TestIssuesModel::oneRowPerProblemFile()
{
    IssuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(s_batch);
    QSignalSpy count(&model, &IssuesModel::countChanged);
    FileRecord other = file(99, FileStatus::NotFound, QStringLiteral("gone"));
    other.batchId = s_batch + 1;
    model.addOrUpdate({file(1, FileStatus::Success),
                       file(2, FileStatus::FixityMismatch, QStringLiteral("The MD5 of page-2.jp2 differs.")),
                       file(3, FileStatus::Pending), file(4, FileStatus::SkippedBanned),
                       file(5, FileStatus::Unchanged), file(6, FileStatus::NotFound), other});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(count.size(), 1);
    QCOMPARE(count.constFirst().at(0).toInt(), 2);
    const int row = model.rowForFile(2);
    QCOMPARE(row, 0);
    QCOMPARE(cell(model, row, IssuesModel::SeverityColumn), QStringLiteral("Error"));
    QCOMPARE(cell(model, row, IssuesModel::WhatColumn), StatusInfo::displayName(FileStatus::FixityMismatch));
    QCOMPARE(cell(model, row, IssuesModel::WhereColumn), QStringLiteral("item-000000 / page-2.jp2"));
    QCOMPARE(cell(model, row, IssuesModel::MessageColumn), QStringLiteral("The MD5 of page-2.jp2 differs."));
    QVERIFY(!model.index(row, IssuesModel::SeverityColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    // A file without a message says what its status means.
    QCOMPARE(cell(model, model.rowForFile(6), IssuesModel::MessageColumn),
             StatusInfo::displayName(FileStatus::NotFound));
    QCOMPARE(model.rowForFile(99), -1);
    QCOMPARE(model.countText(), QStringLiteral("2 problems"));
}

void TestIssuesModel::updatesInPlaceAndRemovesWhenFine()
{
    IssuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(s_batch);
    QList<FileRecord> files;
    for (qint64 id = 1; id <= 10; ++id)
        files.append(file(id, FileStatus::ServerError, QStringLiteral("HTTP 503 for %1.").arg(id)));
    model.addOrUpdate(files);
    QCOMPARE(model.rowCount(), 10);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    // A retry fails differently: same row, new message, repainted on the next tick.
    model.addOrUpdate({file(4, FileStatus::Timeout, QStringLiteral("No answer for 60 s."))});
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.rowForFile(4), 3);
    QCOMPARE(cell(model, 3, IssuesModel::MessageColumn), QStringLiteral("No answer for 60 s."));
    QCOMPARE(cell(model, 3, IssuesModel::WhatColumn), StatusInfo::displayName(FileStatus::Timeout));
    QTRY_COMPARE(changed.size(), 1);

    // Files 2, 3 and 7 succeed on retry, 9 goes back to pending: their rows go, in two ranges and one row.
    model.addOrUpdate({file(2, FileStatus::Success), file(3, FileStatus::Success),
                       file(7, FileStatus::Success), file(9, FileStatus::Pending)});
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(removed.size(), 3);
    QCOMPARE(resets.size(), 0);
    for (qint64 gone : {2, 3, 7, 9})
        QCOMPARE(model.rowForFile(gone), -1);
    verifyIndex(model, 6);
    QCOMPARE(model.fileId(model.rowForFile(10)), 10);

    // It fails again later: it comes back.
    model.addOrUpdate({file(7, FileStatus::FixityMismatch, QStringLiteral("The SHA-256 differs."))});
    QCOMPARE(model.rowCount(), 7);
    verifyIndex(model, 7);

    // Another batch is shown: its files only.
    model.reset(s_batch + 1);
    QCOMPARE(model.rowCount(), 0);
    model.addOrUpdate({file(1, FileStatus::NotFound)});
    QCOMPARE(model.rowCount(), 0);
}

void TestIssuesModel::batchProblemsBesideFiles()
{
    IssuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(s_batch);
    model.addOrUpdate({file(1, FileStatus::Missing, QStringLiteral("The manifest lists data/a.tif."))});
    // What gh::Problems makes of a batch: an intake warning and a stage that stopped early.
    Problem warning;
    warning.kind = Problem::Kind::Intake;
    warning.level = Problem::Level::Warning;
    warning.stage = Stage::Intake;
    warning.where = QStringLiteral("Intake: manifest");
    warning.message = QStringLiteral("mets.xml line 12: unexpected end of element.");
    Problem stopped;
    stopped.kind = Problem::Kind::Stage;
    stopped.level = Problem::Level::Warning;
    stopped.stage = Stage::Fetch;
    stopped.where = StageInfo::displayName(Stage::Fetch);
    stopped.message = QStringLiteral("The run stopped with 3 files still to do; Run or Resume continues.");
    const QList<Problem> problems{warning, stopped};

    // Problems of another batch are not shown.
    model.setBatchProblems(s_batch + 1, problems);
    QCOMPARE(model.rowCount(), 1);
    model.setBatchProblems(s_batch, problems);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.countText(), QStringLiteral("3 problems"));
    int intake = -1;
    int stage = -1;
    for (int row = 0; row < model.rowCount(); ++row) {
        const auto kind = IssuesModel::Kind(model.index(row, 0).data(IssuesModel::KindRole).toInt());
        if (kind == IssuesModel::Kind::Intake)
            intake = row;
        if (kind == IssuesModel::Kind::Stage)
            stage = row;
    }
    QVERIFY(intake >= 0 && stage >= 0);
    QCOMPARE(cell(model, intake, IssuesModel::SeverityColumn), QStringLiteral("Warning"));
    QCOMPARE(cell(model, intake, IssuesModel::WhatColumn), QStringLiteral("Intake warning"));
    QCOMPARE(cell(model, intake, IssuesModel::WhereColumn), QStringLiteral("Intake: manifest"));
    QCOMPARE(model.fileId(intake), 0);
    QCOMPARE(cell(model, stage, IssuesModel::WhatColumn), QStringLiteral("Fetch not finished"));

    // The same problems again (the batch list refreshes often) change nothing.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setBatchProblems(s_batch, problems);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    // New ones replace the old; the file stays.
    model.setBatchProblems(s_batch, {warning});
    QCOMPARE(model.rowCount(), 2);
    verifyIndex(model, 1);
    // Another batch: nothing of this one stays.
    model.reset(s_batch + 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestIssuesModel::activationEmitsFileId()
{
    IssuesPanel panel;
    panel.resize(800, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    IssuesModel *model = panel.model();
    model->reset(s_batch);
    Problem interrupted;
    interrupted.kind = Problem::Kind::Stage;
    interrupted.level = Problem::Level::Warning;
    interrupted.where = QStringLiteral("Fetch");
    interrupted.message = QStringLiteral("Gatehouse stopped during this stage; Run or Resume continues.");
    model->setBatchProblems(s_batch, {interrupted});
    model->addOrUpdate({file(41, FileStatus::NotFound, QStringLiteral("HTTP 404.")),
                        file(42, FileStatus::Forbidden, QStringLiteral("HTTP 403."))});
    QSignalSpy activated(&panel, &IssuesPanel::fileActivated);
    QTableView *table = panel.table();
    // Sorted by the curator (where, descending): rows are found through the proxy.
    table->sortByColumn(IssuesModel::WhereColumn, Qt::DescendingOrder);
    auto proxyRowOf = [&](qint64 id) {
        return panel.proxy()->mapFromSource(model->index(model->rowForFile(id), 0)).row();
    };
    // Descending, case-insensitive: "item-000010 / page-42.jp2", "item-000010 / page-41.jp2", then the
    // stage's row.
    QCOMPARE(proxyRowOf(42), 0);
    QCOMPARE(proxyRowOf(41), 1);

    // Enter on the current row.
    table->setFocus();
    table->setCurrentIndex(table->model()->index(proxyRowOf(41), IssuesModel::MessageColumn));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.constLast().at(0).toLongLong(), 41);

    // Double-click on another.
    const QRect rect = table->visualRect(table->model()->index(proxyRowOf(42), IssuesModel::WhereColumn));
    // A real double-click starts with a press; QTest::mouseDClick alone only sends the second half.
    QTest::mousePress(table->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseRelease(table->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.constLast().at(0).toLongLong(), 42);

    // A row that is not about a file has nothing to select.
    int stageRow = -1;
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (table->model()->index(row, 0).data(IssuesModel::FileIdRole).toLongLong() == 0)
            stageRow = row;
    }
    QVERIFY(stageRow >= 0);
    table->setCurrentIndex(table->model()->index(stageRow, 0));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.size(), 2);
}

void TestIssuesModel::countLabel()
{
    // The count is the dock's title's business (the main window's); the table describes itself with it.
    IssuesPanel panel;
    QSignalSpy count(&panel, &IssuesPanel::countChanged);
    QCOMPARE(panel.countText(), QStringLiteral("No problems"));
    QCOMPARE(panel.table()->accessibleDescription(), QStringLiteral("No problems"));
    panel.model()->reset(s_batch);
    panel.model()->addOrUpdate({file(1, FileStatus::NotFound)});
    QCOMPARE(panel.countText(), QStringLiteral("1 problem"));
    QList<FileRecord> files;
    for (qint64 id = 2; id <= 12; ++id)
        files.append(file(id, FileStatus::Timeout));
    panel.model()->addOrUpdate(files);
    QCOMPARE(panel.countText(), QStringLiteral("12 problems"));
    QCOMPARE(panel.table()->accessibleDescription(), QStringLiteral("12 problems"));
    QCOMPARE(count.size(), 2);
    QCOMPARE(count.constLast().at(0).toInt(), 12);
    QCOMPARE(count.constLast().at(1).toString(), QStringLiteral("12 problems"));
}

void TestIssuesModel::hundredThousandFiles()
{
    // The panel as the main window shows it: proxy, view, sorted by where; fed as the engine feeds the file
    // table (chunks of 2,000 on load, then batches of 256 outcomes).
    IssuesPanel panel;
    panel.resize(900, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.table()->sortByColumn(IssuesModel::WhereColumn, Qt::AscendingOrder);
    IssuesModel *model = panel.model();
    model->reset(s_batch);

    constexpr qint64 total = 100000;
    QRandomGenerator random(2859);
    QList<FileStatus> status(total + 1, FileStatus::Success);
    for (qint64 id = 1; id <= total; ++id) {
        // A bad delivery: 30 % of the files have a problem.
        if (random.bounded(100) < 30)
            status[id] = random.bounded(2) ? FileStatus::ServerError : FileStatus::FixityMismatch;
    }
    auto expectedProblems = [&] {
        return int(std::count_if(status.cbegin() + 1, status.cend(),
                                 [](FileStatus s) { return StatusInfo::severity(s) == Severity::Error; }));
    };
    auto record = [&](qint64 id) {
        return file(id, status[id], QStringLiteral("Problem with file %1.").arg(id));
    };

    qint64 worstMs = 0;
    auto feed = [&](const QList<FileRecord> &chunk) {
        QElapsedTimer call;
        call.start();
        model->addOrUpdate(chunk);
        worstMs = std::max(worstMs, call.elapsed());
        QCoreApplication::processEvents(); // let the view and the proxy catch up, as the event loop would
    };

    QElapsedTimer clock;
    clock.start();
    for (qint64 first = 1; first <= total; first += 2000) {
        QList<FileRecord> chunk;
        for (qint64 id = first; id < first + 2000 && id <= total; ++id)
            chunk.append(record(id));
        feed(chunk);
    }
    const qint64 loadMs = clock.elapsed();
    QCOMPARE(model->rowCount(), expectedProblems());
    const int loaded = model->rowCount();

    // A re-run: transient failures go back to pending in one go (the engine resets them), then outcomes
    // arrive 256 at a time, scattered over the batch; half succeed, half fail again.
    QList<qint64> transient;
    for (qint64 id = 1; id <= total; ++id) {
        if (status[id] == FileStatus::ServerError)
            transient.append(id);
    }
    QList<FileRecord> resetChunk;
    for (qint64 id : std::as_const(transient)) {
        status[id] = FileStatus::Pending;
        resetChunk.append(record(id));
    }
    clock.restart();
    qint64 worstBefore = worstMs;
    worstMs = 0;
    feed(resetChunk);
    const qint64 massResetMs = clock.elapsed();
    QCOMPARE(model->rowCount(), expectedProblems());
    verifyIndex(*model, model->rowCount());

    // Outcomes of the re-run.
    clock.restart();
    std::shuffle(transient.begin(), transient.end(), std::mt19937(7));
    for (qsizetype i = 0; i < transient.size(); i += 256) {
        QList<FileRecord> chunk;
        for (qsizetype j = i; j < std::min(i + 256, transient.size()); ++j) {
            const qint64 id = transient[j];
            status[id] = random.bounded(2) ? FileStatus::Success : FileStatus::Timeout;
            chunk.append(record(id));
        }
        feed(chunk);
    }
    const qint64 rerunMs = clock.elapsed();
    QCOMPARE(model->rowCount(), expectedProblems());

    // Curators then fix fixity problems file by file elsewhere: batches of 256 scattered successes.
    QList<qint64> fixity;
    for (qint64 id = 1; id <= total; ++id) {
        if (status[id] == FileStatus::FixityMismatch)
            fixity.append(id);
    }
    std::shuffle(fixity.begin(), fixity.end(), std::mt19937(11));
    fixity.resize(std::min<qsizetype>(fixity.size(), 5120));
    clock.restart();
    for (qsizetype i = 0; i < fixity.size(); i += 256) {
        QList<FileRecord> chunk;
        for (qsizetype j = i; j < std::min(i + 256, fixity.size()); ++j) {
            status[fixity[j]] = FileStatus::Success;
            chunk.append(record(fixity[j]));
        }
        feed(chunk);
    }
    const qint64 removalMs = clock.elapsed();
    QCOMPARE(model->rowCount(), expectedProblems());
    verifyIndex(*model, model->rowCount());
    worstMs = std::max(worstMs, worstBefore);

    // Sorting 10^4 rows on another column, as a header click does.
    clock.restart();
    panel.table()->sortByColumn(IssuesModel::MessageColumn, Qt::DescendingOrder);
    const qint64 sortMs = clock.elapsed();

    qInfo().noquote() << QStringLiteral(
                             "100,000 files, %1 problems: load %2 ms in 50 chunks; %3 → pending in one call "
                             "%4 ms; re-run outcomes %5 ms; %6 scattered fixes %7 ms; sort %8 ms; worst "
                             "single call %9 ms; %10 rows left")
                             .arg(loaded)
                             .arg(loadMs)
                             .arg(transient.size())
                             .arg(massResetMs)
                             .arg(rerunMs)
                             .arg(fixity.size())
                             .arg(removalMs)
                             .arg(sortMs)
                             .arg(worstMs)
                             .arg(model->rowCount());
    // No single update may freeze the window (the main window test uses the same one-second bar).
    QVERIFY2(worstMs < 1000, qPrintable(QString::number(worstMs)));
}

void TestIssuesModel::sampleMismatchFromTheEngine()
{
    // The sample batch has one planted fixity mismatch (box-01/card-0004/card-0004.jp2); a real run finds it
    // and the panel, fed by the engine, lists it and leads to it.
    test::Workspace ws;
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    EngineController controller(*workspace, RunOptions{});
    IssuesPanel panel(&controller);
    panel.resize(900, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    controller.start();
    controller.runSource(test::sampleDir());
    QVERIFY(finished.wait(120000));
    const qint64 batchId = finished.constFirst().at(0).toLongLong();

    // What the main window does when the batch is selected.
    panel.setBatch(batchId);
    controller.loadFiles(batchId);
    IssuesModel *model = panel.model();
    QTRY_COMPARE(model->rowCount(), 1);

    auto catalog = Catalog::open(workspace->catalog());
    QVERIFY(catalog);
    FileQuery mismatches;
    mismatches.statuses = {FileStatus::FixityMismatch};
    auto files = (*catalog)->files(batchId, mismatches);
    QVERIFY(files);
    QCOMPARE(files->size(), 1);
    const FileRecord &bad = files->constFirst();
    QCOMPARE(bad.name, QStringLiteral("card-0004.jp2"));
    const int row = model->rowForFile(bad.id);
    QCOMPARE(row, 0);
    QCOMPARE(cell(*model, row, IssuesModel::WhatColumn), StatusInfo::displayName(FileStatus::FixityMismatch));
    QVERIFY(cell(*model, row, IssuesModel::WhereColumn).contains(QStringLiteral("card-0004.jp2")));
    QVERIFY2(!cell(*model, row, IssuesModel::MessageColumn).isEmpty(), "the mismatch has no message");
    QCOMPARE(panel.countText(), QStringLiteral("1 problem"));

    QSignalSpy activated(&panel, &IssuesPanel::fileActivated);
    QTableView *table = panel.table();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, IssuesModel::MessageColumn));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.constFirst().at(0).toLongLong(), bad.id);

    // Another batch selected: its problems only.
    panel.setBatch(batchId + 1000);
    QCOMPARE(model->rowCount(), 0);
}

void TestIssuesModel::findingThatRestatesTheFileCountsOnce()
{
    // A file whose checksum did not match is one problem, though QA's fixity check says so too; QA's other
    // findings about it, and findings about files that are fine, are problems of their own.
    IssuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(s_batch);
    model.addOrUpdate({file(1, FileStatus::FixityMismatch, QStringLiteral("The MD5 of page-1.jp2 differs.")),
                       file(2, FileStatus::Success), file(3, FileStatus::Empty)});
    QCOMPARE(model.rowCount(), 2);
    auto finding = [](qint64 fileId, const char *check, FindingSeverity severity) {
        FindingRecord f;
        f.batchId = s_batch;
        f.itemId = 1;
        f.fileId = fileId;
        f.check = QString::fromLatin1(check);
        f.severity = severity;
        f.message = QStringLiteral("%1 about page-%2.jp2").arg(f.check).arg(fileId);
        return f;
    };
    QSignalSpy count(&model, &IssuesModel::countChanged);
    model.setFindings(
        s_batch,
        {finding(1, "fixity", FindingSeverity::Error), finding(1, "decodable", FindingSeverity::Error),
         finding(2, "dark-page", FindingSeverity::Flag), finding(3, "empty", FindingSeverity::Error),
         finding(2, "fixity", FindingSeverity::Error)},
        {QStringLiteral("a / page-1.jp2"), QStringLiteral("a / page-1.jp2"), QStringLiteral("a / page-2.jp2"),
         QStringLiteral("a / page-3.jp2"), QStringLiteral("a / page-2.jp2")});
    auto rows = [&] {
        QStringList shown;
        for (int row = 0; row < model.rowCount(); ++row)
            shown.append(QStringLiteral("%1:%2")
                             .arg(model.fileId(row))
                             .arg(cell(model, row, IssuesModel::WhatColumn)));
        shown.sort();
        return shown;
    };
    // File 1 and file 3 once each; decodable and dark-page besides; a fixity finding about file 2, whose
    // status does not say so, is a problem of its own.
    QCOMPARE(rows(), (QStringList{QStringLiteral("1:") + StatusInfo::displayName(FileStatus::FixityMismatch),
                                  QStringLiteral("1:decodable"), QStringLiteral("2:dark-page"),
                                  QStringLiteral("2:fixity"),
                                  QStringLiteral("3:") + StatusInfo::displayName(FileStatus::Empty)}));
    QCOMPARE(model.countText(), QStringLiteral("5 problems"));
    QCOMPARE(count.constLast().at(0).toInt(), 5);

    // Fetched again and now fine: the file's row goes, and QA's fixity finding (not checked again yet) is
    // what is left to say so.
    model.addOrUpdate({file(1, FileStatus::Success)});
    QCOMPARE(rows(), (QStringList{QStringLiteral("1:decodable"), QStringLiteral("1:fixity"),
                                  QStringLiteral("2:dark-page"), QStringLiteral("2:fixity"),
                                  QStringLiteral("3:") + StatusInfo::displayName(FileStatus::Empty)}));
    // Broken again: one row for it again.
    model.addOrUpdate({file(1, FileStatus::FixityMismatch, QStringLiteral("differs again"))});
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(rows().filter(QStringLiteral("fixity")), QStringList{QStringLiteral("2:fixity")});
    const int fileRow = model.rowForFile(1);
    QCOMPARE(model.index(fileRow, 0).data(IssuesModel::KindRole).toInt(), int(IssuesModel::Kind::File));
    QCOMPARE(cell(model, fileRow, IssuesModel::MessageColumn), QStringLiteral("differs again"));
}

QTEST_MAIN(TestIssuesModel)
#include "tst_issuesmodel.moc"
