#include "batchlistmodel.h"

#include <QApplication>
#include <QLocale>
#include <QPalette>
#include <QStyle>

#include "report/problems.h"

namespace gh {

namespace {

//! At most this many problems are named in a lamp's tooltip; the Problems dock lists them all.
constexpr int s_lampProblems = 5;

} // namespace

BatchListModel::BatchListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    if (qobject_cast<QApplication *>(QCoreApplication::instance())) {
        m_errorIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        m_warningIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    }
}

Stage BatchListModel::stageForColumn(int column)
{
    return StageInfo::all().at(column - FirstStageColumn);
}

QList<BatchRecord> BatchListModel::visible(const QList<BatchRecord> &all) const
{
    if (m_showArchived)
        return all;
    QList<BatchRecord> shown;
    shown.reserve(all.size());
    for (const BatchRecord &b : all) {
        if (!b.archived)
            shown.append(b);
    }
    return shown;
}

void BatchListModel::setBatches(const QList<BatchRecord> &batches, bool problemsCounted)
{
    m_all = batches;
    m_problemsCounted = problemsCounted;
    const QList<BatchRecord> shown = visible(batches);
    // Batches are mostly added, in id order: update existing rows in place and append new ones, so the view
    // keeps its selection and scroll position. A batch deleted, archived or shown again resets the rows.
    const qsizetype common = std::min(m_batches.size(), shown.size());
    bool sameIds = true;
    for (qsizetype i = 0; i < common; ++i)
        sameIds = sameIds && m_batches[i].id == shown[i].id;
    if (!sameIds || shown.size() < m_batches.size()) {
        beginResetModel();
        m_batches = shown;
        endResetModel();
        return;
    }
    for (qsizetype i = 0; i < common; ++i)
        m_batches[i] = shown[i];
    if (common > 0)
        emit dataChanged(index(0, 0), index(int(common) - 1, columnCount() - 1));
    if (shown.size() > common) {
        beginInsertRows({}, int(common), int(shown.size()) - 1);
        for (qsizetype i = common; i < shown.size(); ++i)
            m_batches.append(shown[i]);
        endInsertRows();
    }
}

void BatchListModel::setShowArchived(bool show)
{
    if (show == m_showArchived)
        return;
    m_showArchived = show;
    beginResetModel();
    m_batches = visible(m_all);
    endResetModel();
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

const BatchRecord *BatchListModel::batchById(qint64 batchId) const
{
    for (const BatchRecord &b : m_all) {
        if (b.id == batchId)
            return &b;
    }
    return nullptr;
}

int BatchListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_batches.size());
}

int BatchListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstStageColumn + int(StageInfo::all().size());
}

QString BatchListModel::lampText(const BatchRecord &b, Stage stage)
{
    const StageState state = b.stages.value(stage, StageState::NotStarted);
    QString text = tr("%1: %2").arg(StageInfo::displayName(stage), StageInfo::displayName(state));
    QStringList lines;
    // The stage's own problems, then (for the fetch lamp) its files' problems by status.
    for (const Problem &p : b.batchProblems) {
        if (p.stage == stage && lines.size() < s_lampProblems)
            lines.append(u"• " + p.message);
    }
    if (stage == Stage::Intake && lines.isEmpty() && state == StageState::NeedsAttention &&
        b.problems.errors > 0) {
        // Intake recorded files it could not take (missing, unsafe, unreadable): they are listed as files.
        lines.append(u"• " + tr("%n file(s) with problems: see Problems", nullptr,
                                int(std::min<qint64>(b.problems.errors, INT_MAX))));
    }
    if (stage == Stage::Fetch) {
        for (auto it = b.counts.cbegin(); it != b.counts.cend(); ++it) {
            if (StatusInfo::severity(it.key()) == Severity::Error && it.value() > 0)
                lines.append(u"• " + tr("%1: %2").arg(StatusInfo::displayName(it.key()),
                                                      QLocale().toString(it.value())));
        }
    }
    // Otherwise what the stage said when it ended: "2 errors, 0 warnings, 1 flag", "3 files wait for …".
    if (lines.isEmpty() && state != StageState::NotStarted && state != StageState::Running) {
        if (const QString detail = b.stageDetails.value(stage); !detail.isEmpty())
            lines.append(u"• " + detail);
    }
    if (!lines.isEmpty())
        text += u'\n' + lines.join(u'\n');
    return text;
}

QVariant BatchListModel::data(const QModelIndex &index, int role) const
{
    const BatchRecord *b = batch(index.row());
    if (!b)
        return {};
    switch (role) {
    case BatchIdRole:
        return b->id;
    case SourceRole:
        return b->source;
    case ProblemCountRole:
        return b->problems.total();
    case ArchivedRole:
        return b->archived;
    default:
        break;
    }
    const int column = index.column();
    if (column >= FirstStageColumn) {
        const Stage stage = stageForColumn(column);
        const StageState state = b->stages.value(stage, StageState::NotStarted);
        switch (role) {
        case StageStateRole:
            return int(state);
        case Qt::ToolTipRole:
        case Qt::AccessibleTextRole:
            return lampText(*b, stage);
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && b->archived)
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::ToolTipRole) {
        if (column == NameColumn) {
            QString tip = tr("Batch %1 from %2").arg(b->id).arg(b->source);
            if (b->archived)
                tip += u'\n' + tr("Archived: hidden from the dashboard unless archived batches are shown.");
            return tip;
        }
        if (column == ProblemsColumn && !m_problemsCounted)
            return tr("Counting problems…");
        if (column == ProblemsColumn)
            return b->problems.total() > 0 ? Problems::breakdownText(b->problems) : tr("No problems");
        if (column == CreatedColumn)
            return QLocale().toString(b->created.toLocalTime(), QLocale::LongFormat);
        return {};
    }
    if (role == Qt::DecorationRole && column == ProblemsColumn && b->problems.total() > 0)
        return b->problems.errors > 0 ? m_errorIcon : m_warningIcon;
    if (role == Qt::TextAlignmentRole && (column == FilesColumn || column == ProblemsColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (column) {
    case NameColumn:
        return b->archived ? tr("%1 (archived)").arg(b->name) : b->name;
    case CreatedColumn:
        return QLocale().toString(b->created.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
    case FilesColumn:
        return QLocale().toString(b->files);
    case ProblemsColumn:
        if (!m_problemsCounted)
            return role == Qt::AccessibleTextRole ? tr("Counting problems…") : QStringLiteral("…");
        if (role == Qt::AccessibleTextRole)
            return Problems::countText(b->problems.total());
        return b->problems.total() > 0 ? QLocale().toString(b->problems.total()) : QString();
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
