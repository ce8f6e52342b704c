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
    //! "Approve and upload 1,204 files to …" — what the approve button does.
    Result<QString> approveConsequence(qint64 batchId, const QString &target);
    //! "Delete 1,204 stored files (3.2 GiB); the supplier re-delivers." — what the reject button does.
    Result<QString> rejectConsequence(qint64 batchId);

    /*!
        Approves \a batchId. Fails with ErrorCode::Invalid and the blockers when approval is refused and
        \a overrideReason is empty, or when the batch was already decided.
    */
    Result<DecisionOutcome> approve(qint64 batchId, const QString &target, const QString &overrideReason,
                                    const QString &agent);
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
