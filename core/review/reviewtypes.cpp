#include "reviewtypes.h"

#include "pipeline/fetchoutcome.h"

namespace gh {

EventRecord reviewEvent(qint64 batchId, qint64 itemId, qint64 fileId, const QString &type,
                        const QString &outcome, const QString &detail, const QString &agent)
{
    // The stages' one event builder; review's events concern a file, an item (file 0) or the batch (both 0).
    FileRecord about;
    about.batchId = batchId;
    about.itemId = itemId;
    about.id = fileId;
    return FileFinisher::event(about, type, outcome, detail, agent);
}

qint64 ReviewSample::reviewed() const
{
    return std::count_if(items.cbegin(), items.cend(),
                         [](const ReviewItem &i) { return i.counts() && i.verdict != Verdict::None; });
}

qint64 ReviewSample::defects() const
{
    return std::count_if(items.cbegin(), items.cend(),
                         [](const ReviewItem &i) { return i.counts() && i.verdict == Verdict::Fail; });
}

qint64 ReviewSample::extraItems() const
{
    return std::count_if(items.cbegin(), items.cend(), [](const ReviewItem &i) { return !i.counts(); });
}

qint64 ReviewSample::extraReviewed() const
{
    return std::count_if(items.cbegin(), items.cend(),
                         [](const ReviewItem &i) { return !i.counts() && i.verdict != Verdict::None; });
}

qint64 ReviewSample::unreviewed() const
{
    return std::count_if(items.cbegin(), items.cend(),
                         [](const ReviewItem &i) { return i.verdict == Verdict::None; });
}

BatchVerdict ReviewSample::verdict() const
{
    if (!drawn)
        return BatchVerdict::Pending;
    const qint64 d = defects();
    if (d >= plan.reject)
        return BatchVerdict::Reject;
    if (reviewed() >= plan.sampleSize && d <= plan.accept)
        return BatchVerdict::Accept;
    return BatchVerdict::Pending;
}

qsizetype ReviewSample::indexOf(qint64 itemId) const
{
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (items[i].itemId == itemId)
            return i;
    }
    return -1;
}

QString ReviewKeys::key(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return QStringLiteral("pass");
    case Verdict::Fail:
        return QStringLiteral("fail");
    case Verdict::None:
        break;
    }
    return {};
}

std::optional<Verdict> ReviewKeys::verdictFromKey(QStringView key)
{
    if (key == u"pass")
        return Verdict::Pass;
    if (key == u"fail")
        return Verdict::Fail;
    if (key.isEmpty())
        return Verdict::None;
    return std::nullopt;
}

QString ReviewKeys::key(BatchVerdict verdict)
{
    switch (verdict) {
    case BatchVerdict::Accept:
        return QStringLiteral("accept");
    case BatchVerdict::Reject:
        return QStringLiteral("reject");
    case BatchVerdict::Pending:
        break;
    }
    return QStringLiteral("pending");
}

QString ReviewKeys::key(ReviewReason reason)
{
    switch (reason) {
    case ReviewReason::Flag:
        return QStringLiteral("flag");
    case ReviewReason::Manual:
        return QStringLiteral("manual");
    case ReviewReason::Random:
        break;
    }
    return QStringLiteral("random");
}

ReviewReason ReviewKeys::reasonFromKey(QStringView key)
{
    if (key == u"flag")
        return ReviewReason::Flag;
    if (key == u"manual")
        return ReviewReason::Manual;
    return ReviewReason::Random;
}

QString ReviewKeys::displayName(BatchVerdict verdict)
{
    switch (verdict) {
    case BatchVerdict::Accept:
        return tr("accept");
    case BatchVerdict::Reject:
        return tr("reject");
    case BatchVerdict::Pending:
        break;
    }
    return tr("pending");
}

QString ReviewKeys::scoreboard(const ReviewSample &sample)
{
    const qint64 defects = sample.defects();
    return tr("%1 of %2 reviewed · %3 · accept up to %4, reject at %5")
        .arg(sample.reviewed())
        .arg(sample.plan.sampleSize)
        .arg(defects == 1 ? tr("1 defect") : tr("%1 defects").arg(defects))
        .arg(sample.plan.accept)
        .arg(sample.plan.reject);
}

} // namespace gh
