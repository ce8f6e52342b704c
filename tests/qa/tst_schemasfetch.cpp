#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "newspaperbatch.h"
#include "peerserver.h"
#include "qa/schemafetch.h"
#include "testsupport.h"

using namespace gh;
using namespace gh::test;

// "schemas fetch" against a real HTTP server (nginx serving the shared schema copies as a mirror): what it
// saves, the catalog it writes, that check then validates with them without asking any server again, and
// that a bad mirror leaves what was saved before alone.

namespace {

QString shared()
{
    const QString fromEnv = qEnvironmentVariable("GATEHOUSE_SCHEMAS");
    return fromEnv.isEmpty() ? QStringLiteral("/work/shared/schemas") : fromEnv;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int accessLogLines(const PeerServer &server)
{
    return int(readAll(server.dir() + QStringLiteral("/logs/access.log")).count('\n'));
}

} // namespace

class TestSchemasFetch : public QObject
{
    Q_OBJECT

private slots:
    void fetchesTheStandardSetAndCheckUsesIt();
    void aBadMirrorSavesNothing();
};

void TestSchemasFetch::fetchesTheStandardSetAndCheckUsesIt()
{
    PeerServer nginx(QStringLiteral("nginx"), {shared()});
    QVERIFY2(nginx.isRunning(), qPrintable(nginx.error()));
    Workspace ws;
    const CliResult fetch = ws.cli({QStringLiteral("schemas"), QStringLiteral("fetch"),
                                    QStringLiteral("--from"), nginx.baseUrl(), QStringLiteral("--json")});
    QVERIFY2(fetch.exitCode == 0, fetch.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(fetch.out).object();
    const QString catalog = report.value(QStringLiteral("catalog")).toString();
    // Saved in the user's data folder (the workspace's private one).
    QVERIFY2(catalog.startsWith(ws.path() + QStringLiteral("/home/data/")), qPrintable(catalog));
    const QJsonArray saved = report.value(QStringLiteral("saved")).toArray();
    QCOMPARE(saved.size(), int(SchemaFetch::standardSet().size()));
    for (const SchemaFetch::Schema &schema : SchemaFetch::standardSet()) {
        const QString file = QFileInfo(catalog).absolutePath() + u'/' + schema.path;
        QCOMPARE(readAll(file), readAll(shared() + u'/' + schema.path));
    }
    const QByteArray catalogXml = readAll(catalog);
    QVERIFY(catalogXml.contains(
        "name=\"http://www.loc.gov/standards/mods/v3/mods-3-8.xsd\" uri=\"mods/mods-3-8.xsd\""));
    QVERIFY(catalogXml.contains("name=\"http://www.w3.org/2001/xml.xsd\""));
    QCOMPARE(accessLogLines(nginx), int(SchemaFetch::standardSet().size()));

    const CliResult list = ws.cli({QStringLiteral("schemas"), QStringLiteral("list")});
    QCOMPARE(list.exitCode, 0);
    for (const char *ns : {"http://www.loc.gov/mods/v3", "http://www.loc.gov/mix/v20",
                           "http://www.loc.gov/standards/alto/ns-v2#", "http://www.loc.gov/METS/",
                           "http://www.loc.gov/premis/v3", "http://www.w3.org/1999/xlink"})
        QVERIFY2(list.out.contains(ns), ns);

    // check now validates with the fetched set by default, and asks no server for anything.
    NewspaperBatch generator;
    NewspaperBatch::Spec spec;
    spec.editions = {QStringLiteral("1795-06-13-01")};
    spec.pagesPerEdition = 2;
    spec.width = 200;
    spec.height = 260;
    QString error;
    const QString dir = generator.generate(ws.file(QStringLiteral("delivery")), spec, &error);
    QVERIFY2(!dir.isEmpty(), qPrintable(error));
    const CliResult load = ws.cli({QStringLiteral("load"), dir, QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 0);
    const QString batch = QString::number(
        QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger());
    QCOMPARE(ws.cli({QStringLiteral("fetch"), batch}).exitCode, 0);
    const int before = accessLogLines(nginx);
    const CliResult check = ws.cli({QStringLiteral("check"), batch, QStringLiteral("--json")});
    QVERIFY2(check.exitCode == 0, check.out.constData());
    const QJsonObject result = QJsonDocument::fromJson(check.out).object();
    QCOMPARE(result.value(QStringLiteral("schemas")).toString(), catalog);
    QCOMPARE(result.value(QStringLiteral("findings")).toArray().size(), 0);
    QCOMPARE(accessLogLines(nginx), before);
}

void TestSchemasFetch::aBadMirrorSavesNothing()
{
    PeerServer nginx(QStringLiteral("nginx"), {shared()});
    QVERIFY2(nginx.isRunning(), qPrintable(nginx.error()));
    Workspace ws;
    const QString to = ws.file(QStringLiteral("schemas"));
    QCOMPARE(ws.cli({QStringLiteral("schemas"), QStringLiteral("fetch"), QStringLiteral("--from"),
                     nginx.baseUrl(), QStringLiteral("--to"), to})
                 .exitCode,
             0);
    const QByteArray catalogBefore = readAll(to + QStringLiteral("/catalog.xml"));

    // A prefix where nothing is: 404 for the first schema, named in the error.
    CliResult r = ws.cli({QStringLiteral("schemas"), QStringLiteral("fetch"), QStringLiteral("--from"),
                          nginx.baseUrl() + QStringLiteral("/nowhere"), QStringLiteral("--to"), to});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("/nowhere/xml/xml.xsd"), r.err.constData());
    QCOMPARE(readAll(to + QStringLiteral("/catalog.xml")), catalogBefore);

    // A mirror that serves something else under a schema's name.
    QTemporaryDir mirror;
    QVERIFY(QDir().mkpath(mirror.filePath(QStringLiteral("xml"))));
    writeFile(mirror.filePath(QStringLiteral("xml/xml.xsd")), "<html><body>Moved</body></html>");
    PeerServer bad(QStringLiteral("nginx"), {mirror.path()});
    QVERIFY2(bad.isRunning(), qPrintable(bad.error()));
    r = ws.cli({QStringLiteral("schemas"), QStringLiteral("fetch"), QStringLiteral("--from"), bad.baseUrl(),
                QStringLiteral("--to"), to});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("is not an XML schema"), r.err.constData());
    QCOMPARE(readAll(to + QStringLiteral("/xml/xml.xsd")),
             readAll(shared() + QStringLiteral("/xml/xml.xsd")));

    r = ws.cli({QStringLiteral("schemas"), QStringLiteral("fetch"), QStringLiteral("--from"),
                QStringLiteral("/local/path")});
    QCOMPARE(r.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestSchemasFetch)
#include "tst_schemasfetch.moc"
