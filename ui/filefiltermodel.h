#pragma once

#include <optional>
#include <vector>

#include <QSet>
#include <QSortFilterProxyModel>

#include "query/filefilter.h"

namespace gh {

class FileTableModel;

/*!
    \class gh::FileFilterModel
    Filters and sorts a FileTableModel for the file table. Which rows show is decided by a gh::FileFilter
    (core), and the order by gh::FileOrder keys, computed once per row and column and kept until the row
    changes, so neither filterAcceptsRow() nor lessThan() allocates or formats anything: a sort of 10^6 rows
    compares precomputed numbers and strings. Sorting by a column sorts by what the column shows, names in
    natural order ("page2" before "page10").

    The source must be a FileTableModel (setSourceModel() ignores other models). Map rows with
    mapToSource()/mapFromSource(); the source keeps its own id→row index.
*/
class FileFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit FileFilterModel(QObject *parent = nullptr);

    //! Sets \a model, which must be a FileTableModel, as the source.
    void setSourceModel(QAbstractItemModel *model) override;
    FileTableModel *fileModel() const { return m_files; }

    const FileFilter &filter() const { return m_filter; }
    //! Shows only the files \a filter matches (connect FilterBar::filterChanged here).
    void setFilter(const gh::FileFilter &filter);
    /*!
        The QA findings of the batch's files by file id, for the \c qa and \c check terms; findings are not
        part of a FileRecord. Files without findings need no entry.
    */
    void setFindings(const QHash<qint64, QList<gh::FindingRecord>> &findings);

    //! The sort field for a FileTableModel column.
    static FileOrder::Field fieldForColumn(int column);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    const FileOrder::Key &keyFor(int sourceRow, int column) const;
    void forgetKeys(int first, int last);
    void forgetAllKeys();

    FileTableModel *m_files = nullptr;
    FileFilter m_filter;
    QHash<qint64, QList<FindingRecord>> m_findings;
    QList<QMetaObject::Connection> m_sourceConnections;
    // Sort keys of the column sorted by, by source row; filled lazily by lessThan().
    mutable std::vector<std::optional<FileOrder::Key>> m_keys;
    mutable int m_keyColumn = -1;
};

} // namespace gh
