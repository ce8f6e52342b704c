// The hot folder through "gatehouse-cli watch": deliveries are loaded once they have stopped changing, a
// restarted watcher does not load them again, and --once exits after one scan.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "intake/hotfolder.h"
#include "testsupport.h"

using namespace gh;

namespace {

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

} // namespace

class TestHotFolder : public QObject
{
    Q_OBJECT

private slots:
    void onceLoadsOnlySettledDeliveriesAndRestartDoesNotReload();
    void growingFileIsNotLoadedUntilItSettles();
    void partialNamesAreIgnored();
    void changedDeliveryBecomesANewBatch();
    void runTakesEachBatchThroughFetch();
    void fingerprintFollowsContent();
    void missingFolderIsAClearError();
};

void TestHotFolder::onceLoadsOnlySettledDeliveriesAndRestartDoesNotReload()
{
    test::Workspace ws;
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("delivery-a")), 3);
    test::writeFile(hot.filePath(QStringLiteral("single.txt")), "one file delivery");
    QThread::msleep(1300);
    // Written just now: not settled yet for a settle time of one second.
    makeDelivery(hot.filePath(QStringLiteral("delivery-b")), 2);

    const auto first = ws.cli({QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                               QStringLiteral("1"), QStringLiteral("--once")},
                              60000);
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QStringList lines = batchLines(first.out);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(u"1\t") && lines[0].endsWith(u"delivery-a"), qPrintable(lines.join(u'|')));
    QVERIFY2(lines[1].startsWith(u"2\t") && lines[1].endsWith(u"single.txt"), qPrintable(lines.join(u'|')));
    QVERIFY2(first.err.contains("delivery-b"), first.err.constData());

    // Loaded only: no stage after intake has run.
    const QJsonArray loaded = batches(ws);
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded[0].toObject().value(QStringLiteral("files")).toInt(), 3);

    QThread::msleep(1300);
    const auto second = ws.cli({QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                                QStringLiteral("1"), QStringLiteral("--once")},
                               60000);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    const QStringList again = batchLines(second.out);
    // Only the delivery that has settled since; the two loaded before are remembered in the catalog.
    QCOMPARE(again.size(), 1);
    QVERIFY2(again[0].startsWith(u"3\t") && again[0].endsWith(u"delivery-b"), qPrintable(again.join(u'|')));
    QVERIFY2(second.err.contains("not loading it again"), second.err.constData());
    QCOMPARE(batches(ws).size(), 3);

    const auto third = ws.cli({QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                               QStringLiteral("1"), QStringLiteral("--once")},
                              60000);
    QCOMPARE(third.exitCode, 0);
    QVERIFY2(batchLines(third.out).isEmpty(), third.out.constData());
    QCOMPARE(batches(ws).size(), 3);
}

void TestHotFolder::growingFileIsNotLoadedUntilItSettles()
{
    test::Workspace ws;
    QTemporaryDir hot;
    QProcess watch;
    watch.setProcessEnvironment(ws.environment());
    watch.start(test::binary(QStringLiteral("gatehouse-cli")),
                {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("watch"), hot.path(),
                 QStringLiteral("--settle"), QStringLiteral("1.5")});
    QVERIFY(watch.waitForStarted());
    QThread::msleep(500);

    // A delivery that keeps growing for 4 s, a write every 400 ms: shorter than the settle time.
    const QString path = hot.filePath(QStringLiteral("growing/scan.txt"));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QElapsedTimer clock;
    clock.start();
    qint64 finishedWriting = 0;
    while (clock.elapsed() < 4000) {
        file.write(QByteArray(1000, 'x'));
        file.flush();
        finishedWriting = clock.elapsed();
        watch.waitForReadyRead(400);
        QVERIFY2(watch.readAllStandardOutput().isEmpty(),
                 "a batch was loaded while its file was still written");
    }
    file.close();

    QByteArray out;
    while (clock.elapsed() < finishedWriting + 15000 && !out.contains('\n')) {
        watch.waitForReadyRead(200);
        out += watch.readAllStandardOutput();
    }
    const qint64 loadedAt = clock.elapsed();
    watch.terminate();
    QVERIFY(watch.waitForFinished(20000));
    out += watch.readAllStandardOutput();
    QVERIFY2(out.startsWith("1\t"), QByteArray(out + watch.readAllStandardError()).constData());
    QVERIFY2(loadedAt - finishedWriting >= 1400, QByteArray::number(loadedAt - finishedWriting).constData());
    QCOMPARE(batchLines(out).size(), 1);

    // The one batch holds the whole file, loaded after it was complete.
    const auto listed = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY2(listed.out.contains("scan.txt"), listed.out.constData());
    QCOMPARE(batches(ws)[0].toObject().value(QStringLiteral("files")).toInt(), 1);
}

void TestHotFolder::partialNamesAreIgnored()
{
    test::Workspace ws;
    QTemporaryDir hot;
    test::writeFile(hot.filePath(QStringLiteral("upload.zip.part")), "half an archive");
    test::writeFile(hot.filePath(QStringLiteral(".hidden")), "not a delivery");
    makeDelivery(hot.filePath(QStringLiteral("copying")), 1);
    test::writeFile(hot.filePath(QStringLiteral("copying/more.tif.tmp")), "still coming");
    QThread::msleep(1200);
    const auto run = ws.cli({QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                             QStringLiteral("1"), QStringLiteral("--once")},
                            60000);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(batchLines(run.out).isEmpty(), run.out.constData());
    QVERIFY2(run.err.contains("copying"), run.err.constData());
    QCOMPARE(batches(ws).size(), 0);
}

void TestHotFolder::changedDeliveryBecomesANewBatch()
{
    test::Workspace ws;
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("d")), 1);
    QThread::msleep(1200);
    const QStringList args{QStringLiteral("watch"), hot.path(), QStringLiteral("--settle"),
                           QStringLiteral("1"), QStringLiteral("--once")};
    QCOMPARE(batchLines(ws.cli(args, 60000).out).size(), 1);
    makeDelivery(hot.filePath(QStringLiteral("d")), 2); // a second page delivered later
    QThread::msleep(1200);
    const auto again = ws.cli(args, 60000);
    QCOMPARE(batchLines(again.out), QStringList{u"2\t" + QDir(hot.path()).canonicalPath() + u"/d"});
    QCOMPARE(batches(ws)[1].toObject().value(QStringLiteral("files")).toInt(), 2);
}

void TestHotFolder::runTakesEachBatchThroughFetch()
{
    test::Workspace ws;
    QTemporaryDir hot;
    makeDelivery(hot.filePath(QStringLiteral("d")), 2);
    QThread::msleep(600);
    const QStringList args{QStringLiteral("watch"),    hot.path(),
                           QStringLiteral("--settle"), QStringLiteral("0.5"),
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
    const auto a = HotFolder::inspect(dir.filePath(QStringLiteral("x")));
    QVERIFY(a);
    QCOMPARE(a->files, 2);
    const auto same = HotFolder::inspect(dir.filePath(QStringLiteral("x")));
    QCOMPARE(same->fingerprint, a->fingerprint);
    test::writeFile(dir.filePath(QStringLiteral("x/page-1.txt")), "a different, longer page");
    const auto changed = HotFolder::inspect(dir.filePath(QStringLiteral("x")));
    QVERIFY(changed->fingerprint != a->fingerprint);
    QVERIFY(!HotFolder::inspect(dir.filePath(QStringLiteral("gone"))));
    QVERIFY(HotFolder::isIgnoredName(QStringLiteral("a.PART")));
    QVERIFY(!HotFolder::isIgnoredName(QStringLiteral("a.tif")));
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
