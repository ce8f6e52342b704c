#include "mainwindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
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
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "batchlistmodel.h"
#include "enginecontroller.h"
#include "exportmenu.h"
#include "filefiltermodel.h"
#include "filetablemodel.h"
#include "filterbar.h"
#include "imaging/thumbnailcache.h"
#include "issuespanel.h"
#include "lampdelegate.h"
#include "metadatapane.h"
#include "previewwidget.h"
#include "progresspanel.h"
#include "reviewview.h"
#include "settingsdialog.h"
#include "thumbnailview.h"
#include "transfersview.h"
#include "util/version.h"

namespace gh {

namespace {

constexpr int s_maxRecent = 10;
constexpr int s_logLines = 5000;

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
    createActions();
    connectEngine();
    restoreSettings();
    m_engine->start();
    if (!m_preferences.hotFolder.isEmpty())
        m_engine->setHotFolder(m_preferences.hotFolder);
}

MainWindow::~MainWindow() = default;

void MainWindow::createViews()
{
    m_batchView = new QTableView(this);
    m_batchView->setObjectName(QStringLiteral("batchView"));
    m_batchView->setAccessibleName(tr("Batches"));
    m_batchView->setModel(m_batchModel);
    m_batchView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_batchView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_batchView->verticalHeader()->hide();
    m_batchView->horizontalHeader()->setStretchLastSection(false);
    m_batchView->horizontalHeader()->setSectionResizeMode(BatchListModel::NameColumn, QHeaderView::Stretch);
    auto *lamps = new LampDelegate(m_batchView);
    for (int column = BatchListModel::FirstStageColumn; column < m_batchModel->columnCount(); ++column) {
        m_batchView->setItemDelegateForColumn(column, lamps);
        m_batchView->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    }

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
    m_fileView->setSortingEnabled(true);
    m_fileView->sortByColumn(-1, Qt::AscendingOrder);
    m_fileView->verticalHeader()->hide();
    m_fileView->verticalHeader()->setDefaultSectionSize(m_fileView->fontMetrics().height() + 6);
    m_fileView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_fileView->horizontalHeader()->setStretchLastSection(true);
    const int em = m_fileView->fontMetrics().horizontalAdvance(u'M');
    for (const auto &[column, width] :
         {std::pair{FileTableModel::ItemColumn, 14}, std::pair{FileTableModel::NameColumn, 14},
          std::pair{FileTableModel::StatusColumn, 10}, std::pair{FileTableModel::SizeColumn, 6},
          std::pair{FileTableModel::TypeColumn, 9}, std::pair{FileTableModel::Sha256Column, 10}})
        m_fileView->setColumnWidth(column, width * em);
    m_fileView->setWordWrap(false);

    m_metadata = new MetadataPane(m_engine, this);
    m_metadata->setObjectName(QStringLiteral("metadataPane"));
    // Stored files are read from the store when it is on this machine (an S3 store is not).
    if (const QString store = m_workspace.storeSpec(); !store.contains(u"://")) {
        m_fileModel->setLocalStoreRoot(store);
        m_metadata->setLocalPathResolver(
            [store](const FileRecord &file) { return FileTableModel::localPath(store, file); });
    }

    m_filesSplitter = new QSplitter(Qt::Horizontal, this);
    m_filesSplitter->setObjectName(QStringLiteral("filesSplitter"));
    // The grid shows the same rows as the table, through the same proxy and one selection model, so
    // switching views keeps the filter, the sort order and the selection.
    m_grid = new ThumbnailView(this);
    m_grid->setObjectName(QStringLiteral("thumbnailView"));
    m_grid->setAccessibleName(tr("Thumbnails of the selected batch"));
    m_grid->setModel(m_fileProxy);
    m_grid->setSelectionModel(m_fileView->selectionModel());
    m_grid->setThumbnailCache(std::make_shared<ThumbnailCache>());
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
    m_preview->hide();
    m_filesSplitter->addWidget(m_preview);
    m_filesSplitter->setStretchFactor(1, 2);
    // A page turn in the preview moves the selection, so the table, the grid and the metadata follow.
    connect(m_preview, &PreviewWidget::currentIndexChanged, this, [this](const QModelIndex &index) {
        m_fileView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
    });
    connect(m_grid, &ThumbnailView::previewRequested, this,
            [this] { setPreviewVisible(!m_preview->isVisible()); });
    m_fileView->installEventFilter(this);
    m_filesSplitter->setStretchFactor(0, 3);

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_batchView);
    m_mainSplitter->addWidget(m_filesSplitter);
    m_mainSplitter->addWidget(m_metadata);
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 3);
    m_mainSplitter->setStretchFactor(2, 1);

    m_progress = new ProgressPanel(this);
    m_progress->setObjectName(QStringLiteral("progressPanel"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_mainSplitter, 1);
    layout->addWidget(m_progress);
    setCentralWidget(central);

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

    // Problems gather here instead of in pop-ups; each leads to its file.
    m_issues = new IssuesPanel(m_engine, this);
    m_issues->setObjectName(QStringLiteral("issuesPanel"));
    auto *issuesDock = new QDockWidget(tr("Problems"), this);
    issuesDock->setObjectName(QStringLiteral("issuesDock"));
    issuesDock->setWidget(m_issues);
    addDockWidget(Qt::BottomDockWidgetArea, issuesDock);
    tabifyDockWidget(logDock, issuesDock);
    connect(m_issues, &IssuesPanel::countChanged, issuesDock, [issuesDock](int count, const QString &text) {
        issuesDock->setWindowTitle(count > 0 ? text : tr("Problems"));
    });
    connect(m_issues, &IssuesPanel::fileActivated, this, [this](qint64 fileId) { selectFile(fileId); });
    issuesDock->raise();

    connect(m_batchView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QVariant id = current.data(BatchListModel::BatchIdRole);
                if (id.isValid())
                    showBatch(id.toLongLong());
                showTrace(m_batchModel->batch(current.row()));
            });
    connect(m_fileView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_metadata->showFile(current.data(FileTableModel::FileIdRole).toLongLong());
                if (m_preview->isVisible())
                    m_preview->setCurrentIndex(current);
            });
    connect(m_progress, &ProgressPanel::cancelRequested, this, [this] { m_engine->cancel(); });
    m_statusProgress = new QLabel(this);
    m_statusProgress->setObjectName(QStringLiteral("statusProgress"));
    m_statusProgress->setAccessibleName(tr("Progress of the running batch"));
    statusBar()->addPermanentWidget(m_statusProgress);
    m_hotFolderStatus = new QLabel(this);
    m_hotFolderStatus->setObjectName(QStringLiteral("hotFolderStatus"));
    m_hotFolderStatus->setAccessibleName(tr("Hot folder"));
    statusBar()->addPermanentWidget(m_hotFolderStatus);
    statusBar()->showMessage(tr("Open a folder or a file, or drop one on this window."));
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
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *batch = menuBar()->addMenu(tr("&Batch"));
    m_runAction = batch->addAction(tr("&Run or Resume"), this, [this] {
        if (m_shownBatch > 0)
            m_engine->runBatch(m_shownBatch);
    });
    m_runAction->setShortcut(QKeySequence::Refresh);
    m_cancelAction = batch->addAction(tr("&Cancel"), this, [this] { m_engine->cancel(); });
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setEnabled(false);
    m_pauseAction = batch->addAction(tr("&Pause"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAction->setEnabled(false);
    connect(m_pauseAction, &QAction::triggered, this, [this](bool paused) { m_engine->setPaused(paused); });
    connect(m_engine->engine(), &Engine::pausedChanged, m_pauseAction, &QAction::setChecked);
    batch->addSeparator();
    auto *exports = new ExportMenu(
        m_workspace, [this] { return m_shownBatch; }, this);
    batch->addMenu(exports);
    connect(exports, &ExportMenu::exportFinished, this,
            [this](const QString &, bool, const QString &message) { statusBar()->showMessage(message); });
    QAction *review = batch->addAction(tr("Re&view Sample…"), this, [this] { openReview(m_shownBatch); });
    review->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    review->setToolTip(tr("Review the batch's QA sample item by item, then approve or reject it"));

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
    m_gridAction = view->addAction(tr("As &Thumbnails"), this, [this] { setFilesView(1); });
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
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Gatehouse"), this, [this] {
        QMessageBox::about(
            this, tr("About Gatehouse"),
            tr("<p><b>Gatehouse %1</b></p><p>Take batches of digital objects into an archive.</p>"
               "<p>Catalog: %2<br>Store: %3</p>")
                .arg(versionString(), m_workspace.catalog().displayName().toHtmlEscaped(),
                     m_workspace.storeSpec().toHtmlEscaped()));
    });
}

void MainWindow::connectEngine()
{
    Engine *engine = m_engine->engine();
    connect(engine, &Engine::started, this, [this](const QString &catalog, const QString &store) {
        statusBar()->showMessage(tr("Catalog %1 · store %2").arg(catalog, store));
    });
    connect(engine, &Engine::failed, this, [this](const QString &message) {
        appendLog(tr("Error: %1").arg(message));
        statusBar()->showMessage(message);
    });
    connect(engine, &Engine::busyChanged, this, &MainWindow::setBusy);
    connect(engine, &Engine::hotFolderChanged, this, [this](const QString &dir) {
        m_hotFolderStatus->setText(dir.isEmpty() ? QString()
                                                 : tr("Watching %1").arg(QDir::toNativeSeparators(dir)));
        m_hotFolderStatus->setToolTip(
            dir.isEmpty() ? QString()
                          : tr("New deliveries in this folder are loaded and run once they stop changing."));
    });
    connect(engine, &Engine::batchesChanged, this, [this](const QList<BatchRecord> &batches) {
        m_batchModel->setBatches(batches);
        showTrace(m_batchModel->batch(m_batchView->currentIndex().row()));
        if (m_selectWhenListed > 0 && m_batchModel->rowForBatch(m_selectWhenListed) >= 0) {
            selectBatchRow(m_selectWhenListed);
            m_selectWhenListed = 0;
        }
    });
    connect(engine, &Engine::batchLoaded, this, [this](const LoadResult &result) {
        m_shownBatch = result.batchId;
        m_fileModel->reset(result.batchId);
        m_issues->setBatch(result.batchId);
        m_selectWhenListed = result.batchId;
        selectBatchRow(result.batchId);
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
        m_progress->setProgress(progress);
        m_statusProgress->setText(m_progress->summaryText());
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
        m_progress->setMessage(ok ? message : tr("Failed: %1").arg(message));
        m_statusProgress->setText(m_progress->summaryText());
        if (batchId == m_shownBatch)
            m_engine->loadFiles(batchId);
        emit runFinished(batchId, ok);
    });
}

void MainWindow::openSource(const QString &source)
{
    const QString absolute = isWebAddress(source) ? source : QFileInfo(source).absoluteFilePath();
    if (m_busy) {
        statusBar()->showMessage(tr("A batch is running; cancel it or wait before opening %1.")
                                     .arg(QDir::toNativeSeparators(absolute)));
        return;
    }
    rememberSource(absolute);
    appendLog(tr("Opening %1").arg(QDir::toNativeSeparators(absolute)));
    m_engine->runSource(absolute);
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
    bool ok = false;
    const QString address =
        QInputDialog::getText(this, tr("Open a web address"), tr("Address of a IIIF manifest or collection:"),
                              QLineEdit::Normal, QString(), &ok)
            .trimmed();
    if (!ok || address.isEmpty())
        return;
    if (!isWebAddress(address)) {
        statusBar()->showMessage(tr("%1 is not an http or https address.").arg(address));
        return;
    }
    openSource(address);
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
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::showBatch(qint64 batchId)
{
    if (batchId == m_shownBatch && m_fileModel->batchId() == batchId)
        return;
    m_shownBatch = batchId;
    m_fileModel->reset(batchId);
    m_metadata->showFile(0);
    m_issues->setBatch(batchId);
    m_engine->loadFiles(batchId);
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
    // A hidden preview decodes nothing; shown, it catches up with the current file.
    m_preview->setCurrentIndex(visible ? m_fileView->currentIndex() : QModelIndex());
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Space previews in the table as it does in the grid.
    if (watched == m_fileView && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier) {
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

void MainWindow::selectBatchRow(qint64 batchId)
{
    const int row = m_batchModel->rowForBatch(batchId);
    if (row >= 0)
        m_batchView->selectRow(row);
}

void MainWindow::setBusy(bool busy)
{
    m_busy = busy;
    m_progress->setBusy(busy);
    m_cancelAction->setEnabled(busy);
    m_pauseAction->setEnabled(busy);
    m_runAction->setEnabled(!busy);
    m_openAction->setEnabled(!busy);
    m_openFileAction->setEnabled(!busy);
    m_openUrlAction->setEnabled(!busy);
    m_recentMenu->setEnabled(!busy);
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
    if (m_preferences.hotFolder != hotFolder)
        m_engine->setHotFolder(m_preferences.hotFolder);
    statusBar()->showMessage(tr("Settings saved; they apply to the next run."));
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

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("ui/geometry")).toByteArray()))
        resize(1200, 800);
    restoreState(settings.value(QStringLiteral("ui/state")).toByteArray());
    m_mainSplitter->restoreState(settings.value(QStringLiteral("ui/mainSplitter")).toByteArray());
    m_filesSplitter->restoreState(settings.value(QStringLiteral("ui/filesSplitter")).toByteArray());
    m_fileView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("ui/fileColumns")).toByteArray());
    setFilesView(settings.value(QStringLiteral("ui/filesView"), 0).toInt() == 1 ? 1 : 0);
    m_grid->setThumbnailSize(
        settings.value(QStringLiteral("ui/thumbnailSize"), m_grid->thumbnailSize()).toInt());
    setPreviewVisible(settings.value(QStringLiteral("ui/preview"), false).toBool());
    // The batch the curator was looking at is selected again once the engine lists the batches.
    m_selectWhenListed = settings.value(QStringLiteral("ui/openBatch"), 0).toLongLong();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("ui/state"), saveState());
    settings.setValue(QStringLiteral("ui/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("ui/filesSplitter"), m_filesSplitter->saveState());
    settings.setValue(QStringLiteral("ui/fileColumns"), m_fileView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("ui/openBatch"), m_shownBatch);
    settings.setValue(QStringLiteral("ui/filesView"), m_filesStack->currentIndex());
    settings.setValue(QStringLiteral("ui/thumbnailSize"), m_grid->thumbnailSize());
    settings.setValue(QStringLiteral("ui/preview"), m_preview->isVisible());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    if (m_busy)
        m_engine->cancel(); // files in progress finish or abort; the rest stay pending for next time
    event->accept();
}

void MainWindow::openReview(qint64 batchId, qint64 itemId)
{
    if (batchId <= 0) {
        statusBar()->showMessage(tr("Choose a batch to review first."));
        return;
    }
    if (!m_review)
        m_review = new ReviewView(m_engine, m_workspace, m_preferences, this);
    m_review->setEngineBusy(m_busy);
    m_review->openBatch(batchId, itemId);
    m_review->show();
    m_review->raise();
    m_review->activateWindow();
}

} // namespace gh
