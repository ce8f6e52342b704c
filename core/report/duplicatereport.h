#pragma once

#include <functional>
#include <optional>

#include <QCoreApplication>
#include <QIODevice>
#include <QJsonObject>

#include "catalog/duplicatebook.h"
#include "summarysections.h"

namespace gh {

struct ExportJob;

/*!
    \class gh::DuplicateReport
    The duplicate cases and decisions in the reports: the \c duplicate key of \c files --json and the files
    CSV, the hand-fix list (\c report --format hand-fix) and the \c _SUMMARY's duplicates section. Reads
    only the catalog (DuplicateBook), so the report layer needs nothing of the dedup stage.
*/
class DuplicateReport
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateReport)

public:
    /*!
        The FileDetails annotator: adds \c "duplicate": {"case", "existing", "existing_batch", "decision"}
        to each file's object, or \c null for a file not classified. A file classified against several
        targets shows the case that waits for a decision, else the newest.
    */
    static Status annotate(Catalog &catalog, const QList<FileRecord> &files, QList<QJsonObject> &objects);

    /*!
        The hand-fix list: one JSON object per file whose decision in force is \c hand-fix, in file order:
        \code
        {"item": "rec-17", "file": "p1.jpg", "sha1": "…", "intended_name": "…", "existing_name": "…",
         "existing_sha1": "…", "reason": "…", "file_id": 12, "target": "mediawiki:…", "case": "…",
         "decided_by": "curator:anna"}
        \endcode
        \c reason is the curator's note, or the case in words.
    */
    static Status handFix(Catalog &catalog, qint64 batchId,
                          const std::function<void(const QJsonObject &)> &sink);
    //! handFix() as an export format (JSON lines).
    static Status writeHandFix(const ExportJob &job, QIODevice &out);

    //! The _SUMMARY section: cases, open files and decisions per target; nothing for an unclassified batch.
    static Result<std::optional<SummarySection>> summary(SummaryContext &context);

    /*!
        For review's approval gates (ReviewHooks::approvalGates, "duplicates"): why the batch cannot be
        approved yet — one sentence per target with files waiting for a decision; empty when none waits.
    */
    static Result<QStringList> approvalObjections(Catalog &catalog, qint64 batchId);
    /*!
        For the review view (ReviewHooks::duplicateSources, "duplicates"): a line per file of the item in a
        case that needs a decision, with what is there and the decision in force.
    */
    static Result<QStringList> itemNotes(Catalog &catalog, qint64 itemId);
};

} // namespace gh
