// "dedup BATCH --target TARGET": classify duplicates; "decide BATCH (--file ID… | --case CASE) --action A":
// record a curator's decision. The hand-fix list is a report format (report --format hand-fix).

#include <QDir>
#include <QJsonArray>

#include "commands.h"
#include "dedup/duplicateclassifier.h"
#include "dedup/duplicatesolver.h"
#include "dedup/filemove.h"
#include "pipeline/curator.h"
#include "targets/mediawiki/mediawikitarget.h"

namespace gh::cli {

namespace {

QString stagingDir(const Context &context)
{
    return QDir(context.workspace.dataDir()).filePath(QStringLiteral("staging"));
}

void printCounts(const DedupSummary &summary)
{
    out() << tr("Batch %1 against %2: %n file(s)", nullptr, int(summary.files()))
                 .arg(summary.batchId)
                 .arg(summary.target)
          << '\n';
    for (DuplicateCase c : DuplicateInfo::cases()) {
        const DuplicateBook::Count count = summary.counts.value(c);
        QString line = u"  " + DuplicateInfo::key(c).leftJustified(28) + QString::number(count.files);
        if (count.open > 0)
            line += u"  " + tr("(%1 need a decision)").arg(count.open);
        if (count.decided > 0)
            line += u"  " + tr("(%1 decided)").arg(count.decided);
        out() << line << '\n';
    }
    if (summary.deletedBefore > 0)
        out() << tr("%1 file(s) have bytes the target deleted before.").arg(summary.deletedBefore) << '\n';
    for (const QString &problem : summary.problems)
        err() << tr("warning: ") << problem << '\n';
    if (summary.open > 0) {
        out() << tr("%1 file(s) need a decision: gatehouse-cli decide %2 --case CASE --action ACTION, or the "
                    "duplicates view.")
                     .arg(summary.open)
                     .arg(summary.batchId)
              << '\n';
    } else {
        out() << tr("No file needs a decision.") << '\n';
    }
    out() << Qt::flush;
    err() << Qt::flush;
}

} // namespace

int cmdDedup(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("dedup"),
                   tr("Classify every fetched file of a batch against a target, the catalog's earlier "
                      "batches and the batch itself: %1. Exits 1 while any file needs a decision.")
                       .arg(DuplicateInfo::caseKeys()));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("target"),
                         tr("local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php."),
                         tr("target")});
    cl.parser.addOption({QStringLiteral("filter"),
                         tr("Only the files of this query go to the target (as for upload)."), tr("query")});
    cl.parser.addOption({QStringLiteral("title-template"),
                         tr("The title or key template, as upload would use it."), tr("template")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the counts as one JSON object.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto routes = TargetRoute::fromArguments(arguments);
    if (!routes)
        return fatal(routes.error().message);
    if (routes->size() > 1)
        return fatal(tr("dedup checks one target at a time; run it once per target."));
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);
    auto settings =
        DedupSettings::load(global.config, routes->isEmpty() ? TargetRoute{} : routes->constFirst(),
                            cl.parser.value(QStringLiteral("title-template")),
                            QDir(stagingDir(context)).filePath(QStringLiteral("dedup")));
    if (!settings)
        return fatal(settings.error().message);
    auto target = settings->openTarget(stagingDir(context));
    if (!target)
        return fatal(target.error().message);

    DuplicateClassifier classifier(*context.catalog, *context.store, **target, *batchId, *settings);
    if (Status s = classifier.prepare(); !s)
        return fatal(s.error().message);
    auto cancel = std::make_shared<std::atomic_bool>(false);
    catchInterrupts(true);
    QElapsedTimer shown;
    shown.start();
    Status s = classifier.run(
        [&](qint64 done, qint64 total) {
            if (interruptRequested())
                cancel->store(true);
            if (!global.quiet && (shown.elapsed() > 1000 || done == total)) {
                err() << u'\r' << tr("dedup: %1/%2 files").arg(done).arg(total) << Qt::flush;
                shown.restart();
            }
        },
        cancel);
    catchInterrupts(false);
    if (!global.quiet && classifier.plannedFiles() > 0)
        err() << '\n' << Qt::flush;
    if (!s) {
        if (s.error().code == ErrorCode::Cancelled) {
            err() << s.error().message << Qt::endl;
            return ExitFailures;
        }
        return fatal(s.error().message);
    }
    auto summary = classifier.summary();
    if (!summary)
        return fatal(summary.error().message);
    if (cl.parser.isSet(QStringLiteral("json")))
        printJson(summary->toJson());
    else
        printCounts(*summary);
    return summary->open > 0 || summary->unnamed > 0 ? ExitFailures : ExitOk;
}

int cmdDecide(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("decide"),
        tr("Record a curator's decision about duplicate cases (see dedup): for some files, or "
           "for every file of a case. The upload carries it out; until then --undo takes it back."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addPositionalArgument(QStringLiteral("id"), tr("More file ids after --file."),
                                    QStringLiteral("[ID…]"));
    cl.parser.addOption(
        {QStringLiteral("file"), tr("A file id (repeatable; more ids may follow)."), tr("id")});
    cl.parser.addOption({QStringLiteral("case"),
                         tr("Every file of this case: %1.").arg(DuplicateInfo::caseKeys()), tr("case")});
    cl.parser.addOption(
        {QStringLiteral("open-only"), tr("With --case: only the files that have no decision yet.")});
    cl.parser.addOption(
        {QStringLiteral("action"), tr("One of %1.").arg(DuplicateInfo::actionKeys()), tr("action")});
    cl.parser.addOption({QStringLiteral("name"),
                         tr("rename: the new name (one file); without it, a numbered "
                            "name such as \"Name (2).jpg\" is found at upload."),
                         tr("name")});
    cl.parser.addOption({QStringLiteral("note"), tr("Why: recorded with the decision."), tr("text")});
    cl.parser.addOption({QStringLiteral("target"),
                         tr("The target whose cases are decided (needed when the batch was checked against "
                            "several)."),
                         tr("target")});
    cl.parser.addOption({QStringLiteral("by"),
                         tr("Who decides (default: --as, else the [team] curator setting, else the operating "
                            "system's user)."),
                         tr("name")});
    cl.parser.addOption(
        {QStringLiteral("undo"), tr("Take back the decision in force for the files instead.")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print what was decided as one JSON object.")});
    if (auto exit = cl.parse(arguments, 1, 1000000, global))
        return *exit;

    const QStringList positional = cl.parser.positionalArguments();
    auto batchId = parseBatchId(positional.constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    QList<qint64> fileIds;
    QStringList idTexts = cl.parser.values(QStringLiteral("file"));
    if (positional.size() > 1) {
        if (idTexts.isEmpty())
            return fatal(tr("File ids go after --file."));
        idTexts += positional.mid(1);
    }
    for (const QString &text : std::as_const(idTexts)) {
        for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 id = part.trimmed().toLongLong(&ok);
            if (!ok || id <= 0)
                return fatal(tr("\"%1\" is not a file id.").arg(part));
            fileIds.append(id);
        }
    }
    const bool undo = cl.parser.isSet(QStringLiteral("undo"));
    std::optional<DuplicateCase> dupCase;
    if (cl.parser.isSet(QStringLiteral("case"))) {
        dupCase = DuplicateInfo::caseFromKey(cl.parser.value(QStringLiteral("case")));
        if (!dupCase)
            return fatal(tr("Unknown case \"%1\"; the cases are %2.")
                             .arg(cl.parser.value(QStringLiteral("case")), DuplicateInfo::caseKeys()));
    }
    if (fileIds.isEmpty() == !dupCase)
        return fatal(tr("Give either --file ID… or --case CASE."));
    std::optional<DuplicateAction> action;
    if (!undo) {
        action = DuplicateInfo::actionFromKey(cl.parser.value(QStringLiteral("action")));
        if (!action)
            return fatal(
                cl.parser.isSet(QStringLiteral("action"))
                    ? tr("Unknown action \"%1\"; the actions are %2.")
                          .arg(cl.parser.value(QStringLiteral("action")), DuplicateInfo::actionKeys())
                    : tr("Say what to do with --action (%1), or --undo.").arg(DuplicateInfo::actionKeys()));
    }

    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);
    DuplicateSolver solver(*context.catalog, *batchId);
    const QString by = cl.parser.isSet(QStringLiteral("by")) ? cl.parser.value(QStringLiteral("by"))
                                                             : Curator::name(context.settings);

    Result<DuplicateDecisionOutcome> outcome = Error{ErrorCode::Usage, {}};
    if (undo) {
        if (fileIds.isEmpty()) {
            // Every file of the case with a decision in force.
            auto target = solver.resolveTarget(cl.parser.value(QStringLiteral("target")));
            if (!target)
                return fatal(target.error().message);
            DuplicateBook book(*context.catalog);
            DuplicateCaseQuery query;
            query.target = *target;
            query.only = dupCase;
            query.onlyDecided = true;
            for (;;) {
                auto page = book.cases(*batchId, query);
                if (!page)
                    return fatal(page.error().message);
                if (page->isEmpty())
                    break;
                for (const DuplicateRecord &r : std::as_const(*page))
                    fileIds.append(r.fileId);
                query.afterFileId = page->constLast().fileId;
            }
        }
        outcome = solver.undo(fileIds, cl.parser.value(QStringLiteral("target")), by);
    } else {
        DecisionRequest request;
        request.target = cl.parser.value(QStringLiteral("target"));
        request.fileIds = fileIds;
        request.dupCase = fileIds.isEmpty() ? dupCase : std::nullopt;
        request.onlyOpen = cl.parser.isSet(QStringLiteral("open-only"));
        request.action = *action;
        request.name = cl.parser.value(QStringLiteral("name"));
        request.note = cl.parser.value(QStringLiteral("note"));
        request.curator = by;
        if (*action == DuplicateAction::Move) {
            // Only where the account may: ask the wiki before recording a move it would refuse.
            auto target = solver.resolveTarget(request.target);
            if (!target)
                return fatal(target.error().message);
            auto settings = DedupSettings::load(global.config, TargetRoute{*target, {}, {}}, {}, {});
            if (!settings)
                return fatal(settings.error().message);
            auto wikiTarget = settings->openTarget(stagingDir(context));
            if (!wikiTarget)
                return fatal(wikiTarget.error().message);
            if (auto *wiki = dynamic_cast<MediaWikiTarget *>(wikiTarget->get())) {
                auto may = FileMove::mayMove(*wiki);
                if (!may)
                    return fatal(may.error().message);
                if (!*may)
                    return fatal(tr("The account %1 may not move files on %2; choose another action.")
                                     .arg(settings->upload.options.user, *target));
            }
        }
        outcome = solver.decide(request);
    }
    if (!outcome)
        return fatal(outcome.error().message);

    QJsonArray files;
    for (const DuplicateDecision &d : std::as_const(outcome->decisions))
        files.append(d.fileId);
    if (cl.parser.isSet(QStringLiteral("json"))) {
        printJson(QJsonObject{
            {QStringLiteral("batch"), *batchId},
            {QStringLiteral("target"), outcome->target},
            {QStringLiteral("action"), undo ? QStringLiteral("undo") : DuplicateInfo::key(*action)},
            {QStringLiteral("files"), files},
            {QStringLiteral("refused"), QJsonArray::fromStringList(outcome->refused)}});
    } else {
        out() << (undo ? tr("Took back the decisions about %n file(s).", nullptr, int(files.size()))
                       : tr("Decided %n file(s): %1.", nullptr, int(files.size()))
                             .arg(DuplicateInfo::key(*action)))
              << '\n'
              << Qt::flush;
        for (const QString &refused : std::as_const(outcome->refused))
            err() << refused << '\n';
        err() << Qt::flush;
    }
    return outcome->refused.isEmpty() && !outcome->decisions.isEmpty() ? ExitOk : ExitFailures;
}

} // namespace gh::cli
