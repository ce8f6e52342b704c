#include "filechecks.h"

#include <QDir>
#include <QJsonArray>
#include <QLocale>
#include <QMimeDatabase>
#include <QRegularExpression>

#include "digest/fixity.h"
#include "metadatafacts.h"
#include "schemaset.h"

namespace gh {

namespace {

// Safe-reader messages carry "line N"; the finding keeps it as a number too.
int lineIn(const QString &message)
{
    static const QRegularExpression line(QStringLiteral("\\bline (\\d+)"));
    const QRegularExpressionMatch m = line.match(message);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool parsedXml(CheckSubject &subject)
{
    return subject.isXml() && subject.xml().ok();
}

} // namespace

// ---- fixity

QString FixityCheck::description() const
{
    return tr("The checksums the source declared match the ones computed when the file was fetched.");
}

bool FixityCheck::appliesTo(CheckSubject &subject) const
{
    const FileRecord &f = subject.file();
    return !f.declared.isEmpty() && !f.digests.isEmpty();
}

void FixityCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const FileRecord &f = subject.file();
    const Fixity::Verdict verdict = Fixity::compare(f.declared, f.digests);
    if (!verdict.checked) {
        sink.notApplicable();
        return;
    }
    if (!verdict.matches) {
        sink.report(tr("%1: the checksum does not match: %2 (declared in %3).")
                        .arg(subject.where(), verdict.detail,
                             f.declared.origin.isEmpty() ? tr("the manifest")
                                                         : QDir::toNativeSeparators(f.declared.origin)));
    }
}

// ---- empty

QString EmptyCheck::description() const
{
    return tr("Every file has content: no file is zero bytes long.");
}

bool EmptyCheck::appliesTo(CheckSubject &subject) const
{
    return subject.file().size >= 0;
}

void EmptyCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    if (subject.file().size == 0)
        sink.report(tr("%1 is empty (0 bytes).").arg(subject.where()));
}

// ---- mimetype-extension

QString MimetypeExtensionCheck::description() const
{
    return tr("The type of each file's content agrees with the type its extension says.");
}

bool MimetypeExtensionCheck::appliesTo(CheckSubject &subject) const
{
    const QString &type = subject.file().mimetype;
    return subject.file().size > 0 && !type.isEmpty() && type != u"application/octet-stream" &&
           !QMimeDatabase().mimeTypesForFileName(subject.file().name).isEmpty();
}

void MimetypeExtensionCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const QMimeDatabase db;
    const QMimeType sniffed = db.mimeTypeForName(subject.file().mimetype);
    const QList<QMimeType> byName = db.mimeTypesForFileName(subject.file().name);
    for (const QMimeType &named : byName) {
        if (!sniffed.isValid() || named == sniffed || named.inherits(sniffed.name()) ||
            sniffed.inherits(named.name()))
            return;
    }
    QStringList names;
    for (const QMimeType &named : byName)
        names.append(named.name());
    const QString suffix = db.suffixForFileName(subject.file().name);
    sink.report(tr("%1: the content is %2 (%3), but the extension \"%4\" says %5.")
                    .arg(subject.where(), sniffed.name(), sniffed.comment(),
                         suffix.isEmpty() ? subject.file().name.section(u'.', -1) : suffix,
                         names.join(QStringLiteral(" / "))));
}

// ---- jp2-structure

QString Jp2StructureCheck::description() const
{
    return tr("JPEG 2000 files have a sound JP2 structure: signature, file type, header with image header, "
              "codestream whose SIZ agrees, all tile-parts and the end marker.");
}

bool Jp2StructureCheck::appliesTo(CheckSubject &subject) const
{
    return subject.isJpeg2000();
}

void Jp2StructureCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const Jp2Structure &s = subject.jp2();
    if (s.problems.isEmpty())
        return;
    sink.report(tr("%1 is not a sound JPEG 2000 file: %2.")
                    .arg(subject.where(), s.problems.join(QStringLiteral("; "))));
}

// ---- xml-wellformed

QString XmlWellformedCheck::description() const
{
    return tr("Every XML file is well-formed, with no DTD, entities or external references.");
}

bool XmlWellformedCheck::appliesTo(CheckSubject &subject) const
{
    return subject.isXml();
}

void XmlWellformedCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const Error *error = nullptr;
    if (subject.streamsXml()) {
        if (const auto &streamed = subject.streamedXml(); !streamed)
            error = &streamed.error();
    } else if (const auto &document = subject.xml(); !document) {
        error = &document.error();
    }
    if (error)
        sink.report(error->message, lineIn(error->message));
}

// ---- xml-schema

QString XmlSchemaCheck::description() const
{
    return tr("Every XML file is valid against the XML schema for its namespace, from the configured schema "
              "folder or catalog; nothing is read from the network.");
}

bool XmlSchemaCheck::appliesTo(CheckSubject &subject) const
{
    if (!subject.environment().schemas || !subject.isXml())
        return false;
    return subject.streamsXml() ? subject.streamedXml().ok() : subject.xml().ok();
}

void XmlSchemaCheck::gatherFacts(CheckSubject &subject) const
{
    if (!subject.isXml())
        return;
    if (subject.streamsXml()) {
        if (const auto &streamed = subject.streamedXml())
            subject.facts().insert(QStringLiteral("xml_ns"), streamed->namespaceUri);
    } else if (const auto &document = subject.xml()) {
        subject.facts().insert(QStringLiteral("xml_ns"), document->root().namespaceUri());
    }
}

void XmlSchemaCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const SchemaSet &schemas = *subject.environment().schemas;
    const SchemaSet::Validation v =
        subject.streamsXml() ? *subject.streamedXml() : schemas.validate(*subject.xml());
    switch (v.outcome) {
    case SchemaSet::Outcome::Valid:
        subject.facts().insert(QStringLiteral("schema"), QFileInfo(v.schema).fileName());
        return;
    case SchemaSet::Outcome::NoSchema:
        subject.facts().insert(QStringLiteral("schema_missing"), v.namespaceUri);
        sink.notApplicable();
        return;
    case SchemaSet::Outcome::SchemaBroken:
        subject.facts().insert(QStringLiteral("schema_broken"), v.schema);
        sink.notApplicable();
        return;
    case SchemaSet::Outcome::Invalid:
        break;
    }
    const QString schema = QFileInfo(v.schema).fileName();
    for (const SchemaSet::Problem &p : v.problems)
        sink.report(tr("%1: not valid against %2: %3").arg(subject.where(p.line), schema, p.message), p.line);
    if (v.moreProblems > 0)
        sink.report(tr("%1: %2 more validity errors against %3.")
                        .arg(subject.where())
                        .arg(v.moreProblems)
                        .arg(schema));
}

namespace {

class XmlSchemaPass final : public BatchPass
{
    Q_DECLARE_TR_FUNCTIONS(gh::XmlSchemaCheck)

public:
    void item(const CheckedItem &item, FindingSink &sink) override
    {
        for (const CheckedItemFile &f : item.files) {
            if (!f.facts.contains(QStringLiteral("xml_ns")))
                continue;
            ++m_xmlFiles;
            // An empty namespace is a document in no namespace, and has no schema as much as any other.
            if (f.facts.contains(QStringLiteral("schema_missing"))) {
                Gap &gap = m_missing[f.facts.value(QStringLiteral("schema_missing")).toString()];
                if (gap.count++ == 0)
                    gap.first = sink.environment().displayPath(f.file);
            }
            if (const QString schema = f.facts.value(QStringLiteral("schema_broken")).toString();
                !schema.isEmpty()) {
                Gap &gap = m_broken[schema];
                if (gap.count++ == 0)
                    gap.first = sink.environment().displayPath(f.file);
            }
        }
    }

    void finish(FindingSink &sink) override
    {
        const CheckEnvironment &env = sink.environment();
        if (m_xmlFiles == 0)
            return;
        if (!env.schemas) {
            sink.reportOnBatch(FindingSeverity::Warning,
                               tr("xml-schema was skipped: %1 XML files were not validated because %2")
                                   .arg(m_xmlFiles)
                                   .arg(env.schemasProblem));
            return;
        }
        for (auto it = m_missing.cbegin(); it != m_missing.cend(); ++it) {
            const QString ns = it.key().isEmpty() ? tr("(no namespace)") : it.key();
            sink.reportOnBatch(
                FindingSeverity::Warning,
                tr("xml-schema: %1 has no schema for the namespace %2, so %3 XML files were not "
                   "validated (the first is %4).")
                    .arg(QDir::toNativeSeparators(env.schemas->location()), ns)
                    .arg(it->count)
                    .arg(it->first));
        }
        for (auto it = m_broken.cbegin(); it != m_broken.cend(); ++it) {
            sink.reportOnBatch(
                FindingSeverity::Error,
                tr("xml-schema: the schema %1 cannot be compiled (%2), so %3 XML files were not "
                   "validated (the first is %4).")
                    .arg(QDir::toNativeSeparators(it.key()), env.schemas->compileError(it.key()))
                    .arg(it->count)
                    .arg(it->first));
        }
    }

private:
    struct Gap
    {
        qint64 count = 0;
        QString first;
    };
    qint64 m_xmlFiles = 0;
    QMap<QString, Gap> m_missing;
    QMap<QString, Gap> m_broken;
};

} // namespace

std::unique_ptr<BatchPass> XmlSchemaCheck::startBatch(const CheckEnvironment &) const
{
    return std::make_unique<XmlSchemaPass>();
}

// ---- ocr-confidence

QString OcrConfidenceCheck::description() const
{
    return tr("The mean word confidence (WC) of each ALTO file reaches the profile's threshold.");
}

bool OcrConfidenceCheck::appliesTo(CheckSubject &subject) const
{
    return parsedXml(subject) && MetadataFacts::kindOf(subject.xml()->root()) == MetadataFacts::Kind::Alto;
}

void OcrConfidenceCheck::checkFile(CheckSubject &subject, FindingSink &sink) const
{
    const MetadataFacts::Confidence c = MetadataFacts::altoConfidence(subject.xml()->root());
    if (c.withConfidence == 0) {
        sink.notApplicable();
        return;
    }
    subject.facts().insert(QStringLiteral("ocr_confidence"), c.mean);
    const double threshold = subject.environment().profile.ocrMinConfidence;
    if (c.mean < threshold) {
        const QLocale c_locale = QLocale::c();
        sink.report(tr("%1: the mean OCR word confidence is %2 over %3 words, below %4.")
                        .arg(subject.where(), c_locale.toString(c.mean, 'f', 2))
                        .arg(c.withConfidence)
                        .arg(c_locale.toString(threshold, 'f', 2)));
    }
}

} // namespace gh
