#include "targetoptions.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "mediawiki/pagetext.h"
#include "pipeline/settings.h"
#include "util/keychain.h"

namespace gh {

namespace {

const QString s_keychainService = QStringLiteral("Gatehouse MediaWiki");

} // namespace

Result<TargetOptions> TargetOptions::fromFile(const QString &path, TargetOptions options)
{
    if (!QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The settings file %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The settings file %1 is not a valid INI file.").arg(path)};

    auto text = [&](const char *key, QString &into) {
        const QString name = QLatin1String(key);
        if (ini.contains(name)) {
            // QSettings splits unquoted values at commas; a template may hold commas.
            const QVariant value = ini.value(name);
            into = value.typeId() == QMetaType::QStringList ? value.toStringList().join(QStringLiteral(", "))
                                                            : value.toString();
        }
    };
    auto number = [&](const char *key, int &into, int minimum) -> Status {
        const QString name = QLatin1String(key);
        if (!ini.contains(name))
            return {};
        bool ok = false;
        const int value = ini.value(name).toInt(&ok);
        if (!ok || value < minimum)
            return Error{ErrorCode::Invalid,
                         tr("%1: %2 must be a number of at least %3.").arg(path, name).arg(minimum)};
        into = value;
        return {};
    };
    auto size = [&](const char *key, qint64 &into, qint64 minimum) -> Status {
        const QString name = QLatin1String(key);
        if (!ini.contains(name))
            return {};
        auto bytes = EngineSettings::parseSize(ini.value(name).toString());
        if (!bytes || *bytes < minimum)
            return Error{
                ErrorCode::Invalid,
                tr("%1: %2 must be a size of at least %3 bytes (such as 5M).").arg(path, name).arg(minimum)};
        into = *bytes;
        return {};
    };

    text("mediawiki/user", options.user);
    text("mediawiki/password", options.password);
    text("mediawiki/title_template", options.titleTemplate);
    text("mediawiki/summary", options.summary);
    if (ini.contains(QStringLiteral("mediawiki/categories"))) {
        const QVariant value = ini.value(QStringLiteral("mediawiki/categories"));
        QStringList categories =
            value.typeId() == QMetaType::QStringList ? value.toStringList() : value.toString().split(u',');
        options.categories.clear();
        for (QString &c : categories) {
            if (!c.trimmed().isEmpty())
                options.categories.append(c.trimmed());
        }
    }
    if (ini.contains(QStringLiteral("mediawiki/page_template"))) {
        QString file = ini.value(QStringLiteral("mediawiki/page_template")).toString();
        if (QFileInfo(file).isRelative())
            file = QFileInfo(path).absoluteDir().filePath(file);
        auto page = PageText::readTemplateFile(file);
        if (!page)
            return page.error();
        options.pageTemplate = *page;
    }
    for (Status s : {size("mediawiki/chunk_size", options.chunkSize, 1024),
                     size("mediawiki/single_upload_max", options.singleUploadMax, 0),
                     size("mediawiki/async_threshold", options.asyncThreshold, 0),
                     number("mediawiki/jobs", options.mediawikiJobs, 1),
                     number("mediawiki/maxlag", options.maxLagSeconds, 0),
                     number("mediawiki/max_attempts", options.maxAttempts, 1),
                     number("targets/jobs", options.jobs, 1)}) {
        if (!s)
            return s.error();
    }
    text("targets/default", options.defaultTarget);
    text("targets/key_template", options.keyTemplate);
    if (ini.contains(QStringLiteral("targets/derive"))) {
        QString rules;
        text("targets/derive", rules);
        auto parsed = DerivativeRule::parseList(rules);
        if (!parsed)
            return Error{ErrorCode::Invalid, tr("%1: targets/derive: %2").arg(path, parsed.error().message)};
        options.derive = *parsed;
    }
    text("transfer/user_agent", options.userAgent);
    text("transfer/contact", options.contact);
    text("transfer/ca_bundle", options.caBundle);
    return options;
}

Result<TargetOptions> TargetOptions::fromFile(const QString &path)
{
    return fromFile(path, TargetOptions());
}

void TargetOptions::applyEnvironment(const QProcessEnvironment &environment)
{
    if (user.isEmpty())
        user = environment.value(QStringLiteral("GATEHOUSE_MEDIAWIKI_USER"));
    if (password.isEmpty())
        password = environment.value(QStringLiteral("GATEHOUSE_MEDIAWIKI_PASSWORD"));
    if (!user.isEmpty() && password.isEmpty() &&
        environment.value(QStringLiteral("GATEHOUSE_MEDIAWIKI_KEYCHAIN")) != u"0")
        password = QString::fromUtf8(readKeychainSecret(s_keychainService, user).value_or(QByteArray()));
}

} // namespace gh
