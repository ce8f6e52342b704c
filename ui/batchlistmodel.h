#pragma once

#include <QAbstractTableModel>
#include <QIcon>

#include "model/records.h"

namespace gh {

/*!
    \class gh::BatchListModel
    The batch dashboard: a row per batch, its problems, a lamp per stage. Refreshed as a whole from the
    engine's batch list (a handful of rows), keeping rows stable so selection survives refreshes. Archived
    batches are kept (batch() finds them) but shown only with setShowArchived(true).

    The problems column and the lamps' tooltips read the batch's gh::Problems (BatchRecord::problems and
    batchProblems), the same the Problems dock and \c{status --json} show.
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
        SourceRole,
        ProblemCountRole, //!< qint64: the batch's problems, errors and warnings
        ArchivedRole      //!< bool
    };

    explicit BatchListModel(QObject *parent = nullptr);

    /*!
        The batches to show. With \a problemsCounted false their problems are not counted yet (the engine's
        first list, gh::Engine::batchesListed()): the problems column says so instead of "no problems".
    */
    void setBatches(const QList<BatchRecord> &batches, bool problemsCounted = true);
    bool problemsCounted() const { return m_problemsCounted; }
    //! Shows archived batches too (greyed), or hides them (the default).
    void setShowArchived(bool show);
    bool showsArchived() const { return m_showArchived; }
    //! The row of \a batchId among the rows shown; -1 when it is not shown.
    int rowForBatch(qint64 batchId) const;
    const BatchRecord *batch(int row) const;
    //! Any batch of the catalog, shown or archived.
    const BatchRecord *batchById(qint64 batchId) const;
    //! Every batch of the catalog, archived ones included, oldest first.
    const QList<BatchRecord> &allBatches() const { return m_all; }
    static Stage stageForColumn(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    //! The lamp's words: the stage's state and the problems behind it.
    static QString lampText(const BatchRecord &batch, Stage stage);

private:
    QList<BatchRecord> visible(const QList<BatchRecord> &all) const;

    QList<BatchRecord> m_all;
    QList<BatchRecord> m_batches; //!< The rows shown.
    bool m_showArchived = false;
    bool m_problemsCounted = true;
    QIcon m_errorIcon;
    QIcon m_warningIcon;
};

} // namespace gh
