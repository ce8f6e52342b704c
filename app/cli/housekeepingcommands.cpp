#include <QJsonArray>

#include "commands.h"
#include "pipeline/batchhousekeeping.h"
#include "pipeline/recheck.h"

// "recheck BATCH [--files IDS]" and "batch rename|archive|unarchive|delete": checking a batch again after a
// fix, and keeping the dashboard tidy.

namespace gh::cli {

namespace {

Result<QList<qint64>> parseFileIds(const QString &text)
{
    QList<qint64> ids;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 id = part.trimmed().toLongLong(&ok);
        if (!ok || id <= 0)
            return Error{ErrorCode::Usage,
                         tr("--files takes file ids separated by commas, such as 12,13,40; \"%1\" is not "
                            "one.")
                             .arg(part.trimmed())};
        ids.append(id);
    }
    if (ids.isEmpty())
        return Error{ErrorCode::Usage, tr("--files needs at least one file id.")};
    return ids;
}

} // namespace

int cmdRecheck(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("recheck"),
                   tr("Check a batch again after a fix: read its sidecars and manifests again, verify every "
                      "stored copy against them, and copy only what changed or was never stored."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("files"), tr("Only these files (ids, comma-separated)."), tr("ids")});
    cl.parser.addOption({QStringLiteral("no-fetch"),
                         tr("Only check; leave files that need copying pending for a later fetch.")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print what the check found as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);

    RecheckOptions options;
    if (cl.parser.isSet(QStringLiteral("files"))) {
        auto ids = parseFileIds(cl.parser.value(QStringLiteral("files")));
        if (!ids)
            return fatal(ids.error().message);
        options.fileIds = *ids;
    }
    std::atomic_bool cancel(false);
    options.intake = context.options.intakeOptions(&cancel);

    Recheck recheck(*context.catalog, *context.store);
    const bool json = cl.parser.isSet(QStringLiteral("json"));
    if (!context.global.quiet) {
        recheck.setLogCallback([](const QString &line) { err() << line << Qt::endl; });
        recheck.setProgressCallback([](qint64 done, qint64 total) {
            err() << '\r' << tr("Checked %1 of %2 files").arg(done).arg(total) << Qt::flush;
            if (done == total)
                err() << Qt::endl;
        });
    }
    catchInterrupts(true);
    auto summary = recheck.run(*batchId, options);
    catchInterrupts(false);
    if (!summary)
        return fatal(summary.error().message);

    // What needs copying is copied now, by the usual fetch stage: nothing else is read twice.
    bool fetched = false;
    if (summary->toFetch > 0 && !cl.parser.isSet(QStringLiteral("no-fetch"))) {
        const auto result =
            drive(context, [&](BatchRunner &runner) { runner.runBatch(*batchId, context.options); });
        if (const int *exit = std::get_if<int>(&result))
            return *exit;
        fetched = true;
    }
    if (json) {
        QJsonObject o = summary->toJson();
        o.insert(QStringLiteral("batch"), *batchId);
        o.insert(QStringLiteral("fetched"), fetched);
        printJson(o);
    } else if (!context.global.quiet) {
        printSummary(context, *batchId);
    }
    return exitForBatch(*context.catalog, *batchId);
}

int cmdBatch(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("batch"),
                   tr("Keep batches tidy: rename, archive (hide from status and the dashboard; nothing is "
                      "removed), unarchive, or delete a batch with the stored copies only it uses."));
    cl.parser.addPositionalArgument(QStringLiteral("action"), tr("rename, archive, unarchive or delete."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addPositionalArgument(QStringLiteral("name"), tr("The new name (rename only)."),
                                    QStringLiteral("[name]"));
    cl.parser.addOption(
        {QStringLiteral("yes"), tr("Really delete (without it, delete says what would go).")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 2, 3, global))
        return *exit;
    const QStringList positional = cl.parser.positionalArguments();
    const QString action = positional.at(0);
    static const QStringList actions{QStringLiteral("rename"), QStringLiteral("archive"),
                                     QStringLiteral("unarchive"), QStringLiteral("delete")};
    if (!actions.contains(action))
        return fatal(tr("Unknown action \"%1\": use rename, archive, unarchive or delete.").arg(action));
    if ((action == u"rename") != (positional.size() == 3))
        return fatal(action == u"rename" ? tr("batch rename needs the batch id and the new name.")
                                         : tr("batch %1 takes only the batch id.").arg(action));
    auto batchId = parseBatchId(positional.at(1));
    if (!batchId)
        return fatal(batchId.error().message);
    auto opened = openContext(global, action == u"delete");
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    if (action == u"delete") {
        BatchHousekeeping housekeeping(context.workspace, *context.catalog, context.store.get());
        auto plan = housekeeping.footprint(*batchId);
        if (!plan)
            return fatal(plan.error().message);
        if (!cl.parser.isSet(QStringLiteral("yes"))) {
            if (json) {
                QJsonObject o = plan->toJson();
                o.insert(QStringLiteral("deleted"), false);
                printJson(o);
            }
            err() << tr("Would delete %1.").arg(plan->text()) << Qt::endl
                  << tr("Run again with --yes to delete it.") << Qt::endl;
            return ExitFailures;
        }
        auto removed = housekeeping.remove(*batchId);
        if (!removed)
            return fatal(removed.error().message);
        if (json) {
            QJsonObject o = removed->toJson();
            o.insert(QStringLiteral("deleted"), true);
            printJson(o);
        } else if (!context.global.quiet) {
            err() << tr("Deleted %1.").arg(removed->text()) << Qt::endl;
        }
        return ExitOk;
    }

    // Rename and archive write the catalog only; the store is not opened.
    Status done;
    BatchHousekeeping housekeeping(context.workspace, *context.catalog, nullptr);
    if (action == u"rename")
        done = housekeeping.rename(*batchId, positional.at(2));
    else
        done = housekeeping.setArchived(*batchId, action == u"archive");
    if (!done)
        return fatal(done.error().message);
    auto batch = context.catalog->batch(*batchId);
    if (!batch)
        return fatal(batch.error().message);
    if (json) {
        printJson(QJsonObject{{QStringLiteral("batch"), batch->id},
                              {QStringLiteral("name"), batch->name},
                              {QStringLiteral("archived"), batch->archived}});
    } else if (!context.global.quiet) {
        if (action == u"rename")
            err() << tr("Batch %1 is now called \"%2\".").arg(batch->id).arg(batch->name) << Qt::endl;
        else if (action == u"archive")
            err() << tr("Batch %1 is archived: hidden from status and the dashboard, kept in the catalog.")
                         .arg(batch->id)
                  << Qt::endl;
        else
            err() << tr("Batch %1 is shown again.").arg(batch->id) << Qt::endl;
    }
    return ExitOk;
}

} // namespace gh::cli
