#include "webaddressdialog.h"

#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

namespace gh {

WebAddressDialog::WebAddressDialog(const QStringList &recent, QWidget *parent)
    : QDialog(parent)
    , m_field(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Open Web Address"));
    setObjectName(QStringLiteral("webAddressDialog"));
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("The address of a IIIF manifest or collection, a spreadsheet or a list of "
                                "URLs. Files it lists are downloaded into the store."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_field->setObjectName(QStringLiteral("webAddressField"));
    m_field->setPlaceholderText(tr("e.g. iiif.example.org/manifest.json"));
    m_field->setClearButtonEnabled(true);
    m_field->setMinimumWidth(m_field->fontMetrics().horizontalAdvance(u'M') * 36);
    if (!recent.isEmpty()) {
        auto *completer = new QCompleter(recent, m_field);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        m_field->setCompleter(completer);
    }
    auto *label = new QLabel(tr("&Address:"), this);
    label->setBuddy(m_field);
    form->addRow(label, m_field);

    // The error sits right under the field it is about, in words and colour, and is read out by screen
    // readers as the field's description.
    m_error->setObjectName(QStringLiteral("webAddressError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = m_error->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    m_error->setPalette(palette);
    m_error->hide();
    form->addRow(QString(), m_error);
    layout->addLayout(form);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &WebAddressDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &WebAddressDialog::reject);
    layout->addWidget(buttons);

    // A correction clears the old complaint; the next Open judges the new text.
    connect(m_field, &QLineEdit::textEdited, this, [this] { showError({}); });
}

QString WebAddressDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString WebAddressDialog::normalized(const QString &text, QString *error)
{
    QString address = text.trimmed();
    if (address.isEmpty()) {
        *error = tr("Type or paste the address of a manifest, a spreadsheet or a list of URLs.");
        return {};
    }
    if (address.contains(QRegularExpression(QStringLiteral("\\s")))) {
        *error = tr("A web address has no spaces: \"%1\".").arg(address);
        return {};
    }
    // "example.org/manifest" and "//example.org/manifest" mean https; a real scheme is kept to be judged.
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*:"));
    if (address.startsWith(u"//"))
        address.prepend(QStringLiteral("https:"));
    else if (!scheme.match(address).hasMatch() || address.section(u':', 0, 0).contains(u'.'))
        address.prepend(QStringLiteral("https://"));
    const QUrl url(address, QUrl::StrictMode);
    const QString given = url.scheme().toLower();
    if (given != u"http" && given != u"https") {
        *error = tr("Only http and https addresses can be opened; \"%1\" is a %2 address. To open a file on "
                    "this computer, use File ▸ Open File.")
                     .arg(text.trimmed(), given);
        return {};
    }
    const QString host = url.host();
    const bool hostLike = host.contains(u'.') || host.contains(u':') || host == u"localhost";
    if (!url.isValid() || !hostLike) {
        *error = tr("\"%1\" is not a web address: it needs a host name such as iiif.example.org.")
                     .arg(text.trimmed());
        return {};
    }
    error->clear();
    return url.toString();
}

void WebAddressDialog::accept()
{
    QString error;
    const QString address = normalized(m_field->text(), &error);
    if (address.isEmpty()) {
        showError(error);
        m_field->setFocus(Qt::OtherFocusReason);
        return;
    }
    m_address = address;
    QDialog::accept();
}

void WebAddressDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    m_field->setAccessibleDescription(message);
    // Room for the message below the field, which keeps its height.
    adjustSize();
}

} // namespace gh
