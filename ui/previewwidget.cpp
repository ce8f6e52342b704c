#include "previewwidget.h"

#include <algorithm>
#include <cmath>

#include <QAbstractItemModel>
#include <QAbstractScrollArea>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>

#include "filetablemodel.h"
#include "imaging/thumbnailgenerator.h"
#include "sourcehighlighter.h"
#include "util/naturalorder.h"

namespace gh {

namespace {

constexpr double s_minZoom = 0.01;
constexpr double s_maxZoom = 16.0;
constexpr double s_zoomStep = 1.25;
constexpr qint64 s_maxText = 4 * 1024 * 1024;

QString nameOf(const QModelIndex &index)
{
    return index.siblingAtColumn(FileTableModel::NameColumn).data(Qt::DisplayRole).toString();
}

} // namespace

/*
    The scrollable picture. Zoom is kept in device pixels per source pixel; the decoded image may be smaller
    than the source (it is decoded at the preview size), so painting scales it by zoom × source / decoded.
*/
class PreviewCanvas : public QAbstractScrollArea
{
public:
    explicit PreviewCanvas(PreviewWidget *owner)
        : QAbstractScrollArea(owner)
        , m_owner(owner)
    {
        setFocusPolicy(Qt::StrongFocus);
        setAccessibleName(PreviewWidget::tr("Preview image"));
        viewport()->setCursor(Qt::OpenHandCursor);
    }

    void showImage(const QImage &image, QSize sourceSize)
    {
        m_pixmap = QPixmap::fromImage(image);
        m_source = sourceSize.isValid() ? sourceSize : image.size();
        m_message.clear();
        if (m_fit)
            fit();
        else
            relayout();
        viewport()->update();
    }

    void showMessage(const QString &message)
    {
        m_pixmap = QPixmap();
        m_message = message;
        relayout();
        viewport()->update();
    }

    double zoom() const { return m_zoom; }
    bool fits() const { return m_fit; }

    void setZoom(double factor, QPointF anchor = QPointF(-1, -1))
    {
        m_fit = false;
        applyZoom(factor, anchor);
    }

    void fit()
    {
        m_fit = true;
        if (m_source.isEmpty())
            return;
        const double dpr = devicePixelRatioF();
        const QSize area = viewport()->size();
        const double factor =
            std::min(area.width() * dpr / m_source.width(), area.height() * dpr / m_source.height());
        applyZoom(factor, QPointF(-1, -1));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(viewport());
        if (m_pixmap.isNull()) {
            painter.setPen(palette().color(QPalette::PlaceholderText));
            painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
            return;
        }
        painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 2.0);
        painter.drawPixmap(imageRect(), m_pixmap, QRectF(m_pixmap.rect()));
    }

    void resizeEvent(QResizeEvent *event) override
    {
        QAbstractScrollArea::resizeEvent(event);
        if (m_fit)
            fit();
        else
            relayout();
    }

    void scrollContentsBy(int, int) override { viewport()->update(); }

    void wheelEvent(QWheelEvent *event) override
    {
        if (!(event->modifiers() & Qt::ControlModifier)) {
            QAbstractScrollArea::wheelEvent(event);
            return;
        }
        const double steps = event->angleDelta().y() / 120.0;
        if (steps != 0)
            setZoom(m_zoom * std::pow(s_zoomStep, steps), event->position());
        event->accept();
    }

    void mousePressEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton) {
            m_dragFrom = event->position().toPoint();
            viewport()->setCursor(Qt::ClosedHandCursor);
        }
        QAbstractScrollArea::mousePressEvent(event);
    }

    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (event->buttons() & Qt::LeftButton) {
            const QPoint delta = event->position().toPoint() - m_dragFrom;
            m_dragFrom = event->position().toPoint();
            horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
            verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        }
        QAbstractScrollArea::mouseMoveEvent(event);
    }

    void mouseReleaseEvent(QMouseEvent *event) override
    {
        viewport()->setCursor(Qt::OpenHandCursor);
        QAbstractScrollArea::mouseReleaseEvent(event);
    }

    void keyPressEvent(QKeyEvent *event) override
    {
        switch (event->key()) {
        case Qt::Key_PageUp:
        case Qt::Key_PageDown:
        case Qt::Key_Plus:
        case Qt::Key_Equal:
        case Qt::Key_Minus:
        case Qt::Key_F:
        case Qt::Key_1:
            // The preview's own keys: left to PreviewWidget.
            event->ignore();
            return;
        default:
            QAbstractScrollArea::keyPressEvent(event);
        }
    }

private:
    // The image's size on screen in logical pixels.
    QSizeF displaySize() const
    {
        const double scale = m_zoom / devicePixelRatioF();
        return QSizeF(m_source.width() * scale, m_source.height() * scale);
    }

    QRectF imageRect() const
    {
        const QSizeF size = displaySize();
        const QSize area = viewport()->size();
        // Centred while smaller than the window, scrolled otherwise.
        const double x = size.width() < area.width() ? (area.width() - size.width()) / 2.0
                                                     : -double(horizontalScrollBar()->value());
        const double y = size.height() < area.height() ? (area.height() - size.height()) / 2.0
                                                       : -double(verticalScrollBar()->value());
        return QRectF(QPointF(x, y), size);
    }

    void relayout()
    {
        const QSizeF size = m_pixmap.isNull() ? QSizeF() : displaySize();
        const QSize area = viewport()->size();
        horizontalScrollBar()->setPageStep(area.width());
        verticalScrollBar()->setPageStep(area.height());
        horizontalScrollBar()->setRange(0, std::max(0, int(std::ceil(size.width())) - area.width()));
        verticalScrollBar()->setRange(0, std::max(0, int(std::ceil(size.height())) - area.height()));
    }

    void applyZoom(double factor, QPointF anchor)
    {
        factor = std::clamp(factor, s_minZoom, s_maxZoom);
        if (anchor.x() < 0)
            anchor = QPointF(viewport()->width() / 2.0, viewport()->height() / 2.0);
        // Keep the source point under the anchor where it is.
        const QRectF before = imageRect();
        const QPointF relative = before.isEmpty() ? QPointF(0.5, 0.5)
                                                  : QPointF((anchor.x() - before.left()) / before.width(),
                                                            (anchor.y() - before.top()) / before.height());
        const bool changed = factor != m_zoom;
        m_zoom = factor;
        relayout();
        const QSizeF size = displaySize();
        horizontalScrollBar()->setValue(int(std::lround(relative.x() * size.width() - anchor.x())));
        verticalScrollBar()->setValue(int(std::lround(relative.y() * size.height() - anchor.y())));
        viewport()->update();
        if (changed)
            Q_EMIT m_owner->zoomChanged(m_zoom);
    }

    PreviewWidget *m_owner;
    QPixmap m_pixmap;
    QSize m_source;
    QString m_message;
    double m_zoom = 1.0;
    bool m_fit = true;
    QPoint m_dragFrom;
};

namespace {

QToolButton *toolButton(QWidget *parent, QStyle::StandardPixmap icon, const QString &text, const QString &tip)
{
    auto *button = new QToolButton(parent);
    if (icon != QStyle::SP_CustomBase)
        button->setIcon(parent->style()->standardIcon(icon));
    button->setText(text);
    button->setToolTip(tip);
    button->setAccessibleName(text);
    button->setToolButtonStyle(icon != QStyle::SP_CustomBase ? Qt::ToolButtonIconOnly
                                                             : Qt::ToolButtonTextOnly);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

} // namespace

PreviewWidget::PreviewWidget(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Preview"));
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("PreviewDecoder"));

    m_previous = toolButton(this, QStyle::SP_ArrowBack, tr("Previous page"), tr("Previous page (Page Up)"));
    m_next = toolButton(this, QStyle::SP_ArrowForward, tr("Next page"), tr("Next page (Page Down)"));
    m_pageLabel = new QLabel(this);
    m_pageLabel->setAccessibleName(tr("Page"));
    m_caption = new QLabel(this);
    m_caption->setAccessibleName(tr("File shown"));
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caption->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_zoomOut = toolButton(this, QStyle::SP_CustomBase, tr("−"), tr("Zoom out (-)"));
    m_zoomOut->setAccessibleName(tr("Zoom out"));
    m_zoomIn = toolButton(this, QStyle::SP_CustomBase, tr("+"), tr("Zoom in (+)"));
    m_zoomIn->setAccessibleName(tr("Zoom in"));
    m_fit = toolButton(this, QStyle::SP_CustomBase, tr("Fit"), tr("Fit to window (F)"));
    m_fit->setCheckable(true);
    m_actual = toolButton(this, QStyle::SP_CustomBase, tr("100%"), tr("Actual size (1)"));
    m_actual->setAccessibleName(tr("Actual size"));
    m_files = toolButton(this, QStyle::SP_FileDialogListView, tr("Files of this item"),
                         tr("Every file of this item: its pages and its metadata"));
    m_files->setObjectName(QStringLiteral("itemFilesButton"));
    m_files->setPopupMode(QToolButton::InstantPopup);
    m_files->setMenu(new QMenu(m_files));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_previous);
    bar->addWidget(m_pageLabel);
    bar->addWidget(m_next);
    bar->addWidget(m_caption, 1);
    bar->addWidget(m_files);
    bar->addWidget(m_zoomOut);
    bar->addWidget(m_zoomIn);
    bar->addWidget(m_fit);
    bar->addWidget(m_actual);

    m_canvas = new PreviewCanvas(this);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("previewText"));
    m_text->setAccessibleName(tr("File content"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->hide();
    m_highlighter = new SourceHighlighter(m_text->document(), m_text->palette());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_canvas, 1);
    layout->addWidget(m_text, 1);
    setFocusProxy(m_canvas);

    connect(m_previous, &QToolButton::clicked, this, &PreviewWidget::previousPage);
    connect(m_next, &QToolButton::clicked, this, &PreviewWidget::nextPage);
    connect(m_zoomIn, &QToolButton::clicked, this, &PreviewWidget::zoomIn);
    connect(m_zoomOut, &QToolButton::clicked, this, &PreviewWidget::zoomOut);
    connect(m_fit, &QToolButton::clicked, this, &PreviewWidget::zoomToFit);
    connect(m_actual, &QToolButton::clicked, this, &PreviewWidget::zoomToActualSize);
    connect(this, &PreviewWidget::zoomChanged, this, &PreviewWidget::updateControls);
    m_canvas->showMessage(tr("Select a file to preview it."));
    updateControls();
}

PreviewWidget::~PreviewWidget()
{
    // A decode posts its result to this widget; it must be done before the widget goes.
    ++m_ticket;
    m_waiting.reset();
    m_pool.waitForDone();
}

void PreviewWidget::setModel(QAbstractItemModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        // Any change to the rows may change which files make up an item, or their order.
        const auto stale = [this] { m_pagesStale = true; };
        connect(model, &QAbstractItemModel::rowsInserted, this, stale);
        connect(model, &QAbstractItemModel::rowsRemoved, this, stale);
        connect(model, &QAbstractItemModel::rowsMoved, this, stale);
        connect(model, &QAbstractItemModel::layoutChanged, this, stale);
        connect(model, &QAbstractItemModel::modelReset, this, [this] { setCurrentIndex({}); });
    }
    setCurrentIndex({});
}

void PreviewWidget::setPreviewSize(int pixels)
{
    m_previewSize = std::max(64, pixels);
}

double PreviewWidget::zoom() const
{
    return m_canvas->zoom();
}

bool PreviewWidget::fitsWindow() const
{
    return m_canvas->fits();
}

void PreviewWidget::setCurrentIndex(const QModelIndex &index)
{
    if (!index.isValid() || index.model() != m_model) {
        ++m_ticket;
        m_waiting.reset();
        m_pages.clear();
        m_itemFiles.clear();
        m_pagesItem = -1;
        m_page = -1;
        m_current = QPersistentModelIndex();
        m_text->hide();
        m_text->clear();
        m_canvas->show();
        rebuildItemMenu();
        m_image = QImage();
        m_state = State::Empty;
        m_error.clear();
        m_canvas->showMessage(tr("Select a file to preview it."));
        updateControls();
        return;
    }
    if (m_current.isValid() && index.row() == m_current.row() && index.parent() == m_current.parent() &&
        m_state != State::Empty)
        return;
    collectPages(index);
    load(index);
}

bool PreviewWidget::isImageFile(const QString &mimetype, const QString &name)
{
    if (mimetype.startsWith(u"image/") || mimetype == u"application/pdf")
        return true;
    if (!mimetype.isEmpty() && mimetype != u"application/octet-stream")
        return false;
    static const QStringList suffixes{QStringLiteral("png"), QStringLiteral("jpg"),  QStringLiteral("jpeg"),
                                      QStringLiteral("tif"), QStringLiteral("tiff"), QStringLiteral("jp2"),
                                      QStringLiteral("j2k"), QStringLiteral("gif"),  QStringLiteral("webp"),
                                      QStringLiteral("bmp"), QStringLiteral("pdf")};
    return suffixes.contains(QFileInfo(name).suffix(), Qt::CaseInsensitive);
}

bool PreviewWidget::isTextFile(const QString &mimetype, const QString &name)
{
    if (mimetype.startsWith(u"text/") || mimetype.contains(u"xml") || mimetype.contains(u"json"))
        return true;
    static const QStringList suffixes{
        QStringLiteral("xml"),    QStringLiteral("txt"),    QStringLiteral("csv"), QStringLiteral("tsv"),
        QStringLiteral("json"),   QStringLiteral("jsonl"),  QStringLiteral("md5"), QStringLiteral("sha1"),
        QStringLiteral("sha256"), QStringLiteral("sha512"), QStringLiteral("md"),  QStringLiteral("xsd")};
    return suffixes.contains(QFileInfo(name).suffix(), Qt::CaseInsensitive);
}

bool PreviewWidget::isShowingText() const
{
    return !m_text->isHidden();
}

void PreviewWidget::collectPages(const QModelIndex &index)
{
    const QVariant item = index.data(FileTableModel::ItemIdRole);
    const qint64 itemId = item.isValid() ? item.toLongLong() : -1;
    if (itemId < 0 || m_pagesStale || itemId != m_pagesItem) {
        m_pages.clear();
        m_itemFiles.clear();
        if (itemId >= 0) {
            // One pass over the model, only when the item changes.
            const int rows = m_model->rowCount(index.parent());
            for (int row = 0; row < rows; ++row) {
                const QModelIndex candidate = m_model->index(row, index.column(), index.parent());
                if (candidate.data(FileTableModel::ItemIdRole).toLongLong() == itemId)
                    m_itemFiles.append(QPersistentModelIndex(candidate));
            }
        }
        if (m_itemFiles.isEmpty())
            m_itemFiles.append(QPersistentModelIndex(index));
        // Pages in the order their names give (page-2 before page-10), whatever the table is sorted by.
        std::stable_sort(m_itemFiles.begin(), m_itemFiles.end(),
                         [](const QPersistentModelIndex &a, const QPersistentModelIndex &b) {
                             return naturalLess(nameOf(a), nameOf(b));
                         });
        for (const QPersistentModelIndex &file : std::as_const(m_itemFiles)) {
            if (isImageFile(file.data(FileTableModel::MimetypeRole).toString(), nameOf(file)))
                m_pages.append(file);
        }
        m_pagesItem = itemId;
        m_pagesStale = false;
        rebuildItemMenu();
    }
    m_page = -1;
    for (int i = 0; i < m_pages.size(); ++i) {
        if (m_pages.at(i).row() == index.row()) {
            m_page = i;
            break;
        }
    }
}

void PreviewWidget::rebuildItemMenu()
{
    QMenu *menu = m_files->menu();
    menu->clear();
    for (const QPersistentModelIndex &file : std::as_const(m_itemFiles)) {
        QAction *action = menu->addAction(nameOf(file));
        action->setCheckable(true);
        action->setChecked(m_current.isValid() && file.row() == m_current.row());
        connect(action, &QAction::triggered, this, [this, file] {
            if (!file.isValid())
                return;
            m_page = int(m_pages.indexOf(file));
            load(file);
            Q_EMIT currentIndexChanged(file);
        });
    }
    m_files->setVisible(m_itemFiles.size() > 1);
}

void PreviewWidget::showPage(int page)
{
    if (page < 0 || page >= m_pages.size() || page == m_page)
        return;
    const QModelIndex index = m_pages.at(page);
    if (!index.isValid())
        return;
    m_page = page;
    load(index);
    Q_EMIT currentIndexChanged(index);
}

void PreviewWidget::nextPage()
{
    // From a file that is not a page (the item's XML), the next page is the first.
    showPage(m_page < 0 ? 0 : m_page + 1);
}

void PreviewWidget::previousPage()
{
    showPage(m_page - 1);
}

void PreviewWidget::load(const QModelIndex &index)
{
    m_current = QPersistentModelIndex(index);
    m_image = QImage();
    m_error.clear();
    const quint64 ticket = ++m_ticket;
    const QString path = index.data(FileTableModel::LocalPathRole).toString();
    const QString name = nameOf(index);
    const QString mimetype = index.data(FileTableModel::MimetypeRole).toString();
    m_caption->setText(name);
    for (QAction *action : m_files->menu()->actions())
        action->setChecked(action->text() == name);
    const bool text = !isImageFile(mimetype, name) && isTextFile(mimetype, name);
    m_text->setVisible(text);
    m_canvas->setVisible(!text);
    setFocusProxy(text ? static_cast<QWidget *>(m_text) : m_canvas);
    if (path.isEmpty()) {
        m_waiting.reset();
        m_text->hide();
        m_canvas->show();
        finishLoad(ticket, {}, {}, tr("%1 is not on this machine yet.").arg(name));
        return;
    }
    if (text) {
        m_waiting.reset();
        loadText(ticket, path, name, mimetype);
        return;
    }
    m_state = State::Loading;
    m_canvas->showMessage(tr("Loading %1 …").arg(name));
    updateControls();
    ThumbnailGenerator::Options options;
    options.size = m_previewSize;
    options.mimetype = index.data(FileTableModel::MimetypeRole).toString();
    m_waiting = Decode{ticket, path, options};
    startDecode();
}

void PreviewWidget::loadText(quint64 ticket, const QString &path, const QString &name,
                             const QString &mimetype)
{
    m_state = State::Loading;
    m_text->setPlainText(tr("Loading %1 …").arg(name));
    m_highlighter->setLanguage(SourceHighlighter::Language::Plain);
    updateControls();
    // Read on the pool like an image; the widget gets the text only if the curator is still on this file.
    m_pool.start([this, ticket, path, name, mimetype] {
        QFile file(path);
        QString text;
        QString error;
        bool cut = false;
        if (file.open(QIODevice::ReadOnly)) {
            const QByteArray bytes = file.read(s_maxText);
            cut = !file.atEnd();
            text = QString::fromUtf8(bytes);
        } else {
            error = file.errorString();
        }
        QMetaObject::invokeMethod(
            this,
            [this, ticket, text, error, cut, name, mimetype] {
                if (ticket != m_ticket)
                    return;
                if (!error.isEmpty()) {
                    m_text->hide();
                    m_canvas->show();
                    finishLoad(ticket, {}, {}, error);
                    return;
                }
                m_highlighter->setLanguage(SourceHighlighter::languageFor(mimetype, name));
                m_text->setPlainText(
                    cut ? text + u"\n\n" +
                              tr("[Only the first %1 are shown.]").arg(QLocale().formattedDataSize(s_maxText))
                        : text);
                m_state = State::Ready;
                updateControls();
                Q_EMIT imageShown(m_current);
            },
            Qt::QueuedConnection);
    });
}

void PreviewWidget::startDecode()
{
    // One decode at a time, and only the newest waits: arrowing through a hundred files must not queue a
    // hundred large decodes.
    if (m_decoding || !m_waiting)
        return;
    const Decode decode = *std::exchange(m_waiting, std::nullopt);
    m_decoding = true;
    m_pool.start([this, decode] {
        Result<ThumbnailGenerator::Thumbnail> made =
            ThumbnailGenerator::generate(decode.path, decode.options);
        QImage image;
        QSize source;
        QString error;
        if (made) {
            image = std::move(made->image);
            // PDF pages report their size in points and are rendered at the requested size: show them as
            // they were rendered.
            source = made->format == ThumbnailGenerator::SourceFormat::Pdf ? image.size() : made->sourceSize;
        } else {
            error = made.error().message;
        }
        QMetaObject::invokeMethod(
            this,
            [this, ticket = decode.ticket, image, source, error] {
                m_decoding = false;
                finishLoad(ticket, image, source, error);
                startDecode();
            },
            Qt::QueuedConnection);
    });
}

void PreviewWidget::finishLoad(quint64 ticket, const QImage &image, QSize sourceSize, const QString &error)
{
    if (ticket != m_ticket)
        return; // the user has moved on
    if (image.isNull()) {
        m_state = State::Failed;
        m_error = error;
        m_canvas->showMessage(tr("No preview: %1").arg(error));
        updateControls();
        Q_EMIT loadFailed(m_current, error);
        return;
    }
    m_state = State::Ready;
    m_image = image;
    m_canvas->showImage(image, sourceSize);
    updateControls();
    Q_EMIT imageShown(m_current);
}

void PreviewWidget::zoomIn()
{
    setZoom(zoom() * s_zoomStep);
}

void PreviewWidget::zoomOut()
{
    setZoom(zoom() / s_zoomStep);
}

void PreviewWidget::setZoom(double factor)
{
    m_canvas->setZoom(factor);
    updateControls();
}

void PreviewWidget::zoomToFit()
{
    m_canvas->fit();
    updateControls();
}

void PreviewWidget::zoomToActualSize()
{
    setZoom(1.0);
}

void PreviewWidget::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_PageUp:
        previousPage();
        break;
    case Qt::Key_PageDown:
        nextPage();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_F:
        zoomToFit();
        break;
    case Qt::Key_1:
        zoomToActualSize();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PreviewWidget::updateControls()
{
    const int pages = int(m_pages.size());
    m_previous->setEnabled(pages > 1 && m_page > 0);
    m_next->setEnabled(pages > 1 && m_page < pages - 1);
    m_previous->setVisible(pages > 1);
    m_next->setVisible(pages > 1);
    m_pageLabel->setVisible(pages > 1 && m_page >= 0);
    m_pageLabel->setText(tr("Page %1 of %2").arg(m_page + 1).arg(pages));
    if (m_itemFiles.isEmpty())
        m_caption->clear();
    const bool ready = m_state == State::Ready && !isShowingText();
    m_zoomIn->setEnabled(ready);
    m_zoomOut->setEnabled(ready);
    m_fit->setEnabled(ready);
    m_actual->setEnabled(ready);
    m_fit->setChecked(m_canvas->fits());
    m_actual->setToolTip(tr("Actual size (1) — now %1%").arg(std::lround(zoom() * 100)));
}

} // namespace gh
