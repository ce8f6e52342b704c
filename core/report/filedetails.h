#pragma once

#include <functional>

#include <QJsonObject>

#include "catalog/catalog.h"

namespace gh {

/*!
    \class gh::FileDetails
    The record of each file that \c {files --json}, the files CSV and the GUI's exports share: the columns of
    the file itself (Reports::fileJson()) plus what later stages know about it, added by \e annotators.

    An annotator gets a page of files (a few hundred) and their JSON objects, and adds its keys to each
    object, typically from one catalog query for the whole page: QA findings as \c findings, duplicate
    cases and decisions as \c duplicate, upload targets as \c targets. It must add keys in snake_case and
    never remove or rename another's. Adding a stage's details is one line in annotators() in
    filedetails.cpp; the CSV export flattens whatever keys appear, so it needs no change.
*/
class FileDetails
{
public:
    using Annotator =
        std::function<Status(Catalog &catalog, const QList<FileRecord> &files, QList<QJsonObject> &objects)>;

    //! The annotators, in the order their keys should appear.
    static const QList<Annotator> &annotators();

    /*!
        Calls \a visit for every file of the batch, in id order, with its full JSON record; stops early when
        \a visit returns false. Reads a page at a time.
    */
    static Status forEach(Catalog &catalog, qint64 batchId,
                          const std::function<bool(const FileRecord &, const QJsonObject &)> &visit);
};

} // namespace gh
