// The duplicates stage as a curator meets it: `run` classifies every fetched file against the catalog and
// the batch without being asked (in-batch, earlier-batch, new; the Duplicates lamp needs attention while a
// case waits), approval is refused while a case waits and allowed after `decide` (or with --override,
// recorded), and a run killed in the middle of the stage resumes with every file classified once and nothing
// recorded twice.

#include <csignal>

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

//! The case of each file of \a batch by name, from files --json ("" for a file without one).
QHash<QString, QJsonObject> casesByName(const test::Workspace &ws, const QString &batch)
{
    QHash<QString, QJsonObject> byName;
    for (const QJsonObject &o :
         jsonLines(ws.cli({QStringLiteral("files"), batch, QStringLiteral("--json")}).out))
        byName.insert(o.value(QStringLiteral("name")).toString(),
                      o.value(QStringLiteral("duplicate")).toObject());
    return byName;
}

//! The row of the catalog for one batch: {"state", "detail"} of its duplicates lamp, and its decision.
QJsonObject catalogRow(const test::Workspace &ws, qint64 batch, const QString &sql)
{
    QJsonObject row;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(ws.catalog());
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            q.addBindValue(batch);
            if (q.exec() && q.next()) {
                for (int i = 0; i < q.record().count(); ++i)
                    row.insert(q.record().fieldName(i), QJsonValue::fromVariant(q.value(i)));
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return row;
}

QJsonObject dedupLamp(const test::Workspace &ws, qint64 batch)
{
    return catalogRow(
        ws, batch,
        QStringLiteral("SELECT state, detail FROM batch_stages WHERE batch_id = ? AND stage = 'dedup'"));
}

void passEveryItem(const test::Workspace &ws, const QString &batch)
{
    const QJsonObject sample = json(ws.cli({QStringLiteral("sample"), batch, QStringLiteral("--json")}).out);
    const QJsonArray items = sample.value(QStringLiteral("items")).toArray();
    QVERIFY(!items.isEmpty());
    for (const QJsonValue &id : items)
        QCOMPARE(ws.cli({QStringLiteral("verdict"), batch, QStringLiteral("--item"),
                         QString::number(id.toInteger()), QStringLiteral("--pass")})
                     .exitCode,
                 0);
}

} // namespace

class tst_DedupStage : public QObject
{
    Q_OBJECT

private slots:
    void runClassifiesAgainstTheCatalogAndTheBatch()
    {
        test::Workspace ws;
        const QString first = ws.file(QStringLiteral("first"));
        test::writeFile(first + QStringLiteral("/harbour.tif"), test::pseudoRandomBytes(4000, 1));
        test::writeFile(first + QStringLiteral("/mill.tif"), test::pseudoRandomBytes(4100, 2));
        test::writeFile(first + QStringLiteral("/zz-harbour-again.tif"), test::pseudoRandomBytes(4000, 1));
        ws.cli({QStringLiteral("run"), first, QStringLiteral("-q")});

        auto cases = casesByName(ws, QStringLiteral("1"));
        QCOMPARE(cases.size(), 3);
        QCOMPARE(cases.value(QStringLiteral("harbour.tif")).value(QStringLiteral("case")).toString(),
                 QStringLiteral("new"));
        QCOMPARE(cases.value(QStringLiteral("mill.tif")).value(QStringLiteral("case")).toString(),
                 QStringLiteral("new"));
        const QJsonObject copy = cases.value(QStringLiteral("zz-harbour-again.tif"));
        QCOMPARE(copy.value(QStringLiteral("case")).toString(), QStringLiteral("in-batch"));
        QVERIFY(copy.value(QStringLiteral("decision")).isNull());
        QCOMPARE(copy.value(QStringLiteral("existing_batch")).toInteger(), 1);
        // The lamp says why it needs attention.
        const QJsonObject lamp = dedupLamp(ws, 1);
        QCOMPARE(lamp.value(QStringLiteral("state")).toString(), QStringLiteral("attention"));
        QVERIFY2(lamp.value(QStringLiteral("detail")).toString().contains(QStringLiteral("1 file")),
                 qPrintable(lamp.value(QStringLiteral("detail")).toString()));

        // A second batch repeats a file of the first (the first of the twins, in file order, is kept).
        const QString second = ws.file(QStringLiteral("second"));
        test::writeFile(second + QStringLiteral("/mill-again.tif"), test::pseudoRandomBytes(4100, 2));
        test::writeFile(second + QStringLiteral("/church.tif"), test::pseudoRandomBytes(4200, 3));
        ws.cli({QStringLiteral("run"), second, QStringLiteral("-q")});
        cases = casesByName(ws, QStringLiteral("2"));
        QCOMPARE(cases.value(QStringLiteral("mill-again.tif")).value(QStringLiteral("case")).toString(),
                 QStringLiteral("earlier-batch"));
        QCOMPARE(
            cases.value(QStringLiteral("mill-again.tif")).value(QStringLiteral("existing_batch")).toInteger(),
            1);
        QCOMPARE(cases.value(QStringLiteral("church.tif")).value(QStringLiteral("case")).toString(),
                 QStringLiteral("new"));
    }

    void aFileFetchFailedIsNotTheDuplicatesLampsProblem()
    {
        // One file whose checksum does not match its sidecar: the fetch lamp says so, the duplicates lamp,
        // with nothing to decide, is done.
        test::Workspace ws;
        const QString dir = ws.file(QStringLiteral("delivery"));
        test::writeFile(dir + QStringLiteral("/good.dat"), test::pseudoRandomBytes(4000, 11));
        test::writeFile(dir + QStringLiteral("/bad.dat"), test::pseudoRandomBytes(4000, 12));
        test::writeFile(dir + QStringLiteral("/bad.dat.md5"), "0123456789abcdef0123456789abcdef  bad.dat\n");
        ws.cli({QStringLiteral("run"), dir, QStringLiteral("-q")});
        const QJsonObject fetch = catalogRow(
            ws, 1, QStringLiteral("SELECT state FROM batch_stages WHERE batch_id = ? AND stage = 'fetch'"));
        QCOMPARE(fetch.value(QStringLiteral("state")).toString(), QStringLiteral("attention"));
        const QJsonObject lamp = dedupLamp(ws, 1);
        QVERIFY2(lamp.value(QStringLiteral("state")).toString() == u"done",
                 QJsonDocument(lamp).toJson().constData());
    }

    void approvalWaitsForDuplicateDecisions()
    {
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        test::writeFile(src + QStringLiteral("/a/p1.tif"), test::pseudoRandomBytes(3000, 7));
        test::writeFile(src + QStringLiteral("/b/p1.tif"), test::pseudoRandomBytes(3000, 7));
        test::writeFile(src + QStringLiteral("/c/p1.tif"), test::pseudoRandomBytes(3000, 7));
        test::writeFile(src + QStringLiteral("/d/p1.tif"), test::pseudoRandomBytes(3300, 8));
        ws.cli({QStringLiteral("run"), src, QStringLiteral("-q")});
        passEveryItem(ws, QStringLiteral("1"));

        // Two copies wait: approval is refused, naming them and the way out; nothing is approved.
        const test::CliResult refused = ws.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QCOMPARE(refused.exitCode, 1);
        const QString why = QString::fromUtf8(refused.out + refused.err);
        QVERIFY2(why.contains(QStringLiteral("2 files await a duplicate decision")), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("(in-batch)")), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("decide")), qPrintable(why));
        QCOMPARE(catalogRow(ws, 1, QStringLiteral("SELECT decision_reason FROM batches WHERE id = ?"))
                     .value(QStringLiteral("decision_reason"))
                     .toString(),
                 QString());

        // One decided: still refused, for the other one.
        const auto files =
            jsonLines(ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out);
        qint64 waiting = 0;
        for (const QJsonObject &o : files) {
            if (o.value(QStringLiteral("duplicate")).toObject().value(QStringLiteral("case")).toString() ==
                u"in-batch") {
                waiting = o.value(QStringLiteral("id")).toInteger();
                break;
            }
        }
        QVERIFY(waiting > 0);
        QCOMPARE(ws.cli({QStringLiteral("decide"), QStringLiteral("1"), QStringLiteral("--file"),
                         QString::number(waiting), QStringLiteral("--action"), QStringLiteral("skip")})
                     .exitCode,
                 0);
        const test::CliResult still = ws.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QCOMPARE(still.exitCode, 1);
        QVERIFY2(QString::fromUtf8(still.out + still.err)
                     .contains(QStringLiteral("1 file awaits a duplicate decision")),
                 QByteArray(still.out + still.err).constData());

        // The rest of the case decided at once: approval passes.
        QCOMPARE(ws.cli({QStringLiteral("decide"), QStringLiteral("1"), QStringLiteral("--case"),
                         QStringLiteral("in-batch"), QStringLiteral("--action"), QStringLiteral("link")})
                     .exitCode,
                 0);
        const test::CliResult approved = ws.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QCOMPARE(approved.exitCode, 0);
        QCOMPARE(dedupLamp(ws, 1).value(QStringLiteral("state")).toString(), QStringLiteral("done"));
    }

    void overridePassesTheGateAndIsRecorded()
    {
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        test::writeFile(src + QStringLiteral("/x.tif"), test::pseudoRandomBytes(2000, 11));
        test::writeFile(src + QStringLiteral("/y.tif"), test::pseudoRandomBytes(2000, 11));
        ws.cli({QStringLiteral("run"), src, QStringLiteral("-q")});
        passEveryItem(ws, QStringLiteral("1"));
        QCOMPARE(ws.cli({QStringLiteral("approve"), QStringLiteral("1")}).exitCode, 1);
        const test::CliResult approved =
            ws.cli({QStringLiteral("approve"), QStringLiteral("1"), QStringLiteral("--override"),
                    QStringLiteral("the twin is a known re-scan")});
        QCOMPARE(approved.exitCode, 0);
        const QJsonObject decision = catalogRow(
            ws, 1, QStringLiteral("SELECT decision_reason, decision_override FROM batches WHERE id = ?"));
        QCOMPARE(decision.value(QStringLiteral("decision_reason")).toString(),
                 QStringLiteral("the twin is a known re-scan"));
        QCOMPARE(decision.value(QStringLiteral("decision_override")).toInteger(), 1);
    }

    void killDuringTheStageAndResume()
    {
        test::Workspace ws;
        // Enough files for several groups of the stage; every third repeats the one before it.
        const QString src = ws.file(QStringLiteral("many"));
        constexpr int files = 3000;
        for (int i = 0; i < files; ++i) {
            const quint64 seed = quint64(i % 3 == 2 ? i - 1 : i) + 1;
            test::writeFile(src + QStringLiteral("/f%1.bin").arg(i, 5, 10, QLatin1Char('0')),
                            test::pseudoRandomBytes(200 + qint64(seed % 50), seed));
        }

        QProcess run;
        run.setProcessEnvironment(ws.environment());
        run.start(
            test::binary(QStringLiteral("gatehouse-cli")),
            {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("run"), src, QStringLiteral("-q")});
        QVERIFY(run.waitForStarted());
        // Watch from outside and kill once the stage has recorded some cases but not all.
        qint64 seen = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("watch"));
            db.setDatabaseName(ws.catalog());
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
            QElapsedTimer clock;
            clock.start();
            while (run.state() == QProcess::Running && clock.elapsed() < 300000) {
                if (QFile::exists(ws.catalog()) && (db.isOpen() || db.open())) {
                    QSqlQuery q(db);
                    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM duplicate_cases")) && q.next() &&
                        (seen = q.value(0).toLongLong()) > 0)
                        break;
                }
                QTest::qWait(5);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("watch"));
        QVERIFY2(run.state() == QProcess::Running, "the run finished before the stage could be killed");
        ::kill(pid_t(run.processId()), SIGKILL);
        run.waitForFinished();
        QCOMPARE(run.exitStatus(), QProcess::CrashExit);
        QVERIFY2(seen < files, "killed after the stage had classified everything");

        // Run again: the same batch resumes, and the stage classifies what it had not settled.
        ws.cli({QStringLiteral("run"), src, QStringLiteral("-q")}, 300000);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(ws.catalog());
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM batches")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            QVERIFY(q.exec(QStringLiteral("SELECT dup_case, COUNT(*) FROM duplicate_cases GROUP BY dup_case"
                                          " ORDER BY dup_case")));
            QHash<QString, int> byCase;
            while (q.next())
                byCase.insert(q.value(0).toString(), q.value(1).toInt());
            QCOMPARE(byCase.value(QStringLiteral("in-batch")), files / 3);
            QCOMPARE(byCase.value(QStringLiteral("new")), files - files / 3);
            // Every file settled by the stage once, none left pending.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE stage = 'dedup'"
                                          " AND state = 'done'")) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), files);
            // Nothing recorded twice: one duplicate-check event per file.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM (SELECT file_id FROM events WHERE"
                                          " event_type = 'validation' AND detail LIKE 'Duplicate check%'"
                                          " GROUP BY file_id HAVING COUNT(*) > 1) t")) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM events WHERE"
                                          " event_type = 'validation' AND detail LIKE 'Duplicate check%'")) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), files);
        }
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        const QJsonObject lamp = dedupLamp(ws, 1);
        QCOMPARE(lamp.value(QStringLiteral("state")).toString(), QStringLiteral("attention"));
        QVERIFY2(lamp.value(QStringLiteral("detail")).toString().contains(QString::number(files / 3)),
                 qPrintable(lamp.value(QStringLiteral("detail")).toString()));
    }
};

QTEST_GUILESS_MAIN(tst_DedupStage)
#include "tst_dedupstage.moc"
