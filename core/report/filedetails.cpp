#include "filedetails.h"

#include "duplicatereport.h"
#include "reports.h"

namespace gh {

const QList<FileDetails::Annotator> &FileDetails::annotators()
{
    // One line per stage that knows more about files: check (findings), dedup (duplicate cases and
    // decisions), upload (targets). Each reads its own catalog tables for the page.
    static const QList<Annotator> list{
        &DuplicateReport::annotate,
    };
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
