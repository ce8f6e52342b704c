#include "progress.h"

#include <cmath>

namespace gh {

QString Progress::clockText(qint64 seconds)
{
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

ThroughputMeter::ThroughputMeter(qint64 windowMs)
    : m_windowMs(windowMs)
{
    m_clock.start();
}

void ThroughputMeter::sample(qint64 totalBytes)
{
    const qint64 now = m_clock.elapsed();
    m_samples.push_back({now, totalBytes});
    while (m_samples.size() > 2 && now - m_samples.front().ms > m_windowMs)
        m_samples.pop_front();
}

double ThroughputMeter::bytesPerSecond() const
{
    if (m_samples.size() < 2)
        return 0;
    const Sample &first = m_samples.front();
    const Sample &last = m_samples.back();
    const qint64 ms = last.ms - first.ms;
    return ms > 0 ? double(last.bytes - first.bytes) * 1000.0 / double(ms) : 0;
}

qint64 ThroughputMeter::etaSeconds(qint64 remainingBytes) const
{
    const double rate = bytesPerSecond();
    if (rate <= 0 || remainingBytes < 0)
        return -1;
    return qint64(std::ceil(double(remainingBytes) / rate));
}

} // namespace gh
