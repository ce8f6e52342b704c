#include "decisionnotice.h"

#include "report/batchlog.h"
#include "report/reports.h"

namespace gh {

void DecisionNotice::send(Catalog &catalog, const Workspace &workspace, const QString &storeName,
                          qint64 batchId, RunNotifier::Occasion occasion, const ReportOptions &options)
{
    BatchLog log(workspace.logPath(batchId));
    if (auto summary = Reports::writeSummary(catalog, batchId, workspace.summaryPath(batchId)); !summary)
        log.append(summary.error().message);
    RunNotifier::finished(
        catalog, batchId, occasion, options,
        {workspace.batchDir(batchId), workspace.logPath(batchId), workspace.summaryPath(batchId), storeName},
        [&log](const QString &line) { log.append(line); });
}

} // namespace gh
