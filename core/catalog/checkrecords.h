#pragma once

#include <functional>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSqlQuery>

#include "model/finding.h"
#include "model/records.h"
#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \class gh::CheckedFile
    What the per-file pass of QA produced for one file: its findings, the facts the checks across files
    compare later (page number, sizes, identifiers, with their lines), new image statistics, and the PREMIS
    events, one per check that ran on it.
*/
struct CheckedFile
{
    qint64 fileId = 0;
    qint64 batchId = 0;
    QList<FindingRecord> findings;
    QJsonObject facts;
    std::optional<ImageStatistics> image; //!< Set when the file was decoded in this pass.
    QList<EventRecord> events;
};

/*!
    \class gh::CheckedItemFile
    One file of an item as the checks across files see it: the file as the catalog has it, and the facts its
    per-file pass recorded (empty when it was not checked, a file that is missing, say).
*/
struct CheckedItemFile
{
    FileRecord file; //!< Id, item, name, status, size, mimetype, stored key, declared checksums and origin.
    QJsonObject facts;
    bool checked = false; //!< Whether the per-file pass has seen it.
};

/*!
    \class gh::CheckedItem
    An item with its files, in catalog order, for the checks across files.
*/
struct CheckedItem
{
    ItemRecord item;
    QList<CheckedItemFile> files;
};

/*!
    \class gh::CheckRecords
    The catalog's QA tables (schema version 5): findings per (file, check), the facts the per-file pass keeps
    for the checks across files, and image statistics. Works on the connection of a Catalog and belongs to
    its thread.

    Findings come in two scopes: those of the per-file pass, replaced file by file, and those of the checks
    across files, replaced for the whole batch at once, so either pass can run again without touching the
    other's.
*/
class CheckRecords
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckRecords)

public:
    explicit CheckRecords(Catalog &catalog);

    /*!
        Writes what the per-file pass found for \a files: each file's per-file findings and facts are
        replaced, new image statistics replace old ones, events are added. Runs inside the caller's
        transaction (Catalog::transaction()), so a stage can commit it with its own bookkeeping.
    */
    Status writeFileResults(const QList<CheckedFile> &files);
    //! writeFileResults() in a transaction of its own.
    Status recordFileResults(const QList<CheckedFile> &files);
    //! Replaces the findings of the checks across files of \a batchId and adds \a events, in one transaction.
    Status recordBatchResults(qint64 batchId, const QList<FindingRecord> &findings,
                              const QList<EventRecord> &events);
    //! Replaces the findings of the checks across files of \a batchId, inside the caller's transaction.
    Status writeBatchFindings(qint64 batchId, const QList<FindingRecord> &findings);
    //! Adds \a events in a transaction of their own.
    Status addEvents(const QList<EventRecord> &events);
    //! Adds \a events inside the caller's transaction.
    Status writeEvents(const QList<EventRecord> &events);
    //! The catalog the records are in (for a transaction around several writes).
    Catalog &catalog() const { return m_catalog; }
    /*!
        Forgets what the per-file pass of QA found about \a fileIds and that it saw them (their findings,
        facts and check-stage rows), in one transaction: a file whose status "check again" re-decided is
        checked again by the next run, and no finding about its old state stays behind. Image statistics
        stay (tied to the content's SHA-256).
    */
    Status forgetFiles(const QList<qint64> &fileIds);
    //! Forgets every finding and fact of \a batchId, for a check from scratch; image statistics stay (they
    //! are tied to the content's SHA-256, not to a run).
    Status clearBatch(qint64 batchId);

    //! Every finding of the batch: the batch's own first, then by file id and order found.
    Result<QList<FindingRecord>> findings(qint64 batchId);
    //! The findings about file \a fileId.
    Result<QList<FindingRecord>> fileFindings(qint64 fileId);
    //! The findings about item \a itemId and its files, in the order found.
    Result<QList<FindingRecord>> itemFindings(qint64 itemId);
    //! The batch's findings by file id; findings about no file are under 0.
    Result<QHash<qint64, QList<FindingRecord>>> findingsByFile(qint64 batchId);
    //! The findings about \a fileIds (a page of files), by file id.
    Result<QHash<qint64, QList<FindingRecord>>> findingsByFile(const QList<qint64> &fileIds);

    /*!
        \class gh::CheckRecords::Count
        How many findings of one severity one check made in a batch.
    */
    struct Count
    {
        QString check;
        FindingSeverity severity = FindingSeverity::Error;
        qint64 findings = 0;
        qint64 files = 0; //!< Distinct files among them.
    };
    Result<QList<Count>> counts(qint64 batchId);
    /*!
        counts() without the findings of a check about a file whose status says the same already: for each
        (check, status) of \a restated, findings of that check about a file with that status are left out
        (QA's \c fixity finding about a file whose status is fixity-mismatch is the same problem).
    */
    Result<QList<Count>> counts(qint64 batchId, const QList<std::pair<QString, FileStatus>> &restated);
    //! How many files of \a batchId the per-file pass has seen.
    Result<qint64> checkedFileCount(qint64 batchId);

    /*!
        Calls \a visit for every item of \a batchId in catalog order with its files and their facts; stops
        early when it returns false. Only one item is in memory at a time.
    */
    Status forEachItem(qint64 batchId, const std::function<bool(const CheckedItem &)> &visit);

    Result<std::optional<ImageStatistics>> imageStatistics(qint64 fileId);
    //! The statistics kept for any of \a fileIds, by file id.
    Result<QHash<qint64, ImageStatistics>> imageStatistics(const QList<qint64> &fileIds);

private:
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what);
    Error sqlError(const QSqlQuery &query, const QString &what) const;
    Status insertFindings(const QList<FindingRecord> &findings, QStringView scope);
    Status insertEvents(const QList<EventRecord> &events);

    Catalog &m_catalog;
};

} // namespace gh
