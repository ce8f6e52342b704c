#pragma once

#include <optional>

#include <QCoreApplication>
#include <QIODevice>
#include <QStringDecoder>
#include <QStringList>

#include "util/result.h"

namespace gh {

/*!
    \class gh::CsvReader
    Reads CSV (RFC 4180) and TSV records from a stream, one record at a time, so a million-row spreadsheet
    never sits in memory: quoted fields with doubled quotes, line breaks inside quotes, CRLF or LF, a UTF-8
    byte-order mark. The delimiter is detected from the header line (comma, tab or semicolon) unless given.
*/
class CsvReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::CsvReader)

public:
    CsvReader(QIODevice &device, QString name, QChar delimiter = QChar());

    //! The next record, an empty optional at the end, or an error naming the file and line.
    Result<std::optional<QStringList>> next();
    //! The line the last record started on (1-based).
    qint64 recordLine() const { return m_recordLine; }
    QChar delimiter() const { return m_delimiter; }

    //! The delimiter a header line most likely uses.
    static QChar detectDelimiter(const QString &headerLine);

private:
    bool fill();

    QIODevice &m_device;
    QString m_name;
    QChar m_delimiter;
    QStringDecoder m_decoder{QStringDecoder::Utf8};
    QString m_buffer;
    qsizetype m_position = 0;
    qint64 m_line = 1;
    qint64 m_recordLine = 0;
    bool m_atEnd = false;
    bool m_started = false;
};

} // namespace gh
