// The check stage: "gatehouse-cli run" checks a batch after fetch with no separate "check" command, is
// killed with SIGKILL in the middle of the per-file pass, and the next run checks each file exactly once,
// with no finding or PREMIS event doubled; a file whose checksum did not match is one problem, not two.
#include <csignal>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "newspaperbatch.h"
#include "pipeline/nextstep.h"
#include "qa/checkstage.h"
#include "report/problems.h"
#include "review/reviewflags.h"
#include "testsupport.h"
#include "util/version.h"

using namespace gh;
using namespace gh::test;

namespace {

QString schemasCatalog()
{
    // The published schemas with their catalog (tests only; the project never copies them).
    const QString fromEnv = qEnvironmentVariable("GATEHOUSE_SCHEMAS");
    return fromEnv.isEmpty() ? QStringLiteral("/work/shared/schemas/catalog.xml")
                             : fromEnv + QStringLiteral("/catalog.xml");
}

qint64 scalar(Catalog &catalog, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery q(catalog.database());
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec() || !q.next()) {
        qWarning() << sql << q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

QString describe(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.exitCode)
        .arg(QString::fromUtf8(r.out.left(4000)), QString::fromUtf8(r.err.left(4000)));
}

} // namespace

class TestCheckStage : public QObject
{
    Q_OBJECT

private slots:
    void killedMidCheckResumesAndChecksEachFileOnce();
};

void TestCheckStage::killedMidCheckResumesAndChecksEachFileOnce()
{
    QVERIFY2(QFileInfo::exists(schemasCatalog()), "the shared schemas are needed (../shared/schemas)");
    Workspace ws;
    NewspaperBatch generator;
    NewspaperBatch::Spec spec;
    spec.pagesPerEdition = 40;
    spec.width = 240;
    spec.height = 300;
    spec.defects = {NewspaperBatch::Defect::FixityMismatch, NewspaperBatch::Defect::EmptyFile,
                    NewspaperBatch::Defect::DarkPage};
    QString error;
    const QString dir = generator.generate(ws.file(QStringLiteral("delivery")), spec, &error);
    QVERIFY2(!dir.isEmpty(), qPrintable(error));
    // The QA profile comes from the run's settings: [check] of --config.
    const QString config = ws.file(QStringLiteral("gatehouse.ini"));
    writeFile(config, "[check]\nschemas=" + schemasCatalog().toUtf8() + "\njobs=2\n");
    const QStringList run{QStringLiteral("--config"), config, QStringLiteral("run"), dir};

    QProcess first;
    first.setProcessEnvironment(ws.environment());
    first.setWorkingDirectory(ws.path());
    first.start(binary(QStringLiteral("gatehouse-cli")),
                QStringList{QStringLiteral("--catalog"), ws.catalog()} + run);
    QVERIFY(first.waitForStarted());
    // Watch the catalog from outside and kill once the check stage has committed some of the files.
    const QString watch = QStringLiteral("watch");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), watch);
        db.setDatabaseName(ws.catalog());
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
        QElapsedTimer clock;
        clock.start();
        while (first.state() == QProcess::Running && clock.elapsed() < 300000) {
            if (QFile::exists(ws.catalog()) && (db.isOpen() || db.open())) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'check'")) &&
                    q.next() && q.value(0).toInt() >= 100)
                    break;
            }
            QTest::qWait(5);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(watch);
    QVERIFY2(first.state() == QProcess::Running, "the run finished before it could be killed");
    ::kill(pid_t(first.processId()), SIGKILL);
    QVERIFY(first.waitForFinished());
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);

    auto location = CatalogLocation::parse(ws.catalog());
    QVERIFY(location);
    auto catalog = Catalog::open(*location);
    QVERIFY(catalog);
    Catalog &c = **catalog;
    auto batches = c.batches();
    QVERIFY(batches);
    QCOMPARE(batches->size(), 1);
    const qint64 batchId = batches->constFirst().id;
    // Killed in the check stage: fetch had finished, the check reads as interrupted and is what runs next.
    QCOMPARE(batches->constFirst().stages.value(Stage::Fetch), StageState::NeedsAttention);
    const qint64 checkedBefore =
        scalar(c, QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'check'"));
    const qint64 settled = scalar(c, QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'fetch'"
                                                    " AND state <> 'pending'"));
    QVERIFY2(checkedBefore >= 100 && checkedBefore < settled,
             qPrintable(QStringLiteral("%1 of %2 checked").arg(checkedBefore).arg(settled)));
    QCOMPARE(settled, qint64(generator.fileCount()));

    // Run again: the same batch, the rest of the files, then the checks across files once.
    const CliResult second = ws.cli(run, 600000);
    QVERIFY2(!second.crashed && (second.exitCode == 0 || second.exitCode == 1), qPrintable(describe(second)));
    QCOMPARE(c.batches()->size(), 1);

    // Every file fetch settled was checked, each once: one check row, one set of facts.
    QCOMPARE(
        scalar(c, QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM file_stages WHERE stage = 'check'")),
        settled);
    QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'check'")), settled);
    QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM check_files WHERE batch_id = ?"), {batchId}),
             settled);
    // The stage repeats fetch's statuses: the mismatching and the empty file stay what fetch said.
    QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM file_stages s JOIN file_stages g"
                                      " ON g.file_id = s.file_id AND g.stage = 'fetch'"
                                      " WHERE s.stage = 'check' AND s.status <> g.status")),
             0);
    // The lamp: finished, needing attention for the findings, with their counts.
    const BatchRecord batch = *c.batch(batchId);
    QCOMPARE(batch.stages.value(Stage::Check), StageState::NeedsAttention);
    auto next =
        nextStep(c, batchId, StageDefinition::with(StageDefinition::defaults(), CheckStage::definition()));
    QVERIFY(next);
    QCOMPARE(next->action, NextStep::Action::Wait);
    QCOMPARE(next->stage, Stage::Review);

    // No finding twice, and each planted defect found once by its check.
    QCOMPARE(scalar(c,
                    QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM check_findings WHERE batch_id = ?"
                                   " GROUP BY check_name, COALESCE(file_id, 0), message, line"
                                   " HAVING COUNT(*) > 1) d"),
                    {batchId}),
             0);
    for (const char *check : {"fixity", "empty", "dark-page"}) {
        QCOMPARE(scalar(c,
                        QStringLiteral(
                            "SELECT COUNT(*) FROM check_findings WHERE batch_id = ? AND check_name = ?"),
                        {batchId, QString::fromLatin1(check)}),
                 qint64(1));
    }
    // One PREMIS event per check per file, however often the run was killed, and one for the batch (the
    // check's name is the detail up to its first colon).
    const QString agent = agentFor(QStringLiteral("check"));
    QCOMPARE(
        scalar(c,
               QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE batch_id = ? AND agent = ?"
                              " AND file_id IS NOT NULL"
                              " GROUP BY file_id, event_type, substr(detail, 1, instr(detail, char(58)))"
                              " HAVING COUNT(*) > 1) d"),
               {batchId, agent}),
        0);
    QVERIFY(
        scalar(c,
               QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM events WHERE batch_id = ? AND agent = ?"),
               {batchId, agent}) >= settled);
    QCOMPARE(scalar(c,
                    QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = ? AND agent = ?"
                                   " AND file_id IS NULL"),
                    {batchId, agent}),
             qint64(1));

    // The problems: the mismatching and the empty file once each, though QA's fixity and empty checks say
    // so too; the dark page is a QA flag.
    const qint64 fileErrors = StatusInfo::tally(batch.counts).errors;
    QCOMPARE(batch.counts.value(FileStatus::FixityMismatch), qint64(1));
    QCOMPARE(batch.counts.value(FileStatus::Empty), qint64(1));
    auto all = CheckRecords(c).counts(batchId);
    QVERIFY(all);
    qint64 errorFindings = 0;
    qint64 flagFindings = 0;
    for (const CheckRecords::Count &count : std::as_const(*all)) {
        if (count.severity == FindingSeverity::Error)
            errorFindings += count.findings;
        if (count.severity == FindingSeverity::Flag)
            flagFindings += count.findings;
    }
    QList<BatchRecord> annotated{batch};
    QVERIFY(Problems::annotate(c, annotated));
    QCOMPARE(annotated.constFirst().problems.errors, fileErrors + errorFindings - 2);
    QCOMPARE(annotated.constFirst().problems.flags, flagFindings);
    QVERIFY(flagFindings >= 1);

    // The review takes the dark page's item beyond the sample, with the finding as its reason.
    auto flagged = ReviewFlags::flaggedItems(c, batchId);
    QVERIFY(flagged);
    bool dark = false;
    for (const QStringList &reasons : std::as_const(*flagged))
        dark = dark || !reasons.filter(QStringLiteral("dark-page: ")).isEmpty();
    QVERIFY(dark);
}

QTEST_GUILESS_MAIN(TestCheckStage)
#include "tst_checkstage.moc"
