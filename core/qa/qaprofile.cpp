#include "qaprofile.h"

#include <QFileInfo>
#include <QSettings>

namespace gh {

namespace {

QString withDot(const QString &suffix)
{
    return suffix.isEmpty() || suffix.startsWith(u'.') ? suffix : u'.' + suffix;
}

} // namespace

bool QaProfile::runs(const QString &name) const
{
    if (skip.contains(name))
        return false;
    return checks.isEmpty() || checks.contains(name);
}

FindingSeverity QaProfile::severityFor(const QString &name, FindingSeverity fallback) const
{
    return severities.value(name, fallback);
}

Result<QaProfile> QaProfile::fromSettings(const Settings &settings, const QString &where)
{
    // The table has checked every value's form and range already.
    QaProfile p;
    const QStringList checks = settings.list(QStringLiteral("check/checks"));
    p.checks = checks.size() == 1 && checks.constFirst() == u"all" ? QStringList() : checks;
    const QStringList skip = settings.list(QStringLiteral("check/skip"));
    p.skip = QSet<QString>(skip.cbegin(), skip.cend());
    p.schemas = settings.text(QStringLiteral("check/schemas"));
    auto integer = [&](const char *key) { return int(settings.integer(u"check/" + QLatin1StringView(key))); };
    auto fraction = [&](const char *key) {
        return settings.text(u"check/" + QLatin1StringView(key)).toDouble();
    };
    p.sampleSize = integer("sample_size");
    p.darkPeak = integer("dark_peak");
    p.blankInkLevel = integer("blank_ink_level");
    p.blankMaxInk = fraction("blank_max_ink");
    p.borderLevel = integer("border_level");
    p.borderMaxFraction = fraction("border_max_fraction");
    p.ocrMinConfidence = fraction("ocr_min_confidence");
    p.minWidth = integer("min_width");
    p.maxWidth = integer("max_width");
    p.minHeight = integer("min_height");
    p.maxHeight = integer("max_height");
    p.jobs = integer("jobs");
    if ((p.maxWidth > 0 && p.minWidth > p.maxWidth) || (p.maxHeight > 0 && p.minHeight > p.maxHeight))
        return Error{
            ErrorCode::Invalid,
            tr("%1: check/min_width and min_height may not exceed max_width and max_height.").arg(where)};
    p.sidecars.clear();
    for (const QString &suffix : settings.list(QStringLiteral("check/sidecars")))
        p.sidecars.append(withDot(suffix));
    p.checksumSidecar = withDot(settings.text(QStringLiteral("check/checksum_sidecar")));
    for (const QString &pair : settings.list(QStringLiteral("check/severities"))) {
        const QString check = pair.section(u'=', 0, 0).trimmed();
        const QString value = pair.section(u'=', 1).trimmed();
        const auto severity = severityFromKey(value);
        if (check.isEmpty() || !severity)
            return Error{
                ErrorCode::Invalid,
                tr("%1: check/severities takes CHECK=error, CHECK=warning or CHECK=flag, not \"%2\".")
                    .arg(where, pair)};
        p.severities.insert(check, *severity);
    }
    return p;
}

Settings QaProfile::toSettings(Settings base) const
{
    QStringList severityList;
    for (auto it = severities.cbegin(); it != severities.cend(); ++it)
        severityList.append(it.key() + u'=' + severityKey(it.value()));
    severityList.sort();
    QStringList skipped(skip.cbegin(), skip.cend());
    skipped.sort();
    const std::pair<const char *, QString> values[] = {
        {"check/checks", checks.isEmpty() ? QStringLiteral("all") : checks.join(u',')},
        {"check/skip", skipped.join(u',')},
        {"check/schemas", schemas},
        {"check/sample_size", QString::number(sampleSize)},
        {"check/dark_peak", QString::number(darkPeak)},
        {"check/blank_ink_level", QString::number(blankInkLevel)},
        {"check/blank_max_ink", QString::number(blankMaxInk)},
        {"check/border_level", QString::number(borderLevel)},
        {"check/border_max_fraction", QString::number(borderMaxFraction)},
        {"check/ocr_min_confidence", QString::number(ocrMinConfidence)},
        {"check/min_width", QString::number(minWidth)},
        {"check/max_width", QString::number(maxWidth)},
        {"check/min_height", QString::number(minHeight)},
        {"check/max_height", QString::number(maxHeight)},
        {"check/sidecars", sidecars.join(u',')},
        {"check/checksum_sidecar", checksumSidecar},
        {"check/severities", severityList.join(u',')},
        {"check/jobs", QString::number(jobs)},
    };
    for (const auto &[key, value] : values) {
        // A profile holds what the table accepts (fromSettings() or an editor with the same bounds).
        if (Status s = base.setText(QString::fromLatin1(key), value); !s)
            qWarning("%s", qPrintable(s.error().message));
    }
    return base;
}

Result<QaProfile> QaProfile::fromFile(const QString &path, const Settings &base)
{
    if (!QFileInfo(path).isFile() || !QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The QA profile %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The QA profile %1 is not a valid INI file.").arg(path)};
    auto settings = Settings::read(ini, path, base);
    if (!settings)
        return settings.error();
    return fromSettings(*settings, path);
}

} // namespace gh
