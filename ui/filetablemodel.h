#pragma once

#include <deque>

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include "model/records.h"

namespace gh {

/*!
    \class gh::FileTableModel
    The files of one batch, built for 10^6 rows: an id→row index, inserts in batches, and updates coalesced
    into one dataChanged per refresh tick. data() only reads prepared values.
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
    int rowForFile(qint64 fileId) const { return m_rowById.value(fileId, -1); }
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
    QHash<qint64, int> m_rowById;
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    QTimer m_flushTimer;
};

} // namespace gh
