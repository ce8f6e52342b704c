#pragma once

#include <QString>

namespace gh {

//! Whether \a runner ("host:pid", as currentRunner() writes it) names a process on this machine that no
//! longer exists (killed, crashed): what it held in the catalog may be taken over at once.
bool runnerIsGoneHere(const QString &runner);

} // namespace gh
