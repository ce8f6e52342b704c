#include "storekey.h"

#include <QRegularExpression>

namespace gh {

Status StoreKey::validate(const QString &key)
{
    auto unsafe = [&](const QString &why) {
        return Error{ErrorCode::UnsafePath, tr("The storage key \"%1\" is unsafe: %2.").arg(key, why)};
    };
    if (key.isEmpty())
        return unsafe(tr("it is empty"));
    if (key.startsWith(u'/'))
        return unsafe(tr("it is an absolute path"));
    if (key.contains(u'\\'))
        return unsafe(tr("it contains a backslash"));
    for (QChar c : key) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return unsafe(tr("it contains a control character"));
    }
    const QStringList segments = key.split(u'/');
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return unsafe(tr("it contains an empty path segment"));
        if (segment == u"." || segment == u"..")
            return unsafe(tr("it contains a \"%1\" segment").arg(segment));
        if (segment.toUtf8().size() > 255)
            return unsafe(tr("a segment is longer than 255 bytes"));
    }
    if (segments.constFirst().startsWith(u'.'))
        return unsafe(tr("its first segment is hidden (reserved for the store's own files)"));
    return {};
}

Result<QString> StoreKey::expand(const QString &pattern, const QHash<QString, QString> &variables)
{
    // {name} or {name:offset:length}
    static const QRegularExpression variable(QStringLiteral("\\{([a-z_][a-z0-9_]*)(?::(\\d+):(\\d+))?\\}"));
    QString result;
    // Text between variables is copied as is, but a brace there is a malformed variable: refuse it rather
    // than let a typo become a literal folder name.
    auto appendLiteral = [&](qsizetype from, qsizetype to) -> Status {
        const QStringView literal = QStringView(pattern).mid(from, to - from);
        if (literal.contains(u'{') || literal.contains(u'}')) {
            return Error{ErrorCode::Usage,
                         tr("The key template \"%1\" has a malformed variable.").arg(pattern)};
        }
        result += literal;
        return {};
    };
    qsizetype last = 0;
    for (auto it = variable.globalMatch(pattern); it.hasNext();) {
        const auto m = it.next();
        if (Status s = appendLiteral(last, m.capturedStart()); !s)
            return s.error();
        last = m.capturedEnd();
        const QString name = m.captured(1);
        const auto value = variables.constFind(name);
        if (value == variables.cend()) {
            return Error{
                ErrorCode::Usage,
                tr("The key template \"%1\" uses {%2}, which is not known here.").arg(pattern, name)};
        }
        QString text = *value;
        if (m.hasCaptured(2))
            text = text.mid(m.captured(2).toInt(), m.captured(3).toInt());
        const bool multiSegment = name == u"item" || name == u"path";
        if (!multiSegment)
            text.replace(u'/', u'_');
        result += text;
    }
    if (Status s = appendLiteral(last, pattern.size()); !s)
        return s.error();
    if (Status s = validate(result); !s)
        return s.error();
    return result;
}

} // namespace gh
