#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QString>

namespace gh {

class Catalog;

/*!
    \class gh::ReconnectPolicy
    What a PostgreSQL catalog does when its connection is lost (the server restarted, the network dropped):
    it says so once, tries to connect again with a pause that doubles up to five seconds for at most
    \c seconds, and on the new connection renews the leases \c leaseOwner still holds, then goes on. A
    statement of its own runs again; a transaction of Catalog::inTransaction() runs again from the start
    unless the server committed it before the connection went (its transaction id is asked about), so
    nothing is lost and nothing is written twice. A transaction a caller holds itself
    (Catalog::transaction()) fails with the lost connection; the next statement reconnects.
*/
struct ReconnectPolicy
{
    int seconds = 300; //!< How long to keep trying before the catalog call fails ([team] reconnect_seconds).
    //! Told once when the connection is lost and once when it is back (on the catalog's thread); without it
    //! the lines go to the catalog's log.
    std::function<void(const QString &line)> notice;
    //! Set by a cancel: stop waiting for the server.
    std::shared_ptr<std::atomic_bool> cancel;
    //! The process whose leases are renewed on the new connection ("host:pid"; empty: none), for this long.
    QString leaseOwner;
    int leaseSeconds = 60;
};

//! How \a catalog waits for its server after losing the connection.
void setReconnectPolicy(Catalog &catalog, ReconnectPolicy policy);
//! How many times \a catalog has connected again since it was opened.
quint64 reconnections(const Catalog &catalog);

} // namespace gh
