#include "sourcehighlighter.h"

#include <QFileInfo>
#include <QPalette>

namespace gh {

namespace {

enum BlockState
{
    Normal = 0,
    InComment = 1
};

QTextCharFormat charFormat(const QColor &colour, bool bold = false, bool italic = false)
{
    QTextCharFormat f;
    f.setForeground(colour);
    if (bold)
        f.setFontWeight(QFont::DemiBold);
    f.setFontItalic(italic);
    return f;
}

} // namespace

SourceHighlighter::SourceHighlighter(QTextDocument *document, const QPalette &palette)
    : QSyntaxHighlighter(document)
{
    // Two sets of hues, chosen by the lightness of the background they are drawn on.
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    m_tag = charFormat(dark ? QColor(0x7c, 0xb7, 0xff) : QColor(0x1d, 0x4e, 0x89), true);
    m_attribute = charFormat(dark ? QColor(0xe0, 0xb0, 0x6c) : QColor(0x8a, 0x4b, 0x08));
    m_value = charFormat(dark ? QColor(0x9f, 0xd6, 0x8a) : QColor(0x21, 0x73, 0x2d));
    m_comment = charFormat(dark ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x6a, 0x6a, 0x6a), false, true);
    m_number = charFormat(dark ? QColor(0xd4, 0x9c, 0xf5) : QColor(0x7b, 0x2c, 0x9e));
    m_literal = charFormat(dark ? QColor(0xf0, 0x8a, 0x8a) : QColor(0xa1, 0x26, 0x26), true);
}

void SourceHighlighter::setLanguage(Language language)
{
    if (language == m_language)
        return;
    m_language = language;
    rehighlight();
}

SourceHighlighter::Language SourceHighlighter::languageFor(const QString &mimetype, const QString &name)
{
    const QString suffix = QFileInfo(name).suffix().toLower();
    if (mimetype.contains(u"xml") || suffix == u"xml" || suffix == u"xsd" || suffix == u"rdf")
        return Language::Xml;
    if (mimetype.contains(u"json") || suffix == u"json" || suffix == u"jsonl" || suffix == u"jsonld")
        return Language::Json;
    return Language::Plain;
}

void SourceHighlighter::highlightBlock(const QString &text)
{
    switch (m_language) {
    case Language::Xml:
        highlightXml(text);
        break;
    case Language::Json:
        highlightJson(text);
        break;
    case Language::Plain:
        break;
    }
}

void SourceHighlighter::highlightXml(const QString &text)
{
    static const QRegularExpression tag(QStringLiteral(R"(</?[A-Za-z_][\w.:-]*|/?>|<\?[\w:-]*|\?>)"));
    static const QRegularExpression attribute(QStringLiteral(R"(([\w.:-]+)\s*=\s*("[^"]*"|'[^']*'))"));

    // Comments may span lines; the block state carries an open one to the next line.
    qsizetype from = 0;
    QList<std::pair<qsizetype, qsizetype>> comments;
    if (previousBlockState() == InComment) {
        const qsizetype end = text.indexOf(QStringLiteral("-->"));
        const qsizetype length = end < 0 ? text.size() : end + 3;
        comments.append({0, length});
        from = length;
        setCurrentBlockState(end < 0 ? InComment : Normal);
    } else {
        setCurrentBlockState(Normal);
    }
    while (from < text.size()) {
        const qsizetype start = text.indexOf(QStringLiteral("<!--"), from);
        if (start < 0)
            break;
        const qsizetype end = text.indexOf(QStringLiteral("-->"), start + 4);
        const qsizetype length = end < 0 ? text.size() - start : end + 3 - start;
        comments.append({start, length});
        if (end < 0)
            setCurrentBlockState(InComment);
        from = start + length;
    }
    auto inComment = [&](qsizetype at) {
        for (const auto &[start, length] : std::as_const(comments)) {
            if (at >= start && at < start + length)
                return true;
        }
        return false;
    };

    for (auto it = tag.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        if (!inComment(m.capturedStart()))
            setFormat(int(m.capturedStart()), int(m.capturedLength()), m_tag);
    }
    for (auto it = attribute.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        if (inComment(m.capturedStart()))
            continue;
        setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), m_attribute);
        setFormat(int(m.capturedStart(2)), int(m.capturedLength(2)), m_value);
    }
    for (const auto &[start, length] : std::as_const(comments))
        setFormat(int(start), int(length), m_comment);
}

void SourceHighlighter::highlightJson(const QString &text)
{
    static const QRegularExpression token(QStringLiteral(
        R"(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|\b(true|false|null)\b)"));
    for (auto it = token.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        if (m.capturedLength(1) > 0)
            setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)),
                      m.capturedLength(2) > 0 ? m_attribute : m_value);
        else if (m.capturedLength(3) > 0)
            setFormat(int(m.capturedStart(3)), int(m.capturedLength(3)), m_number);
        else
            setFormat(int(m.capturedStart(4)), int(m.capturedLength(4)), m_literal);
    }
}

} // namespace gh
