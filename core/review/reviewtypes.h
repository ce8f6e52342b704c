#pragma once

#include <optional>

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "model/records.h"
#include "qa/samplingplan.h"

namespace gh {

//! A curator's verdict on one reviewed item.
enum class Verdict
{
    None, //!< Not reviewed yet.
    Pass, //!< "pass"
    Fail  //!< "fail": a defect; the defect reason says which.
};

//! The batch verdict the sampling plan gives.
enum class BatchVerdict
{
    Pending, //!< "pending": the sample is incomplete and defects are below Re.
    Accept,  //!< "accept": every sampled item reviewed, defects at most Ac.
    Reject   //!< "reject": defects reached Re (reviewing may go on).
};

//! Why an item is up for review.
enum class ReviewReason
{
    Random, //!< "random": drawn by the sampling plan; counts toward Ac and Re.
    Flag,   //!< "flag": added because of a QA flag or an unresolved problem; does not count.
    Manual  //!< "manual": added by a curator giving it a verdict; does not count.
};

/*!
    \class gh::ReviewItem
    One item up for review and its current verdict.
*/
struct ReviewItem
{
    qint64 itemId = 0;
    int seq = 0; //!< The item's position in the batch (review order).
    QString identifier;
    QString label;
    ReviewReason reason = ReviewReason::Random;
    QStringList flags; //!< Why it is flagged (for any reason: a drawn item may be flagged too).
    Verdict verdict = Verdict::None;
    QString defect; //!< The defect reason of a fail.
    QString note;
    QString reviewer;
    QDateTime decidedAt;

    bool counts() const { return reason == ReviewReason::Random; }
};

/*!
    \class gh::ReviewSample
    The recorded QA sample of a batch: the plan, the seed, and the items with their verdicts, in batch order.
*/
struct ReviewSample
{
    qint64 batchId = 0;
    bool drawn = false; //!< False while no sample has been drawn.
    SamplingPlan plan;
    quint64 seed = 0;
    QDateTime drawnAt;
    QString drawnBy;
    QList<ReviewItem> items;

    //! Drawn items with a verdict.
    qint64 reviewed() const;
    //! Drawn items that failed.
    qint64 defects() const;
    //! Items up for review for a flag or by hand (they do not count toward Ac and Re).
    qint64 extraItems() const;
    qint64 extraReviewed() const;
    //! Every item, drawn or added, without a verdict.
    qint64 unreviewed() const;
    BatchVerdict verdict() const;
    //! The item's index in \c items, or -1.
    qsizetype indexOf(qint64 itemId) const;
};

/*!
    \class gh::SupplierBatch
    One batch in a supplier's history: its decision, its review, and what it re-delivers.
*/
struct SupplierBatch
{
    qint64 batchId = 0;
    QString name;
    QString supplier;
    QDateTime created;
    BatchState state = BatchState::Open;
    QDateTime decidedAt;
    QString decidedBy;
    QString reason; //!< Why it was rejected, why an approval overrode a refusal, or the approver's note.
    bool overridden = false;
    qint64 sampleSize = 0;
    qint64 reviewed = 0;
    qint64 defects = 0;
    BatchVerdict verdict = BatchVerdict::Pending;
    qint64 redeliveryOf = 0; //!< The rejected batch this one re-delivers, or 0.
    QString redeliveryOfName;

    //! Defects per reviewed drawn item, 0 … 1; negative when nothing was reviewed.
    double defectRate() const { return reviewed > 0 ? double(defects) / double(reviewed) : -1.0; }
};

//! A PREMIS event of review (\a itemId and \a fileId 0 when it concerns the batch), timed now.
EventRecord reviewEvent(qint64 batchId, qint64 itemId, qint64 fileId, const QString &type,
                        const QString &outcome, const QString &detail, const QString &agent);

class ReviewKeys
{
    Q_DECLARE_TR_FUNCTIONS(gh::ReviewKeys)

public:
    static QString key(Verdict verdict);
    static std::optional<Verdict> verdictFromKey(QStringView key);
    static QString key(BatchVerdict verdict);
    static QString key(ReviewReason reason);
    static ReviewReason reasonFromKey(QStringView key);
    //! "accept", "reject", "pending", translated for people.
    static QString displayName(BatchVerdict verdict);
    //! "17 of 50 reviewed · 1 defect · accept up to 1, reject at 2": where the plan stands.
    static QString scoreboard(const ReviewSample &sample);
};

} // namespace gh
