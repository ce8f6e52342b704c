#pragma once

#include <atomic>
#include <memory>

#include <QFutureWatcher>
#include <QObject>

#include "duplicateclassifier.h"
#include "duplicatesolver.h"
#include "pipeline/workspace.h"

namespace gh {

/*!
    \class gh::DuplicateView
    What the duplicates view shows of one batch and target: the cases that need (or needed) a decision, each
    with our file beside it.
*/
struct DuplicateView
{
    qint64 batchId = 0;
    QString target;      //!< The target shown (empty when the batch was never classified).
    QStringList targets; //!< Every target the batch was classified against.
    QList<DuplicateRecord> records;
    QHash<qint64, FileRecord> files;   //!< Ours, by id.
    QHash<qint64, QString> localPaths; //!< Where our stored bytes can be read (for thumbnails), by id.
    QMap<DuplicateCase, DuplicateBook::Count> counts;
    qint64 open = 0;
};

/*!
    \class gh::DuplicateService
    The duplicates view's side in the engine: it reads cases, records decisions with DuplicateSolver and
    classifies batches with DuplicateClassifier, so the view only collects choices. A QObject that lives on
    the engine's thread (moveToThread()); it opens its own catalog connection there. Classification, which
    waits on the target, runs on a pool thread with a connection of its own and reports progress.
*/
class DuplicateService : public QObject
{
    Q_OBJECT

public:
    DuplicateService(const Workspace &workspace, const QString &settingsFile, QObject *parent = nullptr);
    ~DuplicateService() override;

public slots:
    //! Reads the batch's cases against \a target (empty: the first it was classified against).
    void load(qint64 batchId, const QString &target);
    void decide(qint64 batchId, const gh::DecisionRequest &request);
    void undo(qint64 batchId, const QList<qint64> &fileIds, const QString &target, const QString &curator);
    //! Classifies the batch against \a target (the upload's settings, \a titleTemplate if given).
    void classify(qint64 batchId, const QString &target, const QString &titleTemplate);
    //! Whether the account may move files on \a target (a wiki); answers with moveAllowed().
    void checkMove(const QString &target);
    //! Stops a classification (thread-safe).
    void cancel();

signals:
    void loaded(const gh::DuplicateView &view);
    void decided(const gh::DuplicateDecisionOutcome &outcome, bool undo);
    void classifyProgress(qint64 done, qint64 total);
    void classified(const gh::DedupSummary &summary);
    void moveAllowed(const QString &target, bool allowed, const QString &why);
    void failed(const QString &message);

private:
    Result<Catalog *> catalog();

    Workspace m_workspace;
    QString m_settingsFile;
    std::unique_ptr<Catalog> m_catalog;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QFutureWatcher<Result<DedupSummary>> m_classify;
    qint64 m_classifyingBatch = 0;
    QString m_classifyingTarget;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::DuplicateView)
Q_DECLARE_METATYPE(gh::DecisionRequest)
Q_DECLARE_METATYPE(gh::DuplicateDecisionOutcome)
Q_DECLARE_METATYPE(gh::DedupSummary)
