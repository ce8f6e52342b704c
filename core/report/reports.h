#pragma once

#include <functional>

#include <QCoreApplication>
#include <QJsonObject>

#include "catalog/catalog.h"
#include "model/finding.h"

namespace gh {

/*!
    \class gh::Reports
    The machine-readable shapes of the CLI contract and the human-readable summary. The GUI's exports use the
    same functions, so both always agree.
*/
class Reports
{
    Q_DECLARE_TR_FUNCTIONS(gh::Reports)

public:
    /*!
        One batch for \c status --json: id, name, created, source, detected, state, stages, counts, archived,
        problems {errors, warnings, total} and batch_problems (those not about one file; see gh::Problems,
        whose annotate() fills them in).
    */
    static QJsonObject batchJson(const BatchRecord &batch);
    //! One file for \c files --json.
    static QJsonObject fileJson(const FileRecord &file);
    //! One file for \c files --json with its QA \c findings: [{check, severity, message, line}] (line only
    //! when the finding has one), always present, empty when QA found nothing.
    static QJsonObject fileJson(const FileRecord &file, const QList<FindingRecord> &findings);
    //! One QA finding: {check, severity, message}, and line when it has one.
    static QJsonObject findingJson(const FindingRecord &finding);

    /*!
        The ingestion3-style \c _SUMMARY: provider/source, start, runtime, attempted, successful, failed, and
        counts per status, with dot leaders.
    */
    static Result<QString> summary(Catalog &catalog, qint64 batchId);
    /*!
        One result per item for \c report --format jsonl, in item order: the ingest request verbatim (or, for
        items that were not requests, what the item was loaded from), \c status, \c hit, \c terminal
        {terminal_url, terminal_dt, terminal_status_code, terminal_sha1hex}, \c file_meta {size_bytes, md5hex,
        sha1hex, sha256hex, mimetype}, \c hops (the URLs visited, the terminal one last) and
        \c error_message. An item with several files reports its first file that failed, else its first.
    */
    static Status requestResults(Catalog &catalog, qint64 batchId,
                                 const std::function<void(const QJsonObject &)> &deliver);
    //! Writes the summary to \a path (creating folders) and returns its text.
    static Result<QString> writeSummary(Catalog &catalog, qint64 batchId, const QString &path);
};

} // namespace gh
