#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

// A strict RFC 4180 reader for the tests: fields separated by commas, records by CRLF, quoted fields with
// doubled quotes. Anything else (a bare LF ending a record, a quote inside an unquoted field, text after a
// closing quote) is an error, so an export that a spreadsheet would misread fails the test.
namespace gh::test {

struct CsvTable
{
    QList<QStringList> rows;
    QString error;
};

inline CsvTable readCsv(const QByteArray &bytes)
{
    CsvTable table;
    const QString text = QString::fromUtf8(bytes);
    QStringList row;
    QString field;
    qsizetype i = 0;
    bool quoted = false;
    bool afterQuote = false;
    bool fieldStarted = false;
    auto fail = [&](const QString &why) {
        table.error = QStringLiteral("record %1: %2").arg(table.rows.size() + 1).arg(why);
    };
    while (i < text.size()) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text[i + 1] == u'"') {
                    field += u'"';
                    i += 2;
                    continue;
                }
                quoted = false;
                afterQuote = true;
            } else {
                field += c;
            }
            ++i;
            continue;
        }
        if (c == u',') {
            row.append(field);
            field.clear();
            afterQuote = false;
            fieldStarted = false;
        } else if (c == u'\r') {
            if (i + 1 >= text.size() || text[i + 1] != u'\n') {
                fail(QStringLiteral("CR without LF"));
                return table;
            }
            row.append(field);
            table.rows.append(row);
            row.clear();
            field.clear();
            afterQuote = false;
            fieldStarted = false;
            ++i;
        } else if (c == u'\n') {
            fail(QStringLiteral("bare LF"));
            return table;
        } else if (c == u'"') {
            if (fieldStarted || afterQuote) {
                fail(QStringLiteral("quote inside an unquoted field"));
                return table;
            }
            quoted = true;
            fieldStarted = true;
        } else {
            if (afterQuote) {
                fail(QStringLiteral("text after a closing quote"));
                return table;
            }
            field += c;
            fieldStarted = true;
        }
        ++i;
    }
    if (quoted)
        fail(QStringLiteral("unterminated quote"));
    else if (!row.isEmpty() || !field.isEmpty())
        fail(QStringLiteral("last record does not end with CRLF"));
    return table;
}

} // namespace gh::test
