#include "catalogchanges.h"

#include <algorithm>

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include "catalog.h"

namespace gh {

namespace {

const QString s_channel = QStringLiteral("gatehouse");

constexpr std::pair<CatalogChange::Kind, const char *> s_kindKeys[] = {
    {CatalogChange::Duplicates, "duplicates"}, {CatalogChange::Verdicts, "verdicts"},
    {CatalogChange::Sample, "sample"},         {CatalogChange::Decision, "decision"},
    {CatalogChange::Stage, "stage"},           {CatalogChange::Files, "files"},
};

//! How often a PostgreSQL watcher makes sure its connection is still there.
constexpr int s_checkMs = 5000;

int clampInterval(int ms)
{
    return std::clamp(ms, 50, 600000);
}

} // namespace

QString CatalogChange::kindKey(Kind kind)
{
    for (const auto &[k, key] : s_kindKeys) {
        if (k == kind)
            return QString::fromLatin1(key);
    }
    return {};
}

unsigned CatalogChange::kindFromKey(QStringView key)
{
    for (const auto &[k, name] : s_kindKeys) {
        if (key == QLatin1StringView(name))
            return k;
    }
    return 0;
}

std::optional<CatalogChange> CatalogChange::fromPayload(const QString &payload)
{
    const QList<QStringView> parts = QStringView(payload).split(u' ', Qt::SkipEmptyParts);
    if (parts.size() != 2)
        return std::nullopt;
    bool ok = false;
    const qint64 batchId = parts.at(0).toLongLong(&ok);
    const unsigned kind = kindFromKey(parts.at(1));
    if (!ok || batchId < 0 || kind == 0)
        return std::nullopt;
    return CatalogChange{batchId, kind};
}

Status announceChange(Catalog &catalog, qint64 batchId, CatalogChange::Kind kind)
{
    if (catalog.dialect().engine() != SqlDialect::Engine::Postgres || batchId <= 0)
        return {};
    QSqlQuery q(catalog.database());
    q.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
    q.addBindValue(s_channel);
    q.addBindValue(QStringLiteral("%1 %2").arg(batchId).arg(CatalogChange::kindKey(kind)));
    if (!q.exec())
        return catalog.sqlError(
            q, QCoreApplication::translate("gh::CatalogWatcher", "telling other workstations about batch %1")
                   .arg(batchId));
    return {};
}

Status announceFiles(Catalog &catalog, const QList<FileRecord> &files, CatalogChange::Kind kind)
{
    if (catalog.dialect().engine() != SqlDialect::Engine::Postgres)
        return {};
    QSet<qint64> done;
    for (const FileRecord &f : files) {
        if (done.contains(f.batchId))
            continue;
        done.insert(f.batchId);
        if (Status s = announceChange(catalog, f.batchId, kind); !s)
            return s;
    }
    return {};
}

/*!
    \class gh::CatalogWatcherWorker
    The watcher's side on its own thread: the connection, the LISTEN or the polling, the coalescing.
*/
class CatalogWatcherWorker : public QObject
{
    Q_OBJECT

public:
    CatalogWatcherWorker(const CatalogLocation &location, int intervalMs)
        : m_location(location)
        , m_intervalMs(intervalMs)
    {
        m_flush.setSingleShot(true);
        connect(&m_flush, &QTimer::timeout, this, &CatalogWatcherWorker::flush);
        connect(&m_poll, &QTimer::timeout, this, &CatalogWatcherWorker::poll);
    }

    void setInterval(int intervalMs)
    {
        m_intervalMs = intervalMs;
        if (m_poll.isActive())
            m_poll.setInterval(intervalMs);
    }

    void start()
    {
        auto catalog = Catalog::open(m_location);
        if (!catalog) {
            emit failed(catalog.error().message);
            return;
        }
        m_catalog = std::move(*catalog);
        if (m_catalog->dialect().engine() == SqlDialect::Engine::Postgres) {
            if (Status s = listen(); !s) {
                emit failed(s.error().message);
                return;
            }
            // A server restarted under the connection ends the LISTEN without a word: look now and then.
            connect(&m_check, &QTimer::timeout, this, &CatalogWatcherWorker::check);
            m_check.start(s_checkMs);
        } else {
            // The starting point: what is there now was shown by whoever asked.
            m_dataVersion = dataVersion();
            QSqlQuery q(m_catalog->database());
            if (q.exec(QStringLiteral("SELECT MAX(id) FROM events")) && q.next())
                m_lastEvent = q.value(0).toLongLong();
            readSqliteChanges();
            m_pending.clear();
            m_poll.start(m_intervalMs);
        }
        m_sinceFlush.start();
        emit started();
    }

    void stop()
    {
        m_check.stop();
        m_poll.stop();
        m_flush.stop();
        m_catalog.reset();
    }

signals:
    void started();
    void changed(const QList<gh::CatalogChange> &changes);
    void failed(const QString &message);

private:
    //! Subscribes the connection to the channel (PostgreSQL).
    Status listen()
    {
        QSqlDriver *driver = m_catalog->database().driver();
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                    if (name == s_channel)
                        received(payload.toString());
                });
        if (!driver->subscribeToNotification(s_channel)) {
            return Error{ErrorCode::Database, tr("Cannot listen for changes on the catalog %1: %2")
                                                  .arg(m_location.displayName(), driver->lastError().text())};
        }
        return {};
    }

    //! Opens a new connection when the old one is gone; what was missed meanwhile is "everything".
    void check()
    {
        if (m_catalog) {
            QSqlQuery q(m_catalog->database());
            if (q.exec(QStringLiteral("SELECT 1")))
                return;
            m_catalog.reset();
        }
        auto catalog = Catalog::open(m_location);
        if (!catalog)
            return; // the server is not back yet: the next look tries again
        m_catalog = std::move(*catalog);
        if (Status s = listen(); !s) {
            m_catalog.reset();
            return;
        }
        add(0, CatalogChange::All);
        schedule();
    }

    void received(const QString &payload)
    {
        if (const auto change = CatalogChange::fromPayload(payload))
            add(change->batchId, change->kinds);
        else
            add(0, CatalogChange::All); // a word of a newer version: be safe, refresh everything
        schedule();
    }

    void add(qint64 batchId, unsigned kinds) { m_pending[batchId] |= kinds; }

    //! Reports at once when the last report is an interval old, else at the end of the interval.
    void schedule()
    {
        if (m_flush.isActive())
            return;
        const qint64 wait = std::max<qint64>(0, m_intervalMs - m_sinceFlush.elapsed());
        m_flush.start(int(wait));
    }

    void flush()
    {
        if (m_pending.isEmpty())
            return;
        QList<CatalogChange> changes;
        changes.reserve(m_pending.size());
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
            changes.append(CatalogChange{it.key(), it.value()});
        std::sort(changes.begin(), changes.end(),
                  [](const CatalogChange &a, const CatalogChange &b) { return a.batchId < b.batchId; });
        m_pending.clear();
        m_sinceFlush.restart();
        emit changed(changes);
    }

    qint64 dataVersion()
    {
        QSqlQuery q(m_catalog->database());
        if (!q.exec(QStringLiteral("PRAGMA data_version")) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }

    void poll()
    {
        const qint64 version = dataVersion();
        if (version == m_dataVersion)
            return;
        m_dataVersion = version;
        readSqliteChanges();
        flush();
    }

    //! What other connections committed: new events by batch and kind, stage states, batch decisions.
    void readSqliteChanges()
    {
        QSqlDatabase db = m_catalog->database();
        // Reading in one transaction sees one snapshot of the three.
        QSqlQuery begin(db);
        begin.exec(QStringLiteral("BEGIN"));
        {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            q.prepare(QStringLiteral("SELECT batch_id, event_type, file_id IS NULL, MAX(id) FROM events"
                                     " WHERE id > ? GROUP BY batch_id, event_type, file_id IS NULL"));
            q.addBindValue(m_lastEvent);
            if (q.exec()) {
                while (q.next()) {
                    const QString type = q.value(1).toString();
                    const bool aboutFile = !q.value(2).toBool();
                    unsigned kinds = CatalogChange::Files;
                    if (type == u"appraisal")
                        kinds = CatalogChange::Duplicates | CatalogChange::Sample | CatalogChange::Decision;
                    else if (type == u"accession")
                        kinds = CatalogChange::Decision;
                    else if (type == u"validation" && !aboutFile)
                        kinds = CatalogChange::Verdicts;
                    add(q.value(0).toLongLong(), kinds);
                    m_lastEvent = std::max(m_lastEvent, q.value(3).toLongLong());
                }
            }
        }
        compareRows(
            QStringLiteral("SELECT batch_id, stage || ':' || state || ':' || COALESCE(finished_at, '')"
                           " || ':' || detail FROM batch_stages ORDER BY batch_id, stage"),
            m_stages, CatalogChange::Stage);
        compareRows(QStringLiteral("SELECT id, state || ':' || COALESCE(decided_at, '') || ':' ||"
                                   " COALESCE(decided_by, '') || ':' || name FROM batches ORDER BY id"),
                    m_batches, CatalogChange::Decision);
        QSqlQuery end(db);
        end.exec(QStringLiteral("COMMIT"));
    }

    //! Rows of (batch, text): a batch whose texts differ from the last reading changed in \a kind's way.
    void compareRows(const QString &sql, QHash<qint64, QString> &last, CatalogChange::Kind kind)
    {
        QSqlQuery q(m_catalog->database());
        q.setForwardOnly(true);
        if (!q.exec(sql))
            return;
        QHash<qint64, QString> now;
        while (q.next()) {
            QString &text = now[q.value(0).toLongLong()];
            text += q.value(1).toString();
            text += u'\n';
        }
        for (auto it = now.cbegin(); it != now.cend(); ++it) {
            if (last.value(it.key()) != it.value())
                add(it.key(), kind);
        }
        for (auto it = last.cbegin(); it != last.cend(); ++it) {
            if (!now.contains(it.key()))
                add(it.key(), kind); // a batch deleted
        }
        last = std::move(now);
    }

    CatalogLocation m_location;
    int m_intervalMs;
    std::unique_ptr<Catalog> m_catalog;
    // Children, so they move to the watcher's thread with the worker.
    QTimer m_flush{this};
    QTimer m_poll{this};
    QTimer m_check{this};
    QElapsedTimer m_sinceFlush;
    QHash<qint64, unsigned> m_pending;
    // SQLite polling
    qint64 m_dataVersion = -1;
    qint64 m_lastEvent = 0;
    QHash<qint64, QString> m_stages;
    QHash<qint64, QString> m_batches;
};

CatalogWatcher::CatalogWatcher(const CatalogLocation &location, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_location(location)
    , m_intervalMs(clampInterval(intervalMs))
{
    qRegisterMetaType<gh::CatalogChange>();
    qRegisterMetaType<QList<gh::CatalogChange>>();
}

CatalogWatcher::~CatalogWatcher()
{
    if (!m_thread)
        return;
    // The connection belongs to the watcher's thread: close it there, then end the thread.
    QMetaObject::invokeMethod(m_worker, &CatalogWatcherWorker::stop, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void CatalogWatcher::setInterval(int intervalMs)
{
    m_intervalMs = clampInterval(intervalMs);
    if (m_worker) {
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, ms = m_intervalMs] { worker->setInterval(ms); },
            Qt::QueuedConnection);
    }
}

void CatalogWatcher::start()
{
    if (m_thread)
        return;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("gatehouse-watcher"));
    m_worker = new CatalogWatcherWorker(m_location, m_intervalMs);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CatalogWatcherWorker::started, this, &CatalogWatcher::started);
    connect(m_worker, &CatalogWatcherWorker::changed, this, &CatalogWatcher::changed);
    connect(m_worker, &CatalogWatcherWorker::failed, this, &CatalogWatcher::failed);
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &CatalogWatcherWorker::start, Qt::QueuedConnection);
}

} // namespace gh

#include "catalogchanges.moc"
