#pragma once

#include <QCoreApplication>
#include <QJsonObject>

#include "catalog/catalog.h"

namespace gh {

/*!
    \class gh::Reports
    The machine-readable shapes of the CLI contract and the human-readable summary. The GUI's exports use the
    same functions, so both always agree.
*/
class Reports
{
    Q_DECLARE_TR_FUNCTIONS(gh::Reports)

public:
    //! One batch for \c status --json: id, name, created, source, detected, state, stages, counts.
    static QJsonObject batchJson(const BatchRecord &batch);
    //! One file for \c files --json.
    static QJsonObject fileJson(const FileRecord &file);

    /*!
        The ingestion3-style \c _SUMMARY: provider/source, start, runtime, attempted, successful, failed, and
        counts per status, with dot leaders.
    */
    static Result<QString> summary(Catalog &catalog, qint64 batchId);
    //! Writes the summary to \a path (creating folders) and returns its text.
    static Result<QString> writeSummary(Catalog &catalog, qint64 batchId, const QString &path);
};

} // namespace gh
