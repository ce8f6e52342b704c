#include "recheck.h"

#include <QFileInfo>
#include <QLocale>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "digest/fixity.h"
#include "digest/multidigest.h"
#include "fetchoutcome.h"
#include "intake/intakechain.h"
#include "store/bitstore.h"
#include "util/logging.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr int s_pageSize = 256;
constexpr qsizetype s_chunkSize = 1 << 20;

QString fileKey(const QString &item, const QString &name)
{
    return item + QChar(0x1f) + name;
}

bool sameBytes(const Digests &a, const Digests &b)
{
    return a.sha256 == b.sha256 && a.sha1 == b.sha1 && a.md5 == b.md5;
}

//! Digests of a local file, or nothing when it cannot be read (or the check was cancelled).
std::optional<Digests> digestsOf(QIODevice &device, bool withSha512, const std::atomic_bool *cancel,
                                 qint64 *size = nullptr)
{
    MultiDigest digest(MultiDigest::Lanes::Single, withSha512);
    QByteArray buffer(s_chunkSize, Qt::Uninitialized);
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return std::nullopt;
        const qint64 n = device.read(buffer.data(), buffer.size());
        if (n < 0)
            return std::nullopt;
        if (n == 0)
            break;
        digest.add(buffer.constData(), n);
    }
    if (size)
        *size = digest.bytes();
    return digest.finish();
}

/*!
    Collects what the source declares now, by item identifier and file name, instead of writing to the
    catalog. With a wanted set, only those files are kept (a check of a few selected files of a large batch).
*/
class DeclaredSink final : public RollbackSink
{
public:
    DeclaredSink(const IntakeOptions &options, std::optional<QSet<QString>> wanted)
        : m_options(options)
        , m_wanted(std::move(wanted))
    {}

    Status add(ItemDraft draft) override
    {
        bool banned = m_options.bannedIds.contains(draft.identifier);
        for (const QString &other : draft.otherIdentifiers)
            banned = banned || m_options.bannedIds.contains(other);
        QStringList keys;
        for (const FileDraft &f : std::as_const(draft.files)) {
            if (StatusInfo::severity(f.status) == Severity::Error && !f.error.isEmpty())
                m_fileErrors.insert(f.error);
            const QString key = fileKey(draft.identifier, f.name);
            if (m_wanted && !m_wanted->contains(key))
                continue;
            Recheck::Declared d;
            d.declared = f.declared;
            d.declaredSize = f.declaredSize;
            d.declaredMimetype = f.declaredMimetype;
            d.status = banned && f.status == FileStatus::Pending ? FileStatus::SkippedBanned : f.status;
            d.error = f.error;
            m_declared.insert(key, d);
            keys.append(key);
        }
        m_items.append(keys);
        return {};
    }

    qint64 itemCount() const override { return m_items.size(); }

    Status discardFrom(qint64 count) override
    {
        while (m_items.size() > count) {
            for (const QString &key : m_items.takeLast())
                m_declared.remove(key);
        }
        return {};
    }

    std::optional<Recheck::Declared> find(const QString &key) const
    {
        const auto it = m_declared.constFind(key);
        return it == m_declared.cend() ? std::nullopt : std::optional<Recheck::Declared>(*it);
    }
    const QSet<QString> &fileErrors() const { return m_fileErrors; }

private:
    const IntakeOptions &m_options;
    std::optional<QSet<QString>> m_wanted;
    QHash<QString, Recheck::Declared> m_declared;
    QList<QStringList> m_items;
    QSet<QString> m_fileErrors;
};

} // namespace

QString RecheckSummary::text() const
{
    QStringList parts;
    if (resolved > 0)
        parts.append(Recheck::tr("%n problem(s) resolved", nullptr, int(resolved)));
    if (problems > 0)
        parts.append(Recheck::tr("%n file(s) still with problems", nullptr, int(problems)));
    parts.append(Recheck::tr("%n stored copy(-ies) verified", nullptr, int(verified)));
    if (toFetch > 0)
        parts.append(Recheck::tr("%n file(s) to copy again", nullptr, int(toFetch)));
    else
        parts.append(Recheck::tr("nothing to copy again"));
    if (notListed > 0)
        parts.append(Recheck::tr("%n file(s) no longer listed by the source", nullptr, int(notListed)));
    QString text = Recheck::tr("Checked %n file(s): %1.", nullptr, int(checked)).arg(parts.join(u", "));
    if (!sourceRead)
        text += u' ' + Recheck::tr("The source could not be read again; the checksums declared earlier were "
                                   "used.");
    return text;
}

QJsonObject RecheckSummary::toJson() const
{
    return QJsonObject{
        {QStringLiteral("checked"), checked},        {QStringLiteral("verified"), verified},
        {QStringLiteral("resolved"), resolved},      {QStringLiteral("problems"), problems},
        {QStringLiteral("to_fetch"), toFetch},       {QStringLiteral("damaged"), damaged},
        {QStringLiteral("changed"), changed},        {QStringLiteral("not_listed"), notListed},
        {QStringLiteral("source_read"), sourceRead},
    };
}

Recheck::Recheck(Catalog &catalog, BitStore &store)
    : m_catalog(catalog)
    , m_store(store)
{}

void Recheck::log(const QString &line) const
{
    qCInfo(lcPipeline).noquote() << line;
    if (m_log)
        m_log(line);
}

Recheck::CopyCheck Recheck::inspect(BitStore &store, const FileRecord &file, const std::atomic_bool *cancel)
{
    CopyCheck check;
    check.hasCopy = !file.storedKey.isEmpty();
    if (!check.hasCopy)
        return check;
    auto device = store.read(file.storedKey);
    if (!device) {
        check.readError = device.error().message;
        return check;
    }
    const bool sha512 = !file.declared.sha512.isEmpty() || !file.digests.sha512.isEmpty();
    const auto stored = digestsOf(**device, sha512, cancel, &check.size);
    if (!stored) {
        check.readError = (*device)->errorString().isEmpty()
                              ? tr("reading %1 was stopped").arg(file.storedKey)
                              : (*device)->errorString();
        return check;
    }
    check.digests = *stored;
    check.readable = true;

    // Has the source changed since it was copied? A download is not asked again (that is a refresh), and a
    // source that is gone leaves the stored copy as the only one.
    if (!file.sourceUrl.isEmpty() && file.sourcePath.isEmpty())
        return check;
    const QFileInfo source(file.sourcePath);
    if (!source.exists())
        return check;
    if (!file.sourceMember.isEmpty()) {
        // A member of an archive: only an archive rewritten since the copy can hold other bytes.
        check.sourceChanged = file.processedAt.isValid() && source.lastModified() > file.processedAt;
        return check;
    }
    if (source.size() != file.size) {
        check.sourceChanged = true;
    } else if (!file.processedAt.isValid() || source.lastModified() > file.processedAt) {
        // Touched since: the bytes decide, so a copy whose bytes are the same is not made again.
        QFile in(file.sourcePath);
        if (in.open(QIODevice::ReadOnly)) {
            const auto now = digestsOf(in, sha512, cancel);
            check.sourceChanged = now && !sameBytes(*now, file.digests);
        }
    }
    return check;
}

bool Recheck::decide(FileRecord &file, const std::optional<Declared> &declared, const CopyCheck &copy,
                     QList<EventRecord> &events)
{
    const QString agent = agentFor(QStringLiteral("recheck"));
    auto event = [&](const QString &type, const QString &outcome, const QString &detail) {
        events.append(FileFinisher::event(file, type, outcome, detail, agent));
    };

    if (declared) {
        file.declared = declared->declared;
        file.declaredSize = declared->declaredSize;
        file.declaredMimetype = declared->declaredMimetype;
    }

    if (copy.hasCopy) {
        if (!copy.readable) {
            event(QStringLiteral("fixity check"), QStringLiteral("failure"),
                  tr("The stored copy %1 could not be read (%2); the file will be copied again.")
                      .arg(file.storedKey, copy.readError));
            file.status = FileStatus::Pending;
            file.error.clear();
            return true;
        }
        if (copy.size != file.size || !sameBytes(copy.digests, file.digests)) {
            event(QStringLiteral("fixity check"), QStringLiteral("failure"),
                  tr("The stored copy %1 no longer holds the bytes that were stored (sha256 %2, now %3); the "
                     "file will be copied again.")
                      .arg(file.storedKey, file.digests.sha256, copy.digests.sha256));
            file.status = FileStatus::Pending;
            file.error.clear();
            return true;
        }
        if (copy.sourceChanged) {
            event(QStringLiteral("fixity check"), QStringLiteral("success"),
                  tr("The stored copy %1 is intact, but the source changed since it was copied; the file "
                     "will be copied again.")
                      .arg(file.storedKey));
            file.status = FileStatus::Pending;
            file.error.clear();
            return true;
        }
        const Fixity::Verdict verdict = Fixity::compare(file.declared, copy.digests);
        const FileStatus before = file.status;
        if (!verdict.matches) {
            file.status = FileStatus::FixityMismatch;
            file.error = FileFinisher::mismatchMessage(verdict.detail, file.declared.origin);
        } else if (copy.size == 0) {
            file.status = FileStatus::Empty;
            file.error = tr("The file is empty.");
        } else {
            // A reused copy ("not changed") stays what it was; anything else is now stored as declared.
            file.status = StatusInfo::severity(before) == Severity::Ok ? before : FileStatus::Success;
            file.error.clear();
        }
        QString detail = tr("Stored copy %1 verified: sha256 %2.").arg(file.storedKey, copy.digests.sha256);
        if (verdict.checked)
            detail += u' ' + verdict.detail;
        event(QStringLiteral("fixity check"),
              verdict.matches ? QStringLiteral("success") : QStringLiteral("failure"), detail);
        return false;
    }

    // Never stored: what intake says now decides, and anything that may work now is fetched again.
    if (declared && declared->status != FileStatus::Pending) {
        if (file.status != declared->status || file.error != declared->error) {
            event(QStringLiteral("validation"),
                  StatusInfo::severity(declared->status) == Severity::Error ? QStringLiteral("failure")
                                                                            : QStringLiteral("success"),
                  declared->error.isEmpty() ? StatusInfo::displayName(declared->status) : declared->error);
        }
        file.status = declared->status;
        file.error = declared->error;
        return false;
    }
    if (!declared && StatusInfo::severity(file.status) != Severity::Error &&
        file.status != FileStatus::Pending)
        return false; // not listed any more, and nothing wrong with it: leave it
    const bool again = file.status != FileStatus::Pending;
    file.status = FileStatus::Pending;
    file.error.clear();
    if (again)
        event(QStringLiteral("validation"), QStringLiteral("success"),
              tr("Checked again: the file will be fetched again."));
    return true;
}

Result<RecheckSummary> Recheck::run(qint64 batchId, const RecheckOptions &options)
{
    auto batch = m_catalog.batch(batchId);
    if (!batch)
        return batch.error();
    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    if (const StageRecord *r = StageRecord::runningNow(*stages)) {
        return Error{ErrorCode::Usage,
                     tr("Batch %1 is being processed (%2 stage, %3); check it again when that has finished.")
                         .arg(batchId)
                         .arg(StageInfo::displayName(r->stage), r->runner)};
    }
    const std::atomic_bool *cancel = options.intake.cancel;
    auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };

    // The files to check: the ones asked for (each must belong to the batch), or all of them.
    QList<FileRecord> chosen;
    std::optional<QSet<QString>> wanted;
    if (!options.fileIds.isEmpty()) {
        wanted.emplace();
        for (const qint64 id : options.fileIds) {
            auto file = m_catalog.file(id);
            if (!file)
                return file.error();
            if (file->batchId != batchId)
                return Error{ErrorCode::Usage, tr("File %1 is not in batch %2.").arg(id).arg(batchId)};
            wanted->insert(fileKey(file->item, file->name));
            chosen.append(*file);
        }
    }
    const qint64 total = options.fileIds.isEmpty() ? batch->files : chosen.size();

    // The source again: sidecars and manifests as they are now.
    RecheckSummary summary;
    DeclaredSink sink(options.intake, wanted);
    IntakeTrace trace;
    std::optional<QJsonArray> freshTrace;
    log(tr("Checking batch %1 again: reading %2.").arg(batchId).arg(batch->source));
    IntakeChain chain;
    if (auto detected = chain.ingest(batch->source, sink, trace, options.intake); detected) {
        summary.sourceRead = true;
        freshTrace = IntakeTrace::markFileWarnings(trace.toJson(), sink.fileErrors());
        if (Status s = m_catalog.setBatchDetection(batchId, *detected, *freshTrace); !s)
            return s.error();
    } else if (detected.error().code == ErrorCode::Cancelled || cancelled()) {
        return Error{ErrorCode::Cancelled, tr("Checking batch %1 again was cancelled.").arg(batchId)};
    } else {
        log(tr("The source %1 could not be read again: %2").arg(batch->source, detected.error().message));
    }

    QThreadPool pool;
    pool.setMaxThreadCount(options.jobs > 0 ? options.jobs : std::max(2, QThread::idealThreadCount()));
    qint64 done = 0;
    qint64 qaForgotten = 0;
    auto checkPage = [&](QList<FileRecord> page) -> Status {
        const QList<CopyCheck> copies = QtConcurrent::blockingMapped<QList<CopyCheck>>(
            &pool, page, [this, cancel](const FileRecord &f) { return inspect(m_store, f, cancel); });
        if (cancelled())
            return Error{ErrorCode::Cancelled, tr("Checking batch %1 again was cancelled.").arg(batchId)};
        QList<EventRecord> events;
        QList<qint64> redecided;
        for (qsizetype i = 0; i < page.size(); ++i) {
            FileRecord &f = page[i];
            const FileStatus before = f.status;
            const bool hadProblem = StatusInfo::severity(f.status) == Severity::Error;
            const auto declared =
                summary.sourceRead ? sink.find(fileKey(f.item, f.name)) : std::optional<Declared>();
            if (summary.sourceRead && !declared)
                ++summary.notListed;
            const CopyCheck &copy = copies.at(i);
            if (copy.hasCopy && copy.readable && copy.size == f.size && sameBytes(copy.digests, f.digests))
                ++summary.verified;
            if (decide(f, declared, copy, events)) {
                ++summary.toFetch;
                if (copy.hasCopy && (!copy.readable || !sameBytes(copy.digests, f.digests)))
                    ++summary.damaged;
                else if (copy.sourceChanged)
                    ++summary.changed;
            }
            if (f.status != before)
                redecided.append(f.id);
            const bool problem = StatusInfo::severity(f.status) == Severity::Error;
            summary.problems += problem;
            summary.resolved += hadProblem && !problem;
            ++summary.checked;
        }
        if (Status s = m_catalog.recordRecheck(page, events); !s)
            return s;
        // What QA found about a file's old state no longer holds: the next run checks it again.
        if (Status s = CheckRecords(m_catalog).forgetFiles(redecided); !s)
            return s;
        qaForgotten += redecided.size();
        done += page.size();
        if (m_progress)
            m_progress(done, total);
        return {};
    };

    if (!chosen.isEmpty()) {
        for (qsizetype start = 0; start < chosen.size(); start += s_pageSize) {
            if (Status s = checkPage(chosen.mid(start, s_pageSize)); !s)
                return s.error();
        }
    } else {
        FileQuery query;
        query.limit = s_pageSize;
        for (;;) {
            auto page = m_catalog.files(batchId, query);
            if (!page)
                return page.error();
            if (page->isEmpty())
                break;
            query.afterId = page->constLast().id;
            const bool last = page->size() < s_pageSize;
            if (Status s = checkPage(std::move(*page)); !s)
                return s.error();
            if (last)
                break;
        }
    }

    if (Status s = settleStages(m_catalog, batchId, freshTrace); !s)
        return s.error();
    // A check stage that has run is to run again for the files it no longer holds results for.
    if (const auto stageRows = m_catalog.stages(batchId); qaForgotten > 0 && stageRows) {
        const bool checked = std::any_of(stageRows->cbegin(), stageRows->cend(), [](const StageRecord &r) {
            return r.stage == Stage::Check && r.state != StageState::NotStarted;
        });
        if (checked) {
            if (Status s = m_catalog.setStageState(batchId, Stage::Check, StageState::NeedsAttention,
                                                   tr("Checked again: %n file(s) to check", nullptr,
                                                      int(std::min<qint64>(qaForgotten, INT_MAX))));
                !s)
                return s.error();
        }
    }
    log(summary.text());
    return summary;
}

Status Recheck::settleStages(Catalog &catalog, qint64 batchId, const std::optional<QJsonArray> &trace)
{
    if (trace) {
        bool warned = false;
        qint64 warnings = 0;
        for (const QJsonValue &step : *trace) {
            const QJsonArray list = step[QStringLiteral("warnings")].toArray();
            for (int i = 0; i < list.size(); ++i)
                warnings += !IntakeTrace::isFileWarning(step.toObject(), i);
            warned = warned || !list.isEmpty();
        }
        if (Status s = catalog.setStageState(batchId, Stage::Intake,
                                             warned ? StageState::NeedsAttention : StageState::Done,
                                             tr("Read again: %n warning(s)", nullptr, int(warnings)));
            !s)
            return s;
    }
    auto counts = catalog.statusCounts(batchId);
    if (!counts)
        return counts.error();
    const qint64 problems = StatusInfo::tally(*counts).errors;
    const qint64 pending = counts->value(FileStatus::Pending);
    if (pending > 0) {
        return catalog.setStageState(batchId, Stage::Fetch, StageState::NeedsAttention,
                                     tr("Checked again: %n file(s) to fetch", nullptr, int(pending)));
    }
    if (problems > 0) {
        return catalog.setStageState(batchId, Stage::Fetch, StageState::NeedsAttention,
                                     tr("Checked again: %n file(s) with problems", nullptr, int(problems)));
    }
    return catalog.setStageState(batchId, Stage::Fetch, StageState::Done,
                                 tr("Checked again: every stored copy verified"));
}

} // namespace gh
