#include "dedupstage.h"

#include <QDir>
#include <QPointer>
#include <QSet>
#include <QSqlError>

#include "catalog/duplicatebook.h"
#include "duplicatesolver.h"
#include "targets/target.h"
#include "targets/targetoptions.h"

namespace gh {

namespace {

//! Files classified in one go: one same-bytes query and one batched look-up per target for all of them.
constexpr int s_group = 500;

} // namespace

DedupStage::DedupStage(const StageEnvironment &environment, QObject *parent)
    : FileStage(environment, parent)
{
    // The work is the catalog's and the targets' (batched look-ups); it runs on the stage's thread, which
    // owns the catalog connection, a group at a time.
    setConcurrency(1, s_group);
}

DedupStage::~DedupStage() = default;

StageDefinition DedupStage::definition()
{
    return {Stage::Dedup, StageDefinition::Kind::Files,
            [](const StageEnvironment &env) { return std::unique_ptr<FileStage>(new DedupStage(env)); }};
}

Result<QStringList> DedupStage::batchTargets(Catalog &catalog, qint64 batchId)
{
    QSqlQuery q(catalog.database());
    q.prepare(QStringLiteral("SELECT target FROM batches WHERE id = ?"));
    q.addBindValue(batchId);
    if (!q.exec())
        return Error{ErrorCode::Database,
                     tr("Cannot read the target of batch %1: %2").arg(batchId).arg(q.lastError().text())};
    QStringList targets;
    if (q.next() && !q.value(0).toString().trimmed().isEmpty())
        targets.append(q.value(0).toString().trimmed());
    // And where the batch goes (run --target, an approval's target): classified before anything is sent.
    auto specs = catalog.batchTargetSpecs(batchId);
    if (!specs)
        return specs.error();
    for (const BatchTargetRecord &row : std::as_const(*specs)) {
        if (!targets.contains(row.spec))
            targets.append(row.spec);
    }
    return targets;
}

Status DedupStage::prepare()
{
    m_classifiers.clear();
    m_targets.clear();
    m_gathered.clear();
    const qint64 batchId = batch().batchId;
    const QString settingsFile = environment().options.settingsFile;
    m_workDir = QDir::tempPath() + QStringLiteral("/gatehouse-dedup-%1").arg(batchId);

    auto targets = batchTargets(catalog(), batchId);
    if (!targets)
        return targets.error();
    for (const QString &spec : std::as_const(*targets)) {
        auto settings = DedupSettings::load(settingsFile, TargetRoute{spec, {}, {}}, {}, m_workDir);
        if (!settings)
            return settings.error();
        auto target = settings->openTarget(m_workDir + QStringLiteral("/staging"));
        if (!target)
            return target.error();
        auto classifier = std::make_unique<DuplicateClassifier>(catalog(), environment().store, **target,
                                                                batchId, *settings);
        if (Status s = classifier->prepare(); !s)
            return s;
        m_targets.push_back(std::move(*target));
        m_classifiers.push_back(std::move(classifier));
    }
    if (m_classifiers.empty()) {
        DedupSettings settings;
        if (!settingsFile.isEmpty()) {
            if (Status s = DedupSettings::readFile(settingsFile, settings); !s)
                return s;
        }
        auto classifier = std::make_unique<DuplicateClassifier>(catalog(), batchId, settings);
        if (Status s = classifier->prepare(); !s)
            return s;
        m_classifiers.push_back(std::move(classifier));
    }
    return {};
}

QString DedupStage::startMessage(qint64 files) const
{
    QStringList against;
    for (const auto &target : m_targets)
        against.append(target->spec());
    if (against.isEmpty())
        return tr("Duplicates: checking %1 files of batch %2 against the catalog and the batch.")
            .arg(files)
            .arg(batch().batchId);
    return tr("Duplicates: checking %1 files of batch %2 against the catalog, the batch and %3.")
        .arg(files)
        .arg(batch().batchId)
        .arg(against.join(QStringLiteral(", ")));
}

Status DedupStage::pageLoaded(const QList<FileRecord> &page)
{
    for (const FileRecord &f : page)
        m_statuses.insert(f.id, f.status);
    return {};
}

int DedupStage::dispatch(const FileRecord &file)
{
    m_gathered.append(file);
    return 1;
}

void DedupStage::dispatched()
{
    if (m_gathered.isEmpty() || m_posted)
        return;
    // After the round of dispatching: the group is classified in one go, and fill() carries on from there.
    m_posted = true;
    QPointer<DedupStage> self(this);
    QMetaObject::invokeMethod(
        this,
        [self] {
            if (self)
                self->classifyGathered();
        },
        Qt::QueuedConnection);
}

void DedupStage::classifyGathered()
{
    m_posted = false;
    const QList<FileRecord> group = std::exchange(m_gathered, {});
    if (group.isEmpty())
        return;
    auto giveBack = [&] {
        // Untouched: they stay pending for the next run.
        for (const FileRecord &f : group) {
            m_statuses.remove(f.id);
            if (!takeOutcome(FileOutcome{f, {}}))
                return;
        }
        fill();
    };
    if (cancelFlag()->load()) {
        giveBack();
        return;
    }
    // The classifier writes cases and events itself: only for files this process still holds. Those that
    // waited past their lease and were taken over are the other process's to classify.
    auto held = keepHeld(group);
    if (!held) {
        fail(held.error().message);
        return;
    }
    QSet<qint64> heldIds;
    for (const FileRecord &f : std::as_const(*held))
        heldIds.insert(f.id);
    // The overall status stays what fetch recorded (success, unchanged).
    QList<FileRecord> files;
    files.reserve(held->size());
    for (FileRecord f : group) {
        if (!heldIds.contains(f.id)) {
            m_statuses.remove(f.id);
            if (!takeOutcome(FileOutcome{f, {}}))
                return;
            continue;
        }
        f.status = m_statuses.take(f.id);
        files.append(f);
    }
    if (files.isEmpty()) {
        fill();
        return;
    }

    for (const auto &classifier : m_classifiers) {
        auto classified = classifier->classify(files, cancelFlag());
        if (!classified) {
            if (classified.error().code == ErrorCode::Cancelled) {
                giveBack();
                return;
            }
            fail(classified.error().message);
            return;
        }
    }
    for (qsizetype i = 0; i < files.size(); ++i) {
        FileRecord settled = files[i];
        if (StatusInfo::severity(settled.status) != Severity::Ok)
            settled.status = FileStatus::Success;
        const bool last = i + 1 == files.size();
        if (last) {
            outcomeArrived(FileOutcome{settled, {}});
        } else if (!takeOutcome(FileOutcome{settled, {}})) {
            return;
        }
    }
}

QString DedupStage::doneDetail() const
{
    return tr("Every file checked for duplicates; none waits for a decision.");
}

Status DedupStage::allSettled(StageState &state, QString &detail)
{
    if (state != StageState::Done)
        return {};
    // Cases waiting for a curator: the lamp says so, as every decision and undo will (DuplicateSolver).
    DuplicateBook book(catalog());
    auto open = book.openCount(batch().batchId);
    if (!open)
        return open.error();
    if (*open > 0) {
        state = StageState::NeedsAttention;
        detail = DuplicateSolver::tr("%n file(s) wait for a duplicate decision; the upload waits for them.",
                                     nullptr, int(std::min<qint64>(*open, 1 << 30)));
    }
    return {};
}

} // namespace gh
