#include <csignal>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"

using namespace gh;

/*!
    Team mode with the bits in S3: two and three `gatehouse-cli fetch BATCH` processes on one PostgreSQL 15
    catalog (tests/peers/postgres.sh) and one S3 store (a real s3rver, tests/peers/s3rver.sh) share a batch.
    The PUTs are counted where they land — s3rver logs every object it stores — and every file of the batch
    is PUT exactly once, with one digest event; a process killed with SIGKILL in the middle (under another
    host name, so the others must wait for its leases to run out) leaves its share to the others, who finish
    it — without PUTting again what it stored. killedBetweenPutAndRecord makes that certain: the catalog's
    events table is locked while the victim works, so it stores objects it can never record, and dies so.
*/
class TestTeamS3 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void sharedFetchPutsEachFileOnce_data();
    void sharedFetchPutsEachFileOnce();
    void killedWorkerIsTakenOver();
    void killedBetweenPutAndRecord_data();
    void killedBetweenPutAndRecord();

private:
    struct Batch
    {
        QString catalog;
        QString store; //!< s3://bucket/prefix, a prefix of its own per test
        qint64 id = 0;
    };
    Batch load();
    QProcess *startFetch(const Batch &batch, const QStringList &wrapper = {});
    //! Runs \a sql (with the batch id for %1) on the catalog; the first column of the first row.
    QString value(const Batch &batch, const QString &sql);
    //! How often s3rver stored each object under the batch's prefix, by key below it.
    QHash<QString, int> puts(const Batch &batch) const;
    //! Empty when every file of the batch is stored once in the catalog and PUT once; else what is wrong.
    QString exactlyOnce(const Batch &batch);
    //! Objects PUT under the batch's prefix so far, repeats included.
    int putCount(const Batch &batch) const;

    std::unique_ptr<test::PeerServer> m_postgres;
    std::unique_ptr<test::PeerServer> m_s3;
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    int m_counter = 0;
    QStringList m_victimWrapper; //!< Runs a process under another host name; empty when this machine cannot.
};

namespace {

constexpr int s_files = 1200;
const QString s_bucket = QStringLiteral("gatehouse-team");
const QString s_elsewhere = QStringLiteral("gh-elsewhere");

} // namespace

void TestTeamS3::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    m_s3 = std::make_unique<test::PeerServer>(QStringLiteral("s3rver"), QStringList{s_bucket});
    QVERIFY2(m_s3->isRunning(), qPrintable(m_s3->error()));
    // Every file different, so every file is an object of its own (keys are by content).
    for (int i = 0; i < s_files; ++i) {
        test::writeFile(
            m_dir.filePath(
                QStringLiteral("source/reel-%1/frame-%2.bin").arg(i % 12).arg(i, 5, 10, QLatin1Char('0'))),
            test::pseudoRandomBytes(300 + (i * 97) % 3000, quint64(i + 101)));
    }
    test::writeFile(m_dir.filePath(QStringLiteral("team.ini")), "[team]\nlease_seconds=3\n");
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"), m_s3->baseUrl());
    m_env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
    m_env.insert(QStringLiteral("GATEHOUSE_S3_REGION"), QStringLiteral("us-east-1"));
    m_env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
    m_env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("not-checked-by-s3rver"));

    // The process killed below runs as another workstation's, whose death the others cannot see.
    m_victimWrapper = test::otherHostWrapper(s_elsewhere);
    qInfo() << "the killed process runs"
            << (m_victimWrapper.isEmpty() ? "on this host" : "under another host name");
}

void TestTeamS3::cleanup()
{
    // Fetches a failed check left running are ended here: the next test recreates the catalog's schema
    // under them, and they would go on fetching its batch into their own store prefix.
    for (QProcess *p : findChildren<QProcess *>()) {
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished();
        }
        delete p;
    }
}

void TestTeamS3::cleanupTestCase()
{
    m_s3.reset();
    m_postgres.reset();
}

TestTeamS3::Batch TestTeamS3::load()
{
    Batch batch;
    batch.catalog = test::freshPostgresCatalog(*m_postgres);
    batch.store = QStringLiteral("s3://%1/team-%2").arg(s_bucket).arg(++m_counter);
    QProcess loader;
    loader.setProcessEnvironment(m_env);
    loader.start(test::binary(QStringLiteral("gatehouse-cli")),
                 {QStringLiteral("--catalog"), batch.catalog, QStringLiteral("--store"), batch.store,
                  QStringLiteral("load"), m_dir.filePath(QStringLiteral("source"))});
    if (!loader.waitForFinished(300000) || loader.exitCode() != 0) {
        qWarning().noquote() << "load failed:" << loader.readAllStandardError();
        return batch;
    }
    batch.id = loader.readAllStandardOutput().trimmed().toLongLong();
    return batch;
}

QProcess *TestTeamS3::startFetch(const Batch &batch, const QStringList &wrapper)
{
    auto *process = new QProcess(this);
    process->setProcessEnvironment(m_env);
    QStringList command = wrapper;
    command << test::binary(QStringLiteral("gatehouse-cli")) << QStringLiteral("--catalog") << batch.catalog
            << QStringLiteral("--store") << batch.store << QStringLiteral("--config")
            << m_dir.filePath(QStringLiteral("team.ini")) << QStringLiteral("--verbose")
            << QStringLiteral("-q") << QStringLiteral("fetch") << QString::number(batch.id);
    process->start(command.takeFirst(), command);
    return process;
}

QString TestTeamS3::value(const Batch &batch, const QString &sql)
{
    auto location = CatalogLocation::parse(batch.catalog);
    if (!location)
        return {};
    auto catalog = Catalog::open(*location);
    if (!catalog)
        return {};
    QSqlQuery q((*catalog)->database());
    if (!q.exec(sql.arg(batch.id)) || !q.next()) {
        qWarning().noquote() << sql << q.lastError().text();
        return {};
    }
    return q.value(0).toString();
}

QHash<QString, int> TestTeamS3::puts(const Batch &batch) const
{
    QFile log(m_s3->dir() + QStringLiteral("/s3rver.log"));
    QHash<QString, int> stored;
    if (!log.open(QIODevice::ReadOnly))
        return stored;
    const QString prefix = batch.store.section(u'/', 3) + u'/';
    static const QRegularExpression line(QStringLiteral("Stored object \"([^\"]+)\" in bucket \"([^\"]+)\""));
    for (auto it = line.globalMatch(QString::fromUtf8(log.readAll())); it.hasNext();) {
        const auto match = it.next();
        if (match.captured(2) == s_bucket && match.captured(1).startsWith(prefix))
            ++stored[match.captured(1).mid(prefix.size())];
    }
    return stored;
}

int TestTeamS3::putCount(const Batch &batch) const
{
    int n = 0;
    for (int times : puts(batch))
        n += times;
    return n;
}

QString TestTeamS3::exactlyOnce(const Batch &batch)
{
    const QString stored = value(batch, QStringLiteral("SELECT COUNT(*) FROM files WHERE batch_id = %1"
                                                       " AND status = 'success'"));
    if (stored != QString::number(s_files))
        return QStringLiteral("%1 of %2 files stored").arg(stored).arg(s_files);
    const QString digested = value(batch, QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = %1"
                                                         " AND event_type = 'message digest calculation'"));
    if (digested != QString::number(s_files))
        return QStringLiteral("%1 digest events for %2 files").arg(digested).arg(s_files);
    const QString keys = value(batch, QStringLiteral("SELECT COUNT(DISTINCT stored_key) FROM files"
                                                     " WHERE batch_id = %1"));
    if (keys != QString::number(s_files))
        return QStringLiteral("%1 stored keys for %2 files").arg(keys).arg(s_files);
    const QHash<QString, int> counted = puts(batch);
    if (counted.size() != s_files)
        return QStringLiteral("%1 objects PUT for %2 files").arg(counted.size()).arg(s_files);
    QStringList again;
    for (auto it = counted.cbegin(); it != counted.cend(); ++it) {
        if (it.value() > 1)
            again.append(QStringLiteral("%1 (%2 times)").arg(it.key()).arg(it.value()));
    }
    if (!again.isEmpty())
        return QStringLiteral("%1 objects PUT more than once, such as %2")
            .arg(again.size())
            .arg(again.constFirst());
    // Every file's key is an object PUT.
    const QStringList fileKeys =
        value(batch, QStringLiteral("SELECT string_agg(stored_key, ',') FROM files WHERE batch_id = %1"))
            .split(u',');
    for (const QString &key : fileKeys) {
        if (!counted.contains(key))
            return QStringLiteral("the stored key %1 was never PUT").arg(key);
    }
    return {};
}

void TestTeamS3::sharedFetchPutsEachFileOnce_data()
{
    QTest::addColumn<int>("processes");
    QTest::newRow("two") << 2;
    QTest::newRow("three") << 3;
}

void TestTeamS3::sharedFetchPutsEachFileOnce()
{
    QFETCH(int, processes);
    const Batch batch = load();
    QVERIFY(batch.id > 0);
    QList<QProcess *> fetches;
    for (int i = 0; i < processes; ++i)
        fetches.append(startFetch(batch));
    static const QRegularExpression did(QStringLiteral("this process \\(([^)]*)\\) did (\\d+) file"));
    qint64 total = 0;
    int working = 0;
    for (QProcess *p : std::as_const(fetches)) {
        QVERIFY(p->waitForFinished(600000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.right(2000).constData());
        const auto match = did.match(QString::fromUtf8(err));
        QVERIFY2(match.hasMatch(), err.right(2000).constData());
        total += match.captured(2).toLongLong();
        working += match.captured(2).toLongLong() > 0 ? 1 : 0;
    }
    QCOMPARE(total, qint64(s_files));
    QVERIFY2(working >= 2, "one process did the whole batch; the others found nothing to share");
    const QString problem = exactlyOnce(batch);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeamS3::killedWorkerIsTakenOver()
{
    const Batch batch = load();
    QVERIFY(batch.id > 0);
    QProcess *victim = startFetch(batch, m_victimWrapper);
    QList<QProcess *> survivors{startFetch(batch), startFetch(batch)};
    // Killed once a quarter of the batch is fetched, at a moment it holds leases: between two claims it
    // holds none, and on a busy machine the other two may have claimed all there was so far.
    const QString host = m_victimWrapper.isEmpty() ? QSysInfo::machineHostName() : s_elsewhere;
    int held = 0;
    QElapsedTimer clock;
    clock.start();
    while (victim->state() != QProcess::NotRunning && clock.elapsed() < 300000) {
        const int fetched =
            value(batch,
                  QStringLiteral("SELECT COUNT(*) FROM file_stages WHERE batch_id = %1 AND stage = 'fetch'"))
                .toInt();
        if (fetched >= s_files / 4) {
            held = value(batch,
                         QStringLiteral("SELECT COUNT(*) FROM file_leases WHERE batch_id = %1"
                                        " AND owner = '%2'")
                             .arg(QStringLiteral("%1"), host + u':' + QString::number(victim->processId())))
                       .toInt();
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
    for (QProcess *p : std::as_const(survivors)) {
        QVERIFY(p->waitForFinished(600000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.right(2000).constData());
    }
    // The survivors finished the victim's share. A file the victim had PUT but not yet recorded when it
    // died is found in the store by the one that takes it over, not PUT again.
    const QString problem = exactlyOnce(batch);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestTeamS3::killedBetweenPutAndRecord_data()
{
    QTest::addColumn<bool>("elsewhere");
    QTest::newRow("on this host") << false;   // its leases are let run out at once: its pid is gone
    QTest::newRow("on another host") << true; // they run out after lease_seconds
}

void TestTeamS3::killedBetweenPutAndRecord()
{
    QFETCH(bool, elsewhere);
    if (elsewhere && m_victimWrapper.isEmpty())
        QSKIP("this machine cannot run a process under another host name (unshare -u)");
    const Batch batch = load();
    QVERIFY(batch.id > 0);
    QProcess *victim = startFetch(batch, elsewhere ? m_victimWrapper : QStringList{});
    QElapsedTimer clock;
    clock.start();
    // Its first object is in the store: from now on nothing it does reaches the catalog's events table.
    while (putCount(batch) == 0 && victim->state() != QProcess::NotRunning && clock.elapsed() < 120000)
        QTest::qWait(10);
    QVERIFY2(putCount(batch) > 0, "the victim stored nothing");
    auto location = CatalogLocation::parse(batch.catalog);
    QVERIFY(location);
    auto blocker = Catalog::open(*location);
    QVERIFY(blocker);
    QSqlDatabase db = (*blocker)->database();
    QVERIFY(db.transaction());
    QSqlQuery lock(db);
    QVERIFY2(lock.exec(QStringLiteral("LOCK TABLE events IN EXCLUSIVE MODE")),
             qPrintable(lock.lastError().text()));
    // It goes on storing what it has in flight, then waits for the lock to write their outcomes.
    int stored = putCount(batch);
    for (int quiet = 0; quiet < 10 && clock.elapsed() < 180000; QTest::qWait(100)) {
        const int now = putCount(batch);
        quiet = now == stored ? quiet + 1 : 0;
        stored = now;
    }
    QVERIFY2(victim->state() == QProcess::Running, "the victim finished before it could be killed");
    ::kill(pid_t(victim->processId()), SIGKILL);
    QVERIFY(victim->waitForFinished(30000));
    QCOMPARE(victim->exitStatus(), QProcess::CrashExit);
    const int recorded =
        value(batch,
              QStringLiteral("SELECT COUNT(*) FROM files WHERE batch_id = %1 AND stored_key IS NOT NULL"
                             " AND stored_key <> ''"))
            .toInt();
    const int unrecorded = putCount(batch) - recorded;
    qInfo() << "the victim died with" << unrecorded << "objects stored and not recorded," << recorded
            << "recorded";
    QVERIFY2(unrecorded > 0, "the victim recorded everything it stored: the test proves nothing");
    QVERIFY(db.rollback());
    lock = QSqlQuery();
    db = QSqlDatabase();
    blocker->reset();

    QList<QProcess *> survivors{startFetch(batch), startFetch(batch)};
    for (QProcess *p : std::as_const(survivors)) {
        QVERIFY(p->waitForFinished(600000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.right(2000).constData());
    }
    const QString problem = exactlyOnce(batch);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Each object it left was found, with its bytes checked, and recorded as stored: none sent again.
    const int found = value(batch, QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = %1"
                                                  " AND detail LIKE 'Found % already stored as %'"))
                          .toInt();
    QCOMPARE(found, unrecorded);
}

QTEST_GUILESS_MAIN(TestTeamS3)
#include "tst_teams3.moc"
