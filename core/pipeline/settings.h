#pragma once

#include <QCoreApplication>

#include "runoptions.h"
#include "settingstable.h"

namespace gh {

/*!
    \class gh::EngineSettings
    The engine's side of the settings table (docs/settings.md): the INI file given with \c --config, and the
    RunOptions its [fetch], [transfer], [store] and [intake] keys make. The GUI keeps the same keys in its
    QSettings (ui/preferences), so a value written by either is read identically by the other.

    \code
    [fetch]
    jobs=8
    key_template={batch}/{item}/{filename}

    [transfer]
    max_size=500M          ; absent or 0: no limit
    accept=image/png, application/pdf

    [review]
    curator=Karen Blixen
    \endcode
*/
class EngineSettings
{
    Q_DECLARE_TR_FUNCTIONS(gh::EngineSettings)

public:
    /*!
        Reads the INI file \a path over \a base. Fails, naming the file and key, on a value the table refuses;
        keys it does not know go to \a warnings.
    */
    static Result<Settings> readFile(const QString &path, const Settings &base = {},
                                     QStringList *warnings = nullptr);
    //! Writes \a settings to the INI file \a path (only values that differ from the defaults).
    static Status writeFile(const QString &path, const Settings &settings);

    //! The options \a settings make, over \a base (fields the table does not cover keep their value).
    static Result<RunOptions> runOptions(const Settings &settings, RunOptions base = {});
    //! The settings that \a options hold, over \a base: the reverse of runOptions().
    static Settings capture(const RunOptions &options, Settings base = {});
    //! readFile() then runOptions(), over the settings \a defaults hold.
    static Result<RunOptions> fromFile(const QString &path, RunOptions defaults = {});

    //! Whether \a keyTemplate expands to a safe store key (fetch/key_template; the settings dialog checks it
    //! too).
    static Status checkKeyTemplate(const QString &keyTemplate);
    //! "image/png, application/pdf" → the patterns, lower-cased.
    static QStringList parseAccept(const QString &patterns);
    //! Bytes from "1048576", "500M", "2G", "64KiB" (see SettingsTable::parseSize()).
    static Result<qint64> parseSize(const QString &text);
    //! A size limit as the settings and --max-size take it: bytes, or -1 for no limit ("0" or empty).
    static Result<qint64> parseSizeLimit(const QString &text);
    //! Reads the banned-record list: one identifier per line, '#' starts a comment.
    static Result<QSet<QString>> readBannedList(const QString &path);
};

} // namespace gh
