#pragma once

#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QHash>

#include "catalog/checkrecords.h"
#include "check.h"

namespace gh {

class BitStore;
class CheckRegistry;

/*!
    \class gh::CheckRunner
    The engine of the check stage, without the stage: the checks a QA profile picks from the registry,
    their shared environment (schemas opened once, the image analyser), and the two passes.

    \list
    \li checkFile() runs the per-file pass on one file: reentrant, for any number of worker threads at once.
        Its CheckedFile goes to CheckRecords::writeFileResults(), in whatever transactions the caller
        batches (the stage's commits).
    \li checkBatch() runs the checks across files once every file has had its per-file pass, reading the
        facts that pass kept from the catalog, one item at a time; recordBatch() writes what it found.
    \endlist

    Every check that looks at a file gives it a PREMIS event (the check's type: "validation", "fixity
    check", "format identification"), and the batch gets one event summing the run up.
*/
class CheckRunner
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckRunner)

public:
    /*!
        The checks of \a registry that \a profile runs, for \a batch. Schemas are opened from
        \a profile.schemas, else from the downloaded standard set (SchemaSet::defaultLocation()); with
        neither, xml-schema notes once per batch that it was skipped. Fails for a check name the registry
        does not know and for schemas that cannot be opened.
    */
    static Result<std::shared_ptr<const CheckRunner>>
    create(const BatchRecord &batch, const QaProfile &profile, const CheckRegistry &registry);
    static Result<std::shared_ptr<const CheckRunner>> create(const BatchRecord &batch,
                                                             const QaProfile &profile);

    const CheckEnvironment &environment() const { return m_environment; }
    QStringList checkNames() const;

    /*!
        Runs the per-file pass on \a file, whose stored copy is at \a path (empty when it has none here).
        \a kept are image statistics an earlier run kept for it; they are used instead of decoding when they
        describe the same content.
    */
    CheckedFile checkFile(const FileRecord &file, const QString &path,
                          const std::optional<ImageStatistics> &kept = std::nullopt) const;
    /*!
        checkFile() on the stored copy of \a file in \a store, when the catalog says it has one there
        (stored, unchanged, or stored with a checksum mismatch); otherwise on what the catalog knows of it.
        Reentrant.
    */
    CheckedFile checkStored(BitStore &store, const FileRecord &file,
                            const std::optional<ImageStatistics> &kept = std::nullopt) const;

    /*!
        \class gh::CheckRunner::BatchResult
        What the checks across files found, and which files each judged (each judged file gets an event).
    */
    struct BatchResult
    {
        QList<FindingRecord> findings;
        struct Judged
        {
            QString check;
            QString eventType;
            QList<std::pair<qint64, qint64>> files; //!< (file id, item id)
        };
        QList<Judged> judged;
    };
    //! Runs the checks across files over the items of the runner's batch.
    Result<BatchResult> checkBatch(CheckRecords &records) const;
    /*!
        Writes \a result: replaces the batch-level findings, adds an event per judged file (in chunks, so
        a batch of a million files never holds its events at once), and the batch's own event with the
        totals of both passes, all in one transaction: a run killed on the way records them once later.
    */
    Status recordBatch(CheckRecords &records, const BatchResult &result) const;

private:
    CheckRunner() = default;
    EventRecord event(qint64 fileId, qint64 itemId, const QString &type, const QString &check,
                      const QList<const FindingRecord *> &findings) const;

    CheckEnvironment m_environment;
    QList<std::shared_ptr<const Check>> m_checks;
    QString m_agent;
};

} // namespace gh
