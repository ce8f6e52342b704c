#pragma once

#include <QString>
#include <QStringList>

namespace gh {

/*!
    \class gh::SqlDialect
    The one place where SQLite and PostgreSQL differ. Every other statement in the catalog is written in SQL
    that both accept (ON CONFLICT upserts, RETURNING, TEXT timestamps in ISO 8601 UTC).
*/
class SqlDialect
{
public:
    enum class Engine
    {
        Sqlite,
        Postgres
    };

    explicit SqlDialect(Engine engine)
        : m_engine(engine)
    {}

    Engine engine() const { return m_engine; }
    QString driverName() const;

    //! Replaces the dialect placeholders used in migrations: {id_pk}, {blob}, {bool}, {without_rowid}.
    QString expand(QString statement) const;

    //! Starts a write transaction that takes the write lock up front, so two writers never deadlock on
    //! upgrading a read lock (SQLite's deferred BEGIN would).
    QString beginWrite() const;

    //! Serialises migrations between workstations that share one database.
    QString migrationLock() const;

    //! An expression for the database server's clock in milliseconds since the epoch: every workstation
    //! that shares a catalog reads lease expiries on the same clock.
    QString nowMillis() const;

    //! Whether a query's error is one the server asks the client to retry: a serialization failure (40001)
    //! or a deadlock (40P01) on PostgreSQL; the transaction was rolled back and may simply run again.
    bool isRetryable(const QString &nativeErrorCode) const;

    //! Locks the rows a claim selects and skips those another transaction holds (PostgreSQL); SQLite's
    //! write transaction already excludes every other writer.
    QString skipLocked(const QString &table) const;

    //! Statements run on every new connection.
    QStringList connectionSetup() const;

private:
    Engine m_engine;
};

} // namespace gh
