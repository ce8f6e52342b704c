#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace gh {

/*!
    \class gh::SourceHighlighter
    Colours the text files of an item as the preview shows them: XML (MIX, MODS, ALTO, METS: tags,
    attributes, values, comments, processing instructions) and JSON (keys, strings, numbers, literals). The
    colours are picked for the palette they are drawn on, so they read on light and dark themes alike.
*/
class SourceHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    enum class Language
    {
        Plain,
        Xml,
        Json
    };

    SourceHighlighter(QTextDocument *document, const QPalette &palette);

    void setLanguage(Language language);
    Language language() const { return m_language; }
    //! Which language a file is, from its mimetype and name.
    static Language languageFor(const QString &mimetype, const QString &name);

protected:
    void highlightBlock(const QString &text) override;

private:
    void highlightXml(const QString &text);
    void highlightJson(const QString &text);

    Language m_language = Language::Plain;
    QTextCharFormat m_tag;
    QTextCharFormat m_attribute;
    QTextCharFormat m_value;
    QTextCharFormat m_comment;
    QTextCharFormat m_number;
    QTextCharFormat m_literal;
};

} // namespace gh
