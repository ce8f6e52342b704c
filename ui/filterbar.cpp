#include "filterbar.h"

#include <algorithm>

#include <QComboBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>

namespace gh {

namespace {

// The value a combo writes into the query as "key:value"; empty for "any".
constexpr int s_valueRole = Qt::UserRole;

} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_mime(new QComboBox(this))
    , m_error(new QLabel(this))
{
    m_search->setPlaceholderText(
        tr("Filter files: words, status:failed, mime:image/*, size:>1M, name:*.tif"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("filterSearch"));
    m_search->setAccessibleName(tr("Filter files"));
    m_search->setToolTip(
        tr("Words are searched in names, items, paths, digests and errors. Terms: status:KEY[,KEY] "
           "(or failed, ok, skipped, open), mime:TYPE/SUBTYPE or TYPE/*, size:>1M, size:10k..2M, "
           "name:TEXT or a glob, qa:flagged. Quote text with spaces or colons."));

    m_status->setAccessibleName(tr("Status filter"));
    m_status->addItem(tr("Any status"), QString());
    m_status->addItem(tr("Needs attention"), QStringLiteral("failed"));
    m_status->addItem(tr("Done"), QStringLiteral("ok"));
    m_status->addItem(tr("Skipped"), QStringLiteral("skipped"));
    m_status->addItem(tr("Pending"), QStringLiteral("open"));
    m_status->insertSeparator(m_status->count());
    for (FileStatus s : StatusInfo::all())
        m_status->addItem(StatusInfo::displayName(s), StatusInfo::key(s));

    m_mime->setAccessibleName(tr("Type filter"));
    m_mime->addItem(tr("Any type"), QString());
    m_mime->addItem(tr("Images"), QStringLiteral("image/*"));
    m_mime->addItem(tr("PDF documents"), QStringLiteral("application/pdf"));
    m_mime->addItem(tr("XML"), QStringLiteral("application/xml,text/xml"));
    m_mime->addItem(tr("Text"), QStringLiteral("text/*"));
    m_mime->addItem(tr("Audio"), QStringLiteral("audio/*"));
    m_mime->addItem(tr("Video"), QStringLiteral("video/*"));

    m_error->setAccessibleName(tr("Filter error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A semantic colour that reads on light and dark palettes.
    m_error->setStyleSheet(QStringLiteral("color: #d0453a;"));
    m_error->hide();

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search, 0, 0);
    layout->addWidget(m_status, 0, 1);
    layout->addWidget(m_mime, 0, 2);
    layout->addWidget(m_error, 1, 0, 1, 3);
    layout->setColumnStretch(0, 1);

    // Escape in the field clears the filter (a second Escape, on an empty field, goes to the window).
    m_search->installEventFilter(this);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(debounceMs());
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_search, &QLineEdit::textEdited, this, [this] { m_debounce.start(); });
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::apply);
    // The clear button empties the field without a textEdited signal.
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            apply();
    });
    connect(m_status, &QComboBox::activated, this, [this](int index) {
        setTerm(QStringLiteral("status"), m_status->itemData(index, s_valueRole).toString());
    });
    connect(m_mime, &QComboBox::activated, this, [this](int index) {
        setTerm(QStringLiteral("mime"), m_mime->itemData(index, s_valueRole).toString());
    });
}

QString FilterBar::query() const
{
    return m_search->text();
}

void FilterBar::setQuery(const QString &query)
{
    m_search->setText(query);
    apply();
}

QString FilterBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FilterBar::apply()
{
    m_debounce.stop();
    auto parsed = FileFilter::parse(m_search->text());
    if (!parsed) {
        m_error->setText(parsed.error().message);
        m_error->show();
        m_search->setAccessibleDescription(parsed.error().message);
        return;
    }
    m_error->clear();
    m_error->hide();
    m_search->setAccessibleDescription({});
    syncCombos();
    if (*parsed == m_filter)
        return;
    m_filter = *parsed;
    emit filterChanged(m_filter);
}

void FilterBar::setTerm(const QString &key, const QString &value)
{
    QStringList terms = FileFilter::splitTerms(m_search->text());
    const QString prefix = key + u':';
    terms.erase(std::remove_if(terms.begin(), terms.end(),
                               [&](const QString &t) { return t.startsWith(prefix, Qt::CaseInsensitive); }),
                terms.end());
    if (!value.isEmpty())
        terms.prepend(prefix + value);
    m_search->setText(terms.join(u' '));
    apply();
}

void FilterBar::syncCombos()
{
    // Shows the combo entry for the query's term, or none when the term is something the combo does not
    // list (the query stays the truth).
    auto sync = [this](QComboBox *combo, const QString &key) {
        QString value;
        for (const QString &t : FileFilter::splitTerms(m_search->text())) {
            if (t.startsWith(key + u':', Qt::CaseInsensitive))
                value = t.mid(key.size() + 1).toLower();
        }
        combo->setCurrentIndex(combo->findData(value, s_valueRole));
    };
    sync(m_status, QStringLiteral("status"));
    sync(m_mime, QStringLiteral("mime"));
}

bool FilterBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier &&
            !m_search->text().isEmpty()) {
            setQuery({});
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace gh
