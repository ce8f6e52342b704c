#include "metsingester.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include "digest/fixity.h"
#include "intake/xml/descriptive.h"

namespace gh {

namespace {

constexpr int s_listedInWarnings = 10;

struct MetsFile
{
    QString id;
    QString use; //!< The USE of its fileGrp ("MASTER", "DEFAULT", …).
    XmlElement element;
};

QString firstToken(const QString &idrefs)
{
    return idrefs.simplified().section(u' ', 0, 0);
}

QString listSome(const QStringList &names)
{
    QStringList shown = names.mid(0, s_listedInWarnings);
    if (names.size() > s_listedInWarnings)
        shown.append(MetsReader::tr("and %1 more").arg(names.size() - s_listedInWarnings));
    return shown.join(QStringLiteral(", "));
}

class MetsBuilder
{
public:
    MetsBuilder(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context)
        : m_document(document)
        , m_files(files)
        , m_context(context)
        , m_name(files.manifestName())
    {}

    Status run();

private:
    void readDescriptive(const XmlElement &root);
    void readFileGroup(const XmlElement &group, const QString &use);
    void collectFileIds(const XmlElement &div, QStringList &ids) const;
    FileDraft fileDraft(const MetsFile &file);
    void addFiles(ItemDraft &item, const QStringList &ids, QSet<QString> &names);
    QJsonObject metadataFor(const XmlElement &div) const;
    Status send(ItemDraft item);

    const XmlDocument &m_document;
    const ManifestFiles &m_files;
    IntakeContext &m_context;
    QString m_name;

    QHash<QString, QJsonObject> m_dmd;
    QString m_primaryDmd;
    QList<MetsFile> m_fileList;
    QHash<QString, qsizetype> m_fileIndex;
    QSet<QString> m_usedFileIds;
    QSet<QString> m_referencedMembers;
    QStringList m_warnings;
    QStringList m_missing;
    QStringList m_unknownFileIds;
    qint64 m_items = 0;
    qint64 m_fileCount = 0;
};

void MetsBuilder::readDescriptive(const XmlElement &root)
{
    for (const XmlElement &dmdSec : root.children(xmlns::mets, QStringLiteral("dmdSec"))) {
        const QString id = dmdSec.attribute(QStringLiteral("ID"));
        const XmlElement xmlData = dmdSec.firstChild(xmlns::mets, QStringLiteral("mdWrap"))
                                       .firstChild(xmlns::mets, QStringLiteral("xmlData"));
        QJsonObject metadata;
        if (const XmlElement mods = xmlData.firstDescendant(xmlns::mods, QStringLiteral("mods"));
            !mods.isNull()) {
            metadata = DescriptiveMetadata::fromMods(mods);
        } else if (!xmlData.firstDescendant(xmlns::dc, QString()).isNull()) {
            metadata = DescriptiveMetadata::fromDublinCore(xmlData);
        } else if (!dmdSec.firstChild(xmlns::mets, QStringLiteral("mdRef")).isNull()) {
            m_warnings.append(
                MetsReader::tr("%1 (line %2): the dmdSec %3 refers to external metadata (mdRef), "
                               "which is not read.")
                    .arg(m_name)
                    .arg(dmdSec.line())
                    .arg(id));
            continue;
        } else {
            m_warnings.append(
                MetsReader::tr("%1 (line %2): the dmdSec %3 holds neither MODS nor Dublin Core; its "
                               "metadata is not read.")
                    .arg(m_name)
                    .arg(dmdSec.line())
                    .arg(id));
            continue;
        }
        if (m_primaryDmd.isEmpty())
            m_primaryDmd = id;
        m_dmd.insert(id, metadata);
    }
}

void MetsBuilder::readFileGroup(const XmlElement &group, const QString &use)
{
    for (const XmlElement &child : group.children(xmlns::mets)) {
        if (child.localName() == u"fileGrp") {
            const QString own = child.attribute(QStringLiteral("USE"));
            readFileGroup(child, own.isEmpty() ? use : own);
        } else if (child.localName() == u"file") {
            const QString id = child.attribute(QStringLiteral("ID"));
            if (m_fileIndex.contains(id)) {
                m_warnings.append(MetsReader::tr("%1 (line %2): the file ID %3 is used twice; the second is "
                                                 "ignored.")
                                      .arg(m_name)
                                      .arg(child.line())
                                      .arg(id));
                continue;
            }
            m_fileIndex.insert(id, m_fileList.size());
            m_fileList.append(MetsFile{id, use, child});
            readFileGroup(child, use); // METS allows files within files (the parts of a container file)
        }
    }
}

void MetsBuilder::collectFileIds(const XmlElement &div, QStringList &ids) const
{
    for (const XmlElement &child : div.children(xmlns::mets)) {
        const QString name = child.localName();
        if (name == u"fptr") {
            if (const QString id = child.attribute(QStringLiteral("FILEID")); !id.isEmpty())
                ids.append(id);
            // Links to parts of files (par/seq/area) still name whole files.
            for (const XmlElement &area : child.descendants(xmlns::mets, QStringLiteral("area"))) {
                if (const QString id = area.attribute(QStringLiteral("FILEID"));
                    !id.isEmpty() && !ids.contains(id))
                    ids.append(id);
            }
        } else if (name == u"div") {
            collectFileIds(child, ids);
        }
    }
}

FileDraft MetsBuilder::fileDraft(const MetsFile &metsFile)
{
    const XmlElement &element = metsFile.element;
    FileDraft file;
    XmlElement location;
    for (const XmlElement &flocat : element.children(xmlns::mets, QStringLiteral("FLocat"))) {
        if (!flocat.attribute(xmlns::xlink, QStringLiteral("href")).isEmpty()) {
            location = flocat;
            break;
        }
    }
    if (location.isNull()) {
        file.name = metsFile.id;
        file.status = FileStatus::Unsupported;
        file.error =
            element.firstChild(xmlns::mets, QStringLiteral("FContent")).isNull()
                ? MetsReader::tr("%1 (line %2): the file %3 has no location.")
                      .arg(m_name)
                      .arg(element.line())
                      .arg(metsFile.id)
                : MetsReader::tr("%1 (line %2): the file %3 is embedded in the METS document (FContent), "
                                 "which Gatehouse does not extract.")
                      .arg(m_name)
                      .arg(element.line())
                      .arg(metsFile.id);
        return file;
    }
    const QString member =
        m_files.resolve(location.attribute(xmlns::xlink, QStringLiteral("href")), location.line(), file);
    if (!member.isEmpty())
        m_referencedMembers.insert(member);
    if (file.status == FileStatus::Missing)
        m_missing.append(member.isEmpty() ? file.name : member);

    file.declaredMimetype = element.attribute(QStringLiteral("MIMETYPE"));
    if (const QString size = element.attribute(QStringLiteral("SIZE")); !size.isEmpty()) {
        bool ok = false;
        const qint64 declared = size.toLongLong(&ok);
        if (!ok || declared < 0) {
            m_warnings.append(MetsReader::tr("%1 (line %2): the SIZE %3 of %4 is not a number of bytes.")
                                  .arg(m_name)
                                  .arg(element.line())
                                  .arg(size, file.name));
        } else if (file.sourcePath.isEmpty() && file.sourceMember.isEmpty()) {
            file.declaredSize = declared; // a download: the size to expect
        } else if (file.status == FileStatus::Pending && file.declaredSize >= 0 &&
                   file.declaredSize != declared) {
            m_warnings.append(
                MetsReader::tr("%1 (line %2) declares %3 bytes for %4, but the file has %5 bytes.")
                    .arg(m_name)
                    .arg(element.line())
                    .arg(declared)
                    .arg(file.name)
                    .arg(file.declaredSize));
        }
    }
    const QString checksum = element.attribute(QStringLiteral("CHECKSUM")).trimmed().toLower();
    const QString type = element.attribute(QStringLiteral("CHECKSUMTYPE"));
    if (!checksum.isEmpty() || !type.isEmpty()) {
        const auto algorithm = Fixity::algorithmFromName(type);
        if (!algorithm) {
            m_warnings.append(
                MetsReader::tr("%1 (line %2): the checksum type \"%3\" of %4 is not one Gatehouse "
                               "verifies (MD5, SHA-1, SHA-256, SHA-512); it is ignored.")
                    .arg(m_name)
                    .arg(element.line())
                    .arg(type, file.name));
        } else if (!Fixity::isHexDigest(checksum, *algorithm)) {
            m_warnings.append(MetsReader::tr("%1 (line %2): the %3 checksum \"%4\" of %5 is malformed; it is "
                                             "ignored.")
                                  .arg(m_name)
                                  .arg(element.line())
                                  .arg(type, checksum, file.name));
        } else {
            Fixity::declare(file.declared, *algorithm, checksum);
            file.declared.origin = m_name;
        }
    }
    return file;
}

void MetsBuilder::addFiles(ItemDraft &item, const QStringList &ids, QSet<QString> &names)
{
    for (const QString &id : ids) {
        const qsizetype index = m_fileIndex.value(id, -1);
        if (index < 0) {
            if (!m_unknownFileIds.contains(id))
                m_unknownFileIds.append(id);
            continue;
        }
        m_usedFileIds.insert(id);
        FileDraft file = fileDraft(m_fileList[index]);
        file.name = uniqueFileName(file.name.isEmpty() ? id : file.name, names);
        item.files.append(file);
    }
}

QJsonObject MetsBuilder::metadataFor(const XmlElement &div) const
{
    const QString own = firstToken(div.attribute(QStringLiteral("DMDID")));
    QJsonObject metadata = m_dmd.value(m_dmd.contains(own) ? own : m_primaryDmd);
    auto put = [&](const char *key, const QString &value) {
        if (!value.isEmpty())
            metadata.insert(QString::fromLatin1(key), value);
    };
    put("div_id", div.attribute(QStringLiteral("ID")));
    put("div_type", div.attribute(QStringLiteral("TYPE")));
    put("order_label", div.attribute(QStringLiteral("ORDERLABEL")));
    if (const int order = div.attribute(QStringLiteral("ORDER")).toInt(); order > 0)
        metadata.insert(QStringLiteral("order"), order);
    return metadata;
}

Status MetsBuilder::send(ItemDraft item)
{
    if (m_context.options.cancelled())
        return Error{ErrorCode::Cancelled, MetsReader::tr("Loading %1 was cancelled.").arg(m_name)};
    ++m_items;
    m_fileCount += item.files.size();
    return m_context.sink.add(std::move(item));
}

Status MetsBuilder::run()
{
    const XmlElement root = m_document.root();
    if (!root.is(xmlns::mets, QStringLiteral("mets"))) {
        return Error{ErrorCode::Invalid,
                     MetsReader::tr("%1 is not a METS document: its root element is %2 in the "
                                    "namespace \"%3\".")
                         .arg(m_name, root.localName(), root.namespaceUri())};
    }
    const QList<XmlElement> structMaps = root.children(xmlns::mets, QStringLiteral("structMap"));
    XmlElement structMap;
    for (const XmlElement &map : structMaps) {
        if (map.attribute(QStringLiteral("TYPE")).compare(u"physical", Qt::CaseInsensitive) == 0) {
            structMap = map;
            break;
        }
    }
    if (structMap.isNull() && !structMaps.isEmpty())
        structMap = structMaps.first();
    const XmlElement rootDiv = structMap.firstChild(xmlns::mets, QStringLiteral("div"));
    if (rootDiv.isNull()) {
        return Error{
            ErrorCode::Invalid,
            MetsReader::tr("%1 has no structure map (structMap with a div); METS requires one.").arg(m_name)};
    }

    readDescriptive(root);
    if (const QString own = firstToken(rootDiv.attribute(QStringLiteral("DMDID"))); m_dmd.contains(own))
        m_primaryDmd = own;
    for (const XmlElement &fileSec : root.children(xmlns::mets, QStringLiteral("fileSec")))
        readFileGroup(fileSec, QString());

    // The object: the METS document itself and what the root division points to directly.
    const QString baseName = m_files.manifestFileName().section(u'.', 0, 0);
    const QString objectId = root.attribute(QStringLiteral("OBJID")).isEmpty()
                                 ? baseName
                                 : root.attribute(QStringLiteral("OBJID")).trimmed();
    ItemDraft object;
    object.identifier = objectId;
    object.metadata = metadataFor(rootDiv);
    object.metadata.insert(QStringLiteral("mets_structure"),
                           structMap.attribute(QStringLiteral("TYPE")).isEmpty()
                               ? QStringLiteral("(untyped)")
                               : structMap.attribute(QStringLiteral("TYPE")));
    const QString title = object.metadata.value(QStringLiteral("title")).toString();
    object.label =
        !title.isEmpty()                                        ? title
        : !rootDiv.attribute(QStringLiteral("LABEL")).isEmpty() ? rootDiv.attribute(QStringLiteral("LABEL"))
        : !root.attribute(QStringLiteral("LABEL")).isEmpty()    ? root.attribute(QStringLiteral("LABEL"))
                                                                : objectId;
    // The batch's name: the document's own LABEL, else its descriptive title, else the root division's.
    m_context.trace.offerLabel(!root.attribute(QStringLiteral("LABEL")).trimmed().isEmpty()
                                   ? root.attribute(QStringLiteral("LABEL"))
                               : !title.isEmpty() ? title
                                                  : rootDiv.attribute(QStringLiteral("LABEL")));
    QSet<QString> objectNames;
    object.files.append(m_files.manifestFile());
    objectNames.insert(object.files.first().name);

    const QList<XmlElement> divisions = rootDiv.children(xmlns::mets, QStringLiteral("div"));
    QStringList rootIds;
    if (divisions.isEmpty()) {
        collectFileIds(rootDiv, rootIds);
    } else {
        for (const XmlElement &fptr : rootDiv.children(xmlns::mets, QStringLiteral("fptr"))) {
            if (const QString id = fptr.attribute(QStringLiteral("FILEID")); !id.isEmpty())
                rootIds.append(id);
        }
    }
    addFiles(object, rootIds, objectNames);
    if (Status s = send(std::move(object)); !s)
        return s;

    const int width = std::max<int>(4, int(QString::number(divisions.size()).size()));
    int position = 0;
    for (const XmlElement &div : divisions) {
        ++position;
        ItemDraft item;
        const int order = div.attribute(QStringLiteral("ORDER")).toInt();
        item.identifier =
            objectId + u'/' + QStringLiteral("%1").arg(order > 0 ? order : position, width, 10, QChar(u'0'));
        // Banning the object (its OBJID) bans every division of it.
        item.otherIdentifiers.append(objectId);
        const QString type = div.attribute(QStringLiteral("TYPE"));
        item.label = !div.attribute(QStringLiteral("LABEL")).isEmpty()
                         ? div.attribute(QStringLiteral("LABEL"))
                     : !div.attribute(QStringLiteral("ORDERLABEL")).isEmpty()
                         ? div.attribute(QStringLiteral("ORDERLABEL"))
                     : !type.isEmpty() ? MetsReader::tr("%1 %2").arg(type).arg(order > 0 ? order : position)
                                       : QString::number(order > 0 ? order : position);
        item.metadata = metadataFor(div);
        item.metadata.insert(QStringLiteral("object"), objectId);
        QStringList ids;
        collectFileIds(div, ids);
        QSet<QString> names;
        addFiles(item, ids, names);
        if (Status s = send(std::move(item)); !s)
            return s;
    }

    // Files of the fileSec that no division points to: listed, so they belong to the object, but the
    // structure does not say where.
    QStringList orphanIds;
    for (const MetsFile &file : std::as_const(m_fileList)) {
        if (!m_usedFileIds.contains(file.id))
            orphanIds.append(file.id);
    }
    if (!orphanIds.isEmpty()) {
        ItemDraft orphans;
        orphans.identifier = objectId + QStringLiteral("/not-in-structure");
        orphans.otherIdentifiers.append(objectId);
        orphans.label = MetsReader::tr("Files not in the structure map");
        orphans.metadata.insert(QStringLiteral("object"), objectId);
        QSet<QString> names;
        addFiles(orphans, orphanIds, names);
        m_warnings.append(
            MetsReader::tr("%1 lists %n file(s) that no division of the structure map points to: %2.",
                           nullptr, int(orphanIds.size()))
                .arg(m_name, listSome(orphanIds)));
        if (Status s = send(std::move(orphans)); !s)
            return s;
    }

    // Package members the METS does not list: the curator sees them rather than losing them.
    const QList<FileDraft> extras = m_files.unlisted(m_referencedMembers);
    if (!extras.isEmpty()) {
        ItemDraft unlisted;
        unlisted.identifier = objectId + QStringLiteral("/unlisted");
        unlisted.otherIdentifiers.append(objectId);
        unlisted.label = MetsReader::tr("Files not listed in %1").arg(m_files.manifestFileName());
        unlisted.metadata.insert(QStringLiteral("object"), objectId);
        QStringList names;
        for (const FileDraft &file : extras)
            names.append(file.name);
        unlisted.files = extras;
        m_warnings.append(
            MetsReader::tr("%n file(s) in the package are not listed in %1: %2.", nullptr, int(extras.size()))
                .arg(m_name, listSome(names)));
        if (Status s = send(std::move(unlisted)); !s)
            return s;
    }

    if (!m_missing.isEmpty()) {
        m_warnings.prepend(
            MetsReader::tr("%1 lists %n file(s) that are missing: %2.", nullptr, int(m_missing.size()))
                .arg(m_name, listSome(m_missing)));
    }
    if (!m_unknownFileIds.isEmpty()) {
        m_warnings.append(
            MetsReader::tr("%1: the structure map points to file IDs the fileSec does not define: %2.")
                .arg(m_name, listSome(m_unknownFileIds)));
    }
    m_context.trace.add(
        QStringLiteral("manifest"),
        MetsReader::tr("Read %1 as METS: %2 items from the %3 structure map (%4 divisions), %5 files.")
            .arg(m_name)
            .arg(m_items)
            .arg(structMap.attribute(QStringLiteral("TYPE")).isEmpty()
                     ? MetsReader::tr("untyped")
                     : structMap.attribute(QStringLiteral("TYPE")))
            .arg(divisions.size())
            .arg(m_fileCount),
        m_warnings);
    return {};
}

bool looksLikeMetsName(const QString &name)
{
    const QString lower = name.toLower();
    return lower == u"mets.xml" || lower.endsWith(u".mets.xml");
}

} // namespace

Status MetsReader::read(const XmlDocument &document, const ManifestFiles &files, IntakeContext &context)
{
    MetsBuilder builder(document, files, context);
    return builder.run();
}

QString MetsPackageIngester::findManifest(const Package &package)
{
    const QString top = singleTopLevelFolder(package);
    const QString prefix = top.isEmpty() ? QString() : top + u'/';
    QStringList others;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type != PackageEntry::Type::File || !entry.path.startsWith(prefix))
            continue;
        const QString name = entry.path.mid(prefix.size());
        if (name.contains(u'/') || !name.endsWith(u".xml", Qt::CaseInsensitive))
            continue;
        if (looksLikeMetsName(name))
            return entry.path;
        others.append(entry.path);
    }
    // Another XML file at the root whose root element is mets:mets. recognise() must stay cheap for packages
    // that are nothing but XML files (a delivery of ALTO pages), so only the first few are looked at.
    constexpr qsizetype maxProbed = 8;
    for (const QString &path : others.mid(0, maxProbed)) {
        const auto content = package.read(path, 64 * 1024 * 1024);
        if (content &&
            XmlDocument::mayHaveRootElement(content->left(64 * 1024), xmlns::mets, QStringLiteral("mets")))
            return path;
    }
    return {};
}

bool MetsPackageIngester::recognise(const Package &package) const
{
    return !findManifest(package).isEmpty();
}

Status MetsPackageIngester::ingest(const Package &package, IntakeContext &context)
{
    const QString path = findManifest(package);
    const auto content = package.read(path, XmlDocument::Limits{}.maxBytes);
    if (!content)
        return content.error();
    const auto document = XmlDocument::parse(*content, path);
    if (!document)
        return document.error();
    return MetsReader::read(*document, ManifestFiles::inPackage(package, path, context.options), context);
}

bool MetsDocumentIngester::recognise(const Document &document) const
{
    // A DOCTYPE naming mets is claimed too: the full parse refuses it, and the chain says why.
    return XmlDocument::mayHaveRootElement(document.head, xmlns::mets, QStringLiteral("mets"));
}

Status MetsDocumentIngester::ingest(const Document &document, IntakeContext &context)
{
    const auto parsed = readXmlDocument(document.path);
    if (!parsed)
        return parsed.error();
    return MetsReader::read(*parsed, ManifestFiles::besideDocument(document, context.options), context);
}

} // namespace gh
