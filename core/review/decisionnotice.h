#pragma once

#include "catalog/catalog.h"
#include "pipeline/workspace.h"
#include "report/runnotifier.h"

namespace gh {

/*!
    \class gh::DecisionNotice
    The end of a curator's decision that no run follows — a rejection, or an approval with nothing to upload —
    told the way a run's end is: the \c _SUMMARY written again, then RunNotifier's summary mail and copy of
   the reports, their lines in the batch log. An approval that starts the upload is told by the runner at the
    upload's end instead. Never fails: what goes wrong is a line in the batch log.
*/
class DecisionNotice
{
public:
    static void send(Catalog &catalog, const Workspace &workspace, const QString &storeName, qint64 batchId,
                     RunNotifier::Occasion occasion, const ReportOptions &options);
};

} // namespace gh
