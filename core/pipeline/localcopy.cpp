#include "localcopy.h"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <vector>

#include <QFile>
#include <QFileInfo>

#include "digest/md5lanes.h"
#include "digest/mimesniff.h"
#include "digest/multidigest.h"
#include "store/bitstore.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr qsizetype s_chunkSize = 1 << 20;

/*!
    One file on its way into the store: its source, its temporary object, its digests and sniffer. Each step
    that fails marks the outcome failed and says so; the caller then reports the outcome and drops the copy
    (its temporary object goes with its writer).
*/
class FileCopy
{
public:
    FileCopy(const LocalCopy::Request &request, QString agent)
        : m_request(request)
        , m_agent(std::move(agent))
    {
        outcome.file = request.file;
        outcome.file.attempts = request.file.attempts + 1;
    }

    //! Opens the source and a temporary object; \a md5Here: whether md5 is computed here or by the caller.
    bool open(BitStore &store, bool md5Here)
    {
        const FileRecord &file = m_request.file;
        m_source.setFileName(file.sourcePath);
        if (!m_source.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            const bool missing = !QFileInfo::exists(file.sourcePath);
            fail(missing ? FileStatus::NotFound : FileStatus::Unreadable,
                 missing ? LocalCopy::tr("%1 no longer exists.").arg(file.sourcePath)
                         : LocalCopy::tr("Cannot read %1: %2").arg(file.sourcePath, m_source.errorString()));
            return false;
        }
        m_expectedSize = m_source.size();
        // Read once from start to end: the kernel may read ahead further and drop pages behind sooner.
        ::posix_fadvise(m_source.handle(), 0, 0, POSIX_FADV_SEQUENTIAL);
        auto writer = store.beginWrite();
        if (!writer) {
            fail(FileStatus::StoreError, writer.error().message);
            return false;
        }
        m_writer = std::move(*writer);
        const bool sha512 = !file.declared.sha512.isEmpty();
        if (md5Here) {
            m_digest = std::make_unique<MultiDigest>(lanesForSize(m_expectedSize), sha512);
        } else {
            DigestSet set{DigestAlgorithm::Sha1, DigestAlgorithm::Sha256};
            if (sha512)
                set.insert(DigestAlgorithm::Sha512);
            m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, set);
        }
        return true;
    }

    //! Reads the next chunk into \a buffer: its size, 0 at the end, -1 on failure.
    qint64 read(char *buffer)
    {
        const qint64 n = m_source.read(buffer, s_chunkSize);
        if (n < 0) {
            fail(FileStatus::Unreadable, LocalCopy::tr("Reading %1 failed after %2 bytes: %3")
                                             .arg(m_request.file.sourcePath)
                                             .arg(m_total)
                                             .arg(m_source.errorString()));
        }
        return n;
    }

    //! Hashes and writes a chunk read; false on failure.
    bool take(const char *data, qint64 size, const LocalCopy::ProgressCallback &progress)
    {
        m_sniffer.add(data, size);
        m_digest->add(data, size);
        if (Status s = m_writer->write(data, size); !s) {
            fail(FileStatus::StoreError, s.error().message);
            return false;
        }
        m_total += size;
        if (progress)
            progress(size);
        return true;
    }

    //! After the last chunk: checks the size and publishes the object. \a md5: the md5 when computed by the
    //! caller.
    void finish(BitStore &store, const BatchContext &batch, const QString &md5 = {})
    {
        Digests digests = m_digest->finish();
        if (!md5.isEmpty())
            digests.md5 = md5;
        const FileRecord &file = m_request.file;
        if (m_total != m_expectedSize || (file.declaredSize >= 0 && m_total != file.declaredSize)) {
            fail(FileStatus::Unreadable,
                 LocalCopy::tr("%1 changed while it was being copied (%2 bytes read, "
                               "%3 expected).")
                     .arg(file.sourcePath)
                     .arg(m_total)
                     .arg(file.declaredSize >= 0 ? file.declaredSize : m_expectedSize));
            return;
        }
        FileFinisher::publish(outcome, *m_writer, store, batch, digests, m_total, m_sniffer.mimetype(),
                              QStringLiteral("replication"), file.sourcePath, m_agent, m_request.lookFirst);
    }

    //! Cancelled: the temporary object goes, and the file stays as it was, pending for the next run.
    void abandon()
    {
        if (m_writer)
            m_writer->abort();
        outcome = FetchOutcome{};
        outcome.file = m_request.file;
    }

    qint64 total() const { return m_total; }

    FetchOutcome outcome;

private:
    void fail(FileStatus status, const QString &message)
    {
        FileFinisher::fail(outcome, status, message, QStringLiteral("replication"), m_agent);
    }

    const LocalCopy::Request &m_request;
    const QString m_agent;
    QFile m_source;
    qint64 m_expectedSize = 0;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<MultiDigest> m_digest;
    MimeSniffer m_sniffer;
    qint64 m_total = 0;
};

} // namespace

FetchOutcome LocalCopy::run(const FileRecord &file, BitStore &store, const BatchContext &batch,
                            const std::atomic_bool &cancel, const ProgressCallback &progress, bool lookFirst)
{
    const Request request{file, lookFirst};
    FileCopy copy(request, agentFor(QStringLiteral("fetch")));
    if (!copy.open(store, true))
        return copy.outcome;
    // Two buffers: in split mode the md5 lane still reads one while the next chunk is read into the other.
    std::array<QByteArray, 2> buffers{QByteArray(s_chunkSize, Qt::Uninitialized),
                                      QByteArray(s_chunkSize, Qt::Uninitialized)};
    for (int turn = 0;; turn ^= 1) {
        if (cancel.load(std::memory_order_relaxed)) {
            copy.abandon();
            return copy.outcome;
        }
        char *buffer = buffers[size_t(turn)].data();
        const qint64 n = copy.read(buffer);
        if (n < 0)
            return copy.outcome;
        if (n == 0)
            break;
        if (!copy.take(buffer, n, progress))
            return copy.outcome;
    }
    copy.finish(store, batch);
    return copy.outcome;
}

void LocalCopy::runGroup(const QList<Request> &requests, BitStore &store, const BatchContext &batch,
                         const std::atomic_bool &cancel, const ProgressCallback &progress,
                         const FinishedCallback &finished)
{
    Q_ASSERT(!requests.isEmpty() && requests.size() <= Md5Lanes::maxStreams);
    const QString agent = agentFor(QStringLiteral("fetch"));
    // A buffer per stream, kept by the thread for its next groups.
    thread_local std::vector<QByteArray> buffers;
    while (buffers.size() < size_t(requests.size()))
        buffers.emplace_back(s_chunkSize, Qt::Uninitialized);

    std::vector<std::unique_ptr<FileCopy>> copies;
    std::vector<int> active; // indexes into copies, which are md5 streams too
    for (const Request &request : requests) {
        copies.push_back(std::make_unique<FileCopy>(request, agent));
        if (copies.back()->open(store, false))
            active.push_back(int(copies.size()) - 1);
        else
            finished(copies.back()->outcome, 0);
    }
    Md5Lanes md5(int(copies.size()));
    std::vector<Md5Lanes::Input> inputs;
    std::vector<int> ended;
    std::vector<int> next;
    // A chunk of each file in turn, then the md5 of all of them at once.
    while (!active.empty()) {
        if (cancel.load(std::memory_order_relaxed)) {
            for (int i : active) {
                copies[size_t(i)]->abandon();
                finished(copies[size_t(i)]->outcome, copies[size_t(i)]->total());
            }
            return;
        }
        inputs.clear();
        ended.clear();
        next.clear();
        for (int i : active) {
            FileCopy &copy = *copies[size_t(i)];
            char *buffer = buffers[size_t(i)].data();
            const qint64 n = copy.read(buffer);
            if (n == 0) {
                ended.push_back(i);
            } else if (n < 0 || !copy.take(buffer, n, progress)) {
                finished(copy.outcome, copy.total());
            } else {
                inputs.push_back({i, buffer, n});
                next.push_back(i);
            }
        }
        md5.add(inputs);
        for (int i : ended) {
            FileCopy &copy = *copies[size_t(i)];
            copy.finish(store, batch, md5.finish(i));
            finished(copy.outcome, copy.total());
        }
        active.swap(next);
    }
}

bool LocalCopy::groupsWell(qint64 size)
{
    return size >= 0 && lanesForSize(size) == MultiDigest::Lanes::Single;
}

} // namespace gh
