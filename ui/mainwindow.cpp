#include "mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "areafocusframe.h"
#include "batchlistmodel.h"
#include "catalog/eventperson.h"
#include "duplicatesview.h"
#include "enginecontroller.h"
#include "exportmenu.h"
#include "filefiltermodel.h"
#include "filetablemodel.h"
#include "filterbar.h"
#include "helpdialogs.h"
#include "imaging/thumbnailcache.h"
#include "intake/intake.h"
#include "issuesmodel.h"
#include "issuespanel.h"
#include "lampdelegate.h"
#include "metadatapane.h"
#include "pipeline/curator.h"
#include "previewwidget.h"
#include "progresspanel.h"
#include "report/problems.h"
#include "reviewview.h"
#include "settingsdialog.h"
#include "thumbnailview.h"
#include "transfersview.h"
#include "uploadpreviewdialog.h"
#include "webaddressdialog.h"
#include "welcomepanel.h"

namespace gh {

namespace {

constexpr int s_maxRecent = 10;
constexpr int s_logLines = 5000;
//! The preview is never shown narrower than this, whatever a saved layout says.
constexpr int s_minPreviewWidth = 280;
//! Saved layouts from before the current one are not restored (their proportions were the problem).
constexpr int s_layoutVersion = 2;

// A dropped folder or file (an archive, a manifest, a spreadsheet), or a dropped web address of a manifest.
QString sourceFromDrop(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo::exists(url.toLocalFile()))
            return url.toLocalFile();
        if (url.scheme() == u"http" || url.scheme() == u"https")
            return url.toString();
    }
    return {};
}

bool isWebAddress(const QString &source)
{
    return source.startsWith(u"http://", Qt::CaseInsensitive) ||
           source.startsWith(u"https://", Qt::CaseInsensitive);
}

//! Whether a run of \a batch has anything to do: files to fetch, failures that may pass, an interruption.
bool hasWorkToDo(const BatchRecord &batch)
{
    if (ProgressPanel::canResume(batch) || batch.stages.value(Stage::Intake) == StageState::Failed)
        return true;
    for (auto it = batch.counts.cbegin(); it != batch.counts.cend(); ++it) {
        if (StatusInfo::isTransient(it.key()) && it.value() > 0)
            return true;
    }
    return false;
}

} // namespace

MainWindow::MainWindow(const Workspace &workspace, const Preferences &preferences, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_preferences(preferences)
    , m_engine(new EngineController(workspace, preferences.options, this))
    , m_batchModel(new BatchListModel(this))
    , m_fileModel(new FileTableModel(this))
    , m_fileProxy(new FileFilterModel(this))
{
    setWindowTitle(tr("Gatehouse"));
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    createViews();
    createDocks();
    createActions();
    connectEngine();
    restoreSettings();
    // Tab between the main areas, wherever the focus is in the window.
    qApp->installEventFilter(this);
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget *, QWidget *now) {
        if (!now || now->window() != this)
            return;
        QWidget *framed = nullptr;
        for (QWidget *area : focusAreas()) {
            if (area == now || area->isAncestorOf(now))
                framed = area;
        }
        m_focusFrame->setArea(framed);
    });
    m_engine->start();
    if (!m_preferences.hotFolder.isEmpty())
        m_engine->setHotFolder(m_preferences.hotFolder);
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
}

void MainWindow::createViews()
{
    m_batchView = new QTableView(this);
    m_batchView->setObjectName(QStringLiteral("batchView"));
    m_batchView->setAccessibleName(tr("Batches"));
    m_batchView->setModel(m_batchModel);
    m_batchView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_batchView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_batchView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_batchView->setWordWrap(false);
    m_batchView->setTextElideMode(Qt::ElideMiddle);
    m_batchView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_batchView->verticalHeader()->hide();
    m_batchView->verticalHeader()->setDefaultSectionSize(m_batchView->fontMetrics().height() + 8);
    QHeaderView *batchHeader = m_batchView->horizontalHeader();
    batchHeader->setStretchLastSection(false);
    batchHeader->setSectionResizeMode(BatchListModel::NameColumn, QHeaderView::Stretch);
    for (int column : {int(BatchListModel::CreatedColumn), int(BatchListModel::FilesColumn),
                       int(BatchListModel::ProblemsColumn)})
        batchHeader->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    auto *lamps = new LampDelegate(m_batchView);
    for (int column = BatchListModel::FirstStageColumn; column < m_batchModel->columnCount(); ++column) {
        m_batchView->setItemDelegateForColumn(column, lamps);
        batchHeader->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    }
    connect(m_batchView, &QWidget::customContextMenuRequested, this, &MainWindow::showBatchMenu);

    m_fileProxy->setSourceModel(m_fileModel);
    m_filterBar = new FilterBar(this);
    m_filterBar->setObjectName(QStringLiteral("filterBar"));
    connect(m_filterBar, &FilterBar::filterChanged, m_fileProxy, &FileFilterModel::setFilter);
    m_fileView = new QTableView(this);
    m_fileView->setObjectName(QStringLiteral("fileView"));
    m_fileView->setAccessibleName(tr("Files of the selected batch"));
    m_fileView->setModel(m_fileProxy);
    m_fileView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_fileView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_fileView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_fileView->setSortingEnabled(true);
    m_fileView->sortByColumn(-1, Qt::AscendingOrder);
    m_fileView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_fileView->verticalHeader()->hide();
    m_fileView->verticalHeader()->setDefaultSectionSize(m_fileView->fontMetrics().height() + 6);
    // Names differ at their ends (card-0001.png, card-0002.png): elide in the middle so the end stays.
    m_fileView->setTextElideMode(Qt::ElideMiddle);
    m_fileView->setWordWrap(false);
    QHeaderView *fileHeader = m_fileView->horizontalHeader();
    fileHeader->setStretchLastSection(false);
    fileHeader->setSectionResizeMode(QHeaderView::Interactive);
    fileHeader->setResizeContentsPrecision(200);
    fileHeader->setSectionResizeMode(FileTableModel::NameColumn, QHeaderView::Stretch);
    for (int column : {int(FileTableModel::StatusColumn), int(FileTableModel::SizeColumn),
                       int(FileTableModel::TypeColumn)})
        fileHeader->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    const int em = m_fileView->fontMetrics().horizontalAdvance(u'M');
    m_fileView->setColumnWidth(FileTableModel::ItemColumn, 14 * em);
    m_fileView->setColumnWidth(FileTableModel::Sha256Column, 10 * em);
    m_fileView->setColumnWidth(FileTableModel::StoredKeyColumn, 18 * em);
    // A narrow window takes room from the digest and key columns before it takes the names'.
    m_fileView->viewport()->installEventFilter(this);
    connect(m_fileView, &QWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { showFileMenu(m_fileView, pos); });

    m_metadata = new MetadataPane(m_engine, this);
    m_metadata->setObjectName(QStringLiteral("metadataPane"));
    // The three parts side by side, each tall enough to read a few lines without scrolling.
    m_metadata->setMinimumHeight(m_metadata->fontMetrics().height() * 10);
    // Stored files are read from the store when it is on this machine (an S3 store is not).
    if (const QString store = m_workspace.storeSpec(); !store.contains(u"://")) {
        m_fileModel->setLocalStoreRoot(store);
        m_metadata->setLocalPathResolver(
            [store](const FileRecord &file) { return FileTableModel::localPath(store, file); });
    }

    m_filesSplitter = new QSplitter(Qt::Horizontal, this);
    m_filesSplitter->setObjectName(QStringLiteral("filesSplitter"));
    m_filesSplitter->setChildrenCollapsible(false);
    // The grid shows the same rows as the table, through the same proxy and one selection model, so
    // switching views keeps the filter, the sort order and the selection.
    m_grid = new ThumbnailView(this);
    m_grid->setObjectName(QStringLiteral("thumbnailView"));
    m_grid->setAccessibleName(tr("Thumbnails of the selected batch"));
    m_grid->setModel(m_fileProxy);
    m_grid->setSelectionModel(m_fileView->selectionModel());
    m_grid->setThumbnailCache(std::make_shared<ThumbnailCache>());
    m_grid->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_grid, &QWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { showFileMenu(m_grid, pos); });
    m_filesStack = new QStackedWidget(this);
    m_filesStack->setObjectName(QStringLiteral("filesStack"));
    m_filesStack->addWidget(m_fileView);
    m_filesStack->addWidget(m_grid);

    auto *filesArea = new QWidget(this);
    auto *filesLayout = new QVBoxLayout(filesArea);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->addWidget(m_filterBar);
    filesLayout->addWidget(m_filesStack, 1);
    m_filesSplitter->addWidget(filesArea);

    m_preview = new PreviewWidget(this);
    m_preview->setObjectName(QStringLiteral("previewWidget"));
    m_preview->setModel(m_fileProxy);
    m_preview->setMinimumWidth(s_minPreviewWidth);
    m_preview->hide();
    m_filesSplitter->addWidget(m_preview);
    m_filesSplitter->setStretchFactor(0, 3);
    m_filesSplitter->setStretchFactor(1, 2);
    // A page turn in the preview moves the selection, so the table, the grid and the metadata follow.
    connect(m_preview, &PreviewWidget::currentIndexChanged, this, [this](const QModelIndex &index) {
        m_fileView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
    });
    connect(m_grid, &ThumbnailView::previewRequested, this,
            [this] { setPreviewVisible(!m_preview->isVisible()); });
    m_fileView->installEventFilter(this);

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->setChildrenCollapsible(false);
    m_mainSplitter->addWidget(m_batchView);
    m_mainSplitter->addWidget(m_filesSplitter);
    m_mainSplitter->addWidget(m_metadata);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 3);
    m_mainSplitter->setStretchFactor(2, 2);
    m_batchView->setMinimumHeight(m_batchView->verticalHeader()->defaultSectionSize() * 3);

    m_progress = new ProgressPanel(this);
    m_progress->setObjectName(QStringLiteral("progressPanel"));
    connect(m_progress, &ProgressPanel::cancelRequested, this, [this] { m_engine->cancel(); });
    connect(m_progress, &ProgressPanel::resumeRequested, this, &MainWindow::runShownBatch);
    connect(m_progress, &ProgressPanel::recheckRequested, this, [this] {
        if (m_shownBatch > 0)
            checkAgain(m_shownBatch);
    });

    auto *work = new QWidget(this);
    auto *layout = new QVBoxLayout(work);
    layout->addWidget(m_mainSplitter, 1);
    layout->addWidget(m_progress);

    m_welcome = new WelcomePanel(this);
    m_welcome->setHotFolder(m_preferences.hotFolder);
    connect(m_welcome, &WelcomePanel::openFolderRequested, this, &MainWindow::chooseFolder);
    connect(m_welcome, &WelcomePanel::openFileRequested, this, &MainWindow::chooseFile);
    connect(m_welcome, &WelcomePanel::openWebAddressRequested, this, &MainWindow::chooseWebAddress);
    connect(m_welcome, &WelcomePanel::hotFolderRequested, this, &MainWindow::chooseHotFolder);
    connect(m_welcome, &WelcomePanel::sampleRequested, this, &MainWindow::openSource);

    m_centralStack = new QStackedWidget(this);
    m_centralStack->setObjectName(QStringLiteral("centralStack"));
    m_centralStack->addWidget(work);
    m_centralStack->addWidget(m_welcome);
    setCentralWidget(m_centralStack);

    connect(m_batchView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QVariant id = current.data(BatchListModel::BatchIdRole);
                if (id.isValid())
                    showBatch(id.toLongLong());
            });
    connect(m_fileView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_metadata->showFile(current.data(FileTableModel::FileIdRole).toLongLong());
                if (m_preview->isVisible())
                    m_preview->setCurrentIndex(current);
            });
    connect(m_fileView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateBatchActions);
    // A model emptied for another batch (or reloaded) has no current file: nothing of the old one stays.
    connect(m_fileModel, &QAbstractItemModel::modelReset, this, [this] { m_metadata->showFile(0); });

    m_focusFrame = new AreaFocusFrame(this);

    m_statusProgress = new QLabel(this);
    m_statusProgress->setObjectName(QStringLiteral("statusProgress"));
    m_statusProgress->setAccessibleName(tr("State of the selected batch"));
    statusBar()->addPermanentWidget(m_statusProgress);
    m_hotFolderStatus = new QLabel(this);
    m_hotFolderStatus->setObjectName(QStringLiteral("hotFolderStatus"));
    m_hotFolderStatus->setAccessibleName(tr("Hot folder"));
    statusBar()->addPermanentWidget(m_hotFolderStatus);
    statusBar()->showMessage(tr("Open a folder or a file, or drop one on this window."));
}

void MainWindow::createDocks()
{
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("logPane"));
    m_log->setAccessibleName(tr("Log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(s_logLines);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *logDock = new QDockWidget(tr("Log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);

    // What intake decided about the selected batch's source, stage by stage, with its warnings.
    m_trace = new QTreeWidget(this);
    m_trace->setObjectName(QStringLiteral("traceView"));
    m_trace->setAccessibleName(tr("Intake trace"));
    m_trace->setHeaderLabels({tr("Stage"), tr("Decision")});
    m_trace->setRootIsDecorated(true);
    m_trace->setWordWrap(true);
    auto *traceDock = new QDockWidget(tr("Intake trace"), this);
    traceDock->setObjectName(QStringLiteral("traceDock"));
    traceDock->setWidget(m_trace);
    addDockWidget(Qt::BottomDockWidgetArea, traceDock);
    tabifyDockWidget(logDock, traceDock);

    // Every running transfer, with pause, resume and cancel for the batch.
    m_transfers = new TransfersView(m_engine, this);
    m_transfers->setObjectName(QStringLiteral("transfersView"));
    auto *transfersDock = new QDockWidget(tr("Transfers"), this);
    transfersDock->setObjectName(QStringLiteral("transfersDock"));
    transfersDock->setWidget(m_transfers);
    addDockWidget(Qt::BottomDockWidgetArea, transfersDock);
    tabifyDockWidget(logDock, transfersDock);

    // Problems gather here instead of in pop-ups; each leads to its file. The title stays "Problems" with the
    // count beside it, in the tab and in the View menu alike.
    m_issues = new IssuesPanel(m_engine, this);
    m_issues->setObjectName(QStringLiteral("issuesPanel"));
    m_issuesDock = new QDockWidget(tr("Problems"), this);
    m_issuesDock->setObjectName(QStringLiteral("issuesDock"));
    m_issuesDock->setWidget(m_issues);
    addDockWidget(Qt::BottomDockWidgetArea, m_issuesDock);
    tabifyDockWidget(logDock, m_issuesDock);
    connect(m_issues, &IssuesPanel::countChanged, m_issuesDock, [this](int count, const QString &) {
        m_issuesDock->setWindowTitle(count > 0 ? tr("Problems (%1)").arg(QLocale().toString(count))
                                               : tr("Problems"));
    });
    connect(m_issues, &IssuesPanel::fileActivated, this, [this](qint64 fileId) { selectFile(fileId); });

    // Duplicate cases of the shown batch: opened from the Duplicates lamp, View → Duplicates, or the dock.
    m_duplicates =
        new DuplicatesView(m_workspace, QSettings().fileName(), m_engine->engine()->thread(), this);
    m_duplicates->setObjectName(QStringLiteral("duplicatesView"));
    applyCurator();
    m_duplicatesDock = new QDockWidget(tr("Duplicates"), this);
    m_duplicatesDock->setObjectName(QStringLiteral("duplicatesDock"));
    // Scrolled, so the comparison's thumbnails never make the window taller than the curator left it.
    auto *duplicatesScroll = new QScrollArea(this);
    duplicatesScroll->setWidget(m_duplicates);
    duplicatesScroll->setWidgetResizable(true);
    duplicatesScroll->setFrameShape(QFrame::NoFrame);
    m_duplicatesDock->setWidget(duplicatesScroll);
    addDockWidget(Qt::BottomDockWidgetArea, m_duplicatesDock);
    tabifyDockWidget(logDock, m_duplicatesDock);
    connect(m_duplicates, &DuplicatesView::casesLoaded, m_duplicatesDock, [this](qint64, qint64 open) {
        m_duplicatesDock->setWindowTitle(open > 0 ? tr("Duplicates (%1 open)").arg(open) : tr("Duplicates"));
    });
    connect(m_duplicates, &DuplicatesView::decisionsChanged, this, [this] { m_engine->refreshBatches(); });
    m_issuesDock->raise(); // tabifying raised the last dock: the problems are what a curator looks at first
    connect(m_batchView, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (index.column() >= BatchListModel::FirstStageColumn &&
            BatchListModel::stageForColumn(index.column()) == Stage::Dedup)
            showDuplicates();
    });
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(tr("&Open Folder…"), this, &MainWindow::chooseFolder);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openFileAction = file->addAction(tr("Open &File…"), this, &MainWindow::chooseFile);
    m_openFileAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openUrlAction = file->addAction(tr("Open &Web Address…"), this, &MainWindow::chooseWebAddress);
    m_openUrlAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *settings = file->addAction(tr("&Settings…"), this, &MainWindow::editSettings);
    // Ctrl+, everywhere, and the platform's own key where it has one.
    QList<QKeySequence> settingsKeys{QKeySequence(Qt::CTRL | Qt::Key_Comma)};
    if (const QKeySequence platform(QKeySequence::Preferences);
        !platform.isEmpty() && platform != settingsKeys.constFirst())
        settingsKeys.append(platform);
    settings->setShortcuts(settingsKeys);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *batch = menuBar()->addMenu(tr("&Batch"));
    m_runAction = batch->addAction(tr("&Run or Resume"), this, &MainWindow::runShownBatch);
    m_runAction->setShortcut(QKeySequence::Refresh);
    m_recheckAction = batch->addAction(tr("Check &Again"), this, [this] {
        if (m_shownBatch > 0)
            checkAgain(m_shownBatch);
    });
    m_recheckAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_recheckAction->setToolTip(tr("Read the batch's sidecars and manifests again and verify every stored "
                                   "copy; only what changed is copied."));
    m_recheckFilesAction = batch->addAction(tr("Check &Selected Files Again"), this, [this] {
        if (const QList<qint64> files = selectedFileIds(); m_shownBatch > 0 && !files.isEmpty())
            checkAgain(m_shownBatch, files);
    });
    m_recheckFilesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
    m_pauseAction = batch->addAction(tr("&Pause"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAction->setEnabled(false);
    connect(m_pauseAction, &QAction::triggered, this, [this](bool paused) { m_engine->setPaused(paused); });
    connect(m_engine->engine(), &Engine::pausedChanged, this, [this](bool paused) {
        m_paused = paused;
        m_pauseAction->setChecked(paused);
        m_progress->setPaused(paused);
        updateBatchActions();
    });
    m_cancelAction = batch->addAction(tr("&Cancel"), this, [this] { m_engine->cancel(); });
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setEnabled(false);
    batch->addSeparator();
    m_renameAction = batch->addAction(tr("Re&name…"), this, [this] { renameBatch(m_shownBatch); });
    m_renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_archiveAction = batch->addAction(tr("Arc&hive"), this, [this] {
        if (const BatchRecord *b = shownRecord())
            setBatchArchived(b->id, !b->archived);
    });
    m_deleteAction = batch->addAction(tr("&Delete…"), this, [this] { deleteBatch(m_shownBatch); });
    // Delete works where batches are listed; in a text field the key edits the text.
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_deleteAction->setShortcutContext(Qt::WidgetShortcut);
    m_batchView->addAction(m_deleteAction);
    batch->addSeparator();
    auto *exports = new ExportMenu(
        m_workspace, [this] { return m_shownBatch; }, this);
    batch->addMenu(exports);
    connect(exports, &ExportMenu::exportFinished, this,
            [this](const QString &, bool, const QString &message) { statusBar()->showMessage(message); });
    QAction *review = batch->addAction(tr("Re&view Sample…"), this, [this] { openReview(m_shownBatch); });
    review->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    review->setToolTip(tr("Review the batch's QA sample item by item, then approve or reject it"));
    batch->addSeparator();
    QAction *uploadPreview = batch->addAction(tr("Preview &Upload of File…"), this, [this] {
        const qint64 fileId = m_fileView->currentIndex().data(FileTableModel::FileIdRole).toLongLong();
        if (fileId <= 0)
            return;
        auto *dialog = new UploadPreviewDialog(m_workspace, QSettings().fileName(), fileId, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    uploadPreview->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *find = view->addAction(tr("&Filter Files"), this, [this] {
        m_filterBar->searchField()->setFocus(Qt::ShortcutFocusReason);
        m_filterBar->searchField()->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    view->addSeparator();
    auto *layouts = new QActionGroup(this);
    m_tableAction = view->addAction(tr("As a &Table"), this, [this] { setFilesView(0); });
    m_tableAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    m_gridAction = view->addAction(tr("As T&humbnails"), this, [this] { setFilesView(1); });
    m_gridAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    for (QAction *action : {m_tableAction, m_gridAction}) {
        action->setCheckable(true);
        layouts->addAction(action);
    }
    m_tableAction->setChecked(true);
    m_previewAction = view->addAction(tr("&Preview"));
    m_previewAction->setCheckable(true);
    m_previewAction->setShortcut(QKeySequence(Qt::Key_F3));
    m_previewAction->setToolTip(tr("Show the selected file large (Space in the file list)"));
    connect(m_previewAction, &QAction::toggled, this, &MainWindow::setPreviewVisible);
    view->addAction(tr("&Larger Thumbnails"), this,
                    [this] { m_grid->setThumbnailSize(m_grid->thumbnailSize() * 5 / 4); })
        ->setShortcut(QKeySequence::ZoomIn);
    view->addAction(tr("&Smaller Thumbnails"), this,
                    [this] { m_grid->setThumbnailSize(m_grid->thumbnailSize() * 4 / 5); })
        ->setShortcut(QKeySequence::ZoomOut);
    view->addAction(tr("&Go to Duplicates"), this, &MainWindow::showDuplicates)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    view->addSeparator();
    m_showArchivedAction = view->addAction(tr("Show Ar&chived Batches"));
    m_showArchivedAction->setCheckable(true);
    connect(m_showArchivedAction, &QAction::toggled, this, [this](bool show) {
        const qint64 shown = m_shownBatch;
        m_batchModel->setShowArchived(show);
        selectBatch(shown);
    });
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Using Gatehouse"), this, [this] { UsageDialog(this).exec(); })
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] { ShortcutsDialog(menuBar(), this).exec(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    help->addSeparator();
    help->addAction(tr("&About Gatehouse"), this, [this] {
        AboutDialog(m_workspace, QDir::toNativeSeparators(m_workspace.storeSpec()), this).exec();
    });
    updateBatchActions();
}

void MainWindow::connectEngine()
{
    Engine *engine = m_engine->engine();
    connect(engine, &Engine::started, this, [this](const QString &catalog, const QString &store) {
        statusBar()->showMessage(tr("Catalog %1 · store %2").arg(catalog, store), 10000);
    });
    // A request the engine could not carry out is not a problem of a batch: the status bar and the log say
    // it, where the curator is looking.
    connect(engine, &Engine::failed, this, [this](const QString &message) {
        appendLog(tr("Error: %1").arg(message));
        statusBar()->showMessage(message, 20000);
    });
    connect(engine, &Engine::busyChanged, this, &MainWindow::setBusy);
    connect(engine, &Engine::hotFolderChanged, this, [this](const QString &dir) {
        m_hotFolderStatus->setText(dir.isEmpty() ? QString()
                                                 : tr("Watching %1").arg(QDir::toNativeSeparators(dir)));
        m_hotFolderStatus->setToolTip(
            dir.isEmpty() ? QString()
                          : tr("New deliveries in this folder are loaded and run once they stop changing."));
        m_welcome->setHotFolder(dir);
    });
    connect(engine, &Engine::batchesChanged, this,
            [this](const QList<BatchRecord> &batches) { batchesListed(batches, true); });
    // At start the list comes first, the problems after: the batch shown asks for its files before them.
    connect(engine, &Engine::batchesListed, this, [this](const QList<BatchRecord> &batches) {
        batchesListed(batches, false);
        m_engine->refreshBatches();
    });
    connect(m_engine, &EngineController::catalogChanged, this, &MainWindow::catalogChanged);
    connect(engine, &Engine::batchLoaded, this, [this](const LoadResult &result) {
        // The new batch is the shown one from now on; its files arrive from the engine.
        m_runningBatch = result.batchId;
        m_selectSourceWhenListed.clear();
        showBatch(result.batchId, true, false);
        m_selectWhenListed = result.batchId;
        selectBatch(result.batchId);
        m_progress->setRunning(true, m_activity);
    });
    connect(engine, &Engine::filesLoaded, this,
            [this](qint64 batchId, const QList<FileRecord> &files, bool reset, bool complete) {
                if (batchId != m_shownBatch)
                    return;
                if (reset) {
                    // A reload of the batch on show (after a run) keeps the curator's place.
                    if (const qint64 current =
                            m_fileView->currentIndex().data(FileTableModel::FileIdRole).toLongLong())
                        m_reselectFile = current;
                    m_fileModel->reset(batchId);
                }
                m_fileModel->appendFiles(files);
                if (m_reselectFile > 0 && m_fileModel->rowForFile(m_reselectFile) >= 0) {
                    selectFile(std::exchange(m_reselectFile, 0), false);
                } else if (complete) {
                    m_reselectFile = 0;
                }
            });
    connect(engine, &Engine::filesChanged, this, [this](const QList<FileRecord> &files) {
        if (!files.isEmpty() && files.constFirst().batchId == m_shownBatch)
            m_fileModel->updateFiles(files);
    });
    connect(engine, &Engine::progressChanged, this, [this](const Progress &progress) {
        m_runningBatch = progress.batchId;
        if (progress.batchId == m_shownBatch) {
            if (!m_progress->isRunning())
                m_progress->setRunning(true, m_activity);
            m_progress->setProgress(progress);
        }
        // The status bar follows the run wherever the curator is looking.
        const BatchRecord *running = m_batchModel->batchById(progress.batchId);
        const QString text = ProgressPanel::progressText(progress, m_paused);
        m_statusProgress->setText(running ? tr("%1: %2").arg(running->name, text) : text);
    });
    connect(engine, &Engine::logMessage, this, &MainWindow::appendLog);
    // QA findings (asked for by the problems panel) also feed the filter's qa: and check: terms.
    connect(engine, &Engine::findingsLoaded, this,
            [this](qint64 batchId, const QList<FindingRecord> &findings, const QStringList &) {
                if (batchId != m_shownBatch)
                    return;
                QHash<qint64, QList<FindingRecord>> byFile;
                for (const FindingRecord &f : findings) {
                    if (f.fileId > 0)
                        byFile[f.fileId].append(f);
                }
                m_fileProxy->setFindings(byFile);
            });
    connect(engine, &Engine::runFinished, this, [this](qint64 batchId, bool ok, const QString &message) {
        m_runningBatch = 0;
        m_activity.clear();
        m_progress->setRunning(false);
        if (!ok)
            appendLog(tr("Failed: %1").arg(message));
        statusBar()->showMessage(ok ? message : tr("Failed: %1").arg(message), 20000);
        if (batchId == m_shownBatch && batchId > 0) {
            m_engine->loadFiles(batchId);
            m_duplicates->reload();
        }
        m_engine->refreshBatches();
        updateBatchState();
        emit runFinished(batchId, ok);
    });
    connect(engine, &Engine::batchDeletionPlanned, this, &MainWindow::confirmDeletion);
    connect(engine, &Engine::batchDeleted, this,
            [this](qint64, const QString &message) { statusBar()->showMessage(message, 20000); });
}

void MainWindow::catalogChanged(const QList<CatalogChange> &changes)
{
    unsigned shown = 0;
    unsigned reviewed = 0;
    const qint64 reviewBatch = m_review ? m_review->batchId() : 0;
    for (const CatalogChange &c : changes) {
        if (c.batchId == 0 || c.batchId == m_shownBatch)
            shown |= c.kinds;
        if (c.batchId == 0 || (reviewBatch > 0 && c.batchId == reviewBatch))
            reviewed |= c.kinds;
    }
    // Lamps, counts and decisions in the batch list; the list keeps its selection and scroll position.
    m_engine->refreshBatches();
    // "Refresh everything" (batch 0: the listener reconnected) also comes when no review was ever opened.
    if (m_review && (reviewed & (CatalogChange::Verdicts | CatalogChange::Sample | CatalogChange::Decision)))
        m_review->refreshBatch(reviewBatch);
    if (m_shownBatch <= 0 || shown == 0)
        return;
    // A run of our own updates its rows as it goes; files another process settled arrive as updates (a
    // rejection marks every file deleted).
    if ((shown & (CatalogChange::Files | CatalogChange::Decision)) &&
        !(m_busy && m_runningBatch == m_shownBatch))
        m_engine->refreshFiles(m_shownBatch);
    if (shown & CatalogChange::Duplicates)
        m_duplicates->refresh();
}

void MainWindow::batchesListed(const QList<BatchRecord> &batches, bool problemsCounted)
{
    const bool first = !m_listed;
    m_listed = true;
    m_batchModel->setBatches(batches, problemsCounted);
    updateWelcome();
    if (m_selectWhenListed > 0 && m_batchModel->batchById(m_selectWhenListed)) {
        selectBatch(std::exchange(m_selectWhenListed, 0));
    } else if (!m_selectSourceWhenListed.isEmpty()) {
        // A load that failed made a batch all the same (with a red intake lamp and its reason): show it.
        for (auto it = batches.crbegin(); it != batches.crend(); ++it) {
            if (it->source == m_selectSourceWhenListed) {
                m_selectSourceWhenListed.clear();
                selectBatch(it->id);
                break;
            }
        }
    }
    if (m_shownBatch > 0 && m_shownBatch != m_selectWhenListed &&
        m_batchModel->rowForBatch(m_shownBatch) < 0) {
        // Deleted, or archived out of sight: show the newest batch, or nothing.
        const qint64 next =
            m_batchModel->rowCount() > 0 ? m_batchModel->batch(m_batchModel->rowCount() - 1)->id : 0;
        if (next > 0) {
            selectBatch(next);
        } else {
            showBatch(0);
        }
    } else if (m_shownBatch == 0 && m_selectWhenListed == 0 && m_selectSourceWhenListed.isEmpty() &&
               m_batchModel->rowCount() > 0) {
        // Nothing chosen yet: the newest batch is the likeliest to be wanted.
        selectBatch(m_batchModel->batch(m_batchModel->rowCount() - 1)->id);
    } else if (m_shownBatch > 0 && m_batchModel->rowForBatch(m_shownBatch) >= 0 &&
               m_batchView->currentIndex().row() != m_batchModel->rowForBatch(m_shownBatch)) {
        // A reset of the rows (a batch deleted or archived) lost the selection: put it back.
        selectBatch(m_shownBatch);
    }
    if (const BatchRecord *shown = shownRecord()) {
        m_issues->model()->setBatchProblems(shown->id, shown->batchProblems);
        showTrace(shown);
        // Duplicates classified (here, by the hot folder or on another workstation): show the new cases.
        const StageState dedup = shown->stages.value(Stage::Dedup, StageState::NotStarted);
        if (dedup != std::exchange(m_shownDedupState, dedup))
            m_duplicates->reload();
    }
    updateBatchState();
    updateBatchActions();

    // A run paused by quitting carries on now.
    if (first) {
        QSettings settings;
        const qint64 resume = settings.value(QStringLiteral("ui/resumeBatch"), 0).toLongLong();
        settings.remove(QStringLiteral("ui/resumeBatch"));
        if (const BatchRecord *b = m_batchModel->batchById(resume); b && hasWorkToDo(*b) && !m_busy) {
            selectBatch(resume);
            appendLog(tr("Resuming \"%1\" where it stopped when Gatehouse was closed.").arg(b->name));
            m_activity = tr("Resuming…");
            m_engine->runBatch(resume);
        }
    }
}

void MainWindow::updateWelcome()
{
    const bool empty = m_listed && m_batchModel->allBatches().isEmpty();
    m_centralStack->setCurrentWidget(empty ? static_cast<QWidget *>(m_welcome) : m_centralStack->widget(0));
}

const BatchRecord *MainWindow::shownRecord() const
{
    return m_shownBatch > 0 ? m_batchModel->batchById(m_shownBatch) : nullptr;
}

void MainWindow::updateBatchState()
{
    const BatchRecord *batch = shownRecord();
    m_progress->showBatch(batch);
    if (!m_busy)
        m_statusProgress->setText(m_progress->summaryText());
}

void MainWindow::updateBatchActions()
{
    const BatchRecord *batch = shownRecord();
    const bool idle = !m_busy;
    m_runAction->setEnabled((idle && batch) || (m_busy && m_paused));
    m_recheckAction->setEnabled(idle && batch && batch->files > 0);
    m_recheckFilesAction->setEnabled(idle && batch && !selectedFileIds().isEmpty());
    m_renameAction->setEnabled(batch != nullptr);
    m_archiveAction->setEnabled(batch != nullptr);
    m_archiveAction->setText(batch && batch->archived ? tr("Unarc&hive") : tr("Arc&hive"));
    m_deleteAction->setEnabled(idle && batch);
}

void MainWindow::openSource(const QString &source)
{
    const QString absolute = isWebAddress(source) ? source : QFileInfo(source).absoluteFilePath();
    if (m_busy) {
        statusBar()->showMessage(tr("A batch is running; cancel it or wait before opening %1.")
                                     .arg(QDir::toNativeSeparators(absolute)),
                                 20000);
        return;
    }
    rememberSource(absolute);
    // A source that already is a batch: the curator decides what opening it again means.
    const QString normalized = Intake::normalizeSource(absolute);
    const BatchRecord *existing = nullptr;
    for (const BatchRecord &b : m_batchModel->allBatches()) {
        if (b.source == normalized)
            existing = &b;
    }
    if (existing) {
        const BatchRecord batch = *existing;
        switch (askAboutExisting(batch)) {
        case SourceChoice::Cancel:
            return;
        case SourceChoice::OpenExisting:
            if (batch.archived)
                m_engine->setBatchArchived(batch.id, false);
            m_selectWhenListed = batch.id;
            selectBatch(batch.id);
            if (hasWorkToDo(batch) && ProgressPanel::canResume(batch))
                runShownBatch();
            return;
        case SourceChoice::CheckAgain:
            m_selectWhenListed = batch.id;
            selectBatch(batch.id);
            checkAgain(batch.id);
            return;
        case SourceChoice::NewBatch:
            appendLog(tr("Opening %1 as a new batch").arg(QDir::toNativeSeparators(absolute)));
            m_activity = tr("Loading %1…").arg(QFileInfo(absolute).fileName());
            m_selectSourceWhenListed = normalized;
            m_engine->runNewSource(absolute);
            return;
        }
    }
    appendLog(tr("Opening %1").arg(QDir::toNativeSeparators(absolute)));
    m_activity = tr("Loading %1…").arg(isWebAddress(absolute) ? absolute : QFileInfo(absolute).fileName());
    m_selectSourceWhenListed = normalized;
    m_engine->runSource(absolute);
}

MainWindow::SourceChoice MainWindow::askAboutExisting(const BatchRecord &batch)
{
    QMessageBox box(QMessageBox::Question, tr("Already a batch"),
                    tr("This source is already the batch \"%1\" (loaded %2): %3.")
                        .arg(batch.name,
                             QLocale().toString(batch.created.toLocalTime(), QLocale::ShortFormat),
                             ProgressPanel::batchText(batch)),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("existingBatchQuestion"));
    box.setInformativeText(
        tr("Open it as it is; check it again, which reads its sidecars and manifests again, verifies the "
           "stored copies and copies only what changed; or load everything again as a new batch."));
    const bool resume = ProgressPanel::canResume(batch);
    QPushButton *open = box.addButton(resume ? tr("&Resume Existing Batch") : tr("&Open Existing Batch"),
                                      QMessageBox::AcceptRole);
    open->setObjectName(QStringLiteral("openExisting"));
    QPushButton *again = box.addButton(tr("Check &Again"), QMessageBox::ActionRole);
    again->setObjectName(QStringLiteral("checkAgain"));
    QPushButton *fresh = box.addButton(tr("&New Batch"), QMessageBox::ActionRole);
    fresh->setObjectName(QStringLiteral("newBatch"));
    box.setDefaultButton(open);
    box.exec();
    if (box.clickedButton() == open)
        return SourceChoice::OpenExisting;
    if (box.clickedButton() == again)
        return SourceChoice::CheckAgain;
    if (box.clickedButton() == fresh)
        return SourceChoice::NewBatch;
    return SourceChoice::Cancel;
}

void MainWindow::checkAgain(qint64 batchId, const QList<qint64> &fileIds)
{
    if (m_busy) {
        statusBar()->showMessage(tr("A batch is running; check again when it has finished."), 20000);
        return;
    }
    m_activity = fileIds.isEmpty() ? tr("Checking again…")
                                   : tr("Checking %n file(s) again…", nullptr, int(fileIds.size()));
    if (batchId == m_shownBatch)
        m_progress->setRunning(true, m_activity);
    m_engine->recheck(batchId, fileIds);
}

void MainWindow::runShownBatch()
{
    if (m_busy && m_paused) {
        // Run or Resume on a paused run carries it on.
        m_engine->setPaused(false);
        return;
    }
    const BatchRecord *batch = shownRecord();
    if (!batch || m_busy)
        return;
    if (!hasWorkToDo(*batch)) {
        statusBar()->showMessage(tr("Nothing to do: every file of \"%1\" is done. Check Again (Ctrl+R) reads "
                                    "its sidecars and manifests again.")
                                     .arg(batch->name),
                                 20000);
        return;
    }
    m_activity = tr("Resuming…");
    m_progress->setRunning(true, m_activity);
    m_engine->runBatch(batch->id);
}

void MainWindow::chooseFolder()
{
    QSettings settings;
    const QString start = settings.value(QStringLiteral("ui/lastFolder"), QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a batch folder"), start);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("ui/lastFolder"), QFileInfo(folder).absolutePath());
    openSource(folder);
}

void MainWindow::chooseFile()
{
    QSettings settings;
    const QString start = settings.value(QStringLiteral("ui/lastFolder"), QDir::homePath()).toString();
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Open a batch file"), start,
                                     tr("Batch sources (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z "
                                        "*.xml *.json *.jsonl *.csv *.tsv "
                                        "*.txt);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(QStringLiteral("ui/lastFolder"), QFileInfo(file).absolutePath());
    openSource(file);
}

void MainWindow::chooseWebAddress()
{
    QStringList recent;
    for (const QString &source : QSettings().value(QStringLiteral("ui/recentSources")).toStringList()) {
        if (isWebAddress(source))
            recent.append(source);
    }
    WebAddressDialog dialog(recent, this);
    if (dialog.exec() == QDialog::Accepted)
        openSource(dialog.address());
}

void MainWindow::chooseHotFolder()
{
    const QString start = m_preferences.hotFolder.isEmpty() ? QDir::homePath() : m_preferences.hotFolder;
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Watch a folder for new deliveries"), start);
    if (folder.isEmpty())
        return;
    m_preferences.hotFolder = folder;
    m_preferences.save();
    m_engine->setHotFolder(folder);
}

void MainWindow::rememberSource(const QString &source)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("ui/recentSources")).toStringList();
    recent.removeAll(source);
    recent.prepend(source);
    while (recent.size() > s_maxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("ui/recentSources"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("ui/recentSources")).toStringList();
    for (const QString &source : recent) {
        QAction *action = m_recentMenu->addAction(QDir::toNativeSeparators(source));
        connect(action, &QAction::triggered, this, [this, source] { openSource(source); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty() && !m_busy);
}

void MainWindow::showBatch(qint64 batchId, bool force, bool loadFiles)
{
    if (!force && batchId == m_shownBatch && m_fileModel->batchId() == batchId)
        return;
    m_shownBatch = batchId;
    m_reselectFile = 0;
    // Everything below the dashboard belongs to this batch from now on: nothing of the last one stays.
    m_fileModel->reset(batchId);
    // The files first: what the panes below ask the engine for (problems, findings, duplicates) reads the
    // whole batch or every batch, and the engine answers in order.
    if (loadFiles && batchId > 0)
        m_engine->loadFiles(batchId);
    m_metadata->showFile(0);
    m_preview->setCurrentIndex({});
    m_issues->setBatch(batchId);
    m_duplicates->setBatch(batchId);
    const BatchRecord *batch = shownRecord();
    m_shownDedupState =
        batch ? batch->stages.value(Stage::Dedup, StageState::NotStarted) : StageState::NotStarted;
    if (batch)
        m_issues->model()->setBatchProblems(batchId, batch->batchProblems);
    showTrace(batch);
    if (!m_progress->isRunning() || batchId != m_runningBatch)
        m_progress->setRunning(false);
    if (batchId == m_runningBatch && m_busy)
        m_progress->setRunning(true, m_activity);
    updateBatchState();
    updateBatchActions();
}

void MainWindow::selectBatch(qint64 batchId)
{
    const int row = m_batchModel->rowForBatch(batchId);
    if (row < 0)
        return;
    m_batchView->selectRow(row);
    m_batchView->scrollTo(m_batchModel->index(row, 0));
}

void MainWindow::showDuplicates()
{
    m_duplicatesDock->show();
    m_duplicatesDock->raise();
    // Tall enough for a case's rows, its comparison and the decision buttons without scrolling.
    const int wanted = height() * 45 / 100;
    if (!m_duplicatesDock->isFloating() && m_duplicatesDock->height() < wanted)
        resizeDocks({m_duplicatesDock}, {wanted}, Qt::Vertical);
    m_duplicates->setFocus(Qt::ShortcutFocusReason);
}

void MainWindow::setFilesView(int page)
{
    QWidget *focused = m_filesStack->currentWidget();
    const bool hadFocus = focused && focused->hasFocus();
    m_filesStack->setCurrentIndex(page);
    (page == 0 ? m_tableAction : m_gridAction)->setChecked(true);
    if (const QModelIndex current = m_fileView->currentIndex(); current.isValid()) {
        if (page == 0)
            m_fileView->scrollTo(current);
        else
            m_grid->scrollTo(current);
    }
    if (hadFocus)
        m_filesStack->currentWidget()->setFocus(Qt::OtherFocusReason);
}

void MainWindow::setPreviewVisible(bool visible)
{
    m_previewAction->setChecked(visible);
    m_preview->setVisible(visible);
    if (visible) {
        // Never a sliver: a preview restored or dragged narrower than usable gets a third of the row.
        const QList<int> sizes = m_filesSplitter->sizes();
        if (sizes.size() == 2 && sizes.at(1) < s_minPreviewWidth * 3 / 2) {
            const int total = sizes.at(0) + sizes.at(1);
            const int preview = std::max(s_minPreviewWidth * 3 / 2, total * 2 / 5);
            m_filesSplitter->setSizes({total - preview, preview});
        }
    }
    // A hidden preview decodes nothing; shown, it catches up with the current file.
    m_preview->setCurrentIndex(visible ? m_fileView->currentIndex() : QModelIndex());
}

QList<QWidget *> MainWindow::focusAreas() const
{
    QList<QWidget *> areas;
    auto add = [&](QWidget *w) {
        if (w && w->isVisible())
            areas.append(w);
    };
    add(m_batchView);
    add(m_filterBar->searchField());
    add(m_filesStack->currentWidget());
    add(m_preview);
    add(m_metadata);
    // The docks, as they are shown (a tabbed dock that is not on top is not visible).
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        if (dock->isVisible() && dock->widget())
            add(dock->widget());
    }
    return areas;
}

void MainWindow::moveFocus(bool forward)
{
    const QList<QWidget *> areas = focusAreas();
    if (areas.isEmpty())
        return;
    QWidget *focused = QApplication::focusWidget();
    qsizetype at = -1;
    for (qsizetype i = 0; i < areas.size(); ++i) {
        if (focused && (areas[i] == focused || areas[i]->isAncestorOf(focused)))
            at = i;
    }
    const qsizetype next =
        at < 0 ? (forward ? 0 : areas.size() - 1) : (at + (forward ? 1 : areas.size() - 1)) % areas.size();
    QWidget *target = areas.at(next);
    // An area that is a container gives the focus to its first part that takes it (the metadata's
    // descriptive column, a dock's table).
    if (target == m_metadata) {
        target = m_metadata->descriptiveView();
    } else if (!target->focusProxy() && !(target->focusPolicy() & Qt::TabFocus)) {
        for (QWidget *w = target->nextInFocusChain(); w && w != target; w = w->nextInFocusChain()) {
            if (target->isAncestorOf(w) && w->isVisible() && (w->focusPolicy() & Qt::TabFocus)) {
                target = w;
                break;
            }
        }
    }
    target->setFocus(forward ? Qt::TabFocusReason : Qt::BacktabFocusReason);
}

void MainWindow::fitFileColumns()
{
    QHeaderView *header = m_fileView->horizontalHeader();
    const int em = m_fileView->fontMetrics().horizontalAdvance(u'M');
    const int wanted = std::min(24 * em, m_fileView->viewport()->width() / 3);
    int missing = wanted - header->sectionSize(FileTableModel::NameColumn);
    for (int column : {int(FileTableModel::Sha256Column), int(FileTableModel::StoredKeyColumn),
                       int(FileTableModel::ItemColumn)}) {
        if (missing <= 0)
            break;
        if (header->isSectionHidden(column))
            continue;
        const int width = header->sectionSize(column);
        const int give = std::min(missing, width - 6 * em);
        if (give <= 0)
            continue;
        header->resizeSection(column, width - give);
        missing -= give;
    }
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize && watched == m_fileView->viewport())
        QMetaObject::invokeMethod(this, &MainWindow::fitFileColumns, Qt::QueuedConnection);
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        auto *widget = qobject_cast<QWidget *>(watched);
        const bool inWindow = widget && widget->window() == this && !QApplication::activePopupWidget();
        // Tab and Shift+Tab move between the main areas; arrows move within them.
        if (inWindow && (key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab) &&
            !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            moveFocus(key->key() == Qt::Key_Tab && !(key->modifiers() & Qt::ShiftModifier));
            return true;
        }
        // Space previews in the table as it does in the grid.
        if (watched == m_fileView && key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier) {
            setPreviewVisible(!m_preview->isVisible());
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::selectFile(qint64 fileId, bool focus)
{
    const int row = m_fileModel->rowForFile(fileId);
    if (row < 0)
        return;
    const QModelIndex source = m_fileModel->index(row, FileTableModel::NameColumn);
    QModelIndex index = m_fileProxy->mapFromSource(source);
    if (!index.isValid() && !m_fileProxy->filter().isEmpty()) {
        // Hidden by the filter: show everything again rather than select nothing.
        m_filterBar->setQuery({});
        index = m_fileProxy->mapFromSource(source);
    }
    m_fileView->setCurrentIndex(index);
    m_fileView->scrollTo(index);
    m_grid->scrollTo(index);
    if (focus)
        m_filesStack->currentWidget()->setFocus(Qt::OtherFocusReason);
}

QList<qint64> MainWindow::selectedFileIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_fileView->selectionModel()->selectedRows())
        ids.append(index.data(FileTableModel::FileIdRole).toLongLong());
    return ids;
}

void MainWindow::setBusy(bool busy)
{
    m_busy = busy;
    m_progress->setEngineBusy(busy);
    m_cancelAction->setEnabled(busy);
    m_pauseAction->setEnabled(busy);
    m_openAction->setEnabled(!busy);
    m_openFileAction->setEnabled(!busy);
    m_openUrlAction->setEnabled(!busy);
    m_recentMenu->setEnabled(!busy && !m_recentMenu->isEmpty());
    if (!busy) {
        m_paused = false;
        m_progress->setPaused(false);
        m_progress->setRunning(false);
        updateBatchState();
    }
    updateBatchActions();
}

void MainWindow::renameBatch(qint64 batchId)
{
    const BatchRecord *batch = m_batchModel->batchById(batchId);
    if (!batch)
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename Batch"), tr("New name of batch %1:").arg(batchId),
                              QLineEdit::Normal, batch->name, &ok)
            .simplified();
    if (!ok || name.isEmpty() || name == batch->name)
        return;
    m_engine->renameBatch(batchId, name);
}

void MainWindow::setBatchArchived(qint64 batchId, bool archived)
{
    const BatchRecord *batch = m_batchModel->batchById(batchId);
    if (!batch)
        return;
    m_engine->setBatchArchived(batchId, archived);
    statusBar()->showMessage(archived
                                 ? tr("Archived \"%1\": it is kept, and View ▸ Show Archived Batches shows "
                                      "it again.")
                                       .arg(batch->name)
                                 : tr("\"%1\" is shown on the dashboard again.").arg(batch->name),
                             20000);
}

void MainWindow::deleteBatch(qint64 batchId)
{
    if (batchId <= 0 || m_busy)
        return;
    // The engine measures what would go (files, stored copies, their size); the curator confirms that.
    m_engine->planBatchDeletion(batchId);
}

void MainWindow::confirmDeletion(const BatchFootprint &footprint)
{
    QMessageBox box(QMessageBox::Warning, tr("Delete Batch"), tr("Delete %1?").arg(footprint.text()),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteBatchQuestion"));
    box.setInformativeText(
        tr("The batch, its records and events, its log and the stored copies no other batch "
           "uses are removed. This cannot be undone; archiving hides a batch and keeps "
           "it."));
    QPushButton *remove = box.addButton(tr("&Delete"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmDelete"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == remove)
        m_engine->deleteBatch(footprint.batchId);
}

void MainWindow::showBatchMenu(const QPoint &pos)
{
    QModelIndex index = m_batchView->indexAt(pos);
    if (!index.isValid())
        index = m_batchView->currentIndex();
    const BatchRecord *batch = m_batchModel->batch(index.row());
    if (!batch)
        return;
    if (batch->id != m_shownBatch)
        selectBatch(batch->id);
    QMenu menu(this);
    menu.addAction(m_runAction);
    menu.addAction(m_recheckAction);
    menu.addSeparator();
    const QString source = batch->source;
    if (!isWebAddress(source)) {
        menu.addAction(tr("Show the Source in the File Manager"), this, [source] {
            const QFileInfo info(source);
            QDesktopServices::openUrl(QUrl::fromLocalFile(info.isDir() ? source : info.absolutePath()));
        });
    } else {
        menu.addAction(tr("Open the Source in the Browser"), this,
                       [source] { QDesktopServices::openUrl(QUrl(source)); });
    }
    menu.addAction(tr("Copy the Source's Address"), this,
                   [source] { QApplication::clipboard()->setText(QDir::toNativeSeparators(source)); });
    menu.addSeparator();
    menu.addAction(m_renameAction);
    menu.addAction(m_archiveAction);
    menu.addAction(m_deleteAction);
    menu.exec(m_batchView->viewport()->mapToGlobal(m_batchView->visualRect(index).center()));
}

void MainWindow::showFileMenu(QWidget *view, const QPoint &pos)
{
    auto *itemView = qobject_cast<QAbstractItemView *>(view);
    QModelIndex index = itemView->indexAt(pos);
    if (!index.isValid())
        index = itemView->currentIndex();
    const qint64 fileId = index.data(FileTableModel::FileIdRole).toLongLong();
    const int row = m_fileModel->rowForFile(fileId);
    const FileRecord *file = m_fileModel->file(row);
    if (!file)
        return;
    if (!m_fileView->selectionModel()->isRowSelected(index.row(), index.parent()))
        m_fileView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
    const QString path = m_fileModel->localPath(*file);
    QMenu menu(this);
    QAction *open =
        menu.addAction(tr("&Open"), this, [path] { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
    open->setEnabled(!path.isEmpty());
    QAction *reveal = menu.addAction(tr("Show the Stored Copy in the File Manager"), this, [path] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    reveal->setEnabled(!path.isEmpty() && !file->storedKey.isEmpty());
    const QString sha256 = file->digests.sha256;
    QAction *copyDigest =
        menu.addAction(tr("Copy SHA-256"), this, [sha256] { QApplication::clipboard()->setText(sha256); });
    copyDigest->setEnabled(!sha256.isEmpty());
    const QString stored = path;
    QAction *copyPath = menu.addAction(tr("Copy the Stored Copy's Path"), this, [stored] {
        QApplication::clipboard()->setText(QDir::toNativeSeparators(stored));
    });
    copyPath->setEnabled(!file->storedKey.isEmpty() && !stored.isEmpty());
    menu.addSeparator();
    menu.addAction(m_recheckFilesAction);
    menu.addSeparator();
    const QString statusKey = StatusInfo::key(file->status);
    menu.addAction(tr("Only Files \"%1\"").arg(StatusInfo::displayName(file->status)), this,
                   [this, statusKey] { m_filterBar->setQuery(QStringLiteral("status:") + statusKey); });
    const QString type = file->mimetype.isEmpty() ? file->declaredMimetype : file->mimetype;
    if (!type.isEmpty()) {
        menu.addAction(tr("Only Files of Type %1").arg(type), this,
                       [this, type] { m_filterBar->setQuery(QStringLiteral("mime:") + type); });
    }
    QAction *clear = menu.addAction(tr("Show All Files"), this, [this] { m_filterBar->setQuery({}); });
    clear->setEnabled(!m_filterBar->query().isEmpty());
    menu.exec(itemView->viewport()->mapToGlobal(itemView->visualRect(index).center()));
}

void MainWindow::applyCurator()
{
    // Who decides at this workstation: recorded with duplicate decisions, and beside the software in the
    // events the engine writes.
    const QString curator = Curator::name(m_preferences.settings);
    m_duplicates->setCurator(curator);
    EventPerson::set(curator);
}

void MainWindow::editSettings()
{
    SettingsDialog dialog(m_preferences, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString hotFolder = m_preferences.hotFolder;
    m_preferences = dialog.preferences();
    m_preferences.save();
    m_engine->setRunOptions(m_preferences.options);
    if (m_review)
        m_review->setPreferences(m_preferences);
    applyCurator();
    if (m_preferences.hotFolder != hotFolder)
        m_engine->setHotFolder(m_preferences.hotFolder);
    statusBar()->showMessage(tr("Settings saved; they apply to the next run."), 10000);
}

void MainWindow::showTrace(const BatchRecord *batch)
{
    m_trace->clear();
    if (!batch)
        return;
    for (const QJsonValue &value : batch->trace) {
        const QJsonObject step = value.toObject();
        auto *item = new QTreeWidgetItem(m_trace, {step.value(QStringLiteral("stage")).toString(),
                                                   step.value(QStringLiteral("decision")).toString()});
        item->setToolTip(1, item->text(1));
        for (const QJsonValue &warning : step.value(QStringLiteral("warnings")).toArray()) {
            auto *child = new QTreeWidgetItem(item, {tr("warning"), warning.toString()});
            child->setToolTip(1, warning.toString());
            child->setForeground(0, QColor(0xf2, 0x99, 0x4a));
        }
        item->setExpanded(true);
    }
    m_trace->resizeColumnToContents(0);
}

void MainWindow::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!m_busy && !sourceFromDrop(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString source = sourceFromDrop(event->mimeData());
    if (source.isEmpty())
        return;
    event->acceptProposedAction();
    openSource(source);
}

void MainWindow::applyFirstStartLayout()
{
    // Most of the screen, centred; the user's own size is restored from then on.
    const QRect screen = this->screen() ? this->screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    resize(std::min(screen.width(), std::max(1200, screen.width() * 9 / 10)),
           std::min(screen.height(), std::max(800, screen.height() * 9 / 10)));
    // The dashboard a few rows, the files and the metadata the room, the docks a few rows.
    const int row = m_batchView->verticalHeader()->defaultSectionSize();
    const int dashboard = m_batchView->horizontalHeader()->sizeHint().height() + row * 4 + 4;
    const int rest = std::max(400, height() - dashboard - 300);
    m_mainSplitter->setSizes({dashboard, rest * 3 / 5, rest * 2 / 5});
    resizeDocks({m_issuesDock}, {m_issuesDock->fontMetrics().height() * 9}, Qt::Vertical);
    // The size above is the contents': the title bar and borders come on top once the window is shown.
    m_firstStartSize = size();
}

QRect MainWindow::fittedToScreen(const QRect &client, const QMargins &frame, const QRect &available)
{
    const QSize room = available.size().shrunkBy(frame).expandedTo(QSize(1, 1));
    QRect fitted(client.topLeft(), client.size().boundedTo(room));
    const QRect inner = available.marginsRemoved(frame);
    fitted.moveLeft(
        std::clamp(fitted.left(), inner.left(), std::max(inner.left(), inner.right() - fitted.width() + 1)));
    fitted.moveTop(
        std::clamp(fitted.top(), inner.top(), std::max(inner.top(), inner.bottom() - fitted.height() + 1)));
    return fitted;
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!m_firstStartSize.isValid())
        return;
    // The window manager frames the window a moment after it is mapped; a restored geometry fitted already.
    const auto fit = [this] {
        if (!m_firstStartSize.isValid())
            return;
        if (size() != m_firstStartSize) { // sized by someone else since (a test, a script): theirs stays
            m_firstStartSize = {};
            return;
        }
        const QRect frame = frameGeometry();
        const QRect client = geometry();
        if (!screen() || frame == client)
            return; // no frame (yet)
        m_firstStartSize = {};
        const QMargins margins(client.left() - frame.left(), client.top() - frame.top(),
                               frame.right() - client.right(), frame.bottom() - client.bottom());
        const QRect available = screen()->availableGeometry();
        const QRect fitted = fittedToScreen(client, margins, available);
        if (fitted.size() != client.size())
            resize(fitted.size());
        // Centred, frame and all: it fits, so centred it is whole on the screen (move() places the frame).
        QRect framed = fitted.marginsAdded(margins);
        framed.moveCenter(available.center());
        move(framed.topLeft());
    };
    QTimer::singleShot(0, this, fit);
    QTimer::singleShot(500, this, [this, fit] {
        fit();
        m_firstStartSize = {}; // no window manager frames it: nothing to fit
    });
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    const bool saved = settings.value(QStringLiteral("ui/layoutVersion"), 0).toInt() == s_layoutVersion;
    if (!restoreGeometry(settings.value(QStringLiteral("ui/geometry")).toByteArray()))
        applyFirstStartLayout();
    else if (!saved)
        applyFirstStartLayout();
    if (saved) {
        restoreState(settings.value(QStringLiteral("ui/state")).toByteArray());
        m_mainSplitter->restoreState(settings.value(QStringLiteral("ui/mainSplitter")).toByteArray());
        m_filesSplitter->restoreState(settings.value(QStringLiteral("ui/filesSplitter")).toByteArray());
        m_fileView->horizontalHeader()->restoreState(
            settings.value(QStringLiteral("ui/fileColumns")).toByteArray());
        fitFileColumns();
    }
    setFilesView(settings.value(QStringLiteral("ui/filesView"), 0).toInt() == 1 ? 1 : 0);
    m_grid->setThumbnailSize(
        settings.value(QStringLiteral("ui/thumbnailSize"), m_grid->thumbnailSize()).toInt());
    m_showArchivedAction->setChecked(settings.value(QStringLiteral("ui/showArchived"), false).toBool());
    setPreviewVisible(settings.value(QStringLiteral("ui/preview"), false).toBool());
    // The batch the curator was looking at is selected again once the engine lists the batches.
    m_selectWhenListed = settings.value(QStringLiteral("ui/openBatch"), 0).toLongLong();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/layoutVersion"), s_layoutVersion);
    settings.setValue(QStringLiteral("ui/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("ui/state"), saveState());
    settings.setValue(QStringLiteral("ui/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("ui/filesSplitter"), m_filesSplitter->saveState());
    settings.setValue(QStringLiteral("ui/fileColumns"), m_fileView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("ui/openBatch"), m_shownBatch);
    settings.setValue(QStringLiteral("ui/filesView"), m_filesStack->currentIndex());
    settings.setValue(QStringLiteral("ui/thumbnailSize"), m_grid->thumbnailSize());
    settings.setValue(QStringLiteral("ui/preview"), m_preview->isVisible());
    settings.setValue(QStringLiteral("ui/showArchived"), m_showArchivedAction->isChecked());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_busy) {
        const BatchRecord *running = m_batchModel->batchById(m_runningBatch);
        QMessageBox box(QMessageBox::Question, tr("A Batch Is Running"),
                        running ? tr("\"%1\" is still running.").arg(running->name)
                                : tr("A batch is still running."),
                        QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("quitQuestion"));
        box.setInformativeText(
            tr("Pause and quit: Gatehouse carries on with it the next time it starts. Stop "
               "and quit: it stays as it is, and Resume finishes it later. Files already "
               "stored are kept either way."));
        QPushButton *pause = box.addButton(tr("&Pause and Quit"), QMessageBox::AcceptRole);
        pause->setObjectName(QStringLiteral("pauseAndQuit"));
        QPushButton *stop = box.addButton(tr("&Stop and Quit"), QMessageBox::DestructiveRole);
        stop->setObjectName(QStringLiteral("stopAndQuit"));
        box.setDefaultButton(pause);
        box.exec();
        if (box.clickedButton() != pause && box.clickedButton() != stop) {
            event->ignore();
            return;
        }
        QSettings settings;
        if (box.clickedButton() == pause && m_runningBatch > 0)
            settings.setValue(QStringLiteral("ui/resumeBatch"), m_runningBatch);
        else
            settings.remove(QStringLiteral("ui/resumeBatch"));
        // Files in progress finish or abort; the rest stay pending for next time.
        m_engine->cancel();
    }
    saveSettings();
    event->accept();
}

void MainWindow::openReview(qint64 batchId, qint64 itemId)
{
    if (batchId <= 0) {
        statusBar()->showMessage(tr("Choose a batch to review first."));
        return;
    }
    if (!m_review) {
        m_review = new ReviewView(m_engine, m_workspace, m_preferences, this);
        // Approval hands over: the engine's runner carries the batch on past the review into the upload to
        // its targets (Upload lamp, transfers view); a batch without a target is finished at the review.
        connect(m_review, &ReviewView::approved, this,
                [this](qint64 approved) { m_engine->runBatch(approved); });
    }
    m_review->setEngineBusy(m_busy);
    m_review->openBatch(batchId, itemId);
    m_review->show();
    m_review->raise();
    m_review->activateWindow();
}

} // namespace gh
