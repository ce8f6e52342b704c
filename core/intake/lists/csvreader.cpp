#include "csvreader.h"

#include <QStringDecoder>

namespace gh {

namespace {

constexpr qint64 s_readSize = 256 * 1024;

} // namespace

CsvReader::CsvReader(QIODevice &device, QString name, QChar delimiter)
    : m_device(device)
    , m_name(std::move(name))
    , m_delimiter(delimiter)
{}

QChar CsvReader::detectDelimiter(const QString &headerLine)
{
    // The character that splits the header into the most fields, outside quotes.
    QChar best = u',';
    qsizetype bestCount = 0;
    for (QChar candidate : {QChar(u','), QChar(u'\t'), QChar(u';')}) {
        qsizetype count = 0;
        bool quoted = false;
        for (QChar c : headerLine) {
            if (c == u'"')
                quoted = !quoted;
            else if (!quoted && c == candidate)
                ++count;
        }
        if (count > bestCount) {
            best = candidate;
            bestCount = count;
        }
    }
    return best;
}

bool CsvReader::fill()
{
    if (m_atEnd)
        return false;
    const QByteArray bytes = m_device.read(s_readSize);
    if (bytes.isEmpty()) {
        m_atEnd = true;
        return false;
    }
    if (m_position > 0) {
        m_buffer.remove(0, m_position);
        m_position = 0;
    }
    // Stateful: a character split between two reads is decoded whole.
    QString text = m_decoder(bytes);
    if (!m_started) {
        m_started = true;
        if (text.startsWith(u'\uFEFF'))
            text.remove(0, 1);
        if (m_delimiter.isNull())
            m_delimiter = detectDelimiter(text.section(u'\n', 0, 0));
    }
    m_buffer += text;
    return true;
}

Result<std::optional<QStringList>> CsvReader::next()
{
    using Record = std::optional<QStringList>;
    if (m_position >= m_buffer.size() && !fill())
        return Record();

    QStringList fields;
    QString field;
    bool quoted = false;
    bool wasQuoted = false;
    m_recordLine = m_line;
    const qint64 quoteLine = m_line;
    for (;;) {
        if (m_position >= m_buffer.size()) {
            if (!fill()) {
                if (quoted) {
                    return Error{
                        ErrorCode::Invalid,
                        tr("%1 line %2: a quoted field is never closed.").arg(m_name).arg(quoteLine)};
                }
                fields.append(field);
                return Record(fields);
            }
        }
        const QChar c = m_buffer.at(m_position++);
        if (quoted) {
            if (c == u'"') {
                if (m_position >= m_buffer.size())
                    fill();
                if (m_position < m_buffer.size() && m_buffer.at(m_position) == u'"') {
                    field += u'"';
                    ++m_position;
                } else {
                    quoted = false;
                }
            } else {
                if (c == u'\n')
                    ++m_line;
                field += c;
            }
            continue;
        }
        if (c == u'"' && field.isEmpty() && !wasQuoted) {
            quoted = true;
            wasQuoted = true;
        } else if (c == m_delimiter) {
            fields.append(field);
            field.clear();
            wasQuoted = false;
        } else if (c == u'\n') {
            ++m_line;
            if (field.endsWith(u'\r') && !wasQuoted)
                field.chop(1);
            fields.append(field);
            return Record(fields);
        } else if (c == u'\r' && wasQuoted) {
            // CR after a closing quote, before LF: part of the line ending.
        } else {
            field += c;
        }
    }
}

} // namespace gh
