#include "transfersview.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "enginecontroller.h"
#include "progresspanel.h"
#include "transfersmodel.h"

namespace gh {

void TransferProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    QStyleOptionViewItem item = option;
    initStyleOption(&item, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    // The cell's own background (selection, alternating rows) first, then the bar inset within it.
    item.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &item, painter, widget);

    const qint64 received = index.data(TransfersModel::ReceivedRole).toLongLong();
    const qint64 total = index.data(TransfersModel::TotalRole).toLongLong();
    // Waiting for a connection (nothing received, size unknown) is not progress: say so, with an empty bar.
    if (received == 0 && total < 0) {
        QRect text = option.rect.adjusted(4, 0, -4, 0);
        painter->save();
        painter->setPen(option.palette.color(
            option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
        QFont italic = option.font;
        italic.setItalic(true);
        painter->setFont(italic);
        painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft, TransfersModel::tr("waiting…"));
        painter->restore();
        return;
    }
    QStyleOptionProgressBar bar;
    if (widget)
        bar.initFrom(widget);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.fontMetrics = option.fontMetrics;
    bar.palette = option.palette;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.textVisible = true;
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textAlignment = Qt::AlignCenter;
    if (total > 0) {
        // Scaled to a thousand steps: QStyleOptionProgressBar holds ints, files can exceed 2 GiB.
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = int(std::clamp<qint64>(received * 1000 / total, 0, 1000));
    } else {
        // The size is not known: the bytes so far as text over an empty bar. (A style's busy indicator,
        // minimum == maximum, is painted full when nothing animates it, which reads as "done".)
        bar.minimum = 0;
        bar.maximum = 1;
        bar.progress = 0;
    }
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

TransfersView::TransfersView(QWidget *parent)
    : QWidget(parent)
    , m_model(new TransfersModel(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_pause(new QPushButton(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *top = new QHBoxLayout;
    // The table may touch the dock's edges; the words and buttons above it may not.
    top->setContentsMargins(6, 4, 6, 0);
    m_summary->setAccessibleName(tr("Transfer summary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Nothing is running."));
    top->addWidget(m_summary, 1);

    m_pause->setCheckable(true);
    m_pause->setEnabled(false);
    connect(m_pause, &QPushButton::clicked, this, [this](bool checked) {
        m_paused = checked;
        updatePauseButton();
        emit pauseRequested(checked);
    });
    top->addWidget(m_pause);

    m_cancel->setAccessibleName(tr("Cancel the running stage"));
    m_cancel->setToolTip(tr("Stop the running stage; files not finished stay pending and resume next time."));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_pause->setEnabled(false);
        m_summary->setText(tr("Cancelling…"));
        emit cancelRequested();
    });
    top->addWidget(m_cancel);
    layout->addLayout(top);

    m_table->setObjectName(QStringLiteral("transfersTable"));
    m_table->setAccessibleName(tr("Running transfers"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(TransfersModel::ProgressColumn, new TransferProgressDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(TransfersModel::NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(TransfersModel::ProgressColumn,
                                                      QHeaderView::Interactive);
    m_table->horizontalHeader()->resizeSection(TransfersModel::ProgressColumn,
                                               m_table->fontMetrics().horizontalAdvance(u'0') * 28);
    layout->addWidget(m_table, 1);
    setFocusProxy(m_table);

    updatePauseButton();
}

TransfersView::TransfersView(EngineController *controller, QWidget *parent)
    : TransfersView(parent)
{
    Engine *engine = controller->engine();
    // Queued: the engine's signals come from its own thread, and the view may only be touched on this one.
    connect(engine, &Engine::progressChanged, this, &TransfersView::setProgress, Qt::QueuedConnection);
    connect(engine, &Engine::busyChanged, this, &TransfersView::setBusy, Qt::QueuedConnection);
    connect(engine, &Engine::pausedChanged, this, &TransfersView::setPaused, Qt::QueuedConnection);
    connect(this, &TransfersView::pauseRequested, controller, &EngineController::setPaused);
    connect(this, &TransfersView::cancelRequested, controller, &EngineController::cancel);
}

void TransfersView::updatePauseButton()
{
    m_pause->setChecked(m_paused);
    if (m_paused) {
        m_pause->setText(tr("&Resume"));
        m_pause->setAccessibleName(tr("Resume transfers"));
        m_pause->setToolTip(tr("Carry on with the paused transfers and start the files still waiting."));
    } else {
        m_pause->setText(tr("&Pause"));
        m_pause->setAccessibleName(tr("Pause transfers"));
        m_pause->setToolTip(
            tr("Hold the running downloads and uploads where they are and start no new files; a local "
               "copy under way finishes its file."));
    }
}

void TransfersView::setProgress(const Progress &p)
{
    m_summary->setText(ProgressPanel::progressText(p, m_paused));

    // Transfers that finish above the top row would make the table jump by that many rows at each update;
    // keep the file at the top where it is, so a curator can read down the list while it moves.
    const QModelIndex top = m_table->indexAt(QPoint(0, 0));
    const qint64 topId = top.isValid() ? top.data(TransfersModel::FileIdRole).toLongLong() : 0;
    m_model->setTransfers(p.transfers);
    if (topId != 0 && top.row() > 0) {
        const int row = m_model->rowForFile(topId);
        if (row >= 0 && row != top.row())
            m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
    }
}

void TransfersView::setBusy(bool busy)
{
    m_busy = busy;
    m_cancel->setEnabled(busy);
    m_pause->setEnabled(busy);
    if (busy) {
        m_summary->setText(tr("Starting…"));
    } else {
        m_model->clear();
        m_paused = false;
        updatePauseButton();
        m_summary->setText(tr("Nothing is running."));
    }
}

void TransfersView::setPaused(bool paused)
{
    m_paused = paused && m_busy;
    updatePauseButton();
}

QString TransfersView::summaryText() const
{
    return m_summary->text();
}

} // namespace gh
