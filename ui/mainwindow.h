#pragma once

#include <QMainWindow>

#include "pipeline/batchrunner.h"
#include "preferences.h"
#include "report/itemlink.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTreeWidget;

namespace gh {

class AreaFocusFrame;
struct CatalogChange;
class BatchListModel;
class DuplicatesView;
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
class WelcomePanel;
struct BatchFootprint;
class ReviewView;

/*!
    \class gh::MainWindow
    The curator's workstation: the batch dashboard, the files of the selected batch with their preview and
    details, the batch's problems, the engine's log, and the state of the selected batch (or the progress of
    its run). Sources open by menu, the welcome panel, drag-and-drop, the recent list or the command line.

    Everything below the dashboard belongs to the selected batch: selecting another batch empties the file
    list, the preview and the metadata before the new batch's files arrive. Tab moves between the main areas
    (framed while they have the focus); every command is in a menu with its shortcut, and batches and files
    have context menus.
*/
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(const Workspace &workspace, const Preferences &preferences, QWidget *parent = nullptr);
    ~MainWindow() override;

    /*!
        Opens \a source. A source that already is a batch asks first: open that batch (resuming it if it
        stopped early), check it again, or make a new batch. A new source is loaded and run.
    */
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
    MetadataPane *metadataPane() const { return m_metadata; }
    IssuesPanel *issuesPanel() const { return m_issues; }
    bool isBusy() const { return m_busy; }
    //! The batch whose files, problems and state are shown.
    qint64 shownBatch() const { return m_shownBatch; }
    //! The main areas Tab moves between, in order (only the visible ones).
    QList<QWidget *> focusAreas() const;
    //! Checks \a batchId again; only \a fileIds when given (see gh::Recheck).
    void checkAgain(qint64 batchId, const QList<qint64> &fileIds = {});
    DuplicatesView *duplicatesView() const { return m_duplicates; }

    /*!
        Where a window whose contents take \a client, inside a window manager's frame of \a frame margins,
        goes so that the whole of it, title bar and borders included, is within \a available: as large as it
        was up to that, moved no further than needed.
    */
    static QRect fittedToScreen(const QRect &client, const QMargins &frame, const QRect &available);

public slots:
    //! Shows the duplicates view of the shown batch (the Duplicates lamp, a problem about duplicates).
    void showDuplicates();

signals:
    //! A run finished (for tests and scripting).
    void runFinished(qint64 batchId, bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    //! Narrows the digest, key and item columns (to 6 em at least) until the names have a third of the table.
    void fitFileColumns();

private:
    enum class SourceChoice
    {
        Cancel,
        OpenExisting,
        CheckAgain,
        NewBatch
    };

    void createActions();
    void createViews();
    void createDocks();
    void connectEngine();
    void restoreSettings();
    void applyFirstStartLayout();
    void saveSettings() const;
    void chooseFolder();
    void chooseFile();
    void chooseWebAddress();
    void chooseHotFolder();
    void rememberSource(const QString &source);
    void rebuildRecentMenu();
    SourceChoice askAboutExisting(const BatchRecord &batch);
    //! Shows \a batchId's files, problems and state; \a force re-shows the batch already shown.
    void showBatch(qint64 batchId, bool force = false, bool loadFiles = true);
    void selectBatch(qint64 batchId);
    //! The engine's batch list; \a problemsCounted false for the first, before the problems are counted.
    void batchesListed(const QList<BatchRecord> &batches, bool problemsCounted);
    //! Another workstation, a command-line run or the engine committed \a changes: refreshes what they
    //! touch, keeping the curator's selection, scroll position and edits.
    void catalogChanged(const QList<CatalogChange> &changes);
    //! The state line and the status bar for the shown batch.
    void updateBatchState();
    void updateBatchActions();
    //! Makes \a fileId the current file of the table (clearing a filter that hides it).
    void selectFile(qint64 fileId, bool focus = true);
    QList<qint64> selectedFileIds() const;
    const BatchRecord *shownRecord() const;
    //! 0 shows the file table, 1 the thumbnail grid.
    void setFilesView(int page);
    void setPreviewVisible(bool visible);
    void setBusy(bool busy);
    void runShownBatch();
    void renameBatch(qint64 batchId);
    void setBatchArchived(qint64 batchId, bool archived);
    void deleteBatch(qint64 batchId);
    void confirmDeletion(const BatchFootprint &footprint);
    void showBatchMenu(const QPoint &pos);
    void showFileMenu(QWidget *view, const QPoint &pos);
    void moveFocus(bool forward);
    void appendLog(const QString &line);
    void editSettings();
    //! The curator of the preferences, to the duplicates view and the engine's events.
    void applyCurator();
    void showTrace(const BatchRecord *batch);
    void updateWelcome();

    Workspace m_workspace;
    Preferences m_preferences;
    EngineController *m_engine;
    BatchListModel *m_batchModel;
    FileTableModel *m_fileModel;
    FileFilterModel *m_fileProxy;
    QStackedWidget *m_centralStack = nullptr;
    WelcomePanel *m_welcome = nullptr;
    FilterBar *m_filterBar = nullptr;
    QTableView *m_batchView = nullptr;
    QTableView *m_fileView = nullptr;
    MetadataPane *m_metadata = nullptr;
    ThumbnailView *m_grid = nullptr;
    QStackedWidget *m_filesStack = nullptr;
    PreviewWidget *m_preview = nullptr;
    TransfersView *m_transfers = nullptr;
    IssuesPanel *m_issues = nullptr;
    QDockWidget *m_issuesDock = nullptr;
    DuplicatesView *m_duplicates = nullptr;
    QDockWidget *m_duplicatesDock = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QTreeWidget *m_trace = nullptr;
    ProgressPanel *m_progress = nullptr;
    AreaFocusFrame *m_focusFrame = nullptr;
    QLabel *m_statusProgress = nullptr;
    QLabel *m_hotFolderStatus = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_filesSplitter = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_openFileAction = nullptr;
    QAction *m_openUrlAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_recheckAction = nullptr;
    QAction *m_recheckFilesAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_renameAction = nullptr;
    QAction *m_archiveAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_showArchivedAction = nullptr;
    QAction *m_tableAction = nullptr;
    QAction *m_gridAction = nullptr;
    QAction *m_previewAction = nullptr;
    qint64 m_shownBatch = 0;
    //! The shown batch's Dedup lamp when last listed, so the duplicates view reloads when it changes.
    StageState m_shownDedupState = StageState::NotStarted;
    qint64 m_runningBatch = 0; //!< The batch the engine works on; 0 when idle or not known yet.
    qint64 m_selectWhenListed = 0;
    QString m_selectSourceWhenListed; //!< A failed load names no batch: select the newest of its source.
    qint64 m_reselectFile = 0;        //!< Selected again once a reload of the shown batch brings it back.
    QString m_activity;               //!< What the run the curator asked for does ("Checking again…").
    bool m_busy = false;
    //! The size the first start gave the contents: once shown, the window manager's frame is known and the
    //! whole window fitted on the screen, unless something else sized it meanwhile. Invalid once done.
    QSize m_firstStartSize;
    bool m_paused = false;
    bool m_listed = false; //!< The engine has listed the batches at least once.
    ReviewView *m_review = nullptr;
};

} // namespace gh
