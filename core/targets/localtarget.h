#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QMutex>

#include "target.h"
#include "targetoptions.h"

namespace gh {

class LocalStore;

/*!
    \class gh::LocalTarget
    A folder on this machine (an access-copy folder, a mounted archive volume): \c local:DIR. Files are
    written by the local bit store's writer (a temporary under \c DIR/.partial, fsync, atomic rename), named
    by the key template (default: the file's store key). Look-ups stat the path and hash what is there
    (cached for the run by size and modification time); verify hashes the file again.
*/
class LocalTarget final : public Target
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalTarget)

public:
    static Result<std::unique_ptr<Target>> open(const QString &spec, const TargetOptions &options);
    ~LocalTarget() override;

    QString spec() const override { return m_spec; }
    QString kind() const override { return QStringLiteral("local"); }
    int parallelism() const override { return m_jobs; }
    Result<QString> nameFor(const TemplateFields &fields, const NameTemplate *custom) const override;
    Result<QList<LookupAnswer>> lookup(const QList<LookupQuery> &queries,
                                       const std::shared_ptr<std::atomic_bool> &cancel) override;
    bool findsContentElsewhere() const override { return false; }
    UploadOutcome upload(const UploadRequest &request) override;
    Result<QList<VerifyResult>> verify(const QList<VerifyQuery> &queries) override;
    Status remove(const QString &name, const QString &reason) override;

    QString root() const;

private:
    LocalTarget(QString spec, std::unique_ptr<LocalStore> store, const TargetOptions &options);
    //! What lies at \a name: nothing, or the file with its digests (cached by size and modification time
    //! unless \a fresh).
    Result<std::optional<RemoteObject>> inspect(const QString &name, bool fresh,
                                                const std::shared_ptr<std::atomic_bool> &cancel);

    QString m_spec;
    std::unique_ptr<LocalStore> m_store;
    QString m_keyTemplate;
    int m_jobs = 2;
    struct Cached
    {
        qint64 size;
        qint64 mtimeNs;
        RemoteObject object;
    };
    QMutex m_cacheMutex;
    QHash<QString, Cached> m_cache;
};

/*!
    The name of a file on a key-addressed target (S3, local): \a custom, or the key template of the target
    (\a keyTemplate; empty for the file's store key), expanded and checked as a store key.
*/
Result<QString> keyNameFor(const TemplateFields &fields, const NameTemplate *custom,
                           const QString &keyTemplate);

} // namespace gh
