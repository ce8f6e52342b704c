#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <QCoreApplication>
#include <QMutex>
#include <QSet>

#include "bitstore.h"
#include "writeback.h"

namespace gh {

class SpoolFile;

/*!
    \class gh::LocalStore
    A bit store in a folder. Objects are written under \c .partial/ (the same file system, so publishing is an
    atomic rename) and renamed to their key once their bytes are on disk.

    Durability is group-wise by default (Sync::Batched): commit() verifies an object and adds it to the
    current group; flush() syncs the whole group with one syncfs,
    only then renames every object of the group to its key, and syncs again so the renames are durable. The
    fetch stage flushes before it records the group's files in one catalog transaction, so a file the catalog
    calls stored always has complete, durable bytes under its key, and a kill at any point leaves nothing but
    temporaries (removed by the next run) and objects whose files the next run copies again. Resumable writes
    (downloads) are published at commit, as their spools outlive the process; flush() syncs them too.
    With Sync::EachFile every object is fdatasync'ed and renamed at commit; with Sync::None it is renamed at
    commit and never synced.

    So that the group's sync does not write the whole group while the stage waits, the store asks the kernel
    to start writing each object early (Writeback, on a thread of its own): every 8 MiB of a large object as
    it is written, and the rest at commit; every 32 MiB it also asks the disk to settle what it holds of the
    object (fdatasync), so the group's sync does not wait for the disk to flush a whole large object at once.
    That is only a head start; the syncs above remain what makes an object durable.
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
    ~LocalStore() override;

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

    //! An object committed but not yet published: its spool, and the path of its key.
    struct Pending
    {
        std::unique_ptr<SpoolFile> spool;
        QString target;
    };
    void defer(Pending pending);
    Status syncFileSystem() const;
    //! Makes the folder of an object's key, once per folder for the life of the store.
    Status makeFolder(const QString &folder);

    QString m_root;
    Options m_options;
    std::atomic<int> m_unflushed{0};
    QMutex m_pendingMutex;
    std::vector<Pending> m_pending; //!< The current group, published by the next flush().
    QMutex m_foldersMutex;
    QSet<QString> m_folders; //!< Folders made (or found) for keys, so each is made once.
    Writeback m_writeback;   //!< Declared last: stopped before the pending spools go.
};

} // namespace gh
