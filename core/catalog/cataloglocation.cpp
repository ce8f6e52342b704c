#include "cataloglocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace gh {

Result<CatalogLocation> CatalogLocation::parse(const QString &spec)
{
    CatalogLocation location;
    if (spec.startsWith(u"postgresql://") || spec.startsWith(u"postgres://")) {
        const QUrl url(spec, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            return Error{ErrorCode::Usage,
                         QCoreApplication::translate(
                             "gh::Catalog", "Cannot read the PostgreSQL catalog address \"%1\"; expected "
                                            "postgresql://user:password@host:port/database.")
                             .arg(url.toDisplayString(QUrl::RemovePassword))};
        }
        location.m_kind = Kind::Postgres;
        location.m_url = url;
        return location;
    }
    if (spec.isEmpty())
        return Error{ErrorCode::Usage,
                     QCoreApplication::translate("gh::Catalog", "The catalog path is empty.")};
    location.m_path = QFileInfo(spec).absoluteFilePath();
    return location;
}

CatalogLocation CatalogLocation::defaultLocation()
{
    CatalogLocation location;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    location.m_path = QDir(dir).filePath(QStringLiteral("catalog.sqlite"));
    return location;
}

QString CatalogLocation::displayName() const
{
    if (m_kind == Kind::Postgres)
        return m_url.toDisplayString(QUrl::RemovePassword);
    return QDir::toNativeSeparators(m_path);
}

} // namespace gh
