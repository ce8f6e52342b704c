#include "nametemplate.h"

#include <QJsonArray>

namespace gh {

namespace {

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.';
}

QString numberText(double value)
{
    if (value == double(qint64(value)))
        return QString::number(qint64(value));
    return QString::number(value, 'g', 15);
}

//! Cuts \a text to \a n characters without splitting a surrogate pair.
QString cut(const QString &text, int n)
{
    if (n < 0 || text.size() <= n)
        return text;
    qsizetype end = n;
    if (end > 0 && text.at(end - 1).isHighSurrogate())
        --end;
    return text.left(end).trimmed();
}

} // namespace

QString TemplateFields::textOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString().trimmed();
    case QJsonValue::Double:
        return numberText(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &element : value.toArray()) {
            const QString text = textOf(element);
            if (!text.isEmpty())
                parts.append(text);
        }
        return parts.join(QStringLiteral("; "));
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        for (const char *key : {"name", "value", "title", "text"}) {
            const QString text = textOf(object.value(QLatin1String(key)));
            if (!text.isEmpty())
                return text;
        }
        return {};
    }
    default:
        return {};
    }
}

TemplateFields TemplateFields::forFile(qint64 batchId, const QString &batchName, const ItemRecord &item,
                                       const FileRecord &file, int page, int pages, const QString &uploadName)
{
    TemplateFields fields;
    fields.m_metadata = item.metadata;
    fields.m_page = std::max(1, page);
    fields.m_pages = std::max(fields.m_page, pages);
    const QString sent = (uploadName.isEmpty() ? file.name : uploadName).section(u'/', -1);
    const qsizetype dot = sent.lastIndexOf(u'.');
    const bool hasExt = dot > 0 && dot < sent.size() - 1;
    auto &v = fields.m_values;
    v.insert(QStringLiteral("filename"), sent);
    v.insert(QStringLiteral("stem"), hasExt ? sent.left(dot) : sent);
    v.insert(QStringLiteral("ext"), hasExt ? sent.mid(dot) : QString());
    v.insert(QStringLiteral("path"), file.name);
    v.insert(QStringLiteral("identifier"), item.identifier.isEmpty() ? file.item : item.identifier);
    v.insert(QStringLiteral("label"), item.label);
    v.insert(QStringLiteral("page"), QString::number(fields.m_page));
    v.insert(QStringLiteral("pages"), QString::number(fields.m_pages));
    v.insert(QStringLiteral("batch"), QString::number(batchId));
    v.insert(QStringLiteral("batch_name"), batchName);
    v.insert(QStringLiteral("file_id"), QString::number(file.id));
    v.insert(QStringLiteral("md5"), file.digests.md5);
    v.insert(QStringLiteral("sha1"), file.digests.sha1);
    v.insert(QStringLiteral("sha256"), file.digests.sha256);
    v.insert(QStringLiteral("source_url"), file.sourceUrl.isEmpty() ? file.terminalUrl : file.sourceUrl);
    // The store key names S3 objects and local copies by default; a derivative keeps the key with its own
    // extension.
    QString storedKey = file.storedKey;
    if (!uploadName.isEmpty() && !storedKey.isEmpty()) {
        const qsizetype keyDot = storedKey.lastIndexOf(u'.');
        const qsizetype keySlash = storedKey.lastIndexOf(u'/');
        if (keyDot > keySlash + 1)
            storedKey.truncate(keyDot);
        storedKey += v.value(QStringLiteral("ext"));
    }
    v.insert(QStringLiteral("stored_key"), storedKey);
    if (textOf(item.metadata.value(QStringLiteral("title"))).isEmpty())
        v.insert(QStringLiteral("title"),
                 !item.label.isEmpty() ? item.label : v.value(QStringLiteral("stem")));
    return fields;
}

QString TemplateFields::value(const QString &name, bool *known) const
{
    if (const auto it = m_values.constFind(name); it != m_values.cend()) {
        if (known)
            *known = true;
        return *it;
    }
    auto found = m_metadata.constFind(name);
    if (found == m_metadata.constEnd()) {
        // Spreadsheet columns keep their heading's case; a template written in lower case still finds them.
        for (auto it = m_metadata.constBegin(); it != m_metadata.constEnd(); ++it) {
            if (it.key().compare(name, Qt::CaseInsensitive) == 0) {
                found = it;
                break;
            }
        }
    }
    if (known)
        *known = found != m_metadata.constEnd();
    return found != m_metadata.constEnd() ? textOf(found.value()) : QString();
}

Result<NameTemplate> NameTemplate::parse(const QString &pattern)
{
    NameTemplate t;
    t.m_pattern = pattern;
    QString literal;
    auto flushLiteral = [&] {
        if (!literal.isEmpty())
            t.m_parts.append(Part{literal, {}, -1});
        literal.clear();
    };
    const qsizetype n = pattern.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = pattern.at(i);
        const bool single =
            c == u'{' && (i == 0 || pattern.at(i - 1) != u'{') && (i + 1 >= n || pattern.at(i + 1) != u'{');
        if (!single) {
            literal += c;
            continue;
        }
        qsizetype j = i + 1;
        while (j < n && isNameChar(pattern.at(j)))
            ++j;
        const QString name = pattern.mid(i + 1, j - i - 1);
        if (name.isEmpty() || j >= n) {
            literal += c;
            continue;
        }
        int maxLength = -1;
        if (pattern.at(j) == u':') {
            qsizetype k = j + 1;
            while (k < n && pattern.at(k).isDigit())
                ++k;
            // "{name:…}" with anything but digits: a wikitext construct such as {{int:filedesc}} never gets
            // here (double brace), so this is a mistyped length.
            const qsizetype close = pattern.indexOf(u'}', j);
            if (k == j + 1 || k >= n || pattern.at(k) != u'}') {
                if (close > j && !pattern.mid(j + 1, close - j - 1).contains(u'{') &&
                    !pattern.mid(j + 1, close - j - 1).contains(u'|')) {
                    return Error{ErrorCode::Usage,
                                 tr("The template \"%1\" has {%2}: the part after \":\" must be a "
                                    "number of characters, as in {%3:100}.")
                                     .arg(pattern, pattern.mid(i + 1, close - i - 1), name)};
                }
                literal += c;
                continue;
            }
            maxLength = pattern.mid(j + 1, k - j - 1).toInt();
            j = k;
        }
        if (pattern.at(j) != u'}') {
            literal += c;
            continue;
        }
        flushLiteral();
        t.m_parts.append(Part{{}, name, maxLength});
        i = j;
    }
    flushLiteral();
    return t;
}

bool NameTemplate::uses(const QString &field) const
{
    return std::any_of(m_parts.cbegin(), m_parts.cend(), [&](const Part &p) { return p.field == field; });
}

QStringList NameTemplate::fields() const
{
    QStringList names;
    for (const Part &p : m_parts) {
        if (!p.field.isEmpty() && !names.contains(p.field))
            names.append(p.field);
    }
    return names;
}

QString NameTemplate::expand(const TemplateFields &fields, Escape escape, QSet<QString> *unresolved) const
{
    QString text;
    for (const Part &p : m_parts) {
        if (p.field.isEmpty()) {
            text += p.literal;
            continue;
        }
        bool known = false;
        QString value = cut(fields.value(p.field, &known), p.maxLength);
        if (!known && unresolved)
            unresolved->insert(p.field);
        text += escape == Escape::Wikitext ? escapeWikitext(value) : value;
    }
    return text;
}

QString NameTemplate::escapeWikitext(const QString &text)
{
    QString out;
    out.reserve(text.size() + 16);
    bool lineStart = true;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const char16_t u = c.unicode();
        const bool markupAtLineStart = lineStart && (u == u'*' || u == u'#' || u == u':' || u == u';' ||
                                                     u == u'=' || u == u' ' || u == u'-');
        lineStart = u == u'\n';
        if (markupAtLineStart) {
            out += QStringLiteral("&#%1;").arg(int(u));
            continue;
        }
        switch (u) {
        case u'&':
            out += QStringLiteral("&amp;");
            break;
        case u'<':
            out += QStringLiteral("&lt;");
            break;
        case u'>':
            out += QStringLiteral("&gt;");
            break;
        case u'[':
        case u']':
        case u'{':
        case u'}':
        case u'|':
            out += QStringLiteral("&#%1;").arg(int(u));
            break;
        case u'~':
            // Three or more tildes become a signature.
            out += (i + 1 < text.size() && text.at(i + 1) == u'~') ? QStringLiteral("&#126;")
                                                                   : QStringLiteral("~");
            break;
        case u'\'':
            // Two apostrophes start italics or bold.
            out += (i + 1 < text.size() && text.at(i + 1) == u'\'') ? QStringLiteral("&#39;")
                                                                    : QStringLiteral("'");
            break;
        case u'_':
            // __NOTOC__ and friends.
            out += (i + 1 < text.size() && text.at(i + 1) == u'_') ? QStringLiteral("&#95;")
                                                                   : QStringLiteral("_");
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace gh
