#pragma once

#include <limits>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

class QSettings;

namespace gh {

/*!
    \enum gh::SettingType
    How a setting is written in the INI file and in the GUI's settings, and how it is checked.
*/
enum class SettingType
{
    Integer, //!< A whole number within the definition's minimum and maximum.
    Size,    //!< Bytes, or a number with K, M, G or T (binary: 1K = 1024); 0 means no limit.
    Boolean, //!< true or false (yes/no, on/off and 1/0 are read too).
    Text,    //!< Any text.
    Path,    //!< A file or folder on this machine.
    List,    //!< Comma-separated values.
    Choice,  //!< One of the listed values (letters in any case; numbers compare by value).
    Json,    //!< A JSON object.
    Fraction //!< A decimal number from 0 to 1 (0.35).
};

/*!
    \class gh::SettingDefinition
    One row of the settings table.
*/
struct SettingDefinition
{
    QString key; //!< "section/name", as in the INI file's [section] name=value.
    SettingType type = SettingType::Text;
    QString defaultValue;          //!< The value when the key is absent, in canonical form ("" for none).
    const char *meaning = nullptr; //!< What it does, in English; translated for the GUI by SettingsTable.
    QString example;    //!< A valid value other than the default (documentation and the round-trip test).
    qint64 minimum = 0; //!< For Integer.
    qint64 maximum = std::numeric_limits<int>::max(); //!< For Integer.
    QStringList choices;                              //!< For Choice, in canonical spelling.
    QStringList aliases; //!< Older keys read when this one is absent, and removed when it is written.

    QString section() const { return key.section(u'/', 0, 0); }
};

/*!
    \class gh::SettingsTable
    The one table of Gatehouse's settings: the INI file given with \c --config and the GUI's settings read and
    write the same keys with the same syntax, checked the same way. \c docs/settings.md shows the table (a
    test keeps it equal to markdown()).

    To add a setting, add a row to the table in settingstable.cpp, read it where it is used (through
    Settings), and copy the document tst_settingstable writes beside itself over \c docs/settings.md.
*/
class SettingsTable
{
    Q_DECLARE_TR_FUNCTIONS(gh::SettingsTable)

public:
    static const QList<SettingDefinition> &all();
    //! The row for \a key, or nullptr.
    static const SettingDefinition *find(QStringView key);
    //! The meaning of \a definition, translated.
    static QString meaning(const SettingDefinition &definition);
    //! "integer", "size", … as the documentation names the types.
    static QString typeName(SettingType type);

    /*!
        Checks \a text against \a definition and returns it in canonical form: a size as "500M", a boolean as
        "true", a list as "a, b", a choice in its listed spelling, JSON compact. The error names the key.
    */
    static Result<QString> normalise(const SettingDefinition &definition, const QString &text);

    //! "500M", "2G", "1536", "0" (no limit): the canonical size syntax. Negative means no limit too.
    static QString formatSize(qint64 bytes);
    //! Bytes from "1048576", "500M", "2G", "64KiB", "1 GB" (binary units); 0 stays 0.
    static Result<qint64> parseSize(const QString &text);

    //! The table as Markdown: section, key, type, default, meaning.
    static QString markdown();
};

/*!
    \class gh::Settings
    Values for the keys of the settings table: whatever was read from an INI file or the GUI's settings,
    defaults for the rest. Values are kept in canonical form, so a value read from one place and written to
    another is written exactly as it would be there.
*/
class Settings
{
    Q_DECLARE_TR_FUNCTIONS(gh::Settings)

public:
    enum class Mode
    {
        Strict, //!< A malformed value fails the read (the INI file given with --config).
        Lenient //!< A malformed value is reported in the warnings and its key keeps its value (the GUI).
    };

    /*!
        Reads every key of the table that \a source holds, over the values of \a base. An absent key keeps
        its value in \a base; an older alias is read when the key itself is absent. Keys of the table's
        sections that the table does not know are reported in \a warnings (a misspelt key would otherwise
        be ignored without a word). \a where names the source in messages.
    */
    static Result<Settings> read(QSettings &source, const QString &where, const Settings &base = {},
                                 Mode mode = Mode::Strict, QStringList *warnings = nullptr);
    /*!
        Writes every key whose value differs from the default and removes the others (and their older
        aliases) from \a target, so a default changed by a later version reaches curators who never set it.
    */
    void write(QSettings &target) const;

    //! The canonical text of \a key (its default when unset). \a key must be in the table.
    QString text(const QString &key) const;
    //! Checks and sets \a key; the error says what is wrong.
    Status setText(const QString &key, const QString &text);
    //! Back to the default.
    void reset(const QString &key);
    bool isDefault(const QString &key) const { return !m_values.contains(key); }

    qint64 integer(const QString &key) const;
    //! Bytes, or -1 for no limit (an absent key or 0).
    qint64 sizeLimit(const QString &key) const;
    bool boolean(const QString &key) const;
    QStringList list(const QString &key) const;
    QJsonObject json(const QString &key) const;

    bool operator==(const Settings &other) const { return m_values == other.m_values; }
    bool operator!=(const Settings &other) const { return !(*this == other); }

private:
    QHash<QString, QString> m_values; //!< Canonical text of the keys that differ from their default.
};

} // namespace gh
