#include "reviewbook.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "catalog/catalogchanges.h"
#include "pipeline/curator.h"
#include "pipeline/settingstable.h"
#include "qa/samplingrandom.h"
#include "reviewflags.h"

namespace gh {

namespace {

QString text(const QVariant &value)
{
    return value.isNull() ? QString() : value.toString();
}

QVariant nullable(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

QString flagsText(const QStringList &flags)
{
    // Never a null QString: Qt binds that as SQL NULL, and the column is NOT NULL.
    if (flags.isEmpty())
        return QStringLiteral("");
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(flags)).toJson(QJsonDocument::Compact));
}

QStringList flagsFromText(const QString &text)
{
    QStringList flags;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        flags.append(v.toString());
    return flags;
}

QString planText(const SamplingPlan &plan)
{
    return ReviewBook::tr(
               "ISO 2859-1 single sampling, normal inspection, level %1, AQL %2 %: lot of %3 items, "
               "code letter %4, plan %5 (n %6): inspect %7, accept %8, reject %9")
        .arg(SamplingPlans::levelKey(plan.level), plan.aqlText())
        .arg(plan.lotSize)
        .arg(plan.codeLetter)
        .arg(plan.planLetter)
        .arg(plan.planSampleSize)
        .arg(plan.sampleSize)
        .arg(plan.accept)
        .arg(plan.reject);
}

/*!
    Fails with what the curator \a agent who came second is told when another curator gave \a itemId a
    verdict first ("Already decided by Anna at 14:02: pass (item rec-17)."); ok when the item has no verdict,
    or one of \a agent's own.
*/
Status noVerdictOfAnother(Catalog &catalog, qint64 batchId, qint64 itemId, const QString &identifier,
                          const QString &agent)
{
    QSqlQuery q(catalog.database());
    q.prepare(QStringLiteral("SELECT verdict, reviewer, decided_at FROM review_items"
                             " WHERE batch_id = ? AND item_id = ? AND verdict IS NOT NULL"));
    q.addBindValue(batchId);
    q.addBindValue(itemId);
    if (!q.exec())
        return Error{
            ErrorCode::Database,
            ReviewBook::tr("Cannot read the verdict on %1: %2").arg(identifier, q.lastError().text())};
    if (!q.next() || q.value(1).toString() == agent)
        return {};
    return Error{ErrorCode::Invalid,
                 Curator::alreadyDecided(q.value(1).toString(), Catalog::fromDbTime(q.value(2).toString()),
                                         q.value(0).toString()) +
                     ReviewBook::tr(" (item %1).").arg(identifier)};
}

} // namespace

ReviewBook::ReviewBook(Catalog &catalog)
    : m_catalog(catalog)
{}

Result<QSqlQuery> ReviewBook::run(const QString &sql, const QVariantList &values, const QString &what)
{
    QSqlQuery q(m_catalog.database());
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return Error{ErrorCode::Database,
                     tr("Catalog error while %1 in %2: %3")
                         .arg(what, m_catalog.location().displayName(), q.lastError().text())};
    for (const QVariant &value : values)
        q.addBindValue(value);
    if (!q.exec())
        return Error{ErrorCode::Database,
                     tr("Catalog error while %1 in %2: %3")
                         .arg(what, m_catalog.location().displayName(), q.lastError().text())};
    return q;
}

Status ReviewBook::ensureOpen(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT state, decided_at, decided_by FROM batches WHERE id = ?"), {batchId},
                 tr("reading batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    const BatchState state = batchStateFromKey(q->value(0).toString());
    if (state == BatchState::Open)
        return {};
    const QString when = Catalog::fromDbTime(text(q->value(1))).toLocalTime().toString(Qt::ISODate);
    return Error{ErrorCode::Invalid, state == BatchState::Approved
                                         ? tr("Batch %1 was approved on %2 by %3; its review is closed.")
                                               .arg(batchId)
                                               .arg(when, text(q->value(2)))
                                         : tr("Batch %1 was rejected on %2 by %3; its review is closed.")
                                               .arg(batchId)
                                               .arg(when, text(q->value(2)))};
}

Result<QList<qint64>> ReviewBook::lotItems(qint64 batchId)
{
    // Pages when the batch has pages (newspapers: not the film and edition folders), else every item.
    for (const QString &filter : {QStringLiteral(" AND (metadata LIKE '%\"kind\":\"page\"%'"
                                                 " OR metadata LIKE '%\"page_number\":%')"),
                                  QString()}) {
        auto q = run(u"SELECT id FROM items WHERE batch_id = ?" + filter + u" ORDER BY seq, id", {batchId},
                     tr("reading the items of batch %1").arg(batchId));
        if (!q)
            return q.error();
        QList<qint64> ids;
        while (q->next())
            ids.append(q->value(0).toLongLong());
        if (!ids.isEmpty())
            return ids;
    }
    return QList<qint64>();
}

Result<ReviewSample> ReviewBook::sample(qint64 batchId)
{
    ReviewSample s;
    s.batchId = batchId;
    auto q = run(
        QStringLiteral("SELECT lot_size, aql, level, code_letter, plan_letter, sample_size, accept_number,"
                       " reject_number, seed, drawn_at, drawn_by FROM review_samples WHERE batch_id = ?"),
        {batchId}, tr("reading the QA sample of batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return s;
    s.drawn = true;
    s.plan.lotSize = q->value(0).toLongLong();
    s.plan.aqlHundredths = SamplingPlans::parseAql(q->value(1).toString()).value_or(100);
    s.plan.level = SamplingPlans::parseLevel(q->value(2).toString()).value_or(InspectionLevel::II);
    s.plan.codeLetter = q->value(3).toString().front();
    s.plan.planLetter = q->value(4).toString().front();
    s.plan.sampleSize = q->value(5).toLongLong();
    s.plan.accept = q->value(6).toInt();
    s.plan.reject = q->value(7).toInt();
    s.seed = quint64(q->value(8).toLongLong());
    s.drawnAt = Catalog::fromDbTime(q->value(9).toString());
    s.drawnBy = q->value(10).toString();
    if (auto full = SamplingPlans::plan(s.plan.lotSize, s.plan.aqlHundredths, s.plan.level))
        s.plan.planSampleSize = full->planSampleSize;

    auto items = run(
        QStringLiteral("SELECT r.item_id, i.seq, i.identifier, i.label, r.reason, r.flags, r.verdict,"
                       " r.defect, r.note, r.reviewer, r.decided_at FROM review_items r"
                       " JOIN items i ON i.id = r.item_id WHERE r.batch_id = ? ORDER BY i.seq, r.item_id"),
        {batchId}, tr("reading the QA sample of batch %1").arg(batchId));
    if (!items)
        return items.error();
    while (items->next()) {
        ReviewItem item;
        item.itemId = items->value(0).toLongLong();
        item.seq = items->value(1).toInt();
        item.identifier = items->value(2).toString();
        item.label = text(items->value(3));
        item.reason = ReviewKeys::reasonFromKey(items->value(4).toString());
        item.flags = flagsFromText(text(items->value(5)));
        item.verdict = ReviewKeys::verdictFromKey(text(items->value(6))).value_or(Verdict::None);
        item.defect = text(items->value(7));
        item.note = text(items->value(8));
        item.reviewer = text(items->value(9));
        item.decidedAt = Catalog::fromDbTime(text(items->value(10)));
        s.items.append(item);
    }
    return s;
}

Result<ReviewSample> ReviewBook::draw(qint64 batchId, const SampleRequest &request, const Settings &settings)
{
    if (Status s = ensureOpen(batchId); !s)
        return s.error();
    // The lot is the batch's items: a sample drawn while they are still arriving would be drawn from part
    // of it.
    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    if (const StageState intake = StageRecord::stateOf(*stages, Stage::Intake);
        intake == StageState::Running || intake == StageState::Failed)
        return Error{
            ErrorCode::Invalid,
            tr("Batch %1 has not finished loading (its intake is %2), so its lot is not known yet; draw "
               "its sample once intake has finished.")
                .arg(batchId)
                .arg(StageInfo::key(intake))};
    auto existing = sample(batchId);
    if (!existing)
        return existing.error();
    const int aql = request.aqlHundredths.value_or(
        SamplingPlans::parseAql(settings.text(QStringLiteral("review/aql"))).value_or(100));
    const InspectionLevel level =
        request.level.value_or(SamplingPlans::parseLevel(settings.text(QStringLiteral("review/level")))
                                   .value_or(InspectionLevel::II));
    if (request.seed && *request.seed > SamplingRandom::maxSeed())
        return Error{ErrorCode::Usage,
                     tr("The seed must be a whole number from 0 to %1.").arg(SamplingRandom::maxSeed())};

    if (existing->drawn) {
        const bool same = existing->plan.aqlHundredths == aql && existing->plan.level == level &&
                          (!request.seed || *request.seed == existing->seed);
        if (same) {
            if (auto added = refreshFlags(batchId); !added)
                return added.error();
            return sample(batchId);
        }
        const qint64 given = std::count_if(existing->items.cbegin(), existing->items.cend(),
                                           [](const ReviewItem &i) { return i.verdict != Verdict::None; });
        if (given > 0)
            return Error{ErrorCode::Invalid,
                         tr("Batch %1 already has a sample (level %2, AQL %3, seed %4) with %5 verdicts; a "
                            "different sample cannot be drawn once review has begun.")
                             .arg(batchId)
                             .arg(SamplingPlans::levelKey(existing->plan.level), existing->plan.aqlText())
                             .arg(existing->seed)
                             .arg(given)};
    }

    auto lot = lotItems(batchId);
    if (!lot)
        return lot.error();
    auto plan = SamplingPlans::plan(lot->size(), aql, level);
    if (!plan)
        return Error{plan.error().code,
                     tr("Batch %1 cannot be sampled: %2").arg(batchId).arg(plan.error().message)};
    const quint64 seed = request.seed.value_or(SamplingRandom::randomSeed());
    QList<qint64> drawn;
    for (qint64 position : SamplingRandom(seed).choose(lot->size(), plan->sampleSize))
        drawn.append(lot->at(position));
    const QString agent = request.agent.isEmpty() ? curatorName(settings) : request.agent;
    if (Status s = writeSample(batchId, *plan, seed, drawn, agent); !s)
        return s.error();
    return sample(batchId);
}

Status ReviewBook::writeSample(qint64 batchId, const SamplingPlan &plan, quint64 seed,
                               const QList<qint64> &drawn, const QString &agent)
{
    auto flags = ReviewFlags::flaggedItems(m_catalog, batchId);
    if (!flags)
        return flags.error();
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    for (const QString &sql : {QStringLiteral("DELETE FROM review_items WHERE batch_id = ?"),
                               QStringLiteral("DELETE FROM review_samples WHERE batch_id = ?")}) {
        if (auto q = run(sql, {batchId}, tr("replacing the QA sample of batch %1").arg(batchId)); !q)
            return q.error();
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto q = run(
        QStringLiteral("INSERT INTO review_samples (batch_id, lot_size, aql, level, code_letter, plan_letter,"
                       " sample_size, accept_number, reject_number, seed, drawn_at, drawn_by)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {batchId, plan.lotSize, plan.aqlText(), SamplingPlans::levelKey(plan.level), QString(plan.codeLetter),
         QString(plan.planLetter), plan.sampleSize, plan.accept, plan.reject, qint64(seed),
         Catalog::toDbTime(now), agent},
        tr("recording the QA sample of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QSet<qint64> present;
    for (qint64 itemId : drawn) {
        auto insert =
            run(QStringLiteral(
                    "INSERT INTO review_items (batch_id, item_id, seq, reason, flags)"
                    " SELECT CAST(? AS BIGINT), id, seq, 'random', CAST(? AS TEXT) FROM items WHERE id = ?"),
                {batchId, flagsText(flags->value(itemId)), itemId},
                tr("recording the QA sample of batch %1").arg(batchId));
        if (!insert)
            return insert.error();
        present.insert(itemId);
    }
    if (Status s = insertFlags(batchId, *flags, present); !s)
        return s;
    qint64 extra = 0;
    for (auto it = flags->cbegin(); it != flags->cend(); ++it)
        extra += present.contains(it.key()) ? 0 : 1;
    const QString detail = tr("QA sample drawn: %1; seed %2; %3 flagged items added beyond the sample")
                               .arg(planText(plan))
                               .arg(seed)
                               .arg(extra);
    if (Status s = m_catalog.addEventsInTransaction({reviewEvent(batchId, 0, 0, QStringLiteral("appraisal"),
                                                                 QStringLiteral("success"), detail, agent)});
        !s)
        return s;
    if (Status s = announceChange(m_catalog, batchId, CatalogChange::Sample); !s)
        return s;
    if (Status s = recordLamp(batchId); !s)
        return s;
    return tx->commit();
}

Status ReviewBook::insertFlags(qint64 batchId, const QHash<qint64, QStringList> &flags,
                               const QSet<qint64> &present)
{
    for (auto it = flags.cbegin(); it != flags.cend(); ++it) {
        if (present.contains(it.key()))
            continue;
        auto insert =
            run(QStringLiteral(
                    "INSERT INTO review_items (batch_id, item_id, seq, reason, flags)"
                    " SELECT CAST(? AS BIGINT), id, seq, 'flag', CAST(? AS TEXT) FROM items WHERE id = ? AND"
                    " batch_id = ?"),
                {batchId, flagsText(it.value()), it.key(), batchId},
                tr("adding flagged items to the review of batch %1").arg(batchId));
        if (!insert)
            return insert.error();
    }
    return {};
}

Result<int> ReviewBook::refreshFlags(qint64 batchId)
{
    auto current = sample(batchId);
    if (!current)
        return current.error();
    if (!current->drawn)
        return 0;
    auto flags = ReviewFlags::flaggedItems(m_catalog, batchId);
    if (!flags)
        return flags.error();
    QSet<qint64> present;
    for (const ReviewItem &item : std::as_const(current->items))
        present.insert(item.itemId);
    int added = 0;
    for (auto it = flags->cbegin(); it != flags->cend(); ++it)
        added += present.contains(it.key()) ? 0 : 1;
    if (added == 0)
        return 0;
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    if (Status s = insertFlags(batchId, *flags, present); !s)
        return s.error();
    if (Status s = tx->commit(); !s)
        return s.error();
    return added;
}

Status ReviewBook::setVerdict(qint64 batchId, qint64 itemId, Verdict verdict, const QString &defect,
                              const QString &note, const QString &givenAgent)
{
    const QString agent = givenAgent.isEmpty() ? curatorName(Settings()) : givenAgent;
    if (verdict == Verdict::None)
        return withdrawVerdict(batchId, itemId, agent);
    if (verdict == Verdict::Fail && defect.trimmed().isEmpty())
        return Error{ErrorCode::Usage, tr("A failed item needs a defect reason.")};
    if (Status s = ensureOpen(batchId); !s)
        return s;
    auto current = sample(batchId);
    if (!current)
        return current.error();
    if (!current->drawn)
        return Error{
            ErrorCode::Invalid,
            tr("Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).").arg(batchId)};
    auto item = run(QStringLiteral("SELECT identifier FROM items WHERE id = ? AND batch_id = ?"),
                    {itemId, batchId}, tr("reading item %1").arg(itemId));
    if (!item)
        return item.error();
    if (!item->next())
        return Error{ErrorCode::NotFound, tr("Batch %1 has no item %2.").arg(batchId).arg(itemId)};
    const QString identifier = item->value(0).toString();

    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString key = ReviewKeys::key(verdict);
    const QString reason = verdict == Verdict::Fail ? defect.trimmed() : QString();
    // First writer wins: another curator's verdict stands (the row stays as it is), a curator may change
    // their own. On PostgreSQL an update racing another waits for it and then finds the row taken.
    auto update =
        run(QStringLiteral("UPDATE review_items SET verdict = ?, defect = ?, note = ?, reviewer = ?,"
                           " decided_at = ? WHERE batch_id = ? AND item_id = ?"
                           " AND (verdict IS NULL OR reviewer = ?)"),
            {key, nullable(reason), nullable(note.trimmed()), agent, Catalog::toDbTime(now), batchId, itemId,
             agent},
            tr("recording the verdict on %1").arg(identifier));
    if (!update)
        return update.error();
    bool manual = false;
    if (update->numRowsAffected() == 0) {
        if (Status s = noVerdictOfAnother(m_catalog, batchId, itemId, identifier, agent); !s)
            return s;
        manual = true;
        auto insert = run(
            QStringLiteral(
                "INSERT INTO review_items (batch_id, item_id, seq, reason, verdict, defect,"
                " note, reviewer, decided_at) SELECT CAST(? AS BIGINT), id, seq, 'manual',"
                " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT)"
                " FROM items WHERE id = ? ON CONFLICT (batch_id, item_id) DO NOTHING"),
            {batchId, key, nullable(reason), nullable(note.trimmed()), agent, Catalog::toDbTime(now), itemId},
            tr("recording the verdict on %1").arg(identifier));
        if (!insert)
            return insert.error();
        if (insert->numRowsAffected() == 0) {
            // Another curator added the item by hand a moment ago.
            if (Status s = noVerdictOfAnother(m_catalog, batchId, itemId, identifier, agent); !s)
                return s;
        }
    }
    QString detail = verdict == Verdict::Pass ? tr("manual QA verdict: pass")
                                              : tr("manual QA verdict: fail (%1)").arg(reason);
    if (!note.trimmed().isEmpty())
        detail += u"; " + tr("note: %1").arg(note.trimmed());
    if (manual)
        detail += u"; " + tr("added to the review by hand");
    if (Status s = m_catalog.addEventsInTransaction(
            {reviewEvent(batchId, itemId, 0, QStringLiteral("validation"),
                         verdict == Verdict::Pass ? QStringLiteral("success") : QStringLiteral("failure"),
                         detail, agent)});
        !s)
        return s;
    if (Status s = announceChange(m_catalog, batchId, CatalogChange::Verdicts); !s)
        return s;
    if (Status s = recordLamp(batchId); !s)
        return s;
    return tx->commit();
}

Status ReviewBook::withdrawVerdict(qint64 batchId, qint64 itemId, const QString &givenAgent)
{
    const QString agent = givenAgent.isEmpty() ? curatorName(Settings()) : givenAgent;
    if (Status s = ensureOpen(batchId); !s)
        return s;
    auto row =
        run(QStringLiteral("SELECT reason, verdict FROM review_items WHERE batch_id = ? AND item_id = ?"),
            {batchId, itemId}, tr("reading the verdict on item %1").arg(itemId));
    if (!row)
        return row.error();
    if (!row->next() || row->value(1).isNull())
        return Error{ErrorCode::Invalid,
                     tr("Item %1 of batch %2 has no verdict to withdraw.").arg(itemId).arg(batchId)};
    const bool manual = ReviewKeys::reasonFromKey(row->value(0).toString()) == ReviewReason::Manual;
    const QString was = row->value(1).toString();
    row->finish();
    // Only the curator who gave a verdict withdraws it.
    if (Status s = noVerdictOfAnother(m_catalog, batchId, itemId, QString::number(itemId), agent); !s)
        return s;
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    auto q =
        manual ? run(QStringLiteral("DELETE FROM review_items WHERE batch_id = ? AND item_id = ?"),
                     {batchId, itemId}, tr("withdrawing the verdict on item %1").arg(itemId))
               : run(QStringLiteral("UPDATE review_items SET verdict = NULL, defect = NULL, note = NULL,"
                                    " reviewer = NULL, decided_at = NULL WHERE batch_id = ? AND item_id = ?"),
                     {batchId, itemId}, tr("withdrawing the verdict on item %1").arg(itemId));
    if (!q)
        return q.error();
    if (Status s = m_catalog.addEventsInTransaction(
            {reviewEvent(batchId, itemId, 0, QStringLiteral("validation"), QStringLiteral("warning"),
                         tr("manual QA verdict withdrawn (was %1)").arg(was), agent)});
        !s)
        return s;
    if (Status s = announceChange(m_catalog, batchId, CatalogChange::Verdicts); !s)
        return s;
    if (Status s = recordLamp(batchId); !s)
        return s;
    return tx->commit();
}

Result<qint64> ReviewBook::resolveItem(qint64 batchId, const QString &text)
{
    bool numeric = false;
    const qint64 id = text.toLongLong(&numeric);
    if (numeric) {
        auto q = run(QStringLiteral("SELECT id FROM items WHERE id = ? AND batch_id = ?"), {id, batchId},
                     tr("finding item %1").arg(text));
        if (!q)
            return q.error();
        if (q->next())
            return id;
    }
    auto q = run(QStringLiteral("SELECT id FROM items WHERE batch_id = ? AND identifier = ?"),
                 {batchId, text}, tr("finding item %1").arg(text));
    if (!q)
        return q.error();
    if (q->next())
        return q->value(0).toLongLong();
    return Error{ErrorCode::NotFound,
                 tr("Batch %1 has no item \"%2\" (give the item's id from sample --json, or its identifier).")
                     .arg(batchId)
                     .arg(text)};
}

QString ReviewBook::supplierFor(const QString &batchName, const Settings &settings)
{
    QString best;
    qsizetype bestLength = -1;
    for (const QString &entry : settings.list(QStringLiteral("review/suppliers"))) {
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            continue;
        const QString prefix = entry.left(eq).trimmed();
        if (batchName.startsWith(prefix, Qt::CaseInsensitive) && prefix.size() > bestLength) {
            best = entry.mid(eq + 1).trimmed();
            bestLength = prefix.size();
        }
    }
    return bestLength >= 0 ? best : settings.text(QStringLiteral("review/supplier"));
}

Status ReviewBook::setSupplier(qint64 batchId, const QString &supplier)
{
    auto q =
        run(QStringLiteral("UPDATE batches SET supplier = ? WHERE id = ?"),
            {nullable(supplier.trimmed()), batchId}, tr("recording the supplier of batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    return {};
}

Result<QString> ReviewBook::assignSupplier(qint64 batchId, const Settings &settings,
                                           const QString &explicitSupplier)
{
    if (!explicitSupplier.trimmed().isEmpty()) {
        if (Status s = setSupplier(batchId, explicitSupplier); !s)
            return s.error();
        return explicitSupplier.trimmed();
    }
    auto q = run(QStringLiteral("SELECT b.name, b.supplier, p.supplier FROM batches b"
                                " LEFT JOIN batches p ON p.id = b.redelivery_of WHERE b.id = ?"),
                 {batchId}, tr("reading the supplier of batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    if (!text(q->value(1)).isEmpty())
        return q->value(1).toString();
    // A re-delivery comes from whoever delivered the batch it replaces.
    QString supplier = text(q->value(2));
    if (supplier.isEmpty())
        supplier = supplierFor(q->value(0).toString(), settings);
    q->finish();
    if (!supplier.isEmpty()) {
        if (Status s = setSupplier(batchId, supplier); !s)
            return s.error();
    }
    return supplier;
}

Status ReviewBook::linkRedelivery(qint64 batchId, qint64 previousId)
{
    if (batchId == previousId)
        return Error{ErrorCode::Usage, tr("Batch %1 cannot be a re-delivery of itself.").arg(batchId)};
    auto previous = run(QStringLiteral("SELECT id FROM batches WHERE id = ?"), {previousId},
                        tr("reading batch %1").arg(previousId));
    if (!previous)
        return previous.error();
    if (!previous->next())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(previousId)};
    auto q = run(QStringLiteral("UPDATE batches SET redelivery_of = ? WHERE id = ?"), {previousId, batchId},
                 tr("linking batch %1 to batch %2").arg(batchId).arg(previousId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    return {};
}

Result<std::optional<qint64>> ReviewBook::linkRedeliveryByName(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT name, redelivery_of FROM batches WHERE id = ?"), {batchId},
                 tr("reading batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    if (!q->value(1).isNull())
        return std::optional<qint64>(q->value(1).toLongLong());
    static const QRegularExpression roundtrip(QStringLiteral("^(.*)-RT(\\d+)$"),
                                              QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = roundtrip.match(q->value(0).toString());
    q->finish();
    if (!m.hasMatch() || m.captured(2).toInt() <= 1)
        return std::optional<qint64>();
    const QString base = m.captured(1);
    const int number = m.captured(2).toInt();
    auto candidates = run(QStringLiteral("SELECT id, name FROM batches WHERE id <> ? AND name LIKE ?"),
                          {batchId, QString(base + QStringLiteral("-RT%"))},
                          tr("finding the batch %1 re-delivers").arg(batchId));
    if (!candidates)
        return candidates.error();
    qint64 best = 0;
    int bestNumber = 0;
    while (candidates->next()) {
        const QRegularExpressionMatch c = roundtrip.match(candidates->value(1).toString());
        if (!c.hasMatch() || c.captured(1).compare(base, Qt::CaseInsensitive) != 0)
            continue;
        const int n = c.captured(2).toInt();
        const qint64 id = candidates->value(0).toLongLong();
        if (n < number && (n > bestNumber || (n == bestNumber && id > best))) {
            best = id;
            bestNumber = n;
        }
    }
    candidates->finish();
    if (best == 0)
        return std::optional<qint64>();
    if (Status s = linkRedelivery(batchId, best); !s)
        return s.error();
    return std::optional<qint64>(best);
}

Result<QList<SupplierBatch>> ReviewBook::summaries(const QString &where, const QVariantList &values,
                                                   int limit)
{
    QString sql = QStringLiteral(
        "SELECT b.id, b.name, b.supplier, b.created_at, b.state, b.decided_at, b.decided_by, "
        "b.decision_reason,"
        " b.decision_override, b.redelivery_of, p.name, s.sample_size, s.accept_number, s.reject_number,"
        " (SELECT COUNT(*) FROM review_items r WHERE r.batch_id = b.id AND r.reason = 'random'"
        "  AND r.verdict IS NOT NULL),"
        " (SELECT COUNT(*) FROM review_items r WHERE r.batch_id = b.id AND r.reason = 'random'"
        "  AND r.verdict = 'fail')"
        " FROM batches b LEFT JOIN batches p ON p.id = b.redelivery_of"
        " LEFT JOIN review_samples s ON s.batch_id = b.id WHERE ");
    sql += where + QStringLiteral(" ORDER BY b.created_at DESC, b.id DESC");
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    auto q = run(sql, values, tr("reading the supplier history"));
    if (!q)
        return q.error();
    QList<SupplierBatch> result;
    while (q->next()) {
        SupplierBatch b;
        b.batchId = q->value(0).toLongLong();
        b.name = q->value(1).toString();
        b.supplier = text(q->value(2));
        b.created = Catalog::fromDbTime(q->value(3).toString());
        b.state = batchStateFromKey(q->value(4).toString());
        b.decidedAt = Catalog::fromDbTime(text(q->value(5)));
        b.decidedBy = text(q->value(6));
        b.reason = text(q->value(7));
        b.overridden = q->value(8).toInt() != 0;
        b.redeliveryOf = q->value(9).toLongLong();
        b.redeliveryOfName = text(q->value(10));
        const bool drawn = !q->value(11).isNull();
        b.sampleSize = q->value(11).toLongLong();
        b.reviewed = q->value(14).toLongLong();
        b.defects = q->value(15).toLongLong();
        if (drawn) {
            if (b.defects >= q->value(13).toLongLong())
                b.verdict = BatchVerdict::Reject;
            else if (b.reviewed >= b.sampleSize && b.defects <= q->value(12).toLongLong())
                b.verdict = BatchVerdict::Accept;
        }
        result.append(b);
    }
    return result;
}

Result<SupplierBatch> ReviewBook::summary(qint64 batchId)
{
    auto list = summaries(QStringLiteral("b.id = ?"), {batchId}, 1);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    return list->constFirst();
}

Result<QList<SupplierBatch>> ReviewBook::supplierHistory(const QString &supplier, int limit)
{
    return summaries(QStringLiteral("b.supplier = ?"), {supplier}, limit);
}

Result<QStringList> ReviewBook::previousProblems(qint64 batchId)
{
    auto self = summary(batchId);
    if (!self)
        return self.error();
    if (self->redeliveryOf == 0)
        return QStringList();
    auto previous = summary(self->redeliveryOf);
    if (!previous)
        return previous.error();
    QStringList lines;
    const QString when = previous->decidedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"));
    if (previous->state == BatchState::Rejected)
        lines.append(tr("%1 (batch %2) was rejected on %3 by %4: %5")
                         .arg(previous->name)
                         .arg(previous->batchId)
                         .arg(when, previous->decidedBy, previous->reason));
    else
        lines.append(tr("%1 (batch %2) is %3.")
                         .arg(previous->name)
                         .arg(previous->batchId)
                         .arg(batchStateKey(previous->state)));
    auto q =
        run(QStringLiteral(
                "SELECT i.identifier, r.defect, r.note FROM review_items r JOIN items i ON i.id = r.item_id"
                " WHERE r.batch_id = ? AND r.verdict = 'fail' ORDER BY i.seq"),
            {previous->batchId}, tr("reading the defects of batch %1").arg(previous->batchId));
    if (!q)
        return q.error();
    while (q->next()) {
        QString line = tr("%1: %2").arg(q->value(0).toString(), text(q->value(1)));
        if (!text(q->value(2)).isEmpty())
            line += QStringLiteral(" — ") + q->value(2).toString();
        lines.append(line);
    }
    return lines;
}

Status ReviewBook::recordLamp(qint64 batchId)
{
    // The dashboard's review lamp: the batch waits for the curator until it is decided (BatchDecisions).
    auto current = sample(batchId);
    if (!current)
        return current.error();
    return m_catalog.setStageState(batchId, Stage::Review, StageState::NeedsAttention,
                                   ReviewKeys::scoreboard(*current) + u" · " +
                                       ReviewKeys::displayName(current->verdict()));
}

QString ReviewBook::curatorName(const Settings &settings)
{
    return Curator::name(settings);
}

} // namespace gh
