#pragma once

#include <QCoreApplication>
#include <QStringList>

#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \class gh::DedupReview
    What the duplicates stage tells the curator's review (registered in core/review/reviewhooks.cpp): an
    approval gate, and the duplicate cases of one item for the review view.
*/
class DedupReview
{
    Q_DECLARE_TR_FUNCTIONS(gh::DedupReview)

public:
    /*!
        The approval gate: one sentence while files of \a batchId wait for a duplicate decision ("3 files
        await a duplicate decision: rec-1/p1.jpg (in-batch), …"), naming the first few; none when no file
        waits. \c approve \c --override passes it.
    */
    static Result<QStringList> approvalBlockers(Catalog &catalog, qint64 batchId);
    /*!
        One line per duplicate case of the files of \a itemId, against each target: the case, what made it,
        and the decision in force (who, which) or that it waits for one.
    */
    static Result<QStringList> itemCases(Catalog &catalog, qint64 itemId);
};

} // namespace gh
