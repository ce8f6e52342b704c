#include "intaketypes.h"

namespace gh {

QJsonObject TraceStep::toJson() const
{
    return QJsonObject{{QStringLiteral("stage"), stage},
                       {QStringLiteral("decision"), decision},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

void IntakeTrace::add(const QString &stage, const QString &decision, const QStringList &warnings)
{
    m_steps.append(TraceStep{stage, decision, warnings});
}

void IntakeTrace::warn(const QString &warning)
{
    if (m_steps.isEmpty())
        m_steps.append(TraceStep{QStringLiteral("intake"), QString(), {}});
    m_steps.last().warnings.append(warning);
}

QJsonArray IntakeTrace::toJson() const
{
    QJsonArray array;
    for (const TraceStep &step : m_steps)
        array.append(step.toJson());
    return array;
}

} // namespace gh
