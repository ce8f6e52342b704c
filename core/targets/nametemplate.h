#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::TemplateFields
    What a title, key or page template can say about one file: the binding placeholders \c {filename},
    \c {stem}, \c {ext} (with its dot), \c {identifier} and \c {label} of the item, \c {page} (the file's
    position in its item, from 1), \c {pages}, \c {batch} (the batch id) and \c {batch_name}, the file's
    \c {path}, \c {stored_key}, \c {md5}, \c {sha1}, \c {sha256}, \c {source_url} and \c {file_id}, and every
   descriptive field of the item by name (\c {title}, \c {creators}, \c {date}, …).

    Descriptive values that are lists are joined with "; "; objects in a list give their \c name, \c value or
    \c title. \c {title} falls back to the item's label, then to the file's stem, so the default title never
    starts with an empty field. The item's own identifier and label win over descriptive fields of the same
    name.
*/
class TemplateFields
{
public:
    TemplateFields() = default;

    /*!
        The fields of \a file, the \a page -th of \a pages files of \a item in \a batch. \a uploadName is the
        name of what is actually sent (a derivative's "page.jpg" for a stored "page.jp2"); empty means the
        file's own name. {filename}, {stem} and {ext} describe what is sent.
    */
    static TemplateFields forFile(qint64 batchId, const QString &batchName, const ItemRecord &item,
                                  const FileRecord &file, int page, int pages,
                                  const QString &uploadName = {});

    //! The value of \a name, or nullptr-like: \a known is false when nothing by that name exists.
    QString value(const QString &name, bool *known = nullptr) const;
    void set(const QString &name, const QString &value) { m_values.insert(name, value); }
    int page() const { return m_page; }
    int pages() const { return m_pages; }
    //! The extension of what is sent, with its dot (".jpg"); empty when it has none.
    QString ext() const { return m_values.value(QStringLiteral("ext")); }

    //! The text of a descriptive value (see the class description).
    static QString textOf(const QJsonValue &value);

private:
    QHash<QString, QString> m_values;
    QJsonObject m_metadata;
    int m_page = 1;
    int m_pages = 1;
};

/*!
    \class gh::NameTemplate
    A template with \c {field} and \c {field:N} placeholders (N cuts the value to N characters), as the
    title, key and page templates of the targets use it.

    A placeholder is a single \c { directly followed by a name (letters, digits, \c _ \c - \c .), an optional
    \c :N and \c }. Anything else is literal text, so wikitext templates such as \c {{int:filedesc}} and
    \c {{Information|…}} pass through a page template untouched, and a placeholder may sit inside one
    (\c |date={date}).
*/
class NameTemplate
{
    Q_DECLARE_TR_FUNCTIONS(gh::NameTemplate)

public:
    enum class Escape
    {
        None,    //!< Values are inserted as they are (titles and keys, which are sanitised afterwards).
        Wikitext //!< Values cannot open links, templates, tags or table cells in the page text.
    };

    NameTemplate() = default;
    /*!
        Parses \a pattern. Fails for a placeholder-like \c {name:…} whose length is not a number, so a typo
        such as \c {title:18l} is reported rather than copied into every title.
    */
    static Result<NameTemplate> parse(const QString &pattern);

    QString pattern() const { return m_pattern; }
    bool isEmpty() const { return m_parts.isEmpty(); }
    //! Whether the template names \a field anywhere.
    bool uses(const QString &field) const;
    //! The placeholder names, in order of first use.
    QStringList fields() const;

    /*!
        The text for \a fields. Placeholders naming nothing become empty; their names are added to
        \a unresolved, if given, so a preview can point at them.
    */
    QString expand(const TemplateFields &fields, Escape escape = Escape::None,
                   QSet<QString> *unresolved = nullptr) const;

    //! \a text made harmless inside wikitext: no link, template, tag, table cell or signature can start.
    static QString escapeWikitext(const QString &text);

private:
    struct Part
    {
        QString literal; //!< Text, when field is empty.
        QString field;
        int maxLength = -1;
    };
    QString m_pattern;
    QList<Part> m_parts;
};

} // namespace gh
