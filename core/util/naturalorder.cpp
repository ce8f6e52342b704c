#include "naturalorder.h"

namespace gh {

namespace {

int compareRuns(QStringView a, QStringView b, Qt::CaseSensitivity cs)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        const bool digitA = a[i].isDigit();
        const bool digitB = b[j].isDigit();
        if (digitA && digitB) {
            // Compare digit runs by value: skip leading zeros, then the longer run is larger, then digit by
            // digit.
            qsizetype startA = i;
            qsizetype startB = j;
            while (startA < a.size() && a[startA] == u'0')
                ++startA;
            while (startB < b.size() && b[startB] == u'0')
                ++startB;
            qsizetype endA = startA;
            qsizetype endB = startB;
            while (endA < a.size() && a[endA].isDigit())
                ++endA;
            while (endB < b.size() && b[endB].isDigit())
                ++endB;
            if (endA - startA != endB - startB)
                return endA - startA < endB - startB ? -1 : 1;
            if (const int c = a.mid(startA, endA - startA).compare(b.mid(startB, endB - startB)); c != 0)
                return c;
            i = endA;
            j = endB;
            continue;
        }
        const QChar ca = cs == Qt::CaseInsensitive ? a[i].toCaseFolded() : a[i];
        const QChar cb = cs == Qt::CaseInsensitive ? b[j].toCaseFolded() : b[j];
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size())
        return 1;
    if (j < b.size())
        return -1;
    return 0;
}

} // namespace

int naturalCompare(QStringView a, QStringView b)
{
    if (const int c = compareRuns(a, b, Qt::CaseInsensitive); c != 0)
        return c;
    if (const int c = compareRuns(a, b, Qt::CaseSensitive); c != 0)
        return c;
    // Equal by value but different text ("p01" and "p1"): order by the text so sorting is total.
    return a.compare(b);
}

} // namespace gh
