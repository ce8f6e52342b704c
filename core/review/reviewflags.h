#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \class gh::ReviewFlags
    Which items of a batch must be reviewed beyond the statistical sample: every item with a QA flag or an
    unresolved problem. They are added to the review but do not count toward the plan's Ac and Re.
*/
class ReviewFlags
{
    Q_DECLARE_TR_FUNCTIONS(gh::ReviewFlags)

public:
    /*!
        The flagged items of \a batchId with the reasons for each, from every source registered in
        ReviewHooks::flagSources() (the file-errors source below; the QA stage adds its check findings).
    */
    static Result<QHash<qint64, QStringList>> flaggedItems(Catalog &catalog, qint64 batchId);

    /*!
        The built-in source: items with a file whose status has Severity::Error (a checksum mismatch, a
        missing page, a download that failed), each reason "name: status".
    */
    static Result<QHash<qint64, QStringList>> fileErrors(Catalog &catalog, qint64 batchId);
};

} // namespace gh
