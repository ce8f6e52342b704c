#pragma once

#include <QWidget>

#include "model/records.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace gh {

class IssuesModel;

/*!
    \class gh::IssuesPanel
    The problems of the shown batch in a sortable table (severity, problem, where, message), with a count
    the main window can put on its tab or dock title. Activating a file's row (double-click or Enter)
    emits fileActivated() so the main window can select that file.
*/
class IssuesPanel : public QWidget
{
    Q_OBJECT

public:
    explicit IssuesPanel(QWidget *parent = nullptr);

    IssuesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    int count() const;
    //! "12 problems"
    QString countText() const;

signals:
    void fileActivated(qint64 fileId);
    //! The number of problems changed; \a text is countText().
    void countChanged(int count, const QString &text);

private:
    IssuesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_count;
};

} // namespace gh
