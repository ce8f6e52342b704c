#pragma once

#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "targets/target.h"

namespace gh {

/*!
    \class gh::ApiCall
    One request to a wiki's api.php, as the MediaWiki client builds it: GET parameters, or a POST form
    (urlencoded, or multipart when it carries a file part). \c format=json, \c formatversion=2 and
    \c maxlag are added by the client to every call.
*/
struct ApiCall
{
    bool post = false;
    QList<QPair<QString, QString>> fields;
    //! A multipart file part ("file" or "chunk"): its bytes come from \a filePath at \a fileOffset for
    //! \a fileLength bytes (-1 to the end), or from \a fileData when no path is set.
    QString filePart;
    QString fileName;
    QString filePath;
    qint64 fileOffset = 0;
    qint64 fileLength = -1;
    QByteArray fileData;
    //! For the transfers view: what is being sent and which file it belongs to.
    QString label;
    qint64 tag = 0;

    QString field(const QString &name) const;
    void set(const QString &name, const QString &value);
    bool hasFile() const { return !filePart.isEmpty(); }
    //! The bytes the file part carries.
    qint64 fileSize() const;
    //! "action=upload&filename=…" for logs: values of password and token fields are left out.
    QString describe() const;
};

/*!
    \class gh::ApiReply
    What came back for an ApiCall.
*/
struct ApiReply
{
    int httpStatus = 0;
    QHash<QByteArray, QByteArray> headers; //!< Lower-case names; repeated headers joined with "\n".
    QByteArray body;

    QByteArray header(const char *name) const { return headers.value(QByteArray(name)); }
};

/*!
    \class gh::ApiError
    An error the API answered with (\c {"error": {"code": …, "info": …}}).
*/
struct ApiError
{
    QString code;
    QString info;
    QJsonObject raw;
};

/*!
    \class gh::MediaWikiApi
    The wiki's side of the conversation, as pure functions: how calls are built, what answers mean, which
    failures are worth waiting out, which lose the session, and what each upload warning means for a file.
    Nothing here sends a request.
*/
class MediaWikiApi
{
    Q_DECLARE_TR_FUNCTIONS(gh::MediaWikiApi)

public:
    //! How a reply is to be treated.
    enum class Verdict
    {
        Ok,          //!< A JSON answer without an error.
        ApiFailure,  //!< An API error that is final for this call (see error).
        SessionLost, //!< badtoken, assertuserfailed/assertbotfailed, notloggedin …: log in again and retry.
        Lagged,      //!< maxlag: the database replicas lag; wait (Retry-After) and retry.
        Busy,        //!< 429/503/5xx, readonly, ratelimited, internal errors: wait and retry, bounded.
        TooLarge, //!< The server dropped the body (HTTP 413, or PHP's limit: the API's help page came back).
        NotJson   //!< Something else than the API answered (a proxy page, a login wall).
    };

    struct Answer
    {
        Verdict verdict = Verdict::NotJson;
        QJsonObject json;
        std::optional<ApiError> error;
        QStringList warnings; //!< The API's own warnings (deprecations …), for the debug log.
        //! Milliseconds the server asked to wait (Retry-After), -1 when it did not say.
        qint64 retryAfterMs = -1;
        QString message; //!< A sentence for the curator when the verdict is not Ok.
    };

    //! Reads \a reply to \a call (both used in messages).
    static Answer judge(const ApiCall &call, const ApiReply &reply);
    //! Whether an API error code means the session is gone.
    static bool isSessionLoss(const QString &code);

    // Calls
    static ApiCall loginTokenCall();
    static ApiCall loginCall(const QString &user, const QString &password, const QString &loginToken);
    static ApiCall csrfTokenCall();
    static ApiCall userInfoCall();
    //! imageinfo for up to 50 titles (without "File:"): sha1, size, dimensions, time, user, URLs, type.
    static ApiCall imageInfoCall(const QStringList &names);
    //! Live files whose content has \a sha1.
    static ApiCall allImagesBySha1Call(const QString &sha1);
    /*!
        One page of every live file, with what allImagesBySha1Call() says of each, as many as the account may
        list at once (\c ailimit=max: 500, 5000 with \c apihighlimits); \a continuation is the previous
        answer's \c continue object (empty for the first page).
    */
    static ApiCall allImagesCall(const QJsonObject &continuation = {});
    //! The wiki's statistics (how many files it holds) and the rights of the session.
    static ApiCall siteStatisticsCall();
    //! Deleted files whose content had \a sha1 (needs the deletedhistory right).
    static ApiCall fileArchiveBySha1Call(const QString &sha1);
    //! The deletion log entries for up to 50 titles' names.
    static ApiCall deletionLogCall(const QString &name);

    //! The maximum titles one query takes (50 for normal accounts, the limit on Commons too).
    static constexpr int maxTitlesPerQuery = 50;
    //! Rows one list request gives (ailimit=max): normal accounts, and those with \c apihighlimits.
    static constexpr int listLimit = 500;
    static constexpr int highListLimit = 5000;

    //! How large a wiki says it is, and how much of it one list request gives this session.
    struct SiteSize
    {
        qint64 files = -1; //!< statistics.images; -1 when the wiki did not say.
        int listLimit = MediaWikiApi::listLimit;

        //! List requests to read every file (at least one).
        qint64 listRequests() const;
    };

    // Answers
    /*!
        The pages of a prop=imageinfo answer: for each name asked (as asked), what lives there. Fills
        \a normalized with how the wiki spells each name, and \a invalid with names it refuses and why.
    */
    static QHash<QString, std::optional<RemoteObject>> parseImageInfo(const QJsonObject &json,
                                                                      const QStringList &asked,
                                                                      QHash<QString, QString> *normalized,
                                                                      QHash<QString, QString> *invalid);
    static QList<RemoteObject> parseAllImages(const QJsonObject &json);
    //! A siteStatisticsCall() answer.
    static SiteSize parseSiteStatistics(const QJsonObject &json);
    //! The \c continue object of a list answer; empty when the list is complete.
    static QJsonObject continuationOf(const QJsonObject &json);
    static QList<RemoteObject> parseFileArchive(const QJsonObject &json);
    //! The newest deletion reason of a logevents answer, empty when there is none.
    static QString parseDeletionReason(const QJsonObject &json);
    //! Whether a deletion reason says copyright or licensing (copyvio, DMCA, no permission, …).
    static bool isCopyrightReason(const QString &reason);
    //! "File:Name" stripped to "Name".
    static QString stripNamespace(const QString &title);
};

/*!
    \class gh::UploadAnswer
    An action=upload answer.
*/
struct UploadAnswer
{
    enum class Result
    {
        Success,  //!< Published (or, for a stash, stored).
        Warning,  //!< Not published: warnings (the file is stashed under filekey).
        Continue, //!< A chunk was taken; send the next from offset.
        Poll,     //!< Queued for the job queue (async): poll with checkstatus.
        Error,    //!< An API error (see the reply's Answer).
        Unknown
    };
    Result result = Result::Unknown;
    QString filekey;
    qint64 offset = -1;
    QString filename;      //!< The published name (without "File:"), as normalised by the wiki.
    QString stage;         //!< The async stage ("queued", "assembling", "publish").
    QJsonObject warnings;  //!< {"duplicate": [...], "exists": "Name", …}
    QJsonObject imageinfo; //!< What the wiki stored.
    QJsonObject raw;

    static UploadAnswer parse(const QJsonObject &json);
};

/*!
    \class gh::UploadWarnings
    What the warnings of an upload mean for the file (the wiki never publishes a file with warnings unless
    told to ignore them, which only a curator's decision does).

    \list
    \li \c nochange, or \c duplicate naming our own title: the bytes are already under our name → already
        there.
    \li \c duplicate (other titles), \c duplicate-archive (deleted before), \c exists (our name holds other
        bytes), \c exists-normalized, \c page-exists, \c was-deleted, \c duplicateversions and anything
        unknown → needs a decision, with the wiki's words.
    \li \c badfilename (the wiki would publish under another name), \c emptyfile, \c filetype-unwanted-type
        → failed: the file cannot go in as asked.
    \endlist
*/
class UploadWarnings
{
    Q_DECLARE_TR_FUNCTIONS(gh::UploadWarnings)

public:
    struct Verdict
    {
        TargetState state = TargetState::NeedsDecision;
        QString message;
        QStringList codes;             //!< The warning codes, sorted.
        QStringList duplicates;        //!< Live files with the same bytes.
        QStringList deletedDuplicates; //!< Deleted files with the same bytes.
        bool deleted = false;          //!< Something with our name or bytes was deleted.
    };
    //! Judges the warnings of an upload of \a ourName (as the wiki normalises it).
    static Verdict judge(const QJsonObject &warnings, const QString &ourName);
};

/*!
    \class gh::UploadErrors
    What an upload's API error means for the file: already there (\c fileexists-no-change), resumable
    (\c stashfailed with an offset), a refusal of this file (filetype-banned, verification-error, …), or a
    refusal of every file (uploaddisabled, permissiondenied …) that stops the run.
*/
class UploadErrors
{
    Q_DECLARE_TR_FUNCTIONS(gh::UploadErrors)

public:
    struct Verdict
    {
        TargetState state = TargetState::Failed;
        bool fatal = false;       //!< No file can be uploaded: stop the stage.
        bool transient = false;   //!< Worth another attempt later.
        qint64 resumeOffset = -1; //!< For a chunk the wiki wants from this offset.
        bool restart = false;     //!< The stash is gone: start the file over.
        QString message;
    };
    static Verdict judge(const ApiError &error);
};

/*!
    \class gh::ChunkPlan
    The chunks of a chunked upload: \a chunkSize bytes each, the last one shorter.
*/
struct ChunkPlan
{
    qint64 size = 0;
    qint64 chunkSize = 0;

    int count() const { return size <= 0 || chunkSize <= 0 ? 0 : int((size + chunkSize - 1) / chunkSize); }
    //! The length of the chunk starting at \a offset.
    qint64 lengthAt(qint64 offset) const { return std::max<qint64>(0, std::min(chunkSize, size - offset)); }
    //! Whether \a offset is a chunk boundary the wiki may ask us to resume at.
    bool isValidOffset(qint64 offset) const { return offset >= 0 && offset < size; }
};

} // namespace gh
