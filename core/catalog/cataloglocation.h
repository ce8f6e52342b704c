#pragma once

#include <QString>
#include <QUrl>

#include "util/result.h"

namespace gh {

/*!
    \class gh::CatalogLocation
    Where a catalog lives: an SQLite file (the default, in the user's data location) or a PostgreSQL database
    given as \c postgresql://user:password@host:port/database.
*/
class CatalogLocation
{
public:
    enum class Kind
    {
        Sqlite,
        Postgres
    };

    static Result<CatalogLocation> parse(const QString &spec);
    //! The SQLite catalog in QStandardPaths::AppDataLocation.
    static CatalogLocation defaultLocation();

    Kind kind() const { return m_kind; }
    QString sqlitePath() const { return m_path; }
    QUrl postgresUrl() const { return m_url; }
    //! For messages and logs; never includes a password.
    QString displayName() const;

private:
    Kind m_kind = Kind::Sqlite;
    QString m_path;
    QUrl m_url;
};

} // namespace gh
