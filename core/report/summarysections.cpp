#include "summarysections.h"

#include <QLocale>

#include "duplicatereport.h"

namespace gh {

void SummarySection::add(const QString &label, qint64 value)
{
    lines.append({label, QLocale::c().toString(value)});
}

SummaryContext::SummaryContext(Catalog &catalog, const BatchRecord &batch)
    : m_catalog(catalog)
    , m_batch(batch)
{}

Result<QList<Catalog::EventCount>> SummaryContext::eventCounts()
{
    if (!m_eventCounts) {
        auto counts = m_catalog.eventCounts(m_batch.id);
        if (!counts)
            return counts.error();
        m_eventCounts = *counts;
    }
    return *m_eventCounts;
}

namespace {

using Section = Result<std::optional<SummarySection>>;

Section files(SummaryContext &context)
{
    const BatchRecord &batch = context.batch();
    const SeverityTally tally = StatusInfo::tally(batch.counts);
    const qint64 successful = tally.ok;
    const qint64 failed = tally.errors;
    const qint64 skipped = tally.skipped;
    const qint64 pending = tally.open;
    SummarySection section{SummarySections::tr("Files"), {}};
    section.add(SummarySections::tr("Items"), batch.items);
    section.add(SummarySections::tr("Attempted"), successful + failed);
    section.add(SummarySections::tr("Successful"), successful);
    section.add(SummarySections::tr("Failed"), failed);
    if (skipped > 0)
        section.add(SummarySections::tr("Skipped"), skipped);
    if (pending > 0)
        section.add(SummarySections::tr("Not yet processed"), pending);
    section.add(SummarySections::tr("Bytes"), batch.bytes);
    return std::optional(section);
}

Section byStatus(SummaryContext &context)
{
    SummarySection section{SummarySections::tr("By status"), {}};
    for (auto it = context.batch().counts.cbegin(); it != context.batch().counts.cend(); ++it)
        section.add(StatusInfo::key(it.key()), it.value());
    return std::optional(section);
}

Section stages(SummaryContext &context)
{
    SummarySection section{SummarySections::tr("Stages"), {}};
    for (Stage stage : StageInfo::all()) {
        const StageState state = context.batch().stages.value(stage, StageState::NotStarted);
        section.add(StageInfo::displayName(stage), StageInfo::displayName(state));
    }
    return std::optional(section);
}

/*!
    The events a stage recorded, counted by type and outcome ("fixity check, failure ..... 3"). Stages record
    their agent as "gatehouse/<version> <stage>", so this picks up a new stage's events with no change here.
*/
Section stageEvents(SummaryContext &context, Stage stage, const QString &title)
{
    auto counts = context.eventCounts();
    if (!counts)
        return counts.error();
    const QString suffix = u' ' + StageInfo::key(stage);
    QMap<QString, qint64> lines;
    for (const Catalog::EventCount &c : std::as_const(*counts)) {
        if (c.agent.endsWith(suffix))
            lines[c.type + QStringLiteral(", ") + c.outcome] += c.count;
    }
    if (lines.isEmpty())
        return std::optional<SummarySection>();
    SummarySection section{title, {}};
    for (auto it = lines.cbegin(); it != lines.cend(); ++it)
        section.add(it.key(), it.value());
    return std::optional(section);
}

// Findings per check (qa track): until the check stage keeps its own findings table, its events.
Section checks(SummaryContext &context)
{
    return stageEvents(context, Stage::Check, SummarySections::tr("Checks"));
}

// Duplicate cases and decisions per target, from the dedup tables.
Section duplicates(SummaryContext &context)
{
    return DuplicateReport::summary(context);
}

// Sample plan and verdict (review track).
Section review(SummaryContext &context)
{
    return stageEvents(context, Stage::Review, SummarySections::tr("Review"));
}

// Uploads per target: attempted, uploaded, already there, skipped, failed, bytes (targets track).
Section uploads(SummaryContext &context)
{
    return stageEvents(context, Stage::Upload, SummarySections::tr("Uploads"));
}

Section approval(SummaryContext &context)
{
    if (context.batch().state == BatchState::Open)
        return std::optional<SummarySection>();
    SummarySection section{SummarySections::tr("Approval"), {}};
    section.add(SummarySections::tr("Verdict"), context.batch().state == BatchState::Approved
                                                    ? SummarySections::tr("approved")
                                                    : SummarySections::tr("rejected"));
    return std::optional(section);
}

} // namespace

const QList<SummarySections::Builder> &SummarySections::all()
{
    static const QList<Builder> builders{files,      byStatus, stages,  checks,
                                         duplicates, review,   uploads, approval};
    return builders;
}

} // namespace gh
