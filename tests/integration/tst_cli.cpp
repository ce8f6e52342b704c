#include <sys/stat.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << json;
    return doc.object();
}

QList<QJsonObject> parseLines(const QByteArray &jsonLines)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : jsonLines.split('\n')) {
        if (!line.trimmed().isEmpty())
            objects.append(parseObject(line));
    }
    return objects;
}

QString hashOf(const QString &path, QCryptographicHash::Algorithm algorithm)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(algorithm);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

QStringList nonEmptyLines(const QByteArray &text)
{
    QStringList lines;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line));
    }
    return lines;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void runOnSampleExitsOneAndReportsMismatch();
    void statusJson();
    void filesJsonHasCorrectDigests();
    void loadJsonThenFetch();
    void fetchOnlyLeavesQaForTheNextFetch();
    void reportSummaryWrittenNextToLog();
    void bannedRecordsSkipped();
    void rerunOfFinishedSourceIsANewBatch();
    void cleanFolderExitsZero();

    void clearErrors_data();
    void clearErrors();
    void corruptCatalog();
    void newerCatalog();
    void unreadableSource();
};

void TestCli::runOnSampleExitsOneAndReportsMismatch()
{
    test::Workspace ws;
    const auto result = ws.cli({QStringLiteral("run"), test::sampleDir()});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(!result.crashed);
    const QString out = QString::fromUtf8(result.out);
    QVERIFY2(out.contains(QStringLiteral("fixity-mismatch")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("Successful")));
    QVERIFY(out.contains(QStringLiteral("Failed")));
}

void TestCli::statusJson()
{
    test::Workspace ws;
    QCOMPARE(
        ws.cli({QStringLiteral("run"), test::sampleDir(), QStringLiteral("--name"), QStringLiteral("first")})
            .exitCode,
        1);
    QCOMPARE(ws.cli({QStringLiteral("load"), test::sampleDir(), QStringLiteral("--name"),
                     QStringLiteral("second")})
                 .exitCode,
             0);

    const auto result = ws.cli({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    const QJsonArray batches = parseObject(result.out).value(QStringLiteral("batches")).toArray();
    QCOMPARE(batches.size(), 2);
    const QJsonObject first = batches[0].toObject();
    const QJsonObject second = batches[1].toObject();
    QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("first")); // oldest first
    QVERIFY(first.value(QStringLiteral("id")).toInteger() < second.value(QStringLiteral("id")).toInteger());
    QVERIFY(QDateTime::fromString(first.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs)
                .isValid());

    const QJsonObject stages = first.value(QStringLiteral("stages")).toObject();
    QCOMPARE(stages.value(QStringLiteral("intake")).toString(), QStringLiteral("done"));
    QCOMPARE(stages.value(QStringLiteral("fetch")).toString(), QStringLiteral("attention"));
    QCOMPARE(stages.value(QStringLiteral("upload")).toString(), QStringLiteral("not-started"));
    const QJsonObject counts = first.value(QStringLiteral("counts")).toObject();
    QCOMPARE(counts.value(QStringLiteral("success")).toInt(), 6);
    QCOMPARE(counts.value(QStringLiteral("fixity-mismatch")).toInt(), 1);
    QCOMPARE(second.value(QStringLiteral("counts")).toObject().value(QStringLiteral("pending")).toInt(), 7);

    const auto one =
        ws.cli({QStringLiteral("status"), QString::number(second.value(QStringLiteral("id")).toInteger()),
                QStringLiteral("--json")});
    QCOMPARE(parseObject(one.out).value(QStringLiteral("batches")).toArray().size(), 1);
}

void TestCli::filesJsonHasCorrectDigests()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir()}).exitCode, 1);
    const auto result = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    const QList<QJsonObject> files = parseLines(result.out);
    QCOMPARE(files.size(), 7);

    int mismatches = 0;
    for (const QJsonObject &f : files) {
        for (const char *key :
             {"item", "path", "size", "md5", "sha1", "sha256", "mimetype", "status", "stored_key"})
            QVERIFY2(f.contains(QString::fromLatin1(key)), key);
        const QString path = f.value(QStringLiteral("path")).toString();
        QVERIFY(path.startsWith(test::sampleDir()));
        QCOMPARE(f.value(QStringLiteral("size")).toInteger(), QFileInfo(path).size());
        QCOMPARE(f.value(QStringLiteral("md5")).toString(), hashOf(path, QCryptographicHash::Md5));
        QCOMPARE(f.value(QStringLiteral("sha1")).toString(), hashOf(path, QCryptographicHash::Sha1));
        QCOMPARE(f.value(QStringLiteral("sha256")).toString(), hashOf(path, QCryptographicHash::Sha256));
        // The stored copy is byte-identical.
        const QString stored = QDir(ws.store()).filePath(f.value(QStringLiteral("stored_key")).toString());
        QCOMPARE(hashOf(stored, QCryptographicHash::Sha256), f.value(QStringLiteral("sha256")).toString());

        const QString status = f.value(QStringLiteral("status")).toString();
        if (path.endsWith(QStringLiteral("card-0004.jp2"))) {
            QCOMPARE(status, QStringLiteral("fixity-mismatch"));
            ++mismatches;
        } else {
            QCOMPARE(status, QStringLiteral("success"));
        }
    }
    QCOMPARE(mismatches, 1);

    QHash<QString, QString> mimetypes;
    for (const QJsonObject &f : files)
        mimetypes.insert(QFileInfo(f.value(QStringLiteral("path")).toString()).suffix(),
                         f.value(QStringLiteral("mimetype")).toString());
    QCOMPARE(mimetypes.value(QStringLiteral("png")), QStringLiteral("image/png"));
    QCOMPARE(mimetypes.value(QStringLiteral("jpg")), QStringLiteral("image/jpeg"));
    QCOMPARE(mimetypes.value(QStringLiteral("tif")), QStringLiteral("image/tiff"));
    QCOMPARE(mimetypes.value(QStringLiteral("jp2")), QStringLiteral("image/jp2"));
    QCOMPARE(mimetypes.value(QStringLiteral("txt")), QStringLiteral("text/plain"));
}

void TestCli::loadJsonThenFetch()
{
    test::Workspace ws;
    const auto load = ws.cli({QStringLiteral("load"), test::sampleDir(), QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 0);
    const QJsonObject o = parseObject(load.out);
    QCOMPARE(o.value(QStringLiteral("batch")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 6);
    QCOMPARE(o.value(QStringLiteral("files")).toInt(), 7);
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("folder"));
    const QJsonArray trace = o.value(QStringLiteral("trace")).toArray();
    QVERIFY(!trace.isEmpty());
    for (const QJsonValue &step : trace) {
        QVERIFY(step.toObject().contains(QStringLiteral("stage")));
        QVERIFY(step.toObject().contains(QStringLiteral("decision")));
        QVERIFY(step.toObject().value(QStringLiteral("warnings")).isArray());
    }
    // Loading stores nothing.
    QVERIFY(!QDir(ws.store()).exists() ||
            QDir(ws.store()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).size() <= 1);

    const auto fetch =
        ws.cli({QStringLiteral("fetch"), QStringLiteral("1"), QStringLiteral("--jobs"), QStringLiteral("3")});
    QCOMPARE(fetch.exitCode, 1);
    const auto files =
        parseLines(ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out);
    QCOMPARE(files.size(), 7);
    for (const QJsonObject &f : files)
        QVERIFY(f.value(QStringLiteral("status")).toString() != u"pending");
    // A second fetch has nothing left to do and reports the same outcome.
    QCOMPARE(ws.cli({QStringLiteral("fetch"), QStringLiteral("1")}).exitCode, 1);
}

void TestCli::fetchOnlyLeavesQaForTheNextFetch()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("load"), test::sampleDir()}).exitCode, 0);
    auto stages = [&] {
        const auto status = ws.cli({QStringLiteral("status"), QStringLiteral("1"), QStringLiteral("--json")});
        return parseObject(status.out)
            .value(QStringLiteral("batches"))
            .toArray()
            .at(0)
            .toObject()
            .value(QStringLiteral("stages"))
            .toObject();
    };

    // Copied and hashed, with the sample's planted mismatch found (exit 1); QA and duplicates not started.
    QCOMPARE(ws.cli({QStringLiteral("fetch"), QStringLiteral("1"), QStringLiteral("--only")}).exitCode, 1);
    QJsonObject after = stages();
    QCOMPARE(after.value(QStringLiteral("fetch")).toString(), QStringLiteral("attention"));
    QCOMPARE(after.value(QStringLiteral("check")).toString(), QStringLiteral("not-started"));
    QCOMPARE(after.value(QStringLiteral("dedup")).toString(), QStringLiteral("not-started"));
    for (const QJsonObject &f :
         parseLines(ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out))
        QVERIFY(f.value(QStringLiteral("status")).toString() != u"pending");

    // The next fetch has nothing to copy and goes on through the automatic stages.
    QCOMPARE(ws.cli({QStringLiteral("fetch"), QStringLiteral("1")}).exitCode, 1);
    after = stages();
    QVERIFY2(after.value(QStringLiteral("check")).toString() != u"not-started",
             QJsonDocument(after).toJson().constData());
    QVERIFY2(after.value(QStringLiteral("dedup")).toString() != u"not-started",
             QJsonDocument(after).toJson().constData());
}

void TestCli::reportSummaryWrittenNextToLog()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir(), QStringLiteral("-q")}).exitCode, 1);
    const auto report = ws.cli({QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("--format"),
                                QStringLiteral("summary")});
    QCOMPARE(report.exitCode, 0);
    const QString text = QString::fromUtf8(report.out);
    for (const char *label :
         {"Provider / source", "Start date", "Runtime", "Attempted", "Successful", "Failed"})
        QVERIFY2(text.contains(QString::fromLatin1(label)), label);
    QVERIFY(text.contains(test::sampleDir()));
    QVERIFY(QRegularExpression(QStringLiteral("Attempted \\.{3,} 7\\n")).match(text).hasMatch());
    QVERIFY(QRegularExpression(QStringLiteral("Successful \\.{3,} 6\\n")).match(text).hasMatch());
    QVERIFY(QRegularExpression(QStringLiteral("Failed \\.{3,} 1\\n")).match(text).hasMatch());
    QVERIFY(QRegularExpression(QStringLiteral("fixity-mismatch \\.{3,} 1\\n")).match(text).hasMatch());

    const QString log = ws.file(QStringLiteral("batches/1/gatehouse.log"));
    const QString summary = ws.file(QStringLiteral("batches/1/_SUMMARY"));
    QVERIFY(QFile::exists(log));
    QFile file(summary);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), text);
    QFile logFile(log);
    QVERIFY(logFile.open(QIODevice::ReadOnly));
    QVERIFY(logFile.readAll().contains("fixity-mismatch box-01/card-0004/card-0004.jp2"));

    const auto toFile = ws.cli({QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("-o"),
                                ws.file(QStringLiteral("out.txt"))});
    QCOMPARE(toFile.exitCode, 0);
    QVERIFY(QFile::exists(ws.file(QStringLiteral("out.txt"))));
}

void TestCli::bannedRecordsSkipped()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("banned.txt")), "# withdrawn for copyright\nbox-01/card-0004\n");
    const auto run = ws.cli({QStringLiteral("run"), test::sampleDir(), QStringLiteral("--banned"),
                             ws.file(QStringLiteral("banned.txt"))});
    // The only bad file is banned, so the run is clean.
    QCOMPARE(run.exitCode, 0);
    const QJsonObject counts = parseObject(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                                   .value(QStringLiteral("batches"))
                                   .toArray()[0]
                                   .toObject()
                                   .value(QStringLiteral("counts"))
                                   .toObject();
    QCOMPARE(counts.value(QStringLiteral("skipped-banned")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("success")).toInt(), 6);
    QVERIFY(QString::fromUtf8(run.out).contains(QStringLiteral("Skipped")));
}

void TestCli::rerunOfFinishedSourceIsANewBatch()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir(), QStringLiteral("-q")}).exitCode, 1);
    QCOMPARE(ws.cli({QStringLiteral("run"), test::sampleDir(), QStringLiteral("-q")}).exitCode, 1);
    const QJsonArray batches = parseObject(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                                   .value(QStringLiteral("batches"))
                                   .toArray();
    QCOMPARE(batches.size(), 2);
}

void TestCli::cleanFolderExitsZero()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("src/a.txt")), "alpha");
    test::writeFile(ws.file(QStringLiteral("src/a.txt.md5")), "2c1743a391305fbf367df8e4f069f9f9  a.txt\n");
    const auto run = ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("src"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QString::fromUtf8(run.out).contains(QStringLiteral("success")));
}

void TestCli::clearErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing folder") << QStringList{QStringLiteral("run"), QStringLiteral("/no/such/folder")}
                                    << QStringLiteral("/no/such/folder");
    QTest::newRow("load missing") << QStringList{QStringLiteral("load"), QStringLiteral("/no/such/folder")}
                                  << QStringLiteral("does not exist");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QStringLiteral("frobnicate");
    QTest::newRow("no command") << QStringList{} << QStringLiteral("Commands");
    QTest::newRow("bad batch id") << QStringList{QStringLiteral("files"), QStringLiteral("abc")}
                                  << QStringLiteral("abc");
    QTest::newRow("unknown batch") << QStringList{QStringLiteral("files"), QStringLiteral("42")}
                                   << QStringLiteral("42");
    QTest::newRow("bad jobs") << QStringList{QStringLiteral("fetch"), QStringLiteral("1"),
                                             QStringLiteral("--jobs"), QStringLiteral("0")}
                              << QStringLiteral("--jobs");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("status"), QStringLiteral("--colour")}
                                    << QStringLiteral("colour");
    QTest::newRow("unknown format") << QStringList{QStringLiteral("report"), QStringLiteral("1"),
                                                   QStringLiteral("--format"), QStringLiteral("pdf")}
                                    << QStringLiteral("pdf");
    QTest::newRow("missing banned list")
        << QStringList{QStringLiteral("load"), QStringLiteral("/tmp"), QStringLiteral("--banned"),
                       QStringLiteral("/no/list")}
        << QStringLiteral("/no/list");
}

void TestCli::clearErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    test::Workspace ws;
    const auto result = ws.cli(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(!result.crashed);
    const QString err = QString::fromUtf8(result.err);
    QVERIFY2(err.contains(mentions), qPrintable(err));
    if (!arguments.isEmpty())
        QVERIFY2(nonEmptyLines(result.err).size() <= 2, qPrintable(err)); // a message, at most a usage hint
}

void TestCli::corruptCatalog()
{
    test::Workspace ws;
    test::writeFile(ws.catalog(), test::pseudoRandomBytes(4096, 11));
    const auto result = ws.cli({QStringLiteral("status")});
    QCOMPARE(result.exitCode, 2);
    const QStringList lines = nonEmptyLines(result.err);
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines[0].contains(ws.catalog()));
    QVERIFY(lines[0].contains(QStringLiteral("damaged")));
}

void TestCli::newerCatalog()
{
    test::Workspace ws;
    QCOMPARE(ws.cli({QStringLiteral("status")}).exitCode, 0); // creates the catalog
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(ws.catalog());
        QVERIFY(db.open());
        QVERIFY(
            QSqlQuery(db).exec(QStringLiteral("INSERT INTO schema_version VALUES (1000, 'future', 'x')")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    const auto result = ws.cli({QStringLiteral("run"), test::sampleDir()});
    QCOMPARE(result.exitCode, 2);
    const QStringList lines = nonEmptyLines(result.err);
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines[0].contains(QStringLiteral("newer Gatehouse")));
}

void TestCli::unreadableSource()
{
    // Permissions do not stop root, so as root the CLI runs as nobody for this case.
    QTemporaryDir shared;
    ::chmod(QFile::encodeName(shared.path()).constData(), 01777);
    const QString source = QDir(shared.path()).filePath(QStringLiteral("secret"));
    test::writeFile(QDir(source).filePath(QStringLiteral("a.txt")), "a");
    ::chmod(QFile::encodeName(source).constData(), 0700);

    QStringList command{test::binary(QStringLiteral("gatehouse-cli")), QStringLiteral("--catalog"),
                        QDir(shared.path()).filePath(QStringLiteral("catalog.sqlite")), QStringLiteral("run"),
                        source};
    if (::geteuid() == 0) {
        command = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                              QStringLiteral("--clear-groups")} +
                  command;
        command.prepend(QStringLiteral("setpriv"));
    }
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), shared.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), shared.path());
    process.setProcessEnvironment(env);
    process.start(command.takeFirst(), command);
    QVERIFY(process.waitForFinished(60000));
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 2);
    QCOMPARE(nonEmptyLines(err.toUtf8()).size(), 1);
    QVERIFY2(err.contains(source) && err.contains(QStringLiteral("cannot be read")), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
