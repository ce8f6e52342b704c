#include "settings.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
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
    TransferOptions &t = options.transfer;
    QString problem;
    auto number = [&](const QString &key, auto &into, qint64 minimum) {
        if (!ini.contains(key) || !problem.isEmpty())
            return;
        bool ok = false;
        const qint64 value = ini.value(key).toLongLong(&ok);
        if (!ok || value < minimum)
            problem = tr("%1: %2 must be a number of at least %3.").arg(path, key).arg(minimum);
        else
            into = decltype(into + 0)(value);
    };
    number(QStringLiteral("fetch/jobs"), t.jobs, 1);
    number(QStringLiteral("transfer/per_host"), t.perHost, 1);
    number(QStringLiteral("transfer/connect_timeout_ms"), t.connectTimeoutMs, 1);
    number(QStringLiteral("transfer/low_speed_limit"), t.lowSpeedLimit, 0);
    number(QStringLiteral("transfer/low_speed_seconds"), t.lowSpeedSeconds, 1);
    number(QStringLiteral("transfer/max_redirects"), t.maxRedirects, 0);
    number(QStringLiteral("transfer/max_attempts"), t.maxAttempts, 1);
    number(QStringLiteral("transfer/backoff_base_ms"), t.backoffBaseMs, 0);
    number(QStringLiteral("transfer/backoff_max_ms"), t.backoffMaxMs, 0);
    number(QStringLiteral("transfer/retry_after_max_ms"), t.retryAfterMaxMs, 0);
    number(QStringLiteral("transfer/max_size"), t.maxSize, 0);
    if (!problem.isEmpty())
        return Error{ErrorCode::Invalid, problem};
    t.userAgent = ini.value(QStringLiteral("transfer/user_agent"), t.userAgent).toString();
    t.contact = ini.value(QStringLiteral("transfer/contact"), t.contact).toString();
    t.caBundle = ini.value(QStringLiteral("transfer/ca_bundle"), t.caBundle).toString();
    t.honourFreshness = ini.value(QStringLiteral("transfer/honour_freshness"), t.honourFreshness).toBool();
    if (ini.contains(QStringLiteral("transfer/accept")))
        t.accept = parseAccept(ini.value(QStringLiteral("transfer/accept")).toString());
    options.fetch.keyTemplate =
        ini.value(QStringLiteral("fetch/key_template"), options.fetch.keyTemplate).toString();
    if (ini.contains(QStringLiteral("store/sync"))) {
        const QString sync = ini.value(QStringLiteral("store/sync")).toString().trimmed().toLower();
        if (sync == u"batched")
            options.store.sync = StoreOptions::Sync::Batched;
        else if (sync == u"each-file")
            options.store.sync = StoreOptions::Sync::EachFile;
        else if (sync == u"none")
            options.store.sync = StoreOptions::Sync::None;
        else
            return Error{ErrorCode::Invalid,
                         tr("%1: store/sync must be batched, each-file or none.").arg(path)};
    }
    options.store.verifyAfterWrite =
        ini.value(QStringLiteral("store/verify_after_write"), options.store.verifyAfterWrite).toBool();
    return options;
}

QStringList EngineSettings::parseAccept(const QString &patterns)
{
    QStringList result;
    for (const QString &pattern : patterns.split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = pattern.trimmed().toLower();
        if (!trimmed.isEmpty())
            result.append(trimmed);
    }
    return result;
}

Result<qint64> EngineSettings::parseSize(const QString &text)
{
    // Bytes, or with a binary suffix: 500M, 2G, 64KiB.
    static const QRegularExpression shape(QStringLiteral("^\\s*(\\d+)\\s*([kmgt]?)(i?b)?\\s*$"),
                                          QRegularExpression::CaseInsensitiveOption);
    const auto m = shape.match(text);
    if (!m.hasMatch())
        return Error{ErrorCode::Usage,
                     tr("\"%1\" is not a size; give bytes, or a number with K, M, G or T.").arg(text)};
    qint64 value = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    for (const QChar u : {QChar(u'k'), QChar(u'm'), QChar(u'g'), QChar(u't')}) {
        value *= 1024;
        if (unit == u)
            return value;
    }
    return m.captured(1).toLongLong();
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
