#pragma once

#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

#include "pipeline/workspace.h"
#include "preferences.h"
#include "review/reviewsession.h"

class QAction;
class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QSplitter;
class QPushButton;
class QResizeEvent;
class QTextBrowser;
class QTimer;

namespace gh {

class EngineController;
class FileTableModel;
class PreviewWidget;

/*!
    \class gh::ReviewView
    Manual QA of a batch's sample, one item at a time, by keyboard: the item's pages large (PreviewWidget;
    PageUp/PageDown turn them, Z zooms between the whole page and 100 %), its metadata, findings and
    duplicate case, and the plan's scoreboard ("17 of 50 reviewed · 1 defect · accept up to 1, reject at 2").

    Keys: P pass, F fail (a defect reason from [review] defect_reasons — 1…9 or the arrows — an optional
    note, Enter), N or → next, ← previous, U undo the last verdict, Z zoom, F5 refresh. After each verdict
    the next item without one comes up. The batch verdict turns to reject when defects reach Re (reviewing
    may go on) and to accept when the sample is complete with at most Ac defects.

    Approve and Reject state their consequence on the button, ask for confirmation with who and why, and
    leave the work to core (BatchDecisions). Every read and write runs in a ReviewSession on the engine's
    thread; the view only renders its answers. A verdict is shown at once and saved right after; the view
    reports it saved only once the catalog has committed it.
*/
class ReviewView : public QWidget
{
    Q_OBJECT

public:
    ReviewView(EngineController *engine, const Workspace &workspace, const Preferences &preferences,
               QWidget *parent = nullptr);
    ~ReviewView() override;

    //! The curator's name, AQL, level and defect reasons from now on.
    void setPreferences(const Preferences &preferences);
    //! Opens the review of \a batchId (drawing its sample if it has none), showing \a itemId if given.
    void openBatch(qint64 batchId, qint64 itemId = 0);
    //! Reads the review of \a batchId again when it is the one open (another curator's verdict or decision);
    //! the item shown, its page and zoom, and a defect being typed stay.
    void refreshBatch(qint64 batchId);
    //! While the engine runs a batch, approval and rejection wait (the view follows Engine::busyChanged()).
    void setEngineBusy(bool busy);

    qint64 batchId() const { return m_batchId; }
    //! The state last shown, with the verdicts given here that are still being saved.
    const ReviewState &state() const { return m_state; }
    //! The item on screen (0 for none).
    qint64 currentItemId() const;
    //! Verdicts given here that the catalog has not confirmed yet.
    int pendingWrites() const { return m_pendingWrites; }
    PreviewWidget *preview() const { return m_preview; }

signals:
    //! A state read from the catalog is on screen.
    void stateShown(qint64 batchId);
    //! The details of \a itemId are on screen.
    void itemShown(qint64 itemId);
    //! The catalog committed (\a ok) or refused a verdict on \a itemId.
    void verdictSaved(qint64 itemId, bool ok, const QString &message);
    //! An approval or rejection finished.
    void decided(qint64 batchId, bool ok, const QString &message);
    //! \a batchId was approved here: the main window runs it on into the upload to its targets.
    void approved(qint64 batchId);

private:
    struct Undo
    {
        qint64 itemId = 0;
        Verdict verdict = Verdict::None;
        QString defect;
        QString note;
    };

    void createWidgets();
    void createActions();
    void connectSession();
    void applyState(const ReviewState &state);
    void showItem(int index);
    void showDetails(const ReviewItemDetails &details);
    void updateScoreboard();
    void updateHeader();
    void updateItemList();
    void updateListRow(int index);
    //! Widens the item list to its widest row, up to a third of the view.
    void fitItemList();
    void updateItemPanel();
    void updateDecisionButtons();
    //! What approving does: with the target typed in, else the batch's own (from core, as the CLI says it).
    QString approveConsequence() const;
    void updateSupplier();
    bool reviewOpen() const;

    void pass();
    void beginFail();
    void confirmFail();
    void cancelFail();
    //! Records \a verdict on the current item at once on screen, saves it, and moves on.
    void give(Verdict verdict, const QString &defect, const QString &note);
    void undo();
    void save(qint64 itemId, Verdict verdict, const QString &defect, const QString &note);
    void next();
    void previous();
    void toggleZoom();
    void refresh();
    //! The next item without a verdict after \a from (wrapping around), or -1.
    int nextUnreviewed(int from) const;
    void askApprove();
    void askReject();
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

    EngineController *m_engine;
    Workspace m_workspace;
    Preferences m_preferences;
    QPointer<ReviewSession> m_session;

    qint64 m_batchId = 0;
    qint64 m_wantedItem = 0; //!< Shown once the first state arrives (openBatch()'s item).
    ReviewState m_state;
    bool m_haveState = false;
    int m_current = -1;
    QSplitter *m_split = nullptr;
    int m_pendingWrites = 0;
    bool m_engineBusy = false;
    bool m_deciding = false;
    bool m_approving = false; //!< The decision under way is an approval.
    QList<Undo> m_undo;
    QHash<qint64, ReviewItemDetails> m_details;

    QLabel *m_header = nullptr;
    QLabel *m_scoreboard = nullptr;
    QLabel *m_verdict = nullptr;
    QListWidget *m_items = nullptr;
    PreviewWidget *m_preview = nullptr;
    FileTableModel *m_files = nullptr;
    QLabel *m_itemTitle = nullptr;
    QLabel *m_itemVerdict = nullptr;
    QTextBrowser *m_itemDetails = nullptr;
    QTextBrowser *m_supplier = nullptr;
    QFrame *m_failPanel = nullptr;
    QListWidget *m_reasons = nullptr;
    QLineEdit *m_note = nullptr;
    QLineEdit *m_target = nullptr;
    QPushButton *m_approve = nullptr;
    QPushButton *m_reject = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_refreshTimer = nullptr;

    QAction *m_passAction = nullptr;
    QAction *m_failAction = nullptr;
    QAction *m_undoAction = nullptr;
    QList<QAction *> m_browseActions;
};

} // namespace gh
