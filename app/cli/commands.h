#pragma once

#include <QJsonArray>

#include "clisupport.h"
#include "pipeline/stagedefinition.h"
#include "targets/uploadplan.h"

// Every gatehouse-cli command: int command(Global, arguments after the command name) → exit status.
// The table in cli.cpp lists them; each family lives in its own file.

namespace gh::cli {

// batchcommands.cpp
int cmdLoad(Global global, const QStringList &arguments);
int cmdFetch(Global global, const QStringList &arguments);
int cmdRun(Global global, const QStringList &arguments);
int cmdStatus(Global global, const QStringList &arguments);
int cmdFiles(Global global, const QStringList &arguments);
int cmdReport(Global global, const QStringList &arguments);

// reviewcommands.cpp: sample, verdict, approve, reject, and review's part of status and report
int cmdSample(Global global, const QStringList &arguments);
int cmdVerdict(Global global, const QStringList &arguments);
int cmdApprove(Global global, const QStringList &arguments);
int cmdReject(Global global, const QStringList &arguments);
//! --supplier and --redelivery-of, for load, run and sample.
void addSupplierOptions(CommandLine &cl);
//! Checks --supplier and --redelivery-of before anything is written; an exit status when they are wrong.
std::optional<int> checkSupplierOptions(const CommandLine &cl, Context &context);
//! Records the batch's re-delivery link (--redelivery-of, else by its name) and supplier (--supplier, else
//! the settings).
Status applySupplierOptions(const CommandLine &cl, Context &context, qint64 batchId);
//! status --json's additions for \a batch: "review", "supplier", "redelivery_of".
QJsonObject reviewStatusJson(Catalog &catalog, const BatchRecord &batch);
//! status BATCH's review lines: scoreboard, decision, what a re-delivery replaces, the supplier's history
//! (also into \a history as "supplier_history" when \a json).
QStringList reviewStatusLines(Catalog &catalog, qint64 batchId, bool json, QJsonObject *history);
// checkcommands.cpp: "check BATCH", automatic QA; "schemas fetch|list"
int cmdCheck(Global global, const QStringList &arguments);
int cmdSchemas(Global global, const QStringList &arguments);
// dedupcommands.cpp: "dedup BATCH --target T", "decide BATCH (--file ID… | --case CASE) --action A"
int cmdDedup(Global global, const QStringList &arguments);
int cmdDecide(Global global, const QStringList &arguments);

// thumbnailcommands.cpp
int cmdThumbnails(Global global, const QStringList &arguments);

// watchcommands.cpp: "watch DIR [--settle SECONDS] [--once]", the hot folder
int cmdWatch(Global global, const QStringList &arguments);

// bagcommands.cpp: "bag validate PATH", "bag export BATCH -o DIR"
int cmdBag(Global global, const QStringList &arguments);

// uploadcommands.cpp: "upload BATCH --target T [--filter Q] …", and the upload options "run" shares
int cmdUpload(Global global, const QStringList &arguments);
//! --target, --filter, --title-template, --page-template, --summary, --category, --derive, --chunk-size,
//! --upload-jobs.
void addUploadOptions(CommandLine &cl);
/*!
    Reads the upload settings: the settings file's [mediawiki] and [targets], the environment's credentials,
    then the command line (\a arguments, raw, for the order of --target/--filter pairs). \a jobsFromJobsOption
    reads parallelism from --jobs (upload) instead of --upload-jobs (run). Returns an exit status on error.
*/
std::optional<int> readUploadSettings(const CommandLine &cl, const Context &context,
                                      const QStringList &arguments, UploadSettings &settings,
                                      bool jobsFromJobsOption);
//! The default stages with the upload stage for \a settings placed before the curator's review.
QList<StageDefinition> stagesWithUpload(const Context &context, const UploadSettings &settings);
/*!
    Prints where the batch's files stand at each of \a specs (a line each on stderr, or nothing with
    \a json) and appends their counts to \a array; ExitFailures when any file is not delivered yet.
*/
int reportTargets(Context &context, qint64 batchId, const QStringList &specs, bool json, QJsonArray &array);
// housekeepingcommands.cpp: "recheck BATCH [--files IDS]", "batch rename|archive|unarchive|delete BATCH"
int cmdRecheck(Global global, const QStringList &arguments);
int cmdBatch(Global global, const QStringList &arguments);

} // namespace gh::cli
