#pragma once

#include <QCoreApplication>

#include "bitstore.h"

namespace gh {

/*!
    \class gh::LocalStore
    A bit store in a folder. Objects are written under \c .partial/ (same file system, so the final rename is
    atomic), flushed to disk, read back and verified against the expected sha256, then renamed to their key.
*/
class LocalStore final : public BitStore
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalStore)

public:
    struct Options
    {
        bool syncToDisk = true;       //!< fdatasync each object before it becomes visible.
        bool verifyAfterWrite = true; //!< Re-read each object and compare its sha256 before renaming.
    };

    static Result<std::unique_ptr<LocalStore>> open(const QString &root, Options options);
    static Result<std::unique_ptr<LocalStore>> open(const QString &root) { return open(root, Options{}); }

    QString root() const { return m_root; }
    QString displayName() const override;
    Result<std::unique_ptr<StoreWriter>> beginWrite() override;
    Result<bool> exists(const QString &key) override;
    Result<std::unique_ptr<QIODevice>> read(const QString &key) override;
    Status remove(const QString &key) override;
    QString localPath(const QString &key) const override;
    Status removeStaleTemporaries() override;

private:
    LocalStore(QString root, Options options);
    QString m_root;
    Options m_options;
};

} // namespace gh
