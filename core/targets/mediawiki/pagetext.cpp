#include "pagetext.h"

#include <QFile>

#include "mediawikititle.h"

namespace gh {

QString PageText::defaultTemplate()
{
    return QStringLiteral("== {{int:filedesc}} ==\n"
                          "{{Information\n"
                          "|description={title}\n"
                          "{description}\n"
                          "|date={date}\n"
                          "|source={source_url}\n"
                          "|author={creators}\n"
                          "|permission={rights}\n"
                          "|other versions=\n"
                          "}}\n"
                          "\n"
                          "== {{int:license-header}} ==\n"
                          "{license}\n");
}

Result<PageText> PageText::create(const QString &pageTemplate, const QString &summary,
                                  const QStringList &categories)
{
    PageText p;
    auto page = NameTemplate::parse(pageTemplate);
    if (!page)
        return page.error();
    p.m_page = *page;
    auto sum = NameTemplate::parse(summary);
    if (!sum)
        return sum.error();
    p.m_summary = *sum;
    for (const QString &category : categories) {
        if (category.trimmed().isEmpty())
            continue;
        auto c = NameTemplate::parse(category.trimmed());
        if (!c)
            return c.error();
        p.m_categories.append(*c);
    }
    return p;
}

Result<QString> PageText::readTemplateFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable,
                     tr("Cannot read the page template %1: %2").arg(path, file.errorString())};
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return Error{ErrorCode::Invalid, tr("The page template %1 is not UTF-8 text.").arg(path)};
    return text;
}

QString PageText::text(const TemplateFields &fields, QSet<QString> *unresolved) const
{
    QString text = m_page.expand(fields, NameTemplate::Escape::Wikitext, unresolved);
    const QStringList names = categories(fields);
    if (!names.isEmpty()) {
        if (!text.endsWith(u'\n'))
            text += u'\n';
        text += u'\n';
        for (const QString &name : names)
            text += QStringLiteral("[[Category:%1]]\n").arg(name);
    }
    return text;
}

QString PageText::summary(const TemplateFields &fields) const
{
    // A summary is one line of plain text; MediaWiki cuts it at 500 characters.
    QString text = m_summary.expand(fields).simplified();
    return text.left(500);
}

QStringList PageText::categories(const TemplateFields &fields) const
{
    QStringList names;
    for (const NameTemplate &category : m_categories) {
        QString name = category.expand(fields);
        if (name.startsWith(QStringLiteral("Category:"), Qt::CaseInsensitive))
            name = name.mid(9);
        name = MediaWikiTitle::sanitise(name, 255);
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    }
    return names;
}

} // namespace gh
