#include "checkjob.h"

#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include "catalog/catalog.h"
#include "checkrunner.h"
#include "store/bitstore.h"

namespace gh {

namespace {

constexpr int s_pageSize = 128;

} // namespace

CheckJob::CheckJob(Catalog &catalog, BitStore &store, std::shared_ptr<const CheckRunner> runner)
    : m_catalog(catalog)
    , m_store(store)
    , m_runner(std::move(runner))
{}

CheckJob::~CheckJob() = default;

void CheckJob::setJobs(int jobs)
{
    m_jobs = jobs;
}

void CheckJob::setCancelFlag(const std::atomic_bool *cancel)
{
    m_cancel = cancel;
}

void CheckJob::setProgress(std::function<void(qint64, qint64)> progress)
{
    m_progress = std::move(progress);
}

Result<CheckJob::Summary> CheckJob::run()
{
    const qint64 batchId = m_runner->environment().batch.id;
    auto batch = m_catalog.batch(batchId);
    if (!batch)
        return batch.error();
    Summary summary;
    summary.files = batch->files;
    CheckRecords records(m_catalog);
    auto fail = [&](const Error &error) -> Result<Summary> {
        (void)m_catalog.setStageState(batchId, Stage::Check,
                                      error.code == ErrorCode::Cancelled ? StageState::NeedsAttention
                                                                         : StageState::Failed,
                                      error.message);
        return error;
    };
    if (Status s = m_catalog.setStageState(batchId, Stage::Check, StageState::Running); !s)
        return s.error();
    if (Status s = records.clearBatch(batchId); !s)
        return fail(s.error());

    QThreadPool pool;
    pool.setMaxThreadCount(m_jobs > 0 ? m_jobs : QThread::idealThreadCount());
    const auto cancelled = [this] { return m_cancel && m_cancel->load(std::memory_order_relaxed); };
    qint64 done = 0;
    qint64 afterId = 0;
    for (;;) {
        if (cancelled())
            return fail(Error{ErrorCode::Cancelled, tr("The check of batch %1 was cancelled.").arg(batchId)});
        FileQuery query;
        query.afterId = afterId;
        query.limit = s_pageSize;
        auto page = m_catalog.files(batchId, query);
        if (!page)
            return fail(page.error());
        if (page->isEmpty())
            break;
        afterId = page->constLast().id;
        QList<qint64> ids;
        for (const FileRecord &f : std::as_const(*page))
            ids.append(f.id);
        auto kept = records.imageStatistics(ids);
        if (!kept)
            return fail(kept.error());

        const CheckRunner &runner = *m_runner;
        const QHash<qint64, ImageStatistics> &keptStatistics = *kept;
        const QList<CheckedFile> results =
            QtConcurrent::blockingMapped(&pool, *page, [&](const FileRecord &file) -> CheckedFile {
                std::optional<ImageStatistics> statistics;
                if (const auto it = keptStatistics.constFind(file.id); it != keptStatistics.cend())
                    statistics = *it;
                if (cancelled())
                    return runner.checkFile(file, {}, statistics);
                return runner.checkStored(m_store, file, statistics);
            });
        if (cancelled())
            return fail(Error{ErrorCode::Cancelled, tr("The check of batch %1 was cancelled.").arg(batchId)});
        for (const CheckedFile &r : results)
            summary.decoded += r.image ? 1 : 0;
        if (Status s = records.recordFileResults(results); !s)
            return fail(s.error());
        (void)m_catalog.heartbeat(batchId, Stage::Check);
        done += page->size();
        if (m_progress)
            m_progress(done, summary.files);
    }

    auto across = m_runner->checkBatch(records);
    if (!across)
        return fail(across.error());
    if (Status s = m_runner->recordBatch(records, *across); !s)
        return fail(s.error());
    auto counts = records.counts(batchId);
    if (!counts)
        return fail(counts.error());
    summary.counts = *counts;
    for (const CheckRecords::Count &c : summary.counts) {
        (c.severity == FindingSeverity::Error     ? summary.errors
         : c.severity == FindingSeverity::Warning ? summary.warnings
                                                  : summary.flags) += c.findings;
    }
    const bool clean = summary.errors + summary.warnings + summary.flags == 0;
    if (Status s = m_catalog.setStageState(batchId, Stage::Check,
                                           clean ? StageState::Done : StageState::NeedsAttention,
                                           tr("%1 errors, %2 warnings, %3 flags")
                                               .arg(summary.errors)
                                               .arg(summary.warnings)
                                               .arg(summary.flags));
        !s)
        return s.error();
    if (m_progress)
        m_progress(done, summary.files);
    return summary;
}

} // namespace gh
