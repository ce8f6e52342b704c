#include "finding.h"

#include <algorithm>
#include <climits>
#include <numeric>

#include <QStringList>

namespace gh {

QString severityKey(FindingSeverity severity)
{
    switch (severity) {
    case FindingSeverity::Flag:
        return QStringLiteral("flag");
    case FindingSeverity::Warning:
        return QStringLiteral("warning");
    case FindingSeverity::Error:
        break;
    }
    return QStringLiteral("error");
}

std::optional<FindingSeverity> severityFromKey(QStringView key)
{
    for (FindingSeverity s : {FindingSeverity::Flag, FindingSeverity::Warning, FindingSeverity::Error}) {
        if (key.compare(severityKey(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

QString severityText(FindingSeverity severity)
{
    switch (severity) {
    case FindingSeverity::Flag:
        return QCoreApplication::translate("gh::FindingSeverity", "flag");
    case FindingSeverity::Warning:
        return QCoreApplication::translate("gh::FindingSeverity", "warning");
    case FindingSeverity::Error:
        break;
    }
    return QCoreApplication::translate("gh::FindingSeverity", "error");
}

QString findingCountsText(qint64 errors, qint64 warnings, qint64 flags)
{
    // Only what there is: "3 warnings", not "0 errors, 3 warnings, 0 flags".
    const auto n = [](qint64 count) { return int(std::min<qint64>(count, INT_MAX)); };
    QStringList parts;
    if (errors > 0)
        parts.append(QCoreApplication::translate("gh::FindingSeverity", "%n error(s)", nullptr, n(errors)));
    if (warnings > 0)
        parts.append(
            QCoreApplication::translate("gh::FindingSeverity", "%n warning(s)", nullptr, n(warnings)));
    if (flags > 0)
        parts.append(QCoreApplication::translate("gh::FindingSeverity", "%n flag(s)", nullptr, n(flags)));
    if (parts.isEmpty())
        return QCoreApplication::translate("gh::FindingSeverity", "no findings");
    return parts.join(QStringLiteral(", "));
}

std::optional<FindingSeverity> worstSeverity(const QList<FindingRecord> &findings)
{
    std::optional<FindingSeverity> worst;
    for (const FindingRecord &f : findings) {
        if (!worst || f.severity > *worst)
            worst = f.severity;
    }
    return worst;
}

quint64 ImageStatistics::pixelCount() const
{
    return std::accumulate(histogram.cbegin(), histogram.cend(), quint64(0));
}

int ImageStatistics::peak() const
{
    if (pixelCount() == 0)
        return -1;
    constexpr int reach = 4;
    int best = 0;
    quint64 bestCount = 0;
    for (int centre = 0; centre < 256; ++centre) {
        quint64 count = 0;
        for (int v = std::max(0, centre - reach); v <= std::min(255, centre + reach); ++v)
            count += histogram[size_t(v)];
        if (count > bestCount) {
            bestCount = count;
            best = centre;
        }
    }
    // The most common value inside the winning window.
    int mode = std::max(0, best - reach);
    for (int v = mode; v <= std::min(255, best + reach); ++v) {
        if (histogram[size_t(v)] > histogram[size_t(mode)])
            mode = v;
    }
    return mode;
}

double ImageStatistics::mean() const
{
    const quint64 total = pixelCount();
    if (total == 0)
        return -1;
    double sum = 0;
    for (int v = 0; v < 256; ++v)
        sum += double(v) * histogram[size_t(v)];
    return sum / double(total);
}

double ImageStatistics::fractionAtOrBelow(int level) const
{
    const quint64 total = pixelCount();
    if (total == 0 || level < 0)
        return 0;
    const int last = std::min(level, 255);
    quint64 count = 0;
    for (int v = 0; v <= last; ++v)
        count += histogram[size_t(v)];
    return double(count) / double(total);
}

QString ImageStatistics::histogramText() const
{
    QString text;
    text.reserve(256 * 4);
    for (size_t v = 0; v < histogram.size(); ++v) {
        if (v > 0)
            text += u',';
        text += QString::number(histogram[v]);
    }
    return text;
}

bool ImageStatistics::setHistogramText(QStringView text)
{
    std::array<quint32, 256> counts{};
    size_t index = 0;
    for (QStringView part : text.split(u',')) {
        bool ok = false;
        const quint32 value = part.trimmed().toUInt(&ok);
        if (!ok || index >= counts.size())
            return false;
        counts[index++] = value;
    }
    if (index != counts.size())
        return false;
    histogram = counts;
    return true;
}

} // namespace gh
