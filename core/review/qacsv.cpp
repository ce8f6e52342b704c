#include "qacsv.h"

#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "reviewbook.h"
#include "store/bitstore.h"

namespace gh {

namespace {

QString csvField(const QString &value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r'))
        return value;
    QString quoted = value;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString csvLine(const QStringList &fields)
{
    QStringList quoted;
    for (const QString &f : fields)
        quoted.append(csvField(f));
    return quoted.join(u',') + QStringLiteral("\r\n");
}

} // namespace

QString QaCsv::link(qint64 batchId, qint64 itemId)
{
    return QStringLiteral("gatehouse://batch/%1/item/%2").arg(batchId).arg(itemId);
}

Status QaCsv::write(Catalog &catalog, const BitStore *store, qint64 batchId,
                    const std::function<void(const QString &)> &write)
{
    ReviewBook book(catalog);
    auto sample = book.sample(batchId);
    if (!sample)
        return sample.error();
    if (!sample->drawn)
        return Error{
            ErrorCode::Invalid,
            tr("Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).").arg(batchId)};
    write(csvLine({QStringLiteral("item"), QStringLiteral("label"), QStringLiteral("files"),
                   QStringLiteral("why"), QStringLiteral("findings"), QStringLiteral("verdict"),
                   QStringLiteral("reason"), QStringLiteral("note"), QStringLiteral("reviewer"),
                   QStringLiteral("time"), QStringLiteral("link"), QStringLiteral("stored")}));
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT name, stored_key FROM files WHERE item_id = ? ORDER BY seq, id"));
    for (const ReviewItem &item : std::as_const(sample->items)) {
        q.addBindValue(item.itemId);
        if (!q.exec())
            return Error{ErrorCode::Database,
                         tr("Cannot read the files of item %1 from %2: %3")
                             .arg(item.identifier, catalog.location().displayName(), q.lastError().text())};
        QStringList names;
        QStringList stored;
        while (q.next()) {
            names.append(q.value(0).toString());
            const QString key = q.value(1).isNull() ? QString() : q.value(1).toString();
            if (key.isEmpty())
                continue;
            const QString local = store ? store->localPath(key) : QString();
            stored.append(!local.isEmpty() ? local : store ? store->displayName() + u'/' + key : key);
        }
        q.finish();
        write(csvLine({item.identifier, item.label, names.join(QStringLiteral("; ")),
                       ReviewKeys::key(item.reason), item.flags.join(QStringLiteral("; ")),
                       ReviewKeys::key(item.verdict), item.defect, item.note, item.reviewer,
                       Catalog::toDbTime(item.decidedAt), link(batchId, item.itemId),
                       stored.join(QStringLiteral("; "))}));
    }
    return {};
}

} // namespace gh
