#pragma once

#include <QMainWindow>

#include "pipeline/batchrunner.h"
#include "preferences.h"
#include "report/itemlink.h"

class QAction;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTreeWidget;

namespace gh {

class BatchListModel;
class EngineController;
class FileFilterModel;
class FileTableModel;
class FilterBar;
class IssuesPanel;
class MetadataPane;
class PreviewWidget;
class ThumbnailView;
class TransfersView;
class ProgressPanel;
class ReviewView;

/*!
    \class gh::MainWindow
    The curator's workstation: the batch dashboard, the files of the selected batch with their details, the
    engine's log, and the progress of the running stage. Sources open by menu, drag-and-drop of a folder, the
    recent list or the command line.
*/
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(const Workspace &workspace, const Preferences &preferences, QWidget *parent = nullptr);
    ~MainWindow() override;

    //! Loads \a source (or resumes its unfinished batch) and runs the automatic stages.
    void openSource(const QString &source);
    //! Shows the batch, item or file a gatehouse:// link names (itemlinkopener.cpp).
    void openLink(const ItemLink &link);
    //! Opens the review view on \a batchId's QA sample (at \a itemId if given): Batch › Review Sample.
    void openReview(qint64 batchId, qint64 itemId = 0);
    //! The review view once opened, else null.
    ReviewView *reviewView() const { return m_review; }

    // For tests and accessibility tools.
    BatchListModel *batchModel() const { return m_batchModel; }
    FileTableModel *fileModel() const { return m_fileModel; }
    ProgressPanel *progressPanel() const { return m_progress; }
    QPlainTextEdit *logPane() const { return m_log; }
    EngineController *engine() const { return m_engine; }
    bool isBusy() const { return m_busy; }

signals:
    //! A run finished (for tests and scripting).
    void runFinished(qint64 batchId, bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createActions();
    void createViews();
    void connectEngine();
    void restoreSettings();
    void saveSettings() const;
    void chooseFolder();
    void chooseFile();
    void chooseWebAddress();
    void rememberSource(const QString &source);
    void rebuildRecentMenu();
    void showBatch(qint64 batchId);
    void selectBatchRow(qint64 batchId);
    //! Makes \a fileId the current file of the table (clearing a filter that hides it).
    void selectFile(qint64 fileId, bool focus = true);
    //! 0 shows the file table, 1 the thumbnail grid.
    void setFilesView(int page);
    void setPreviewVisible(bool visible);
    void setBusy(bool busy);
    void appendLog(const QString &line);
    void editSettings();
    void showTrace(const BatchRecord *batch);

    Workspace m_workspace;
    Preferences m_preferences;
    EngineController *m_engine;
    BatchListModel *m_batchModel;
    FileTableModel *m_fileModel;
    FileFilterModel *m_fileProxy;
    FilterBar *m_filterBar = nullptr;
    QTableView *m_batchView = nullptr;
    QTableView *m_fileView = nullptr;
    MetadataPane *m_metadata = nullptr;
    ThumbnailView *m_grid = nullptr;
    QStackedWidget *m_filesStack = nullptr;
    PreviewWidget *m_preview = nullptr;
    TransfersView *m_transfers = nullptr;
    IssuesPanel *m_issues = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QTreeWidget *m_trace = nullptr;
    ProgressPanel *m_progress = nullptr;
    QLabel *m_statusProgress = nullptr;
    QLabel *m_hotFolderStatus = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_filesSplitter = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_openFileAction = nullptr;
    QAction *m_openUrlAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_tableAction = nullptr;
    QAction *m_gridAction = nullptr;
    QAction *m_previewAction = nullptr;
    qint64 m_shownBatch = 0;
    qint64 m_selectWhenListed = 0;
    qint64 m_reselectFile = 0; //!< Selected again once a reload of the shown batch brings it back.
    bool m_busy = false;
    ReviewView *m_review = nullptr;
};

} // namespace gh
