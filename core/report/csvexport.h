#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>

#include "exports.h"

namespace gh {

/*!
    \class gh::CsvWriter
    Rows of RFC 4180 CSV: fields separated by commas, CRLF line ends, a field quoted when it holds a comma,
    a quote, a line break or surrounding spaces, quotes doubled. A text field that a spreadsheet would run as
    a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so a hostile
    file name cannot become a formula on a curator's machine; numbers stay numbers.
*/
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice &out);
    //! False when the device refused the bytes.
    bool writeRow(const QStringList &fields);
    static QString field(const QString &text);

private:
    QIODevice &m_out;
};

/*!
    \class gh::CsvExport
    The spreadsheet exports.

    \c csv: one row per file, its columns derived from the same JSON record \c {files --json} prints
    (FileDetails), flattened: nested objects become \c parent.child columns, lists of values are joined
    with "; ", lists of objects (findings, targets) become one column per key with the values joined in the
    same order. The columns are the union over all files, found in a first pass, so details that later
    stages add appear without a change here; the file's own columns come first, the rest in alphabetical
    order.

    \c errors-csv: ingestion3-style \c message,level,field,id,value rows for every warning and error: intake
    warnings, files whose status is an error, and events whose outcome is a warning or a failure (a failure
    of a file already listed for its status is not listed twice).
*/
class CsvExport
{
    Q_DECLARE_TR_FUNCTIONS(gh::CsvExport)

public:
    static Status writeFiles(const ExportJob &job, QIODevice &out);
    static Status writeErrors(const ExportJob &job, QIODevice &out);

    //! The columns of one record, flattened as described above.
    static QHash<QString, QString> flatten(const QJsonObject &record);
    //! The file's own columns first in a fixed order, then the rest alphabetically.
    static QStringList columnOrder(const QSet<QString> &columns);
    //! How many error rows writeErrors() would write (for mail: attach the CSV only when it has rows).
    static Result<qint64> errorCount(Catalog &catalog, qint64 batchId);
};

} // namespace gh
