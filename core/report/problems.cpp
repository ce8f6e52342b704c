#include "problems.h"

#include <QJsonArray>
#include <QLocale>

#include "catalog/checkrecords.h"
#include "intake/intaketypes.h"

namespace gh {

namespace {

bool needsStageDetails(const BatchRecord &batch)
{
    for (auto it = batch.stages.cbegin(); it != batch.stages.cend(); ++it) {
        if (it.value() == StageState::Failed || it.value() == StageState::NeedsAttention)
            return true;
    }
    return false;
}

const StageRecord *recordOf(const QList<StageRecord> &stages, Stage stage)
{
    for (const StageRecord &r : stages) {
        if (r.stage == stage)
            return &r;
    }
    return nullptr;
}

} // namespace

std::optional<Problem> Problems::ofFile(const FileRecord &file)
{
    if (StatusInfo::severity(file.status) != Severity::Error)
        return std::nullopt;
    Problem p;
    p.kind = Problem::Kind::File;
    p.level = Problem::Level::Error;
    p.stage = Stage::Fetch;
    p.fileId = file.id;
    p.status = file.status;
    p.where = where(file);
    p.message = file.error.isEmpty() ? StatusInfo::displayName(file.status) : file.error;
    return p;
}

QString Problems::where(const FileRecord &file)
{
    return file.item.isEmpty() || file.item == file.name ? file.name : file.item + u" / " + file.name;
}

QList<Problem> Problems::ofBatch(const BatchRecord &batch, const QList<StageRecord> &stages)
{
    QList<Problem> problems;

    // Intake: its failure, or its warnings (each once; those that are a file's error are that file's).
    const StageRecord *intake = recordOf(stages, Stage::Intake);
    const StageState intakeState = batch.stages.value(Stage::Intake, StageState::NotStarted);
    if (intakeState == StageState::Failed) {
        Problem p;
        p.kind = Problem::Kind::Stage;
        p.stage = Stage::Intake;
        p.where = StageInfo::displayName(Stage::Intake);
        p.message = intake && !intake->detail.isEmpty()
                        ? intake->detail
                        : tr("The source could not be loaded: %1").arg(batch.source);
        problems.append(p);
    } else if (intake && intake->isInterrupted()) {
        Problem p;
        p.kind = Problem::Kind::Stage;
        p.level = Problem::Level::Warning;
        p.stage = Stage::Intake;
        p.where = StageInfo::displayName(Stage::Intake);
        p.message = tr("Loading the source was interrupted; Run or Resume loads it again.");
        problems.append(p);
    }
    for (const QJsonValue &value : batch.trace) {
        const QJsonObject step = value.toObject();
        const QString stage = step.value(QStringLiteral("stage")).toString();
        const QJsonArray warnings = step.value(QStringLiteral("warnings")).toArray();
        for (int i = 0; i < warnings.size(); ++i) {
            if (IntakeTrace::isFileWarning(step, i))
                continue;
            Problem p;
            p.kind = Problem::Kind::Intake;
            p.level = Problem::Level::Warning;
            p.stage = Stage::Intake;
            p.where = stage.isEmpty() ? StageInfo::displayName(Stage::Intake)
                                      : tr("%1: %2").arg(StageInfo::displayName(Stage::Intake), stage);
            p.message = warnings.at(i).toString();
            problems.append(p);
        }
    }

    // The other stages: failures are errors; an interruption or files left to do are warnings.
    for (Stage stage : StageInfo::all()) {
        if (stage == Stage::Intake)
            continue;
        const StageState state = batch.stages.value(stage, StageState::NotStarted);
        const StageRecord *record = recordOf(stages, stage);
        const qint64 pending = stage == Stage::Fetch ? batch.counts.value(FileStatus::Pending) : 0;
        Problem p;
        p.kind = Problem::Kind::Stage;
        p.stage = stage;
        p.where = StageInfo::displayName(stage);
        if (state == StageState::Failed) {
            p.level = Problem::Level::Error;
            p.message = record && !record->detail.isEmpty()
                            ? record->detail
                            : tr("The %1 stage could not run.").arg(StageInfo::displayName(stage));
        } else if (record && record->isInterrupted()) {
            p.level = Problem::Level::Warning;
            p.message = pending > 0 ? tr("Gatehouse stopped during this stage with %n file(s) still to do; "
                                         "Run or Resume continues.",
                                         nullptr, int(std::min<qint64>(pending, INT_MAX)))
                                    : tr("Gatehouse stopped during this stage; Run or Resume continues.");
        } else if (state == StageState::NeedsAttention && pending > 0) {
            p.level = Problem::Level::Warning;
            p.message = tr("The run stopped with %n file(s) still to do; Run or Resume continues.", nullptr,
                           int(std::min<qint64>(pending, INT_MAX)));
        } else {
            continue;
        }
        problems.append(p);
    }
    return problems;
}

Problem Problems::ofFinding(const FindingRecord &finding, const QString &where)
{
    Problem p;
    p.kind = Problem::Kind::Finding;
    p.level = finding.severity == FindingSeverity::Error     ? Problem::Level::Error
              : finding.severity == FindingSeverity::Warning ? Problem::Level::Warning
                                                             : Problem::Level::Flag;
    p.stage = Stage::Check;
    p.fileId = finding.fileId;
    p.where = finding.fileId > 0 ? where : tr("Batch");
    p.message = finding.message;
    p.check = finding.check;
    return p;
}

const QList<std::pair<QString, FileStatus>> &Problems::restatedStatuses()
{
    static const QList<std::pair<QString, FileStatus>> list{
        {QStringLiteral("fixity"), FileStatus::FixityMismatch},
        {QStringLiteral("empty"), FileStatus::Empty},
    };
    return list;
}

bool Problems::restatesStatus(const FindingRecord &finding, FileStatus status)
{
    if (finding.fileId <= 0)
        return false;
    const auto &list = restatedStatuses();
    return std::any_of(list.cbegin(), list.cend(), [&](const std::pair<QString, FileStatus> &r) {
        return r.first == finding.check && r.second == status;
    });
}

ProblemCounts Problems::count(const BatchRecord &batch, const QList<Problem> &batchProblems)
{
    ProblemCounts counts;
    counts.errors = StatusInfo::tally(batch.counts).errors;
    for (const Problem &p : batchProblems) {
        (p.level == Problem::Level::Error     ? counts.errors
         : p.level == Problem::Level::Warning ? counts.warnings
                                              : counts.flags) += 1;
    }
    return counts;
}

Status Problems::annotate(Catalog &catalog, QList<BatchRecord> &batches)
{
    for (BatchRecord &batch : batches) {
        QList<StageRecord> stages;
        if (needsStageDetails(batch)) {
            auto read = catalog.stages(batch.id);
            if (!read)
                return read.error();
            stages = *read;
        }
        batch.batchProblems = ofBatch(batch, stages);
        batch.problems = count(batch, batch.batchProblems);
        // A finding that restates a file's status is that file's problem, counted once above.
        auto findings = CheckRecords(catalog).counts(batch.id, restatedStatuses());
        if (!findings)
            return findings.error();
        for (const CheckRecords::Count &c : std::as_const(*findings)) {
            (c.severity == FindingSeverity::Error     ? batch.problems.errors
             : c.severity == FindingSeverity::Warning ? batch.problems.warnings
                                                      : batch.problems.flags) += c.findings;
        }
    }
    return {};
}

QString Problems::title(const Problem &problem)
{
    switch (problem.kind) {
    case Problem::Kind::File:
        return StatusInfo::displayName(problem.status);
    case Problem::Kind::Intake:
        return tr("Intake warning");
    case Problem::Kind::Stage:
        return problem.level == Problem::Level::Error
                   ? tr("%1 failed").arg(StageInfo::displayName(problem.stage))
                   : tr("%1 not finished").arg(StageInfo::displayName(problem.stage));
    case Problem::Kind::Finding:
        return problem.check;
    }
    return {};
}

QString Problems::countText(qint64 count)
{
    if (count == 0)
        return tr("No problems");
    return tr("%n problem(s)", nullptr, int(std::min<qint64>(count, INT_MAX)));
}

QString Problems::breakdownText(const ProblemCounts &counts)
{
    QStringList parts;
    if (counts.errors > 0)
        parts.append(tr("%n error(s)", nullptr, int(std::min<qint64>(counts.errors, INT_MAX))));
    if (counts.warnings > 0)
        parts.append(tr("%n warning(s)", nullptr, int(std::min<qint64>(counts.warnings, INT_MAX))));
    if (counts.flags > 0)
        parts.append(tr("%n QA flag(s)", nullptr, int(std::min<qint64>(counts.flags, INT_MAX))));
    return parts.join(QStringLiteral(", "));
}

QString Problems::kindKey(Problem::Kind kind)
{
    switch (kind) {
    case Problem::Kind::File:
        return QStringLiteral("file");
    case Problem::Kind::Intake:
        return QStringLiteral("intake");
    case Problem::Kind::Stage:
        return QStringLiteral("stage");
    case Problem::Kind::Finding:
        return QStringLiteral("finding");
    }
    return {};
}

QString Problems::levelKey(Problem::Level level)
{
    switch (level) {
    case Problem::Level::Error:
        return QStringLiteral("error");
    case Problem::Level::Warning:
        return QStringLiteral("warning");
    case Problem::Level::Flag:
        return QStringLiteral("flag");
    }
    return {};
}

QJsonObject Problems::toJson(const Problem &problem)
{
    QJsonObject o{
        {QStringLiteral("kind"), kindKey(problem.kind)},
        {QStringLiteral("level"), levelKey(problem.level)},
        {QStringLiteral("stage"), StageInfo::key(problem.stage)},
        {QStringLiteral("where"), problem.where},
        {QStringLiteral("message"), problem.message},
    };
    if (problem.kind == Problem::Kind::File) {
        o.insert(QStringLiteral("file_id"), problem.fileId);
        o.insert(QStringLiteral("status"), StatusInfo::key(problem.status));
    }
    if (problem.kind == Problem::Kind::Finding) {
        o.insert(QStringLiteral("check"), problem.check);
        if (problem.fileId > 0)
            o.insert(QStringLiteral("file_id"), problem.fileId);
    }
    return o;
}

QJsonObject Problems::toJson(const ProblemCounts &counts)
{
    return QJsonObject{{QStringLiteral("errors"), counts.errors},
                       {QStringLiteral("warnings"), counts.warnings},
                       {QStringLiteral("flags"), counts.flags},
                       {QStringLiteral("total"), counts.total()}};
}

} // namespace gh
