#include "qalogging.h"

Q_LOGGING_CATEGORY(lcQa, "gatehouse.qa", QtWarningMsg)
