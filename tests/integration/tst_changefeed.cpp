#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/catalogchanges.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"

using namespace gh;

/*!
    The change feed (gh::CatalogWatcher) as a workstation meets it: a curator's decisions made by another
    process — `gatehouse-cli --as anna` drawing a sample, giving a verdict, deciding a duplicate case,
    rejecting the batch — reach a watcher on the same catalog within its refresh interval, on PostgreSQL
    (LISTEN/NOTIFY, a real PostgreSQL 15 from tests/peers/postgres.sh) and on SQLite (polling), each with the
    batch and the kind of change. A burst of thousands of commits is a handful of reports, not thousands; a
    stranger's payload on the channel makes the watcher refresh everything, never crash; a decision that is
    refused (first writer wins) announces nothing.
*/
class TestChangeFeed : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void decisionsOfAnotherProcessArrive_data();
    void decisionsOfAnotherProcessArrive();
    void burstIsCoalesced_data();
    void burstIsCoalesced();
    void strangePayloadRefreshesEverything();
    void connectionLostIsListenedAgain();

private:
    //! A catalog of \a engine with one small batch fetched through to the review by the CLI.
    QString prepare(const QString &engine, qint64 &batchId);
    test::CliResult cli(const QString &catalog, const QStringList &arguments);
    //! Waits until \a spy reported \a kind for \a batchId; the time it took, or -1.
    static qint64 waitFor(QSignalSpy &spy, qint64 batchId, unsigned kind, int timeoutMs);
    /*!
        A watcher on \a spec, started, with a spy on its reports; null (with a warning saying why) when it
        did not start.
    */
    struct Watch
    {
        std::unique_ptr<CatalogWatcher> watcher;
        std::unique_ptr<QSignalSpy> changed;
    };
    static Watch watch(const QString &spec);

    std::unique_ptr<test::PeerServer> m_postgres;
    test::Workspace m_ws;
    int m_counter = 0;
};

namespace {

constexpr int s_intervalMs = 1000;
//! What a loaded machine may add to the interval: the CLI's exit, the signal's hop between threads.
constexpr int s_slackMs = 1500;

} // namespace

void TestChangeFeed::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    for (int i = 0; i < 12; ++i) {
        test::writeFile(m_ws.file(QStringLiteral("source/box-%1/page-%2.txt").arg(i % 3).arg(i)),
                        test::pseudoRandomBytes(700 + i * 37, quint64(i + 7)));
    }
}

void TestChangeFeed::cleanupTestCase()
{
    m_postgres.reset();
}

test::CliResult TestChangeFeed::cli(const QString &catalog, const QStringList &arguments)
{
    // The workspace's own --catalog comes first; the last one given counts.
    return m_ws.cli(QStringList{QStringLiteral("--catalog"), catalog, QStringLiteral("--store"),
                                m_ws.file(QStringLiteral("store-%1").arg(m_counter))} +
                        arguments,
                    300000);
}

QString TestChangeFeed::prepare(const QString &engine, qint64 &batchId)
{
    ++m_counter;
    const QString catalog = engine == u"postgresql"
                                ? test::freshPostgresCatalog(*m_postgres)
                                : m_ws.file(QStringLiteral("catalog-%1.sqlite").arg(m_counter));
    const test::CliResult load = cli(catalog, {QStringLiteral("load"), m_ws.file(QStringLiteral("source"))});
    if (load.exitCode != 0) {
        qWarning().noquote() << "load failed:" << load.err;
        return {};
    }
    batchId = load.out.trimmed().toLongLong();
    const test::CliResult fetch = cli(catalog, {QStringLiteral("fetch"), QString::number(batchId)});
    if (fetch.exitCode != 0) {
        qWarning().noquote() << "fetch failed:" << fetch.err;
        return {};
    }
    return catalog;
}

qint64 TestChangeFeed::waitFor(QSignalSpy &spy, qint64 batchId, unsigned kind, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    const auto seen = [&] {
        for (const QList<QVariant> &args : std::as_const(spy)) {
            for (const CatalogChange &c : args.at(0).value<QList<CatalogChange>>()) {
                if ((c.batchId == batchId || c.batchId == 0) && c.touches(kind))
                    return true;
            }
        }
        return false;
    };
    return QTest::qWaitFor(seen, timeoutMs) ? clock.elapsed() : -1;
}

TestChangeFeed::Watch TestChangeFeed::watch(const QString &spec)
{
    Watch w;
    auto location = CatalogLocation::parse(spec);
    if (!location) {
        qWarning().noquote() << location.error().message;
        return w;
    }
    auto watcher = std::make_unique<CatalogWatcher>(*location, s_intervalMs);
    QSignalSpy started(watcher.get(), &CatalogWatcher::started);
    QSignalSpy failed(watcher.get(), &CatalogWatcher::failed);
    w.changed = std::make_unique<QSignalSpy>(watcher.get(), &CatalogWatcher::changed);
    watcher->start();
    if (!started.wait(20000)) {
        qWarning().noquote() << "the watcher did not start:"
                             << (failed.isEmpty() ? QString() : failed.first().at(0).toString());
        return w;
    }
    w.watcher = std::move(watcher);
    return w;
}

void TestChangeFeed::decisionsOfAnotherProcessArrive_data()
{
    test::catalogEngines();
}

void TestChangeFeed::decisionsOfAnotherProcessArrive()
{
    QFETCH(QString, engine);
    qint64 batchId = 0;
    const QString spec = prepare(engine, batchId);
    QVERIFY(!spec.isEmpty());
    const QString batch = QString::number(batchId);
    auto location = CatalogLocation::parse(spec);
    QVERIFY(location);

    const Watch w = watch(spec);
    QVERIFY(w.watcher);
    QSignalSpy &changed = *w.changed;
    // What was committed before the watcher started is not news.
    QTest::qWait(s_intervalMs + 200);
    QVERIFY2(changed.isEmpty(), "a change reported with nobody writing");

    auto catalog = Catalog::open(*location);
    QVERIFY(catalog);
    const auto firstOf = [&](const QString &sql) {
        QSqlQuery q((*catalog)->database());
        return q.exec(QString(sql).arg(batchId)) && q.next() ? q.value(0).toString() : QString();
    };

    const QStringList as{QStringLiteral("--as"), QStringLiteral("anna")};
    // The sample, a verdict on its first item, a duplicate decision, the batch rejected: each is seen.
    const QList<std::pair<QString, unsigned>> steps{
        {QStringLiteral("sample"), CatalogChange::Sample},
        {QStringLiteral("verdict"), CatalogChange::Verdicts},
        {QStringLiteral("decide"), CatalogChange::Duplicates},
        {QStringLiteral("refused"), CatalogChange::Duplicates},
        {QStringLiteral("reject"), CatalogChange::Decision},
    };
    for (const auto &[command, kind] : steps) {
        if (command == u"refused") {
            // A decision refused (first writer wins) commits nothing and announces nothing about duplicates.
            QTest::qWait(s_intervalMs + 200);
            changed.clear();
            const QString decided =
                firstOf(QStringLiteral("SELECT MIN(file_id) FROM duplicate_cases WHERE batch_id = %1"));
            const test::CliResult refused =
                cli(spec, {QStringLiteral("--as"), QStringLiteral("bruno"), QStringLiteral("decide"), batch,
                           QStringLiteral("--file"), decided, QStringLiteral("--action"),
                           QStringLiteral("upload")});
            QCOMPARE(refused.exitCode, 1);
            QVERIFY2(refused.err.contains("Already decided by anna"), refused.err.constData());
            QCOMPARE(waitFor(changed, batchId, kind, s_intervalMs + 500), qint64(-1));
            continue;
        }
        QStringList arguments = as;
        arguments << command << batch;
        if (command == u"verdict") {
            const QString item =
                firstOf(QStringLiteral("SELECT MIN(item_id) FROM review_items WHERE batch_id = %1"));
            QVERIFY(!item.isEmpty());
            arguments << QStringLiteral("--item") << item << QStringLiteral("--pass");
        } else if (command == u"decide") {
            const QString file =
                firstOf(QStringLiteral("SELECT MIN(file_id) FROM duplicate_cases WHERE batch_id = %1"));
            QVERIFY(!file.isEmpty());
            arguments << QStringLiteral("--file") << file << QStringLiteral("--action")
                      << QStringLiteral("skip");
        } else if (command == u"reject") {
            arguments << QStringLiteral("--reason") << QStringLiteral("torn pages");
        }
        changed.clear();
        const test::CliResult result = cli(spec, arguments);
        QVERIFY2(result.exitCode == 0, qPrintable(command + u": " + QString::fromUtf8(result.err)));
        const qint64 took = waitFor(changed, batchId, kind, s_intervalMs + s_slackMs);
        QVERIFY2(took >= 0, qPrintable(QStringLiteral("%1 was not reported within %2 ms")
                                           .arg(command)
                                           .arg(s_intervalMs + s_slackMs)));
        qInfo().noquote() << engine << command << "reported" << took << "ms after the CLI ended";
        // Reported for this batch only.
        for (const QList<QVariant> &args : std::as_const(changed)) {
            for (const CatalogChange &c : args.at(0).value<QList<CatalogChange>>())
                QCOMPARE(c.batchId, batchId);
        }
    }
}

void TestChangeFeed::burstIsCoalesced_data()
{
    test::catalogEngines();
}

void TestChangeFeed::burstIsCoalesced()
{
    QFETCH(QString, engine);
    qint64 batchId = 0;
    const QString spec = prepare(engine, batchId);
    QVERIFY(!spec.isEmpty());
    auto location = CatalogLocation::parse(spec);
    QVERIFY(location);
    const Watch w = watch(spec);
    QVERIFY(w.watcher);
    QSignalSpy &changed = *w.changed;

    // Another connection commits 3,000 stage changes one transaction at a time, as fast as it can.
    auto writer = Catalog::open(*location);
    QVERIFY(writer);
    QElapsedTimer clock;
    clock.start();
    constexpr int commits = 3000;
    for (int i = 0; i < commits; ++i) {
        QVERIFY((*writer)->setStageState(batchId, Stage::Check, StageState::Running,
                                         QStringLiteral("%1 files checked").arg(i)));
        if (i % 100 == 0)
            QCoreApplication::processEvents(); // the watcher's reports keep arriving meanwhile
    }
    const qint64 writing = clock.elapsed();
    QVERIFY(waitFor(changed, batchId, CatalogChange::Stage, s_intervalMs + s_slackMs) >= 0);
    QTest::qWait(s_intervalMs + 300); // the last window closes
    // At most one report per interval while the burst lasted, and one after it.
    const qint64 allowed = writing / s_intervalMs + 2;
    qInfo().noquote() << engine << commits << "commits in" << writing << "ms:" << changed.size() << "reports";
    QVERIFY2(changed.size() <= allowed, qPrintable(QStringLiteral("%1 reports for %2 commits in %3 ms")
                                                       .arg(changed.size())
                                                       .arg(commits)
                                                       .arg(writing)));
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const auto list = args.at(0).value<QList<CatalogChange>>();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.constFirst().batchId, batchId);
    }
}

void TestChangeFeed::strangePayloadRefreshesEverything()
{
    const QString spec = test::freshPostgresCatalog(*m_postgres);
    auto location = CatalogLocation::parse(spec);
    QVERIFY(location);
    auto other = Catalog::open(*location);
    QVERIFY(other);
    const Watch w = watch(spec);
    QVERIFY(w.watcher);
    QSignalSpy &changed = *w.changed;
    QSqlQuery q((*other)->database());
    QVERIFY(q.exec(
        QStringLiteral("SELECT pg_notify('gatehouse', 'DROP TABLE files; -- ' || repeat('x', 7000))")));
    QVERIFY(changed.wait(s_intervalMs + s_slackMs));
    const auto list = changed.first().at(0).value<QList<CatalogChange>>();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.constFirst().batchId, qint64(0));
    QCOMPARE(list.constFirst().kinds, unsigned(CatalogChange::All));
    // Another channel is none of the watcher's business.
    changed.clear();
    QVERIFY(q.exec(QStringLiteral("SELECT pg_notify('elsewhere', '1 files')")));
    QVERIFY(!changed.wait(s_intervalMs + 500));
    // The catalog is untouched by the payload.
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM files")));
}

void TestChangeFeed::connectionLostIsListenedAgain()
{
    // The server drops the watcher's connection (as a restart or an administrator would): the watcher
    // notices within seconds, listens on a new connection, says "everything may have changed", and the
    // changes after that arrive as before.
    const QString spec = test::freshPostgresCatalog(*m_postgres);
    auto location = CatalogLocation::parse(spec);
    QVERIFY(location);
    auto other = Catalog::open(*location);
    QVERIFY(other);
    const Watch w = watch(spec);
    QVERIFY(w.watcher);
    QSignalSpy &changed = *w.changed;
    QSqlQuery q((*other)->database());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                  " WHERE datname = current_database() AND pid <> pg_backend_pid()")));
    QVERIFY(q.next());
    QVERIFY2(q.value(0).toInt() >= 1, "the watcher's connection was not found");
    QVERIFY(changed.wait(10000));
    const auto list = changed.first().at(0).value<QList<CatalogChange>>();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.constFirst().batchId, qint64(0));
    changed.clear();
    QVERIFY(q.exec(QStringLiteral("SELECT pg_notify('gatehouse', '7 verdicts')")));
    QVERIFY(waitFor(changed, 7, CatalogChange::Verdicts, s_intervalMs + s_slackMs) >= 0);
    QCOMPARE(changed.first().at(0).value<QList<CatalogChange>>().constFirst(),
             (CatalogChange{7, CatalogChange::Verdicts}));
}

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
