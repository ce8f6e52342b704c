#include "localstore.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QAtomicInteger>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <openssl/evp.h>

#include "storekey.h"
#include "util/logging.h"

namespace gh {

namespace {

const QString s_partialDir = QStringLiteral(".partial");
QAtomicInteger<quint64> s_writerCounter;

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

void syncDirectory(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

class LocalWriter final : public StoreWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalStore)

public:
    LocalWriter(QString root, QString tempPath, int fd, LocalStore::Options options)
        : m_root(std::move(root))
        , m_tempPath(std::move(tempPath))
        , m_fd(fd)
        , m_options(options)
    {}
    ~LocalWriter() override { abort(); }

    Status write(const char *data, qint64 size) override
    {
        while (size > 0) {
            const ssize_t n = ::write(m_fd, data, size_t(size));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return Error{ErrorCode::Io,
                             tr("Cannot write to the store at %1: %2").arg(m_root, errnoText())};
            }
            data += n;
            size -= n;
            m_written += n;
        }
        return {};
    }

    Status commit(const QString &key, const Digests &expected) override
    {
        if (m_fd < 0)
            return Error{ErrorCode::Io, tr("The object for %1 was already committed or aborted.").arg(key)};
        if (Status s = StoreKey::validate(key); !s)
            return s;
        if (m_options.syncToDisk && ::fdatasync(m_fd) != 0)
            return Error{ErrorCode::Io, tr("Cannot flush %1 to disk: %2").arg(key, errnoText())};
        if (m_options.verifyAfterWrite && !expected.sha256.isEmpty()) {
            if (Status s = verify(key, expected.sha256); !s)
                return s;
        }
        ::close(m_fd);
        m_fd = -1;

        const QString finalPath = QDir(m_root).filePath(key);
        const QString parent = QFileInfo(finalPath).absolutePath();
        if (!QDir().mkpath(parent))
            return Error{ErrorCode::Io, tr("Cannot create the folder %1 in the store.").arg(parent)};
        // POSIX rename replaces atomically: a rerun after a crash overwrites an identical object in one step.
        if (::rename(QFile::encodeName(m_tempPath).constData(), QFile::encodeName(finalPath).constData()) !=
            0)
            return Error{ErrorCode::Io,
                         tr("Cannot move %1 into place in the store: %2").arg(key, errnoText())};
        m_tempPath.clear();
        if (m_options.syncToDisk)
            syncDirectory(parent);
        return {};
    }

    void abort() override
    {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
        if (!m_tempPath.isEmpty()) {
            ::unlink(QFile::encodeName(m_tempPath).constData());
            m_tempPath.clear();
        }
    }

    qint64 written() const override { return m_written; }

private:
    Status verify(const QString &key, const QString &expectedSha256)
    {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        off_t offset = 0;
        for (;;) {
            const ssize_t n = ::pread(m_fd, buffer.data(), size_t(buffer.size()), offset);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                EVP_MD_CTX_free(ctx);
                return Error{ErrorCode::Io,
                             tr("Cannot read back %1 from the store: %2").arg(key, errnoText())};
            }
            if (n == 0)
                break;
            EVP_DigestUpdate(ctx, buffer.constData(), size_t(n));
            offset += n;
        }
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(ctx, out, &length);
        EVP_MD_CTX_free(ctx);
        const QString actual =
            QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), int(length)).toHex());
        if (offset != m_written || actual != expectedSha256) {
            return Error{ErrorCode::Io,
                         tr("The copy of %1 written to the store reads back differently (%2 bytes, "
                            "sha256 %3; expected %4 bytes, sha256 %5).")
                             .arg(key)
                             .arg(offset)
                             .arg(actual)
                             .arg(m_written)
                             .arg(expectedSha256)};
        }
        return {};
    }

    QString m_root;
    QString m_tempPath;
    int m_fd;
    LocalStore::Options m_options;
    qint64 m_written = 0;
};

} // namespace

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

Result<std::unique_ptr<StoreWriter>> LocalStore::beginWrite()
{
    // The pid in the name lets removeStaleTemporaries() tell a dead process's leftovers from live writes.
    const QString path =
        QDir(m_root).filePath(s_partialDir + u'/' +
                              QStringLiteral("%1-%2-%3.part")
                                  .arg(QCoreApplication::applicationPid())
                                  .arg(s_writerCounter.fetchAndAddRelaxed(1))
                                  .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')));
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return Error{
            ErrorCode::Io,
            tr("Cannot create a temporary file in the store %1: %2").arg(displayName(), errnoText())};
    }
    return std::unique_ptr<StoreWriter>(new LocalWriter(m_root, path, fd, m_options));
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
    QDir partial(QDir(m_root).filePath(s_partialDir));
    int removed = 0;
    const QStringList names = partial.entryList({QStringLiteral("*.part")}, QDir::Files | QDir::Hidden);
    for (const QString &name : names) {
        bool ok = false;
        const qint64 pid = name.section(u'-', 0, 0).toLongLong(&ok);
        if (ok && pid == QCoreApplication::applicationPid())
            continue;
        if (ok && pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM))
            continue; // its writer is still running
        if (partial.remove(name))
            ++removed;
    }
    if (removed > 0)
        qCInfo(lcStore) << "removed" << removed << "temporary files left by interrupted runs in"
                        << displayName();
    return {};
}

} // namespace gh
