#include "runnotifier.h"

#include <QBuffer>
#include <QDir>
#include <QFile>

#include "csvexport.h"
#include "exports.h"
#include "logshipper.h"
#include "mailer.h"
#include "reports.h"

namespace gh {

QString RunNotifier::verdict(const BatchRecord &batch)
{
    if (batch.state == BatchState::Approved)
        return tr("approved");
    if (batch.state == BatchState::Rejected)
        return tr("rejected");
    for (auto it = batch.stages.cbegin(); it != batch.stages.cend(); ++it) {
        if (it.value() == StageState::Failed)
            return tr("failed");
    }
    const SeverityTally c = StatusInfo::tally(batch.counts);
    if (c.errors > 0)
        return tr("needs attention");
    if (c.open > 0)
        return tr("incomplete");
    return tr("done");
}

QString RunNotifier::subject(const BatchRecord &batch)
{
    const SeverityTally c = StatusInfo::tally(batch.counts);
    QString text = tr("Gatehouse: batch %1 (%2) %3: %4 files, %5 successful, %6 failed")
                       .arg(batch.id)
                       .arg(batch.name, verdict(batch))
                       .arg(batch.files)
                       .arg(c.ok)
                       .arg(c.errors);
    if (c.skipped > 0)
        text += tr(", %1 skipped").arg(c.skipped);
    if (c.open > 0)
        text += tr(", %1 not yet processed").arg(c.open);
    return text;
}

void RunNotifier::finished(Catalog &catalog, qint64 batchId, Occasion occasion, const ReportOptions &options,
                           const Paths &paths, const std::function<void(const QString &)> &log)
{
    const bool mail = options.mail.isConfigured() && occasion != Occasion::Fetch;
    const bool ship = !options.logTarget.isEmpty();
    if (!mail && !ship)
        return;
    auto batch = catalog.batch(batchId);
    if (!batch) {
        log(batch.error().message);
        return;
    }
    ExportJob job;
    job.catalog = &catalog;
    job.batchId = batchId;
    job.storeDescription = paths.storeDescription;

    if (mail) {
        MailMessage message;
        message.subject = subject(*batch);
        auto summary = Reports::summary(catalog, batchId);
        message.body = summary ? *summary : summary.error().message;
        auto errors = CsvExport::errorCount(catalog, batchId);
        if (errors && *errors > 0) {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            if (Status s = CsvExport::writeErrors(job, buffer); s)
                message.attachments.append({QStringLiteral("batch-%1-errors.csv").arg(batchId),
                                            QStringLiteral("text/csv"), buffer.data()});
            else
                log(s.error().message);
        }
        if (Status s = Mailer::send(options.mail, message); s)
            log(tr("Mailed the summary to %1.").arg(options.mail.to.join(QStringLiteral(", "))));
        else
            log(tr("The summary mail was not sent: %1").arg(s.error().message));
    }

    if (ship) {
        QStringList files{paths.logPath, paths.summaryPath};
        for (const QString &key : {QStringLiteral("csv"), QStringLiteral("errors-csv")}) {
            const ExportFormat *format = Exports::find(key);
            const QString path =
                QDir(paths.batchDir)
                    .filePath(key == u"csv" ? QStringLiteral("files.csv") : QStringLiteral("errors.csv"));
            if (Status s = Exports::writeFile(*format, job, path); !s) {
                log(s.error().message);
                continue;
            }
            files.append(path);
        }
        auto written = LogShipper::ship(options.logTarget, batchId, QDate::currentDate(), files);
        if (written)
            log(tr("Copied %1 report files to %2.").arg(written->size()).arg(options.logTarget));
        else
            log(tr("The reports were not copied to %1: %2").arg(options.logTarget, written.error().message));
    }
}

} // namespace gh
