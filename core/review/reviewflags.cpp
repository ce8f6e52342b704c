#include "reviewflags.h"

#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "reviewhooks.h"

namespace gh {

Result<QHash<qint64, QStringList>> ReviewFlags::flaggedItems(Catalog &catalog, qint64 batchId)
{
    QHash<qint64, QStringList> all;
    for (const ReviewHooks::Flags &source : ReviewHooks::flagSources()) {
        auto flags = source.source(catalog, batchId);
        if (!flags)
            return flags.error();
        for (auto it = flags->cbegin(); it != flags->cend(); ++it)
            all[it.key()] += it.value();
    }
    return all;
}

Result<QHash<qint64, QStringList>> ReviewFlags::fileErrors(Catalog &catalog, qint64 batchId)
{
    QStringList keys;
    for (FileStatus s : StatusInfo::all()) {
        if (StatusInfo::severity(s) == Severity::Error)
            keys.append(u'\'' + StatusInfo::key(s) + u'\'');
    }
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    q.prepare(u"SELECT item_id, name, status FROM files WHERE batch_id = ? AND status IN (" +
              keys.join(u',') + u") ORDER BY item_id, seq");
    q.addBindValue(batchId);
    if (!q.exec())
        return Error{ErrorCode::Database, tr("Cannot read the failed files of batch %1 from %2: %3")
                                              .arg(batchId)
                                              .arg(catalog.location().displayName(), q.lastError().text())};
    QHash<qint64, QStringList> flags;
    while (q.next())
        flags[q.value(0).toLongLong()].append(
            QStringLiteral("%1: %2").arg(q.value(1).toString(), q.value(2).toString()));
    return flags;
}

} // namespace gh
