#include "qacsv.h"

#include <QDir>
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "report/csvexport.h"
#include "report/itemlink.h"
#include "reviewbook.h"

namespace gh {

namespace {

//! Where a stored key lives, for a curator to open: a path for a local store, the store's address otherwise.
QString storedLocation(const QString &storeDescription, const QString &key)
{
    if (storeDescription.isEmpty())
        return key;
    if (storeDescription.startsWith(u"s3://", Qt::CaseInsensitive))
        return storeDescription + u'/' + key;
    return QDir(storeDescription).filePath(key);
}

} // namespace

Status QaCsv::write(const ExportJob &job, QIODevice &out)
{
    Catalog &catalog = *job.catalog;
    const qint64 batchId = job.batchId;
    ReviewBook book(catalog);
    auto sample = book.sample(batchId);
    if (!sample)
        return sample.error();
    if (!sample->drawn)
        return Error{
            ErrorCode::Invalid,
            tr("Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).").arg(batchId)};
    CsvWriter csv(out);
    auto written = [&](bool ok) -> Status {
        if (!ok)
            return Error{ErrorCode::Io, out.errorString()};
        return {};
    };
    if (Status s = written(
            csv.writeRow({QStringLiteral("item"), QStringLiteral("label"), QStringLiteral("files"),
                          QStringLiteral("why"), QStringLiteral("findings"), QStringLiteral("verdict"),
                          QStringLiteral("reason"), QStringLiteral("note"), QStringLiteral("reviewer"),
                          QStringLiteral("time"), QStringLiteral("link"), QStringLiteral("stored")}));
        !s)
        return s;
    ExportProgress progress(job, sample->items.size());
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
            if (!key.isEmpty())
                stored.append(storedLocation(job.storeDescription, key));
        }
        q.finish();
        if (Status s = written(csv.writeRow(
                {item.identifier, item.label, names.join(QStringLiteral("; ")), ReviewKeys::key(item.reason),
                 item.flags.join(QStringLiteral("; ")), ReviewKeys::key(item.verdict), item.defect, item.note,
                 item.reviewer, Catalog::toDbTime(item.decidedAt), ItemLink::itemUrl(batchId, item.itemId),
                 stored.join(QStringLiteral("; "))}));
            !s)
            return s;
        if (!progress.step())
            return ExportProgress::cancelledError();
    }
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

const ExportFormat &QaCsv::format()
{
    static const ExportFormat qaCsv{
        QStringLiteral("qa-csv"), QT_TRANSLATE_NOOP("gh::Exports", "&QA sample and verdicts as CSV…"),
        QStringLiteral("csv"), QT_TRANSLATE_NOOP("gh::Exports", "CSV files (*.csv)"), QaCsv::write};
    return qaCsv;
}

void QaCsv::registerExport()
{
    Exports::add(format());
}

} // namespace gh
