#include "duplicatesview.h"

#include <algorithm>

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QThread>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "duplicatesmodel.h"
#include "net/httpengine.h"
#include "targets/targetregistry.h"

namespace gh {

namespace {

constexpr int s_thumbSide = 200;
constexpr qint64 s_maxRemoteBytes = 64 * 1024 * 1024;

struct Decoded
{
    QImage image;
    QSize size; //!< The full image's dimensions.
};

//! Decodes a thumbnail from \a path or \a bytes (on a pool thread), reading only what the size needs.
Decoded decode(const QString &path, const QByteArray &bytes)
{
    QBuffer buffer;
    QImageReader reader;
    if (path.isEmpty()) {
        buffer.setData(bytes);
        buffer.open(QIODevice::ReadOnly);
        reader.setDevice(&buffer);
    } else {
        reader.setFileName(path);
    }
    reader.setAutoTransform(true);
    Decoded d;
    d.size = reader.size();
    if (d.size.isValid())
        reader.setScaledSize(d.size.scaled(s_thumbSide, s_thumbSide, Qt::KeepAspectRatio));
    d.image = reader.read();
    if (!d.size.isValid() && !d.image.isNull())
        d.size = d.image.size();
    return d;
}

//! The target's object that decides the case: our bytes elsewhere, else what holds our name.
QJsonObject theirObject(const DuplicateRecord &r)
{
    const QJsonArray elsewhere = r.details.value(QStringLiteral("elsewhere")).toArray();
    if (!elsewhere.isEmpty() &&
        (r.dupCase == DuplicateCase::HashElsewhere || r.dupCase == DuplicateCase::HashElsewhereNameTaken ||
         r.dupCase == DuplicateCase::EarlierBatch))
        return elsewhere.first().toObject();
    if (r.details.contains(QStringLiteral("named")))
        return r.details.value(QStringLiteral("named")).toObject();
    if (!elsewhere.isEmpty())
        return elsewhere.first().toObject();
    return {};
}

//! A digest that may wrap between groups of eight characters, so the comparison stays narrow.
QString breakable(const QString &digest)
{
    QString html;
    for (qsizetype i = 0; i < digest.size(); i += 8)
        html += (i > 0 ? QStringLiteral("&#8203;") : QString()) + digest.mid(i, 8).toHtmlEscaped();
    return html;
}

QString sizeText(qint64 bytes)
{
    return bytes < 0 ? QString() : QLocale().formattedDataSize(bytes);
}

QString factsHtml(const QList<std::pair<QString, QString>> &facts)
{
    QString html = QStringLiteral("<table>");
    for (const auto &[label, value] : facts) {
        if (value.isEmpty())
            continue;
        html +=
            QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(label.toHtmlEscaped(), value);
    }
    return html + QStringLiteral("</table>");
}

} // namespace

DuplicatesView::DuplicatesView(const Workspace &workspace, const QString &settingsFile,
                               QThread *serviceThread, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_service(new DuplicateService(workspace, settingsFile))
    , m_model(new DuplicatesModel(this))
{
    m_service->moveToThread(serviceThread);
    connect(serviceThread, &QThread::finished, m_service, &QObject::deleteLater);
    connect(m_service, &DuplicateService::loaded, this, &DuplicatesView::showLoaded);
    connect(m_service, &DuplicateService::decided, this,
            [this](const DuplicateDecisionOutcome &outcome, bool) {
                if (!outcome.refused.isEmpty())
                    m_status->setText(outcome.refused.join(u'\n'));
                emit decisionsChanged(m_batchId);
            });
    connect(m_service, &DuplicateService::failed, this, [this](const QString &message) {
        m_status->setText(message);
        m_checkButton->setEnabled(true);
    });
    connect(m_service, &DuplicateService::classifyProgress, this, [this](qint64 done, qint64 total) {
        m_status->setText(tr("Checking for duplicates: %1 of %2 files…").arg(done).arg(total));
    });
    connect(m_service, &DuplicateService::classified, this, [this](const DedupSummary &) {
        m_checkButton->setEnabled(true);
        emit decisionsChanged(m_batchId);
    });
    connect(m_service, &DuplicateService::moveAllowed, this,
            [this](const QString &target, bool allowed, const QString &) {
                m_moveAllowed.insert(target, allowed);
                updateButtons();
            });
    build();
}

DuplicatesView::~DuplicatesView()
{
    if (m_service) {
        m_service->cancel();
        m_service->deleteLater();
    }
}

void DuplicatesView::build()
{
    m_targets = new QComboBox(this);
    m_targets->setObjectName(QStringLiteral("duplicateTargets"));
    m_targets->setAccessibleName(tr("Target"));
    m_checkTarget = new QLineEdit(this);
    m_checkTarget->setObjectName(QStringLiteral("checkTarget"));
    m_checkTarget->setAccessibleName(tr("Check against"));
    m_checkTarget->setPlaceholderText(tr("mediawiki:https://commons.wikimedia.org/w/api.php"));
    m_checkButton = new QPushButton(tr("&Check"), this);
    m_checkButton->setToolTip(tr("Classify every fetched file of the batch against this target."));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("duplicateStatus"));
    m_status->setWordWrap(true);

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("duplicateTree"));
    m_tree->setAccessibleName(tr("Files needing a decision"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    // Every column as wide as its texts (showLoaded() sizes them, fitList() makes room for them).
    m_tree->header()->setStretchLastSection(false);

    m_caseText = new QLabel(this);
    m_caseText->setObjectName(QStringLiteral("caseText"));
    m_caseText->setWordWrap(true);
    m_ourThumb = new QLabel(this);
    m_theirThumb = new QLabel(this);
    for (QLabel *thumb : {m_ourThumb, m_theirThumb}) {
        thumb->setFixedSize(s_thumbSide, s_thumbSide);
        thumb->setAlignment(Qt::AlignCenter);
        thumb->setFrameShape(QFrame::StyledPanel);
    }
    m_ourThumb->setObjectName(QStringLiteral("ourThumbnail"));
    m_theirThumb->setObjectName(QStringLiteral("theirThumbnail"));
    m_ourFacts = new QLabel(this);
    m_theirFacts = new QLabel(this);
    m_theirFacts->setOpenExternalLinks(true);
    for (QLabel *facts : {m_ourFacts, m_theirFacts}) {
        facts->setTextFormat(Qt::RichText);
        facts->setTextInteractionFlags(Qt::TextBrowserInteraction);
        facts->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        facts->setWordWrap(true);
    }
    auto *compare = new QWidget(this);
    auto *grid = new QGridLayout(compare);
    grid->addWidget(new QLabel(tr("<b>Ours</b>"), compare), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Theirs</b>"), compare), 0, 1);
    grid->addWidget(m_ourThumb, 1, 0);
    grid->addWidget(m_theirThumb, 1, 1);
    grid->addWidget(m_ourFacts, 2, 0);
    grid->addWidget(m_theirFacts, 2, 1);
    grid->addWidget(m_caseText, 3, 0, 1, 2);
    grid->setRowStretch(4, 1);

    m_splitter = new QSplitter(this);
    auto *splitter = m_splitter;
    splitter->addWidget(m_tree);
    splitter->addWidget(compare);
    splitter->setStretchFactor(0, 1);
    splitter->setChildrenCollapsible(false);
    // A first guess; fitList() gives the list the width its columns need once the cases are loaded.
    splitter->setSizes({460, 640});

    m_note = new QLineEdit(this);
    m_note->setObjectName(QStringLiteral("decisionNote"));
    m_note->setPlaceholderText(tr("Why (recorded with the next decision)"));
    auto *buttons = new QHBoxLayout;
    const QList<std::pair<DuplicateAction, Qt::Key>> keys{
        {DuplicateAction::Skip, Qt::Key_S},   {DuplicateAction::Upload, Qt::Key_U},
        {DuplicateAction::Rename, Qt::Key_R}, {DuplicateAction::Overwrite, Qt::Key_O},
        {DuplicateAction::Move, Qt::Key_M},   {DuplicateAction::Link, Qt::Key_L},
        {DuplicateAction::HandFix, Qt::Key_H}};
    for (const auto &[action, key] : keys) {
        auto *button =
            new QPushButton(tr("%1 (%2)").arg(DuplicateInfo::displayName(action),
                                              QKeySequence(key).toString(QKeySequence::NativeText)),
                            this);
        button->setObjectName(QStringLiteral("action-") + DuplicateInfo::key(action));
        button->setFocusPolicy(Qt::NoFocus);
        connect(button, &QPushButton::clicked, this, [this, a = action] { act(a); });
        auto *shortcut = new QShortcut(QKeySequence(key), this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, [this, a = action] { act(a); });
        m_buttons.insert(action, button);
        buttons->addWidget(button);
    }
    m_allSimilar = new QCheckBox(this);
    m_allSimilar->setObjectName(QStringLiteral("allSimilar"));
    m_allSimilar->setFocusPolicy(Qt::NoFocus);
    auto *all = new QShortcut(QKeySequence(Qt::Key_A), this);
    all->setContext(Qt::WidgetWithChildrenShortcut);
    connect(all, &QShortcut::activated, m_allSimilar, &QCheckBox::toggle);
    buttons->addWidget(m_allSimilar);
    buttons->addStretch();
    m_undo = new QPushButton(
        tr("Undo (%1)").arg(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)), this);
    m_undo->setObjectName(QStringLiteral("undoDecision"));
    m_undo->setFocusPolicy(Qt::NoFocus);
    connect(m_undo, &QPushButton::clicked, this, &DuplicatesView::undoLast);
    auto *undo = new QShortcut(QKeySequence::Undo, this);
    undo->setContext(Qt::WidgetWithChildrenShortcut);
    connect(undo, &QShortcut::activated, this, &DuplicatesView::undoLast);
    buttons->addWidget(m_undo);

    auto *top = new QHBoxLayout;
    auto *targetLabel = new QLabel(tr("&Target:"), this);
    targetLabel->setBuddy(m_targets);
    top->addWidget(targetLabel);
    top->addWidget(m_targets, 1);
    // Which cases are shown (the combo) and what a new check runs against (the field) are two choices.
    auto *checkLabel = new QLabel(tr("Check a&gainst:"), this);
    checkLabel->setBuddy(m_checkTarget);
    top->addWidget(checkLabel);
    top->addWidget(m_checkTarget, 1);
    top->addWidget(m_checkButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_note);
    layout->addLayout(buttons);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &DuplicatesView::showCurrent);
    connect(m_targets, &QComboBox::activated, this, [this] { reload(); });
    connect(m_checkButton, &QPushButton::clicked, this, &DuplicatesView::classify);
    connect(m_checkTarget, &QLineEdit::returnPressed, this, &DuplicatesView::classify);
    connect(m_allSimilar, &QCheckBox::toggled, this, &DuplicatesView::updateButtons);
    setFocusProxy(m_tree);
    updateButtons();
}

void DuplicatesView::setBatch(qint64 batchId)
{
    if (batchId == m_batchId)
        return;
    m_batchId = batchId;
    m_undoStack.clear();
    m_selectAfterLoad = 0;
    m_model->setView(DuplicateView{});
    m_targets->clear();
    reload();
}

void DuplicatesView::reload()
{
    if (m_batchId <= 0)
        return;
    const qint64 batch = m_batchId;
    const QString target = m_targets->currentText();
    QMetaObject::invokeMethod(m_service.data(),
                              [service = m_service.data(), batch, target] { service->load(batch, target); });
}

void DuplicatesView::refresh()
{
    if (m_batchId <= 0)
        return;
    m_keepPlace = true;
    reload();
}

qint64 DuplicatesView::openCount() const
{
    return m_model->view().open;
}

qint64 DuplicatesView::currentFile() const
{
    return m_tree->currentIndex().data(DuplicatesModel::FileIdRole).toLongLong();
}

void DuplicatesView::showLoaded(const DuplicateView &view)
{
    if (view.batchId != m_batchId)
        return;
    const qint64 keep = m_selectAfterLoad > 0 ? m_selectAfterLoad : currentFile();
    const bool keepPlace = std::exchange(m_keepPlace, false) && m_selectAfterLoad == 0;
    const int scroll = m_tree->verticalScrollBar()->value();
    m_selectAfterLoad = 0;
    {
        const QSignalBlocker blocker(m_targets);
        m_targets->clear();
        m_targets->addItems(view.targets);
        m_targets->setCurrentText(view.target);
    }
    m_model->setView(view);
    m_tree->expandAll();
    // The case rows ("Name taken (3)") span the columns, so their label is never cut.
    for (int row = 0; row < m_model->rowCount(); ++row)
        m_tree->setFirstColumnSpanned(row, QModelIndex(), true);
    for (int c = 0; c < DuplicatesModel::ColumnCount; ++c)
        m_tree->resizeColumnToContents(c);
    fitList();
    qint64 select = m_model->indexForFile(keep).isValid() ? keep : 0;
    if (!keepPlace && (select == 0 || !m_model->record(select)->isOpen())) {
        if (const qint64 next = m_model->nextOpen(select))
            select = next;
    }
    const QModelIndex index = select > 0 ? m_model->indexForFile(select) : m_model->index(0, 0);
    if (index.isValid()) {
        const bool same = m_tree->currentIndex() == index;
        m_tree->setCurrentIndex(index);
        if (same)
            showCurrent(); // the same file, perhaps decided by someone else meanwhile
    } else {
        showCurrent();
    }
    if (keepPlace)
        m_tree->verticalScrollBar()->setValue(scroll);

    if (view.target.isEmpty()) {
        m_status->setText(
            tr("This batch was not checked for duplicates yet: type a target and press Check."));
    } else if (view.open > 0) {
        m_status->setText(tr("%n file(s) wait for a decision against %1. The upload waits until none does.",
                             nullptr, int(view.open))
                              .arg(view.target));
    } else {
        m_status->setText(
            tr("No file waits for a decision against %1; the upload may go ahead.").arg(view.target));
    }
    if (m_checkTarget->text().isEmpty())
        m_checkTarget->setText(view.target);
    if (TargetRegistry::schemeOf(view.target) == u"mediawiki" && !m_moveAllowed.contains(view.target)) {
        const QString target = view.target;
        QMetaObject::invokeMethod(m_service.data(),
                                  [service = m_service.data(), target] { service->checkMove(target); });
    }
    updateButtons();
    emit casesLoaded(view.batchId, view.open);
}

void DuplicatesView::showCurrent()
{
    updateButtons();
    const qint64 fileId = currentFile();
    const DuplicateRecord *r = fileId > 0 ? m_model->record(fileId) : nullptr;
    if (!r) {
        m_caseText->clear();
        m_ourFacts->clear();
        m_theirFacts->clear();
        m_ourThumb->clear();
        m_theirThumb->clear();
        return;
    }
    const DuplicateView &view = m_model->view();
    const FileRecord ours = view.files.value(r->fileId);
    m_ourFacts->setText(
        factsHtml({{tr("File"), QString(ours.item + u'/' + ours.name).toHtmlEscaped()},
                   {tr("Name there"), r->intendedName.toHtmlEscaped()},
                   {tr("Size"), sizeText(ours.size)},
                   {tr("Type"), ours.mimetype.toHtmlEscaped()},
                   {tr("Fetched"), QLocale().toString(ours.processedAt.toLocalTime(), QLocale::ShortFormat)},
                   {tr("SHA-1"), breakable(r->sent.sha1)}}));

    QString caseText = u"<b>" + DuplicateInfo::displayName(r->dupCase).toHtmlEscaped() + u"</b>: " +
                       DuplicateInfo::description(r->dupCase).toHtmlEscaped();
    if (r->deletedForCopyright)
        caseText += u"<br>" + tr("The target deleted these bytes before, <b>for copyright</b>.");
    else if (r->deletedBefore)
        caseText += u"<br>" + tr("The target deleted these bytes before.");
    if (r->details.value(QStringLiteral("name_was_deleted")).toBool())
        caseText += u"<br>" + tr("A file with our name was deleted there before.");
    for (const QJsonValue &d : r->details.value(QStringLiteral("deleted")).toArray()) {
        const QJsonObject o = d.toObject();
        caseText += u"<br>" + tr("Deleted: %1 (%2)")
                                  .arg(o.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                       o.value(QStringLiteral("deletion_reason")).toString().toHtmlEscaped());
    }
    if (r->decision) {
        const QString who = r->decision->decidedBy.startsWith(u"curator:") ? r->decision->decidedBy.mid(8)
                                                                           : r->decision->decidedBy;
        caseText +=
            u"<br>" +
            tr("Decided: %1 by %2 on %3")
                .arg(DuplicateInfo::displayName(r->decision->action).toHtmlEscaped(), who.toHtmlEscaped(),
                     QLocale().toString(r->decision->decidedAt.toLocalTime(), QLocale::ShortFormat));
        if (!r->decision->note.isEmpty())
            caseText += QStringLiteral(" — ") + r->decision->note.toHtmlEscaped();
    }
    m_caseText->setText(caseText);

    // Theirs: the catalog's file for in-batch and earlier-batch cases, else what the target holds.
    const QJsonObject remote = theirObject(*r);
    QList<std::pair<QString, QString>> facts;
    QString theirUrl;
    QString theirPath;
    if (r->existingFile > 0 && view.files.contains(r->existingFile)) {
        const FileRecord first = view.files.value(r->existingFile);
        facts.append({tr("File"), QString(first.item + u'/' + first.name).toHtmlEscaped()});
        facts.append({tr("Batch"), QString::number(first.batchId)});
        facts.append({tr("Size"), sizeText(first.size)});
        theirPath = view.localPaths.value(r->existingFile);
    }
    if (!remote.isEmpty()) {
        const QString pageUrl = remote.value(QStringLiteral("page_url")).toString();
        const QString name = remote.value(QStringLiteral("name")).toString().toHtmlEscaped();
        facts.append(
            {tr("Name"), pageUrl.isEmpty()
                             ? name
                             : QStringLiteral("<a href=\"%1\">%2</a>").arg(pageUrl.toHtmlEscaped(), name)});
        if (remote.contains(QStringLiteral("size")))
            facts.append({tr("Size"), sizeText(remote.value(QStringLiteral("size")).toInteger())});
        if (remote.contains(QStringLiteral("width")))
            facts.append({tr("Dimensions"), tr("%1 × %2")
                                                .arg(remote.value(QStringLiteral("width")).toInt())
                                                .arg(remote.value(QStringLiteral("height")).toInt())});
        const QDateTime uploaded =
            QDateTime::fromString(remote.value(QStringLiteral("uploaded")).toString(), Qt::ISODate);
        if (uploaded.isValid())
            facts.append({tr("Uploaded"), QLocale().toString(uploaded.toLocalTime(), QLocale::ShortFormat)});
        facts.append({tr("Uploader"), remote.value(QStringLiteral("uploader")).toString().toHtmlEscaped()});
        facts.append({tr("SHA-1"), breakable(remote.value(QStringLiteral("sha1")).toString())});
        theirUrl = remote.value(QStringLiteral("url")).toString();
    } else if (r->existingFile <= 0) {
        facts.append({tr("Name"), r->existingName.toHtmlEscaped()});
    }
    m_theirFacts->setText(factsHtml(facts));

    m_ourThumb->setText(tr("Loading…"));
    m_theirThumb->setText(theirUrl.isEmpty() && theirPath.isEmpty() ? tr("No picture") : tr("Loading…"));
    loadOurs(r->fileId, view.localPaths.value(r->fileId));
    if (!theirPath.isEmpty() || !theirUrl.isEmpty())
        loadTheirs(r->fileId, theirUrl, theirPath);
}

int DuplicatesView::listWidthNeeded() const
{
    int need = 2 * m_tree->frameWidth() + m_tree->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < DuplicatesModel::ColumnCount; ++c)
        need += m_tree->columnWidth(c); // sized to their contents by showLoaded()
    return need;
}

void DuplicatesView::fitList()
{
    // The list as wide as its columns, as far as the comparison beside it keeps its own minimum.
    if (!m_splitter)
        return;
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    const int need = listWidthNeeded();
    if (total <= 0 || sizes.value(0) >= need)
        return;
    const int compareMinimum = m_splitter->widget(1)->minimumSizeHint().width();
    const int list = std::max(sizes.value(0), std::min(need, total - compareMinimum));
    m_splitter->setSizes({list, total - list});
}

void DuplicatesView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    fitList();
}

void DuplicatesView::setThumbnail(QLabel *label, const QImage &image, const QString &missing)
{
    if (image.isNull())
        label->setText(missing);
    else
        label->setPixmap(QPixmap::fromImage(image));
}

void DuplicatesView::loadOurs(qint64 fileId, const QString &path)
{
    if (path.isEmpty()) {
        m_ourThumb->setText(tr("No picture"));
        return;
    }
    auto *watcher = new QFutureWatcher<Decoded>(this);
    connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, fileId] {
        watcher->deleteLater();
        if (currentFile() != fileId)
            return;
        const Decoded d = watcher->result();
        setThumbnail(m_ourThumb, d.image, tr("No picture"));
        if (d.size.isValid()) {
            m_ourFacts->setText(m_ourFacts->text().replace(
                QStringLiteral("</table>"),
                QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr></table>")
                    .arg(tr("Dimensions").toHtmlEscaped(),
                         tr("%1 × %2").arg(d.size.width()).arg(d.size.height()))));
        }
        emit thumbnailShown(fileId, false);
    });
    watcher->setFuture(QtConcurrent::run(decode, path, QByteArray()));
}

void DuplicatesView::loadTheirs(qint64 fileId, const QString &url, const QString &localPath)
{
    auto show = [this, fileId](const QImage &image) {
        if (currentFile() != fileId)
            return;
        setThumbnail(m_theirThumb, image, tr("No picture"));
        emit thumbnailShown(fileId, true);
    };
    auto decodeLater = [this, show](const QString &path, const QByteArray &bytes, const QString &cacheKey) {
        auto *watcher = new QFutureWatcher<Decoded>(this);
        connect(watcher, &QFutureWatcher<Decoded>::finished, this, [this, watcher, show, cacheKey] {
            watcher->deleteLater();
            const Decoded d = watcher->result();
            if (!cacheKey.isEmpty() && !d.image.isNull()) {
                if (m_remoteCache.size() > 200)
                    m_remoteCache.clear();
                m_remoteCache.insert(cacheKey, d.image);
            }
            show(d.image);
        });
        watcher->setFuture(QtConcurrent::run(decode, path, bytes));
    };
    if (!localPath.isEmpty()) {
        decodeLater(localPath, {}, {});
        return;
    }
    if (const auto cached = m_remoteCache.constFind(url); cached != m_remoteCache.cend()) {
        show(*cached);
        return;
    }
    const QUrl parsed(url);
    if (parsed.isLocalFile()) {
        decodeLater(parsed.toLocalFile(), {}, url);
        return;
    }
    if (parsed.scheme() != u"http" && parsed.scheme() != u"https") {
        m_theirThumb->setText(tr("No picture"));
        return;
    }
    // The target's copy, fetched on the HTTP engine's thread and decoded on a pool thread.
    if (!m_http) {
        HttpEngineOptions options;
        options.jobs = 2;
        options.perHost = 2;
        m_http = std::make_unique<HttpEngine>(options);
    }
    HttpRequest request;
    request.url = parsed;
    request.followRedirects = 5;
    request.maxBodyBytes = s_maxRemoteBytes;
    HttpCallOptions call;
    call.maxBufferedBytes = s_maxRemoteBytes;
    m_http->start(request, call, this, [this, url, decodeLater](Result<HttpReply> reply) {
        if (!reply || !reply->isSuccess()) {
            m_theirThumb->setText(tr("Cannot fetch %1").arg(url));
            return;
        }
        decodeLater({}, reply->body, url);
    });
}

void DuplicatesView::updateButtons()
{
    const qint64 fileId = currentFile();
    const DuplicateRecord *r = fileId > 0 ? m_model->record(fileId) : nullptr;
    const QList<DuplicateAction> allowed = r ? DuplicateSolver::allowedActions(*r) : QList<DuplicateAction>();
    const QString target = m_model->view().target;
    for (auto it = m_buttons.begin(); it != m_buttons.end(); ++it) {
        bool enabled = allowed.contains(it.key());
        QString tip = r ? DuplicateSolver::refusal(*r, it.key()) : QString();
        if (enabled && it.key() == DuplicateAction::Move && !m_moveAllowed.value(target, false)) {
            enabled = false;
            tip = m_moveAllowed.contains(target) ? tr("The account may not move files on this wiki.")
                                                 : tr("Asking the wiki whether the account may move files…");
        }
        it.value()->setEnabled(enabled);
        it.value()->setToolTip(tip);
    }
    const qsizetype similar = r ? m_model->openOfCase(r->dupCase).size() : 0;
    m_allSimilar->setText(tr("All %n similar (A)", nullptr, int(similar)));
    m_allSimilar->setEnabled(similar > 1);
    m_undo->setEnabled(!m_undoStack.isEmpty() || (r && r->decision));
}

void DuplicatesView::act(DuplicateAction action)
{
    const qint64 fileId = currentFile();
    const DuplicateRecord *r = fileId > 0 ? m_model->record(fileId) : nullptr;
    if (!r || !m_buttons.value(action)->isEnabled())
        return;
    const bool all = m_allSimilar->isChecked() && m_allSimilar->isEnabled();
    DecisionRequest request;
    request.target = m_model->view().target;
    request.action = action;
    request.note = m_note->text().trimmed();
    request.curator = m_curator;
    QList<qint64> decided;
    if (all) {
        request.dupCase = r->dupCase;
        request.onlyOpen = true;
        decided = m_model->openOfCase(r->dupCase);
    } else {
        request.fileIds = {r->fileId};
        decided = {r->fileId};
    }
    if (action == DuplicateAction::Rename && !all) {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("Rename"),
                                  tr("The name on %1 (leave it empty for a numbered name such as %2):")
                                      .arg(request.target, DuplicateSolver::numberedName(r->intendedName, 2)),
                                  QLineEdit::Normal, DuplicateSolver::numberedName(r->intendedName, 2), &ok);
        if (!ok)
            return;
        request.name = name.trimmed();
    }
    m_selectAfterLoad = m_model->nextOpen(r->fileId, QSet<qint64>(decided.cbegin(), decided.cend()));
    if (m_selectAfterLoad == 0)
        m_selectAfterLoad = r->fileId;
    m_undoStack.append(decided);
    m_note->clear();
    m_allSimilar->setChecked(false);
    const qint64 batch = m_batchId;
    QMetaObject::invokeMethod(
        m_service.data(), [service = m_service.data(), batch, request] { service->decide(batch, request); });
}

void DuplicatesView::undoLast()
{
    QList<qint64> files;
    if (!m_undoStack.isEmpty()) {
        files = m_undoStack.takeLast();
    } else {
        const qint64 fileId = currentFile();
        const DuplicateRecord *r = fileId > 0 ? m_model->record(fileId) : nullptr;
        if (!r || !r->decision)
            return;
        files = {fileId};
    }
    m_selectAfterLoad = files.constFirst();
    const qint64 batch = m_batchId;
    const QString target = m_model->view().target;
    const QString curator = m_curator;
    QMetaObject::invokeMethod(m_service.data(), [service = m_service.data(), batch, files, target, curator] {
        service->undo(batch, files, target, curator);
    });
}

void DuplicatesView::classify()
{
    const QString target = m_checkTarget->text().trimmed();
    if (m_batchId <= 0 || target.isEmpty()) {
        m_status->setText(tr("Type the target to check against first."));
        return;
    }
    m_checkButton->setEnabled(false);
    m_status->setText(tr("Checking for duplicates against %1…").arg(target));
    const qint64 batch = m_batchId;
    {
        const QSignalBlocker blocker(m_targets);
        if (m_targets->findText(target) < 0)
            m_targets->addItem(target);
        m_targets->setCurrentText(target);
    }
    QMetaObject::invokeMethod(m_service.data(), [service = m_service.data(), batch, target] {
        service->classify(batch, target, {});
    });
}

} // namespace gh
