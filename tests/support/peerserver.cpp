#include "peerserver.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <csignal>

namespace gh::test {

namespace {

QString script(const QString &name)
{
    return QDir(QStringLiteral(GATEHOUSE_PEERS_DIR)).filePath(name + u".sh");
}

QString readTrimmed(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

} // namespace

PeerServer::PeerServer(const QString &name, const QStringList &arguments)
    : m_name(name)
{
    QProcess process;
    process.start(QStringLiteral("/bin/bash"), QStringList{script(name), QStringLiteral("start"), m_dir.path()} + arguments);
    if (!process.waitForFinished(120000) || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 did not start: %2%3")
                      .arg(name, QString::fromUtf8(process.readAllStandardError()),
                           QString::fromUtf8(process.readAllStandardOutput()));
        stop();
        return;
    }
    m_port = readTrimmed(m_dir.filePath(QStringLiteral("port"))).toInt();
    if (m_port <= 0)
        m_error = QStringLiteral("%1 started but wrote no port").arg(name);
}

PeerServer::~PeerServer()
{
    stop();
}

void PeerServer::stop()
{
    if (!QFile::exists(m_dir.filePath(QStringLiteral("pid"))))
        return;
    QProcess process;
    process.start(QStringLiteral("/bin/bash"), {script(m_name), QStringLiteral("stop"), m_dir.path()});
    process.waitForFinished(30000);
    // Whatever the script did, the process group is gone afterwards.
    const qint64 pid = readTrimmed(m_dir.filePath(QStringLiteral("pid"))).toLongLong();
    if (pid > 1)
        ::kill(-pid_t(pid), SIGKILL);
    QFile::remove(m_dir.filePath(QStringLiteral("pid")));
    m_port = 0;
}

} // namespace gh::test
