#include "uploadpreviewdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "catalog/catalog.h"
#include "store/bitstore.h"
#include "targets/targetregistry.h"
#include "targets/uploadpreview.h"

namespace gh {

namespace {

//! Everything on the worker thread: its own catalog connection and store, as core requires.
Result<QJsonObject> previewFile(const Workspace &workspace, const QString &settingsFile, qint64 fileId,
                                const QString &spec, const QString &titleTemplate)
{
    UploadSettings settings;
    if (!settingsFile.isEmpty()) {
        auto options = TargetOptions::fromFile(settingsFile);
        if (!options)
            return options.error();
        settings.options = *options;
    }
    settings.titleTemplate = titleTemplate;
    settings.dryRun = true;
    auto route = TargetRoute::make(spec);
    if (!route)
        return route.error();
    auto catalog = Catalog::open(workspace.catalog());
    if (!catalog)
        return catalog.error();
    auto store = openBitStore(workspace.storeSpec());
    if (!store)
        return store.error();
    TargetContext context;
    context.stagingDir = workspace.dataDir() + QStringLiteral("/staging");
    auto target = TargetRegistry::open(route->spec, settings.options, context);
    if (!target)
        return target.error();
    auto file = (*catalog)->file(fileId);
    if (!file)
        return file.error();
    UploadPreview preview(**catalog, **store, file->batchId, settings);
    return preview.file(**target, *route, fileId);
}

//! The first target recorded for the file's batch (by approval or an upload), or empty, and the file as
//! "item · name" for the title.
std::pair<QString, QString> recordedTarget(const Workspace &workspace, qint64 fileId)
{
    auto catalog = Catalog::open(workspace.catalog());
    if (!catalog)
        return {};
    auto file = (*catalog)->file(fileId);
    if (!file)
        return {};
    // As the file table shows it: the item, then the file's name within it.
    const QString label =
        file->item.isEmpty() ? file->name : UploadPreviewDialog::tr("%1 · %2").arg(file->item, file->name);
    auto specs = (*catalog)->batchTargetSpecs(file->batchId);
    return {specs && !specs->isEmpty() ? specs->first().spec : QString(), label};
}

} // namespace

UploadPreviewDialog::UploadPreviewDialog(const Workspace &workspace, const QString &settingsFile,
                                         qint64 fileId, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_settingsFile(settingsFile)
    , m_fileId(fileId)
    , m_target(new QLineEdit(this))
    , m_template(new QLineEdit(this))
    , m_name(new QLabel(this))
    , m_state(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
    , m_refresh(new QPushButton(tr("&Show"), this))
{
    setWindowTitle(tr("Upload Preview"));
    QString defaultTarget;
    if (!settingsFile.isEmpty()) {
        if (auto options = TargetOptions::fromFile(settingsFile))
            defaultTarget = options->defaultTarget;
    }
    m_target->setText(defaultTarget);
    m_target->setPlaceholderText(tr("mediawiki:https://commons.wikimedia.org/w/api.php"));
    m_template->setPlaceholderText(tr("{title:181} - {identifier}{ext} on wikis; the store key elsewhere"));
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_name->setWordWrap(true);
    m_state->setWordWrap(true);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *form = new QFormLayout;
    form->addRow(tr("&Target:"), m_target);
    form->addRow(tr("Title &template:"), m_template);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("On the target:"), m_state);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_refresh, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_refresh, &QPushButton::clicked, this, &UploadPreviewDialog::refresh);
    connect(m_target, &QLineEdit::returnPressed, this, &UploadPreviewDialog::refresh);
    connect(m_template, &QLineEdit::returnPressed, this, &UploadPreviewDialog::refresh);
    connect(&m_watcher, &QFutureWatcher<Result<QJsonObject>>::finished, this,
            [this] { showResult(m_watcher.result()); });
    // The batch's own target comes first; the field keeps whatever the curator typed meanwhile.
    connect(&m_batchTarget, &QFutureWatcher<Opening>::finished, this, [this] {
        const Opening opening = m_batchTarget.result();
        // Several previews may be open at once (the dialog does not block the window): each names its file.
        if (!opening.file.isEmpty())
            setWindowTitle(tr("Upload Preview: %1").arg(opening.file));
        const QString recorded = opening.target;
        if (m_asked)
            return;
        if (!recorded.isEmpty() && !m_target->isModified())
            m_target->setText(recorded);
        if (m_target->text().trimmed().isEmpty())
            m_state->setText(tr("Type a target first."));
        else
            refresh();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Page text:"), this));
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
    resize(760, 520);
    m_state->setText(tr("Looking up the batch's target…"));
    m_batchTarget.setFuture(QtConcurrent::run([workspace = m_workspace, fileId = m_fileId] {
        const auto [target, file] = recordedTarget(workspace, fileId);
        return Opening{target, file};
    }));
}

UploadPreviewDialog::~UploadPreviewDialog()
{
    m_batchTarget.waitForFinished();
    m_watcher.waitForFinished();
}

void UploadPreviewDialog::refresh()
{
    if (m_watcher.isRunning())
        return;
    m_asked = true;
    const QString spec = m_target->text().trimmed();
    if (spec.isEmpty()) {
        m_state->setText(tr("Type a target first."));
        return;
    }
    m_refresh->setEnabled(false);
    m_state->setText(tr("Asking the target…"));
    m_watcher.setFuture(QtConcurrent::run(previewFile, m_workspace, m_settingsFile, m_fileId, spec,
                                          m_template->text().trimmed()));
}

void UploadPreviewDialog::showResult(const Result<QJsonObject> &result)
{
    m_refresh->setEnabled(true);
    if (!result) {
        m_preview = {};
        m_name->clear();
        m_text->clear();
        m_state->setText(result.error().message);
        emit previewReady();
        return;
    }
    m_preview = *result;
    QString name = m_preview.value(QStringLiteral("name")).toString();
    if (const QString rule = m_preview.value(QStringLiteral("derive")).toString(); !rule.isEmpty())
        name += u'\n' + tr("converted by %1").arg(rule);
    m_name->setText(name);
    const QString message = m_preview.value(QStringLiteral("message")).toString();
    const QString state = UploadPreview::stateText(m_preview.value(QStringLiteral("state")).toString());
    m_state->setText(message.isEmpty() ? state : tr("%1: %2").arg(state, message));
    QString text = m_preview.value(QStringLiteral("text")).toString();
    if (m_preview.contains(QStringLiteral("summary")))
        text = tr("Summary: %1").arg(m_preview.value(QStringLiteral("summary")).toString()) +
               QStringLiteral("\n\n") + text;
    m_text->setPlainText(text);
    emit previewReady();
}

} // namespace gh
