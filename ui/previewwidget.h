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
class QPlainTextEdit;
class QToolButton;

namespace gh {

class PreviewCanvas;
class SourceHighlighter;

/*!
    \class gh::PreviewWidget
    A large preview of one file, with zoom and pan, and page turning through the images of a multi-page
    item (IIIF canvases, a book's scans) in their names' natural order, so "page 2 of 4" is the second
    image. The item's other files (MIX, MODS, ALTO, text, JSON) are listed in the "Files of this item" menu
    and shown as text with syntax colouring.

    The file is decoded off the GUI thread by ThumbnailGenerator at previewSize() (JPEG at a reduced DCT
    scale, JPEG 2000 at the reduced resolution that fits, the first page of a PDF); only the newest request's
    result is shown. The model is read through FileTableModel's roles (LocalPathRole, MimetypeRole,
    ItemIdRole, and Qt::DisplayRole for the caption), so it may be FileTableModel or a proxy over it.

    Zoom is in device pixels per source pixel (1.0 is 100%). Keys: + and - zoom, F fits the window, 1 shows
    100%, Ctrl+wheel zooms around the pointer, dragging or the scrollbars pan, PageUp/PageDown turn pages.
    Text is read on a worker thread too, at most the first 4 MiB.
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
    //! Images of the current item (its pages), and which one is shown (0-based; -1 when the file shown is
    //! not one of them, such as the item's XML).
    int pageCount() const { return int(m_pages.size()); }
    int currentPage() const { return m_page; }
    //! Every file of the current item, pages and others, in natural name order.
    int itemFileCount() const { return int(m_itemFiles.size()); }
    //! Whether the file shown is shown as text (XML, JSON, plain text) rather than as an image.
    bool isShowingText() const;
    QPlainTextEdit *textView() const { return m_text; }
    //! The kind of preview a file gets, from its mimetype and name.
    static bool isImageFile(const QString &mimetype, const QString &name);
    static bool isTextFile(const QString &mimetype, const QString &name);

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
    void loadText(quint64 ticket, const QString &path, const QString &name, const QString &mimetype);
    void rebuildItemMenu();
    void startDecode();
    void finishLoad(quint64 ticket, const QImage &image, QSize sourceSize, const QString &error);
    void updateControls();

    QPointer<QAbstractItemModel> m_model;
    QList<QPersistentModelIndex> m_pages;     //!< The item's images.
    QList<QPersistentModelIndex> m_itemFiles; //!< All the item's files.
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
    QPlainTextEdit *m_text = nullptr;
    SourceHighlighter *m_highlighter = nullptr;
    QToolButton *m_files = nullptr;
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
