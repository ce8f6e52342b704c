#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

#include "problem.h"
#include "stage.h"
#include "status.h"

namespace gh {

/*!
    \class gh::Digests
    The three digests Gatehouse computes for every file, as lower-case hex.
*/
struct Digests
{
    QString md5;
    QString sha1;
    QString sha256;
    QString sha512; //!< Only computed when a source declares sha512 (BagIt manifests may).

    bool isEmpty() const { return md5.isEmpty() && sha1.isEmpty() && sha256.isEmpty(); }
};

/*!
    \class gh::DeclaredChecksums
    Checksums a source declared for a file (a sidecar, a manifest, a spreadsheet column), to be verified,
   never trusted. \c origin says where they came from, for the curator.
*/
struct DeclaredChecksums
{
    QString md5;
    QString sha1;
    QString sha256;
    QString sha512;
    QString origin;

    bool isEmpty() const { return md5.isEmpty() && sha1.isEmpty() && sha256.isEmpty() && sha512.isEmpty(); }
};

/*!
    \class gh::StageRecord
    One stage of one batch as the catalog records it.
*/
struct StageRecord
{
    Stage stage = Stage::Intake;
    StageState state = StageState::NotStarted;
    QDateTime started;
    QDateTime finished;
    QDateTime heartbeat;
    QString runner; //!< "host:pid" of the process that ran it last.
    QString detail;

    /*!
        True when the record says Running but the process that ran it is gone: on this host its pid is not
        alive; on another host (a shared PostgreSQL catalog) it has not reported for two minutes.
    */
    bool isInterrupted() const;
    //! The state to show: an interrupted stage needs attention.
    StageState effectiveState() const;

    //! The state of \a stage among a batch's \a stages; NotStarted when it has no record.
    static StageState stateOf(const QList<StageRecord> &stages, Stage stage);
    //! The first of \a stages that runs now, in this process or another that is alive; null when none does.
    static const StageRecord *runningNow(const QList<StageRecord> &stages);
};

//! "host:pid" for this process.
QString currentRunner();

/*!
    \class gh::HttpCacheEntry
    What the catalog remembers about a URL it stored, shared by every batch: the validators for conditional
    requests, how long the copy stays fresh, and the stored copy a 304 reuses.
*/
struct HttpCacheEntry
{
    QString url;
    QString etag;
    QString lastModified;
    QDateTime freshUntil; //!< Invalid when the server gave no freshness.
    QString storedKey;
    qint64 size = -1;
    Digests digests;
    QString mimetype;
    QDateTime fetchedAt;
};

enum class BatchState
{
    Open,
    Approved,
    Rejected
};

/*!
    \class gh::BatchRecord
    A batch as the dashboard and `status` show it.
*/
struct BatchRecord
{
    qint64 id = 0;
    QString name;
    QString source;
    QString detected; //!< What intake detected the source to be ("folder", "bagit", …).
    QDateTime created;
    BatchState state = BatchState::Open;
    QJsonArray trace; //!< Intake's decisions: [{stage, decision, warnings}].
    QMap<Stage, StageState> stages;
    QMap<Stage, QString> stageDetails; //!< What each stage said when it last ended ("2 errors, 0 warnings, …").
    QMap<FileStatus, qint64> counts;
    qint64 items = 0;
    qint64 files = 0;
    qint64 bytes = 0;      //!< Bytes of files processed so far.
    QDateTime lastRun;     //!< When a stage of the batch last finished or reported; invalid if none ran.
    bool archived = false; //!< Hidden from the dashboard and \c status (see BatchHousekeeping).
    //! The batch's problems by level, and those that are not one file's (see gh::Problems::annotate()).
    ProblemCounts problems;
    QList<Problem> batchProblems;
};

/*!
    \class gh::ItemRecord
    An intellectual object: a record, a newspaper page, a dataset.
*/
struct ItemRecord
{
    qint64 id = 0;
    qint64 batchId = 0;
    int seq = 0;
    QString identifier;
    QString label;
    QJsonObject metadata;
};

/*!
    \class gh::FileRecord
    One bitstream and everything known about it.
*/
struct FileRecord
{
    qint64 id = 0;
    qint64 batchId = 0;
    qint64 itemId = 0;
    int seq = 0;
    QString item; //!< The item's identifier, for display and export.
    QString name; //!< The file's name within its item.
    QString sourcePath;
    QString sourceMember; //!< The member's path when sourcePath is an archive.
    QString sourceUrl;
    qint64 declaredSize = -1;
    DeclaredChecksums declared;
    QString declaredMimetype;

    qint64 size = -1;
    Digests digests;
    QString mimetype;
    FileStatus status = FileStatus::Pending;
    QString error;
    int attempts = 0;
    QString storedKey;
    QDateTime processedAt;

    int httpStatus = 0;
    QString etag;
    QString lastModified;
    QString terminalUrl;
    QJsonArray hops;
};

/*!
    \class gh::EventRecord
    A PREMIS-style event: what happened to a batch, item or file, when, with which outcome, done by whom.
*/
struct EventRecord
{
    qint64 id = 0;
    qint64 batchId = 0;
    qint64 itemId = 0; //!< 0 when the event concerns the batch.
    qint64 fileId = 0; //!< 0 when the event concerns the item or batch.
    QString type;      //!< PREMIS event type ("message digest calculation", "fixity check", …).
    QDateTime at;
    QString outcome; //!< "success", "failure", "warning".
    QString agent;   //!< "gatehouse/<version> <stage>", or "curator:<name>" for a person's decision.
    QString detail;
    /*!
        The person who ran the software \c agent names (catalog v10): the curator's name (gh::Curator; \c --as
        for the CLI). Empty for events recorded before v10 and when \c agent is a person already.
    */
    QString person;
};

QString batchStateKey(BatchState state);
BatchState batchStateFromKey(QStringView key);

} // namespace gh

Q_DECLARE_METATYPE(gh::BatchRecord)
Q_DECLARE_METATYPE(gh::FileRecord)
Q_DECLARE_METATYPE(gh::EventRecord)
Q_DECLARE_METATYPE(gh::ItemRecord)
