#include "mediawikititle.h"

#include <QRegularExpression>

namespace gh {

namespace {

bool isInvisible(char32_t u)
{
    switch (QChar::category(u)) {
    case QChar::Other_Control:
    case QChar::Other_Format: // zero-width spaces and joiners, direction marks and embeddings, soft hyphen
    case QChar::Other_Surrogate:
    case QChar::Other_NotAssigned:
    case QChar::Other_PrivateUse:
        return u != u'\t' && u != u'\n' && u != u'\r';
    default:
        return false;
    }
}

bool isSpace(char32_t u)
{
    return u == u'_' || u == u'\t' || u == u'\n' || u == u'\r' || QChar::isSpace(u) ||
           QChar::category(u) == QChar::Separator_Space;
}

//! Cuts \a text to at most \a bytes of UTF-8, on a code point boundary.
QString cutToBytes(const QString &text, qsizetype bytes)
{
    if (bytes <= 0)
        return {};
    if (text.toUtf8().size() <= bytes)
        return text;
    qsizetype used = 0;
    qsizetype end = 0;
    for (qsizetype i = 0; i < text.size();) {
        const char32_t u = text.at(i).isHighSurrogate() && i + 1 < text.size()
                               ? QChar::surrogateToUcs4(text.at(i), text.at(i + 1))
                               : text.at(i).unicode();
        const int width = u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;
        if (used + width > bytes)
            break;
        used += width;
        i += u >= 0x10000 ? 2 : 1;
        end = i;
    }
    return text.left(end);
}

QString cleanCharacters(const QString &input, bool dropLeadingSpace = true)
{
    QString out;
    out.reserve(input.size());
    bool lastSpace = dropLeadingSpace;
    const QList<uint> codes = input.normalized(QString::NormalizationForm_C).toUcs4();
    for (const uint u : codes) {
        if (isInvisible(u))
            continue;
        if (isSpace(u)) {
            if (!lastSpace)
                out += u' ';
            lastSpace = true;
            continue;
        }
        lastSpace = false;
        switch (u) {
        case u':':
        case u'/':
        case u'\\':
        case u'#':
        case u'|':
            out += u'-';
            break;
        case u'<':
        case u'[':
        case u'{':
            out += u'(';
            break;
        case u'>':
        case u']':
        case u'}':
            out += u')';
            break;
        default:
            out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&u), 1);
        }
    }
    // Sequences MediaWiki refuses in titles: percent-encoded bytes, HTML entities, signatures.
    static const QRegularExpression percent(QStringLiteral("%([0-9A-Fa-f]{2})"));
    out.replace(percent, QStringLiteral("-\\1"));
    static const QRegularExpression entity(
        QStringLiteral("&([A-Za-z0-9\\x80-\\x{FFFF}]+|#[0-9]+|#x[0-9A-Fa-f]+);"));
    out.replace(entity, QStringLiteral("-\\1;"));
    static const QRegularExpression tildes(QStringLiteral("~{3,}"));
    out.replace(tildes, QStringLiteral("-"));
    return out;
}

QString upperFirst(const QString &text)
{
    if (text.isEmpty())
        return text;
    const qsizetype width = text.at(0).isHighSurrogate() && text.size() > 1 ? 2 : 1;
    const QString first = text.left(width);
    const QString upper = first.toUpper();
    // A letter whose capital is several letters (ß → SS) stays as it is, as MediaWiki's ucfirst keeps
    // the title's length.
    return (upper.size() == first.size() ? upper : first) + text.mid(width);
}

QString stripEnds(QString text)
{
    // Titles may not start with "." segments or spaces, nor end with a space.
    while (!text.isEmpty() && (text.front() == u'.' || text.front() == u' ' || text.front() == u'-'))
        text.remove(0, 1);
    while (!text.isEmpty() && text.back() == u' ')
        text.chop(1);
    return text;
}

} // namespace

QString MediaWikiTitle::sanitise(const QString &title, int limit, const QString &keepSuffix)
{
    // The suffix keeps its leading space: it follows the text.
    QString suffix = cleanCharacters(keepSuffix, false);
    QString text = cleanCharacters(title);
    if (!suffix.isEmpty() && text.endsWith(suffix))
        text.chop(suffix.size());
    else
        suffix.clear();
    text = stripEnds(text);
    const qsizetype room = limit - suffix.toUtf8().size();
    text = cutToBytes(text, std::max<qsizetype>(room, 0));
    while (!text.isEmpty() && (text.back() == u' ' || text.back() == u'-'))
        text.chop(1);
    if (text.isEmpty())
        return {}; // an extension alone is no name
    return upperFirst(text + suffix);
}

Result<QString> MediaWikiTitle::build(const NameTemplate &titleTemplate, const TemplateFields &fields)
{
    QString title = titleTemplate.expand(fields);
    const QString ext = fields.ext();
    const bool endsWithExt = !ext.isEmpty() && title.endsWith(ext, Qt::CaseInsensitive);
    QString base = endsWithExt ? title.chopped(ext.size()) : title;
    QString tail = endsWithExt ? title.right(ext.size()) : ext;
    const bool distinguishes =
        titleTemplate.uses(QStringLiteral("page")) || titleTemplate.uses(QStringLiteral("filename")) ||
        titleTemplate.uses(QStringLiteral("stem")) || titleTemplate.uses(QStringLiteral("path")) ||
        titleTemplate.uses(QStringLiteral("file_id"));
    QString suffix = tail;
    if (fields.pages() > 1 && !distinguishes)
        // Not translated: a title must not change with the curator's language between runs.
        suffix = QStringLiteral(" (page %1)").arg(fields.page()) + tail;
    const QString sanitised = sanitise(base.trimmed() + suffix, maxBytes, suffix);
    if (sanitised.isEmpty()) {
        return Error{ErrorCode::Invalid,
                     tr("The title template \"%1\" gives no usable name for %2.")
                         .arg(titleTemplate.pattern(), fields.value(QStringLiteral("path")))};
    }
    return sanitised;
}

} // namespace gh
