#include "transfersmodel.h"

#include <QLocale>

namespace gh {

TransfersModel::TransfersModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void TransfersModel::setTransfers(const QList<TransferActivity> &transfers)
{
    QHash<qint64, qsizetype> incoming;
    incoming.reserve(transfers.size());
    for (qsizetype i = 0; i < transfers.size(); ++i)
        incoming.insert(transfers[i].tag, i);

    // Finished transfers leave in contiguous ranges, from the bottom up so earlier rows keep their numbers.
    int lowestRemoved = -1;
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (incoming.contains(m_rows[row].tag)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_rows[first - 1].tag))
            --first;
        beginRemoveRows({}, first, row);
        for (int r = first; r <= row; ++r)
            m_rowById.remove(m_rows[r].tag);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        lowestRemoved = first;
        row = first - 1;
    }
    if (lowestRemoved >= 0)
        reindexFrom(lowestRemoved);

    // Rows still running take the new numbers; one dataChanged covers them all.
    int changedFirst = -1;
    int changedLast = -1;
    QList<TransferActivity> fresh;
    for (qsizetype i = 0; i < transfers.size(); ++i) {
        const TransferActivity &t = transfers[i];
        if (incoming.value(t.tag) != i)
            continue; // a file listed twice: its last entry counts
        const int row = m_rowById.value(t.tag, -1);
        if (row < 0) {
            fresh.append(t);
            continue;
        }
        TransferActivity &current = m_rows[row];
        if (current.bytesDone == t.bytesDone && current.total == t.total &&
            current.bytesPerSecond == t.bytesPerSecond && current.attempt == t.attempt &&
            current.label == t.label && current.host == t.host)
            continue;
        current = t;
        changedFirst = changedFirst < 0 ? row : std::min(changedFirst, row);
        changedLast = std::max(changedLast, row);
    }
    if (changedFirst >= 0)
        emit dataChanged(index(changedFirst, 0), index(changedLast, ColumnCount - 1));

    if (!fresh.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const TransferActivity &t : std::as_const(fresh)) {
            m_rowById.insert(t.tag, int(m_rows.size()));
            m_rows.append(t);
        }
        endInsertRows();
    }
}

void TransfersModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    m_rowById.clear();
    endRemoveRows();
}

void TransfersModel::reindexFrom(int row)
{
    for (int r = row; r < m_rows.size(); ++r)
        m_rowById.insert(m_rows[r].tag, r);
}

const TransferActivity *TransfersModel::transfer(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int TransfersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransfersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransfersModel::data(const QModelIndex &index, int role) const
{
    const TransferActivity *t = transfer(index.row());
    if (!t || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    switch (role) {
    case FileIdRole:
        return t->tag;
    case ReceivedRole:
        return t->bytesDone;
    case TotalRole:
        return t->total;
    case SortRole:
        switch (index.column()) {
        case ProgressColumn:
            return t->total > 0 ? double(t->bytesDone) / double(t->total) : -1.0;
        case RateColumn:
            return t->bytesPerSecond;
        case AttemptColumn:
            return t->attempt;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        return index.column() == RateColumn || index.column() == AttemptColumn
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == ProgressColumn || index.column() == NameColumn) {
            const QLocale locale;
            if (t->bytesDone == 0 && t->total < 0)
                return tr("Waiting for the server: connecting, or in the queue for this host.");
            return t->total >= 0
                       ? tr("%1 of %2 bytes received")
                             .arg(locale.toString(t->bytesDone), locale.toString(t->total))
                       : tr("%1 bytes received; the size is not known yet").arg(locale.toString(t->bytesDone));
        }
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    const QLocale locale;
    switch (index.column()) {
    case NameColumn:
        return t->label;
    case HostColumn:
        return t->host;
    case ProgressColumn:
        if (t->bytesDone == 0 && t->total < 0)
            return tr("waiting…");
        if (t->total > 0) {
            return tr("%1 of %2 (%3%)")
                .arg(locale.formattedDataSize(t->bytesDone), locale.formattedDataSize(t->total))
                .arg(t->bytesDone * 100 / t->total);
        }
        return locale.formattedDataSize(t->bytesDone);
    case RateColumn:
        return tr("%1/s").arg(locale.formattedDataSize(qint64(t->bytesPerSecond)));
    case AttemptColumn:
        return locale.toString(t->attempt);
    default:
        return {};
    }
}

QVariant TransfersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("File");
    case HostColumn:
        return tr("Host");
    case ProgressColumn:
        return tr("Progress");
    case RateColumn:
        return tr("Rate");
    case AttemptColumn:
        return tr("Attempt");
    default:
        return {};
    }
}

} // namespace gh
