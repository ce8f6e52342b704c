#include "duplicatesmodel.h"

#include <QFont>

namespace gh {

namespace {

// Internal ids: case rows carry 0, file rows their group's index + 1.
constexpr quintptr s_caseRow = 0;

} // namespace

DuplicatesModel::DuplicatesModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void DuplicatesModel::setView(const DuplicateView &view)
{
    beginResetModel();
    m_view = view;
    m_groups.clear();
    m_where.clear();
    m_recordIndex.clear();
    for (DuplicateCase c : DuplicateInfo::cases()) {
        Group group{c, {}, {}};
        for (qsizetype i = 0; i < m_view.records.size(); ++i) {
            const DuplicateRecord &r = m_view.records[i];
            if (r.dupCase != c)
                continue;
            m_recordIndex.insert(r.fileId, int(i));
            const FileRecord file = m_view.files.value(r.fileId);
            Row row;
            row.fileId = r.fileId;
            row.open = r.isOpen();
            row.texts[FileColumn] = file.id > 0 ? file.item + u'/' + file.name : QString::number(r.fileId);
            row.texts[NameColumn] = r.intendedName;
            row.texts[ExistingColumn] = r.existingName.isEmpty() && r.existingBatch > 0
                                            ? tr("batch %1").arg(r.existingBatch)
                                            : r.existingName;
            if (r.decision) {
                row.texts[DecisionColumn] = DuplicateInfo::displayName(r.decision->action);
                if (r.decision->action == DuplicateAction::Rename && !r.decision->name.isEmpty())
                    row.texts[DecisionColumn] += u' ' + r.decision->name;
            } else {
                row.texts[DecisionColumn] = tr("— waiting —");
            }
            group.rows.append(row);
        }
        if (group.rows.isEmpty())
            continue;
        const DuplicateBook::Count count = m_view.counts.value(c);
        group.title = tr("%1 (%2 open of %3)")
                          .arg(DuplicateInfo::displayName(c))
                          .arg(count.open)
                          .arg(group.rows.size());
        for (int r = 0; r < group.rows.size(); ++r)
            m_where.insert(group.rows[r].fileId, {int(m_groups.size()), r});
        m_groups.append(group);
    }
    endResetModel();
}

const DuplicateRecord *DuplicatesModel::record(qint64 fileId) const
{
    const auto it = m_recordIndex.constFind(fileId);
    return it == m_recordIndex.cend() ? nullptr : &m_view.records[*it];
}

QModelIndex DuplicatesModel::indexForFile(qint64 fileId) const
{
    const auto it = m_where.constFind(fileId);
    if (it == m_where.cend())
        return {};
    return createIndex(it->second, 0, quintptr(it->first + 1));
}

qint64 DuplicatesModel::nextOpen(qint64 fileId, const QSet<qint64> &except) const
{
    QList<qint64> order;
    for (const Group &g : m_groups) {
        for (const Row &r : g.rows)
            order.append(r.fileId);
    }
    const qsizetype start = order.indexOf(fileId);
    for (qsizetype step = 1; step <= order.size(); ++step) {
        const qint64 id = order[(start + step + order.size()) % order.size()];
        if (except.contains(id))
            continue;
        const auto it = m_where.constFind(id);
        if (m_groups[it->first].rows[it->second].open)
            return id;
    }
    return 0;
}

QList<qint64> DuplicatesModel::openOfCase(DuplicateCase dupCase) const
{
    QList<qint64> ids;
    for (const Group &g : m_groups) {
        if (g.dupCase != dupCase)
            continue;
        for (const Row &r : g.rows) {
            if (r.open)
                ids.append(r.fileId);
        }
    }
    return ids;
}

QModelIndex DuplicatesModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_groups.size() ? createIndex(row, column, s_caseRow) : QModelIndex();
    if (parent.internalId() != s_caseRow || parent.row() >= m_groups.size())
        return {};
    if (row >= m_groups[parent.row()].rows.size())
        return {};
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex DuplicatesModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == s_caseRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, s_caseRow);
}

int DuplicatesModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() != s_caseRow || parent.column() != 0)
        return 0;
    return int(m_groups[parent.row()].rows.size());
}

int DuplicatesModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant DuplicatesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == s_caseRow) {
        const Group &g = m_groups[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == 0 ? QVariant(g.title) : QVariant();
        case Qt::ToolTipRole:
            return DuplicateInfo::description(g.dupCase);
        case CaseRole:
            return int(g.dupCase);
        case FileIdRole:
            return qint64(0);
        default:
            return {};
        }
    }
    const Group &g = m_groups[int(index.internalId() - 1)];
    const Row &r = g.rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return r.texts[index.column()];
    case Qt::ToolTipRole:
        return r.texts[index.column()];
    case FileIdRole:
        return r.fileId;
    case CaseRole:
        return int(g.dupCase);
    case OpenRole:
        return r.open;
    case Qt::FontRole:
        if (r.open && index.column() == DecisionColumn) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

QVariant DuplicatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FileColumn:
        return tr("Our file");
    case NameColumn:
        return tr("Name on the target");
    case ExistingColumn:
        return tr("What is there");
    case DecisionColumn:
        return tr("Decision");
    default:
        return {};
    }
}

} // namespace gh
