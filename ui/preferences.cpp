#include "preferences.h"

#include <QSettings>

#include "pipeline/settings.h"

namespace gh {

Preferences Preferences::load()
{
    QSettings s;
    QStringList problems;
    // The GUI must start whatever the file holds: a value the table refuses is reported and left at its
    // default, where the CLI's --config would fail.
    auto settings = Settings::read(s, s.fileName(), {}, Settings::Mode::Lenient, &problems);
    Preferences p = fromSettings(settings ? *settings : Settings());
    // The stages above the pipeline read their own sections ([dedup], the targets') from the same file.
    if (s.format() == QSettings::NativeFormat || s.format() == QSettings::IniFormat)
        p.options.settingsFile = s.fileName();
    p.problems = problems + p.problems;
    for (const QString &problem : std::as_const(p.problems))
        qWarning("%s", qPrintable(problem));
    return p;
}

Preferences Preferences::fromSettings(const Settings &settings)
{
    Preferences p;
    p.settings = settings;
    auto options = EngineSettings::runOptions(p.settings);
    if (!options) {
        p.problems.append(options.error().message);
        p.settings.reset(QStringLiteral("fetch/key_template"));
        options = EngineSettings::runOptions(p.settings);
    }
    if (options)
        p.options = *options;
    p.hotFolder = p.settings.text(QStringLiteral("intake/hot_folder"));
    // A profile whose keys disagree with each other (a minimum above its maximum) is left at its defaults,
    // for the engine too.
    auto qa = QaProfile::fromSettings(p.settings, tr("the settings"));
    if (!qa) {
        p.problems.append(qa.error().message);
        qa = QaProfile();
        p.settings = qa->toSettings(p.settings);
        p.options.settings = p.settings;
    }
    p.qa = *qa;
    return p;
}

Settings Preferences::toSettings() const
{
    Settings s = qa.toSettings(EngineSettings::capture(options, settings));
    if (Status ok = s.setText(QStringLiteral("intake/hot_folder"), hotFolder); !ok)
        qWarning("%s", qPrintable(ok.error().message));
    return s;
}

void Preferences::save() const
{
    QSettings s;
    toSettings().write(s);
}

} // namespace gh
