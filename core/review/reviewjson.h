#pragma once

#include <QJsonObject>

#include "reviewtypes.h"

namespace gh {

/*!
    \class gh::ReviewJson
    The JSON shapes of review in the CLI contract (stable snake_case keys).
*/
class ReviewJson
{
public:
    /*!
        \c sample --json: lot_size, code_letter (Table I), plan_letter (the row whose plan applies after the
        arrows), sample_size (the lot size under 100 % inspection), accept, reject, aql, level.
    */
    static QJsonObject plan(const SamplingPlan &plan);
    //! plan() plus batch, seed, items (drawn item ids), flagged_items, manual_items, reviewed, defects,
    //! verdict.
    static QJsonObject sample(const ReviewSample &sample);
    //! \c status --json's "review": sample_size, reviewed, defects, verdict (+ drawn, flagged,
    //! flagged_reviewed).
    static QJsonObject review(const ReviewSample &sample);
    //! One batch of a supplier's history.
    static QJsonObject supplierBatch(const SupplierBatch &batch);
};

} // namespace gh
