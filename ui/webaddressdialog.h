#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;

namespace gh {

/*!
    \class gh::WebAddressDialog
    Asks for the web address of a source (a IIIF manifest or collection, a spreadsheet, a list of URLs).
    Forgiving about what is typed: \c{example.org/manifest} becomes \c{https://example.org/manifest}. An
    address that cannot be opened is explained beside the field when OK is pressed, and the text stays as
    typed so it can be corrected. Earlier addresses are offered as completions.
*/
class WebAddressDialog : public QDialog
{
    Q_OBJECT

public:
    explicit WebAddressDialog(const QStringList &recent = {}, QWidget *parent = nullptr);

    //! The accepted address (valid after accept()).
    QString address() const { return m_address; }
    QLineEdit *field() const { return m_field; }
    QString errorText() const;

    /*!
        \a text as an http(s) URL: trimmed, https:// added when it has no scheme. Empty, with \a error set,
        when it is not an address Gatehouse can open.
    */
    static QString normalized(const QString &text, QString *error);

    void accept() override;

private:
    void showError(const QString &message);

    QLineEdit *m_field;
    QLabel *m_error;
    QString m_address;
};

} // namespace gh
