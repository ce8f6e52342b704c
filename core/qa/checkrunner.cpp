#include "checkrunner.h"

#include <QDir>

#include "catalog/catalog.h"
#include "checkregistry.h"
#include "qalogging.h"
#include "schemaset.h"
#include "storedcopy.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr int s_eventChunk = 5000;
constexpr int s_detailLength = 2000;

QString outcomeFor(const QList<const FindingRecord *> &findings)
{
    std::optional<FindingSeverity> worst;
    for (const FindingRecord *f : findings) {
        if (!worst || f->severity > *worst)
            worst = f->severity;
    }
    if (!worst)
        return QStringLiteral("success");
    return *worst == FindingSeverity::Error ? QStringLiteral("failure") : QStringLiteral("warning");
}

} // namespace

Result<std::shared_ptr<const CheckRunner>> CheckRunner::create(const BatchRecord &batch,
                                                               const QaProfile &profile)
{
    return create(batch, profile, CheckRegistry::instance());
}

Result<std::shared_ptr<const CheckRunner>>
CheckRunner::create(const BatchRecord &batch, const QaProfile &profile, const CheckRegistry &registry)
{
    const QStringList known = registry.names();
    QStringList named = profile.checks;
    named.append(QStringList(profile.skip.cbegin(), profile.skip.cend()));
    for (const QString &name : std::as_const(named)) {
        if (!known.contains(name))
            return Error{ErrorCode::Usage,
                         tr("The QA profile names the check \"%1\", which does not exist; the "
                            "checks are: %2.")
                             .arg(name, known.join(QStringLiteral(", ")))};
    }

    std::shared_ptr<CheckRunner> runner(new CheckRunner);
    runner->m_agent = agentFor(QStringLiteral("check"));
    CheckEnvironment &env = runner->m_environment;
    env.batch.id = batch.id;
    env.batch.name = batch.name;
    env.batch.source = batch.source;
    env.batch.detected = batch.detected;
    env.batch.created = batch.created;
    env.profile = profile;
    env.analyser = registry.imageAnalyser();
    env.xmlTreeNeeded = false;
    for (const auto &check : registry.checks()) {
        if (profile.runs(check->name())) {
            runner->m_checks.append(check);
            env.xmlTreeNeeded = env.xmlTreeNeeded || check->readsXmlTree();
        }
    }

    if (profile.runs(QStringLiteral("xml-schema"))) {
        const QString location = profile.schemas.isEmpty() ? SchemaSet::defaultLocation() : profile.schemas;
        if (location.isEmpty()) {
            env.schemasProblem = tr("no schemas are configured (give --schemas with a folder or an XML "
                                    "catalog, set schemas= under "
                                    "[check] in the QA profile, or run \"gatehouse-cli schemas fetch\").");
        } else {
            auto schemas = SchemaSet::open(location);
            if (!schemas)
                return Error{
                    schemas.error().code,
                    tr("The schemas for xml-schema cannot be used: %1").arg(schemas.error().message)};
            env.schemas = std::move(*schemas);
        }
    }
    return std::shared_ptr<const CheckRunner>(std::move(runner));
}

QStringList CheckRunner::checkNames() const
{
    QStringList names;
    for (const auto &check : m_checks)
        names.append(check->name());
    return names;
}

EventRecord CheckRunner::event(qint64 fileId, qint64 itemId, const QString &type, const QString &check,
                               const QList<const FindingRecord *> &findings) const
{
    EventRecord e;
    e.batchId = m_environment.batch.id;
    e.itemId = itemId;
    e.fileId = fileId;
    e.type = type;
    e.at = QDateTime::currentDateTimeUtc();
    e.outcome = outcomeFor(findings);
    e.agent = m_agent;
    if (findings.isEmpty()) {
        e.detail = tr("%1: passed").arg(check);
    } else {
        QStringList messages;
        for (const FindingRecord *f : findings)
            messages.append(severityKey(f->severity) + u": " + f->message);
        e.detail = check + u": " + messages.join(QStringLiteral(" | "));
        if (e.detail.size() > s_detailLength)
            e.detail = e.detail.left(s_detailLength - 1) + u'…';
    }
    return e;
}

CheckedFile CheckRunner::checkFile(const FileRecord &file, const QString &path,
                                   const std::optional<ImageStatistics> &kept) const
{
    CheckedFile result;
    result.fileId = file.id;
    result.batchId = file.batchId;
    CheckSubject subject(m_environment, file, path, kept);
    for (const auto &check : m_checks) {
        check->gatherFacts(subject);
        if (!check->appliesTo(subject))
            continue;
        FindingSink sink(m_environment, check->name(), check->severity());
        sink.setSubject(&file);
        check->checkFile(subject, sink);
        if (sink.isNotApplicable() && sink.findings().isEmpty())
            continue;
        QList<FindingRecord> found = sink.takeFindings();
        QList<const FindingRecord *> pointers;
        for (const FindingRecord &f : found)
            pointers.append(&f);
        result.events.append(event(file.id, file.itemId, check->eventType(), check->name(), pointers));
        result.findings.append(std::move(found));
    }
    result.facts = subject.facts();
    result.image = subject.newImageStatistics();
    return result;
}

Result<CheckRunner::BatchResult> CheckRunner::checkBatch(CheckRecords &records) const
{
    struct Running
    {
        std::shared_ptr<const Check> check;
        std::unique_ptr<BatchPass> pass;
        std::unique_ptr<FindingSink> sink;
    };
    std::vector<Running> passes;
    for (const auto &check : m_checks) {
        if (auto pass = check->startBatch(m_environment)) {
            passes.push_back(
                {check, std::move(pass),
                 std::make_unique<FindingSink>(m_environment, check->name(), check->severity())});
        }
    }
    BatchResult result;
    if (passes.empty())
        return result;
    Status s = records.forEachItem(m_environment.batch.id, [&](const CheckedItem &item) {
        for (Running &r : passes)
            r.pass->item(item, *r.sink);
        return true;
    });
    if (!s)
        return s.error();
    for (Running &r : passes) {
        r.pass->finish(*r.sink);
        result.findings.append(r.sink->takeFindings());
        result.judged.append({r.check->name(), r.check->eventType(), r.sink->judgedFiles()});
    }
    return result;
}

Status CheckRunner::recordBatch(CheckRecords &records, const BatchResult &result) const
{
    // Findings by (check, file), to give each judged file's event its outcome.
    QHash<std::pair<QString, qint64>, QList<const FindingRecord *>> byFile;
    for (const FindingRecord &f : result.findings)
        byFile[{f.check, f.fileId}].append(&f);

    // One transaction replaces the findings and adds the events (written in chunks, so a million files'
    // events are never in memory at once): a run killed in between leaves nothing, and the next run's
    // pass across files records it once.
    auto tx = records.catalog().transaction();
    if (!tx)
        return tx.error();
    if (Status s = records.writeBatchFindings(m_environment.batch.id, result.findings); !s)
        return s;
    QList<EventRecord> events;
    for (const BatchResult::Judged &judged : result.judged) {
        for (const auto &[fileId, itemId] : judged.files) {
            events.append(
                event(fileId, itemId, judged.eventType, judged.check, byFile.value({judged.check, fileId})));
            if (events.size() >= s_eventChunk) {
                if (Status s = records.writeEvents(events); !s)
                    return s;
                events.clear();
            }
        }
    }

    // The batch's own event, with the totals of both passes.
    auto counts = records.counts(m_environment.batch.id);
    if (!counts)
        return counts.error();
    auto checked = records.checkedFileCount(m_environment.batch.id);
    if (!checked)
        return checked.error();
    qint64 bySeverity[3] = {0, 0, 0};
    for (const CheckRecords::Count &c : *counts)
        bySeverity[int(c.severity)] += c.findings;
    EventRecord batchEvent;
    batchEvent.batchId = m_environment.batch.id;
    batchEvent.type = QStringLiteral("validation");
    batchEvent.at = QDateTime::currentDateTimeUtc();
    batchEvent.agent = m_agent;
    batchEvent.outcome =
        bySeverity[int(FindingSeverity::Error)] > 0 ? QStringLiteral("failure")
        : bySeverity[int(FindingSeverity::Warning)] + bySeverity[int(FindingSeverity::Flag)] > 0
            ? QStringLiteral("warning")
            : QStringLiteral("success");
    batchEvent.detail = tr("QA of %1 files with the checks %2: %3 errors, %4 warnings, %5 flags.")
                            .arg(*checked)
                            .arg(checkNames().join(QStringLiteral(", ")))
                            .arg(bySeverity[int(FindingSeverity::Error)])
                            .arg(bySeverity[int(FindingSeverity::Warning)])
                            .arg(bySeverity[int(FindingSeverity::Flag)]);
    events.append(batchEvent);
    if (Status s = records.writeEvents(events); !s)
        return s;
    return tx->commit();
}

CheckedFile CheckRunner::checkStored(BitStore &store, const FileRecord &file,
                                     const std::optional<ImageStatistics> &kept) const
{
    // Only a stored copy the catalog vouches for is read; a file without one is judged on what the catalog
    // knows (its status, its size).
    const bool stored = !file.storedKey.isEmpty() &&
                        (file.status == FileStatus::Success || file.status == FileStatus::Unchanged ||
                         file.status == FileStatus::FixityMismatch);
    if (!stored)
        return checkFile(file, {}, kept);
    auto copy = StoredCopy::open(store, file.storedKey, m_environment.displayPath(file));
    if (!copy) {
        qCWarning(lcQa).noquote() << copy.error().message;
        return checkFile(file, {}, kept);
    }
    return checkFile(file, copy->path(), kept);
}

} // namespace gh
