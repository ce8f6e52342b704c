#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QJsonObject>

#include "pipeline/workspace.h"
#include "util/result.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace gh {

/*!
    \class gh::UploadPreviewDialog
    Shows what an upload would make of one file: its name on the target, the conversion rule that applies,
    what the target holds under that name now and, for a wiki, the description page and summary. The curator
    types the target (default: the settings' [targets] default) and a title template; the preview is worked
    out off the GUI thread by core (UploadPreview), as \c upload --dry-run does.
*/
class UploadPreviewDialog : public QDialog
{
    Q_OBJECT

public:
    UploadPreviewDialog(const Workspace &workspace, const QString &settingsFile, qint64 fileId,
                        QWidget *parent = nullptr);
    ~UploadPreviewDialog() override;

    //! Runs the preview for the fields as they are (also called when the dialog opens).
    void refresh();
    //! The last preview, for tests: the JSON object of UploadPreview, or empty.
    QJsonObject preview() const { return m_preview; }

signals:
    void previewReady();

private:
    void showResult(const Result<QJsonObject> &result);

    Workspace m_workspace;
    QString m_settingsFile;
    qint64 m_fileId;
    QLineEdit *m_target;
    QLineEdit *m_template;
    QLabel *m_name;
    QLabel *m_state;
    QPlainTextEdit *m_text;
    QPushButton *m_refresh;
    QFutureWatcher<Result<QJsonObject>> m_watcher;
    //! What the dialog looks up when it opens: the batch's recorded target and the file's item/name.
    struct Opening
    {
        QString target;
        QString file;
    };
    QFutureWatcher<Opening> m_batchTarget;
    QJsonObject m_preview;
    bool m_asked = false; //!< a preview was asked for: the batch's target no longer replaces the field
};

} // namespace gh
