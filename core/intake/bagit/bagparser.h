#pragma once

#include <optional>

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "digest/fixity.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::BagIssue
    One thing wrong with a bag (a problem: the bag is not valid) or suspicious about it (a warning: valid,
    but worth a look). The message is a complete sentence naming the file, and the line for malformed tag
    files; \c file and \c line repeat them for programs.
*/
struct BagIssue
{
    enum class Severity
    {
        Problem,
        Warning
    };

    //! What kind of issue; rendered as snake_case keys (key()) in JSON output, which are stable.
    enum class Code
    {
        MissingDeclaration,       //!< No bagit.txt.
        BadDeclaration,           //!< bagit.txt is not exactly the two lines RFC 8493 prescribes.
        UnsupportedVersion,       //!< A BagIt version other than 0.93–0.97 or 1.0.
        UnsupportedEncoding,      //!< A Tag-File-Character-Encoding Gatehouse cannot decode.
        NonUtf8Encoding,          //!< Tag files in an encoding other than UTF-8 (warning).
        ByteOrderMark,            //!< A byte-order mark: in bagit.txt, or in a UTF-8 tag file of a 1.0 bag.
        InvalidText,              //!< A tag file that is not valid in its declared encoding.
        MissingPayloadDirectory,  //!< No data/ folder.
        NoPayloadManifest,        //!< No manifest-<alg>.txt.
        UnreadableFile,           //!< A tag or payload file that could not be read.
        MalformedLine,            //!< A manifest, fetch.txt or bag-info.txt line that does not parse.
        UnsafePath,               //!< A path that escapes the bag, is absolute, or a file outside its scope.
        OutsidePayload,           //!< A payload manifest or fetch.txt path outside data/.
        PayloadInTagManifest,     //!< A tag manifest listing a payload file.
        TagManifestInTagManifest, //!< A tag manifest listing a tag manifest.
        ManifestNotInTagManifest, //!< A tag manifest that does not list every payload manifest.
        DuplicateEntry,           //!< The same path twice in one manifest or in fetch.txt.
        MissingFile,              //!< Listed in a manifest, not in the bag.
        UnlistedFile,             //!< A payload file no payload manifest lists.
        NotInEveryManifest,       //!< A payload file some payload manifests list and others do not.
        FetchPending,             //!< Listed in fetch.txt and not fetched yet.
        FetchNotInManifest,       //!< A fetch.txt file not listed in every payload manifest.
        BadFetchUrl,              //!< A fetch.txt URL that is not an absolute URI.
        FetchSizeMismatch,        //!< A fetched file whose size differs from fetch.txt (warning).
        ChecksumMismatch,         //!< A file whose computed checksum differs from its manifest's.
        BadPayloadOxum,           //!< Payload-Oxum malformed or repeated.
        PayloadOxumMismatch,      //!< Payload-Oxum differs from the payload on disk.
        RepeatedLabel,            //!< A bag-info label that should not be repeated (warning).
        BadReservedValue,         //!< A reserved bag-info value in the wrong form (warning).
        MissingRecommendedLabel,  //!< No bag-info.txt, or no Payload-Oxum/Bagging-Date (warning).
        UnknownAlgorithm,         //!< A manifest whose algorithm Gatehouse cannot compute (warning).
        WeakAlgorithm,            //!< Only md5/sha1 manifests (warning).
        NoVerifiableManifest,     //!< No payload manifest with an algorithm Gatehouse can compute.
        UntrackedTagFile,         //!< A tag file a tag manifest does not list (warning).
        HiddenFile,               //!< A payload file or folder whose name starts with a dot (warning).
        CaseCollision,            //!< Paths that differ only in case (warning).
        NormalizationMismatch,    //!< A manifest path matching a file only after Unicode normalisation.
        NonCanonicalPath,         //!< "./data/x", "data//x" and the like (warning).
        LegacyManifestFormat,     //!< md5sum's "*" binary marker before paths (warning).
        PackageWarning,           //!< Something the package listing noticed (links not followed, …).
        AlgorithmName, //!< A manifest name whose algorithm is not normalised ("manifest-SHA-256.txt").
        UnregisteredAlgorithm,  //!< An algorithm outside IANA's hash registry, such as sha224 (warning).
        PathEncoding,           //!< A 1.0 manifest or fetch.txt path with a '%' that is not percent-encoded.
        MissingLineEnding,      //!< A tag file whose last line has no line break (warning).
        LongLine,               //!< bag-info.txt lines longer than 79 characters (warning).
        ManifestListsDirectory, //!< A manifest line naming a folder, not a file.
        OsFile,                 //!< Thumbs.db, .DS_Store and other operating-system clutter (warning).
        TagManifestsDiffer,     //!< Tag manifests that list different sets of tag files (warning).
        TagAlgorithmMismatch,   //!< A tag manifest in an algorithm no payload manifest uses (warning).
        NormalizationCollision, //!< Files whose names differ only in Unicode normalisation (warning).
        NonPortableName         //!< A payload name Windows cannot store (warning).
    };

    Severity severity = Severity::Problem;
    Code code = Code::MalformedLine;
    QString file; //!< Relative to the bag's root: "manifest-sha256.txt", "data/page1.jp2".
    int line = 0; //!< 1-based, for issues inside a tag file; 0 otherwise.
    QString message;

    bool isProblem() const { return severity == Severity::Problem; }
    static QString key(Code code);
    //! {"code", "file", "line" (when known), "message"}.
    QJsonObject toJson() const;
};

//! BagIt's version from bagit.txt: 0.93 … 0.97 and 1.0 are supported.
struct BagVersion
{
    int major = 1;
    int minor = 0;

    bool atLeast(int majorVersion, int minorVersion) const
    {
        return major > majorVersion || (major == majorVersion && minor >= minorVersion);
    }
    QString toString() const;
    static bool isSupported(const BagVersion &version);
};

/*!
    \class gh::BagDeclaration
    What bagit.txt declares.
*/
struct BagDeclaration
{
    BagVersion version;
    QString encoding = QStringLiteral("UTF-8"); //!< Tag-File-Character-Encoding, as written.
    bool hadByteOrderMark = false;
};

/*!
    \class gh::BagInfo
    The metadata elements of bag-info.txt (package-info.txt before 0.96), in the order they appear; labels
    may repeat. Continuation lines are joined to their value with a line break, their indentation dropped.
*/
class BagInfo
{
public:
    struct Element
    {
        QString label;
        QString value;
        int line = 0;
    };

    const QList<Element> &elements() const { return m_elements; }
    void append(Element element) { m_elements.append(std::move(element)); }
    bool isEmpty() const { return m_elements.isEmpty(); }
    //! Every value of \a label in file order; labels compare case-insensitively.
    QStringList values(QStringView label) const;
    bool contains(QStringView label) const;
    /*!
        The elements as a JSON object: a label that appears once maps to its string, a repeated label to an
        array of its values. Repeats are grouped case-insensitively under the first spelling.
    */
    QJsonObject toJson() const;

private:
    QList<Element> m_elements;
};

/*!
    \class gh::ManifestEntry
    One line of a payload or tag manifest, or of fetch.txt. \c path is decoded and normalised; an entry whose
    path is unusable (escapes the bag, absolute, outside data/ …) has \c problem set and is never read.
*/
struct ManifestEntry
{
    QString path;       //!< Decoded, '.' segments removed: "data/a b/page 1.jp2".
    QString written;    //!< The path exactly as the line has it.
    QString digest;     //!< Lower-case hex; empty for fetch.txt.
    QString url;        //!< fetch.txt only.
    qint64 length = -1; //!< fetch.txt only; -1 for "-".
    int line = 0;
    QString problem; //!< Why the path cannot be used, as a sentence fragment; empty when usable.

    bool usable() const { return problem.isEmpty(); }
};

/*!
    \class gh::Manifest
    A parsed manifest-<alg>.txt or tagmanifest-<alg>.txt.
*/
struct Manifest
{
    QString fileName;                         //!< "manifest-sha256.txt".
    QString algorithmName;                    //!< "sha256", as the file name has it.
    std::optional<DigestAlgorithm> algorithm; //!< Empty when Gatehouse cannot compute it.
    bool tag = false;
    QList<ManifestEntry> entries;
};

/*!
    \class gh::BagParser
    Parses BagIt tag files, versions 0.93 to 0.97 and 1.0 (RFC 8493). Parsing never stops at the first
    problem: each function records every issue it finds and returns what it could read.

    Version differences handled: before 1.0, bag-info.txt may have whitespace around the colon and manifest
    paths are taken literally (percent-encoding of CR, LF and '%' is a 1.0 rule); 0.93 bags need not declare
    Tag-File-Character-Encoding; lines end in LF, CRLF or CR in every version; md5sum's "*" binary marker
    before a path is accepted with a warning.
*/
class BagParser
{
    Q_DECLARE_TR_FUNCTIONS(gh::BagParser)

public:
    /*!
        Parses bagit.txt. Fails (ErrorCode::Invalid, with the same issue recorded in \a issues) when no
        supported version can be read from it; everything else is recorded and parsing goes on.
    */
    static Result<BagDeclaration> parseDeclaration(const QByteArray &content, QList<BagIssue> &issues);

    /*!
        Decodes a tag file's bytes in \a encoding. A UTF-8 byte-order mark is skipped: a problem from
       BagIt 1.0 on, a warning before. Bytes invalid in the encoding are a problem (replaced by U+FFFD); a
       last line without a line break is a warning.
    */
    static QString decodeTagFile(const QByteArray &content, const QString &fileName, const QString &encoding,
                                 BagVersion version, QList<BagIssue> &issues);
    //! True for encodings decodeTagFile() can decode.
    static bool canDecode(const QString &encoding);

    static BagInfo parseBagInfo(const QString &text, const QString &fileName, BagVersion version,
                                QList<BagIssue> &issues);

    /*!
        Parses a manifest. \a fileName decides whether it is a payload manifest ("manifest-…") or a tag
        manifest ("tagmanifest-…") and which algorithm it uses.
    */
    static Manifest parseManifest(const QString &text, const QString &fileName, BagVersion version,
                                  QList<BagIssue> &issues);

    //! Parses fetch.txt: "url length path" lines.
    static QList<ManifestEntry> parseFetch(const QString &text, const QString &fileName, BagVersion version,
                                           QList<BagIssue> &issues);

    //! Splits text into lines at LF, CRLF or CR; a final line ending does not start another line.
    static QStringList splitLines(const QString &text);

    //! Decodes %0A, %0D and %25 (either case); other '%' sequences stay as they are (RFC 8493 §2.1.3).
    static QString decodePath(QStringView written);
    //! Encodes LF, CR and '%' — and only those — for a manifest or fetch.txt.
    static QString encodePath(QStringView path);
    /*!
        Checks a decoded path and returns it normalised ("./data/x" → "data/x"). Returns an empty string and
        sets \a reason (a fragment such as "is an absolute path") when the path is absolute, names a drive or
        a home folder, uses a backslash, holds a NUL, names a folder, or leaves the bag.
    */
    static QString normalizePath(const QString &path, QString *reason);

    //! "manifest-sha256.txt" → "sha256"; empty if \a fileName is not a payload manifest name.
    static QString payloadManifestAlgorithm(const QString &fileName);
    //! "tagmanifest-sha256.txt" → "sha256"; empty if \a fileName is not a tag manifest name.
    static QString tagManifestAlgorithm(const QString &fileName);
};

} // namespace gh
