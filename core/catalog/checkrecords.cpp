#include "checkrecords.h"

#include <QJsonDocument>
#include <QSqlError>

#include "bulkrows.h"
#include "catalog.h"
#include "idlist.h"

namespace gh {

namespace {

const QString s_fileScope = QStringLiteral("file");
const QString s_batchScope = QStringLiteral("batch");

QVariant nullableId(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

// A null QString binds as SQL NULL; NOT NULL text columns get an empty string instead.
QString notNull(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QString text(const QVariant &value)
{
    return value.isNull() ? QString() : value.toString();
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QVariant &value)
{
    return value.isNull() ? QJsonObject() : QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

// The columns findingFromQuery() reads, in order.
const QString s_findingColumns = QStringLiteral("id, batch_id, COALESCE(item_id, 0), COALESCE(file_id, 0), "
                                                "check_name, severity, message, line, found_at");

FindingRecord findingFromQuery(const QSqlQuery &q)
{
    FindingRecord f;
    f.id = q.value(0).toLongLong();
    f.batchId = q.value(1).toLongLong();
    f.itemId = q.value(2).toLongLong();
    f.fileId = q.value(3).toLongLong();
    f.check = q.value(4).toString();
    f.severity = severityFromKey(q.value(5).toString()).value_or(FindingSeverity::Error);
    f.message = q.value(6).toString();
    f.line = q.value(7).toInt();
    f.at = Catalog::fromDbTime(q.value(8).toString());
    return f;
}

// Every row a query for findings gives, in its order.
Result<QList<FindingRecord>> findingList(Result<QSqlQuery> q)
{
    if (!q)
        return q.error();
    QList<FindingRecord> result;
    while (q->next())
        result.append(findingFromQuery(*q));
    return result;
}

const QString s_statisticsColumns =
    QStringLiteral("file_id, batch_id, sha256, format, width, height, sample_width, sample_height, reduction,"
                   " components, histogram, error, computed_at");

ImageStatistics statisticsFromQuery(const QSqlQuery &q)
{
    ImageStatistics s;
    s.fileId = q.value(0).toLongLong();
    s.batchId = q.value(1).toLongLong();
    s.sha256 = q.value(2).toString();
    s.format = q.value(3).toString();
    s.width = q.value(4).toInt();
    s.height = q.value(5).toInt();
    s.sampleWidth = q.value(6).toInt();
    s.sampleHeight = q.value(7).toInt();
    s.reduction = q.value(8).toInt();
    s.components = q.value(9).toInt();
    s.setHistogramText(q.value(10).toString());
    s.error = text(q.value(11));
    s.computedAt = Catalog::fromDbTime(q.value(12).toString());
    return s;
}

} // namespace

CheckRecords::CheckRecords(Catalog &catalog)
    : m_catalog(catalog)
{}

Error CheckRecords::sqlError(const QSqlQuery &query, const QString &what) const
{
    return Error{ErrorCode::Database,
                 tr("Catalog error while %1 in %2: %3")
                     .arg(what, m_catalog.location().displayName(), query.lastError().text())};
}

Result<QSqlQuery> CheckRecords::run(const QString &sql, const QVariantList &values, const QString &what)
{
    QSqlQuery q(m_catalog.database());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return sqlError(q, what);
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!q.exec())
        return sqlError(q, what);
    return q;
}

Status CheckRecords::insertFindings(const QList<FindingRecord> &findings, QStringView scope)
{
    static const RowStatement statement{
        QStringLiteral("INSERT INTO check_findings (batch_id, item_id, file_id, check_name, scope, severity,"
                       " message, line, found_at) VALUES "),
        QStringList(9),
        {}};
    const QString now = Catalog::toDbTime(QDateTime::currentDateTimeUtc());
    const QString scopeKey = scope.toString();
    return runRows(
        m_catalog, statement, findings.size(),
        [&](QSqlQuery &q, qsizetype row) {
            const FindingRecord &f = findings.at(row);
            q.addBindValue(f.batchId);
            q.addBindValue(nullableId(f.itemId));
            q.addBindValue(nullableId(f.fileId));
            q.addBindValue(notNull(f.check));
            q.addBindValue(scopeKey);
            q.addBindValue(severityKey(f.severity));
            q.addBindValue(notNull(f.message));
            q.addBindValue(f.line);
            q.addBindValue(f.at.isValid() ? Catalog::toDbTime(f.at) : now);
        },
        [&](qsizetype first, qsizetype) {
            return tr("recording a %1 finding").arg(findings.at(first).check);
        });
}

Status CheckRecords::insertEvents(const QList<EventRecord> &events)
{
    return insertEventRows(m_catalog, events);
}

Status CheckRecords::writeFileResults(const QList<CheckedFile> &files)
{
    if (files.isEmpty())
        return {};
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const CheckedFile &f : files)
        ids.append(f.fileId);
    // The ids are numbers the catalog gave out, so listing them in the statement is safe, and one statement
    // per page is far cheaper than one per file; so are the multi-row writes below (runRows()).
    if (auto q =
            run(u"DELETE FROM check_findings WHERE scope = 'file' AND file_id IN (" + sqlIdList(ids) + u')',
                {}, tr("replacing QA findings"));
        !q)
        return q.error();

    static const RowStatement factRows{
        QStringLiteral("INSERT INTO check_files (file_id, batch_id, facts, checked_at) VALUES "),
        QStringList(4),
        QStringLiteral(" ON CONFLICT (file_id) DO UPDATE SET facts = excluded.facts,"
                       " checked_at = excluded.checked_at")};
    static const RowStatement statisticsRows{
        u"INSERT INTO image_stats (" + s_statisticsColumns + u") VALUES ", QStringList(13),
        QStringLiteral(" ON CONFLICT (file_id) DO UPDATE SET batch_id = excluded.batch_id,"
                       " sha256 = excluded.sha256, format = excluded.format, width = excluded.width,"
                       " height = excluded.height, sample_width = excluded.sample_width,"
                       " sample_height = excluded.sample_height, reduction = excluded.reduction,"
                       " components = excluded.components, histogram = excluded.histogram,"
                       " error = excluded.error, computed_at = excluded.computed_at")};

    // One row per file (the last given for it): a multi-row upsert may not touch a row twice.
    QHash<qint64, qsizetype> lastOf;
    for (qsizetype i = 0; i < files.size(); ++i)
        lastOf.insert(files.at(i).fileId, i);
    QList<const CheckedFile *> once;
    QList<const CheckedFile *> images;
    QList<FindingRecord> findings;
    QList<EventRecord> events;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const CheckedFile &f = files.at(i);
        if (lastOf.value(f.fileId) == i) {
            once.append(&f);
            if (f.image)
                images.append(&f);
        }
        findings += f.findings;
        events += f.events;
    }
    const QString now = Catalog::toDbTime(QDateTime::currentDateTimeUtc());
    if (Status s = runRows(
            m_catalog, factRows, once.size(),
            [&](QSqlQuery &q, qsizetype row) {
                const CheckedFile &f = *once.at(row);
                q.addBindValue(f.fileId);
                q.addBindValue(f.batchId);
                q.addBindValue(jsonText(f.facts));
                q.addBindValue(now);
            },
            [&](qsizetype first, qsizetype) {
                return tr("recording what QA learned about file %1").arg(once.at(first)->fileId);
            });
        !s)
        return s;
    if (Status s = runRows(
            m_catalog, statisticsRows, images.size(),
            [&](QSqlQuery &q, qsizetype row) {
                const CheckedFile &f = *images.at(row);
                const ImageStatistics &stats = *f.image;
                q.addBindValue(f.fileId);
                q.addBindValue(f.batchId);
                q.addBindValue(notNull(stats.sha256));
                q.addBindValue(notNull(stats.format));
                q.addBindValue(stats.width);
                q.addBindValue(stats.height);
                q.addBindValue(stats.sampleWidth);
                q.addBindValue(stats.sampleHeight);
                q.addBindValue(stats.reduction);
                q.addBindValue(stats.components);
                q.addBindValue(stats.histogramText());
                q.addBindValue(stats.error.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                     : stats.error);
                q.addBindValue(stats.computedAt.isValid() ? Catalog::toDbTime(stats.computedAt) : now);
            },
            [&](qsizetype first, qsizetype) {
                return tr("recording the image statistics of file %1").arg(images.at(first)->fileId);
            });
        !s)
        return s;
    if (Status s = insertFindings(findings, s_fileScope); !s)
        return s;
    return insertEvents(events);
}

Status CheckRecords::recordFileResults(const QList<CheckedFile> &files)
{
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    if (Status s = writeFileResults(files); !s)
        return s;
    return tx->commit();
}

Status CheckRecords::recordBatchResults(qint64 batchId, const QList<FindingRecord> &findings,
                                        const QList<EventRecord> &events)
{
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    if (Status s = writeBatchFindings(batchId, findings); !s)
        return s;
    if (Status s = insertEvents(events); !s)
        return s;
    return tx->commit();
}

Status CheckRecords::writeBatchFindings(qint64 batchId, const QList<FindingRecord> &findings)
{
    if (auto q = run(QStringLiteral("DELETE FROM check_findings WHERE batch_id = ? AND scope = 'batch'"),
                     {batchId}, tr("replacing the QA findings of batch %1").arg(batchId));
        !q)
        return q.error();
    return insertFindings(findings, s_batchScope);
}

Status CheckRecords::writeEvents(const QList<EventRecord> &events)
{
    return insertEvents(events);
}

Status CheckRecords::addEvents(const QList<EventRecord> &events)
{
    if (events.isEmpty())
        return {};
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    if (Status s = insertEvents(events); !s)
        return s;
    return tx->commit();
}

Status CheckRecords::forgetFiles(const QList<qint64> &fileIds)
{
    if (fileIds.isEmpty())
        return {};
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    // The ids are numbers the catalog gave out, so listing them in the statement is safe.
    const QString ids = sqlIdList(fileIds);
    const QStringList statements{
        u"DELETE FROM check_findings WHERE scope = 'file' AND file_id IN (" + ids + u')',
        u"DELETE FROM check_files WHERE file_id IN (" + ids + u')',
        u"DELETE FROM file_stages WHERE stage = '" + StageInfo::key(Stage::Check) + u"' AND file_id IN (" +
            ids + u')',
    };
    for (const QString &sql : statements) {
        if (auto q =
                run(sql, {}, tr("forgetting the QA results of %n file(s)", nullptr, int(fileIds.size())));
            !q)
            return q.error();
    }
    return tx->commit();
}

Status CheckRecords::clearBatch(qint64 batchId)
{
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    for (const QString &table : {QStringLiteral("check_findings"), QStringLiteral("check_files")}) {
        if (auto q = run(QStringLiteral("DELETE FROM %1 WHERE batch_id = ?").arg(table), {batchId},
                         tr("clearing the QA results of batch %1").arg(batchId));
            !q)
            return q.error();
    }
    return tx->commit();
}

Result<QList<FindingRecord>> CheckRecords::findings(qint64 batchId)
{
    return findingList(run(QStringLiteral("SELECT %1 FROM check_findings WHERE batch_id = ?"
                                          " ORDER BY COALESCE(file_id, 0), id")
                               .arg(s_findingColumns),
                           {batchId}, tr("reading the QA findings of batch %1").arg(batchId)));
}

Result<QList<FindingRecord>> CheckRecords::itemFindings(qint64 itemId)
{
    return findingList(run(
        QStringLiteral("SELECT %1 FROM check_findings WHERE item_id = ? ORDER BY id").arg(s_findingColumns),
        {itemId}, tr("reading the QA findings of item %1").arg(itemId)));
}

Result<QList<FindingRecord>> CheckRecords::fileFindings(qint64 fileId)
{
    return findingList(run(
        QStringLiteral("SELECT %1 FROM check_findings WHERE file_id = ? ORDER BY id").arg(s_findingColumns),
        {fileId}, tr("reading the QA findings of file %1").arg(fileId)));
}

Result<QHash<qint64, QList<FindingRecord>>> CheckRecords::findingsByFile(qint64 batchId)
{
    auto all = findings(batchId);
    if (!all)
        return all.error();
    QHash<qint64, QList<FindingRecord>> result;
    for (FindingRecord &f : *all)
        result[f.fileId].append(std::move(f));
    return result;
}

Result<QHash<qint64, QList<FindingRecord>>> CheckRecords::findingsByFile(const QList<qint64> &fileIds)
{
    QHash<qint64, QList<FindingRecord>> result;
    if (fileIds.isEmpty())
        return result;
    auto q = run(QStringLiteral("SELECT %1 FROM check_findings WHERE file_id IN (%2) ORDER BY file_id, id")
                     .arg(s_findingColumns, sqlIdList(fileIds)),
                 {}, tr("reading QA findings"));
    if (!q)
        return q.error();
    while (q->next()) {
        FindingRecord f = findingFromQuery(*q);
        result[f.fileId].append(std::move(f));
    }
    return result;
}

Result<QList<CheckRecords::Count>> CheckRecords::counts(qint64 batchId)
{
    return counts(batchId, {});
}

Result<QList<CheckRecords::Count>> CheckRecords::counts(qint64 batchId,
                                                        const QList<std::pair<QString, FileStatus>> &restated)
{
    QVariantList values{batchId};
    QString unless;
    if (!restated.isEmpty()) {
        QStringList pairs;
        for (const auto &[check, status] : restated) {
            pairs.append(QStringLiteral("(c.check_name = ? AND f.status = ?)"));
            values << check << StatusInfo::key(status);
        }
        unless = u" AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id AND (" +
                 pairs.join(QStringLiteral(" OR ")) + u"))";
    }
    auto q = run(u"SELECT c.check_name, c.severity, COUNT(*), COUNT(DISTINCT c.file_id)"
                 u" FROM check_findings c WHERE c.batch_id = ?" +
                     unless + u" GROUP BY c.check_name, c.severity ORDER BY c.check_name, c.severity",
                 values, tr("counting the QA findings of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<Count> result;
    while (q->next()) {
        Count c;
        c.check = q->value(0).toString();
        c.severity = severityFromKey(q->value(1).toString()).value_or(FindingSeverity::Error);
        c.findings = q->value(2).toLongLong();
        c.files = q->value(3).toLongLong();
        result.append(c);
    }
    return result;
}

Result<qint64> CheckRecords::checkedFileCount(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT COUNT(*) FROM check_files WHERE batch_id = ?"), {batchId},
                 tr("counting the checked files of batch %1").arg(batchId));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

Status CheckRecords::forEachItem(qint64 batchId, const std::function<bool(const CheckedItem &)> &visit)
{
    // Keyset-paged by item seq so a batch of a million files never sits in memory, and no read query stays
    // open while the visitor works (SQLite would hold its snapshot).
    constexpr int s_page = 2000;
    qint64 afterSeq = -1;
    for (;;) {
        auto items = run(QStringLiteral("SELECT id, seq, identifier, label, metadata FROM items"
                                        " WHERE batch_id = ? AND seq > ? ORDER BY seq LIMIT %1")
                             .arg(s_page),
                         {batchId, afterSeq}, tr("reading the items of batch %1").arg(batchId));
        if (!items)
            return items.error();
        QList<CheckedItem> page;
        QHash<qint64, qsizetype> index;
        while (items->next()) {
            CheckedItem item;
            item.item.id = items->value(0).toLongLong();
            item.item.batchId = batchId;
            item.item.seq = items->value(1).toInt();
            item.item.identifier = items->value(2).toString();
            item.item.label = items->value(3).toString();
            item.item.metadata = jsonObject(items->value(4));
            index.insert(item.item.id, page.size());
            page.append(std::move(item));
        }
        if (page.isEmpty())
            return {};
        afterSeq = page.constLast().item.seq;

        auto files = run(
            QStringLiteral("SELECT f.id, f.item_id, f.seq, f.name, f.status, f.error, f.size, f.mimetype,"
                           " f.stored_key, f.md5, f.sha1, f.sha256, f.declared_md5, f.declared_sha1,"
                           " f.declared_sha256, f.declared_sha512, f.declared_origin, f.source_path,"
                           " c.facts, c.file_id FROM files f LEFT JOIN check_files c ON c.file_id = f.id"
                           " WHERE f.batch_id = ? AND f.item_id IN (SELECT id FROM items WHERE batch_id = ?"
                           " AND seq > ? AND seq <= ?) ORDER BY f.item_id, f.seq, f.id"),
            {batchId, batchId, page.constFirst().item.seq - 1, afterSeq},
            tr("reading the files of batch %1").arg(batchId));
        if (!files)
            return files.error();
        while (files->next()) {
            CheckedItemFile entry;
            FileRecord &f = entry.file;
            f.id = files->value(0).toLongLong();
            f.batchId = batchId;
            f.itemId = files->value(1).toLongLong();
            f.seq = files->value(2).toInt();
            f.name = files->value(3).toString();
            f.status = StatusInfo::fromKey(files->value(4).toString()).value_or(FileStatus::Pending);
            f.error = text(files->value(5));
            f.size = files->value(6).isNull() ? -1 : files->value(6).toLongLong();
            f.mimetype = text(files->value(7));
            f.storedKey = text(files->value(8));
            f.digests.md5 = text(files->value(9));
            f.digests.sha1 = text(files->value(10));
            f.digests.sha256 = text(files->value(11));
            f.declared.md5 = text(files->value(12));
            f.declared.sha1 = text(files->value(13));
            f.declared.sha256 = text(files->value(14));
            f.declared.sha512 = text(files->value(15));
            f.declared.origin = text(files->value(16));
            f.sourcePath = text(files->value(17));
            entry.facts = jsonObject(files->value(18));
            entry.checked = !files->value(19).isNull();
            const auto at = index.constFind(f.itemId);
            if (at == index.cend())
                continue;
            f.item = page[*at].item.identifier;
            page[*at].files.append(std::move(entry));
        }
        files->finish();
        for (const CheckedItem &item : std::as_const(page)) {
            if (!visit(item))
                return {};
        }
        if (page.size() < s_page)
            return {};
    }
}

Result<std::optional<ImageStatistics>> CheckRecords::imageStatistics(qint64 fileId)
{
    auto found = imageStatistics(QList<qint64>{fileId});
    if (!found)
        return found.error();
    if (!found->contains(fileId))
        return std::optional<ImageStatistics>();
    return std::optional<ImageStatistics>(found->value(fileId));
}

Result<QHash<qint64, ImageStatistics>> CheckRecords::imageStatistics(const QList<qint64> &fileIds)
{
    QHash<qint64, ImageStatistics> result;
    if (fileIds.isEmpty())
        return result;
    auto q = run(QStringLiteral("SELECT %1 FROM image_stats WHERE file_id IN (%2)")
                     .arg(s_statisticsColumns, sqlIdList(fileIds)),
                 {}, tr("reading image statistics"));
    if (!q)
        return q.error();
    while (q->next()) {
        ImageStatistics s = statisticsFromQuery(*q);
        result.insert(s.fileId, s);
    }
    return result;
}

} // namespace gh
