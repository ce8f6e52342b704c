#include "localcopy.h"

#include <array>
#include <cerrno>
#include <fcntl.h>

#include <QFile>
#include <QFileInfo>

#include "digest/mimesniff.h"
#include "digest/multidigest.h"
#include "store/bitstore.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr qsizetype s_chunkSize = 1 << 20;

} // namespace

FetchOutcome LocalCopy::run(const FileRecord &file, BitStore &store, const BatchContext &batch,
                            const std::atomic_bool &cancel, const ProgressCallback &progress, bool lookFirst)
{
    const QString agent = agentFor(QStringLiteral("fetch"));
    FetchOutcome outcome;
    outcome.file = file;
    outcome.file.attempts = file.attempts + 1;

    QFile source(file.sourcePath);
    if (!source.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        const bool missing = !QFileInfo::exists(file.sourcePath);
        FileFinisher::fail(outcome, missing ? FileStatus::NotFound : FileStatus::Unreadable,
                           missing ? tr("%1 no longer exists.").arg(file.sourcePath)
                                   : tr("Cannot read %1: %2").arg(file.sourcePath, source.errorString()),
                           QStringLiteral("replication"), agent);
        return outcome;
    }
    const qint64 expectedSize = source.size();
    // Read once from start to end: the kernel may read ahead further and drop pages behind sooner.
    ::posix_fadvise(source.handle(), 0, 0, POSIX_FADV_SEQUENTIAL);

    auto writer = store.beginWrite();
    if (!writer) {
        FileFinisher::fail(outcome, FileStatus::StoreError, writer.error().message,
                           QStringLiteral("replication"), agent);
        return outcome;
    }

    // Two buffers: in split mode the md5 lane still reads one while the next chunk is read into the other.
    MultiDigest digest(lanesForSize(expectedSize), !file.declared.sha512.isEmpty());
    std::array<QByteArray, 2> buffers{QByteArray(s_chunkSize, Qt::Uninitialized),
                                      QByteArray(s_chunkSize, Qt::Uninitialized)};
    MimeSniffer sniffer;
    qint64 total = 0;
    for (int turn = 0;; turn ^= 1) {
        if (cancel.load(std::memory_order_relaxed)) {
            (*writer)->abort();
            outcome.file = file; // untouched: the file stays pending for the next run
            return outcome;
        }
        QByteArray &buffer = buffers[size_t(turn)];
        const qint64 n = source.read(buffer.data(), buffer.size());
        if (n < 0) {
            FileFinisher::fail(outcome, FileStatus::Unreadable,
                               tr("Reading %1 failed after %2 bytes: %3")
                                   .arg(file.sourcePath)
                                   .arg(total)
                                   .arg(source.errorString()),
                               QStringLiteral("replication"), agent);
            return outcome;
        }
        if (n == 0)
            break;
        sniffer.add(buffer.constData(), n);
        digest.add(buffer.constData(), n);
        if (Status s = (*writer)->write(buffer.constData(), n); !s) {
            FileFinisher::fail(outcome, FileStatus::StoreError, s.error().message,
                               QStringLiteral("replication"), agent);
            return outcome;
        }
        total += n;
        if (progress)
            progress(n);
    }
    const Digests digests = digest.finish();

    if (total != expectedSize || (file.declaredSize >= 0 && total != file.declaredSize)) {
        FileFinisher::fail(outcome, FileStatus::Unreadable,
                           tr("%1 changed while it was being copied (%2 bytes read, %3 expected).")
                               .arg(file.sourcePath)
                               .arg(total)
                               .arg(file.declaredSize >= 0 ? file.declaredSize : expectedSize),
                           QStringLiteral("replication"), agent);
        return outcome;
    }

    FileFinisher::publish(outcome, **writer, store, batch, digests, total, sniffer.mimetype(),
                          QStringLiteral("replication"), file.sourcePath, agent, lookFirst);
    return outcome;
}

} // namespace gh
