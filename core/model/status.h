#pragma once

#include <optional>

#include <QCoreApplication>
#include <QString>

namespace gh {

/*!
    \enum gh::FileStatus
    The outcome recorded for one file. Each value is either transient (the work may succeed if retried, with
    bounded backoff) or permanent (retrying cannot help), and belongs to a Severity that decides where the
   user interface shows it. Rendered as lower-case hyphenated strings, which are part of the CLI contract.
*/
enum class FileStatus
{
    Pending,          //!< "pending": not yet processed by the current stage (not an outcome).
    Success,          //!< "success": stored, digests computed, declared checksums (if any) matched.
    Unchanged,        //!< "unchanged": the source answered "not modified"; the stored copy was reused.
    SkippedBanned,    //!< "skipped-banned": the record is on the banned list and was not processed.
    TooLarge,         //!< "too-large": larger than the configured limit; nothing stored.
    WrongMimetype,    //!< "wrong-mimetype": the declared or sniffed type is not accepted; nothing stored.
    Empty,            //!< "empty": the source has no bytes.
    NotFound,         //!< "not-found": the source does not exist (HTTP 404/410, file gone).
    Forbidden,        //!< "forbidden": access refused (HTTP 401/403, file permissions).
    ClientError,      //!< "client-error": another 4xx answer; the request itself is wrong.
    ServerError,      //!< "server-error": 5xx answers after every attempt (transient).
    RateLimited,      //!< "rate-limited": 429 answers after every attempt (transient).
    Timeout,          //!< "timeout": connect or stall timeout after every attempt (transient).
    NetworkError,     //!< "network-error": connection reset, DNS failure and similar (transient).
    Truncated,        //!< "truncated": the body ended before its announced length (transient).
    TlsError,         //!< "tls-error": the server's certificate could not be verified.
    RedirectLoop,     //!< "redirect-loop": a redirect chain returned to a URL it had visited.
    TooManyRedirects, //!< "too-many-redirects": more redirects than the configured limit.
    FixityMismatch,   //!< "fixity-mismatch": a computed digest differs from the declared one.
    Missing,          //!< "missing": a manifest lists the file but the package does not contain it.
    Unreadable,       //!< "unreadable": the source exists but could not be read.
    StoreError,       //!< "store-error": the bit store refused or failed the write (transient).
    UnsafePath,       //!< "unsafe-path": the file's path would escape its destination.
    LimitExceeded,    //!< "limit-exceeded": an archive limit (entries, size, ratio, depth) was hit.
    Unsupported,      //!< "unsupported": the source kind or format cannot be processed.
    Deleted,          //!< "deleted": the batch was rejected and its stored copy deleted; records are kept.
    NeedsDecision,    //!< "needs-decision": a target warned (name taken, bytes elsewhere, deleted before).
    UploadRefused,    //!< "upload-refused": a target refused the file for good (its type, its name, …).
    TargetMismatch    //!< "target-mismatch": what a target holds after the upload differs from what was sent.
};

/*!
    \enum gh::Severity
    Where a status belongs in the user interface and in exit codes.
*/
enum class Severity
{
    Open,    //!< Work not done yet; shown as pending.
    Ok,      //!< Done as intended.
    Skipped, //!< Deliberately not processed by a rule the curator set; counted, not an error.
    Error    //!< Needs attention: shown in the issues list, makes the CLI exit 1.
};

/*!
    \class gh::SeverityTally
    How many files are in each Severity: what the summary, the state line and the problem count add up.
*/
struct SeverityTally
{
    qint64 ok = 0;
    qint64 errors = 0;
    qint64 skipped = 0;
    qint64 open = 0;
};

class StatusInfo
{
    Q_DECLARE_TR_FUNCTIONS(gh::StatusInfo)

public:
    static QString key(FileStatus status);
    static std::optional<FileStatus> fromKey(QStringView key);
    static bool isTransient(FileStatus status);
    //! Every status isTransient() holds for: the failures a later run tries again.
    static const QList<FileStatus> &transientStatuses();
    static Severity severity(FileStatus status);
    //! A short translated description for the GUI.
    static QString displayName(FileStatus status);
    static const QList<FileStatus> &all();
    //! \a counts (files per status) added up by severity.
    template <typename Map>
    static SeverityTally tally(const Map &counts)
    {
        SeverityTally t;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            switch (severity(it.key())) {
            case Severity::Ok:
                t.ok += it.value();
                break;
            case Severity::Error:
                t.errors += it.value();
                break;
            case Severity::Skipped:
                t.skipped += it.value();
                break;
            case Severity::Open:
                t.open += it.value();
                break;
            }
        }
        return t;
    }
};

} // namespace gh
