#include "schemafetch.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#include "intake/remote/remotefetcher.h"
#include "intake/xml/safexml.h"
#include "schemaset.h"
#include "util/savefile.h"

namespace gh {

namespace {

constexpr qint64 s_maxSchemaBytes = 16 * 1024 * 1024;
const QString s_xsdNs = QStringLiteral("http://www.w3.org/2001/XMLSchema");

QString xmlEscaped(const QString &text)
{
    return text.toHtmlEscaped();
}

} // namespace

const QList<SchemaFetch::Schema> &SchemaFetch::standardSet()
{
    static const QList<Schema> set{
        {QStringLiteral("xml: namespace (W3C)"),
         QStringLiteral("http://www.w3.org/2001/xml.xsd"),
         QStringLiteral("xml/xml.xsd"),
         {}},
        {QStringLiteral("xml: namespace (as MODS imports it)"),
         QStringLiteral("http://www.loc.gov/mods/xml.xsd"),
         QStringLiteral("xml/loc-mods-xml.xsd"),
         {}},
        {QStringLiteral("XLink"),
         QStringLiteral("http://www.loc.gov/standards/xlink/xlink.xsd"),
         QStringLiteral("xlink/xlink.xsd"),
         {QStringLiteral("http://www.loc.gov/standards/mods/xlink.xsd"),
          QStringLiteral("http://www.w3.org/1999/xlink.xsd")}},
        {QStringLiteral("ALTO 2.0"),
         QStringLiteral("http://www.loc.gov/standards/alto/alto-v2.0.xsd"),
         QStringLiteral("alto/alto-2-0.xsd"),
         {}},
        {QStringLiteral("ALTO 4.2"),
         QStringLiteral("http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"),
         QStringLiteral("alto/alto-4-2.xsd"),
         {}},
        {QStringLiteral("MIX 2.0"),
         QStringLiteral("http://www.loc.gov/standards/mix/mix20/mix20.xsd"),
         QStringLiteral("mix/mix-2-0.xsd"),
         {QStringLiteral("http://www.loc.gov/standards/mix/mix.xsd")}},
        {QStringLiteral("MODS 3.7"),
         QStringLiteral("http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"),
         QStringLiteral("mods/mods-3-7.xsd"),
         {}},
        {QStringLiteral("MODS 3.8"),
         QStringLiteral("http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"),
         QStringLiteral("mods/mods-3-8.xsd"),
         {QStringLiteral("http://www.loc.gov/standards/mods/v3/mods.xsd")}},
        {QStringLiteral("METS 1.12.1"),
         QStringLiteral("http://www.loc.gov/standards/mets/version1121/mets.xsd"),
         QStringLiteral("mets/mets-1-12-1.xsd"),
         {QStringLiteral("http://www.loc.gov/standards/mets/mets.xsd")}},
        {QStringLiteral("PREMIS 3.0"),
         QStringLiteral("http://www.loc.gov/standards/premis/v3/premis.xsd"),
         QStringLiteral("premis/premis-3-0.xsd"),
         {QStringLiteral("http://www.loc.gov/standards/premis/premis.xsd")}},
    };
    return set;
}

Result<QList<SchemaFetch::Saved>> SchemaFetch::fetch(const QString &folder, const QString &fromPrefix,
                                                     const TransferOptions &transfer,
                                                     std::atomic_bool *cancel)
{
    const QDir target(folder);
    if (!QDir().mkpath(target.absolutePath()))
        return Error{ErrorCode::Io, tr("Cannot create the folder %1 for the schemas.")
                                        .arg(QDir::toNativeSeparators(target.absolutePath()))};
    QString prefix = fromPrefix.trimmed();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    if (!prefix.isEmpty() && !RemoteFetcher::isRemote(prefix + u'/'))
        return Error{ErrorCode::Usage,
                     tr("--from takes an http or https URL prefix, not \"%1\".").arg(fromPrefix)};

    IntakeOptions options;
    options.transfer = transfer;
    options.cancel = cancel;
    RemoteFetcher fetcher(options);
    // Everything is downloaded and recognised first, so a bad mirror leaves what was saved before alone.
    QList<QByteArray> contents;
    QList<QUrl> urls;
    for (const Schema &schema : standardSet()) {
        if (cancel && cancel->load())
            return Error{ErrorCode::Cancelled, tr("Fetching the schemas was cancelled.")};
        const QUrl url(prefix.isEmpty() ? schema.url : prefix + u'/' + schema.path);
        auto fetched = fetcher.fetch(url, s_maxSchemaBytes);
        if (!fetched)
            return Error{fetched.error().code,
                         tr("Cannot download the %1 schema: %2").arg(schema.label, fetched.error().message)};
        const QByteArray &content = fetched->second;
        const auto [rootNs, rootName] = XmlDocument::rootElementName(content.left(64 * 1024));
        if (rootNs != s_xsdNs || rootName != u"schema")
            return Error{ErrorCode::Invalid,
                         tr("%1 is not an XML schema (its root element is not xs:schema); "
                            "nothing was saved.")
                             .arg(url.toDisplayString())};
        contents.append(content);
        urls.append(url);
    }
    QList<Saved> saved;
    for (qsizetype i = 0; i < standardSet().size(); ++i) {
        const Schema &schema = standardSet()[i];
        const QString file = target.absoluteFilePath(schema.path);
        if (!QDir().mkpath(QFileInfo(file).absolutePath()))
            return Error{ErrorCode::Io, tr("Cannot create the folder %1.")
                                            .arg(QDir::toNativeSeparators(QFileInfo(file).absolutePath()))};
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(contents[i]) != contents[i].size() ||
            !SaveFile::commit(out))
            return Error{
                ErrorCode::Io,
                tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(file), SaveFile::failure(out))};
        saved.append({schema.label, urls[i].toString(), file, contents[i].size()});
    }

    // The catalog maps official locations and aliases to the saved files, relative to itself.
    QString catalog = QStringLiteral(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!-- Written by gatehouse-cli schemas fetch: the standard schemas, saved from their official "
        "locations. -->\n"
        "<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n");
    for (const Schema &schema : standardSet()) {
        for (const QString &name : QStringList{schema.url} + schema.aliases)
            catalog += QStringLiteral("  <uri name=\"%1\" uri=\"%2\"/>\n")
                           .arg(xmlEscaped(name), xmlEscaped(schema.path));
    }
    catalog += QStringLiteral("</catalog>\n");
    const QString catalogPath = target.absoluteFilePath(QStringLiteral("catalog.xml"));
    QSaveFile out(catalogPath);
    const QByteArray bytes = catalog.toUtf8();
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !SaveFile::commit(out))
        return Error{
            ErrorCode::Io,
            tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(catalogPath), SaveFile::failure(out))};

    auto set = SchemaSet::open(catalogPath);
    if (!set)
        return set.error();
    if (Status s = (*set)->compileAll(); !s)
        return Error{s.error().code,
                     tr("The downloaded schemas do not compile offline: %1").arg(s.error().message)};
    return saved;
}

} // namespace gh
