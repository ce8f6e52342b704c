#pragma once

#include <QCoreApplication>
#include <QSet>

#include "stagedefinition.h"

namespace gh {

/*!
    \class gh::NextStep
    What a batch needs next, as nextStep() decides it from the stage states in the catalog.
*/
struct NextStep
{
    enum class Action
    {
        Load,    //!< Intake did not finish (interrupted, never started, or failed): load the source again.
        Run,     //!< Run \c stage: it has not run, was interrupted or cancelled with files still pending.
        Wait,    //!< \c stage needs a person (review, approval) and has not been marked done.
        Stopped, //!< \c stage failed: nothing after it runs until it is run again.
        Done     //!< Every stage has finished.
    };

    Action action = Action::Done;
    Stage stage = Stage::Intake;               //!< The stage concerned (Intake for Load; unused for Done).
    StageState state = StageState::NotStarted; //!< Its lamp as the catalog records it.
    QString detail;                            //!< Its lamp's detail (why it failed, …).
};

/*!
    \class gh::NextStepOptions
    How a run in progress asks: the stages it has already run (they count as finished), and whether it is an
    explicit run of the batch that takes every files stage once more (BatchRunner::runBatch(): transient
    failures get another chance, a failed stage is retried).
*/
struct NextStepOptions
{
    QSet<Stage> ran;
    bool rerun = false;
};

/*!
    The one decision of what batch \a batchId needs next, walking \a stages (after intake) in order: used by
    BatchRunner::run() to resume an interrupted batch, by BatchRunner between stages, and by the hot folder
    to tell a finished delivery from one to resume.

    A files stage is finished when its lamp reads done, or needs attention with no file left pending for it;
    not started, running (its process is gone: the caller checks it is not running elsewhere) or cancelled
    with files pending means run it; failed stops the batch there. A person stage is passed once its lamp
    reads done, is waited for otherwise; a files stage that does not apply to the batch
    (StageDefinition::applies) is passed; one that reads failed (a rejected batch) stops the batch whatever
    else is pending, even for an explicit run.
*/
Result<NextStep> nextStep(Catalog &catalog, qint64 batchId, const QList<StageDefinition> &stages,
                          const NextStepOptions &options = {});

} // namespace gh
