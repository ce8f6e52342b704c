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

    [transfer]
    per_host=4
    user_agent=…            ; default "Gatehouse/<version> (archival ingest; +<contact>)"
    contact=mailto:digital@library.example
    connect_timeout_ms=30000
    low_speed_limit=1       ; bytes/s …
    low_speed_seconds=60    ; … for this long is a stall
    max_redirects=10
    max_attempts=3
    backoff_base_ms=1000
    backoff_max_ms=60000
    retry_after_max_ms=120000
    max_size=0              ; bytes; absent for no limit
    accept=image/png,application/pdf
    honour_freshness=false
    ca_bundle=/path/to/extra-ca.pem

    [store]
    sync=batched            ; each-file, or none for throwaway data
    verify_after_write=false
    \endcode
*/
class EngineSettings
{
    Q_DECLARE_TR_FUNCTIONS(gh::EngineSettings)

public:
    static Result<RunOptions> fromFile(const QString &path, RunOptions defaults = {});
    //! "image/*, application/pdf" → the patterns, lower-cased.
    static QStringList parseAccept(const QString &patterns);
    //! Bytes from "1048576", "500M", "2G", "64KiB".
    static Result<qint64> parseSize(const QString &text);
    //! Reads the banned-record list: one identifier per line, '#' starts a comment.
    static Result<QSet<QString>> readBannedList(const QString &path);
};

} // namespace gh
