#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include "catalog/checkrecords.h"
#include "commands.h"
#include "intake/intaketypes.h"
#include "pipeline/settings.h"
#include "query/filefilter.h"
#include "report/exports.h"
#include "report/filedetails.h"
#include "report/problems.h"
#include "report/reports.h"
#include "targets/handover.h"

// The batch commands: load, fetch, run, status, files, report.

namespace gh::cli {

namespace {

void addFetchOptions(CommandLine &cl)
{
    cl.parser.addOption({QStringLiteral("jobs"), tr("Parallel transfers (default 8)."), tr("n")});
    cl.parser.addOption(
        {QStringLiteral("per-host"), tr("Connections to one host at once (default 4)."), tr("n")});
    cl.parser.addOption(
        {QStringLiteral("max-size"),
         tr("Refuse files larger than this (bytes, or with K, M, G, T; 0 for no limit); checked on the "
            "header and while streaming."),
         tr("size")});
    cl.parser.addOption(
        {QStringLiteral("accept"),
         tr("Accept only these types, comma-separated (image/*,application/pdf); checked on the "
            "header and on the content."),
         tr("types")});
}

std::optional<int> applyFetchOptions(const CommandLine &cl, Context &context)
{
    if (cl.parser.isSet(QStringLiteral("jobs"))) {
        bool ok = false;
        const int jobs = cl.parser.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || jobs < 1 || jobs > 256)
            return fatal(tr("--jobs takes a number from 1 to 256."));
        context.options.transfer.jobs = jobs;
    }
    if (cl.parser.isSet(QStringLiteral("per-host"))) {
        bool ok = false;
        const int perHost = cl.parser.value(QStringLiteral("per-host")).toInt(&ok);
        if (!ok || perHost < 1 || perHost > 256)
            return fatal(tr("--per-host takes a number from 1 to 256."));
        context.options.transfer.perHost = perHost;
    }
    if (cl.parser.isSet(QStringLiteral("max-size"))) {
        auto size = EngineSettings::parseSizeLimit(cl.parser.value(QStringLiteral("max-size")));
        if (!size)
            return fatal(tr("--max-size: %1").arg(size.error().message));
        context.options.transfer.maxSize = *size;
    }
    if (cl.parser.isSet(QStringLiteral("accept"))) {
        const QStringList accept = EngineSettings::parseAccept(cl.parser.value(QStringLiteral("accept")));
        if (accept.isEmpty())
            return fatal(tr("--accept needs at least one type, such as image/* or application/pdf."));
        context.options.transfer.accept = accept;
    }
    return std::nullopt;
}

QString shortTime(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

int cmdLoad(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("load"), tr("Create a batch from a folder, archive, manifest or list."));
    cl.parser.addPositionalArgument(
        QStringLiteral("source"),
        tr("The folder, archive, manifest, spreadsheet or list to load; a manifest or list may be an "
           "http(s) URL."));
    cl.parser.addOption(
        {QStringLiteral("name"), tr("Name of the batch (default: the source's name)."), tr("name")});
    cl.parser.addOption(
        {QStringLiteral("banned"), tr("File of record identifiers to skip, one per line."), tr("file")});
    addSupplierOptions(cl);
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto exit = checkSupplierOptions(cl, context))
        return *exit;

    IntakeOptions options = context.options.intakeOptions();
    options.name = cl.parser.value(QStringLiteral("name"));
    if (cl.parser.isSet(QStringLiteral("banned"))) {
        auto banned = EngineSettings::readBannedList(cl.parser.value(QStringLiteral("banned")));
        if (!banned)
            return fatal(banned.error().message);
        options.bannedIds = *banned;
    }
    BatchRunner runner(context.workspace, *context.catalog, *context.store);
    auto result = runner.load(cl.parser.positionalArguments().constFirst(), options);
    if (!result)
        return fatal(result.error().message);
    if (Status s = applySupplierOptions(cl, context, result->batchId); !s)
        return fatal(s.error().message);
    if (cl.parser.isSet(QStringLiteral("json"))) {
        printJson(QJsonObject{{QStringLiteral("batch"), result->batchId},
                              {QStringLiteral("items"), result->items},
                              {QStringLiteral("files"), result->files},
                              {QStringLiteral("detected"), result->detected},
                              {QStringLiteral("trace"), result->trace}});
    } else {
        out() << result->batchId << Qt::endl;
        err() << tr("Batch %1: %2 items, %3 files (%4)")
                     .arg(result->batchId)
                     .arg(result->items)
                     .arg(result->files)
                     .arg(result->detected)
              << Qt::endl;
        for (const QJsonValue &step : std::as_const(result->trace)) {
            for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray())
                err() << tr("warning: ") << warning.toString() << Qt::endl;
        }
    }
    // Loaded, but a manifest was refused: the batch is not what the source meant.
    return IntakeTrace::refusals(result->trace).isEmpty() ? ExitOk : ExitFailures;
}

int cmdFetch(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("fetch"),
                   tr("Copy or download and hash every pending file of a batch, then run its automatic QA "
                      "and duplicate stages (what comes before the curator's review)."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    addFetchOptions(cl);
    cl.parser.addOption(
        {QStringLiteral("refresh"),
         tr("Fetch downloaded files again with conditional requests; unchanged ones keep their "
            "stored copy.")});
    cl.parser.addOption(
        {QStringLiteral("only"),
         tr("Copy or download and hash only; the automatic QA and duplicate stages run at the "
            "batch's next fetch or run.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto exit = applyFetchOptions(cl, context))
        return *exit;
    context.options.fetch.refresh = cl.parser.isSet(QStringLiteral("refresh"));
    if (cl.parser.isSet(QStringLiteral("only")))
        context.options.stages = {Stage::Fetch};
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    const auto result =
        drive(context, [&](BatchRunner &runner) { runner.runBatch(*batchId, context.options); });
    if (const int *exit = std::get_if<int>(&result))
        return *exit;
    return exitForBatch(*context.catalog, *batchId);
}

int cmdRun(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("run"), tr("Load a source and run every automatic stage; resumes an "
                                             "interrupted run of the same source."));
    cl.parser.addPositionalArgument(
        QStringLiteral("source"),
        tr("The folder, archive, manifest, spreadsheet or list to load; a manifest or list may be an "
           "http(s) URL."));
    cl.parser.addOption(
        {QStringLiteral("name"), tr("Name of the batch (default: the source's name)."), tr("name")});
    cl.parser.addOption(
        {QStringLiteral("banned"), tr("File of record identifiers to skip, one per line."), tr("file")});
    addFetchOptions(cl);
    addUploadOptions(cl);
    addSupplierOptions(cl);
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto exit = applyFetchOptions(cl, context))
        return *exit;
    // With --target, what needs no decision goes on to the targets after the automatic stages.
    UploadSettings upload;
    if (cl.parser.isSet(QStringLiteral("target"))) {
        if (auto exit = readUploadSettings(cl, context, arguments, upload, false))
            return *exit;
    }
    if (auto exit = checkSupplierOptions(cl, context))
        return *exit;
    context.options.intake.name = cl.parser.value(QStringLiteral("name"));
    if (cl.parser.isSet(QStringLiteral("banned"))) {
        auto banned = EngineSettings::readBannedList(cl.parser.value(QStringLiteral("banned")));
        if (!banned)
            return fatal(banned.error().message);
        context.options.intake.bannedIds = *banned;
    }
    const QString source = cl.parser.positionalArguments().constFirst();
    // Recorded as soon as the batch exists (a killed run keeps them), and again at the end for a run that
    // resumed an earlier batch. With --target, what needs no decision goes on to the targets.
    const auto result = drive(
        context,
        [&](BatchRunner &runner) {
            if (!upload.routes.isEmpty())
                runner.setStages(stagesWithUpload(context, upload));
            runner.run(source, context.options);
        },
        [&](qint64 loaded) -> Status {
            if (Status s = applySupplierOptions(cl, context, loaded); !s)
                return s;
            // Where the batch goes: what --target delivers to, or the [targets] default for a batch that
            // has none yet (the upload after the review takes it there once the batch is approved).
            if (!upload.routes.isEmpty())
                return UploadHandover::record(*context.catalog, loaded, upload.routes, upload.options,
                                              QStringLiteral("run"));
            auto options = UploadHandover::optionsFor(context.options);
            if (!options)
                return options.error();
            if (auto recorded = UploadHandover::recordDefault(*context.catalog, loaded, *options); !recorded)
                return recorded.error();
            return {};
        });
    if (const int *exit = std::get_if<int>(&result))
        return *exit;
    const qint64 batchId = std::get<qint64>(result);
    if (Status s = applySupplierOptions(cl, context, batchId); !s)
        return fatal(s.error().message);
    if (!context.global.quiet)
        printSummary(context, batchId);
    return exitForBatch(*context.catalog, batchId);
}

int cmdStatus(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("status"), tr("Show stages, counts and problems per batch, oldest first."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("Only this batch."),
                                    QStringLiteral("[batch]"));
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    cl.parser.addOption({QStringLiteral("all"), tr("Include archived batches.")});
    if (auto exit = cl.parse(arguments, 0, 1, global))
        return *exit;
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    QList<BatchRecord> batches;
    if (!cl.parser.positionalArguments().isEmpty()) {
        auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
        if (!batchId)
            return fatal(batchId.error().message);
        auto batch = context.catalog->batch(*batchId);
        if (!batch)
            return fatal(batch.error().message);
        batches.append(*batch);
    } else {
        auto all = context.catalog->batches();
        if (!all)
            return fatal(all.error().message);
        batches = *all;
        if (!cl.parser.isSet(QStringLiteral("all")))
            batches.removeIf([](const BatchRecord &b) { return b.archived; });
    }
    // The same problems, counted the same way, as the GUI's dashboard and Problems dock.
    if (Status s = Problems::annotate(*context.catalog, batches); !s)
        return fatal(s.error().message);

    const bool single = !cl.parser.positionalArguments().isEmpty();
    if (cl.parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const BatchRecord &b : std::as_const(batches)) {
            QJsonObject o = Reports::batchJson(b);
            const QJsonObject review = reviewStatusJson(*context.catalog, b);
            for (auto it = review.constBegin(); it != review.constEnd(); ++it)
                o.insert(it.key(), it.value());
            if (single)
                reviewStatusLines(*context.catalog, b.id, true, &o);
            array.append(o);
        }
        printJson(QJsonObject{{QStringLiteral("batches"), array}});
        return ExitOk;
    }
    if (batches.isEmpty()) {
        err() << tr("No batches in %1.").arg(context.workspace.catalog().displayName()) << Qt::endl;
        return ExitOk;
    }
    QStringList header{tr("ID"), tr("NAME"), tr("CREATED")};
    for (Stage stage : StageInfo::all())
        header.append(StageInfo::key(stage).toUpper());
    header << tr("STATE") << tr("FILES") << tr("PROBLEMS");
    QList<QStringList> rows{header};
    for (const BatchRecord &b : std::as_const(batches)) {
        QStringList row{QString::number(b.id), b.name, shortTime(b.created)};
        for (Stage stage : StageInfo::all())
            row.append(StageInfo::key(b.stages.value(stage, StageState::NotStarted)));
        row << batchStateKey(b.state) << QString::number(b.files) << QString::number(b.problems.total());
        rows.append(row);
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : std::as_const(rows)) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    for (const QStringList &row : std::as_const(rows)) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += row[i].leftJustified(widths[i] + 2);
        out() << line.trimmed() << '\n';
    }
    if (single) {
        for (const QString &line :
             reviewStatusLines(*context.catalog, batches.constFirst().id, false, nullptr))
            out() << line << '\n';
    }
    out() << Qt::flush;
    return ExitOk;
}

int cmdFiles(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("files"),
                   tr("List the files of a batch: path or URL, size, digests, mimetype, "
                      "status and stored key."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("json"), tr("Print JSON lines, one object per file.")});
    cl.parser.addOption({QStringLiteral("filter"),
                         tr("Only files matching this query, e.g. \"status:failed mime:image/* size:>1M "
                            "name:*.tif\" (the GUI's filter syntax)."),
                         tr("query")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    FileFilter filter;
    if (cl.parser.isSet(QStringLiteral("filter"))) {
        auto parsed = FileFilter::parse(cl.parser.value(QStringLiteral("filter")));
        if (!parsed)
            return fatal(parsed.error().message);
        filter = *parsed;
    }
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);
    const bool json = cl.parser.isSet(QStringLiteral("json"));
    // The filter's qa: and check: terms need each file's findings; the JSON record has them through
    // FileDetails' annotators.
    QHash<qint64, QList<FindingRecord>> findings;
    if (filter.needsFindings()) {
        auto found = CheckRecords(*context.catalog).findingsByFile(*batchId);
        if (!found)
            return fatal(found.error().message);
        findings = std::move(*found);
    }
    const QList<FindingRecord> none;
    // The full record (with what later stages add) only when it is printed whole.
    auto print = [&](const FileRecord &f, const QJsonObject &record) {
        const auto fileFindings = findings.constFind(f.id);
        if (!filter.matches(f, fileFindings == findings.cend() ? none : *fileFindings))
            return true;
        if (json) {
            printJson(record);
        } else {
            out() << StatusInfo::key(f.status).leftJustified(16) << ' '
                  << (f.size >= 0 ? QString::number(f.size) : QStringLiteral("-")).rightJustified(12) << "  "
                  << (f.digests.sha256.isEmpty() ? QStringLiteral("-").leftJustified(16)
                                                 : f.digests.sha256.left(16))
                  << "  " << f.item << u'/' << f.name << '\n';
        }
        return true;
    };
    Status s =
        json ? FileDetails::forEach(*context.catalog, *batchId, print)
             : context.catalog->forEachFile(*batchId, [&](const FileRecord &f) { return print(f, {}); });
    out() << Qt::flush;
    if (!s)
        return fatal(s.error().message);
    return ExitOk;
}

int cmdReport(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("report"), tr("Write a report for a batch."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("format"), tr("Report format: %1.").arg(Exports::keys()),
                         tr("format"), QStringLiteral("summary")});
    cl.parser.addOption(
        {{QStringLiteral("o"), QStringLiteral("output")}, tr("Write to this file."), tr("file")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    const QString key = cl.parser.value(QStringLiteral("format"));
    const ExportFormat *format = Exports::find(key);
    if (!format)
        return fatal(tr("Unknown report format \"%1\"; known: %2.").arg(key, Exports::keys()));
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);

    // The summary always goes next to the batch's log too.
    if (format->key == u"summary") {
        if (auto text =
                Reports::writeSummary(*context.catalog, *batchId, context.workspace.summaryPath(*batchId));
            !text)
            return fatal(text.error().message);
    }
    ExportJob job;
    job.catalog = context.catalog.get();
    job.batchId = *batchId;
    job.storeDescription = context.workspace.storeSpec();
    if (cl.parser.isSet(QStringLiteral("output"))) {
        if (Status s = Exports::writeFile(*format, job, cl.parser.value(QStringLiteral("output"))); !s)
            return fatal(s.error().message);
        return ExitOk;
    }
    out().flush();
    QFile stdOut;
    if (!stdOut.open(stdout, QIODevice::WriteOnly))
        return fatal(tr("Cannot write to standard output: %1").arg(stdOut.errorString()));
    if (Status s = format->write(job, stdOut); !s)
        return fatal(s.error().message);
    stdOut.flush();
    return ExitOk;
}

} // namespace gh::cli
