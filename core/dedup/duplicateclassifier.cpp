#include "duplicateclassifier.h"

#include <QJsonArray>

#include "duplicatesolver.h"
#include "targets/mediawiki/mediawikitarget.h"
#include "targets/targetdelivery.h"
#include "targets/uploadpreview.h"
#include "util/version.h"

namespace gh {

namespace {

bool cancelled(const std::shared_ptr<std::atomic_bool> &cancel)
{
    return cancel && cancel->load();
}

Error cancelError()
{
    return Error{ErrorCode::Cancelled, DuplicateClassifier::tr("The duplicate check was cancelled.")};
}

//! Whether two catalog files hold the same bytes: SHA-1 always, SHA-256 where both know it.
bool sameBytes(const DuplicateBook::SameBytes &other, const Digests &ours)
{
    if (other.sha1.compare(ours.sha1, Qt::CaseInsensitive) != 0)
        return false;
    return other.sha256.isEmpty() || ours.sha256.isEmpty() ||
           other.sha256.compare(ours.sha256, Qt::CaseInsensitive) == 0;
}

//! What the validation event says about a record.
QString describe(const DuplicateRecord &r)
{
    QString text;
    switch (r.dupCase) {
    case DuplicateCase::AlreadyThere:
        text = DuplicateClassifier::tr("%1 already holds these bytes as %2.").arg(r.target, r.existingName);
        break;
    case DuplicateCase::HashElsewhere:
        text = DuplicateClassifier::tr("%1 holds these bytes as %2; the name %3 is free.")
                   .arg(r.target, r.existingName, r.intendedName);
        break;
    case DuplicateCase::HashElsewhereNameTaken:
        text = DuplicateClassifier::tr("%1 holds these bytes as %2, and %3 holds other content.")
                   .arg(r.target, r.existingName, r.intendedName);
        break;
    case DuplicateCase::New:
        text = DuplicateClassifier::tr("%1 does not hold these bytes; the name %2 is free.")
                   .arg(r.target, r.intendedName);
        break;
    case DuplicateCase::NameTaken:
        text = DuplicateClassifier::tr("%1 does not hold these bytes, but %2 holds other content (SHA-1 %3).")
                   .arg(r.target, r.intendedName, r.existingSha1);
        break;
    case DuplicateCase::InBatch:
        text = DuplicateClassifier::tr("File %1 of this batch has the same bytes and is kept (%2).")
                   .arg(r.existingFile)
                   .arg(r.existingName.isEmpty() ? r.details.value(QStringLiteral("earlier"))
                                                       .toObject()
                                                       .value(QStringLiteral("name"))
                                                       .toString()
                                                 : r.existingName);
        break;
    case DuplicateCase::EarlierBatch:
        text = DuplicateClassifier::tr("Batch %1 ingested these bytes before (file %2).")
                   .arg(r.existingBatch)
                   .arg(r.existingFile);
        break;
    }
    if (r.deletedBefore) {
        text += u' ' + (r.deletedForCopyright
                            ? DuplicateClassifier::tr("The target deleted these bytes before, for copyright.")
                            : DuplicateClassifier::tr("The target deleted these bytes before."));
    }
    if (r.details.value(QStringLiteral("name_was_deleted")).toBool())
        text += u' ' + DuplicateClassifier::tr("A file named %1 was deleted before.").arg(r.intendedName);
    return DuplicateClassifier::tr("Duplicate check (%1): %2").arg(DuplicateInfo::key(r.dupCase), text);
}

} // namespace

qint64 DedupSummary::files() const
{
    qint64 n = 0;
    for (const auto &c : counts)
        n += c.files;
    return n;
}

QJsonObject DedupSummary::toJson() const
{
    QJsonObject cases;
    QJsonObject openByCase;
    QJsonObject decided;
    for (DuplicateCase c : DuplicateInfo::cases()) {
        const DuplicateBook::Count count = counts.value(c);
        cases.insert(DuplicateInfo::key(c), count.files);
        if (count.open > 0)
            openByCase.insert(DuplicateInfo::key(c), count.open);
        for (auto it = count.byAction.cbegin(); it != count.byAction.cend(); ++it) {
            const QString key = DuplicateInfo::key(it.key());
            decided.insert(key, decided.value(key).toInteger() + it.value());
        }
    }
    return QJsonObject{{QStringLiteral("batch"), batchId},
                       {QStringLiteral("target"), target},
                       {QStringLiteral("files"), files()},
                       {QStringLiteral("needs_decision"), open},
                       {QStringLiteral("unnamed"), unnamed},
                       {QStringLiteral("deleted_before"), deletedBefore},
                       {QStringLiteral("cases"), cases},
                       {QStringLiteral("open"), openByCase},
                       {QStringLiteral("decided"), decided},
                       {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}};
}

DuplicateClassifier::DuplicateClassifier(Catalog &catalog, BitStore &store, Target &target, qint64 batchId,
                                         const DedupSettings &settings)
    : m_catalog(catalog)
    , m_store(&store)
    , m_target(&target)
    , m_batchId(batchId)
    , m_settings(settings)
    , m_agent(agentFor(QStringLiteral("dedup")))
{
    if (auto *wiki = dynamic_cast<MediaWikiTarget *>(m_target)) {
        wiki->setLookUpDeleted(m_settings.lookUpDeleted);
        wiki->setContentSearch(m_settings.wikiSearch);
    }
}

DuplicateClassifier::DuplicateClassifier(Catalog &catalog, qint64 batchId, const DedupSettings &settings)
    : m_catalog(catalog)
    , m_batchId(batchId)
    , m_settings(settings)
    , m_agent(agentFor(QStringLiteral("dedup")))
{}

QString DuplicateClassifier::spec() const
{
    return m_target ? m_target->spec() : DuplicateInfo::catalogTarget();
}

bool DuplicateClassifier::takes(qint64 fileId) const
{
    return !m_target || (m_plan && m_plan->entry(fileId));
}

DuplicateClassifier::~DuplicateClassifier() = default;

Status DuplicateClassifier::prepare()
{
    auto batch = m_catalog.batch(m_batchId);
    if (!batch)
        return batch.error();
    m_batchName = batch->name;
    if (!m_target) {
        auto counts = m_catalog.statusCounts(m_batchId);
        if (!counts)
            return counts.error();
        m_planned = counts->value(FileStatus::Success) + counts->value(FileStatus::Unchanged);
        m_prepared = true;
        return {};
    }
    TargetRoute route = m_settings.route;
    if (route.spec.isEmpty())
        route.spec = m_target->spec();
    auto plan = UploadPlan::build(m_catalog, m_batchId, route);
    if (!plan)
        return plan.error();
    m_plan = std::move(*plan);
    // The upload's own options: the same title template, page text and conversion rules name the file.
    auto options = UploadPreview::deliveryOptions(m_settings.upload, *m_target, m_batchId, m_batchName,
                                                  m_settings.workDir);
    if (!options)
        return options.error();
    m_options = std::make_unique<DeliveryOptions>(std::move(*options));
    // A wiki weighs listing all its files against searching for each of ours.
    if (auto *wiki = dynamic_cast<MediaWikiTarget *>(m_target))
        wiki->expectLookups(m_plan->size());
    m_prepared = true;
    return {};
}

qint64 DuplicateClassifier::plannedFiles() const
{
    return m_target ? (m_plan ? m_plan->size() : 0) : m_planned;
}

Result<QList<DuplicateRecord>> DuplicateClassifier::classify(const QList<FileRecord> &page,
                                                             const std::shared_ptr<std::atomic_bool> &cancel)
{
    if (!m_prepared)
        return Error{ErrorCode::Usage, QStringLiteral("DuplicateClassifier::prepare() was not called")};
    const QString spec = this->spec();
    DuplicateBook book(m_catalog);

    // The files of the page this target takes.
    QList<DeliveryItem> items;
    QList<qint64> ids;
    for (const FileRecord &file : page) {
        if (!takes(file.id) || file.batchId != m_batchId || file.digests.sha1.isEmpty())
            continue;
        auto it = m_items.item(file.itemId);
        if (!it)
            return it.error();
        DeliveryItem d;
        d.file = file;
        d.item = *it;
        if (m_target) {
            const auto entry = m_plan->entry(file.id);
            d.page = entry->page;
            d.pages = entry->pages;
        }
        items.append(d);
        ids.append(file.id);
    }
    if (items.isEmpty())
        return QList<DuplicateRecord>();

    // What is recorded already: a decision the upload carried out stands with its case.
    auto recorded = book.casesOfFiles(ids, spec);
    if (!recorded)
        return recorded.error();
    QHash<qint64, DuplicateRecord> before;
    for (const DuplicateRecord &r : std::as_const(*recorded))
        before.insert(r.fileId, r);
    items.removeIf([&](const DeliveryItem &d) {
        const auto it = before.constFind(d.file.id);
        return it != before.cend() && it->decision && it->decision->isExecuted();
    });

    // The names upload gives, and what it would send (a converted copy where a rule converts); without a
    // target, the item and file name.
    QList<DeliveryItem *> named;
    if (m_target) {
        TargetDelivery delivery(*m_target, *m_store, *m_options);
        auto cleanUp = [&] {
            for (DeliveryItem &d : items)
                TargetDelivery::cleanUp(d);
        };
        for (DeliveryItem &d : items) {
            if (cancelled(cancel)) {
                cleanUp();
                return cancelError();
            }
            delivery.prepare(d, cancel, true);
            if (d.state == TargetState::Failed) {
                ++m_unnamed;
                m_problems.append(tr("%1: %2").arg(d.label(), d.message));
                continue;
            }
            named.append(&d);
        }
        cleanUp();
    } else {
        for (DeliveryItem &d : items) {
            d.remoteName = d.label();
            named.append(&d);
        }
    }

    // The catalog: the same bytes earlier in this batch or in an earlier batch.
    QStringList sha1s;
    for (const DeliveryItem *d : std::as_const(named)) {
        const QString sha1 = d->file.digests.sha1.toLower();
        if (!sha1.isEmpty() && !sha1s.contains(sha1))
            sha1s.append(sha1);
    }
    auto same = book.sameBytes(sha1s, m_batchId);
    if (!same)
        return same.error();
    QHash<QString, QList<DuplicateBook::SameBytes>> bySha1;
    for (const DuplicateBook::SameBytes &s : std::as_const(*same))
        bySha1[s.sha1.toLower()].append(s);

    // The target: one batched look-up for the page.
    QList<LookupQuery> queries;
    queries.reserve(named.size());
    for (const DeliveryItem *d : std::as_const(named))
        queries.append(LookupQuery{d->remoteName, d->sentDigests(), d->sentSize()});
    Result<QList<LookupAnswer>> answers = QList<LookupAnswer>(queries.size());
    if (m_target)
        answers = m_target->lookup(queries, cancel);
    if (!answers)
        return cancelled(cancel) ? Result<QList<DuplicateRecord>>(cancelError()) : answers.error();
    if (cancelled(cancel))
        return cancelError();

    QList<DuplicateRecord> records;
    QHash<qint64, QString> nameOf; // intended names of this page, for in-batch files after them
    QList<qint64> unnamedFirsts;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (qsizetype n = 0; n < named.size(); ++n) {
        const DeliveryItem &d = *named[n];
        const LookupAnswer &a = answers->at(n);
        if (!a.nameProblem.isEmpty()) {
            ++m_unnamed;
            m_problems.append(
                tr("%1: %2 refuses the name %3: %4").arg(d.label(), spec, d.remoteName, a.nameProblem));
            continue;
        }
        DuplicateRecord r;
        r.fileId = d.file.id;
        r.batchId = m_batchId;
        r.itemId = d.file.itemId;
        r.target = spec;
        r.intendedName = a.normalizedName.isEmpty() ? d.remoteName : a.normalizedName;
        r.sent = d.sentDigests();
        r.sentSize = d.sentSize();
        r.classifiedAt = now;
        nameOf.insert(r.fileId, r.intendedName);

        const QList<RemoteObject> elsewhere = a.elsewhere(r.sent);
        if (a.named)
            r.details.insert(QStringLiteral("named"), a.named->toJson());
        if (!elsewhere.isEmpty()) {
            QJsonArray list;
            for (const RemoteObject &o : elsewhere)
                list.append(o.toJson());
            r.details.insert(QStringLiteral("elsewhere"), list);
        }
        if (!a.deletedSameBytes.isEmpty()) {
            QJsonArray list;
            for (const RemoteObject &o : a.deletedSameBytes) {
                list.append(o.toJson());
                r.deletedForCopyright = r.deletedForCopyright || o.deletedForCopyright;
            }
            r.details.insert(QStringLiteral("deleted"), list);
            r.deletedBefore = true;
        }
        if (a.nameWasDeleted)
            r.details.insert(QStringLiteral("name_was_deleted"), true);

        // The catalog's files with these bytes (ours excluded): the first this target takes in this batch,
        // else the first of an earlier batch.
        const DuplicateBook::SameBytes *firstHere = nullptr;
        const DuplicateBook::SameBytes *earlier = nullptr;
        // A const list that lives through this file's turn: firstHere and earlier point into it. (Looping
        // over value()'s temporary detached a private copy, freed at the loop's end: a crash about once a 250
        // runs.)
        const QList<DuplicateBook::SameBytes> sameSha1 = bySha1.value(d.file.digests.sha1.toLower());
        for (const DuplicateBook::SameBytes &s : sameSha1) {
            if (s.fileId == d.file.id || !sameBytes(s, d.file.digests))
                continue;
            if (s.batchId == m_batchId && s.fileId < d.file.id && takes(s.fileId) && !firstHere)
                firstHere = &s;
            else if (s.batchId < m_batchId && !earlier)
                earlier = &s;
        }
        auto catalogFile = [](const DuplicateBook::SameBytes &s) {
            return QJsonObject{{QStringLiteral("file"), s.fileId},
                               {QStringLiteral("batch"), s.batchId},
                               {QStringLiteral("item"), s.item},
                               {QStringLiteral("name"), s.name}};
        };

        if (a.alreadyThere(r.sent, r.sentSize)) {
            r.dupCase = DuplicateCase::AlreadyThere;
            r.existingName = a.named->name;
            r.existingSha1 = a.named->sha1;
        } else if (firstHere) {
            r.dupCase = DuplicateCase::InBatch;
            r.existingFile = firstHere->fileId;
            r.existingBatch = m_batchId;
            r.existingName = nameOf.value(firstHere->fileId);
            r.existingSha1 = r.sent.sha1;
            r.details.insert(QStringLiteral("earlier"), catalogFile(*firstHere));
            if (r.existingName.isEmpty())
                unnamedFirsts.append(firstHere->fileId);
        } else if (earlier) {
            r.dupCase = DuplicateCase::EarlierBatch;
            r.existingFile = earlier->fileId;
            r.existingBatch = earlier->batchId;
            r.existingName = elsewhere.isEmpty() ? QString() : elsewhere.first().name;
            r.existingSha1 = r.sent.sha1;
            r.details.insert(QStringLiteral("earlier"), catalogFile(*earlier));
            if (r.existingName.isEmpty())
                unnamedFirsts.append(earlier->fileId);
        } else if (!elsewhere.isEmpty()) {
            r.dupCase = a.named ? DuplicateCase::HashElsewhereNameTaken : DuplicateCase::HashElsewhere;
            r.existingName = elsewhere.first().name;
            r.existingSha1 = elsewhere.first().sha1;
        } else if (a.named) {
            r.dupCase = DuplicateCase::NameTaken;
            r.existingName = a.named->name;
            r.existingSha1 = a.named->sha1;
        } else {
            r.dupCase = DuplicateCase::New;
        }
        r.needsDecision = DuplicateInfo::needsDecision(r.dupCase) ||
                          (r.dupCase != DuplicateCase::AlreadyThere && (r.deletedBefore || a.nameWasDeleted));
        records.append(r);
    }

    // Names of the kept files of earlier pages and batches, as this target was told them.
    if (!unnamedFirsts.isEmpty()) {
        auto firsts = book.casesOfFiles(unnamedFirsts, spec);
        if (!firsts)
            return firsts.error();
        for (const DuplicateRecord &f : std::as_const(*firsts))
            nameOf.insert(f.fileId, f.intendedName);
        for (DuplicateRecord &r : records) {
            if (r.existingName.isEmpty() && r.existingFile > 0)
                r.existingName = nameOf.value(r.existingFile);
        }
    }

    // Events for new or changed cases; the rules for files without a decision in force.
    QList<EventRecord> events;
    QList<std::pair<qsizetype, DuplicateDecision>> ruled;
    for (qsizetype i = 0; i < records.size(); ++i) {
        DuplicateRecord &r = records[i];
        const auto old = before.constFind(r.fileId);
        const bool sameCase = old != before.cend() && old->dupCase == r.dupCase;
        if (sameCase)
            r.decision = old->decision;
        if (!sameCase || old->existingName != r.existingName || old->intendedName != r.intendedName) {
            EventRecord e;
            e.batchId = r.batchId;
            e.itemId = r.itemId;
            e.fileId = r.fileId;
            e.type = QStringLiteral("validation");
            e.at = now;
            e.outcome = r.needsDecision ? QStringLiteral("warning") : QStringLiteral("success");
            e.agent = m_agent;
            e.detail = describe(r);
            events.append(e);
        }
        if (r.decision)
            continue;
        const auto action = m_settings.rules.actionFor(r.dupCase);
        if (!action)
            continue;
        auto prepared = DuplicateSolver::prepare(r, *action, {}, tr("A rule of the settings."), m_agent,
                                                 m_settings.rules.text(r.dupCase));
        if (!prepared) {
            m_problems.append(tr("File %1: the rule %2 does not apply: %3")
                                  .arg(r.fileId)
                                  .arg(m_settings.rules.text(r.dupCase), prepared.error().message));
            continue;
        }
        ruled.append({i, prepared->first});
        events.append(prepared->second);
    }

    auto tx = m_catalog.transaction();
    if (!tx)
        return tx.error();
    if (Status s = book.saveCases(records); !s)
        return s.error();
    if (m_target) {
        // What the stage found against the catalog alone is part of this classification now.
        QList<qint64> classified;
        for (const DuplicateRecord &r : std::as_const(records))
            classified.append(r.fileId);
        if (Status s = book.dropCases(classified, DuplicateInfo::catalogTarget()); !s)
            return s.error();
    }
    for (auto &[index, decision] : ruled) {
        if (Status s = book.addDecision(decision); !s)
            return s.error();
        records[index].decision = decision;
    }
    if (Status s = book.addEvents(events); !s)
        return s.error();
    if (Status s = tx->commit(); !s)
        return s.error();
    return records;
}

Status DuplicateClassifier::run(const std::function<void(qint64, qint64)> &progress,
                                const std::shared_ptr<std::atomic_bool> &cancel, int pageSize)
{
    if (!m_prepared) {
        if (Status s = prepare(); !s)
            return s;
    }
    const qint64 total = plannedFiles();
    qint64 done = 0;
    if (Status s = m_catalog.setStageState(
            m_batchId, Stage::Dedup, StageState::Running,
            tr("Checking %n file(s) against %1.", nullptr, int(std::min<qint64>(total, 1 << 30)))
                .arg(spec()));
        !s)
        return s;
    auto stopped = [&](const Error &error) -> Status {
        // The error says more than a failure to record the lamp would.
        (void)m_catalog.setStageState(m_batchId, Stage::Dedup,
                                      error.code == ErrorCode::Cancelled ? StageState::NeedsAttention
                                                                         : StageState::Failed,
                                      error.message);
        return error;
    };
    FileQuery query;
    query.statuses = {FileStatus::Success, FileStatus::Unchanged};
    query.limit = std::max(1, pageSize);
    for (;;) {
        if (cancelled(cancel))
            return stopped(cancelError());
        auto page = m_catalog.files(m_batchId, query);
        if (!page)
            return stopped(page.error());
        if (page->isEmpty())
            break;
        query.afterId = page->constLast().id;
        auto classified = classify(*page, cancel);
        if (!classified)
            return stopped(classified.error());
        for (const FileRecord &f : std::as_const(*page)) {
            if (takes(f.id))
                ++done;
        }
        if (progress)
            progress(done, total);
    }
    return DuplicateSolver::updateLamp(m_catalog, m_batchId);
}

Result<DedupSummary> DuplicateClassifier::summary()
{
    DuplicateBook book(m_catalog);
    DedupSummary s;
    s.batchId = m_batchId;
    s.target = spec();
    auto counts = book.counts(m_batchId, s.target);
    if (!counts)
        return counts.error();
    s.counts = *counts;
    for (const auto &c : std::as_const(s.counts)) {
        s.open += c.open;
        s.deletedBefore += c.deleted;
    }
    s.unnamed = m_unnamed;
    s.problems = m_problems;
    return s;
}

} // namespace gh
