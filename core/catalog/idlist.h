#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace gh {

//! "1,2,3" for an IN (…) list of ids read from the catalog: numbers only, so they go into a statement as
//! they are (no bind values, whatever the list's length).
inline QString sqlIdList(const QList<qint64> &ids)
{
    QStringList parts;
    parts.reserve(ids.size());
    for (qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(u',');
}

} // namespace gh
