#pragma once

#include <QWidget>

#include "model/records.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace gh {

class EngineController;
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
    //! A panel fed by hand through model().
    explicit IssuesPanel(QWidget *parent = nullptr);
    /*!
        A panel fed by \a controller's engine: the files of the batch set with setBatch() as they load
        (Engine::filesLoaded(), e.g. after the main window's EngineController::loadFiles()) and change
        (Engine::filesChanged()), that batch's other problems (Engine::batchesChanged()) and its QA findings
        (Engine::findingsLoaded(), asked for on setBatch() and after each run of the batch). Requests the
        engine could not carry out are not problems of the batch; the main window shows them in the status
        bar and the log.
    */
    explicit IssuesPanel(EngineController *controller, QWidget *parent = nullptr);

    IssuesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    int count() const;
    //! "12 problems"
    QString countText() const;

public slots:
    /*!
        Shows the problems of batch \a batchId from now on. It does not load the batch's files itself: the
        main window's EngineController::loadFiles(batchId) for the file table feeds this panel too. With a
        controller it asks for the batch list again, for the intake warnings.
    */
    void setBatch(qint64 batchId);

signals:
    //! The curator activated (double-click, Enter) the row of file \a fileId: select it in the file table.
    void fileActivated(qint64 fileId);
    //! The number of problems changed; \a text is countText().
    void countChanged(int count, const QString &text);

private:
    EngineController *m_controller = nullptr;
    IssuesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
};

} // namespace gh
