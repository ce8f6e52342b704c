#include "runoptions.h"

namespace gh {

IntakeOptions RunOptions::intakeOptions(std::atomic_bool *cancel) const
{
    IntakeOptions options;
    static_cast<IntakeSettings &>(options) = intake;
    options.transfer = transfer;
    options.cancel = cancel;
    return options;
}

} // namespace gh
