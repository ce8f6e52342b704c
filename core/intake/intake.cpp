#include "intake.h"

#include <optional>

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "catalog/bulkrows.h"
#include "catalog/catalog.h"
#include "intakechain.h"
#include "remote/remotefetcher.h"
#include "util/logging.h"

namespace gh {

namespace {

/*!
    Writes items and their files to the catalog in transactions of a few thousand rows (500 rows a
    statement, see insertItems()), applies the banned list, and counts what it wrote.
*/
class CatalogSink final : public RollbackSink
{
public:
    CatalogSink(Catalog &catalog, qint64 batchId, const IntakeOptions &options)
        : m_catalog(catalog)
        , m_batchId(batchId)
        , m_options(options)
    {}

    Status add(ItemDraft draft) override
    {
        if (!m_transaction) {
            auto tx = m_catalog.transaction();
            if (!tx)
                return tx.error();
            m_transaction.emplace(std::move(*tx));
        }
        NewItem added;
        ItemRecord &item = added.item;
        item.batchId = m_batchId;
        item.seq = int(++m_items);
        item.identifier = draft.identifier;
        item.label = draft.label;
        item.metadata = draft.metadata;

        bool banned = m_options.bannedIds.contains(draft.identifier);
        for (const QString &other : draft.otherIdentifiers)
            banned = banned || m_options.bannedIds.contains(other);
        if (banned)
            ++m_banned;
        int seq = 0;
        added.files.reserve(draft.files.size());
        for (const FileDraft &fileDraft : draft.files) {
            FileRecord file;
            file.batchId = m_batchId;
            file.seq = ++seq;
            file.name = fileDraft.name;
            file.sourcePath = fileDraft.sourcePath;
            file.sourceMember = fileDraft.sourceMember;
            file.sourceUrl = fileDraft.sourceUrl;
            file.declaredSize = fileDraft.declaredSize;
            file.declared = fileDraft.declared;
            file.declaredMimetype = fileDraft.declaredMimetype;
            file.status = fileDraft.status;
            file.error = fileDraft.error;
            if (banned && file.status == FileStatus::Pending)
                file.status = FileStatus::SkippedBanned;
            if (StatusInfo::severity(file.status) == Severity::Error && !file.error.isEmpty())
                m_fileErrors.insert(file.error);
            added.files.append(std::move(file));
            ++m_files;
        }
        m_queue.append(std::move(added));
        if (++m_pending >= 2000)
            return flush();
        if (m_queue.size() >= 500)
            return write();
        return {};
    }

    Status flush()
    {
        m_pending = 0;
        if (!m_transaction)
            return {};
        if (Status s = write(); !s)
            return s;
        Status s = m_transaction->commit();
        m_transaction.reset();
        return s;
    }

    qint64 itemCount() const override { return m_items; }

    Status discardFrom(qint64 count) override
    {
        if (Status s = write(); !s)
            return s;
        auto removed = m_catalog.discardItemsAfter(m_batchId, count);
        if (!removed)
            return removed.error();
        m_items = count;
        m_files -= *removed;
        return {};
    }

    qint64 items() const { return m_items; }
    qint64 files() const { return m_files; }
    qint64 banned() const { return m_banned; }
    //! The errors of the files written with an Error-severity status: a trace warning that repeats one is
    //! that file's problem, not a second one.
    const QSet<QString> &fileErrors() const { return m_fileErrors; }

private:
    //! Writes the queued items and their files in the open transaction.
    Status write()
    {
        if (m_queue.isEmpty())
            return {};
        Status s = insertItems(m_catalog, m_queue);
        m_queue.clear();
        return s;
    }

    Catalog &m_catalog;
    qint64 m_batchId;
    const IntakeOptions &m_options;
    std::optional<Catalog::Transaction> m_transaction;
    QList<NewItem> m_queue; //!< Added, not yet written (up to 500 items).
    qint64 m_items = 0;
    qint64 m_files = 0;
    qint64 m_banned = 0;
    int m_pending = 0;
    QSet<QString> m_fileErrors;
};

} // namespace

Intake::Intake(Catalog &catalog)
    : m_catalog(catalog)
{}

QString Intake::normalizeSource(const QString &source)
{
    if (source.contains(u"://"))
        return source.trimmed();
    const QFileInfo info(source);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

Result<LoadResult> Intake::load(const QString &source, const IntakeOptions &options)
{
    const QString normalized = normalizeSource(source);
    if (RemoteFetcher::isRemote(normalized)) {
        // Downloaded by the chain, which fails the intake stage like any unreadable source when it cannot be.
        const QUrl url(normalized);
        QString name = options.name;
        if (name.isEmpty())
            name = QUrl::fromPercentEncoding(url.path().section(u'/', -1).toUtf8());
        if (name.isEmpty())
            name = url.host();
        return loadNew(name, normalized, options);
    }
    const QFileInfo info(normalized);
    if (!info.exists())
        return Error{ErrorCode::NotFound,
                     tr("The source %1 does not exist.").arg(QDir::toNativeSeparators(source))};
    if (!info.isReadable()) {
        return Error{
            ErrorCode::Unreadable,
            tr("The source %1 cannot be read: permission denied.").arg(QDir::toNativeSeparators(source))};
    }
    return loadNew(options.name.isEmpty() ? info.fileName() : options.name, normalized, options);
}

Result<LoadResult> Intake::loadNew(const QString &name, const QString &source, const IntakeOptions &options)
{
    const Result<qint64> batchId = m_catalog.createBatch(name, source);
    if (!batchId)
        return batchId.error();
    return ingestInto(*batchId, source, options);
}

Result<LoadResult> Intake::reload(qint64 batchId, const QString &source, const IntakeOptions &options)
{
    {
        auto tx = m_catalog.transaction();
        if (!tx)
            return tx.error();
        if (Status s = m_catalog.clearBatchContents(batchId); !s)
            return s.error();
        if (Status s = tx->commit(); !s)
            return s.error();
    }
    return ingestInto(batchId, normalizeSource(source), options);
}

Result<LoadResult> Intake::ingestInto(qint64 batchId, const QString &source, const IntakeOptions &options)
{
    if (Status s = m_catalog.setStageState(batchId, Stage::Intake, StageState::Running); !s)
        return s.error();

    IntakeTrace trace;
    CatalogSink sink(m_catalog, batchId, options);
    IntakeChain chain;
    QString detected;
    Status status;
    if (auto kind = chain.ingest(source, sink, trace, options); kind)
        detected = *kind;
    else
        status = kind.error();
    if (status)
        status = sink.flush();

    if (!status) {
        if (Status s =
                m_catalog.setStageState(batchId, Stage::Intake, StageState::Failed, status.error().message);
            !s)
            qCWarning(lcIntake).noquote() << s.error().message;
        return status.error();
    }
    if (sink.banned() > 0)
        trace.warn(tr("%n record(s) on the banned list will be skipped.", nullptr, int(sink.banned())));
    const QJsonArray traceJson = IntakeTrace::markFileWarnings(trace.toJson(), sink.fileErrors());
    if (Status s = m_catalog.setBatchDetection(batchId, detected, traceJson); !s)
        return s.error();
    // A batch loaded without a name takes the source's own name for itself, when it has one.
    QString name;
    if (options.name.isEmpty() && !trace.label().isEmpty()) {
        name = trace.label();
        if (Status s = m_catalog.renameBatch(batchId, name); !s)
            return s.error();
    }

    bool warned = false;
    for (const TraceStep &step : trace.steps())
        warned = warned || !step.warnings.isEmpty();
    const QString summary = tr("%1, %2").arg(tr("%n item(s)", nullptr, int(sink.items())),
                                             tr("%n file(s)", nullptr, int(sink.files())));
    if (Status s = m_catalog.setStageState(batchId, Stage::Intake,
                                           warned ? StageState::NeedsAttention : StageState::Done, summary);
        !s)
        return s.error();
    qCInfo(lcIntake).noquote() << "batch" << batchId << "loaded from" << source << "as" << detected << ":"
                               << summary;

    LoadResult result;
    result.batchId = batchId;
    result.items = sink.items();
    result.files = sink.files();
    result.detected = detected;
    result.trace = traceJson;
    result.name = name;
    return result;
}

} // namespace gh
