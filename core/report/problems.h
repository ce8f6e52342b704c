#pragma once

#include <optional>

#include <QCoreApplication>
#include <QJsonObject>

#include "catalog/catalog.h"
#include "model/finding.h"
#include "model/problem.h"

namespace gh {

/*!
    \class gh::Problems
    The one definition of what needs the curator's attention in a batch. The dashboard's problems column, the
    Problems dock, the lamps' tooltips and \c{status --json} all count and list what these functions return,
    so they never disagree:

    \list
    \li every file whose status has Error severity is one problem (Problem::Kind::File);
    \li every warning of the intake trace is one problem, except a warning that repeats the error recorded on
        a file (a IIIF canvas that could not be read, a METS file that is missing): that file is the problem;
    \li every QA finding is one problem, at the finding's severity (error, warning or flag);
    \li a stage that failed is an error, with the stage's own message (a source that could not be loaded);
        a stage that was interrupted, or a fetch that stopped with files still to do, is a warning.
    \endlist
*/
class Problems
{
    Q_DECLARE_TR_FUNCTIONS(gh::Problems)

public:
    //! The problem \a file is, if its status has Error severity.
    static std::optional<Problem> ofFile(const FileRecord &file);
    /*!
        The problems of \a batch that are not one file's: from its intake trace, its \a stages (with their
        details, as Catalog::stages() reads them) and its counts.
    */
    static QList<Problem> ofBatch(const BatchRecord &batch, const QList<StageRecord> &stages);
    //! The problem QA finding \a finding is; \a where says where ("item / name", empty for the batch).
    static Problem ofFinding(const FindingRecord &finding, const QString &where);
    /*!
        The QA checks whose finding about a file says what the file's status says already, with that
        status: \c fixity with fixity-mismatch, \c empty with empty. Such a finding is the file's problem,
        not a second one: it is neither counted nor listed beside the file.
    */
    static const QList<std::pair<QString, FileStatus>> &restatedStatuses();
    //! Whether \a finding says what a file with \a status (its file's) says already.
    static bool restatesStatus(const FindingRecord &finding, FileStatus status);
    //! \a batch's problems by level: its Error-severity files and \a batchProblems (QA findings are added
    //! by annotate(), which reads their counts).
    static ProblemCounts count(const BatchRecord &batch, const QList<Problem> &batchProblems);
    /*!
        Fills BatchRecord::batchProblems and BatchRecord::problems of every batch in \a batches, reading the
        stage details of the batches whose lamps show a problem and counting their QA findings.
    */
    static Status annotate(Catalog &catalog, QList<BatchRecord> &batches);

    //! A short, translated title: the status's name, "Intake warning", "Fetch failed", …
    static QString title(const Problem &problem);
    //! Where a file problem is: "item / file".
    static QString where(const FileRecord &file);
    //! "No problems", "1 problem", "3 problems".
    static QString countText(qint64 count);
    //! "1 error, 2 warnings, 1 QA flag" — what the count is made of; empty when there are none.
    static QString breakdownText(const ProblemCounts &counts);

    //! {"kind", "level", "stage", "file_id", "status", "where", "message"} (file keys for files only).
    static QJsonObject toJson(const Problem &problem);
    //! {"errors", "warnings", "total"}.
    static QJsonObject toJson(const ProblemCounts &counts);
    static QString kindKey(Problem::Kind kind);
    static QString levelKey(Problem::Level level);
};

} // namespace gh
