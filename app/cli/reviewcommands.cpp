#include <QJsonArray>
#include <QLocale>

#include "commands.h"
#include "pipeline/settings.h"
#include "qa/samplingrandom.h"
#include "review/batchdecisions.h"
#include "review/decisionnotice.h"
#include "review/qacsv.h"
#include "review/reviewbook.h"
#include "review/reviewjson.h"
#include "targets/handover.h"
#include "targets/targetregistry.h"

// The review commands: sample, verdict, approve, reject (issue "Review and approval").

namespace gh::cli {

namespace {

//! Review errors: what the curator asked cannot be done (exit 1), the call was wrong (2), or a fatal error
//! (2).
int reviewFailure(const Error &error)
{
    err() << "gatehouse-cli: " << error.message << Qt::endl;
    return error.code == ErrorCode::Invalid || error.code == ErrorCode::NotFound ? ExitFailures : ExitFatal;
}

//! "17 of 50 reviewed · 1 defect · accept up to 1, reject at 2 · verdict pending"
QString scoreboard(const ReviewSample &s)
{
    QString line = ReviewKeys::scoreboard(s) + u" · " + tr("verdict %1").arg(ReviewKeys::key(s.verdict()));
    if (s.extraItems() > 0)
        line += u" · " + tr("%1 of %2 flagged reviewed").arg(s.extraReviewed()).arg(s.extraItems());
    return line;
}

QString planSentence(const SamplingPlan &plan)
{
    QString text = tr("Lot of %1 items, level %2, AQL %3 %: code letter %4, plan %5 (n = %6).")
                       .arg(plan.lotSize)
                       .arg(SamplingPlans::levelKey(plan.level), plan.aqlText())
                       .arg(plan.codeLetter)
                       .arg(plan.planLetter)
                       .arg(plan.planSampleSize);
    text += u' ';
    text += plan.isFullInspection() ? tr("Inspect every item (100 %).")
                                    : tr("Inspect %1 items.").arg(plan.sampleSize);
    text += u' ' + tr("Accept with %1 defects or fewer, reject at %2.").arg(plan.accept).arg(plan.reject);
    return text;
}

struct PlanOptions
{
    std::optional<int> aql;
    std::optional<InspectionLevel> level;
};

std::variant<PlanOptions, int> planOptions(const CommandLine &cl)
{
    PlanOptions o;
    if (cl.parser.isSet(QStringLiteral("aql"))) {
        o.aql = SamplingPlans::parseAql(cl.parser.value(QStringLiteral("aql")));
        if (!o.aql)
            return fatal(tr("--aql takes one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5."));
    }
    if (cl.parser.isSet(QStringLiteral("level"))) {
        o.level = SamplingPlans::parseLevel(cl.parser.value(QStringLiteral("level")));
        if (!o.level)
            return fatal(tr("--level takes I, II, III, S-1, S-2, S-3 or S-4."));
    }
    return o;
}

//! A command's context with the batch its first argument names.
struct OpenedBatch
{
    Context context;
    qint64 batchId = 0;
};

//! Opens the context (and the store, \a withStore) and checks that the batch exists; an exit status
//! otherwise.
std::variant<OpenedBatch, int> openBatch(const Global &global, const CommandLine &cl, bool withStore)
{
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    auto opened = openContext(global, withStore);
    if (!opened)
        return fatal(opened.error().message);
    if (auto batch = opened->catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);
    return OpenedBatch{std::move(*opened), *batchId};
}

//! What a decision did: its message on stdout, what the hooks (upload, targets) said on stderr.
int reportDecision(const Result<DecisionOutcome> &outcome)
{
    if (!outcome)
        return reviewFailure(outcome.error());
    out() << outcome->message << Qt::endl;
    for (const QString &note : std::as_const(outcome->notes))
        err() << note << Qt::endl;
    return ExitOk;
}

//! \a message when \a option is given without text (a reason, a name); nothing otherwise.
std::optional<int> refuseEmpty(const CommandLine &cl, const QString &option, const QString &message)
{
    if (cl.parser.isSet(option) && cl.parser.value(option).trimmed().isEmpty())
        return fatal(message);
    return std::nullopt;
}

} // namespace

void addSupplierOptions(CommandLine &cl)
{
    cl.parser.addOption({QStringLiteral("supplier"),
                         tr("The batch's supplier (default: [review] suppliers by batch name prefix, else "
                            "[review] supplier)."),
                         tr("name")});
    cl.parser.addOption({QStringLiteral("redelivery-of"),
                         tr("The rejected batch this one re-delivers (default: …-RT1 for a batch named "
                            "…-RT2)."),
                         tr("batch")});
}

std::optional<int> checkSupplierOptions(const CommandLine &cl, Context &context)
{
    if (auto exit = refuseEmpty(cl, QStringLiteral("supplier"), tr("--supplier needs a name.")))
        return exit;
    if (!cl.parser.isSet(QStringLiteral("redelivery-of")))
        return std::nullopt;
    auto previous = parseBatchId(cl.parser.value(QStringLiteral("redelivery-of")));
    if (!previous)
        return fatal(tr("--redelivery-of: %1").arg(previous.error().message));
    if (auto batch = context.catalog->batch(*previous); !batch)
        return fatal(tr("--redelivery-of: %1").arg(batch.error().message));
    return std::nullopt;
}

Status applySupplierOptions(const CommandLine &cl, Context &context, qint64 batchId)
{
    ReviewBook book(*context.catalog);
    if (cl.parser.isSet(QStringLiteral("redelivery-of"))) {
        auto previous = parseBatchId(cl.parser.value(QStringLiteral("redelivery-of")));
        if (!previous)
            return previous.error();
        if (Status s = book.linkRedelivery(batchId, *previous); !s)
            return s;
    } else if (auto linked = book.linkRedeliveryByName(batchId); !linked) {
        return linked.error();
    }
    auto supplier =
        book.assignSupplier(batchId, context.settings, cl.parser.value(QStringLiteral("supplier")));
    if (!supplier)
        return supplier.error();
    return {};
}

int cmdSample(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("sample"),
        tr("Show an ISO 2859-1 sampling plan (--lot-size), or draw the QA sample of a batch: the items "
           "to review, chosen by a recorded seed, and every flagged item beyond them."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."), QStringLiteral("[batch]"));
    cl.parser.addOption(
        {QStringLiteral("lot-size"), tr("Show the plan for a lot of this many items."), tr("n")});
    cl.parser.addOption({QStringLiteral("aql"),
                         tr("Acceptance quality limit in percent: 0.10 … 6.5 (default: review/aql, 1.0)."),
                         tr("aql")});
    cl.parser.addOption({QStringLiteral("level"),
                         tr("Inspection level: I, II, III, S-1 … S-4 (default: review/level, II)."),
                         tr("level")});
    cl.parser.addOption(
        {QStringLiteral("seed"), tr("Draw with this seed (default: a random one, recorded)."), tr("seed")});
    addSupplierOptions(cl);
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 0, 1, global))
        return *exit;
    const auto options = planOptions(cl);
    if (const int *exit = std::get_if<int>(&options))
        return *exit;
    const PlanOptions &plan = std::get<PlanOptions>(options);
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    if (cl.parser.isSet(QStringLiteral("lot-size"))) {
        if (!cl.parser.positionalArguments().isEmpty())
            return fatal(tr("Give either a batch or --lot-size, not both."));
        bool ok = false;
        const qint64 lot = cl.parser.value(QStringLiteral("lot-size")).toLongLong(&ok);
        if (!ok || lot < 1)
            return fatal(tr("--lot-size takes a number of items, at least 1."));
        Settings settings;
        if (!global.config.isEmpty()) {
            auto read = EngineSettings::readFile(global.config);
            if (!read)
                return fatal(read.error().message);
            settings = *read;
        }
        auto result = SamplingPlans::plan(
            lot, plan.aql.value_or(*SamplingPlans::parseAql(settings.text(QStringLiteral("review/aql")))),
            plan.level.value_or(*SamplingPlans::parseLevel(settings.text(QStringLiteral("review/level")))));
        if (!result)
            return fatal(result.error().message);
        if (json)
            printJson(ReviewJson::plan(*result));
        else
            out() << planSentence(*result) << Qt::endl;
        return ExitOk;
    }
    if (cl.parser.positionalArguments().isEmpty())
        return fatal(tr("Give a batch, or --lot-size N for a plan alone."));

    std::optional<quint64> seed;
    if (cl.parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        seed = cl.parser.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok || *seed > SamplingRandom::maxSeed())
            return fatal(tr("--seed takes a whole number from 0 to %1.").arg(SamplingRandom::maxSeed()));
    }
    auto opened = openBatch(global, cl, false);
    if (const int *exit = std::get_if<int>(&opened))
        return *exit;
    auto &[context, batchId] = std::get<OpenedBatch>(opened);

    if (auto exit = checkSupplierOptions(cl, context))
        return *exit;
    if (Status s = applySupplierOptions(cl, context, batchId); !s)
        return reviewFailure(s.error());
    ReviewBook book(*context.catalog);

    SampleRequest request;
    request.aqlHundredths = plan.aql;
    request.level = plan.level;
    request.seed = seed;
    request.agent = ReviewBook::curatorName(context.settings);
    auto sample = book.draw(batchId, request, context.settings);
    if (!sample)
        return reviewFailure(sample.error());
    if (json) {
        printJson(ReviewJson::sample(*sample));
        return ExitOk;
    }
    out() << tr("Batch %1: %2").arg(batchId).arg(planSentence(sample->plan)) << '\n';
    out() << tr("Seed %1 (the same seed draws the same sample on any machine).").arg(sample->seed) << '\n';
    out() << scoreboard(*sample) << '\n';
    for (const ReviewItem &item : std::as_const(sample->items)) {
        QString line = QStringLiteral("  %1  %2  %3")
                           .arg(QString::number(item.itemId).rightJustified(8),
                                ReviewKeys::key(item.reason).leftJustified(6), item.identifier);
        if (item.verdict != Verdict::None)
            line += u"  [" + ReviewKeys::key(item.verdict) +
                    (item.defect.isEmpty() ? QString() : u": " + item.defect) + u']';
        if (!item.flags.isEmpty())
            line += u"  (" + item.flags.join(QStringLiteral("; ")) + u')';
        out() << line << '\n';
    }
    out() << Qt::flush;
    return ExitOk;
}

int cmdVerdict(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("verdict"),
                   tr("Record a manual-QA verdict on an item of a batch's sample."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption(
        {QStringLiteral("item"), tr("The item: its id (from sample --json) or its identifier."), tr("id")});
    cl.parser.addOption({QStringLiteral("pass"), tr("The item is fine.")});
    cl.parser.addOption({QStringLiteral("fail"), tr("The item has a defect; say which."), tr("reason")});
    cl.parser.addOption({QStringLiteral("withdraw"), tr("Withdraw the item's verdict (undo).")});
    cl.parser.addOption({QStringLiteral("note"), tr("A note kept with the verdict."), tr("text")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    const int choices = int(cl.parser.isSet(QStringLiteral("pass"))) +
                        int(cl.parser.isSet(QStringLiteral("fail"))) +
                        int(cl.parser.isSet(QStringLiteral("withdraw")));
    if (choices != 1)
        return fatal(tr("Give exactly one of --pass, --fail REASON or --withdraw."));
    if (!cl.parser.isSet(QStringLiteral("item")))
        return fatal(tr("Give the item with --item ID."));
    if (auto exit = refuseEmpty(cl, QStringLiteral("fail"), tr("--fail needs a defect reason.")))
        return *exit;
    auto opened = openBatch(global, cl, false);
    if (const int *exit = std::get_if<int>(&opened))
        return *exit;
    auto &[context, batchId] = std::get<OpenedBatch>(opened);

    ReviewBook book(*context.catalog);
    auto item = book.resolveItem(batchId, cl.parser.value(QStringLiteral("item")));
    if (!item)
        return reviewFailure(item.error());
    const QString agent = ReviewBook::curatorName(context.settings);
    Status s = cl.parser.isSet(QStringLiteral("withdraw"))
                   ? book.withdrawVerdict(batchId, *item, agent)
                   : book.setVerdict(batchId, *item,
                                     cl.parser.isSet(QStringLiteral("pass")) ? Verdict::Pass : Verdict::Fail,
                                     cl.parser.value(QStringLiteral("fail")),
                                     cl.parser.value(QStringLiteral("note")), agent);
    if (!s)
        return reviewFailure(s.error());
    auto sample = book.sample(batchId);
    if (!sample)
        return fatal(sample.error().message);
    out() << scoreboard(*sample) << Qt::endl;
    return ExitOk;
}

int cmdApprove(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("approve"),
        tr("Approve a batch as a whole, then upload it to its targets (--target, the targets recorded for "
           "it, or [targets] default) with progress; refused while its QA sample is incomplete or rejects "
           "it, or decisions are open, unless --override gives a reason."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption(
        {QStringLiteral("target"),
         tr("Where the approved files go (local:DIR, s3://…, mediawiki:…); recorded with the batch. Repeat "
            "for several targets."),
         tr("target")});
    cl.parser.addOption(
        {QStringLiteral("filter"),
         tr("Only the files matching this query go to the --target before it (the filter bar's syntax)."),
         tr("query")});
    cl.parser.addOption({QStringLiteral("override"),
                         tr("Approve despite what refuses it, for this reason (recorded)."), tr("reason")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    if (auto exit = refuseEmpty(cl, QStringLiteral("override"), tr("--override needs a reason.")))
        return *exit;
    auto opened = openBatch(global, cl, true);
    if (const int *exit = std::get_if<int>(&opened))
        return *exit;
    auto &[context, batchId] = std::get<OpenedBatch>(opened);
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    // Targets are checked before anything is decided: a spec that cannot be opened is a usage error.
    auto routes = TargetRoute::fromArguments(arguments);
    if (!routes)
        return fatal(routes.error().message);
    auto options = UploadHandover::optionsFor(context.options);
    if (!options)
        return fatal(options.error().message);
    for (const TargetRoute &route : std::as_const(*routes)) {
        if (auto target = TargetRegistry::open(route.spec, *options); !target)
            return fatal(target.error().message);
    }

    BatchDecisions decisions(*context.catalog, context.store.get());
    auto outcome = decisions.approve(batchId, routes->isEmpty() ? QString() : routes->constFirst().spec,
                                     cl.parser.value(QStringLiteral("override")),
                                     ReviewBook::curatorName(context.settings));
    if (!outcome)
        return reviewFailure(outcome.error());
    // Every --target with its filter (the hook recorded the first without one), or the default.
    if (routes->isEmpty()) {
        if (auto recorded = UploadHandover::recordDefault(*context.catalog, batchId, *options); !recorded)
            return fatal(recorded.error().message);
    } else if (Status s = UploadHandover::record(*context.catalog, batchId, *routes, *options,
                                                 QStringLiteral("approve"));
               !s) {
        return fatal(s.error().message);
    }
    if (!json) {
        out() << outcome->message << Qt::endl;
        for (const QString &note : std::as_const(outcome->notes))
            err() << note << Qt::endl;
    }

    // The hand-over: the runner carries the approved batch on past the review into the upload.
    auto due = UploadHandover::due(*context.catalog, batchId);
    if (!due)
        return fatal(due.error().message);
    int exit = ExitOk;
    QJsonArray targets;
    if (*due) {
        const auto result = drive(context, [&](BatchRunner &runner) {
            runner.runBatch(batchId, context.options, RunNotifier::Occasion::Approve);
        });
        if (const int *fatalExit = std::get_if<int>(&result))
            return *fatalExit;
        auto specs = context.catalog->batchTargetSpecs(batchId);
        if (!specs)
            return fatal(specs.error().message);
        QStringList names;
        for (const BatchTargetRecord &t : std::as_const(*specs))
            names.append(t.spec);
        exit = std::max(reportTargets(context, batchId, names, json, targets),
                        exitForBatch(*context.catalog, batchId));
    } else {
        // Nothing to upload: the approval is the end, told as a run's end is (the upload's runner tells it
        // otherwise).
        DecisionNotice::send(*context.catalog, context.workspace, context.store->displayName(), batchId,
                             RunNotifier::Occasion::Approve, context.options.report);
    }
    if (json) {
        printJson(QJsonObject{{QStringLiteral("batch"), batchId},
                              {QStringLiteral("state"), QStringLiteral("approved")},
                              {QStringLiteral("message"), outcome->message},
                              {QStringLiteral("notes"), QJsonArray::fromStringList(outcome->notes)},
                              {QStringLiteral("targets"), targets}});
    }
    return exit;
}

int cmdReject(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("reject"),
        tr("Reject a batch as a whole: delete every stored copy of it (its catalog records, metadata and "
           "events stay), mark its files deleted and record why."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption(
        {QStringLiteral("reason"), tr("Why the batch is rejected (required; recorded)."), tr("text")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    if (cl.parser.value(QStringLiteral("reason")).trimmed().isEmpty())
        return fatal(tr("Give the reason with --reason TEXT; the supplier will want to know it."));
    auto opened = openBatch(global, cl, true);
    if (const int *exit = std::get_if<int>(&opened))
        return *exit;
    auto &[context, batchId] = std::get<OpenedBatch>(opened);
    BatchDecisions decisions(*context.catalog, context.store.get());
    auto outcome = decisions.reject(batchId, cl.parser.value(QStringLiteral("reason")),
                                    ReviewBook::curatorName(context.settings),
                                    [quiet = context.global.quiet](qint64 done, qint64 total) {
                                        if (!quiet)
                                            err() << tr("%1/%2 files").arg(done).arg(total) << Qt::endl;
                                    });
    if (outcome) {
        DecisionNotice::send(*context.catalog, context.workspace, context.store->displayName(), batchId,
                             RunNotifier::Occasion::Reject, context.options.report);
    }
    return reportDecision(outcome);
}

QJsonObject reviewStatusJson(Catalog &catalog, const BatchRecord &batch)
{
    QJsonObject extra;
    ReviewBook book(catalog);
    auto sample = book.sample(batch.id);
    extra.insert(QStringLiteral("review"), sample ? ReviewJson::review(*sample) : QJsonObject());
    auto summary = book.summary(batch.id);
    extra.insert(QStringLiteral("supplier"),
                 summary && !summary->supplier.isEmpty() ? QJsonValue(summary->supplier) : QJsonValue());
    extra.insert(QStringLiteral("redelivery_of"),
                 summary && summary->redeliveryOf > 0 ? QJsonValue(summary->redeliveryOf) : QJsonValue());
    return extra;
}

QStringList reviewStatusLines(Catalog &catalog, qint64 batchId, bool json, QJsonObject *history)
{
    QStringList lines;
    ReviewBook book(catalog);
    auto sample = book.sample(batchId);
    if (sample && sample->drawn)
        lines.append(tr("Review: %1").arg(scoreboard(*sample)));
    auto summary = book.summary(batchId);
    if (!summary)
        return lines;
    if (summary->state != BatchState::Open)
        lines.append(tr("%1 on %2 by %3%4")
                         .arg(summary->state == BatchState::Approved ? tr("Approved") : tr("Rejected"),
                              summary->decidedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                              summary->decidedBy,
                              summary->reason.isEmpty() ? QString() : u": " + summary->reason));
    if (auto problems = book.previousProblems(batchId); problems && !problems->isEmpty()) {
        lines.append(tr("Re-delivers batch %1. What was wrong last time:").arg(summary->redeliveryOf));
        for (const QString &p : std::as_const(*problems))
            lines.append(u"  " + p);
    }
    if (summary->supplier.isEmpty())
        return lines;
    auto batches = book.supplierHistory(summary->supplier, 10);
    if (!batches)
        return lines;
    QJsonArray array;
    lines.append(tr("Supplier %1, last %2 batches:").arg(summary->supplier).arg(batches->size()));
    const QLocale locale;
    for (const SupplierBatch &b : std::as_const(*batches)) {
        array.append(ReviewJson::supplierBatch(b));
        QString line =
            QStringLiteral("  %1  %2  %3  %4")
                .arg(QString::number(b.batchId).rightJustified(6), b.name.leftJustified(24),
                     batchStateKey(b.state).leftJustified(8), ReviewKeys::key(b.verdict).leftJustified(7));
        if (b.reviewed > 0)
            line += tr("%1 defects in %2 reviewed (%3 %)")
                        .arg(b.defects)
                        .arg(b.reviewed)
                        .arg(locale.toString(100.0 * b.defectRate(), 'f', 1));
        if (b.redeliveryOf > 0)
            line += u"  " + tr("re-delivers %1").arg(b.redeliveryOfName);
        lines.append(line);
    }
    if (json && history)
        history->insert(QStringLiteral("supplier_history"), array);
    return lines;
}

} // namespace gh::cli
