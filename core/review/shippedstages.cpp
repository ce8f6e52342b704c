// Gatehouse's own stages from above pipeline, registered in the order a batch passes them. Pipeline's own
// stages (fetch, the curator's review) are listed in core/pipeline/stageregistry.cpp.

#include "shippedstages.h"

#include "dedup/dedupstage.h"
#include "pipeline/stagedefinition.h"
#include "qa/checkstage.h"
#include "targets/handover.h"

namespace gh {

void ShippedStages::registerAll()
{
    // Before the curator's review, in this order: automatic QA (check), duplicates (dedup).
    StageDefinition::add(CheckStage::definition(), StageDefinition::Placement::BeforeReview);
    StageDefinition::add(DedupStage::definition(), StageDefinition::Placement::BeforeReview);
    // After it: the upload that an approval starts (to the batch's targets; none: finished at review).
    StageDefinition::add(UploadHandover::afterReview(), StageDefinition::Placement::AfterReview);
}

} // namespace gh
