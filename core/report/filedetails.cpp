#include "filedetails.h"

#include <QJsonArray>

#include "catalog/bulkrows.h"
#include "catalog/checkrecords.h"
#include "duplicatereport.h"
#include "reports.h"

namespace gh {

namespace {

QList<qint64> idsOf(const QList<FileRecord> &files)
{
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : files)
        ids.append(f.id);
    return ids;
}

//! "findings": [{"check", "severity", "message"[, "line"]}] from the QA stage, for every file (empty when
//! none).
Status annotateFindings(Catalog &catalog, const QList<FileRecord> &files, QList<QJsonObject> &objects)
{
    auto found = CheckRecords(catalog).findingsByFile(idsOf(files));
    if (!found)
        return found.error();
    for (qsizetype i = 0; i < files.size(); ++i) {
        QJsonArray list;
        for (const FindingRecord &finding : found->value(files[i].id))
            list.append(Reports::findingJson(finding));
        objects[i].insert(QStringLiteral("findings"), list);
    }
    return {};
}

//! "targets": [{"target", "state", "name", "verified", "message"}] from the upload stage, one per target the
//! file was sent to (empty when none).
Status annotateTargets(Catalog &catalog, const QList<FileRecord> &files, QList<QJsonObject> &objects)
{
    // One statement for the page: a query per file made a 10^6-file CSV export take half an hour.
    auto byFile = fileTargetsOf(catalog, idsOf(files));
    if (!byFile)
        return byFile.error();
    for (qsizetype i = 0; i < files.size(); ++i) {
        QJsonArray list;
        for (const FileTargetRecord &row : byFile->value(files[i].id)) {
            list.append(QJsonObject{
                {QStringLiteral("target"), row.target},
                {QStringLiteral("state"), FileStateInfo::key(row.state)},
                {QStringLiteral("name"), row.remoteName},
                {QStringLiteral("verified"), row.verified},
                {QStringLiteral("message"), row.reported.value(QStringLiteral("message")).toString()}});
        }
        objects[i].insert(QStringLiteral("targets"), list);
    }
    return {};
}

} // namespace

const QList<FileDetails::Annotator> &FileDetails::annotators()
{
    // One line per stage that knows more about files: check (findings), dedup (duplicate cases and
    // decisions), upload (targets). Each reads its own catalog tables for the page.
    static const QList<Annotator> list{annotateFindings, &DuplicateReport::annotate, annotateTargets};
    return list;
}

Status FileDetails::forEach(Catalog &catalog, qint64 batchId,
                            const std::function<bool(const FileRecord &, const QJsonObject &)> &visit)
{
    constexpr qsizetype pageSize = 500;
    QList<FileRecord> page;
    page.reserve(pageSize);
    bool stopped = false;
    Status failure;
    auto flush = [&]() -> bool {
        QList<QJsonObject> objects;
        objects.reserve(page.size());
        for (const FileRecord &f : std::as_const(page))
            objects.append(Reports::fileJson(f));
        for (const Annotator &annotate : annotators()) {
            if (Status s = annotate(catalog, page, objects); !s) {
                failure = s;
                return false;
            }
        }
        for (qsizetype i = 0; i < page.size(); ++i) {
            if (!visit(page[i], objects[i])) {
                stopped = true;
                return false;
            }
        }
        page.clear();
        return true;
    };
    Status walked = catalog.forEachFile(batchId, [&](const FileRecord &f) {
        page.append(f);
        return page.size() < pageSize || flush();
    });
    if (!walked)
        return walked;
    if (!failure)
        return failure;
    if (!stopped && !page.isEmpty()) {
        flush();
        if (!failure)
            return failure;
    }
    return {};
}

} // namespace gh
