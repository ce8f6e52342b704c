// The curator as a second PREMIS agent of machine events (issue 15, Identity; catalog v10): a batch loaded
// and fetched with `gatehouse-cli --as anna` records anna beside the software in every event the software
// wrote; the PREMIS export, valid against the published PREMIS 3 schema, links each such event to Gatehouse
// as the executing program and to anna as the implementer, and describes anna as a person. A catalog at v9
// (events without a person) opens, migrates and keeps its events as they were. On SQLite and on a real
// PostgreSQL 15 (tests/peers/postgres.sh).

#include <QSqlQuery>
#include <QTest>
#include <QXmlStreamReader>

#include "catalog/catalog.h"
#include "catalog/eventperson.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "schemavalidator.h"
#include "testsupport.h"

using namespace gh;

namespace {

const QString s_premisNs = QStringLiteral("http://www.loc.gov/premis/v3");

//! One event of a PREMIS document: its type and the agents it links to, with their roles.
struct PremisEvent
{
    QString type;
    QList<std::pair<QString, QString>> agents; //!< (identifier, role)
};

struct PremisDocument
{
    QList<PremisEvent> events;
    QMap<QString, std::pair<QString, QString>> agents; //!< identifier → (name, type)
    QString error;
};

PremisDocument readPremis(const QString &path)
{
    PremisDocument doc;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        doc.error = file.errorString();
        return doc;
    }
    QXmlStreamReader xml(&file);
    bool inAgent = false;
    QString agentId, agentName, linkValue;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.namespaceUri() == s_premisNs) {
            const auto name = xml.name();
            if (name == u"event") {
                doc.events.append(PremisEvent{});
            } else if (name == u"eventType" && !doc.events.isEmpty()) {
                doc.events.last().type = xml.readElementText();
            } else if (name == u"linkingAgentIdentifierValue") {
                linkValue = xml.readElementText();
            } else if (name == u"linkingAgentRole" && !doc.events.isEmpty()) {
                doc.events.last().agents.append({linkValue, xml.readElementText()});
            } else if (name == u"agent") {
                inAgent = true;
            } else if (inAgent && name == u"agentIdentifierValue") {
                agentId = xml.readElementText();
            } else if (inAgent && name == u"agentName") {
                agentName = xml.readElementText();
            } else if (inAgent && name == u"agentType") {
                doc.agents.insert(agentId, {agentName, xml.readElementText()});
            }
        } else if (xml.isEndElement() && xml.name() == u"agent") {
            inAgent = false;
        }
    }
    if (xml.hasError())
        doc.error = xml.errorString();
    return doc;
}

} // namespace

class TestEventPerson : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void machineEventsNameTheCurator_data() { test::catalogEngines(); }
    void machineEventsNameTheCurator();
    void catalogAtV9KeepsItsEvents_data() { test::catalogEngines(); }
    void catalogAtV9KeepsItsEvents();
    void personOnlyBesideSoftware();

private:
    QString catalogFor(const QString &engine);
    test::CliResult cli(const QString &catalog, const QStringList &arguments);
    //! Loads and fetches the source as \a curator; the batch's id, 0 on failure (the test has failed).
    qint64 loadAndFetch(const QString &catalog, const QString &curator);
    //! A new catalog on the test's engine with the source loaded and fetched by anna: (catalog, batch).
    std::pair<QString, qint64> fetchedByAnna();
    //! The PREMIS export of \a batch, checked against the schema; empty when it failed (the test has failed).
    QString validPremis(const QString &catalog, qint64 batch, const QString &name);

    std::unique_ptr<test::PeerServer> m_postgres;
    test::Workspace m_ws;
    int m_counter = 0;
};

void TestEventPerson::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    for (int i = 0; i < 6; ++i)
        test::writeFile(m_ws.file(QStringLiteral("source/box-%1/page-%2.txt").arg(i % 2).arg(i)),
                        test::pseudoRandomBytes(700 + i * 37, quint64(i + 5)));
}

void TestEventPerson::cleanupTestCase()
{
    m_postgres.reset();
}

QString TestEventPerson::catalogFor(const QString &engine)
{
    ++m_counter;
    return engine == u"postgresql" ? test::freshPostgresCatalog(*m_postgres)
                                   : m_ws.file(QStringLiteral("catalog-%1.sqlite").arg(m_counter));
}

test::CliResult TestEventPerson::cli(const QString &catalog, const QStringList &arguments)
{
    return m_ws.cli(QStringList{QStringLiteral("--catalog"), catalog, QStringLiteral("--store"),
                                m_ws.file(QStringLiteral("store-%1").arg(m_counter))} +
                        arguments,
                    300000);
}

qint64 TestEventPerson::loadAndFetch(const QString &catalog, const QString &curator)
{
    const test::CliResult load = cli(catalog, {QStringLiteral("--as"), curator, QStringLiteral("load"),
                                               m_ws.file(QStringLiteral("source"))});
    if (load.exitCode != 0) {
        qWarning() << load.err;
        return 0;
    }
    const QString batch = QString::fromUtf8(load.out.trimmed());
    const test::CliResult fetch =
        cli(catalog, {QStringLiteral("--as"), curator, QStringLiteral("fetch"), batch});
    if (fetch.crashed || (fetch.exitCode != 0 && fetch.exitCode != 1)) {
        qWarning() << fetch.err;
        return 0;
    }
    return batch.toLongLong();
}

std::pair<QString, qint64> TestEventPerson::fetchedByAnna()
{
    QFETCH(QString, engine);
    const QString spec = catalogFor(engine);
    return {spec, loadAndFetch(spec, QStringLiteral("anna"))};
}

QString TestEventPerson::validPremis(const QString &catalog, qint64 batch, const QString &name)
{
    const QString path = m_ws.file(QStringLiteral("out/%1-%2.xml").arg(name).arg(m_counter));
    const test::CliResult report =
        cli(catalog, {QStringLiteral("report"), QString::number(batch), QStringLiteral("--format"),
                      QStringLiteral("premis"), QStringLiteral("-o"), path});
    if (report.exitCode != 0) {
        qWarning() << report.err;
        return {};
    }
    const QStringList problems =
        test::validateFile(path, {{s_premisNs, QStringLiteral("premis/premis-3-0.xsd")}});
    if (!problems.isEmpty()) {
        qWarning() << problems;
        return {};
    }
    return path;
}

void TestEventPerson::machineEventsNameTheCurator()
{
    const auto [spec, batch] = fetchedByAnna();
    QVERIFY(batch > 0);

    // Every event the software wrote names anna beside it; the fetch stage's among them.
    int machine = 0, fetched = 0;
    {
        auto location = CatalogLocation::parse(spec);
        QVERIFY(location);
        auto catalog = Catalog::open(*location);
        QVERIFY2(catalog, catalog ? "" : qPrintable(catalog.error().message));
        auto events = (*catalog)->events(batch);
        QVERIFY(events);
        for (const EventRecord &e : std::as_const(*events)) {
            if (!EventPerson::isSoftware(e.agent))
                continue;
            ++machine;
            fetched += e.agent.endsWith(u" fetch");
            QVERIFY2(e.person == u"anna", qPrintable(e.agent + u": " + e.type + u" by '" + e.person + u"'"));
        }
    }
    QVERIFY(fetched >= 6); // a digest event per file at least
    QVERIFY(machine >= fetched);

    // The PREMIS export: valid, and each machine event links Gatehouse (executing program) and anna
    // (implementer); anna is a person among the agents.
    const QString path = validPremis(spec, batch, QStringLiteral("premis"));
    QVERIFY(!path.isEmpty());
    const PremisDocument doc = readPremis(path);
    QVERIFY2(doc.error.isEmpty(), qPrintable(doc.error));
    int linked = 0;
    for (const PremisEvent &e : doc.events) {
        if (e.agents.isEmpty() || !EventPerson::isSoftware(e.agents.constFirst().first))
            continue;
        QCOMPARE(e.agents.size(), 2);
        QCOMPARE(e.agents.at(0).second, QStringLiteral("executing program"));
        QCOMPARE(e.agents.at(1),
                 std::make_pair(QStringLiteral("curator:anna"), QStringLiteral("implementer")));
        ++linked;
    }
    QCOMPARE(linked, machine);
    QCOMPARE(doc.agents.value(QStringLiteral("curator:anna")),
             std::make_pair(QStringLiteral("anna"), QStringLiteral("person")));
}

void TestEventPerson::catalogAtV9KeepsItsEvents()
{
    const auto [spec, batch] = fetchedByAnna();
    QVERIFY(batch > 0);

    // The catalog as v9 left it: no person column, v10 not applied.
    qint64 events = 0;
    {
        auto location = CatalogLocation::parse(spec);
        QVERIFY(location);
        auto catalog = Catalog::open(*location);
        QVERIFY(catalog);
        QSqlQuery q((*catalog)->database());
        QVERIFY(q.exec(QStringLiteral("ALTER TABLE events DROP COLUMN person")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 10")));
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM events WHERE batch_id = %1").arg(batch)) &&
                q.next());
        events = q.value(0).toLongLong();
        QVERIFY(events > 6);
    }

    // Opened again: migrated, every event kept, none of them given a person after the fact.
    {
        auto location = CatalogLocation::parse(spec);
        QVERIFY(location);
        auto catalog = Catalog::open(*location);
        QVERIFY2(catalog, catalog ? "" : qPrintable(catalog.error().message));
        QSqlQuery q((*catalog)->database());
        QVERIFY(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Catalog::latestVersion());
        auto kept = (*catalog)->events(batch);
        QVERIFY(kept);
        QCOMPARE(kept->size(), events);
        for (const EventRecord &e : std::as_const(*kept))
            QVERIFY2(e.person.isEmpty(), qPrintable(e.person));
    }

    // New work after the migration names its curator; the old batch's events stay as they were.
    const qint64 second = loadAndFetch(spec, QStringLiteral("bert"));
    QVERIFY(second > 0);
    auto location = CatalogLocation::parse(spec);
    auto catalog = Catalog::open(*location);
    QVERIFY(catalog);
    auto fresh = (*catalog)->events(second);
    QVERIFY(fresh && !fresh->isEmpty());
    for (const EventRecord &e : std::as_const(*fresh)) {
        if (EventPerson::isSoftware(e.agent))
            QCOMPARE(e.person, QStringLiteral("bert"));
    }
    auto old = (*catalog)->events(batch);
    QVERIFY(old);
    QCOMPARE(old->size(), events);
    // The PREMIS export of the old batch is valid with one agent per event.
    const QString path = validPremis(spec, batch, QStringLiteral("old"));
    QVERIFY(!path.isEmpty());
    const PremisDocument doc = readPremis(path);
    QCOMPARE(doc.events.size(), events);
    for (const PremisEvent &e : doc.events)
        QVERIFY(e.agents.size() <= 1);
    QVERIFY(!doc.agents.contains(QStringLiteral("curator:bert")));
}

void TestEventPerson::personOnlyBesideSoftware()
{
    // A person's own decision is not given a second person; the software is; a name given with the
    // "curator:" of decision agents is the same person.
    EventPerson::set(QStringLiteral("  curator:anna "));
    QCOMPARE(EventPerson::current(), QStringLiteral("anna"));
    EventRecord machine;
    machine.agent = QStringLiteral("gatehouse/1.0 fetch");
    QCOMPARE(EventPerson::of(machine), QStringLiteral("anna"));
    EventRecord decision;
    decision.agent = QStringLiteral("curator:clara");
    QVERIFY(EventPerson::of(decision).isEmpty());
    QVERIFY(EventPerson::column(decision).isNull());
    machine.person = QStringLiteral("bert");
    QCOMPARE(EventPerson::of(machine), QStringLiteral("bert"));
    EventPerson::set({});
    machine.person.clear();
    QVERIFY(EventPerson::column(machine).isNull());
}

QTEST_GUILESS_MAIN(TestEventPerson)
#include "tst_eventperson.moc"
