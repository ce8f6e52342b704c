#pragma once

#include "clisupport.h"

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

// thumbnailcommands.cpp
int cmdThumbnails(Global global, const QStringList &arguments);

// watchcommands.cpp: "watch DIR [--settle SECONDS] [--once]", the hot folder
int cmdWatch(Global global, const QStringList &arguments);

// bagcommands.cpp: "bag validate PATH", "bag export BATCH -o DIR"
int cmdBag(Global global, const QStringList &arguments);

// housekeepingcommands.cpp: "recheck BATCH [--files IDS]", "batch rename|archive|unarchive|delete BATCH"
int cmdRecheck(Global global, const QStringList &arguments);
int cmdBatch(Global global, const QStringList &arguments);

} // namespace gh::cli
