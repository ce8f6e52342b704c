#include "testsupport.h"

#include <cstring>
#include <sys/stat.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

namespace gh::test {

QString dataPath(const QString &relative)
{
    return QDir(QStringLiteral(GATEHOUSE_TEST_DATA_DIR)).filePath(relative);
}

QString sampleDir()
{
    return QStringLiteral(GATEHOUSE_SAMPLE_DIR);
}

QString binary(const QString &name)
{
    return QDir(QStringLiteral(GATEHOUSE_BIN_DIR)).filePath(name);
}

QString python3()
{
    return QStringLiteral(GATEHOUSE_PYTHON3);
}

Workspace::Workspace()
{
    QDir(m_dir.path()).mkpath(QStringLiteral("home"));
}

QProcessEnvironment Workspace::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString home = m_dir.filePath(QStringLiteral("home"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + u"/data");
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + u"/cache");
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + u"/config");
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    return env;
}

CliResult Workspace::cli(const QStringList &arguments, int timeoutMs) const
{
    return cli(arguments, timeoutMs, {});
}

CliResult Workspace::cli(const QStringList &arguments, int timeoutMs, const QStringList &wrapper) const
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.setWorkingDirectory(path());
    QStringList command = wrapper;
    command << binary(QStringLiteral("gatehouse-cli")) << QStringLiteral("--catalog") << catalog();
    command += arguments;
    process.start(command.takeFirst(), command);
    CliResult result;
    if (!process.waitForStarted(10000)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.crashed = process.exitStatus() != QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path + u": " + file.errorString()));
    QCOMPARE(file.write(content), content.size());
}

QByteArray httpGet(const QString &url)
{
    QNetworkAccessManager manager;
    QNetworkReply *reply = manager.get(QNetworkRequest(QUrl(url)));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            objects.append(QJsonDocument::fromJson(line).object());
    }
    return objects;
}

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(dir).relativeFilePath(it.next()));
    files.sort();
    return files;
}

QList<QJsonObject> mailbox(const QString &maildir)
{
    if (!QFileInfo::exists(maildir + u"/new"))
        return {};
    QProcess reader;
    reader.start(python3(), {QStringLiteral(GATEHOUSE_PEERS_DIR "/readmail.py"), maildir});
    if (!reader.waitForFinished(30000) || reader.exitCode() != 0) {
        qWarning() << reader.readAllStandardError();
        return {};
    }
    return jsonLines(reader.readAllStandardOutput());
}

QByteArray pseudoRandomBytes(qint64 size, quint64 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint64 x = seed * 0x9E3779B97F4A7C15ull + 1;
    qint64 i = 0;
    for (; i + 8 <= size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(bytes.data() + i, &x, 8);
    }
    for (; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes[i] = char(x & 0xff);
    }
    return bytes;
}

FileIdentity fileIdentity(const QString &path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {quint64(st.st_ino), qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

QStringList otherHostWrapper(const QString &hostName)
{
    QProcess probe;
    probe.start(QStringLiteral("unshare"),
                {QStringLiteral("-u"), QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                 QStringLiteral("hostname %1 && hostname").arg(hostName)});
    if (!probe.waitForFinished(10000) || probe.exitStatus() != QProcess::NormalExit ||
        probe.exitCode() != 0 || probe.readAllStandardOutput().trimmed() != hostName.toUtf8())
        return {};
    return {QStringLiteral("unshare"),
            QStringLiteral("-u"),
            QStringLiteral("/bin/sh"),
            QStringLiteral("-c"),
            QStringLiteral("hostname %1 && exec \"$@\"").arg(hostName),
            QStringLiteral("sh")};
}

Translation::Translation(const QString &locale)
    : m_wanted(!locale.isEmpty())
{
    if (m_wanted && m_translator.load(QLocale(locale), QStringLiteral("gatehouse"), QStringLiteral("_"),
                                      QStringLiteral(":/i18n")))
        m_installed = QCoreApplication::installTranslator(&m_translator);
}

Translation::~Translation()
{
    if (m_installed)
        QCoreApplication::removeTranslator(&m_translator);
}

bool Translation::isReady() const
{
    return !m_wanted || m_installed;
}

} // namespace gh::test
