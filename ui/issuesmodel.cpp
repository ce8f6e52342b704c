#include "issuesmodel.h"

#include <algorithm>

#include <QApplication>
#include <QLocale>
#include <QSet>
#include <QStyle>

#include "report/problems.h"

namespace gh {

namespace {

constexpr int s_flushIntervalMs = 100;
/*!
    Above this many separate ranges in one removal, one reset costs views less than a signal per range (each
    makes a sorting proxy walk its whole mapping). It only happens when a large share of the problems clears
    at once, such as a re-run resetting transient failures to pending.
*/
constexpr int s_maxRemovalSignals = 128;

// Titles are looked up once per status, not once per row.
const QString &statusName(FileStatus status)
{
    static QHash<int, QString> names;
    auto it = names.constFind(int(status));
    if (it == names.cend())
        it = names.insert(int(status), StatusInfo::displayName(status));
    return *it;
}

} // namespace

IssuesModel::IssuesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(s_flushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &IssuesModel::flushChanges);
    m_errorText = tr("Error");
    m_warningText = tr("Warning");
    m_flagText = tr("QA flag");
    if (qobject_cast<QApplication *>(QCoreApplication::instance())) {
        m_errorIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        m_warningIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        m_flagIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
    }
}

IssuesModel::~IssuesModel() = default;

void IssuesModel::fill(Issue &issue, const FileRecord &file)
{
    // Problems::ofFile() without the optional: the caller has checked the severity.
    issue.problem.kind = Kind::File;
    issue.problem.level = Level::Error;
    issue.problem.stage = Stage::Fetch;
    issue.problem.fileId = file.id;
    issue.problem.status = file.status;
    issue.problem.where = Problems::where(file);
    issue.what = statusName(file.status);
    issue.problem.message = file.error.isEmpty() ? issue.what : file.error;
}

void IssuesModel::reset(qint64 batchId)
{
    beginResetModel();
    m_batchId = batchId;
    m_rows.clear();
    m_rowByFile.clear();
    m_batchProblems.clear();
    m_findings.clear();
    m_findingWhere.clear();
    m_restatingFiles.clear();
    m_dirtyFirst = m_dirtyLast = -1;
    endResetModel();
    emitCountIfChanged();
}

void IssuesModel::addOrUpdate(const QList<FileRecord> &files)
{
    std::vector<std::unique_ptr<Issue>> fresh;
    QHash<qint64, size_t> freshByFile;
    QSet<int> gone;
    bool restating = false;
    for (const FileRecord &f : files) {
        if (f.batchId != m_batchId)
            continue;
        restating = restating || m_restatingFiles.contains(f.id);
        const bool problem = StatusInfo::severity(f.status) == Severity::Error;
        if (const int row = m_rowByFile.value(f.id, -1); row >= 0) {
            if (!problem) {
                gone.insert(row);
                continue;
            }
            gone.remove(row);
            Issue updated;
            fill(updated, f);
            Issue &current = *m_rows[size_t(row)];
            if (current.what != updated.what || current.problem.where != updated.problem.where ||
                current.problem.message != updated.problem.message) {
                current = std::move(updated);
                markDirty(row);
            }
            continue;
        }
        if (const auto queued = freshByFile.constFind(f.id); queued != freshByFile.cend()) {
            // The same file twice in one list: its last record counts.
            if (problem)
                fill(*fresh[*queued], f);
            else
                fresh[*queued].reset();
            continue;
        }
        if (!problem)
            continue;
        auto issue = std::make_unique<Issue>();
        fill(*issue, f);
        freshByFile.insert(f.id, fresh.size());
        fresh.push_back(std::move(issue));
    }
    if (!gone.isEmpty())
        removeRowList(QList<int>(gone.cbegin(), gone.cend()));
    std::erase(fresh, nullptr);
    append(std::move(fresh));
    // A file whose row came or went may restate a finding, or no longer.
    if (restating)
        showFindings();
    emitCountIfChanged();
}

void IssuesModel::setBatchProblems(qint64 batchId, const QList<Problem> &problems)
{
    if (batchId != m_batchId)
        return;
    // Compared as shown: a refresh that changes nothing touches no row.
    const auto same = [](const Problem &a, const Problem &b) {
        return a.kind == b.kind && a.level == b.level && a.stage == b.stage && a.where == b.where &&
               a.message == b.message;
    };
    if (problems.size() == m_batchProblems.size() &&
        std::equal(problems.cbegin(), problems.cend(), m_batchProblems.cbegin(), same))
        return;
    m_batchProblems = problems;
    QList<int> old;
    for (size_t row = 0; row < m_rows.size(); ++row) {
        // Files and QA findings come by their own ways (addOrUpdate(), setFindings()).
        if (m_rows[row]->problem.kind != Kind::File && m_rows[row]->problem.kind != Kind::Finding)
            old.append(int(row));
    }
    removeRowList(old);
    std::vector<std::unique_ptr<Issue>> fresh;
    for (const Problem &p : problems) {
        auto issue = std::make_unique<Issue>();
        issue->problem = p;
        issue->what = Problems::title(p);
        fresh.push_back(std::move(issue));
    }
    append(std::move(fresh));
    emitCountIfChanged();
}

void IssuesModel::setFindings(qint64 batchId, const QList<FindingRecord> &findings, const QStringList &where)
{
    if (batchId != m_batchId)
        return;
    m_findings = findings;
    m_findingWhere = where;
    m_restatingFiles.clear();
    for (const FindingRecord &f : findings) {
        const auto &restated = Problems::restatedStatuses();
        if (f.fileId > 0 && std::any_of(restated.cbegin(), restated.cend(),
                                        [&](const auto &r) { return r.first == f.check; }))
            m_restatingFiles.insert(f.fileId);
    }
    showFindings();
    emitCountIfChanged();
}

void IssuesModel::showFindings()
{
    QList<int> old;
    for (size_t row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row]->problem.kind == Kind::Finding)
            old.append(int(row));
    }
    removeRowList(old);
    std::vector<std::unique_ptr<Issue>> fresh;
    fresh.reserve(size_t(m_findings.size()));
    for (qsizetype i = 0; i < m_findings.size(); ++i) {
        const FindingRecord &f = m_findings[i];
        if (m_restatingFiles.contains(f.fileId)) {
            const int fileRow = m_rowByFile.value(f.fileId, -1);
            if (fileRow >= 0 && Problems::restatesStatus(f, m_rows[size_t(fileRow)]->problem.status))
                continue;
        }
        auto issue = std::make_unique<Issue>();
        issue->problem = Problems::ofFinding(f, m_findingWhere.value(i));
        issue->what = Problems::title(issue->problem);
        fresh.push_back(std::move(issue));
    }
    append(std::move(fresh));
}

void IssuesModel::append(std::vector<std::unique_ptr<Issue>> fresh)
{
    if (fresh.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    m_rows.reserve(m_rows.size() + fresh.size());
    for (auto &issue : fresh) {
        if (issue->problem.kind == Kind::File)
            m_rowByFile.insert(issue->problem.fileId, int(m_rows.size()));
        m_rows.push_back(std::move(issue));
    }
    endInsertRows();
}

void IssuesModel::removeRowList(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<>());
    int ranges = 1;
    for (qsizetype i = 1; i < rows.size(); ++i)
        ranges += rows[i] != rows[i - 1] - 1;
    const int lowest = rows.constLast();

    if (ranges > s_maxRemovalSignals) {
        beginResetModel();
        for (const int row : std::as_const(rows))
            m_rows[size_t(row)].reset();
        std::erase(m_rows, nullptr);
        m_rowByFile.clear();
        reindexFrom(0);
        m_dirtyFirst = m_dirtyLast = -1;
        endResetModel();
        return;
    }
    // From the bottom up, so the rows still to remove keep their numbers.
    for (qsizetype i = 0; i < rows.size();) {
        const int last = rows[i];
        int first = last;
        while (++i < rows.size() && rows[i] == first - 1)
            --first;
        beginRemoveRows({}, first, last);
        for (int row = first; row <= last; ++row) {
            if (m_rows[size_t(row)]->problem.kind == Kind::File)
                m_rowByFile.remove(m_rows[size_t(row)]->problem.fileId);
        }
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
    }
    reindexFrom(lowest);
    if (m_dirtyFirst >= 0) {
        // Rows moved up: repaint from the first dirty one to the end rather than track each shift.
        m_dirtyFirst = std::min(m_dirtyFirst, lowest);
        m_dirtyLast = int(m_rows.size()) - 1;
        if (m_dirtyFirst > m_dirtyLast)
            m_dirtyFirst = m_dirtyLast = -1;
    }
}

void IssuesModel::reindexFrom(int row)
{
    for (size_t r = size_t(row); r < m_rows.size(); ++r) {
        if (m_rows[r]->problem.kind == Kind::File)
            m_rowByFile.insert(m_rows[r]->problem.fileId, int(r));
    }
}

void IssuesModel::markDirty(int row)
{
    m_dirtyFirst = m_dirtyFirst < 0 ? row : std::min(m_dirtyFirst, row);
    m_dirtyLast = std::max(m_dirtyLast, row);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void IssuesModel::flushChanges()
{
    if (m_dirtyFirst < 0)
        return;
    emit dataChanged(index(m_dirtyFirst, 0), index(m_dirtyLast, ColumnCount - 1));
    m_dirtyFirst = m_dirtyLast = -1;
}

void IssuesModel::emitCountIfChanged()
{
    const int count = int(m_rows.size());
    if (count == m_lastCount)
        return;
    m_lastCount = count;
    emit countChanged(count);
}

qint64 IssuesModel::fileId(int row) const
{
    return row >= 0 && size_t(row) < m_rows.size() ? m_rows[size_t(row)]->problem.fileId : 0;
}

QString IssuesModel::countText() const
{
    return Problems::countText(qint64(m_rows.size()));
}

int IssuesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int IssuesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IssuesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Issue &issue = *m_rows[size_t(index.row())];
    const Problem &p = issue.problem;
    switch (role) {
    case FileIdRole:
        return p.fileId;
    case KindRole:
        return int(p.kind);
    case LevelRole:
        return int(p.level);
    case SortRole:
        // Errors, then warnings, then QA flags when sorted ascending.
        return index.column() == SeverityColumn ? QVariant(p.level == Level::Error     ? 0
                                                           : p.level == Level::Warning ? 1
                                                                                       : 2)
                                                : data(index, Qt::DisplayRole);
    case Qt::DecorationRole:
        if (index.column() == SeverityColumn)
            return p.level == Level::Error     ? m_errorIcon
                   : p.level == Level::Warning ? m_warningIcon
                                               : m_flagIcon;
        return {};
    case Qt::ToolTipRole:
        return index.column() == MessageColumn || index.column() == WhereColumn ? data(index, Qt::DisplayRole)
                                                                                : QVariant();
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case SeverityColumn:
        return p.level == Level::Error ? m_errorText : p.level == Level::Warning ? m_warningText : m_flagText;
    case WhatColumn:
        return issue.what;
    case WhereColumn:
        return p.where;
    case MessageColumn:
        return p.message;
    default:
        return {};
    }
}

QVariant IssuesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case WhatColumn:
        return tr("Problem");
    case WhereColumn:
        return tr("Where");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace gh
