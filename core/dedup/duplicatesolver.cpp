#include "duplicatesolver.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalogchanges.h"
#include "catalog/idlist.h"
#include "pipeline/curator.h"
#include "targets/targetregistry.h"

namespace gh {

namespace {

//! What holds our name (other content), from the details the classifier kept.
bool nameTaken(const DuplicateRecord &r)
{
    return r.dupCase == DuplicateCase::NameTaken || r.dupCase == DuplicateCase::HashElsewhereNameTaken ||
           r.details.contains(QStringLiteral("named"));
}

//! Our bytes under another name at the target.
QString elsewhereName(const DuplicateRecord &r)
{
    const QJsonArray elsewhere = r.details.value(QStringLiteral("elsewhere")).toArray();
    return elsewhere.isEmpty() ? QString()
                               : elsewhere.first().toObject().value(QStringLiteral("name")).toString();
}

//! A person's decision (not a rule's) that someone other than \a agent made: another curator decided first.
bool decidedByAnother(const DuplicateDecision &d, const QString &agent)
{
    return d.rule.isEmpty() && d.decidedBy != agent;
}

/*!
    The decision in force for each of \a fileIds against \a target (0: none), read inside the caller's
    transaction with the cases locked until it ends (PostgreSQL; SQLite's writer already excludes others),
    in file order so two curators deciding overlapping files cannot deadlock. What a decision is recorded
    against, so the first writer wins.
*/
Result<QHash<qint64, qint64>> lockDecisionsInForce(Catalog &catalog, QList<qint64> fileIds,
                                                   const QString &target)
{
    std::sort(fileIds.begin(), fileIds.end());
    QHash<qint64, qint64> inForce;
    constexpr qsizetype chunk = 500;
    for (qsizetype from = 0; from < fileIds.size(); from += chunk) {
        QSqlQuery q(catalog.database());
        q.prepare(u"SELECT file_id, decision_id FROM duplicate_cases WHERE target = ? AND file_id IN (" +
                  sqlIdList(fileIds.mid(from, chunk)) + u") ORDER BY file_id" +
                  (catalog.sharesWork() ? QStringLiteral(" FOR UPDATE") : QString()));
        q.addBindValue(target);
        if (!q.exec())
            return Error{ErrorCode::Database, DuplicateSolver::tr("Cannot read the decisions against %1: %2")
                                                  .arg(target, q.lastError().text())};
        while (q.next())
            inForce.insert(q.value(0).toLongLong(), q.value(1).isNull() ? 0 : q.value(1).toLongLong());
    }
    return inForce;
}

//! "Already decided by Anna at 14:02: skip (file 12)."
QString alreadyDecided(const DuplicateDecision &d)
{
    return Curator::alreadyDecided(d.decidedBy, d.decidedAt, DuplicateInfo::key(d.action)) +
           DuplicateSolver::tr(" (file %1).").arg(d.fileId);
}

} // namespace

DuplicateSolver::DuplicateSolver(Catalog &catalog, qint64 batchId)
    : m_catalog(catalog)
    , m_batchId(batchId)
{}

QString DuplicateSolver::curatorAgent(const QString &curator)
{
    return QStringLiteral("curator:") + (curator.trimmed().isEmpty() ? Curator::name() : curator.trimmed());
}

QString DuplicateSolver::numberedName(const QString &name, int n)
{
    // "Harbour - rec-17.jpg" → "Harbour - rec-17 (2).jpg"; a key "a/b/c.tif" → "a/b/c (2).tif".
    const qsizetype slash = name.lastIndexOf(u'/');
    const qsizetype dot = name.lastIndexOf(u'.');
    const qsizetype cut = dot > slash + 1 ? dot : name.size();
    return name.left(cut) + QStringLiteral(" (%1)").arg(n) + name.mid(cut);
}

bool DuplicateSolver::caseAllows(DuplicateCase dupCase, DuplicateAction action)
{
    switch (dupCase) {
    case DuplicateCase::AlreadyThere:
        return action == DuplicateAction::Skip;
    case DuplicateCase::New:
        return action == DuplicateAction::Skip || action == DuplicateAction::Upload ||
               action == DuplicateAction::Rename || action == DuplicateAction::HandFix;
    case DuplicateCase::NameTaken:
        return action != DuplicateAction::Move && action != DuplicateAction::Link;
    case DuplicateCase::HashElsewhere:
        return action != DuplicateAction::Overwrite;
    case DuplicateCase::HashElsewhereNameTaken:
        return action != DuplicateAction::Move;
    case DuplicateCase::InBatch:
    case DuplicateCase::EarlierBatch:
        return true;
    }
    return false;
}

QString DuplicateSolver::refusal(const DuplicateRecord &r, DuplicateAction action)
{
    const QString caseKey = DuplicateInfo::key(r.dupCase);
    if (!caseAllows(r.dupCase, action)) {
        return tr("%1 is not an action for a file in the case %2 (%3).")
            .arg(DuplicateInfo::key(action), caseKey, DuplicateInfo::description(r.dupCase));
    }
    switch (action) {
    case DuplicateAction::Overwrite:
        if (!nameTaken(r))
            return tr("Nothing holds the name %1 on %2, so there is nothing to overwrite.")
                .arg(r.intendedName, r.target);
        break;
    case DuplicateAction::Move:
        if (TargetRegistry::schemeOf(r.target) != u"mediawiki")
            return tr("Only a wiki can move a file to another name; %1 is not one.").arg(r.target);
        if (elsewhereName(r).isEmpty())
            return tr("%1 holds these bytes under no other name, so there is nothing to move.").arg(r.target);
        if (nameTaken(r))
            return tr("The name %1 is taken on %2, so nothing can be moved there.")
                .arg(r.intendedName, r.target);
        break;
    case DuplicateAction::Link:
        if (r.existingFile <= 0 && r.existingName.isEmpty() && elsewhereName(r).isEmpty())
            return tr("There is nothing to link %1 to.").arg(r.intendedName);
        break;
    default:
        break;
    }
    return {};
}

QList<DuplicateAction> DuplicateSolver::allowedActions(const DuplicateRecord &record)
{
    QList<DuplicateAction> allowed;
    for (DuplicateAction a : DuplicateInfo::actions()) {
        if (refusal(record, a).isEmpty())
            allowed.append(a);
    }
    return allowed;
}

Result<std::pair<DuplicateDecision, EventRecord>>
DuplicateSolver::prepare(const DuplicateRecord &record, DuplicateAction action, const QString &name,
                         const QString &note, const QString &agent, const QString &rule)
{
    if (const QString why = refusal(record, action); !why.isEmpty())
        return Error{ErrorCode::Invalid, why};
    DuplicateDecision d;
    d.fileId = record.fileId;
    d.batchId = record.batchId;
    d.target = record.target;
    d.forCase = record.dupCase;
    d.action = action;
    d.note = note.trimmed();
    d.decidedBy = agent;
    d.rule = rule;
    d.decidedAt = QDateTime::currentDateTimeUtc();
    if (action == DuplicateAction::Rename) {
        d.name = name.trimmed();
        if (!d.name.isEmpty() && d.name == record.intendedName)
            return Error{ErrorCode::Invalid,
                         tr("%1 is already the file's name; a rename needs another one.").arg(d.name)};
    } else if (!name.trimmed().isEmpty()) {
        return Error{ErrorCode::Usage,
                     tr("Only a rename takes a new name; %1 does not.").arg(DuplicateInfo::key(action))};
    }

    QString what;
    switch (action) {
    case DuplicateAction::Skip:
        what = tr("not to be sent");
        break;
    case DuplicateAction::Upload:
        what = tr("to be sent as %1 despite the target's warnings").arg(record.intendedName);
        break;
    case DuplicateAction::Rename:
        what =
            d.name.isEmpty()
                ? tr("to be sent under a numbered name such as %1").arg(numberedName(record.intendedName, 2))
                : tr("to be sent as %1").arg(d.name);
        break;
    case DuplicateAction::Overwrite:
        what = tr("to be sent as a new version of %1").arg(record.intendedName);
        break;
    case DuplicateAction::Move:
        what = tr("%1 to be moved to %2").arg(elsewhereName(record), record.intendedName);
        break;
    case DuplicateAction::Link:
        what = record.existingFile > 0 && record.existingName.isEmpty()
                   ? tr("linked to file %1 of batch %2").arg(record.existingFile).arg(record.existingBatch)
                   : tr("linked to %1")
                         .arg(record.existingName.isEmpty() ? elsewhereName(record) : record.existingName);
        break;
    case DuplicateAction::HandFix:
        what = tr("on the hand-fix list for a person on the target");
        break;
    }
    const QString who = agent.startsWith(u"curator:") ? agent.mid(8) : agent;
    QString detail =
        tr("Duplicate case %1 against %2: %3 (%4), decided by %5")
            .arg(DuplicateInfo::key(record.dupCase), record.target, DuplicateInfo::key(action), what, who);
    if (!rule.isEmpty())
        detail += tr(" by the rule %1").arg(rule);
    if (!d.note.isEmpty())
        detail += tr(": %1").arg(d.note);
    detail += u'.';

    EventRecord e;
    e.batchId = record.batchId;
    e.itemId = record.itemId;
    e.fileId = record.fileId;
    e.type = QStringLiteral("appraisal");
    e.at = d.decidedAt;
    e.outcome = QStringLiteral("success");
    e.agent = agent;
    e.detail = detail;
    return std::pair(d, e);
}

Status DuplicateSolver::updateLamp(Catalog &catalog, qint64 batchId)
{
    DuplicateBook book(catalog);
    auto counts = book.counts(batchId);
    if (!counts)
        return counts.error();
    qint64 files = 0;
    qint64 open = 0;
    for (const DuplicateBook::Count &c : std::as_const(*counts)) {
        files += c.files;
        open += c.open;
    }
    if (files == 0)
        return catalog.setStageState(batchId, Stage::Dedup, StageState::Done,
                                     tr("No fetched file to check."));
    if (open > 0) {
        return catalog.setStageState(
            batchId, Stage::Dedup, StageState::NeedsAttention,
            tr("%n file(s) wait for a duplicate decision; the upload waits for them.", nullptr,
               int(std::min<qint64>(open, 1 << 30))));
    }
    return catalog.setStageState(
        batchId, Stage::Dedup, StageState::Done,
        tr("%n file(s) checked; none waits for a decision.", nullptr, int(std::min<qint64>(files, 1 << 30))));
}

Result<QString> DuplicateSolver::resolveTarget(const QString &requested)
{
    DuplicateBook book(m_catalog);
    auto targets = book.targets(m_batchId);
    if (!targets)
        return targets.error();
    if (!requested.isEmpty()) {
        if (!targets->contains(requested)) {
            return Error{ErrorCode::NotFound,
                         targets->isEmpty() ? tr("Batch %1 was not classified against %2; run dedup first.")
                                                  .arg(m_batchId)
                                                  .arg(requested)
                                            : tr("Batch %1 was not classified against %2, only against %3.")
                                                  .arg(m_batchId)
                                                  .arg(requested, targets->join(QStringLiteral(", ")))};
        }
        return requested;
    }
    // The classification against the catalog alone gives way to a real target's.
    if (targets->size() > 1)
        targets->removeAll(DuplicateInfo::catalogTarget());
    if (targets->isEmpty())
        return Error{
            ErrorCode::NotFound,
            tr("Batch %1 has no duplicate cases yet; run dedup BATCH --target TARGET first.").arg(m_batchId)};
    if (targets->size() > 1)
        return Error{ErrorCode::Usage, tr("Batch %1 was classified against several targets (%2); say which "
                                          "with --target.")
                                           .arg(m_batchId)
                                           .arg(targets->join(QStringLiteral(", ")))};
    return targets->constFirst();
}

Result<DuplicateDecisionOutcome> DuplicateSolver::decide(const DecisionRequest &request)
{
    auto target = resolveTarget(request.target);
    if (!target)
        return target.error();
    if (request.fileIds.isEmpty() && !request.dupCase)
        return Error{ErrorCode::Usage, tr("Say which files to decide: some files, or a case.")};
    DuplicateBook book(m_catalog);
    QList<DuplicateRecord> records;
    DuplicateDecisionOutcome outcome;
    outcome.target = *target;
    if (!request.fileIds.isEmpty()) {
        auto found = book.casesOfFiles(request.fileIds, *target);
        if (!found)
            return found.error();
        QSet<qint64> seen;
        for (const DuplicateRecord &r : std::as_const(*found)) {
            if (r.batchId != m_batchId) {
                outcome.refused.append(
                    tr("File %1 belongs to batch %2, not %3.").arg(r.fileId).arg(r.batchId).arg(m_batchId));
            } else if (!request.dupCase || r.dupCase == *request.dupCase) {
                records.append(r);
            }
            seen.insert(r.fileId);
        }
        for (qint64 id : request.fileIds) {
            if (!seen.contains(id))
                outcome.refused.append(tr("File %1 has no duplicate case against %2 (not in this batch, not "
                                          "fetched, or not classified yet).")
                                           .arg(id)
                                           .arg(*target));
        }
    } else {
        DuplicateCaseQuery query;
        query.target = *target;
        query.only = request.dupCase;
        query.onlyOpen = request.onlyOpen;
        for (;;) {
            auto page = book.cases(m_batchId, query);
            if (!page)
                return page.error();
            if (page->isEmpty())
                break;
            records += *page;
            query.afterFileId = page->constLast().fileId;
        }
    }
    if (!request.name.trimmed().isEmpty() && records.size() > 1)
        return Error{ErrorCode::Usage,
                     tr("A new name is for one file; %1 files were asked for. Rename them one by one, or "
                        "leave the name out for numbered names.")
                         .arg(records.size())};

    const QString agent = curatorAgent(request.curator);
    QList<DuplicateDecision> decisions;
    QList<EventRecord> events;
    QHash<qint64, qint64> seen; //!< The decision in force each file was decided against (0: none).
    for (const DuplicateRecord &r : std::as_const(records)) {
        if (r.decision && r.decision->isExecuted()) {
            outcome.refused.append(tr("File %1: the decision to %2 was already carried out (%3).")
                                       .arg(r.fileId)
                                       .arg(DuplicateInfo::key(r.decision->action), r.decision->execution));
            continue;
        }
        // First writer wins: another curator's decision stands; a curator may change their own.
        if (r.decision && decidedByAnother(*r.decision, agent)) {
            outcome.refused.append(alreadyDecided(*r.decision));
            continue;
        }
        seen.insert(r.fileId, r.decision ? r.decision->id : 0);
        auto prepared = prepare(r, request.action, request.name, request.note, agent);
        if (!prepared) {
            if (prepared.error().code == ErrorCode::Usage)
                return prepared.error();
            outcome.refused.append(tr("File %1: %2").arg(r.fileId).arg(prepared.error().message));
            continue;
        }
        decisions.append(prepared->first);
        events.append(prepared->second);
    }
    if (decisions.isEmpty())
        return outcome;
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    // Another curator may have decided since the cases were read: what is in force now decides.
    auto inForce = lockDecisionsInForce(m_catalog, seen.keys(), decisions.constFirst().target);
    if (!inForce)
        return inForce.error();
    QList<DuplicateDecision> kept;
    QList<EventRecord> keptEvents;
    for (qsizetype i = 0; i < decisions.size(); ++i) {
        DuplicateDecision &d = decisions[i];
        if (const qint64 now = inForce->value(d.fileId); now != 0 && now != seen.value(d.fileId)) {
            auto first = book.decision(now);
            if (!first)
                return first.error();
            if (*first && decidedByAnother(**first, agent)) {
                outcome.refused.append(alreadyDecided(**first));
                continue;
            }
        }
        if (Status s = book.addDecision(d); !s) {
            // Refused by what the catalog holds now (an upload carrying out the decision in force): this
            // file only; the transaction is still good.
            if (s.error().code != ErrorCode::Invalid)
                return s.error();
            outcome.refused.append(tr("File %1: %2").arg(d.fileId).arg(s.error().message));
            continue;
        }
        kept.append(d);
        keptEvents.append(events[i]);
    }
    if (kept.isEmpty())
        return outcome; // the transaction rolls back
    if (Status s = book.addEvents(keptEvents); !s)
        return s.error();
    if (Status s = announceChange(m_catalog, m_batchId, CatalogChange::Duplicates); !s)
        return s.error();
    if (Status s = tx->commit(); !s)
        return s.error();
    outcome.decisions = kept;
    if (Status s = updateLamp(m_catalog, m_batchId); !s)
        return s.error();
    return outcome;
}

Result<DuplicateDecisionOutcome> DuplicateSolver::undo(const QList<qint64> &fileIds,
                                                       const QString &targetSpec, const QString &curator)
{
    auto target = resolveTarget(targetSpec);
    if (!target)
        return target.error();
    DuplicateBook book(m_catalog);
    auto records = book.casesOfFiles(fileIds, *target);
    if (!records)
        return records.error();
    DuplicateDecisionOutcome outcome;
    outcome.target = *target;
    const QString agent = curatorAgent(curator);
    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    QList<EventRecord> events;
    for (const DuplicateRecord &r : std::as_const(*records)) {
        if (r.batchId != m_batchId)
            continue;
        if (!r.decision) {
            outcome.refused.append(tr("File %1 has no decision to take back.").arg(r.fileId));
            continue;
        }
        // Only the curator who decided takes a decision back (a rule's anyone may); one carried out stays,
        // whoever asks (the book says so).
        if (!r.decision->isExecuted() && decidedByAnother(*r.decision, agent)) {
            outcome.refused.append(alreadyDecided(*r.decision));
            continue;
        }
        if (Status s = book.undo(r.decision->id, agent); !s) {
            if (s.error().code == ErrorCode::Database)
                return s.error();
            outcome.refused.append(tr("File %1: %2").arg(r.fileId).arg(s.error().message));
            continue;
        }
        outcome.decisions.append(*r.decision);
        EventRecord e;
        e.batchId = r.batchId;
        e.itemId = r.itemId;
        e.fileId = r.fileId;
        e.type = QStringLiteral("appraisal");
        e.at = QDateTime::currentDateTimeUtc();
        e.outcome = QStringLiteral("success");
        e.agent = agent;
        e.detail = tr("The decision to %1 (case %2 against %3, by %4 on %5) was taken back.")
                       .arg(DuplicateInfo::key(r.decision->action), DuplicateInfo::key(r.dupCase), r.target,
                            r.decision->decidedBy, Catalog::toDbTime(r.decision->decidedAt));
        events.append(e);
    }
    if (Status s = book.addEvents(events); !s)
        return s.error();
    if (Status s = announceChange(m_catalog, m_batchId, CatalogChange::Duplicates); !s)
        return s.error();
    if (Status s = tx->commit(); !s)
        return s.error();
    if (Status s = updateLamp(m_catalog, m_batchId); !s)
        return s.error();
    return outcome;
}

} // namespace gh
