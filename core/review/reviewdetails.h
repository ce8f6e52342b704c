#pragma once

#include <QCoreApplication>
#include <QList>
#include <QStringList>

#include "model/records.h"
#include "util/result.h"

namespace gh {

class Catalog;

/*!
    \class gh::ReviewItemDetails
    What the review view shows about one item: the record, its files in order (the pages the preview turns
    through), its findings and its duplicate case, each line in words.
*/
struct ReviewItemDetails
{
    qint64 batchId = 0;
    ItemRecord item;
    QList<FileRecord> files;
    QStringList findings;
    QStringList duplicates;
};

/*!
    \class gh::ReviewDetails
    Reads an item's details for review. The findings and the duplicate case come from the sources registered
    in ReviewHooks (findingSources(), duplicateSources()), so the QA and duplicates stages feed the view
    without it knowing them; the built-in sources below need nothing but the catalog.
*/
class ReviewDetails
{
    Q_DECLARE_TR_FUNCTIONS(gh::ReviewDetails)

public:
    //! The item \a itemId with its files, findings and duplicate case.
    static Result<ReviewItemDetails> load(Catalog &catalog, qint64 itemId);

    //! Built-in finding source: each file of the item whose status needs attention or was skipped, with
    //! the recorded error ("page-0004.jp2: fixity-mismatch — declared md5 … differs").
    static Result<QStringList> fileProblems(Catalog &catalog, qint64 itemId);
    //! Built-in duplicate source: files of other items with the same content (SHA-1 and SHA-256 equal),
    //! in this batch or another ("page-0004.jp2 is identical to page-0007.jp2 of item P7, batch 3 B-RT1").
    static Result<QStringList> identicalFiles(Catalog &catalog, qint64 itemId);
};

} // namespace gh

Q_DECLARE_METATYPE(gh::ReviewItemDetails)
