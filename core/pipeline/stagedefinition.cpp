#include "stagedefinition.h"

#include <algorithm>

namespace gh {

PendingFor StageDefinition::pendingFor(const QList<StageDefinition> &stages, Stage stage)
{
    PendingFor pending;
    pending.stage = stage;
    for (const StageDefinition &d : stages) {
        if (d.stage == stage) {
            // The first stage takes what intake accepted, whatever it asks for.
            pending.settled = d.takesSettled && pending.after != Stage::Intake;
            break;
        }
        if (d.kind == Kind::Files)
            pending.after = d.stage;
    }
    return pending;
}

QList<Stage> StageDefinition::downstream(const QList<StageDefinition> &stages, Stage stage)
{
    QList<Stage> later;
    bool after = false;
    for (const StageDefinition &d : stages) {
        if (after && d.kind == Kind::Files)
            later.append(d.stage);
        after = after || d.stage == stage;
    }
    return later;
}

QList<StageDefinition> StageDefinition::with(QList<StageDefinition> stages, const StageDefinition &added)
{
    const auto person = std::find_if(stages.cbegin(), stages.cend(),
                                     [](const StageDefinition &d) { return d.kind == Kind::Person; });
    stages.insert(person - stages.cbegin(), added);
    return stages;
}

} // namespace gh
