#pragma once

#include <atomic>
#include <functional>

#include <QCoreApplication>

#include "fetchoutcome.h"

namespace gh {

class BitStore;

/*!
    \class gh::LocalCopy
    Copies one local file into the bit store: a single read computes md5, sha1 and sha256, sniffs the mimetype
    from the first bytes and writes the temporary object; the store then verifies and publishes it under the
    file's key. Runs on a worker thread; touches no QObject.
*/
class LocalCopy
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalCopy)

public:
    using ProgressCallback = std::function<void(qint64 bytes)>;

    //! \a lookFirst: see FileFinisher::publish().
    static FetchOutcome run(const FileRecord &file, BitStore &store, const BatchContext &batch,
                            const std::atomic_bool &cancel, const ProgressCallback &progress,
                            bool lookFirst = false);
};

} // namespace gh
