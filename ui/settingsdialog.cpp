#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTextDocument>
#include <QVBoxLayout>
#include <QtMath>

#include "columnmappingeditor.h"
#include "pipeline/curator.h"
#include "pipeline/settings.h"
#include "qaprofileeditor.h"
#include "store/storekey.h"

namespace gh {

namespace {

//! A size limit as the curator would type it: 500M, 2G, or bytes; empty for no limit.
QString sizeText(qint64 bytes)
{
    return bytes > 0 ? SettingsTable::formatSize(bytes) : QString();
}

//! A field's complaint, shown right under it in words and colour; hidden while there is none.
QLabel *errorLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    label->setPalette(palette);
    label->hide();
    return label;
}

QWidget *withBrowse(QLineEdit *edit, const std::function<void()> &browse, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *button = new QPushButton(SettingsDialog::tr("Choose…"), row);
    button->setAccessibleName(SettingsDialog::tr("Choose %1").arg(edit->accessibleName()));
    QObject::connect(button, &QPushButton::clicked, row, browse);
    layout->addWidget(button);
    return row;
}

} // namespace

SettingsDialog::SettingsDialog(const Preferences &preferences, QWidget *parent)
    : QDialog(parent)
    , m_original(preferences)
    , m_jobs(new QSpinBox(this))
    , m_perHost(new QSpinBox(this))
    , m_maxSize(new QLineEdit(this))
    , m_accept(new QLineEdit(this))
    , m_contact(new QLineEdit(this))
    , m_freshness(new QCheckBox(tr("Skip requests while the server says a copy is fresh"), this))
    , m_banned(new QLineEdit(this))
    , m_hotFolder(new QLineEdit(this))
    , m_keyTemplate(new QLineEdit(this))
    , m_sync(new QComboBox(this))
    , m_maxSizeError(errorLabel(this, QStringLiteral("maxSizeError")))
    , m_keyTemplateError(errorLabel(this, QStringLiteral("keyTemplateError")))
    , m_curator(new QLineEdit(this))
    , m_aql(new QComboBox(this))
    , m_level(new QComboBox(this))
    , m_defectReasons(new QPlainTextEdit(this))
    , m_supplier(new QLineEdit(this))
    , m_suppliers(new QLineEdit(this))
    , m_defaultTarget(new QLineEdit(this))
    , m_targetFilter(new QLineEdit(this))
    , m_wikiUser(new QLineEdit(this))
    , m_wikiPassword(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings"));
    const TransferOptions &t = preferences.options.transfer;

    auto *downloads = new QWidget(this);
    auto *downloadsForm = new QFormLayout(downloads);
    m_jobs->setRange(1, 256);
    m_jobs->setValue(t.jobs);
    m_jobs->setAccessibleName(tr("Parallel transfers"));
    downloadsForm->addRow(tr("&Parallel transfers:"), m_jobs);
    m_perHost->setRange(1, 256);
    m_perHost->setValue(t.perHost);
    m_perHost->setAccessibleName(tr("Connections per host"));
    downloadsForm->addRow(tr("Connections per &host:"), m_perHost);
    m_maxSize->setText(sizeText(t.maxSize));
    m_maxSize->setPlaceholderText(tr("no limit (e.g. 500M, 2G)"));
    m_maxSize->setAccessibleName(tr("Largest file to accept"));
    downloadsForm->addRow(tr("&Largest file:"), m_maxSize);
    downloadsForm->addRow(QString(), m_maxSizeError);
    m_accept->setText(t.accept.join(QStringLiteral(", ")));
    m_accept->setPlaceholderText(tr("any type (e.g. image/*, application/pdf)"));
    m_accept->setAccessibleName(tr("Accepted types"));
    downloadsForm->addRow(tr("&Accepted types:"), m_accept);
    // The built-in contact is a placeholder address, not the curator's: the field starts empty with a hint.
    m_contact->setText(t.contact == TransferOptions().contact ? QString() : t.contact);
    m_contact->setPlaceholderText(tr("your e-mail address or web page"));
    m_contact->setAccessibleName(tr("Contact sent to servers"));
    m_contact->setToolTip(tr("Sent in every request's User-Agent, so server operators can reach you."));
    downloadsForm->addRow(tr("&Contact for servers:"), m_contact);
    m_freshness->setChecked(t.honourFreshness);
    downloadsForm->addRow(QString(), m_freshness);

    auto *intake = new QWidget(this);
    auto *intakeForm = new QFormLayout(intake);
    m_banned->setText(preferences.options.bannedList);
    m_banned->setAccessibleName(tr("Banned records file"));
    m_banned->setPlaceholderText(tr("none"));
    intakeForm->addRow(tr("&Banned records:"), withBrowse(
                                                   m_banned,
                                                   [this] {
                                                       const QString file = QFileDialog::getOpenFileName(
                                                           this, tr("Banned records"), m_banned->text());
                                                       if (!file.isEmpty())
                                                           m_banned->setText(file);
                                                   },
                                                   intake));
    m_hotFolder->setText(preferences.hotFolder);
    m_hotFolder->setAccessibleName(tr("Hot folder"));
    m_hotFolder->setPlaceholderText(tr("none"));
    m_hotFolder->setToolTip(
        tr("New deliveries dropped into this folder are loaded once they stop changing."));
    intakeForm->addRow(tr("&Hot folder:"), withBrowse(
                                               m_hotFolder,
                                               [this] {
                                                   const QString dir = QFileDialog::getExistingDirectory(
                                                       this, tr("Hot folder"), m_hotFolder->text());
                                                   if (!dir.isEmpty())
                                                       m_hotFolder->setText(dir);
                                               },
                                               intake));
    m_columns = new ColumnMappingEditor(preferences.options.intake.columns, intake);
    intakeForm->addRow(tr("Spreadsheet &columns:"), m_columns);

    auto *storage = new QWidget(this);
    auto *storageForm = new QFormLayout(storage);
    m_keyTemplate->setText(preferences.options.fetch.keyTemplate);
    m_keyTemplate->setAccessibleName(tr("Storage key template"));
    m_keyTemplate->setToolTip(tr("Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} "
                                 "{resource_id} {md5} {sha1} {sha256}; e.g. sha1/{sha1:0:2}/{sha1}"));
    storageForm->addRow(tr("Storage &key:"), m_keyTemplate);
    storageForm->addRow(QString(), m_keyTemplateError);
    m_sync->addItem(tr("Once per batch of files (recommended)"),
                    QVariant::fromValue(int(StoreOptions::Sync::Batched)));
    m_sync->addItem(tr("After every file (slowest, safest)"),
                    QVariant::fromValue(int(StoreOptions::Sync::EachFile)));
    m_sync->addItem(tr("Never (throw-away data only)"), QVariant::fromValue(int(StoreOptions::Sync::None)));
    m_sync->setCurrentIndex(m_sync->findData(int(preferences.options.store.sync)));
    m_sync->setAccessibleName(tr("When stored files are flushed to disk"));
    storageForm->addRow(tr("Flush to &disk:"), m_sync);

    // Review: the keys of the settings table's [review] section, edited as text in the table's syntax.
    const Settings &settings = preferences.settings;
    auto *review = new QWidget(this);
    auto *reviewForm = new QFormLayout(review);
    m_curator->setText(settings.text(QStringLiteral("team/curator")));
    m_curator->setPlaceholderText(Curator::name()); // what is recorded while the field is empty
    m_curator->setAccessibleName(tr("Curator name"));
    m_curator->setToolTip(tr("Recorded with every verdict, approval and rejection."));
    reviewForm->addRow(tr("C&urator:"), m_curator);
    for (const QString &aql : SettingsTable::find(u"review/aql")->choices)
        m_aql->addItem(tr("%1 %").arg(aql), aql);
    m_aql->setCurrentIndex(m_aql->findData(settings.text(QStringLiteral("review/aql"))));
    m_aql->setAccessibleName(tr("Acceptance quality limit"));
    reviewForm->addRow(tr("&AQL:"), m_aql);
    for (const QString &level : SettingsTable::find(u"review/level")->choices)
        m_level->addItem(level, level);
    m_level->setCurrentIndex(m_level->findData(settings.text(QStringLiteral("review/level"))));
    m_level->setAccessibleName(tr("Inspection level"));
    reviewForm->addRow(tr("Inspection &level:"), m_level);
    // One reason per line: the list is long, and curators read it top to bottom.
    m_defectReasons->setPlainText(settings.list(QStringLiteral("review/defect_reasons")).join(u'\n'));
    m_defectReasons->setTabChangesFocus(true);
    // Six lines, the default list, whole: the frame, the document's margins and the pixel QPlainTextEdit
    // keeps free under the last line come on top of the text, or the sixth line hides behind a scroll bar.
    m_defectReasons->setFixedHeight(m_defectReasons->fontMetrics().lineSpacing() * 6 +
                                    2 * m_defectReasons->frameWidth() +
                                    qCeil(2 * m_defectReasons->document()->documentMargin()) + 2);
    m_defectReasons->setAccessibleName(tr("Defect reasons"));
    m_defectReasons->setToolTip(tr("Offered when an item fails review; one reason per line."));
    reviewForm->addRow(tr("&Defect reasons:"), m_defectReasons);
    m_supplier->setText(settings.text(QStringLiteral("review/supplier")));
    m_supplier->setAccessibleName(tr("Default supplier"));
    m_supplier->setPlaceholderText(tr("none"));
    reviewForm->addRow(tr("Default &supplier:"), m_supplier);
    m_suppliers->setText(settings.text(QStringLiteral("review/suppliers")));
    m_suppliers->setAccessibleName(tr("Suppliers by batch name prefix"));
    m_suppliers->setPlaceholderText(tr("e.g. B4000220=Example Scanning Ltd"));
    reviewForm->addRow(tr("Suppliers by &prefix:"), m_suppliers);

    // Uploads: where an approved batch goes ([targets]) and the wiki account ([mediawiki]).
    auto *uploads = new QWidget(this);
    auto *uploadsForm = new QFormLayout(uploads);
    m_defaultTarget->setObjectName(QStringLiteral("defaultTarget"));
    m_defaultTarget->setText(settings.text(QStringLiteral("targets/default")));
    m_defaultTarget->setPlaceholderText(tr("none: approval keeps the batch in the archive only"));
    m_defaultTarget->setAccessibleName(tr("Default target"));
    m_defaultTarget->setToolTip(SettingsTable::meaning(*SettingsTable::find(u"targets/default")));
    uploadsForm->addRow(tr("Default &target:"), m_defaultTarget);
    m_targetFilter->setText(settings.text(QStringLiteral("targets/filter")));
    m_targetFilter->setPlaceholderText(tr("all files"));
    m_targetFilter->setAccessibleName(tr("Files for the default target"));
    m_targetFilter->setToolTip(SettingsTable::meaning(*SettingsTable::find(u"targets/filter")));
    uploadsForm->addRow(tr("&Files:"), m_targetFilter);
    m_wikiUser->setText(settings.text(QStringLiteral("mediawiki/user")));
    m_wikiUser->setPlaceholderText(tr("Name@appid"));
    m_wikiUser->setAccessibleName(tr("Wiki bot user"));
    m_wikiUser->setToolTip(SettingsTable::meaning(*SettingsTable::find(u"mediawiki/user")));
    uploadsForm->addRow(tr("Wiki &user:"), m_wikiUser);
    m_wikiPassword->setObjectName(QStringLiteral("wikiPassword"));
    m_wikiPassword->setEchoMode(QLineEdit::Password);
    m_wikiPassword->setText(settings.text(QStringLiteral("mediawiki/password")));
    m_wikiPassword->setAccessibleName(tr("Wiki bot password"));
    m_wikiPassword->setToolTip(SettingsTable::meaning(*SettingsTable::find(u"mediawiki/password")));
    uploadsForm->addRow(tr("Wiki pass&word:"), m_wikiPassword);

    auto *tabs = new QTabWidget(this);
    tabs->addTab(downloads, tr("Downloads"));
    tabs->addTab(intake, tr("Intake"));
    tabs->addTab(storage, tr("Storage"));
    tabs->addTab(review, tr("Review"));
    tabs->addTab(uploads, tr("Uploads"));
    m_quality = new QaProfileEditor(preferences.qa, this);
    tabs->addTab(m_quality, tr("Quality"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_maxSize, m_keyTemplate})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    validate();
}

void SettingsDialog::validate()
{
    QString sizeProblem;
    if (!EngineSettings::parseSizeLimit(m_maxSize->text()))
        sizeProblem = tr("The largest file must be a size such as 500M or 2G.");
    QString keyProblem;
    if (Status key = EngineSettings::checkKeyTemplate(m_keyTemplate->text()); !key)
        keyProblem = key.error().message;
    // Each complaint beside its field; OK waits until there are none.
    for (const auto &[label, field, problem] : {std::tuple{m_maxSizeError, m_maxSize, sizeProblem},
                                                std::tuple{m_keyTemplateError, m_keyTemplate, keyProblem}}) {
        label->setText(problem);
        label->setVisible(!problem.isEmpty());
        field->setAccessibleDescription(problem);
    }
    const QString problem = !sizeProblem.isEmpty() ? sizeProblem : keyProblem;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(problem);
}

Preferences SettingsDialog::preferences() const
{
    Preferences p = m_original;
    TransferOptions &t = p.options.transfer;
    t.jobs = m_jobs->value();
    t.perHost = m_perHost->value();
    t.maxSize = EngineSettings::parseSizeLimit(m_maxSize->text()).value();
    t.accept = EngineSettings::parseAccept(m_accept->text());
    t.contact =
        m_contact->text().trimmed().isEmpty() ? TransferOptions().contact : m_contact->text().trimmed();
    t.honourFreshness = m_freshness->isChecked();
    p.options.bannedList = m_banned->text().trimmed();
    p.hotFolder = m_hotFolder->text().trimmed();
    p.options.intake.columns = m_columns->mapping();
    p.options.fetch.keyTemplate = m_keyTemplate->text().trimmed();
    p.options.store.sync = StoreOptions::Sync(m_sync->currentData().toInt());
    QStringList reasons;
    for (const QString &line : m_defectReasons->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            reasons.append(line.trimmed());
    }
    const QString defectReasons = reasons.join(QStringLiteral(", "));
    const std::pair<const char *, QString> review[] = {
        {"team/curator", m_curator->text()},
        {"review/aql", m_aql->currentData().toString()},
        {"review/level", m_level->currentData().toString()},
        {"review/defect_reasons", defectReasons},
        {"review/supplier", m_supplier->text()},
        {"review/suppliers", m_suppliers->text()},
        {"targets/default", m_defaultTarget->text().trimmed()},
        {"targets/filter", m_targetFilter->text().trimmed()},
        {"mediawiki/user", m_wikiUser->text().trimmed()},
        {"mediawiki/password", m_wikiPassword->text()},
    };
    for (const auto &[key, value] : review) {
        // Every field holds text the table accepts (a free text or a listed choice).
        if (Status s = p.settings.setText(QString::fromLatin1(key), value); !s)
            qWarning("%s", qPrintable(s.error().message));
    }
    p.qa = m_quality->profile();
    p.settings = p.toSettings();
    // The engine reads the stages' own sections ([check]) from the options' settings.
    p.options.settings = p.settings;
    return p;
}

} // namespace gh
