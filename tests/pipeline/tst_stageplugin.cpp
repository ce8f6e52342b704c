// Stages are plug-ins: a stage that exists only in this test (MarkStage) is added to the runner's list with
// one entry and gets everything FileStage gives — paging, commits, progress, cancel, the breaker, the lamp,
// resume after a crash (the last test SIGKILLs a process in the middle of it). The one next-step decision is
// checked against the stage states it reads.

#include <csignal>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include "catalog/catalog.h"
#include "markstage.h"
#include "pipeline/batchrunner.h"
#include "pipeline/nextstep.h"
#include "store/bitstore.h"
#include "testsupport.h"

using namespace gh;
using test::MarkOptions;
using test::MarkStage;

namespace {

//! The catalog and store of a test workspace, opened in this process.
struct Host
{
    explicit Host(const test::Workspace &ws)
        : workspace(Workspace::resolve(ws.catalog(), ws.store()).value())
        , catalog(Catalog::open(workspace.catalog()).value())
        , store(openBitStore(workspace.storeSpec(), {}).value())
        , runner(workspace, *catalog, *store)
    {}

    //! Runs \a start and waits for the runner to finish; returns (batch, ok, message).
    std::tuple<qint64, bool, QString> drive(const std::function<void()> &start)
    {
        QSignalSpy finished(&runner, &BatchRunner::finished);
        start();
        if (finished.isEmpty() && !finished.wait(120000))
            return {0, false, QStringLiteral("the run did not finish")};
        const auto args = finished.takeFirst();
        return {args.at(0).toLongLong(), args.at(1).toBool(), args.at(2).toString()};
    }

    Workspace workspace;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BitStore> store;
    BatchRunner runner;
};

//! A folder of \a files small files in folders of 100.
QString makeSource(const test::Workspace &ws, int files)
{
    const QString dir = ws.file(QStringLiteral("source"));
    for (int i = 0; i < files; ++i)
        test::writeFile(
            dir + QStringLiteral("/box-%1/card-%2.txt").arg(i / 100).arg(i, 5, 10, QLatin1Char('0')),
            QByteArray("card ") + QByteArray::number(i));
    return dir;
}

StageDefinition personStage(const QString &key)
{
    return {StageInfo::define(key, QStringLiteral("Approval (test)")), StageDefinition::Kind::Person, {}};
}

qint64 countRows(Catalog &catalog, const QString &sql)
{
    QSqlQuery q(catalog.database());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

} // namespace

class TestStagePlugin : public QObject
{
    Q_OBJECT

private slots:
    void registeredStageMarksEveryFile();
    void stageTakesOnlyWhatTheStageBeforeLetThrough();
    void runnerStopsAtAPersonAndCarriesOnOnceDone();
    void cancelLeavesFilesPendingAndTheNextRunFinishes();
    void breakerFailsTheStageAndStopsTheBatch();
    void registeredStagesJoinEveryRunner();
    void nextStepReadsTheStageStates();
    void killDuringRegisteredStageAndResume();
};

void TestStagePlugin::registeredStageMarksEveryFile()
{
    test::Workspace ws;
    Host host(ws);
    const QString source = makeSource(ws, 1300); // more than two pages of 512
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), MarkStage::definition());
    host.runner.setStages(stages);
    QSignalSpy progress(&host.runner, &BatchRunner::progressChanged);
    QSignalSpy lamps(&host.runner, &BatchRunner::stageChanged);
    const auto [batchId, ok, message] = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QVERIFY2(ok, qPrintable(message));
    // The files stages are done; the batch waits for the curator's review (the shipped person stage).
    QCOMPARE(message, QStringLiteral("All files marked. Review: Waiting for the curator."));

    const Stage mark = MarkStage::define();
    auto batch = host.catalog->batch(batchId);
    QCOMPARE(batch->stages.value(Stage::Fetch), StageState::Done);
    QCOMPARE(batch->stages.value(mark), StageState::Done);
    QCOMPARE(*host.catalog->stageCounts(batchId, mark),
             (QMap<FileStatus, qint64>{{FileStatus::Success, 1300}}));
    QCOMPARE(
        countRows(*host.catalog, QStringLiteral("SELECT COUNT(*) FROM events WHERE event_type = 'validation'"
                                                " AND agent = 'gatehouse/test test-mark'")),
        1300);
    // The lamps went running → done for each stage in order, and progress spoke of the mark stage.
    QStringList sequence;
    for (const auto &args : std::as_const(lamps))
        sequence.append(StageInfo::key(args.at(1).value<Stage>()) + u':' +
                        StageInfo::key(args.at(2).value<StageState>()));
    QCOMPARE(sequence, QStringList({QStringLiteral("fetch:running"), QStringLiteral("fetch:done"),
                                    QStringLiteral("test-mark:running"), QStringLiteral("test-mark:done"),
                                    QStringLiteral("review:attention")}));
    bool markProgress = false;
    for (const auto &args : std::as_const(progress)) {
        const auto p = args.at(0).value<Progress>();
        if (p.stage == mark && p.filesTotal == 1300 && p.filesDone == 1300)
            markProgress = true;
    }
    QVERIFY(markProgress);
    // The file's overall status is the latest stage's outcome; the stages are kept apart.
    auto file = host.catalog->files(batchId)->constFirst();
    QCOMPARE(file.status, FileStatus::Success);
    QCOMPARE(host.catalog->fileStages(file.id)->size(), 2);
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->action, NextStep::Action::Wait);
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->stage, Stage::Review);
    // Running the source again is a new delivery, not a resume.
    const auto again = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QCOMPARE(std::get<0>(again), batchId + 1);
}

void TestStagePlugin::stageTakesOnlyWhatTheStageBeforeLetThrough()
{
    test::Workspace ws;
    Host host(ws);
    const QString source = makeSource(ws, 10);
    // One card whose sidecar disagrees: fetch records a fixity mismatch, and the mark stage leaves it alone.
    test::writeFile(source + QStringLiteral("/box-0/card-00003.txt.md5"),
                    "00000000000000000000000000000000\n");
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), MarkStage::definition());
    host.runner.setStages(stages);
    const auto [batchId, ok, message] = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QVERIFY2(ok, qPrintable(message));
    const Stage mark = MarkStage::define();
    QCOMPARE(host.catalog->stageCounts(batchId, mark)->value(FileStatus::Success), 9);
    auto batch = host.catalog->batch(batchId);
    QCOMPARE(batch->counts.value(FileStatus::FixityMismatch), 1);
    QCOMPARE(batch->stages.value(Stage::Fetch), StageState::NeedsAttention);
    // The mismatch is the fetch lamp's to show; the mark stage did all it was given.
    QCOMPARE(batch->stages.value(mark), StageState::Done);
}

void TestStagePlugin::runnerStopsAtAPersonAndCarriesOnOnceDone()
{
    test::Workspace ws;
    Host host(ws);
    const QString source = makeSource(ws, 20);
    const StageDefinition approval = personStage(QStringLiteral("test-approval"));
    const StageDefinition after = MarkStage::definition({}, QStringLiteral("test-after-approval"));
    // fetch, mark, the test's approval, a stage after it, then the shipped review.
    QList<StageDefinition> stages = StageDefinition::defaults();
    stages.insert(1, MarkStage::definition());
    stages.insert(2, approval);
    stages.insert(3, after);
    host.runner.setStages(stages);

    const auto [batchId, ok, message] = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("Waiting for the curator")), qPrintable(message));
    auto batch = host.catalog->batch(batchId);
    QCOMPARE(batch->stages.value(approval.stage), StageState::NeedsAttention);
    QCOMPARE(batch->stages.value(after.stage, StageState::NotStarted), StageState::NotStarted);
    auto next = nextStep(*host.catalog, batchId, stages);
    QCOMPARE(next->action, NextStep::Action::Wait);
    QCOMPARE(next->stage, approval.stage);
    // Still waiting: running the batch again stops at the same place, and nothing after it runs.
    const auto waiting = host.drive([&] { host.runner.runBatch(batchId, RunOptions{}); });
    QVERIFY(std::get<1>(waiting));
    QCOMPARE(host.catalog->stageCounts(batchId, after.stage)->value(FileStatus::Success), 0);

    // The curator decides (what a command such as "approve" records): the run carries on after it.
    QVERIFY(
        host.catalog->setStageState(batchId, approval.stage, StageState::Done, QStringLiteral("approved")));
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->action, NextStep::Action::Run);
    const auto resumed = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QCOMPARE(std::get<0>(resumed), batchId); // resumed, not a new batch
    QVERIFY(std::get<1>(resumed));
    QCOMPARE(host.catalog->stageCounts(batchId, after.stage)->value(FileStatus::Success), 20);
    // … up to the shipped review, which waits for its own decision.
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->action, NextStep::Action::Wait);
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->stage, Stage::Review);
    QCOMPARE(host.catalog->batch(batchId)->stages.value(Stage::Review), StageState::NeedsAttention);

    // A rejected batch (what "reject" records) stops there: running it again says why and runs nothing.
    QVERIFY(host.catalog->setStageState(batchId, Stage::Review, StageState::Failed,
                                        QStringLiteral("Rejected: pages cropped")));
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->action, NextStep::Action::Stopped);
    const auto rejected = host.drive([&] { host.runner.runBatch(batchId, RunOptions{}); });
    QVERIFY(!std::get<1>(rejected));
    QCOMPARE(std::get<2>(rejected), QStringLiteral("Rejected: pages cropped"));
    QCOMPARE(host.catalog->batch(batchId)->stages.value(Stage::Review), StageState::Failed);
    // An approved one is done.
    QVERIFY(
        host.catalog->setStageState(batchId, Stage::Review, StageState::Done, QStringLiteral("approved")));
    QCOMPARE(nextStep(*host.catalog, batchId, stages)->action, NextStep::Action::Done);
}

void TestStagePlugin::cancelLeavesFilesPendingAndTheNextRunFinishes()
{
    test::Workspace ws;
    Host host(ws);
    const QString source = makeSource(ws, 200);
    MarkOptions slow;
    slow.delayMs = 20;
    slow.marksLog = ws.file(QStringLiteral("marks.log"));
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), MarkStage::definition(slow));
    host.runner.setStages(stages);
    const Stage mark = MarkStage::define();

    QSignalSpy files(&host.runner, &BatchRunner::filesChanged);
    bool cancelled = false;
    const auto canceller = connect(&host.runner, &BatchRunner::progressChanged, this, [&](const Progress &p) {
        if (p.stage == mark && p.filesDone >= 20 && !cancelled) {
            cancelled = true;
            host.runner.cancel();
        }
    });
    const auto [batchId, ok, message] = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QVERIFY(cancelled);
    QVERIFY2(ok, qPrintable(message));
    QCOMPARE(message, QStringLiteral("Cancelled; the remaining files stay pending."));
    QCOMPARE(host.catalog->batch(batchId)->stages.value(mark), StageState::NeedsAttention);
    const qint64 marked = host.catalog->stageCounts(batchId, mark)->value(FileStatus::Success);
    QVERIFY2(marked >= 20 && marked < 200, qPrintable(QString::number(marked)));
    auto next = nextStep(*host.catalog, batchId, stages);
    QCOMPARE(next->action, NextStep::Action::Run);
    QCOMPARE(next->stage, mark);

    // The next run of the source resumes the mark stage and does only what is left.
    disconnect(canceller);
    const auto resumed = host.drive([&] { host.runner.run(source, RunOptions{}); });
    QCOMPARE(std::get<0>(resumed), batchId);
    QVERIFY(std::get<1>(resumed));
    QCOMPARE(host.catalog->stageCounts(batchId, mark)->value(FileStatus::Success), 200);
    QCOMPARE(
        countRows(*host.catalog, QStringLiteral("SELECT COUNT(*) FROM events WHERE agent = 'gatehouse/test"
                                                " test-mark'")),
        200);
}

void TestStagePlugin::breakerFailsTheStageAndStopsTheBatch()
{
    test::Workspace ws;
    Host host(ws);
    const QString source = makeSource(ws, 100);
    MarkOptions broken;
    broken.outcome = FileStatus::StoreError;
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), MarkStage::definition(broken));
    host.runner.setStages(stages);
    RunOptions options;
    options.fetch.maxConsecutiveStoreErrors = 5;
    const auto [batchId, ok, message] = host.drive([&] { host.runner.run(source, options); });
    QVERIFY(!ok);
    QVERIFY2(message.contains(QStringLiteral("failed 5 times in a row")), qPrintable(message));
    const Stage mark = MarkStage::define();
    QCOMPARE(host.catalog->batch(batchId)->stages.value(mark), StageState::Failed);
    // Stopped there: a new run of the source is a new delivery; an explicit run of the batch tries again.
    auto next = nextStep(*host.catalog, batchId, stages);
    QCOMPARE(next->action, NextStep::Action::Stopped);
    QCOMPARE(next->detail, message);
    QCOMPARE(nextStep(*host.catalog, batchId, stages, {{}, true})->action, NextStep::Action::Run);
}

void TestStagePlugin::registeredStagesJoinEveryRunner()
{
    // What a module above pipeline registers at start-up is in every runner's list, placed around the review.
    const StageDefinition first = MarkStage::definition({}, QStringLiteral("test-first"));
    const StageDefinition second = MarkStage::definition({}, QStringLiteral("test-second"));
    const StageDefinition after = MarkStage::definition({}, QStringLiteral("test-after"));
    StageDefinition::add(first, StageDefinition::Placement::BeforeReview);
    StageDefinition::add(after, StageDefinition::Placement::AfterReview);
    StageDefinition::add(second, StageDefinition::Placement::BeforeReview);
    auto order = [] {
        QStringList keys;
        for (const StageDefinition &d : StageDefinition::defaults())
            keys.append(StageInfo::key(d.stage));
        return keys.join(u' ');
    };
    QCOMPARE(order(), QStringLiteral("fetch test-first test-second review test-after"));
    StageDefinition::add(first, StageDefinition::Placement::AfterReview); // registered again: moved
    QCOMPARE(order(), QStringLiteral("fetch test-second review test-after test-first"));
    StageDefinition::add(first, StageDefinition::Placement::BeforeReview);

    // A runner made now walks them: the registered stages before the review run; the one after waits for it.
    {
        test::Workspace ws;
        Host host(ws);
        const auto [batchId, ok, message] =
            host.drive([&] { host.runner.run(makeSource(ws, 3), RunOptions{}); });
        QVERIFY2(ok, qPrintable(message));
        const auto batch = host.catalog->batch(batchId).value();
        QCOMPARE(batch.stages.value(first.stage), StageState::Done);
        QCOMPARE(batch.stages.value(second.stage), StageState::Done);
        QCOMPARE(batch.stages.value(after.stage, StageState::NotStarted), StageState::NotStarted);
    }
    StageDefinition::clearAdded();
    QCOMPARE(order(), QStringLiteral("fetch review"));
}

void TestStagePlugin::nextStepReadsTheStageStates()
{
    test::Workspace ws;
    Host host(ws);
    Catalog &catalog = *host.catalog;
    const QList<StageDefinition> stages = StageDefinition::defaults();
    const qint64 batchId = *catalog.createBatch(QStringLiteral("b"), QStringLiteral("/nowhere"));
    auto next = [&](const NextStepOptions &options = {}) {
        return nextStep(catalog, batchId, stages, options).value();
    };

    QCOMPARE(next().action, NextStep::Action::Load); // never loaded
    QVERIFY(catalog.setStageState(batchId, Stage::Intake, StageState::Running));
    QCOMPARE(next().action, NextStep::Action::Load); // interrupted while loading
    QVERIFY(catalog.setStageState(batchId, Stage::Intake, StageState::Failed, QStringLiteral("unreadable")));
    QCOMPARE(next().state, StageState::Failed);
    QCOMPARE(next().detail, QStringLiteral("unreadable"));
    QVERIFY(
        catalog.setStageState(batchId, Stage::Intake, StageState::NeedsAttention)); // loaded, with warnings
    QCOMPARE(next().action, NextStep::Action::Run);
    QCOMPARE(next().stage, Stage::Fetch);
    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::Running)); // killed
    QCOMPARE(next().action, NextStep::Action::Run);

    // Finished with findings and nothing pending is finished; cancelled with files pending is not.
    ItemRecord item;
    item.batchId = batchId;
    item.seq = 1;
    item.identifier = QStringLiteral("i");
    FileRecord file;
    file.batchId = batchId;
    file.itemId = *catalog.insertItem(item);
    file.name = QStringLiteral("f");
    file.id = *catalog.insertFile(file);
    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::NeedsAttention));
    QCOMPARE(next().action, NextStep::Action::Run);
    file.status = FileStatus::NotFound;
    QVERIFY(catalog.recordOutcomes({file}, {}));
    QCOMPARE(next().action, NextStep::Action::Wait); // fetch is finished: the curator's review is next
    QCOMPARE(next().stage, Stage::Review);
    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::Done));
    QCOMPARE(next().action, NextStep::Action::Wait);
    QCOMPARE(next({{}, true}).action, NextStep::Action::Run); // an explicit run takes the stage once more
    QCOMPARE(next({{Stage::Fetch}, true}).action, NextStep::Action::Wait); // … once
    QVERIFY(
        catalog.setStageState(batchId, Stage::Review, StageState::NeedsAttention, QStringLiteral("3 of 13")));
    QCOMPARE(next().action, NextStep::Action::Wait); // reviewing
    QVERIFY(catalog.setStageState(batchId, Stage::Review, StageState::Done));
    QCOMPARE(next().action, NextStep::Action::Done); // approved
    QVERIFY(catalog.setStageState(batchId, Stage::Review, StageState::Failed));
    QCOMPARE(next().action, NextStep::Action::Stopped); // rejected
    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::Failed, QStringLiteral("store gone")));
    QCOMPARE(next().action, NextStep::Action::Stopped);
}

void TestStagePlugin::killDuringRegisteredStageAndResume()
{
    test::Workspace ws;
    const QString source = makeSource(ws, 1500);
    const QString marks = ws.file(QStringLiteral("marks.log"));
    const QStringList common{QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("--store"), ws.store(),
                             QStringLiteral("--marks"),   marks};

    QProcess first;
    first.setProcessEnvironment(ws.environment());
    first.start(QStringLiteral(GATEHOUSE_STAGEHOST),
                common + QStringList{QStringLiteral("--delay-ms"), QStringLiteral("4"), source});
    QVERIFY(first.waitForStarted());
    // Watch the catalog from outside and kill once the mark stage has committed a few hundred files.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("watch"));
    db.setDatabaseName(ws.catalog());
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
    QElapsedTimer clock;
    clock.start();
    while (first.state() == QProcess::Running && clock.elapsed() < 120000) {
        if (QFile::exists(ws.catalog()) && (db.isOpen() || db.open())) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'test-mark'")) &&
                q.next() && q.value(0).toInt() >= 300)
                break;
        }
        QTest::qWait(5);
    }
    db.close();
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("watch"));
    QVERIFY2(first.state() == QProcess::Running, "the run finished before it could be killed");
    ::kill(pid_t(first.processId()), SIGKILL);
    QVERIFY(first.waitForFinished());
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);

    Host host(ws);
    const Stage mark = MarkStage::define();
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), MarkStage::definition());
    auto batches = host.catalog->batches();
    QCOMPARE(batches->size(), 1);
    const qint64 batchId = batches->constFirst().id;
    // Killed in the mark stage: fetch had finished, the mark stage reads as interrupted and is resumed.
    QCOMPARE(batches->constFirst().stages.value(Stage::Fetch), StageState::Done);
    QCOMPARE(batches->constFirst().stages.value(mark), StageState::NeedsAttention);
    auto next = nextStep(*host.catalog, batchId, stages);
    QCOMPARE(next->action, NextStep::Action::Run);
    QCOMPARE(next->stage, mark);
    const qint64 committed = host.catalog->stageCounts(batchId, mark)->value(FileStatus::Success);
    QVERIFY(committed >= 300 && committed < 1500);
    QSet<qint64> markedBefore;
    {
        QSqlQuery q(host.catalog->database());
        QVERIFY(q.exec(QStringLiteral("SELECT file_id FROM file_stages WHERE stage = 'test-mark'")));
        while (q.next())
            markedBefore.insert(q.value(0).toLongLong());
    }
    QFile log(marks);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const qint64 logBefore = log.size();
    log.close();

    // Run again: the same batch, only the files not yet committed are marked, each exactly once in the
    // catalog.
    QProcess second;
    second.setProcessEnvironment(ws.environment());
    second.start(QStringLiteral(GATEHOUSE_STAGEHOST), common + QStringList{source});
    QVERIFY(second.waitForFinished(300000));
    QVERIFY2(second.exitStatus() == QProcess::NormalExit && second.exitCode() == 0,
             second.readAllStandardError().constData());

    QCOMPARE(host.catalog->batches()->size(), 1);
    QCOMPARE(host.catalog->batch(batchId)->stages.value(mark), StageState::Done);
    QCOMPARE(host.catalog->stageCounts(batchId, mark)->value(FileStatus::Success), 1500);
    QCOMPARE(
        countRows(*host.catalog, QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM events WHERE agent = "
                                                "'gatehouse/test test-mark'")),
        1500);
    QCOMPARE(countRows(*host.catalog, QStringLiteral("SELECT COUNT(*) FROM events WHERE agent = "
                                                     "'gatehouse/test test-mark'")),
             1500);
    // Fetch was not run again: one fetch row per file, none newer than the kill.
    QCOMPARE(host.catalog->stageCounts(batchId, Stage::Fetch)->value(FileStatus::Success), 1500);
    // What the resumed run marked is exactly what had not been committed.
    QVERIFY(log.open(QIODevice::ReadOnly));
    log.seek(logBefore);
    QSet<qint64> markedAfter;
    while (!log.atEnd()) {
        const qint64 id = log.readLine().trimmed().toLongLong();
        QVERIFY2(!markedBefore.contains(id), qPrintable(QStringLiteral("file %1 was marked again").arg(id)));
        markedAfter.insert(id);
    }
    QCOMPARE(markedAfter.size() + markedBefore.size(), 1500);
}

QTEST_GUILESS_MAIN(TestStagePlugin)
#include "tst_stageplugin.moc"
