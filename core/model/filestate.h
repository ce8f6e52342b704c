#pragma once

#include <optional>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include "stage.h"
#include "status.h"

namespace gh {

/*!
    \enum gh::FileStageState
    Where one file stands in one stage. Settled states follow the severity of the outcome's status; a file
    with no row for a stage is pending for it.
*/
enum class FileStageState
{
    Pending, //!< "pending": to be done (again): never settled, or put back for another attempt.
    Done,    //!< "done": settled with an ok outcome (success, unchanged); later stages may take the file.
    Skipped, //!< "skipped": settled by a rule the curator set (a banned record); nothing after it runs.
    Failed   //!< "failed": settled with an error outcome; transient ones are retried by the next run.
};

/*!
    \enum gh::TargetState
    Where one file stands at one target (a local archive, an S3 bucket, a wiki).
*/
enum class TargetState
{
    Pending,        //!< "pending": not sent yet.
    Uploaded,       //!< "uploaded": sent by Gatehouse and accepted.
    AlreadyThere,   //!< "already-there": the target holds the same bytes under the same name already.
    NeedsDecision,  //!< "needs-decision": a duplicate case that waits for the curator.
    Skipped,        //!< "skipped": the curator (or a rule) decided not to send it.
    Failed,         //!< "failed": the target refused it or could not be reached after every attempt.
    TargetMismatch, //!< "target-mismatch": what the target holds afterwards differs from what was sent.
    Deleted,        //!< "deleted": delivered, then withdrawn from the target when the batch was rejected.
};

class FileStateInfo
{
    Q_DECLARE_TR_FUNCTIONS(gh::FileStateInfo)

public:
    static QString key(FileStageState state);
    static std::optional<FileStageState> stageStateFromKey(QStringView key);
    //! The state a settled outcome with \a status puts a file in (Pending for FileStatus::Pending).
    static FileStageState stateFor(FileStatus status);

    static QString key(TargetState state);
    static std::optional<TargetState> targetStateFromKey(QStringView key);
    static QString displayName(TargetState state);
    static const QList<TargetState> &allTargetStates();
};

/*!
    \class gh::FileStageRecord
    One file in one stage: the outcome that stage recorded, how many attempts it took, and when.
*/
struct FileStageRecord
{
    qint64 fileId = 0;
    qint64 batchId = 0;
    Stage stage = Stage::Fetch;
    FileStageState state = FileStageState::Pending;
    FileStatus status = FileStatus::Pending;
    int attempts = 0;
    QString detail; //!< What went wrong, or what the stage noted.
    QDateTime at;
};

/*!
    \class gh::FileTargetRecord
    One file at one target: the name it has (or will have) there, its state, and what the target said.
*/
struct FileTargetRecord
{
    qint64 fileId = 0;
    qint64 batchId = 0;
    QString target;     //!< The target spec: "local:DIR", "s3://bucket/prefix", "mediawiki:https://…".
    QString remoteName; //!< The object key or page title at the target.
    TargetState state = TargetState::Pending;
    int attempts = 0;
    QJsonObject reported;  //!< What the target answered (ids, revision, ETag, warnings), as it said it.
    bool verified = false; //!< The target's copy was checked against our digests after sending.
    QDateTime at;
};

/*!
    \class gh::BatchTargetRecord
    One place a batch goes (catalog table batch_targets): the target spec, the filter that picks its files
    (the filter bar's syntax; empty: every file), and who set it when (upload, run --target, approve, the
    \c [targets] default setting, the GUI).
*/
struct BatchTargetRecord
{
    qint64 batchId = 0;
    QString spec;
    QString filter;
    QString setBy;
    QDateTime setAt;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::FileStageRecord)
Q_DECLARE_METATYPE(gh::FileTargetRecord)
