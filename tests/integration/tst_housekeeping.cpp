// "Check again" after a fix, batch housekeeping and the one count of problems, through gatehouse-cli as a
// curator's script would use it.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QJsonObject lastJson(const QByteArray &out)
{
    QList<QByteArray> lines = out.trimmed().split('\n');
    QJsonParseError error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.constLast(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << out;
    return doc.object();
}

QJsonObject batchStatus(const test::Workspace &ws, qint64 batch)
{
    const test::CliResult r =
        ws.cli({QStringLiteral("status"), QString::number(batch), QStringLiteral("--json")});
    return lastJson(r.out).value(QStringLiteral("batches")).toArray().at(0).toObject();
}

QJsonObject fileByName(const test::Workspace &ws, qint64 batch, const QString &name)
{
    const test::CliResult r =
        ws.cli({QStringLiteral("files"), QString::number(batch), QStringLiteral("--json")});
    for (const QByteArray &line : r.out.split('\n')) {
        const QJsonObject f = QJsonDocument::fromJson(line).object();
        if (f.value(QStringLiteral("name")).toString() == name)
            return f;
    }
    return {};
}

QString md5Sidecar(const QByteArray &content)
{
    return QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex());
}

qint64 loadAndRun(const test::Workspace &ws, const QString &source, int expectedExit)
{
    const test::CliResult r = ws.cli({QStringLiteral("run"), source});
    if (r.exitCode != expectedExit)
        qWarning() << r.err;
    const test::CliResult status = ws.cli({QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonArray batches = lastJson(status.out).value(QStringLiteral("batches")).toArray();
    return batches.isEmpty() ? 0 : batches.last().toObject().value(QStringLiteral("id")).toInteger();
}

} // namespace

class TestHousekeeping : public QObject
{
    Q_OBJECT

private slots:
    void fixedSidecarNoRecopy();
    void changedAndDamagedFilesCopiedAgain();
    void recheckSelectedFilesOnly();
    void renameArchiveDelete();
    void deleteKeepsSharedCopies();
    void problemCountsOnceForIiifMetsAndFailedLoad();
    void batchNamesFromTheSourcesLabel();
    void helpListsCommandsWithSpace();
};

void TestHousekeeping::fixedSidecarNoRecopy()
{
    test::Workspace ws;
    const QByteArray bytes = test::pseudoRandomBytes(300000, 7);
    test::writeFile(ws.file(QStringLiteral("delivery/page.tif")), bytes);
    test::writeFile(ws.file(QStringLiteral("delivery/page.tif.md5")), "0123456789abcdef0123456789abcdef\n");
    test::writeFile(ws.file(QStringLiteral("delivery/notes.txt")), "fine");
    const qint64 batch = loadAndRun(ws, ws.file(QStringLiteral("delivery")), 1);
    QVERIFY(batch > 0);
    QCOMPARE(fileByName(ws, batch, QStringLiteral("page.tif")).value(QStringLiteral("status")).toString(),
             QStringLiteral("fixity-mismatch"));
    const QString key =
        fileByName(ws, batch, QStringLiteral("page.tif")).value(QStringLiteral("stored_key")).toString();
    const QString stored = QDir(ws.store()).filePath(key);
    const test::FileIdentity before = test::fileIdentity(stored);
    QVERIFY(before.inode != 0);
    QCOMPARE(batchStatus(ws, batch)
                 .value(QStringLiteral("problems"))
                 .toObject()
                 .value(QStringLiteral("errors"))
                 .toInt(),
             1);

    // The curator corrects the sidecar; a run finds nothing to do, a check finds the fix.
    test::writeFile(ws.file(QStringLiteral("delivery/page.tif.md5")),
                    md5Sidecar(bytes).toLatin1() + "  page.tif\n");
    const test::CliResult r =
        ws.cli({QStringLiteral("recheck"), QString::number(batch), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject summary = lastJson(r.out);
    QCOMPARE(summary.value(QStringLiteral("checked")).toInt(), 2);
    QCOMPARE(summary.value(QStringLiteral("verified")).toInt(), 2);
    QCOMPARE(summary.value(QStringLiteral("resolved")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("to_fetch")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("fetched")).toBool(), false);

    const QJsonObject page = fileByName(ws, batch, QStringLiteral("page.tif"));
    QCOMPARE(page.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    QCOMPARE(page.value(QStringLiteral("declared")).toObject().value(QStringLiteral("md5")).toString(),
             md5Sidecar(bytes));
    // Not copied again: the same object, untouched.
    QCOMPARE(test::fileIdentity(stored), before);
    const QJsonObject status = batchStatus(ws, batch);
    QCOMPARE(status.value(QStringLiteral("problems")).toObject().value(QStringLiteral("total")).toInt(), 0);
    QCOMPARE(status.value(QStringLiteral("stages")).toObject().value(QStringLiteral("fetch")).toString(),
             QStringLiteral("done"));
    // QA's fixity finding about the old state went with it, and the check stage is to run again for the
    // file: the next run checks it, and finds the checksums agreeing.
    QCOMPARE(status.value(QStringLiteral("stages")).toObject().value(QStringLiteral("check")).toString(),
             QStringLiteral("attention"));
    QVERIFY(page.value(QStringLiteral("findings")).toArray().isEmpty());
    QCOMPARE(
        ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("delivery")), QStringLiteral("-q")}).exitCode,
        0);
    QCOMPARE(batchStatus(ws, batch)
                 .value(QStringLiteral("stages"))
                 .toObject()
                 .value(QStringLiteral("check"))
                 .toString(),
             QStringLiteral("done"));
    QVERIFY(fileByName(ws, batch, QStringLiteral("page.tif"))
                .value(QStringLiteral("findings"))
                .toArray()
                .isEmpty());
    // One batch, not a second of the same source.
    QCOMPARE(lastJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                 .value(QStringLiteral("batches"))
                 .toArray()
                 .size(),
             1);
    const test::CliResult report = ws.cli({QStringLiteral("report"), QString::number(batch),
                                           QStringLiteral("--format"), QStringLiteral("summary")});
    QCOMPARE(report.exitCode, 0);
}

void TestHousekeeping::changedAndDamagedFilesCopiedAgain()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("d/a.bin")), test::pseudoRandomBytes(50000, 1));
    test::writeFile(ws.file(QStringLiteral("d/b.bin")), test::pseudoRandomBytes(50000, 2));
    test::writeFile(ws.file(QStringLiteral("d/c.bin")), test::pseudoRandomBytes(50000, 3));
    const qint64 batch = loadAndRun(ws, ws.file(QStringLiteral("d")), 0);
    const QString keyA =
        fileByName(ws, batch, QStringLiteral("a.bin")).value(QStringLiteral("stored_key")).toString();
    const QString keyB =
        fileByName(ws, batch, QStringLiteral("b.bin")).value(QStringLiteral("stored_key")).toString();
    const QString keyC =
        fileByName(ws, batch, QStringLiteral("c.bin")).value(QStringLiteral("stored_key")).toString();
    const test::FileIdentity c = test::fileIdentity(QDir(ws.store()).filePath(keyC));

    // a: the source gets new bytes. b: the stored copy is damaged. c: touched, same bytes.
    QTest::qWait(1100); // a modification time the file system can tell apart
    const QByteArray newA = test::pseudoRandomBytes(50000, 11);
    test::writeFile(ws.file(QStringLiteral("d/a.bin")), newA);
    {
        QFile damaged(QDir(ws.store()).filePath(keyB));
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        damaged.seek(100);
        damaged.write("XXXX");
    }
    {
        QFile touched(ws.file(QStringLiteral("d/c.bin")));
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime));
    }
    const test::CliResult r =
        ws.cli({QStringLiteral("recheck"), QString::number(batch), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject summary = lastJson(r.out);
    QCOMPARE(summary.value(QStringLiteral("to_fetch")).toInt(), 2);
    QCOMPARE(summary.value(QStringLiteral("changed")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("damaged")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("verified")).toInt(), 2);
    QCOMPARE(summary.value(QStringLiteral("fetched")).toBool(), true);

    // Copied again: the new bytes for a, the intact bytes for b; c untouched.
    QFile storedA(QDir(ws.store()).filePath(keyA));
    QVERIFY(storedA.open(QIODevice::ReadOnly));
    QCOMPARE(storedA.readAll(), newA);
    QFile storedB(QDir(ws.store()).filePath(keyB));
    QVERIFY(storedB.open(QIODevice::ReadOnly));
    QCOMPARE(storedB.readAll(), test::pseudoRandomBytes(50000, 2));
    QCOMPARE(test::fileIdentity(QDir(ws.store()).filePath(keyC)), c);
    QCOMPARE(batchStatus(ws, batch)
                 .value(QStringLiteral("problems"))
                 .toObject()
                 .value(QStringLiteral("total"))
                 .toInt(),
             0);
}

void TestHousekeeping::recheckSelectedFilesOnly()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("d/a.bin")), "aaaa");
    test::writeFile(ws.file(QStringLiteral("d/b.bin")), "bbbb");
    const qint64 batch = loadAndRun(ws, ws.file(QStringLiteral("d")), 0);
    const qint64 a = fileByName(ws, batch, QStringLiteral("a.bin")).value(QStringLiteral("id")).toInteger();
    const test::CliResult r =
        ws.cli({QStringLiteral("recheck"), QString::number(batch), QStringLiteral("--files"),
                QString::number(a), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(lastJson(r.out).value(QStringLiteral("checked")).toInt(), 1);

    // A file of another batch, or something that is no id, is refused with a reason and changes nothing.
    const test::CliResult other = ws.cli({QStringLiteral("recheck"), QString::number(batch),
                                          QStringLiteral("--files"), QString::number(a + 1000)});
    QCOMPARE(other.exitCode, 2);
    QVERIFY(other.err.contains("There is no file"));
    const test::CliResult junk = ws.cli({QStringLiteral("recheck"), QString::number(batch),
                                         QStringLiteral("--files"), QStringLiteral("1,x")});
    QCOMPARE(junk.exitCode, 2);
    QVERIFY(junk.err.contains("\"x\""));
}

void TestHousekeeping::renameArchiveDelete()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("d/a.bin")), test::pseudoRandomBytes(4096, 5));
    test::writeFile(ws.file(QStringLiteral("d/b.bin")), test::pseudoRandomBytes(4096, 6));
    const qint64 batch = loadAndRun(ws, ws.file(QStringLiteral("d")), 0);

    test::CliResult r = ws.cli({QStringLiteral("batch"), QStringLiteral("rename"), QString::number(batch),
                                QStringLiteral("Accession 2024/17")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(batchStatus(ws, batch).value(QStringLiteral("name")).toString(),
             QStringLiteral("Accession 2024/17"));
    QCOMPARE(ws.cli({QStringLiteral("batch"), QStringLiteral("rename"), QString::number(batch),
                     QStringLiteral("  ")})
                 .exitCode,
             2);

    // Archived: gone from status, kept in the catalog (status --all, status BATCH).
    QCOMPARE(ws.cli({QStringLiteral("batch"), QStringLiteral("archive"), QString::number(batch)}).exitCode,
             0);
    QCOMPARE(lastJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                 .value(QStringLiteral("batches"))
                 .toArray()
                 .size(),
             0);
    const QJsonArray all =
        lastJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("--all")}).out)
            .value(QStringLiteral("batches"))
            .toArray();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.at(0).toObject().value(QStringLiteral("archived")).toBool(), true);
    QCOMPARE(ws.cli({QStringLiteral("batch"), QStringLiteral("unarchive"), QString::number(batch)}).exitCode,
             0);
    QCOMPARE(batchStatus(ws, batch).value(QStringLiteral("archived")).toBool(), false);

    // Delete without --yes says what would go and exits 1; nothing is removed.
    const QString key =
        fileByName(ws, batch, QStringLiteral("a.bin")).value(QStringLiteral("stored_key")).toString();
    const QString stored = QDir(ws.store()).filePath(key);
    r = ws.cli({QStringLiteral("batch"), QStringLiteral("delete"), QString::number(batch)});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("2 files") && r.err.contains("2 stored copies") && r.err.contains("--yes"),
             r.err.constData());
    QVERIFY(QFile::exists(stored));
    QCOMPARE(batchStatus(ws, batch).value(QStringLiteral("id")).toInteger(), batch);

    r = ws.cli({QStringLiteral("batch"), QStringLiteral("delete"), QString::number(batch),
                QStringLiteral("--yes"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject deleted = lastJson(r.out);
    QCOMPARE(deleted.value(QStringLiteral("deleted")).toBool(), true);
    QCOMPARE(deleted.value(QStringLiteral("stored_objects")).toInt(), 2);
    QCOMPARE(deleted.value(QStringLiteral("stored_bytes")).toInt(), 8192);
    QVERIFY(!QFile::exists(stored));
    QVERIFY(!QDir(ws.file(QStringLiteral("batches/%1").arg(batch))).exists());
    QCOMPARE(ws.cli({QStringLiteral("status"), QString::number(batch)}).exitCode, 2);
    // The source is untouched.
    QVERIFY(QFile::exists(ws.file(QStringLiteral("d/a.bin"))));
}

void TestHousekeeping::deleteKeepsSharedCopies()
{
    test::Workspace ws;
    // Content-addressed keys: two batches of the same files share their stored copies.
    test::writeFile(ws.file(QStringLiteral("gatehouse.ini")), "[fetch]\nkey_template=sha256/{sha256}\n");
    test::writeFile(ws.file(QStringLiteral("d/a.bin")), test::pseudoRandomBytes(1000, 8));
    const QString config = ws.file(QStringLiteral("gatehouse.ini"));
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), ws.file(QStringLiteral("d"))})
                 .exitCode,
             0);
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), ws.file(QStringLiteral("d"))})
                 .exitCode,
             0);
    const QString key =
        fileByName(ws, 1, QStringLiteral("a.bin")).value(QStringLiteral("stored_key")).toString();
    QCOMPARE(fileByName(ws, 2, QStringLiteral("a.bin")).value(QStringLiteral("stored_key")).toString(), key);
    const QString stored = QDir(ws.store()).filePath(key);

    test::CliResult r = ws.cli({QStringLiteral("batch"), QStringLiteral("delete"), QStringLiteral("1"),
                                QStringLiteral("--yes"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(lastJson(r.out).value(QStringLiteral("shared_objects")).toInt(), 1);
    QCOMPARE(lastJson(r.out).value(QStringLiteral("stored_objects")).toInt(), 0);
    QVERIFY2(QFile::exists(stored), "a copy batch 2 uses was removed");
    r = ws.cli(
        {QStringLiteral("batch"), QStringLiteral("delete"), QStringLiteral("2"), QStringLiteral("--yes")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!QFile::exists(stored));
}

void TestHousekeeping::problemCountsOnceForIiifMetsAndFailedLoad()
{
    test::Workspace ws;
    // IIIF: the canvas without a body is a file with a problem, and intake's warning about it is the same
    // problem, not a second one.
    test::CliResult r =
        ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("iiif/v3-manifest.json"))});
    QCOMPARE(r.exitCode, 0);
    QJsonObject iiif = batchStatus(ws, 1);
    QCOMPARE(iiif.value(QStringLiteral("problems")).toObject(), (QJsonObject{{QStringLiteral("errors"), 1},
                                                                             {QStringLiteral("warnings"), 0},
                                                                             {QStringLiteral("flags"), 0},
                                                                             {QStringLiteral("total"), 1}}));
    QCOMPARE(iiif.value(QStringLiteral("batch_problems")).toArray().size(), 0);

    // METS: a file the manifest does not list is a warning, counted.
    r = ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("mets/book"))});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject mets = batchStatus(ws, 2);
    QCOMPARE(mets.value(QStringLiteral("problems")).toObject().value(QStringLiteral("warnings")).toInt(), 1);
    QCOMPARE(mets.value(QStringLiteral("problems")).toObject().value(QStringLiteral("total")).toInt(), 1);
    const QJsonObject warning = mets.value(QStringLiteral("batch_problems")).toArray().at(0).toObject();
    QCOMPARE(warning.value(QStringLiteral("kind")).toString(), QStringLiteral("intake"));
    QVERIFY(warning.value(QStringLiteral("message")).toString().contains(QStringLiteral("scan-notes.txt")));

    // A source that cannot be loaded (nothing listens on the discard port): the failure is the problem, with
    // its reason.
    r = ws.cli({QStringLiteral("load"), QStringLiteral("http://127.0.0.1:9/manifest.json")});
    QCOMPARE(r.exitCode, 2);
    const QJsonObject broken = batchStatus(ws, 3);
    QCOMPARE(broken.value(QStringLiteral("problems")).toObject().value(QStringLiteral("errors")).toInt(), 1);
    const QJsonObject failure = broken.value(QStringLiteral("batch_problems")).toArray().at(0).toObject();
    QCOMPARE(failure.value(QStringLiteral("kind")).toString(), QStringLiteral("stage"));
    QCOMPARE(failure.value(QStringLiteral("stage")).toString(), QStringLiteral("intake"));
    QVERIFY(failure.value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("could not be downloaded")));

    // The plain listing counts the same.
    r = ws.cli({QStringLiteral("status")});
    const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(lines.at(i).split(u' ', Qt::SkipEmptyParts).constLast(), QStringLiteral("1"));

    // A manifest intake refused (broken JSON) loads as one file; the refusal is one warning, not two.
    r = ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("iiif/broken.json"))});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject refused = batchStatus(ws, 4);
    QCOMPARE(refused.value(QStringLiteral("problems")).toObject().value(QStringLiteral("warnings")).toInt(),
             1);
    QCOMPARE(refused.value(QStringLiteral("problems")).toObject().value(QStringLiteral("total")).toInt(), 1);
    QCOMPARE(refused.value(QStringLiteral("refused_manifests")).toArray().size(), 1);
}

void TestHousekeeping::batchNamesFromTheSourcesLabel()
{
    test::Workspace ws;
    QCOMPARE(
        ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("iiif/v3-manifest.json"))}).exitCode,
        0);
    QCOMPARE(ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("newspaper/B400022028240-RT1"))})
                 .exitCode,
             0);
    QCOMPARE(ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("iiif/v3-manifest.json")),
                     QStringLiteral("--name"), QStringLiteral("Mine")})
                 .exitCode,
             0);
    QCOMPARE(ws.cli({QStringLiteral("load"), test::dataPath(QStringLiteral("mets/book"))}).exitCode, 0);
    // A bag names itself in bag-info.txt.
    const QByteArray payload = "a scanned letter";
    test::writeFile(ws.file(QStringLiteral("bag/data/letter.txt")), payload);
    test::writeFile(ws.file(QStringLiteral("bag/bagit.txt")),
                    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    test::writeFile(ws.file(QStringLiteral("bag/bag-info.txt")),
                    "Source-Organization: Rigsarkivet\nExternal-Identifier: RA-2024-0017\n");
    test::writeFile(ws.file(QStringLiteral("bag/manifest-sha256.txt")),
                    QCryptographicHash::hash(payload, QCryptographicHash::Sha256).toHex() +
                        "  data/letter.txt\n");
    QCOMPARE(ws.cli({QStringLiteral("load"), ws.file(QStringLiteral("bag"))}).exitCode, 0);
    // The manifest's own label (in the first of the preferred languages), the newspaper batch's id; a name
    // given by the curator wins.
    QCOMPARE(batchStatus(ws, 1).value(QStringLiteral("name")).toString(),
             QStringLiteral("Field recordings from Greenland"));
    QCOMPARE(batchStatus(ws, 2).value(QStringLiteral("name")).toString(),
             QStringLiteral("B400022028240-RT1"));
    QCOMPARE(batchStatus(ws, 3).value(QStringLiteral("name")).toString(), QStringLiteral("Mine"));
    // The METS document's LABEL; the bag's External-Identifier.
    QCOMPARE(batchStatus(ws, 4).value(QStringLiteral("name")).toString(),
             QStringLiteral("Flora Danica, fasc. 1"));
    QCOMPARE(batchStatus(ws, 5).value(QStringLiteral("name")).toString(), QStringLiteral("RA-2024-0017"));
}

void TestHousekeeping::helpListsCommandsWithSpace()
{
    test::Workspace ws;
    const test::CliResult r = ws.cli({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    const QString help = QString::fromUtf8(r.out);
    // Every command name is followed by at least two spaces, "thumbnails" (the longest) too.
    for (const char *name : {"thumbnails", "recheck", "batch", "status"})
        QVERIFY2(help.contains(QStringLiteral("\n  %1  ").arg(QLatin1String(name))), name);
}

QTEST_GUILESS_MAIN(TestHousekeeping)
#include "tst_housekeeping.moc"
