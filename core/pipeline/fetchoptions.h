#pragma once

#include <QString>

#include "store/storekey.h"

namespace gh {

/*!
    \class gh::FetchOptions
    How the fetch stage works: where files go in the store. Its downloads follow the run's TransferOptions
    (whose \c jobs also bounds local copies, to the number of cores at most), and archive members are held
    to the run's ArchiveLimits again while they stream out (RunOptions).
*/
struct FetchOptions
{
    QString keyTemplate = StoreKey::defaultTemplate(); //!< See StoreKey::expand().
    //! Fetch downloaded files again, conditionally: unchanged ones answer 304 and keep their stored copy.
    bool refresh = false;
    int maxConsecutiveStoreErrors = 20; //!< Then the store is declared broken and the stage fails.
};

} // namespace gh
