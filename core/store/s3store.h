#pragma once

#include <memory>

#include <QCoreApplication>
#include <QMutex>
#include <QSet>
#include <QWaitCondition>

#include "bitstore.h"
#include "s3options.h"

namespace gh {

class S3Client;

/*!
    \class gh::S3Store
    A bit store in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, SeaweedFS, …), spoken to with
    requests Gatehouse signs itself (SigV4).

    A writer spools the bytes to a local staging file and hashes them as they arrive, because the key is only
    known at commit (content-addressed keys depend on the digest). commit() first checks the bytes against the
    expected digests, so wrong content never leaves the machine, then uploads:

    \list
    \li below S3Options::multipartThreshold, one PUT carrying Content-MD5, x-amz-checksum-sha256 and a signed
        x-amz-content-sha256, so the server verifies what arrived; the returned ETag is checked as well.
    \li otherwise a multipart upload whose progress (upload id, part size, finished parts and their ETags) is
        journaled in the staging folder under the object key and sha256. A later commit of the same content to
        the same key, in this process or a new one, continues it and uploads only the missing parts. Parts are
        checked with ListParts where the server supports it; an upload the server no longer knows starts over.
    \endlist

    Every object also carries its sha256 as user metadata (x-amz-meta-gatehouse-sha256), which read()
    verifies. Objects become visible only when complete, so nothing half-written ever looks whole. Several
    threads may commit at once; writers refer to their store, which must outlive them.
*/
class S3Store final : public BitStore
{
    Q_DECLARE_TR_FUNCTIONS(gh::S3Store)

public:
    //! Validates \a options (after applying defaults) and prepares the staging folder; no network access.
    static Result<std::unique_ptr<S3Store>> open(const S3Options &options);
    ~S3Store() override;

    //! "s3://bucket/prefix"
    QString displayName() const override;
    Result<std::unique_ptr<StoreWriter>> beginWrite() override;
    Result<std::unique_ptr<StoreWriter>> beginResumableWrite(const QString &token) override;
    bool hasResumableWrite(const QString &token) const override;
    Status flush() override;
    Result<bool> exists(const QString &key) override;
    /*!
        A HEAD of the object: true when it has \a size bytes, the sha256 Gatehouse records on every object
        (x-amz-meta-gatehouse-sha256) is that of \a digests, and an ETag that is a plain md5 (a single PUT)
        is theirs. An object without Gatehouse's sha256 is not taken for ours.
    */
    Result<bool> holds(const QString &key, qint64 size, const Digests &digests) override;
    //! Downloads into a temporary file in the staging folder, removed when the device is destroyed.
    Result<std::unique_ptr<QIODevice>> read(const QString &key) override;
    Status remove(const QString &key) override;
    QString localPath(const QString &key) const override;
    //! Removes spool and download files of processes that are gone; multipart journals are kept.
    Status removeStaleTemporaries() override;

    const S3Options &options() const;
    //! The key in the bucket for a store key: the prefix plus \a key.
    QString objectKey(const QString &key) const;
    //! Where the multipart journals live.
    QString journalDir() const;

private:
    class Writer;
    friend class Writer;
    explicit S3Store(const S3Options &options);

    Status upload(const QString &key, const QString &spoolPath, qint64 size, const Digests &actual);
    Status putSingle(const QString &objectKey, const QString &spoolPath, qint64 size, const Digests &actual);
    Status putMultipart(const QString &objectKey, const QString &spoolPath, qint64 size,
                        const Digests &actual);
    //! Whether the bucket already holds \a objectKey with this size and sha256 (its metadata).
    bool holdsObject(const QString &objectKey, qint64 size, const QString &sha256);
    //! Serialises commits of one journal within this process (QLockFile does it across processes).
    void lockJournal(const QString &name);
    void unlockJournal(const QString &name);

    std::unique_ptr<S3Client> m_client;
    QMutex m_journalMutex;
    QWaitCondition m_journalReleased;
    QSet<QString> m_busyJournals;
};

} // namespace gh
