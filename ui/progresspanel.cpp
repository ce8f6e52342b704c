#include "progresspanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

namespace gh {

ProgressPanel::ProgressPanel(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_summary(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar->setAccessibleName(tr("Progress"));
    m_bar->setMaximumWidth(240);
    m_bar->setTextVisible(true);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_summary->setAccessibleName(tr("Progress summary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel->setAccessibleName(tr("Cancel the running stage"));
    m_cancel->setToolTip(tr("Stop after the files in progress; the rest stay pending and resume next time."));
    m_cancel->setEnabled(false);
    layout->addWidget(m_bar);
    layout->addWidget(m_summary, 1);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        setMessage(tr("Cancelling…"));
        emit cancelRequested();
    });
}

void ProgressPanel::setProgress(const Progress &p)
{
    const QLocale locale;
    m_bar->setRange(0, int(std::max<qint64>(1, p.filesTotal)));
    m_bar->setValue(int(p.filesDone));
    QString text = tr("%1 of %2 files").arg(locale.toString(p.filesDone), locale.toString(p.filesTotal));
    if (p.bytesTotal >= 0) {
        text +=
            u" · " +
            tr("%1 of %2").arg(locale.formattedDataSize(p.bytesDone), locale.formattedDataSize(p.bytesTotal));
    } else {
        text += u" · " + locale.formattedDataSize(p.bytesDone);
    }
    if (p.bytesPerSecond > 0)
        text += u" · " + tr("%1/s").arg(locale.formattedDataSize(qint64(p.bytesPerSecond)));
    if (p.etaSeconds >= 0)
        text += u" · " + tr("%1 left").arg(Progress::clockText(p.etaSeconds));
    if (p.filesFailed > 0)
        text += u" · " + tr("problems: %1").arg(locale.toString(p.filesFailed));
    m_summary->setText(text);
}

void ProgressPanel::setBusy(bool busy)
{
    m_cancel->setEnabled(busy);
    if (busy)
        m_summary->setText(tr("Starting…"));
}

void ProgressPanel::setMessage(const QString &message)
{
    m_summary->setText(message);
}

QString ProgressPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace gh
