#pragma once

#include <QStringList>

namespace gh::cli {

/*!
    Runs one gatehouse-cli command. Exit status: 0 all done, 1 finished with failures or invalid input,
    2 usage or fatal error (DESIGN §8).
*/
int run(const QStringList &arguments);

} // namespace gh::cli
