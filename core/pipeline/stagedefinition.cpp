#include "stagedefinition.h"

namespace gh {

PendingFor StageDefinition::pendingFor(const QList<StageDefinition> &stages, Stage stage)
{
    PendingFor pending;
    pending.stage = stage;
    for (const StageDefinition &d : stages) {
        if (d.stage == stage)
            break;
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

} // namespace gh
