#pragma once

#include <QAbstractTableModel>

#include "model/records.h"

namespace gh {

/*!
    \class gh::BatchListModel
    The batch dashboard: a row per batch, a lamp per stage. Refreshed as a whole from the engine's batch list
    (a handful of rows), keeping rows stable so selection survives refreshes.
*/
class BatchListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        CreatedColumn,
        FilesColumn,
        ProblemsColumn,
        FirstStageColumn
    };
    enum Role
    {
        BatchIdRole = Qt::UserRole + 1,
        StageStateRole, //!< int(StageState) for stage columns
        SourceRole
    };

    explicit BatchListModel(QObject *parent = nullptr);

    void setBatches(const QList<BatchRecord> &batches);
    int rowForBatch(qint64 batchId) const;
    const BatchRecord *batch(int row) const;
    static Stage stageForColumn(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<BatchRecord> m_batches;
};

} // namespace gh
