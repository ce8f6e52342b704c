#include "settings.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSettings>

#include "report/reportsettings.h"
#include "store/storekey.h"

namespace gh {

namespace {

/*!
    How each key of the table that RunOptions holds maps to its field, both ways: capture() and runOptions()
    walk this one list, so a key cannot be read without being written.
*/
struct Binding
{
    const char *key;
    QString (*get)(const RunOptions &);
    void (*set)(RunOptions &, const Settings &, const QString &key);
};

QString syncKey(StoreOptions::Sync sync)
{
    switch (sync) {
    case StoreOptions::Sync::EachFile:
        return QStringLiteral("each-file");
    case StoreOptions::Sync::None:
        return QStringLiteral("none");
    case StoreOptions::Sync::Batched:
        break;
    }
    return QStringLiteral("batched");
}

StoreOptions::Sync syncFromKey(const QString &key)
{
    if (key == u"each-file")
        return StoreOptions::Sync::EachFile;
    if (key == u"none")
        return StoreOptions::Sync::None;
    return StoreOptions::Sync::Batched;
}

QString boolText(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

#define GH_INT_BINDING(k, field)                                                                             \
    Binding                                                                                                  \
    {                                                                                                        \
        k, [](const RunOptions &o) { return QString::number(o.field); },                                     \
            [](RunOptions &o, const Settings &s, const QString &key) {                                       \
                o.field = decltype(o.field)(s.integer(key));                                                 \
            }                                                                                                \
    }

const QList<Binding> &bindings()
{
    static const QList<Binding> list{
        GH_INT_BINDING("fetch/jobs", transfer.jobs),
        {"fetch/key_template", [](const RunOptions &o) { return o.fetch.keyTemplate; },
         [](RunOptions &o, const Settings &s, const QString &key) { o.fetch.keyTemplate = s.text(key); }},
        GH_INT_BINDING("transfer/per_host", transfer.perHost),
        {"transfer/user_agent", [](const RunOptions &o) { return o.transfer.userAgent; },
         [](RunOptions &o, const Settings &s, const QString &key) { o.transfer.userAgent = s.text(key); }},
        {"transfer/contact", [](const RunOptions &o) { return o.transfer.contact; },
         [](RunOptions &o, const Settings &s, const QString &key) { o.transfer.contact = s.text(key); }},
        GH_INT_BINDING("transfer/connect_timeout_ms", transfer.connectTimeoutMs),
        GH_INT_BINDING("transfer/low_speed_limit", transfer.lowSpeedLimit),
        GH_INT_BINDING("transfer/low_speed_seconds", transfer.lowSpeedSeconds),
        GH_INT_BINDING("transfer/max_redirects", transfer.maxRedirects),
        GH_INT_BINDING("transfer/max_attempts", transfer.maxAttempts),
        GH_INT_BINDING("transfer/backoff_base_ms", transfer.backoffBaseMs),
        GH_INT_BINDING("transfer/backoff_max_ms", transfer.backoffMaxMs),
        GH_INT_BINDING("transfer/retry_after_max_ms", transfer.retryAfterMaxMs),
        {"transfer/max_size",
         [](const RunOptions &o) { return SettingsTable::formatSize(o.transfer.maxSize); },
         [](RunOptions &o, const Settings &s, const QString &key) { o.transfer.maxSize = s.sizeLimit(key); }},
        {"transfer/accept", [](const RunOptions &o) { return o.transfer.accept.join(QStringLiteral(", ")); },
         [](RunOptions &o, const Settings &s, const QString &key) {
             o.transfer.accept = EngineSettings::parseAccept(s.text(key));
         }},
        {"transfer/honour_freshness",
         [](const RunOptions &o) { return boolText(o.transfer.honourFreshness); },
         [](RunOptions &o, const Settings &s, const QString &key) {
             o.transfer.honourFreshness = s.boolean(key);
         }},
        {"transfer/ca_bundle", [](const RunOptions &o) { return o.transfer.caBundle; },
         [](RunOptions &o, const Settings &s, const QString &key) { o.transfer.caBundle = s.text(key); }},
        {"store/sync", [](const RunOptions &o) { return syncKey(o.store.sync); },
         [](RunOptions &o, const Settings &s, const QString &key) {
             o.store.sync = syncFromKey(s.text(key));
         }},
        {"store/verify_after_write", [](const RunOptions &o) { return boolText(o.store.verifyAfterWrite); },
         [](RunOptions &o, const Settings &s, const QString &key) {
             o.store.verifyAfterWrite = s.boolean(key);
         }},
        GH_INT_BINDING("team/lease_seconds", team.leaseSeconds),
        GH_INT_BINDING("team/refresh_ms", team.refreshMs),
        {"intake/banned_list", [](const RunOptions &o) { return o.bannedList; },
         [](RunOptions &o, const Settings &s, const QString &key) { o.bannedList = s.text(key); }},
        {"intake/column_mapping",
         [](const RunOptions &o) {
             return QString::fromUtf8(
                 QJsonDocument(o.intake.columns.toJson()).toJson(QJsonDocument::Compact));
         },
         [](RunOptions &o, const Settings &s, const QString &key) {
             o.intake.columns = ColumnMapping::fromJson(s.json(key));
         }},
    };
    return list;
}

#undef GH_INT_BINDING

} // namespace

Result<Settings> EngineSettings::readFile(const QString &path, const Settings &base, QStringList *warnings)
{
    if (!QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The settings file %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The settings file %1 is not a valid INI file.").arg(path)};
    return Settings::read(ini, path, base, Settings::Mode::Strict, warnings);
}

Status EngineSettings::writeFile(const QString &path, const Settings &settings)
{
    QSettings ini(path, QSettings::IniFormat);
    settings.write(ini);
    ini.sync();
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Io, tr("Cannot write the settings file %1.").arg(path)};
    return {};
}

Result<RunOptions> EngineSettings::runOptions(const Settings &settings, RunOptions base)
{
    for (const Binding &b : bindings())
        b.set(base, settings, QString::fromLatin1(b.key));
    // [mail] and [report] are checked as a whole by their reader; only keys set here count as present.
    if (Status s = ReportSettings::read(
            [&settings](const QString &key) -> std::optional<QString> {
                if (settings.isDefault(key))
                    return std::nullopt;
                return settings.text(key);
            },
            tr("settings"), base.report);
        !s)
        return s.error();
    // The template's syntax is the store's business; check it here so a bad file fails before a run starts.
    if (Status s = checkKeyTemplate(base.fetch.keyTemplate); !s)
        return Error{ErrorCode::Invalid, tr("fetch/key_template: %1").arg(s.error().message)};
    base.settings = settings;
    return base;
}

Status EngineSettings::checkKeyTemplate(const QString &keyTemplate)
{
    // Values shaped like the real ones, so slices such as {sha1:0:2} expand as they will.
    QHash<QString, QString> probe;
    for (const char *name :
         {"batch", "batch_name", "item", "filename", "path", "ext", "timestamp", "resource_id", "file_id"})
        probe.insert(QString::fromLatin1(name), QStringLiteral("x"));
    probe.insert(QStringLiteral("md5"), QString(32, u'0'));
    probe.insert(QStringLiteral("sha1"), QString(40, u'0'));
    probe.insert(QStringLiteral("sha256"), QString(64, u'0'));
    if (auto key = StoreKey::expand(keyTemplate, probe); !key)
        return key.error();
    return {};
}

Settings EngineSettings::capture(const RunOptions &options, Settings base)
{
    for (const Binding &b : bindings()) {
        const QString key = QString::fromLatin1(b.key);
        // A value the table refuses (a zero job count set in code) leaves the setting as it was.
        if (Status s = base.setText(key, b.get(options)); !s)
            qWarning("%s", qPrintable(s.error().message));
    }
    for (const auto &[key, value] : ReportSettings::values(options.report)) {
        if (Status s = base.setText(key, value); !s)
            qWarning("%s", qPrintable(s.error().message));
    }
    return base;
}

Result<RunOptions> EngineSettings::fromFile(const QString &path, RunOptions defaults)
{
    auto settings = readFile(path, capture(defaults));
    if (!settings)
        return settings.error();
    return runOptions(*settings, std::move(defaults));
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
    return SettingsTable::parseSize(text);
}

Result<qint64> EngineSettings::parseSizeLimit(const QString &text)
{
    if (text.trimmed().isEmpty())
        return qint64(-1);
    auto bytes = SettingsTable::parseSize(text);
    if (!bytes)
        return bytes.error();
    return *bytes > 0 ? *bytes : qint64(-1);
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
