#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "peerserver.h"
#include "testsupport.h"

using namespace gh;

/*!
    Connections to a PostgreSQL catalog as a team's server offers them (issue 15): a real PostgreSQL 15 with
    TLS on (tests/peers/postgres.sh start DIR tls: a throw-away CA, a certificate for "localhost" only,
    passwords required over TCP). The libpq parameters of a postgresql:// address reach the driver:
    sslmode=verify-full connects with the right CA and refuses another CA or a host name the certificate does
    not name, saying why; unknown parameters are refused by name. Without a password in the address, libpq's
    own sources work (PGPASSWORD, a .pgpass file named by PGPASSFILE); a wrong password is reported for the
    user and host, and no password is ever shown.
*/
class TestPgConnect : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void verifyFullWithTheRightCa();
    void verifyFullRefusesAnotherCa();
    void verifyFullRefusesAHostNotInTheCertificate();
    void unknownParametersAreRefusedByName();
    void passwordFromPgpassword();
    void passwordFromPassfile();
    void wrongPasswordSaysSoWithoutShowingIt();

private:
    //! postgresql://[userinfo@]HOST:PORT/gatehouse?QUERY
    QString address(const QString &userInfo, const QString &host, const QString &query) const;
    QString ca(const QString &name) const { return m_postgres->dir() + u"/tls/" + name; }
    static Result<std::unique_ptr<Catalog>> open(const QString &address);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
};

void TestPgConnect::initTestCase()
{
    // No desktop keychain is asked: the passwords come from the address or from libpq's own sources.
    qputenv("GATEHOUSE_POSTGRES_KEYCHAIN", "0");
    qunsetenv("PGPASSWORD");
    qunsetenv("PGPASSFILE");
    m_postgres =
        std::make_unique<test::PeerServer>(QStringLiteral("postgres"), QStringList{QStringLiteral("tls")});
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestPgConnect::cleanupTestCase()
{
    m_postgres.reset();
}

void TestPgConnect::cleanup()
{
    qunsetenv("PGPASSWORD");
    qunsetenv("PGPASSFILE");
}

QString TestPgConnect::address(const QString &userInfo, const QString &host, const QString &query) const
{
    return QStringLiteral("postgresql://%1%2:%3/gatehouse?%4")
        .arg(userInfo.isEmpty() ? QString() : userInfo + u'@', host)
        .arg(m_postgres->port())
        .arg(query);
}

Result<std::unique_ptr<Catalog>> TestPgConnect::open(const QString &address)
{
    auto location = CatalogLocation::parse(address);
    if (!location)
        return location.error();
    return Catalog::open(*location);
}

void TestPgConnect::verifyFullWithTheRightCa()
{
    auto catalog = open(address(QStringLiteral("gatehouse:gatehouse"), QStringLiteral("localhost"),
                                u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("ca.crt")) +
                                    u"&application_name=gatehouse-test"));
    QVERIFY2(catalog, qPrintable(catalog ? QString() : catalog.error().message));
    // The session is encrypted and carries the application name the address gave.
    QSqlQuery q((*catalog)->database());
    QVERIFY(
        q.exec(QStringLiteral("SELECT s.ssl, a.application_name FROM pg_stat_ssl s"
                              " JOIN pg_stat_activity a ON a.pid = s.pid WHERE s.pid = pg_backend_pid()")));
    QVERIFY(q.next());
    QVERIFY(q.value(0).toBool());
    QCOMPARE(q.value(1).toString(), QStringLiteral("gatehouse-test"));
    QVERIFY((*catalog)->batches());
}

void TestPgConnect::verifyFullRefusesAnotherCa()
{
    auto catalog = open(address(QStringLiteral("gatehouse:gatehouse"), QStringLiteral("localhost"),
                                u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("other-ca.crt"))));
    QVERIFY(!catalog);
    QVERIFY2(catalog.error().message.contains(QStringLiteral("certificate verify failed")),
             qPrintable(catalog.error().message));
    QVERIFY(!catalog.error().message.contains(QStringLiteral("gatehouse:gatehouse")));
}

void TestPgConnect::verifyFullRefusesAHostNotInTheCertificate()
{
    // The certificate names "localhost"; the address names the same server by its IP address.
    auto catalog = open(address(QStringLiteral("gatehouse:gatehouse"), QStringLiteral("127.0.0.1"),
                                u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("ca.crt"))));
    QVERIFY(!catalog);
    QVERIFY2(catalog.error().message.contains(QStringLiteral("does not match host name \"127.0.0.1\"")),
             qPrintable(catalog.error().message));
}

void TestPgConnect::unknownParametersAreRefusedByName()
{
    auto catalog = open(address(QStringLiteral("gatehouse:gatehouse"), QStringLiteral("localhost"),
                                QStringLiteral("sslmode=require&sslpassword=s3cret-key&options=-c%20x")));
    QVERIFY(!catalog);
    const QString message = catalog.error().message;
    QCOMPARE(catalog.error().code, ErrorCode::Usage);
    QVERIFY2(message.contains(QStringLiteral("sslpassword, options")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("sslmode, sslrootcert")), qPrintable(message));
    // Neither the values nor the password of the address are repeated.
    QVERIFY2(!message.contains(QStringLiteral("s3cret")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("gatehouse:gatehouse")), qPrintable(message));
}

void TestPgConnect::passwordFromPgpassword()
{
    const QString noPassword = address(QStringLiteral("gatehouse"), QStringLiteral("localhost"),
                                       u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("ca.crt")));
    // Without any password the server refuses: the test means something.
    {
        auto refused = open(noPassword);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("password")),
                 qPrintable(refused.error().message));
    }
    qputenv("PGPASSWORD", "gatehouse");
    auto catalog = open(noPassword);
    QVERIFY2(catalog, qPrintable(catalog ? QString() : catalog.error().message));
}

void TestPgConnect::passwordFromPassfile()
{
    const QString passfile = m_dir.filePath(QStringLiteral("pgpass"));
    test::writeFile(
        passfile,
        QStringLiteral("localhost:%1:gatehouse:gatehouse:gatehouse\n").arg(m_postgres->port()).toUtf8());
    // libpq ignores a password file others can read.
    QVERIFY(QFile::setPermissions(passfile, QFile::ReadOwner | QFile::WriteOwner));
    qputenv("PGPASSFILE", QFile::encodeName(passfile));
    auto catalog = open(address(QStringLiteral("gatehouse"), QStringLiteral("localhost"),
                                u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("ca.crt"))));
    QVERIFY2(catalog, qPrintable(catalog ? QString() : catalog.error().message));
}

void TestPgConnect::wrongPasswordSaysSoWithoutShowingIt()
{
    // A right password in the environment does not rescue a wrong one in the address: the address's counts.
    qputenv("PGPASSWORD", "gatehouse");
    auto catalog = open(address(QStringLiteral("gatehouse:wr0ng-pa55"), QStringLiteral("localhost"),
                                u"sslmode=verify-full&sslrootcert=" + ca(QStringLiteral("ca.crt"))));
    QVERIFY(!catalog);
    const QString message = catalog.error().message;
    QVERIFY2(message.contains(QStringLiteral("password authentication failed for user \"gatehouse\"")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("localhost")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("wr0ng-pa55")), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestPgConnect)
#include "tst_pgconnect.moc"
