#include "duplicatereport.h"

#include <QJsonDocument>

#include "exports.h"

namespace gh {

namespace {

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonValue orNull(qint64 id)
{
    return id > 0 ? QJsonValue(id) : QJsonValue();
}

} // namespace

Status DuplicateReport::annotate(Catalog &catalog, const QList<FileRecord> &files,
                                 QList<QJsonObject> &objects)
{
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : files)
        ids.append(f.id);
    DuplicateBook book(catalog);
    auto records = book.casesOfFiles(ids);
    if (!records)
        return records.error();
    // Rows come per file in classification order: the last one wins unless an earlier one is open.
    QHash<qint64, const DuplicateRecord *> shown;
    for (const DuplicateRecord &r : std::as_const(*records)) {
        const DuplicateRecord *&slot = shown[r.fileId];
        if (!slot || !slot->isOpen())
            slot = &r;
    }
    for (qsizetype i = 0; i < files.size(); ++i) {
        const DuplicateRecord *r = shown.value(files[i].id);
        if (!r) {
            objects[i].insert(QStringLiteral("duplicate"), QJsonValue());
            continue;
        }
        objects[i].insert(
            QStringLiteral("duplicate"),
            QJsonObject{{QStringLiteral("case"), DuplicateInfo::key(r->dupCase)},
                        {QStringLiteral("existing"), orNull(r->existingName)},
                        {QStringLiteral("existing_batch"), orNull(r->existingBatch)},
                        {QStringLiteral("decision"),
                         r->decision ? QJsonValue(DuplicateInfo::key(r->decision->action)) : QJsonValue()}});
    }
    return {};
}

Status DuplicateReport::handFix(Catalog &catalog, qint64 batchId,
                                const std::function<void(const QJsonObject &)> &sink)
{
    DuplicateBook book(catalog);
    DuplicateCaseQuery query;
    query.action = DuplicateAction::HandFix;
    for (;;) {
        auto page = book.cases(batchId, query);
        if (!page)
            return page.error();
        if (page->isEmpty())
            return {};
        for (const DuplicateRecord &r : std::as_const(*page)) {
            auto file = catalog.file(r.fileId);
            if (!file)
                return file.error();
            QString reason = r.decision->note;
            if (reason.isEmpty()) {
                reason = DuplicateInfo::description(r.dupCase);
                if (r.deletedForCopyright)
                    reason += u' ' + tr("The target deleted these bytes before, for copyright.");
                else if (r.deletedBefore)
                    reason += u' ' + tr("The target deleted these bytes before.");
            }
            sink(QJsonObject{
                {QStringLiteral("item"), file->item},
                {QStringLiteral("file"), file->name},
                {QStringLiteral("sha1"), r.sent.sha1.isEmpty() ? file->digests.sha1 : r.sent.sha1},
                {QStringLiteral("intended_name"), r.intendedName},
                {QStringLiteral("existing_name"), orNull(r.existingName)},
                {QStringLiteral("existing_sha1"), orNull(r.existingSha1)},
                {QStringLiteral("reason"), reason},
                {QStringLiteral("file_id"), r.fileId},
                {QStringLiteral("target"), r.target},
                {QStringLiteral("case"), DuplicateInfo::key(r.dupCase)},
                {QStringLiteral("decided_by"), r.decision->decidedBy}});
        }
        query.afterFileId = page->constLast().fileId;
    }
}

Status DuplicateReport::writeHandFix(const ExportJob &job, QIODevice &out)
{
    ExportProgress progress(job, 0);
    bool failed = false;
    Status s = handFix(*job.catalog, job.batchId, [&](const QJsonObject &line) {
        if (failed || progress.cancelled())
            return;
        failed = out.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n') < 0;
        progress.step();
    });
    if (!s)
        return s;
    if (failed)
        return Error{ErrorCode::Io, out.errorString()};
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

Result<std::optional<SummarySection>> DuplicateReport::summary(SummaryContext &context)
{
    DuplicateBook book(context.catalog());
    auto targets = book.targets(context.batch().id);
    if (!targets)
        return targets.error();
    if (targets->isEmpty())
        return std::optional<SummarySection>();
    SummarySection section{tr("Duplicates"), {}};
    for (const QString &target : std::as_const(*targets)) {
        auto counts = book.counts(context.batch().id, target);
        if (!counts)
            return counts.error();
        section.add(tr("Target"), target);
        qint64 open = 0;
        qint64 deleted = 0;
        QMap<DuplicateAction, qint64> decided;
        for (DuplicateCase c : DuplicateInfo::cases()) {
            const DuplicateBook::Count count = counts->value(c);
            if (count.files > 0)
                section.add(QStringLiteral("  ") + DuplicateInfo::key(c), count.files);
            open += count.open;
            deleted += count.deleted;
            for (auto it = count.byAction.cbegin(); it != count.byAction.cend(); ++it)
                decided[it.key()] += it.value();
        }
        section.add(tr("  Waiting for a decision"), open);
        for (auto it = decided.cbegin(); it != decided.cend(); ++it)
            section.add(tr("  Decided: %1").arg(DuplicateInfo::key(it.key())), it.value());
        if (deleted > 0)
            section.add(tr("  Deleted there before"), deleted);
    }
    return std::optional(section);
}

Result<QStringList> DuplicateReport::approvalObjections(Catalog &catalog, qint64 batchId)
{
    DuplicateBook book(catalog);
    auto targets = book.targets(batchId);
    if (!targets)
        return targets.error();
    QStringList objections;
    for (const QString &target : std::as_const(*targets)) {
        auto open = book.openCount(batchId, target);
        if (!open)
            return open.error();
        if (*open > 0) {
            objections.append(tr("%n file(s) wait for a duplicate decision against %1.", nullptr,
                                 int(std::min<qint64>(*open, 1 << 30)))
                                  .arg(target));
        }
    }
    return objections;
}

Result<QStringList> DuplicateReport::itemNotes(Catalog &catalog, qint64 itemId)
{
    DuplicateBook book(catalog);
    auto records = book.casesOfItem(itemId);
    if (!records)
        return records.error();
    QStringList notes;
    for (const DuplicateRecord &r : std::as_const(*records)) {
        if (!r.needsDecision)
            continue;
        auto file = catalog.file(r.fileId);
        if (!file)
            return file.error();
        QString line = tr("%1: %2").arg(file->name, DuplicateInfo::displayName(r.dupCase));
        if (!r.existingName.isEmpty())
            line += tr(" (%1 on %2)").arg(r.existingName, r.target);
        else if (r.existingBatch > 0)
            line += tr(" (batch %1)").arg(r.existingBatch);
        line += r.decision ? tr(" — decided: %1").arg(DuplicateInfo::displayName(r.decision->action))
                           : tr(" — waiting for a decision");
        notes.append(line);
    }
    return notes;
}

} // namespace gh
