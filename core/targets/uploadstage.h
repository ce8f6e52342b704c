#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>

#include "deliverygate.h"
#include "pipeline/filestage.h"
#include "targetdelivery.h"
#include "targetregistry.h"
#include "uploadplan.h"

namespace gh {

/*!
    \class gh::UploadStage
    Delivers the files the stages before it let through to the run's targets (UploadSettings::routes), each
    target taking the files its filter matches. For every file and target there is a row in the catalog
    (FileTargetRecord): the remote name, the state, the attempts, what the target answered, and whether the
    copy there was verified.

    Files go in groups (up to 50, fewer for small batches so every lane has work): each group is prepared on
    the stage's pool (conversion rules, names, page text), looked up at the target in one go (never twice:
    also after a crash, the next run asks again before sending), sent file by file (resumably), and verified
    in one go. A file already delivered to a target (uploaded and verified, already there, skipped) is not
    touched again; one that needs a decision waits for it. Banned and never-fetched files never come here.

    A target that refuses every file (bad credentials, uploads disabled, a session that keeps getting lost)
    fails the stage with its message; transient failures (network, a busy wiki) are retried by the next run.

    Wikis are spoken to through the stage's own HTTP engine: its exchanges are the transfers view's rows
    (bytes, rate, attempt, as they go), and pausing the stage pauses the requests on the wire as well as
    the files waiting for their turn.
*/
class UploadStage : public FileStage
{
    Q_OBJECT

public:
    UploadStage(const StageEnvironment &environment, const UploadSettings &settings, const QString &workDir,
                QObject *parent = nullptr);
    ~UploadStage() override;

    /*!
        The upload stage as the runner walks it, after the stages of StageDefinition::defaults(). \a workDir
        holds derivatives and the journals of interrupted uploads (the workspace's data folder).
    */
    static StageDefinition definition(const UploadSettings &settings, const QString &workDir);

protected:
    Status prepare() override;
    QString startMessage(qint64 files) const override;
    Status pageLoaded(const QList<FileRecord> &page) override;
    bool canDispatch(const FileRecord &next) const override;
    int dispatch(const FileRecord &file) override;
    void dispatched() override;
    Status commit(const QList<FileRecord> &files, const QList<EventRecord> &events) override;
    bool isBreakerError(const FileRecord &file) const override;
    QString breakerMessage(int count, const QString &lastError) const override;
    void pauseWork(bool paused) override;
    qint64 bytesInFlight() const override;
    QList<TransferActivity> activity() const override;
    QString doneDetail() const override;
    Status allSettled(StageState &state, QString &detail) override;

private:
    struct Route
    {
        TargetRoute route;
        std::unique_ptr<Target> target;
        UploadPlan plan;
        std::unique_ptr<TargetDelivery> delivery;
        DeliveryGates gates;   //!< What modules above targets hold back or change (DeliveryGate).
        QSet<qint64> released; //!< Files a gate let go since a run held them back.
    };
    struct GroupResult
    {
        QList<FileOutcome> outcomes;
        QList<FileTargetRecord> rows;
        QString fatal; //!< A target refused every file.
    };

    void launch();
    //! Runs on the pool: every route's steps for \a files.
    GroupResult work(const QList<FileRecord> &files, const QHash<qint64, ItemRecord> &items,
                     const QHash<qint64, QHash<QString, FileTargetRecord>> &existing);
    void groupDone(const GroupResult &result);
    void progress(qint64 fileId, const QString &label, const QString &host, qint64 done, qint64 total);

    //! The uploads running now: what the stage knows of each file, with the engine's live numbers.
    QList<TransferActivity> running() const;
    //! Holds a worker while the stage is paused (false: cancelled).
    bool waitWhilePaused(const std::shared_ptr<std::atomic_bool> &cancel) const;

    UploadSettings m_settings;
    QString m_workDir;
    std::unique_ptr<HttpEngine> m_http; //!< For wiki targets; outlives them (declared before m_routes).
    std::vector<Route> m_routes;
    int m_groupSize = 50;
    int m_maxGroups = 1;
    int m_groupsInFlight = 0;
    QList<FileRecord> m_gathered;
    QHash<qint64, ItemRecord> m_items;                          //!< The items of the pages loaded.
    QHash<qint64, QHash<QString, FileTargetRecord>> m_existing; //!< Rows of the pages loaded, by file.
    QList<FileTargetRecord> m_pendingRows;

    mutable QMutex m_activityMutex;
    QHash<qint64, TransferActivity> m_activity;
    QHash<qint64, TransferActivity> m_engineActivity; //!< The engine's exchanges, by tag (file id).
    QHash<qint64, qint64> m_sendStarted;              //!< When each running upload started (m_clock).
    QElapsedTimer m_clock;
    qint64 m_bytesSent = 0;
    std::atomic_bool m_workPaused{false};
};

} // namespace gh
