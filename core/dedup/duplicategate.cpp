#include "duplicategate.h"

#include <limits>

#include <QJsonArray>

#include "duplicatesolver.h"
#include "filemove.h"
#include "targets/mediawiki/mediawikitarget.h"

namespace gh {

namespace {

//! Whether two spellings name the same thing (a wiki treats "_" as " " and the first letter as upper-case).
bool sameName(const QString &a, const QString &b)
{
    if (a == b)
        return true;
    QString x = a;
    QString y = b;
    x.replace(u'_', u' ');
    y.replace(u'_', u' ');
    if (!x.isEmpty() && !y.isEmpty()) {
        x[0] = x[0].toUpper();
        y[0] = y[0].toUpper();
    }
    return x == y;
}

QString linkedName(const DuplicateRecord &r)
{
    if (!r.existingName.isEmpty())
        return r.existingName;
    const QJsonArray elsewhere = r.details.value(QStringLiteral("elsewhere")).toArray();
    return elsewhere.isEmpty() ? QString()
                               : elsewhere.first().toObject().value(QStringLiteral("name")).toString();
}

//! Whether a decision sends nothing to the target, whatever its name there (skip, hand-fix, link).
bool sendsNothing(DuplicateAction action)
{
    return action == DuplicateAction::Skip || action == DuplicateAction::HandFix ||
           action == DuplicateAction::Link;
}

QString decidedBy(const DuplicateDecision &d)
{
    QString who = d.decidedBy.startsWith(u"curator:") ? d.decidedBy.mid(8) : d.decidedBy;
    if (!d.rule.isEmpty())
        who += QStringLiteral(" (%1)").arg(d.rule);
    return d.note.isEmpty() ? who : QStringLiteral("%1: %2").arg(who, d.note);
}

} // namespace

Result<DuplicateGate> DuplicateGate::load(Catalog &catalog, qint64 batchId, const QString &target)
{
    DuplicateGate gate;
    gate.m_target = target;
    gate.m_batchId = batchId;
    DuplicateBook book(catalog);
    auto targets = book.targets(batchId);
    if (!targets)
        return targets.error();
    gate.m_classified = targets->contains(target);
    if (!gate.m_classified)
        return gate;
    for (const bool open : {true, false}) {
        DuplicateCaseQuery query;
        query.target = target;
        query.onlyOpen = open;
        query.onlyDecided = !open;
        for (;;) {
            auto page = book.cases(batchId, query);
            if (!page)
                return page.error();
            if (page->isEmpty())
                break;
            for (const DuplicateRecord &r : std::as_const(*page)) {
                gate.m_records.insert(r.fileId, r);
                if (open)
                    ++gate.m_open;
            }
            query.afterFileId = page->constLast().fileId;
        }
    }
    return gate;
}

Result<std::unique_ptr<DeliveryGate>> DuplicateGate::open(Catalog &catalog, qint64 batchId,
                                                          const QString &target)
{
    auto gate = load(catalog, batchId, target);
    if (!gate)
        return gate.error();
    if (!gate->isClassified()) {
        auto own = load(catalog, batchId, DuplicateInfo::catalogTarget());
        if (!own)
            return own.error();
        if (!own->isClassified())
            return std::unique_ptr<DeliveryGate>();
        own->m_catalogCases = true;
        own->m_target = target;
        gate = std::move(own);
    }
    // What an upload held back while cases were open goes as soon as none is.
    for (qint64 after = 0;;) {
        auto rows = catalog.batchTargets(batchId, target, after, 1000);
        if (!rows)
            return rows.error();
        if (rows->isEmpty())
            break;
        for (const FileTargetRecord &row : std::as_const(*rows)) {
            if (row.state == TargetState::NeedsDecision)
                gate->m_heldBack.insert(row.fileId);
        }
        after = rows->constLast().fileId;
    }
    return std::unique_ptr<DeliveryGate>(new DuplicateGate(std::move(*gate)));
}

QString DuplicateGate::blockedMessage() const
{
    if (m_open == 0)
        return {};
    return tr("%n file(s) of batch %1 wait for a duplicate decision against %2; decide them (decide, or the "
              "duplicates view) before the upload.",
              nullptr, int(std::min<qint64>(m_open, std::numeric_limits<int>::max())))
        .arg(m_batchId)
        .arg(m_target);
}

QSet<qint64> DuplicateGate::ignoreWarnings() const
{
    QSet<qint64> ids;
    for (const DuplicateRecord &r : m_records) {
        if (!r.decision)
            continue;
        switch (r.decision->action) {
        case DuplicateAction::Upload:
        case DuplicateAction::Overwrite:
        case DuplicateAction::Rename:
            ids.insert(r.fileId);
            break;
        default:
            break;
        }
    }
    return ids;
}

QSet<qint64> DuplicateGate::released() const
{
    // Nothing goes while a file of the batch still waits: the upload of the batch stays blocked.
    if (m_open > 0)
        return {};
    QSet<qint64> ids = m_heldBack;
    for (const DuplicateRecord &r : m_records) {
        if (r.decision)
            ids.insert(r.fileId);
    }
    return ids;
}

QSet<qint64> DuplicateGate::keptBack() const
{
    // Whatever the batch's other cases: these are never sent to this target (see apply()); a linked file is
    // recorded as already there, or as the catalog file's.
    QSet<qint64> ids;
    for (const DuplicateRecord &r : m_records) {
        if (r.decision && sendsNothing(r.decision->action))
            ids.insert(r.fileId);
    }
    return ids;
}

std::optional<DuplicateRecord> DuplicateGate::record(qint64 fileId) const
{
    const auto it = m_records.constFind(fileId);
    if (it == m_records.cend())
        return std::nullopt;
    return *it;
}

void DuplicateGate::holdBack(DeliveryItem &item) const
{
    item.state = TargetState::NeedsDecision;
    item.message = tr("%1 is held back: the batch is uploaded once no file of it waits for a duplicate "
                      "decision.")
                       .arg(item.label());
}

void DuplicateGate::apply(DeliveryItem &item) const
{
    if (item.state != TargetState::Pending)
        return;
    const auto it = m_records.constFind(item.file.id);
    if (it == m_records.cend()) {
        // A file with no case of its own goes with the batch: not while another file waits.
        if (m_open > 0)
            holdBack(item);
        return;
    }
    const DuplicateRecord &r = *it;
    if (!r.decision) {
        item.state = TargetState::NeedsDecision;
        item.message =
            tr("%1 waits for a duplicate decision (%2: %3).")
                .arg(item.label(), DuplicateInfo::key(r.dupCase), DuplicateInfo::description(r.dupCase));
        return;
    }
    if (m_open > 0) {
        holdBack(item);
        return;
    }
    const DuplicateDecision &d = *r.decision;
    const bool renamed = d.action == DuplicateAction::Rename;
    if (!renamed && !sendsNothing(d.action) && !m_catalogCases &&
        !sameName(item.remoteName, r.intendedName)) {
        // The title template changed since dedup: the decision was about another name.
        item.state = TargetState::NeedsDecision;
        item.message = tr("%1 would now be named %2, but the duplicate decision was made for %3; run dedup "
                          "again.")
                           .arg(item.label(), item.remoteName, r.intendedName);
        return;
    }
    switch (d.action) {
    case DuplicateAction::Skip:
        item.state = TargetState::Skipped;
        item.message = tr("Not sent: a duplicate decision to skip it (%1).").arg(decidedBy(d));
        break;
    case DuplicateAction::HandFix:
        item.state = TargetState::Skipped;
        item.message = tr("Not sent: on the hand-fix list (%1).").arg(decidedBy(d));
        break;
    case DuplicateAction::Link:
        if (m_catalogCases) {
            // Linked to a file of the catalog, not to a name at this target: nothing to send.
            item.state = TargetState::Skipped;
            item.message = tr("Not sent: linked to file %1 of batch %2 (%3).")
                               .arg(r.existingFile)
                               .arg(r.existingBatch)
                               .arg(decidedBy(d));
            break;
        }
        item.state = TargetState::AlreadyThere;
        item.remoteName = linkedName(r);
        item.message = tr("Not sent: linked to %1 (%2).").arg(item.remoteName, decidedBy(d));
        item.events.append(
            TargetDelivery::event(item, QStringLiteral("transfer"), QStringLiteral("success"),
                                  tr("Not sent to %1: the file is %2 there, by a duplicate decision "
                                     "(%3).")
                                      .arg(r.target, item.remoteName, decidedBy(d))));
        break;
    case DuplicateAction::Rename:
        if (!d.name.isEmpty())
            item.remoteName = d.name;
        break;
    case DuplicateAction::Upload:
    case DuplicateAction::Overwrite:
    case DuplicateAction::Move:
        break;
    }
}

Status DuplicateGate::prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                                    const std::shared_ptr<std::atomic_bool> &cancel) const
{
    // Renames: the curator's name, or ours numbered (2)…(9), whichever the target has free (or holding our
    // bytes already); asked in one look-up.
    struct Rename
    {
        DeliveryItem *item;
        QStringList candidates;
    };
    QList<Rename> renames;
    QList<LookupQuery> queries;
    QList<DeliveryItem *> moves;
    for (DeliveryItem *item : items) {
        const auto r = record(item->file.id);
        if (!r || !r->decision || item->state != TargetState::Pending)
            continue;
        if (r->decision->action == DuplicateAction::Move) {
            moves.append(item);
            continue;
        }
        if (r->decision->action != DuplicateAction::Rename)
            continue;
        Rename rename{item, {}};
        if (!r->decision->name.isEmpty()) {
            rename.candidates.append(r->decision->name);
        } else {
            for (int n = 2; n <= 9; ++n)
                rename.candidates.append(DuplicateSolver::numberedName(r->intendedName, n));
        }
        for (const QString &name : std::as_const(rename.candidates))
            queries.append(LookupQuery{name, item->sentDigests(), item->sentSize()});
        renames.append(rename);
    }
    if (!queries.isEmpty()) {
        auto answers = target.lookup(queries, cancel);
        if (!answers)
            return answers.error();
        qsizetype n = 0;
        QSet<QString> taken;
        for (Rename &rename : renames) {
            DeliveryItem &item = *rename.item;
            QString chosen;
            QString refusal;
            for (const QString &candidate : std::as_const(rename.candidates)) {
                const LookupAnswer &a = answers->at(n++);
                const QString name = a.normalizedName.isEmpty() ? candidate : a.normalizedName;
                if (!chosen.isEmpty() || !refusal.isEmpty())
                    continue;
                if (!a.nameProblem.isEmpty()) {
                    refusal = tr("%1 refuses the name %2: %3").arg(target.spec(), candidate, a.nameProblem);
                } else if ((!a.named || a.alreadyThere(item.sentDigests(), item.sentSize())) &&
                           !taken.contains(name)) {
                    chosen = name;
                } else if (rename.candidates.size() == 1) {
                    refusal = tr("The new name %1 holds other content on %2; choose another one.")
                                  .arg(name, target.spec());
                }
            }
            if (!chosen.isEmpty()) {
                taken.insert(chosen);
                item.remoteName = chosen;
            } else {
                item.state = TargetState::NeedsDecision;
                item.message = refusal.isEmpty()
                                   ? tr("%1 has no free numbered name for %2 up to (9); rename it by hand.")
                                         .arg(target.spec(), item.remoteName)
                                   : refusal;
            }
        }
    }

    if (moves.isEmpty())
        return {};
    auto *wiki = dynamic_cast<MediaWikiTarget *>(&target);
    QList<VerifyQuery> checks;
    QList<DeliveryItem *> moved;
    for (DeliveryItem *item : std::as_const(moves)) {
        const DuplicateRecord r = *record(item->file.id);
        const QString from = linkedName(r);
        if (!wiki) {
            item->state = TargetState::Failed;
            item->message = tr("%1 is no wiki; only a wiki can move %2 to %3.")
                                .arg(target.spec(), from, item->remoteName);
            continue;
        }
        const QString reason = r.decision->note.isEmpty()
                                   ? tr("Gatehouse: the name of %1, by a duplicate decision of %2.")
                                         .arg(item->label(), decidedBy(*r.decision))
                                   : r.decision->note;
        if (Status s = FileMove::move(*wiki, from, item->remoteName, reason, cancel); !s) {
            item->state = TargetState::Failed;
            item->message = s.error().message;
            item->transient = s.error().code == ErrorCode::Network;
            item->events.append(TargetDelivery::event(*item, QStringLiteral("filename change"),
                                                      QStringLiteral("failure"), s.error().message));
            continue;
        }
        item->events.append(TargetDelivery::event(*item, QStringLiteral("filename change"),
                                                  QStringLiteral("success"),
                                                  tr("File:%1 on %2 was moved to File:%3 (%4).")
                                                      .arg(from, target.spec(), item->remoteName, reason)));
        checks.append(VerifyQuery{item->remoteName, item->sentDigests(), item->sentSize()});
        moved.append(item);
    }
    if (checks.isEmpty())
        return {};
    auto results = target.verify(checks);
    if (!results)
        return results.error();
    for (qsizetype i = 0; i < moved.size(); ++i) {
        DeliveryItem &item = *moved[i];
        const VerifyResult &v = results->at(i);
        if (v.matches) {
            item.state = TargetState::AlreadyThere;
            item.verified = true;
            item.message = tr("Moved to %1 on %2; nothing sent.").arg(item.remoteName, target.spec());
            item.events.append(
                TargetDelivery::event(item, QStringLiteral("fixity check"), QStringLiteral("success"),
                                      tr("%1 holds %2 with the same digests (sha1 %3) after the move.")
                                          .arg(target.spec(), item.remoteName, item.sentDigests().sha1)));
        } else {
            item.state = TargetState::TargetMismatch;
            item.message = v.message;
            item.events.append(TargetDelivery::event(item, QStringLiteral("fixity check"),
                                                     QStringLiteral("failure"), v.message));
        }
    }
    return {};
}

Status DuplicateGate::claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const
{
    DuplicateBook book(catalog);
    for (DeliveryItem *item : items) {
        const auto r = record(item->file.id);
        if (!r || !r->decision || !DuplicateInfo::actsOnTarget(r->decision->action) ||
            r->decision->isExecuted() || item->state != TargetState::Pending)
            continue;
        auto claimed = book.claimExecution(r->decision->id, owner);
        if (!claimed)
            return claimed.error();
        if (!*claimed) {
            item->state = TargetState::NeedsDecision;
            item->message =
                tr("%1 was not sent: its duplicate decision (%2) was taken back or replaced while "
                   "the upload ran; the next upload follows the decision in force.")
                    .arg(item->label(), DuplicateInfo::key(r->decision->action));
        }
    }
    return {};
}

Status DuplicateGate::settle(Catalog &catalog, const QList<FileTargetRecord> &rows,
                             const QString &owner) const
{
    DuplicateBook book(catalog);
    for (const FileTargetRecord &row : rows) {
        if (row.target != m_target)
            continue;
        const auto r = record(row.fileId);
        if (!r || !r->decision || !DuplicateInfo::actsOnTarget(r->decision->action) ||
            r->decision->isExecuted())
            continue;
        // Only this upload's claim (claim()) is settled: a row for a file whose decision it did not claim
        // changes nothing.
        QString execution;
        if (row.state == TargetState::Uploaded && row.verified) {
            execution = tr("uploaded to %1 as %2").arg(m_target, row.remoteName);
        } else if (row.state == TargetState::AlreadyThere) {
            execution = r->decision->action == DuplicateAction::Move
                            ? tr("moved on %1 to %2").arg(m_target, row.remoteName)
                            : tr("on %1 as %2").arg(m_target, row.remoteName);
        }
        if (Status s = book.settleClaim(r->decision->id, owner, execution); !s)
            return s;
    }
    return {};
}

} // namespace gh
