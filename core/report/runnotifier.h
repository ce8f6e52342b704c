#pragma once

#include <functional>

#include <QCoreApplication>

#include "catalog/catalog.h"
#include "reportsettings.h"

namespace gh {

/*!
    \class gh::RunNotifier
    What happens with a batch's reports when a run, an upload, an approval or a rejection ends: the summary
    mail (when \c [mail] is configured) and the copy of the log, \c _SUMMARY and CSVs to \c [report]
    log_target. Nothing here ever fails the batch: a mail server or bucket that refuses is a line in the
    batch log.

    The stages call finished() once, at their end (BatchRunner for run and fetch; upload, approve and reject
    when they finish).
*/
class RunNotifier
{
    Q_DECLARE_TR_FUNCTIONS(gh::RunNotifier)

public:
    enum class Occasion
    {
        Run,     //!< \c run: load + the automatic stages. Mails.
        Fetch,   //!< \c fetch of an existing batch. Ships logs, does not mail.
        Upload,  //!< \c upload. Mails.
        Approve, //!< \c approve. Mails.
        Reject   //!< \c reject. Mails.
    };

    //! Where the batch's files are (Workspace knows; the report layer sits below it).
    struct Paths
    {
        QString batchDir;
        QString logPath;
        QString summaryPath;
        QString storeDescription;
    };

    static void finished(Catalog &catalog, qint64 batchId, Occasion occasion, const ReportOptions &options,
                         const Paths &paths, const std::function<void(const QString &)> &log);

    //! "done", "needs attention", "incomplete", "failed", "approved" or "rejected", translated.
    static QString verdict(const BatchRecord &batch);
    //! "Gatehouse: batch 3 (postcards) needs attention: 12 files, 11 successful, 1 failed".
    static QString subject(const BatchRecord &batch);
};

} // namespace gh
