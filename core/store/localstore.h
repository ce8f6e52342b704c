#pragma once

#include <atomic>

#include <QCoreApplication>

#include "bitstore.h"

namespace gh {

/*!
    \class gh::LocalStore
    A bit store in a folder. Objects are written under \c .partial/ (the same file system, so publishing is an
    atomic rename) and renamed to their key on commit.

    Durability is batched by default: flush() syncs the file system once for every object committed since
    the last flush, and the fetch stage flushes before the catalog records those objects. An object renamed
    but not yet flushed when the power fails is not in the catalog, so the next run writes it again.
*/
class LocalStore final : public BitStore
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalStore)

public:
    using Sync = StoreOptions::Sync;
    struct Options
    {
        Sync sync = Sync::Batched;
        /*!
            Read each object back and compare its sha256 before publishing it. Off by default: right after
            writing, the bytes come back from the page cache, so this checks Gatehouse's own buffers, not
            the disk — worth it when chasing a bug, not on every copy.
        */
        bool verifyAfterWrite = false;
    };

    static Result<std::unique_ptr<LocalStore>> open(const QString &root, Options options);
    static Result<std::unique_ptr<LocalStore>> open(const QString &root) { return open(root, Options{}); }

    QString root() const { return m_root; }
    QString displayName() const override;
    Result<std::unique_ptr<StoreWriter>> beginWrite() override;
    Result<std::unique_ptr<StoreWriter>> beginResumableWrite(const QString &token) override;
    bool hasResumableWrite(const QString &token) const override;
    Status flush() override;
    Result<bool> exists(const QString &key) override;
    Result<std::unique_ptr<QIODevice>> read(const QString &key) override;
    Status remove(const QString &key) override;
    QString localPath(const QString &key) const override;
    Status removeStaleTemporaries() override;

private:
    class Writer;
    LocalStore(QString root, Options options);
    Result<std::unique_ptr<StoreWriter>> makeWriter(const QString &token);

    QString m_root;
    Options m_options;
    std::atomic<int> m_unflushed{0};
};

} // namespace gh
