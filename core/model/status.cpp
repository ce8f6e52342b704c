#include "status.h"

#include <array>

#include <QCoreApplication>

#include "i18n/pluralforms.h"

// Every program that links the engine shows statuses, so this file is always linked: the English plural forms
// are installed from here when the application starts.
namespace {
void installPluralFormsAtStartup()
{
    gh::installEnglishPluralForms();
}
} // namespace
Q_COREAPP_STARTUP_FUNCTION(installPluralFormsAtStartup)

namespace gh {

namespace {

struct Entry
{
    FileStatus status;
    QStringView key;
    bool transient;
    Severity severity;
    const char *name;
};

using namespace Qt::StringLiterals;

// The single table that defines the taxonomy; every mapping below reads it.
constexpr std::array s_entries{
    Entry{FileStatus::Pending, u"pending", false, Severity::Open,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Pending")},
    Entry{FileStatus::Success, u"success", false, Severity::Ok,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Stored")},
    Entry{FileStatus::Unchanged, u"unchanged", false, Severity::Ok,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Not changed")},
    Entry{FileStatus::SkippedBanned, u"skipped-banned", false, Severity::Skipped,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Skipped (banned)")},
    Entry{FileStatus::TooLarge, u"too-large", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Too large")},
    Entry{FileStatus::WrongMimetype, u"wrong-mimetype", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Wrong type")},
    Entry{FileStatus::Empty, u"empty", false, Severity::Error, QT_TRANSLATE_NOOP("gh::StatusInfo", "Empty")},
    Entry{FileStatus::NotFound, u"not-found", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Not found")},
    Entry{FileStatus::Forbidden, u"forbidden", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Forbidden")},
    Entry{FileStatus::ClientError, u"client-error", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Request refused")},
    Entry{FileStatus::ServerError, u"server-error", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Server error")},
    Entry{FileStatus::RateLimited, u"rate-limited", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Rate limited")},
    Entry{FileStatus::Timeout, u"timeout", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Timed out")},
    Entry{FileStatus::NetworkError, u"network-error", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Network error")},
    Entry{FileStatus::Truncated, u"truncated", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Truncated")},
    Entry{FileStatus::TlsError, u"tls-error", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "TLS error")},
    Entry{FileStatus::RedirectLoop, u"redirect-loop", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Redirect loop")},
    Entry{FileStatus::TooManyRedirects, u"too-many-redirects", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Too many redirects")},
    Entry{FileStatus::FixityMismatch, u"fixity-mismatch", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Checksum mismatch")},
    Entry{FileStatus::Missing, u"missing", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Missing")},
    Entry{FileStatus::Unreadable, u"unreadable", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Unreadable")},
    Entry{FileStatus::StoreError, u"store-error", true, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Storage error")},
    Entry{FileStatus::UnsafePath, u"unsafe-path", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Unsafe path")},
    Entry{FileStatus::LimitExceeded, u"limit-exceeded", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Limit exceeded")},
    Entry{FileStatus::Unsupported, u"unsupported", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Unsupported")},
    // Deliberate, by the curator's rejection of the batch: counted, never retried, not a problem to fix.
    Entry{FileStatus::Deleted, u"deleted", false, Severity::Skipped,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Deleted (batch rejected)")},
    Entry{FileStatus::NeedsDecision, u"needs-decision", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Needs a decision")},
    Entry{FileStatus::UploadRefused, u"upload-refused", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Refused by the target")},
    Entry{FileStatus::TargetMismatch, u"target-mismatch", false, Severity::Error,
          QT_TRANSLATE_NOOP("gh::StatusInfo", "Differs on the target")},
};

const Entry &entry(FileStatus status)
{
    for (const Entry &e : s_entries) {
        if (e.status == status)
            return e;
    }
    Q_UNREACHABLE();
}

} // namespace

QString StatusInfo::key(FileStatus status)
{
    return entry(status).key.toString();
}

std::optional<FileStatus> StatusInfo::fromKey(QStringView key)
{
    for (const Entry &e : s_entries) {
        if (e.key == key)
            return e.status;
    }
    return std::nullopt;
}

bool StatusInfo::isTransient(FileStatus status)
{
    return entry(status).transient;
}

const QList<FileStatus> &StatusInfo::transientStatuses()
{
    static const QList<FileStatus> transient = [] {
        QList<FileStatus> list;
        for (FileStatus s : all()) {
            if (isTransient(s))
                list.append(s);
        }
        return list;
    }();
    return transient;
}

Severity StatusInfo::severity(FileStatus status)
{
    return entry(status).severity;
}

QString StatusInfo::displayName(FileStatus status)
{
    return tr(entry(status).name);
}

const QList<FileStatus> &StatusInfo::all()
{
    static const QList<FileStatus> list = [] {
        QList<FileStatus> result;
        for (const Entry &e : s_entries)
            result.append(e.status);
        return result;
    }();
    return list;
}

} // namespace gh
