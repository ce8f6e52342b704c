#include "archivecopy.h"

#include <array>

#include "digest/mimesniff.h"
#include "digest/multidigest.h"
#include "intake/archive/archivereader.h"
#include "store/bitstore.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr qsizetype s_chunkSize = 1 << 20;

QString agent()
{
    return agentFor(QStringLiteral("fetch"));
}

struct Walk
{
    QHash<QString, FileRecord> &wanted;
    BitStore &store;
    const BatchContext &batch;
    const std::atomic_bool &cancel;
    const ArchiveCopy::ProgressCallback &progress;
    const ArchiveCopy::Deliver &deliver;
    const QSet<qint64> &lookFirst;
};

FileStatus statusFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::LimitExceeded:
        return FileStatus::LimitExceeded;
    case ErrorCode::UnsafePath:
        return FileStatus::UnsafePath;
    case ErrorCode::Unsupported:
        return FileStatus::Unsupported;
    default:
        return FileStatus::Unreadable;
    }
}

void copyMember(ArchiveReader &reader, const FileRecord &file, Walk &walk)
{
    FetchOutcome outcome;
    outcome.file = file;
    outcome.file.attempts = file.attempts + 1;
    auto writer = walk.store.beginWrite();
    if (!writer) {
        FileFinisher::fail(outcome, FileStatus::StoreError, writer.error().message,
                           QStringLiteral("extraction"), agent());
        walk.deliver(outcome);
        return;
    }
    MultiDigest digest(lanesForSize(file.declaredSize), !file.declared.sha512.isEmpty());
    std::array<QByteArray, 2> buffers{QByteArray(s_chunkSize, Qt::Uninitialized),
                                      QByteArray(s_chunkSize, Qt::Uninitialized)};
    MimeSniffer sniffer;
    qint64 total = 0;
    for (int turn = 0;; turn ^= 1) {
        if (walk.cancel.load(std::memory_order_relaxed)) {
            (*writer)->abort();
            walk.deliver(FetchOutcome{file, {}});
            return;
        }
        QByteArray &buffer = buffers[size_t(turn)];
        const qint64 n = reader.read(buffer.data(), buffer.size());
        if (n < 0) {
            (*writer)->abort();
            FileFinisher::fail(outcome, statusFor(reader.error()), reader.errorString(),
                               QStringLiteral("extraction"), agent());
            walk.deliver(outcome);
            return;
        }
        if (n == 0)
            break;
        sniffer.add(buffer.constData(), n);
        digest.add(buffer.constData(), n);
        if (Status s = (*writer)->write(buffer.constData(), n); !s) {
            FileFinisher::fail(outcome, FileStatus::StoreError, s.error().message,
                               QStringLiteral("extraction"), agent());
            walk.deliver(outcome);
            return;
        }
        total += n;
        if (walk.progress)
            walk.progress(n);
    }
    FileFinisher::publish(outcome, **writer, walk.store, walk.batch, digest.finish(), total,
                          sniffer.mimetype(), QStringLiteral("extraction"),
                          ArchiveCopy::tr("%1 in %2").arg(reader.memberPath(), reader.archivePath()), agent(),
                          walk.lookFirst.contains(file.id));
    walk.deliver(outcome);
}

//! Walks \a reader, copying wanted members and descending into archives that hold wanted members.
Status walkArchive(ArchiveReader &reader, Walk &walk)
{
    while (!walk.wanted.isEmpty()) {
        if (walk.cancel.load(std::memory_order_relaxed))
            return {};
        auto entry = reader.next();
        if (!entry)
            return entry.error();
        if (!*entry)
            return {};
        const QString member = reader.memberPath();
        if (const auto found = walk.wanted.constFind(member); found != walk.wanted.cend()) {
            const FileRecord file = *found;
            walk.wanted.erase(found);
            copyMember(reader, file, walk);
            continue;
        }
        const QString nestedPrefix = member + QStringLiteral("!/");
        const bool holdsWanted =
            std::any_of(walk.wanted.keyBegin(), walk.wanted.keyEnd(),
                        [&](const QString &key) { return key.startsWith(nestedPrefix); });
        if (!holdsWanted)
            continue;
        auto nested = reader.openNested();
        if (!nested) {
            for (auto it = walk.wanted.begin(); it != walk.wanted.end();) {
                if (!it.key().startsWith(nestedPrefix)) {
                    ++it;
                    continue;
                }
                FetchOutcome outcome;
                outcome.file = it.value();
                FileFinisher::fail(outcome, statusFor(nested.error()), nested.error().message,
                                   QStringLiteral("extraction"), agent());
                walk.deliver(outcome);
                it = walk.wanted.erase(it);
            }
            continue;
        }
        if (Status s = walkArchive(**nested, walk); !s)
            return s;
    }
    return {};
}

} // namespace

void ArchiveCopy::run(const QString &archivePath, const QHash<QString, FileRecord> &wanted, BitStore &store,
                      const BatchContext &batch, const ArchiveLimits &limits, const std::atomic_bool &cancel,
                      const ProgressCallback &progress, const Deliver &deliver, const QSet<qint64> &lookFirst)
{
    QHash<QString, FileRecord> remaining = wanted;
    Walk walk{remaining, store, batch, cancel, progress, deliver, lookFirst};
    auto failRemaining = [&](FileStatus status, const QString &message) {
        for (const FileRecord &file : std::as_const(remaining)) {
            FetchOutcome outcome;
            outcome.file = file;
            FileFinisher::fail(outcome, status, message, QStringLiteral("extraction"), agent());
            deliver(outcome);
        }
        remaining.clear();
    };

    auto reader = ArchiveReader::open(archivePath, limits);
    if (!reader) {
        failRemaining(reader.error().code == ErrorCode::NotFound ? FileStatus::NotFound
                                                                 : statusFor(reader.error()),
                      reader.error().message);
        return;
    }
    const Status walked = walkArchive(**reader, walk);
    if (cancel.load()) {
        for (const FileRecord &file : std::as_const(remaining))
            deliver(FetchOutcome{file, {}});
        return;
    }
    if (!walked) {
        failRemaining(statusFor(walked.error()), walked.error().message);
        return;
    }
    for (const FileRecord &file : std::as_const(remaining)) {
        FetchOutcome outcome;
        outcome.file = file;
        FileFinisher::fail(outcome, FileStatus::NotFound,
                           tr("%1 is not in %2 (any more).").arg(file.sourceMember, archivePath),
                           QStringLiteral("extraction"), agent());
        deliver(outcome);
    }
}

} // namespace gh
