#include "reviewview.h"

#include <algorithm>
#include <numeric>

#include <QAction>
#include <QBrush>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QScreen>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include "enginecontroller.h"
#include "filetablemodel.h"
#include "previewwidget.h"
#include "review/reviewbook.h"
#include "targets/handover.h"

namespace gh {

namespace {

constexpr int s_refreshMs = 30000;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString when(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QString listHtml(const QStringList &lines, const QString &none)
{
    if (lines.isEmpty())
        return u"<p><i>" + esc(none) + u"</i></p>";
    QString html = QStringLiteral("<ul>");
    for (const QString &line : lines)
        html += u"<li>" + esc(line) + u"</li>";
    return html + u"</ul>";
}

/*!
    \a lines with each of \a files named by its name alone: a check names a file by its whole path in the
    batch ("B4000…/1795-06-13-01/adresseavisen…-0001.jp2 is not …"), which the heading and file list give.
*/
QStringList withFileNames(QStringList lines, const QList<FileRecord> &files)
{
    for (const FileRecord &f : files) {
        const QRegularExpression path(u"\\S*/" + QRegularExpression::escape(f.name) + u"(?=[:;,)\\s]|$)");
        for (QString &line : lines)
            line.replace(path, f.name);
    }
    return lines;
}

QString jsonText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

bool previewable(const FileRecord &file)
{
    const QString type = file.mimetype.isEmpty() ? file.declaredMimetype : file.mimetype;
    return type.startsWith(u"image/") || type == u"application/pdf";
}

//! "2 defects: cropped or skewed (1), unreadable (1)": a rejection's reason as the sample gives it.
QString defectSummary(const ReviewSample &sample)
{
    QMap<QString, int> reasons;
    for (const ReviewItem &item : sample.items) {
        if (item.verdict == Verdict::Fail)
            ++reasons[item.defect];
    }
    QStringList parts;
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
        parts.append(ReviewView::tr("%1 (%2)").arg(it.key()).arg(it.value()));
    return ReviewView::tr("QA sample: %1; defects: %2")
        .arg(ReviewKeys::scoreboard(sample), parts.join(u", "));
}

} // namespace

ReviewView::ReviewView(EngineController *engine, const Workspace &workspace, const Preferences &preferences,
                       QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_engine(engine)
    , m_workspace(workspace)
    , m_preferences(preferences)
{
    setObjectName(QStringLiteral("reviewView"));
    setWindowTitle(tr("Review"));
    setAccessibleName(tr("Review"));
    m_session = new ReviewSession(workspace, preferences.options.store, preferences.settings);
    QThread *thread = engine->engine()->thread();
    m_session->moveToThread(thread);
    // The session's catalog connection belongs to the engine's thread; it is closed there.
    connect(thread, &QThread::finished, m_session.data(), &QObject::deleteLater);
    createWidgets();
    createActions();
    connectSession();
    updateDecisionButtons();
    // Roomy where the screen allows, never beyond it (with room for the title bar): on a 1280 x 800 screen a
    // fixed 860 pixels put the Target field and the Approve and Reject buttons below its edge.
    QSize size(1280, 860);
    if (const QScreen *shown = screen())
        size = size.boundedTo(shown->availableGeometry().size() * 0.95);
    resize(size);
}

ReviewView::~ReviewView()
{
    if (m_session)
        m_session->deleteLater();
}

void ReviewView::createWidgets()
{
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("reviewHeader"));
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_scoreboard = new QLabel(this);
    m_scoreboard->setObjectName(QStringLiteral("scoreboard"));
    m_scoreboard->setAccessibleName(tr("Scoreboard"));
    QFont big = m_scoreboard->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_scoreboard->setFont(big);
    m_verdict = new QLabel(this);
    m_verdict->setObjectName(QStringLiteral("batchVerdict"));
    m_verdict->setAccessibleName(tr("Batch verdict"));
    m_verdict->setWordWrap(true);

    m_items = new QListWidget(this);
    m_items->setObjectName(QStringLiteral("reviewItems"));
    m_items->setAccessibleName(tr("Items to review"));
    m_items->setUniformItemSizes(true);
    m_items->setTextElideMode(Qt::ElideMiddle);
    m_items->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_items, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != m_current)
            showItem(row);
    });

    m_files = new FileTableModel(this);
    if (const QString store = m_workspace.storeSpec(); !store.contains(u"://"))
        m_files->setLocalStoreRoot(store);
    m_preview = new PreviewWidget(this);
    m_preview->setModel(m_files);

    m_itemTitle = new QLabel(this);
    m_itemTitle->setObjectName(QStringLiteral("itemTitle"));
    m_itemTitle->setWordWrap(true);
    m_itemTitle->setFont(big);
    m_itemVerdict = new QLabel(this);
    m_itemVerdict->setObjectName(QStringLiteral("itemVerdict"));
    m_itemVerdict->setWordWrap(true);
    m_itemDetails = new QTextBrowser(this);
    m_itemDetails->setObjectName(QStringLiteral("itemDetails"));
    m_itemDetails->setAccessibleName(tr("Item details"));
    m_itemDetails->setOpenLinks(false);
    m_itemDetails->setFocusPolicy(Qt::ClickFocus);
    m_supplier = new QTextBrowser(this);
    m_supplier->setObjectName(QStringLiteral("supplierHistory"));
    m_supplier->setAccessibleName(tr("Supplier history"));
    m_supplier->setOpenLinks(false);
    m_supplier->setFocusPolicy(Qt::ClickFocus);

    // The fail panel: a reason (1…9 or the arrows), an optional note, Enter records, Escape cancels.
    m_failPanel = new QFrame(this);
    m_failPanel->setObjectName(QStringLiteral("failPanel"));
    m_failPanel->setFrameShape(QFrame::StyledPanel);
    m_reasons = new QListWidget(m_failPanel);
    m_reasons->setObjectName(QStringLiteral("defectReasons"));
    m_reasons->setAccessibleName(tr("Defect reason"));
    m_reasons->installEventFilter(this);
    m_note = new QLineEdit(m_failPanel);
    m_note->setObjectName(QStringLiteral("defectNote"));
    m_note->setAccessibleName(tr("Note"));
    m_note->setPlaceholderText(tr("Optional note, e.g. what is wrong where"));
    m_note->installEventFilter(this);
    auto *record = new QPushButton(tr("Record Failure"), m_failPanel);
    auto *cancel = new QPushButton(tr("Cancel"), m_failPanel);
    connect(record, &QPushButton::clicked, this, &ReviewView::confirmFail);
    connect(cancel, &QPushButton::clicked, this, &ReviewView::cancelFail);
    connect(m_reasons, &QListWidget::itemActivated, this, &ReviewView::confirmFail);
    auto *failLayout = new QVBoxLayout(m_failPanel);
    auto *failHint = new QLabel(tr("<b>Fail:</b> choose the defect (1–9 or the arrows), add a note if it "
                                   "helps, then Enter. Escape cancels."),
                                m_failPanel);
    failHint->setObjectName(QStringLiteral("failHint"));
    // Wrapped, so opening the panel does not widen the item column and shrink the page being judged.
    failHint->setWordWrap(true);
    failLayout->addWidget(failHint);
    failLayout->addWidget(m_reasons);
    // The note has the column's width to itself: beside the two buttons it shrank to a few letters in German.
    failLayout->addWidget(m_note);
    auto *failButtons = new QHBoxLayout;
    failButtons->addStretch();
    failButtons->addWidget(record);
    failButtons->addWidget(cancel);
    failLayout->addLayout(failButtons);
    m_failPanel->hide();

    auto *itemPanel = new QWidget(this);
    auto *itemLayout = new QVBoxLayout(itemPanel);
    itemLayout->setContentsMargins(0, 0, 0, 0);
    itemLayout->addWidget(m_itemTitle);
    itemLayout->addWidget(m_itemVerdict);
    itemLayout->addWidget(m_failPanel);
    itemLayout->addWidget(m_itemDetails, 3);
    itemLayout->addWidget(new QLabel(tr("Supplier"), itemPanel));
    itemLayout->addWidget(m_supplier, 2);

    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(m_items);
    m_split->addWidget(m_preview);
    m_split->addWidget(itemPanel);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 3);
    m_split->setStretchFactor(2, 2);
    m_split->setSizes({200, 700, 380});

    m_target = new QLineEdit(this);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setAccessibleName(tr("Target"));
    m_target->setPlaceholderText(tr("Target on approval (empty: keep in the archive only)"));
    connect(m_target, &QLineEdit::textChanged, this, &ReviewView::updateDecisionButtons);
    m_approve = new QPushButton(this);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_reject = new QPushButton(this);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    connect(m_approve, &QPushButton::clicked, this, &ReviewView::askApprove);
    connect(m_reject, &QPushButton::clicked, this, &ReviewView::askReject);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("saveStatus"));
    m_status->setWordWrap(true);
    auto *keys = new QLabel(tr("P pass · F fail · N or → next · ← previous · U undo · Z zoom · "
                               "Page Up/Down pages · F5 refresh"),
                            this);
    keys->setObjectName(QStringLiteral("reviewKeys"));

    // Alt+T reaches the field from the keyboard, as Alt+A and Alt+R reach the buttons under it.
    auto *targetLabel = new QLabel(tr("&Target:"), this);
    targetLabel->setBuddy(m_target);
    // The target has a line of its own: the buttons say what approving and rejecting do, and beside them the
    // field shrank to a letter on a 1024-pixel screen in German.
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(targetLabel);
    targetRow->addWidget(m_target, 1);
    auto *decisions = new QHBoxLayout;
    decisions->addStretch();
    decisions->addWidget(m_approve);
    decisions->addWidget(m_reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    auto *scoreRow = new QHBoxLayout;
    scoreRow->addWidget(m_scoreboard);
    scoreRow->addWidget(m_verdict, 1);
    layout->addLayout(scoreRow);
    layout->addWidget(m_split, 1);
    layout->addWidget(keys);
    layout->addWidget(m_status);
    layout->addLayout(targetRow);
    layout->addLayout(decisions);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(s_refreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &ReviewView::refresh);
}

void ReviewView::createActions()
{
    const auto add = [this](const QString &text, const QList<QKeySequence> &keys, auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcuts(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    m_passAction = add(tr("Pass"), {QKeySequence(Qt::Key_P)}, &ReviewView::pass);
    m_failAction = add(tr("Fail…"), {QKeySequence(Qt::Key_F)}, &ReviewView::beginFail);
    m_undoAction = add(tr("Undo Verdict"), {QKeySequence(Qt::Key_U)}, &ReviewView::undo);
    m_browseActions = {
        add(tr("Next Item"), {QKeySequence(Qt::Key_N), QKeySequence(Qt::Key_Right)}, &ReviewView::next),
        add(tr("Previous Item"), {QKeySequence(Qt::Key_Left)}, &ReviewView::previous),
        add(tr("Zoom"), {QKeySequence(Qt::Key_Z)}, &ReviewView::toggleZoom),
        add(tr("Next Page"), {QKeySequence(Qt::Key_PageDown)}, [this] { m_preview->nextPage(); }),
        add(tr("Previous Page"), {QKeySequence(Qt::Key_PageUp)}, [this] { m_preview->previousPage(); }),
        add(tr("Refresh"), {QKeySequence(Qt::Key_F5)}, &ReviewView::refresh),
    };
    add(tr("Close the Review"), QKeySequence::keyBindings(QKeySequence::Close), [this] { close(); });
}

void ReviewView::connectSession()
{
    connect(m_session, &ReviewSession::stateChanged, this, [this](const ReviewState &state) {
        if (state.batchId != m_batchId)
            return;
        // Verdicts still on their way would be undone on screen by an older state; the answer to the last
        // one brings them all.
        if (m_pendingWrites > 0)
            return;
        applyState(state);
    });
    connect(m_session, &ReviewSession::itemLoaded, this, [this](const ReviewItemDetails &details) {
        if (details.batchId != m_batchId)
            return;
        m_details.insert(details.item.id, details);
        if (details.item.id == currentItemId())
            showDetails(details);
    });
    connect(m_session, &ReviewSession::verdictSaved, this,
            [this](qint64 batchId, qint64 itemId, bool ok, const QString &message) {
                if (batchId != m_batchId)
                    return;
                m_pendingWrites = std::max(0, m_pendingWrites - 1);
                const qsizetype index = m_state.sample.indexOf(itemId);
                const QString name = index >= 0 ? m_state.sample.items.at(index).identifier : QString();
                if (ok) {
                    m_status->setStyleSheet({});
                    m_status->setText(m_pendingWrites > 0 ? tr("Saving …") : tr("Saved: %1").arg(name));
                } else {
                    m_status->setStyleSheet(QStringLiteral("color: #b00020"));
                    m_status->setText(tr("Not saved: %1").arg(message));
                }
                emit verdictSaved(itemId, ok, message);
            });
    connect(m_session, &ReviewSession::decisionProgress, this, [this](qint64 done, qint64 total) {
        m_status->setText(tr("Deleting stored copies: %1 of %2 files").arg(done).arg(total));
    });
    connect(m_session, &ReviewSession::decided, this,
            [this](qint64 batchId, bool ok, const QString &message) {
                m_deciding = false;
                const bool approval = std::exchange(m_approving, false);
                m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: #b00020"));
                m_status->setText(message);
                updateDecisionButtons();
                emit decided(batchId, ok, message);
                if (ok && approval)
                    emit approved(batchId);
            });
    connect(m_session, &ReviewSession::failed, this, [this](const QString &message) {
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        m_status->setText(message);
    });
    connect(m_engine->engine(), &Engine::busyChanged, this, [this](bool busy) {
        setEngineBusy(busy);
        // A run may have stored more files: the consequences on the buttons change.
        if (!busy)
            refresh();
    });
}

void ReviewView::setPreferences(const Preferences &preferences)
{
    m_preferences = preferences;
    QMetaObject::invokeMethod(
        m_session,
        [session = m_session.data(), settings = preferences.settings] { session->setSettings(settings); },
        Qt::QueuedConnection);
}

void ReviewView::openBatch(qint64 batchId, qint64 itemId)
{
    if (batchId != m_batchId) {
        m_batchId = batchId;
        m_haveState = false;
        m_state = ReviewState();
        m_current = -1;
        m_undo.clear();
        m_details.clear();
        m_pendingWrites = 0;
        m_items->clear();
        m_files->reset(batchId);
        m_itemTitle->clear();
        m_itemVerdict->clear();
        m_itemDetails->clear();
        m_scoreboard->clear();
        m_verdict->clear();
        m_status->clear();
        m_status->setStyleSheet({});
        m_target->clear();
        m_header->setText(tr("Opening the review of batch %1 …").arg(batchId));
        cancelFail();
    }
    m_wantedItem = itemId;
    m_details.clear();
    m_items->setFocus(Qt::OtherFocusReason);
    QMetaObject::invokeMethod(
        m_session, [session = m_session.data(), batchId] { session->open(batchId); }, Qt::QueuedConnection);
    m_refreshTimer->start();
    updateDecisionButtons();
}

qint64 ReviewView::currentItemId() const
{
    return m_current >= 0 && m_current < m_state.sample.items.size()
               ? m_state.sample.items.at(m_current).itemId
               : 0;
}

bool ReviewView::reviewOpen() const
{
    return m_haveState && m_state.sample.drawn && m_state.summary.state == BatchState::Open;
}

void ReviewView::applyState(const ReviewState &state)
{
    const qint64 shown = currentItemId();
    const qint64 keep = m_wantedItem > 0 ? m_wantedItem : shown;
    const bool first = !m_haveState;
    const bool reasonsChanged = state.defectReasons != m_state.defectReasons || first;
    m_state = state;
    m_haveState = true;
    m_wantedItem = 0;
    updateItemList();
    int index = keep > 0 ? int(m_state.sample.indexOf(keep)) : -1;
    if (index < 0 && !m_state.sample.items.isEmpty())
        index = first ? std::max(0, nextUnreviewed(-1))
                      : std::clamp(m_current, 0, int(m_state.sample.items.size()) - 1);
    if (index >= 0 && m_state.sample.items.at(index).itemId == shown) {
        // The same item stays on screen as it is (page and zoom kept); only its verdict may have changed.
        m_current = index;
        const QSignalBlocker blocker(m_items);
        m_items->setCurrentRow(index);
        updateItemPanel();
    } else {
        m_current = -1;
        if (index >= 0)
            showItem(index);
        else
            updateItemPanel();
    }
    updateHeader();
    updateScoreboard();
    updateSupplier();
    if (reasonsChanged) {
        m_reasons->clear();
        int n = 1;
        for (const QString &reason : std::as_const(m_state.defectReasons)) {
            auto *row = new QListWidgetItem(n <= 9 ? QStringLiteral("%1  %2").arg(n).arg(reason) : reason);
            row->setData(Qt::UserRole, reason);
            m_reasons->addItem(row);
            ++n;
        }
    }
    updateDecisionButtons();
    emit stateShown(m_state.batchId);
}

void ReviewView::setEngineBusy(bool busy)
{
    m_engineBusy = busy;
    updateDecisionButtons();
}

void ReviewView::updateHeader()
{
    const SupplierBatch &b = m_state.summary;
    QString html = tr("<b>Batch %1 · %2</b>").arg(m_state.batchId).arg(esc(m_state.batchName));
    if (!b.supplier.isEmpty())
        html += u" · " + tr("supplier %1").arg(esc(b.supplier));
    if (m_state.sample.drawn) {
        const SamplingPlan &p = m_state.sample.plan;
        html += u"<br>" + tr("ISO 2859-1, level %1, AQL %2 %: lot of %3 items, code letter %4, plan %5; "
                             "seed %6, drawn by %7 on %8")
                              .arg(SamplingPlans::levelKey(p.level), p.aqlText())
                              .arg(p.lotSize)
                              .arg(p.codeLetter)
                              .arg(p.planLetter)
                              .arg(m_state.sample.seed)
                              .arg(esc(m_state.sample.drawnBy), when(m_state.sample.drawnAt));
    } else {
        html += u"<br>" + tr("No QA sample has been drawn for this batch.");
    }
    if (b.state != BatchState::Open) {
        html += u"<br><b>" +
                (b.state == BatchState::Approved ? tr("Approved on %1 by %2") : tr("Rejected on %1 by %2"))
                    .arg(when(b.decidedAt), esc(b.decidedBy)) +
                u"</b>";
        if (!b.reason.isEmpty())
            html += u": " + esc(b.reason);
        html += u" " + tr("(the review is closed)");
    }
    m_header->setText(html);
    setWindowTitle(tr("Review: %1").arg(m_state.batchName));
}

void ReviewView::updateScoreboard()
{
    const ReviewSample &s = m_state.sample;
    if (!s.drawn) {
        m_scoreboard->clear();
        m_verdict->clear();
        return;
    }
    QString score = ReviewKeys::scoreboard(s);
    if (s.extraItems() > 0)
        score += u" · " + tr("%1 of %2 flagged reviewed").arg(s.extraReviewed()).arg(s.extraItems());
    m_scoreboard->setText(score);
    QString text;
    QString colour;
    const bool closed = m_state.summary.state != BatchState::Open;
    switch (s.verdict()) {
    case BatchVerdict::Reject:
        text = closed ? tr("Sample verdict: reject — %n defect(s) reached the rejection number %1.", nullptr,
                           int(s.defects()))
                            .arg(s.plan.reject)
                      : tr("Batch verdict: reject — %n defect(s) reach the rejection number %1. You may keep "
                           "reviewing.",
                           nullptr, int(s.defects()))
                            .arg(s.plan.reject);
        colour = QStringLiteral("#b00020");
        break;
    case BatchVerdict::Accept:
        text = tr("Batch verdict: accept — every sampled item reviewed, %n defect(s) (accept up to %1).",
                  nullptr, int(s.defects()))
                   .arg(s.plan.accept);
        colour = QStringLiteral("#1b5e20");
        break;
    case BatchVerdict::Pending:
        text =
            closed
                ? tr("Sample verdict: pending — the batch was decided with %n sampled item(s) not reviewed.",
                     nullptr, int(s.plan.sampleSize - s.reviewed()))
                : tr("Batch verdict: pending — %n sampled item(s) to go.", nullptr,
                     int(s.plan.sampleSize - s.reviewed()));
        break;
    }
    m_verdict->setText(text);
    m_verdict->setProperty("verdict", ReviewKeys::key(s.verdict()));
    m_verdict->setStyleSheet(colour.isEmpty() ? QString() : u"color: " + colour + u"; font-weight: bold");
}

void ReviewView::updateItemList()
{
    const QSignalBlocker blocker(m_items);
    const int count = int(m_state.sample.items.size());
    while (m_items->count() > count)
        delete m_items->takeItem(m_items->count() - 1);
    while (m_items->count() < count)
        m_items->addItem(new QListWidgetItem);
    for (int i = 0; i < count; ++i)
        updateListRow(i);
    fitItemList();
}

void ReviewView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitItemList();
}

void ReviewView::fitItemList()
{
    // Newspaper identifiers differ at their end ("…/1795-06-13-01/…-0001"): the list is as wide as its widest
    // row, up to a third of the view, and a row too long even then keeps its end (the elision is in the
    // middle).
    int widest = 0;
    for (int i = 0; i < m_items->count(); ++i)
        widest = std::max(widest, m_items->fontMetrics().horizontalAdvance(m_items->item(i)->text()));
    const int frame = 2 * m_items->frameWidth() + m_items->verticalScrollBar()->sizeHint().width() + 16;
    QList<int> sizes = m_split->sizes();
    const int total = std::accumulate(sizes.cbegin(), sizes.cend(), 0);
    const int wanted = std::min(widest + frame, std::max(200, total / 3));
    if (total <= 0 || sizes.value(0) >= wanted)
        return;
    const int more = wanted - sizes[0];
    sizes[0] = wanted;
    sizes[1] = std::max(100, sizes[1] - more);
    m_split->setSizes(sizes);
}

void ReviewView::updateListRow(int index)
{
    QListWidgetItem *row = m_items->item(index);
    if (!row)
        return;
    const ReviewItem &item = m_state.sample.items.at(index);
    QString mark = QStringLiteral("·");
    if (item.verdict == Verdict::Pass)
        mark = QStringLiteral("✓");
    else if (item.verdict == Verdict::Fail)
        mark = QStringLiteral("✗");
    QString text = mark + u"  " + item.identifier;
    if (item.reason != ReviewReason::Random)
        text += u"  (" + (item.reason == ReviewReason::Flag ? tr("flagged") : tr("added")) + u')';
    row->setText(text);
    row->setToolTip(item.identifier);
    row->setData(Qt::UserRole, item.itemId);
    row->setForeground(item.verdict == Verdict::Fail ? QBrush(QColor(0xb0, 0x00, 0x20)) : QBrush());
}

void ReviewView::showItem(int index)
{
    if (index < 0 || index >= m_state.sample.items.size())
        return;
    const bool changed = index != m_current;
    m_current = index;
    {
        const QSignalBlocker blocker(m_items);
        m_items->setCurrentRow(index);
    }
    updateItemPanel();
    if (!changed && m_files->rowCount() > 0)
        return;
    const qint64 itemId = m_state.sample.items.at(index).itemId;
    if (auto it = m_details.constFind(itemId); it != m_details.cend()) {
        showDetails(*it);
        return;
    }
    m_files->reset(m_batchId);
    m_itemDetails->setHtml(u"<p><i>" + esc(tr("Loading …")) + u"</i></p>");
    QMetaObject::invokeMethod(
        m_session, [session = m_session.data(), itemId] { session->loadItem(itemId); }, Qt::QueuedConnection);
}

void ReviewView::updateItemPanel()
{
    if (m_current < 0 || m_current >= m_state.sample.items.size()) {
        m_itemTitle->setText(m_state.sample.drawn && m_state.sample.items.isEmpty()
                                 ? tr("The sample has no items.")
                                 : QString());
        m_itemVerdict->clear();
        return;
    }
    const ReviewItem &item = m_state.sample.items.at(m_current);
    QString why;
    switch (item.reason) {
    case ReviewReason::Random:
        why = tr("drawn at random");
        break;
    case ReviewReason::Flag:
        why = tr("flagged; does not count toward the plan");
        break;
    case ReviewReason::Manual:
        why = tr("added by hand; does not count toward the plan");
        break;
    }
    m_itemTitle->setText(tr("Item %1 of %2 · %3 (%4)")
                             .arg(m_current + 1)
                             .arg(m_state.sample.items.size())
                             .arg(item.identifier, why));
    QString verdict;
    switch (item.verdict) {
    case Verdict::None:
        verdict = tr("Not reviewed yet.");
        break;
    case Verdict::Pass:
        verdict = tr("Pass — %1, %2").arg(item.reviewer, when(item.decidedAt));
        break;
    case Verdict::Fail:
        verdict = tr("Fail: %1 — %2, %3").arg(item.defect, item.reviewer, when(item.decidedAt));
        if (!item.note.isEmpty())
            verdict += u"\n" + tr("Note: %1").arg(item.note);
        break;
    }
    m_itemVerdict->setText(verdict);
    m_itemVerdict->setProperty("verdict", ReviewKeys::key(item.verdict));
}

void ReviewView::showDetails(const ReviewItemDetails &details)
{
    const ReviewItem *item = m_current >= 0 ? &m_state.sample.items.at(m_current) : nullptr;
    QString html;
    if (!details.item.label.isEmpty())
        html += u"<p><b>" + esc(details.item.label) + u"</b></p>";
    const QStringList findings = withFileNames(details.findings, details.files);
    // Reasons for the flag that the findings do not already say (a finding reads "warning " + the flag).
    QStringList flags = item ? withFileNames(item->flags, details.files) : QStringList();
    flags.removeIf([&findings](const QString &flag) {
        return std::any_of(findings.cbegin(), findings.cend(),
                           [&flag](const QString &finding) { return finding.endsWith(flag); });
    });
    if (!flags.isEmpty()) {
        html += u"<h4>" + esc(tr("Why it is flagged")) + u"</h4>";
        html += listHtml(flags, {});
    }
    html += u"<h4>" + esc(tr("Findings")) + u"</h4>";
    html += listHtml(findings, tr("No findings recorded for this item."));
    html += u"<h4>" + esc(tr("Duplicate case")) + u"</h4>";
    html += listHtml(details.duplicates, tr("No copies of these files are known."));
    html += u"<h4>" + esc(tr("Files")) + u"</h4><ul>";
    const QLocale locale;
    for (const FileRecord &f : details.files)
        html += u"<li>" + esc(f.name) + u" · " + esc(StatusInfo::displayName(f.status)) +
                (f.size >= 0 ? u" · " + esc(locale.formattedDataSize(f.size)) : QString()) +
                (f.mimetype.isEmpty() ? QString() : u" · " + esc(f.mimetype)) + u"</li>";
    html += u"</ul><h4>" + esc(tr("Metadata")) + u"</h4>";
    if (details.item.metadata.isEmpty()) {
        html += u"<p><i>" + esc(tr("No descriptive metadata.")) + u"</i></p>";
    } else {
        html += QStringLiteral("<table>");
        for (auto it = details.item.metadata.constBegin(); it != details.item.metadata.constEnd(); ++it)
            html += u"<tr><td><b>" + esc(it.key()) + u"</b>&nbsp;</td><td>" + esc(jsonText(it.value())) +
                    u"</td></tr>";
        html += QStringLiteral("</table>");
    }
    m_itemDetails->setHtml(html);

    QList<FileRecord> pages;
    for (const FileRecord &f : details.files) {
        if (previewable(f))
            pages.append(f);
    }
    if (pages.isEmpty())
        pages = details.files;
    // A refresh of the item on screen keeps the page and zoom the curator chose, unless its files changed.
    bool same = m_files->rowCount() == pages.size();
    for (int row = 0; same && row < pages.size(); ++row) {
        const FileRecord *shown = m_files->file(row);
        same = shown->id == pages.at(row).id && shown->storedKey == pages.at(row).storedKey;
    }
    if (!same) {
        m_files->reset(m_batchId);
        m_files->appendFiles(pages);
        if (m_files->rowCount() > 0)
            m_preview->setCurrentIndex(m_files->index(0, FileTableModel::NameColumn));
    }
    emit itemShown(details.item.id);
}

void ReviewView::updateSupplier()
{
    QString html;
    if (!m_state.previousProblems.isEmpty()) {
        html += u"<h4>" + esc(tr("What was wrong last time")) + u"</h4>";
        html += listHtml(m_state.previousProblems, {});
    }
    const QString supplier = m_state.summary.supplier;
    if (supplier.isEmpty()) {
        html += u"<p><i>" +
                esc(tr("No supplier recorded (set [review] supplier or suppliers in the settings).")) +
                u"</i></p>";
    } else {
        html += u"<h4>" + esc(tr("%1: last %2 batches").arg(supplier).arg(m_state.supplierHistory.size())) +
                u"</h4><table cellspacing=\"4\">";
        const QLocale locale;
        for (const SupplierBatch &b : std::as_const(m_state.supplierHistory)) {
            QString rate;
            if (b.reviewed > 0)
                rate = tr("%1 of %2 defective (%3 %)")
                           .arg(b.defects)
                           .arg(b.reviewed)
                           .arg(locale.toString(100.0 * b.defectRate(), 'f', 1));
            QString state = batchStateKey(b.state);
            if (b.state == BatchState::Open)
                state = ReviewKeys::displayName(b.verdict);
            html += u"<tr><td>" + esc(b.name) + u"</td><td>" + esc(state) + u"</td><td>" + esc(rate) +
                    u"</td><td>" +
                    (b.redeliveryOf > 0 ? esc(tr("re-delivers %1").arg(b.redeliveryOfName)) : QString()) +
                    u"</td></tr>";
        }
        html += QStringLiteral("</table>");
    }
    m_supplier->setHtml(html);
}

void ReviewView::updateDecisionButtons()
{
    const bool open = m_haveState && m_state.summary.state == BatchState::Open;
    m_approve->setText(tr("&Approve: %1").arg(approveConsequence()));
    m_reject->setText(tr("&Reject: %1").arg(BatchDecisions::rejectConsequence(m_state.storedCopies)));
    const bool can = open && !m_engineBusy && !m_deciding && m_pendingWrites == 0;
    m_approve->setEnabled(can);
    m_reject->setEnabled(can);
    m_target->setEnabled(open && !m_deciding);
    QString tip;
    if (m_engineBusy)
        tip = tr("A batch is running; decide when it has finished.");
    else if (open && !m_state.approvalBlockers.isEmpty())
        tip = tr("Approving now needs a reason to override: %1").arg(m_state.approvalBlockers.join(u' '));
    m_approve->setToolTip(tip);
    const bool verdicts = reviewOpen() && m_failPanel->isHidden();
    m_passAction->setEnabled(verdicts);
    m_failAction->setEnabled(verdicts);
    m_undoAction->setEnabled(verdicts);
    for (QAction *action : std::as_const(m_browseActions))
        action->setEnabled(m_failPanel->isHidden());
}

int ReviewView::nextUnreviewed(int from) const
{
    const int count = int(m_state.sample.items.size());
    for (int step = 1; step <= count; ++step) {
        const int i = (from + step + count) % count;
        if (m_state.sample.items.at(i).verdict == Verdict::None)
            return i;
    }
    return -1;
}

void ReviewView::pass()
{
    give(Verdict::Pass, {}, {});
}

void ReviewView::beginFail()
{
    if (!reviewOpen() || m_current < 0)
        return;
    if (m_reasons->count() == 0) {
        m_status->setText(
            tr("No defect reasons are set; add them in the settings ([review] defect_reasons)."));
        return;
    }
    m_note->clear();
    m_reasons->setCurrentRow(0);
    m_failPanel->show();
    m_reasons->setFocus(Qt::ShortcutFocusReason);
    updateDecisionButtons();
}

void ReviewView::confirmFail()
{
    if (m_failPanel->isHidden())
        return;
    QListWidgetItem *reason = m_reasons->currentItem();
    if (!reason)
        return;
    const QString defect = reason->data(Qt::UserRole).toString();
    const QString note = m_note->text();
    cancelFail();
    give(Verdict::Fail, defect, note);
}

void ReviewView::cancelFail()
{
    if (m_failPanel->isHidden())
        return;
    m_failPanel->hide();
    m_items->setFocus(Qt::OtherFocusReason);
    updateDecisionButtons();
}

bool ReviewView::eventFilter(QObject *watched, QEvent *event)
{
    if ((watched == m_reasons || watched == m_note) && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            confirmFail();
            return true;
        case Qt::Key_Escape:
            cancelFail();
            return true;
        default:
            break;
        }
        if (watched == m_reasons && key->key() >= Qt::Key_1 && key->key() <= Qt::Key_9 &&
            key->modifiers() == Qt::NoModifier) {
            const int row = key->key() - Qt::Key_1;
            if (row < m_reasons->count())
                m_reasons->setCurrentRow(row);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ReviewView::give(Verdict verdict, const QString &defect, const QString &note)
{
    if (!reviewOpen() || m_current < 0)
        return;
    ReviewItem &item = m_state.sample.items[m_current];
    m_undo.append({item.itemId, item.verdict, item.defect, item.note});
    // On screen at once; the catalog confirms through verdictSaved().
    item.verdict = verdict;
    item.defect = defect;
    item.note = note.trimmed();
    item.reviewer = m_state.curator;
    item.decidedAt = QDateTime::currentDateTimeUtc();
    save(item.itemId, verdict, defect, note);
    updateListRow(m_current);
    updateScoreboard();
    const int following = nextUnreviewed(m_current);
    if (following >= 0) {
        showItem(following);
    } else {
        updateItemPanel();
        m_status->setText(tr("Every item of the sample has a verdict."));
    }
}

void ReviewView::save(qint64 itemId, Verdict verdict, const QString &defect, const QString &note)
{
    ++m_pendingWrites;
    m_status->setStyleSheet({});
    m_status->setText(tr("Saving …"));
    updateDecisionButtons();
    QMetaObject::invokeMethod(
        m_session,
        [session = m_session.data(), batchId = m_batchId, itemId, verdict, defect, note] {
            session->setVerdict(batchId, itemId, verdict, defect, note);
        },
        Qt::QueuedConnection);
}

void ReviewView::undo()
{
    if (!reviewOpen() || m_undo.isEmpty()) {
        m_status->setText(tr("Nothing to undo."));
        return;
    }
    const Undo last = m_undo.takeLast();
    const qsizetype index = m_state.sample.indexOf(last.itemId);
    if (index < 0)
        return;
    ReviewItem &item = m_state.sample.items[index];
    item.verdict = last.verdict;
    item.defect = last.defect;
    item.note = last.note;
    save(last.itemId, last.verdict, last.defect, last.note);
    updateListRow(int(index));
    updateScoreboard();
    showItem(int(index));
}

void ReviewView::next()
{
    if (m_current + 1 < m_state.sample.items.size())
        showItem(m_current + 1);
}

void ReviewView::previous()
{
    if (m_current > 0)
        showItem(m_current - 1);
}

void ReviewView::toggleZoom()
{
    if (m_preview->fitsWindow())
        m_preview->zoomToActualSize();
    else
        m_preview->zoomToFit();
}

void ReviewView::refreshBatch(qint64 batchId)
{
    if (batchId == m_batchId || batchId == 0)
        refresh();
}

void ReviewView::refresh()
{
    if (m_batchId <= 0 || m_pendingWrites > 0 || m_deciding || !isVisible())
        return;
    m_details.remove(currentItemId());
    QMetaObject::invokeMethod(
        m_session, [session = m_session.data(), batchId = m_batchId] { session->refresh(batchId); },
        Qt::QueuedConnection);
    if (const qint64 itemId = currentItemId(); itemId > 0)
        QMetaObject::invokeMethod(
            m_session, [session = m_session.data(), itemId] { session->loadItem(itemId); },
            Qt::QueuedConnection);
}

namespace {

//! The confirmation of a decision: what it does, who decides, and why.
struct DecisionForm
{
    QDialog *dialog;
    QLineEdit *agent;
    QLineEdit *reason;
    QPushButton *confirm;
};

DecisionForm decisionForm(QWidget *parent, const QString &title, const QString &consequence,
                          const QString &explanation, const QString &reasonLabel, bool reasonRequired,
                          const QString &confirmText, const QString &agent, bool destructive)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(QStringLiteral("decisionDialog"));
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *text = new QLabel(u"<p><b>" + consequence.toHtmlEscaped() + u"</b></p>" + explanation, dialog);
    text->setObjectName(QStringLiteral("decisionConsequence"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    auto *who = new QLineEdit(agent, dialog);
    who->setObjectName(QStringLiteral("decisionAgent"));
    auto *why = new QLineEdit(dialog);
    why->setObjectName(QStringLiteral("decisionReason"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, dialog);
    auto *confirm = buttons->addButton(confirmText, QDialogButtonBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("decisionConfirm"));
    // A decision that deletes is never one Enter away: Cancel is the default there.
    confirm->setAutoDefault(!destructive);
    confirm->setDefault(!destructive);
    if (destructive) {
        QPushButton *cancel = buttons->button(QDialogButtonBox::Cancel);
        cancel->setAutoDefault(true);
        cancel->setDefault(true);
    }
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    const auto check = [who, why, confirm, reasonRequired] {
        confirm->setEnabled(!who->text().trimmed().isEmpty() &&
                            (!reasonRequired || !why->text().trimmed().isEmpty()));
    };
    QObject::connect(who, &QLineEdit::textChanged, dialog, check);
    QObject::connect(why, &QLineEdit::textChanged, dialog, check);
    check();
    auto *form = new QFormLayout;
    form->addRow(ReviewView::tr("Recorded a&s:"), who);
    form->addRow(reasonLabel, why);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(buttons);
    why->setFocus();
    dialog->resize(560, dialog->sizeHint().height());
    return {dialog, who, why, confirm};
}

} // namespace

QString ReviewView::approveConsequence() const
{
    const QString target = m_target->text().trimmed();
    if (target.isEmpty() && !m_state.handover.isEmpty())
        return m_state.handover;
    // A target the duplicates were classified against: its decisions may keep files back.
    if (const auto it = m_state.handoverByTarget.constFind(target); it != m_state.handoverByTarget.cend())
        return *it;
    return BatchDecisions::approveConsequence(
        m_state.storedCopies, target.isEmpty() ? QString() : UploadHandover::displayName(target));
}

void ReviewView::askApprove()
{
    if (!m_approve->isEnabled())
        return;
    const QString target = m_target->text().trimmed();
    const QStringList &blockers = m_state.approvalBlockers;
    QString explanation;
    if (blockers.isEmpty()) {
        explanation =
            u"<p>" + tr("The review closes: verdicts can no longer change.").toHtmlEscaped() + u"</p>";
    } else {
        explanation =
            u"<p>" + tr("Approval is refused now:").toHtmlEscaped() + u"</p>" + listHtml(blockers, {}) +
            u"<p>" +
            tr("Approving anyway needs a reason; it is recorded with the approval.").toHtmlEscaped() +
            u"</p>";
    }
    const DecisionForm form =
        decisionForm(this, tr("Approve batch %1?").arg(m_batchId), approveConsequence(), explanation,
                     blockers.isEmpty() ? tr("&Note (optional):") : tr("Reason for &overriding:"),
                     !blockers.isEmpty(), tr("&Approve"), m_state.curator, false);
    connect(form.dialog, &QDialog::accepted, this,
            [this, form, target, overriding = !blockers.isEmpty(), batchId = m_batchId] {
                const QString why = form.reason->text().trimmed();
                const QString agent = form.agent->text().trimmed();
                m_deciding = true;
                m_approving = true;
                updateDecisionButtons();
                m_status->setText(tr("Approving batch %1 …").arg(batchId));
                QMetaObject::invokeMethod(
                    m_session,
                    [session = m_session.data(), batchId, target,
                     overrideReason = overriding ? why : QString(), note = overriding ? QString() : why,
                     agent] { session->approve(batchId, target, overrideReason, note, agent); },
                    Qt::QueuedConnection);
            });
    form.dialog->open();
}

void ReviewView::askReject()
{
    if (!m_reject->isEnabled())
        return;
    const QString explanation =
        u"<p>" +
        tr("Catalog records, metadata and events are kept; the files are marked deleted. The reason goes to "
           "the supplier's history.")
            .toHtmlEscaped() +
        u"</p>";
    const DecisionForm form = decisionForm(
        this, tr("Reject batch %1?").arg(m_batchId), BatchDecisions::rejectConsequence(m_state.storedCopies),
        explanation, tr("&Reason:"), true, tr("Reject and &Delete"), m_state.curator, true);
    if (m_state.sample.drawn && m_state.sample.defects() > 0) {
        form.reason->setText(defectSummary(m_state.sample));
    }
    connect(form.dialog, &QDialog::accepted, this, [this, form, batchId = m_batchId] {
        const QString why = form.reason->text().trimmed();
        const QString agent = form.agent->text().trimmed();
        m_deciding = true;
        updateDecisionButtons();
        m_status->setText(tr("Rejecting batch %1 …").arg(batchId));
        QMetaObject::invokeMethod(
            m_session,
            [session = m_session.data(), batchId, why, agent] { session->reject(batchId, why, agent); },
            Qt::QueuedConnection);
    });
    form.dialog->open();
    // The reason is read from its start (focusing the field put the cursor at its end).
    QTimer::singleShot(0, form.reason, [reason = form.reason] { reason->setCursorPosition(0); });
}

} // namespace gh
