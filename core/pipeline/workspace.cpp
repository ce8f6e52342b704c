#include "workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace gh {

Result<Workspace> Workspace::resolve(const QString &catalogSpec, const QString &storeSpec)
{
    Workspace w;
    if (catalogSpec.isEmpty()) {
        w.m_catalog = CatalogLocation::defaultLocation();
    } else {
        auto location = CatalogLocation::parse(catalogSpec);
        if (!location)
            return location.error();
        w.m_catalog = *location;
    }
    w.m_dataDir = dataDirOf(w.m_catalog);
    if (storeSpec.isEmpty())
        w.m_storeSpec = QDir(w.m_dataDir).filePath(QStringLiteral("store"));
    else if (storeSpec.contains(u"://"))
        w.m_storeSpec = storeSpec;
    else
        w.m_storeSpec = QFileInfo(storeSpec).absoluteFilePath();
    return w;
}

QString Workspace::dataDirOf(const CatalogLocation &catalog)
{
    return catalog.kind() == CatalogLocation::Kind::Sqlite
               ? QFileInfo(catalog.sqlitePath()).absolutePath()
               : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Workspace::batchDir(qint64 batchId) const
{
    return QDir(m_dataDir).filePath(QStringLiteral("batches/%1").arg(batchId));
}

QString Workspace::logPath(qint64 batchId) const
{
    return QDir(batchDir(batchId)).filePath(QStringLiteral("gatehouse.log"));
}

QString Workspace::summaryPath(qint64 batchId) const
{
    return QDir(batchDir(batchId)).filePath(QStringLiteral("_SUMMARY"));
}

} // namespace gh
