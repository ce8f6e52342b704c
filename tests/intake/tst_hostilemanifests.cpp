// Manifests that look like their format but are hostile (a DTD with entities, XXE) or broken, end to end
// through gatehouse-cli: the ingester they resemble refuses them and the trace says which and why, the batch
// carries the warning (status --json, the GUI's problems list reads the same trace), and load and run exit
// with status 1. Nothing outside the sample is ever read.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QByteArray readData(const QString &relative)
{
    QFile file(test::dataPath(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // The parameter-entity sample names a loopback port; port 9 (discard) has no listener here, and the
    // document must be refused before anything would connect anyway.
    return file.readAll().replace("@PORT@", "9");
}

//! The trace steps of a load --json result that carry a refusal.
QJsonArray refusedSteps(const QJsonObject &load)
{
    QJsonArray steps;
    for (const QJsonValue &step : load.value(QStringLiteral("trace")).toArray()) {
        if (step.toObject().contains(QStringLiteral("refused_by")))
            steps.append(step);
    }
    return steps;
}

QJsonObject batchStatus(const test::Workspace &ws)
{
    const auto status = ws.cli({QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonArray batches =
        QJsonDocument::fromJson(status.out).object().value(QStringLiteral("batches")).toArray();
    return batches.isEmpty() ? QJsonObject() : batches.last().toObject();
}

QString joined(const QJsonArray &strings)
{
    QStringList list;
    for (const QJsonValue &value : strings)
        list.append(value.toString());
    return list.join(u'\n');
}

} // namespace

class TestHostileManifests : public QObject
{
    Q_OBJECT

private slots:
    void hostileDocumentIsRefusedOutLoud_data();
    void hostileDocumentIsRefusedOutLoud();
    void hostileManifestInAFolder_data();
    void hostileManifestInAFolder();
    void unusableBagIsRefusedOutLoud();
    void cleanManifestExitsZero();
};

void TestHostileManifests::hostileDocumentIsRefusedOutLoud_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("ingester");
    QTest::addColumn<QString>("reason");
    QTest::newRow("billion laughs METS")
        << QStringLiteral("hostile/xml/billion-laughs-mets.xml") << QStringLiteral("book.xml")
        << QStringLiteral("mets") << QStringLiteral("it declares the entity lol in its DTD");
    QTest::newRow("XXE METS") << QStringLiteral("hostile/xml/xxe-file.xml") << QStringLiteral("mets.xml")
                              << QStringLiteral("mets")
                              << QStringLiteral("it declares the external entity xxe (file:///etc/passwd)");
    QTest::newRow("billion laughs IMS CP")
        << QStringLiteral("hostile/xml/billion-laughs-imscp.xml") << QStringLiteral("imsmanifest.xml")
        << QStringLiteral("imscp") << QStringLiteral("it declares the entity lol in its DTD");
    QTest::newRow("XXE IMS CP") << QStringLiteral("hostile/xml/xxe-imscp.xml")
                                << QStringLiteral("imsmanifest.xml") << QStringLiteral("imscp")
                                << QStringLiteral("it declares the external entity xxe (file:///etc/passwd)");
    QTest::newRow("remote parameter entity IMS CP")
        << QStringLiteral("hostile/xml/parameter-entity.xml") << QStringLiteral("imsmanifest.xml")
        << QStringLiteral("imscp") << QStringLiteral("it declares the external entity %remote");
    QTest::newRow("broken METS") << QStringLiteral("mets/broken/mets.xml") << QStringLiteral("mets.xml")
                                 << QStringLiteral("mets")
                                 << QStringLiteral("is not well-formed XML: line 6");
    QTest::newRow("broken IIIF") << QStringLiteral("iiif/broken.json") << QStringLiteral("manifest.json")
                                 << QStringLiteral("iiif") << QStringLiteral("is not valid JSON: line 5");
}

void TestHostileManifests::hostileDocumentIsRefusedOutLoud()
{
    QFETCH(QString, sample);
    QFETCH(QString, name);
    QFETCH(QString, ingester);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const QString source = dir.filePath(name);
    test::writeFile(source, readData(sample));

    test::Workspace ws;
    const auto load = ws.cli({QStringLiteral("load"), source, QStringLiteral("--json")});
    QVERIFY2(!load.crashed, load.err.constData());
    QCOMPARE(load.exitCode, 1);
    const QJsonObject result = QJsonDocument::fromJson(load.out).object();
    // Loaded as the one file it is, so the batch exists to carry the warning.
    QCOMPARE(result.value(QStringLiteral("detected")).toString(), QStringLiteral("file"));
    QCOMPARE(result.value(QStringLiteral("files")).toInt(), 1);
    const QJsonArray refused = refusedSteps(result);
    QCOMPARE(refused.size(), 1);
    const QJsonObject step = refused[0].toObject();
    QCOMPARE(step.value(QStringLiteral("refused_by")).toString(), ingester);
    QVERIFY2(step.value(QStringLiteral("decision"))
                 .toString()
                 .contains(u"the " + ingester + u" reader refused it"),
             qPrintable(step.value(QStringLiteral("decision")).toString()));
    const QString warning = joined(step.value(QStringLiteral("warnings")).toArray());
    QVERIFY2(warning.startsWith(ingester + u" stage: "), qPrintable(warning));
    QVERIFY2(warning.contains(reason), qPrintable(warning));
    QVERIFY2(warning.contains(name), qPrintable(warning));
    // Nothing the hostile document points at was read.
    QVERIFY(!load.out.contains("root:x:0:0"));

    // status --json shows the refusal and the warning, as the GUI's problems list does.
    const QJsonObject status = batchStatus(ws);
    QCOMPARE(status.value(QStringLiteral("stages")).toObject().value(QStringLiteral("intake")).toString(),
             QStringLiteral("attention"));
    const QString refusals = joined(status.value(QStringLiteral("refused_manifests")).toArray());
    QVERIFY2(refusals.contains(reason), qPrintable(refusals));
    QVERIFY(joined(status.value(QStringLiteral("warnings")).toArray()).contains(reason));

    // The plain text load says it on stderr, with the same exit status.
    test::Workspace plain;
    const auto text = plain.cli({QStringLiteral("load"), source});
    QCOMPARE(text.exitCode, 1);
    QVERIFY2(text.err.contains((u"warning: " + ingester + u" stage: ").toUtf8()), text.err.constData());

    // run exits 1 too, and so does a second run of the same source (the refusal is kept with the batch).
    test::Workspace run;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto ran = run.cli({QStringLiteral("run"), source});
        QVERIFY2(ran.exitCode == 1, QByteArray(ran.out + ran.err).constData());
        QVERIFY(!ran.out.contains("root:x:0:0"));
    }
}

void TestHostileManifests::hostileManifestInAFolder_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("ingester");
    QTest::addColumn<QString>("reason");
    QTest::newRow("mets.xml") << QStringLiteral("hostile/xml/billion-laughs-mets.xml")
                              << QStringLiteral("mets.xml") << QStringLiteral("mets")
                              << QStringLiteral("declares the entity lol");
    // Not named like a METS file: found by its DOCTYPE, which names mets.
    QTest::newRow("METS by DOCTYPE") << QStringLiteral("hostile/xml/billion-laughs-mets.xml")
                                     << QStringLiteral("description.xml") << QStringLiteral("mets")
                                     << QStringLiteral("declares the entity lol");
    QTest::newRow("imsmanifest.xml") << QStringLiteral("hostile/xml/xxe-imscp.xml")
                                     << QStringLiteral("imsmanifest.xml") << QStringLiteral("imscp")
                                     << QStringLiteral("external entity xxe");
}

void TestHostileManifests::hostileManifestInAFolder()
{
    QFETCH(QString, sample);
    QFETCH(QString, name);
    QFETCH(QString, ingester);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    test::writeFile(dir.filePath(name), readData(sample));
    test::writeFile(dir.filePath(QStringLiteral("page1.tif")), test::pseudoRandomBytes(2048, 7));
    test::writeFile(dir.filePath(QStringLiteral("index.html")), "<p>hello</p>\n");

    test::Workspace ws;
    const auto load = ws.cli({QStringLiteral("load"), dir.path(), QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 1);
    const QJsonObject result = QJsonDocument::fromJson(load.out).object();
    // The folder is listed as plain files, the manifest among them.
    QCOMPARE(result.value(QStringLiteral("detected")).toString(), QStringLiteral("folder"));
    QCOMPARE(result.value(QStringLiteral("files")).toInt(), 3);
    const QJsonArray refused = refusedSteps(result);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused[0].toObject().value(QStringLiteral("refused_by")).toString(), ingester);
    const QString warning = joined(refused[0].toObject().value(QStringLiteral("warnings")).toArray());
    QVERIFY2(warning.contains(reason), qPrintable(warning));
    QVERIFY(!load.out.contains("root:x:0:0"));
    QVERIFY(!joined(batchStatus(ws).value(QStringLiteral("refused_manifests")).toArray()).isEmpty());
}

void TestHostileManifests::unusableBagIsRefusedOutLoud()
{
    // A bag whose bagit.txt has no usable version cannot be read by its manifests: listed plainly, refused
    // out loud by the bagit ingester.
    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("bagit.txt")),
                    "BagIt-Version: one point oh\nTag-File-Character-Encoding: UTF-8\n");
    test::writeFile(dir.filePath(QStringLiteral("data/page1.tif")), test::pseudoRandomBytes(1024, 3));
    test::Workspace ws;
    const auto load = ws.cli({QStringLiteral("load"), dir.path(), QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 1);
    const QJsonArray refused = refusedSteps(QJsonDocument::fromJson(load.out).object());
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused[0].toObject().value(QStringLiteral("refused_by")).toString(), QStringLiteral("bagit"));
    QVERIFY(joined(refused[0].toObject().value(QStringLiteral("warnings")).toArray())
                .contains(QStringLiteral("is not a version number")));
}

void TestHostileManifests::cleanManifestExitsZero()
{
    // The control: a sound METS package loads with status 0 and no refusal, so status 1 above means
    // something.
    test::Workspace ws;
    const auto load = ws.cli(
        {QStringLiteral("load"), test::dataPath(QStringLiteral("mets/book")), QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 0);
    QVERIFY(refusedSteps(QJsonDocument::fromJson(load.out).object()).isEmpty());
    const QJsonObject status = batchStatus(ws);
    QVERIFY(status.value(QStringLiteral("refused_manifests")).toArray().isEmpty());
}

QTEST_GUILESS_MAIN(TestHostileManifests)
#include "tst_hostilemanifests.moc"
