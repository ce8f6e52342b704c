#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

#include "intake/xml/safexml.h"
#include "qa/schemaset.h"
#include "qa/xmlcatalog.h"
#include "testsupport.h"

using namespace gh;

// Schema sets from a folder or an OASIS catalog, validation with lines, the choice of schema by namespace and
// hint, and the promise that nothing is ever fetched: a schema importing a network location gets nothing,
// while a loopback listener proves no connection was even tried. ctest also runs this whole test in a
// network namespace with no route out (tst_schemaset_offline).

namespace {

const QString s_shared = QStringLiteral("/work/shared/schemas");

QString shared()
{
    const QString fromEnv = qEnvironmentVariable("GATEHOUSE_SCHEMAS");
    return fromEnv.isEmpty() ? s_shared : fromEnv;
}

XmlDocument parse(const QByteArray &xml, const QString &name = QStringLiteral("doc.xml"))
{
    auto doc = XmlDocument::parse(xml, name);
    if (!doc)
        qFatal("%s", qPrintable(doc.error().message));
    return std::move(*doc);
}

const QByteArray s_alto = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v2#\">\n"
                          "  <Description><MeasurementUnit>pixel</MeasurementUnit></Description>\n"
                          "  <Layout>\n"
                          "    <Page ID=\"P1\" PHYSICAL_IMG_NR=\"1\" HEIGHT=\"100\" WIDTH=\"80\">\n"
                          "      <PrintSpace ID=\"PS1\" HEIGHT=\"100\" WIDTH=\"80\" HPOS=\"0\" VPOS=\"0\">\n"
                          "        <TextBlock ID=\"TB1\" HEIGHT=\"10\" WIDTH=\"80\" HPOS=\"0\" VPOS=\"0\">\n"
                          "          <TextLine ID=\"TL1\" HEIGHT=\"10\" WIDTH=\"80\" HPOS=\"0\" VPOS=\"0\">\n"
                          "            <String ID=\"S1\" CONTENT=\"Avis\" WC=\"0.9\" HEIGHT=\"10\" "
                          "WIDTH=\"40\" HPOS=\"0\" VPOS=\"0\"/>\n"
                          "          </TextLine>\n"
                          "        </TextBlock>\n"
                          "      </PrintSpace>\n"
                          "    </Page>\n"
                          "  </Layout>\n"
                          "</alto>\n";

const QByteArray s_mods = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<mods xmlns=\"http://www.loc.gov/mods/v3\" version=\"3.7\">\n"
                          "  <titleInfo><title>Adresseavisen</title></titleInfo>\n"
                          "  <part><detail type=\"pageNumber\"><number>1</number></detail></part>\n"
                          "</mods>\n";

} // namespace

class TestSchemaSet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void catalogValidatesWithLines();
    void folderValidatesToo();
    void newestVersionUnlessTheDocumentNamesOne();
    void unknownNamespaceHasNoSchema();
    void networkImportsAreRefusedNotFetched();
    void validatesOnManyThreads();
    void streamingMatchesTheTree_data();
    void streamingMatchesTheTree();
    void streamingRefusesWhatTheTreeRefuses_data();
    void streamingRefusesWhatTheTreeRefuses();
    void catalogEntries();
    void catalogNeverPointsAtTheNetwork();
    void openErrorsSayWhere();

private:
    std::shared_ptr<SchemaSet> m_catalog;
};

void TestSchemaSet::initTestCase()
{
    QVERIFY2(QFileInfo::exists(shared() + QStringLiteral("/catalog.xml")), "the shared schemas are needed");
    auto set = SchemaSet::open(shared() + QStringLiteral("/catalog.xml"));
    QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
    m_catalog = *set;
}

void TestSchemaSet::catalogValidatesWithLines()
{
    QVERIFY(m_catalog->isCatalog());
    QVERIFY(m_catalog->namespaces().contains(QStringLiteral("http://www.loc.gov/mods/v3")));
    SchemaSet::Validation v = m_catalog->validate(parse(s_alto));
    QCOMPARE(v.outcome, SchemaSet::Outcome::Valid);
    QVERIFY(v.schema.endsWith(QStringLiteral("alto-2-0.xsd")));

    QByteArray invalid = s_alto;
    invalid.replace("CONTENT=\"Avis\" ", ""); // line 9: a required attribute gone
    invalid.replace("<MeasurementUnit>pixel", "<MeasurementUnit>furlong"); // line 3: not in the enumeration
    v = m_catalog->validate(parse(invalid));
    QCOMPARE(v.outcome, SchemaSet::Outcome::Invalid);
    QCOMPARE(v.problems.size(), 2);
    QCOMPARE(v.problems[0].line, 3);
    QVERIFY(v.problems[0].message.contains(QStringLiteral("furlong")));
    QCOMPARE(v.problems[1].line, 9);
    QVERIFY(v.problems[1].message.contains(QStringLiteral("CONTENT")));

    // Many errors: the first few, and how many more.
    QByteArray many = s_alto;
    QByteArray strings;
    for (int i = 0; i < 40; ++i)
        strings += "<String ID=\"X" + QByteArray::number(i) +
                   "\" HEIGHT=\"1\" WIDTH=\"1\" HPOS=\"0\" VPOS=\"0\"/>\n";
    many.replace(QByteArray("</TextLine>"), QByteArray(strings + "</TextLine>"));
    v = m_catalog->validate(parse(many), 5);
    QCOMPARE(v.problems.size(), 5);
    QCOMPARE(v.moreProblems, 35);
}

void TestSchemaSet::folderValidatesToo()
{
    // A folder of schemas: imports named by network locations are found by file name in the folder.
    auto folder = SchemaSet::open(shared());
    QVERIFY2(folder, qPrintable(folder ? QString() : folder.error().message));
    QVERIFY(!(*folder)->isCatalog());
    QCOMPARE((*folder)->validate(parse(s_mods)).outcome, SchemaSet::Outcome::Valid);
    QCOMPARE((*folder)->validate(parse(s_alto)).outcome, SchemaSet::Outcome::Valid);
    QVERIFY((*folder)->compileAll());
    QVERIFY((*folder)->refusedLocations().isEmpty());
}

void TestSchemaSet::newestVersionUnlessTheDocumentNamesOne()
{
    const QStringList mods = m_catalog->schemasFor(QStringLiteral("http://www.loc.gov/mods/v3"));
    QVERIFY(mods.size() >= 2);
    QVERIFY(mods.constFirst().endsWith(QStringLiteral("mods-3-8.xsd")));
    QVERIFY(m_catalog->validate(parse(s_mods)).schema.endsWith(QStringLiteral("mods-3-8.xsd")));

    QByteArray hinted = s_mods;
    hinted.replace("version=\"3.7\"",
                   "version=\"3.7\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                   "xsi:schemaLocation=\"http://www.loc.gov/mods/v3 "
                   "https://www.loc.gov/standards/mods/v3/mods-3-7.xsd\"");
    const SchemaSet::Validation v = m_catalog->validate(parse(hinted));
    QCOMPARE(v.outcome, SchemaSet::Outcome::Valid);
    QVERIFY2(v.schema.endsWith(QStringLiteral("mods-3-7.xsd")), qPrintable(v.schema));
}

void TestSchemaSet::unknownNamespaceHasNoSchema()
{
    const SchemaSet::Validation v = m_catalog->validate(
        parse("<film xmlns=\"urn:example:microfilm\"><reel>400022028240-14</reel></film>"));
    QCOMPARE(v.outcome, SchemaSet::Outcome::NoSchema);
    QCOMPARE(v.namespaceUri, QStringLiteral("urn:example:microfilm"));
    QCOMPARE(m_catalog->validate(parse("<plain/>")).outcome, SchemaSet::Outcome::NoSchema);
}

void TestSchemaSet::networkImportsAreRefusedNotFetched()
{
    // A listener on loopback that counts connections; a schema imports from it.
    // In the offline run loopback is down too: then no listener, and a port nothing answers on.
    QTcpServer server;
    const bool listening = server.listen(QHostAddress::LocalHost);
    int connections = 0;
    connect(&server, &QTcpServer::newConnection, &server, [&] {
        while (QTcpSocket *s = server.nextPendingConnection()) {
            ++connections;
            s->close();
        }
    });
    const QString url =
        QStringLiteral("http://127.0.0.1:%1/evil.xsd").arg(listening ? server.serverPort() : 9);
    QTemporaryDir dir;
    test::writeFile(
        dir.filePath(QStringLiteral("a.xsd")),
        QStringLiteral("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:a\" "
                       "xmlns:b=\"urn:b\" elementFormDefault=\"qualified\">\n"
                       "  <xs:import namespace=\"urn:b\" schemaLocation=\"%1\"/>\n"
                       "  <xs:element name=\"a\"><xs:complexType><xs:sequence>"
                       "<xs:element ref=\"b:b\"/></xs:sequence></xs:complexType></xs:element>\n"
                       "</xs:schema>\n")
            .arg(url)
            .toUtf8());
    auto set = SchemaSet::open(dir.path());
    QVERIFY(set);
    const SchemaSet::Validation v = (*set)->validate(parse("<a xmlns=\"urn:a\"><b xmlns=\"urn:b\"/></a>"));
    QCOMPARE(v.outcome, SchemaSet::Outcome::SchemaBroken);
    QVERIFY2((*set)->compileError(v.schema).contains(url), qPrintable((*set)->compileError(v.schema)));
    QCOMPARE((*set)->refusedLocations(), QStringList{url});
    QVERIFY(!(*set)->compileAll());
    // Let any connection that might have been made arrive before counting.
    QTest::qWait(200);
    QCOMPARE(connections, 0);

    // The instance's own hints and DOCTYPEs are no way out either: the safe reader refuses the document.
    const QByteArray xxe =
        QStringLiteral("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"%1\">]><a>&x;</a>")
            .arg(url)
            .toUtf8();
    auto refused = XmlDocument::parse(xxe, QStringLiteral("xxe.xml"));
    QVERIFY(!refused);
    QTest::qWait(100);
    QCOMPARE(connections, 0);
}

void TestSchemaSet::validatesOnManyThreads()
{
    // One compiled schema shared by several threads at once, validating trees and streams (each with a
    // validation context of its own while it runs): every verdict right, every problem on its line.
    QList<int> jobs(128);
    std::iota(jobs.begin(), jobs.end(), 0);
    const QList<bool> results = QtConcurrent::blockingMapped(jobs, [this](int i) {
        QByteArray doc = i % 2 ? s_alto : s_mods;
        const bool broken = i % 4 == 3;
        if (broken)
            doc.replace("CONTENT=\"Avis\" ", "");
        SchemaSet::Validation v;
        if (i % 8 < 4) {
            v = m_catalog->validate(parse(doc));
        } else {
            const auto streamed = m_catalog->validate(doc, QStringLiteral("doc%1.xml").arg(i));
            if (!streamed)
                return false;
            v = *streamed;
        }
        if (broken)
            return v.outcome == SchemaSet::Outcome::Invalid && v.problems.size() == 1 &&
                   v.problems[0].line == 9;
        return v.outcome == SchemaSet::Outcome::Valid && v.problems.isEmpty();
    });
    QVERIFY(std::all_of(results.cbegin(), results.cend(), [](bool ok) { return ok; }));
}

namespace {

QByteArray replaced(QByteArray doc, const QByteArray &before, const QByteArray &after)
{
    if (!doc.contains(before))
        qFatal("test document lacks %s", before.constData());
    return doc.replace(before, after);
}

QString describe(const SchemaSet::Validation &v)
{
    QStringList lines{QString::number(int(v.outcome)), v.namespaceUri, v.schema,
                      QString::number(v.moreProblems)};
    for (const SchemaSet::Problem &p : v.problems)
        lines.append(QString::number(p.line) + u": " + p.message);
    return lines.join(u'\n');
}

} // namespace

void TestSchemaSet::streamingMatchesTheTree_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("problems");
    const int valid = int(SchemaSet::Outcome::Valid);
    const int invalid = int(SchemaSet::Outcome::Invalid);
    QTest::newRow("alto valid") << s_alto << valid << 0;
    QTest::newRow("mods valid") << s_mods << valid << 0;
    QTest::newRow("mods hinted 3.7")
        << replaced(s_mods, "version=\"3.7\"",
                    "version=\"3.7\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                    "xsi:schemaLocation=\"http://www.loc.gov/mods/v3 "
                    "https://www.loc.gov/standards/mods/v3/mods-3-7.xsd\"")
        << valid << 0;
    QTest::newRow("no schema") << QByteArray("<film xmlns=\"urn:example:microfilm\"><reel>14</reel></film>")
                               << int(SchemaSet::Outcome::NoSchema) << 0;
    // Attribute missing (start tag), enumeration broken (simple content, checked at the end tag).
    QTest::newRow("alto two errors") << replaced(replaced(s_alto, "CONTENT=\"Avis\" ", ""),
                                                 "<MeasurementUnit>pixel", "<MeasurementUnit>furlong")
                                     << invalid << 2;
    // A start tag over several lines with an attribute of the wrong type; an element the schema lacks.
    QTest::newRow("alto multi-line tag, bad type")
        << replaced(s_alto, "<Page ID=\"P1\" PHYSICAL_IMG_NR=\"1\" HEIGHT=\"100\"",
                    "<Page ID=\"P1\"\n PHYSICAL_IMG_NR=\"one\"\n HEIGHT=\"100\"")
        << invalid << 1;
    QTest::newRow("alto unknown element")
        << replaced(s_alto, "<Layout>", "<Layout>\n<Ornament/>") << invalid << 1;
    // alto must have a Layout: found missing when alto ends, three lines below its start tag.
    QTest::newRow("alto missing child") << s_alto.left(s_alto.indexOf("  <Layout>")) + "\n</alto>\n"
                                        << invalid << 1;
    QTest::newRow("mods text where none belongs")
        << replaced(s_mods, "<part>", "<part>stray words\n") << invalid << 1;
    QTest::newRow("mods wrong root")
        << QByteArray("<?xml version=\"1.0\"?>\n<modz xmlns=\"http://www.loc.gov/mods/v3\"/>") << invalid
        << 1;
    QByteArray many = s_alto;
    QByteArray strings;
    for (int i = 0; i < 40; ++i)
        strings += "<String ID=\"X" + QByteArray::number(i) +
                   "\" HEIGHT=\"1\" WIDTH=\"1\" HPOS=\"0\" VPOS=\"0\"/>\n";
    QTest::newRow("alto 40 errors") << replaced(many, "</TextLine>", strings + "</TextLine>") << invalid
                                    << 20;
    // An internal DTD without entities is allowed: the probe cannot see the root, the tree way validates.
    QTest::newRow("doctype without entities")
        << replaced(s_mods, "<mods ", "<!DOCTYPE mods [ <!ELEMENT mods ANY> ]>\n<mods ") << valid << 0;
}

void TestSchemaSet::streamingMatchesTheTree()
{
    // Validating while parsing (no tree) gives exactly what parsing and validating the tree gives: the
    // outcome, the schema, every problem with its line and message, and how many more there were.
    QFETCH(QByteArray, document);
    QFETCH(int, outcome);
    QFETCH(int, problems);
    const SchemaSet::Validation tree = m_catalog->validate(parse(document));
    const Result<SchemaSet::Validation> streamed = m_catalog->validate(document, QStringLiteral("doc.xml"));
    QVERIFY2(streamed, qPrintable(streamed ? QString() : streamed.error().message));
    QCOMPARE(describe(*streamed), describe(tree));
    QCOMPARE(int(streamed->outcome), outcome);
    QCOMPARE(streamed->problems.size(), problems);
    for (const SchemaSet::Problem &p : streamed->problems)
        QVERIFY2(p.line > 0, qPrintable(p.message));
}

void TestSchemaSet::streamingRefusesWhatTheTreeRefuses_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("says");
    const QByteArray head = "<?xml version=\"1.0\"?>\n";
    QTest::newRow("xxe file") << head + "<!DOCTYPE mods [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
                                        "<mods xmlns=\"http://www.loc.gov/mods/v3\"><note>&x;</note></mods>"
                              << QStringLiteral("external entity");
    QTest::newRow("xxe parameter")
        << head + "<!DOCTYPE mods [ <!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %p; ]>\n"
                  "<mods xmlns=\"http://www.loc.gov/mods/v3\"/>"
        << QStringLiteral("%p");
    QTest::newRow("billion laughs")
        << head + "<!DOCTYPE mods [ <!ENTITY a \"aaaaaaaaaa\"> <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\"> ]>\n"
                  "<mods xmlns=\"http://www.loc.gov/mods/v3\"><note>&b;</note></mods>"
        << QStringLiteral("entity a");
    QTest::newRow("external dtd") << head + "<!DOCTYPE mods SYSTEM \"http://127.0.0.1:9/mods.dtd\">\n"
                                            "<mods xmlns=\"http://www.loc.gov/mods/v3\"/>"
                                  << QStringLiteral("external DTD");
    QTest::newRow("undeclared entity")
        << head + "<mods xmlns=\"http://www.loc.gov/mods/v3\"><note>&x;</note></mods>"
        << QStringLiteral("line 2");
    QTest::newRow("not well-formed") << replaced(s_alto, "</Layout>", "</Layuot>")
                                     << QStringLiteral("line 14");
    QTest::newRow("truncated") << s_mods.left(s_mods.size() - 10) << QStringLiteral("not well-formed");
    QTest::newRow("empty") << QByteArray(" \n") << QStringLiteral("empty");
}

void TestSchemaSet::streamingRefusesWhatTheTreeRefuses()
{
    // A hostile or broken document is refused by the stream with the very message the tree parse gives
    // (file and line), and never validated; nothing is fetched (ctest runs this offline too).
    QFETCH(QByteArray, document);
    QFETCH(QString, says);
    const auto tree = XmlDocument::parse(document, QStringLiteral("hostile.xml"));
    QVERIFY(!tree);
    const Result<SchemaSet::Validation> streamed =
        m_catalog->validate(document, QStringLiteral("hostile.xml"));
    QVERIFY(!streamed);
    QCOMPARE(streamed.error().message, tree.error().message);
    QCOMPARE(streamed.error().code, tree.error().code);
    QVERIFY2(streamed.error().message.contains(QStringLiteral("hostile.xml")),
             qPrintable(streamed.error().message));
    QVERIFY2(streamed.error().message.contains(says), qPrintable(streamed.error().message));
    // Without a schema to validate against, the bare stream refuses it the same way.
    const XmlStreamed bare = XmlDocument::stream(document, QStringLiteral("hostile.xml"));
    QVERIFY(!bare.parsed);
    QCOMPARE(bare.parsed.error().message, tree.error().message);
}

void TestSchemaSet::catalogEntries()
{
    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("next.xml")),
                    "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n"
                    "  <uriSuffix uriSuffix=\"/mix20.xsd\" uri=\"local/mix.xsd\"/>\n"
                    "</catalog>\n");
    test::writeFile(
        dir.filePath(QStringLiteral("catalog.xml")),
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE catalog PUBLIC \"-//OASIS//DTD XML Catalogs V1.1//EN\" "
        "\"http://www.oasis-open.org/committees/entity/release/1.1/catalog.dtd\">\n"
        "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n"
        "  <uri name=\"http://example.org/a.xsd\" uri=\"schemas/a.xsd\"/>\n"
        "  <group xml:base=\"sub/\">\n"
        "    <system systemId=\"http://example.org/b.dtd\" uri=\"b.dtd\"/>\n"
        "  </group>\n"
        "  <rewriteURI uriStartString=\"http://www.loc.gov/standards/\" rewritePrefix=\"loc/\"/>\n"
        "  <rewriteURI uriStartString=\"http://www.loc.gov/standards/mods/\" rewritePrefix=\"mods/\"/>\n"
        "  <nextCatalog catalog=\"next.xml\"/>\n"
        "  <nextCatalog catalog=\"catalog.xml\"/>\n"
        "</catalog>\n");
    auto catalog = XmlCatalog::load(dir.filePath(QStringLiteral("catalog.xml")));
    QVERIFY2(catalog, qPrintable(catalog ? QString() : catalog.error().message));
    const QString root = QDir(dir.path()).absolutePath();
    QCOMPARE(catalog->resolve(QStringLiteral("http://example.org/a.xsd")),
             root + QStringLiteral("/schemas/a.xsd"));
    QCOMPARE(catalog->resolve(QStringLiteral("https://example.org/a.xsd")),
             root + QStringLiteral("/schemas/a.xsd"));
    QCOMPARE(catalog->resolve(QStringLiteral("http://example.org/b.dtd")),
             root + QStringLiteral("/sub/b.dtd"));
    // The longest rewrite prefix wins.
    QCOMPARE(catalog->resolve(QStringLiteral("http://www.loc.gov/standards/mods/v3/mods.xsd")),
             root + QStringLiteral("/mods/v3/mods.xsd"));
    QCOMPARE(catalog->resolve(QStringLiteral("http://www.loc.gov/standards/alto/alto.xsd")),
             root + QStringLiteral("/loc/alto/alto.xsd"));
    QCOMPARE(catalog->resolve(QStringLiteral("http://elsewhere/x/mix20.xsd")),
             root + QStringLiteral("/local/mix.xsd"));
    QCOMPARE(catalog->resolve(QStringLiteral("http://example.org/unknown.xsd")), QString());
}

void TestSchemaSet::catalogNeverPointsAtTheNetwork()
{
    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("catalog.xml")),
                    "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n"
                    "  <uri name=\"urn:x\" uri=\"http://mirror.example/x.xsd\"/>\n"
                    "  <nextCatalog catalog=\"https://mirror.example/catalog.xml\"/>\n"
                    "</catalog>\n");
    auto catalog = XmlCatalog::load(dir.filePath(QStringLiteral("catalog.xml")));
    QVERIFY(catalog);
    QCOMPARE(catalog->resolve(QStringLiteral("urn:x")), QString());
    QCOMPARE(catalog->warnings().size(), 2);
    QVERIFY(catalog->warnings().constFirst().contains(QStringLiteral("network")));
    // …and so it maps to no schema at all.
    auto set = SchemaSet::open(dir.filePath(QStringLiteral("catalog.xml")));
    QVERIFY(!set);
    QVERIFY(set.error().message.contains(QStringLiteral("no schema")));
}

void TestSchemaSet::openErrorsSayWhere()
{
    auto missing = SchemaSet::open(QStringLiteral("/nonexistent/schemas"));
    QVERIFY(!missing);
    QVERIFY(missing.error().message.contains(QStringLiteral("/nonexistent/schemas")));
    QTemporaryDir empty;
    auto none = SchemaSet::open(empty.path());
    QVERIFY(!none);
    QVERIFY(none.error().message.contains(QStringLiteral(".xsd")));
    test::writeFile(empty.filePath(QStringLiteral("catalog.xml")), "<notacatalog/>");
    auto wrong = SchemaSet::open(empty.filePath(QStringLiteral("catalog.xml")));
    QVERIFY(!wrong);
    QVERIFY(wrong.error().message.contains(QStringLiteral("not an OASIS XML catalog")));
}

QTEST_GUILESS_MAIN(TestSchemaSet)
#include "tst_schemaset.moc"
