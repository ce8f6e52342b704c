#pragma once

#include <QWidget>

#include "model/records.h"
#include "pipeline/progress.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace gh {

/*!
    \class gh::ProgressPanel
    The state line under the files: the selected batch's own state while it does not run (its files by
    status, its problems, when it last ran, and Resume or Check Again where they apply), and the live progress
    of the run while the selected batch runs (files and bytes done, throughput, time left, Cancel). The bar
    counts bytes when the sizes are known, files otherwise.
*/
class ProgressPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProgressPanel(QWidget *parent = nullptr);

    //! Shows \a batch's own state (null: nothing selected). Ignored while the panel shows a run.
    void showBatch(const BatchRecord *batch);
    //! Shows the progress of the run of the selected batch.
    void setProgress(const Progress &progress);
    //! A run of the selected batch starts (true) or ends (false); \a activity says what it does.
    void setRunning(bool running, const QString &activity = {});
    bool isRunning() const { return m_running; }
    void setPaused(bool paused);
    //! Whether some run is busy (this batch's or another's): Resume and Check Again wait for it.
    void setEngineBusy(bool busy);
    QString summaryText() const;

    //! "3 of 10 files · 2.00 KiB of 4.00 KiB · 1.00 KiB/s · 1:05 left · problems: 1" (paused: no rate).
    static QString progressText(const Progress &progress, bool paused);
    //! "7 files: 6 stored, 1 with a problem · 1 problem · last run 12:03".
    static QString batchText(const BatchRecord &batch);
    //! Whether \a batch has work a run would continue: files still to do, or a stage that was interrupted.
    static bool canResume(const BatchRecord &batch);

signals:
    void cancelRequested();
    void resumeRequested();
    void recheckRequested();

private:
    void updateButtons();

    QProgressBar *m_bar;
    QLabel *m_summary;
    QPushButton *m_resume;
    QPushButton *m_recheck;
    QPushButton *m_cancel;
    bool m_running = false;
    bool m_engineBusy = false;
    bool m_paused = false;
    bool m_hasBatch = false;
    bool m_resumable = false;
};

} // namespace gh
