#pragma once

#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QList>
#include <QMetaType>
#include <QObject>

#include "cataloglocation.h"
#include "model/records.h"
#include "util/result.h"

class QThread;

namespace gh {

class Catalog;

/*!
    \class gh::CatalogChange
    What changed about one batch in the catalog since the last report: a set of kinds, so a view refreshes
    only when a change touches it. \c batchId 0 means any batch (the watcher lost track, e.g. after it
    reconnected): refresh everything shown.
*/
struct CatalogChange
{
    enum Kind : unsigned
    {
        Duplicates = 1u << 0, //!< A duplicate decision made or taken back, or cases classified.
        Verdicts = 1u << 1,   //!< A QA verdict given or withdrawn.
        Sample = 1u << 2,     //!< A review sample drawn.
        Decision = 1u << 3,   //!< The batch approved or rejected.
        Stage = 1u << 4,      //!< A stage started, ended or changed its lamp.
        Files = 1u << 5,      //!< Outcomes recorded for files (fetched, checked, uploaded).
        All = 0x3fu,
    };
    qint64 batchId = 0;
    unsigned kinds = 0;

    bool touches(unsigned kind) const { return (kinds & kind) != 0; }
    bool operator==(const CatalogChange &other) const = default;

    //! The payload's word for one kind ("duplicates", "verdicts", …), stable across versions.
    static QString kindKey(Kind kind);
    //! The kind named by \a key; 0 for a word this version does not know.
    static unsigned kindFromKey(QStringView key);
    /*!
        Parses a notification payload ("12 verdicts"); a malformed one (another program on the channel)
        gives nothing.
    */
    static std::optional<CatalogChange> fromPayload(const QString &payload);
};

/*!
    Tells the other Gatehouse processes on \a catalog that \a batchId changed in the way \a kind says. Call it
    inside the transaction that writes the rows: on PostgreSQL it is a \c pg_notify on the channel
    \c gatehouse, delivered only when the transaction commits (and once per transaction for the same batch and
    kind). On SQLite it does nothing: the watchers poll (see gh::CatalogWatcher).
*/
Status announceChange(Catalog &catalog, qint64 batchId, CatalogChange::Kind kind);
//! announceChange() for every batch that \a files belong to.
Status announceFiles(Catalog &catalog, const QList<FileRecord> &files, CatalogChange::Kind kind);

class CatalogWatcherWorker;

/*!
    \class gh::CatalogWatcher
    A change feed: reports what other connections (other workstations, the CLI, this process's engine)
    committed to the catalog, within the refresh interval, so the views show other curators' decisions within
    seconds.

    It works on a connection of its own, on a thread of its own (the owner's thread is never blocked by it):
    on PostgreSQL it LISTENs on the channel \c gatehouse (see announceChange()) and coalesces what arrives
    within one interval into one report, so a burst of stage commits is one refresh; on SQLite it asks
    <tt>PRAGMA data_version</tt> every interval (cheap: it only tells whether another connection committed)
    and then reads what changed: new events by batch, the stage states and the batches' decisions.
*/
class CatalogWatcher : public QObject
{
    Q_OBJECT

public:
    CatalogWatcher(const CatalogLocation &location, int intervalMs, QObject *parent = nullptr);
    ~CatalogWatcher() override;

    int interval() const { return m_intervalMs; }
    //! Sets the refresh interval (clamped to 50 ms – 10 min); it applies from the next report on.
    void setInterval(int intervalMs);
    //! Opens the watcher's connection on its thread and starts watching; emits started() or failed().
    void start();

signals:
    //! The watcher is listening; changes committed from now on are reported.
    void started();
    //! The changes since the last report, one entry per batch.
    void changed(const QList<gh::CatalogChange> &changes);
    void failed(const QString &message);

private:
    CatalogLocation m_location;
    int m_intervalMs;
    QThread *m_thread = nullptr;
    CatalogWatcherWorker *m_worker = nullptr;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::CatalogChange)
