#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>

#include "catalog/duplicatebook.h"
#include "dedupsettings.h"

namespace gh {

class BitStore;
class Target;
struct DeliveryOptions;

/*!
    \class gh::DedupSummary
    The counts of one classification: \c dedup prints them (and \c --json gives this object):
    \code
    {"batch": 3, "target": "mediawiki:https://…/api.php", "files": 12, "needs_decision": 4,
     "unnamed": 0, "cases": {"already-there": 1, "hash-elsewhere": 1, …},
     "open": {"hash-elsewhere": 1, …}, "decided": {"skip": 1, …}, "deleted_before": 1,
     "problems": ["…"]}
    \endcode
    \c cases has every case key (0 when none), \c open the files of each case still waiting for a decision,
    \c decided the decisions in force by action.
*/
struct DedupSummary
{
    qint64 batchId = 0;
    QString target;
    QMap<DuplicateCase, DuplicateBook::Count> counts;
    qint64 open = 0;    //!< Files that need a decision and have none.
    qint64 unnamed = 0; //!< Files this run could not name (no case: they cannot go to the target).
    qint64 deletedBefore = 0;
    QStringList problems; //!< One sentence per unnamed file.

    qint64 files() const;
    QJsonObject toJson() const;
};

/*!
    \class gh::DuplicateClassifier
    Puts every fetched file of a batch that a target takes into one duplicate case (catalog/duplicates.h),
    against the target, the catalog's earlier batches and the batch itself, a page of files at a time.

    For each page:
    \list 1
    \li The intended name, as upload gives it (without a target: the item and file name): the same UploadPlan
   ({page}, {pages}), the same TargetDelivery::prepare() (title or key template, conversion rule: a converted
   file is converted here too, so its derivative's digests are what is looked up, and the copy is removed
   again). \li The catalog: files with the same SHA-1 (and SHA-256) in this batch before this one (\c
   in-batch, the first is kept) or in earlier batches (\c earlier-batch), in one query on the index of
        files.sha1.
    \li The target: one batched look-up for the page (a wiki: 50 titles per request, and our bytes either
        from one listing of every file it holds, when the wiki is small enough for that to take fewer
        requests than the run's searches, or one search per distinct SHA-1, several at once within its
        politeness limit; cached for the run by the target).
    \li The case, with what the target holds (name, size, date, uploader, URLs), deleted copies of our
        bytes (for copyright or not), written with a PREMIS \c validation event when the case is new or
        changed, and the settings' rules applied to files without a decision in force — all in one
        transaction per page.
    \endlist

    A file whose decision the upload already carried out keeps its case. Precedence, when several apply:
    \c already-there (nothing to do whatever else is true), then \c in-batch, \c earlier-batch, then what the
    target says. Works on the thread that owns \a catalog; the target's calls block.
*/
class DuplicateClassifier
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateClassifier)

public:
    DuplicateClassifier(Catalog &catalog, BitStore &store, Target &target, qint64 batchId,
                        const DedupSettings &settings);
    /*!
        Classifies against the catalog and the batch alone (no target: the batch has none yet): every fetched
        file is \c in-batch, \c earlier-batch or \c new, recorded under DuplicateInfo::catalogTarget() with
        its item and file name as the intended name. The dedup stage does this for a batch without a target.
    */
    DuplicateClassifier(Catalog &catalog, qint64 batchId, const DedupSettings &settings);
    ~DuplicateClassifier();

    //! Reads the batch and builds the upload plan; call once before classify().
    Status prepare();
    //! How many files the target takes (after prepare()).
    qint64 plannedFiles() const;
    /*!
        Classifies the files of \a page that the target takes (others are passed over) and records them.
        Returns the records written.
    */
    Result<QList<DuplicateRecord>> classify(const QList<FileRecord> &page,
                                            const std::shared_ptr<std::atomic_bool> &cancel = {});
    /*!
        Classifies every file of the batch, \a pageSize at a time, calling \a progress(done, total) after
        each page. Stops with ErrorCode::Cancelled when \a cancel is set; what was recorded stays.
    */
    Status run(const std::function<void(qint64 done, qint64 total)> &progress = {},
               const std::shared_ptr<std::atomic_bool> &cancel = {}, int pageSize = 500);
    //! The counts of the batch's cases against the target, as recorded.
    Result<DedupSummary> summary();

private:
    Result<ItemRecord> item(qint64 itemId);
    //! The target key the cases are recorded under.
    QString spec() const;
    //! Whether the target takes \a fileId (every fetched file of the batch without a target).
    bool takes(qint64 fileId) const;

    Catalog &m_catalog;
    BitStore *m_store = nullptr;
    Target *m_target = nullptr; //!< Null: the catalog and the batch alone.
    qint64 m_batchId;
    DedupSettings m_settings;
    QString m_batchName;
    std::optional<UploadPlan> m_plan;
    // Held by pointer so that this header, which moc'd headers include, need not include
    // targets/targetdelivery.h: core/intake/hotfolder.h declares another gh::Delivery, and moc compiles both
    // into one unit.
    std::unique_ptr<DeliveryOptions> m_options;
    QHash<qint64, ItemRecord> m_items;
    qint64 m_unnamed = 0;
    qint64 m_planned = 0; //!< Without a target: the fetched files to check.
    bool m_prepared = false;
    QStringList m_problems;
    QString m_agent;
};

} // namespace gh
