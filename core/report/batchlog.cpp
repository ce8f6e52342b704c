#include "batchlog.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include "util/logging.h"

namespace gh {

BatchLog::BatchLog(const QString &path)
    : m_file(path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        qCWarning(lcReport).noquote() << "cannot write the batch log" << path << ":" << m_file.errorString();
}

QString BatchLog::append(const QString &line)
{
    const QString formatted =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")) + u' ' + line;
    if (m_file.isOpen()) {
        m_file.write(formatted.toUtf8() + '\n');
        m_file.flush();
    }
    return formatted;
}

} // namespace gh
