#pragma once

#include <QStyledItemDelegate>
#include <QWidget>

#include "pipeline/progress.h"

class QLabel;
class QPushButton;
class QTableView;

namespace gh {

class EngineController;
class TransfersModel;

/*!
    \class gh::TransferProgressDelegate
    Paints a transfer's progress as a progress bar: received of total, or a busy bar while the size is not
    known. The text is the model's display text, so it reads the same to a screen reader.
*/
class TransferProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

/*!
    \class gh::TransfersView
    The running transfers (file, host, progress, rate, attempt), the stage's overall files, bytes,
    throughput and time left, and the Pause/Resume and Cancel buttons.

    Built with an EngineController, the view wires itself: it renders Engine::progressChanged() (the fetch
    stage's snapshots, a few a second, applied to the model in place), follows Engine::busyChanged() and
    Engine::pausedChanged(), and its buttons call EngineController::setPaused() and cancel(). Without one it
    only renders what setProgress() is given and asks through pauseRequested() and cancelRequested().

    Pause is carried out by the engine: the fetch stage starts no new file (downloads or local copies), and
    running downloads are paused with CURLPAUSE_ALL, keeping their connections; a local copy already under way
    finishes its file. Resume lets them carry on; cancel stops the stage even while paused.
*/
class TransfersView : public QWidget
{
    Q_OBJECT

public:
    //! A view that renders what it is given; connect its signals yourself.
    explicit TransfersView(QWidget *parent = nullptr);
    //! A view wired to \a controller's engine: the usual way to build it.
    explicit TransfersView(EngineController *controller, QWidget *parent = nullptr);

    TransfersModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    //! The overall line: files, bytes, throughput, time left.
    QString summaryText() const;
    bool isPaused() const { return m_paused; }

public slots:
    //! Shows \a progress: the overall line and the transfers table, updated in place.
    void setProgress(const gh::Progress &progress);
    //! A stage runs (buttons enabled) or not (buttons disabled, table emptied, pause ended).
    void setBusy(bool busy);
    //! Shows the engine's pause state without asking for it again (Engine::pausedChanged).
    void setPaused(bool paused);

signals:
    //! The curator pressed Pause (\a paused true) or Resume (\a paused false).
    void pauseRequested(bool paused);
    void cancelRequested();

private:
    void updatePauseButton();

    TransfersModel *m_model;
    QTableView *m_table;
    QLabel *m_summary;
    QPushButton *m_pause;
    QPushButton *m_cancel;
    bool m_paused = false;
    bool m_busy = false;
};

} // namespace gh
