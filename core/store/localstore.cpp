#include "localstore.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>

#include "digest/fixity.h"
#include "spoolfile.h"
#include "storekey.h"

namespace gh {

namespace {

const QString s_partialDir = QStringLiteral(".partial");
//! How much of a large object is written before the kernel is asked to start writing it to disk.
constexpr qint64 s_writebackStep = 8 * 1024 * 1024;
//! How much of a large object is written between asking the disk to settle what it has (Writeback::settle()).
constexpr qint64 s_settleStep = 32 * 1024 * 1024;
constexpr qint64 s_resumableMaxAgeSeconds = 7 * 24 * 3600;

QString sha256Of(const SpoolFile &spool, Status &status)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    status =
        spool.replay([ctx](const char *data, qint64 size) { EVP_DigestUpdate(ctx, data, size_t(size)); });
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, out, &length);
    EVP_MD_CTX_free(ctx);
    return hexDigest(out, length);
}

} // namespace

class LocalStore::Writer final : public StoreWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalStore)

public:
    Writer(LocalStore *store, std::unique_ptr<SpoolFile> spool, bool resumable)
        : m_store(store)
        , m_spool(std::move(spool))
        , m_resumable(resumable)
    {}

    Status write(const char *data, qint64 size) override
    {
        if (!m_spool)
            return finished();
        if (Status s = m_spool->write(data, size); !s)
            return s;
        if (groupWise() && m_spool->size() - m_startedWriteback >= s_writebackStep)
            startWriteback();
        return {};
    }

    Status commit(const QString &key, const Digests &expected) override
    {
        if (!m_spool)
            return finished();
        if (Status s = StoreKey::validate(key); !s)
            return s;
        if (m_store->m_options.verifyAfterWrite && !expected.sha256.isEmpty()) {
            Status read;
            const QString actual = sha256Of(*m_spool, read);
            if (!read)
                return read;
            if (actual != expected.sha256) {
                return Error{ErrorCode::Io,
                             tr("The copy of %1 written to the store reads back differently (sha256 "
                                "%2; expected %3).")
                                 .arg(key, actual, expected.sha256)};
            }
        }
        if (groupWise()) {
            // Group-wise: the object appears under its key only when flush() has synced the whole group.
            // Its writeback starts now, on the store's writeback thread (started here on the writer's own
            // thread, sync_file_range was measured slower: the writers blocked in the device queue instead
            // of hashing), so the group's sync finds most of the group on disk already.
            const QString target = m_store->localPath(key);
            // The key's folder is made here, on the writer's thread, so flush() only renames.
            if (Status s = m_store->makeFolder(target.left(target.lastIndexOf(u'/'))); !s)
                return s;
            startWriteback();
            m_store->defer(Pending{std::move(m_spool), target});
            return {};
        }
        if (m_store->m_options.sync == Sync::EachFile) {
            if (Status s = m_spool->sync(); !s)
                return s;
        }
        if (Status s = m_spool->moveTo(m_store->localPath(key)); !s)
            return s;
        m_spool.reset();
        if (m_store->m_options.sync == Sync::Batched)
            ++m_store->m_unflushed;
        return {};
    }

    void abort() override
    {
        if (m_spool)
            m_spool->remove();
        m_spool.reset();
    }

    qint64 written() const override { return m_spool ? m_spool->size() : 0; }
    Status truncate() override
    {
        m_startedWriteback = m_settled = 0;
        return m_spool ? m_spool->truncate() : finished();
    }
    Status replay(const std::function<void(const char *, qint64)> &consumer) const override
    {
        return m_spool ? m_spool->replay(consumer) : finished();
    }
    QJsonObject resumeState() const override { return m_spool ? m_spool->state() : QJsonObject(); }
    Status setResumeState(const QJsonObject &state) override
    {
        return m_spool ? m_spool->setState(state) : finished();
    }

private:
    static Error finished()
    {
        return Error{ErrorCode::Usage, tr("The object was already committed or aborted.")};
    }

    using Pending = LocalStore::Pending;

    //! Whether this object waits for the group's sync (and so gets an early writeback).
    bool groupWise() const { return m_store->m_options.sync == Sync::Batched && !m_resumable; }
    void startWriteback()
    {
        const qint64 size = m_spool->size();
        m_store->m_writeback.start(m_spool->descriptor(), m_startedWriteback, size - m_startedWriteback);
        m_startedWriteback = size;
        if (size - m_settled >= s_settleStep) {
            m_store->m_writeback.settle(m_spool->descriptor());
            m_settled = size;
        }
    }

    LocalStore *m_store;
    std::unique_ptr<SpoolFile> m_spool;
    bool m_resumable;
    qint64 m_startedWriteback = 0; //!< Bytes whose writeback was started.
    qint64 m_settled = 0;          //!< Bytes written when the disk was last asked to settle them.
};

LocalStore::LocalStore(QString root, Options options)
    : m_root(std::move(root))
    , m_options(options)
{}

Result<std::unique_ptr<LocalStore>> LocalStore::open(const QString &root, Options options)
{
    const QString absolute = QFileInfo(root).absoluteFilePath();
    if (!QDir().mkpath(QDir(absolute).filePath(s_partialDir))) {
        return Error{ErrorCode::Io,
                     tr("Cannot create the store folder %1.").arg(QDir::toNativeSeparators(absolute))};
    }
    return std::unique_ptr<LocalStore>(new LocalStore(absolute, options));
}

QString LocalStore::displayName() const
{
    return QDir::toNativeSeparators(m_root);
}

Result<std::unique_ptr<StoreWriter>> LocalStore::makeWriter(const QString &token)
{
    auto spool = SpoolFile::open(QDir(m_root).filePath(s_partialDir), token);
    if (!spool)
        return spool.error();
    return std::unique_ptr<StoreWriter>(new Writer(this, std::move(*spool), !token.isEmpty()));
}

Result<std::unique_ptr<StoreWriter>> LocalStore::beginWrite()
{
    return makeWriter({});
}

Result<std::unique_ptr<StoreWriter>> LocalStore::beginResumableWrite(const QString &token)
{
    return makeWriter(token);
}

bool LocalStore::hasResumableWrite(const QString &token) const
{
    return SpoolFile::hasResumable(QDir(m_root).filePath(s_partialDir), token);
}

LocalStore::~LocalStore() = default; // an unflushed group's temporaries are removed with their spools

void LocalStore::defer(Pending pending)
{
    QMutexLocker lock(&m_pendingMutex);
    m_pending.push_back(std::move(pending));
}

Status LocalStore::makeFolder(const QString &folder)
{
    {
        QMutexLocker lock(&m_foldersMutex);
        if (m_folders.contains(folder))
            return {};
    }
    if (!QDir().mkpath(folder))
        return Error{ErrorCode::Io, tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(folder))};
    QMutexLocker lock(&m_foldersMutex);
    m_folders.insert(folder);
    return {};
}

Status LocalStore::syncFileSystem() const
{
    const int fd = ::open(QFile::encodeName(m_root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        if (fd >= 0)
            ::close(fd);
        return Error{ErrorCode::Io, tr("Cannot flush the store %1 to disk: %2").arg(displayName(), reason)};
    }
    ::close(fd);
    return {};
}

Status LocalStore::flush()
{
    std::vector<Pending> group;
    {
        QMutexLocker lock(&m_pendingMutex);
        group.swap(m_pending);
    }
    const int published = m_unflushed.exchange(0);
    if (group.empty() && published == 0)
        return {};
    // 1. Every byte of the group on disk, with one sync for all of it.
    if (Status s = syncFileSystem(); !s)
        return s; // the group's temporaries go with their spools; its files stay pending
    if (group.empty())
        return {};
    // 2. Only complete, durable objects appear under their keys …
    for (Pending &pending : group) {
        if (Status s = pending.spool->moveTo(pending.target); !s)
            return s;
    }
    // 3. … and the renames are durable before the caller records the objects as stored.
    return syncFileSystem();
}

Result<bool> LocalStore::exists(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    return QFileInfo::exists(localPath(key));
}

Result<std::unique_ptr<QIODevice>> LocalStore::read(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    auto file = std::make_unique<QFile>(localPath(key));
    if (!file->open(QIODevice::ReadOnly)) {
        return Error{file->exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                     tr("Cannot open %1 in the store %2: %3").arg(key, displayName(), file->errorString())};
    }
    return std::unique_ptr<QIODevice>(std::move(file));
}

Status LocalStore::remove(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s;
    QFile file(localPath(key));
    if (file.exists() && !file.remove())
        return Error{ErrorCode::Io, tr("Cannot remove %1 from the store: %2").arg(key, file.errorString())};
    return {};
}

QString LocalStore::localPath(const QString &key) const
{
    return QDir(m_root).filePath(key);
}

Status LocalStore::removeStaleTemporaries()
{
    SpoolFile::removeStale(QDir(m_root).filePath(s_partialDir), s_resumableMaxAgeSeconds);
    return {};
}

} // namespace gh
