#pragma once

#include <functional>
#include <memory>

#include <QIODevice>
#include <QJsonObject>
#include <QString>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::StoreWriter
    A temporary object being written. Nothing is visible under a key until commit() has verified the bytes; a
    writer destroyed without commit() removes what it wrote — except a resumable write, whose bytes are kept
    for a later run to continue (see BitStore::beginResumableWrite()). Either way, no half-written object ever
    looks whole.
*/
class StoreWriter
{
public:
    virtual ~StoreWriter() = default;
    virtual Status write(const char *data, qint64 size) = 0;
    /*!
        Verifies what was written against \a expected (how depends on the store) and publishes it under
        \a key, replacing any object there: at once, or — where the store syncs group-wise (LocalStore's
        default) — at the next BitStore::flush(), once its bytes are durable.
    */
    virtual Status commit(const QString &key, const Digests &expected) = 0;
    //! Discards everything written, a resumable write's kept bytes included.
    virtual void abort() = 0;
    //! Bytes written so far, including those an interrupted earlier run wrote to a resumable write.
    virtual qint64 written() const = 0;
    //! Starts over with nothing written (a server that ignored a Range request sends everything again).
    virtual Status truncate() = 0;
    //! Feeds the bytes written so far to \a consumer in order, to rebuild digests when resuming. Each chunk
    //! is valid only during its call: hash it with a single-lane MultiDigest.
    virtual Status replay(const std::function<void(const char *, qint64)> &consumer) const = 0;
    //! What a resumable write keeps beside its bytes (the URL and validators they came from).
    virtual QJsonObject resumeState() const = 0;
    virtual Status setResumeState(const QJsonObject &state) = 0;
};

/*!
    \class gh::BitStore
    Where file bytes live: a local folder or an S3-compatible object store. Implementations are safe to use
    from several threads at once; each StoreWriter belongs to one thread at a time.
*/
class BitStore
{
public:
    virtual ~BitStore() = default;

    //! Where the store is, for messages ("/data/store", "s3://bucket/prefix"); never includes secrets.
    virtual QString displayName() const = 0;
    virtual Result<std::unique_ptr<StoreWriter>> beginWrite() = 0;
    /*!
        A write that survives the process: its bytes are kept under \a token (letters, digits, ".", "_", "-")
        until committed or aborted, and a later beginResumableWrite() with the same token continues them.
    */
    virtual Result<std::unique_ptr<StoreWriter>> beginResumableWrite(const QString &token) = 0;
    //! Whether an earlier run left bytes under \a token to continue (cheap: no file is created).
    virtual bool hasResumableWrite(const QString &token) const = 0;
    //! Makes every object committed so far durable and visible under its key. Called before the catalog
    //! records them, so one sync covers many objects instead of one per object.
    virtual Status flush() = 0;
    virtual Result<bool> exists(const QString &key) = 0;
    /*!
        Whether the store already holds \a key with exactly these bytes (\a size and \a digests), so that a
        writer about to commit them need not send them again: asked for a file another process (or an
        earlier run) may have stored without living to record it. A store where writing again sends
        nothing anywhere (a local folder) answers false and the commit simply replaces the object.
    */
    virtual Result<bool> holds(const QString &key, qint64 size, const Digests &digests)
    {
        Q_UNUSED(key);
        Q_UNUSED(size);
        Q_UNUSED(digests);
        return false;
    }
    virtual Result<std::unique_ptr<QIODevice>> read(const QString &key) = 0;
    virtual Status remove(const QString &key) = 0;
    //! A path on this machine for the object, where the store has one (local stores); empty otherwise.
    virtual QString localPath(const QString &key) const = 0;
    //! Removes temporaries left behind by processes that are no longer running, and resumable writes
    //! nobody continued for a week.
    virtual Status removeStaleTemporaries() = 0;
};

/*!
    \class gh::StoreOptions
    Settings for the store a spec opens.
*/
struct StoreOptions
{
    enum class Sync
    {
        Batched,  //!< One file-system sync per fetch-stage flush, before the catalog records the objects.
        EachFile, //!< fdatasync every object before it becomes visible.
        None      //!< Leave it to the kernel (throwaway data, benchmarks against tools that do not sync).
    };
    Sync sync = Sync::Batched;
    bool verifyAfterWrite = false; //!< See LocalStore::Options.
};

/*!
    Opens the store named by \a spec: a folder path, or \c s3://bucket/prefix (see S3Store).
*/
Result<std::unique_ptr<BitStore>> openBitStore(const QString &spec, const StoreOptions &options = {});

} // namespace gh
