#pragma once

#include <optional>

#include <QCoreApplication>

#include "reviewtypes.h"
#include "util/result.h"

class QSqlQuery;

namespace gh {

class Catalog;
class Settings;

/*!
    \class gh::SampleRequest
    What a curator asks of a sample; unset fields take the settings' values ([review] aql, level) and a fresh
    random seed.
*/
struct SampleRequest
{
    std::optional<int> aqlHundredths;
    std::optional<InspectionLevel> level;
    std::optional<quint64> seed;
    QString agent; //!< Who draws it (the curator's name).
};

/*!
    \class gh::ReviewBook
    The manual-QA record of batches in the catalog: the sample drawn for each (plan, seed, items), the
    verdicts given, the supplier, and the link from a re-delivery to the batch it replaces. Every change is
    one transaction together with its PREMIS event, so a verdict given is a verdict kept, even if the process
    dies a moment later. Used by the CLI and the GUI's review view alike.

    The lot is the batch's items — for a newspaper batch, its pages (items marked \c kind "page" or carrying
    a \c page_number), not the film and edition folders.
*/
class ReviewBook
{
    Q_DECLARE_TR_FUNCTIONS(gh::ReviewBook)

public:
    explicit ReviewBook(Catalog &catalog);

    //! The items of the lot, in batch order.
    Result<QList<qint64>> lotItems(qint64 batchId);

    //! The recorded sample (\c drawn false when there is none), with every verdict.
    Result<ReviewSample> sample(qint64 batchId);

    /*!
        Draws the sample of \a batchId, or returns the one already drawn when \a request asks for nothing
        different. A different AQL, level or seed draws again — refused once verdicts were given. Flagged
        items (ReviewFlags) are added beyond the drawn ones. Records a PREMIS event with the plan and seed.
    */
    Result<ReviewSample> draw(qint64 batchId, const SampleRequest &request, const Settings &settings);

    //! Adds items flagged since the sample was drawn; returns how many were added.
    Result<int> refreshFlags(qint64 batchId);

    /*!
        Records a verdict on \a itemId (replacing an earlier one). An item that is neither drawn nor flagged
        is added by hand (it does not count toward Ac and Re). A fail needs a defect reason. Refused when the
        batch is already approved or rejected, or no sample has been drawn.
    */
    Status setVerdict(qint64 batchId, qint64 itemId, Verdict verdict, const QString &defect,
                      const QString &note, const QString &agent);
    //! Withdraws the verdict on \a itemId (undo); an item added by hand leaves the review.
    Status withdrawVerdict(qint64 batchId, qint64 itemId, const QString &agent);

    //! The item of \a batchId named by \a text: its catalog id, or else its identifier.
    Result<qint64> resolveItem(qint64 batchId, const QString &text);

    // Suppliers and re-deliveries

    /*!
        The supplier for a batch named \a batchName: the longest prefix of [review] suppliers (PREFIX=NAME)
        that the name starts with, else [review] supplier; empty when neither says.
    */
    static QString supplierFor(const QString &batchName, const Settings &settings);
    Status setSupplier(qint64 batchId, const QString &supplier);
    /*!
        Makes sure the batch carries a supplier: \a explicitSupplier when given, else the one recorded, else
        supplierFor() its name; records it and returns it.
    */
    Result<QString> assignSupplier(qint64 batchId, const Settings &settings,
                                   const QString &explicitSupplier = {});

    //! Links \a batchId as the re-delivery of \a previousId (a rejected batch of the same supplier usually).
    Status linkRedelivery(qint64 batchId, qint64 previousId);
    /*!
        Links a batch named "…-RT<n>" to the newest other batch named "…-RT<m>" with m < n, if there is one
        and no link was recorded; returns the linked batch.
    */
    Result<std::optional<qint64>> linkRedeliveryByName(qint64 batchId);

    //! One batch as the supplier history shows it.
    Result<SupplierBatch> summary(qint64 batchId);
    //! The supplier's newest \a limit batches, newest first.
    Result<QList<SupplierBatch>> supplierHistory(const QString &supplier, int limit = 10);
    /*!
        What was wrong with the batch \a batchId re-delivers: the rejection's reason and the failed items
        with their defect reasons. Empty when it re-delivers nothing.
    */
    Result<QStringList> previousProblems(qint64 batchId);

    //! "pass" … as the agent of review events: \a name, else the operating system's user name.
    static QString curatorName(const Settings &settings);

private:
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what);
    Status ensureOpen(qint64 batchId);
    Status writeSample(qint64 batchId, const SamplingPlan &plan, quint64 seed, const QList<qint64> &drawn,
                       const QString &agent);
    Status insertFlags(qint64 batchId, const QHash<qint64, QStringList> &flags, const QSet<qint64> &present);
    Result<QList<SupplierBatch>> summaries(const QString &where, const QVariantList &values, int limit);
    //! Sets the review stage's lamp from the sample (within the caller's transaction).
    Status recordLamp(qint64 batchId);

    Catalog &m_catalog;
};

} // namespace gh
