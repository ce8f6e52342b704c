#include "premiswriter.h"

#include <QHash>
#include <QMap>

#include "itemlink.h"
#include "util/version.h"

namespace gh {

namespace {

const QString s_xsi = QStringLiteral("http://www.w3.org/2001/XMLSchema-instance");
const QString s_premis = QString::fromLatin1(PremisWriter::ns);
const QString s_vocabulary = QStringLiteral("http://id.loc.gov/vocabulary/preservation/");

// The event types of the Library of Congress vocabulary (id.loc.gov/vocabulary/preservation/eventType),
// label → code. Stages record their events with these labels where one fits.
const QHash<QString, QString> &eventTypeCodes()
{
    static const QHash<QString, QString> codes{
        {QStringLiteral("accession"), QStringLiteral("acc")},
        {QStringLiteral("appraisal"), QStringLiteral("app")},
        {QStringLiteral("capture"), QStringLiteral("cap")},
        {QStringLiteral("compression"), QStringLiteral("com")},
        {QStringLiteral("compiling"), QStringLiteral("cop")},
        {QStringLiteral("creation"), QStringLiteral("cre")},
        {QStringLiteral("deaccession"), QStringLiteral("dea")},
        {QStringLiteral("decompression"), QStringLiteral("dec")},
        {QStringLiteral("deletion"), QStringLiteral("del")},
        {QStringLiteral("decryption"), QStringLiteral("der")},
        {QStringLiteral("digital signature validation"), QStringLiteral("dig")},
        {QStringLiteral("dissemination"), QStringLiteral("dis")},
        {QStringLiteral("digital signature generation"), QStringLiteral("dsg")},
        {QStringLiteral("displaying"), QStringLiteral("dsp")},
        {QStringLiteral("encryption"), QStringLiteral("enc")},
        {QStringLiteral("execution"), QStringLiteral("exe")},
        {QStringLiteral("exporting"), QStringLiteral("exp")},
        {QStringLiteral("extraction"), QStringLiteral("ext")},
        {QStringLiteral("forensic feature analysis"), QStringLiteral("ffa")},
        {QStringLiteral("filename change"), QStringLiteral("fil")},
        {QStringLiteral("fixity check"), QStringLiteral("fix")},
        {QStringLiteral("format identification"), QStringLiteral("for")},
        {QStringLiteral("imaging"), QStringLiteral("ima")},
        {QStringLiteral("ingestion end"), QStringLiteral("ine")},
        {QStringLiteral("ingestion"), QStringLiteral("ing")},
        {QStringLiteral("ingestion start"), QStringLiteral("ins")},
        {QStringLiteral("interpreting"), QStringLiteral("int")},
        {QStringLiteral("information package creation"), QStringLiteral("ipc")},
        {QStringLiteral("information package merging"), QStringLiteral("ipm")},
        {QStringLiteral("information package splitting"), QStringLiteral("ips")},
        {QStringLiteral("metadata extraction"), QStringLiteral("mee")},
        {QStringLiteral("metadata modification"), QStringLiteral("mem")},
        {QStringLiteral("message digest calculation"), QStringLiteral("mes")},
        {QStringLiteral("migration"), QStringLiteral("mig")},
        {QStringLiteral("modification"), QStringLiteral("mod")},
        {QStringLiteral("normalization"), QStringLiteral("nor")},
        {QStringLiteral("packing"), QStringLiteral("pac")},
        {QStringLiteral("policy assignment"), QStringLiteral("poa")},
        {QStringLiteral("printing"), QStringLiteral("prt")},
        {QStringLiteral("quarantine"), QStringLiteral("qua")},
        {QStringLiteral("recovery"), QStringLiteral("rec")},
        {QStringLiteral("redaction"), QStringLiteral("red")},
        {QStringLiteral("refreshment"), QStringLiteral("ref")},
        {QStringLiteral("rendering"), QStringLiteral("ren")},
        {QStringLiteral("replication"), QStringLiteral("rep")},
        {QStringLiteral("transfer"), QStringLiteral("tra")},
        {QStringLiteral("unpacking"), QStringLiteral("unp")},
        {QStringLiteral("unquarantine"), QStringLiteral("unq")},
        {QStringLiteral("validation"), QStringLiteral("val")},
        {QStringLiteral("virus check"), QStringLiteral("vir")},
    };
    return codes;
}

/*!
    An agent as events name it: "gatehouse/0.1.0 fetch" is the software, anything else a person (a curator
    who decided, approved or rejected).
*/
struct Agent
{
    QString id;
    QString name;
    bool software = false;
    QString version;
    QString note;

    static Agent from(const QString &text)
    {
        Agent agent;
        agent.id = text;
        static const QString software = QStringLiteral("gatehouse/");
        if (text.startsWith(software)) {
            agent.software = true;
            const QString rest = text.mid(software.size());
            agent.version = rest.section(u' ', 0, 0);
            agent.name = QStringLiteral("Gatehouse");
            const QString stage = rest.section(u' ', 1);
            if (!stage.isEmpty())
                agent.note = PremisWriter::tr("The %1 stage of Gatehouse").arg(stage);
        } else {
            agent.name = text.startsWith(u"curator:") ? text.mid(8) : text;
        }
        return agent;
    }
};

class Writer
{
public:
    Writer(const ExportJob &job, QXmlStreamWriter &xml, ExportProgress &progress, bool root)
        : m_root(root)
        , m_job(job)
        , m_xml(xml)
        , m_progress(progress)
    {}

    Status run()
    {
        auto batch = m_job.catalog->batch(m_job.batchId);
        if (!batch)
            return batch.error();
        m_xml.writeNamespace(s_premis, QStringLiteral("premis"));
        if (m_root)
            m_xml.writeNamespace(s_xsi, QStringLiteral("xsi"));
        m_xml.writeStartElement(s_premis, QStringLiteral("premis"));
        if (m_root)
            m_xml.writeAttribute(s_xsi, QStringLiteral("schemaLocation"),
                                 QString::fromLatin1(PremisWriter::schemaLocation));
        m_xml.writeAttribute(QStringLiteral("version"), QStringLiteral("3.0"));
        writeBatch(*batch);

        Status s = m_job.catalog->forEachItem(m_job.batchId, [&](const ItemRecord &item) {
            writeItem(item);
            return m_progress.step();
        });
        if (s)
            s = m_job.catalog->forEachFile(m_job.batchId, [&](const FileRecord &file) {
                writeFile(file);
                return m_progress.step();
            });
        if (s)
            s = m_job.catalog->forEachEvent(m_job.batchId, [&](const EventRecord &event) {
                writeEvent(event);
                return m_progress.step();
            });
        if (!s)
            return s;
        if (m_progress.cancelled())
            return ExportProgress::cancelledError();
        // The agents come last in a PREMIS document; the events named them all.
        for (const Agent &agent : std::as_const(m_agents))
            writeAgent(agent);
        m_xml.writeEndElement(); // premis
        return {};
    }

private:
    void element(const QString &name, const QString &text)
    {
        m_xml.writeTextElement(s_premis, name, PremisWriter::xmlSafe(text));
    }

    //! An element of type stringPlusAuthority with a term from an id.loc.gov vocabulary.
    void vocabularyElement(const QString &name, const QString &text, const QString &vocabulary,
                           const QString &code)
    {
        m_xml.writeStartElement(s_premis, name);
        if (!code.isEmpty()) {
            m_xml.writeAttribute(QStringLiteral("authority"), vocabulary);
            m_xml.writeAttribute(QStringLiteral("authorityURI"), s_vocabulary + vocabulary);
            m_xml.writeAttribute(QStringLiteral("valueURI"), s_vocabulary + vocabulary + u'/' + code);
        }
        m_xml.writeCharacters(PremisWriter::xmlSafe(text));
        m_xml.writeEndElement();
    }

    void identifier(const QString &kind, const QString &type, const QString &value)
    {
        m_xml.writeStartElement(s_premis, kind + QStringLiteral("Identifier"));
        element(kind + QStringLiteral("IdentifierType"), type);
        element(kind + QStringLiteral("IdentifierValue"), value);
        m_xml.writeEndElement();
    }

    void startObject(const QString &type)
    {
        m_xml.writeStartElement(s_premis, QStringLiteral("object"));
        m_xml.writeAttribute(s_xsi, QStringLiteral("type"), QStringLiteral("premis:") + type);
    }

    void includedIn(const QString &parentUrl)
    {
        m_xml.writeStartElement(s_premis, QStringLiteral("relationship"));
        element(QStringLiteral("relationshipType"), QStringLiteral("structural"));
        element(QStringLiteral("relationshipSubType"), QStringLiteral("is included in"));
        m_xml.writeStartElement(s_premis, QStringLiteral("relatedObjectIdentifier"));
        element(QStringLiteral("relatedObjectIdentifierType"), QStringLiteral("URI"));
        element(QStringLiteral("relatedObjectIdentifierValue"), parentUrl);
        m_xml.writeEndElement();
        m_xml.writeEndElement();
    }

    void significantProperty(const QString &type, const QString &value)
    {
        m_xml.writeStartElement(s_premis, QStringLiteral("significantProperties"));
        element(QStringLiteral("significantPropertiesType"), type);
        element(QStringLiteral("significantPropertiesValue"), value);
        m_xml.writeEndElement();
    }

    void writeBatch(const BatchRecord &batch)
    {
        startObject(QStringLiteral("intellectualEntity"));
        identifier(QStringLiteral("object"), QStringLiteral("URI"), ItemLink::batchUrl(batch.id));
        identifier(QStringLiteral("object"), QStringLiteral("gatehouse batch name"), batch.name);
        if (!batch.detected.isEmpty())
            significantProperty(QStringLiteral("detected as"), batch.detected);
        significantProperty(QStringLiteral("state"), batchStateKey(batch.state));
        element(QStringLiteral("originalName"), batch.source);
        m_xml.writeEndElement();
    }

    void writeItem(const ItemRecord &item)
    {
        startObject(QStringLiteral("intellectualEntity"));
        identifier(QStringLiteral("object"), QStringLiteral("URI"), ItemLink::itemUrl(item.batchId, item.id));
        identifier(QStringLiteral("object"), QStringLiteral("local"), item.identifier);
        if (!item.label.isEmpty())
            significantProperty(QStringLiteral("label"), item.label);
        significantProperty(QStringLiteral("order"), QString::number(item.seq));
        includedIn(ItemLink::batchUrl(item.batchId));
        m_xml.writeEndElement();
    }

    void fixity(const QString &algorithm, const QString &digest, const QString &originator)
    {
        if (digest.isEmpty())
            return;
        m_xml.writeStartElement(s_premis, QStringLiteral("fixity"));
        vocabularyElement(QStringLiteral("messageDigestAlgorithm"), algorithm,
                          QStringLiteral("cryptographicHashFunctions"), algorithm);
        element(QStringLiteral("messageDigest"), digest);
        element(QStringLiteral("messageDigestOriginator"), originator);
        m_xml.writeEndElement();
    }

    void writeFile(const FileRecord &f)
    {
        startObject(QStringLiteral("file"));
        identifier(QStringLiteral("object"), QStringLiteral("URI"), ItemLink::fileUrl(f.batchId, f.id));
        identifier(QStringLiteral("object"), QStringLiteral("local"), f.item + u'/' + f.name);

        m_xml.writeStartElement(s_premis, QStringLiteral("objectCharacteristics"));
        element(QStringLiteral("compositionLevel"), QStringLiteral("0"));
        // What Gatehouse computed, then what the supplier declared (verified, never trusted): both with
        // their originator, so a reader sees who vouches for which digest.
        const QString gatehouse = QStringLiteral("gatehouse/") + versionString();
        fixity(QStringLiteral("md5"), f.digests.md5, gatehouse);
        fixity(QStringLiteral("sha1"), f.digests.sha1, gatehouse);
        fixity(QStringLiteral("sha256"), f.digests.sha256, gatehouse);
        fixity(QStringLiteral("sha512"), f.digests.sha512, gatehouse);
        const QString supplier = f.declared.origin.isEmpty() ? QStringLiteral("supplier") : f.declared.origin;
        fixity(QStringLiteral("md5"), f.declared.md5, supplier);
        fixity(QStringLiteral("sha1"), f.declared.sha1, supplier);
        fixity(QStringLiteral("sha256"), f.declared.sha256, supplier);
        fixity(QStringLiteral("sha512"), f.declared.sha512, supplier);
        if (f.size >= 0)
            element(QStringLiteral("size"), QString::number(f.size));
        m_xml.writeStartElement(s_premis, QStringLiteral("format"));
        m_xml.writeStartElement(s_premis, QStringLiteral("formatDesignation"));
        const QString format = !f.mimetype.isEmpty()           ? f.mimetype
                               : !f.declaredMimetype.isEmpty() ? f.declaredMimetype
                                                               : QStringLiteral("unknown");
        element(QStringLiteral("formatName"), format);
        m_xml.writeEndElement(); // formatDesignation
        if (f.mimetype.isEmpty())
            element(QStringLiteral("formatNote"),
                    f.declaredMimetype.isEmpty() ? QStringLiteral("not identified")
                                                 : QStringLiteral("declared by the source, not identified"));
        m_xml.writeEndElement(); // format
        m_xml.writeEndElement(); // objectCharacteristics

        QString original = f.sourceUrl.isEmpty() ? f.sourcePath : f.sourceUrl;
        if (!f.sourceMember.isEmpty())
            original += QStringLiteral("!/") + f.sourceMember;
        if (!original.isEmpty())
            element(QStringLiteral("originalName"), original);

        // Where the bytes are now. The upload targets add their own storage elements here once they record
        // where each file went.
        if (!f.storedKey.isEmpty()) {
            m_xml.writeStartElement(s_premis, QStringLiteral("storage"));
            m_xml.writeStartElement(s_premis, QStringLiteral("contentLocation"));
            element(QStringLiteral("contentLocationType"), QStringLiteral("stored key"));
            element(QStringLiteral("contentLocationValue"), f.storedKey);
            m_xml.writeEndElement();
            if (!m_job.storeDescription.isEmpty())
                element(QStringLiteral("storageMedium"), m_job.storeDescription);
            m_xml.writeEndElement();
        }
        includedIn(ItemLink::itemUrl(f.batchId, f.itemId));
        m_xml.writeEndElement(); // object
    }

    void writeEvent(const EventRecord &e)
    {
        m_xml.writeStartElement(s_premis, QStringLiteral("event"));
        identifier(QStringLiteral("event"), QStringLiteral("URI"), ItemLink::eventUrl(e.batchId, e.id));
        const QString code = eventTypeCodes().value(e.type);
        vocabularyElement(QStringLiteral("eventType"), e.type, QStringLiteral("eventType"), code);
        element(QStringLiteral("eventDateTime"), Catalog::toDbTime(e.at));
        if (!e.detail.isEmpty()) {
            m_xml.writeStartElement(s_premis, QStringLiteral("eventDetailInformation"));
            element(QStringLiteral("eventDetail"), e.detail);
            m_xml.writeEndElement();
        }
        if (!e.outcome.isEmpty()) {
            static const QHash<QString, QString> outcomes{{QStringLiteral("success"), QStringLiteral("suc")},
                                                          {QStringLiteral("failure"), QStringLiteral("fai")},
                                                          {QStringLiteral("warning"), QStringLiteral("war")}};
            m_xml.writeStartElement(s_premis, QStringLiteral("eventOutcomeInformation"));
            vocabularyElement(QStringLiteral("eventOutcome"), e.outcome, QStringLiteral("eventOutcome"),
                              outcomes.value(e.outcome));
            m_xml.writeEndElement();
        }
        if (!e.agent.isEmpty()) {
            const Agent &agent = linkAgent(e.agent);
            // A machine event also names the person who ran the software (catalog v10): the software
            // executed it, the curator implemented it.
            if (agent.software && !e.person.isEmpty())
                linkAgent(QStringLiteral("curator:") + e.person);
        }
        m_xml.writeStartElement(s_premis, QStringLiteral("linkingObjectIdentifier"));
        element(QStringLiteral("linkingObjectIdentifierType"), QStringLiteral("URI"));
        element(QStringLiteral("linkingObjectIdentifierValue"),
                e.fileId > 0   ? ItemLink::fileUrl(e.batchId, e.fileId)
                : e.itemId > 0 ? ItemLink::itemUrl(e.batchId, e.itemId)
                               : ItemLink::batchUrl(e.batchId));
        m_xml.writeEndElement();
        m_xml.writeEndElement(); // event
    }

    //! Writes a linkingAgentIdentifier for \a id (its role: executing program for the software,
    //! implementer for a person) and keeps the agent for the agents section.
    const Agent &linkAgent(const QString &id)
    {
        auto known = m_agents.find(id);
        if (known == m_agents.end())
            known = m_agents.insert(id, Agent::from(id));
        m_xml.writeStartElement(s_premis, QStringLiteral("linkingAgentIdentifier"));
        element(QStringLiteral("linkingAgentIdentifierType"), QStringLiteral("local"));
        element(QStringLiteral("linkingAgentIdentifierValue"), id);
        if (known->software)
            vocabularyElement(QStringLiteral("linkingAgentRole"), QStringLiteral("executing program"),
                              QStringLiteral("eventRelatedAgentRole"), QStringLiteral("exe"));
        else
            vocabularyElement(QStringLiteral("linkingAgentRole"), QStringLiteral("implementer"),
                              QStringLiteral("eventRelatedAgentRole"), QStringLiteral("imp"));
        m_xml.writeEndElement();
        return *known;
    }

    void writeAgent(const Agent &agent)
    {
        m_xml.writeStartElement(s_premis, QStringLiteral("agent"));
        identifier(QStringLiteral("agent"), QStringLiteral("local"), agent.id);
        element(QStringLiteral("agentName"), agent.name);
        element(QStringLiteral("agentType"),
                agent.software ? QStringLiteral("software") : QStringLiteral("person"));
        if (!agent.version.isEmpty())
            element(QStringLiteral("agentVersion"), agent.version);
        if (!agent.note.isEmpty())
            element(QStringLiteral("agentNote"), agent.note);
        m_xml.writeEndElement();
    }

    bool m_root;
    const ExportJob &m_job;
    QXmlStreamWriter &m_xml;
    ExportProgress &m_progress;
    QMap<QString, Agent> m_agents;
};

} // namespace

QString PremisWriter::xmlSafe(const QString &text)
{
    QString safe;
    bool changed = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const char16_t u = c.unicode();
        bool ok =
            u == 0x9 || u == 0xA || u == 0xD || (u >= 0x20 && u < 0xD800) || (u >= 0xE000 && u <= 0xFFFD);
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            if (changed) {
                safe += c;
                safe += text[i + 1];
            }
            ++i;
            continue;
        }
        if (!ok && !changed) {
            safe = text.left(i);
            changed = true;
        }
        if (changed)
            safe += ok ? c : QChar(QChar::ReplacementCharacter);
    }
    return changed ? safe : text;
}

QString PremisWriter::eventTypeUri(const QString &type)
{
    const QString code = eventTypeCodes().value(type);
    return code.isEmpty() ? QString() : s_vocabulary + QStringLiteral("eventType/") + code;
}

Result<qint64> PremisWriter::recordCount(Catalog &catalog, qint64 batchId)
{
    auto batch = catalog.batch(batchId);
    if (!batch)
        return batch.error();
    // eventCounts reads the events a page at a time; a COUNT(*) would be cheaper, but this one call also
    // serves the _SUMMARY and keeps the catalog's interface small.
    auto counts = catalog.eventCounts(batchId);
    if (!counts)
        return counts.error();
    qint64 events = 0;
    for (const Catalog::EventCount &c : std::as_const(*counts))
        events += c.count;
    return batch->items + batch->files + events;
}

Status PremisWriter::writeElement(const ExportJob &job, QXmlStreamWriter &xml, ExportProgress &progress)
{
    Writer writer(job, xml, progress, false);
    return writer.run();
}

Status PremisWriter::write(const ExportJob &job, QIODevice &out)
{
    auto total = recordCount(*job.catalog, job.batchId);
    if (!total)
        return total.error();
    ExportProgress progress(job, *total);
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(1);
    xml.writeStartDocument();
    if (Status s = Writer(job, xml, progress, true).run(); !s)
        return s;
    xml.writeEndDocument();
    if (xml.hasError())
        return Error{ErrorCode::Io, tr("Writing the PREMIS document failed: %1").arg(out.errorString())};
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

} // namespace gh
