// The hot folder: deliveries are loaded once they have stopped changing, a restarted watcher does not load
// them again, and a changed delivery becomes a new batch. The watcher runs in this process on a clock the
// test moves on, so "unchanged for the settle time" needs no waiting; "gatehouse-cli watch" is run with a
// settle time of zero for what only the command line shows.

#include <fcntl.h>
#include <sys/stat.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "pipeline/hotfolderrunner.h"
#include "store/bitstore.h"
#include "testsupport.h"

using namespace gh;

namespace {

//! A clock the test moves on by hand.
class ManualClock final : public WatchClock
{
public:
    explicit ManualClock(QDateTime now)
        : m_now(std::move(now))
    {}
    qint64 elapsedMs() const override { return m_elapsed; }
    QDateTime now() const override { return m_now.addMSecs(m_elapsed); }
    void advance(qint64 ms) { m_elapsed += ms; }

private:
    QDateTime m_now;
    qint64 m_elapsed = 0;
};

//! The batch lines of a watch run's stdout: "ID<TAB>PATH" each.
QStringList batchLines(const QByteArray &out)
{
    QStringList lines;
    for (const QString &line : QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts))
        lines.append(line.trimmed());
    return lines;
}

QJsonArray batches(const test::Workspace &ws)
{
    return QJsonDocument::fromJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
        .object()
        .value(QStringLiteral("batches"))
        .toArray();
}

void makeDelivery(const QString &dir, int files)
{
    for (int i = 0; i < files; ++i)
        test::writeFile(dir + QStringLiteral("/page-%1.txt").arg(i),
                        QByteArray("page ") + QByteArray::number(i));
}

//! Sets the modification time of \a path and everything under it: a delivery touched at \a when.
void touch(const QString &path, const QDateTime &when)
{
    const timespec stamp{time_t(when.toSecsSinceEpoch()), long(when.time().msec()) * 1000000L};
    const timespec times[2] = {stamp, stamp};
    QStringList paths{path};
    if (QFileInfo(path).isDir()) {
        QDirIterator it(path, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            paths.prepend(it.next());
    }
    for (const QString &p : std::as_const(paths))
        QVERIFY2(::utimensat(AT_FDCWD, QFile::encodeName(p).constData(), times, 0) == 0, qPrintable(p));
}

//! The newest change of everything in \a dir, as the watcher sees it.
QDateTime newestChange(const QString &dir)
{
    QDateTime newest;
    for (const QString &name : QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot)) {
        const auto delivery = DeliveryWatcher::inspect(QDir(dir).filePath(name));
        if (delivery && delivery->newestChange > newest)
            newest = delivery->newestChange;
    }
    return newest;
}

/*!
    An engine in this process on a test workspace: the catalog and store that "gatehouse-cli --catalog"
    would open there.
*/
struct TestEngine
{
    explicit TestEngine(const test::Workspace &ws)
        : workspace(Workspace::resolve(ws.catalog(), ws.store()).value())
        , catalog(Catalog::open(workspace.catalog()).value())
        , store(openBitStore(workspace.storeSpec(), {}).value())
    {}
    Workspace workspace;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BitStore> store;
};

/*!
    One watcher over \a dir with \a clock: what it loaded (batch id → delivery path, in order) and what it
    logged.
*/
struct Watch
{
    Watch(TestEngine &engine, const HotFolderOptions &options, std::shared_ptr<ManualClock> clock)
        : runner(engine.workspace, *engine.catalog, *engine.store, RunOptions{}, options, std::move(clock))
    {
        QObject::connect(&runner, &HotFolderRunner::logMessage, &runner,
                         [this](const QString &line) { log += line + u'\n'; });
        QObject::connect(&runner, &HotFolderRunner::deliveryFinished, &runner,
                         [this](const QString &path, qint64 batchId, bool ok) {
                             if (ok && batchId > 0)
                                 loaded.append(QStringLiteral("%1\t%2").arg(batchId).arg(path));
                         });
    }
    //! Runs a once-watcher to its end.
    bool runOnce()
    {
        QSignalSpy finished(&runner, &HotFolderRunner::finished);
        if (!runner.start())
            return false;
        return finished.wait(60000);
    }
    HotFolderRunner runner;
    QStringList loaded;
    QString log;
};

HotFolderOptions once(const QString &dir, qint64 settleMs)
{
    HotFolderOptions options;
    options.dir = dir;
    options.settleMs = settleMs;
    options.once = true;
    return options;
}

} // namespace

class TestHotFolder : public QObject
{
    Q_OBJECT

private slots:
    void onceLoadsOnlySettledDeliveriesAndRestartDoesNotReload();
    void growingFileIsNotLoadedUntilItSettles();
    void deliveryThatChangesAgainIsWaitedFor();
    void partialNamesAreIgnored();
    void changedDeliveryBecomesANewBatch();
    void loadedDeliveryIsRunByALaterRunWatcher();
    void cliOnceLoadsAndRestartDoesNotReload();
    void cliRunTakesEachBatchThroughFetch();
    void fingerprintFollowsContent();
    void missingFolderIsAClearError();
};

void TestHotFolder::onceLoadsOnlySettledDeliveriesAndRestartDoesNotReload()
{
    test::Workspace ws;
    TestEngine engine(ws);
    QTemporaryDir hot;
    const QString dir = QDir(hot.path()).canonicalPath();
    makeDelivery(hot.filePath(QStringLiteral("delivery-a")), 3);
    test::writeFile(hot.filePath(QStringLiteral("single.txt")), "one file delivery");
    const QDateTime written = newestChange(dir);
    // Changed ten seconds after the others: not settled yet for a settle time of one second.
    makeDelivery(hot.filePath(QStringLiteral("delivery-b")), 2);
    touch(hot.filePath(QStringLiteral("delivery-b")), written.addSecs(10));

    auto clock = std::make_shared<ManualClock>(written.addMSecs(1300));
    {
        Watch first(engine, once(dir, 1000), clock);
        QVERIFY(first.runOnce());
        QCOMPARE(first.loaded, QStringList({u"1\t" + dir + u"/delivery-a", u"2\t" + dir + u"/single.txt"}));
        QVERIFY2(first.log.contains(QStringLiteral("Delivery delivery-b changed less than 1 s ago")),
                 qPrintable(first.log));
    }
    // Loaded only: no stage after intake has run.
    auto loaded = engine.catalog->batches();
    QCOMPARE(loaded->size(), 2);
    QCOMPARE(loaded->at(0).files, 3);
    QCOMPARE(loaded->at(0).stages.value(Stage::Fetch, StageState::NotStarted), StageState::NotStarted);

    // Eleven seconds on, a restarted watcher takes only the delivery that has settled since; the two loaded
    // before are remembered in the catalog.
    clock->advance(10000);
    {
        Watch second(engine, once(dir, 1000), clock);
        QVERIFY(second.runOnce());
        QCOMPARE(second.loaded, QStringList{u"3\t" + dir + u"/delivery-b"});
        QVERIFY2(second.log.contains(QStringLiteral("not loading it again")), qPrintable(second.log));
    }
    {
        Watch third(engine, once(dir, 1000), clock);
        QVERIFY(third.runOnce());
        QVERIFY2(third.loaded.isEmpty(), qPrintable(third.loaded.join(u'|')));
    }
    QCOMPARE(engine.catalog->batches()->size(), 3);
}

void TestHotFolder::growingFileIsNotLoadedUntilItSettles()
{
    test::Workspace ws;
    TestEngine engine(ws);
    QTemporaryDir hot;
    HotFolderOptions options;
    options.dir = hot.path();
    options.settleMs = 1500;
    options.rescanMs = 3600 * 1000; // the test lists the folder itself
    auto clock = std::make_shared<ManualClock>(QDateTime::currentDateTimeUtc());
    Watch watch(engine, options, clock);
    QSignalSpy loaded(&watch.runner, &HotFolderRunner::batchLoaded);
    QSignalSpy settling(&watch.runner, &HotFolderRunner::entrySettling);
    QVERIFY(watch.runner.start());

    // A delivery that keeps growing for 3.6 s, a write every 400 ms: shorter than the settle time.
    const QString path = hot.filePath(QStringLiteral("growing/scan.txt"));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int write = 0; write < 10; ++write) {
        if (write > 0)
            clock->advance(400);
        file.write(QByteArray(1000, 'x'));
        file.flush();
        watch.runner.watcher().scan();
        QCOMPARE(loaded.size(), 0);
    }
    file.close();
    QCOMPARE(settling.size(), 10); // each listing saw a new size

    // Unchanged for less than the settle time since the last write was seen: still waiting.
    clock->advance(1499);
    watch.runner.watcher().scan();
    QCOMPARE(loaded.size(), 0);
    // Unchanged for the settle time: loaded, once, with the whole file.
    clock->advance(1);
    watch.runner.watcher().scan();
    QTRY_COMPARE(loaded.size(), 1);
    clock->advance(60000);
    watch.runner.watcher().scan();
    QTest::qWait(50);
    QCOMPARE(loaded.size(), 1);

    const qint64 batchId = loaded.at(0).at(0).toLongLong();
    auto files = engine.catalog->files(batchId);
    QCOMPARE(files->size(), 1);
    QCOMPARE(files->at(0).name, QStringLiteral("scan.txt"));
    QCOMPARE(files->at(0).sourcePath, QFileInfo(path).canonicalFilePath());
    QCOMPARE(QFileInfo(path).size(), 10000);
}

void TestHotFolder::deliveryThatChangesAgainIsWaitedFor()
{
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("d")), 1);
    DeliveryWatcherOptions options;
    options.dir = hot.path();
    options.settleMs = 1000;
    options.rescanMs = 3600 * 1000;
    auto clock = std::make_shared<ManualClock>(QDateTime::currentDateTimeUtc());
    DeliveryWatcher watcher(options, clock);
    QString log;
    connect(&watcher, &DeliveryWatcher::logMessage, &watcher, [&](const QString &line) { log += line; });
    QVERIFY(watcher.start());
    watcher.scan();
    clock->advance(1000);
    watcher.scan();
    QVERIFY(watcher.hasSettled());

    // A copy starts again after the delivery settled, before it is taken: it is not handed over.
    test::writeFile(hot.filePath(QStringLiteral("d/page-1.txt")), "a late page");
    QVERIFY(!watcher.takeNext());
    QVERIFY2(log.contains(QStringLiteral("changed again")), qPrintable(log));
    clock->advance(999);
    watcher.scan();
    QVERIFY(!watcher.hasSettled());
    clock->advance(1);
    watcher.scan();
    const auto taken = watcher.takeNext();
    QVERIFY(taken);
    QCOMPARE(taken->files, 2);
    // Taken and not released: not handed over twice.
    clock->advance(60000);
    watcher.scan();
    QVERIFY(!watcher.takeNext());
}

void TestHotFolder::partialNamesAreIgnored()
{
    test::Workspace ws;
    TestEngine engine(ws);
    QTemporaryDir hot;
    test::writeFile(hot.filePath(QStringLiteral("upload.zip.part")), "half an archive");
    test::writeFile(hot.filePath(QStringLiteral(".hidden")), "not a delivery");
    makeDelivery(hot.filePath(QStringLiteral("copying")), 1);
    test::writeFile(hot.filePath(QStringLiteral("copying/more.tif.tmp")), "still coming");
    auto clock = std::make_shared<ManualClock>(QDateTime::currentDateTimeUtc().addSecs(3600));
    Watch watch(engine, once(hot.path(), 1000), clock);
    QVERIFY(watch.runOnce());
    QVERIFY2(watch.loaded.isEmpty(), qPrintable(watch.loaded.join(u'|')));
    QVERIFY2(watch.log.contains(QStringLiteral("Delivery copying still holds files being written")),
             qPrintable(watch.log));
    QCOMPARE(engine.catalog->batches()->size(), 0);
}

void TestHotFolder::changedDeliveryBecomesANewBatch()
{
    test::Workspace ws;
    TestEngine engine(ws);
    QTemporaryDir hot;
    const QString dir = QDir(hot.path()).canonicalPath();
    makeDelivery(hot.filePath(QStringLiteral("d")), 1);
    auto clock = std::make_shared<ManualClock>(QDateTime::currentDateTimeUtc().addSecs(2));
    {
        Watch first(engine, once(dir, 1000), clock);
        QVERIFY(first.runOnce());
        QCOMPARE(first.loaded.size(), 1);
    }
    makeDelivery(hot.filePath(QStringLiteral("d")), 2); // a second page delivered later
    clock->advance(3000);
    Watch again(engine, once(dir, 1000), clock);
    QVERIFY(again.runOnce());
    QCOMPARE(again.loaded, QStringList{u"2\t" + dir + u"/d"});
    QVERIFY2(again.log.contains(QStringLiteral("changed since it was loaded as batch 1")),
             qPrintable(again.log));
    QCOMPARE(engine.catalog->batch(2)->files, 2);
}

void TestHotFolder::loadedDeliveryIsRunByALaterRunWatcher()
{
    test::Workspace ws;
    TestEngine engine(ws);
    QTemporaryDir hot;
    const QString dir = QDir(hot.path()).canonicalPath();
    makeDelivery(hot.filePath(QStringLiteral("d")), 2);
    auto clock = std::make_shared<ManualClock>(QDateTime::currentDateTimeUtc().addSecs(2));
    {
        Watch loadOnly(engine, once(dir, 1000), clock);
        QVERIFY(loadOnly.runOnce());
        QCOMPARE(loadOnly.loaded.size(), 1);
    }
    // The batch was loaded but not run: a watcher that runs deliveries resumes it rather than skipping it.
    HotFolderOptions run = once(dir, 1000);
    run.run = true;
    {
        Watch running(engine, run, clock);
        QVERIFY(running.runOnce());
        QCOMPARE(running.loaded, QStringList{u"1\t" + dir + u"/d"});
        QVERIFY2(running.log.contains(QStringLiteral("did not finish; resuming it")),
                 qPrintable(running.log));
    }
    auto batch = engine.catalog->batch(1);
    QCOMPARE(batch->stages.value(Stage::Fetch), StageState::Done);
    QCOMPARE(batch->counts.value(FileStatus::Success), 2);
    // Run and finished: nothing left for the next one.
    Watch after(engine, run, clock);
    QVERIFY(after.runOnce());
    QVERIFY(after.loaded.isEmpty());
    QCOMPARE(engine.catalog->batches()->size(), 1);
}

void TestHotFolder::cliOnceLoadsAndRestartDoesNotReload()
{
    test::Workspace ws;
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("delivery-a")), 3);
    test::writeFile(hot.filePath(QStringLiteral("single.txt")), "one file delivery");
    // With a settle time of zero everything present is settled.
    const QStringList args{QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                           QStringLiteral("0"), QStringLiteral("--once")};
    const auto first = ws.cli(args, 60000);
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QStringList lines = batchLines(first.out);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(u"1\t") && lines[0].endsWith(u"delivery-a"), qPrintable(lines.join(u'|')));
    QVERIFY2(lines[1].startsWith(u"2\t") && lines[1].endsWith(u"single.txt"), qPrintable(lines.join(u'|')));
    const QJsonArray loaded = batches(ws);
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded[0].toObject().value(QStringLiteral("files")).toInt(), 3);

    const auto second = ws.cli(args, 60000);
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(batchLines(second.out).isEmpty(), second.out.constData());
    QVERIFY2(second.err.contains("not loading it again"), second.err.constData());
    QCOMPARE(batches(ws).size(), 2);
}

void TestHotFolder::cliRunTakesEachBatchThroughFetch()
{
    test::Workspace ws;
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("d")), 2);
    const QStringList args{QStringLiteral("watch"),    hot.path(),
                           QStringLiteral("--settle"), QStringLiteral("0"),
                           QStringLiteral("--once"),   QStringLiteral("--run")};
    const auto run = ws.cli(args, 60000);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(batchLines(run.out).size(), 1);
    const QJsonObject batch = batches(ws)[0].toObject();
    QCOMPARE(batch.value(QStringLiteral("counts")).toObject().value(QStringLiteral("success")).toInt(), 2);
    // Run and finished: a restart leaves it alone.
    const auto again = ws.cli(args, 60000);
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(batchLines(again.out).isEmpty(), again.out.constData());
}

void TestHotFolder::fingerprintFollowsContent()
{
    QTemporaryDir dir;
    makeDelivery(dir.filePath(QStringLiteral("x")), 2);
    const auto a = DeliveryWatcher::inspect(dir.filePath(QStringLiteral("x")));
    QVERIFY(a);
    QCOMPARE(a->files, 2);
    const auto same = DeliveryWatcher::inspect(dir.filePath(QStringLiteral("x")));
    QCOMPARE(same->fingerprint, a->fingerprint);
    test::writeFile(dir.filePath(QStringLiteral("x/page-1.txt")), "a different, longer page");
    const auto changed = DeliveryWatcher::inspect(dir.filePath(QStringLiteral("x")));
    QVERIFY(changed->fingerprint != a->fingerprint);
    QVERIFY(!DeliveryWatcher::inspect(dir.filePath(QStringLiteral("gone"))));
    QVERIFY(DeliveryWatcher::isIgnoredName(QStringLiteral("a.PART")));
    QVERIFY(!DeliveryWatcher::isIgnoredName(QStringLiteral("a.tif")));
}

void TestHotFolder::missingFolderIsAClearError()
{
    test::Workspace ws;
    const QString missing = ws.file(QStringLiteral("no-such-folder"));
    const auto run = ws.cli({QStringLiteral("watch"), missing, QStringLiteral("--once")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(missing.toUtf8()) && run.err.contains("does not exist"), run.err.constData());
    const auto badSettle =
        ws.cli({QStringLiteral("watch"), ws.path(), QStringLiteral("--settle"), QStringLiteral("soon")});
    QCOMPARE(badSettle.exitCode, 2);
    QVERIFY2(badSettle.err.contains("--settle"), badSettle.err.constData());
}

QTEST_GUILESS_MAIN(TestHotFolder)
#include "tst_hotfolder.moc"
