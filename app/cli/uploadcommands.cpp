#include <QJsonArray>
#include <QProcessEnvironment>

#include "catalog/catalog.h"
#include "commands.h"
#include "pipeline/settings.h"
#include "targets/deliverygate.h"
#include "targets/handover.h"
#include "targets/targetregistry.h"
#include "targets/uploadpreview.h"
#include "targets/uploadstage.h"

// upload BATCH --target T [--filter Q] … [--jobs N] [--title-template T] [--dry-run] [--json], and the upload
// options that "run" shares.

namespace gh::cli {

namespace {

int intOption(const CommandLine &cl, const QString &name, int minimum, int maximum, bool *ok)
{
    const int value = cl.parser.value(name).toInt(ok);
    *ok = *ok && value >= minimum && value <= maximum;
    return value;
}

QJsonObject countsJson(const QString &target, const QMap<TargetState, qint64> &counts)
{
    QJsonObject o{{QStringLiteral("target"), target}};
    for (TargetState state : FileStateInfo::allTargetStates())
        o.insert(FileStateInfo::key(state).replace(u'-', u'_'), counts.value(state));
    return o;
}

} // namespace

void addUploadOptions(CommandLine &cl)
{
    cl.parser.addOption(
        {QStringLiteral("target"),
         tr("Where to send the files: local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php. "
            "Repeat for several targets."),
         tr("target")});
    cl.parser.addOption(
        {QStringLiteral("filter"),
         tr("Only the files matching this query go to the --target before it (the filter bar's "
            "syntax, e.g. \"mime:image/jp2\")."),
         tr("query")});
    cl.parser.addOption(
        {QStringLiteral("title-template"),
         tr("Names on the target: {title:181} - {identifier}{ext} on wikis, the store key on S3 and "
            "folders by default; {filename} {stem} {ext} {identifier} {label} {page} {pages} "
            "{batch} and any descriptive field, {field:N} cut to N characters."),
         tr("template")});
    cl.parser.addOption(
        {QStringLiteral("page-template"), tr("Wikitext file for a wiki's description pages."), tr("file")});
    cl.parser.addOption({QStringLiteral("summary"), tr("The upload summary on a wiki."), tr("text")});
    cl.parser.addOption(
        {QStringLiteral("category"), tr("A category for every page on a wiki (repeatable)."), tr("name")});
    cl.parser.addOption(
        {QStringLiteral("derive"),
         tr("Conversion rules, e.g. image/jp2=image/jpeg:q90:4000 (FROM=TO[:qQUALITY][:LONGEST]; "
            "several separated by commas)."),
         tr("rules")});
    cl.parser.addOption(
        {QStringLiteral("chunk-size"), tr("Chunk size for large files on a wiki (default 5M)."), tr("size")});
    cl.parser.addOption(
        {QStringLiteral("upload-jobs"),
         tr("Requests at once per wiki, uploads at once to S3 and folders (default 1 for wikis)."), tr("n")});
}

std::optional<int> readUploadSettings(const CommandLine &cl, const Context &context,
                                      const QStringList &arguments, UploadSettings &settings,
                                      bool jobsFromJobsOption)
{
    // [mediawiki] and [targets] as the settings table reads them, the environment's credentials.
    auto read = UploadHandover::optionsFor(context.options);
    if (!read)
        return fatal(read.error().message);
    TargetOptions options = *read;

    const QString jobsName = jobsFromJobsOption ? QStringLiteral("jobs") : QStringLiteral("upload-jobs");
    if (cl.parser.isSet(jobsName)) {
        bool ok = false;
        const int jobs = intOption(cl, jobsName, 1, 64, &ok);
        if (!ok)
            return fatal(tr("--%1 takes a number from 1 to 64.").arg(jobsName));
        options.mediawikiJobs = jobs;
        options.jobs = jobs;
    }
    if (cl.parser.isSet(QStringLiteral("chunk-size"))) {
        auto size = EngineSettings::parseSize(cl.parser.value(QStringLiteral("chunk-size")));
        if (!size || *size < 1024)
            return fatal(tr("--chunk-size takes a size of at least 1K, such as 5M."));
        options.chunkSize = *size;
    }
    if (cl.parser.isSet(QStringLiteral("derive"))) {
        auto rules = DerivativeRule::parseList(cl.parser.value(QStringLiteral("derive")));
        if (!rules)
            return fatal(rules.error().message);
        options.derive = *rules;
    }
    if (cl.parser.isSet(QStringLiteral("page-template"))) {
        auto text = PageText::readTemplateFile(cl.parser.value(QStringLiteral("page-template")));
        if (!text)
            return fatal(text.error().message);
        options.pageTemplate = *text;
    }
    if (cl.parser.isSet(QStringLiteral("summary")))
        options.summary = cl.parser.value(QStringLiteral("summary"));
    if (cl.parser.isSet(QStringLiteral("category")))
        options.categories = cl.parser.values(QStringLiteral("category"));
    settings.options = options;
    settings.titleTemplate = cl.parser.value(QStringLiteral("title-template"));
    if (!settings.titleTemplate.isEmpty()) {
        if (auto parsed = NameTemplate::parse(settings.titleTemplate); !parsed)
            return fatal(parsed.error().message);
    }

    auto routes = TargetRoute::fromArguments(arguments);
    if (!routes)
        return fatal(routes.error().message);
    settings.routes = *routes;
    if (settings.routes.isEmpty()) {
        auto fallback = UploadHandover::defaultRoutes(options);
        if (!fallback)
            return fatal(fallback.error().message);
        settings.routes = *fallback;
    }
    return std::nullopt;
}

QList<StageDefinition> stagesWithUpload(const Context &context, const UploadSettings &settings)
{
    // An explicit upload delivers now, before the curator's review (the operator asked; a rejection
    // withdraws it again): the upload registered after the review gives way to this one.
    QList<StageDefinition> stages = StageDefinition::defaults();
    stages.removeIf([](const StageDefinition &d) { return d.stage == Stage::Upload; });
    return StageDefinition::with(stages, UploadStage::definition(settings, context.workspace.dataDir()));
}

int reportTargets(Context &context, qint64 batchId, const QStringList &specs, bool json, QJsonArray &array)
{
    int exit = ExitOk;
    for (const QString &spec : specs) {
        auto counts = context.catalog->targetCounts(batchId, spec);
        if (!counts)
            return fatal(counts.error().message);
        for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
            if (!isDelivered(it.key()) && it.key() != TargetState::Skipped && it.value() > 0)
                exit = ExitFailures;
        }
        array.append(countsJson(spec, *counts));
        if (!json && !context.global.quiet) {
            QStringList parts;
            for (auto it = counts->cbegin(); it != counts->cend(); ++it)
                parts.append(QStringLiteral("%1 %2").arg(it.value()).arg(FileStateInfo::key(it.key())));
            err() << spec << ": "
                  << (parts.isEmpty() ? tr("nothing to send") : parts.join(QStringLiteral(", "))) << Qt::endl;
        }
    }
    return exit;
}

int cmdUpload(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("upload"),
        tr("Send a batch's fetched files to one or more targets: each file once (the target is asked "
           "first), verified after."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    addUploadOptions(cl);
    cl.parser.addOption({QStringLiteral("jobs"), tr("Same as --upload-jobs."), tr("n")});
    cl.parser.addOption(
        {QStringLiteral("dry-run"),
         tr("Send nothing: show each file's name, page text and what the target holds now.")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print JSON (JSON lines with --dry-run).")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    auto batch = context.catalog->batch(*batchId);
    if (!batch)
        return fatal(batch.error().message);
    if (batch->state == BatchState::Rejected)
        return fatal(tr("Batch %1 was rejected; its files are not uploaded.").arg(*batchId));
    UploadSettings settings;
    if (auto exit = readUploadSettings(cl, context, arguments, settings, true))
        return *exit;
    if (settings.routes.isEmpty())
        return fatal(
            tr("Give a --target (local:DIR, s3://bucket/prefix, mediawiki:https://host/w/api.php), or set "
               "[targets] default in the settings."));
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    if (cl.parser.isSet(QStringLiteral("dry-run"))) {
        settings.dryRun = true;
        UploadPreview preview(*context.catalog, *context.store, *batchId, settings);
        TargetContext targetContext;
        targetContext.stagingDir = context.workspace.dataDir() + QStringLiteral("/staging");
        for (const TargetRoute &route : std::as_const(settings.routes)) {
            auto target = TargetRegistry::open(route.spec, settings.options, targetContext);
            if (!target)
                return fatal(target.error().message);
            Status s = preview.run(**target, route, [&](const QJsonObject &o) {
                if (json) {
                    printJson(o);
                } else {
                    out() << o.value(QStringLiteral("state")).toString().leftJustified(15) << ' '
                          << o.value(QStringLiteral("name")).toString() << "  <- "
                          << o.value(QStringLiteral("item")).toString() << u'/'
                          << o.value(QStringLiteral("path")).toString() << '\n';
                }
            });
            out() << Qt::flush;
            if (!s)
                return fatal(s.error().message);
        }
        return ExitOk;
    }

    // Where the batch goes is recorded before anything is sent, so a killed upload keeps it.
    if (Status s = UploadHandover::record(*context.catalog, *batchId, settings.routes, settings.options,
                                          QStringLiteral("upload"));
        !s)
        return fatal(s.error().message);
    // Asked to upload again: files that failed transiently before (a dropped connection, a busy wiki) are
    // due once more, even where the stage finished needing attention (the runner would pass it by).
    if (auto reset = context.catalog->resetStage(*batchId, Stage::Upload, StatusInfo::transientStatuses());
        !reset)
        return fatal(reset.error().message);
    const auto result = drive(context, [&](BatchRunner &runner) {
        runner.setStages(stagesWithUpload(context, settings));
        runner.runBatch(*batchId, context.options, RunNotifier::Occasion::Upload);
    });
    if (const int *exit = std::get_if<int>(&result))
        return *exit;

    QStringList specs;
    for (const TargetRoute &route : std::as_const(settings.routes)) {
        // The spec as the target normalises it is what the rows carry.
        auto target = TargetRegistry::open(route.spec, settings.options, TargetContext{});
        specs.append(target ? (*target)->spec() : route.spec);
    }
    QJsonArray targets;
    const int exit = reportTargets(context, *batchId, specs, json, targets);
    // Files a gate held back (duplicate decisions): why, in its words.
    for (const QString &spec : std::as_const(specs)) {
        auto gates = DeliveryGates::open(*context.catalog, *batchId, spec);
        if (!gates)
            return fatal(gates.error().message);
        if (const QString held = gates->blockedMessage(); !held.isEmpty())
            err() << held << Qt::endl;
    }
    if (json)
        printJson(QJsonObject{{QStringLiteral("batch"), *batchId}, {QStringLiteral("targets"), targets}});
    return std::max(exit, exitForBatch(*context.catalog, *batchId));
}

} // namespace gh::cli
