#include "qaprofile.h"

#include <QFileInfo>
#include <QSettings>

namespace gh {

namespace {

const QString s_group = QStringLiteral("check/");
const QString s_severityPrefix = QStringLiteral("severity.");

QStringList splitList(const QVariant &value)
{
    // QSettings gives a list for an unquoted value with commas, a string otherwise.
    QStringList raw =
        value.typeId() == QMetaType::QStringList ? value.toStringList() : value.toString().split(u',');
    QStringList result;
    for (const QString &part : raw) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            result.append(trimmed);
    }
    return result;
}

QString joinedValue(const QVariant &value)
{
    return splitList(value).join(u',');
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

Result<QaProfile> QaProfile::read(const QSettings &settings, const QString &where, QaProfile defaults)
{
    QaProfile p = std::move(defaults);
    QString problem;
    auto integer = [&](const char *key, int &into, int minimum, int maximum) {
        const QString full = s_group + QLatin1StringView(key);
        if (!problem.isEmpty() || !settings.contains(full))
            return;
        bool ok = false;
        const qint64 value = settings.value(full).toString().trimmed().toLongLong(&ok);
        if (!ok || value < minimum || value > maximum) {
            problem = tr("%1: check/%2 must be a whole number from %3 to %4, not \"%5\".")
                          .arg(where, QLatin1StringView(key))
                          .arg(minimum)
                          .arg(maximum)
                          .arg(settings.value(full).toString());
            return;
        }
        into = int(value);
    };
    auto fraction = [&](const char *key, double &into) {
        const QString full = s_group + QLatin1StringView(key);
        if (!problem.isEmpty() || !settings.contains(full))
            return;
        bool ok = false;
        const double value = settings.value(full).toString().trimmed().toDouble(&ok);
        if (!ok || value < 0 || value > 1) {
            problem = tr("%1: check/%2 must be a number from 0 to 1, not \"%3\".")
                          .arg(where, QLatin1StringView(key), settings.value(full).toString());
            return;
        }
        into = value;
    };
    integer("sample_size", p.sampleSize, 16, 8192);
    integer("dark_peak", p.darkPeak, 0, 256);
    integer("blank_ink_level", p.blankInkLevel, 1, 256);
    fraction("blank_max_ink", p.blankMaxInk);
    integer("border_level", p.borderLevel, 0, 255);
    fraction("border_max_fraction", p.borderMaxFraction);
    fraction("ocr_min_confidence", p.ocrMinConfidence);
    integer("min_width", p.minWidth, 0, 1 << 30);
    integer("max_width", p.maxWidth, 0, 1 << 30);
    integer("min_height", p.minHeight, 0, 1 << 30);
    integer("max_height", p.maxHeight, 0, 1 << 30);
    integer("jobs", p.jobs, 0, 256);
    if (!problem.isEmpty())
        return Error{ErrorCode::Invalid, problem};
    if ((p.maxWidth > 0 && p.minWidth > p.maxWidth) || (p.maxHeight > 0 && p.minHeight > p.maxHeight))
        return Error{
            ErrorCode::Invalid,
            tr("%1: check/min_width and min_height may not exceed max_width and max_height.").arg(where)};

    if (settings.contains(s_group + u"checks")) {
        const QStringList names = splitList(settings.value(s_group + u"checks"));
        p.checks = names.size() == 1 && names.constFirst() == u"all" ? QStringList() : names;
    }
    if (settings.contains(s_group + u"skip")) {
        const QStringList names = splitList(settings.value(s_group + u"skip"));
        p.skip = QSet<QString>(names.cbegin(), names.cend());
    }
    if (settings.contains(s_group + u"schemas"))
        p.schemas = settings.value(s_group + u"schemas").toString().trimmed();
    if (settings.contains(s_group + u"sidecars")) {
        p.sidecars = splitList(settings.value(s_group + u"sidecars"));
        for (QString &suffix : p.sidecars) {
            if (!suffix.startsWith(u'.'))
                suffix.prepend(u'.');
        }
    }
    if (settings.contains(s_group + u"checksum_sidecar")) {
        p.checksumSidecar = joinedValue(settings.value(s_group + u"checksum_sidecar"));
        if (!p.checksumSidecar.isEmpty() && !p.checksumSidecar.startsWith(u'.'))
            p.checksumSidecar.prepend(u'.');
    }
    for (const QString &key : settings.allKeys()) {
        if (!key.startsWith(s_group + s_severityPrefix))
            continue;
        const QString check = key.mid(s_group.size() + s_severityPrefix.size());
        const QString value = settings.value(key).toString().trimmed();
        const auto severity = severityFromKey(value);
        if (!severity) {
            return Error{ErrorCode::Invalid,
                         tr("%1: %2 must be error, warning or flag, not \"%3\".").arg(where, key, value)};
        }
        p.severities.insert(check, *severity);
    }
    return p;
}

Result<QaProfile> QaProfile::read(const QSettings &settings, const QString &where)
{
    return read(settings, where, QaProfile());
}

Result<QaProfile> QaProfile::fromFile(const QString &path)
{
    return fromFile(path, QaProfile());
}

Result<QaProfile> QaProfile::fromFile(const QString &path, QaProfile defaults)
{
    if (!QFileInfo(path).isFile() || !QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The QA profile %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error{ErrorCode::Invalid, tr("The QA profile %1 is not a valid INI file.").arg(path)};
    return read(ini, path, std::move(defaults));
}

void QaProfile::write(QSettings &settings) const
{
    settings.setValue(s_group + u"checks", checks.isEmpty() ? QStringLiteral("all") : checks.join(u','));
    settings.setValue(s_group + u"skip", QStringList(skip.cbegin(), skip.cend()).join(u','));
    settings.setValue(s_group + u"schemas", schemas);
    settings.setValue(s_group + u"sample_size", sampleSize);
    settings.setValue(s_group + u"dark_peak", darkPeak);
    settings.setValue(s_group + u"blank_ink_level", blankInkLevel);
    settings.setValue(s_group + u"blank_max_ink", blankMaxInk);
    settings.setValue(s_group + u"border_level", borderLevel);
    settings.setValue(s_group + u"border_max_fraction", borderMaxFraction);
    settings.setValue(s_group + u"ocr_min_confidence", ocrMinConfidence);
    settings.setValue(s_group + u"min_width", minWidth);
    settings.setValue(s_group + u"max_width", maxWidth);
    settings.setValue(s_group + u"min_height", minHeight);
    settings.setValue(s_group + u"max_height", maxHeight);
    settings.setValue(s_group + u"sidecars", sidecars.join(u','));
    settings.setValue(s_group + u"checksum_sidecar", checksumSidecar);
    settings.setValue(s_group + u"jobs", jobs);
    for (const QString &key : settings.allKeys()) {
        if (key.startsWith(s_group + s_severityPrefix))
            settings.remove(key);
    }
    for (auto it = severities.cbegin(); it != severities.cend(); ++it)
        settings.setValue(s_group + s_severityPrefix + it.key(), severityKey(it.value()));
}

} // namespace gh
