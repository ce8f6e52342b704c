#pragma once

#include <deque>

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include "model/records.h"

namespace gh {

/*!
    \class gh::FileTableModel
    The files of one batch, built for 10^6 rows: rows found by id with a binary search while they arrive in
    id order (as the engine pages them), inserts in batches, and updates coalesced into one dataChanged per
    refresh tick. data() only reads prepared values.
*/
class FileTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        ItemColumn,
        NameColumn,
        StatusColumn,
        SizeColumn,
        TypeColumn,
        Sha256Column,
        StoredKeyColumn,
        ColumnCount
    };
    enum Role
    {
        FileIdRole = Qt::UserRole + 1,
        StatusRole, //!< int(FileStatus)
        SortRole,
        ItemIdRole,    //!< qint64: the file's item; the files of a multi-page item share it.
        LocalPathRole, //!< QString: where the file can be read on this machine (see localPath()); may be
                       //!< empty.
        Sha256Role,    //!< QString: the full SHA-256 in hex, once computed; keys the thumbnail cache.
        MimetypeRole   //!< QString: the sniffed mimetype, else the declared one.
    };

    explicit FileTableModel(QObject *parent = nullptr);

    qint64 batchId() const { return m_batchId; }
    //! Empties the model and shows the files of \a batchId as they arrive.
    void reset(qint64 batchId);
    //! Appends files of the current batch (one insert for the whole list).
    void appendFiles(const QList<FileRecord> &files);
    //! Applies updates to files already shown; rows repaint on the next tick.
    void updateFiles(const QList<FileRecord> &files);
    //! The row of \a fileId, or -1.
    int rowForFile(qint64 fileId) const;
    const FileRecord *file(int row) const;

    /*!
        Sets the folder of the local bit store (LocalStore::root()), so stored files are read from their
        copy; empty (the default) when the store is not on this machine.
    */
    void setLocalStoreRoot(const QString &root);
    QString localStoreRoot() const { return m_storeRoot; }
    /*!
        Where \a file can be read on this machine: its stored copy under the local store root, else its
        source when that is a plain local file (not an archive member or a URL); empty otherwise.
    */
    QString localPath(const FileRecord &file) const;
    //! The same for a store at \a storeRoot; safe on any thread.
    static QString localPath(const QString &storeRoot, const FileRecord &file);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void flushChanges();

    qint64 m_batchId = 0;
    QString m_storeRoot;
    // A deque, not a QList: growing never moves the records already there. Relocating ~400-byte records
    // took 180 ms at 60,000 rows, blocking the GUI thread during a large batch's intake.
    std::deque<FileRecord> m_files;
    // While the rows are in ascending id order (always, unless a page of an older load arrives after a
    // reset) a row is found by binary search: no id→row hash, whose growth rehashed half a million entries
    // on the GUI thread (a 100 ms block at 10^6 rows, tests/bench/scale.sh) and held 40 MB. Out of order,
    // the hash is built once and kept up to date.
    bool m_ascending = true;
    QHash<qint64, int> m_rowById;
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    QTimer m_flushTimer;
};

} // namespace gh
