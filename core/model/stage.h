#pragma once

#include <optional>

#include <QCoreApplication>
#include <QString>

namespace gh {

/*!
    \enum gh::Stage
    The stages a batch passes through, in order (DESIGN §3). Each is an autonomous worker that asks the
   catalog for pending work, so a restart resumes where the last run stopped. The values below are the
   shipped stages; a stage added as a plug-in gets a value of its own from StageInfo::define().
*/
enum class Stage
{
    Intake, //!< "intake": the source is turned into items and files.
    Fetch,  //!< "fetch": every file is copied or downloaded into the bit store, hashed in the same pass.
    Check,  //!< "check": automatic QA.
    Dedup,  //!< "dedup": duplicate classification against catalog, batch and target.
    Review, //!< "review": curator decisions (duplicates, QA sample verdicts).
    Upload  //!< "upload": approved files go to their target.
};

/*!
    \enum gh::StageState
    The lamp shown for a stage of a batch.
*/
enum class StageState
{
    NotStarted,     //!< "not-started"
    Running,        //!< "running"
    Done,           //!< "done": finished, every file in an ok or skipped state.
    NeedsAttention, //!< "attention": finished, or interrupted, with something the curator must look at.
    Failed          //!< "failed": the stage itself could not run (fatal error).
};

class StageInfo
{
    Q_DECLARE_TR_FUNCTIONS(gh::StageInfo)

public:
    static QString key(Stage stage);
    static std::optional<Stage> fromKey(QStringView key);
    static QString displayName(Stage stage);
    //! The shipped stages in order, then the stages defined since, in the order they were defined.
    static QList<Stage> all();

    /*!
        Gives a stage that the enum does not name (a plug-in, or a test's own stage) a value, a key for the
        catalog and a name for the lamps. Defining a key again returns the value it already has; a key of a
        shipped stage returns that stage. Thread-safe.
    */
    static Stage define(const QString &key, const QString &displayName);

    static QString key(StageState state);
    static std::optional<StageState> stateFromKey(QStringView key);
    static QString displayName(StageState state);
};

} // namespace gh
