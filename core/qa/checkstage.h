#pragma once

#include <memory>
#include <optional>

#include <QHash>
#include <QMutex>

#include "catalog/checkrecords.h"
#include "pipeline/filestage.h"

namespace gh {

class CheckRunner;

/*!
    \class gh::CheckStage
    Automatic QA as a stage of the pipeline, so \c run, the GUI and the hot folder check every batch after
    fetch, with the Check lamp running live. The per-file pass of the checks (CheckRunner::checkStored())
    runs on the stage's pool, files in flight like any FileStage; each commit writes the files' findings,
    facts and image statistics first and then their stage rows with one PREMIS event per check, so a file
    is checked once however often the run is killed (a kill between the two leaves the file pending, and
    checking it again replaces what the first attempt wrote). When no file is left the checks across files
    (page sequence, batch identifier, sidecars, dimensions) run once over the whole batch and record their
    findings and events in one transaction, and the lamp reads done, or needs attention with the counts of
    errors, warnings and flags.

    The stage takes every file fetch settled for good (StageDefinition::takesSettled): a file whose
    checksum did not match or that came empty is checked too, so QA has one list. It never changes a file's
    status: its row repeats the status fetch gave, so the stages after it take what fetch let through.

    The QA profile comes from the run's settings (the \c [check] keys, RunOptions::settings).
*/
class CheckStage : public FileStage
{
    Q_OBJECT

public:
    explicit CheckStage(const StageEnvironment &environment, QObject *parent = nullptr);
    ~CheckStage() override;

    //! The check stage as the runner walks it (registered in core/review/shippedstages.cpp).
    static StageDefinition definition();

protected:
    Status prepare() override;
    QString startMessage(qint64 files) const override;
    Status pageLoaded(const QList<FileRecord> &page) override;
    int dispatch(const FileRecord &file) override;
    void released(const FileRecord &file) override;
    Status commit(const QList<FileRecord> &files, const QList<EventRecord> &events) override;
    bool isBreakerError(const FileRecord &file) const override;
    Status allSettled(StageState &state, QString &detail) override;

private:
    std::shared_ptr<const CheckRunner> m_runner;
    //! The pages' files as the catalog has them (the base class hands them over as pending).
    QHash<qint64, FileRecord> m_files;
    //! Image statistics earlier runs kept for the pages' files.
    QHash<qint64, ImageStatistics> m_kept;

    QMutex m_mutex;
    QHash<qint64, CheckedFile> m_checked; //!< Results waiting for their commit; filled on the pool.
};

} // namespace gh
