#include "progresspanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>

#include "report/problems.h"

namespace gh {

namespace {

//! QProgressBar holds ints: byte counts are scaled to this many steps.
constexpr int s_steps = 1000;

int clampToInt(qint64 n)
{
    return int(std::clamp<qint64>(n, 0, INT_MAX));
}

} // namespace

ProgressPanel::ProgressPanel(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_summary(new QLabel(this))
    , m_resume(new QPushButton(tr("&Resume"), this))
    , m_recheck(new QPushButton(tr("Check A&gain"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar->setAccessibleName(tr("Progress"));
    m_bar->setMaximumWidth(240);
    m_bar->setTextVisible(true);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_summary->setObjectName(QStringLiteral("batchState"));
    m_summary->setAccessibleName(tr("State of the selected batch"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_resume->setAccessibleName(tr("Resume the batch"));
    m_resume->setToolTip(tr("Carry on where the batch stopped: every stage with work left goes on (F5)."));
    m_recheck->setObjectName(QStringLiteral("recheckButton"));
    m_recheck->setAccessibleName(tr("Check the batch again"));
    m_recheck->setToolTip(tr("Read the sidecars and manifests again and verify every stored copy; only "
                             "changed files are copied (Ctrl+R)."));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setAccessibleName(tr("Cancel the running stage"));
    m_cancel->setToolTip(tr("Stop after the files in progress; the rest stay pending and resume next time."));
    layout->addWidget(m_bar);
    layout->addWidget(m_summary, 1);
    layout->addWidget(m_resume);
    layout->addWidget(m_recheck);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_summary->setText(tr("Cancelling…"));
        emit cancelRequested();
    });
    connect(m_resume, &QPushButton::clicked, this, &ProgressPanel::resumeRequested);
    connect(m_recheck, &QPushButton::clicked, this, &ProgressPanel::recheckRequested);
    showBatch(nullptr);
}

QString ProgressPanel::progressText(const Progress &p, bool paused)
{
    const QLocale locale;
    QString text =
        tr("%1 of %n file(s)", nullptr, clampToInt(p.filesTotal)).arg(locale.toString(p.filesDone));
    if (p.bytesTotal >= 0) {
        text +=
            u" · " +
            tr("%1 of %2").arg(locale.formattedDataSize(p.bytesDone), locale.formattedDataSize(p.bytesTotal));
    } else if (p.bytesDone > 0) {
        text += u" · " + locale.formattedDataSize(p.bytesDone);
    }
    if (paused) {
        text += u" · " + tr("paused");
    } else {
        if (p.bytesPerSecond > 0)
            text += u" · " + tr("%1/s").arg(locale.formattedDataSize(qint64(p.bytesPerSecond)));
        if (p.etaSeconds >= 0)
            text += u" · " + tr("%1 left").arg(Progress::clockText(p.etaSeconds));
    }
    if (p.filesFailed > 0)
        text += u" · " + tr("problems: %1").arg(locale.toString(p.filesFailed));
    return text;
}

bool ProgressPanel::canResume(const BatchRecord &batch)
{
    if (batch.counts.value(FileStatus::Pending) > 0)
        return true;
    for (const Problem &p : batch.batchProblems) {
        if (p.kind == Problem::Kind::Stage && p.level == Problem::Level::Warning)
            return true; // interrupted
    }
    return false;
}

QString ProgressPanel::batchText(const BatchRecord &b)
{
    const QLocale locale;
    if (b.stages.value(Stage::Intake) == StageState::Failed) {
        for (const Problem &p : b.batchProblems) {
            if (p.stage == Stage::Intake && p.level == Problem::Level::Error)
                return tr("Could not be loaded: %1").arg(p.message);
        }
    }
    const SeverityTally tally = StatusInfo::tally(b.counts);
    QStringList parts;
    if (tally.ok > 0)
        parts.append(tr("%1 stored").arg(locale.toString(tally.ok)));
    if (tally.errors > 0)
        parts.append(tr("%n with a problem", nullptr, clampToInt(tally.errors)));
    if (tally.skipped > 0)
        parts.append(tr("%1 skipped").arg(locale.toString(tally.skipped)));
    if (tally.open > 0)
        parts.append(tr("%1 still to do").arg(locale.toString(tally.open)));
    QString text = tr("%n file(s)", nullptr, clampToInt(b.files));
    if (!parts.isEmpty())
        text += u": " + parts.join(QStringLiteral(", "));
    // The breakdown only when it adds to "n with a problem": warnings, QA flags, the batch's own errors.
    if (b.problems.total() == 0)
        text += u" · " + tr("no problems");
    else if (b.problems.total() != tally.errors || b.problems.errors != tally.errors)
        text += u" · " + Problems::breakdownText(b.problems);
    if (b.lastRun.isValid()) {
        // Today's runs by the clock, older ones with their date.
        const QDateTime local = b.lastRun.toLocalTime();
        const QString when = local.date() == QDate::currentDate()
                                 ? locale.toString(local.time(), QStringLiteral("HH:mm"))
                                 : locale.toString(local, QStringLiteral("yyyy-MM-dd HH:mm"));
        text += u" · " + tr("last run %1").arg(when);
    }
    return text;
}

void ProgressPanel::showBatch(const BatchRecord *batch)
{
    if (m_running)
        return;
    m_hasBatch = batch != nullptr;
    m_resumable = batch && canResume(*batch);
    if (!batch) {
        m_bar->setRange(0, 1);
        m_bar->setValue(0);
        m_bar->setFormat(QString());
        m_summary->setText(tr("No batch selected."));
    } else {
        // Done means processed: a file with a problem is done too; the text and the colour say how it went.
        const qint64 pending = batch->counts.value(FileStatus::Pending);
        m_bar->setRange(0, std::max(1, clampToInt(batch->files)));
        m_bar->setValue(clampToInt(batch->files - pending));
        m_bar->setFormat(QStringLiteral("%p %"));
        m_summary->setText(batchText(*batch));
        QPalette palette = this->palette();
        if (batch->problems.errors > 0)
            palette.setColor(QPalette::Highlight, QColor(0xd6, 0x89, 0x10));
        m_bar->setPalette(palette);
    }
    updateButtons();
}

void ProgressPanel::setProgress(const Progress &p)
{
    m_bar->setPalette(palette());
    if (p.bytesTotal > 0) {
        m_bar->setRange(0, s_steps);
        m_bar->setValue(int(std::clamp<qint64>(p.bytesDone * s_steps / p.bytesTotal, 0, s_steps)));
    } else if (p.filesDone == 0 && p.bytesDone > 0) {
        // Sizes unknown and no file finished yet, but bytes arrive: a bar at 0 % would say nothing moves.
        m_bar->setRange(0, 0);
    } else {
        m_bar->setRange(0, std::max(1, clampToInt(p.filesTotal)));
        m_bar->setValue(clampToInt(p.filesDone));
    }
    m_bar->setFormat(QStringLiteral("%p %"));
    m_summary->setText(p.filesTotal == 0 && p.filesDone == 0 ? tr("Nothing to fetch.")
                                                             : progressText(p, m_paused));
}

void ProgressPanel::setRunning(bool running, const QString &activity)
{
    m_running = running;
    if (running) {
        m_bar->setRange(0, 0); // busy until the first numbers arrive
        m_summary->setText(activity.isEmpty() ? tr("Starting…") : activity);
    }
    updateButtons();
}

void ProgressPanel::setPaused(bool paused)
{
    m_paused = paused;
    updateButtons();
}

void ProgressPanel::setEngineBusy(bool busy)
{
    m_engineBusy = busy;
    updateButtons();
}

void ProgressPanel::updateButtons()
{
    m_cancel->setVisible(m_running);
    m_cancel->setEnabled(m_running);
    // A paused run is carried on with the same button (and F5) as a stopped one.
    const bool paused = m_running && m_paused;
    m_resume->setVisible(paused || (!m_running && m_resumable));
    m_resume->setEnabled(paused || !m_engineBusy);
    m_recheck->setVisible(!m_running && m_hasBatch);
    m_recheck->setEnabled(!m_engineBusy);
}

QString ProgressPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace gh
