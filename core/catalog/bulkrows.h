#pragma once

#include <QHash>
#include <QList>

#include "model/filestate.h"
#include "model/records.h"
#include "util/result.h"

namespace gh {

class Catalog;

// Catalog work on many rows a statement, where one statement per row was most of the time at 10^6 files
// (tests/bench/scale.sh). Free functions beside Catalog, in catalog.cpp.

/*!
    \struct gh::NewItem
    An item and its files on their way into the catalog (intake's output).
*/
struct NewItem
{
    ItemRecord item;         //!< batchId and seq set; the id is assigned on insert.
    QList<FileRecord> files; //!< batchId and seq set; itemId is filled in on insert.
};

/*!
    Writes \a items and their files into \a catalog with multi-row INSERTs, up to 500 rows a statement, in
    the caller's transaction: a few statements per 500 items instead of two round trips per file, which on
    PostgreSQL were most of a 10^6-file load's time (tests/bench/scale.sh). Files keep the order of \a items
    (ids ascend as they were given); a file intake refused (a status other than pending) goes through
    Catalog::insertFile() for its intake stage row. On an error nothing is certain to be written: the caller
    rolls its transaction back.
*/
Status insertItems(Catalog &catalog, QList<NewItem> &items);

/*!
    The target rows (Catalog::fileTargets()) of every file in \a fileIds, by file, each file's in target
   order, in one statement per 500 files; a file without any has no entry.
*/
Result<QHash<qint64, QList<FileTargetRecord>>> fileTargetsOf(Catalog &catalog, const QList<qint64> &fileIds);

} // namespace gh
