#include "streamhash.h"

#include <QFile>

#include "digest/multidigest.h"

namespace gh {

gh::Result<StreamHash::Result> StreamHash::run(QIODevice &device, const QString &what, const Sink &sink,
                                               const Progress &progress,
                                               const std::shared_ptr<std::atomic_bool> &cancel)
{
    constexpr qint64 bufferSize = 1024 * 1024;
    MultiDigest digest(device.isSequential() ? MultiDigest::Lanes::Single : lanesForSize(device.size()));
    // Two buffers: in split mode the md5 lane may still read one while the next is filled.
    QByteArray buffers[2] = {QByteArray(bufferSize, Qt::Uninitialized),
                             QByteArray(bufferSize, Qt::Uninitialized)};
    int turn = 0;
    qint64 total = 0;
    for (;;) {
        if (cancel && cancel->load())
            return Error{ErrorCode::Cancelled, tr("Reading %1 was cancelled.").arg(what)};
        QByteArray &buffer = buffers[turn];
        turn ^= 1;
        const qint64 n = device.read(buffer.data(), bufferSize);
        if (n < 0)
            return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(what, device.errorString())};
        if (n == 0) {
            if (device.isSequential() && !device.atEnd() && device.waitForReadyRead(30000))
                continue;
            break;
        }
        digest.add(buffer.constData(), n);
        if (sink) {
            if (Status s = sink(buffer.constData(), n); !s)
                return s.error();
        }
        total += n;
        if (progress)
            progress(total);
    }
    return Result{digest.finish(), total};
}

gh::Result<StreamHash::Result> StreamHash::file(const QString &path,
                                                const std::shared_ptr<std::atomic_bool> &cancel)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return Error{f.exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                     tr("Cannot read %1: %2").arg(path, f.errorString())};
    return run(f, path, {}, {}, cancel);
}

} // namespace gh
