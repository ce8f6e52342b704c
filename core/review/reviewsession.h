#pragma once

#include <memory>

#include <QHash>
#include <QObject>

#include "batchdecisions.h"
#include "pipeline/settingstable.h"
#include "pipeline/workspace.h"
#include "reviewdetails.h"
#include "reviewtypes.h"
#include "store/bitstore.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::ReviewState
    Everything the review view shows about a batch besides the current item: its sample with every
    verdict, its decision, its supplier's recent batches, what a re-delivery replaces, why approval would be
    refused now, and the stored copies a decision concerns.
*/
struct ReviewState
{
    qint64 batchId = 0;
    QString batchName;
    ReviewSample sample;
    SupplierBatch summary; //!< State, decision, supplier and re-delivery of this batch.
    QList<SupplierBatch> supplierHistory;
    QStringList previousProblems; //!< What was wrong with the batch this one re-delivers.
    QStringList approvalBlockers; //!< Empty when approving needs no override.
    BatchDecisions::StoredCopies storedCopies;
    //! What approving does with the batch's targets (recorded, else [targets] default): "Upload 1,204 files
    //! to Wikimedia Commons."; empty when the batch goes nowhere.
    QString handover;
    //! What approving with a typed target does, for the targets the batch's duplicates were classified
    //! against (UploadHandover::ApproveConsequences::byTarget), by spec.
    QHash<QString, QString> handoverByTarget;
    QString curator; //!< The name verdicts and decisions are recorded under.
    QStringList defectReasons;
};

/*!
    \class gh::ReviewSession
    The review view's worker: lives on the engine's thread (moveToThread), opens its own catalog connection
    there on first use, and does every read and write of review — samples, verdicts, approval, rejection —
    off the GUI thread. Requests are made with QMetaObject::invokeMethod; answers arrive as signals.

    Each verdict is committed with its PREMIS event before verdictSaved() is emitted, so a verdict the view
    reports as saved survives the GUI process being killed a moment later.
*/
class ReviewSession : public QObject
{
    Q_OBJECT

public:
    ReviewSession(const Workspace &workspace, const StoreOptions &storeOptions, const Settings &settings,
                  QObject *parent = nullptr);
    ~ReviewSession() override;

    // Call these on the session's thread.

    //! The settings verdicts and samples follow from now on ([review] curator, aql, level, reasons).
    void setSettings(const Settings &settings);
    /*!
        Opens the review of \a batchId: links a re-delivery by its name, records the supplier, draws the
        sample if there is none yet (the settings' AQL and level, a random seed that is recorded), adds items
        flagged since, and emits stateChanged().
    */
    void open(qint64 batchId);
    //! Reads the state again (another reviewer's verdicts included) and emits stateChanged().
    void refresh(qint64 batchId);
    //! Emits itemLoaded() with the item's files, findings and duplicate case.
    void loadItem(qint64 itemId);
    //! Records a verdict (Verdict::None withdraws it); emits verdictSaved(), then stateChanged().
    void setVerdict(qint64 batchId, qint64 itemId, gh::Verdict verdict, const QString &defect,
                    const QString &note);
    /*!
        Approves \a batchId as \a agent (BatchDecisions::approve()); \a note is recorded with the approval,
        \a overrideReason is needed when something refuses it. Emits decided(), then stateChanged().
    */
    void approve(qint64 batchId, const QString &target, const QString &overrideReason, const QString &note,
                 const QString &agent);
    //! Rejects \a batchId as \a agent and deletes its stored copies; emits decisionProgress() as it goes.
    void reject(qint64 batchId, const QString &reason, const QString &agent);

signals:
    void stateChanged(const gh::ReviewState &state);
    void itemLoaded(const gh::ReviewItemDetails &details);
    //! A verdict was committed (\a ok) or refused (\a message says why).
    void verdictSaved(qint64 batchId, qint64 itemId, bool ok, const QString &message);
    void decisionProgress(qint64 done, qint64 total);
    void decided(qint64 batchId, bool ok, const QString &message);
    void failed(const QString &message);

private:
    Status ensureCatalog();
    Result<ReviewState> readState(qint64 batchId);
    void emitState(qint64 batchId);

    Workspace m_workspace;
    StoreOptions m_storeOptions;
    Settings m_settings;
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<BitStore> m_store;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::ReviewState)
