#pragma once

#include <QAbstractItemModel>

#include "dedup/duplicateservice.h"

namespace gh {

/*!
    \class gh::DuplicatesModel
    The duplicates view's tree: a row per case that needs decisions (with its open and total counts), under
    it a row per file of the case with our name on the target, what is there, and the decision in force.
    Filled from a DuplicateView the engine read; data() only reads prepared strings.
*/
class DuplicatesModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        FileColumn,
        NameColumn,
        ExistingColumn,
        DecisionColumn,
        ColumnCount
    };
    enum Role
    {
        FileIdRole = Qt::UserRole + 1, //!< qint64; 0 on case rows.
        CaseRole,                      //!< int(DuplicateCase)
        OpenRole                       //!< bool: waits for a decision.
    };

    explicit DuplicatesModel(QObject *parent = nullptr);

    void setView(const DuplicateView &view);
    const DuplicateView &view() const { return m_view; }
    const DuplicateRecord *record(qint64 fileId) const;
    QModelIndex indexForFile(qint64 fileId) const;
    //! The first file after \a fileId (in the tree's order, wrapping) that waits for a decision and is not in
    //! \a except; 0 when none does.
    qint64 nextOpen(qint64 fileId, const QSet<qint64> &except = {}) const;
    //! Files of \a dupCase that wait for a decision.
    QList<qint64> openOfCase(DuplicateCase dupCase) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        qint64 fileId;
        QString texts[ColumnCount];
        bool open;
    };
    struct Group
    {
        DuplicateCase dupCase;
        QString title;
        QList<Row> rows;
    };
    DuplicateView m_view;
    QList<Group> m_groups;
    QHash<qint64, std::pair<int, int>> m_where; //!< file id → (group, row)
    QHash<qint64, int> m_recordIndex;           //!< file id → index in m_view.records
};

} // namespace gh
