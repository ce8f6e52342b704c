// The registrations of the stages around review. Add a line here to plug a stage in; see reviewhooks.h.

#include "reviewhooks.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include "dedup/dedupreview.h"
#include "qa/qareview.h"
#include "reviewbook.h"
#include "reviewdetails.h"
#include "reviewflags.h"
#include "targets/handover.h"

namespace gh {

const QList<ReviewHooks::Flags> &ReviewHooks::flagSources()
{
    static const QList<Flags> list{
        {{QStringLiteral("file-errors")}, &ReviewFlags::fileErrors},
        {{QStringLiteral("check-findings")}, &QaReview::flaggedItems},
    };
    return list;
}

const QList<ReviewHooks::Gate> &ReviewHooks::approvalGates()
{
    static const QList<Gate> list{
        {{QStringLiteral("duplicates")}, &DedupReview::approvalBlockers},
    };
    return list;
}

const QList<ReviewHooks::OnApproved> &ReviewHooks::onApproved()
{
    static const QList<OnApproved> list{
        // Upload: the approval's target becomes one of the batch's targets; the runner then carries the
        // batch on past the review into the upload (UploadHandover::afterReview()).
        {{QStringLiteral("upload")},
         [](Catalog &catalog, qint64 batchId, const QString &target) -> Result<QString> {
             auto route = TargetRoute::make(target);
             if (!route)
                 return route.error();
             TargetOptions options;
             options.applyEnvironment(QProcessEnvironment::systemEnvironment());
             if (Status s =
                     UploadHandover::record(catalog, batchId, {*route}, options, QStringLiteral("approve"));
                 !s)
                 return s.error();
             return QCoreApplication::translate("gh::ReviewHooks", "Batch %1 goes to %2 next.")
                 .arg(batchId)
                 .arg(UploadHandover::displayName(target));
         }},
    };
    return list;
}

const QList<ReviewHooks::OnRejected> &ReviewHooks::onRejected()
{
    static const QList<OnRejected> list{
        // Targets: what was delivered before the verdict is withdrawn from local and S3 targets.
        {{QStringLiteral("targets")},
         [](Catalog &catalog, BitStore *, qint64 batchId) -> Result<QString> {
             auto summary = ReviewBook(catalog).summary(batchId);
             if (!summary)
                 return summary.error();
             TargetOptions options;
             options.applyEnvironment(QProcessEnvironment::systemEnvironment());
             auto said = UploadHandover::withdraw(
                 catalog, batchId, options, summary->decidedBy,
                 QCoreApplication::translate("gh::ReviewHooks", "Batch %1 rejected: %2")
                     .arg(batchId)
                     .arg(summary->reason));
             if (!said)
                 return said.error();
             return said->join(u' ');
         }},
    };
    return list;
}

const QList<ReviewHooks::Notes> &ReviewHooks::findingSources()
{
    static const QList<Notes> list{
        {{QStringLiteral("file-status")}, &ReviewDetails::fileProblems},
        {{QStringLiteral("check-findings")}, &QaReview::itemFindings},
    };
    return list;
}

const QList<ReviewHooks::Notes> &ReviewHooks::duplicateSources()
{
    static const QList<Notes> list{
        {{QStringLiteral("same-sha256")}, &ReviewDetails::identicalFiles},
        {{QStringLiteral("duplicates")}, &DedupReview::itemCases},
    };
    return list;
}

} // namespace gh
