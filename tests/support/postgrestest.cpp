#include "postgrestest.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include "peerserver.h"

namespace gh::test {

QString freshPostgresCatalog(const PeerServer &server)
{
    const QString connection = QStringLiteral("postgres-reset");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(server.port());
        db.setUserName(QStringLiteral("gatehouse"));
        db.setPassword(QStringLiteral("gatehouse"));
        db.setDatabaseName(QStringLiteral("gatehouse"));
        if (!db.open())
            qFatal("cannot connect to the test PostgreSQL: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        // DROP … CASCADE lists every table it drops as a NOTICE; only warnings matter here.
        q.exec(QStringLiteral("SET client_min_messages = warning"));
        if (!q.exec(QStringLiteral("DROP SCHEMA public CASCADE")) ||
            !q.exec(QStringLiteral("CREATE SCHEMA public")))
            qFatal("cannot reset the test database: %s", qPrintable(q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(connection);
    return QStringLiteral("postgresql://gatehouse:gatehouse@127.0.0.1:%1/gatehouse").arg(server.port());
}

void catalogEngines()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

} // namespace gh::test
