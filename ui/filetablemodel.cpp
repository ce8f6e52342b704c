#include "filetablemodel.h"

#include <algorithm>

#include <QDir>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

namespace gh {

namespace {

constexpr int s_flushIntervalMs = 100;

// Display names are looked up once per status, not once per painted cell.
const QString &statusName(FileStatus status)
{
    static QHash<int, QString> names;
    auto it = names.constFind(int(status));
    if (it == names.cend())
        it = names.insert(int(status), StatusInfo::displayName(status));
    return *it;
}

} // namespace

FileTableModel::FileTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(s_flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &FileTableModel::flushChanges);
}

void FileTableModel::reset(qint64 batchId)
{
    beginResetModel();
    m_batchId = batchId;
    m_files.clear();
    m_ascending = true;
    m_rowById.clear();
    m_dirtyFirst = m_dirtyLast = -1;
    endResetModel();
}

void FileTableModel::appendFiles(const QList<FileRecord> &files)
{
    QList<FileRecord> fresh;
    fresh.reserve(files.size());
    for (const FileRecord &f : files) {
        if (f.batchId != m_batchId)
            continue;
        if (rowForFile(f.id) >= 0)
            updateFiles({f});
        else
            fresh.append(f);
    }
    if (fresh.isEmpty())
        return;
    const int first = int(m_files.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (FileRecord &f : fresh) {
        if (m_ascending && !m_files.empty() && f.id <= m_files.back().id) {
            m_ascending = false;
            m_rowById.reserve(qsizetype(m_files.size()) * 2);
            for (size_t row = 0; row < m_files.size(); ++row)
                m_rowById.insert(m_files[row].id, int(row));
        }
        if (!m_ascending)
            m_rowById.insert(f.id, int(m_files.size()));
        m_files.push_back(std::move(f));
    }
    endInsertRows();
}

int FileTableModel::rowForFile(qint64 fileId) const
{
    if (!m_ascending)
        return m_rowById.value(fileId, -1);
    const auto it = std::lower_bound(m_files.cbegin(), m_files.cend(), fileId,
                                     [](const FileRecord &f, qint64 id) { return f.id < id; });
    return it != m_files.cend() && it->id == fileId ? int(it - m_files.cbegin()) : -1;
}

void FileTableModel::updateFiles(const QList<FileRecord> &files)
{
    for (const FileRecord &f : files) {
        const int row = rowForFile(f.id);
        if (row < 0)
            continue;
        FileRecord &shown = m_files[size_t(row)];
        // A refresh for changes made elsewhere brings every row again; only those that changed repaint.
        if (shown.status == f.status && shown.processedAt == f.processedAt && shown.attempts == f.attempts &&
            shown.size == f.size && shown.storedKey == f.storedKey &&
            shown.digests.sha256 == f.digests.sha256 && shown.mimetype == f.mimetype &&
            shown.error == f.error)
            continue;
        shown = f;
        m_dirtyFirst = m_dirtyFirst < 0 ? row : std::min(m_dirtyFirst, row);
        m_dirtyLast = std::max(m_dirtyLast, row);
    }
    if (m_dirtyFirst >= 0 && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void FileTableModel::flushChanges()
{
    if (m_dirtyFirst < 0)
        return;
    emit dataChanged(index(m_dirtyFirst, 0), index(m_dirtyLast, ColumnCount - 1));
    m_dirtyFirst = m_dirtyLast = -1;
}

void FileTableModel::setLocalStoreRoot(const QString &root)
{
    if (root == m_storeRoot)
        return;
    m_storeRoot = root;
    if (!m_files.empty())
        emit dataChanged(index(0, 0), index(int(m_files.size()) - 1, ColumnCount - 1), {LocalPathRole});
}

QString FileTableModel::localPath(const FileRecord &file) const
{
    return localPath(m_storeRoot, file);
}

QString FileTableModel::localPath(const QString &storeRoot, const FileRecord &file)
{
    if (!file.storedKey.isEmpty() && !storeRoot.isEmpty())
        return QDir(storeRoot).filePath(file.storedKey);
    // An archive member or a download has no path of its own until it is stored.
    if (file.sourceMember.isEmpty() && file.sourceUrl.isEmpty())
        return file.sourcePath;
    return {};
}

const FileRecord *FileTableModel::file(int row) const
{
    return row >= 0 && row < int(m_files.size()) ? &m_files[size_t(row)] : nullptr;
}

int FileTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_files.size());
}

int FileTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FileTableModel::data(const QModelIndex &index, int role) const
{
    const FileRecord *f = file(index.row());
    if (!f)
        return {};
    switch (role) {
    case FileIdRole:
        return f->id;
    case StatusRole:
        return int(f->status);
    case ItemIdRole:
        return f->itemId;
    case LocalPathRole:
        return localPath(*f);
    case Sha256Role:
        return f->digests.sha256;
    case MimetypeRole:
        return f->mimetype.isEmpty() ? f->declaredMimetype : f->mimetype;
    case SortRole:
        switch (index.column()) {
        case SizeColumn:
            return f->size >= 0 ? f->size : f->declaredSize;
        case StatusColumn:
            return int(f->status);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (!f->error.isEmpty())
            return f->error;
        return index.column() == Sha256Column ? f->digests.sha256 : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && StatusInfo::severity(f->status) == Severity::Error)
            return QColor(0xc0, 0x39, 0x2b);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case ItemColumn:
        return f->item;
    case NameColumn:
        return f->name;
    case StatusColumn:
        return statusName(f->status);
    case SizeColumn: {
        const qint64 size = f->size >= 0 ? f->size : f->declaredSize;
        return size >= 0 ? QLocale().formattedDataSize(size) : QString();
    }
    case TypeColumn:
        return f->mimetype;
    case Sha256Column:
        return f->digests.sha256.left(16);
    case StoredKeyColumn:
        return f->storedKey;
    default:
        return {};
    }
}

QVariant FileTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ItemColumn:
        return tr("Item");
    case NameColumn:
        return tr("File");
    case StatusColumn:
        return tr("Status");
    case SizeColumn:
        return tr("Size");
    case TypeColumn:
        return tr("Type");
    case Sha256Column:
        return tr("SHA-256");
    case StoredKeyColumn:
        return tr("Stored as");
    default:
        return {};
    }
}

} // namespace gh
