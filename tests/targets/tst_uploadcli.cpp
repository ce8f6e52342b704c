// gatehouse-cli upload and run --target against local archives: what arrives is what was fetched, a second
// run sends nothing, --filter pairs split a batch between targets, --dry-run writes nothing, files --json
// tells where each file stands at each target, usage errors exit 2, and an upload killed with SIGKILL is
// completed by the next one with every file there once.

#include <signal.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

using test::filesUnder;
using test::jsonLines;
using test::sha256Of;

QString targetSpec(const QString &dir)
{
    return QStringLiteral("local:") + dir;
}

} // namespace

class tst_UploadCli : public QObject
{
    Q_OBJECT

    //! A source folder of text and binary files.
    static QString makeSource(const test::Workspace &ws)
    {
        const QString src = ws.file(QStringLiteral("src"));
        test::writeFile(src + u"/notes.txt", "a note\n");
        test::writeFile(src + u"/readme.txt", "read me\n");
        test::writeFile(src + u"/scan-1.bin", test::pseudoRandomBytes(70000, 1));
        test::writeFile(src + u"/scan-2.bin", test::pseudoRandomBytes(90000, 2));
        return src;
    }

    //! files BATCH --json, by name.
    static QHash<QString, QJsonObject> files(const test::Workspace &ws, int batch = 1)
    {
        const auto result =
            ws.cli({QStringLiteral("files"), QString::number(batch), QStringLiteral("--json")});
        [&] { QCOMPARE(result.exitCode, 0); }();
        QHash<QString, QJsonObject> byPath;
        for (const QJsonObject &o : jsonLines(result.out))
            byPath.insert(o.value(QStringLiteral("name")).toString(), o);
        return byPath;
    }

private slots:
    void runWithTargetUploadsAndRerunSendsNothing()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString archive = ws.file(QStringLiteral("archive"));
        const auto run =
            ws.cli({QStringLiteral("run"), src, QStringLiteral("--target"), targetSpec(archive)});
        QVERIFY2(run.exitCode == 0, run.err.constData());

        // Every file arrived under its store key, with the bytes that were fetched; files --json says so.
        const auto byPath = files(ws);
        QCOMPARE(byPath.size(), 4);
        QCOMPARE(filesUnder(archive).size(), 4);
        QHash<QString, QDateTime> written;
        for (const QJsonObject &f : byPath) {
            const QJsonArray targets = f.value(QStringLiteral("targets")).toArray();
            QCOMPARE(targets.size(), 1);
            const QJsonObject t = targets.first().toObject();
            QCOMPARE(t.value(QStringLiteral("state")).toString(), QStringLiteral("uploaded"));
            QVERIFY(t.value(QStringLiteral("verified")).toBool());
            QVERIFY(t.value(QStringLiteral("target")).toString().startsWith(QStringLiteral("local:/")));
            const QString path = archive + u'/' + t.value(QStringLiteral("name")).toString();
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
            QCOMPARE(sha256Of(path), f.value(QStringLiteral("sha256")).toString());
            written.insert(path, QFileInfo(path).lastModified());
        }

        // upload again: everything is there, nothing is written.
        QTest::qWait(20);
        const auto again = ws.cli({QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"),
                                   targetSpec(archive), QStringLiteral("--json")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(again.out).object();
        const QJsonObject counts = summary.value(QStringLiteral("targets")).toArray().first().toObject();
        QCOMPARE(counts.value(QStringLiteral("uploaded")).toInt(), 4);
        QCOMPARE(counts.value(QStringLiteral("failed")).toInt(), 0);
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(QFileInfo(it.key()).lastModified(), it.value());
        QCOMPARE(filesUnder(archive).size(), 4);

        // A second target gets every file; the first one is asked nothing and keeps its copies.
        const QString mirror = ws.file(QStringLiteral("mirror"));
        const auto second = ws.cli({QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"),
                                    targetSpec(archive), QStringLiteral("--target"), targetSpec(mirror)});
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QCOMPARE(filesUnder(mirror), filesUnder(archive));
        for (const QJsonObject &f : files(ws))
            QCOMPARE(f.value(QStringLiteral("targets")).toArray().size(), 2);
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(QFileInfo(it.key()).lastModified(), it.value());
    }

    void filtersSplitABatchBetweenTargets()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        QCOMPARE(ws.cli({QStringLiteral("run"), src}).exitCode, 0);
        const QString texts = ws.file(QStringLiteral("texts"));
        const QString scans = ws.file(QStringLiteral("scans"));
        const auto upload = ws.cli(
            {QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"), targetSpec(texts),
             QStringLiteral("--filter"), QStringLiteral("name:*.txt"), QStringLiteral("--target"),
             targetSpec(scans), QStringLiteral("--filter"), QStringLiteral("name:*.bin"),
             QStringLiteral("--title-template"), QStringLiteral("{batch}/{stem}{ext}")});
        QVERIFY2(upload.exitCode == 0, upload.err.constData());
        QCOMPARE(filesUnder(texts),
                 (QStringList{QStringLiteral("1/notes.txt"), QStringLiteral("1/readme.txt")}));
        QCOMPARE(filesUnder(scans),
                 (QStringList{QStringLiteral("1/scan-1.bin"), QStringLiteral("1/scan-2.bin")}));
        QCOMPARE(sha256Of(scans + u"/1/scan-2.bin"), sha256Of(src + u"/scan-2.bin"));
        for (const QJsonObject &f : files(ws))
            QCOMPARE(f.value(QStringLiteral("targets")).toArray().size(), 1);
    }

    void dryRunWritesNothing()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        QCOMPARE(ws.cli({QStringLiteral("run"), src}).exitCode, 0);
        const QString archive = ws.file(QStringLiteral("archive"));
        const auto preview = ws.cli(
            {QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"), targetSpec(archive),
             QStringLiteral("--title-template"), QStringLiteral("{stem} ({page} of {pages}){ext}"),
             QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(preview.exitCode == 0, preview.err.constData());
        const auto lines = jsonLines(preview.out);
        QCOMPARE(lines.size(), 4);
        QStringList names;
        for (const QJsonObject &o : lines) {
            QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("would-upload"));
            names.append(o.value(QStringLiteral("name")).toString());
        }
        names.sort();
        QCOMPARE(names.first(), QStringLiteral("notes (1 of 1).txt"));
        QVERIFY(filesUnder(archive).isEmpty());
        for (const QJsonObject &f : files(ws))
            QVERIFY(f.value(QStringLiteral("targets")).toArray().isEmpty());
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no target") << QStringList{QStringLiteral("upload"), QStringLiteral("1")}
                                   << QStringLiteral("--target");
        QTest::newRow("unknown kind") << QStringList{QStringLiteral("upload"), QStringLiteral("1"),
                                                     QStringLiteral("--target"), QStringLiteral("ftp://x/y")}
                                      << QStringLiteral("ftp://x/y");
        QTest::newRow("filter before target")
            << QStringList{QStringLiteral("upload"),   QStringLiteral("1"),
                           QStringLiteral("--filter"), QStringLiteral("name:*.txt"),
                           QStringLiteral("--target"), QStringLiteral("local:/nonexistent/gatehouse-target")}
            << QStringLiteral("--filter");
        QTest::newRow("bad template") << QStringList{QStringLiteral("upload"),
                                                     QStringLiteral("1"),
                                                     QStringLiteral("--target"),
                                                     QStringLiteral("local:/nonexistent/gatehouse-target"),
                                                     QStringLiteral("--title-template"),
                                                     QStringLiteral("{stem:many}")}
                                      << QStringLiteral("{stem:many}");
        QTest::newRow("unknown batch")
            << QStringList{QStringLiteral("upload"), QStringLiteral("42"), QStringLiteral("--target"),
                           QStringLiteral("local:/nonexistent/gatehouse-target")}
            << QStringLiteral("42");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        test::Workspace ws;
        test::writeFile(ws.file(QStringLiteral("src/a.txt")), "alpha");
        QCOMPARE(ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("src"))}).exitCode, 0);
        const auto result = ws.cli(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(QString::fromUtf8(result.err).contains(mentions), result.err.constData());
        QVERIFY(!QFileInfo::exists(QStringLiteral("/nonexistent/gatehouse-target")));
    }

    void killedUploadIsCompletedOnce()
    {
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        constexpr int count = 60;
        for (int i = 0; i < count; ++i)
            test::writeFile(src + QStringLiteral("/f%1.bin").arg(i, 3, 10, QChar(u'0')),
                            test::pseudoRandomBytes(3 * 1024 * 1024, quint64(100 + i)));
        QCOMPARE(ws.cli({QStringLiteral("run"), src}).exitCode, 0);
        const QString archive = ws.file(QStringLiteral("archive"));

        QProcess cli;
        cli.setProcessEnvironment(ws.environment());
        cli.start(test::binary(QStringLiteral("gatehouse-cli")),
                  {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("upload"), QStringLiteral("1"),
                   QStringLiteral("--target"), targetSpec(archive), QStringLiteral("--jobs"),
                   QStringLiteral("2")});
        QVERIFY(cli.waitForStarted());
        // Kill it once some files have arrived and others have not.
        QElapsedTimer timer;
        timer.start();
        while (filesUnder(archive).size() < 5 && timer.elapsed() < 60000 && cli.state() == QProcess::Running)
            QTest::qWait(5);
        QVERIFY2(cli.state() == QProcess::Running, "the upload ended before it could be killed");
        ::kill(pid_t(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished(10000));
        QVERIFY(filesUnder(archive).size() < count + 10);

        const auto rerun = ws.cli(
            {QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"), targetSpec(archive)},
            300000);
        QVERIFY2(rerun.exitCode == 0, rerun.err.constData());
        // Every file there once, with its bytes, and no half-written leftovers beside them.
        const auto byPath = files(ws);
        QCOMPARE(byPath.size(), count);
        QStringList expected;
        for (const QJsonObject &f : byPath) {
            const QJsonObject t = f.value(QStringLiteral("targets")).toArray().first().toObject();
            QVERIFY(t.value(QStringLiteral("verified")).toBool());
            const QString name = t.value(QStringLiteral("name")).toString();
            expected.append(name);
            QCOMPARE(sha256Of(archive + u'/' + name), f.value(QStringLiteral("sha256")).toString());
        }
        expected.sort();
        QCOMPARE(filesUnder(archive), expected);
    }
};

QTEST_MAIN(tst_UploadCli)
#include "tst_uploadcli.moc"
