// The stages a batch passes after intake, in order. Each per-file stage is a FileStage subclass that asks the
// catalog for the files pending for it; a stage that needs a person (review, approval) is a state the runner
// stops at. Stages from modules above pipeline (check, dedup, upload) are registered with
// StageDefinition::add() from core/review/shippedstages.cpp and placed around these by defaults().

#include <QMutex>

#include "fetchstage.h"
#include "stagedefinition.h"

namespace gh {

namespace {

struct Added
{
    QMutex mutex;
    QList<StageDefinition> beforeReview;
    QList<StageDefinition> afterReview;
};

Added &added()
{
    static Added instance;
    return instance;
}

QList<StageDefinition> pipelineStages()
{
    return {
        {Stage::Fetch, StageDefinition::Kind::Files,
         [](const StageEnvironment &env) { return std::make_unique<FetchStage>(env); }},
        // The curator's sample and verdict; approving marks it done, rejecting marks it failed (core/review).
        {Stage::Review, StageDefinition::Kind::Person, {}},
    };
}

} // namespace

QList<StageDefinition> StageDefinition::defaults()
{
    QList<StageDefinition> stages = pipelineStages();
    Added &registered = added();
    QMutexLocker lock(&registered.mutex);
    for (const StageDefinition &d : std::as_const(registered.beforeReview))
        stages = with(stages, d);
    stages.append(registered.afterReview);
    return stages;
}

void StageDefinition::add(const StageDefinition &definition, Placement placement)
{
    Added &registered = added();
    QMutexLocker lock(&registered.mutex);
    registered.beforeReview.removeIf([&](const StageDefinition &d) { return d.stage == definition.stage; });
    registered.afterReview.removeIf([&](const StageDefinition &d) { return d.stage == definition.stage; });
    (placement == Placement::BeforeReview ? registered.beforeReview : registered.afterReview)
        .append(definition);
}

void StageDefinition::clearAdded()
{
    Added &registered = added();
    QMutexLocker lock(&registered.mutex);
    registered.beforeReview.clear();
    registered.afterReview.clear();
}

} // namespace gh
