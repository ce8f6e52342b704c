#pragma once

namespace gh {

/*!
    \class gh::ShippedStages
    The one place where Gatehouse's stages from modules above pipeline join the list every runner walks
    (StageDefinition::add()), in the order a batch passes them: the automatic stages before the curator's
    review, what an approval starts after it; and the gates the upload consults (DeliveryGate: the duplicate
    decisions). The GUI and the CLI call registerAll() once at start-up, like the intake ingesters' registry;
    pipeline and targets know none of these by name.
*/
class ShippedStages
{
public:
    static void registerAll();
};

} // namespace gh
