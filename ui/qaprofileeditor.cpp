#include "qaprofileeditor.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "net/transferoptions.h"
#include "qa/checkregistry.h"
#include "qa/schemaset.h"

namespace gh {

namespace {

QSpinBox *spinBox(int minimum, int maximum, int value, const QString &suffix, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

// Fractions are edited as percentages: 8.2 % reads better than 0.082.
QDoubleSpinBox *percentBox(double fraction, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, 100);
    box->setDecimals(2);
    box->setSingleStep(0.1);
    box->setSuffix(QStringLiteral(" %"));
    box->setValue(fraction * 100);
    return box;
}

} // namespace

QaProfileEditor::QaProfileEditor(const QaProfile &profile, QWidget *parent)
    : QWidget(parent)
    , m_original(profile)
    , m_checks(new QListWidget(this))
    , m_schemas(new QLineEdit(profile.schemas, this))
    , m_fetch(new QPushButton(tr("&Fetch standard schemas"), this))
    , m_fetchStatus(new QLabel(this))
    , m_sampleSize(spinBox(16, 8192, profile.sampleSize, tr(" px"), this))
    , m_darkPeak(spinBox(0, 256, profile.darkPeak, {}, this))
    , m_blankInkLevel(spinBox(1, 256, profile.blankInkLevel, {}, this))
    , m_blankMaxInk(percentBox(profile.blankMaxInk, this))
    , m_borderLevel(spinBox(0, 255, profile.borderLevel, {}, this))
    , m_borderMaxFraction(percentBox(profile.borderMaxFraction, this))
    , m_ocrMinConfidence(new QDoubleSpinBox(this))
    , m_minWidth(spinBox(0, 1 << 30, profile.minWidth, tr(" px"), this))
    , m_maxWidth(spinBox(0, 1 << 30, profile.maxWidth, tr(" px"), this))
    , m_minHeight(spinBox(0, 1 << 30, profile.minHeight, tr(" px"), this))
    , m_maxHeight(spinBox(0, 1 << 30, profile.maxHeight, tr(" px"), this))
{
    // Checks: every check this process knows, ticked when the profile runs it.
    for (const auto &check : CheckRegistry::instance().checks()) {
        auto *item = new QListWidgetItem(check->name(), m_checks);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(profile.runs(check->name()) ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(check->description());
    }
    m_checks->setAccessibleName(tr("Checks that run"));
    auto *checksBox = new QGroupBox(tr("Checks"), this);
    auto *checksLayout = new QVBoxLayout(checksBox);
    checksLayout->addWidget(m_checks);

    // Schemas.
    m_schemas->setPlaceholderText(SchemaSet::defaultLocation().isEmpty()
                                      ? tr("none: XML is checked for well-formedness only")
                                      : tr("the fetched standard set"));
    m_schemas->setAccessibleName(tr("XML schema folder or catalog"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen =
            QFileDialog::getExistingDirectory(this, tr("Folder of XML schemas"), m_schemas->text());
        if (!chosen.isEmpty())
            m_schemas->setText(QDir::toNativeSeparators(chosen));
    });
    m_fetch->setToolTip(tr("Download ALTO, MIX, MODS, METS, PREMIS, XLink and xml.xsd from their official "
                           "locations into %1")
                            .arg(QDir::toNativeSeparators(SchemaSet::defaultFolder())));
    connect(m_fetch, &QPushButton::clicked, this, &QaProfileEditor::fetchSchemas);
    connect(&m_fetchWatcher, &QFutureWatcher<FetchOutcome>::finished, this, &QaProfileEditor::showFetched);
    m_fetchStatus->setWordWrap(true);
    m_fetchStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *schemasBox = new QGroupBox(tr("XML schemas"), this);
    schemasBox->setObjectName(QStringLiteral("schemasBox"));
    // The path has the box's width to itself, the buttons go under it: beside Browse the field showed a
    // few letters of a path (in German four, "keine: …").
    m_schemas->setToolTip(m_schemas->placeholderText());
    auto *schemaButtons = new QHBoxLayout;
    schemaButtons->addWidget(browse);
    schemaButtons->addWidget(m_fetch);
    schemaButtons->addStretch();
    auto *schemasLayout = new QVBoxLayout(schemasBox);
    schemasLayout->addWidget(m_schemas);
    schemasLayout->addLayout(schemaButtons);
    schemasLayout->addWidget(m_fetchStatus);

    // Thresholds.
    m_ocrMinConfidence->setRange(0, 1);
    m_ocrMinConfidence->setDecimals(2);
    m_ocrMinConfidence->setSingleStep(0.05);
    m_ocrMinConfidence->setValue(profile.ocrMinConfidence);
    for (QSpinBox *box : {m_minWidth, m_maxWidth, m_minHeight, m_maxHeight})
        box->setSpecialValueText(tr("no bound"));
    auto *thresholds = new QGroupBox(tr("Thresholds"), this);
    auto *form = new QFormLayout(thresholds);
    form->addRow(tr("&Sample size (longer side):"), m_sampleSize);
    form->addRow(tr("Dark page: histogram peak &below:"), m_darkPeak);
    form->addRow(tr("Blank page: &ink is darker than:"), m_blankInkLevel);
    form->addRow(tr("Blank page: at &most this much ink:"), m_blankMaxInk);
    form->addRow(tr("Black border: &near black is at most:"), m_borderLevel);
    form->addRow(tr("Black border: more &than this much near black:"), m_borderMaxFraction);
    form->addRow(tr("&OCR: mean word confidence at least:"), m_ocrMinConfidence);
    form->addRow(tr("Smallest &width:"), m_minWidth);
    form->addRow(tr("&Largest width:"), m_maxWidth);
    form->addRow(tr("Smallest &height:"), m_minHeight);
    form->addRow(tr("Largest h&eight:"), m_maxHeight);

    auto *left = new QVBoxLayout;
    left->addWidget(checksBox, 1);
    left->addWidget(schemasBox);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(left, 1);
    layout->addWidget(thresholds, 1);
}

QaProfileEditor::~QaProfileEditor()
{
    // A download still running finishes on its worker; its result is dropped.
    m_fetchWatcher.disconnect(this);
    m_fetchWatcher.waitForFinished();
}

QaProfile QaProfileEditor::profile() const
{
    QaProfile p = m_original;
    QStringList on;
    bool allOn = true;
    for (int i = 0; i < m_checks->count(); ++i) {
        const QListWidgetItem *item = m_checks->item(i);
        if (item->checkState() == Qt::Checked)
            on.append(item->text());
        else
            allOn = false;
    }
    // Everything on is "all", so checks added later run too.
    p.checks = allOn ? QStringList() : on;
    p.skip.clear();
    p.schemas = QDir::fromNativeSeparators(m_schemas->text().trimmed());
    p.sampleSize = m_sampleSize->value();
    p.darkPeak = m_darkPeak->value();
    p.blankInkLevel = m_blankInkLevel->value();
    p.blankMaxInk = m_blankMaxInk->value() / 100;
    p.borderLevel = m_borderLevel->value();
    p.borderMaxFraction = m_borderMaxFraction->value() / 100;
    p.ocrMinConfidence = m_ocrMinConfidence->value();
    p.minWidth = m_minWidth->value();
    p.maxWidth = m_maxWidth->value();
    p.minHeight = m_minHeight->value();
    p.maxHeight = m_maxHeight->value();
    return p;
}

void QaProfileEditor::fetchSchemas()
{
    if (m_fetchWatcher.isRunning())
        return;
    m_fetch->setEnabled(false);
    m_fetchStatus->setText(tr("Downloading the standard schemas…"));
    m_fetchWatcher.setFuture(QtConcurrent::run([] {
        FetchOutcome outcome;
        auto saved = SchemaFetch::fetch(SchemaSet::defaultFolder(), {}, TransferOptions{});
        if (saved)
            outcome.saved = *saved;
        else
            outcome.error = saved.error().message;
        return outcome;
    }));
}

void QaProfileEditor::showFetched()
{
    m_fetch->setEnabled(true);
    const FetchOutcome outcome = m_fetchWatcher.result();
    if (!outcome.error.isEmpty()) {
        m_fetchStatus->setText(outcome.error);
        return;
    }
    QStringList lines;
    for (const SchemaFetch::Saved &s : outcome.saved)
        lines.append(tr("%1 → %2").arg(s.label, QDir::toNativeSeparators(s.file)));
    m_fetchStatus->setText(tr("Saved %1 schemas and a catalog:").arg(outcome.saved.size()) + u'\n' +
                           lines.join(u'\n'));
    m_schemas->setPlaceholderText(tr("the fetched standard set"));
    m_schemas->setToolTip(m_schemas->placeholderText());
}

} // namespace gh
