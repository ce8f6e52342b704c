#include <csignal>

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"

using namespace gh;

/*!
    Team mode, as curators would run it: several `gatehouse-cli fetch BATCH` processes on one PostgreSQL 15
    catalog (started by tests/peers/postgres.sh) and one store share a batch. Every file is fetched and
    checked exactly once, the check's pass across the batch done once (its PREMIS events and stored objects
    are counted); a process killed with SIGKILL leaves leases that run out, and the others finish its share;
    two fetches started at the same moment neither deadlock nor die with a catalog error; the PostgreSQL
    server restarted (or down for seconds) in the middle of a fetch: the processes wait, say so, reconnect
    and finish with every file once, and one that waits longer than [team] reconnect_seconds fails naming the
    server, its work kept for the next run; an upload stopped (SIGSTOP) past its leases, whose files another
    upload takes over, sends none of them when it goes on (s3rver's log counts the objects stored), and one
    killed after sending objects it could not record leaves them to the next upload, which finds them and
    sends none again. Two curators (`--as anna`, `--as bruno`) deciding the same duplicate case, QA verdict or
   approval at the same moment: exactly one decision stands, with the winner's name in it and in its event,
   and the other curator is told "Already decided by …"; only the winner changes or takes back their decision.
   A curator taking back a duplicate decision while an upload carries it out: either the upload carried it out
   and the curator is told it cannot be undone, or it was taken back and nothing of it reached the target —
   never both.

    The killed process runs in its own UTS namespace under another host name when `unshare -u` works, so the
    others cannot tell it died and must wait for its leases to run out, as they would for a workstation that
    lost power; otherwise it runs here and they take its files over as soon as they see its pid gone.
*/
class TestTeam : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void sharedFetch_data();
    void sharedFetch();
    void killedWorkerIsTakenOver();
    void simultaneousStartsNeverDeadlock();
    void duplicateDecisionsFirstWriterWins();
    void verdictsAndApprovalFirstWriterWins();
    void serverRestartDuringSharedFetch();
    void serverDownForSecondsDuringFetch();
    void serverGoneTooLongFailsNamingIt();
    void pausedUploaderSendsNothingTakenOver();
    void killedUploaderIsNotSentAgain();
    void undoNeverRacesTheUpload();

private:
    struct Setup
    {
        QString catalog;
        QString store;
        qint64 batchId = 0;
    };
    //! A fresh catalog and store with the first \a files files of the source loaded as one batch.
    Setup load(int files);
    QStringList globals(const Setup &setup) const;
    QProcess *startFetch(const Setup &setup, const QStringList &wrapper = {});
    //! Starts `gatehouse-cli --as CURATOR COMMAND…` on the setup's catalog and store.
    QProcess *startAs(const Setup &setup, const QString &curator, const QStringList &command);
    //! Runs it to the end; its exit code, or -1 when it crashed or hung. Its stderr goes to \a err.
    int runAs(const Setup &setup, const QString &curator, const QStringList &command,
              QByteArray *err = nullptr);
    //! A loaded batch fetched to the review by one process (so its duplicate cases and sample exist).
    Setup fetched(int files);
    /*!
        Starts \a anna's and \a bruno's commands at the same moment and checks that exactly one wins: the
        other exits 1 with "Already decided by <winner>". Returns the winner's name (empty on failure, with
        the reason in \a problem).
    */
    QString race(const Setup &setup, const QStringList &anna, const QStringList &bruno, QString &problem);
    QString text(const QString &sql, qint64 batchId);
    //! A connection named \a name to the test's PostgreSQL database, not yet open.
    QSqlDatabase connection(const QString &name) const;
    //! Checks that every file of the batch was fetched exactly once; empty when so.
    QString exactlyOnce(const Setup &setup, int files);
    qint64 count(const QString &sql, qint64 batchId);
    static qint64 share(const QByteArray &stderrText);
    //! Runs tests/peers/postgres.sh COMMAND on the test's server (down, up, restart SECONDS); true when it
    //! worked.
    bool serverControl(const QStringList &command);
    //! Waits until \a files fetch rows of the batch are recorded; false when \a process ended first.
    bool waitForFetched(const Setup &setup, qint64 files, QProcess *process);
    //! A fresh catalog and store with \a source taken through every automatic stage (`run`) to the review.
    Setup ranToReview(const QString &source);
    //! Starts `gatehouse-cli upload` of the batch to \a target on \a s3, one file at a time.
    QProcess *startUpload(const Setup &setup, const test::PeerServer &s3, const QString &target);
    //! How often s3rver stored each object whose key starts with \a prefix.
    static QHash<QString, int> storedObjects(const test::PeerServer &s3, const QString &prefix);
    //! Whether s3rver is receiving the body of a PUT (its bytes already under the key).
    static bool putUnderWay(const test::PeerServer &s3);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    QString m_config;
    int m_counter = 0;
    QStringList m_victimWrapper; //!< Runs a process under another host name; empty when this machine cannot.
    bool m_serverDown = false;   //!< Taken down by serverControl() and not brought up again yet.
    QList<QProcess *> m_processes;
};

namespace {

constexpr int s_batchFiles = 2400;
const QString s_elsewhere = QStringLiteral("gh-elsewhere");

} // namespace

void TestTeam::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    // Small files in 30 folders: fetching them is catalog work more than disk work, which is what is shared.
    // source-large holds the whole batch, source-small its first 200 files.
    for (int i = 0; i < s_batchFiles; ++i) {
        const QString relative = QStringLiteral("box-%1/page-%2.txt")
                                     .arg(i % 30, 2, 10, QLatin1Char('0'))
                                     .arg(i, 5, 10, QLatin1Char('0'));
        const QByteArray content = test::pseudoRandomBytes(512 + (i * 131) % 6000, quint64(i + 1));
        test::writeFile(m_dir.filePath(QStringLiteral("source-large/") + relative), content);
        if (i < 200)
            test::writeFile(m_dir.filePath(QStringLiteral("source-small/") + relative), content);
    }
    m_config = m_dir.filePath(QStringLiteral("team.ini"));
    // Short leases, so a killed process's share comes back within seconds.
    test::writeFile(m_config, "[team]\nlease_seconds=3\n");

    // exec keeps the pid: the process killed in killedWorkerIsTakenOver is gatehouse-cli itself.
    m_victimWrapper = test::otherHostWrapper(s_elsewhere);
    qInfo() << "the killed process runs"
            << (m_victimWrapper.isEmpty() ? "on this host" : "under another host name");
}

void TestTeam::cleanup()
{
    // Processes a failed check left running are ended here: the next test recreates the catalog's schema
    // under them, and they would go on working on its batch.
    for (QProcess *p : std::as_const(m_processes)) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished();
        }
        delete p;
    }
    m_processes.clear();
    // After a test that failed while the server was down, it is brought up again for the next one.
    if (m_serverDown)
        QVERIFY(serverControl({QStringLiteral("up")}));
}

void TestTeam::cleanupTestCase()
{
    m_postgres.reset();
}

QStringList TestTeam::globals(const Setup &setup) const
{
    return {QStringLiteral("--catalog"), setup.catalog, QStringLiteral("--store"), setup.store,
            QStringLiteral("--config"),  m_config};
}

TestTeam::Setup TestTeam::load(int files)
{
    Setup setup;
    setup.catalog = test::freshPostgresCatalog(*m_postgres);
    setup.store = m_dir.filePath(QStringLiteral("store-%1").arg(++m_counter));
    const QString source =
        m_dir.filePath(files <= 200 ? QStringLiteral("source-small") : QStringLiteral("source-large"));
    QProcess loader;
    loader.start(test::binary(QStringLiteral("gatehouse-cli")), globals(setup)
                                                                    << QStringLiteral("load") << source);
    if (!loader.waitForFinished(300000) || loader.exitCode() != 0) {
        qWarning().noquote() << "load failed:" << loader.readAllStandardError();
        return setup;
    }
    setup.batchId = loader.readAllStandardOutput().trimmed().toLongLong();
    return setup;
}

QProcess *TestTeam::startFetch(const Setup &setup, const QStringList &wrapper)
{
    auto *process = new QProcess;
    m_processes.append(process);
    QStringList command = wrapper;
    command << test::binary(QStringLiteral("gatehouse-cli"));
    command += globals(setup);
    command << QStringLiteral("--verbose") << QStringLiteral("-q") << QStringLiteral("fetch")
            << QString::number(setup.batchId);
    process->start(command.takeFirst(), command);
    return process;
}

qint64 TestTeam::count(const QString &sql, qint64 batchId)
{
    bool ok = false;
    const qint64 n = text(sql, batchId).toLongLong(&ok);
    return ok ? n : -1;
}

QSqlDatabase TestTeam::connection(const QString &name) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(QStringLiteral("127.0.0.1"));
    db.setPort(m_postgres->port());
    db.setUserName(QStringLiteral("gatehouse"));
    db.setPassword(QStringLiteral("gatehouse"));
    db.setDatabaseName(QStringLiteral("gatehouse"));
    return db;
}

QString TestTeam::text(const QString &sql, qint64 batchId)
{
    const QString name = QStringLiteral("team-check");
    QString result;
    {
        QSqlDatabase db = connection(name);
        if (db.open()) {
            QSqlQuery q(db);
            // The batch id goes in as a number (QPSQL cannot prepare some of these subqueries).
            if (q.exec(QString(sql).replace(u'?', QString::number(batchId))) && q.next())
                result = q.value(0).toString();
            else
                qWarning().noquote() << sql << q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

QString TestTeam::exactlyOnce(const Setup &setup, int files)
{
    const qint64 batch = setup.batchId;
    const qint64 stored =
        count(QStringLiteral("SELECT COUNT(*) FROM files WHERE batch_id = ? AND status = 'success'"), batch);
    if (stored != files)
        return QStringLiteral("%1 of %2 files stored").arg(stored).arg(files);
    // Each outcome comes with its PREMIS events; a file done twice would have each of them twice.
    // The check stage records one event per check and file, and its pass across the batch's files (done
    // once, by the first process to get there) events of its own and one for the batch: the same event
    // twice means work done twice.
    const qint64 doubled = count(
        QStringLiteral("SELECT COUNT(*) FROM (SELECT file_id, event_type, detail FROM events"
                       " WHERE batch_id = ? GROUP BY file_id, event_type, detail HAVING COUNT(*) > 1) d"),
        batch);
    if (doubled != 0)
        return QStringLiteral("%1 events recorded more than once, such as: %2")
            .arg(doubled)
            .arg(text(QStringLiteral("SELECT string_agg(d, ' | ') FROM (SELECT COALESCE(file_id, 0) || ' '"
                                     " || event_type || ' ' || agent || ': ' || detail AS d FROM events"
                                     " WHERE batch_id = ? GROUP BY file_id, event_type, agent, detail"
                                     " HAVING COUNT(*) > 1 LIMIT 3) s"),
                      batch));
    const qint64 digested =
        count(QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM events WHERE batch_id = ?"
                             " AND event_type = 'message digest calculation'"),
              batch);
    if (digested != files)
        return QStringLiteral("%1 of %2 files have their digest event").arg(digested).arg(files);
    const qint64 rows = count(
        QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE batch_id = ? AND stage = 'fetch'"), batch);
    if (rows != files)
        return QStringLiteral("%1 fetch rows for %2 files").arg(rows).arg(files);
    const qint64 leases = count(QStringLiteral("SELECT COUNT(*) FROM file_leases WHERE batch_id = ?"), batch);
    // Every process gave up what it held, and the last one removed the leases a killed one left.
    if (leases != 0)
        return QStringLiteral("%1 leases left behind").arg(leases);
    // The store holds one object per file, none half-written.
    int objects = 0;
    QDirIterator it(setup.store, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains(QStringLiteral("/.partial/")))
            ++objects;
    }
    if (objects != files)
        return QStringLiteral("%1 objects in the store for %2 files").arg(objects).arg(files);
    return {};
}

qint64 TestTeam::share(const QByteArray &stderrText)
{
    static const QRegularExpression did(QStringLiteral("this process \\(([^)]*)\\) did (\\d+) file"));
    const auto match = did.match(QString::fromUtf8(stderrText));
    return match.hasMatch() ? match.captured(2).toLongLong() : -1;
}

void TestTeam::sharedFetch_data()
{
    QTest::addColumn<int>("processes");
    QTest::newRow("two") << 2;
    QTest::newRow("three") << 3;
}

void TestTeam::sharedFetch()
{
    QFETCH(int, processes);
    const Setup setup = load(s_batchFiles);
    QVERIFY(setup.batchId > 0);
    QList<QProcess *> fetches;
    for (int i = 0; i < processes; ++i)
        fetches.append(startFetch(setup));
    qint64 total = 0;
    int working = 0;
    for (QProcess *p : std::as_const(fetches)) {
        QVERIFY(p->waitForFinished(600000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.right(2000).constData());
        QVERIFY2(!err.contains("Catalog error"), err.right(2000).constData());
        const qint64 did = share(err);
        QVERIFY2(did >= 0, err.right(2000).constData());
        qInfo() << "one process did" << did << "files";
        total += did;
        working += did > 0 ? 1 : 0;
    }
    // The shares add up to the batch: no file was done by two processes.
    QCOMPARE(total, qint64(s_batchFiles));
    QVERIFY2(working >= 2, "one process did the whole batch; the others found nothing to share");
    const QString problem = exactlyOnce(setup, s_batchFiles);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeam::killedWorkerIsTakenOver()
{
    const Setup setup = load(s_batchFiles);
    QVERIFY(setup.batchId > 0);
    QProcess *victim = startFetch(setup, m_victimWrapper);
    QProcess *survivor = startFetch(setup);

    // Kill the victim while both are working, once some hundreds of files are done, at a moment it holds
    // leases (between two claims it holds none): leases nobody renews from now on.
    const QString host = m_victimWrapper.isEmpty() ? QSysInfo::machineHostName() : s_elsewhere;
    qint64 held = 0;
    QElapsedTimer clock;
    clock.start();
    while (victim->state() != QProcess::NotRunning && clock.elapsed() < 300000) {
        if (count(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE batch_id = ? AND stage = 'fetch'"),
                  setup.batchId) >= 300) {
            held = count(u"SELECT COUNT(*) FROM file_leases WHERE batch_id = ? AND owner = '" + host + u":" +
                             QString::number(victim->processId()) + u"'",
                         setup.batchId);
            if (held > 0)
                break;
        }
        QTest::qWait(20);
    }
    QVERIFY2(victim->state() == QProcess::Running, "the victim finished before it could be killed");
    qInfo() << "the victim held" << held << "leases when it was killed";
    QVERIFY(held > 0);
    ::kill(pid_t(victim->processId()), SIGKILL);
    QVERIFY(victim->waitForFinished(30000));
    QCOMPARE(victim->exitStatus(), QProcess::CrashExit);

    QVERIFY(survivor->waitForFinished(600000));
    const QByteArray err = survivor->readAllStandardError();
    QVERIFY2(survivor->exitStatus() == QProcess::NormalExit && survivor->exitCode() == 0,
             err.right(3000).constData());
    QVERIFY2(!err.contains("Catalog error"), err.right(3000).constData());
    const qint64 did = share(err);
    qInfo() << "the survivor did" << did << "files";
    QVERIFY2(did > 0, err.right(3000).constData());
    const QString problem = exactlyOnce(setup, s_batchFiles);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeam::simultaneousStartsNeverDeadlock()
{
    // The race of issue 15: two fetches started at once both passed the batch guard, then deadlocked on the
    // files table and one died with a catalog error. Now both share the batch; tried several times.
    for (int round = 0; round < 4; ++round) {
        const Setup setup = load(200);
        QVERIFY(setup.batchId > 0);
        QProcess *one = startFetch(setup);
        QProcess *two = startFetch(setup);
        for (QProcess *p : {one, two}) {
            QVERIFY(p->waitForFinished(300000));
            const QByteArray err = p->readAllStandardError();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0,
                     err.right(2000).constData());
            QVERIFY2(!err.contains("Catalog error") && !err.contains("deadlock"),
                     err.right(2000).constData());
            QVERIFY2(!err.contains("being processed by another Gatehouse"), err.right(2000).constData());
        }
        const QString problem = exactlyOnce(setup, 200);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(problem)));
    }
}

QProcess *TestTeam::startAs(const Setup &setup, const QString &curator, const QStringList &command)
{
    auto *process = new QProcess;
    m_processes.append(process);
    process->start(test::binary(QStringLiteral("gatehouse-cli")),
                   globals(setup) << QStringLiteral("--as") << curator << command);
    return process;
}

int TestTeam::runAs(const Setup &setup, const QString &curator, const QStringList &command, QByteArray *err)
{
    QProcess *p = startAs(setup, curator, command);
    if (!p->waitForFinished(300000) || p->exitStatus() != QProcess::NormalExit)
        return -1;
    if (err)
        *err = p->readAllStandardError();
    return p->exitCode();
}

TestTeam::Setup TestTeam::fetched(int files)
{
    Setup setup = load(files);
    if (setup.batchId <= 0)
        return setup;
    QProcess *fetch = startFetch(setup);
    if (!fetch->waitForFinished(300000) || fetch->exitStatus() != QProcess::NormalExit ||
        fetch->exitCode() != 0) {
        qWarning().noquote() << "fetch failed:" << fetch->readAllStandardError().right(2000);
        setup.batchId = 0;
    }
    return setup;
}

QString TestTeam::race(const Setup &setup, const QStringList &anna, const QStringList &bruno,
                       QString &problem)
{
    QProcess *first = startAs(setup, QStringLiteral("anna"), anna);
    QProcess *second = startAs(setup, QStringLiteral("bruno"), bruno);
    QList<int> exits;
    QList<QByteArray> errs;
    for (QProcess *p : {first, second}) {
        if (!p->waitForFinished(300000) || p->exitStatus() != QProcess::NormalExit) {
            problem = QStringLiteral("a process hung or crashed");
            return {};
        }
        exits.append(p->exitCode());
        errs.append(p->readAllStandardError());
    }
    const QStringList names{QStringLiteral("anna"), QStringLiteral("bruno")};
    if (exits.count(0) != 1 || exits.count(1) != 1) {
        problem = QStringLiteral("exit codes %1 and %2, not one winner: %3 | %4")
                      .arg(exits[0])
                      .arg(exits[1])
                      .arg(QString::fromUtf8(errs[0]), QString::fromUtf8(errs[1]));
        return {};
    }
    const int winner = exits[0] == 0 ? 0 : 1;
    const QString told = QString::fromUtf8(errs[1 - winner]);
    if (!told.contains(QStringLiteral("Already decided by %1 at ").arg(names[winner]))) {
        problem = QStringLiteral("the second curator was told: %1").arg(told);
        return {};
    }
    return names[winner];
}

void TestTeam::duplicateDecisionsFirstWriterWins()
{
    const Setup setup = fetched(200);
    QVERIFY(setup.batchId > 0);
    QVERIFY2(count(QStringLiteral("SELECT COUNT(*) FROM duplicate_cases WHERE batch_id = ?"),
                   setup.batchId) == 200,
             "the dedup stage did not classify the batch");
    const QString batch = QString::number(setup.batchId);
    // Several files, each decided by two curators at the same moment: one decision stands per file.
    for (int round = 0; round < 4; ++round) {
        const QString file = text(QStringLiteral("SELECT file_id FROM duplicate_cases WHERE batch_id = ?"
                                                 " ORDER BY file_id OFFSET %1 LIMIT 1")
                                      .arg(round),
                                  setup.batchId);
        QVERIFY(!file.isEmpty());
        const QStringList decide{QStringLiteral("decide"), batch, QStringLiteral("--file"), file,
                                 QStringLiteral("--action")};
        QString problem;
        const QString winner = race(setup, decide + QStringList{QStringLiteral("skip")},
                                    decide + QStringList{QStringLiteral("upload")}, problem);
        QVERIFY2(!winner.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(problem)));
        const QString loser =
            winner == QStringLiteral("anna") ? QStringLiteral("bruno") : QStringLiteral("anna");
        const QString where = QStringLiteral(" WHERE batch_id = ? AND file_id = %1").arg(file);
        QCOMPARE(count(u"SELECT COUNT(*) FROM duplicate_decisions" + where, setup.batchId), qint64(1));
        // Who decided is the name given with --as, in the decision and in its PREMIS event.
        QCOMPARE(text(u"SELECT decided_by FROM duplicate_decisions" + where, setup.batchId),
                 QString(u"curator:" + winner));
        QCOMPARE(text(u"SELECT action FROM duplicate_decisions" + where, setup.batchId),
                 winner == QStringLiteral("anna") ? QStringLiteral("skip") : QStringLiteral("upload"));
        QCOMPARE(
            count(u"SELECT COUNT(*) FROM events" + where + u" AND event_type = 'appraisal'", setup.batchId),
            qint64(1));
        QCOMPARE(text(u"SELECT agent FROM events" + where + u" AND event_type = 'appraisal'", setup.batchId),
                 QString(u"curator:" + winner));

        // The loser can neither decide again nor take the winner's decision back; the winner can change it.
        QByteArray err;
        QCOMPARE(runAs(setup, loser, decide + QStringList{QStringLiteral("hand-fix")}, &err), 1);
        QVERIFY2(err.contains(QByteArray("Already decided by " + winner.toUtf8())), err.constData());
        QCOMPARE(
            runAs(setup, loser,
                  {QStringLiteral("decide"), batch, QStringLiteral("--file"), file, QStringLiteral("--undo")},
                  &err),
            1);
        QVERIFY2(err.contains(QByteArray("Already decided by " + winner.toUtf8())), err.constData());
        QCOMPARE(runAs(setup, winner, decide + QStringList{QStringLiteral("hand-fix")}, &err), 0);
        QCOMPARE(text(u"SELECT action FROM duplicate_decisions" + where +
                          u" AND undone_at IS NULL"
                          u" ORDER BY id DESC LIMIT 1",
                      setup.batchId),
                 QStringLiteral("hand-fix"));
        QCOMPARE(count(u"SELECT COUNT(*) FROM duplicate_decisions" + where + u" AND decided_by = 'curator:" +
                           loser + u"'",
                       setup.batchId),
                 qint64(0));
    }
}

void TestTeam::verdictsAndApprovalFirstWriterWins()
{
    const Setup setup = fetched(200);
    QVERIFY(setup.batchId > 0);
    const QString batch = QString::number(setup.batchId);
    QByteArray err;
    QCOMPARE(runAs(setup, QStringLiteral("clara"), {QStringLiteral("sample"), batch}, &err), 0);
    const QString item =
        text(QStringLiteral("SELECT MIN(item_id) FROM review_items WHERE batch_id = ?"), setup.batchId);
    QVERIFY2(!item.isEmpty(), err.constData());

    QString problem;
    const QStringList verdict{QStringLiteral("verdict"), batch, QStringLiteral("--item"), item};
    const QString winner =
        race(setup, verdict + QStringList{QStringLiteral("--pass")},
             verdict + QStringList{QStringLiteral("--fail"), QStringLiteral("torn page")}, problem);
    QVERIFY2(!winner.isEmpty(), qPrintable(problem));
    const QString loser = winner == QStringLiteral("anna") ? QStringLiteral("bruno") : QStringLiteral("anna");
    const QString where = QStringLiteral(" WHERE batch_id = ? AND item_id = %1").arg(item);
    QCOMPARE(text(u"SELECT reviewer FROM review_items" + where, setup.batchId), winner);
    QCOMPARE(text(u"SELECT verdict FROM review_items" + where, setup.batchId),
             winner == QStringLiteral("anna") ? QStringLiteral("pass") : QStringLiteral("fail"));
    // One verdict event, by the winner; the loser's never reached the catalog.
    QCOMPARE(count(u"SELECT COUNT(*) FROM events" + where + u" AND event_type = 'validation' AND agent = '" +
                       winner + u"'",
                   setup.batchId),
             qint64(1));
    QCOMPARE(
        count(u"SELECT COUNT(*) FROM events WHERE batch_id = ? AND agent = '" + loser + u"'", setup.batchId),
        qint64(0));
    // Withdrawing is the winner's alone.
    QCOMPARE(runAs(setup, loser, verdict + QStringList{QStringLiteral("--withdraw")}, &err), 1);
    QVERIFY2(err.contains(QByteArray("Already decided by " + winner.toUtf8())), err.constData());

    // The batch is approved once, by whoever came first.
    const QStringList approve{QStringLiteral("approve"), batch, QStringLiteral("--override"),
                              QStringLiteral("team-mode test")};
    const QString approver = race(setup, approve, approve, problem);
    QVERIFY2(!approver.isEmpty(), qPrintable(problem));
    QCOMPARE(text(QStringLiteral("SELECT decided_by FROM batches WHERE id = ?"), setup.batchId), approver);
    QCOMPARE(text(QStringLiteral("SELECT state FROM batches WHERE id = ?"), setup.batchId),
             QStringLiteral("approved"));
    QCOMPARE(
        count(QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = ? AND event_type = 'accession'"),
              setup.batchId),
        qint64(1));
}

bool TestTeam::serverControl(const QStringList &command)
{
    // Down from the first step of "down" or "restart" until a step brings it up.
    if (command.constFirst() != u"up")
        m_serverDown = true;
    QProcess control;
    control.start(QStringLiteral("/bin/bash"), QStringList{QStringLiteral(GATEHOUSE_PEERS_DIR "/postgres.sh"),
                                                           command.constFirst(), m_postgres->dir()} +
                                                   command.mid(1));
    if (!control.waitForFinished(120000) || control.exitCode() != 0) {
        qWarning().noquote() << "postgres.sh" << command << "failed:" << control.readAllStandardError();
        return false;
    }
    m_serverDown = command.constFirst() == u"down";
    return true;
}

bool TestTeam::waitForFetched(const Setup &setup, qint64 files, QProcess *process)
{
    QElapsedTimer clock;
    clock.start();
    while (process->state() != QProcess::NotRunning && clock.elapsed() < 300000) {
        if (count(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE batch_id = ? AND stage = 'fetch'"),
                  setup.batchId) >= files)
            return process->state() == QProcess::Running;
        QTest::qWait(20);
    }
    return false;
}

void TestTeam::serverRestartDuringSharedFetch()
{
    const Setup setup = load(s_batchFiles);
    QVERIFY(setup.batchId > 0);
    QProcess *one = startFetch(setup);
    QProcess *two = startFetch(setup);
    QVERIFY2(waitForFetched(setup, 300, one) && two->state() == QProcess::Running,
             "a fetch finished before the server could be restarted");
    // An administrator restarts the server: every session is terminated (57P01), then nothing listens for
    // two seconds, then the same server on the same port and data.
    QVERIFY(serverControl({QStringLiteral("restart"), QStringLiteral("2")}));
    for (QProcess *p : {one, two}) {
        QVERIFY(p->waitForFinished(600000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.right(3000).constData());
        QVERIFY2(!err.contains("Catalog error"), err.right(3000).constData());
        // Said once: lost, then back.
        QCOMPARE(err.count("lost; reconnecting"), 1);
        QVERIFY2(err.contains("reconnected after"), err.right(3000).constData());
    }
    const QString problem = exactlyOnce(setup, s_batchFiles);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeam::serverDownForSecondsDuringFetch()
{
    const Setup setup = load(s_batchFiles);
    QVERIFY(setup.batchId > 0);
    QProcess *fetch = startFetch(setup);
    QVERIFY2(waitForFetched(setup, 300, fetch), "the fetch finished before the server went down");
    QVERIFY(serverControl({QStringLiteral("down")}));
    QTest::qWait(4000);
    if (fetch->state() != QProcess::Running) // the fetch did not wait for the server
        QFAIL(fetch->readAllStandardError().right(3000).constData());
    QVERIFY(serverControl({QStringLiteral("up")}));
    QVERIFY(fetch->waitForFinished(600000));
    const QByteArray err = fetch->readAllStandardError();
    QVERIFY2(fetch->exitStatus() == QProcess::NormalExit && fetch->exitCode() == 0,
             err.right(3000).constData());
    static const QRegularExpression back(
        QStringLiteral("Catalog connection to 127\\.0\\.0\\.1:%1 reconnected "
                       "after (\\d+) s")
            .arg(m_postgres->port()));
    const auto match = back.match(QString::fromUtf8(err));
    QVERIFY2(match.hasMatch(), err.right(3000).constData());
    QVERIFY2(match.captured(1).toInt() >= 3, qPrintable(match.captured(0)));
    QVERIFY2(err.contains(QStringLiteral("Catalog connection to 127.0.0.1:%1 lost; reconnecting")
                              .arg(m_postgres->port())
                              .toUtf8()),
             err.right(3000).constData());
    QCOMPARE(share(err), qint64(s_batchFiles));
    const QString problem = exactlyOnce(setup, s_batchFiles);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeam::serverGoneTooLongFailsNamingIt()
{
    const Setup setup = load(s_batchFiles);
    QVERIFY(setup.batchId > 0);
    const QString impatient = m_dir.filePath(QStringLiteral("impatient.ini"));
    test::writeFile(impatient, "[team]\nlease_seconds=3\nreconnect_seconds=2\n");
    auto *fetch = new QProcess;
    m_processes.append(fetch);
    fetch->start(test::binary(QStringLiteral("gatehouse-cli")),
                 {QStringLiteral("--catalog"), setup.catalog, QStringLiteral("--store"), setup.store,
                  QStringLiteral("--config"), impatient, QStringLiteral("-q"), QStringLiteral("fetch"),
                  QString::number(setup.batchId)});
    QVERIFY2(waitForFetched(setup, 300, fetch), "the fetch finished before the server went down");
    QVERIFY(serverControl({QStringLiteral("down")}));
    QVERIFY(fetch->waitForFinished(120000));
    const QByteArray err = fetch->readAllStandardError();
    QVERIFY(serverControl({QStringLiteral("up")}));
    QCOMPARE(fetch->exitStatus(), QProcess::NormalExit);
    QVERIFY2(fetch->exitCode() != 0, err.right(3000).constData());
    // What went wrong and where: the server by host and port, and how long it was waited for.
    QVERIFY2(err.contains(QStringLiteral("Lost the connection to the catalog server 127.0.0.1:%1 and could "
                                         "not connect again within 2 s")
                              .arg(m_postgres->port())
                              .toUtf8()),
             err.right(3000).constData());
    QVERIFY2(!err.contains("gatehouse:gatehouse@"), "the error shows the catalog's password");
    // Nothing it committed is lost: the next fetch does the rest, each file once.
    QProcess *again = startFetch(setup);
    QVERIFY(again->waitForFinished(600000));
    const QByteArray againErr = again->readAllStandardError();
    QVERIFY2(again->exitStatus() == QProcess::NormalExit && again->exitCode() == 0,
             againErr.right(3000).constData());
    const QString problem = exactlyOnce(setup, s_batchFiles);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeam::pausedUploaderSendsNothingTakenOver()
{
    test::PeerServer s3(QStringLiteral("s3rver"));
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    const Setup setup = fetched(200);
    QVERIFY(setup.batchId > 0);
    const QString batch = QString::number(setup.batchId);
    QCOMPARE(runAs(setup, QStringLiteral("anna"),
                   {QStringLiteral("approve"), batch, QStringLiteral("--override"), QStringLiteral("test")}),
             0);
    // One file sent at a time, in groups of 50: a worker stopped in the middle of a group has the rest of it
    // still to send when it goes on.
    auto upload = [&] { return startUpload(setup, s3, QStringLiteral("s3://gatehouse-test/team")); };
    QProcess *paused = upload();
    QElapsedTimer clock;
    clock.start();
    while (paused->state() != QProcess::NotRunning && clock.elapsed() < 300000 &&
           count(QStringLiteral("SELECT COUNT(*) FROM file_targets WHERE batch_id = ?"), setup.batchId) < 20)
        QTest::qWait(10);
    if (paused->state() != QProcess::Running)
        QFAIL(paused->readAllStandardError().right(3000).constData());
    // Stopped past its leases (3 s): another process takes its files over and sends them all. Not in the
    // middle of a PUT's body, though: s3rver writes a PUT's bytes under its key as they arrive and answers a
    // HEAD meanwhile with the md5 of what has arrived, so the other process would find "other content" under
    // the name (S3 itself shows an object only once it is complete). Continued a moment and stopped again
    // until no PUT is under way.
    ::kill(pid_t(paused->processId()), SIGSTOP);
    QTest::qWait(4000);
    for (int attempt = 0; attempt < 20 && putUnderWay(s3); ++attempt) {
        ::kill(pid_t(paused->processId()), SIGCONT);
        QTest::qWait(20);
        ::kill(pid_t(paused->processId()), SIGSTOP);
        QTest::qWait(4000);
    }
    QVERIFY(!putUnderWay(s3));
    QProcess *other = upload();
    if (!other->waitForFinished(120000)) {
        const QString sessions =
            text(QStringLiteral(
                     "SELECT string_agg(pid || ' ' || state || ' ' || COALESCE(wait_event, '-') || ': ' ||"
                     " left(query, 120), E'\\n') FROM pg_stat_activity WHERE datname = 'gatehouse'"
                     " AND pid <> pg_backend_pid() AND ? > 0"),
                 setup.batchId);
        ::kill(pid_t(paused->processId()), SIGCONT);
        QFAIL(qPrintable(u"the other upload hangs; sessions:\n" + sessions + u"\n" +
                         QString::fromUtf8(other->readAllStandardError().right(3000))));
    }
    const QByteArray otherErr = other->readAllStandardError();
    QVERIFY2(other->exitStatus() == QProcess::NormalExit && other->exitCode() == 0,
             otherErr.right(900).constData());
    ::kill(pid_t(paused->processId()), SIGCONT);
    QVERIFY(paused->waitForFinished(600000));
    const QByteArray pausedErr = paused->readAllStandardError();
    QVERIFY2(paused->exitStatus() == QProcess::NormalExit, pausedErr.right(900).constData());

    // Every file at the target once: sent, or found there by the process that took over a file whose bytes
    // the stopped one had sent before it could record them.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM file_targets WHERE batch_id = ?"
                                  " AND state IN ('uploaded', 'already-there')"),
                   setup.batchId),
             qint64(200));
    // What reached the store, by key: the one send under way when the worker stopped may arrive twice; every
    // other file once.
    const QHash<QString, int> puts = storedObjects(s3, QStringLiteral("team/"));
    QCOMPARE(puts.size(), 200);
    int twice = 0;
    for (auto p = puts.cbegin(); p != puts.cend(); ++p)
        twice += p.value() > 1 ? 1 : 0;
    qInfo() << "keys stored more than once:" << twice;
    QVERIFY2(twice <= 1, qPrintable(QStringLiteral("%1 files were sent by both processes").arg(twice)));
    // One upload event per file.
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM (SELECT file_id FROM events WHERE batch_id = ? AND"
                                  " agent LIKE '% upload' GROUP BY file_id, event_type, detail"
                                  " HAVING COUNT(*) > 1) d"),
                   setup.batchId),
             qint64(0));
}

QProcess *TestTeam::startUpload(const Setup &setup, const test::PeerServer &s3, const QString &target)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"), s3.baseUrl());
    env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
    env.insert(QStringLiteral("GATEHOUSE_S3_KEYCHAIN"), QStringLiteral("0"));
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("S3RVER"));
    env.insert(QStringLiteral("AWS_REGION"), QStringLiteral("us-east-1"));
    auto *p = new QProcess;
    m_processes.append(p);
    p->setProcessEnvironment(env);
    p->start(test::binary(QStringLiteral("gatehouse-cli")),
             globals(setup) << QStringLiteral("--verbose") << QStringLiteral("upload")
                            << QString::number(setup.batchId) << QStringLiteral("--target") << target
                            << QStringLiteral("--jobs") << QStringLiteral("1"));
    return p;
}

bool TestTeam::putUnderWay(const test::PeerServer &s3)
{
    // s3rver keeps an object's bytes in "<name>._S3rver_object" and writes "<name>._S3rver_metadata.json"
    // once the last byte is in.
    static const QString object = QStringLiteral("._S3rver_object");
    QDirIterator it(s3.dir(), {u'*' + object}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!QFileInfo::exists(path.chopped(object.size()) + QStringLiteral("._S3rver_metadata.json")))
            return true;
    }
    return false;
}

QHash<QString, int> TestTeam::storedObjects(const test::PeerServer &s3, const QString &prefix)
{
    QHash<QString, int> puts;
    QFile log(s3.dir() + QStringLiteral("/s3rver.log"));
    if (!log.open(QIODevice::ReadOnly))
        return puts;
    static const QRegularExpression stored(QStringLiteral("Stored object \"([^\"]+)\""));
    auto it = stored.globalMatch(QString::fromUtf8(log.readAll()));
    while (it.hasNext()) {
        const QString key = it.next().captured(1);
        if (key.startsWith(prefix))
            ++puts[key];
    }
    return puts;
}

TestTeam::Setup TestTeam::ranToReview(const QString &source)
{
    Setup setup;
    setup.catalog = test::freshPostgresCatalog(*m_postgres);
    setup.store = m_dir.filePath(QStringLiteral("store-%1").arg(++m_counter));
    QProcess run;
    run.start(test::binary(QStringLiteral("gatehouse-cli")), globals(setup)
                                                                 << QStringLiteral("run") << source);
    if (!run.waitForFinished(300000) || run.exitStatus() != QProcess::NormalExit) {
        qWarning().noquote() << "run failed:" << run.readAllStandardError().right(2000);
        return setup;
    }
    setup.batchId = count(QStringLiteral("SELECT MAX(id) FROM batches WHERE ? > 0"), 1);
    return setup;
}

void TestTeam::killedUploaderIsNotSentAgain()
{
    test::PeerServer s3(QStringLiteral("s3rver"));
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    const Setup setup = ranToReview(m_dir.filePath(QStringLiteral("source-small")));
    QVERIFY(setup.batchId > 0);
    QCOMPARE(runAs(setup, QStringLiteral("anna"),
                   {QStringLiteral("approve"), QString::number(setup.batchId), QStringLiteral("--override"),
                    QStringLiteral("test")}),
             0);
    const QString target = QStringLiteral("s3://gatehouse-test/killed");
    QProcess *victim = startUpload(setup, s3, target);
    QElapsedTimer clock;
    clock.start();
    while (storedObjects(s3, QStringLiteral("killed/")).isEmpty() &&
           victim->state() != QProcess::NotRunning && clock.elapsed() < 120000)
        QTest::qWait(10);
    QVERIFY2(victim->state() == QProcess::Running, victim->readAllStandardError().right(2000).constData());
    // From its first object on, the upload cannot record what it sent: it dies having sent objects nobody
    // knows of.
    const QString name = QStringLiteral("team-lock");
    {
        QSqlDatabase db = connection(name);
        QVERIFY(db.open());
        QVERIFY(db.transaction());
        QSqlQuery lock(db);
        QVERIFY2(lock.exec(QStringLiteral("LOCK TABLE file_targets IN EXCLUSIVE MODE")),
                 qPrintable(lock.lastError().text()));
        int sent = storedObjects(s3, QStringLiteral("killed/")).size();
        for (int quiet = 0; quiet < 10 && clock.elapsed() < 180000; QTest::qWait(100)) {
            const int now = storedObjects(s3, QStringLiteral("killed/")).size();
            quiet = now == sent ? quiet + 1 : 0;
            sent = now;
        }
        QVERIFY2(victim->state() == QProcess::Running, "the upload finished before it could be killed");
        ::kill(pid_t(victim->processId()), SIGKILL);
        QVERIFY(victim->waitForFinished(30000));
        QVERIFY(db.rollback());
    }
    QSqlDatabase::removeDatabase(name);
    const qint64 recorded = count(QStringLiteral("SELECT COUNT(*) FROM file_targets WHERE batch_id = ?"
                                                 " AND state IN ('uploaded', 'already-there')"),
                                  setup.batchId);
    const qint64 unrecorded = storedObjects(s3, QStringLiteral("killed/")).size() - recorded;
    qInfo() << "the upload died with" << unrecorded << "objects sent and not recorded";
    QVERIFY2(unrecorded > 0, "it recorded everything it sent: the test proves nothing");

    // The next upload finds them at the target and sends none of them again.
    QProcess *next = startUpload(setup, s3, target);
    QVERIFY(next->waitForFinished(300000));
    const QByteArray err = next->readAllStandardError();
    QVERIFY2(next->exitStatus() == QProcess::NormalExit && next->exitCode() == 0,
             err.right(2000).constData());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM file_targets WHERE batch_id = ?"
                                  " AND state IN ('uploaded', 'already-there')"),
                   setup.batchId),
             qint64(200));
    const QHash<QString, int> puts = storedObjects(s3, QStringLiteral("killed/"));
    QCOMPARE(puts.size(), 200);
    for (auto it = puts.cbegin(); it != puts.cend(); ++it)
        QVERIFY2(it.value() == 1,
                 qPrintable(QStringLiteral("%1 was sent %2 times").arg(it.key()).arg(it.value())));
}

void TestTeam::undoNeverRacesTheUpload()
{
    test::PeerServer s3(QStringLiteral("s3rver"));
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    // Twelve pairs of twins: the second of each pair is an in-batch duplicate that waits for a decision.
    const QString source = m_dir.filePath(QStringLiteral("source-twins"));
    for (int i = 0; i < 12; ++i) {
        const QByteArray content = test::pseudoRandomBytes(2000 + i * 97, quint64(9000 + i));
        test::writeFile(QStringLiteral("%1/a/scan-%2.bin").arg(source).arg(i), content);
        test::writeFile(QStringLiteral("%1/b/copy-%2.bin").arg(source).arg(i), content);
    }
    int undone = 0;
    int carriedOut = 0;
    for (int round = 0; round < 12; ++round) {
        const Setup setup = ranToReview(source);
        QVERIFY(setup.batchId > 0);
        const QString batch = QString::number(setup.batchId);
        const QStringList raced =
            text(QStringLiteral("SELECT string_agg(file_id::text, ' ' ORDER BY file_id) FROM duplicate_cases"
                                " WHERE batch_id = ? AND dup_case = 'in-batch'"),
                 setup.batchId)
                .split(u' ', Qt::SkipEmptyParts);
        QCOMPARE(raced.size(), 12);
        QStringList files;
        for (const QString &id : raced)
            files << QStringLiteral("--file") << id;
        QByteArray err;
        QCOMPARE(runAs(setup, QStringLiteral("anna"),
                       QStringList{QStringLiteral("decide"), batch} + files +
                           QStringList{QStringLiteral("--action"), QStringLiteral("upload")},
                       &err),
                 0);
        QCOMPARE(
            runAs(setup, QStringLiteral("anna"),
                  {QStringLiteral("approve"), batch, QStringLiteral("--override"), QStringLiteral("test")},
                  &err),
            0);

        // The upload, and the curator taking the decisions back a moment later: a different moment each
        // round, from before the upload has read them to while it sends.
        const QString prefix = QStringLiteral("race-%1/").arg(round);
        QProcess *upload = startUpload(setup, s3, QStringLiteral("s3://gatehouse-test/") + prefix.chopped(1));
        QTest::qWait(round * 60);
        QProcess *undo = startAs(setup, QStringLiteral("anna"),
                                 QStringList{QStringLiteral("decide"), batch} + files +
                                     QStringList{QStringLiteral("--undo")});
        for (QProcess *p : {upload, undo})
            QVERIFY(p->state() == QProcess::NotRunning || p->waitForFinished(300000));
        const QByteArray uploadErr = upload->readAllStandardError();
        const QByteArray undoErr = undo->readAllStandardError();
        QVERIFY2(upload->exitStatus() == QProcess::NormalExit, uploadErr.right(3000).constData());
        QVERIFY2(undo->exitStatus() == QProcess::NormalExit, undoErr.right(3000).constData());
        QVERIFY2(upload->exitCode() == 0 || upload->exitCode() == 1, uploadErr.right(2000).constData());

        // Each decision was carried out or taken back, never both; one taken back sent nothing.
        int roundUndone = 0;
        for (const QString &id : raced) {
            const QString where = QStringLiteral(" WHERE batch_id = ? AND file_id = %1").arg(id);
            const QString state = text(
                u"SELECT COALESCE((SELECT state FROM file_targets" + where + u"), 'none')", setup.batchId);
            const bool wasUndone =
                count(u"SELECT COUNT(*) FROM duplicate_decisions" + where + u" AND undone_at IS NOT NULL",
                      setup.batchId) == 1;
            const bool wasCarriedOut =
                count(u"SELECT COUNT(*) FROM duplicate_decisions" + where + u" AND executed_at IS NOT NULL",
                      setup.batchId) == 1;
            const QString what =
                QStringLiteral("round %1, file %2: undone %3, carried out %4, at the target %5;"
                               " upload: %6; undo: %7")
                    .arg(round)
                    .arg(id)
                    .arg(wasUndone)
                    .arg(wasCarriedOut)
                    .arg(state, QString::fromUtf8(uploadErr.right(600)),
                         QString::fromUtf8(undoErr.right(600)));
            QVERIFY2(wasUndone != wasCarriedOut, qPrintable(what));
            if (wasUndone)
                QVERIFY2(state != u"uploaded" && state != u"already-there", qPrintable(what));
            else
                QVERIFY2(state == u"uploaded", qPrintable(what));
            roundUndone += wasUndone ? 1 : 0;
        }
        // The curator who lost was told why.
        if (roundUndone < raced.size()) {
            QCOMPARE(undo->exitCode(), 1);
            QVERIFY2(undoErr.contains("Already carried out by the upload at ") ||
                         undoErr.contains(" right now; it cannot be undone."),
                     undoErr.constData());
        }
        // What the target received: every file the rows say was uploaded, once; nothing else.
        const QHash<QString, int> puts = storedObjects(s3, prefix);
        const qint64 uploaded = count(
            QStringLiteral("SELECT COUNT(*) FROM file_targets WHERE batch_id = ? AND state = 'uploaded'"),
            setup.batchId);
        QCOMPARE(qint64(puts.size()), uploaded);
        for (auto it = puts.cbegin(); it != puts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        qInfo() << "round" << round << ":" << roundUndone << "of" << raced.size() << "decisions taken back";
        undone += roundUndone;
        carriedOut += int(raced.size()) - roundUndone;
    }
    qInfo() << "over all rounds:" << undone << "decisions taken back," << carriedOut << "carried out";
}

QTEST_GUILESS_MAIN(TestTeam)
#include "tst_team.moc"
