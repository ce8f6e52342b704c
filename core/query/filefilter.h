#pragma once

#include <optional>

#include <QCoreApplication>
#include <QList>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

#include "model/finding.h"
#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::FileFilter
    Which files of a batch to show: the criteria the curator typed or picked, shared by the GUI's file table
    and \c{gatehouse-cli files --filter}. A file matches when it meets every criterion that is set; an empty
    filter matches every file.

    The query syntax (parse(), toQuery()) is whitespace-separated terms, all of which must hold:

    \list
    \li \c{status:KEY[,KEY…]} — any of these statuses (the CLI's keys, "fixity-mismatch"), or the groups
        \c failed (needs attention), \c ok, \c skipped and \c open.
    \li \c{mime:PATTERN[,PATTERN…]} — the sniffed (else declared) mimetype: \c image/png, or \c{image/}\c{*}
   for a whole top-level type; case-insensitive. \li \c{size:>1M}, \c{size:<=500k}, \c{size:10k..2M},
   \c{size:0} — bytes, with k, M, G, T meaning powers of 1024 (an optional trailing "B" or "iB" is accepted).
   A file of unknown size never matches. \li \c{name:TEXT} — the file's name contains TEXT; with \c * or \c ?
   it is a glob over the whole name
        (\c{name:*.tif}). Case-insensitive.
    \li \c{qa:flagged}, \c{qa:unflagged} — whether QA found anything about the file (a finding of any
        severity: error, warning or flag).
    \li \c{check:NAME[,NAME…]} — QA's check NAME (\c{check:xml-schema}) found something about the file.
    \li anything else is free text, found case-insensitively in the item, name, mimetype, source path or URL,
        stored key, SHA-256 or error message. Double quotes keep spaces and colons in one term
        (\c{"http://host/a b"}, \c{name:"scan 1*"}).
    \endlist

    Matching is cheap enough to run per row in a proxy model's filterAcceptsRow(): no allocation for
    status, mime, size and QA criteria, one precompiled expression for a glob.
*/
class FileFilter
{
    Q_DECLARE_TR_FUNCTIONS(gh::FileFilter)

public:
    enum class Qa
    {
        Any,      //!< QA flags do not matter.
        Flagged,  //!< Only files QA flagged.
        Unflagged //!< Only files QA did not flag.
    };

    FileFilter() = default;

    /*!
        Parses \a query (syntax above). The error names the offending term and why ("Unknown status
        \"faild\" in \"status:faild\"…").
    */
    static Result<FileFilter> parse(QStringView query);
    /*!
        Splits \a query into its terms as typed, quotes kept, so a caller can replace one criterion
        ("status:…") and leave the rest alone.
    */
    static QStringList splitTerms(QStringView query);
    //! The filter written in the query syntax; parse(toQuery()) gives an equal filter.
    QString toQuery() const;

    //! True when no criterion is set: every file matches.
    bool isEmpty() const;

    /*!
        Whether \a file meets every criterion. QA findings are not part of a FileRecord (the catalog keeps
        them beside it, CheckRecords), so the caller passes the file's \a findings for the qa and check
        terms.
    */
    bool matches(const FileRecord &file, const QList<FindingRecord> &findings = {}) const;

    //! Statuses a file may have; empty for any.
    const QSet<FileStatus> &statuses() const { return m_statuses; }
    void setStatuses(const QSet<FileStatus> &statuses);
    //! Mimetype patterns ("image/png", "image/*"), lower-case; empty for any.
    const QStringList &mimePatterns() const { return m_mimePatterns; }
    void setMimePatterns(const QStringList &patterns);
    //! Smallest size in bytes, inclusive; -1 for no lower bound.
    qint64 minSize() const { return m_minSize; }
    //! Largest size in bytes, inclusive; -1 for no upper bound.
    qint64 maxSize() const { return m_maxSize; }
    void setSizeRange(qint64 minSize, qint64 maxSize);
    //! Substring of the name, or a glob when it contains * or ?; empty for any.
    const QString &namePattern() const { return m_name; }
    void setNamePattern(const QString &pattern);
    Qa qa() const { return m_qa; }
    void setQa(Qa qa) { m_qa = qa; }
    //! The checks one of whose findings a file must have (\c{check:NAME}); empty for any.
    const QStringList &checks() const { return m_checks; }
    void setChecks(const QStringList &checks) { m_checks = checks; }
    //! Whether matching needs the files' QA findings (a qa or check term is set).
    bool needsFindings() const { return m_qa != Qa::Any || !m_checks.isEmpty(); }
    //! Free-text terms, each of which must be found somewhere in the file's row.
    const QStringList &textTerms() const { return m_text; }
    void setTextTerms(const QStringList &terms);

    friend bool operator==(const FileFilter &a, const FileFilter &b);

    //! The statuses a status term's value stands for ("failed" → every status needing attention);
    //! nothing for an unknown value.
    static std::optional<QSet<FileStatus>> statusesFor(QStringView value);
    //! Parses a size such as "1M", "500k", "12345", "2GiB"; nothing when malformed.
    static std::optional<qint64> parseSize(QStringView text);

private:
    static bool mimeMatches(const QString &pattern, const QString &mimetype);

    QSet<FileStatus> m_statuses;
    QStringList m_statusTerms; // as typed, for toQuery()
    QStringList m_mimePatterns;
    qint64 m_minSize = -1;
    qint64 m_maxSize = -1;
    QString m_name;
    QRegularExpression m_nameGlob; // valid only when m_name has wildcards
    bool m_nameIsGlob = false;
    Qa m_qa = Qa::Any;
    QStringList m_checks;
    QStringList m_text; // case-folded
};

/*!
    \class gh::FileOrder
    Sorting files the way the file table shows them, cheaply enough for 10^6 rows: a Key is computed once
    per file and column, and comparing two keys is a number and a plain string comparison. Text columns sort
    in natural order (naturalCompare(): "page2" before "page10", case-insensitive first); every order is
    total (ties fall back to the file id), so a sort is the same on every run.
*/
class FileOrder
{
public:
    enum class Field
    {
        Item,
        Name, //!< Natural order of the name, then the item.
        Status,
        Size, //!< Bytes (stored size, else declared); unknown sizes first.
        Mimetype,
        Sha256,
        StoredKey
    };

    /*!
        \class gh::FileOrder::Key
        What a comparison needs of one file for one field.
    */
    struct Key
    {
        qint64 number = 0; //!< Compared first (size, status); 0 for text fields.
        QString text;      //!< naturalKey() of the field's text, compared second.
        QString raw;       //!< The text itself: naturalCompare() decides when the natural keys are equal.
        QString nextText;  //!< naturalKey() of the text that orders equal ones (the item for names).
        QString nextRaw;
        qint64 id = 0; //!< The file id, the last resort.
    };

    static Key key(const FileRecord &file, Field field);
    //! Strict weak order of keys (ascending).
    static bool less(const Key &a, const Key &b);

    /*!
        A string whose plain comparison orders names as naturalCompare() does in its case-insensitive pass:
        case-folded, with each run of ASCII digits replaced by its significant length and digits.
    */
    static QString naturalKey(QStringView text);

    //! Sorts \a files by \a field, computing each key once.
    static void sort(QList<FileRecord> &files, Field field, Qt::SortOrder order = Qt::AscendingOrder);
};

} // namespace gh
