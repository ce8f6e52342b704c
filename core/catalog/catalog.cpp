#include "catalog.h"

#include <algorithm>
#include <unordered_map>

#include <QAtomicInteger>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlRecord>
#include <QThread>
#include <QUrlQuery>

#include "bulkrows.h"
#include "catalogchanges.h"
#include "eventperson.h"
#include "idlist.h"
#include "migrations.h"
#include "reconnect.h"
#include "takeover.h"
#include "targetrows.h"
#include "util/keychain.h"
#include "util/logging.h"

namespace gh {

namespace {

//! Every version recorded in schema_version (none for a new database); false when it cannot be read.
bool appliedVersions(const QSqlDatabase &db, QSet<int> &versions)
{
    versions.clear();
    if (!db.tables().contains(QStringLiteral("schema_version")))
        return true;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT version FROM schema_version")))
        return false;
    while (q.next())
        versions.insert(q.value(0).toInt());
    return true;
}

} // namespace

namespace {

QAtomicInteger<quint64> s_connectionCounter;

// A serialization failure or deadlock is retried this many times in all, after a pause that doubles from
// s_retryBaseMs up to s_retryMaxMs, each drawn between half and one and a half of it so that the processes
// that collided do not collide again.
constexpr int s_retryAttempts = 8;
constexpr int s_retryBaseMs = 20;
constexpr int s_retryMaxMs = 2000;

void pauseBeforeRetry(int attempt)
{
    const int base = std::min(s_retryMaxMs, s_retryBaseMs << std::min(attempt - 1, 16));
    QThread::msleep(ulong(base / 2 + int(QRandomGenerator::global()->bounded(base + 1))));
}

// The files columns in the order fileFromQuery() reads them.
const QString s_fileColumns = QStringLiteral(
    "f.id, f.batch_id, f.item_id, f.seq, i.identifier, f.name, f.source_path, f.source_url, f.declared_size,"
    " f.declared_md5, f.declared_sha1, f.declared_sha256, f.declared_sha512, f.declared_origin,"
    " f.declared_mimetype, f.size, f.md5, f.sha1, f.sha256, f.mimetype, f.status, f.error, f.attempts,"
    " f.stored_key, f.processed_at, f.http_status, f.etag, f.last_modified, f.terminal_url, f.hops, "
    "f.source_member");

QString text(const QVariant &value)
{
    return value.isNull() ? QString() : value.toString();
}

QVariant nullable(const QString &value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}

// A null QString binds as SQL NULL; NOT NULL text columns get this instead.
QString notNull(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant nullableSize(qint64 value)
{
    return value < 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(value);
}

QString jsonText(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

FileRecord fileFromQuery(const QSqlQuery &q)
{
    FileRecord f;
    int c = 0;
    f.id = q.value(c++).toLongLong();
    f.batchId = q.value(c++).toLongLong();
    f.itemId = q.value(c++).toLongLong();
    f.seq = q.value(c++).toInt();
    f.item = text(q.value(c++));
    f.name = text(q.value(c++));
    f.sourcePath = text(q.value(c++));
    f.sourceUrl = text(q.value(c++));
    const QVariant declaredSize = q.value(c++);
    f.declaredSize = declaredSize.isNull() ? -1 : declaredSize.toLongLong();
    f.declared.md5 = text(q.value(c++));
    f.declared.sha1 = text(q.value(c++));
    f.declared.sha256 = text(q.value(c++));
    f.declared.sha512 = text(q.value(c++));
    f.declared.origin = text(q.value(c++));
    f.declaredMimetype = text(q.value(c++));
    const QVariant size = q.value(c++);
    f.size = size.isNull() ? -1 : size.toLongLong();
    f.digests.md5 = text(q.value(c++));
    f.digests.sha1 = text(q.value(c++));
    f.digests.sha256 = text(q.value(c++));
    f.mimetype = text(q.value(c++));
    f.status = StatusInfo::fromKey(q.value(c++).toString()).value_or(FileStatus::Pending);
    f.error = text(q.value(c++));
    f.attempts = q.value(c++).toInt();
    f.storedKey = text(q.value(c++));
    f.processedAt = Catalog::fromDbTime(text(q.value(c++)));
    f.httpStatus = q.value(c++).toInt();
    f.etag = text(q.value(c++));
    f.lastModified = text(q.value(c++));
    f.terminalUrl = text(q.value(c++));
    f.hops = QJsonDocument::fromJson(text(q.value(c++)).toUtf8()).array();
    f.sourceMember = text(q.value(c++));
    return f;
}

QList<FileRecord> filesFromQuery(QSqlQuery &q)
{
    QList<FileRecord> result;
    while (q.next())
        result.append(fileFromQuery(q));
    return result;
}

EventRecord eventFromQuery(const QSqlQuery &q)
{
    EventRecord e;
    e.id = q.value(0).toLongLong();
    e.batchId = q.value(1).toLongLong();
    e.itemId = q.value(2).toLongLong();
    e.fileId = q.value(3).toLongLong();
    e.type = q.value(4).toString();
    e.at = Catalog::fromDbTime(q.value(5).toString());
    e.outcome = q.value(6).toString();
    e.agent = q.value(7).toString();
    e.detail = q.value(8).toString();
    e.person = q.value(9).toString();
    return e;
}

ItemRecord itemFromQuery(const QSqlQuery &q)
{
    ItemRecord item;
    item.id = q.value(0).toLongLong();
    item.batchId = q.value(1).toLongLong();
    item.seq = q.value(2).toInt();
    item.identifier = q.value(3).toString();
    item.label = q.value(4).toString();
    item.metadata = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    return item;
}

//! Sums the rows of a "key, count" query by the keys \a parse knows.
template <typename Key, typename Parse>
QMap<Key, qint64> countedBy(QSqlQuery &q, Parse parse)
{
    QMap<Key, qint64> counts;
    while (q.next()) {
        if (const auto key = parse(q.value(0).toString()))
            counts[*key] += q.value(1).toLongLong();
    }
    return counts;
}

QString statusList(const QList<FileStatus> &statuses)
{
    QStringList keys;
    for (FileStatus s : statuses)
        keys.append(u'\'' + StatusInfo::key(s) + u'\'');
    return keys.join(u',');
}

} // namespace

/*!
    What a catalog knows about its connection beyond the statements it prepared: whether the last error
    was a lost connection, how to wait for the server, the advisory locks the session holds. Used only on the
    catalog's thread.
*/
struct detail::ConnectionState
{
    bool lost = false;
    ReconnectPolicy policy;
    quint64 reconnections = 0;
    QStringList settleLocks;
};

detail::ConnectionState &connectionState(const Catalog *catalog)
{
    return *catalog->m_connectionState;
}

namespace {

/*!
    Which of \a ids have a lease on \a stageKey owned by someone other than \a owner (one that ran out:
    live ones were left out of the claim): the files a claim is about to take over (see takeover.h). Run
    inside the claim's transaction, before its leases are written.
*/
Result<QSet<qint64>> leasedByOthers(Catalog &catalog, const QList<qint64> &ids, const QString &stageKey,
                                    const QString &owner, const QString &what)
{
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT file_id FROM file_leases WHERE stage = ? AND owner <> ? AND file_id IN (" +
                   sqlIdList(ids) + u')'))
        return catalog.sqlError(q, what);
    q.addBindValue(stageKey);
    q.addBindValue(owner);
    if (!q.exec())
        return catalog.sqlError(q, what);
    QSet<qint64> found;
    while (q.next())
        found.insert(q.value(0).toLongLong());
    return found;
}

bool isConnectionState(const QString &sqlState)
{
    // Class 08: connection exception; 57P01-57P03: the server shuts down, crashed, or cannot take
    // connections.
    return sqlState.startsWith(u"08") || sqlState == u"57P01" || sqlState == u"57P02" || sqlState == u"57P03";
}

/*!
    Whether \a error (of a statement on \a catalog's connection) means the connection is gone: a connection
    SQLSTATE, or none at all (libpq's own failure) and a trivial statement fails the same way.
*/
bool connectionLost(const Catalog &catalog, const QSqlError &error)
{
    if (catalog.dialect().engine() != SqlDialect::Engine::Postgres)
        return false;
    // The QPSQL driver reports itself closed once libpq finds the connection bad; statements then fail
    // before they reach the driver, with no error of their own.
    if (!catalog.database().isOpen())
        return true;
    if (error.type() == QSqlError::NoError)
        return false;
    if (error.type() == QSqlError::ConnectionError || isConnectionState(error.nativeErrorCode()))
        return true;
    if (!error.nativeErrorCode().isEmpty())
        return false; // the server answered: the connection works
    // A broken connection fails a trivial statement the same way; a live one answers it (in an aborted
    // transaction with 25P02).
    QSqlQuery probe(catalog.database());
    if (probe.exec(QStringLiteral("SELECT 1")))
        return false;
    const QString state = probe.lastError().nativeErrorCode();
    return state.isEmpty() || isConnectionState(state);
}

//! The session setup every new connection gets (SqlDialect::connectionSetup()).
Status setUpConnection(const Catalog &catalog, ErrorCode code)
{
    for (const QString &statement : catalog.dialect().connectionSetup()) {
        QSqlQuery q(catalog.database());
        if (!q.exec(statement)) {
            return Error{code, Catalog::tr("The catalog %1 is damaged or is not a Gatehouse catalog: %2")
                                   .arg(catalog.location().displayName(), q.lastError().text())};
        }
    }
    return {};
}

/*!
    While a run holds leases on a PostgreSQL catalog, a transaction its session leaves idle for longer than
    the leases last (at least 10 s) is ended by the server: a process stopped in the middle of one (a
    suspended laptop, SIGSTOP) then holds no row locks that would keep the processes taking over its files
    waiting; it finds its connection gone when it goes on, reconnects, and runs the transaction again
    (writing only what it still holds).
*/
void applySessionLimits(const Catalog &catalog, const ReconnectPolicy &policy)
{
    if (catalog.dialect().engine() != SqlDialect::Engine::Postgres || !catalog.database().isOpen())
        return;
    const qint64 ms = policy.leaseOwner.isEmpty() ? 0 : qint64(std::max(10, policy.leaseSeconds)) * 1000;
    QSqlQuery q(catalog.database());
    if (!q.exec(QStringLiteral("SET idle_in_transaction_session_timeout = %1").arg(ms)))
        qCWarning(lcCatalog).noquote() << "cannot limit idle transactions:" << q.lastError().text();
}

/*!
    \class Outages
    The connections of this process that are lost now, by server: the curator hears once that the catalog's
    server went away and once that it is back, however many connections (threads) noticed.
*/
class Outages
{
public:
    //! Whether this is the first connection to find \a server gone.
    bool lost(const QString &server)
    {
        QMutexLocker lock(&m_mutex);
        if (m_since.contains(server))
            return false;
        m_since.insert(server, QDateTime::currentMSecsSinceEpoch());
        return true;
    }
    //! Waiting for \a server timed out: until a connection to it works again, the others try once.
    void giveUp(const QString &server)
    {
        QMutexLocker lock(&m_mutex);
        m_since.remove(server);
        m_givenUp.insert(server);
    }
    bool givenUp(const QString &server)
    {
        QMutexLocker lock(&m_mutex);
        return m_givenUp.contains(server);
    }
    //! How long \a server was gone, in ms, for the first connection back; -1 for the others.
    qint64 back(const QString &server)
    {
        QMutexLocker lock(&m_mutex);
        m_givenUp.remove(server);
        const auto it = m_since.constFind(server);
        if (it == m_since.cend())
            return -1;
        const qint64 ms = QDateTime::currentMSecsSinceEpoch() - *it;
        m_since.erase(it);
        return ms;
    }

private:
    QMutex m_mutex;
    QHash<QString, qint64> m_since;
    QSet<QString> m_givenUp;
};

Outages &outages()
{
    static Outages instance;
    return instance;
}

/*!
    Opens \a catalog's lost connection again under its ReconnectPolicy: the session setup, the settle locks
    it held, the leases of the policy's owner renewed. The caller has dropped the statements it prepared.
*/
Status reconnect(Catalog &catalog)
{
    detail::ConnectionState &state = connectionState(&catalog);
    const ReconnectPolicy &policy = state.policy;
    state.lost = false;
    const QUrl url = catalog.location().postgresUrl();
    const QString server = QStringLiteral("%1:%2").arg(url.host()).arg(url.port(5432));
    auto tell = [&policy](const QString &line) {
        if (policy.notice)
            policy.notice(line);
        else
            qCWarning(lcCatalog).noquote() << line;
    };
    // A run that already waited its time for this server fails at once, without waiting again, until the
    // server answers.
    const bool givenUp = outages().givenUp(server);
    if (!givenUp && outages().lost(server))
        tell(Catalog::tr("Catalog connection to %1 lost; reconnecting…").arg(server));
    QElapsedTimer clock;
    clock.start();
    const qint64 limitMs = qint64(std::max(0, policy.seconds)) * 1000;
    int pauseMs = 250;
    QString reason;
    for (;;) {
        QSqlDatabase db = catalog.database();
        db.close();
        if (db.open()) {
            Status ready = setUpConnection(catalog, ErrorCode::Database);
            applySessionLimits(catalog, policy);
            // The turns this session held died with it: take them again before going on.
            for (const QString &keys : std::as_const(state.settleLocks)) {
                QSqlQuery q(db);
                if (ready && !q.exec(u"SELECT pg_advisory_lock(" + keys + u')'))
                    ready = Error{ErrorCode::Database, q.lastError().text()};
            }
            // What this process holds is renewed at once, so that the leases that outlived the outage are not
            // taken over now (one that ran out and was taken is not ours: outcomes are confirmed anyway).
            if (ready && !policy.leaseOwner.isEmpty()) {
                QSqlQuery q(db);
                q.prepare(u"UPDATE file_leases SET expires_at = " + catalog.dialect().nowMillis() + u" + " +
                          QString::number(qint64(policy.leaseSeconds) * 1000) + u" WHERE owner = ?");
                q.addBindValue(policy.leaseOwner);
                if (!q.exec())
                    ready = Error{ErrorCode::Database, q.lastError().text()};
            }
            if (ready) {
                ++state.reconnections;
                const qint64 ms = outages().back(server);
                qCInfo(lcCatalog).noquote()
                    << "reconnected to" << server << "after" << clock.elapsed() << "ms";
                if (ms >= 0)
                    tell(Catalog::tr("Catalog connection to %1 reconnected after %2 s.")
                             .arg(server)
                             .arg((ms + 500) / 1000));
                return {};
            }
            reason = ready.error().message;
        } else {
            reason = db.lastError().text();
        }
        if (policy.cancel && policy.cancel->load()) {
            outages().giveUp(server);
            return Error{
                ErrorCode::Cancelled,
                Catalog::tr("Cancelled while waiting for the catalog server %1 to come back.").arg(server)};
        }
        const qint64 left = limitMs - clock.elapsed();
        if (left <= 0 || givenUp) {
            outages().giveUp(server);
            return Error{
                ErrorCode::Database,
                Catalog::tr("Lost the connection to the catalog server %1 and could not connect again "
                            "within %2 s ([team] reconnect_seconds): %3")
                    .arg(server)
                    .arg(policy.seconds)
                    .arg(reason.trimmed())};
        }
        QThread::msleep(ulong(std::min<qint64>(pauseMs, left)));
        pauseMs = std::min(pauseMs * 2, 5000);
    }
}

} // namespace

void setReconnectPolicy(Catalog &catalog, ReconnectPolicy policy)
{
    detail::ConnectionState &state = connectionState(&catalog);
    state.policy = std::move(policy);
    applySessionLimits(catalog, state.policy);
}

namespace {

/*!
    Keeps of \a files (in id order) those whose \a stage lease the process of the run
    (ReconnectPolicy::leaseOwner) still holds, locking the lease rows until the transaction ends, and their
    events: the outcomes a stage commits are confirmed in the transaction that writes them. One taken over
    while this process was held up (stopped, or its connection lost and the transaction run again after the
    stage confirmed it) is the other process's. Without lease sharing or an owner: all of them.
*/
Status keepLeased(Catalog &catalog, Stage stage, QList<FileRecord> &files, QList<EventRecord> &events)
{
    const ReconnectPolicy &policy = connectionState(&catalog).policy;
    if (!catalog.sharesWork() || policy.leaseOwner.isEmpty() || files.isEmpty())
        return {};
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : std::as_const(files))
        ids.append(f.id);
    QSqlQuery q(catalog.database());
    q.setForwardOnly(true);
    q.prepare(u"SELECT file_id FROM file_leases WHERE stage = ? AND owner = ? AND file_id IN (" +
              sqlIdList(ids) + u") ORDER BY file_id FOR UPDATE");
    q.addBindValue(StageInfo::key(stage));
    q.addBindValue(policy.leaseOwner);
    if (!q.exec())
        return catalog.sqlError(q, Catalog::tr("confirming leases"));
    QSet<qint64> held;
    while (q.next())
        held.insert(q.value(0).toLongLong());
    if (held.size() == files.size())
        return {};
    qCInfo(lcCatalog) << files.size() - held.size() << "outcomes of the" << StageInfo::key(stage)
                      << "stage dropped: another process took their files over";
    files.removeIf([&](const FileRecord &f) { return !held.contains(f.id); });
    events.removeIf([&](const EventRecord &e) { return e.fileId > 0 && !held.contains(e.fileId); });
    return {};
}

} // namespace

quint64 reconnections(const Catalog &catalog)
{
    return connectionState(&catalog).reconnections;
}

Status expireLeases(Catalog &catalog, qint64 batchId, Stage stage, const QString &owner)
{
    // Past every clock: claimable at once, and still naming the owner the claim takes the files from.
    QSqlQuery q(catalog.database());
    if (!q.prepare(QStringLiteral("UPDATE file_leases SET expires_at = 0 WHERE batch_id = ? AND stage = ?"
                                  " AND owner = ?")))
        return catalog.sqlError(q, Catalog::tr("releasing the leases of batch %1").arg(batchId));
    q.addBindValue(batchId);
    q.addBindValue(StageInfo::key(stage));
    q.addBindValue(owner);
    if (!q.exec())
        return catalog.sqlError(q, Catalog::tr("releasing the leases of batch %1").arg(batchId));
    return {};
}

Catalog::Catalog(const CatalogLocation &location, SqlDialect dialect, QString connectionName)
    : m_location(location)
    , m_dialect(dialect)
    , m_connectionName(std::move(connectionName))
    , m_connectionState(std::make_unique<detail::ConnectionState>())
{}

void Catalog::forgetPreparedStatements()
{
    m_insertItem.reset();
    m_insertFile.reset();
    m_upsertCache.reset();
    m_upsertTarget.reset();
    m_recordRecheck.reset();
}

Catalog::~Catalog()
{
    forgetPreparedStatements();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

int Catalog::latestVersion()
{
    return catalogMigrations().constLast().version;
}

QSqlDatabase Catalog::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

namespace {

//! The libpq connection parameters a postgresql:// address may carry in its query, passed on as they are.
const QStringList s_postgresParameters{QStringLiteral("sslmode"),         QStringLiteral("sslrootcert"),
                                       QStringLiteral("sslcert"),         QStringLiteral("sslkey"),
                                       QStringLiteral("connect_timeout"), QStringLiteral("application_name")};

//! Where the keychain keeps a catalog's password: service "Gatehouse PostgreSQL", key "user@host:port".
const QString s_keychainService = QStringLiteral("Gatehouse PostgreSQL");

/*!
    The QPSQL driver's connect options (libpq conninfo "key='value'" pairs separated by ';') for the
    parameters in \a url's query; unknown parameters are refused by name. Without a connect_timeout of its
    own a server that does not answer is given up after 10 s (a reconnect tries again).
*/
Result<QString> postgresConnectOptions(const QUrl &url)
{
    QStringList options;
    QStringList unknown;
    bool timeout = false;
    bool application = false;
    const QString where = url.toDisplayString(QUrl::RemovePassword | QUrl::RemoveQuery);
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (!s_postgresParameters.contains(key)) {
            if (!unknown.contains(key))
                unknown.append(key);
            continue;
        }
        if (value.contains(u';')) {
            return Error{ErrorCode::Usage,
                         Catalog::tr("The catalog address %1 gives %2 a value with a semicolon, which the "
                                     "PostgreSQL driver cannot pass on.")
                             .arg(where, key)};
        }
        QString quoted = value;
        quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
        options.append(key + u"='" + quoted + u'\'');
        timeout = timeout || key == u"connect_timeout";
        application = application || key == u"application_name";
    }
    if (!unknown.isEmpty()) {
        return Error{
            ErrorCode::Usage,
            Catalog::tr("The catalog address %1 has parameters Gatehouse does not pass to PostgreSQL: "
                        "%2. Known parameters: %3.")
                .arg(where, unknown.join(QStringLiteral(", ")),
                     s_postgresParameters.join(QStringLiteral(", ")))};
    }
    if (!timeout)
        options.append(QStringLiteral("connect_timeout=10"));
    if (!application)
        options.append(QStringLiteral("application_name=gatehouse"));
    return options.join(u';');
}

} // namespace

Result<std::unique_ptr<Catalog>> Catalog::open(const CatalogLocation &location, int targetVersion)
{
    if (targetVersion < 0)
        targetVersion = latestVersion();
    const bool sqlite = location.kind() == CatalogLocation::Kind::Sqlite;
    const SqlDialect dialect(sqlite ? SqlDialect::Engine::Sqlite : SqlDialect::Engine::Postgres);

    if (sqlite) {
        const QFileInfo info(location.sqlitePath());
        if (info.isDir()) {
            return Error{ErrorCode::Usage, tr("The catalog %1 is a folder; give the path of a catalog file.")
                                               .arg(location.displayName())};
        }
        if (info.exists() && !info.isReadable()) {
            return Error{ErrorCode::Unreadable,
                         tr("The catalog %1 cannot be read: permission denied.").arg(location.displayName())};
        }
        if (!QDir().mkpath(info.absolutePath())) {
            return Error{ErrorCode::Io, tr("Cannot create the folder %1 for the catalog.")
                                            .arg(QDir::toNativeSeparators(info.absolutePath()))};
        }
    }

    const QString name =
        QStringLiteral("gatehouse-catalog-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    std::unique_ptr<Catalog> catalog(new Catalog(location, dialect, name));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(dialect.driverName(), name);
        if (!db.isValid()) {
            return Error{ErrorCode::Database,
                         tr("The Qt SQL driver %1 is not installed.").arg(dialect.driverName())};
        }
        if (sqlite) {
            db.setDatabaseName(location.sqlitePath());
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=15000"));
        } else {
            const QUrl url = location.postgresUrl();
            const auto options = postgresConnectOptions(url);
            if (!options)
                return options.error();
            db.setHostName(url.host());
            db.setPort(url.port(5432));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
            db.setConnectOptions(*options);
            // The password: the address's, else the keychain's; else none, so that libpq's own sources
            // (PGPASSWORD, the .pgpass file or PGPASSFILE) are used — an empty one would override them.
            QString password = url.password();
            if (password.isEmpty() && !url.userName().isEmpty() &&
                qEnvironmentVariable("GATEHOUSE_POSTGRES_KEYCHAIN") != u"0") {
                const QString key =
                    QStringLiteral("%1@%2:%3").arg(url.userName(), url.host()).arg(url.port(5432));
                password =
                    QString::fromUtf8(readKeychainSecret(s_keychainService, key).value_or(QByteArray()));
            }
            if (!password.isEmpty())
                db.setPassword(password);
        }
        if (!db.open()) {
            return Error{
                ErrorCode::Database,
                tr("Cannot open the catalog %1: %2").arg(location.displayName(), db.lastError().text())};
        }
    }
    if (Status s = catalog->initialise(targetVersion); !s)
        return s.error();
    return catalog;
}

Status Catalog::initialise(int targetVersion)
{
    if (Status s = setUpConnection(*this, ErrorCode::Corrupt); !s)
        return s;
    const Result<int> version = readVersion();
    if (!version)
        return version.error();
    m_version = *version;
    if (m_version > latestVersion()) {
        return Error{
            ErrorCode::SchemaTooNew,
            tr("The catalog %1 was written by a newer Gatehouse (schema version %2; this version knows "
               "up to %3). Update Gatehouse to open it.")
                .arg(m_location.displayName())
                .arg(m_version)
                .arg(latestVersion())};
    }
    // A version below the highest may be missing too: migration numbers are assigned per track, and a
    // catalog written before one track's migration landed (v7 before v6) gets it now, in order.
    QSet<int> applied;
    if (!appliedVersions(database(), applied))
        return Error{
            ErrorCode::Database,
            tr("Catalog error while reading the schema version in %1.").arg(m_location.displayName())};
    for (const Migration &migration : catalogMigrations()) {
        if (migration.version <= targetVersion && !applied.contains(migration.version))
            return migrate(targetVersion);
    }
    return {};
}

Result<int> Catalog::readVersion()
{
    QSqlDatabase db = database();
    const QStringList tables = db.tables();
    if (!tables.contains(QStringLiteral("schema_version"))) {
        if (!tables.isEmpty()) {
            return Error{ErrorCode::Corrupt,
                         tr("The database %1 holds tables but is not a Gatehouse catalog.")
                             .arg(m_location.displayName())};
        }
        return 0;
    }
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !q.next())
        return sqlError(q, tr("reading the schema version"));
    return q.value(0).toInt();
}

Status Catalog::migrate(int targetVersion)
{
    QSqlDatabase db = database();
    QSet<int> applied;
    if (!appliedVersions(db, applied))
        return Error{
            ErrorCode::Database,
            tr("Catalog error while reading the schema version in %1.").arg(m_location.displayName())};
    for (const Migration &migration : catalogMigrations()) {
        if (migration.version > targetVersion)
            break;
        if (applied.contains(migration.version))
            continue;

        QSqlQuery q(db);
        if (!q.exec(m_dialect.beginWrite()))
            return sqlError(q, tr("starting migration %1").arg(migration.version));
        auto fail = [&](const QSqlQuery &failed, const QString &what) -> Status {
            const Error error = sqlError(failed, what);
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return error;
        };
        if (const QString lock = m_dialect.migrationLock(); !lock.isEmpty() && !q.exec(lock))
            return fail(q, tr("locking the catalog for migration"));

        // Another workstation may have migrated while we waited for the lock.
        if (m_version > 0 || db.tables().contains(QStringLiteral("schema_version"))) {
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM schema_version WHERE version = ?"));
            q.addBindValue(migration.version);
            if (!q.exec() || !q.next())
                return fail(q, tr("reading the schema version"));
            if (q.value(0).toInt() > 0) {
                m_version = std::max(m_version, migration.version);
                QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
                continue;
            }
        } else if (!q.exec(QStringLiteral(
                       "CREATE TABLE schema_version (version INTEGER NOT NULL, description TEXT NOT NULL,"
                       " applied_at TEXT NOT NULL)"))) {
            return fail(q, tr("creating the schema version table"));
        }

        for (const QString &statement : migration.statements) {
            if (!q.exec(m_dialect.expand(statement)))
                return fail(
                    q, tr("applying migration %1 (%2)").arg(migration.version).arg(migration.description));
        }
        q.prepare(
            QStringLiteral("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"));
        q.addBindValue(migration.version);
        q.addBindValue(migration.description);
        q.addBindValue(toDbTime(QDateTime::currentDateTimeUtc()));
        if (!q.exec())
            return fail(q, tr("recording migration %1").arg(migration.version));
        if (!q.exec(QStringLiteral("COMMIT")))
            return fail(q, tr("committing migration %1").arg(migration.version));
        qCInfo(lcCatalog) << "migrated" << m_location.displayName() << "to schema version"
                          << migration.version;
        m_version = std::max(m_version, migration.version);
    }
    return {};
}

Error Catalog::sqlError(const QSqlQuery &query, const QString &what) const
{
    m_retryable = m_dialect.isRetryable(query.lastError().nativeErrorCode());
    connectionState(this).lost = connectionLost(*this, query.lastError());
    return Error{
        ErrorCode::Database,
        tr("Catalog error while %1 in %2: %3").arg(what, m_location.displayName(), query.lastError().text())};
}

Result<QSqlQuery> Catalog::run(const QString &sql, const QVariantList &values, const QString &what)
{
    for (int attempt = 1;; ++attempt) {
        QSqlQuery q(database());
        q.setForwardOnly(true);
        bool done = q.prepare(sql);
        if (done) {
            for (const QVariant &value : values)
                q.addBindValue(value);
            done = q.exec();
        }
        if (done)
            return q;
        Error error = sqlError(q, what);
        // A statement of its own is its own transaction and may run again; one inside a transaction leaves
        // the retry to inTransaction(), which runs the whole transaction again.
        if (connectionState(this).lost && !m_inTransaction && attempt < s_retryAttempts) {
            // The one place a lost connection is opened again: statements prepared on it are gone.
            q.clear();
            forgetPreparedStatements();
            if (Status s = reconnect(*this); !s)
                return s.error();
            continue;
        }
        if (!m_retryable || m_inTransaction || attempt >= s_retryAttempts)
            return error;
        qCInfo(lcCatalog).noquote() << "retrying:" << error.message;
        pauseBeforeRetry(attempt);
    }
}

QSqlQuery &Catalog::prepared(std::optional<QSqlQuery> &slot, const QString &sql)
{
    if (!slot) {
        slot.emplace(database());
        slot->prepare(sql);
    }
    return *slot;
}

QString Catalog::toDbTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QDateTime Catalog::fromDbTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

// Transactions

Catalog::Transaction::Transaction(Catalog *catalog)
    : m_catalog(catalog)
{}

Catalog::Transaction::Transaction(Transaction &&other) noexcept
    : m_catalog(std::exchange(other.m_catalog, nullptr))
{}

Catalog::Transaction::~Transaction()
{
    if (m_catalog) {
        m_catalog->m_inTransaction = false;
        QSqlQuery(m_catalog->database()).exec(QStringLiteral("ROLLBACK"));
    }
}

Status Catalog::Transaction::commit()
{
    Catalog *catalog = std::exchange(m_catalog, nullptr);
    catalog->m_inTransaction = false;
    QSqlQuery q(catalog->database());
    if (!q.exec(QStringLiteral("COMMIT"))) {
        const Error error = catalog->sqlError(q, tr("committing"));
        QSqlQuery(catalog->database()).exec(QStringLiteral("ROLLBACK"));
        return error;
    }
    return {};
}

Result<Catalog::Transaction> Catalog::transaction()
{
    for (int attempt = 1;; ++attempt) {
        QSqlQuery q(database());
        if (q.exec(m_dialect.beginWrite()))
            break;
        Error error = sqlError(q, tr("starting a transaction"));
        if (!connectionState(this).lost || attempt >= s_retryAttempts)
            return error;
        // Nothing was done in it yet: the connection went while it was idle. A statement of its own
        // reconnects (run()).
        if (auto alive = run(QStringLiteral("SELECT 1"), {}, tr("reconnecting")); !alive)
            return alive.error();
    }
    m_inTransaction = true;
    return Transaction(this);
}

Status Catalog::inTransaction(const std::function<Status()> &body)
{
    const bool postgres = m_dialect.engine() == SqlDialect::Engine::Postgres;
    for (int attempt = 1;; ++attempt) {
        m_retryable = false;
        connectionState(this).lost = false;
        qint64 xid = 0;
        Status status = [&]() -> Status {
            auto tx = transaction();
            if (!tx)
                return tx.error();
            if (postgres) {
                // Its id, to ask the server after a lost connection whether the commit got through.
                QSqlQuery q(database());
                if (!q.exec(QStringLiteral("SELECT txid_current()")) || !q.next())
                    return sqlError(q, tr("starting a transaction"));
                xid = q.value(0).toLongLong();
            }
            if (Status s = body(); !s)
                return s;
            return tx->commit();
        }();
        if (status)
            return status;
        if (connectionState(this).lost && attempt < s_retryAttempts) {
            // The server rolled back what it had not committed: run it again on a new connection (a
            // statement of its own reconnects), unless the commit got through before the connection went.
            qCInfo(lcCatalog) << "the connection went in a transaction; it runs again once reconnected";
            if (auto alive = run(QStringLiteral("SELECT 1"), {}, tr("reconnecting")); !alive)
                return alive.error();
            if (xid > 0) {
                auto fate = run(QStringLiteral("SELECT txid_status(?)"), {xid}, tr("reconnecting"));
                if (!fate)
                    return fate.error();
                if (fate->next() && fate->value(0).toString() == u"committed")
                    return {};
            }
            continue;
        }
        if (!m_retryable || attempt >= s_retryAttempts)
            return status;
        qCInfo(lcCatalog).noquote() << "retrying the transaction:" << status.error().message;
        pauseBeforeRetry(attempt);
    }
}

// Batches

Result<qint64> Catalog::createBatch(const QString &name, const QString &source)
{
    auto q =
        run(QStringLiteral("INSERT INTO batches (name, source, created_at) VALUES (?, ?, ?) RETURNING id"),
            {name, source, toDbTime(QDateTime::currentDateTimeUtc())}, tr("creating a batch"));
    if (!q)
        return q.error();
    if (!q->next())
        return sqlError(*q, tr("creating a batch"));
    return q->value(0).toLongLong();
}

Status Catalog::setBatchDetection(qint64 batchId, const QString &detected, const QJsonArray &trace)
{
    auto q = run(QStringLiteral("UPDATE batches SET detected = ?, trace = ? WHERE id = ?"),
                 {notNull(detected), jsonText(trace), batchId}, tr("recording what intake detected"));
    return q ? Status() : Status(q.error());
}

Status Catalog::setBatchSettings(qint64 batchId, const QJsonObject &settings)
{
    auto q = run(QStringLiteral("UPDATE batches SET settings = ? WHERE id = ?"),
                 {jsonText(settings), batchId}, tr("recording the settings of batch %1").arg(batchId));
    return q ? Status() : Status(q.error());
}

Result<QJsonObject> Catalog::batchSettings(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT settings FROM batches WHERE id = ?"), {batchId},
                 tr("reading the settings of batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no batch %1.").arg(batchId)};
    return QJsonDocument::fromJson(q->value(0).toString().toUtf8()).object();
}

Result<QList<BatchRecord>> Catalog::loadBatches(qint64 onlyId)
{
    // One batch filters every query by it; all batches read each table once, grouped.
    const QString where = onlyId > 0 ? QStringLiteral(" WHERE batch_id = %1").arg(onlyId) : QString();
    auto q = run(
        QStringLiteral("SELECT id, name, source, detected, trace, state, created_at, settings FROM batches") +
            (onlyId > 0 ? QStringLiteral(" WHERE id = %1").arg(onlyId) : QString()) +
            QStringLiteral(" ORDER BY created_at, id"),
        {}, tr("listing batches"));
    if (!q)
        return q.error();
    QList<BatchRecord> result;
    while (q->next()) {
        BatchRecord b;
        b.id = q->value(0).toLongLong();
        b.name = q->value(1).toString();
        b.source = q->value(2).toString();
        b.detected = q->value(3).toString();
        b.trace = QJsonDocument::fromJson(q->value(4).toString().toUtf8()).array();
        b.state = batchStateFromKey(q->value(5).toString());
        b.created = fromDbTime(q->value(6).toString());
        b.archived = QJsonDocument::fromJson(q->value(7).toString().toUtf8())
                         .object()
                         .contains(QStringLiteral("archived_at"));
        result.append(b);
    }

    // Counts and stage states for all batches in two grouped queries, not two per batch.
    auto counts = run(QStringLiteral("SELECT batch_id, status, COUNT(*), COALESCE(SUM(size), 0) FROM files") +
                          where + QStringLiteral(" GROUP BY batch_id, status"),
                      {}, tr("counting files"));
    if (!counts)
        return counts.error();
    QHash<qint64, BatchRecord *> byId;
    for (BatchRecord &b : result)
        byId.insert(b.id, &b);
    while (counts->next()) {
        BatchRecord *b = byId.value(counts->value(0).toLongLong());
        const auto status = StatusInfo::fromKey(counts->value(1).toString());
        if (!b || !status)
            continue;
        b->counts[*status] += counts->value(2).toLongLong();
        b->files += counts->value(2).toLongLong();
        b->bytes += counts->value(3).toLongLong();
    }
    auto items = run(QStringLiteral("SELECT batch_id, COUNT(*) FROM items") + where +
                         QStringLiteral(" GROUP BY batch_id"),
                     {}, tr("counting items"));
    if (!items)
        return items.error();
    while (items->next()) {
        if (BatchRecord *b = byId.value(items->value(0).toLongLong()))
            b->items = items->value(1).toLongLong();
    }
    auto stages = run(
        QStringLiteral(
            "SELECT batch_id, stage, state, heartbeat_at, runner, finished_at, detail FROM batch_stages") +
            where,
        {}, tr("reading stages"));
    if (!stages)
        return stages.error();
    while (stages->next()) {
        BatchRecord *b = byId.value(stages->value(0).toLongLong());
        const auto stage = StageInfo::fromKey(stages->value(1).toString());
        const auto state = StageInfo::stateFromKey(stages->value(2).toString());
        if (!b || !stage || !state)
            continue;
        StageRecord r;
        r.stage = *stage;
        r.state = *state;
        r.heartbeat = fromDbTime(text(stages->value(3)));
        r.runner = text(stages->value(4));
        b->stages.insert(*stage, r.effectiveState());
        if (const QString detail = text(stages->value(6)); !detail.isEmpty())
            b->stageDetails.insert(*stage, detail);
        for (const QDateTime &at : {r.heartbeat, fromDbTime(text(stages->value(5)))}) {
            if (at.isValid() && (!b->lastRun.isValid() || at > b->lastRun))
                b->lastRun = at;
        }
    }
    return result;
}

Result<QList<BatchRecord>> Catalog::batches()
{
    return loadBatches(0);
}

Result<BatchRecord> Catalog::batch(qint64 batchId)
{
    auto found = loadBatches(batchId);
    if (!found)
        return found.error();
    if (found->isEmpty()) {
        return Error{
            ErrorCode::NotFound,
            tr("There is no batch %1 in the catalog %2.").arg(batchId).arg(m_location.displayName())};
    }
    return found->constFirst();
}

Result<std::optional<qint64>> Catalog::latestBatchForSource(const QString &source)
{
    auto q = run(QStringLiteral("SELECT id FROM batches WHERE source = ? ORDER BY id DESC LIMIT 1"), {source},
                 tr("looking up batches of a source"));
    if (!q)
        return q.error();
    if (q->next())
        return std::optional<qint64>(q->value(0).toLongLong());
    return std::optional<qint64>();
}

Status Catalog::clearBatchContents(qint64 batchId)
{
    // The per-file rows first, by their batch index, rather than one cascade per deleted file.
    for (const QString &table :
         {QStringLiteral("file_targets"), QStringLiteral("file_stages"), QStringLiteral("events"),
          QStringLiteral("files"), QStringLiteral("items")}) {
        auto q = run(QStringLiteral("DELETE FROM %1 WHERE batch_id = ?").arg(table), {batchId},
                     tr("clearing batch %1").arg(batchId));
        if (!q)
            return q.error();
    }
    return {};
}

Result<qint64> Catalog::discardItemsAfter(qint64 batchId, qint64 seq)
{
    const QString items = QStringLiteral("SELECT id FROM items WHERE batch_id = ? AND seq > ?");
    auto files = run(u"DELETE FROM files WHERE item_id IN (" + items + u')', {batchId, seq},
                     tr("discarding items of batch %1").arg(batchId));
    if (!files)
        return files.error();
    const qint64 removed = files->numRowsAffected();
    auto rows = run(QStringLiteral("DELETE FROM items WHERE batch_id = ? AND seq > ?"), {batchId, seq},
                    tr("discarding items of batch %1").arg(batchId));
    if (!rows)
        return rows.error();
    return removed;
}

// Stages

Status Catalog::setStageState(qint64 batchId, Stage stage, StageState state, const QString &detail)
{
    const QString now = toDbTime(QDateTime::currentDateTimeUtc());
    const bool running = state == StageState::Running;
    auto q =
        run(QStringLiteral(
                "INSERT INTO batch_stages (batch_id, stage, state, started_at, finished_at, heartbeat_at,"
                " runner, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (batch_id, stage) DO UPDATE SET state = excluded.state,"
                " started_at = COALESCE(batch_stages.started_at, excluded.started_at),"
                " finished_at = excluded.finished_at, heartbeat_at = excluded.heartbeat_at,"
                " runner = excluded.runner, detail = excluded.detail"),
            {batchId, StageInfo::key(stage), StageInfo::key(state), running ? QVariant(now) : QVariant(),
             running ? QVariant() : QVariant(now), now, currentRunner(), notNull(detail)},
            tr("recording the %1 stage").arg(StageInfo::key(stage)));
    return q ? announceChange(*this, batchId, CatalogChange::Stage) : Status(q.error());
}

Status Catalog::heartbeat(qint64 batchId, Stage stage)
{
    auto q = run(QStringLiteral("UPDATE batch_stages SET heartbeat_at = ? WHERE batch_id = ? AND stage = ?"),
                 {toDbTime(QDateTime::currentDateTimeUtc()), batchId, StageInfo::key(stage)},
                 tr("recording progress of the %1 stage").arg(StageInfo::key(stage)));
    return q ? Status() : Status(q.error());
}

Result<Catalog::RunTimes> Catalog::runTimes(qint64 batchId)
{
    auto q = run(
        QStringLiteral("SELECT MIN(started_at), MAX(COALESCE(finished_at, heartbeat_at)) FROM batch_stages"
                       " WHERE batch_id = ?"),
        {batchId}, tr("reading the run times of batch %1").arg(batchId));
    if (!q)
        return q.error();
    RunTimes times;
    if (q->next()) {
        times.started = fromDbTime(text(q->value(0)));
        times.finished = fromDbTime(text(q->value(1)));
    }
    return times;
}

Result<QList<StageRecord>> Catalog::stages(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT stage, state, started_at, finished_at, heartbeat_at, runner, detail"
                                " FROM batch_stages WHERE batch_id = ?"),
                 {batchId}, tr("reading stages"));
    if (!q)
        return q.error();
    QList<StageRecord> result;
    while (q->next()) {
        const auto stage = StageInfo::fromKey(q->value(0).toString());
        const auto state = StageInfo::stateFromKey(q->value(1).toString());
        if (!stage || !state)
            continue;
        StageRecord r;
        r.stage = *stage;
        r.state = *state;
        r.started = fromDbTime(text(q->value(2)));
        r.finished = fromDbTime(text(q->value(3)));
        r.heartbeat = fromDbTime(text(q->value(4)));
        r.runner = text(q->value(5));
        r.detail = text(q->value(6));
        result.append(r);
    }
    std::sort(result.begin(), result.end(),
              [](const StageRecord &a, const StageRecord &b) { return a.stage < b.stage; });
    return result;
}

// Items and files

Result<qint64> Catalog::insertItem(const ItemRecord &item)
{
    QSqlQuery &q =
        prepared(m_insertItem, QStringLiteral("INSERT INTO items (batch_id, seq, identifier, label,"
                                              " metadata) VALUES (?, ?, ?, ?, ?) RETURNING id"));
    q.addBindValue(item.batchId);
    q.addBindValue(item.seq);
    q.addBindValue(item.identifier);
    q.addBindValue(notNull(item.label));
    q.addBindValue(jsonText(item.metadata));
    if (!q.exec() || !q.next())
        return sqlError(q, tr("adding item %1").arg(item.identifier));
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return id;
}

Result<qint64> Catalog::insertFile(const FileRecord &f)
{
    QSqlQuery &q = prepared(
        m_insertFile,
        QStringLiteral(
            "INSERT INTO files (batch_id, item_id, seq, name, source_path, source_member, source_url,"
            " declared_size, declared_md5, declared_sha1, declared_sha256, declared_sha512, declared_origin,"
            " declared_mimetype, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id"));
    q.addBindValue(f.batchId);
    q.addBindValue(f.itemId);
    q.addBindValue(f.seq);
    q.addBindValue(f.name);
    q.addBindValue(nullable(f.sourcePath));
    q.addBindValue(nullable(f.sourceMember));
    q.addBindValue(nullable(f.sourceUrl));
    q.addBindValue(nullableSize(f.declaredSize));
    q.addBindValue(nullable(f.declared.md5));
    q.addBindValue(nullable(f.declared.sha1));
    q.addBindValue(nullable(f.declared.sha256));
    q.addBindValue(nullable(f.declared.sha512));
    q.addBindValue(nullable(f.declared.origin));
    q.addBindValue(nullable(f.declaredMimetype));
    q.addBindValue(StatusInfo::key(f.status));
    q.addBindValue(nullable(f.error));
    if (!q.exec() || !q.next())
        return sqlError(q, tr("adding file %1").arg(f.name));
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    if (f.status != FileStatus::Pending) {
        // Intake refused it: the refusal is intake's outcome for the file, and no later stage takes it.
        FileRecord refused = f;
        refused.id = id;
        refused.processedAt = QDateTime::currentDateTimeUtc();
        if (Status s = writeStageRows(Stage::Intake, {refused}, false); !s)
            return s.error();
    }
    return id;
}

namespace {

constexpr qsizetype s_rowsPerInsert = 500;

/*!
    Rows a multi-row INSERT of \a columns columns carries on \a catalog's server: s_rowsPerInsert on
    PostgreSQL, where each statement is a round trip. On SQLite a statement costs no round trip, and its
    parameters cost quadratic time: QSQLITE rewrites every "?" into a named placeholder and SQLite finds names
    by a linear search, both when parsing and when Qt binds (the 8,000 parameters of 500 files were 80 % of
    loading 1,000 files: 0.40 s, perf). About 256 parameters a statement keep that below the rows' own cost.
*/
qsizetype rowsPerInsert(const Catalog &catalog, qsizetype columns)
{
    if (catalog.dialect().driverName() != u"QSQLITE")
        return s_rowsPerInsert;
    return std::max<qsizetype>(1, 256 / columns);
}

/*!
    \a column (a batch id) as a walk over a batch that pages along the primary key compares it. On SQLite a
    "+" keeps the planner from choosing the batch index, which would visit and sort every row of the batch
    for each page. PostgreSQL has no statistics for the expression "+batch_id": it guessed a handful of rows
    and scanned and sorted the whole table for every page (1.7 s a page of 5,000 at 10^6 files, quadratic
    over the walk); the bare column lets it take the primary key or the (batch_id, id) index (53 ms).
*/
QString pagedBatch(const SqlDialect &dialect, const QString &column)
{
    return dialect.driverName() == u"QSQLITE" ? u'+' + column : column;
}

//! "INSERT INTO table (columns) VALUES (?, …), (?, …) …" for \a rows rows of \a columns.
QString multiRowInsert(const QString &table, const QStringList &columns, qsizetype rows)
{
    QString row = u'(' + QStringLiteral("?, ").repeated(columns.size() - 1) + u"?)";
    QString sql = u"INSERT INTO " + table + u" (" + columns.join(QStringLiteral(", ")) + u") VALUES ";
    sql.reserve(sql.size() + rows * (row.size() + 2));
    for (qsizetype i = 0; i < rows; ++i) {
        if (i > 0)
            sql += QStringLiteral(", ");
        sql += row;
    }
    return sql;
}

Error bulkError(const Catalog &catalog, const QSqlQuery &q, const QString &what)
{
    return Error{ErrorCode::Database, Catalog::tr("Catalog error while %1 in %2: %3")
                                          .arg(what, catalog.location().displayName(), q.lastError().text())};
}

// The columns insertPendingFiles() writes.
const QStringList s_pendingFileColumns = {QStringLiteral("batch_id"),
                                          QStringLiteral("item_id"),
                                          QStringLiteral("seq"),
                                          QStringLiteral("name"),
                                          QStringLiteral("source_path"),
                                          QStringLiteral("source_member"),
                                          QStringLiteral("source_url"),
                                          QStringLiteral("declared_size"),
                                          QStringLiteral("declared_md5"),
                                          QStringLiteral("declared_sha1"),
                                          QStringLiteral("declared_sha256"),
                                          QStringLiteral("declared_sha512"),
                                          QStringLiteral("declared_origin"),
                                          QStringLiteral("declared_mimetype"),
                                          QStringLiteral("status"),
                                          QStringLiteral("error")};

// Writes \a files (all pending) with one statement.
Status insertPendingFiles(Catalog &catalog, const QList<const FileRecord *> &files)
{
    if (files.isEmpty())
        return {};
    QSqlQuery q(catalog.database());
    const QString what =
        Catalog::tr("adding files %1 to %2").arg(files.constFirst()->name, files.constLast()->name);
    if (!q.prepare(multiRowInsert(QStringLiteral("files"), s_pendingFileColumns, files.size())))
        return bulkError(catalog, q, what);
    for (const FileRecord *f : files) {
        q.addBindValue(f->batchId);
        q.addBindValue(f->itemId);
        q.addBindValue(f->seq);
        q.addBindValue(f->name);
        q.addBindValue(nullable(f->sourcePath));
        q.addBindValue(nullable(f->sourceMember));
        q.addBindValue(nullable(f->sourceUrl));
        q.addBindValue(nullableSize(f->declaredSize));
        q.addBindValue(nullable(f->declared.md5));
        q.addBindValue(nullable(f->declared.sha1));
        q.addBindValue(nullable(f->declared.sha256));
        q.addBindValue(nullable(f->declared.sha512));
        q.addBindValue(nullable(f->declared.origin));
        q.addBindValue(nullable(f->declaredMimetype));
        q.addBindValue(StatusInfo::key(f->status));
        q.addBindValue(nullable(f->error));
    }
    if (!q.exec())
        return bulkError(catalog, q, what);
    return {};
}

} // namespace

Status insertItems(Catalog &catalog, QList<NewItem> &items)
{
    static const QStringList itemColumns = {QStringLiteral("batch_id"), QStringLiteral("seq"),
                                            QStringLiteral("identifier"), QStringLiteral("label"),
                                            QStringLiteral("metadata")};
    const qsizetype itemRows = rowsPerInsert(catalog, itemColumns.size());
    for (qsizetype first = 0; first < items.size(); first += itemRows) {
        const qsizetype count = std::min(itemRows, items.size() - first);
        QSqlQuery q(catalog.database());
        q.setForwardOnly(true);
        const QString what =
            Catalog::tr("adding items %1 to %2")
                .arg(items.at(first).item.identifier, items.at(first + count - 1).item.identifier);
        if (!q.prepare(multiRowInsert(QStringLiteral("items"), itemColumns, count) +
                       QStringLiteral(" RETURNING id, seq")))
            return bulkError(catalog, q, what);
        QHash<int, qsizetype> bySeq;
        bySeq.reserve(count);
        for (qsizetype i = first; i < first + count; ++i) {
            const ItemRecord &item = items.at(i).item;
            bySeq.insert(item.seq, i);
            q.addBindValue(item.batchId);
            q.addBindValue(item.seq);
            q.addBindValue(item.identifier);
            q.addBindValue(notNull(item.label));
            q.addBindValue(jsonText(item.metadata));
        }
        if (!q.exec())
            return bulkError(catalog, q, what);
        qsizetype returned = 0;
        while (q.next()) {
            const auto it = bySeq.constFind(q.value(1).toInt());
            if (it == bySeq.cend())
                return Error{
                    ErrorCode::Database,
                    Catalog::tr("Catalog error while %1 in %2: the server returned an item it was not "
                                "given (sequence %3).")
                        .arg(what, catalog.location().displayName())
                        .arg(q.value(1).toInt())};
            NewItem &added = items[*it];
            added.item.id = q.value(0).toLongLong();
            for (FileRecord &f : added.files)
                f.itemId = added.item.id;
            ++returned;
        }
        if (returned != count)
            return Error{ErrorCode::Database,
                         Catalog::tr("Catalog error while %1 in %2: %3 of %4 items were written.")
                             .arg(what, catalog.location().displayName())
                             .arg(returned)
                             .arg(count)};
    }
    // Files in the order given: runs of pending files in one statement each, a refused one on its own.
    const qsizetype fileRows = rowsPerInsert(catalog, s_pendingFileColumns.size());
    QList<const FileRecord *> run;
    run.reserve(fileRows);
    for (NewItem &item : items) {
        for (FileRecord &f : item.files) {
            if (f.status == FileStatus::Pending) {
                run.append(&f);
                if (run.size() < fileRows)
                    continue;
            }
            if (Status s = insertPendingFiles(catalog, run); !s)
                return s;
            run.clear();
            if (f.status != FileStatus::Pending) {
                if (const Result<qint64> id = catalog.insertFile(f); !id)
                    return id.error();
            }
        }
    }
    return insertPendingFiles(catalog, run);
}

namespace {

QString rowList(const RowStatement &statement, qsizetype rows)
{
    const qsizetype columns = statement.types.size();
    QString first = QStringLiteral("(");
    for (qsizetype c = 0; c < columns; ++c) {
        if (c > 0)
            first += QStringLiteral(", ");
        const QString &type = statement.types.at(c);
        first += type.isEmpty() ? QStringLiteral("?") : u"CAST(? AS " + type + u')';
    }
    first += u')';
    const QString other = u'(' + QStringLiteral("?, ").repeated(columns - 1) + u"?)";
    QString sql = statement.head;
    sql.reserve(sql.size() + first.size() + (rows - 1) * (other.size() + 2) + statement.tail.size());
    sql += first;
    for (qsizetype i = 1; i < rows; ++i) {
        sql += QStringLiteral(", ");
        sql += other;
    }
    sql += statement.tail;
    return sql;
}

//! \a files with one entry per id, the last given for it (what writing them one by one would leave): a
//! multi-row upsert may not touch a row twice.
QList<FileRecord> lastOfEach(const QList<FileRecord> &files)
{
    QHash<qint64, qsizetype> last;
    last.reserve(files.size());
    for (qsizetype i = 0; i < files.size(); ++i)
        last.insert(files.at(i).id, i);
    if (last.size() == files.size())
        return files;
    QList<FileRecord> once;
    once.reserve(last.size());
    for (qsizetype i = 0; i < files.size(); ++i) {
        if (last.value(files.at(i).id) == i)
            once.append(files.at(i));
    }
    return once;
}

//! What writing the outcomes of \a files from \a first to \a last (inclusive) is, for an error.
QString outcomesOf(const QList<FileRecord> &files, qsizetype first, qsizetype last)
{
    return first == last ? Catalog::tr("recording the outcome for file %1").arg(files.at(first).name)
                         : Catalog::tr("recording the outcomes for files %1 to %2")
                               .arg(files.at(first).name, files.at(last).name);
}

/*!
    Locks the rows of \a files in id order, first thing in a transaction that records their outcomes, on
    PostgreSQL. A multi-row UPDATE takes its row locks in whatever order its join runs; and a claim of another
    process may hold some of these rows (its candidates are locked before its leases are taken, and a
    candidate whose lease we hold is only found out then) while it waits for our lease rows: taking the files
    before the leases (keepLeased()) makes us wait for the claim instead of deadlocking with it (seen with two
    fetch processes at 10^5 files, and after a server restart). SQLite locks the whole database.
*/
Status lockFileRows(Catalog &catalog, const QList<FileRecord> &files)
{
    if (files.isEmpty() || catalog.dialect().engine() != SqlDialect::Engine::Postgres)
        return {};
    QList<qint64> ids;
    ids.reserve(files.size());
    for (const FileRecord &f : files)
        ids.append(f.id);
    std::sort(ids.begin(), ids.end());
    // Not forward-only: QPSQL would read the rows one at a time, and a lock that fails on a later row (a
    // deadlock) would only show when reading it. The ids are numbers the catalog gave out: listing them in
    // the statement is safe.
    QSqlQuery q(catalog.database());
    if (!q.exec(u"SELECT id FROM files WHERE id IN (" + sqlIdList(ids) + u") ORDER BY id FOR NO KEY UPDATE"))
        return catalog.sqlError(q, outcomesOf(files, 0, files.size() - 1));
    while (q.next()) {
    }
    if (q.lastError().isValid())
        return catalog.sqlError(q, outcomesOf(files, 0, files.size() - 1));
    return {};
}

} // namespace

Status runRows(Catalog &catalog, const RowStatement &statement, qsizetype rows,
               const std::function<void(QSqlQuery &query, qsizetype row)> &bind,
               const std::function<QString(qsizetype first, qsizetype last)> &what)
{
    const qsizetype perStatement = rowsPerInsert(catalog, std::max<qsizetype>(1, statement.types.size()));
    // The statement for a full chunk is prepared once and run for each; the rest gets its own.
    std::optional<QSqlQuery> full;
    for (qsizetype first = 0; first < rows; first += perStatement) {
        const qsizetype count = std::min(perStatement, rows - first);
        std::optional<QSqlQuery> rest;
        std::optional<QSqlQuery> &slot = count == perStatement ? full : rest;
        if (!slot) {
            slot.emplace(catalog.database());
            if (!slot->prepare(rowList(statement, count)))
                return catalog.sqlError(*slot, what(first, first + count - 1));
        }
        QSqlQuery &q = *slot;
        for (qsizetype row = first; row < first + count; ++row)
            bind(q, row);
        if (!q.exec())
            return catalog.sqlError(q, what(first, first + count - 1));
    }
    return {};
}

Status insertEventRows(Catalog &catalog, const QList<EventRecord> &events)
{
    static const RowStatement statement{
        QStringLiteral("INSERT INTO events (batch_id, item_id, file_id, event_type, event_at, outcome, agent,"
                       " detail, person) VALUES "),
        QStringList(9),
        {}};
    const QString now = Catalog::toDbTime(QDateTime::currentDateTimeUtc());
    return runRows(
        catalog, statement, events.size(),
        [&](QSqlQuery &q, qsizetype row) {
            const EventRecord &e = events.at(row);
            q.addBindValue(e.batchId);
            q.addBindValue(e.itemId > 0 ? QVariant(e.itemId) : QVariant(QMetaType::fromType<qint64>()));
            q.addBindValue(e.fileId > 0 ? QVariant(e.fileId) : QVariant(QMetaType::fromType<qint64>()));
            q.addBindValue(notNull(e.type));
            q.addBindValue(e.at.isValid() ? Catalog::toDbTime(e.at) : now);
            q.addBindValue(notNull(e.outcome));
            q.addBindValue(notNull(e.agent));
            q.addBindValue(notNull(e.detail));
            // The curator who ran the software (v10), for the software's events only.
            q.addBindValue(EventPerson::column(e));
        },
        [&](qsizetype first, qsizetype last) {
            return first == last ? Catalog::tr("recording a %1 event").arg(events.at(first).type)
                                 : Catalog::tr("recording events %1 to %2 (%3 to %4)")
                                       .arg(first + 1)
                                       .arg(last + 1)
                                       .arg(events.at(first).type, events.at(last).type);
        });
}

Result<QList<FileRecord>> Catalog::files(qint64 batchId, const FileQuery &query)
{
    // A walk over every file pages along the primary key (pagedBatch(): the batch index would make each page
    // visit and sort every file of the batch, quadratic in the batch's size). A status filter keeps the
    // (batch_id, status) index, which finds the few pending files directly.
    QString sql = u"SELECT " + s_fileColumns + u" FROM files f JOIN items i ON i.id = f.item_id WHERE " +
                  (query.statuses.isEmpty() ? pagedBatch(m_dialect, QStringLiteral("f.batch_id"))
                                            : QStringLiteral("f.batch_id")) +
                  u" = ? AND f.id > ?";
    QVariantList values{batchId, query.afterId};
    if (!query.statuses.isEmpty())
        sql += u" AND f.status IN (" + statusList(query.statuses) + u')';
    if (query.pending)
        sql += pendingCondition(*query.pending, values);
    if (!query.sourcePath.isEmpty()) {
        sql += u" AND f.source_path = ?";
        values.append(query.sourcePath);
    }
    sql += u" ORDER BY f.id";
    if (query.limit >= 0)
        sql += u" LIMIT " + QString::number(query.limit);
    auto q = run(sql, values, tr("reading files of batch %1").arg(batchId));
    if (!q)
        return q.error();
    return filesFromQuery(*q);
}

Result<FileRecord> Catalog::file(qint64 fileId)
{
    auto q =
        run(u"SELECT " + s_fileColumns + u" FROM files f JOIN items i ON i.id = f.item_id WHERE f.id = ?",
            {fileId}, tr("reading file %1").arg(fileId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no file %1 in the catalog.").arg(fileId)};
    return fileFromQuery(*q);
}

Result<QList<FileRecord>> Catalog::itemFiles(qint64 itemId)
{
    auto q =
        run(u"SELECT " + s_fileColumns +
                u" FROM files f JOIN items i ON i.id = f.item_id WHERE f.item_id = ? ORDER BY f.seq, f.id",
            {itemId}, tr("reading the files of item %1").arg(itemId));
    if (!q)
        return q.error();
    return filesFromQuery(*q);
}

Status Catalog::forEachFile(qint64 batchId, const std::function<bool(const FileRecord &)> &visit)
{
    constexpr int pageSize = 5000;
    FileQuery query;
    query.limit = pageSize;
    for (;;) {
        auto page = files(batchId, query);
        if (!page)
            return page.error();
        for (const FileRecord &f : *page) {
            if (!visit(f))
                return {};
        }
        if (page->size() < pageSize)
            return {};
        query.afterId = page->constLast().id;
    }
}

Status Catalog::recordOutcomes(const QList<FileRecord> &files, const QList<EventRecord> &events,
                               const QList<HttpCacheEntry> &cache)
{
    // Rows are written in key order (files by id, validators by URL), so two processes writing at once take
    // their row locks in the same order and cannot deadlock on each other.
    QList<FileRecord> ordered = files;
    std::sort(ordered.begin(), ordered.end(),
              [](const FileRecord &a, const FileRecord &b) { return a.id < b.id; });
    QList<HttpCacheEntry> validators = cache;
    std::sort(validators.begin(), validators.end(),
              [](const HttpCacheEntry &a, const HttpCacheEntry &b) { return a.url < b.url; });
    return inTransaction([&]() -> Status {
        QList<FileRecord> held = ordered;
        QList<EventRecord> heldEvents = events;
        if (Status s = lockFileRows(*this, held); !s)
            return s;
        if (Status s = keepLeased(*this, Stage::Fetch, held, heldEvents); !s)
            return s;
        return writeOutcomes(held, heldEvents, validators);
    });
}

Status Catalog::writeOutcomes(const QList<FileRecord> &files, const QList<EventRecord> &events,
                              const QList<HttpCacheEntry> &cache)
{
    // One statement for the page's files (runRows()), not one per file.
    static const RowStatement outcomes{
        QStringLiteral("WITH v (id, size, md5, sha1, sha256, mimetype, status, error, attempts, stored_key,"
                       " processed_at, http_status, etag, last_modified, terminal_url, hops) AS (VALUES "),
        {QStringLiteral("BIGINT"),
         QStringLiteral("BIGINT"),
         {},
         {},
         {},
         {},
         {},
         {},
         QStringLiteral("INTEGER"),
         {},
         {},
         QStringLiteral("INTEGER"),
         {},
         {},
         {},
         {}},
        QStringLiteral(
            ") UPDATE files SET size = v.size, md5 = v.md5, sha1 = v.sha1, sha256 = v.sha256,"
            " mimetype = v.mimetype, status = v.status, error = v.error, attempts = v.attempts,"
            " stored_key = v.stored_key, processed_at = v.processed_at, http_status = v.http_status,"
            " etag = v.etag, last_modified = v.last_modified, terminal_url = v.terminal_url,"
            " hops = v.hops FROM v WHERE files.id = v.id")};
    const QList<FileRecord> once = lastOfEach(files);
    if (Status s = runRows(
            *this, outcomes, once.size(),
            [&](QSqlQuery &q, qsizetype row) {
                const FileRecord &f = once.at(row);
                q.addBindValue(f.id);
                q.addBindValue(nullableSize(f.size));
                q.addBindValue(nullable(f.digests.md5));
                q.addBindValue(nullable(f.digests.sha1));
                q.addBindValue(nullable(f.digests.sha256));
                q.addBindValue(nullable(f.mimetype));
                q.addBindValue(StatusInfo::key(f.status));
                q.addBindValue(nullable(f.error));
                q.addBindValue(f.attempts);
                q.addBindValue(nullable(f.storedKey));
                q.addBindValue(nullable(toDbTime(f.processedAt)));
                q.addBindValue(f.httpStatus > 0 ? QVariant(f.httpStatus)
                                                : QVariant(QMetaType::fromType<int>()));
                q.addBindValue(nullable(f.etag));
                q.addBindValue(nullable(f.lastModified));
                q.addBindValue(nullable(f.terminalUrl));
                q.addBindValue(f.hops.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                : QVariant(jsonText(f.hops)));
            },
            [&](qsizetype first, qsizetype last) { return outcomesOf(once, first, last); });
        !s)
        return s;
    if (Status s = writeStageRows(Stage::Fetch, files, false); !s)
        return s;
    if (Status s = insertEvents(events); !s)
        return s;
    if (!cache.isEmpty()) {
        QSqlQuery &c = prepared(
            m_upsertCache,
            QStringLiteral(
                "INSERT INTO http_cache (url, etag, last_modified, expires_at, stored_key, size, md5, sha1,"
                " sha256, mimetype, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified, expires_at = excluded.expires_at,"
                " stored_key = excluded.stored_key, size = excluded.size, md5 = excluded.md5,"
                " sha1 = excluded.sha1, sha256 = excluded.sha256, mimetype = excluded.mimetype,"
                " fetched_at = excluded.fetched_at"));
        for (const HttpCacheEntry &e : cache) {
            c.addBindValue(e.url);
            c.addBindValue(nullable(e.etag));
            c.addBindValue(nullable(e.lastModified));
            c.addBindValue(nullable(toDbTime(e.freshUntil)));
            c.addBindValue(notNull(e.storedKey));
            c.addBindValue(e.size);
            c.addBindValue(notNull(e.digests.md5));
            c.addBindValue(notNull(e.digests.sha1));
            c.addBindValue(notNull(e.digests.sha256));
            c.addBindValue(notNull(e.mimetype));
            c.addBindValue(toDbTime(e.fetchedAt.isValid() ? e.fetchedAt : QDateTime::currentDateTimeUtc()));
            if (!c.exec())
                return sqlError(c, tr("remembering the validators of %1").arg(e.url));
        }
    }
    return {};
}

QString Catalog::pendingCondition(const PendingFor &pending, QVariantList &values)
{
    // Both engines answer this with a walk of files_batch in id order and one primary-key probe of
    // file_stages per condition: a page costs the same at the start and at the end of a million files.
    // The probes are scalar subqueries, not [NOT] EXISTS: PostgreSQL turns those into joins planned from its
    // statistics, and statistics taken before a stage ran say it has no rows; the plan then read every row
    // the stage had written for each file of a page (a check claim at 10^5 files: 2.2 s a page, quadratic
    // over the batch; now 2 ms, EXPLAIN ANALYZE).
    QString sql = QStringLiteral(" AND COALESCE((SELECT s.state FROM file_stages s WHERE s.file_id = f.id"
                                 " AND s.stage = ?), 'pending') = 'pending'");
    values.append(StageInfo::key(pending.stage));
    if (pending.after == Stage::Intake) {
        // Intake records only what it refused.
        sql += QStringLiteral(" AND (SELECT g.stage FROM file_stages g WHERE g.file_id = f.id"
                              " AND g.stage = 'intake') IS NULL");
    } else if (pending.settled) {
        // A transient failure waits for the stage before to try it again.
        sql += u" AND (SELECT g.state <> 'pending' AND g.status NOT IN (" +
               statusList(StatusInfo::transientStatuses()) +
               u") FROM file_stages g WHERE g.file_id = f.id AND g.stage = ?)";
        values.append(StageInfo::key(pending.after));
    } else {
        sql += QStringLiteral(" AND (SELECT g.state FROM file_stages g WHERE g.file_id = f.id"
                              " AND g.stage = ?) = 'done'");
        values.append(StageInfo::key(pending.after));
    }
    return sql;
}

Status Catalog::writeStageRows(Stage stage, const QList<FileRecord> &files, bool overall)
{
    // One statement each for the page's stage rows and overall statuses (runRows()), not one per file.
    static const RowStatement stageRows{
        QStringLiteral("INSERT INTO file_stages (file_id, stage, batch_id, state, status, attempts, detail,"
                       " updated_at) VALUES "),
        QStringList(8),
        QStringLiteral(" ON CONFLICT (file_id, stage) DO UPDATE SET state = excluded.state,"
                       " status = excluded.status, attempts = excluded.attempts, detail = excluded.detail,"
                       " updated_at = excluded.updated_at")};
    static const RowStatement overallRows{
        QStringLiteral("WITH v (id, status, error, attempts, processed_at) AS (VALUES "),
        {QStringLiteral("BIGINT"), {}, {}, QStringLiteral("INTEGER"), {}},
        QStringLiteral(") UPDATE files SET status = v.status, error = v.error, attempts = v.attempts,"
                       " processed_at = v.processed_at FROM v WHERE files.id = v.id")};
    const QString stageKey = StageInfo::key(stage);
    const QString now = toDbTime(QDateTime::currentDateTimeUtc());
    const QList<FileRecord> once = lastOfEach(files);
    if (Status s = runRows(
            *this, stageRows, once.size(),
            [&](QSqlQuery &q, qsizetype row) {
                // A file put back keeps the outcome it had (the row still says why); only its state changes.
                const FileRecord &f = once.at(row);
                q.addBindValue(f.id);
                q.addBindValue(stageKey);
                q.addBindValue(f.batchId);
                q.addBindValue(FileStateInfo::key(FileStateInfo::stateFor(f.status)));
                q.addBindValue(StatusInfo::key(f.status));
                q.addBindValue(f.attempts);
                q.addBindValue(notNull(f.error));
                q.addBindValue(f.processedAt.isValid() ? toDbTime(f.processedAt) : now);
            },
            [&](qsizetype first, qsizetype last) {
                return first == last
                           ? tr("recording the %1 stage of file %2").arg(stageKey, once.at(first).name)
                           : tr("recording the %1 stage of files %2 to %3")
                                 .arg(stageKey, once.at(first).name, once.at(last).name);
            });
        !s)
        return s;
    if (Status s = announceFiles(*this, files, CatalogChange::Files); !s)
        return s;
    if (!overall)
        return {};
    return runRows(
        *this, overallRows, once.size(),
        [&](QSqlQuery &q, qsizetype row) {
            const FileRecord &f = once.at(row);
            q.addBindValue(f.id);
            q.addBindValue(StatusInfo::key(f.status));
            q.addBindValue(nullable(f.error));
            q.addBindValue(f.attempts);
            q.addBindValue(nullable(toDbTime(f.processedAt)));
        },
        [&](qsizetype first, qsizetype last) {
            return first == last ? tr("recording the status of file %1").arg(once.at(first).name)
                                 : tr("recording the status of files %1 to %2")
                                       .arg(once.at(first).name, once.at(last).name);
        });
}

Status Catalog::recordStageOutcomes(Stage stage, const QList<FileRecord> &files,
                                    const QList<EventRecord> &events)
{
    QList<FileRecord> ordered = files; // key order: see recordOutcomes()
    std::sort(ordered.begin(), ordered.end(),
              [](const FileRecord &a, const FileRecord &b) { return a.id < b.id; });
    return inTransaction([&]() -> Status {
        QList<FileRecord> held = ordered;
        QList<EventRecord> heldEvents = events;
        if (Status s = lockFileRows(*this, held); !s)
            return s;
        if (Status s = keepLeased(*this, stage, held, heldEvents); !s)
            return s;
        if (Status s = writeStageRows(stage, held, true); !s)
            return s;
        if (Status s = insertEvents(heldEvents); !s)
            return s;
        if (held.isEmpty())
            return {};
        // Work done for the stage: its end (beginSettle()) is to be made again. A process that joins a
        // shared stage after its end and finds nothing to do takes that end as it is.
        auto q =
            run(QStringLiteral("UPDATE batch_stages SET settled_by = NULL WHERE batch_id = ? AND stage = ?"
                               " AND settled_by IS NOT NULL"),
                {held.constFirst().batchId, StageInfo::key(stage)},
                tr("recording the %1 stage").arg(StageInfo::key(stage)));
        return q ? Status() : Status(q.error());
    });
}

Result<QList<FileStageRecord>> Catalog::fileStages(qint64 fileId)
{
    auto q = run(QStringLiteral("SELECT file_id, batch_id, stage, state, status, attempts, detail, updated_at"
                                " FROM file_stages WHERE file_id = ? ORDER BY updated_at, stage"),
                 {fileId}, tr("reading the stages of file %1").arg(fileId));
    if (!q)
        return q.error();
    QList<FileStageRecord> result;
    while (q->next()) {
        FileStageRecord r;
        r.fileId = q->value(0).toLongLong();
        r.batchId = q->value(1).toLongLong();
        const auto stage = StageInfo::fromKey(q->value(2).toString());
        if (!stage)
            continue; // a plug-in stage this process does not know
        r.stage = *stage;
        r.state = FileStateInfo::stageStateFromKey(q->value(3).toString()).value_or(FileStageState::Pending);
        r.status = StatusInfo::fromKey(q->value(4).toString()).value_or(FileStatus::Pending);
        r.attempts = q->value(5).toInt();
        r.detail = q->value(6).toString();
        r.at = fromDbTime(q->value(7).toString());
        result.append(r);
    }
    return result;
}

Result<QMap<FileStatus, qint64>> Catalog::stageCounts(qint64 batchId, Stage stage)
{
    // Rows put back count as pending, whatever outcome they still remember.
    auto q = run(QStringLiteral("SELECT CASE WHEN state = 'pending' THEN 'pending' ELSE status END, COUNT(*)"
                                " FROM file_stages WHERE batch_id = ? AND stage = ? GROUP BY 1"),
                 {batchId, StageInfo::key(stage)},
                 tr("counting the %1 stage of batch %2").arg(StageInfo::key(stage)).arg(batchId));
    if (!q)
        return q.error();
    return countedBy<FileStatus>(*q, &StatusInfo::fromKey);
}

Result<QHash<QString, HttpCacheEntry>> Catalog::httpCache(const QStringList &urls)
{
    QHash<QString, HttpCacheEntry> result;
    constexpr qsizetype chunk = 500;
    for (qsizetype start = 0; start < urls.size(); start += chunk) {
        const QStringList part = urls.mid(start, chunk);
        QStringList marks;
        QVariantList values;
        for (const QString &url : part) {
            marks.append(QStringLiteral("?"));
            values.append(url);
        }
        auto q =
            run(u"SELECT url, etag, last_modified, expires_at, stored_key, size, md5, sha1, sha256, mimetype,"
                u" fetched_at FROM http_cache WHERE url IN (" +
                    marks.join(u',') + u')',
                values, tr("reading HTTP validators"));
        if (!q)
            return q.error();
        while (q->next()) {
            HttpCacheEntry e;
            e.url = q->value(0).toString();
            e.etag = text(q->value(1));
            e.lastModified = text(q->value(2));
            e.freshUntil = fromDbTime(text(q->value(3)));
            e.storedKey = q->value(4).toString();
            e.size = q->value(5).toLongLong();
            e.digests.md5 = q->value(6).toString();
            e.digests.sha1 = q->value(7).toString();
            e.digests.sha256 = q->value(8).toString();
            e.mimetype = q->value(9).toString();
            e.fetchedAt = fromDbTime(q->value(10).toString());
            result.insert(e.url, e);
        }
    }
    return result;
}

Result<QMap<FileStatus, qint64>> Catalog::statusCounts(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT status, COUNT(*) FROM files WHERE batch_id = ? GROUP BY status"),
                 {batchId}, tr("counting files of batch %1").arg(batchId));
    if (!q)
        return q.error();
    return countedBy<FileStatus>(*q, &StatusInfo::fromKey);
}

Result<Catalog::Workload> Catalog::pendingWork(qint64 batchId, const PendingFor &pending)
{
    QVariantList values{batchId};
    const QString condition = pendingCondition(pending, values);
    auto q = run(u"SELECT COUNT(*), COALESCE(SUM(f.declared_size), 0), COUNT(f.declared_size) FROM files f"
                 u" WHERE f.batch_id = ?" +
                     condition,
                 values, tr("counting pending files of batch %1").arg(batchId));
    if (!q)
        return q.error();
    Workload work;
    if (q->next()) {
        work.files = q->value(0).toLongLong();
        work.bytes = q->value(1).toLongLong();
        work.allSizesKnown = q->value(2).toLongLong() == work.files;
    }
    return work;
}

Result<int> Catalog::resetStage(qint64 batchId, Stage stage, const QList<FileStatus> &statuses,
                                bool downloadsOnly, const QList<Stage> &downstream)
{
    if (statuses.isEmpty())
        return 0;
    const QString what = tr("resetting files of batch %1").arg(batchId);
    const QString stageKey = StageInfo::key(stage);
    int count = 0;
    const Status status = inTransaction([&]() -> Status {
        count = 0;
        auto reset = resetStageRows(batchId, stageKey, statuses, downloadsOnly, downstream, what);
        if (!reset)
            return reset.error();
        count = *reset;
        return {};
    });
    if (!status)
        return status.error();
    return count;
}

Result<int> Catalog::resetStageRows(qint64 batchId, const QString &stageKey,
                                    const QList<FileStatus> &statuses, bool downloadsOnly,
                                    const QList<Stage> &downstream, const QString &what)
{
    // Rows already put back are not counted again.
    QString rows = u"UPDATE file_stages SET state = 'pending' WHERE batch_id = ? AND stage = ?"
                   u" AND state <> 'pending' AND status IN (" +
                   statusList(statuses) + u')';
    QVariantList values{batchId, stageKey};
    if (downloadsOnly) {
        rows += u" AND file_id IN (SELECT id FROM files WHERE batch_id = ? AND source_url IS NOT NULL"
                u" AND source_path IS NULL)";
        values.append(batchId);
    }
    auto reset = run(rows, values, what);
    if (!reset)
        return reset.error();
    const int count = reset->numRowsAffected();
    if (count == 0)
        return 0;
    const QString putBack = QStringLiteral("SELECT file_id FROM file_stages WHERE batch_id = ? AND stage = ?"
                                           " AND state = 'pending'");
    if (auto q = run(u"UPDATE files SET status = 'pending' WHERE id IN (" + putBack + u')',
                     {batchId, stageKey}, what);
        !q)
        return q.error();
    if (!downstream.isEmpty()) {
        QStringList keys;
        for (Stage later : downstream)
            keys.append(u'\'' + StageInfo::key(later) + u'\'');
        if (auto q = run(u"DELETE FROM file_stages WHERE batch_id = ? AND stage IN (" + keys.join(u',') +
                             u") AND file_id IN (" + putBack + u')',
                         {batchId, batchId, stageKey}, what);
            !q)
            return q.error();
    }
    return count;
}

// Leases

Result<ClaimedPage> Catalog::claimFiles(qint64 batchId, const FileQuery &query, const Lease &lease)
{
    Q_ASSERT(query.pending);
    const PendingFor pending = query.pending.value_or(PendingFor{});
    const qint64 afterId = query.afterId;
    const int limit = query.limit > 0 ? query.limit : 512;
    const QString stageKey = StageInfo::key(pending.stage);
    const QString now = m_dialect.nowMillis();
    const QString expiry = now + u" + " + QString::number(qint64(lease.seconds) * 1000);
    const QString what = tr("claiming files of batch %1 for the %2 stage").arg(batchId).arg(stageKey);
    ClaimedPage page;
    QSet<qint64> othersLeases;
    const Status status = inTransaction([&]() -> Status {
        page = ClaimedPage{};
        page.lastId = afterId;
        othersLeases.clear();
        // The claim probes file_stages and file_leases by primary key for each file it walks. Their
        // statistics lag behind tables that fill and empty as a stage runs: a file_leases taken for empty
        // (0 pages) made each probe a sequential scan of the leases, bloated by the churn of claims and
        // releases: one dedup claim of a shared 10^5-file run took 529 s (server log, EXPLAIN). Within this
        // transaction the planner takes an index wherever there is one.
        if (m_dialect.engine() == SqlDialect::Engine::Postgres) {
            QSqlQuery q(database());
            if (!q.exec(QStringLiteral("SET LOCAL enable_seqscan = off")))
                return sqlError(q, what);
        }
        // 1. Candidates in id order: pending for the stage and not held by another owner's live lease. On
        //    PostgreSQL the rows another claim is taking right now are skipped, never waited for.
        QVariantList values{batchId, afterId};
        QString sql = u"SELECT f.id FROM files f WHERE " +
                      pagedBatch(m_dialect, QStringLiteral("f.batch_id")) + u" = ? AND f.id > ?" +
                      pendingCondition(pending, values);
        if (!query.sourcePath.isEmpty()) {
            sql += u" AND f.source_path = ?";
            values.append(query.sourcePath);
        }
        sql += u" AND NOT EXISTS (SELECT 1 FROM file_leases l WHERE l.file_id = f.id AND l.stage = ?"
               u" AND l.owner <> ? AND l.expires_at > " +
               now + u") ORDER BY f.id LIMIT " + QString::number(limit) +
               m_dialect.skipLocked(QStringLiteral("f"));
        values << stageKey << lease.owner;
        auto candidates = run(sql, values, what);
        if (!candidates)
            return candidates.error();
        QList<qint64> ids;
        while (candidates->next())
            ids.append(candidates->value(0).toLongLong());
        page.exhausted = ids.size() < limit;
        if (ids.isEmpty())
            return {};
        page.lastId = ids.constLast();
        auto others = leasedByOthers(*this, ids, stageKey, lease.owner, what);
        if (!others)
            return others.error();
        othersLeases = std::move(*others);

        // 2. The leases, in id order. A lease another process took after this statement's snapshot (it
        //    committed between our read and our write) stays theirs: the upsert changes only a lease that ran
        //    out or is ours, and RETURNING names the files that are ours now. The ids (the catalog's own
        //    numbers) go into the statement as they are and the rest as two parameters: with a row of four
        //    parameters per file, SQLite spent about 25 ms of every 512-file claim resolving 2,048 of them by
        //    name (Qt names each positional one), on the thread that hands out the work.
        auto taken =
            run(u"INSERT INTO file_leases (file_id, stage, batch_id, owner, expires_at) SELECT f.id, ?, " +
                    QString::number(batchId) + u", ?, " + expiry + u" FROM files f WHERE f.id IN (" +
                    sqlIdList(ids) +
                    u") ORDER BY f.id"
                    u" ON CONFLICT (file_id, stage) DO UPDATE SET owner = excluded.owner,"
                    u" expires_at = excluded.expires_at WHERE file_leases.owner = excluded.owner"
                    u" OR file_leases.expires_at <= " +
                    now + u" RETURNING file_id",
                {stageKey, lease.owner}, what);
        if (!taken)
            return taken.error();
        QList<qint64> ours;
        while (taken->next())
            ours.append(taken->value(0).toLongLong());
        if (ours.isEmpty())
            return {};
        std::sort(ours.begin(), ours.end());

        // 3. What is still pending among them, read by a statement that sees every commit made before the
        //    leases were taken: a file another process settled (and released) just now is not done twice.
        QVariantList pendingValues;
        auto files = run(u"SELECT " + s_fileColumns + u" FROM files f JOIN items i ON i.id = f.item_id" +
                             u" WHERE f.id IN (" + sqlIdList(ours) + u')' +
                             pendingCondition(pending, pendingValues) + u" ORDER BY f.id",
                         pendingValues, what);
        if (!files)
            return files.error();
        page.files = filesFromQuery(*files);
        if (page.files.size() < ours.size()) {
            QSet<qint64> pendingIds;
            for (const FileRecord &f : std::as_const(page.files))
                pendingIds.insert(f.id);
            QList<qint64> settled;
            for (qint64 id : std::as_const(ours)) {
                if (!pendingIds.contains(id))
                    settled.append(id);
            }
            if (auto q = run(u"DELETE FROM file_leases WHERE stage = ? AND owner = ? AND file_id IN (" +
                                 sqlIdList(settled) + u')',
                             {stageKey, lease.owner}, what);
                !q)
                return q.error();
        }
        return {};
    });
    if (!status)
        return status.error();
    for (const FileRecord &f : std::as_const(page.files)) {
        if (othersLeases.contains(f.id))
            page.takenOver.insert(f.id);
    }
    return page;
}

Status Catalog::renewLeases(qint64 batchId, Stage stage, const Lease &lease)
{
    const QString now = m_dialect.nowMillis();
    // Only live leases: one that ran out may be another process's by now, and its row lock is theirs to take.
    auto q = run(u"UPDATE file_leases SET expires_at = " + now + u" + " +
                     QString::number(qint64(lease.seconds) * 1000) +
                     u" WHERE batch_id = ? AND stage = ? AND owner = ? AND expires_at > " + now,
                 {batchId, StageInfo::key(stage), lease.owner},
                 tr("renewing the leases of batch %1").arg(batchId));
    return q ? Status() : Status(q.error());
}

Result<QSet<qint64>> Catalog::confirmLeases(Stage stage, const Lease &lease, const QList<qint64> &fileIds)
{
    QSet<qint64> held;
    if (fileIds.isEmpty())
        return held;
    QList<qint64> ordered = fileIds;
    std::sort(ordered.begin(), ordered.end());
    auto q = run(u"UPDATE file_leases SET expires_at = " + m_dialect.nowMillis() + u" + " +
                     QString::number(qint64(lease.seconds) * 1000) +
                     u" WHERE stage = ? AND owner = ? AND file_id IN (" + sqlIdList(ordered) +
                     u") RETURNING file_id",
                 {StageInfo::key(stage), lease.owner}, tr("confirming leases"));
    if (!q)
        return q.error();
    while (q->next())
        held.insert(q->value(0).toLongLong());
    return held;
}

Status Catalog::releaseLeases(qint64 batchId, Stage stage, const QString &owner, const QList<qint64> &fileIds)
{
    QString sql = QStringLiteral("DELETE FROM file_leases WHERE batch_id = ? AND stage = ? AND owner = ?");
    if (!fileIds.isEmpty())
        sql += u" AND file_id IN (" + sqlIdList(fileIds) + u')';
    auto q = run(sql, {batchId, StageInfo::key(stage), owner},
                 tr("releasing the leases of batch %1").arg(batchId));
    return q ? Status() : Status(q.error());
}

Status Catalog::dropRunOutLeases(qint64 batchId, Stage stage)
{
    auto q = run(u"DELETE FROM file_leases WHERE batch_id = ? AND stage = ? AND expires_at <= " +
                     m_dialect.nowMillis(),
                 {batchId, StageInfo::key(stage)}, tr("releasing the leases of batch %1").arg(batchId));
    return q ? Status() : Status(q.error());
}

Result<QList<LeaseHolder>> Catalog::leaseHolders(qint64 batchId, Stage stage, const QString &exceptOwner)
{
    const QString now = m_dialect.nowMillis();
    auto q =
        run(u"SELECT owner, COUNT(*), MIN(expires_at) - " + now +
                u" FROM file_leases WHERE batch_id = ? AND stage = ? AND owner <> ? AND expires_at > " + now +
                u" GROUP BY owner ORDER BY owner",
            {batchId, StageInfo::key(stage), exceptOwner}, tr("reading who works on batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<LeaseHolder> holders;
    while (q->next())
        holders.append({q->value(0).toString(), q->value(1).toLongLong(), q->value(2).toLongLong()});
    return holders;
}

namespace {

//! The advisory lock that is the turn to end a batch's stage: (key1, key2) of pg_advisory_lock(int, int).
QString settleLockKeys(qint64 batchId, Stage stage)
{
    // 'GH' in the high bytes keeps clear of other applications' keys on a shared server.
    return QStringLiteral("%1, %2").arg(0x47480000 | int(stage)).arg(qint32(quint32(quint64(batchId))));
}

} // namespace

Result<std::optional<Settlement>> Catalog::beginSettle(qint64 batchId, Stage stage)
{
    if (m_dialect.engine() == SqlDialect::Engine::Postgres) {
        auto locked = run(
            u"SELECT pg_advisory_lock(" + settleLockKeys(batchId, stage) + u")", {},
            tr("waiting for the end of the %1 stage of batch %2").arg(StageInfo::key(stage)).arg(batchId));
        if (!locked)
            return locked.error();
        connectionState(this).settleLocks.append(settleLockKeys(batchId, stage));
    }
    auto q = run(QStringLiteral("SELECT settled_by, state, detail FROM batch_stages"
                                " WHERE batch_id = ? AND stage = ? AND settled_by IS NOT NULL"),
                 {batchId, StageInfo::key(stage)},
                 tr("reading the end of the %1 stage of batch %2").arg(StageInfo::key(stage)).arg(batchId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Settlement>();
    Settlement settled;
    settled.by = q->value(0).toString();
    settled.state = StageInfo::stateFromKey(q->value(1).toString()).value_or(StageState::NeedsAttention);
    settled.detail = q->value(2).toString();
    return std::optional<Settlement>(settled);
}

Status Catalog::endSettle(qint64 batchId, Stage stage, const QString &owner, bool settled)
{
    Status recorded;
    if (settled) {
        auto q =
            run(QStringLiteral("UPDATE batch_stages SET settled_by = ? WHERE batch_id = ? AND stage = ?"),
                {owner, batchId, StageInfo::key(stage)},
                tr("recording the end of the %1 stage of batch %2").arg(StageInfo::key(stage)).arg(batchId));
        if (!q)
            recorded = q.error();
    }
    if (m_dialect.engine() == SqlDialect::Engine::Postgres) {
        connectionState(this).settleLocks.removeOne(settleLockKeys(batchId, stage));
        auto unlocked = run(u"SELECT pg_advisory_unlock(" + settleLockKeys(batchId, stage) + u")", {},
                            tr("ending the %1 stage of batch %2").arg(StageInfo::key(stage)).arg(batchId));
        if (!unlocked && recorded)
            recorded = unlocked.error();
    }
    return recorded;
}

Result<ItemRecord> Catalog::item(qint64 itemId)
{
    auto q =
        run(QStringLiteral("SELECT id, batch_id, seq, identifier, label, metadata FROM items WHERE id = ?"),
            {itemId}, tr("reading item %1").arg(itemId));
    if (!q)
        return q.error();
    if (!q->next())
        return Error{ErrorCode::NotFound, tr("There is no item %1 in the catalog.").arg(itemId)};
    return itemFromQuery(*q);
}

Result<QList<ItemRecord>> Catalog::items(qint64 batchId, qint64 afterId, int limit)
{
    // Page along the primary key, not the batch index (see pagedBatch()).
    auto q = run(QStringLiteral("SELECT id, batch_id, seq, identifier, label, metadata FROM items"
                                " WHERE %1 = ? AND id > ? ORDER BY id LIMIT %2")
                     .arg(pagedBatch(m_dialect, QStringLiteral("batch_id")))
                     .arg(limit),
                 {batchId, afterId}, tr("reading items of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<ItemRecord> result;
    while (q->next())
        result.append(itemFromQuery(*q));
    return result;
}

Status Catalog::forEachItem(qint64 batchId, const std::function<bool(const ItemRecord &)> &visit)
{
    constexpr int pageSize = 5000;
    qint64 afterId = 0;
    for (;;) {
        auto page = items(batchId, afterId, pageSize);
        if (!page)
            return page.error();
        for (const ItemRecord &item : std::as_const(*page)) {
            if (!visit(item))
                return {};
        }
        if (page->size() < pageSize)
            return {};
        afterId = page->constLast().id;
    }
}

// Targets

namespace {

const QString s_upsertTarget =
    QStringLiteral("INSERT INTO file_targets (file_id, target, batch_id, remote_name, state, attempts,"
                   " reported, verified, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   " ON CONFLICT (file_id, target) DO UPDATE SET remote_name = excluded.remote_name,"
                   " state = excluded.state, attempts = excluded.attempts, reported = excluded.reported,"
                   " verified = excluded.verified, updated_at = excluded.updated_at");

//! Upserts \a targets with \a q, prepared with s_upsertTarget.
Status upsertTargets(const Catalog &catalog, QSqlQuery &q, const QList<FileTargetRecord> &targets)
{
    for (const FileTargetRecord &t : targets) {
        q.addBindValue(t.fileId);
        q.addBindValue(t.target);
        q.addBindValue(t.batchId);
        q.addBindValue(notNull(t.remoteName));
        q.addBindValue(FileStateInfo::key(t.state));
        q.addBindValue(t.attempts);
        q.addBindValue(jsonText(t.reported));
        q.addBindValue(t.verified);
        q.addBindValue(Catalog::toDbTime(t.at.isValid() ? t.at : QDateTime::currentDateTimeUtc()));
        if (!q.exec())
            return catalog.sqlError(q, Catalog::tr("recording file %1 at %2").arg(t.fileId).arg(t.target));
    }
    return {};
}

} // namespace

Status Catalog::recordTargets(const QList<FileTargetRecord> &targets)
{
    // In inTransaction(): a connection lost in it (the server restarted, or ended a stopped process's idle
    // transaction) is reopened and the rows written again.
    return inTransaction(
        [&]() -> Status { return upsertTargets(*this, prepared(m_upsertTarget, s_upsertTarget), targets); });
}

Status writeTargetRows(Catalog &catalog, const QList<FileTargetRecord> &targets)
{
    if (targets.isEmpty())
        return {};
    QSqlQuery q(catalog.database());
    if (!q.prepare(s_upsertTarget)) {
        return catalog.sqlError(
            q,
            Catalog::tr("recording file %1 at %2").arg(targets.first().fileId).arg(targets.first().target));
    }
    return upsertTargets(catalog, q, targets);
}

namespace {

FileTargetRecord targetFromQuery(const QSqlQuery &q)
{
    FileTargetRecord t;
    t.fileId = q.value(0).toLongLong();
    t.batchId = q.value(1).toLongLong();
    t.target = q.value(2).toString();
    t.remoteName = q.value(3).toString();
    t.state = FileStateInfo::targetStateFromKey(q.value(4).toString()).value_or(TargetState::Pending);
    t.attempts = q.value(5).toInt();
    t.reported = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    t.verified = q.value(7).toBool();
    t.at = Catalog::fromDbTime(q.value(8).toString());
    return t;
}

const QString s_targetColumns =
    QStringLiteral("file_id, batch_id, target, remote_name, state, attempts, reported, verified, updated_at");

} // namespace

Result<QList<FileTargetRecord>> Catalog::fileTargets(qint64 fileId)
{
    auto q = run(u"SELECT " + s_targetColumns + u" FROM file_targets WHERE file_id = ? ORDER BY target",
                 {fileId}, tr("reading the targets of file %1").arg(fileId));
    if (!q)
        return q.error();
    QList<FileTargetRecord> result;
    while (q->next())
        result.append(targetFromQuery(*q));
    return result;
}

Result<QHash<qint64, QList<FileTargetRecord>>> fileTargetsOf(Catalog &catalog, const QList<qint64> &fileIds)
{
    QHash<qint64, QList<FileTargetRecord>> result;
    for (qsizetype first = 0; first < fileIds.size(); first += s_rowsPerInsert) {
        const QList<qint64> ids = fileIds.mid(first, s_rowsPerInsert);
        QSqlQuery q(catalog.database());
        q.setForwardOnly(true);
        if (!q.exec(u"SELECT " + s_targetColumns + u" FROM file_targets WHERE file_id IN (" + sqlIdList(ids) +
                    u") ORDER BY file_id, target")) {
            return bulkError(catalog, q,
                             Catalog::tr("reading the targets of files %1 to %2")
                                 .arg(ids.constFirst())
                                 .arg(ids.constLast()));
        }
        while (q.next()) {
            FileTargetRecord row = targetFromQuery(q);
            result[row.fileId].append(std::move(row));
        }
    }
    return result;
}

Result<QList<FileTargetRecord>> Catalog::batchTargets(qint64 batchId, const QString &target,
                                                      qint64 afterFileId, int limit)
{
    QString sql = u"SELECT " + s_targetColumns +
                  u" FROM file_targets WHERE batch_id = ? AND target = ? AND file_id > ? ORDER BY file_id";
    if (limit >= 0)
        sql += u" LIMIT " + QString::number(limit);
    auto q = run(sql, {batchId, target, afterFileId},
                 tr("reading the files of batch %1 at %2").arg(batchId).arg(target));
    if (!q)
        return q.error();
    QList<FileTargetRecord> result;
    while (q->next())
        result.append(targetFromQuery(*q));
    return result;
}

Result<QMap<TargetState, qint64>> Catalog::targetCounts(qint64 batchId, const QString &target)
{
    auto q = run(QStringLiteral("SELECT state, COUNT(*) FROM file_targets WHERE batch_id = ? AND target = ?"
                                " GROUP BY state"),
                 {batchId, target}, tr("counting the files of batch %1 at %2").arg(batchId).arg(target));
    if (!q)
        return q.error();
    return countedBy<TargetState>(*q, &FileStateInfo::targetStateFromKey);
}

Result<QList<BatchTargetRecord>> Catalog::batchTargetSpecs(qint64 batchId)
{
    auto q = run(QStringLiteral("SELECT spec, filter, set_by, set_at FROM batch_targets WHERE batch_id = ?"
                                " ORDER BY set_at, spec"),
                 {batchId}, tr("reading the targets of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<BatchTargetRecord> result;
    while (q->next())
        result.append({batchId, q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                       fromDbTime(q->value(3).toString())});
    return result;
}

Status Catalog::setBatchTargetSpecs(const QList<BatchTargetRecord> &targets)
{
    auto tx = transaction();
    if (!tx)
        return tx.error();
    for (const BatchTargetRecord &t : targets) {
        auto q = run(QStringLiteral("INSERT INTO batch_targets (batch_id, spec, filter, set_by, set_at)"
                                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (batch_id, spec) DO UPDATE SET"
                                    " filter = excluded.filter, set_by = excluded.set_by,"
                                    " set_at = excluded.set_at"),
                     {t.batchId, t.spec, notNull(t.filter), notNull(t.setBy),
                      toDbTime(t.setAt.isValid() ? t.setAt : QDateTime::currentDateTimeUtc())},
                     tr("recording the target %1 of batch %2").arg(t.spec).arg(t.batchId));
        if (!q)
            return q.error();
    }
    return tx->commit();
}

Result<QStringList> Catalog::deliveredTargets(qint64 batchId)
{
    auto q =
        run(QStringLiteral("SELECT DISTINCT target FROM file_targets WHERE batch_id = ? ORDER BY target"),
            {batchId}, tr("reading where batch %1 was delivered").arg(batchId));
    if (!q)
        return q.error();
    QStringList result;
    while (q->next())
        result.append(q->value(0).toString());
    return result;
}

// Events

Status Catalog::insertEvents(const QList<EventRecord> &events)
{
    return insertEventRows(*this, events);
}

Status Catalog::addEvents(const QList<EventRecord> &events)
{
    auto tx = transaction();
    if (!tx)
        return tx.error();
    if (Status s = insertEvents(events); !s)
        return s;
    return tx->commit();
}

Status Catalog::addEventsInTransaction(const QList<EventRecord> &events)
{
    return insertEvents(events);
}

Result<QList<EventRecord>> Catalog::events(qint64 batchId, qint64 fileId)
{
    QString sql =
        QStringLiteral("SELECT id, batch_id, COALESCE(item_id, 0), COALESCE(file_id, 0), event_type,"
                       " event_at, outcome, agent, detail, person FROM events WHERE batch_id = ?");
    QVariantList values{batchId};
    if (fileId >= 0) {
        sql += QStringLiteral(" AND file_id = ?");
        values.append(fileId);
    }
    sql += QStringLiteral(" ORDER BY event_at, id");
    auto q = run(sql, values, tr("reading events of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<EventRecord> result;
    while (q->next())
        result.append(eventFromQuery(*q));
    return result;
}

Result<QList<EventRecord>> Catalog::itemEvents(qint64 batchId, qint64 itemId)
{
    // batch_id first, so the (batch_id, file_id) index finds the item-level rows (file_id NULL).
    auto q =
        run(QStringLiteral("SELECT id, batch_id, COALESCE(item_id, 0), COALESCE(file_id, 0), event_type,"
                           " event_at, outcome, agent, detail, person FROM events"
                           " WHERE batch_id = ? AND file_id IS NULL AND item_id = ? ORDER BY event_at, id"),
            {batchId, itemId}, tr("reading events of item %1").arg(itemId));
    if (!q)
        return q.error();
    QList<EventRecord> result;
    while (q->next())
        result.append(eventFromQuery(*q));
    return result;
}

// Housekeeping and "check again"

Status Catalog::renameBatch(qint64 batchId, const QString &name)
{
    auto q = run(QStringLiteral("UPDATE batches SET name = ? WHERE id = ?"), {name, batchId},
                 tr("renaming batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Error{
            ErrorCode::NotFound,
            tr("There is no batch %1 in the catalog %2.").arg(batchId).arg(m_location.displayName())};
    return {};
}

Result<QList<Catalog::StoredObject>> Catalog::storedObjects(qint64 batchId)
{
    // The other batches' keys are read once into the subquery (SQLite and PostgreSQL both materialise an
    // uncorrelated IN).
    auto q =
        run(QStringLiteral("SELECT stored_key, MAX(size),"
                           " CASE WHEN stored_key IN (SELECT stored_key FROM files WHERE batch_id <> ?"
                           " AND stored_key IS NOT NULL) THEN 1 ELSE 0 END"
                           " FROM files WHERE batch_id = ? AND stored_key IS NOT NULL GROUP BY stored_key"),
            {batchId, batchId}, tr("listing the stored copies of batch %1").arg(batchId));
    if (!q)
        return q.error();
    QList<StoredObject> result;
    while (q->next())
        result.append({q->value(0).toString(), q->value(1).isNull() ? -1 : q->value(1).toLongLong(),
                       q->value(2).toInt() != 0});
    return result;
}

Status Catalog::deleteBatch(qint64 batchId, const QStringList &removedKeys)
{
    auto tx = transaction();
    if (!tx)
        return tx.error();
    constexpr qsizetype chunk = 500;
    for (qsizetype start = 0; start < removedKeys.size(); start += chunk) {
        const QStringList part = removedKeys.mid(start, chunk);
        QVariantList values;
        for (const QString &key : part)
            values.append(key);
        auto q = run(u"DELETE FROM http_cache WHERE stored_key IN (" +
                         QStringList(part.size(), QStringLiteral("?")).join(u',') + u')',
                     values, tr("forgetting cached downloads of batch %1").arg(batchId));
        if (!q)
            return q.error();
    }
    // Children first, so the delete does not depend on the foreign keys' cascades being enabled.
    for (const QString &table :
         {QStringLiteral("events"), QStringLiteral("file_stages"), QStringLiteral("file_targets"),
          QStringLiteral("check_findings"), QStringLiteral("check_files"), QStringLiteral("image_stats"),
          QStringLiteral("review_items"), QStringLiteral("review_samples"), QStringLiteral("files"),
          QStringLiteral("items"), QStringLiteral("batch_stages")}) {
        auto q = run(QStringLiteral("DELETE FROM %1 WHERE batch_id = ?").arg(table), {batchId},
                     tr("deleting batch %1").arg(batchId));
        if (!q)
            return q.error();
    }
    auto q = run(QStringLiteral("DELETE FROM batches WHERE id = ?"), {batchId},
                 tr("deleting batch %1").arg(batchId));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Error{
            ErrorCode::NotFound,
            tr("There is no batch %1 in the catalog %2.").arg(batchId).arg(m_location.displayName())};
    return tx->commit();
}

Status Catalog::recordRecheck(const QList<FileRecord> &files, const QList<EventRecord> &events)
{
    auto tx = transaction();
    if (!tx)
        return tx.error();
    QSqlQuery &q =
        prepared(m_recordRecheck,
                 QStringLiteral(
                     "UPDATE files SET declared_size = ?, declared_md5 = ?, declared_sha1 = ?,"
                     " declared_sha256 = ?, declared_sha512 = ?, declared_origin = ?, declared_mimetype = ?,"
                     " status = ?, error = ? WHERE id = ?"));
    for (const FileRecord &f : files) {
        q.addBindValue(nullableSize(f.declaredSize));
        q.addBindValue(nullable(f.declared.md5));
        q.addBindValue(nullable(f.declared.sha1));
        q.addBindValue(nullable(f.declared.sha256));
        q.addBindValue(nullable(f.declared.sha512));
        q.addBindValue(nullable(f.declared.origin));
        q.addBindValue(nullable(f.declaredMimetype));
        q.addBindValue(StatusInfo::key(f.status));
        q.addBindValue(nullable(f.error));
        q.addBindValue(f.id);
        if (!q.exec())
            return sqlError(q, tr("recording the check of file %1").arg(f.name));
    }
    // The fetch stage's rows follow the check: a file put back to pending is fetched again, a file whose copy
    // was verified is settled with its new status.
    if (Status s = writeStageRows(Stage::Fetch, files, false); !s)
        return s;
    if (Status s = insertEvents(events); !s)
        return s;
    return tx->commit();
}

Status Catalog::forEachEvent(qint64 batchId, const std::function<bool(const EventRecord &)> &visit)
{
    // Keyset pages by id: a million-file batch has millions of events, never all in memory.
    constexpr int pageSize = 5000;
    qint64 afterId = 0;
    for (;;) {
        auto q =
            run(QStringLiteral("SELECT id, batch_id, COALESCE(item_id, 0), COALESCE(file_id, 0), event_type,"
                               " event_at, outcome, agent, detail, person FROM events"
                               " WHERE %1 = ? AND id > ? ORDER BY id LIMIT %2")
                    .arg(pagedBatch(m_dialect, QStringLiteral("batch_id")))
                    .arg(pageSize),
                {batchId, afterId}, tr("reading events of batch %1").arg(batchId));
        if (!q)
            return q.error();
        int rows = 0;
        while (q->next()) {
            const EventRecord e = eventFromQuery(*q);
            ++rows;
            afterId = e.id;
            if (!visit(e))
                return {};
        }
        if (rows < pageSize)
            return {};
    }
}

Result<QList<Catalog::EventCount>> Catalog::eventCounts(qint64 batchId)
{
    // Counted here a page at a time rather than with GROUP BY, which would sort every event of the batch in
    // memory (temp_store=MEMORY): a few hundred MB for a million-file batch. The groups are few.
    constexpr int pageSize = 20000;
    QMap<std::tuple<QString, QString, QString>, qint64> groups;
    qint64 afterId = 0;
    for (;;) {
        auto q = run(QStringLiteral("SELECT id, agent, event_type, outcome FROM events"
                                    " WHERE %1 = ? AND id > ? ORDER BY id LIMIT %2")
                         .arg(pagedBatch(m_dialect, QStringLiteral("batch_id")))
                         .arg(pageSize),
                     {batchId, afterId}, tr("counting events of batch %1").arg(batchId));
        if (!q)
            return q.error();
        int rows = 0;
        while (q->next()) {
            ++rows;
            afterId = q->value(0).toLongLong();
            ++groups[{q->value(1).toString(), q->value(2).toString(), q->value(3).toString()}];
        }
        if (rows < pageSize)
            break;
    }
    QList<EventCount> result;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        result.append({std::get<0>(it.key()), std::get<1>(it.key()), std::get<2>(it.key()), it.value()});
    return result;
}

} // namespace gh
