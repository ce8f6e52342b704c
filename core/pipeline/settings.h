#pragma once

#include <QCoreApplication>

#include "batchrunner.h"

namespace gh {

/*!
    \class gh::EngineSettings
    Engine settings from an INI file (\c --config, or the GUI's settings): the same keys everywhere.

    \code
    [fetch]
    jobs=8
    key_template={batch}/{item}/{filename}
    \endcode
*/
class EngineSettings
{
    Q_DECLARE_TR_FUNCTIONS(gh::EngineSettings)

public:
    static Result<RunOptions> fromFile(const QString &path, RunOptions defaults = {});
    //! Reads the banned-record list: one identifier per line, '#' starts a comment.
    static Result<QSet<QString>> readBannedList(const QString &path);
};

} // namespace gh
