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

    The shipped stages are listed in stageregistry.cpp, in order. A plug-in adds its definition to the list
    a BatchRunner walks (BatchRunner::setStages()); StageInfo::define() gives it a Stage value of its own.
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

    //! The stages after intake that ship with Gatehouse, in the order a batch passes them
    //! (stageregistry.cpp).
    static QList<StageDefinition> defaults();
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
