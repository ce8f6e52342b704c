#include "thumbnailview.h"

#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QKeyEvent>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QThread>

#include "filetablemodel.h"
#include "imaging/imaginglogging.h"
#include "imaging/thumbnailloader.h"
#include "lampdelegate.h"
#include "model/status.h"

namespace gh {

namespace {

constexpr int s_debounceMs = 50;
constexpr int s_maxWaitMs = 150; // while scrolling goes on, requests still go out this often
constexpr int s_defaultPixmapLimit = 2000;
constexpr int s_padding = 6;

// The lamp colours, so a file's badge means what the stage lamps mean.
StageState badgeState(Severity severity)
{
    switch (severity) {
    case Severity::Open:
        return StageState::NotStarted;
    case Severity::Ok:
        return StageState::Done;
    case Severity::Skipped:
        return StageState::NeedsAttention;
    case Severity::Error:
        return StageState::Failed;
    }
    return StageState::NotStarted;
}

} // namespace

/*
    Paints a thumbnail cell: the picture (or a placeholder) centred in a square, the status badge in its
    top-right corner, the name elided below.
*/
class ThumbnailDelegate : public QStyledItemDelegate
{
public:
    explicit ThumbnailDelegate(ThumbnailView *view)
        : QStyledItemDelegate(view)
        , m_view(view)
    {}

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        const int side = m_view->thumbnailSize();
        return {side + 2 * s_padding, side + 3 * s_padding + option.fontMetrics.height()};
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();

        const int side = m_view->thumbnailSize();
        const QRect cell = option.rect;
        const QRect square(cell.left() + (cell.width() - side) / 2, cell.top() + s_padding, side, side);
        const bool selected = option.state & QStyle::State_Selected;
        const QPalette::ColorGroup group =
            option.state & QStyle::State_Active ? QPalette::Active : QPalette::Inactive;

        painter->save();
        // The selection is painted here, not by the style: styles fill only the text area of an item, which
        // this delegate draws itself, so a selected tile would look like any other. A tinted tile with a
        // frame in the highlight colour reads on light and dark palettes; the name sits on the highlight.
        if (selected) {
            const QColor highlight = option.palette.color(group, QPalette::Highlight);
            QColor tint = highlight;
            tint.setAlpha(70);
            painter->setRenderHint(QPainter::Antialiasing);
            painter->setPen(QPen(highlight, 2));
            painter->setBrush(tint);
            painter->drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4);
            painter->setRenderHint(QPainter::Antialiasing, false);
        } else if (option.state & QStyle::State_MouseOver) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(option.palette.color(group, QPalette::AlternateBase));
            painter->drawRect(cell);
        }
        if (option.state & QStyle::State_HasFocus && !selected) {
            QStyleOptionFocusRect focus;
            focus.QStyleOption::operator=(opt);
            focus.rect = cell.adjusted(1, 1, -1, -1);
            style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, widget);
        }
        const QPixmap pixmap = m_view->thumbnail(index);
        if (!pixmap.isNull()) {
            const QSizeF logical = pixmap.deviceIndependentSize();
            const QRectF target(square.left() + (side - logical.width()) / 2.0,
                                square.top() + (side - logical.height()) / 2.0, logical.width(),
                                logical.height());
            painter->drawPixmap(target, pixmap, QRectF(pixmap.rect()));
        } else if (m_view->thumbnailState(index) == ThumbnailView::ThumbnailState::Unavailable) {
            const QIcon icon = style->standardIcon(QStyle::SP_FileIcon, nullptr, widget);
            const int iconSide = std::max(16, side / 2);
            icon.paint(painter, QRect(square.center().x() - iconSide / 2, square.center().y() - iconSide / 2,
                                      iconSide, iconSide));
        } else {
            painter->setPen(QPen(option.palette.color(QPalette::Mid), 1, Qt::DashLine));
            painter->setBrush(option.palette.color(QPalette::AlternateBase));
            painter->drawRect(square.adjusted(side / 8, side / 8, -side / 8, -side / 8));
        }

        const QVariant status = index.data(FileTableModel::StatusRole);
        if (status.isValid()) {
            const int diameter = std::max(8, side / 10);
            const QRectF badge(square.right() - diameter - 1, square.top() + 1, diameter, diameter);
            const QColor fill =
                LampDelegate::colour(badgeState(StatusInfo::severity(FileStatus(status.toInt()))));
            painter->setRenderHint(QPainter::Antialiasing);
            if (fill.isValid()) {
                painter->setPen(QPen(fill.darker(130), 1));
                painter->setBrush(fill);
            } else {
                painter->setPen(QPen(option.palette.color(QPalette::Mid), 1.5));
                painter->setBrush(option.palette.color(QPalette::Base));
            }
            painter->drawEllipse(badge);
        }

        const QRect textRect(cell.left() + s_padding, square.bottom() + s_padding,
                             cell.width() - 2 * s_padding, option.fontMetrics.height());
        const QString name = option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(),
                                                           Qt::ElideMiddle, textRect.width());
        if (selected) {
            const int width = std::min(textRect.width(), option.fontMetrics.horizontalAdvance(name) + 8);
            const QRect label(textRect.center().x() - width / 2, textRect.top(), width, textRect.height());
            painter->setRenderHint(QPainter::Antialiasing);
            painter->setPen(Qt::NoPen);
            painter->setBrush(option.palette.color(group, QPalette::Highlight));
            painter->drawRoundedRect(QRectF(label).adjusted(0, -1, 0, 1), 3, 3);
        }
        painter->setPen(option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
        painter->setFont(option.font);
        painter->drawText(textRect, Qt::AlignHCenter | Qt::AlignVCenter, name);
        painter->restore();
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        // The delegate draws the name and picture itself; the style draws only the selection panel.
        option->text.clear();
        option->icon = QIcon();
        option->features &= ~QStyleOptionViewItem::HasDisplay;
        option->features &= ~QStyleOptionViewItem::HasDecoration;
    }

private:
    ThumbnailView *m_view;
};

ThumbnailView::ThumbnailView(QWidget *parent)
    : QListView(parent)
    , m_loader(std::make_unique<ThumbnailLoader>())
{
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched);
    setBatchSize(2000);
    setSpacing(4);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setItemDelegate(new ThumbnailDelegate(this));
    setIconSize(QSize(m_thumbnailSize, m_thumbnailSize));
    setAccessibleName(tr("Thumbnails"));
    m_pixmaps.setMaxCost(s_defaultPixmapLimit);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(s_debounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ThumbnailView::updateRequests);
    m_sinceUpdate.start();
    connectLoader();
}

ThumbnailView::~ThumbnailView() = default;

void ThumbnailView::connectLoader()
{
    // One core is left to the GUI thread: with every core decoding, scrolling stutters on small machines.
    m_loader->setMaxThreads(std::max(1, QThread::idealThreadCount() - 1));
    connect(m_loader.get(), &ThumbnailLoader::thumbnailReady, this, &ThumbnailView::onThumbnailReady);
    connect(m_loader.get(), &ThumbnailLoader::thumbnailFailed, this, &ThumbnailView::onThumbnailFailed);
}

void ThumbnailView::setModel(QAbstractItemModel *model)
{
    QListView::setModel(model);
    // QListView ignores a column its model does not have, so the name column is chosen only now.
    if (model && model->columnCount(rootIndex()) > FileTableModel::NameColumn)
        setModelColumn(FileTableModel::NameColumn);
    scheduleUpdate();
}

void ThumbnailView::setThumbnailCache(std::shared_ptr<ThumbnailCache> cache)
{
    m_diskCache = std::move(cache);
    m_loader = std::make_unique<ThumbnailLoader>(m_diskCache);
    connectLoader();
    m_requested.clear();
    scheduleUpdate();
}

void ThumbnailView::setPixmapCacheLimit(int pixmaps)
{
    m_pixmaps.setMaxCost(std::max(1, pixmaps));
}

int ThumbnailView::pixmapCacheLimit() const
{
    return int(m_pixmaps.maxCost());
}

int ThumbnailView::cachedPixmapCount() const
{
    return int(m_pixmaps.count());
}

void ThumbnailView::setThumbnailSize(int logicalPixels)
{
    const int size = std::clamp(logicalPixels, 32, 512);
    if (size == m_thumbnailSize)
        return;
    m_thumbnailSize = size;
    m_loader->cancelAll();
    m_requested.clear();
    m_pixmaps.clear();
    m_failed.clear();
    setIconSize(QSize(size, size));
    // The delegate's size hint changed; uniform item sizes cache the old one until the next layout.
    scheduleDelayedItemsLayout();
    scheduleUpdate();
}

QString ThumbnailView::keyFor(const QModelIndex &index) const
{
    const QVariant id = index.data(FileTableModel::FileIdRole);
    return id.isValid() ? QString::number(id.toLongLong()) : QString();
}

int ThumbnailView::requestSize() const
{
    return int(std::ceil(m_thumbnailSize * devicePixelRatioF()));
}

ThumbnailView::ThumbnailState ThumbnailView::thumbnailState(const QModelIndex &index) const
{
    const QString key = keyFor(index);
    if (key.isEmpty())
        return ThumbnailState::Unavailable;
    if (m_pixmaps.contains(key))
        return ThumbnailState::Ready;
    if (m_failed.contains(key))
        return ThumbnailState::Unavailable;
    if (m_loader->isPending(key))
        return ThumbnailState::Loading;
    if (index.data(FileTableModel::LocalPathRole).toString().isEmpty()) {
        // Nothing to read on this machine: final for a file that failed, not yet for one still pending.
        const QVariant status = index.data(FileTableModel::StatusRole);
        if (status.isValid() && StatusInfo::severity(FileStatus(status.toInt())) != Severity::Open)
            return ThumbnailState::Unavailable;
    }
    return ThumbnailState::NotLoaded;
}

QPixmap ThumbnailView::thumbnail(const QModelIndex &index) const
{
    const QPixmap *pixmap = m_pixmaps.object(keyFor(index));
    return pixmap ? *pixmap : QPixmap();
}

std::pair<int, int> ThumbnailView::visibleRows() const
{
    QAbstractItemModel *m = model();
    const int rows = m ? m->rowCount(rootIndex()) : 0;
    if (rows == 0)
        return {-1, -1};
    const int column = modelColumn();
    const int height = viewport()->height();
    // Rows are laid out in order, top to bottom; rows not laid out yet have no rectangle and count as
    // below the screen. Both searches are O(log n) rectangle look-ups.
    const auto below = [&](int row, int y) {
        const QRect rect = visualRect(m->index(row, column, rootIndex()));
        return !rect.isValid() || rect.top() > y;
    };
    const auto reachesScreen = [&](int row) {
        const QRect rect = visualRect(m->index(row, column, rootIndex()));
        return !rect.isValid() || rect.bottom() >= 0;
    };
    int lo = 0;
    int hi = rows;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (reachesScreen(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    const int first = lo;
    if (first >= rows || below(first, height))
        return {-1, -1};
    lo = first;
    hi = rows;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (below(mid, height))
            hi = mid;
        else
            lo = mid + 1;
    }
    return {first, lo - 1};
}

void ThumbnailView::scheduleUpdate()
{
    // Debounced: a pause in scrolling sends the requests; a long scroll still sends them now and then.
    if (m_debounce.isActive() && m_sinceUpdate.elapsed() >= s_maxWaitMs)
        return;
    m_debounce.start();
}

void ThumbnailView::updateRequests()
{
    m_sinceUpdate.restart();
    QAbstractItemModel *m = model();
    if (!m || !isVisible())
        return;
    const auto [first, last] = visibleRows();
    if (first < 0) {
        // Not laid out yet (batched layout); look again shortly.
        if (m->rowCount(rootIndex()) > 0)
            m_debounce.start();
        return;
    }
    const int rows = m->rowCount(rootIndex());
    const int screen = last - first + 1;
    const int from = std::max(0, first - screen);
    const int to = std::min(rows - 1, last + screen);
    const int column = modelColumn();
    const int size = requestSize();

    // Keys of the rows around the screen, then the loader's state in an order that keeps it from dropping
    // what is wanted: far-off requests cancelled, the visible set, the prefetch limit, then new requests.
    QList<QString> keys;
    keys.reserve(to - from + 1);
    QSet<QString> inRange;
    inRange.reserve(to - from + 1);
    QSet<QString> visible;
    visible.reserve(screen);
    for (int row = from; row <= to; ++row) {
        keys.append(keyFor(m->index(row, column, rootIndex())));
        inRange.insert(keys.last());
        if (row >= first && row <= last)
            visible.insert(keys.last());
    }
    for (auto it = m_requested.cbegin(); it != m_requested.cend(); ++it) {
        if (!inRange.contains(it.key()) && m_loader->isPending(it.key())) {
            m_loader->cancel(it.key());
            ++m_cancelledRequests;
        }
    }
    m_loader->setVisibleKeys(visible);
    m_loader->setPrefetchLimit(std::max(0, to - from + 1 - screen));

    // Visible rows first and with a higher priority; then the screen below, then the one above.
    QList<int> order;
    order.reserve(to - from + 1);
    for (int row = first; row <= last; ++row)
        order.append(row);
    for (int row = last + 1; row <= to; ++row)
        order.append(row);
    for (int row = first - 1; row >= from; --row)
        order.append(row);
    QHash<QString, int> wanted;
    wanted.reserve(to - from + 1);
    for (const int row : std::as_const(order)) {
        const QString &key = keys.at(row - from);
        if (key.isEmpty() || m_pixmaps.contains(key))
            continue;
        const QModelIndex index = m->index(row, column, rootIndex());
        const QString path = index.data(FileTableModel::LocalPathRole).toString();
        if (path.isEmpty())
            continue;
        const auto failed = m_failed.constFind(key);
        if (failed != m_failed.cend() && *failed == path)
            continue;
        wanted.insert(key, row);
        if (m_loader->isPending(key))
            continue;
        const bool onScreen = row >= first && row <= last;
        m_loader->request(key, path, index.data(FileTableModel::Sha256Role).toString(),
                          index.data(FileTableModel::MimetypeRole).toString(), size, onScreen ? 1 : 0);
    }
    m_requested = std::move(wanted);
    m_visibleReported = false;
    checkVisibleLoaded();
}

void ThumbnailView::onThumbnailReady(const QString &key, const QImage &image)
{
    auto pixmap = std::make_unique<QPixmap>(QPixmap::fromImage(image));
    // Requested at the screen's density, so one thumbnail pixel is one device pixel.
    pixmap->setDevicePixelRatio(devicePixelRatioF());
    m_failed.remove(key);
    m_pixmaps.insert(key, pixmap.release());
    repaintKey(key);
    checkVisibleLoaded();
}

void ThumbnailView::onThumbnailFailed(const QString &key, const QString &message)
{
    const int row = m_requested.value(key, -1);
    QString path;
    if (QAbstractItemModel *m = model(); m && row >= 0 && row < m->rowCount(rootIndex()))
        path = m->index(row, modelColumn(), rootIndex()).data(FileTableModel::LocalPathRole).toString();
    m_failed.insert(key, path);
    qCDebug(lcImaging) << "no thumbnail for file" << key << message;
    repaintKey(key);
    checkVisibleLoaded();
}

void ThumbnailView::repaintKey(const QString &key)
{
    QAbstractItemModel *m = model();
    const int row = m_requested.value(key, -1);
    if (m && row >= 0 && row < m->rowCount(rootIndex())) {
        const QModelIndex index = m->index(row, modelColumn(), rootIndex());
        if (keyFor(index) == key) {
            viewport()->update(visualRect(index));
            return;
        }
    }
    // The rows moved (a sort or filter) since the request; repaint what is on screen.
    viewport()->update();
}

bool ThumbnailView::isScreenLoaded() const
{
    const auto [first, last] = visibleRows();
    if (first < 0)
        return false;
    QAbstractItemModel *m = model();
    for (int row = first; row <= last; ++row) {
        const ThumbnailState state = thumbnailState(m->index(row, modelColumn(), rootIndex()));
        if (state == ThumbnailState::Loading || state == ThumbnailState::NotLoaded)
            return false;
    }
    return true;
}

void ThumbnailView::checkVisibleLoaded()
{
    if (m_visibleReported || !isScreenLoaded())
        return;
    m_visibleReported = true;
    Q_EMIT visibleThumbnailsLoaded();
}

void ThumbnailView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && event->modifiers() == Qt::NoModifier) {
        if (currentIndex().isValid())
            Q_EMIT previewRequested(currentIndex());
        event->accept();
        return;
    }
    // The table may have left the shared current index in another column, which the grid cannot move from.
    const QModelIndex current = currentIndex();
    if (current.isValid() && current.column() != modelColumn() && selectionModel())
        selectionModel()->setCurrentIndex(current.siblingAtColumn(modelColumn()),
                                          QItemSelectionModel::NoUpdate);
    QListView::keyPressEvent(event);
}

void ThumbnailView::resizeEvent(QResizeEvent *event)
{
    QListView::resizeEvent(event);
    scheduleUpdate();
}

void ThumbnailView::showEvent(QShowEvent *event)
{
    QListView::showEvent(event);
    scheduleUpdate();
}

void ThumbnailView::scrollContentsBy(int dx, int dy)
{
    QListView::scrollContentsBy(dx, dy);
    scheduleUpdate();
}

void ThumbnailView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QListView::rowsInserted(parent, start, end);
    scheduleUpdate();
}

void ThumbnailView::dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                const QList<int> &roles)
{
    QListView::dataChanged(topLeft, bottomRight, roles);
    scheduleUpdate();
}

void ThumbnailView::reset()
{
    QListView::reset();
    m_loader->cancelAll();
    m_requested.clear();
    m_failed.clear();
    scheduleUpdate();
}

QItemSelectionModel::SelectionFlags ThumbnailView::selectionCommand(const QModelIndex &index,
                                                                    const QEvent *event) const
{
    QItemSelectionModel::SelectionFlags flags = QListView::selectionCommand(index, event);
    if (flags != QItemSelectionModel::NoUpdate)
        flags |= QItemSelectionModel::Rows;
    return flags;
}

} // namespace gh
