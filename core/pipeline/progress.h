#pragma once

#include <deque>

#include <QElapsedTimer>
#include <QList>
#include <QMetaType>

#include "model/stage.h"
#include "net/transferactivity.h"

namespace gh {

/*!
    \class gh::Progress
    A snapshot of a running stage, as the progress area and the CLI show it.
*/
struct Progress
{
    qint64 batchId = 0;
    Stage stage = Stage::Fetch;
    qint64 filesDone = 0;
    qint64 filesTotal = 0;
    qint64 filesFailed = 0;
    qint64 bytesDone = 0;
    qint64 bytesTotal = -1; //!< -1 while unknown (remote sizes arrive with the headers).
    double bytesPerSecond = 0;
    qint64 etaSeconds = -1;            //!< -1 while unknown.
    QList<TransferActivity> transfers; //!< Downloads running now.

    //! A time left as a clock shows it: "4:05", "1:02:03".
    static QString clockText(qint64 seconds);
};

/*!
    \class gh::ThroughputMeter
    Bytes per second over a sliding window, so the rate and ETA follow what is happening now rather than the
    average since the start.
*/
class ThroughputMeter
{
public:
    explicit ThroughputMeter(qint64 windowMs = 5000);
    void sample(qint64 totalBytes);
    double bytesPerSecond() const;
    qint64 etaSeconds(qint64 remainingBytes) const;

private:
    struct Sample
    {
        qint64 ms;
        qint64 bytes;
    };
    QElapsedTimer m_clock;
    qint64 m_windowMs;
    std::deque<Sample> m_samples;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::Progress)
