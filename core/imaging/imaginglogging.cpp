#include "imaginglogging.h"

Q_LOGGING_CATEGORY(lcImaging, "gatehouse.imaging", QtWarningMsg)
