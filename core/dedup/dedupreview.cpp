#include "dedupreview.h"

#include <QLocale>

#include "catalog/duplicatebook.h"

namespace gh {

namespace {

//! Files named in the gate's sentence; the rest are counted.
constexpr int s_named = 5;

QString fileLabel(Catalog &catalog, qint64 fileId, const QString &fallback)
{
    auto file = catalog.file(fileId);
    if (!file)
        return fallback.isEmpty() ? DedupReview::tr("file %1").arg(fileId) : fallback;
    return file->item + u'/' + file->name;
}

} // namespace

Result<QStringList> DedupReview::approvalBlockers(Catalog &catalog, qint64 batchId)
{
    DuplicateBook book(catalog);
    auto open = book.openCount(batchId);
    if (!open)
        return open.error();
    if (*open == 0)
        return QStringList();
    DuplicateCaseQuery query;
    query.onlyOpen = true;
    query.limit = s_named;
    auto first = book.cases(batchId, query);
    if (!first)
        return first.error();
    QStringList named;
    for (const DuplicateRecord &r : std::as_const(*first))
        named.append(
            tr("%1 (%2)").arg(fileLabel(catalog, r.fileId, r.intendedName), DuplicateInfo::key(r.dupCase)));
    QString list = named.join(QStringLiteral(", "));
    if (*open > named.size())
        list += tr(" and %n more", nullptr, int(std::min<qint64>(*open - named.size(), 1 << 30)));
    return QStringList{tr("%n file(s) await a duplicate decision: %1. Decide them in the duplicates view or "
                          "with gatehouse-cli decide.",
                          nullptr, int(std::min<qint64>(*open, 1 << 30)))
                           .arg(list)};
}

Result<QStringList> DedupReview::itemCases(Catalog &catalog, qint64 itemId)
{
    DuplicateBook book(catalog);
    auto cases = book.casesOfItem(itemId);
    if (!cases)
        return cases.error();
    QStringList lines;
    for (const DuplicateRecord &r : std::as_const(*cases)) {
        if (r.dupCase == DuplicateCase::New && !r.needsDecision)
            continue; // nothing like it anywhere: not a duplicate
        auto file = catalog.file(r.fileId);
        const QString name = file ? file->name : r.intendedName;
        QString what;
        if (r.existingFile > 0 && r.existingBatch > 0)
            what = tr("same bytes as file %1 of batch %2").arg(r.existingFile).arg(r.existingBatch);
        else if (!r.existingName.isEmpty())
            what = tr("at the target as %1").arg(r.existingName);
        QString decision;
        if (r.decision)
            decision =
                tr("decided: %1 (%2)").arg(DuplicateInfo::key(r.decision->action), r.decision->decidedBy);
        else if (r.needsDecision)
            decision = tr("awaits a decision");
        QStringList parts{DuplicateInfo::key(r.dupCase)};
        if (r.target != DuplicateInfo::catalogTarget())
            parts.append(r.target);
        if (!what.isEmpty())
            parts.append(what);
        if (!decision.isEmpty())
            parts.append(decision);
        lines.append(tr("%1: %2").arg(name, parts.join(QStringLiteral("; "))));
    }
    return lines;
}

} // namespace gh
