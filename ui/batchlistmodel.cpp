#include "batchlistmodel.h"

#include <QLocale>

namespace gh {

namespace {

qint64 problems(const BatchRecord &b)
{
    qint64 n = 0;
    for (auto it = b.counts.cbegin(); it != b.counts.cend(); ++it) {
        if (StatusInfo::severity(it.key()) == Severity::Error)
            n += it.value();
    }
    return n;
}

} // namespace

BatchListModel::BatchListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

Stage BatchListModel::stageForColumn(int column)
{
    return StageInfo::all().at(column - FirstStageColumn);
}

void BatchListModel::setBatches(const QList<BatchRecord> &batches)
{
    // Batches are only ever added, and in id order: update existing rows in place and append new ones, so the
    // view keeps its selection and scroll position.
    const qsizetype common = std::min(m_batches.size(), batches.size());
    bool sameIds = true;
    for (qsizetype i = 0; i < common; ++i)
        sameIds = sameIds && m_batches[i].id == batches[i].id;
    if (!sameIds || batches.size() < m_batches.size()) {
        beginResetModel();
        m_batches = batches;
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < common; ++i)
        m_batches[i] = batches[i];
    if (common > 0)
        emit dataChanged(index(0, 0), index(int(common) - 1, columnCount() - 1));
    if (batches.size() > common) {
        beginInsertRows({}, int(common), int(batches.size()) - 1);
        for (qsizetype i = common; i < batches.size(); ++i)
            m_batches.append(batches[i]);
        endInsertRows();
    }
}

int BatchListModel::rowForBatch(qint64 batchId) const
{
    for (qsizetype i = 0; i < m_batches.size(); ++i) {
        if (m_batches[i].id == batchId)
            return int(i);
    }
    return -1;
}

const BatchRecord *BatchListModel::batch(int row) const
{
    return row >= 0 && row < m_batches.size() ? &m_batches[row] : nullptr;
}

int BatchListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_batches.size());
}

int BatchListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstStageColumn + int(StageInfo::all().size());
}

QVariant BatchListModel::data(const QModelIndex &index, int role) const
{
    const BatchRecord *b = batch(index.row());
    if (!b)
        return {};
    if (role == BatchIdRole)
        return b->id;
    if (role == SourceRole)
        return b->source;
    const int column = index.column();
    if (column >= FirstStageColumn) {
        const Stage stage = stageForColumn(column);
        const StageState state = b->stages.value(stage, StageState::NotStarted);
        switch (role) {
        case StageStateRole:
            return int(state);
        case Qt::ToolTipRole:
        case Qt::AccessibleTextRole:
            return tr("%1: %2").arg(StageInfo::displayName(stage), StageInfo::displayName(state));
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && column == NameColumn)
        return tr("Batch %1 from %2").arg(b->id).arg(b->source);
    if (role == Qt::TextAlignmentRole && (column == FilesColumn || column == ProblemsColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (column) {
    case NameColumn:
        return b->name;
    case CreatedColumn:
        return QLocale().toString(b->created.toLocalTime(), QLocale::ShortFormat);
    case FilesColumn:
        return QLocale().toString(b->files);
    case ProblemsColumn: {
        const qint64 n = problems(*b);
        return n > 0 ? QLocale().toString(n) : QString();
    }
    default:
        return {};
    }
}

QVariant BatchListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Batch");
    case CreatedColumn:
        return tr("Created");
    case FilesColumn:
        return tr("Files");
    case ProblemsColumn:
        return tr("Problems");
    default:
        return StageInfo::displayName(stageForColumn(section));
    }
}

} // namespace gh
