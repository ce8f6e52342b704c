#pragma once

#include <QLoggingCategory>

// "gatehouse.targets": look-ups, uploads and verification against the targets (never a credential).
Q_DECLARE_LOGGING_CATEGORY(lcTargets)
