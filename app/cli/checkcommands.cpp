#include <QDir>
#include <QJsonArray>

#include "catalog/checkrecords.h"
#include "commands.h"
#include "qa/checkjob.h"
#include "qa/checkregistry.h"
#include "qa/checkrunner.h"
#include "qa/qaprofile.h"
#include "qa/schemafetch.h"
#include "qa/schemaset.h"
#include "report/reports.h"

// "check BATCH": automatic QA over a fetched batch. "schemas fetch|list": the XML schemas it validates with.

namespace gh::cli {

namespace {

constexpr int s_findingsShown = 200;

// The QA profile: the [check] keys of --config (\a settings), then those of --profile, then --schemas.
Result<QaProfile> readProfile(const Global &global, const Settings &settings, const CommandLine &cl)
{
    auto read =
        cl.parser.isSet(QStringLiteral("profile"))
            ? QaProfile::fromFile(cl.parser.value(QStringLiteral("profile")), settings)
            : QaProfile::fromSettings(settings, global.config.isEmpty() ? tr("the settings") : global.config);
    if (!read)
        return read.error();
    QaProfile profile = *read;
    if (cl.parser.isSet(QStringLiteral("schemas")))
        profile.schemas = cl.parser.value(QStringLiteral("schemas"));
    if (cl.parser.isSet(QStringLiteral("jobs"))) {
        bool ok = false;
        const int jobs = cl.parser.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || jobs < 1 || jobs > 256)
            return Error{ErrorCode::Usage, tr("--jobs takes a number from 1 to 256.")};
        profile.jobs = jobs;
    }
    return profile;
}

struct CheckTally
{
    qint64 errors = 0;
    qint64 warnings = 0;
    qint64 flags = 0;
    qint64 files = 0;
};

} // namespace

int cmdCheck(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("check"),
                   tr("Automatic QA of a fetched batch: checksums, empty files, types, JPEG 2000 structure, "
                      "decoding, XML well-formedness and schema validity, page sequence, batch identifiers, "
                      "sidecars, dimensions, dark, blank and black-bordered pages, OCR confidence. Prints "
                      "the findings per check. Exit status 0 without errors or flags, 1 with, 2 when the "
                      "check could not run."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as one JSON document.")});
    cl.parser.addOption({QStringLiteral("profile"),
                         tr("Read the QA profile (thresholds, which checks run) from the [check] section of "
                            "this INI file."),
                         tr("file")});
    cl.parser.addOption({QStringLiteral("schemas"),
                         tr("Validate XML against the schemas in this folder, or mapped by this OASIS XML "
                            "catalog (default: the set \"schemas fetch\" saved, if any)."),
                         tr("dir|catalog")});
    cl.parser.addOption(
        {QStringLiteral("jobs"), tr("Files checked at once (default: one per core)."), tr("n")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    const bool json = cl.parser.isSet(QStringLiteral("json"));
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto profile = readProfile(global, context.settings, cl);
    if (!profile)
        return fatal(profile.error().message);
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    auto batch = context.catalog->batch(*batchId);
    if (!batch)
        return fatal(batch.error().message);
    if (const auto fetch = batch->stages.value(Stage::Fetch, StageState::NotStarted);
        fetch == StageState::NotStarted || fetch == StageState::Running) {
        err() << "gatehouse-cli: "
              << tr("batch %1 has not been fetched completely; files without a stored copy are checked only "
                    "for what the catalog knows.")
                     .arg(*batchId)
              << Qt::endl;
    }

    auto runner = CheckRunner::create(*batch, *profile);
    if (!runner)
        return fatal(runner.error().message);
    CheckJob job(*context.catalog, *context.store, *runner);
    job.setJobs(profile->jobs);
    catchInterrupts(true);
    job.setCancelFlag(&interruptFlag());
    const bool showProgress = !global.quiet;
    job.setProgress([&](qint64 done, qint64 total) {
        if (showProgress)
            err() << '\r' << tr("Checking: %1 of %2 files").arg(done).arg(total) << Qt::flush;
    });
    auto summary = job.run();
    catchInterrupts(false);
    if (showProgress)
        err() << Qt::endl;
    if (!summary)
        return fatal(summary.error().message);

    QMap<QString, CheckTally> byCheck;
    for (const QString &name : (*runner)->checkNames())
        byCheck[name];
    for (const CheckRecords::Count &c : summary->counts) {
        CheckTally &t = byCheck[c.check];
        (c.severity == FindingSeverity::Error     ? t.errors
         : c.severity == FindingSeverity::Warning ? t.warnings
                                                  : t.flags) += c.findings;
        t.files += c.files;
    }
    auto findings = CheckRecords(*context.catalog).findings(*batchId);
    if (!findings)
        return fatal(findings.error().message);
    // Paths for the findings' files, as the checks named them.
    QHash<qint64, QString> paths;
    if (!findings->isEmpty()) {
        Status s = context.catalog->forEachFile(*batchId, [&](const FileRecord &f) {
            paths.insert(f.id, (*runner)->environment().displayPath(f));
            return true;
        });
        if (!s)
            return fatal(s.error().message);
    }
    const QString schemas =
        (*runner)->environment().schemas ? (*runner)->environment().schemas->location() : QString();

    if (json) {
        QJsonArray checks;
        for (const QString &name : (*runner)->checkNames()) {
            const CheckTally &t = byCheck[name];
            checks.append(QJsonObject{{QStringLiteral("check"), name},
                                      {QStringLiteral("errors"), t.errors},
                                      {QStringLiteral("warnings"), t.warnings},
                                      {QStringLiteral("flags"), t.flags},
                                      {QStringLiteral("files"), t.files}});
        }
        QJsonArray list;
        for (const FindingRecord &f : std::as_const(*findings)) {
            QJsonObject o = Reports::findingJson(f);
            o.insert(QStringLiteral("file_id"), f.fileId > 0 ? QJsonValue(f.fileId) : QJsonValue());
            o.insert(QStringLiteral("item_id"), f.itemId > 0 ? QJsonValue(f.itemId) : QJsonValue());
            o.insert(QStringLiteral("path"), f.fileId > 0 ? QJsonValue(paths.value(f.fileId)) : QJsonValue());
            list.append(o);
        }
        printJson(QJsonObject{
            {QStringLiteral("batch"), *batchId},
            {QStringLiteral("files"), summary->files},
            {QStringLiteral("decoded"), summary->decoded},
            {QStringLiteral("schemas"), schemas.isEmpty() ? QJsonValue() : QJsonValue(schemas)},
            {QStringLiteral("errors"), summary->errors},
            {QStringLiteral("warnings"), summary->warnings},
            {QStringLiteral("flags"), summary->flags},
            {QStringLiteral("checks"), checks},
            {QStringLiteral("findings"), list},
        });
    } else {
        out() << tr("QA of batch %1: %2 files, %3 errors, %4 warnings, %5 flags.")
                     .arg(*batchId)
                     .arg(summary->files)
                     .arg(summary->errors)
                     .arg(summary->warnings)
                     .arg(summary->flags)
              << '\n';
        out() << (schemas.isEmpty() ? tr("XML schemas: none configured.")
                                    : tr("XML schemas: %1").arg(QDir::toNativeSeparators(schemas)))
              << "\n\n";
        const QString header = tr("check").leftJustified(22) + tr("errors").rightJustified(8) +
                               tr("warnings").rightJustified(10) + tr("flags").rightJustified(8) +
                               tr("files").rightJustified(8);
        out() << header << '\n';
        for (const QString &name : (*runner)->checkNames()) {
            const CheckTally &t = byCheck[name];
            out() << name.leftJustified(22) << QString::number(t.errors).rightJustified(8)
                  << QString::number(t.warnings).rightJustified(10)
                  << QString::number(t.flags).rightJustified(8) << QString::number(t.files).rightJustified(8)
                  << '\n';
        }
        if (!findings->isEmpty())
            out() << '\n' << tr("Findings:") << '\n';
        int shown = 0;
        for (const FindingRecord &f : std::as_const(*findings)) {
            if (shown++ == s_findingsShown) {
                out() << tr("… and %1 more; \"gatehouse-cli files %2 --filter qa:flagged --json\" lists them "
                            "all.")
                             .arg(findings->size() - s_findingsShown)
                             .arg(*batchId)
                      << '\n';
                break;
            }
            out() << "  " << severityKey(f.severity).leftJustified(8) << f.check.leftJustified(20)
                  << f.message << '\n';
        }
        out() << Qt::flush;
    }
    return summary->errors + summary->flags > 0 ? ExitFailures : ExitOk;
}

int cmdSchemas(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("schemas"),
        tr("schemas fetch: download the standard XML schemas (ALTO, MIX, MODS, METS, PREMIS, XLink, "
           "xml.xsd) from their official locations into the user's data folder, with a catalog "
           "\"check\" uses by default. schemas list: the namespaces a schema folder or catalog "
           "validates."));
    cl.parser.addPositionalArgument(QStringLiteral("action"), tr("fetch or list."));
    cl.parser.addOption({QStringLiteral("from"),
                         tr("Download from this URL prefix instead (a mirror with the same relative paths, "
                            "such as alto/alto-4-2.xsd)."),
                         tr("url")});
    cl.parser.addOption(
        {QStringLiteral("to"), tr("Save into this folder instead of the user's data folder."), tr("dir")});
    cl.parser.addOption({QStringLiteral("schemas"),
                         tr("list: the folder or catalog to list (default: the fetched set)."),
                         tr("dir|catalog")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    const QString action = cl.parser.positionalArguments().constFirst();
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    if (action == u"list") {
        QString location = cl.parser.value(QStringLiteral("schemas"));
        if (location.isEmpty())
            location = SchemaSet::defaultLocation();
        if (location.isEmpty())
            return fatal(
                tr("No schemas have been fetched; run \"gatehouse-cli schemas fetch\" or give --schemas."));
        auto set = SchemaSet::open(location);
        if (!set)
            return fatal(set.error().message);
        QJsonArray namespaces;
        for (const QString &ns : (*set)->namespaces()) {
            const QStringList files = (*set)->schemasFor(ns);
            if (json) {
                namespaces.append(
                    QJsonObject{{QStringLiteral("namespace"), ns},
                                {QStringLiteral("schemas"), QJsonArray::fromStringList(files)}});
            } else {
                out() << (ns.isEmpty() ? tr("(no namespace)") : ns) << '\n';
                for (const QString &file : files)
                    out() << "  " << QDir::toNativeSeparators(file) << '\n';
            }
        }
        if (json)
            printJson(QJsonObject{{QStringLiteral("location"), (*set)->location()},
                                  {QStringLiteral("namespaces"), namespaces}});
        out() << Qt::flush;
        return ExitOk;
    }
    if (action != u"fetch")
        return fatal(tr("Unknown action \"%1\"; use \"schemas fetch\" or \"schemas list\".").arg(action));

    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    const QString folder = cl.parser.isSet(QStringLiteral("to")) ? cl.parser.value(QStringLiteral("to"))
                                                                 : SchemaSet::defaultFolder();
    catchInterrupts(true);
    auto saved = SchemaFetch::fetch(folder, cl.parser.value(QStringLiteral("from")), opened->options.transfer,
                                    &interruptFlag());
    catchInterrupts(false);
    if (!saved)
        return fatal(saved.error().message);
    const QString catalog = QDir(folder).absoluteFilePath(QStringLiteral("catalog.xml"));
    if (json) {
        QJsonArray list;
        for (const SchemaFetch::Saved &s : std::as_const(*saved))
            list.append(QJsonObject{{QStringLiteral("schema"), s.label},
                                    {QStringLiteral("url"), s.url},
                                    {QStringLiteral("file"), s.file},
                                    {QStringLiteral("bytes"), s.bytes}});
        printJson(QJsonObject{{QStringLiteral("catalog"), catalog}, {QStringLiteral("saved"), list}});
    } else {
        for (const SchemaFetch::Saved &s : std::as_const(*saved))
            out() << tr("Saved %1 (%2 bytes) from %3 as %4")
                         .arg(s.label)
                         .arg(s.bytes)
                         .arg(s.url, QDir::toNativeSeparators(s.file))
                  << '\n';
        out() << tr("Catalog: %1").arg(QDir::toNativeSeparators(catalog)) << Qt::endl;
    }
    return ExitOk;
}

} // namespace gh::cli
