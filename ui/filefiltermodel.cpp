#include "filefiltermodel.h"

#include "filetablemodel.h"

namespace gh {

FileFilterModel::FileFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // The source coalesces its updates; re-filtering and re-sorting the changed rows is what a curator
    // watching a running fetch expects ("failed" fills up as files fail).
    setDynamicSortFilter(true);
}

void FileFilterModel::setSourceModel(QAbstractItemModel *model)
{
    auto *files = qobject_cast<FileTableModel *>(model);
    if (model && !files)
        return;
    for (const auto &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    forgetAllKeys();
    m_files = files;
    // Connected before the base class connects its own handlers, so stale keys are gone before it
    // re-sorts changed rows.
    if (files) {
        m_sourceConnections = {
            connect(files, &QAbstractItemModel::dataChanged, this,
                    [this](const QModelIndex &first, const QModelIndex &last) {
                        forgetKeys(first.row(), last.row());
                    }),
            connect(files, &QAbstractItemModel::modelAboutToBeReset, this, &FileFilterModel::forgetAllKeys),
            connect(files, &QAbstractItemModel::rowsAboutToBeRemoved, this, &FileFilterModel::forgetAllKeys),
            connect(files, &QAbstractItemModel::rowsAboutToBeMoved, this, &FileFilterModel::forgetAllKeys),
            connect(files, &QAbstractItemModel::layoutAboutToBeChanged, this,
                    &FileFilterModel::forgetAllKeys),
        };
    }
    QSortFilterProxyModel::setSourceModel(files);
}

void FileFilterModel::setFilter(const FileFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    invalidateFilter();
}

void FileFilterModel::setFindings(const QHash<qint64, QList<FindingRecord>> &findings)
{
    m_findings = findings;
    if (m_filter.needsFindings())
        invalidateFilter();
}

FileOrder::Field FileFilterModel::fieldForColumn(int column)
{
    switch (column) {
    case FileTableModel::ItemColumn:
        return FileOrder::Field::Item;
    case FileTableModel::StatusColumn:
        return FileOrder::Field::Status;
    case FileTableModel::SizeColumn:
        return FileOrder::Field::Size;
    case FileTableModel::TypeColumn:
        return FileOrder::Field::Mimetype;
    case FileTableModel::Sha256Column:
        return FileOrder::Field::Sha256;
    case FileTableModel::StoredKeyColumn:
        return FileOrder::Field::StoredKey;
    case FileTableModel::NameColumn:
    default:
        return FileOrder::Field::Name;
    }
}

bool FileFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_files)
        return false;
    if (m_filter.isEmpty())
        return true;
    const FileRecord *file = m_files->file(sourceRow);
    if (!file)
        return false;
    if (!m_filter.needsFindings())
        return m_filter.matches(*file);
    const auto found = m_findings.constFind(file->id);
    return m_filter.matches(*file, found == m_findings.cend() ? QList<FindingRecord>() : *found);
}

bool FileFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    return FileOrder::less(keyFor(left.row(), left.column()), keyFor(right.row(), right.column()));
}

const FileOrder::Key &FileFilterModel::keyFor(int sourceRow, int column) const
{
    if (column != m_keyColumn) {
        m_keys.clear();
        m_keyColumn = column;
    }
    if (m_keys.size() <= size_t(sourceRow))
        m_keys.resize(size_t(m_files->rowCount()));
    auto &slot = m_keys[size_t(sourceRow)];
    if (!slot)
        slot = FileOrder::key(*m_files->file(sourceRow), fieldForColumn(column));
    return *slot;
}

void FileFilterModel::forgetKeys(int first, int last)
{
    for (int row = std::max(first, 0); row <= last && size_t(row) < m_keys.size(); ++row)
        m_keys[size_t(row)].reset();
}

void FileFilterModel::forgetAllKeys()
{
    m_keys.clear();
}

} // namespace gh
