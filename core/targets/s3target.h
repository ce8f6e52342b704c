#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QMutex>

#include "store/s3options.h"
#include "target.h"
#include "targetoptions.h"

namespace gh {

class S3Client;
class S3Store;

/*!
    \class gh::S3Target
    An S3-compatible bucket: \c s3://bucket/prefix, with the endpoint, region and credentials of the S3
    store (GATEHOUSE_S3_ENDPOINT, AWS_*, the keyring). Objects are written by the S3 store's writer: one
    checked PUT, or a multipart upload whose parts survive a restart, every object carrying its sha256 as
    metadata. Look-ups HEAD the keys (several at once, cached for the run) and find our bytes under other keys
    through one listing of the prefix per run (the ETag of a single-part object is its md5). Verification
    HEADs the key and compares the stored sha256 and size (and the ETag); an object without any checksum is
    read back and hashed.
*/
class S3Target final : public Target
{
    Q_DECLARE_TR_FUNCTIONS(gh::S3Target)

public:
    static Result<std::unique_ptr<Target>> open(const QString &spec, const TargetOptions &options,
                                                const QProcessEnvironment &environment,
                                                const QString &stagingDir);
    ~S3Target() override;

    QString spec() const override { return m_spec; }
    QString kind() const override { return QStringLiteral("s3"); }
    int parallelism() const override { return m_jobs; }
    Result<QString> nameFor(const TemplateFields &fields, const NameTemplate *custom) const override;
    Result<QList<LookupAnswer>> lookup(const QList<LookupQuery> &queries,
                                       const std::shared_ptr<std::atomic_bool> &cancel) override;
    //! By md5 in the listing of the prefix: single-part objects only (a multipart ETag is no md5).
    bool findsContentElsewhere() const override { return true; }
    UploadOutcome upload(const UploadRequest &request) override;
    Result<QList<VerifyResult>> verify(const QList<VerifyQuery> &queries) override;
    Status remove(const QString &name, const QString &reason) override;

private:
    explicit S3Target(const TargetOptions &targetOptions);
    //! HEAD of \a name: nothing there, or what the bucket says about it.
    Result<std::optional<RemoteObject>> head(const QString &name);
    //! HEAD of many names, several at once, through the run's cache.
    Result<QHash<QString, std::optional<RemoteObject>>>
    headMany(const QStringList &names, const std::shared_ptr<std::atomic_bool> &cancel);
    //! Lists the prefix once: the objects by md5 (single-part ETags).
    Status listOnce(const std::shared_ptr<std::atomic_bool> &cancel);
    void forget(const QString &name);
    //! Downloads \a name and hashes it (for objects that carry no checksum).
    Result<RemoteObject> readBack(const QString &name, RemoteObject object);

    //! Reports the parts of running uploads as progress and stops them when cancelled.
    bool observe(const S3RequestEvent &event);

    struct Watch
    {
        std::function<void(qint64, qint64)> progress;
        std::shared_ptr<std::atomic_bool> cancel;
        qint64 sent = 0;
        qint64 total = 0;
    };
    QMutex m_watchMutex;
    QHash<QString, Watch> m_watched; //!< By object key.
    QString m_spec;
    std::unique_ptr<S3Store> m_store;
    std::unique_ptr<S3Client> m_client;
    QString m_keyTemplate;
    int m_jobs = 4;

    QMutex m_cacheMutex;
    QHash<QString, std::optional<RemoteObject>> m_byName;
    bool m_listed = false;
    bool m_listTooLarge = false;
    QHash<QString, QList<RemoteObject>> m_byMd5;
};

} // namespace gh
