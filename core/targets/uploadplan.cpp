#include "uploadplan.h"

#include "catalog/catalog.h"

namespace gh {

Result<TargetRoute> TargetRoute::make(const QString &spec, const QString &filterText)
{
    TargetRoute route;
    route.spec = spec.trimmed();
    route.filterText = filterText.trimmed();
    if (route.spec.isEmpty())
        return Error{ErrorCode::Usage,
                     QCoreApplication::translate("gh::UploadPlan", "A target needs a spec.")};
    if (!route.filterText.isEmpty()) {
        auto filter = FileFilter::parse(route.filterText);
        if (!filter) {
            return Error{ErrorCode::Usage,
                         QCoreApplication::translate("gh::UploadPlan", "The filter for %1: %2")
                             .arg(route.spec, filter.error().message)};
        }
        route.filter = *filter;
    }
    return route;
}

Result<QList<TargetRoute>> TargetRoute::ofBatch(Catalog &catalog, qint64 batchId)
{
    auto recorded = catalog.batchTargetSpecs(batchId);
    if (!recorded)
        return recorded.error();
    QList<TargetRoute> routes;
    for (const BatchTargetRecord &r : std::as_const(*recorded)) {
        auto route = make(r.spec, r.filter);
        if (!route)
            return route.error();
        routes.append(*route);
    }
    return routes;
}

Result<QList<TargetRoute>> TargetRoute::fromArguments(const QStringList &arguments)
{
    QList<std::pair<QString, QString>> pairs;
    auto valueOf = [&](qsizetype &i, const QString &name, QString *value) -> bool {
        const QString a = arguments[i];
        if (a.startsWith(name + u'=')) {
            *value = a.mid(name.size() + 1);
            return true;
        }
        if (a == name && i + 1 < arguments.size()) {
            *value = arguments[++i];
            return true;
        }
        return false;
    };
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        QString value;
        if (valueOf(i, QStringLiteral("--target"), &value)) {
            pairs.append({value, QString()});
        } else if (valueOf(i, QStringLiteral("--filter"), &value)) {
            if (pairs.isEmpty()) {
                return Error{ErrorCode::Usage,
                             QCoreApplication::translate("gh::UploadPlan",
                                                         "--filter %1 comes before any --target; give "
                                                         "each --target first, then its --filter.")
                                 .arg(value)};
            }
            if (!pairs.last().second.isEmpty()) {
                return Error{ErrorCode::Usage,
                             QCoreApplication::translate(
                                 "gh::UploadPlan", "--target %1 has two filters; combine them in one query.")
                                 .arg(pairs.last().first)};
            }
            pairs.last().second = value;
        }
    }
    QList<TargetRoute> routes;
    for (const auto &[spec, filter] : pairs) {
        auto route = make(spec, filter);
        if (!route)
            return route.error();
        routes.append(*route);
    }
    return routes;
}

QList<FileStatus> UploadPlan::uploadableStatuses()
{
    // A file an earlier upload held back for a decision (needs-decision), or put back to pending after a
    // transient failure, is a stored file all the same: the next upload takes it.
    return {FileStatus::Success, FileStatus::Unchanged, FileStatus::NeedsDecision, FileStatus::Pending};
}

bool UploadPlan::isUploadable(const FileRecord &file)
{
    return uploadableStatuses().contains(file.status) && !file.storedKey.isEmpty();
}

Result<UploadPlan> UploadPlan::build(Catalog &catalog, qint64 batchId, const TargetRoute &route)
{
    // Files come in id order, which is intake's order within an item; an item's files are numbered by their
    // position among those this target takes.
    QHash<qint64, QList<std::pair<int, qint64>>> byItem;
    Status s = catalog.forEachFile(batchId, [&](const FileRecord &file) {
        if (isUploadable(file) && route.filter.matches(file))
            byItem[file.itemId].append({file.seq, file.id});
        return true;
    });
    if (!s)
        return s.error();
    UploadPlan plan;
    for (auto it = byItem.begin(); it != byItem.end(); ++it) {
        auto &files = it.value();
        std::sort(files.begin(), files.end());
        const int pages = int(files.size());
        for (int i = 0; i < pages; ++i)
            plan.m_entries.insert(files[i].second, Entry{i + 1, pages});
    }
    return plan;
}

std::optional<UploadPlan::Entry> UploadPlan::entry(qint64 fileId) const
{
    const auto it = m_entries.constFind(fileId);
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

} // namespace gh
