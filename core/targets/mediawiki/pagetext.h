#pragma once

#include <QCoreApplication>
#include <QStringList>

#include "targets/nametemplate.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::PageText
    The wikitext of a file's description page and the upload's edit summary, from templates filled with the
    item's descriptive metadata. Values are escaped (NameTemplate::Escape::Wikitext): metadata can never
    open a link, a template or a tag on the page. Categories are their own templates, each becoming a
    \c [[Category:…]] line after the text.
*/
class PageText
{
    Q_DECLARE_TR_FUNCTIONS(gh::PageText)

public:
    //! A section "== {{int:filedesc}} ==" with an Information template of title, description, date,
    //! creators, source URL and rights, and a license section holding {license}.
    static QString defaultTemplate();
    static QString defaultSummary()
    {
        return QStringLiteral("Gatehouse upload: {identifier} ({batch_name})");
    }

    //! Builds from template texts; fails on a malformed placeholder.
    static Result<PageText> create(const QString &pageTemplate, const QString &summary = defaultSummary(),
                                   const QStringList &categories = {});
    //! The page template from a UTF-8 file.
    static Result<QString> readTemplateFile(const QString &path);

    //! The description page text for \a fields; \a unresolved collects placeholders naming nothing.
    QString text(const TemplateFields &fields, QSet<QString> *unresolved = nullptr) const;
    QString summary(const TemplateFields &fields) const;
    //! The category names for \a fields (without the "Category:" prefix), sanitised like titles.
    QStringList categories(const TemplateFields &fields) const;

private:
    NameTemplate m_page;
    NameTemplate m_summary;
    QList<NameTemplate> m_categories;
};

} // namespace gh
