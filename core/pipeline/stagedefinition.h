#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QList>

#include "catalog/catalog.h"
#include "runoptions.h"

namespace gh {

class BitStore;
class FileStage;

/*!
    \class gh::StageEnvironment
    What a file stage is given when the runner creates it: the thread's catalog connection and the store,
    the run's options, the run's cancel flag, which files are its work (PendingFor: the files it has not
    settled among those the stage before it let through) and the stages after it, whose rows about a file
    go when the stage puts that file back for another attempt.
*/
struct StageEnvironment
{
    Catalog &catalog;
    BitStore &store;
    RunOptions options;
    std::shared_ptr<std::atomic_bool> cancel;
    PendingFor pending;
    QList<Stage> downstream;
};

/*!
    \class gh::StageDefinition
    One stage of the pipeline as the runner walks it. A stage that works file by file is a FileStage the
    runner creates with \c create; a stage that needs a person (review, approval) has no worker: the runner
    stops there until the curator's decision marks the stage done (its lamp reads Done).

    The stages of pipeline are listed in stageregistry.cpp, in order. Stages from modules above pipeline
    (automatic QA, duplicates, upload) register at start-up with add(), from one place
    (core/review/shippedstages.cpp), so defaults() is the whole list every runner walks. A test or a one-off
    run gives a BatchRunner its own list (BatchRunner::setStages(), with()); StageInfo::define() gives a
    plug-in a Stage value of its own.
*/
struct StageDefinition
{
    enum class Kind
    {
        Files, //!< A worker that takes the files pending for it.
        Person //!< A state the runner stops at until a person has decided.
    };

    Stage stage = Stage::Fetch;
    Kind kind = Kind::Files;
    std::function<std::unique_ptr<FileStage>(const StageEnvironment &)> create;
    //! A files stage that takes every file the stage before it settled for good, failed ones too, not only
    //! those it passed (PendingFor::settled): QA checks a file whose checksum did not match as well.
    bool takesSettled = false;
    /*!
        Whether a files stage has work for a batch at all (empty: always). nextStep() passes a stage that
        does not apply as if it had finished: the upload after the review applies to approved batches with
        a target; without one the batch is finished at the review.
    */
    std::function<Result<bool>(Catalog &catalog, qint64 batchId)> applies = {};

    //! Where a registered stage goes in the list: among the automatic stages before the curator's review,
    //! or after the person stages (what an approval starts).
    enum class Placement
    {
        BeforeReview,
        AfterReview
    };

    /*!
        The stages after intake, in the order a batch passes them: pipeline's own (stageregistry.cpp) with the
        registered ones placed where add() said, in the order they were added.
    */
    static QList<StageDefinition> defaults();
    /*!
        Registers \a definition for every runner created from now on. Call it at start-up, before any runner
        exists (core/review/shippedstages.cpp does it for Gatehouse's own stages); adding a stage whose Stage
        is already registered replaces that definition (placed as if added now). Thread-safe.
    */
    static void add(const StageDefinition &definition, Placement placement);
    //! Forgets what add() registered (for tests that compare runs with and without a plug-in).
    static void clearAdded();
    /*!
        \a stages with \a added placed before the first person stage (the curator's review), or at the end
        when there is none: where a plug-in stage that works on files before the curator decides belongs.
    */
    static QList<StageDefinition> with(QList<StageDefinition> stages, const StageDefinition &added);
    //! Which files \a stage takes in the order \a stages: those the files stage before it let through.
    static PendingFor pendingFor(const QList<StageDefinition> &stages, Stage stage);
    //! The files stages after \a stage in \a stages.
    static QList<Stage> downstream(const QList<StageDefinition> &stages, Stage stage);
};

} // namespace gh
