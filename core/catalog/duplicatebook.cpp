#include "duplicatebook.h"

#include <QJsonDocument>
#include <QSqlError>

#include "bulkrows.h"

namespace gh {

namespace {

const QString s_caseColumns = QStringLiteral(
    "c.file_id, c.batch_id, c.item_id, c.target, c.dup_case, c.needs_decision, c.intended_name, c.sent_md5,"
    " c.sent_sha1, c.sent_sha256, c.sent_size, c.existing_name, c.existing_sha1, c.existing_file,"
    " c.existing_batch, c.deleted_before, c.deleted_for_copyright, c.details, c.classified_at,"
    " d.id, d.dup_case, d.action, d.new_name, d.note, d.decided_by, d.rule, d.decided_at, d.undone_at,"
    " d.undone_by, d.executed_at, d.execution, d.file_id, d.target, d.batch_id");

const QString s_decisionColumns =
    QStringLiteral("d.id, d.dup_case, d.action, d.new_name, d.note, d.decided_by, d.rule, d.decided_at,"
                   " d.undone_at, d.undone_by, d.executed_at, d.execution, d.file_id, d.target, d.batch_id");

QString text(const QVariant &value)
{
    return value.isNull() ? QString() : value.toString();
}

QString notNull(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant nullableText(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

QVariant nullableId(qint64 value)
{
    return value > 0 ? QVariant(value) : QVariant(QMetaType::fromType<qint64>());
}

/*!
    A condition on a row of duplicate_decisions: an upload claimed it (claimExecution() wrote its "host:pid"
    into execution, executed_at still empty) and still holds a live lease on the decision's file. A claim
    whose owner stopped runs out with its leases.
*/
QString liveClaim(const SqlDialect &dialect)
{
    return u"EXISTS (SELECT 1 FROM file_leases l WHERE l.file_id = duplicate_decisions.file_id AND l.owner ="
           u" duplicate_decisions.execution AND l.expires_at > " +
           dialect.nowMillis() + u')';
}

QString placeholders(qsizetype n)
{
    QString s;
    s.reserve(n * 3);
    for (qsizetype i = 0; i < n; ++i)
        s += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return s;
}

//! The decision columns starting at \a c (as s_decisionColumns orders them); nothing when d.id is NULL.
std::optional<DuplicateDecision> decisionAt(const QSqlQuery &q, int c)
{
    if (q.value(c).isNull())
        return std::nullopt;
    DuplicateDecision d;
    d.id = q.value(c++).toLongLong();
    d.forCase = DuplicateInfo::caseFromKey(q.value(c++).toString()).value_or(DuplicateCase::New);
    d.action = DuplicateInfo::actionFromKey(q.value(c++).toString()).value_or(DuplicateAction::Skip);
    d.name = text(q.value(c++));
    d.note = text(q.value(c++));
    d.decidedBy = text(q.value(c++));
    d.rule = text(q.value(c++));
    d.decidedAt = Catalog::fromDbTime(text(q.value(c++)));
    d.undoneAt = Catalog::fromDbTime(text(q.value(c++)));
    d.undoneBy = text(q.value(c++));
    d.executedAt = Catalog::fromDbTime(text(q.value(c++)));
    d.execution = text(q.value(c++));
    d.fileId = q.value(c++).toLongLong();
    d.target = text(q.value(c++));
    d.batchId = q.value(c++).toLongLong();
    return d;
}

DuplicateRecord caseFromQuery(const QSqlQuery &q)
{
    DuplicateRecord r;
    int c = 0;
    r.fileId = q.value(c++).toLongLong();
    r.batchId = q.value(c++).toLongLong();
    r.itemId = q.value(c++).toLongLong();
    r.target = text(q.value(c++));
    r.dupCase = DuplicateInfo::caseFromKey(q.value(c++).toString()).value_or(DuplicateCase::New);
    r.needsDecision = q.value(c++).toInt() != 0;
    r.intendedName = text(q.value(c++));
    r.sent.md5 = text(q.value(c++));
    r.sent.sha1 = text(q.value(c++));
    r.sent.sha256 = text(q.value(c++));
    const QVariant size = q.value(c++);
    r.sentSize = size.isNull() ? -1 : size.toLongLong();
    r.existingName = text(q.value(c++));
    r.existingSha1 = text(q.value(c++));
    r.existingFile = q.value(c++).toLongLong();
    r.existingBatch = q.value(c++).toLongLong();
    r.deletedBefore = q.value(c++).toInt() != 0;
    r.deletedForCopyright = q.value(c++).toInt() != 0;
    r.details = QJsonDocument::fromJson(text(q.value(c++)).toUtf8()).object();
    r.classifiedAt = Catalog::fromDbTime(text(q.value(c++)));
    r.decision = decisionAt(q, c);
    return r;
}

} // namespace

DuplicateBook::DuplicateBook(Catalog &catalog)
    : m_catalog(catalog)
{}

Result<QSqlQuery> DuplicateBook::run(const QString &sql, const QVariantList &values, const QString &what)
{
    QSqlQuery q(m_catalog.database());
    q.setForwardOnly(true);
    auto failed = [&] {
        return Error{ErrorCode::Database,
                     tr("Catalog error while %1 in %2: %3")
                         .arg(what, m_catalog.location().displayName(), q.lastError().text())};
    };
    if (!q.prepare(sql))
        return failed();
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!q.exec())
        return failed();
    return q;
}

Status DuplicateBook::dropCases(const QList<qint64> &fileIds, const QString &target)
{
    constexpr qsizetype chunk = 500;
    for (qsizetype start = 0; start < fileIds.size(); start += chunk) {
        const QList<qint64> part = fileIds.mid(start, chunk);
        QStringList marks;
        QVariantList values{target};
        for (qint64 id : part) {
            marks.append(QStringLiteral("?"));
            values.append(id);
        }
        auto q = run(QStringLiteral("DELETE FROM duplicate_cases WHERE target = ? AND file_id IN (") +
                         marks.join(u',') + u')',
                     values, tr("dropping the duplicate cases against %1").arg(target));
        if (!q)
            return q.error();
    }
    return {};
}

Status DuplicateBook::saveCases(const QList<DuplicateRecord> &records)
{
    // A file that keeps its case keeps the decision in force; another case starts without one. A page of
    // cases is one statement (runRows()), not one per file.
    static const RowStatement statement{
        QStringLiteral(
            "INSERT INTO duplicate_cases (file_id, target, batch_id, item_id, dup_case, needs_decision,"
            " intended_name, sent_md5, sent_sha1, sent_sha256, sent_size, existing_name, existing_sha1,"
            " existing_file, existing_batch, deleted_before, deleted_for_copyright, details, classified_at)"
            " VALUES "),
        QStringList(19),
        QStringLiteral(" ON CONFLICT (file_id, target) DO UPDATE SET dup_case = excluded.dup_case,"
                       " needs_decision = excluded.needs_decision, intended_name = excluded.intended_name,"
                       " sent_md5 = excluded.sent_md5, sent_sha1 = excluded.sent_sha1, sent_sha256 = "
                       "excluded.sent_sha256,"
                       " sent_size = excluded.sent_size, existing_name = excluded.existing_name,"
                       " existing_sha1 = excluded.existing_sha1, existing_file = excluded.existing_file,"
                       " existing_batch = excluded.existing_batch, deleted_before = excluded.deleted_before,"
                       " deleted_for_copyright = excluded.deleted_for_copyright, details = excluded.details,"
                       " classified_at = excluded.classified_at,"
                       " decision_id = CASE WHEN duplicate_cases.dup_case = excluded.dup_case"
                       " THEN duplicate_cases.decision_id ELSE NULL END")};
    // One row per file and target (the last given): a multi-row upsert may not touch a row twice.
    QHash<std::pair<qint64, QString>, qsizetype> lastOf;
    for (qsizetype i = 0; i < records.size(); ++i)
        lastOf.insert({records.at(i).fileId, records.at(i).target}, i);
    QList<const DuplicateRecord *> once;
    once.reserve(lastOf.size());
    for (qsizetype i = 0; i < records.size(); ++i) {
        if (lastOf.value({records.at(i).fileId, records.at(i).target}) == i)
            once.append(&records.at(i));
    }
    const QString now = Catalog::toDbTime(QDateTime::currentDateTimeUtc());
    return runRows(
        m_catalog, statement, once.size(),
        [&](QSqlQuery &q, qsizetype row) {
            const DuplicateRecord &r = *once.at(row);
            q.addBindValue(r.fileId);
            q.addBindValue(r.target);
            q.addBindValue(r.batchId);
            q.addBindValue(r.itemId);
            q.addBindValue(DuplicateInfo::key(r.dupCase));
            q.addBindValue(r.needsDecision ? 1 : 0);
            q.addBindValue(notNull(r.intendedName));
            q.addBindValue(notNull(r.sent.md5));
            q.addBindValue(notNull(r.sent.sha1));
            q.addBindValue(notNull(r.sent.sha256));
            q.addBindValue(r.sentSize >= 0 ? QVariant(r.sentSize) : QVariant(QMetaType::fromType<qint64>()));
            q.addBindValue(nullableText(r.existingName));
            q.addBindValue(nullableText(r.existingSha1));
            q.addBindValue(nullableId(r.existingFile));
            q.addBindValue(nullableId(r.existingBatch));
            q.addBindValue(r.deletedBefore ? 1 : 0);
            q.addBindValue(r.deletedForCopyright ? 1 : 0);
            q.addBindValue(QString::fromUtf8(QJsonDocument(r.details).toJson(QJsonDocument::Compact)));
            q.addBindValue(r.classifiedAt.isValid() ? Catalog::toDbTime(r.classifiedAt) : now);
        },
        [&](qsizetype first, qsizetype last) {
            return first == last ? tr("recording the duplicate case of file %1").arg(once.at(first)->fileId)
                                 : tr("recording the duplicate cases of files %1 to %2")
                                       .arg(once.at(first)->fileId)
                                       .arg(once.at(last)->fileId);
        });
}

Result<QList<DuplicateRecord>> DuplicateBook::readCases(const QString &where, const QVariantList &values,
                                                        const QString &tail, const QString &what)
{
    auto q = run(QStringLiteral("SELECT ") + s_caseColumns +
                     QStringLiteral(" FROM duplicate_cases c LEFT JOIN duplicate_decisions d"
                                    " ON d.id = c.decision_id WHERE ") +
                     where + u' ' + tail,
                 values, what);
    if (!q)
        return q.error();
    QList<DuplicateRecord> records;
    while (q->next())
        records.append(caseFromQuery(*q));
    return records;
}

Result<QList<DuplicateRecord>> DuplicateBook::cases(qint64 batchId, const DuplicateCaseQuery &query)
{
    QString where = QStringLiteral("c.batch_id = ? AND c.file_id > ?");
    QVariantList values{batchId, query.afterFileId};
    if (!query.target.isEmpty()) {
        where += QStringLiteral(" AND c.target = ?");
        values.append(query.target);
    }
    if (query.only) {
        where += QStringLiteral(" AND c.dup_case = ?");
        values.append(DuplicateInfo::key(*query.only));
    }
    if (query.onlyOpen)
        where += QStringLiteral(" AND c.needs_decision = 1 AND c.decision_id IS NULL");
    if (query.onlyDecided)
        where += QStringLiteral(" AND c.decision_id IS NOT NULL");
    if (query.action) {
        where += QStringLiteral(" AND d.action = ?");
        values.append(DuplicateInfo::key(*query.action));
    }
    QString tail = QStringLiteral("ORDER BY c.file_id, c.target");
    if (query.limit > 0)
        tail += QStringLiteral(" LIMIT %1").arg(query.limit);
    return readCases(where, values, tail, tr("reading the duplicate cases of batch %1").arg(batchId));
}

Result<QList<DuplicateRecord>> DuplicateBook::casesOfFiles(const QList<qint64> &fileIds,
                                                           const QString &target)
{
    if (fileIds.isEmpty())
        return QList<DuplicateRecord>();
    QVariantList values;
    for (qint64 id : fileIds)
        values.append(id);
    QString where = QStringLiteral("c.file_id IN (%1)").arg(placeholders(fileIds.size()));
    if (!target.isEmpty()) {
        where += QStringLiteral(" AND c.target = ?");
        values.append(target);
    }
    return readCases(where, values, QStringLiteral("ORDER BY c.file_id, c.classified_at"),
                     tr("reading duplicate cases"));
}

Result<std::optional<DuplicateRecord>> DuplicateBook::caseOf(qint64 fileId, const QString &target)
{
    auto records = casesOfFiles({fileId}, target);
    if (!records)
        return records.error();
    if (records->isEmpty())
        return std::optional<DuplicateRecord>();
    return std::optional<DuplicateRecord>(records->constFirst());
}

Result<QList<DuplicateRecord>> DuplicateBook::casesOfItem(qint64 itemId)
{
    return readCases(QStringLiteral("c.item_id = ?"), {itemId},
                     QStringLiteral("ORDER BY c.file_id, c.target"),
                     tr("reading the duplicate cases of item %1").arg(itemId));
}

Result<QStringList> DuplicateBook::targets(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT target, MIN(classified_at) AS first_at FROM duplicate_cases"
                                " WHERE batch_id = ? GROUP BY target ORDER BY first_at, target"),
                 {batchId}, tr("reading the targets of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QStringList targets;
    while (q->next())
        targets.append(q->value(0).toString());
    return targets;
}

Result<QMap<DuplicateCase, DuplicateBook::Count>> DuplicateBook::counts(qint64 batchId, const QString &target)
{
    QString sql =
        QStringLiteral("SELECT c.dup_case, d.action, COUNT(*),"
                       " SUM(CASE WHEN c.needs_decision = 1 AND c.decision_id IS NULL THEN 1 ELSE 0 END),"
                       " SUM(c.deleted_before) FROM duplicate_cases c LEFT JOIN duplicate_decisions d ON "
                       "d.id = c.decision_id"
                       " WHERE c.batch_id = ?");
    QVariantList values{batchId};
    if (!target.isEmpty()) {
        sql += QStringLiteral(" AND c.target = ?");
        values.append(target);
    }
    sql += QStringLiteral(" GROUP BY c.dup_case, d.action");
    auto q = run(sql, values, tr("counting the duplicate cases of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QMap<DuplicateCase, Count> counts;
    while (q->next()) {
        const auto dupCase = DuplicateInfo::caseFromKey(q->value(0).toString());
        if (!dupCase)
            continue;
        Count &c = counts[*dupCase];
        const qint64 n = q->value(2).toLongLong();
        c.files += n;
        c.open += q->value(3).toLongLong();
        c.deleted += q->value(4).toLongLong();
        if (const auto action = DuplicateInfo::actionFromKey(text(q->value(1)))) {
            c.decided += n;
            c.byAction[*action] += n;
        }
    }
    return counts;
}

Result<qint64> DuplicateBook::openCount(qint64 batchId, const QString &target)
{
    // Files, not cases: a file waiting against two targets is one file that waits.
    QString sql = QStringLiteral("SELECT COUNT(DISTINCT file_id) FROM duplicate_cases WHERE batch_id = ?"
                                 " AND needs_decision = 1 AND decision_id IS NULL");
    QVariantList values{batchId};
    if (!target.isEmpty()) {
        sql += QStringLiteral(" AND target = ?");
        values.append(target);
    }
    auto q = run(sql, values, tr("counting open duplicate cases of batch %1").arg(batchId));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<QList<DuplicateBook::SameBytes>> DuplicateBook::sameBytes(const QStringList &sha1s, qint64 maxBatchId)
{
    QList<SameBytes> found;
    if (sha1s.isEmpty())
        return found;
    QVariantList values;
    for (const QString &sha1 : sha1s)
        values.append(sha1.toLower());
    values.append(maxBatchId);
    auto q = run(QStringLiteral("SELECT f.id, f.batch_id, f.item_id, i.identifier, f.name, f.sha1, f.sha256"
                                " FROM files f JOIN items i ON i.id = f.item_id"
                                " WHERE f.sha1 IN (%1) AND f.batch_id <= ?"
                                " AND f.status IN ('success', 'unchanged') AND f.stored_key IS NOT NULL"
                                " ORDER BY f.batch_id, f.id")
                     .arg(placeholders(sha1s.size())),
                 values, tr("looking up files with the same bytes"));
    if (!q)
        return q.error();
    while (q->next()) {
        SameBytes s;
        s.fileId = q->value(0).toLongLong();
        s.batchId = q->value(1).toLongLong();
        s.itemId = q->value(2).toLongLong();
        s.item = text(q->value(3));
        s.name = text(q->value(4));
        s.sha1 = text(q->value(5));
        s.sha256 = text(q->value(6));
        found.append(s);
    }
    return found;
}

Status DuplicateBook::lockCase(qint64 fileId, const QString &target)
{
    // SQLite's write transactions take the whole database at their start.
    if (m_catalog.dialect().engine() != SqlDialect::Engine::Postgres)
        return {};
    auto q = run(QStringLiteral("SELECT 1 FROM duplicate_cases WHERE file_id = ? AND target = ? FOR UPDATE"),
                 {fileId, target}, tr("reading the case of file %1").arg(fileId));
    return q ? Status() : Status(q.error());
}

Status DuplicateBook::addDecision(DuplicateDecision &decision)
{
    if (Status s = lockCase(decision.fileId, decision.target); !s)
        return s;
    auto current = caseOf(decision.fileId, decision.target);
    if (!current)
        return current.error();
    if (!*current) {
        return Error{ErrorCode::NotFound, tr("File %1 has no duplicate case for %2; run dedup first.")
                                              .arg(decision.fileId)
                                              .arg(decision.target)};
    }
    if ((*current)->dupCase != decision.forCase) {
        return Error{ErrorCode::Invalid,
                     tr("File %1 is no longer in the case %2 for %3 (it is %4 now); decide again.")
                         .arg(decision.fileId)
                         .arg(DuplicateInfo::key(decision.forCase), decision.target,
                              DuplicateInfo::key((*current)->dupCase))};
    }
    if ((*current)->decision && (*current)->decision->isExecuted()) {
        return Error{ErrorCode::Invalid,
                     tr("The decision about file %1 for %2 was already carried out (%3); it stands.")
                         .arg(decision.fileId)
                         .arg(decision.target, (*current)->decision->execution)};
    }
    if ((*current)->decision && !(*current)->decision->execution.isEmpty()) {
        // Unless its upload stopped without carrying it out (its lease ran out).
        auto live =
            run(u"SELECT 1 FROM duplicate_decisions WHERE id = ? AND " + liveClaim(m_catalog.dialect()),
                {(*current)->decision->id}, tr("reading the case of file %1").arg(decision.fileId));
        if (!live)
            return live.error();
        if (live->next()) {
            return Error{ErrorCode::Invalid,
                         tr("The upload %1 is carrying out the decision about file %2 for %3 right now; it "
                            "stands.")
                             .arg((*current)->decision->execution)
                             .arg(decision.fileId)
                             .arg(decision.target)};
        }
    }
    if (!decision.decidedAt.isValid())
        decision.decidedAt = QDateTime::currentDateTimeUtc();
    decision.batchId = (*current)->batchId;
    auto q =
        run(QStringLiteral("INSERT INTO duplicate_decisions (file_id, target, batch_id, dup_case, action,"
                           " new_name, note, decided_by, rule, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                           " ?, ?, ?) RETURNING id"),
            {decision.fileId, decision.target, decision.batchId, DuplicateInfo::key(decision.forCase),
             DuplicateInfo::key(decision.action), notNull(decision.name), notNull(decision.note),
             notNull(decision.decidedBy), notNull(decision.rule), Catalog::toDbTime(decision.decidedAt)},
            tr("recording a decision about file %1").arg(decision.fileId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::Database,
                     tr("The catalog gave no id for the decision about file %1.").arg(decision.fileId)};
    decision.id = q->value(0).toLongLong();
    auto u =
        run(QStringLiteral("UPDATE duplicate_cases SET decision_id = ? WHERE file_id = ? AND target = ?"),
            {decision.id, decision.fileId, decision.target},
            tr("putting the decision about file %1 in force").arg(decision.fileId));
    return u ? Status() : Status(u.error());
}

Error DuplicateBook::notUndoable(const DuplicateDecision &d) const
{
    if (d.isExecuted()) {
        const QDateTime local = d.executedAt.toLocalTime();
        const QString when = local.date() == QDate::currentDate()
                                 ? local.toString(QStringLiteral("HH:mm"))
                                 : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        return Error{ErrorCode::Invalid,
                     tr("Already carried out by the upload at %1 (%2 on %3); the decision to %4 file %5 "
                        "cannot be undone.")
                         .arg(when, d.execution, d.target, DuplicateInfo::key(d.action))
                         .arg(d.fileId)};
    }
    if (d.isUndone())
        return Error{ErrorCode::Invalid, tr("The decision %1 was already taken back.").arg(d.id)};
    return Error{ErrorCode::Invalid,
                 tr("The upload %1 is carrying out the decision to %2 file %3 on %4 right "
                    "now; it cannot be undone.")
                     .arg(d.execution, DuplicateInfo::key(d.action))
                     .arg(d.fileId)
                     .arg(d.target)};
}

Status DuplicateBook::undo(qint64 decisionId, const QString &by)
{
    auto found = decision(decisionId);
    if (!found)
        return found.error();
    if (!*found)
        return Error{ErrorCode::NotFound, tr("There is no decision %1.").arg(decisionId)};
    const DuplicateDecision &d = **found;
    if (d.isExecuted() || d.isUndone())
        return notUndoable(d);
    // The case's row first, as a claim takes it: the two never wait for each other crosswise.
    if (Status s = lockCase(d.fileId, d.target); !s)
        return s;
    // Only while nobody carries it out: an upload's claim (claimExecution()) and this exclude each other on
    // the decision's row, whichever comes first.
    auto q = run(u"UPDATE duplicate_decisions SET undone_at = ?, undone_by = ? WHERE id = ? AND undone_at IS"
                 u" NULL AND executed_at IS NULL AND (execution IS NULL OR execution = '' OR NOT " +
                     liveClaim(m_catalog.dialect()) + u')',
                 {Catalog::toDbTime(QDateTime::currentDateTimeUtc()), notNull(by), decisionId},
                 tr("taking back decision %1").arg(decisionId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0) {
        auto now = decision(decisionId);
        if (!now)
            return now.error();
        if (*now)
            return notUndoable(**now);
        return Error{ErrorCode::NotFound, tr("There is no decision %1.").arg(decisionId)};
    }
    // The one before it for the same case comes back in force.
    auto u =
        run(QStringLiteral("UPDATE duplicate_cases SET decision_id = (SELECT MAX(d.id) FROM"
                           " duplicate_decisions d WHERE d.file_id = duplicate_cases.file_id AND d.target ="
                           " duplicate_cases.target AND d.dup_case = duplicate_cases.dup_case AND"
                           " d.undone_at IS NULL) WHERE file_id = ? AND target = ?"),
            {d.fileId, d.target}, tr("taking back decision %1").arg(decisionId));
    return u ? Status() : Status(u.error());
}

Result<bool> DuplicateBook::claimExecution(qint64 decisionId, const QString &owner)
{
    const bool postgres = m_catalog.dialect().engine() == SqlDialect::Engine::Postgres;
    bool claimed = false;
    const QString what = tr("claiming decision %1 for the upload").arg(decisionId);
    const Status status = m_catalog.inTransaction([&]() -> Status {
        claimed = false;
        // The case's row first, as addDecision() takes it: a decision replaced meanwhile is not in force.
        auto inForce = run(u"SELECT c.decision_id FROM duplicate_cases c JOIN duplicate_decisions d ON"
                           u" d.file_id = c.file_id AND d.target = c.target WHERE d.id = ?" +
                               (postgres ? QStringLiteral(" FOR UPDATE OF c") : QString()),
                           {decisionId}, what);
        if (!inForce)
            return inForce.error();
        if (!inForce->next() || inForce->value(0).toLongLong() != decisionId)
            return {};
        // A claim of another upload stands while it holds the file's lease; one whose owner stopped is
        // taken over, like its files.
        auto q =
            run(u"UPDATE duplicate_decisions SET execution = ? WHERE id = ? AND undone_at IS NULL AND"
                u" executed_at IS NULL AND (execution IS NULL OR execution = '' OR execution = ? OR NOT " +
                    liveClaim(m_catalog.dialect()) + u')',
                {owner, decisionId, owner}, what);
        if (!q)
            return q.error();
        claimed = q->numRowsAffected() == 1;
        return {};
    });
    if (!status)
        return status.error();
    return claimed;
}

Status DuplicateBook::settleClaim(qint64 decisionId, const QString &owner, const QString &execution)
{
    auto q = execution.isEmpty()
                 ? run(QStringLiteral("UPDATE duplicate_decisions SET execution = NULL WHERE id = ?"
                                      " AND executed_at IS NULL AND execution = ?"),
                       {decisionId, owner}, tr("releasing decision %1").arg(decisionId))
                 : run(QStringLiteral("UPDATE duplicate_decisions SET executed_at = ?, execution = ?"
                                      " WHERE id = ? AND executed_at IS NULL AND execution = ?"),
                       {Catalog::toDbTime(QDateTime::currentDateTimeUtc()), execution, decisionId, owner},
                       tr("recording that decision %1 was carried out").arg(decisionId));
    return q ? Status() : Status(q.error());
}

Status DuplicateBook::markExecuted(qint64 decisionId, const QString &execution)
{
    auto q = run(QStringLiteral("UPDATE duplicate_decisions SET executed_at = ?, execution = ? WHERE id = ?"
                                " AND executed_at IS NULL AND undone_at IS NULL"),
                 {Catalog::toDbTime(QDateTime::currentDateTimeUtc()), notNull(execution), decisionId},
                 tr("recording that decision %1 was carried out").arg(decisionId));
    return q ? Status() : Status(q.error());
}

Result<std::optional<DuplicateDecision>> DuplicateBook::decision(qint64 decisionId)
{
    auto q = run(QStringLiteral("SELECT ") + s_decisionColumns +
                     QStringLiteral(" FROM duplicate_decisions d WHERE d.id = ?"),
                 {decisionId}, tr("reading decision %1").arg(decisionId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<DuplicateDecision>();
    return decisionAt(*q, 0);
}

Result<QList<DuplicateDecision>> DuplicateBook::history(qint64 fileId, const QString &target)
{
    auto q = run(QStringLiteral("SELECT ") + s_decisionColumns +
                     QStringLiteral(" FROM duplicate_decisions d WHERE d.file_id = ? AND d.target = ?"
                                    " ORDER BY d.id"),
                 {fileId, target}, tr("reading the decisions about file %1").arg(fileId));
    if (!q)
        return q.error();
    QList<DuplicateDecision> list;
    while (q->next()) {
        if (auto d = decisionAt(*q, 0))
            list.append(*d);
    }
    return list;
}

Status DuplicateBook::addEvents(const QList<EventRecord> &events)
{
    return insertEventRows(m_catalog, events);
}

} // namespace gh
