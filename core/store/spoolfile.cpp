#include "spoolfile.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>

#include "util/logging.h"

namespace gh {

namespace {

QAtomicInteger<quint64> s_counter;

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

bool processGone(qint64 pid)
{
    return pid > 0 && pid != QCoreApplication::applicationPid() && ::kill(pid_t(pid), 0) != 0 &&
           errno == ESRCH;
}

} // namespace

SpoolFile::SpoolFile(QString path, int fd, bool resumable, qint64 size)
    : m_path(std::move(path))
    , m_fd(fd)
    , m_resumable(resumable)
    , m_size(size)
{}

SpoolFile::~SpoolFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_resumable && !m_path.isEmpty())
        ::unlink(QFile::encodeName(m_path).constData());
}

Result<std::unique_ptr<SpoolFile>> SpoolFile::open(const QString &dir, const QString &resumeToken)
{
    static const QRegularExpression safeToken(QStringLiteral("^[A-Za-z0-9._-]{1,128}$"));
    if (!resumeToken.isEmpty() && !safeToken.match(resumeToken).hasMatch())
        return Error{ErrorCode::UnsafePath, tr("\"%1\" cannot name a resumable spool.").arg(resumeToken)};

    const bool resumable = !resumeToken.isEmpty();
    const QString name = resumable
                             ? QStringLiteral("resume-%1.part").arg(resumeToken)
                             : QStringLiteral("%1-%2-%3.part")
                                   .arg(QCoreApplication::applicationPid())
                                   .arg(s_counter.fetchAndAddRelaxed(1))
                                   .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QString path = QDir(dir).filePath(name);
    const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (resumable ? 0 : O_EXCL);
    int fd = ::open(QFile::encodeName(path).constData(), flags, 0644);
    if (fd < 0 && errno == ENOENT && QDir().mkpath(dir)) // the folder is made once, not checked every time
        fd = ::open(QFile::encodeName(path).constData(), flags, 0644);
    if (fd < 0)
        return Error{ErrorCode::Io,
                     tr("Cannot create %1: %2").arg(QDir::toNativeSeparators(path), errnoText())};
    const off_t end = ::lseek(fd, 0, SEEK_END);
    auto spool = std::unique_ptr<SpoolFile>(new SpoolFile(path, fd, resumable, end < 0 ? 0 : qint64(end)));
    spool->m_hasState = resumable && spool->m_size > 0; // kept bytes may have kept state
    return spool;
}

Status SpoolFile::write(const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::write(m_fd, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error{ErrorCode::Io,
                         tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(m_path), errnoText())};
        }
        data += n;
        size -= n;
        m_size += n;
    }
    return {};
}

Status SpoolFile::truncate()
{
    if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) < 0)
        return Error{ErrorCode::Io,
                     tr("Cannot truncate %1: %2").arg(QDir::toNativeSeparators(m_path), errnoText())};
    m_size = 0;
    return {};
}

Status SpoolFile::replay(const std::function<void(const char *, qint64)> &consumer) const
{
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    off_t offset = 0;
    while (offset < m_size) {
        const ssize_t n =
            ::pread(m_fd, buffer.data(), size_t(std::min<qint64>(buffer.size(), m_size - offset)), offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            return Error{ErrorCode::Io, tr("Cannot read back %1: %2")
                                            .arg(QDir::toNativeSeparators(m_path),
                                                 n < 0 ? errnoText() : tr("it is shorter than written"))};
        }
        consumer(buffer.constData(), n);
        offset += n;
    }
    return {};
}

QString SpoolFile::statePath() const
{
    return m_path + QStringLiteral(".json");
}

QJsonObject SpoolFile::state() const
{
    QFile file(statePath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

Status SpoolFile::setState(const QJsonObject &state)
{
    // Advisory: a lost or torn state only means the download starts over, so no sync (QSaveFile would).
    QFile file(statePath());
    m_hasState = true;
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(QJsonDocument(state).toJson(QJsonDocument::Compact)) < 0)
        return Error{
            ErrorCode::Io,
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(statePath()), file.errorString())};
    return {};
}

Status SpoolFile::sync()
{
    if (::fdatasync(m_fd) != 0)
        return Error{ErrorCode::Io,
                     tr("Cannot flush %1 to disk: %2").arg(QDir::toNativeSeparators(m_path), errnoText())};
    return {};
}

Status SpoolFile::moveTo(const QString &target)
{
    ::close(m_fd);
    m_fd = -1;
    // POSIX rename replaces atomically: a rerun after a crash overwrites an identical object in one step.
    // The folder is usually there already (the store makes it at commit), so it is made only when missing.
    const QByteArray from = QFile::encodeName(m_path);
    const QByteArray to = QFile::encodeName(target);
    int renamed = ::rename(from.constData(), to.constData());
    if (renamed != 0 && errno == ENOENT && ::access(from.constData(), F_OK) == 0) {
        const QString parent = QFileInfo(target).absolutePath();
        if (!QDir().mkpath(parent)) {
            m_fd = ::open(from.constData(), O_RDWR | O_CLOEXEC);
            return Error{ErrorCode::Io,
                         tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(parent))};
        }
        renamed = ::rename(from.constData(), to.constData());
    }
    if (renamed != 0) {
        const Error error{ErrorCode::Io, tr("Cannot move %1 to %2: %3")
                                             .arg(QDir::toNativeSeparators(m_path),
                                                  QDir::toNativeSeparators(target), errnoText())};
        m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CLOEXEC);
        return error;
    }
    if (m_hasState)
        QFile::remove(statePath());
    m_path.clear();
    m_resumable = false;
    return {};
}

void SpoolFile::remove()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_path.isEmpty()) {
        ::unlink(QFile::encodeName(m_path).constData());
        if (m_hasState)
            QFile::remove(statePath());
        m_path.clear();
    }
    m_resumable = false;
}

bool SpoolFile::hasResumable(const QString &dir, const QString &resumeToken)
{
    return QFileInfo(QDir(dir).filePath(QStringLiteral("resume-%1.part").arg(resumeToken))).size() > 0;
}

int SpoolFile::removeStale(const QString &dir, qint64 resumableMaxAgeSeconds)
{
    QDir spool(dir);
    int removed = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QFileInfoList files = spool.entryInfoList({QStringLiteral("*.part")}, QDir::Files | QDir::Hidden);
    for (const QFileInfo &info : files) {
        const QString name = info.fileName();
        bool stale = false;
        if (name.startsWith(u"resume-")) {
            stale = info.lastModified().toUTC().secsTo(now) > resumableMaxAgeSeconds;
        } else {
            bool ok = false;
            const qint64 pid = name.section(u'-', 0, 0).toLongLong(&ok);
            stale = ok && processGone(pid);
        }
        if (stale && spool.remove(name)) {
            spool.remove(name + QStringLiteral(".json"));
            ++removed;
        }
    }
    if (removed > 0)
        qCInfo(lcStore) << "removed" << removed << "temporary files left by interrupted runs in" << dir;
    return removed;
}

} // namespace gh
