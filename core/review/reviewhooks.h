#pragma once

#include <functional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::ReviewHooks
    Where the stages around review plug into it. Each list is filled in reviewhooks.cpp, the one place to
    register (like intake/intakeregistry.cpp); review itself knows none of them by name.

    \list
    \li \b{Flag sources} say which items must be reviewed beyond the statistical sample. ReviewFlags::
        flaggedItems() merges them. Built in: items with a file whose status is an error (file-errors). The
        QA stage adds one for its check findings.
    \li \b{Approval gates} say why a batch cannot be approved yet, besides an incomplete or rejecting sample
        (which BatchDecisions checks itself). The duplicates stage adds one for cases awaiting a decision.
        \c --override passes every gate and is recorded.
    \li \b{On approval} runs once a batch is approved with a target: the upload stage starts sending the
        batch's files there.
    \li \b{On rejection} runs after the bit store's copies are deleted: targets withdraw what was already
        delivered (a local archive, an S3 target).
    \li \b{Finding sources} describe one item for the review view's findings: built in, the problems its
        files' statuses record; the QA stage adds its check findings.
    \li \b{Duplicate sources} describe the item's duplicate case for the review view: built in, files
        whose SHA-256 another item has too; the duplicates stage adds its cases and decisions.
    \endlist
*/
class ReviewHooks
{
public:
    //! Items to add to the review, each with the reasons in words ("page-0004.jp2: fixity-mismatch").
    using FlagSource = std::function<Result<QHash<qint64, QStringList>>(Catalog &catalog, qint64 batchId)>;
    //! Why the batch cannot be approved yet; empty when this gate has nothing against it.
    using ApprovalGate = std::function<Result<QStringList>(Catalog &catalog, qint64 batchId)>;
    //! Starts delivering an approved batch to \a target; returns what it did, in words.
    using ApprovedHandler =
        std::function<Result<QString>(Catalog &catalog, qint64 batchId, const QString &target)>;
    //! Withdraws what a rejected batch already delivered; returns what it did, in words.
    using RejectedHandler = std::function<Result<QString>(Catalog &catalog, BitStore *store, qint64 batchId)>;
    //! Lines about one item for the review view ("page-0004.jp2: fixity-mismatch"); empty when none.
    using ItemNotes = std::function<Result<QStringList>(Catalog &catalog, qint64 itemId)>;

    struct Named
    {
        QString name;
    };
    struct Flags : Named
    {
        FlagSource source;
    };
    struct Gate : Named
    {
        ApprovalGate check;
    };
    struct OnApproved : Named
    {
        ApprovedHandler run;
    };
    struct OnRejected : Named
    {
        RejectedHandler run;
    };
    struct Notes : Named
    {
        ItemNotes notes;
    };

    static const QList<Flags> &flagSources();
    static const QList<Gate> &approvalGates();
    //! The handlers for a target; the upload stage registers here.
    static const QList<OnApproved> &onApproved();
    static const QList<OnRejected> &onRejected();
    //! What the review view lists as an item's findings; the QA stage registers here.
    static const QList<Notes> &findingSources();
    //! What the review view shows as an item's duplicate case; the duplicates stage registers here.
    static const QList<Notes> &duplicateSources();
};

} // namespace gh
