#pragma once

#include <QCoreApplication>
#include <QIODevice>
#include <QString>

#include "util/result.h"

namespace gh {

class Catalog;
struct ExportFormat;
struct ExportJob;

/*!
    \class gh::QaCsv
    \c report --format qa-csv: the spreadsheet the national library kept by hand, one row per sampled, flagged
    or hand-added item, with a header row. Columns: item, label, files, why (random, flag, manual), findings,
    verdict, reason, note, reviewer, time, link (gatehouse://batch/B/item/I), stored (the stored copies: paths
    for a local store, the store's address and key otherwise). RFC 4180 quoting through CsvWriter (formula
    guard included), UTF-8. Registered with Exports at start-up (registerExport()), so the CLI's \c report
    and the GUI's Batch → Export both offer it.
*/
class QaCsv
{
    Q_DECLARE_TR_FUNCTIONS(gh::QaCsv)

public:
    //! Writes the spreadsheet of \a job's batch to \a out; stored copies are named from job.storeDescription.
    static Status write(const ExportJob &job, QIODevice &out);
    //! The qa-csv export format.
    static const ExportFormat &format();
    //! Adds format() to Exports (the CLI and the GUI call this at start-up).
    static void registerExport();
};

} // namespace gh
