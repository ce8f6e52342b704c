#pragma once

#include <QString>

#include "intake/intaketypes.h"
#include "net/transferoptions.h"
#include "store/storekey.h"

namespace gh {

/*!
    \class gh::FetchOptions
    How the fetch stage works: parallelism and where files go in the store.
*/
struct FetchOptions
{
    TransferOptions transfer; //!< transfer.jobs also bounds local copies (to the number of cores at most).
    QString keyTemplate = StoreKey::defaultTemplate(); //!< See StoreKey::expand().
    ArchiveLimits archive; //!< Enforced again while members stream out of archives.
    //! Fetch downloaded files again, conditionally: unchanged ones answer 304 and keep their stored copy.
    bool refresh = false;
    int maxConsecutiveStoreErrors = 20; //!< Then the store is declared broken and the stage fails.
};

} // namespace gh
