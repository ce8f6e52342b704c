#pragma once

#include <functional>

#include <QCoreApplication>
#include <QStringList>

#include "util/result.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::DecisionOutcome
    What approving or rejecting a batch did, in words and numbers.
*/
struct DecisionOutcome
{
    QString message;           //!< One sentence for the curator.
    QStringList notes;         //!< What the hooks (upload, targets) reported.
    qint64 filesDeleted = 0;   //!< Files marked deleted.
    qint64 objectsRemoved = 0; //!< Stored objects removed from the bit store.
    qint64 objectsKept = 0;    //!< Stored objects kept because another batch's files use them too.
};

/*!
    \class gh::BatchDecisions
    Approves or rejects a batch as a whole — the one implementation behind \c gatehouse-cli approve/reject
    and the review view's buttons.

    \b Approve is refused while the QA sample is incomplete or its verdict is reject, while flagged items
    wait for a verdict, or while a registered gate (ReviewHooks::approvalGates(), e.g. duplicates awaiting
    decisions) objects — unless an override reason is given, which is recorded with what it overrode.
    Approving records who, when and why (a PREMIS "accession" event) and hands a target to the upload stage
    (ReviewHooks::onApproved()).

    \b Reject records who, when and why first (a PREMIS "appraisal" event with outcome failure), then deletes
    every stored copy of the batch from the bit store, page by page, marking the files \c deleted with a
    "deletion" event each. Catalog rows, metadata and events stay. An object that another batch's files also
    use (content-addressed keys, reused HTTP copies) is kept. Rejecting again resumes a deletion that was
    interrupted. Targets then withdraw what they had received (ReviewHooks::onRejected()).
*/
class BatchDecisions
{
    Q_DECLARE_TR_FUNCTIONS(gh::BatchDecisions)

public:
    //! \a store may be null for approvalBlockers() and the consequence texts; reject() needs it.
    BatchDecisions(Catalog &catalog, BitStore *store);

    //! Why approving \a batchId would be refused now; empty when it may be approved.
    Result<QStringList> approvalBlockers(qint64 batchId);
    //! The batch's stored copies that a decision concerns (files not yet deleted that have one).
    struct StoredCopies
    {
        qint64 files = 0;
        qint64 bytes = 0;
        qint64 uploadable = 0; //!< Stored without a problem (UploadPlan::isUploadable): what an upload sends.
    };
    Result<StoredCopies> storedCopies(qint64 batchId);
    //! "Upload 1,204 files to Wikimedia Commons." — what the approve button does.
    Result<QString> approveConsequence(qint64 batchId, const QString &target);
    static QString approveConsequence(const StoredCopies &copies, const QString &target);
    //! "Delete 1,204 stored files (3.2 GiB); the supplier re-delivers." — what the reject button does.
    Result<QString> rejectConsequence(qint64 batchId);
    static QString rejectConsequence(const StoredCopies &copies);

    /*!
        Approves \a batchId. Fails with ErrorCode::Invalid and the blockers when approval is refused and
        \a overrideReason is empty, or when the batch was already decided. \a note, the curator's words on
        an approval nothing refuses, is recorded as its reason.
    */
    Result<DecisionOutcome> approve(qint64 batchId, const QString &target, const QString &overrideReason,
                                    const QString &agent, const QString &note = {});
    /*!
        Rejects \a batchId for \a reason (required) and deletes its stored copies; \a progress hears
        (files handled, files in all).
    */
    Result<DecisionOutcome> reject(qint64 batchId, const QString &reason, const QString &agent,
                                   const std::function<void(qint64, qint64)> &progress = {});

private:
    Catalog &m_catalog;
    BitStore *m_store;
};

} // namespace gh
