#pragma once

#include <QCoreApplication>
#include <QDateTime>

#include "reportsettings.h"

namespace gh {

/*!
    \class gh::MailMessage
    A plain-text mail with optional attachments.
*/
struct MailMessage
{
    struct Attachment
    {
        QString fileName;
        QString mimetype;
        QByteArray data;
    };
    QString subject;
    QString body;
    QList<Attachment> attachments;
};

/*!
    \class gh::Mailer
    Sends mail through an SMTP server with libcurl (MIME built by curl: the body as UTF-8 quoted-printable,
    attachments as base64). TLS is verified always; on \c smtp:// STARTTLS is required unless the settings
    say otherwise; credentials come from the settings or, for a user without a password, the desktop
    keychain (service "Gatehouse SMTP", key = the user). Blocking: call it where waiting up to the timeout
    is acceptable (the end of a run).
*/
class Mailer
{
    Q_DECLARE_TR_FUNCTIONS(gh::Mailer)

public:
    static Status send(const MailSettings &settings, const MailMessage &message);

    //! RFC 2047 encoded-word for a header value that is not plain ASCII; ASCII stays as it is.
    static QByteArray encodeHeader(const QString &text);
};

} // namespace gh
