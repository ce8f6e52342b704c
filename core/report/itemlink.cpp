#include "itemlink.h"

#include <QRegularExpression>

namespace gh {

QString ItemLink::batchUrl(qint64 batchId)
{
    return QStringLiteral("gatehouse://batch/%1").arg(batchId);
}

QString ItemLink::itemUrl(qint64 batchId, qint64 itemId)
{
    return QStringLiteral("gatehouse://batch/%1/item/%2").arg(batchId).arg(itemId);
}

QString ItemLink::fileUrl(qint64 batchId, qint64 fileId)
{
    return QStringLiteral("gatehouse://batch/%1/file/%2").arg(batchId).arg(fileId);
}

QString ItemLink::eventUrl(qint64 batchId, qint64 eventId)
{
    return QStringLiteral("gatehouse://batch/%1/event/%2").arg(batchId).arg(eventId);
}

bool ItemLink::isLink(const QString &text)
{
    return text.startsWith(u"gatehouse:", Qt::CaseInsensitive);
}

std::optional<ItemLink> ItemLink::parse(const QString &text)
{
    // Desktops hand the link over as typed or clicked: tolerate a trailing slash and upper-case scheme,
    // nothing else (no query, no fragment, ids are positive decimal numbers).
    static const QRegularExpression shape(
        QStringLiteral("^gatehouse://batch/([1-9][0-9]{0,17})(?:/(item|file)/([1-9][0-9]{0,17}))?/?$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = shape.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    ItemLink link;
    link.batchId = m.captured(1).toLongLong();
    if (m.captured(2).compare(u"item", Qt::CaseInsensitive) == 0)
        link.itemId = m.captured(3).toLongLong();
    else if (m.captured(2).compare(u"file", Qt::CaseInsensitive) == 0)
        link.fileId = m.captured(3).toLongLong();
    return link;
}

} // namespace gh
