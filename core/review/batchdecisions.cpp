#include "batchdecisions.h"

#include <algorithm>
#include <climits>

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog.h"
#include "catalog/catalogchanges.h"
#include "pipeline/curator.h"
#include "pipeline/settingstable.h"
#include "reviewbook.h"
#include "reviewhooks.h"
#include "store/bitstore.h"
#include "targets/targetregistry.h"
#include "targets/uploadplan.h"

namespace gh {

namespace {

Result<QSqlQuery> exec(Catalog &catalog, const QString &sql, const QVariantList &values, const QString &what)
{
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    if (q.prepare(sql)) {
        for (const QVariant &value : values)
            q.addBindValue(value);
        if (q.exec())
            return q;
    }
    return Error{ErrorCode::Database, BatchDecisions::tr("Catalog error while %1 in %2: %3")
                                          .arg(what, catalog.location().displayName(), q.lastError().text())};
}

// Which files a rejection marks deleted: every file with a stored copy, and every file a later run would
// still process (pending, transient failures), so nothing of a rejected batch is fetched again. Permanent
// failures without a copy keep their status: they are the record of what was wrong.
bool becomesDeleted(FileStatus status, bool stored)
{
    if (stored || StatusInfo::isTransient(status))
        return true;
    return StatusInfo::severity(status) != Severity::Error;
}

//! "Already decided by Anna at 14:02: approved": who decided the batch first, for the curator who came
//! second.
Error decidedBefore(Catalog &catalog, qint64 batchId)
{
    auto q = exec(catalog, QStringLiteral("SELECT state, decided_by, decided_at FROM batches WHERE id = ?"),
                  {batchId}, BatchDecisions::tr("reading the decision on batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, BatchDecisions::tr("There is no batch %1.").arg(batchId)};
    return Error{ErrorCode::Invalid,
                 Curator::alreadyDecided(q->value(1).toString(), Catalog::fromDbTime(q->value(2).toString()),
                                         q->value(0).toString()) +
                     BatchDecisions::tr(" (batch %1); a decision is made once.").arg(batchId)};
}

} // namespace

BatchDecisions::BatchDecisions(Catalog &catalog, BitStore *store)
    : m_catalog(catalog)
    , m_store(store)
{}

Result<QStringList> BatchDecisions::approvalBlockers(qint64 batchId)
{
    ReviewBook book(m_catalog);
    auto sample = book.sample(batchId);
    if (!sample)
        return sample.error();
    QStringList blockers;
    if (!sample->drawn) {
        blockers.append(tr("No QA sample has been drawn for batch %1.").arg(batchId));
    } else {
        const qint64 missing = sample->plan.sampleSize - sample->reviewed();
        if (sample->verdict() == BatchVerdict::Reject)
            blockers.append(tr("The sample's verdict is reject: %1 defects, and the plan rejects at %2.")
                                .arg(sample->defects())
                                .arg(sample->plan.reject));
        else if (missing > 0)
            blockers.append(tr("The sample is incomplete: %1 of %2 sampled items have no verdict yet.")
                                .arg(missing)
                                .arg(sample->plan.sampleSize));
        const qint64 extra = sample->extraItems() - sample->extraReviewed();
        if (extra > 0)
            blockers.append(tr("%1 flagged items have no verdict yet.").arg(extra));
    }
    for (const ReviewHooks::Gate &gate : ReviewHooks::approvalGates()) {
        auto reasons = gate.check(m_catalog, batchId);
        if (!reasons)
            return reasons.error();
        blockers += *reasons;
    }
    return blockers;
}

Result<BatchDecisions::StoredCopies> BatchDecisions::storedCopies(qint64 batchId)
{
    // What an upload would send, by the upload plan's own rule.
    QStringList uploadable;
    for (FileStatus status : UploadPlan::uploadableStatuses())
        uploadable.append(u'\'' + StatusInfo::key(status) + u'\'');
    auto q = exec(m_catalog,
                  u"SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(SUM(CASE WHEN status IN (" +
                      uploadable.join(u", ") +
                      u") THEN 1 ELSE 0 END), 0) FROM files WHERE batch_id = ? AND stored_key IS NOT NULL AND"
                      u" status <> 'deleted'",
                  {batchId}, tr("counting the stored files of batch %1").arg(batchId));
    if (!q)
        return q.error();
    StoredCopies copies;
    if (q->next()) {
        copies.files = q->value(0).toLongLong();
        copies.bytes = q->value(1).toLongLong();
        copies.uploadable = q->value(2).toLongLong();
    }
    return copies;
}

Result<QString> BatchDecisions::approveConsequence(qint64 batchId, const QString &target)
{
    auto copies = storedCopies(batchId);
    if (!copies)
        return copies.error();
    return approveConsequence(*copies, target);
}

QString BatchDecisions::approveConsequence(const StoredCopies &copies, const QString &target)
{
    const QLocale locale;
    if (target.trimmed().isEmpty())
        return tr("Accept %1 stored files into the archive.").arg(locale.toString(copies.files));
    const QString upload =
        tr("Upload %1 files to %2.").arg(locale.toString(copies.uploadable), target.trimmed());
    if (copies.uploadable == copies.files)
        return upload;
    // The files with a problem (a checksum that does not match, …) stay behind: say so before, not after.
    return upload + u' ' +
           tr("%n stored file(s) with a problem stay behind.", nullptr,
              int(std::min<qint64>(copies.files - copies.uploadable, INT_MAX)));
}

Result<QString> BatchDecisions::rejectConsequence(qint64 batchId)
{
    auto copies = storedCopies(batchId);
    if (!copies)
        return copies.error();
    return rejectConsequence(*copies);
}

QString BatchDecisions::rejectConsequence(const StoredCopies &copies)
{
    const QLocale locale;
    return tr("Delete %1 stored files (%2); the supplier re-delivers.")
        .arg(locale.toString(copies.files), locale.formattedDataSize(copies.bytes));
}

Result<DecisionOutcome> BatchDecisions::approve(qint64 batchId, const QString &target,
                                                const QString &overrideReason, const QString &givenAgent,
                                                const QString &note)
{
    const QString agent = givenAgent.isEmpty() ? ReviewBook::curatorName(Settings()) : givenAgent;
    auto batch = m_catalog.batch(batchId);
    if (!batch)
        return batch.error();
    if (batch->state != BatchState::Open)
        return decidedBefore(m_catalog, batchId);
    // A target that names no kind of target is refused before anything is decided.
    if (!target.trimmed().isEmpty()) {
        const QString scheme = TargetRegistry::schemeOf(target.trimmed());
        const auto kinds = TargetRegistry::kinds();
        if (std::none_of(kinds.cbegin(), kinds.cend(),
                         [&](const TargetRegistry::Kind &k) { return k.scheme == scheme; })) {
            QStringList examples;
            for (const TargetRegistry::Kind &k : kinds)
                examples.append(k.example);
            return Error{ErrorCode::Usage, tr("Unknown target \"%1\"; give one of: %2.")
                                               .arg(target.trimmed(), examples.join(QStringLiteral(", ")))};
        }
    }
    auto blockers = approvalBlockers(batchId);
    if (!blockers)
        return blockers.error();
    const bool overriding = !blockers->isEmpty();
    if (overriding && overrideReason.trimmed().isEmpty())
        return Error{ErrorCode::Invalid,
                     tr("Batch %1 cannot be approved yet: %2 Give --override REASON to approve "
                        "anyway; the reason is recorded.")
                         .arg(batchId)
                         .arg(blockers->join(u' '))};
    QString detail = tr("batch approved");
    if (auto sample = ReviewBook(m_catalog).sample(batchId); sample && sample->drawn)
        detail += u"; " + tr("QA sample: %1").arg(ReviewKeys::scoreboard(*sample));
    if (!target.isEmpty())
        detail += u"; " + tr("target %1").arg(target);
    if (overriding)
        detail += u"; " + tr("overriding: %1 Reason: %2").arg(blockers->join(u' '), overrideReason.trimmed());
    else if (!note.trimmed().isEmpty())
        detail += u"; " + tr("note: %1").arg(note.trimmed());
    const QString reason = overriding ? overrideReason.trimmed() : note.trimmed();

    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    auto q = exec(m_catalog,
                  QStringLiteral("UPDATE batches SET state = 'approved', decided_at = ?, decided_by = ?,"
                                 " decision_reason = ?, decision_override = ?, target = ? WHERE id = ? AND"
                                 " state = 'open'"),
                  {Catalog::toDbTime(QDateTime::currentDateTimeUtc()), agent,
                   reason.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(reason),
                   overriding ? 1 : 0,
                   target.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(target), batchId},
                  tr("approving batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() != 1)
        return decidedBefore(m_catalog, batchId);
    if (Status s = m_catalog.addEventsInTransaction({reviewEvent(batchId, 0, 0, QStringLiteral("accession"),
                                                                 QStringLiteral("success"), detail, agent)});
        !s)
        return s.error();
    if (Status s = m_catalog.setStageState(batchId, Stage::Review, StageState::Done,
                                           tr("approved by %1").arg(agent));
        !s)
        return s.error();
    if (Status s = announceChange(m_catalog, batchId, CatalogChange::Decision); !s)
        return s.error();
    if (Status s = tx->commit(); !s)
        return s.error();

    DecisionOutcome outcome;
    outcome.message =
        overriding
            ? tr("Batch %1 approved by %2, overriding: %3").arg(batchId).arg(agent, overrideReason.trimmed())
            : tr("Batch %1 approved by %2.").arg(batchId).arg(agent);
    if (!target.isEmpty()) {
        // The approval is recorded: what a hook could not do is said, not turned into a failed decision.
        for (const ReviewHooks::OnApproved &handler : ReviewHooks::onApproved()) {
            auto said = handler.run(m_catalog, batchId, target);
            outcome.notes.append(said ? *said : said.error().message);
        }
        if (ReviewHooks::onApproved().isEmpty())
            outcome.notes.append(tr("The target %1 is recorded with the approval; no upload stage is "
                                    "registered in this build to "
                                    "start sending files.")
                                     .arg(target));
    }
    return outcome;
}

Result<DecisionOutcome> BatchDecisions::reject(qint64 batchId, const QString &reason,
                                               const QString &givenAgent,
                                               const std::function<void(qint64, qint64)> &progress)
{
    const QString agent = givenAgent.isEmpty() ? ReviewBook::curatorName(Settings()) : givenAgent;
    if (reason.trimmed().isEmpty())
        return Error{ErrorCode::Usage, tr("A rejection needs a reason; the supplier will want to know it.")};
    if (!m_store)
        return Error{ErrorCode::Usage, tr("Rejecting a batch needs its bit store.")};
    auto batch = m_catalog.batch(batchId);
    if (!batch)
        return batch.error();
    if (batch->state == BatchState::Approved)
        return Error{ErrorCode::Invalid,
                     tr("Batch %1 is approved; an approved batch cannot be rejected.").arg(batchId)};

    DecisionOutcome outcome;
    if (batch->state == BatchState::Open) {
        auto tx = m_catalog.transaction();
        if (!tx)
            return tx.error();
        auto q = exec(m_catalog,
                      QStringLiteral("UPDATE batches SET state = 'rejected', decided_at = ?, decided_by = ?,"
                                     " decision_reason = ? WHERE id = ? AND state = 'open'"),
                      {Catalog::toDbTime(QDateTime::currentDateTimeUtc()), agent, reason.trimmed(), batchId},
                      tr("rejecting batch %1").arg(batchId));
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return decidedBefore(m_catalog, batchId);
        if (Status s = m_catalog.addEventsInTransaction(
                {reviewEvent(batchId, 0, 0, QStringLiteral("appraisal"), QStringLiteral("failure"),
                             tr("batch rejected: %1").arg(reason.trimmed()), agent)});
            !s)
            return s.error();
        if (Status s = m_catalog.setStageState(batchId, Stage::Review, StageState::Failed,
                                               tr("rejected by %1: %2").arg(agent, reason.trimmed()));
            !s)
            return s.error();
        if (Status s = announceChange(m_catalog, batchId, CatalogChange::Decision); !s)
            return s.error();
        if (Status s = tx->commit(); !s)
            return s.error();
    }

    // Delete page by page; a page's objects go before its rows say so, so a crash leaves at worst rows that
    // still name a removed object, which the next reject removes again (removing is idempotent).
    auto total = exec(m_catalog,
                      QStringLiteral("SELECT COUNT(*) FROM files WHERE batch_id = ? AND status <> 'deleted'"),
                      {batchId}, tr("counting the files of batch %1").arg(batchId));
    if (!total)
        return total.error();
    const qint64 all = total->next() ? total->value(0).toLongLong() : 0;
    total->finish();
    qint64 done = 0;
    qint64 afterId = 0;
    QSet<QString> removedDirs;
    constexpr int page = 500;
    for (;;) {
        auto rows =
            exec(m_catalog,
                 QStringLiteral("SELECT id, name, status, stored_key FROM files WHERE batch_id = ? AND id > ?"
                                " AND status <> 'deleted' ORDER BY id LIMIT %1")
                     .arg(page),
                 {batchId, afterId}, tr("reading the files of batch %1").arg(batchId));
        if (!rows)
            return rows.error();
        struct Row
        {
            qint64 id;
            QString name;
            FileStatus status;
            QString key;
        };
        QList<Row> list;
        while (rows->next())
            list.append({rows->value(0).toLongLong(), rows->value(1).toString(),
                         StatusInfo::fromKey(rows->value(2).toString()).value_or(FileStatus::Pending),
                         rows->value(3).isNull() ? QString() : rows->value(3).toString()});
        rows->finish();
        if (list.isEmpty())
            break;
        afterId = list.constLast().id;

        QList<qint64> deleted;
        QList<EventRecord> events;
        QStringList removedKeys;
        for (const Row &row : std::as_const(list)) {
            if (!becomesDeleted(row.status, !row.key.isEmpty()))
                continue;
            deleted.append(row.id);
            if (row.key.isEmpty())
                continue;
            auto shared =
                exec(m_catalog,
                     QStringLiteral("SELECT batch_id FROM files WHERE stored_key = ? AND batch_id <> ? AND"
                                    " status <> 'deleted' LIMIT 1"),
                     {row.key, batchId}, tr("checking who else uses %1").arg(row.key));
            if (!shared)
                return shared.error();
            if (shared->next()) {
                ++outcome.objectsKept;
                events.append(reviewEvent(
                    batchId, 0, row.id, QStringLiteral("deletion"), QStringLiteral("success"),
                    tr("batch rejected; the stored object %1 is kept because batch %2 uses it too")
                        .arg(row.key)
                        .arg(shared->value(0).toLongLong()),
                    agent));
                continue;
            }
            shared->finish();
            if (Status s = m_store->remove(row.key); !s)
                return Error{s.error().code,
                             tr("Batch %1 is rejected, but deleting its stored copies stopped at %2: %3 "
                                "Reject it again to carry on.")
                                 .arg(batchId)
                                 .arg(row.name, s.error().message)};
            ++outcome.objectsRemoved;
            removedKeys.append(row.key);
            if (const QString local = m_store->localPath(row.key); !local.isEmpty()) {
                const QString dir = QFileInfo(row.key).path();
                if (dir != u".")
                    removedDirs.insert(local.chopped(row.key.size()) + u'\n' + dir);
            }
            events.append(reviewEvent(
                batchId, 0, row.id, QStringLiteral("deletion"), QStringLiteral("success"),
                tr("batch rejected; stored copy %1 deleted from %2").arg(row.key, m_store->displayName()),
                agent));
        }
        auto tx = m_catalog.transaction();
        if (!tx)
            return tx.error();
        for (qint64 id : std::as_const(deleted)) {
            if (auto q = exec(m_catalog, QStringLiteral("UPDATE files SET status = 'deleted' WHERE id = ?"),
                              {id}, tr("marking file %1 deleted").arg(id));
                !q)
                return q.error();
        }
        // A later download of the same URL must not answer 304 with an object that is gone.
        for (const QString &key : std::as_const(removedKeys)) {
            if (auto q = exec(m_catalog, QStringLiteral("DELETE FROM http_cache WHERE stored_key = ?"), {key},
                              tr("forgetting the HTTP copy %1").arg(key));
                !q)
                return q.error();
        }
        if (Status s = m_catalog.addEventsInTransaction(events); !s)
            return s.error();
        if (Status s = tx->commit(); !s)
            return s.error();
        outcome.filesDeleted += deleted.size();
        done += list.size();
        if (progress)
            progress(std::min(done, all), all);
    }
    // Folders of a local store that only held this batch's files go too.
    for (const QString &entry : std::as_const(removedDirs)) {
        const QString root = entry.section(u'\n', 0, 0);
        QDir(root).rmpath(entry.section(u'\n', 1));
    }
    for (const ReviewHooks::OnRejected &handler : ReviewHooks::onRejected()) {
        auto note = handler.run(m_catalog, m_store, batchId);
        if (!note)
            return note.error();
        if (!note->isEmpty())
            outcome.notes.append(*note);
    }
    outcome.message =
        tr("Batch %1 rejected by %2: %3 files marked deleted, %4 stored objects removed from %5.")
            .arg(batchId)
            .arg(agent)
            .arg(outcome.filesDeleted)
            .arg(outcome.objectsRemoved)
            .arg(m_store->displayName());
    if (outcome.objectsKept > 0)
        outcome.message +=
            u' ' + tr("%1 objects were kept because other batches use them.").arg(outcome.objectsKept);
    return outcome;
}

} // namespace gh
