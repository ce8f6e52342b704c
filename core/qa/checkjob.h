#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QCoreApplication>

#include "catalog/checkrecords.h"
#include "util/result.h"

namespace gh {

class BitStore;
class Catalog;
class CheckRunner;

/*!
    \class gh::CheckJob
    Checks a whole batch from start to end on the calling thread: clears the batch's earlier QA results,
    runs the per-file pass over every file in keyset-paged pages (files of a page in parallel on a thread
    pool, each page written in one transaction), then the checks across files, with the Check stage's state
    and heartbeat kept in the catalog. This is what \c{gatehouse-cli check} runs; the check stage of a full
    run uses the same CheckRunner with the stage machinery's paging and resume.
*/
class CheckJob
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckJob)

public:
    CheckJob(Catalog &catalog, BitStore &store, std::shared_ptr<const CheckRunner> runner);
    ~CheckJob();

    //! Files checked at once; 0 (the default) for one per core.
    void setJobs(int jobs);
    //! Stops between files when \a cancel becomes true; run() then returns ErrorCode::Cancelled.
    void setCancelFlag(const std::atomic_bool *cancel);
    //! Called on the calling thread after each page and at the end.
    void setProgress(std::function<void(qint64 done, qint64 total)> progress);

    /*!
        \class gh::CheckJob::Summary
        What a finished run found.
    */
    struct Summary
    {
        qint64 files = 0;   //!< Files of the batch.
        qint64 decoded = 0; //!< Images decoded in this run (the others reused kept statistics).
        QList<CheckRecords::Count> counts;
        qint64 errors = 0;
        qint64 warnings = 0;
        qint64 flags = 0;
    };
    Result<Summary> run();

private:
    Catalog &m_catalog;
    BitStore &m_store;
    std::shared_ptr<const CheckRunner> m_runner;
    int m_jobs = 0;
    const std::atomic_bool *m_cancel = nullptr;
    std::function<void(qint64, qint64)> m_progress;
};

} // namespace gh
