#pragma once

#include <QCoreApplication>
#include <QDate>
#include <QStringList>

#include "util/result.h"

namespace gh {

/*!
    \class gh::LogShipper
    Copies a batch's log, \c _SUMMARY and CSVs to an S3 bucket (\c [report] log_target=s3://bucket/prefix)
    under \c {prefix}/{batch}/{date}/, through the store's S3Client: the same endpoint, region, addressing,
    credentials (environment, then keychain) and retries as an S3 bit store.
*/
class LogShipper
{
    Q_DECLARE_TR_FUNCTIONS(gh::LogShipper)

public:
    //! The key a file named \a name gets: "{prefix}/{batch}/{yyyy-MM-dd}/{name}" (without the bucket).
    static QString keyFor(const QString &prefix, qint64 batchId, const QDate &date, const QString &name);

    /*!
        Uploads each of \a files (local paths; missing ones are skipped) under the batch's folder of
        \a target; returns the s3:// URLs written.
    */
    static Result<QStringList> ship(const QString &target, qint64 batchId, const QDate &date,
                                    const QStringList &files);
};

} // namespace gh
