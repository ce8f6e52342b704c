#include "mimesniff.h"

#include <QMimeDatabase>

namespace gh {

void MimeSniffer::add(const char *data, qint64 size)
{
    if (m_complete || size <= 0)
        return;
    if (m_head.isEmpty() && size >= window) {
        m_mimetype = sniff(QByteArray::fromRawData(data, window));
        m_complete = true;
        return;
    }
    m_head.append(data, qsizetype(std::min<qint64>(size, window - m_head.size())));
    if (m_head.size() == window) {
        m_mimetype = sniff(m_head);
        m_head = QByteArray();
        m_complete = true;
    }
}

void MimeSniffer::clear()
{
    m_head = QByteArray();
    m_mimetype.clear();
    m_complete = false;
}

QString MimeSniffer::sniff(const QByteArray &head)
{
    // QMimeDatabase is thread-safe; constructing one is cheap (it shares a global database).
    return QMimeDatabase().mimeTypeForData(head.size() > window ? head.left(window) : head).name();
}

} // namespace gh
