#include "descriptive.h"

#include <QJsonArray>

namespace gh {

namespace {

void insertIfAny(QJsonObject &object, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        object.insert(key, value);
}

QString modsName(const XmlElement &name)
{
    QString family;
    QString given;
    QStringList untyped;
    for (const XmlElement &part : name.children(xmlns::mods, QStringLiteral("namePart"))) {
        const QString type = part.attribute(QStringLiteral("type"));
        if (type == u"family")
            family = part.text();
        else if (type == u"given")
            given = part.text();
        else if (type != u"date" && type != u"termsOfAddress")
            untyped.append(part.text());
    }
    if (!family.isEmpty())
        return given.isEmpty() ? family : family + u", " + given;
    if (!untyped.isEmpty())
        return untyped.join(u' ');
    return name.childText(xmlns::mods, QStringLiteral("displayForm"));
}

bool isCreatorRole(const XmlElement &name)
{
    for (const XmlElement &term : name.descendants(xmlns::mods, QStringLiteral("roleTerm"))) {
        const QString role = term.text().toLower();
        if (role == u"creator" || role == u"author" || role == u"cre" || role == u"aut")
            return true;
    }
    return false;
}

} // namespace

QJsonObject DescriptiveMetadata::fromMods(const XmlElement &mods)
{
    QJsonObject metadata;
    metadata.insert(QStringLiteral("metadata_format"), QStringLiteral("mods"));

    // The main title: the titleInfo without a type (alternative, translated, … come after it).
    XmlElement titleInfo;
    for (const XmlElement &info : mods.children(xmlns::mods, QStringLiteral("titleInfo"))) {
        if (!info.hasAttribute(QStringLiteral("type"))) {
            titleInfo = info;
            break;
        }
        if (titleInfo.isNull())
            titleInfo = info;
    }
    if (!titleInfo.isNull()) {
        const QString nonSort = titleInfo.childText(xmlns::mods, QStringLiteral("nonSort"));
        const QString title = titleInfo.childText(xmlns::mods, QStringLiteral("title"));
        insertIfAny(metadata, QStringLiteral("title"),
                    nonSort.isEmpty() ? title : (nonSort.endsWith(u' ') ? nonSort : nonSort + u' ') + title);
        insertIfAny(metadata, QStringLiteral("subtitle"),
                    titleInfo.childText(xmlns::mods, QStringLiteral("subTitle")));
    }

    QJsonArray identifiers;
    for (const XmlElement &identifier : mods.children(xmlns::mods, QStringLiteral("identifier"))) {
        if (identifier.text().isEmpty())
            continue;
        QJsonObject entry{{QStringLiteral("value"), identifier.text()}};
        insertIfAny(entry, QStringLiteral("type"), identifier.attribute(QStringLiteral("type")));
        identifiers.append(entry);
    }
    for (const XmlElement &record : mods.children(xmlns::mods, QStringLiteral("recordInfo"))) {
        for (const XmlElement &identifier :
             record.children(xmlns::mods, QStringLiteral("recordIdentifier"))) {
            QJsonObject entry{{QStringLiteral("value"), identifier.text()},
                              {QStringLiteral("type"), QStringLiteral("record")}};
            insertIfAny(entry, QStringLiteral("source"), identifier.attribute(QStringLiteral("source")));
            identifiers.append(entry);
        }
    }
    if (!identifiers.isEmpty()) {
        metadata.insert(QStringLiteral("identifier"),
                        identifiers.first().toObject().value(QStringLiteral("value")));
        metadata.insert(QStringLiteral("identifiers"), identifiers);
    }

    const XmlElement origin = mods.firstChild(xmlns::mods, QStringLiteral("originInfo"));
    const QString issued = origin.childText(xmlns::mods, QStringLiteral("dateIssued"));
    const QString created = origin.childText(xmlns::mods, QStringLiteral("dateCreated"));
    insertIfAny(metadata, QStringLiteral("date_issued"), issued);
    insertIfAny(metadata, QStringLiteral("date_created"), created);
    insertIfAny(metadata, QStringLiteral("date"), !issued.isEmpty() ? issued : created);
    insertIfAny(metadata, QStringLiteral("publisher"),
                origin.childText(xmlns::mods, QStringLiteral("publisher")));

    // Creators are the names with a creator or author role; a record whose names carry no roles at all
    // means its names as creators (common in minimal MODS).
    QJsonArray creators;
    QJsonArray unroled;
    for (const XmlElement &name : mods.children(xmlns::mods, QStringLiteral("name"))) {
        const QString display = modsName(name);
        if (display.isEmpty())
            continue;
        if (isCreatorRole(name))
            creators.append(display);
        else if (name.firstChild(xmlns::mods, QStringLiteral("role")).isNull())
            unroled.append(display);
    }
    if (creators.isEmpty())
        creators = unroled;
    if (!creators.isEmpty())
        metadata.insert(QStringLiteral("creators"), creators);
    insertIfAny(metadata, QStringLiteral("description"),
                mods.childText(xmlns::mods, QStringLiteral("abstract")));
    return metadata;
}

QJsonObject DescriptiveMetadata::fromDublinCore(const XmlElement &container)
{
    QJsonObject metadata;
    metadata.insert(QStringLiteral("metadata_format"), QStringLiteral("dc"));
    // oai_dc:dc wraps the elements; a METS xmlData may hold them directly.
    XmlElement parent = container;
    if (parent.children(xmlns::dc).isEmpty()) {
        for (const XmlElement &child : container.children()) {
            if (!child.children(xmlns::dc).isEmpty()) {
                parent = child;
                break;
            }
        }
    }
    auto all = [&](const QString &name) {
        QJsonArray values;
        for (const XmlElement &e : parent.children(xmlns::dc, name)) {
            if (!e.text().isEmpty())
                values.append(e.text());
        }
        return values;
    };
    const QJsonArray titles = all(QStringLiteral("title"));
    if (!titles.isEmpty())
        metadata.insert(QStringLiteral("title"), titles.first());
    QJsonArray identifiers;
    for (const QJsonValue &v : all(QStringLiteral("identifier")))
        identifiers.append(QJsonObject{{QStringLiteral("value"), v}});
    if (!identifiers.isEmpty()) {
        metadata.insert(QStringLiteral("identifier"),
                        identifiers.first().toObject().value(QStringLiteral("value")));
        metadata.insert(QStringLiteral("identifiers"), identifiers);
    }
    const QJsonArray dates = all(QStringLiteral("date"));
    if (!dates.isEmpty())
        metadata.insert(QStringLiteral("date"), dates.first());
    const QJsonArray creators = all(QStringLiteral("creator"));
    if (!creators.isEmpty())
        metadata.insert(QStringLiteral("creators"), creators);
    const QJsonArray descriptions = all(QStringLiteral("description"));
    if (!descriptions.isEmpty())
        metadata.insert(QStringLiteral("description"), descriptions.first());
    const QJsonArray rights = all(QStringLiteral("rights"));
    if (!rights.isEmpty())
        metadata.insert(QStringLiteral("rights"), rights.first());
    return metadata;
}

int DescriptiveMetadata::modsPageNumber(const XmlElement &mods)
{
    for (const XmlElement &part : mods.descendants(xmlns::mods, QStringLiteral("part"))) {
        for (const XmlElement &detail : part.children(xmlns::mods, QStringLiteral("detail"))) {
            const QString type = detail.attribute(QStringLiteral("type")).toLower();
            if (type == u"page" || type == u"pagenumber") {
                bool ok = false;
                const int n = detail.childText(xmlns::mods, QStringLiteral("number")).toInt(&ok);
                if (ok && n > 0)
                    return n;
            }
        }
        for (const XmlElement &extent : part.children(xmlns::mods, QStringLiteral("extent"))) {
            if (extent.attribute(QStringLiteral("unit")).startsWith(u"page")) {
                bool ok = false;
                const int n = extent.childText(xmlns::mods, QStringLiteral("start")).toInt(&ok);
                if (ok && n > 0)
                    return n;
            }
        }
    }
    return 0;
}

} // namespace gh
