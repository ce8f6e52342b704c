#pragma once

#include <memory>

#include <QCache>
#include <QElapsedTimer>
#include <QHash>
#include <QListView>
#include <QPixmap>
#include <QSet>
#include <QTimer>

namespace gh {

class ThumbnailCache;
class ThumbnailLoader;

/*!
    \class gh::ThumbnailView
    A grid of thumbnails over the same model as the file table (FileTableModel, or a proxy over it), so the
    main window can give both views one QItemSelectionModel and switch between them.

    The model is read through FileTableModel's roles: FileIdRole (keys the thumbnails), LocalPathRole,
    Sha256Role, MimetypeRole, StatusRole, and Qt::DisplayRole of modelColumn() (the name; setModel() picks
    FileTableModel::NameColumn when the model has it). Only the rows on screen, plus a margin of about one
    screen on either side, are asked for; requests are made when scrolling pauses (50 ms) or at most every
    150 ms while it goes on. Requests that leave that range are cancelled, the loader is told which rows are
    visible, and at most pixmapCacheLimit() thumbnails (least recently painted first out) stay in memory.
    Decoding happens on ThumbnailLoader's pool (every core but one); the view only turns finished QImages
    into QPixmaps, with the screen's device pixel ratio.

    Keyboard: the arrow keys, Home/End and PageUp/PageDown move through the thumbnails; Space emits
    previewRequested() for the current file.
*/
class ThumbnailView : public QListView
{
    Q_OBJECT

public:
    //! What the view knows about a row's thumbnail.
    enum class ThumbnailState
    {
        NotLoaded,  //!< Not asked for yet, or dropped from memory; a placeholder is shown.
        Loading,    //!< Asked for; a placeholder is shown.
        Ready,      //!< In memory and painted.
        Unavailable //!< Failed, unsupported, or nothing on this machine to read; a file icon is shown.
    };

    //! A grid with 128-pixel thumbnails and no disk cache.
    explicit ThumbnailView(QWidget *parent = nullptr);
    ~ThumbnailView() override;

    /*!
        Shows \a model (FileTableModel or a proxy over it; see the class description for the roles read).
        Use setSelectionModel() afterwards to share the table's selection; selections made in the grid cover
        whole rows, so the table shows them too.
    */
    void setModel(QAbstractItemModel *model) override;
    //! Forgets every request and failure (the model was reset); pixmaps stay cached by file id.
    void reset() override;

    //! Uses \a cache (may be null) as the disk cache of thumbnails, shared with the worker threads.
    void setThumbnailCache(std::shared_ptr<ThumbnailCache> cache);
    //! The loader that makes the thumbnails (for diagnostics: queued and running requests).
    ThumbnailLoader *loader() const { return m_loader.get(); }

    //! Logical size of the thumbnails' longer side.
    int thumbnailSize() const { return m_thumbnailSize; }
    //! Thumbnails kept in memory at most; the least recently painted go first. Default 2,000.
    void setPixmapCacheLimit(int pixmaps);
    int pixmapCacheLimit() const;
    int cachedPixmapCount() const;

    ThumbnailState thumbnailState(const QModelIndex &index) const;
    //! The thumbnail of \a index if it is in memory (device pixel ratio set); null otherwise.
    QPixmap thumbnail(const QModelIndex &index) const;
    //! The first and last rows on screen, or {-1, -1}.
    std::pair<int, int> visibleRows() const;
    //! Whether every row on screen has its thumbnail or is known to have none.
    bool isScreenLoaded() const;
    //! Requests cancelled because their rows left the range around the screen.
    qint64 cancelledRequestCount() const { return m_cancelledRequests; }

public Q_SLOTS:
    //! Shows thumbnails whose longer side is \a logicalPixels (clamped to 32…512); loads them again.
    void setThumbnailSize(int logicalPixels);

Q_SIGNALS:
    //! Space was pressed on \a index: the user wants the large preview of that file.
    void previewRequested(const QModelIndex &index);
    //! Every row on screen has its thumbnail or is known to have none (emitted once per screenful).
    void visibleThumbnailsLoaded();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                     const QList<int> &roles = QList<int>()) override;
    QItemSelectionModel::SelectionFlags selectionCommand(const QModelIndex &index,
                                                         const QEvent *event = nullptr) const override;

private:
    friend class ThumbnailDelegate;

    void connectLoader();
    void scheduleUpdate();
    void updateRequests();
    void onThumbnailReady(const QString &key, const QImage &image);
    void onThumbnailFailed(const QString &key, const QString &message);
    void checkVisibleLoaded();
    void repaintKey(const QString &key);
    QString keyFor(const QModelIndex &index) const;
    int requestSize() const;

    std::unique_ptr<ThumbnailLoader> m_loader;
    std::shared_ptr<ThumbnailCache> m_diskCache;
    int m_thumbnailSize = 128;
    mutable QCache<QString, QPixmap> m_pixmaps;
    QHash<QString, QString> m_failed; // key → path that failed, so a new path is tried again
    QHash<QString, int> m_requested;  // key → row when asked, for repainting
    QTimer m_debounce;
    QElapsedTimer m_sinceUpdate;
    qint64 m_cancelledRequests = 0;
    bool m_visibleReported = false;
};

} // namespace gh
