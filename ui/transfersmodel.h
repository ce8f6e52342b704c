#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include "net/transferactivity.h"

namespace gh {

/*!
    \class gh::TransfersModel
    The transfers running now, one row per file, keyed by file id. Each snapshot from Progress::transfers
    updates rows in place, appends new transfers and removes finished ones — never a reset — so a selection
    and the scroll position hold while the numbers move.
*/
class TransfersModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        HostColumn,
        ProgressColumn,
        RateColumn,
        AttemptColumn,
        ColumnCount
    };
    enum Role
    {
        FileIdRole = Qt::UserRole + 1, //!< qint64: the activity's tag, which is the file id for files.
        ReceivedRole,                  //!< qint64 bytes received, earlier attempts' kept bytes included.
        TotalRole,                     //!< qint64 bytes expected; -1 while unknown.
        SortRole
    };

    explicit TransfersModel(QObject *parent = nullptr);

    //! Makes the rows match \a transfers: updates rows of known files, removes the others, appends new ones.
    void setTransfers(const QList<TransferActivity> &transfers);
    void clear();
    int rowForFile(qint64 fileId) const { return m_rowById.value(fileId, -1); }
    const TransferActivity *transfer(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void reindexFrom(int row);

    QList<TransferActivity> m_rows;
    QHash<qint64, int> m_rowById;
};

} // namespace gh
