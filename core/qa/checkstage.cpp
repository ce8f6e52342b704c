#include "checkstage.h"

#include "catalog/catalog.h"
#include "checkrunner.h"
#include "qaprofile.h"

namespace gh {

CheckStage::CheckStage(const StageEnvironment &environment, QObject *parent)
    : FileStage(environment, parent)
{}

CheckStage::~CheckStage()
{
    // Jobs on the pool write into m_checked: they must be gone before it is.
    pool().clear();
    pool().waitForDone();
}

StageDefinition CheckStage::definition()
{
    StageDefinition d{Stage::Check, StageDefinition::Kind::Files,
                      [](const StageEnvironment &env) { return std::make_unique<CheckStage>(env); }};
    d.takesSettled = true;
    return d;
}

Status CheckStage::prepare()
{
    auto profile = QaProfile::fromSettings(environment().options.settings, tr("the settings"));
    if (!profile)
        return profile.error();
    auto record = catalog().batch(batch().batchId);
    if (!record)
        return record.error();
    auto runner = CheckRunner::create(*record, *profile);
    if (!runner)
        return runner.error();
    m_runner = std::move(*runner);
    const int threads = profile->jobs > 0 ? profile->jobs : std::max(1, QThread::idealThreadCount());
    setConcurrency(threads, threads * 2);
    return {};
}

QString CheckStage::startMessage(qint64 files) const
{
    return tr("Check: %1 files of batch %2 to check with %3.")
        .arg(files)
        .arg(batch().batchId)
        .arg(m_runner->checkNames().join(QStringLiteral(", ")));
}

Status CheckStage::pageLoaded(const QList<FileRecord> &page)
{
    QList<qint64> ids;
    ids.reserve(page.size());
    for (const FileRecord &f : page) {
        m_files.insert(f.id, f);
        ids.append(f.id);
    }
    CheckRecords records(catalog());
    auto kept = records.imageStatistics(ids);
    if (!kept)
        return kept.error();
    m_kept.insert(*kept);
    return {};
}

int CheckStage::dispatch(const FileRecord &pending)
{
    const FileRecord file = m_files.value(pending.id, pending);
    std::optional<ImageStatistics> kept;
    if (const auto it = m_kept.constFind(file.id); it != m_kept.cend())
        kept = *it;
    BitStore *store = &environment().store;
    std::shared_ptr<const CheckRunner> runner = m_runner;
    std::shared_ptr<std::atomic_bool> cancel = cancelFlag();
    runOnPool([this, store, runner, cancel, file, pending, kept](const Deliver &deliver) {
        if (cancel->load()) {
            deliver({pending, {}}); // untouched: stays pending
            return;
        }
        CheckedFile checked = runner->checkStored(*store, file, kept);
        // The file keeps the status fetch gave it; its row here says QA has seen it.
        FileOutcome outcome{file, std::exchange(checked.events, {})};
        outcome.file.processedAt = QDateTime::currentDateTimeUtc();
        {
            QMutexLocker lock(&m_mutex);
            m_checked.insert(file.id, std::move(checked));
        }
        deliver(outcome);
    });
    return 1;
}

void CheckStage::released(const FileRecord &file)
{
    m_files.remove(file.id);
    m_kept.remove(file.id);
}

Status CheckStage::commit(const QList<FileRecord> &files, const QList<EventRecord> &events)
{
    // Findings, facts and statistics first, replacing any a killed attempt wrote; the stage rows and the
    // events after, in one transaction: a crash in between leaves the files pending, checked once more.
    QList<CheckedFile> results;
    {
        QMutexLocker lock(&m_mutex);
        for (const FileRecord &f : files) {
            if (auto it = m_checked.find(f.id); it != m_checked.end()) {
                results.append(std::move(*it));
                m_checked.erase(it);
            }
        }
    }
    if (Status s = CheckRecords(catalog()).recordFileResults(results); !s)
        return s;
    return FileStage::commit(files, events);
}

bool CheckStage::isBreakerError(const FileRecord &) const
{
    // Outcomes repeat fetch's statuses; a store that cannot be read shows in the findings (decodable), and
    // a catalog that cannot be written fails the stage at once.
    return false;
}

Status CheckStage::allSettled(StageState &state, QString &detail)
{
    CheckRecords records(catalog());
    auto across = m_runner->checkBatch(records);
    if (!across)
        return across.error();
    if (Status s = m_runner->recordBatch(records, *across); !s)
        return s;
    auto counts = records.counts(batch().batchId);
    if (!counts)
        return counts.error();
    qint64 bySeverity[3] = {0, 0, 0};
    for (const CheckRecords::Count &c : std::as_const(*counts))
        bySeverity[int(c.severity)] += c.findings;
    const qint64 errors = bySeverity[int(FindingSeverity::Error)];
    const qint64 warnings = bySeverity[int(FindingSeverity::Warning)];
    const qint64 flags = bySeverity[int(FindingSeverity::Flag)];
    state = errors + warnings + flags > 0 ? StageState::NeedsAttention : StageState::Done;
    detail = tr("%1 errors, %2 warnings, %3 flags").arg(errors).arg(warnings).arg(flags);
    emit logMessage(tr("Check of batch %1 done: %2.").arg(batch().batchId).arg(detail));
    return {};
}

} // namespace gh
