#include "reviewdetails.h"

#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "reviewhooks.h"

namespace gh {

namespace {

Result<QStringList> collect(Catalog &catalog, qint64 itemId, const QList<ReviewHooks::Notes> &sources)
{
    QStringList lines;
    for (const ReviewHooks::Notes &source : sources) {
        auto notes = source.notes(catalog, itemId);
        if (!notes)
            return notes.error();
        lines += *notes;
    }
    return lines;
}

} // namespace

Result<ReviewItemDetails> ReviewDetails::load(Catalog &catalog, qint64 itemId)
{
    auto item = catalog.item(itemId);
    if (!item)
        return item.error();
    auto files = catalog.itemFiles(itemId);
    if (!files)
        return files.error();
    auto findings = collect(catalog, itemId, ReviewHooks::findingSources());
    if (!findings)
        return findings.error();
    auto duplicates = collect(catalog, itemId, ReviewHooks::duplicateSources());
    if (!duplicates)
        return duplicates.error();
    ReviewItemDetails details;
    details.batchId = item->batchId;
    details.item = *item;
    details.files = *files;
    details.findings = *findings;
    details.duplicates = *duplicates;
    return details;
}

Result<QStringList> ReviewDetails::fileProblems(Catalog &catalog, qint64 itemId)
{
    auto files = catalog.itemFiles(itemId);
    if (!files)
        return files.error();
    QStringList lines;
    for (const FileRecord &file : std::as_const(*files)) {
        const Severity severity = StatusInfo::severity(file.status);
        if (severity != Severity::Error && severity != Severity::Skipped)
            continue;
        QString line = tr("%1: %2").arg(file.name, StatusInfo::displayName(file.status));
        if (!file.error.isEmpty())
            line += QStringLiteral(" — ") + file.error;
        lines.append(line);
    }
    return lines;
}

Result<QStringList> ReviewDetails::identicalFiles(Catalog &catalog, qint64 itemId)
{
    // The SHA-1 index finds the candidates; SHA-256 confirms them.
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT f.name, o.name, i.identifier, b.id, b.name FROM files f"
        " JOIN files o ON o.sha1 = f.sha1 AND o.sha256 = f.sha256 AND o.item_id <> f.item_id"
        " JOIN items i ON i.id = o.item_id JOIN batches b ON b.id = o.batch_id"
        " WHERE f.item_id = ? AND f.sha1 IS NOT NULL AND f.sha256 IS NOT NULL AND o.status <> 'deleted'"
        " ORDER BY f.seq, b.id, i.seq, o.seq LIMIT 50"));
    q.addBindValue(itemId);
    if (!q.exec())
        return Error{ErrorCode::Database, tr("Cannot look for copies of the files of item %1 in %2: %3")
                                              .arg(itemId)
                                              .arg(catalog.location().displayName(), q.lastError().text())};
    QStringList lines;
    while (q.next())
        lines.append(tr("%1 is identical to %2 of item %3 in batch %4 (%5)")
                         .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString())
                         .arg(q.value(3).toLongLong())
                         .arg(q.value(4).toString()));
    return lines;
}

} // namespace gh
