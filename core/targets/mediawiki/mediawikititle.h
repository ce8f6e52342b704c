#pragma once

#include <QCoreApplication>
#include <QString>

#include "targets/nametemplate.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::MediaWikiTitle
    File names on a wiki (without the \c File: prefix), built from a title template and made acceptable to
    MediaWiki.
*/
class MediaWikiTitle
{
    Q_DECLARE_TR_FUNCTIONS(gh::MediaWikiTitle)

public:
    //! Wikimedia Commons keeps file names to 240 bytes (MediaWiki's hard limit is 255).
    static constexpr int maxBytes = 240;

    //! "{title:181} - {identifier}{ext}"
    static QString defaultTemplate() { return QStringLiteral("{title:181} - {identifier}{ext}"); }

    /*!
        \a title as MediaWiki accepts it: \c {: / \ # |} become "-", \c {< [ \{} become "(" and
        \c {> ] \}} become ")", as do a percent sign before two hex digits, an HTML entity's ampersand
        and runs of three tildes; invisible characters (controls, format characters such as zero-width
        spaces and direction marks, soft hyphens) are removed; underscores and every kind of space become
        one space; leading dots and spaces go; the first letter is upper-case; Unicode NFC. Longer than
        \a limit bytes of UTF-8, the text before \a keepSuffix is cut (on a character boundary) so that the
        suffix, typically " (page 3).jpg", survives.
    */
    static QString sanitise(const QString &title, int limit = maxBytes, const QString &keepSuffix = {});

    /*!
        The title for one file: \a titleTemplate expanded with \a fields; when the item has several files and
        the template names nothing that tells them apart ({page}, {filename}, {stem}, {path}, {file_id}),
        " (page N)" goes before the extension; a title that does not end in the extension of what is sent
        gets it appended (MediaWiki refuses files whose name does not match their type); then sanitise().
        Fails when nothing is left.
    */
    static Result<QString> build(const NameTemplate &titleTemplate, const TemplateFields &fields);
};

} // namespace gh
