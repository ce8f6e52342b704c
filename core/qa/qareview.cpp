#include "qareview.h"

#include "catalog/checkrecords.h"

namespace gh {

Result<QHash<qint64, QStringList>> QaReview::flaggedItems(Catalog &catalog, qint64 batchId)
{
    auto findings = CheckRecords(catalog).findings(batchId);
    if (!findings)
        return findings.error();
    QHash<qint64, QStringList> items;
    for (const FindingRecord &f : std::as_const(*findings)) {
        // A finding about the whole batch (a check that was skipped) is no reason to look at one item.
        if (f.itemId > 0)
            items[f.itemId].append(tr("%1: %2").arg(f.check, f.message));
    }
    return items;
}

Result<QStringList> QaReview::itemFindings(Catalog &catalog, qint64 itemId)
{
    auto findings = CheckRecords(catalog).itemFindings(itemId);
    if (!findings)
        return findings.error();
    QStringList lines;
    for (const FindingRecord &f : std::as_const(*findings))
        lines.append(tr("%1 %2: %3").arg(severityText(f.severity), f.check, f.message));
    return lines;
}

} // namespace gh
