#include "metadatafacts.h"

namespace gh::MetadataFacts {

namespace {

bool isMixNamespace(const QString &ns)
{
    return ns.startsWith(u"http://www.loc.gov/mix/");
}

bool isAltoNamespace(const QString &ns)
{
    return ns.startsWith(u"http://www.loc.gov/standards/alto/") || ns == u"http://schema.ccs-gmbh.com/ALTO";
}

std::optional<qint64> positiveNumber(const QString &text)
{
    bool ok = false;
    // ALTO allows decimals ("5000.0"); pixels are whole.
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || value <= 0 || value > 1e12)
        return std::nullopt;
    return qint64(value + 0.5);
}

} // namespace

Kind kindOf(const XmlElement &root)
{
    const QString ns = root.namespaceUri();
    const QString name = root.localName();
    if (isMixNamespace(ns) && name == u"mix")
        return Kind::Mix;
    if (isAltoNamespace(ns) && name == u"alto")
        return Kind::Alto;
    if (ns == xmlns::mods && (name == u"mods" || name == u"modsCollection"))
        return Kind::Mods;
    return Kind::Other;
}

std::optional<Size> mixSize(const XmlElement &root)
{
    const QString ns = root.namespaceUri();
    const XmlElement characteristics = root.firstDescendant(ns, QStringLiteral("BasicImageCharacteristics"));
    const XmlElement widthElement = characteristics.isNull()
                                        ? root.firstDescendant(ns, QStringLiteral("imageWidth"))
                                        : characteristics.firstChild(ns, QStringLiteral("imageWidth"));
    const XmlElement heightElement = characteristics.isNull()
                                         ? root.firstDescendant(ns, QStringLiteral("imageHeight"))
                                         : characteristics.firstChild(ns, QStringLiteral("imageHeight"));
    const auto width = positiveNumber(widthElement.text());
    const auto height = positiveNumber(heightElement.text());
    if (!width || !height)
        return std::nullopt;
    return Size{*width, *height, widthElement.line(), QStringLiteral("pixel")};
}

std::optional<Size> altoPageSize(const XmlElement &root)
{
    const QString ns = root.namespaceUri();
    const XmlElement page =
        root.firstChild(ns, QStringLiteral("Layout")).firstChild(ns, QStringLiteral("Page"));
    const auto width = positiveNumber(page.attribute(QStringLiteral("WIDTH")));
    const auto height = positiveNumber(page.attribute(QStringLiteral("HEIGHT")));
    if (!width || !height)
        return std::nullopt;
    QString unit = root.firstChild(ns, QStringLiteral("Description"))
                       .childText(ns, QStringLiteral("MeasurementUnit"))
                       .toLower();
    if (unit.isEmpty())
        unit = QStringLiteral("pixel");
    return Size{*width, *height, page.line(), unit};
}

Confidence altoConfidence(const XmlElement &root)
{
    Confidence c;
    double sum = 0;
    for (const XmlElement &word : root.descendants(root.namespaceUri(), QStringLiteral("String"))) {
        ++c.words;
        if (!word.hasAttribute(QStringLiteral("WC")))
            continue;
        bool ok = false;
        const double wc = word.attribute(QStringLiteral("WC")).trimmed().toDouble(&ok);
        if (!ok || wc < 0 || wc > 1)
            continue;
        sum += wc;
        ++c.withConfidence;
    }
    if (c.withConfidence > 0)
        c.mean = sum / double(c.withConfidence);
    return c;
}

std::optional<PageNumber> modsPageNumber(const XmlElement &root)
{
    for (const XmlElement &part : root.descendants(xmlns::mods, QStringLiteral("part"))) {
        for (const XmlElement &detail : part.children(xmlns::mods, QStringLiteral("detail"))) {
            const QString type = detail.attribute(QStringLiteral("type")).toLower();
            if (type != u"page" && type != u"pagenumber")
                continue;
            const XmlElement number = detail.firstChild(xmlns::mods, QStringLiteral("number"));
            bool ok = false;
            const int n = number.text().toInt(&ok);
            if (ok && n > 0)
                return PageNumber{n, number.line()};
        }
        for (const XmlElement &extent : part.children(xmlns::mods, QStringLiteral("extent"))) {
            if (!extent.attribute(QStringLiteral("unit")).startsWith(u"page"))
                continue;
            const XmlElement start = extent.firstChild(xmlns::mods, QStringLiteral("start"));
            bool ok = false;
            const int n = start.text().toInt(&ok);
            if (ok && n > 0)
                return PageNumber{n, start.line()};
        }
    }
    return std::nullopt;
}

QList<Identifier> modsIdentifiers(const XmlElement &root)
{
    QList<Identifier> result;
    for (const XmlElement &e : root.descendants(xmlns::mods, QStringLiteral("identifier")))
        result.append({e.attribute(QStringLiteral("type")), e.text(), e.line()});
    return result;
}

} // namespace gh::MetadataFacts
