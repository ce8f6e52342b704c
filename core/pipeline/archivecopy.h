#pragma once

#include <atomic>
#include <functional>

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include "fetchoutcome.h"
#include "intake/intaketypes.h"

namespace gh {

class BitStore;

/*!
    \class gh::ArchiveCopy
    Copies the wanted members of one archive into the bit store in a single sequential pass — a tar is read
    once, not once per member — hashing each as it streams out, with the archive limits enforced on the bytes
    actually produced. Members inside nested archives ("inner.zip!/page1.tif") are reached through the nested
    archive as the pass meets it. Runs on a worker thread; each member's outcome is delivered as soon as it is
    done. A member the archive does not contain is not-found; on cancel, the rest are delivered untouched.
*/
class ArchiveCopy
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchiveCopy)

public:
    using Deliver = std::function<void(const FetchOutcome &outcome)>;
    using ProgressCallback = std::function<void(qint64 bytes)>;

    //! Members whose ids are in \a lookFirst are looked up in the store before they are sent (see
    //! FileFinisher::publish()).
    static void run(const QString &archivePath, const QHash<QString, FileRecord> &wanted, BitStore &store,
                    const BatchContext &batch, const ArchiveLimits &limits, const std::atomic_bool &cancel,
                    const ProgressCallback &progress, const Deliver &deliver,
                    const QSet<qint64> &lookFirst = {});
};

} // namespace gh
