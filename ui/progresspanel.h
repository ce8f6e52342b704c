#pragma once

#include <QWidget>

#include "pipeline/progress.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace gh {

/*!
    \class gh::ProgressPanel
    Files and bytes done, throughput, time left, and the Cancel button for the running stage.
*/
class ProgressPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ProgressPanel(QWidget *parent = nullptr);

    void setProgress(const Progress &progress);
    void setBusy(bool busy);
    void setMessage(const QString &message);
    QString summaryText() const;

signals:
    void cancelRequested();

private:
    QProgressBar *m_bar;
    QLabel *m_summary;
    QPushButton *m_cancel;
};

} // namespace gh
