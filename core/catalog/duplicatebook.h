#pragma once

#include <optional>

#include <QCoreApplication>
#include <QMap>

#include "catalog.h"
#include "duplicates.h"

namespace gh {

/*!
    \class gh::DuplicateCaseQuery
    Which duplicate cases of a batch to read: keyset-paged by file id.
*/
struct DuplicateCaseQuery
{
    QString target;                        //!< Empty: every target the batch was classified against.
    std::optional<DuplicateCase> only;     //!< One case only.
    bool onlyOpen = false;                 //!< Only files that need a decision and have none.
    bool onlyDecided = false;              //!< Only files with a decision in force.
    std::optional<DuplicateAction> action; //!< Only files whose decision in force is this.
    qint64 afterFileId = 0;
    int limit = 500;
};

/*!
    \class gh::DuplicateBook
    The catalog's duplicate cases and decisions (schema v6: \c duplicate_cases, a row per file and target;
    \c duplicate_decisions, every decision ever made). The dedup classifier writes cases, the solver writes
    decisions, the upload reads both and marks what it carried out; \c files --json, the hand-fix report and
    the \c _SUMMARY read them. Works on the thread that owns \a catalog.

    A decision is in force while it was made for the file's current case and has not been taken back; a
    new classification into another case drops it (it stays in the history). Writes that belong together
    are done inside the caller's Catalog::Transaction.
*/
class DuplicateBook
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateBook)

public:
    explicit DuplicateBook(Catalog &catalog);

    // Cases
    /*!
        Writes (or rewrites) the cases. A file that keeps its case keeps its decision; one whose case
        changed loses it. Call inside a transaction.
    */
    Status saveCases(const QList<DuplicateRecord> &records);
    /*!
        Drops the cases of \a fileIds against \a target (their decisions stay in the history): a
        classification against a real target supersedes the one against the catalog alone. Call inside a
        transaction.
    */
    Status dropCases(const QList<qint64> &fileIds, const QString &target);
    Result<QList<DuplicateRecord>> cases(qint64 batchId, const DuplicateCaseQuery &query);
    //! The cases of \a fileIds against \a target (every target when empty), in file id order.
    Result<QList<DuplicateRecord>> casesOfFiles(const QList<qint64> &fileIds, const QString &target = {});
    Result<std::optional<DuplicateRecord>> caseOf(qint64 fileId, const QString &target);
    //! The cases of the files of item \a itemId, against every target.
    Result<QList<DuplicateRecord>> casesOfItem(qint64 itemId);
    //! The targets the batch was classified against, in the order first classified.
    Result<QStringList> targets(qint64 batchId);

    struct Count
    {
        qint64 files = 0;   //!< Files in the case.
        qint64 open = 0;    //!< … that need a decision and have none.
        qint64 decided = 0; //!< … with a decision in force.
        qint64 deleted = 0; //!< … whose bytes the target deleted before.
        QMap<DuplicateAction, qint64> byAction;
    };
    //! Files per case of the batch against \a target (every target when empty).
    Result<QMap<DuplicateCase, Count>> counts(qint64 batchId, const QString &target = {});
    //! Files of the batch that need a decision and have none (against \a target, or any).
    Result<qint64> openCount(qint64 batchId, const QString &target = {});

    // The same bytes in the catalog
    struct SameBytes
    {
        qint64 fileId = 0;
        qint64 batchId = 0;
        qint64 itemId = 0;
        QString item; //!< Its item's identifier.
        QString name;
        QString sha1;
        QString sha256;
    };
    /*!
        Stored files with one of \a sha1s in batches up to \a maxBatchId (inclusive), in batch and file id
        order: what in-batch and earlier-batch cases are made of. Uses the index on files.sha1.
    */
    Result<QList<SameBytes>> sameBytes(const QStringList &sha1s, qint64 maxBatchId);

    // Decisions
    /*!
        Records \a decision (its id is set) and puts it in force for its file and target, whose case must
        still be decision.forCase; refused when the decision in force was already carried out. Call inside a
        transaction.
    */
    Status addDecision(DuplicateDecision &decision);
    /*!
        Takes a decision back; the one before it for the same case, if any, is in force again. Refused once
        the upload has carried the decision out, and while an upload is carrying it out (claimExecution()):
        the refusal and the claim exclude each other in the catalog, so a decision is never both taken back
        and carried out. Call inside a transaction.
    */
    Status undo(qint64 decisionId, const QString &by);
    //! Records that the upload carried \a decisionId out; it can no longer be taken back.
    Status markExecuted(qint64 decisionId, const QString &execution);
    /*!
        The upload's claim, as \a owner ("host:pid"), on decision \a decisionId just before it acts on it,
        in a transaction of its own: the decision must still be in force for its case, neither taken back
        nor carried out, and not claimed by another upload that still holds the file's lease. False when it
        is no longer in force (taken back or replaced): the upload must not carry it out. While claimed,
        undo() and addDecision() refuse; settleClaim() ends the claim.
    */
    Result<bool> claimExecution(qint64 decisionId, const QString &owner);
    /*!
        Ends \a owner's claim on \a decisionId: carried out as \a execution (it stands from now on), or, with
        \a execution empty, released (nothing was done; it may be taken back again). Call in the
        transaction that records the target rows, so the decision and the rows agree.
    */
    Status settleClaim(qint64 decisionId, const QString &owner, const QString &execution);
    Result<std::optional<DuplicateDecision>> decision(qint64 decisionId);
    //! Every decision about a file and target, oldest first, taken back ones included.
    Result<QList<DuplicateDecision>> history(qint64 fileId, const QString &target);

    //! Writes \a events (PREMIS) with the rows they describe, in the caller's transaction.
    Status addEvents(const QList<EventRecord> &events);

private:
    //! Why \a d cannot be taken back: carried out, taken back already, or being carried out.
    Error notUndoable(const DuplicateDecision &d) const;
    //! Locks the case row of \a fileId and \a target until the transaction ends (PostgreSQL).
    Status lockCase(qint64 fileId, const QString &target);
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what);
    Result<QList<DuplicateRecord>> readCases(const QString &where, const QVariantList &values,
                                             const QString &tail, const QString &what);

    Catalog &m_catalog;
};

} // namespace gh
