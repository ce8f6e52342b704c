#pragma once

#include <QLoggingCategory>

// The imaging library's own category (it is a separate target from core, so it does not extend
// core/util/logging.h): QT_LOGGING_RULES="gatehouse.imaging.debug=true" shows decoder choices and openjpeg's
// messages.
Q_DECLARE_LOGGING_CATEGORY(lcImaging)
