#include "metswriter.h"

#include <QXmlStreamWriter>

#include "itemlink.h"
#include "premiswriter.h"
#include "util/version.h"

namespace gh {

namespace {

const QString s_mets = QString::fromLatin1(MetsWriter::ns);
const QString s_xlink = QStringLiteral("http://www.w3.org/1999/xlink");
const QString s_xsi = QStringLiteral("http://www.w3.org/2001/XMLSchema-instance");
const QString s_premisId = QStringLiteral("premis");

QString fileId(qint64 id)
{
    return QStringLiteral("file-%1").arg(id);
}

/*!
    Items in id order, a page at a time, for walking beside the files (which come in the same order): the
    structMap needs each item's order and label without a query per item.
*/
class ItemCursor
{
public:
    ItemCursor(Catalog &catalog, qint64 batchId)
        : m_catalog(catalog)
        , m_batchId(batchId)
    {}

    //! The next item, or nothing at the end.
    Result<std::optional<ItemRecord>> next()
    {
        if (m_index >= m_page.size()) {
            if (m_done)
                return std::optional<ItemRecord>();
            constexpr int pageSize = 5000;
            auto page = m_catalog.items(m_batchId, m_afterId, pageSize);
            if (!page)
                return page.error();
            m_page = std::move(*page);
            m_index = 0;
            m_done = m_page.size() < pageSize;
            if (m_page.isEmpty())
                return std::optional<ItemRecord>();
            m_afterId = m_page.constLast().id;
        }
        return std::optional<ItemRecord>(m_page[m_index++]);
    }

private:
    Catalog &m_catalog;
    qint64 m_batchId;
    QList<ItemRecord> m_page;
    qsizetype m_index = 0;
    qint64 m_afterId = 0;
    bool m_done = false;
};

class Writer
{
public:
    Writer(const ExportJob &job, QIODevice &out, ExportProgress &progress)
        : m_job(job)
        , m_xml(&out)
        , m_progress(progress)
    {
        m_xml.setAutoFormatting(true);
        m_xml.setAutoFormattingIndent(1);
    }

    Status run()
    {
        auto batch = m_job.catalog->batch(m_job.batchId);
        if (!batch)
            return batch.error();
        m_xml.writeStartDocument();
        m_xml.writeNamespace(s_mets, QStringLiteral("mets"));
        m_xml.writeNamespace(s_xlink, QStringLiteral("xlink"));
        m_xml.writeNamespace(s_xsi, QStringLiteral("xsi"));
        m_xml.writeStartElement(s_mets, QStringLiteral("mets"));
        m_xml.writeAttribute(s_xsi, QStringLiteral("schemaLocation"),
                             QString::fromLatin1(MetsWriter::schemaLocation) + u' ' +
                                 QString::fromLatin1(PremisWriter::schemaLocation));
        m_xml.writeAttribute(QStringLiteral("OBJID"), ItemLink::batchUrl(batch->id));
        m_xml.writeAttribute(QStringLiteral("LABEL"), PremisWriter::xmlSafe(batch->name));
        m_xml.writeAttribute(QStringLiteral("TYPE"), QStringLiteral("batch"));

        m_xml.writeStartElement(s_mets, QStringLiteral("metsHdr"));
        m_xml.writeAttribute(QStringLiteral("CREATEDATE"),
                             QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        m_xml.writeStartElement(s_mets, QStringLiteral("agent"));
        m_xml.writeAttribute(QStringLiteral("ROLE"), QStringLiteral("CREATOR"));
        m_xml.writeAttribute(QStringLiteral("TYPE"), QStringLiteral("OTHER"));
        m_xml.writeAttribute(QStringLiteral("OTHERTYPE"), QStringLiteral("SOFTWARE"));
        m_xml.writeTextElement(s_mets, QStringLiteral("name"),
                               QStringLiteral("Gatehouse ") + versionString());
        m_xml.writeEndElement(); // agent
        m_xml.writeEndElement(); // metsHdr

        m_xml.writeStartElement(s_mets, QStringLiteral("amdSec"));
        m_xml.writeAttribute(QStringLiteral("ID"), QStringLiteral("amd"));
        m_xml.writeStartElement(s_mets, QStringLiteral("digiprovMD"));
        m_xml.writeAttribute(QStringLiteral("ID"), s_premisId);
        m_xml.writeStartElement(s_mets, QStringLiteral("mdWrap"));
        m_xml.writeAttribute(QStringLiteral("MDTYPE"), QStringLiteral("PREMIS"));
        m_xml.writeAttribute(QStringLiteral("MDTYPEVERSION"), QStringLiteral("3.0"));
        m_xml.writeStartElement(s_mets, QStringLiteral("xmlData"));
        if (Status s = PremisWriter::writeElement(m_job, m_xml, m_progress); !s)
            return s;
        m_xml.writeEndElement(); // xmlData
        m_xml.writeEndElement(); // mdWrap
        m_xml.writeEndElement(); // digiprovMD
        m_xml.writeEndElement(); // amdSec

        if (Status s = writeFileSec(); !s)
            return s;
        if (Status s = writeStructMap(*batch); !s)
            return s;
        m_xml.writeEndElement(); // mets
        m_xml.writeEndDocument();
        return {};
    }

private:
    // Only stored files: a METS file element points at bytes that exist.
    Status writeFileSec()
    {
        bool open = false;
        Status s = m_job.catalog->forEachFile(m_job.batchId, [&](const FileRecord &f) {
            if (f.storedKey.isEmpty())
                return m_progress.step();
            if (!open) {
                m_xml.writeStartElement(s_mets, QStringLiteral("fileSec"));
                m_xml.writeStartElement(s_mets, QStringLiteral("fileGrp"));
                m_xml.writeAttribute(QStringLiteral("USE"), QStringLiteral("stored"));
                open = true;
            }
            m_xml.writeStartElement(s_mets, QStringLiteral("file"));
            m_xml.writeAttribute(QStringLiteral("ID"), fileId(f.id));
            if (!f.mimetype.isEmpty())
                m_xml.writeAttribute(QStringLiteral("MIMETYPE"), PremisWriter::xmlSafe(f.mimetype));
            if (f.size >= 0)
                m_xml.writeAttribute(QStringLiteral("SIZE"), QString::number(f.size));
            if (f.processedAt.isValid())
                m_xml.writeAttribute(QStringLiteral("CREATED"), f.processedAt.toUTC().toString(Qt::ISODate));
            if (!f.digests.sha256.isEmpty()) {
                m_xml.writeAttribute(QStringLiteral("CHECKSUM"), f.digests.sha256);
                m_xml.writeAttribute(QStringLiteral("CHECKSUMTYPE"), QStringLiteral("SHA-256"));
            }
            m_xml.writeAttribute(QStringLiteral("ADMID"), s_premisId);
            m_xml.writeStartElement(s_mets, QStringLiteral("FLocat"));
            m_xml.writeAttribute(QStringLiteral("LOCTYPE"), QStringLiteral("OTHER"));
            m_xml.writeAttribute(QStringLiteral("OTHERLOCTYPE"), QStringLiteral("stored key"));
            m_xml.writeAttribute(s_xlink, QStringLiteral("href"), PremisWriter::xmlSafe(f.storedKey));
            if (!m_job.storeDescription.isEmpty())
                m_xml.writeAttribute(s_xlink, QStringLiteral("title"),
                                     PremisWriter::xmlSafe(m_job.storeDescription));
            m_xml.writeEndElement(); // FLocat
            m_xml.writeEndElement(); // file
            return m_progress.step();
        });
        if (!s)
            return s;
        if (m_progress.cancelled())
            return ExportProgress::cancelledError();
        if (open) {
            m_xml.writeEndElement(); // fileGrp
            m_xml.writeEndElement(); // fileSec
        }
        return {};
    }

    void startItem(const ItemRecord &item, bool withId)
    {
        m_xml.writeStartElement(s_mets, QStringLiteral("div"));
        if (withId)
            m_xml.writeAttribute(QStringLiteral("ID"), QStringLiteral("item-%1").arg(item.id));
        m_xml.writeAttribute(QStringLiteral("TYPE"), QStringLiteral("item"));
        m_xml.writeAttribute(QStringLiteral("ORDER"), QString::number(item.seq));
        m_xml.writeAttribute(QStringLiteral("ORDERLABEL"), PremisWriter::xmlSafe(item.identifier));
        m_xml.writeAttribute(QStringLiteral("LABEL"),
                             PremisWriter::xmlSafe(item.label.isEmpty() ? item.identifier : item.label));
        m_xml.writeAttribute(QStringLiteral("CONTENTIDS"), ItemLink::itemUrl(item.batchId, item.id));
    }

    // The batch's items in order, each with pointers to its stored files. Files come in id order, grouped by
    // item in the items' own order, so one pass over each suffices; an item without stored files is an
    // empty div, so the structure stays complete.
    Status writeStructMap(const BatchRecord &batch)
    {
        m_xml.writeStartElement(s_mets, QStringLiteral("structMap"));
        m_xml.writeAttribute(QStringLiteral("TYPE"), QStringLiteral("logical"));
        m_xml.writeStartElement(s_mets, QStringLiteral("div"));
        m_xml.writeAttribute(QStringLiteral("TYPE"), QStringLiteral("batch"));
        m_xml.writeAttribute(QStringLiteral("LABEL"), PremisWriter::xmlSafe(batch.name));

        ItemCursor items(*m_job.catalog, batch.id);
        qint64 openItem = 0;
        qint64 cursor = 0; // the id of the last item taken from the cursor
        // Writes the items the cursor holds before itemId as empty divs and opens itemId's div; with itemId
        // 0, writes all the remaining ones.
        auto advanceTo = [&](qint64 itemId) -> Status {
            while (itemId == 0 || itemId > cursor) {
                auto next = items.next();
                if (!next)
                    return next.error();
                if (!*next)
                    break;
                cursor = (*next)->id;
                startItem(**next, true);
                m_progress.step();
                if (cursor == itemId) {
                    openItem = itemId;
                    return {};
                }
                m_xml.writeEndElement();
            }
            if (itemId == 0)
                return {};
            // A file out of the items' order: name its item again (without the ID, which must stay unique)
            // rather than lose the file.
            auto item = m_job.catalog->item(itemId);
            if (!item)
                return item.error();
            startItem(*item, false);
            openItem = itemId;
            return {};
        };
        Status failure;
        Status s = m_job.catalog->forEachFile(batch.id, [&](const FileRecord &f) {
            if (f.itemId != openItem) {
                if (openItem != 0)
                    m_xml.writeEndElement();
                if (Status moved = advanceTo(f.itemId); !moved) {
                    failure = moved;
                    return false;
                }
            }
            if (!f.storedKey.isEmpty()) {
                m_xml.writeStartElement(s_mets, QStringLiteral("fptr"));
                m_xml.writeAttribute(QStringLiteral("FILEID"), fileId(f.id));
                m_xml.writeEndElement();
            }
            return m_progress.step();
        });
        if (!s)
            return s;
        if (!failure)
            return failure;
        if (m_progress.cancelled())
            return ExportProgress::cancelledError();
        if (openItem != 0)
            m_xml.writeEndElement();
        if (Status rest = advanceTo(0); !rest)
            return rest;
        m_xml.writeEndElement(); // div batch
        m_xml.writeEndElement(); // structMap
        return {};
    }

    const ExportJob &m_job;
    QXmlStreamWriter m_xml;
    ExportProgress &m_progress;
};

} // namespace

Status MetsWriter::write(const ExportJob &job, QIODevice &out)
{
    auto premis = PremisWriter::recordCount(*job.catalog, job.batchId);
    if (!premis)
        return premis.error();
    auto batch = job.catalog->batch(job.batchId);
    if (!batch)
        return batch.error();
    ExportProgress progress(job, *premis + 2 * batch->files + batch->items);
    Writer writer(job, out, progress);
    if (Status s = writer.run(); !s)
        return s;
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

} // namespace gh
