#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "catalog/catalog.h"
#include "model/records.h"
#include "model/runner.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"

using namespace gh;

namespace {

const Lease s_leaseA{QStringLiteral("workstation-a:101"), 60};
const Lease s_leaseB{QStringLiteral("workstation-b:202"), 60};

} // namespace

/*!
    Work sharing in the catalog: leases on the files a stage works on, on SQLite and on a real PostgreSQL 15.
    Two connections stand for two Gatehouse processes; each claims with its own owner. Also the one place
    that retries a transaction the server aborted as a deadlock victim.
*/
class TestLeases : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void claimsNeverOverlap_data() { test::catalogEngines(); }
    void claimsNeverOverlap();
    void runOutLeaseIsTakenOver_data() { test::catalogEngines(); }
    void runOutLeaseIsTakenOver();
    void renewedLeaseHolds_data() { test::catalogEngines(); }
    void renewedLeaseHolds();
    void settledFilesAreNotClaimed_data() { test::catalogEngines(); }
    void settledFilesAreNotClaimed();
    void claimsFromOneArchive_data() { test::catalogEngines(); }
    void claimsFromOneArchive();
    void sharedStageEndsOnce_data() { test::catalogEngines(); }
    void sharedStageEndsOnce();
    void goneRunnerIsRecognised();
    void deadlockVictimIsRetried();
    void concurrentClaimsOnPostgres();

private:
    struct Processes
    {
        std::unique_ptr<Catalog> a; //!< One process's connection…
        std::unique_ptr<Catalog> b; //!< …and another's, on the same catalog.
        qint64 batch = 0;
    };
    //! Two connections to a fresh catalog of the current engine, with a batch of \a files files.
    Processes twoProcesses(int files);
    CatalogLocation freshLocation(const QString &engine);
    std::unique_ptr<Catalog> open(const CatalogLocation &location);
    //! A batch of \a files files in one item (every tenth from "/src/a.zip" as an archive member).
    qint64 addBatch(Catalog &catalog, int files);
    static QList<qint64> ids(const QList<FileRecord> &files);
    static FileQuery page(qint64 afterId, int limit);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestLeases::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestLeases::cleanupTestCase()
{
    m_postgres.reset();
}

CatalogLocation TestLeases::freshLocation(const QString &engine)
{
    if (engine == u"sqlite")
        return *CatalogLocation::parse(m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter)));
    return *CatalogLocation::parse(test::freshPostgresCatalog(*m_postgres));
}

TestLeases::Processes TestLeases::twoProcesses(int files)
{
    QFETCH(QString, engine);
    const CatalogLocation location = freshLocation(engine);
    Processes p{open(location), open(location), 0};
    p.batch = addBatch(*p.a, files);
    if (p.batch <= 0)
        qFatal("cannot add a batch to the catalog");
    return p;
}

std::unique_ptr<Catalog> TestLeases::open(const CatalogLocation &location)
{
    auto catalog = Catalog::open(location);
    if (!catalog)
        qFatal("cannot open the catalog: %s", qPrintable(catalog.error().message));
    return std::move(*catalog);
}

qint64 TestLeases::addBatch(Catalog &catalog, int files)
{
    auto batch = catalog.createBatch(QStringLiteral("shared"), QStringLiteral("/src"));
    if (!batch)
        return 0;
    auto tx = catalog.transaction();
    ItemRecord item;
    item.batchId = *batch;
    item.seq = 1;
    item.identifier = QStringLiteral("item-1");
    auto itemId = catalog.insertItem(item);
    if (!itemId)
        return 0;
    for (int i = 0; i < files; ++i) {
        FileRecord f;
        f.batchId = *batch;
        f.itemId = *itemId;
        f.seq = i + 1;
        f.name = QStringLiteral("f-%1.tif").arg(i, 4, 10, QLatin1Char('0'));
        if (i % 10 == 0) {
            f.sourcePath = QStringLiteral("/src/a.zip");
            f.sourceMember = f.name;
        } else {
            f.sourcePath = u"/src/" + f.name;
        }
        if (!catalog.insertFile(f))
            return 0;
    }
    if (!tx->commit())
        return 0;
    return *batch;
}

QList<qint64> TestLeases::ids(const QList<FileRecord> &files)
{
    QList<qint64> result;
    for (const FileRecord &f : files)
        result.append(f.id);
    return result;
}

FileQuery TestLeases::page(qint64 afterId, int limit)
{
    FileQuery query;
    query.pending = PendingFor{Stage::Fetch, Stage::Intake};
    query.afterId = afterId;
    query.limit = limit;
    return query;
}

void TestLeases::claimsNeverOverlap()
{
    auto [a, b, batch] = twoProcesses(50);
    const Lease leaseA = s_leaseA;
    const Lease leaseB = s_leaseB;

    auto first = a->claimFiles(batch, page(0, 20), leaseA);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
    QCOMPARE(first->files.size(), 20);
    QVERIFY(!first->exhausted);

    // B starts from the beginning and gets only what A does not hold.
    auto second = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(second);
    QCOMPARE(second->files.size(), 30);
    QVERIFY(second->exhausted);
    const QList<qint64> aIds = ids(first->files);
    for (const FileRecord &f : std::as_const(second->files))
        QVERIFY2(!aIds.contains(f.id), "a file claimed twice");

    // A goes on after its page: nothing left for it. From the start it sees only its own files again.
    auto more = a->claimFiles(batch, page(first->lastId, 20), leaseA);
    QVERIFY(more);
    QVERIFY(more->files.isEmpty());
    QVERIFY(more->exhausted);
    auto again = a->claimFiles(batch, page(0, 100), leaseA);
    QVERIFY(again);
    QCOMPARE(ids(again->files), aIds);

    // Who holds what, as the other process sees it.
    auto holders = b->leaseHolders(batch, Stage::Fetch, leaseB.owner);
    QVERIFY(holders);
    QCOMPARE(holders->size(), 1);
    QCOMPARE(holders->constFirst().owner, leaseA.owner);
    QCOMPARE(holders->constFirst().files, 20);
    QVERIFY(holders->constFirst().msToFirstExpiry > 50000);

    // A gives up five: B can have exactly those.
    QVERIFY(a->releaseLeases(batch, Stage::Fetch, leaseA.owner, aIds.mid(0, 5)));
    auto freed = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(freed);
    QCOMPARE(freed->files.size(), 35);
    auto confirmedA = a->confirmLeases(Stage::Fetch, leaseA, aIds);
    QVERIFY(confirmedA);
    QCOMPARE(confirmedA->size(), 15);
    QVERIFY(!confirmedA->contains(aIds.constFirst()));
}

void TestLeases::runOutLeaseIsTakenOver()
{
    auto [a, b, batch] = twoProcesses(12);
    const Lease shortLease{QStringLiteral("elsewhere:4711"), 1};
    const Lease leaseB = s_leaseB;

    auto claimed = a->claimFiles(batch, page(0, 100), shortLease);
    QVERIFY(claimed);
    QCOMPARE(claimed->files.size(), 12);
    auto none = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(none);
    QVERIFY(none->files.isEmpty());

    // A stops renewing (it died, or hangs): its leases run out and B takes every file over.
    QTest::qWait(1300);
    auto holders = b->leaseHolders(batch, Stage::Fetch, leaseB.owner);
    QVERIFY(holders);
    QVERIFY(holders->isEmpty());
    auto taken = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(taken);
    QCOMPARE(ids(taken->files), ids(claimed->files));

    // A comes back and wants to commit: none of its outcomes may be written now, and renewing gets nothing.
    QVERIFY(a->renewLeases(batch, Stage::Fetch, shortLease));
    auto confirmed = a->confirmLeases(Stage::Fetch, shortLease, ids(claimed->files));
    QVERIFY(confirmed);
    QVERIFY(confirmed->isEmpty());
    auto confirmedB = b->confirmLeases(Stage::Fetch, leaseB, ids(claimed->files));
    QVERIFY(confirmedB);
    QCOMPARE(confirmedB->size(), 12);
}

void TestLeases::renewedLeaseHolds()
{
    auto [a, b, batch] = twoProcesses(8);
    const Lease lease{QStringLiteral("workstation-a:101"), 1};
    const Lease leaseB = s_leaseB;

    auto claimed = a->claimFiles(batch, page(0, 100), lease);
    QVERIFY(claimed);
    QCOMPARE(claimed->files.size(), 8);
    // The heartbeat keeps the files A works on for well past one lease time.
    for (int i = 0; i < 5; ++i) {
        QTest::qWait(400);
        QVERIFY(a->renewLeases(batch, Stage::Fetch, lease));
    }
    auto none = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(none);
    QVERIFY(none->files.isEmpty());
    // A lease that ran out, but that nobody took, is still A's to commit (and confirming renews it).
    QTest::qWait(1200);
    auto confirmed = a->confirmLeases(Stage::Fetch, lease, ids(claimed->files));
    QVERIFY(confirmed);
    QCOMPARE(confirmed->size(), 8);
    none = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(none);
    QVERIFY(none->files.isEmpty());
}

void TestLeases::settledFilesAreNotClaimed()
{
    auto [a, b, batch] = twoProcesses(10);
    const Lease leaseA = s_leaseA;
    const Lease leaseB = s_leaseB;

    auto claimed = a->claimFiles(batch, page(0, 100), leaseA);
    QVERIFY(claimed);
    QList<FileRecord> done = claimed->files.mid(0, 4);
    for (FileRecord &f : done) {
        f.status = FileStatus::Success;
        f.processedAt = QDateTime::currentDateTimeUtc();
    }
    QVERIFY(a->recordStageOutcomes(Stage::Fetch, done, {}));
    QVERIFY(a->releaseLeases(batch, Stage::Fetch, leaseA.owner, ids(done)));
    // A's leases on the other six ran out without A settling them (it stopped): B gets those six only.
    QVERIFY(a->releaseLeases(batch, Stage::Fetch, leaseA.owner));
    auto rest = b->claimFiles(batch, page(0, 100), leaseB);
    QVERIFY(rest);
    QCOMPARE(ids(rest->files), ids(claimed->files.mid(4)));
    // A lease that outlived the outcome (the process died between commit and release) claims nothing either.
    auto leftover = a->claimFiles(batch, page(0, 100), leaseA);
    QVERIFY(leftover);
    QVERIFY(leftover->files.isEmpty());
}

void TestLeases::sharedStageEndsOnce()
{
    QFETCH(QString, engine);
    auto [a, b, batch] = twoProcesses(4);
    // Both processes started the stage; A gets to its end first and ends it for the batch.
    QVERIFY(a->setStageState(batch, Stage::Check, StageState::Running));
    QVERIFY(b->setStageState(batch, Stage::Check, StageState::Running));
    auto first = a->beginSettle(batch, Stage::Check);
    QVERIFY2(first, first ? "" : qPrintable(first.error().message));
    QVERIFY(!*first);
    if (engine == u"postgres") {
        // While A has the turn, B waits for it (the advisory lock), whatever B's connection does meanwhile.
        QSqlQuery probe(b->database());
        QVERIFY(probe.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1, %2)")
                               .arg(0x47480000 | int(Stage::Check))
                               .arg(batch)));
        QVERIFY(probe.next());
        QCOMPARE(probe.value(0).toBool(), false);
    }
    QVERIFY(a->setStageState(batch, Stage::Check, StageState::NeedsAttention, QStringLiteral("2 warnings")));
    QVERIFY(a->endSettle(batch, Stage::Check, s_leaseA.owner, true));

    // B finds A's end and takes it, without doing the work again.
    auto second = b->beginSettle(batch, Stage::Check);
    QVERIFY(second);
    QVERIFY(*second);
    QCOMPARE((*second)->by, s_leaseA.owner);
    QCOMPARE((*second)->state, StageState::NeedsAttention);
    QCOMPARE((*second)->detail, QStringLiteral("2 warnings"));
    QVERIFY(b->endSettle(batch, Stage::Check, s_leaseB.owner, false));

    // A process that joins the stage after its end, with nothing left to do, takes that end too.
    QVERIFY(b->setStageState(batch, Stage::Check, StageState::Running));
    auto late = b->beginSettle(batch, Stage::Check);
    QVERIFY(late);
    QVERIFY(*late);
    QVERIFY(b->endSettle(batch, Stage::Check, s_leaseB.owner, false));
    // Work done for the stage again (a recheck put files back): it is not ended until a process ends it.
    auto claimed = b->claimFiles(batch, page(0, 1), s_leaseB);
    QVERIFY(claimed);
    QCOMPARE(claimed->files.size(), 1);
    QList<FileRecord> done = claimed->files;
    done[0].status = FileStatus::Success;
    done[0].processedAt = QDateTime::currentDateTimeUtc();
    QVERIFY(b->recordStageOutcomes(Stage::Check, done, {}));
    auto again = b->beginSettle(batch, Stage::Check);
    QVERIFY(again);
    QVERIFY(!*again);
    QVERIFY(b->endSettle(batch, Stage::Check, s_leaseB.owner, true));
    // Another stage of the batch is another turn.
    auto other = a->beginSettle(batch, Stage::Dedup);
    QVERIFY(other);
    QVERIFY(!*other);
    QVERIFY(a->endSettle(batch, Stage::Dedup, s_leaseA.owner, false));
}

void TestLeases::claimsFromOneArchive()
{
    auto [a, b, batch] = twoProcesses(40); // members 0, 10, 20, 30 of /src/a.zip
    const Lease leaseA = s_leaseA;
    const Lease leaseB = s_leaseB;

    auto firstPage = b->claimFiles(batch, page(0, 15), leaseB); // holds members 0 and 10
    QVERIFY(firstPage);
    FileQuery members = page(0, 100);
    members.sourcePath = QStringLiteral("/src/a.zip");
    auto mine = a->claimFiles(batch, members, leaseA);
    QVERIFY(mine);
    QStringList names;
    for (const FileRecord &f : std::as_const(mine->files))
        names.append(f.sourceMember);
    QCOMPARE(names, (QStringList{QStringLiteral("f-0020.tif"), QStringLiteral("f-0030.tif")}));
}

void TestLeases::goneRunnerIsRecognised()
{
    QProcess child;
    child.start(QStringLiteral("/bin/true"), {});
    QVERIFY(child.waitForFinished());
    const QString host = QSysInfo::machineHostName();
    QVERIFY(runnerIsGoneHere(host + u':' + QString::number(child.processId() > 0 ? child.processId() : 1)) ||
            child.processId() == 0);
    QVERIFY(!runnerIsGoneHere(currentRunner()));
    QVERIFY(!runnerIsGoneHere(host + QStringLiteral(":1"))); // init lives
    QVERIFY(!runnerIsGoneHere(QStringLiteral("another-machine.example:999999")));
}

void TestLeases::deadlockVictimIsRetried()
{
    const CatalogLocation location = *CatalogLocation::parse(test::freshPostgresCatalog(*m_postgres));
    auto catalog = open(location);
    {
        QSqlQuery q(catalog->database());
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE cells (id INTEGER PRIMARY KEY, v TEXT)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO cells VALUES (1, 'start'), (2, 'start')")));
    }

    // Another session takes row 2, waits until this one holds row 1 and waits for row 2, then asks for row
    // 1: a deadlock. This session waited first, so it is the one the server aborts (40P01).
    std::atomic_bool holdingRow2 = false;
    std::atomic_bool holdingRow1 = false;
    std::atomic_bool otherCommitted = false;
    QString otherError;
    const int port = m_postgres->port();
    std::thread other([&] {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("other"));
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(port);
            db.setUserName(QStringLiteral("gatehouse"));
            db.setPassword(QStringLiteral("gatehouse"));
            db.setDatabaseName(QStringLiteral("gatehouse"));
            if (!db.open()) {
                otherError = db.lastError().text();
                return;
            }
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("BEGIN")) ||
                !q.exec(QStringLiteral("UPDATE cells SET v = 'other' WHERE id = 2"))) {
                otherError = q.lastError().text();
                holdingRow2 = true;
                return;
            }
            holdingRow2 = true;
            while (!holdingRow1.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the body now waits for row 2
            if (!q.exec(QStringLiteral("UPDATE cells SET v = 'other' WHERE id = 1")))
                otherError = q.lastError().text();
            if (!q.exec(QStringLiteral("COMMIT")))
                otherError = q.lastError().text();
            otherCommitted = true;
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
    });

    int runs = 0;
    const Status status = catalog->inTransaction([&]() -> Status {
        ++runs;
        while (!holdingRow2.load())
            QThread::msleep(10);
        QSqlQuery q(catalog->database());
        // As the catalog's own statements do, errors are described through the catalog, which notes 40P01.
        if (!q.exec(QStringLiteral("UPDATE cells SET v = 'catalog' WHERE id = 1")))
            return catalog->sqlError(q, QStringLiteral("updating row 1"));
        holdingRow1 = true;
        if (!q.exec(QStringLiteral("UPDATE cells SET v = 'catalog' WHERE id = 2")))
            return catalog->sqlError(q, QStringLiteral("updating row 2"));
        return {};
    });
    other.join();
    QVERIFY2(otherError.isEmpty(), qPrintable(otherError));
    QVERIFY(otherCommitted);
    QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
    QCOMPARE(runs, 2);
    QSqlQuery q(catalog->database());
    QVERIFY(q.exec(QStringLiteral("SELECT v FROM cells ORDER BY id")));
    // The retry ran after the other session committed, so its writes are the last.
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("catalog"));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("catalog"));
}

void TestLeases::concurrentClaimsOnPostgres()
{
    // Four sessions claim small pages of one batch as fast as they can, at the same time: every file is
    // claimed by exactly one of them, and none of them sees a catalog error.
    const QString url = test::freshPostgresCatalog(*m_postgres);
    const CatalogLocation location = *CatalogLocation::parse(url);
    qint64 batch = 0;
    {
        auto setup = open(location);
        batch = addBatch(*setup, 2000);
    }
    QVERIFY(batch > 0);
    constexpr int workers = 4;
    QList<QList<qint64>> claimed(workers);
    QStringList errors;
    std::mutex errorsLock;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            auto catalog = Catalog::open(location);
            if (!catalog) {
                std::lock_guard lock(errorsLock);
                errors.append(catalog.error().message);
                return;
            }
            const Lease lease{QStringLiteral("worker-%1:1").arg(w), 60};
            qint64 after = 0;
            for (;;) {
                auto got = (*catalog)->claimFiles(batch, page(after, 25), lease);
                if (!got) {
                    std::lock_guard lock(errorsLock);
                    errors.append(got.error().message);
                    return;
                }
                claimed[w] += ids(got->files);
                if (got->exhausted)
                    return;
                after = got->lastId;
            }
        });
    }
    for (std::thread &t : threads)
        t.join();
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    QSet<qint64> all;
    qsizetype total = 0;
    for (const QList<qint64> &share : std::as_const(claimed)) {
        total += share.size();
        all.unite(QSet<qint64>(share.cbegin(), share.cend()));
    }
    QCOMPARE(total, qsizetype(2000));
    QCOMPARE(all.size(), qsizetype(2000));
}

QTEST_GUILESS_MAIN(TestLeases)
#include "tst_leases.moc"
