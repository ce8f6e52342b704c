#pragma once

#include <functional>

#include <QHash>
#include <QList>
#include <QStringList>

#include "model/filestate.h"
#include "model/records.h"
#include "util/result.h"

class QSqlQuery;

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

/*!
    \struct gh::RowStatement
    A statement written for many rows at once: \c head, the rows as "(?, …), (?, …) …", then \c tail. An
    INSERT is "INSERT INTO t (a, b) VALUES " + rows + an optional ON CONFLICT clause; an UPDATE names the rows
    in a CTE: "WITH v (id, a) AS (VALUES " + rows + ") UPDATE t SET a = v.a FROM v WHERE t.id = v.id".
*/
struct RowStatement
{
    QString head;
    //! One entry per column: the SQL type the first row casts its value to ("BIGINT"), so PostgreSQL types
    //! the rows of a CTE; empty for text and for an INSERT's columns (they take the target column's type).
    QStringList types;
    QString tail;
};

/*!
    Runs \a statement for \a rows rows, as many rows a statement as the engine takes well (as insertItems()):
    on PostgreSQL a page of outcomes is one statement (one round trip instead of one per row); on SQLite a
    statement keeps to about 256 parameters (QSQLITE names every placeholder and SQLite looks a name up
    linearly, so thousands of them cost quadratic time). \a bind adds the values of row \a row, one per
   column, in order; \a what names the rows from \a first to \a last (inclusive) for an error. Runs in the
   caller's transaction: after an error the caller rolls back, nothing of the page stays written.
*/
Status runRows(Catalog &catalog, const RowStatement &statement, qsizetype rows,
               const std::function<void(QSqlQuery &query, qsizetype row)> &bind,
               const std::function<QString(qsizetype first, qsizetype last)> &what);

/*!
    Adds \a events (their ids are assigned in the order given) with multi-row INSERTs (runRows()), in the
    caller's transaction.
*/
Status insertEventRows(Catalog &catalog, const QList<EventRecord> &events);

} // namespace gh
