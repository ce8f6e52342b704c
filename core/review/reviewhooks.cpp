// The registrations of the stages around review. Add a line here to plug a stage in; see reviewhooks.h.

#include "reviewhooks.h"

#include "dedup/dedupreview.h"
#include "qa/qareview.h"
#include "reviewdetails.h"
#include "reviewflags.h"

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
    // Upload (issue "Targets and upload"): {{"upload"}, <start the upload stage to the target>}.
    static const QList<OnApproved> list;
    return list;
}

const QList<ReviewHooks::OnRejected> &ReviewHooks::onRejected()
{
    // Targets (issue "Targets and upload"): {{"targets"}, <withdraw what was delivered to local/S3 targets>}.
    static const QList<OnRejected> list;
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
