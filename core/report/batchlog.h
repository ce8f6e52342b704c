#pragma once

#include <QFile>
#include <QString>

namespace gh {

/*!
    \class gh::BatchLog
    The batch's log file: one time-stamped line per event worth a curator's attention, appended and flushed
    line by line so a crash loses nothing already written.
*/
class BatchLog
{
public:
    BatchLog() = default;
    explicit BatchLog(const QString &path);
    bool isOpen() const { return m_file.isOpen(); }
    QString path() const { return m_file.fileName(); }
    //! Appends "2026-11-22T15:18:03Z <line>" and returns the formatted line.
    QString append(const QString &line);

private:
    QFile m_file;
};

} // namespace gh
