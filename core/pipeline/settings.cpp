#include "settings.h"

#include <QFile>
#include <QFileInfo>
#include <QSettings>

namespace gh {

Result<RunOptions> EngineSettings::fromFile(const QString &path, RunOptions defaults)
{
    if (!QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The settings file %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The settings file %1 is not a valid INI file.").arg(path)};
    RunOptions options = defaults;
    bool ok = true;
    if (ini.contains(QStringLiteral("fetch/jobs"))) {
        options.fetch.transfer.jobs = ini.value(QStringLiteral("fetch/jobs")).toInt(&ok);
        if (!ok || options.fetch.transfer.jobs < 1)
            return Error{ErrorCode::Invalid, tr("%1: fetch/jobs must be a positive number.").arg(path)};
    }
    options.fetch.keyTemplate =
        ini.value(QStringLiteral("fetch/key_template"), options.fetch.keyTemplate).toString();
    return options;
}

Result<QSet<QString>> EngineSettings::readBannedList(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error{ErrorCode::Unreadable,
                     tr("Cannot read the banned list %1: %2").arg(path, file.errorString())};
    QSet<QString> ids;
    while (!file.atEnd()) {
        QString line = QString::fromUtf8(file.readLine());
        const qsizetype hash = line.indexOf(u'#');
        if (hash >= 0)
            line.truncate(hash);
        line = line.trimmed();
        if (!line.isEmpty())
            ids.insert(line);
    }
    return ids;
}

} // namespace gh
