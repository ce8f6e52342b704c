#pragma once

#include <memory>
#include <vector>

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include "model/finding.h"
#include "model/records.h"

namespace gh {

/*!
    \class gh::IssuesModel
    Everything that needs the curator's attention in the shown batch, in one table instead of pop-ups: the
    batch's gh::Problems — a row per file whose status has Error severity and a row per problem of the batch
    as a whole (intake warnings that are not a file's error, failed or interrupted stages) and a row per QA
    finding (its check name as the problem, leading to its file) — so its count is the dashboard's and
    \c{status --json}'s.

    Built for 10^5–10^6 files: it is fed the same FileRecord chunks as the file table (addOrUpdate()), keeps
   an id→row index, inserts new problems in one block per call, removes files that became fine in contiguous
    ranges, and coalesces changes to rows already shown into one dataChanged per tick. data() only reads
    prepared strings.
*/
class IssuesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        SeverityColumn,
        WhatColumn,
        WhereColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        FileIdRole = Qt::UserRole + 1, //!< qint64; 0 for rows that are not about one file.
        KindRole,                      //!< int(Kind)
        LevelRole,                     //!< int(Level)
        SortRole
    };
    using Kind = Problem::Kind;
    using Level = Problem::Level;

    explicit IssuesModel(QObject *parent = nullptr);
    ~IssuesModel() override;

    qint64 batchId() const { return m_batchId; }
    //! Forgets the problems shown and follows \a batchId.
    void reset(qint64 batchId);
    /*!
        Takes in files of the current batch, as they are loaded or change: files with an Error-severity
        status get or update their row, files that are fine (or pending again) lose theirs. Files of other
        batches are ignored.
    */
    void addOrUpdate(const QList<FileRecord> &files);
    /*!
        Shows \a problems, the problems of batch \a batchId that are not one file's
        (BatchRecord::batchProblems), if it is the current batch; they replace the ones shown before.
    */
    void setBatchProblems(qint64 batchId, const QList<Problem> &problems);
    /*!
        Replaces the QA findings shown for \a batchId (ignored for another batch) with \a findings;
        \a where says where each one is ("item / name"), in the same order. A finding that says what its
        file's row says already (Problems::restatesStatus(): a fixity finding about a file whose checksum
        did not match) is not a row of its own while the file has its row.
    */
    void setFindings(qint64 batchId, const QList<gh::FindingRecord> &findings, const QStringList &where);

    int rowForFile(qint64 fileId) const { return m_rowByFile.value(fileId, -1); }
    qint64 fileId(int row) const;
    //! "12 problems", for a tab or dock title.
    QString countText() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

signals:
    //! The number of rows changed (once per call that changed it).
    void countChanged(int count);

private:
    struct Issue
    {
        Problem problem;
        QString what;
    };

    void append(std::vector<std::unique_ptr<Issue>> fresh);
    //! Removes the rows in \a rows (any order, no duplicates).
    void removeRowList(QList<int> rows);
    void markDirty(int row);
    void flushChanges();
    void reindexFrom(int row);
    void emitCountIfChanged();
    static void fill(Issue &issue, const FileRecord &file);
    //! Makes the finding rows those of m_findings that no file row restates.
    void showFindings();

    qint64 m_batchId = 0;
    std::vector<std::unique_ptr<Issue>> m_rows;
    QHash<qint64, int> m_rowByFile;
    QList<Problem> m_batchProblems;
    QList<FindingRecord> m_findings; //!< Every finding of the batch, shown or not.
    QStringList m_findingWhere;
    QSet<qint64> m_restatingFiles; //!< Files a finding may restate: their changes re-decide what shows.
    int m_dirtyFirst = -1;
    int m_dirtyLast = -1;
    int m_lastCount = 0;
    QTimer m_flushTimer;
    QIcon m_errorIcon;
    QIcon m_warningIcon;
    QIcon m_flagIcon;
    QString m_errorText;
    QString m_warningText;
    QString m_flagText;
};

} // namespace gh
