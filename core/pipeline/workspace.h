#pragma once

#include <QCoreApplication>

#include "catalog/cataloglocation.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::Workspace
    Where one Gatehouse set-up keeps things. The data folder is the SQLite catalog's folder (or the user's
   data location for a PostgreSQL catalog); the bit store defaults to \c store/ in it, and each batch gets \c
   batches/<id>/ for its log and \c _SUMMARY.
*/
class Workspace
{
    Q_DECLARE_TR_FUNCTIONS(gh::Workspace)

public:
    //! Empty specs mean the defaults.
    static Result<Workspace> resolve(const QString &catalogSpec, const QString &storeSpec);
    //! The data folder that goes with \a catalog: its folder for SQLite, the user's data location otherwise.
    static QString dataDirOf(const CatalogLocation &catalog);

    const CatalogLocation &catalog() const { return m_catalog; }
    QString storeSpec() const { return m_storeSpec; }
    QString dataDir() const { return m_dataDir; }
    QString batchDir(qint64 batchId) const;
    QString logPath(qint64 batchId) const;
    QString summaryPath(qint64 batchId) const;

private:
    CatalogLocation m_catalog;
    QString m_storeSpec;
    QString m_dataDir;
};

} // namespace gh
