#pragma once

#include <QColor>
#include <QStyledItemDelegate>

#include "model/stage.h"

namespace gh {

/*!
    \class gh::LampDelegate
    Paints a stage lamp: grey ring (not started), blue (running), green (done), amber (needs attention), red
    (failed). The state comes from BatchListModel::StageStateRole; the tooltip and accessible text say it in
    words, so colour is never the only cue.
*/
class LampDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    static QColor colour(StageState state);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace gh
