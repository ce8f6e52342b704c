#include "exports.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include "csvexport.h"
#include "duplicatereport.h"
#include "metswriter.h"
#include "premiswriter.h"
#include "reports.h"
#include "util/savefile.h"

namespace gh {

ExportProgress::ExportProgress(const ExportJob &job, qint64 total)
    : m_job(job)
    , m_total(total)
{}

bool ExportProgress::step()
{
    ++m_done;
    if (m_job.progress && m_done % 1000 == 0 && !m_cancelled)
        m_cancelled = !m_job.progress(m_done, std::max(m_total, m_done));
    return !m_cancelled;
}

bool ExportProgress::finish()
{
    if (m_job.progress && !m_cancelled)
        m_cancelled = !m_job.progress(m_done, m_done);
    return !m_cancelled;
}

Error ExportProgress::cancelledError()
{
    return Error{ErrorCode::Cancelled, tr("The export was cancelled.")};
}

namespace {

Status writeSummary(const ExportJob &job, QIODevice &out)
{
    auto text = Reports::summary(*job.catalog, job.batchId);
    if (!text)
        return text.error();
    if (out.write(text->toUtf8()) < 0)
        return Error{ErrorCode::Io, out.errorString()};
    return {};
}

Status writeJsonLines(const ExportJob &job, QIODevice &out)
{
    auto batch = job.catalog->batch(job.batchId);
    if (!batch)
        return batch.error();
    return Exports::writeJsonLines(job, out, batch->items, [&](const Exports::JsonLineSink &sink) {
        return Reports::requestResults(*job.catalog, job.batchId, sink);
    });
}

} // namespace

namespace {

QList<ExportFormat> &formats()
{
    static QList<ExportFormat> list{
        {QStringLiteral("summary"), QT_TRANSLATE_NOOP("gh::Exports", "&Summary (_SUMMARY)…"),
         QStringLiteral("txt"), QT_TRANSLATE_NOOP("gh::Exports", "Text files (*.txt)"), writeSummary},
        {QStringLiteral("csv"), QT_TRANSLATE_NOOP("gh::Exports", "&Files as CSV…"), QStringLiteral("csv"),
         QT_TRANSLATE_NOOP("gh::Exports", "CSV files (*.csv)"), CsvExport::writeFiles},
        {QStringLiteral("errors-csv"), QT_TRANSLATE_NOOP("gh::Exports", "&Errors and warnings as CSV…"),
         QStringLiteral("csv"), QT_TRANSLATE_NOOP("gh::Exports", "CSV files (*.csv)"),
         CsvExport::writeErrors},
        {QStringLiteral("premis"), QT_TRANSLATE_NOOP("gh::Exports", "&PREMIS 3 preservation metadata…"),
         QStringLiteral("xml"), QT_TRANSLATE_NOOP("gh::Exports", "XML files (*.xml)"), PremisWriter::write},
        {QStringLiteral("mets"), QT_TRANSLATE_NOOP("gh::Exports", "&METS document…"), QStringLiteral("xml"),
         QT_TRANSLATE_NOOP("gh::Exports", "XML files (*.xml)"), MetsWriter::write},
        {QStringLiteral("jsonl"), QT_TRANSLATE_NOOP("gh::Exports", "Ingest &results as JSON lines…"),
         QStringLiteral("jsonl"), QT_TRANSLATE_NOOP("gh::Exports", "JSON lines (*.jsonl)"), writeJsonLines},
        {QStringLiteral("hand-fix"), QT_TRANSLATE_NOOP("gh::Exports", "&Hand-fix list of duplicates…"),
         QStringLiteral("jsonl"), QT_TRANSLATE_NOOP("gh::Exports", "JSON lines (*.jsonl)"),
         DuplicateReport::writeHandFix},
    };
    return list;
}

} // namespace

const QList<ExportFormat> &Exports::all()
{
    return formats();
}

void Exports::add(const ExportFormat &format)
{
    if (!find(format.key))
        formats().append(format);
}

const ExportFormat *Exports::find(QStringView key)
{
    for (const ExportFormat &format : all()) {
        if (format.key == key)
            return &format;
    }
    return nullptr;
}

QString Exports::keys()
{
    QStringList keys;
    for (const ExportFormat &format : all())
        keys.append(format.key);
    return keys.join(QStringLiteral(", "));
}

QString Exports::title(const ExportFormat &format)
{
    return tr(format.title);
}

QString Exports::filter(const ExportFormat &format)
{
    return tr(format.filter);
}

Status Exports::writeJsonLines(const ExportJob &job, QIODevice &out, qint64 total,
                               const JsonLineProducer &produce)
{
    ExportProgress progress(job, total);
    bool failed = false;
    Status s = produce([&](const QJsonObject &line) {
        if (failed || progress.cancelled())
            return;
        failed = out.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n') < 0;
        progress.step();
    });
    if (!s)
        return s;
    if (failed)
        return Error{ErrorCode::Io, out.errorString()};
    if (!progress.finish())
        return ExportProgress::cancelledError();
    return {};
}

Status Exports::writeFile(const ExportFormat &format, const ExportJob &job, const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(path, file.errorString())};
    if (Status s = format.write(job, file); !s) {
        // A writer that stopped because the file would not take its bytes says so as the file's failure:
        // which file, and why (a full disk, mostly), rather than its own "Unknown error".
        if (file.error() != QFileDevice::NoError && s.error().code != ErrorCode::Cancelled) {
            const Error failed{ErrorCode::Io, tr("Cannot write %1: %2").arg(path, SaveFile::failure(file))};
            file.cancelWriting();
            return failed;
        }
        file.cancelWriting();
        return s;
    }
    if (!SaveFile::commit(file))
        return Error{ErrorCode::Io, tr("Cannot write %1: %2").arg(path, SaveFile::failure(file))};
    return {};
}

} // namespace gh
