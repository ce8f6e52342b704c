#pragma once

#include <atomic>
#include <optional>

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include "model/records.h"
#include "net/transferoptions.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::TraceStep
    One decision of the packager chain: which stage looked at the source, what it decided, and what it warned
    about. The curator sees these steps in the GUI and in \c load --json.
*/
struct TraceStep
{
    QString stage;    //!< "file", "archive", "manifest", "folder", …
    QString decision; //!< What the stage concluded, in one sentence.
    QStringList warnings;
    //! The ingester ("mets", "bagit", …) that refused a source looking like its manifest; empty otherwise.
    QString refusedBy;

    //! {"stage", "decision", "warnings", and "refused_by" when set}.
    QJsonObject toJson() const;
};

/*!
    \class gh::IntakeTrace
    The decisions of the packager chain, in order. A manifest that an ingester recognised but had to refuse
    (hostile or broken) is a step of its own, marked with the ingester: such a batch loaded, but not as its
    source meant, so \c load and \c run exit with status 1 and the warning shows in the problems list.
*/
class IntakeTrace
{
public:
    void add(const QString &stage, const QString &decision, const QStringList &warnings = {});
    //! Adds a warning to the latest step.
    void warn(const QString &warning);
    //! Records that \a ingester refused a manifest: \a decision says what happened instead, \a reason why.
    void refuse(const QString &ingester, const QString &decision, const QString &reason);
    bool hasRefusal() const;
    //! The reasons of every refusal in a stored trace (toJson()'s shape).
    static QStringList refusals(const QJsonArray &trace);
    //! Every warning of a stored trace, in order.
    static QStringList warnings(const QJsonArray &trace);
    const QList<TraceStep> &steps() const { return m_steps; }
    QJsonArray toJson() const;

    /*!
        The source's own name for itself, when it has one (a IIIF label, a METS LABEL or MODS title, a
        bag's External-Identifier, a newspaper batch id); the first one offered wins, so the outermost
        ingester that knows decides. A batch loaded without a name is named after it.
    */
    void offerLabel(const QString &label);
    QString label() const { return m_label; }

    /*!
        \a trace with each step's warnings that repeat the error recorded on a file (one of \a fileErrors)
        listed by index under "file_warnings", so the problem is counted once: as that file's.
    */
    static QJsonArray markFileWarnings(const QJsonArray &trace, const QSet<QString> &fileErrors);
    //! Whether warning \a index of trace step \a step repeats a file's error (see markFileWarnings()).
    static bool isFileWarning(const QJsonObject &step, int index);

private:
    QList<TraceStep> m_steps;
    QString m_label;
};

/*!
    \class gh::FileDraft
    A file as intake found it, before the catalog gives it an id. A file intake already knows to be bad
   (unsafe path, missing from the package, banned) carries that status and is never fetched.
*/
struct FileDraft
{
    QString name; //!< Unique within its item; may hold '/' for files in sub-folders of an item.
    QString sourcePath;
    QString sourceMember; //!< The member's path when sourcePath is an archive.
    QString sourceUrl;
    qint64 declaredSize = -1;
    DeclaredChecksums declared;
    QString declaredMimetype;
    FileStatus status = FileStatus::Pending;
    QString error;
};

struct ItemDraft
{
    QString identifier;
    //! Other names the record is known by, matched against the banned list like the identifier (a JSON-lines
    //! request's bare link_source_id, whose identifier is "link_source:link_source_id").
    QStringList otherIdentifiers;
    QString label;
    QJsonObject metadata;
    QList<FileDraft> files;
};

/*!
    \class gh::ItemSink
    Receives items as an ingester finds them, so large sources stream into the catalog.
*/
class ItemSink
{
public:
    virtual ~ItemSink() = default;
    virtual Status add(ItemDraft item) = 0;
};

/*!
    \class gh::ColumnMapping
    What each column of a spreadsheet means. By default the header names decide (id, title, url, path/file,
    md5/sha1/sha256/sha512, mimetype, size; anything else is kept as item metadata); the curator can override
    any column, and the GUI saves the mapping.
*/
struct ColumnMapping
{
    enum class Role
    {
        Metadata,   //!< Kept as item metadata under the column's name.
        Identifier, //!< The record's identifier; rows with the same identifier form one item.
        Title,
        Url,
        Path, //!< A local file, relative to the spreadsheet's folder or absolute.
        Md5,
        Sha1,
        Sha256,
        Sha512,
        Mimetype,
        Size,
        Ignore
    };

    QHash<QString, Role> overrides; //!< By lower-cased, trimmed column name.

    Role roleFor(const QString &column) const;
    static Role defaultRole(const QString &column);
    static QString roleKey(Role role);
    static std::optional<Role> roleFromKey(QStringView key);
    QJsonObject toJson() const;
    static ColumnMapping fromJson(const QJsonObject &json);
};

/*!
    \class gh::ArchiveLimits
    What an archive may hold before Gatehouse refuses it, so a zip bomb or a hostile tar cannot exhaust the
   disk, the memory or the afternoon. Limits on the archive as a whole (entries, total size, overall ratio,
   nesting) fail the archive with ErrorCode::LimitExceeded; limits on one member (its ratio, its path length)
   refuse that member, which the curator then sees as a limit-exceeded file. The streaming reader enforces the
   same limits on the bytes it actually produces, never on what a header claims.
*/
struct ArchiveLimits
{
    //! Members of one archive, folders and links included. A million is ten times the largest deliveries we
    //! know of (newspaper runs of ~100,000 pages with sidecars) and still lists in seconds.
    qint64 maxEntries = 1'000'000;
    //! Uncompressed bytes of one archive's files. 1 TiB: the largest single deposits (film scans, audio
    //! masters) are a few hundred GiB, and a store that takes more from one archive is rarely what anyone
    //! meant.
    qint64 maxTotalSize = qint64(1) << 40;
    //! Uncompressed bytes per compressed byte, per member (where the format records compressed sizes) and
    //! over the whole archive. Deflate cannot exceed about 1032:1, and real scans, XML and text stay below
    //! 100:1; bombs live at 1000:1 and far beyond (bzip2, xz, nested or overlapping members).
    qint64 maxCompressionRatio = 1000;
    //! The ratio is only checked once this many bytes are uncompressed, so small, very compressible files (an
    //! empty XML template, a blank 1 MiB TIFF) pass. 16 MiB bounds what a bomb can cost before it is caught.
    qint64 ratioCheckFrom = 16 * 1024 * 1024;
    //! Archives inside archives that may be opened: 3 covers "a zip of bags of zips"; 42.zip needs 5.
    int maxNestingDepth = 3;
    //! A member's path in UTF-8 bytes. 1024 is four times what Windows allows and leaves room under Linux's
    //! 4096-byte PATH_MAX for the store's own prefix.
    int maxPathLength = 1024;
    //! A nested archive is unpacked to a private temporary file before it is opened; this bounds that file.
    qint64 maxNestedArchiveSize = qint64(8) << 30;
};

/*!
    \class gh::IntakeSettings
    What the curator sets for intake (the run options keep these); IntakeOptions adds what one load needs.
*/
struct IntakeSettings
{
    QString name;            //!< The batch name; the source's name if empty.
    QSet<QString> bannedIds; //!< Records whose identifier is listed are recorded as skipped-banned.
    ColumnMapping columns;   //!< What the columns of a spreadsheet mean.
    ArchiveLimits archive;   //!< Limits for archives, and for archives inside them.
    //! A source document given by URL (a manifest, spreadsheet or list) larger than this is refused. 2 GiB
    //! holds a spreadsheet of several million records; anything larger is not a document meant for intake.
    qint64 maxRemoteDocumentSize = qint64(2) << 30;
    //! Whether intake downloads the member manifests of a IIIF collection. Off, they are recorded as items
    //! whose one file is the manifest URL with status unsupported, to be loaded separately.
    bool fetchRemoteManifests = true;
    //! At most this many member manifests and collections are downloaded for one source; members beyond it
    //! are recorded with status limit-exceeded. Nesting is limited separately (eight levels).
    int maxRemoteManifests = 10000;
};

/*!
    \class gh::IntakeOptions
    One load: the settings, how documents given by URL are downloaded, and the cancel flag.
*/
struct IntakeOptions : IntakeSettings
{
    std::atomic_bool *cancel = nullptr;
    //! How documents given by URL and the member manifests of IIIF collections are downloaded during intake
    //! (User-Agent, timeouts, redirects, retries, TLS); a run passes its one TransferOptions (RunOptions).
    TransferOptions transfer;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

} // namespace gh
