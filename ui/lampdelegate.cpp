#include "lampdelegate.h"

#include <QApplication>
#include <QPainter>

#include "batchlistmodel.h"

namespace gh {

QColor LampDelegate::colour(StageState state)
{
    switch (state) {
    case StageState::NotStarted:
        return {};
    case StageState::Running:
        return QColor(0x2f, 0x80, 0xed);
    case StageState::Done:
        return QColor(0x27, 0xae, 0x60);
    case StageState::NeedsAttention:
        return QColor(0xf2, 0x99, 0x4a);
    case StageState::Failed:
        return QColor(0xeb, 0x57, 0x57);
    }
    return {};
}

void LampDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                         const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    const QVariant value = index.data(BatchListModel::StageStateRole);
    if (!value.isValid())
        return;
    const auto state = StageState(value.toInt());
    const int diameter = std::min(option.rect.height(), option.fontMetrics.height()) - 4;
    const QRectF lamp(option.rect.center().x() - diameter / 2.0, option.rect.center().y() - diameter / 2.0,
                      diameter, diameter);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor fill = colour(state);
    if (fill.isValid()) {
        painter->setPen(QPen(fill.darker(130), 1));
        painter->setBrush(fill);
    } else {
        painter->setPen(QPen(option.palette.color(QPalette::Mid), 1.5));
        painter->setBrush(Qt::NoBrush);
    }
    painter->drawEllipse(lamp);
    painter->restore();
}

QSize LampDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), option.fontMetrics.height() * 3));
    return size;
}

} // namespace gh
