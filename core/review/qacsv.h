#pragma once

#include <functional>

#include <QCoreApplication>
#include <QString>

#include "util/result.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::QaCsv
    \c report --format qa-csv: the spreadsheet the national library kept by hand, one row per sampled, flagged
    or hand-added item, with a header row. Columns: item, label, files, why (random, flag, manual), findings,
    verdict, reason, note, reviewer, time, link (gatehouse://batch/B/item/I), stored (the stored copies: paths
    for a local store, the store's address and key otherwise). RFC 4180 quoting, UTF-8.
*/
class QaCsv
{
    Q_DECLARE_TR_FUNCTIONS(gh::QaCsv)

public:
    //! Hands each line (with its CRLF) to \a write. \a store may be null (then keys are given as they are).
    static Status write(Catalog &catalog, const BitStore *store, qint64 batchId,
                        const std::function<void(const QString &)> &write);
    //! gatehouse://batch/B/item/I: the item, for the desktop's gatehouse:// handler.
    static QString link(qint64 batchId, qint64 itemId);
};

} // namespace gh
