// The stages a batch passes after intake, in order. Each per-file stage is a FileStage subclass that asks the
// catalog for the files pending for it; a stage that needs a person (review, approval) is a state the runner
// stops at. The next ones slot in here: check (automatic QA) and dedup before review, upload after it.

#include "fetchstage.h"
#include "stagedefinition.h"

namespace gh {

QList<StageDefinition> StageDefinition::defaults()
{
    return {
        {Stage::Fetch, StageDefinition::Kind::Files,
         [](const StageEnvironment &env) { return std::make_unique<FetchStage>(env); }},
        // The curator's sample and verdict; approving marks it done, rejecting marks it failed (core/review).
        {Stage::Review, StageDefinition::Kind::Person, {}},
    };
}

} // namespace gh
