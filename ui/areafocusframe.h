#pragma once

#include <QPointer>
#include <QWidget>

namespace gh {

/*!
    \class gh::AreaFocusFrame
    A frame in the highlight colour around the main area that has the keyboard focus (the dashboard, the
    filter, the files, the preview, the metadata, a dock), so a curator moving with Tab always sees where the
    keys go. It floats over the window, takes no mouse events, and follows the area as it moves and resizes.
*/
class AreaFocusFrame : public QWidget
{
    Q_OBJECT

public:
    explicit AreaFocusFrame(QWidget *window);

    //! Frames \a area (null: none).
    void setArea(QWidget *area);
    QWidget *area() const { return m_area; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void follow();

    QPointer<QWidget> m_area;
};

} // namespace gh
