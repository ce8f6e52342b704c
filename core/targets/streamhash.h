#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QIODevice>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::StreamHash
    Reads a device to its end in 1 MiB buffers, hashing every byte (md5, sha1, sha256) and handing each
    buffer to an optional sink: how targets copy, verify and re-read files without holding them in memory.
*/
class StreamHash
{
    Q_DECLARE_TR_FUNCTIONS(gh::StreamHash)

public:
    struct Result
    {
        Digests digests;
        qint64 bytes = 0;
    };
    using Sink = std::function<Status(const char *data, qint64 size)>;
    using Progress = std::function<void(qint64 done)>;

    /*!
        Reads \a device (named \a what in messages) to its end. Fails when a read fails, the sink fails or
        \a cancel is set (ErrorCode::Cancelled).
    */
    static gh::Result<Result> run(QIODevice &device, const QString &what, const Sink &sink = {},
                                  const Progress &progress = {},
                                  const std::shared_ptr<std::atomic_bool> &cancel = {});
    //! Hashes the file at \a path.
    static gh::Result<Result> file(const QString &path, const std::shared_ptr<std::atomic_bool> &cancel = {});
};

} // namespace gh
