#include "reviewjson.h"

#include <QJsonArray>

#include "catalog/catalog.h"

namespace gh {

QJsonObject ReviewJson::plan(const SamplingPlan &plan)
{
    return QJsonObject{
        {QStringLiteral("lot_size"), plan.lotSize},
        {QStringLiteral("code_letter"), QString(plan.codeLetter)},
        {QStringLiteral("plan_letter"), QString(plan.planLetter)},
        {QStringLiteral("sample_size"), plan.sampleSize},
        {QStringLiteral("accept"), plan.accept},
        {QStringLiteral("reject"), plan.reject},
        {QStringLiteral("aql"), plan.aql()},
        {QStringLiteral("level"), SamplingPlans::levelKey(plan.level)},
    };
}

QJsonObject ReviewJson::sample(const ReviewSample &sample)
{
    QJsonObject o = plan(sample.plan);
    QJsonArray items;
    QJsonArray flagged;
    QJsonArray manual;
    for (const ReviewItem &item : sample.items) {
        if (item.reason == ReviewReason::Random)
            items.append(item.itemId);
        else if (item.reason == ReviewReason::Flag)
            flagged.append(item.itemId);
        else
            manual.append(item.itemId);
    }
    o.insert(QStringLiteral("batch"), sample.batchId);
    o.insert(QStringLiteral("seed"), qint64(sample.seed));
    o.insert(QStringLiteral("items"), items);
    o.insert(QStringLiteral("flagged_items"), flagged);
    o.insert(QStringLiteral("manual_items"), manual);
    o.insert(QStringLiteral("reviewed"), sample.reviewed());
    o.insert(QStringLiteral("defects"), sample.defects());
    o.insert(QStringLiteral("verdict"), ReviewKeys::key(sample.verdict()));
    return o;
}

QJsonObject ReviewJson::review(const ReviewSample &sample)
{
    return QJsonObject{
        {QStringLiteral("drawn"), sample.drawn},
        {QStringLiteral("sample_size"), sample.drawn ? sample.plan.sampleSize : 0},
        {QStringLiteral("reviewed"), sample.reviewed()},
        {QStringLiteral("defects"), sample.defects()},
        {QStringLiteral("verdict"), ReviewKeys::key(sample.verdict())},
        {QStringLiteral("flagged"), sample.extraItems()},
        {QStringLiteral("flagged_reviewed"), sample.extraReviewed()},
    };
}

QJsonObject ReviewJson::supplierBatch(const SupplierBatch &b)
{
    QJsonObject o{
        {QStringLiteral("batch"), b.batchId},
        {QStringLiteral("name"), b.name},
        {QStringLiteral("state"), batchStateKey(b.state)},
        {QStringLiteral("verdict"), ReviewKeys::key(b.verdict)},
        {QStringLiteral("sample_size"), b.sampleSize},
        {QStringLiteral("reviewed"), b.reviewed},
        {QStringLiteral("defects"), b.defects},
        {QStringLiteral("defect_rate"), b.reviewed > 0 ? QJsonValue(b.defectRate()) : QJsonValue()},
        {QStringLiteral("decided_at"),
         b.decidedAt.isValid() ? QJsonValue(Catalog::toDbTime(b.decidedAt)) : QJsonValue()},
        {QStringLiteral("decided_by"), b.decidedBy.isEmpty() ? QJsonValue() : QJsonValue(b.decidedBy)},
        {QStringLiteral("reason"), b.reason.isEmpty() ? QJsonValue() : QJsonValue(b.reason)},
        {QStringLiteral("redelivery_of"), b.redeliveryOf > 0 ? QJsonValue(b.redeliveryOf) : QJsonValue()},
    };
    return o;
}

} // namespace gh
