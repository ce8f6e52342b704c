#pragma once

#include <memory>

#include <QHash>
#include <QImage>
#include <QPointer>
#include <QWidget>

#include "dedup/duplicateservice.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QThread;
class QTreeView;

namespace gh {

class DuplicatesModel;
class HttpEngine;

/*!
    \class gh::DuplicatesView
    Where a curator resolves duplicate cases, from the keyboard: the files that need a decision grouped by
    case with counts, and for the current one ours beside theirs — both thumbnails (theirs fetched from the
    target's URL off the GUI thread), names, sizes, dimensions, dates and, for a wiki, the uploader and the
    page link. Keys S skip, U upload, R rename, O overwrite, M move, L link, H hand-fix act on the current
    file (or, with A / "All N similar" checked, on every open file of its case); Ctrl+Z takes the last
    decision back; after each choice the next undecided file is selected. The label above says whether the
    upload is blocked.

    The view only collects: a DuplicateService on \a serviceThread (the engine's) records the decisions and
    classifies the batch against a target typed into the view.
*/
class DuplicatesView : public QWidget
{
    Q_OBJECT

public:
    DuplicatesView(const Workspace &workspace, const QString &settingsFile, QThread *serviceThread,
                   QWidget *parent = nullptr);
    ~DuplicatesView() override;

    void setBatch(qint64 batchId);
    //! Reads the shown batch's cases again (after a run classified them).
    void reload();
    /*!
        Reads the shown batch's cases again for a change made elsewhere (another workstation's decision):
        the selected file and the scroll position stay, even when the file no longer waits for a decision.
    */
    void refresh();
    qint64 batchId() const { return m_batchId; }
    //! Files of the shown batch and target waiting for a decision.
    qint64 openCount() const;
    DuplicatesModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    //! The file whose comparison is shown (0 for none).
    qint64 currentFile() const;
    //! Who decisions are recorded for (default: the operating system's user).
    void setCurator(const QString &curator) { m_curator = curator; }

signals:
    //! The shown batch's cases were (re)read: \a open files wait for a decision.
    void casesLoaded(qint64 batchId, qint64 open);
    //! A decision or undo was recorded (the dashboard's lamp changed).
    void decisionsChanged(qint64 batchId);
    //! A thumbnail arrived (for tests): \a theirs for the target's copy.
    void thumbnailShown(qint64 fileId, bool theirs);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void build();
    void showLoaded(const DuplicateView &view);
    void showCurrent();
    void act(DuplicateAction action);
    void undoLast();
    void classify();
    void setThumbnail(QLabel *label, const QImage &image, const QString &missing);
    void loadOurs(qint64 fileId, const QString &path);
    void loadTheirs(qint64 fileId, const QString &url, const QString &localPath);
    void updateButtons();
    //! The width the list needs to show every column's texts whole.
    int listWidthNeeded() const;
    void fitList();

    Workspace m_workspace;
    QPointer<DuplicateService> m_service; //!< Lives on the service thread, which deletes it when it ends.
    DuplicatesModel *m_model;
    qint64 m_batchId = 0;
    QString m_curator;
    qint64 m_selectAfterLoad = 0;
    bool m_keepPlace = false;         //!< The load under way is a refresh(): the selection stays where it is.
    QList<QList<qint64>> m_undoStack; //!< Files of each decision made here, newest last.
    QHash<QString, bool> m_moveAllowed;   //!< By target.
    QHash<QString, QImage> m_remoteCache; //!< Thumbnails of the targets' copies, by URL.
    std::unique_ptr<HttpEngine> m_http;

    QComboBox *m_targets = nullptr;
    QLineEdit *m_checkTarget = nullptr;
    QPushButton *m_checkButton = nullptr;
    QLabel *m_status = nullptr;
    QTreeView *m_tree = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_caseText = nullptr;
    QLabel *m_ourThumb = nullptr;
    QLabel *m_theirThumb = nullptr;
    QLabel *m_ourFacts = nullptr;
    QLabel *m_theirFacts = nullptr;
    QLineEdit *m_note = nullptr;
    QCheckBox *m_allSimilar = nullptr;
    QHash<DuplicateAction, QPushButton *> m_buttons;
    QPushButton *m_undo = nullptr;
};

} // namespace gh
