#pragma once

#include <optional>

#include <QString>

namespace gh {

/*!
    \class gh::ItemLink
    A \c gatehouse:// link to a batch, an item or a file, as the exports write them and the desktop opens
    them (\c {gatehouse gatehouse://batch/3/item/17} shows that item): \c gatehouse://batch/B,
    \c gatehouse://batch/B/item/I, \c gatehouse://batch/B/file/F. PREMIS and METS use the same links as
    identifiers, so a spreadsheet row, a PREMIS object and the GUI all name a thing the same way.
*/
struct ItemLink
{
    qint64 batchId = 0;
    qint64 itemId = 0; //!< 0 for a link to the batch (or to a file).
    qint64 fileId = 0; //!< 0 unless the link names a file.

    static QString batchUrl(qint64 batchId);
    static QString itemUrl(qint64 batchId, qint64 itemId);
    static QString fileUrl(qint64 batchId, qint64 fileId);
    static QString eventUrl(qint64 batchId, qint64 eventId);

    //! The link \a text names, or nothing when it is not a well-formed gatehouse:// link.
    static std::optional<ItemLink> parse(const QString &text);
    static bool isLink(const QString &text);
};

} // namespace gh
