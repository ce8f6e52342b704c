#pragma once

#include <memory>

#include <QIODevice>
#include <QString>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::StoreWriter
    A temporary object being written. Nothing is visible under a key until commit() has verified the bytes;
    a writer destroyed without commit() removes what it wrote, so no half-written object ever looks whole.
*/
class StoreWriter
{
public:
    virtual ~StoreWriter() = default;
    virtual Status write(const char *data, qint64 size) = 0;
    /*!
        Verifies what was written against \a expected (how depends on the store) and publishes it under
        \a key, replacing any object there.
    */
    virtual Status commit(const QString &key, const Digests &expected) = 0;
    virtual void abort() = 0;
    virtual qint64 written() const = 0;
};

/*!
    \class gh::BitStore
    Where file bytes live: a local folder or an S3-compatible object store. Implementations are safe to use
    from several threads at once; each StoreWriter belongs to one thread.
*/
class BitStore
{
public:
    virtual ~BitStore() = default;

    //! Where the store is, for messages ("/data/store", "s3://bucket/prefix"); never includes secrets.
    virtual QString displayName() const = 0;
    virtual Result<std::unique_ptr<StoreWriter>> beginWrite() = 0;
    virtual Result<bool> exists(const QString &key) = 0;
    virtual Result<std::unique_ptr<QIODevice>> read(const QString &key) = 0;
    virtual Status remove(const QString &key) = 0;
    //! A path on this machine for the object, where the store has one (local stores); empty otherwise.
    virtual QString localPath(const QString &key) const = 0;
    //! Removes temporaries left behind by processes that are no longer running.
    virtual Status removeStaleTemporaries() = 0;
};

/*!
    Opens the store named by \a spec: a folder path, or \c s3://bucket/prefix (see S3Store).
*/
Result<std::unique_ptr<BitStore>> openBitStore(const QString &spec);

} // namespace gh
