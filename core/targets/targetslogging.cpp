#include "targetslogging.h"

Q_LOGGING_CATEGORY(lcTargets, "gatehouse.targets", QtWarningMsg)
