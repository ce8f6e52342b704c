#pragma once

#include <optional>

#include <QImage>
#include <QPersistentModelIndex>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>

#include "imaging/thumbnailgenerator.h"

class QAbstractItemModel;
class QLabel;
class QToolButton;

namespace gh {

class PreviewCanvas;

/*!
    \class gh::PreviewWidget
    A large preview of one file, with zoom and pan, and page turning through the files of a multi-page item
    (IIIF canvases, newspaper pages) in the model's order.

    The file is decoded off the GUI thread by ThumbnailGenerator at previewSize() (JPEG at a reduced DCT
    scale, JPEG 2000 at the reduced resolution that fits, the first page of a PDF); only the newest request's
    result is shown. The model is read through FileTableModel's roles (LocalPathRole, MimetypeRole,
    ItemIdRole, and Qt::DisplayRole for the caption), so it may be FileTableModel or a proxy over it.

    Zoom is in device pixels per source pixel (1.0 is 100%). Keys: + and - zoom, F fits the window, 1 shows
    100%, Ctrl+wheel zooms around the pointer, dragging or the scrollbars pan, PageUp/PageDown turn pages.
*/
class PreviewWidget : public QWidget
{
    Q_OBJECT

public:
    enum class State
    {
        Empty,   //!< No file chosen.
        Loading, //!< Decoding on a worker thread.
        Ready,   //!< The image is shown.
        Failed   //!< The file has no preview; errorMessage() says why.
    };

    explicit PreviewWidget(QWidget *parent = nullptr);
    //! Waits for a running decode (results are never delivered to a destroyed widget).
    ~PreviewWidget() override;

    //! Reads files from \a model (FileTableModel or a proxy over it); clears the preview.
    void setModel(QAbstractItemModel *model);
    QAbstractItemModel *model() const { return m_model; }

    //! Longest side, in pixels, the preview is decoded at. Default 2048.
    void setPreviewSize(int pixels);
    int previewSize() const { return m_previewSize; }

    State state() const { return m_state; }
    QString errorMessage() const { return m_error; }
    //! The decoded image on screen (null unless state() is Ready).
    QImage image() const { return m_image; }
    //! The file shown (or being loaded).
    QModelIndex currentIndex() const { return m_current; }
    //! Device pixels per source pixel.
    double zoom() const;
    bool fitsWindow() const;
    //! Files of the current item (1 for a single file, 0 when empty), and which one is shown (0-based).
    int pageCount() const { return int(m_pages.size()); }
    int currentPage() const { return m_page; }

public Q_SLOTS:
    //! Shows the file at \a index (any column of its row); an invalid index clears the preview.
    void setCurrentIndex(const QModelIndex &index);
    void nextPage();
    void previousPage();
    void zoomIn();
    void zoomOut();
    //! Sets the zoom to \a factor device pixels per source pixel (clamped to 1%…1600%).
    void setZoom(double factor);
    //! Fits the whole image in the window, now and as the window is resized.
    void zoomToFit();
    //! One source pixel per device pixel.
    void zoomToActualSize();

Q_SIGNALS:
    //! The preview moved to \a index by turning a page; the main window may move the selection along.
    void currentIndexChanged(const QModelIndex &index);
    //! The image of \a index is on screen.
    void imageShown(const QModelIndex &index);
    //! \a index has no preview; \a message says why.
    void loadFailed(const QModelIndex &index, const QString &message);
    void zoomChanged(double factor);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void collectPages(const QModelIndex &index);
    void showPage(int page);
    void load(const QModelIndex &index);
    void startDecode();
    void finishLoad(quint64 ticket, const QImage &image, QSize sourceSize, const QString &error);
    void updateControls();

    QPointer<QAbstractItemModel> m_model;
    QList<QPersistentModelIndex> m_pages;
    qint64 m_pagesItem = -1;
    bool m_pagesStale = true;
    int m_page = -1;
    QPersistentModelIndex m_current;
    int m_previewSize = 2048;
    State m_state = State::Empty;
    QString m_error;
    QImage m_image;
    quint64 m_ticket = 0;
    struct Decode
    {
        quint64 ticket = 0;
        QString path;
        ThumbnailGenerator::Options options;
    };
    std::optional<Decode> m_waiting;
    bool m_decoding = false;
    QThreadPool m_pool;

    PreviewCanvas *m_canvas = nullptr;
    QToolButton *m_previous = nullptr;
    QToolButton *m_next = nullptr;
    QToolButton *m_zoomIn = nullptr;
    QToolButton *m_zoomOut = nullptr;
    QToolButton *m_fit = nullptr;
    QToolButton *m_actual = nullptr;
    QLabel *m_pageLabel = nullptr;
    QLabel *m_caption = nullptr;
};

} // namespace gh
