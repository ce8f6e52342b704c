#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace gh::test {

/*!
    \class gh::test::PeerServer
    A real server (nginx, PostgreSQL, s3rver, MediaWiki, SMTP, the fault server) started on 127.0.0.1 by the
    project's own script \c tests/peers/NAME.sh in a temporary folder, and stopped by process id when this
    object is destroyed, pass or fail.

    The script contract: \c "NAME.sh start DIR [ARGS…]" starts the server, waits until it accepts connections
    and writes \c DIR/port and \c DIR/pid (the process or process-group leader); \c "NAME.sh stop DIR" stops
    it. Exit status 0 on success; anything on stderr is shown when start fails.
*/
class PeerServer
{
public:
    explicit PeerServer(const QString &name, const QStringList &arguments = {});
    ~PeerServer();
    PeerServer(const PeerServer &) = delete;
    PeerServer &operator=(const PeerServer &) = delete;

    bool isRunning() const { return m_port > 0; }
    //! Why start failed.
    QString error() const { return m_error; }
    int port() const { return m_port; }
    QString dir() const { return m_dir.path(); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    void stop();

private:
    QString m_name;
    QTemporaryDir m_dir;
    int m_port = 0;
    QString m_error;
};

} // namespace gh::test
