#include "imscpingester.h"

#include <QJsonArray>
#include <QLocale>

namespace gh {

namespace {

constexpr int s_listedInWarnings = 10;

QString listSome(const QStringList &names)
{
    QStringList shown = names.mid(0, s_listedInWarnings);
    if (names.size() > s_listedInWarnings)
        shown.append(ImsCpReader::tr("and %1 more").arg(names.size() - s_listedInWarnings));
    return shown.join(QStringLiteral(", "));
}

//! The text of a LOM string container: LOM's <string language=…> or IMS MD 1.2's <langstring xml:lang=…>,
//! in the curator's language, else English, else the first.
QString lomText(const XmlElement &container)
{
    QList<std::pair<QString, QString>> strings;
    for (const XmlElement &child : container.children()) {
        if (child.localName() != u"string" && child.localName() != u"langstring")
            continue;
        QString language = child.attribute(QStringLiteral("language"));
        if (language.isEmpty())
            language = child.attribute(xmlns::xml, QStringLiteral("lang"));
        if (!child.text().isEmpty())
            strings.append({language.toLower(), child.text()});
    }
    if (strings.isEmpty())
        return container.children().isEmpty() ? container.text() : QString();
    QStringList preferred;
    for (const QString &ui : QLocale().uiLanguages())
        preferred << ui.toLower() << ui.section(u'-', 0, 0).toLower();
    preferred << QStringLiteral("en");
    for (const QString &language : std::as_const(preferred)) {
        for (const auto &s : std::as_const(strings)) {
            if (s.first == language || s.first.startsWith(language + u'-'))
                return s.second;
        }
    }
    return strings.first().second;
}

XmlElement child(const XmlElement &parent, const char *localName)
{
    return parent.firstChild(QString(), QString::fromLatin1(localName));
}

//! LOM fields into \a metadata, overriding what is there.
void readLom(const XmlElement &lom, QJsonObject &metadata)
{
    if (lom.isNull())
        return;
    const XmlElement general = child(lom, "general");
    if (const QString title = lomText(child(general, "title")); !title.isEmpty())
        metadata.insert(QStringLiteral("title"), title);
    if (const QString description = lomText(child(general, "description")); !description.isEmpty())
        metadata.insert(QStringLiteral("description"), description);
    QJsonArray keywords;
    for (const XmlElement &keyword : general.children(QString(), QStringLiteral("keyword"))) {
        if (const QString text = lomText(keyword); !text.isEmpty())
            keywords.append(text);
    }
    if (!keywords.isEmpty())
        metadata.insert(QStringLiteral("keywords"), keywords);
    // LOM: general/identifier/entry; IMS MD 1.2: general/catalogentry/entry/langstring.
    QString identifier = child(child(general, "identifier"), "entry").text();
    if (identifier.isEmpty())
        identifier = lomText(child(child(general, "catalogentry"), "entry"));
    if (!identifier.isEmpty())
        metadata.insert(QStringLiteral("identifier"), identifier);
    if (const QString language = child(general, "language").text(); !language.isEmpty())
        metadata.insert(QStringLiteral("language"), language);
    if (const QString rights = lomText(child(child(lom, "rights"), "description")); !rights.isEmpty())
        metadata.insert(QStringLiteral("rights"), rights);
    metadata.insert(QStringLiteral("metadata_format"), QStringLiteral("lom"));
}

XmlElement lomOf(const XmlElement &element)
{
    return child(element, "metadata").firstDescendant(QString(), QStringLiteral("lom"));
}

//! xml:base values join like relative URLs: each one ends in a folder.
QString joinBase(const QString &base, const XmlElement &element)
{
    QString own = element.attribute(xmlns::xml, QStringLiteral("base"));
    if (own.isEmpty() || own == u"./")
        return base;
    if (!own.endsWith(u'/'))
        own += u'/';
    return base + own;
}

class CpBuilder
{
public:
    CpBuilder(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context)
        : m_document(document)
        , m_files(files)
        , m_context(context)
        , m_name(files.manifestName())
    {}

    Status run();

private:
    struct Resource
    {
        XmlElement element;
        QString base;
        bool claimed = false;
    };
    Status walk(const XmlElement &parent, const QStringList &path);
    void addResourceFiles(ItemDraft &item, Resource &resource);
    Status send(ItemDraft item);

    const XmlDocument &m_document;
    const ManifestFiles &m_files;
    IntakeContext &m_context;
    QString m_name;
    QJsonObject m_packageMetadata;
    QString m_organizationTitle;
    QHash<QString, Resource> m_resources;
    QStringList m_resourceOrder;
    QSet<QString> m_referenced;
    QStringList m_warnings;
    QStringList m_missing;
    qint64 m_items = 0;
    qint64 m_fileCount = 0;
};

Status CpBuilder::send(ItemDraft item)
{
    if (m_context.options.cancelled())
        return Error{ErrorCode::Cancelled, ImsCpReader::tr("Loading %1 was cancelled.").arg(m_name)};
    ++m_items;
    m_fileCount += item.files.size();
    return m_context.sink.add(std::move(item));
}

void CpBuilder::addResourceFiles(ItemDraft &item, Resource &resource)
{
    resource.claimed = true;
    QStringList hrefs;
    QList<int> lines;
    // Launch hrefs may carry a query or fragment (index.html#start); the file is what precedes it.
    if (const QString href =
            resource.element.attribute(QStringLiteral("href")).section(u'#', 0, 0).section(u'?', 0, 0);
        !href.isEmpty()) {
        hrefs.append(href);
        lines.append(resource.element.line());
    }
    for (const XmlElement &file : resource.element.children(QString(), QStringLiteral("file"))) {
        const QString href = file.attribute(QStringLiteral("href"));
        if (!hrefs.contains(href)) {
            hrefs.append(href);
            lines.append(file.line());
        }
    }
    QSet<QString> names;
    for (const FileDraft &existing : std::as_const(item.files))
        names.insert(existing.name);
    for (qsizetype i = 0; i < hrefs.size(); ++i) {
        FileDraft file;
        const QString member = m_files.resolve(resource.base + hrefs[i], lines[i], file);
        if (!member.isEmpty())
            m_referenced.insert(member);
        if (file.status == FileStatus::Missing)
            m_missing.append(member.isEmpty() ? file.name : member);
        // Keep the folder in the name when two files of an item share a file name (two index.html).
        file.name =
            uniqueFileName(names.contains(file.name) && !member.isEmpty() ? member : file.name, names);
        item.files.append(file);
    }
}

Status CpBuilder::walk(const XmlElement &parent, const QStringList &path)
{
    for (const XmlElement &entry : parent.children(QString(), QStringLiteral("item"))) {
        const QString title = child(entry, "title").text();
        const QString ref = entry.attribute(QStringLiteral("identifierref"));
        if (!ref.isEmpty()) {
            ItemDraft item;
            item.identifier = entry.attribute(QStringLiteral("identifier"));
            if (item.identifier.isEmpty())
                item.identifier = ref;
            item.label = title.isEmpty() ? item.identifier : title;
            item.metadata = m_packageMetadata;
            item.metadata.remove(QStringLiteral("title"));
            if (!m_organizationTitle.isEmpty())
                item.metadata.insert(QStringLiteral("organization"), m_organizationTitle);
            if (!path.isEmpty())
                item.metadata.insert(QStringLiteral("path"), path.join(QStringLiteral(" / ")));
            auto resource = m_resources.find(ref);
            if (resource == m_resources.end()) {
                m_warnings.append(
                    ImsCpReader::tr("%1 (line %2): the item \"%3\" refers to the resource %4, which "
                                    "the manifest does not define.")
                        .arg(m_name)
                        .arg(entry.line())
                        .arg(item.label, ref));
            } else {
                readLom(lomOf(resource->element), item.metadata);
                item.metadata.insert(QStringLiteral("resource"), ref);
                if (const QString type = resource->element.attribute(QStringLiteral("type")); !type.isEmpty())
                    item.metadata.insert(QStringLiteral("resource_type"), type);
                if (const QString href = resource->element.attribute(QStringLiteral("href")); !href.isEmpty())
                    item.metadata.insert(QStringLiteral("href"), href);
                if (!resource->claimed)
                    addResourceFiles(item, *resource);
            }
            readLom(lomOf(entry), item.metadata);
            if (!title.isEmpty())
                item.metadata.insert(QStringLiteral("title"), title);
            if (Status s = send(std::move(item)); !s)
                return s;
        }
        QStringList childPath = path;
        if (!title.isEmpty())
            childPath.append(title);
        if (Status s = walk(entry, childPath); !s)
            return s;
    }
    return {};
}

Status CpBuilder::run()
{
    const XmlElement root = m_document.root();
    if (root.localName() != u"manifest" || !ImsCpReader::isImsCpNamespace(root.namespaceUri())) {
        return Error{ErrorCode::Invalid,
                     ImsCpReader::tr("%1 is not an IMS Content Packaging manifest: its root "
                                     "element is %2 in the namespace \"%3\".")
                         .arg(m_name, root.localName(), root.namespaceUri())};
    }
    readLom(lomOf(root), m_packageMetadata);
    if (m_packageMetadata.contains(QStringLiteral("title")))
        m_packageMetadata.insert(QStringLiteral("package_title"),
                                 m_packageMetadata.value(QStringLiteral("title")));

    const QString rootBase = joinBase(QString(), root);
    const XmlElement resources = child(root, "resources");
    const QString resourcesBase = joinBase(rootBase, resources);
    for (const XmlElement &resource : resources.children(QString(), QStringLiteral("resource"))) {
        const QString id = resource.attribute(QStringLiteral("identifier"));
        if (m_resources.contains(id)) {
            m_warnings.append(
                ImsCpReader::tr("%1 (line %2): the resource identifier %3 is used twice; the second "
                                "is ignored.")
                    .arg(m_name)
                    .arg(resource.line())
                    .arg(id));
            continue;
        }
        m_resources.insert(id, Resource{resource, joinBase(resourcesBase, resource)});
        m_resourceOrder.append(id);
    }

    const XmlElement organizations = child(root, "organizations");
    const QString defaultId = organizations.attribute(QStringLiteral("default"));
    XmlElement organization;
    const QList<XmlElement> all = organizations.children(QString(), QStringLiteral("organization"));
    for (const XmlElement &o : all) {
        if (o.attribute(QStringLiteral("identifier")) == defaultId) {
            organization = o;
            break;
        }
    }
    if (organization.isNull() && !all.isEmpty())
        organization = all.first();
    if (all.size() > 1) {
        m_warnings.append(ImsCpReader::tr("%1 has %2 organizations; the items follow \"%3\".")
                              .arg(m_name)
                              .arg(all.size())
                              .arg(organization.attribute(QStringLiteral("identifier"))));
    }
    m_organizationTitle = child(organization, "title").text();

    // The manifest and the schemas that travel with it.
    ItemDraft package;
    const QString identifier = root.attribute(QStringLiteral("identifier"));
    package.identifier = identifier.isEmpty() ? m_files.manifestFileName().section(u'.', 0, 0) : identifier;
    package.metadata = m_packageMetadata;
    if (!m_organizationTitle.isEmpty())
        package.metadata.insert(QStringLiteral("organization"), m_organizationTitle);
    package.label = m_packageMetadata.value(QStringLiteral("title")).toString();
    if (package.label.isEmpty())
        package.label = !m_organizationTitle.isEmpty() ? m_organizationTitle : m_files.manifestFileName();
    package.files.append(m_files.manifestFile());
    QList<FileDraft> extras = m_files.unlisted({});
    const QString manifestFolder = m_files.manifestName().section(u'/', 0, -2);
    QSet<QString> schemaFiles;
    for (const FileDraft &extra : std::as_const(extras)) {
        const QString folder = extra.name.section(u'/', 0, -2);
        if (extra.status == FileStatus::Pending && folder == manifestFolder &&
            (extra.name.endsWith(u".xsd", Qt::CaseInsensitive) ||
             extra.name.endsWith(u".dtd", Qt::CaseInsensitive))) {
            FileDraft schema = extra;
            schema.name = extra.name.section(u'/', -1);
            package.files.append(schema);
            schemaFiles.insert(extra.name);
        }
    }
    m_referenced += schemaFiles;
    if (Status s = send(std::move(package)); !s)
        return s;

    if (Status s = walk(organization, {}); !s)
        return s;

    for (const QString &id : std::as_const(m_resourceOrder)) {
        Resource &resource = m_resources[id];
        if (resource.claimed)
            continue;
        ItemDraft item;
        item.identifier = id;
        item.label = ImsCpReader::tr("Resource %1").arg(id);
        item.metadata = m_packageMetadata;
        item.metadata.remove(QStringLiteral("title"));
        readLom(lomOf(resource.element), item.metadata);
        item.metadata.insert(QStringLiteral("resource"), id);
        if (const QString type = resource.element.attribute(QStringLiteral("type")); !type.isEmpty())
            item.metadata.insert(QStringLiteral("resource_type"), type);
        addResourceFiles(item, resource);
        if (item.files.isEmpty())
            continue;
        if (Status s = send(std::move(item)); !s)
            return s;
    }

    extras = m_files.unlisted(m_referenced);
    if (!extras.isEmpty()) {
        ItemDraft unlisted;
        unlisted.identifier = QStringLiteral("unlisted");
        unlisted.label = ImsCpReader::tr("Files not listed in %1").arg(m_files.manifestFileName());
        QStringList names;
        for (const FileDraft &file : std::as_const(extras))
            names.append(file.name);
        unlisted.files = extras;
        m_warnings.append(ImsCpReader::tr("%n file(s) in the package are not listed in %1: %2.", nullptr,
                                          int(extras.size()))
                              .arg(m_name, listSome(names)));
        if (Status s = send(std::move(unlisted)); !s)
            return s;
    }
    if (!m_missing.isEmpty()) {
        m_warnings.prepend(
            ImsCpReader::tr("%1 lists %n file(s) that are missing: %2.", nullptr, int(m_missing.size()))
                .arg(m_name, listSome(m_missing)));
    }
    m_context.trace.add(
        QStringLiteral("manifest"),
        ImsCpReader::tr("Read %1 as an IMS content package: %2 items following the organization "
                        "\"%3\", %4 files.")
            .arg(m_name)
            .arg(m_items)
            .arg(m_organizationTitle.isEmpty() ? organization.attribute(QStringLiteral("identifier"))
                                               : m_organizationTitle)
            .arg(m_fileCount),
        m_warnings);
    return {};
}

} // namespace

bool ImsCpReader::isImsCpNamespace(const QString &ns)
{
    return ns.startsWith(u"http://www.imsglobal.org/xsd/imscp") ||
           ns.startsWith(u"http://www.imsproject.org/xsd/imscp");
}

Status ImsCpReader::read(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context)
{
    CpBuilder builder(document, files, context);
    return builder.run();
}

QString ImsCpPackageIngester::findManifest(const Package &package)
{
    const QString top = singleTopLevelFolder(package);
    const QString prefix = top.isEmpty() ? QString() : top + u'/';
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type == PackageEntry::Type::File && entry.path.startsWith(prefix) &&
            entry.path.mid(prefix.size()).compare(u"imsmanifest.xml", Qt::CaseInsensitive) == 0)
            return entry.path;
    }
    return {};
}

bool ImsCpPackageIngester::recognise(const Package &package) const
{
    return !findManifest(package).isEmpty();
}

Status ImsCpPackageIngester::ingest(const Package &package, IntakeContext &context)
{
    const QString path = findManifest(package);
    const auto content = package.read(path, XmlDocument::Limits{}.maxBytes);
    if (!content)
        return content.error();
    const auto document = XmlDocument::parse(*content, path);
    if (!document)
        return document.error();
    return ImsCpReader::read(*document, ManifestFiles::inPackage(package, path, context.options), context);
}

bool ImsCpDocumentIngester::recognise(const Document &document) const
{
    const XmlProbe probe = XmlDocument::probe(document.head);
    if (!probe.localName.isEmpty())
        return probe.localName == u"manifest" && ImsCpReader::isImsCpNamespace(probe.ns);
    // A DOCTYPE hides the root from the probe: claim the document when it names a manifest in an IMS CP
    // namespace, so the full parse refuses it and the chain says why.
    return probe.doctype.section(u':', -1) == u"manifest" &&
           document.head.contains("imsglobal.org/xsd/imscp");
}

Status ImsCpDocumentIngester::ingest(const Document &document, IntakeContext &context)
{
    const auto parsed = readXmlDocument(document.path);
    if (!parsed)
        return parsed.error();
    return ImsCpReader::read(*parsed, ManifestFiles::besideDocument(document, context.options), context);
}

} // namespace gh
