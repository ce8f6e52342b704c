#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \class gh::QaReview
    What QA tells the curator's review (registered in core/review/reviewhooks.cpp): which items must be
    reviewed beyond the sample because a check found something in them, and an item's findings for the
    review view.
*/
class QaReview
{
    Q_DECLARE_TR_FUNCTIONS(gh::QaReview)

public:
    //! Items of \a batchId with a check finding, each with its findings in words ("dark-page: …").
    static Result<QHash<qint64, QStringList>> flaggedItems(Catalog &catalog, qint64 batchId);
    //! The check findings of item \a itemId, one line each ("flag dark-page: …").
    static Result<QStringList> itemFindings(Catalog &catalog, qint64 itemId);
};

} // namespace gh
