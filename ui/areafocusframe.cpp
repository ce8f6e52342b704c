#include "areafocusframe.h"

#include <QEvent>
#include <QPainter>

namespace gh {

namespace {

constexpr int s_width = 2;

} // namespace

AreaFocusFrame::AreaFocusFrame(QWidget *window)
    : QWidget(window)
{
    setObjectName(QStringLiteral("areaFocusFrame"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    hide();
}

void AreaFocusFrame::setArea(QWidget *area)
{
    if (area == m_area)
        return;
    // The area moves when any of its ancestors does (a splitter handle dragged, a dock resized).
    for (QWidget *w = m_area; w && w != parentWidget(); w = w->parentWidget())
        w->removeEventFilter(this);
    m_area = area;
    for (QWidget *w = m_area; w && w != parentWidget(); w = w->parentWidget())
        w->installEventFilter(this);
    follow();
}

bool AreaFocusFrame::eventFilter(QObject *watched, QEvent *event)
{
    if (watched->isWidgetType()) {
        switch (event->type()) {
        case QEvent::Move:
        case QEvent::Resize:
        case QEvent::Show:
        case QEvent::Hide:
            follow();
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void AreaFocusFrame::follow()
{
    QWidget *window = parentWidget();
    if (!m_area || !window || !m_area->isVisible() || m_area->window() != window) {
        hide();
        return;
    }
    const QRect inWindow(m_area->mapTo(window, QPoint(0, 0)), m_area->size());
    setGeometry(inWindow.adjusted(-s_width, -s_width, s_width, s_width));
    show();
    raise();
    update();
}

void AreaFocusFrame::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    QPen pen(palette().color(QPalette::Active, QPalette::Highlight), s_width);
    pen.setJoinStyle(Qt::MiterJoin);
    painter.setPen(pen);
    painter.drawRect(QRectF(rect()).adjusted(s_width / 2.0, s_width / 2.0, -s_width / 2.0, -s_width / 2.0));
}

} // namespace gh
