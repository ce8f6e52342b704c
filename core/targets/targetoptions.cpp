#include "targetoptions.h"

#include <QDir>
#include <QFileInfo>

#include "mediawiki/pagetext.h"
#include "pipeline/settings.h"
#include "util/keychain.h"

namespace gh {

namespace {

const QString s_keychainService = QStringLiteral("Gatehouse MediaWiki");

} // namespace

Result<TargetOptions> TargetOptions::fromFile(const QString &path, TargetOptions options)
{
    auto settings = EngineSettings::readFile(path);
    if (!settings)
        return settings.error();
    return fromSettings(*settings, std::move(options), QFileInfo(path).absolutePath(), path);
}

Result<TargetOptions> TargetOptions::fromSettings(const Settings &settings, TargetOptions options,
                                                  const QString &baseDir, const QString &where)
{
    // Only keys that were set count: an unset key keeps what the caller's defaults say.
    auto text = [&](const char *key, QString &into) {
        const QString name = QLatin1String(key);
        if (!settings.isDefault(name))
            into = settings.text(name);
    };
    auto number = [&](const char *key, int &into) {
        const QString name = QLatin1String(key);
        if (!settings.isDefault(name))
            into = int(settings.integer(name));
    };
    auto size = [&](const char *key, qint64 &into) {
        const QString name = QLatin1String(key);
        if (!settings.isDefault(name))
            into = std::max<qint64>(0, settings.sizeLimit(name));
    };
    const QString source = where.isEmpty() ? tr("settings") : where;

    text("mediawiki/user", options.user);
    text("mediawiki/password", options.password);
    text("mediawiki/title_template", options.titleTemplate);
    text("mediawiki/summary", options.summary);
    if (!settings.isDefault(QStringLiteral("mediawiki/categories")))
        options.categories = settings.list(QStringLiteral("mediawiki/categories"));
    if (!settings.isDefault(QStringLiteral("mediawiki/page_template"))) {
        QString file = settings.text(QStringLiteral("mediawiki/page_template"));
        if (QFileInfo(file).isRelative() && !baseDir.isEmpty())
            file = QDir(baseDir).filePath(file);
        auto page = PageText::readTemplateFile(file);
        if (!page)
            return page.error();
        options.pageTemplate = *page;
    }
    size("mediawiki/chunk_size", options.chunkSize);
    if (options.chunkSize < 1024)
        return Error{ErrorCode::Invalid,
                     tr("%1: mediawiki/chunk_size must be a size of at least 1K (such as 5M).").arg(source)};
    if (!settings.isDefault(QStringLiteral("mediawiki/single_upload_max"))) {
        const qint64 max = settings.sizeLimit(QStringLiteral("mediawiki/single_upload_max"));
        options.singleUploadMax = max > 0 ? max : -1;
    }
    size("mediawiki/async_threshold", options.asyncThreshold);
    number("mediawiki/jobs", options.mediawikiJobs);
    number("mediawiki/maxlag", options.maxLagSeconds);
    number("mediawiki/max_attempts", options.maxAttempts);
    number("targets/jobs", options.jobs);
    text("targets/default", options.defaultTarget);
    text("targets/filter", options.defaultFilter);
    text("targets/key_template", options.keyTemplate);
    if (!settings.isDefault(QStringLiteral("targets/derive"))) {
        auto parsed = DerivativeRule::parseList(settings.text(QStringLiteral("targets/derive")));
        if (!parsed)
            return Error{ErrorCode::Invalid,
                         tr("%1: targets/derive: %2").arg(source, parsed.error().message)};
        options.derive = *parsed;
    }
    text("transfer/user_agent", options.userAgent);
    text("transfer/contact", options.contact);
    text("transfer/ca_bundle", options.caBundle);
    return options;
}

Result<TargetOptions> TargetOptions::fromSettings(const Settings &settings)
{
    return fromSettings(settings, TargetOptions());
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
