#pragma once

#include <QStringView>

namespace gh {

/*!
    Compares names the way a curator reads them: runs of digits by number ("page2" < "page10"), other text by
    Unicode code point, case-sensitively after a case-insensitive pass. Independent of the locale, so item
   order is the same on every workstation.
*/
int naturalCompare(QStringView a, QStringView b);

inline bool naturalLess(QStringView a, QStringView b)
{
    return naturalCompare(a, b) < 0;
}

} // namespace gh
