#pragma once

#include <QString>

namespace gh::test {

class PeerServer;

/*!
    The catalog URL of the test database on \a server (a PeerServer started from tests/peers/postgres.sh),
    emptied first: whatever earlier tests created is dropped, so each test starts from a blank database.
    Aborts the test program when the database cannot be reached or reset.
*/
QString freshPostgresCatalog(const PeerServer &server);

//! The data of a test that runs on every catalog engine: a column "engine", rows "sqlite" and "postgresql".
void catalogEngines();

} // namespace gh::test
