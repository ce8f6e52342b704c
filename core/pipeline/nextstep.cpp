#include "nextstep.h"

namespace gh {

namespace {

const StageRecord *recordOf(const QList<StageRecord> &records, Stage stage)
{
    for (const StageRecord &r : records) {
        if (r.stage == stage)
            return &r;
    }
    return nullptr;
}

NextStep step(NextStep::Action action, Stage stage, const StageRecord *record)
{
    NextStep next;
    next.action = action;
    next.stage = stage;
    if (record) {
        next.state = record->state;
        next.detail = record->detail;
    }
    return next;
}

} // namespace

Result<NextStep> nextStep(Catalog &catalog, qint64 batchId, const QList<StageDefinition> &stages,
                          const NextStepOptions &options)
{
    auto records = catalog.stages(batchId);
    if (!records)
        return records.error();
    const StageRecord *intake = recordOf(*records, Stage::Intake);
    if (!intake || intake->state == StageState::NotStarted || intake->state == StageState::Running ||
        intake->state == StageState::Failed)
        return step(NextStep::Action::Load, Stage::Intake, intake);

    // A person's no (a rejected batch) closes the batch: nothing runs again, not even an explicit run.
    for (const StageDefinition &definition : stages) {
        const StageRecord *record = recordOf(*records, definition.stage);
        if (definition.kind == StageDefinition::Kind::Person && record && record->state == StageState::Failed)
            return step(NextStep::Action::Stopped, definition.stage, record);
    }
    for (const StageDefinition &definition : stages) {
        const StageRecord *record = recordOf(*records, definition.stage);
        const StageState state = record ? record->state : StageState::NotStarted;
        if (definition.kind == StageDefinition::Kind::Person) {
            if (state == StageState::Done)
                continue;
            return step(NextStep::Action::Wait, definition.stage, record);
        }
        if (definition.applies) {
            auto applies = definition.applies(catalog, batchId);
            if (!applies)
                return applies.error();
            if (!*applies)
                continue;
        }
        if (options.ran.contains(definition.stage)) {
            if (state == StageState::Failed)
                return step(NextStep::Action::Stopped, definition.stage, record);
            continue;
        }
        if (options.rerun)
            return step(NextStep::Action::Run, definition.stage, record);
        switch (state) {
        case StageState::NotStarted:
        case StageState::Running:
            return step(NextStep::Action::Run, definition.stage, record);
        case StageState::Failed:
            return step(NextStep::Action::Stopped, definition.stage, record);
        case StageState::Done:
            continue;
        case StageState::NeedsAttention: {
            // Finished with findings, or cancelled: only the latter left files for this stage to do.
            auto work = catalog.pendingWork(batchId, StageDefinition::pendingFor(stages, definition.stage));
            if (!work)
                return work.error();
            if (work->files > 0)
                return step(NextStep::Action::Run, definition.stage, record);
            continue;
        }
        }
    }
    return NextStep{};
}

} // namespace gh
