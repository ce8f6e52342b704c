#include "schemavalidator.h"

#include <memory>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QUrl>

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

namespace gh::test {

namespace {

void collect(void *context, xmlErrorPtr error)
{
    auto *problems = static_cast<QStringList *>(context);
    problems->append(
        QStringLiteral("line %1: %2").arg(error->line).arg(QString::fromUtf8(error->message).trimmed()));
}

// Only local files: a schema import the catalog does not map must fail here, not reach the network.
xmlParserInputPtr localOnly(const char *url, const char *id, xmlParserCtxtPtr context)
{
    if (url) {
        xmlChar *resolved = xmlCatalogResolveURI(reinterpret_cast<const xmlChar *>(url));
        const QString target =
            resolved ? QString::fromUtf8(reinterpret_cast<const char *>(resolved)) : QString::fromUtf8(url);
        if (resolved)
            xmlFree(resolved);
        if (target.startsWith(u"http:") || target.startsWith(u"https:") || target.startsWith(u"ftp:"))
            return nullptr;
        return xmlNewInputFromFile(context, target.startsWith(u"file://") ? target.mid(7).toUtf8().constData()
                                                                          : target.toUtf8().constData());
    }
    Q_UNUSED(id);
    return nullptr;
}

void initialise()
{
    static const bool done = [] {
        xmlInitParser();
        xmlLoadCatalog(QDir(schemasDir()).filePath(QStringLiteral("catalog.xml")).toUtf8().constData());
        xmlSetExternalEntityLoader(localOnly);
        return true;
    }();
    Q_UNUSED(done);
}

struct Schema
{
    xmlSchemaParserCtxtPtr parser = nullptr;
    xmlSchemaPtr schema = nullptr;
    xmlSchemaValidCtxtPtr valid = nullptr;
    ~Schema()
    {
        if (valid)
            xmlSchemaFreeValidCtxt(valid);
        if (schema)
            xmlSchemaFree(schema);
        if (parser)
            xmlSchemaFreeParserCtxt(parser);
    }
};

bool load(Schema &s, const QString &path, QStringList &problems)
{
    initialise();
    s.parser = xmlSchemaNewParserCtxt(path.toUtf8().constData());
    xmlSchemaSetParserStructuredErrors(s.parser, collect, &problems);
    s.schema = xmlSchemaParse(s.parser);
    if (!s.schema) {
        problems.prepend(QStringLiteral("schema %1 does not compile").arg(path));
        return false;
    }
    s.valid = xmlSchemaNewValidCtxt(s.schema);
    xmlSchemaSetValidStructuredErrors(s.valid, collect, &problems);
    return true;
}

} // namespace

QString schemasDir()
{
    return QStringLiteral(GATEHOUSE_SCHEMAS_DIR);
}

QStringList validateFile(const QString &xmlPath, const QList<std::pair<QString, QString>> &xsds)
{
    QStringList problems;
    // One schema importing them all (written to a temporary folder; the schemas themselves stay where they
    // are).
    QTemporaryDir dir;
    const QString wrapper = dir.filePath(QStringLiteral("all.xsd"));
    QString text = QStringLiteral("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                                  "targetNamespace=\"urn:gatehouse:test:all\">\n");
    for (const auto &[ns, xsd] : xsds) {
        const QString path = QDir(schemasDir()).filePath(xsd);
        if (!QFileInfo::exists(path))
            return {QStringLiteral("schema %1 not found").arg(path)};
        text += QStringLiteral("  <xs:import namespace=\"%1\" schemaLocation=\"%2\"/>\n")
                    .arg(ns, QUrl::fromLocalFile(path).toString());
    }
    text += QStringLiteral("</xs:schema>\n");
    QFile file(wrapper);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0)
        return {QStringLiteral("cannot write %1").arg(wrapper)};
    file.close();

    Schema schema;
    if (!load(schema, wrapper, problems))
        return problems;
    xmlDocPtr doc = xmlReadFile(xmlPath.toUtf8().constData(), nullptr, XML_PARSE_NONET);
    if (!doc)
        return {QStringLiteral("%1 is not well-formed XML").arg(xmlPath)};
    if (xmlSchemaValidateDoc(schema.valid, doc) != 0 && problems.isEmpty())
        problems.append(QStringLiteral("invalid"));
    xmlFreeDoc(doc);
    return problems;
}

} // namespace gh::test
