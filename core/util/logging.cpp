#include "logging.h"

Q_LOGGING_CATEGORY(lcCatalog, "gatehouse.catalog", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDigest, "gatehouse.digest", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIntake, "gatehouse.intake", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "gatehouse.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcNet, "gatehouse.net", QtWarningMsg)
Q_LOGGING_CATEGORY(lcTransfer, "gatehouse.transfer", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPipeline, "gatehouse.pipeline", QtWarningMsg)
Q_LOGGING_CATEGORY(lcReport, "gatehouse.report", QtWarningMsg)
