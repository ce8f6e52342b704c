#pragma once

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
        SortRole
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

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void flushChanges();

    qint64 m_batchId = 0;
    QList<FileRecord> m_files;
    QHash<qint64, int> m_rowById;
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    QTimer m_flushTimer;
};

} // namespace gh
