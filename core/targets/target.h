#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QJsonObject>
#include <QString>

#include "model/filestate.h"
#include "model/records.h"
#include "util/result.h"

namespace gh {

class NameTemplate;
class TemplateFields;

//! Whether a file in \a state has reached its target (uploaded, or already there).
inline bool isDelivered(TargetState state)
{
    return state == TargetState::Uploaded || state == TargetState::AlreadyThere;
}

/*!
    \class gh::RemoteObject
    What a target holds under one name, as far as it tells: the dedup view shows it beside ours.
*/
struct RemoteObject
{
    QString name;     //!< As the target normalises it: a wiki's file name (no "File:"), a key, a path.
    qint64 size = -1; //!< -1 when unknown.
    QString sha1;     //!< Lower-case hex, where the target knows it (MediaWiki always).
    QString sha256;   //!< Lower-case hex, where the target knows it (S3 metadata, local files).
    QString md5;      //!< S3's ETag of a single-part object, local files.
    QString mimetype;
    int width = 0;
    int height = 0;
    QDateTime uploaded;               //!< When the current version arrived.
    QString uploader;                 //!< Who sent it (MediaWiki user), where known.
    QString url;                      //!< Where its bytes can be read.
    QString pageUrl;                  //!< Its description page (MediaWiki).
    bool deleted = false;             //!< Deleted on the target (a wiki's file archive), not visible.
    QString deletionReason;           //!< The deletion log's comment, where readable.
    bool deletedForCopyright = false; //!< The deletion was for copyright or licensing reasons.
    QJsonObject reported;             //!< What the target said, as it said it.

    //! Whether this object holds the bytes with \a digests (by the strongest digest both sides know).
    bool holds(const Digests &digests, qint64 size = -1) const;
    QJsonObject toJson() const;
};

/*!
    \class gh::LookupQuery
    One file to look up: the name we intend to give it and its bytes' digests.
*/
struct LookupQuery
{
    QString name; //!< Intended name; empty to ask only by content.
    Digests digests;
    qint64 size = -1;
    /*!
        The upload follows at once (not a preview). A target whose upload itself refuses to publish bytes
        it holds elsewhere (a wiki's "duplicate" warning) may then skip asking by content for files it
        takes in one request: the bytes travel once either way, and the answer is the same.
    */
    bool beforeSend = false;
};

/*!
    \class gh::LookupAnswer
    What a target said about one LookupQuery.
*/
struct LookupAnswer
{
    QString normalizedName;               //!< The intended name as the target spells it ("Foo bar.jpg").
    QString nameProblem;                  //!< Why the target cannot take the name at all, if it cannot.
    std::optional<RemoteObject> named;    //!< What holds our name now, if anything.
    QList<RemoteObject> sameBytes;        //!< Live objects holding our bytes, under any name (ours included).
    QList<RemoteObject> deletedSameBytes; //!< Deleted objects that held our bytes.
    bool nameWasDeleted = false;          //!< Something under our name was deleted before.

    //! Our name holds our bytes: nothing to send.
    bool alreadyThere(const Digests &digests, qint64 size = -1) const;
    //! Our bytes live under other names.
    QList<RemoteObject> elsewhere(const Digests &digests) const;
};

/*!
    \class gh::UploadSource
    The bytes to send: a local file (the local store, a derivative's spool) or, for stores without local
    paths, a device opened on demand. Never read into memory as a whole.
*/
struct UploadSource
{
    QString localPath; //!< A file on this machine; preferred when set.
    //! Opens the bytes for reading (sequential is enough; chunked uploads read in order).
    std::function<Result<std::unique_ptr<QIODevice>>()> open;
    qint64 size = -1;
    Digests digests;
    QString mimetype;

    Result<std::unique_ptr<QIODevice>> openDevice() const;
};

/*!
    \class gh::UploadRequest
    One file to send to a target. Called on a worker thread; \a progress and \a saveResume are called on
    that same thread.
*/
struct UploadRequest
{
    qint64 fileId = 0;
    QString label; //!< "item/file.tif", for the transfers view.
    QString name;  //!< The remote name or key.
    UploadSource source;
    QString pageText; //!< MediaWiki: the description page.
    QString summary;  //!< MediaWiki: the edit summary / upload comment.
    //! A curator's (or rule's) decision to send despite warnings (MediaWiki ignorewarnings), or to replace
    //! what is there (a new version; S3 and local overwrite). Never set without one.
    bool ignoreWarnings = false;
    //! What an interrupted earlier attempt left (MediaWiki: the stash's filekey and offset).
    QJsonObject resume;
    //! Called whenever the resumable state changes, to be kept until the next attempt (the catalog).
    std::function<void(const QJsonObject &)> saveResume;
    std::function<void(qint64 sent, qint64 total)> progress;
    std::shared_ptr<std::atomic_bool> cancel;

    bool isCancelled() const { return cancel && cancel->load(); }
};

/*!
    \class gh::UploadOutcome
    What one upload attempt ended in.
*/
struct UploadOutcome
{
    TargetState state = TargetState::Failed;
    QString name;           //!< The name the target filed it under (normalised).
    QString message;        //!< For the curator: the target's words where it gave any.
    QJsonObject reported;   //!< What the target answered (warnings, imageinfo, error), kept in the catalog.
    bool transient = false; //!< A failure worth another attempt in a later run (network, wiki busy).
    bool fatal = false;     //!< The target cannot take any file (credentials, rights, disabled uploads).
    bool cancelled = false; //!< Stopped by cancel; the state stays pending (resume kept).
    std::optional<RemoteObject> stored; //!< What the target reported holding afterwards, when it said.
    /*!
        \a stored is what the target itself computed from the bytes it keeps (a wiki's imageinfo SHA-1 and
        size in the upload's answer), as good as reading it back: a match needs no second request.
    */
    bool storedByTarget = false;
};

/*!
    \class gh::VerifyQuery
    A name on the target and the bytes that were sent there.
*/
struct VerifyQuery
{
    QString name;
    Digests digests;
    qint64 size = -1;
};

/*!
    \class gh::VerifyResult
    What a target holds under a name compared with what was sent.
*/
struct VerifyResult
{
    bool matches = false;
    std::optional<RemoteObject> found; //!< Nothing there when empty.
    QString message;                   //!< Why it does not match.
};

/*!
    \class gh::Target
    Where approved files go: a local archive folder, an S3 bucket, a MediaWiki such as Wikimedia Commons.

    Implementations are opened from a spec by TargetRegistry and are safe to call from several worker
    threads at once (each keeps to its own politeness limits: a wiki gets one request at a time unless the
    options allow more). Every call blocks; none runs on the GUI thread.
*/
class Target
{
public:
    virtual ~Target() = default;

    //! The spec it was opened from ("mediawiki:https://…/w/api.php"); never holds credentials.
    virtual QString spec() const = 0;
    //! "mediawiki", "s3", "local".
    virtual QString kind() const = 0;
    //! Uploads that may run at once against this target.
    virtual int parallelism() const = 0;

    /*!
        The remote name for a file: the target's title or key template (\a custom when given) expanded with
        \a fields and made acceptable to the target. Same inputs, same name, in every run.
    */
    virtual Result<QString> nameFor(const TemplateFields &fields, const NameTemplate *custom) const = 0;

    /*!
        Asks what the target holds under each query's name and with each query's bytes, in as few requests
        as the target allows (MediaWiki: 50 titles per query, content look-ups in parallel within the
        politeness limits). Answers come in the order of \a queries. Fails only when the target cannot be
        asked at all.
    */
    virtual Result<QList<LookupAnswer>> lookup(const QList<LookupQuery> &queries,
                                               const std::shared_ptr<std::atomic_bool> &cancel = {}) = 0;
    //! Whether lookup() finds bytes under other names (MediaWiki by SHA-1), not only under our name.
    virtual bool findsContentElsewhere() const = 0;

    //! Sends one file. Resumable where the target allows (see UploadRequest::resume).
    virtual UploadOutcome upload(const UploadRequest &request) = 0;

    /*!
        Reads back what the target holds under each query's name (MediaWiki: imageinfo sha1 and size, 50
        titles per request; S3: HEAD checksums and size, or the bytes where the server keeps no checksum;
        local: the file hashed again) and compares it with what was sent. Answers in the order of \a queries.
    */
    virtual Result<QList<VerifyResult>> verify(const QList<VerifyQuery> &queries) = 0;

    //! Removes \a name from the target (a rejected batch), giving \a reason where the target records one.
    virtual Status remove(const QString &name, const QString &reason) = 0;
};

} // namespace gh
