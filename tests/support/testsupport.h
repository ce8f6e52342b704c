#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTranslator>

namespace gh::test {

//! A file under tests/data.
QString dataPath(const QString &relative);
//! The bundled sample batch generated at build time.
QString sampleDir();
//! An executable built by the project (gatehouse-cli, gatehouse-samplegen, …).
QString binary(const QString &name);
//! Debian's /usr/bin/python3 (the python3 on PATH may be another interpreter).
QString python3();

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool crashed = false;
};

/*!
    A throw-away workspace: a temporary folder holding a catalog and a store, and the environment that keeps
    a spawned CLI's data, cache and config inside it.
*/
class Workspace
{
public:
    Workspace();
    QString path() const { return m_dir.path(); }
    QString catalog() const { return m_dir.filePath(QStringLiteral("catalog.sqlite")); }
    QString store() const { return m_dir.filePath(QStringLiteral("store")); }
    QString file(const QString &relative) const { return m_dir.filePath(relative); }
    QProcessEnvironment environment() const;

    //! Runs gatehouse-cli with --catalog pointing here, then \a arguments.
    CliResult cli(const QStringList &arguments, int timeoutMs = 120000) const;
    //! The same, started through \a wrapper (a program and its arguments, "unshare -rn" say) when it is not
    //! empty.
    CliResult cli(const QStringList &arguments, int timeoutMs, const QStringList &wrapper) const;

private:
    QTemporaryDir m_dir;
};

//! Writes \a content to \a path, creating folders; fails the test on error.
void writeFile(const QString &path, const QByteArray &content);
//! The body of a GET of \a url through Qt's own HTTP client (not the engine under test).
QByteArray httpGet(const QString &url);

//! The objects of JSON-lines output (files --json, upload --dry-run --json), one per non-empty line.
QList<QJsonObject> jsonLines(const QByteArray &text);
//! The SHA-256 of the file at \a path in hex; empty when it cannot be read.
QString sha256Of(const QString &path);
//! Every regular file under \a dir, hidden ones too (half-written leftovers count), relative to it, sorted.
QStringList filesUnder(const QString &dir);
//! The mails in the Maildir of tests/peers/smtp.sh, read back by readmail.py: subject, to, body, attachments.
QList<QJsonObject> mailbox(const QString &maildir);

//! Deterministic pseudo-random bytes (xorshift), so generated test files are the same on every run.
QByteArray pseudoRandomBytes(qint64 size, quint64 seed);

/*!
    \class gh::test::FileIdentity
    A file's inode and modification time: a file written again (a temporary renamed into place) gets a new
    inode, so an unchanged identity proves it was not copied again.
*/
struct FileIdentity
{
    quint64 inode = 0;
    qint64 mtimeNs = 0;
    bool operator==(const FileIdentity &) const = default;
};
//! The identity of \a path; inode 0 when it does not exist.
FileIdentity fileIdentity(const QString &path);

/*!
    A wrapper (a program and its arguments) that runs a command under the host name \a hostName, in a UTS
    namespace of its own (`unshare -u`, exec keeps the pid), so the processes of this machine see it as
    another workstation's; empty when this machine cannot do that (no privilege for namespaces).
*/
QStringList otherHostWrapper(const QString &hostName);

/*!
    Gatehouse's translation for a locale ("de_DE", "da_DK"), read from the ui library's resources (:/i18n) and
    installed while this object lives, as main() does for the system locale; an empty locale is English and
    installs nothing. Tests that look at a window in another language create one before the window.
*/
class Translation
{
public:
    explicit Translation(const QString &locale);
    ~Translation();
    Translation(const Translation &) = delete;
    Translation &operator=(const Translation &) = delete;
    //! False when a locale was asked for and its catalogue could not be loaded.
    bool isReady() const;

private:
    QTranslator m_translator;
    bool m_wanted = false;
    bool m_installed = false;
};

} // namespace gh::test
