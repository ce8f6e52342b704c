#pragma once

#include <QString>

#include "store/storekey.h"

namespace gh {

/*!
    \class gh::FetchOptions
    How the fetch stage works: parallelism and where files go in the store.
*/
struct FetchOptions
{
    int jobs = 8; //!< Parallel transfers; local copies use at most the cores.
    QString keyTemplate = StoreKey::defaultTemplate(); //!< See StoreKey::expand().
    int maxConsecutiveStoreErrors = 20; //!< Then the store is declared broken and the stage fails.
};

} // namespace gh
