#include "mimesniff.h"

#include <QMimeDatabase>

namespace gh {

void MimeSniffer::add(const char *data, qint64 size)
{
    const qsizetype room = window - m_head.size();
    if (room <= 0 || size <= 0)
        return;
    m_head.append(data, qsizetype(std::min<qint64>(size, room)));
}

QString MimeSniffer::sniff(const QByteArray &head)
{
    // QMimeDatabase is thread-safe; constructing one is cheap (it shares a global database).
    return QMimeDatabase().mimeTypeForData(head.size() > window ? head.left(window) : head).name();
}

} // namespace gh
