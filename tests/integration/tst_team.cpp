#include <csignal>

#include <QDirIterator>
#include <QElapsedTimer>
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
    catalog (started by tests/peers/postgres.sh) and one store share a batch. Every file is fetched exactly
    once (its PREMIS events and stored objects are counted); a process killed with SIGKILL leaves leases that
    run out, and the others finish its share; two fetches started at the same moment neither deadlock nor die
    with a catalog error.

    The killed process runs in its own UTS namespace under another host name when `unshare -u` works, so the
    others cannot tell it died and must wait for its leases to run out, as they would for a workstation that
    lost power; otherwise it runs here and they take its files over as soon as they see its pid gone.
*/
class TestTeam : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void sharedFetch_data();
    void sharedFetch();
    void killedWorkerIsTakenOver();
    void simultaneousStartsNeverDeadlock();

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
    //! Checks that every file of the batch was fetched exactly once; empty when so.
    QString exactlyOnce(const Setup &setup, int files);
    qint64 count(const QString &sql, qint64 batchId);
    static qint64 share(const QByteArray &stderrText);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    QString m_config;
    int m_counter = 0;
    bool m_canUnshare = false;
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

    QProcess probe;
    probe.start(QStringLiteral("unshare"),
                {QStringLiteral("-u"), QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                 QStringLiteral("hostname %1 && hostname").arg(s_elsewhere)});
    m_canUnshare = probe.waitForFinished(10000) && probe.exitCode() == 0 &&
                   probe.readAllStandardOutput().trimmed() == s_elsewhere.toUtf8();
    qInfo() << "the killed process runs" << (m_canUnshare ? "under another host name" : "on this host");
}

void TestTeam::cleanupTestCase()
{
    for (QProcess *p : std::as_const(m_processes)) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished();
        }
        delete p;
    }
    m_processes.clear();
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
    const QString name = QStringLiteral("team-check");
    qint64 result = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_postgres->port());
        db.setUserName(QStringLiteral("gatehouse"));
        db.setPassword(QStringLiteral("gatehouse"));
        db.setDatabaseName(QStringLiteral("gatehouse"));
        if (db.open()) {
            QSqlQuery q(db);
            // The batch id goes in as a number (QPSQL cannot prepare some of these subqueries).
            if (q.exec(QString(sql).replace(u'?', QString::number(batchId))) && q.next())
                result = q.value(0).toLongLong();
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
    const qint64 doubled = count(QStringLiteral("SELECT COUNT(*) FROM (SELECT file_id, event_type FROM events"
                                                " WHERE batch_id = ? AND file_id IS NOT NULL"
                                                " GROUP BY file_id, event_type HAVING COUNT(*) > 1) d"),
                                 batch);
    if (doubled != 0)
        return QStringLiteral("%1 (file, event type) pairs recorded more than once").arg(doubled);
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
    QStringList wrapper;
    if (m_canUnshare) {
        // exec keeps the pid: the process killed below is gatehouse-cli itself.
        wrapper << QStringLiteral("unshare") << QStringLiteral("-u") << QStringLiteral("/bin/sh")
                << QStringLiteral("-c") << QStringLiteral("hostname %1 && exec \"$@\"").arg(s_elsewhere)
                << QStringLiteral("sh");
    }
    QProcess *victim = startFetch(setup, wrapper);
    QProcess *survivor = startFetch(setup);

    // Kill the victim while both are working: once some hundreds of files are done.
    QElapsedTimer clock;
    clock.start();
    while (victim->state() != QProcess::NotRunning && clock.elapsed() < 300000) {
        if (count(QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE batch_id = ? AND stage = 'fetch'"),
                  setup.batchId) >= 300)
            break;
        QTest::qWait(20);
    }
    QVERIFY2(victim->state() == QProcess::Running, "the victim finished before it could be killed");
    // What the victim holds when it dies: leases nobody renews from now on.
    const qint64 held = count(u"SELECT COUNT(*) FROM file_leases WHERE batch_id = ? AND owner = '" +
                                  (m_canUnshare ? s_elsewhere : QSysInfo::machineHostName()) + u":" +
                                  QString::number(victim->processId()) + u"'",
                              setup.batchId);
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

QTEST_GUILESS_MAIN(TestTeam)
#include "tst_team.moc"
