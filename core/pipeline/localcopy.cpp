#include "localcopy.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <unistd.h>
#include <vector>

#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include "digest/md5lanes.h"
#include "digest/mimesniff.h"
#include "digest/multidigest.h"
#include "store/bitstore.h"
#include "util/helperpool.h"
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
    FileCopy(LocalCopy::Request request, QString agent)
        : m_request(std::move(request))
        , m_agent(std::move(agent))
    {
        outcome.file = m_request.file;
        outcome.file.attempts = m_request.file.attempts + 1;
    }

    //! Opens the source and a temporary object.
    bool open(BitStore &store)
    {
        const FileRecord &file = m_request.file;
        // Intake lists regular files only; one replaced since by a folder, a FIFO (whose open would wait for
        // a writer) or a device is not opened.
        if (const QFileInfo info(file.sourcePath); info.exists() && !info.isFile()) {
            fail(FileStatus::Unreadable,
                 LocalCopy::tr(
                     "%1 is no longer a regular file (a folder, a pipe or a device now): not copied.")
                     .arg(file.sourcePath));
            return false;
        }
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
        // md5 is the group's (Md5Lanes), the rest this file's own.
        DigestSet set{DigestAlgorithm::Sha1, DigestAlgorithm::Sha256};
        if (!file.declared.sha512.isEmpty())
            set.insert(DigestAlgorithm::Sha512);
        m_digest = std::make_unique<MultiDigest>(MultiDigest::Lanes::Single, set);
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

    //! After the last chunk: checks the size and publishes the object with \a md5, computed by the group.
    void finish(BitStore &store, const BatchContext &batch, const QString &md5)
    {
        Digests digests = m_digest->finish();
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

    const LocalCopy::Request m_request;
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
    FetchOutcome result;
    runGroup({Request{file, lookFirst}}, store, batch, cancel, progress,
             [&result](const FetchOutcome &outcome, qint64) { result = outcome; });
    return result;
}

void LocalCopy::readAhead(const QString &path)
{
    // Non-blocking: a source replaced by a FIFO since intake must not hold the copier here.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    ::close(fd);
}

namespace {

//! Threads that help a group: the md5s of a round while the next is read, and a share of each round.
QThreadPool &helperPool()
{
    static QThreadPool *pool = newHelperPool();
    return *pool;
}

} // namespace

void LocalCopy::runGroup(const QList<Request> &requests, BitStore &store, const BatchContext &batch,
                         const std::atomic_bool &cancel, const ProgressCallback &progress,
                         const FinishedCallback &finished, const TakeMore &takeMore, Threads threads)
{
    const QString agent = agentFor(QStringLiteral("fetch"));
    constexpr int slotCount = Md5Lanes::maxStreams;
    // Two buffers per slot, kept by the thread for its next groups: while the md5s of one round are computed
    // on a helper, the next round is read into the other buffers.
    // (A reference, since the helpers that read half of a round use this thread's buffers, not their own.)
    thread_local std::vector<std::array<QByteArray, 2>> threadBuffers(slotCount);
    std::vector<std::array<QByteArray, 2>> &buffers = threadBuffers;
    const auto buffer = [&buffers](int slot, int turn) {
        QByteArray &b = buffers[size_t(slot)][size_t(turn)];
        if (b.isEmpty())
            b = QByteArray(s_chunkSize, Qt::Uninitialized);
        return b.data();
    };

    std::vector<std::unique_ptr<FileCopy>> copies(slotCount);
    std::vector<int> active; // copies being read
    Md5Lanes md5(slotCount);
    const auto admit = [&](const QList<Request> &incoming) {
        int slot = 0;
        for (const Request &request : incoming) {
            while (slot < slotCount && copies[size_t(slot)])
                ++slot;
            Q_ASSERT(slot < slotCount);
            if (slot == slotCount)
                break;
            auto copy = std::make_unique<FileCopy>(request, agent);
            if (!copy->open(store)) {
                finished(copy->outcome, 0);
                continue;
            }
            md5.restart(slot);
            copies[size_t(slot)] = std::move(copy);
            active.push_back(slot);
        }
    };
    admit(requests);
    if (takeMore)
        admit(takeMore(slotCount - int(active.size())));
    const int roundThreads = threads == Threads::All ? std::max(1, QThread::idealThreadCount()) : 1;

    struct Step
    {
        int slot;
        const char *data;
        qint64 size; //!< 0 at the end of the file, -1 when it failed
    };
    std::vector<Step> steps;
    std::vector<Md5Lanes::Input> md5s; // the last round's chunks, hashed during this round
    std::vector<Md5Lanes::Input> read;
    std::vector<int> next;
    for (int turn = 0; !active.empty(); turn ^= 1) {
        if (cancel.load(std::memory_order_relaxed)) {
            for (int slot : active) {
                copies[size_t(slot)]->abandon();
                finished(copies[size_t(slot)]->outcome, copies[size_t(slot)]->total());
            }
            return;
        }
        // One round on every core, each thread taking the next piece as it is done with one: the md5s of
        // the last round's chunks side by side, then a chunk of each file, read, sniffed, sha-digested and
        // written into the other buffer of its slot …
        steps.assign(active.size(), Step{});
        const size_t pieces = active.size() + (md5s.empty() ? 0 : 1);
        std::atomic<size_t> nextPiece = 0;
        const auto work = [&] {
            for (size_t piece; (piece = nextPiece.fetch_add(1, std::memory_order_relaxed)) < pieces;) {
                if (!md5s.empty() && piece == 0) {
                    md5.add(md5s);
                    continue;
                }
                const size_t k = md5s.empty() ? piece : piece - 1;
                const int slot = active[k];
                FileCopy &copy = *copies[size_t(slot)];
                char *data = buffer(slot, turn);
                qint64 n = copy.read(data);
                if (n > 0 && !copy.take(data, n, progress))
                    n = -1;
                steps[k] = {slot, data, n};
            }
        };
        QList<QFuture<void>> helpers;
        for (int i = 1; i < std::min(roundThreads, int(pieces)); ++i)
            helpers.append(QtConcurrent::run(&helperPool(), work));
        work();
        for (QFuture<void> &helper : helpers)
            helper.waitForFinished();
        // … then the files that ended are published (their md5s complete now), and this round's chunks wait
        // for the next round's md5s.
        read.clear();
        next.clear();
        for (const Step &step : steps) {
            FileCopy &copy = *copies[size_t(step.slot)];
            if (step.size > 0) {
                read.push_back({step.slot, step.data, step.size});
                next.push_back(step.slot);
                continue;
            }
            if (step.size == 0)
                copy.finish(store, batch, md5.finish(step.slot));
            finished(copy.outcome, copy.total());
            copies[size_t(step.slot)].reset();
        }
        md5s.swap(read);
        active.swap(next);
        const int free = slotCount - int(active.size()); // a slot holds a copy while it is active
        if (takeMore && free > 0 && !cancel.load(std::memory_order_relaxed))
            admit(takeMore(free));
    }
}

} // namespace gh
