#include "mailer.h"

#include <memory>

#include <QLocale>
#include <QUuid>

#include <curl/curl.h>

#include "util/keychain.h"
#include "util/logging.h"

namespace gh {

namespace {

struct CurlDeleter
{
    void operator()(CURL *curl) const { curl_easy_cleanup(curl); }
    void operator()(curl_mime *mime) const { curl_mime_free(mime); }
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};

void append(std::unique_ptr<curl_slist, CurlDeleter> &list, const QByteArray &line)
{
    curl_slist *grown = curl_slist_append(list.get(), line.constData());
    if (grown) {
        (void)list.release();
        list.reset(grown);
    }
}

QByteArray angle(const QString &address)
{
    return '<' + address.toUtf8() + '>';
}

} // namespace

QByteArray Mailer::encodeHeader(const QString &text)
{
    bool ascii = true;
    for (const QChar c : text)
        ascii = ascii && c.unicode() >= 0x20 && c.unicode() < 0x7f;
    if (ascii)
        return text.toLatin1();
    // Encoded words are at most 75 characters; split the UTF-8 on character boundaries.
    QByteArray result;
    QByteArray chunk;
    auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (!result.isEmpty())
            result += "\r\n ";
        result += "=?UTF-8?B?" + chunk.toBase64() + "?=";
        chunk.clear();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        QString one(text[i]);
        if (text[i].isHighSurrogate() && i + 1 < text.size())
            one += text[++i];
        const QByteArray bytes = one.toUtf8();
        if ((chunk.size() + bytes.size()) > 45)
            flush();
        chunk += bytes;
    }
    flush();
    return result;
}

Status Mailer::send(const MailSettings &settings, const MailMessage &message)
{
    if (!settings.isConfigured())
        return Error{ErrorCode::Usage, tr("No mail server is configured ([mail] smtp_url and to).")};
    const QString server = settings.serverText();
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl)
        return Error{ErrorCode::Network,
                     tr("Cannot send mail through %1: libcurl did not start.").arg(server)};

    QString password = settings.password;
    if (!settings.user.isEmpty() && password.isEmpty()) {
        if (auto secret = readKeychainSecret(QStringLiteral("Gatehouse SMTP"), settings.user))
            password = QString::fromUtf8(*secret);
    }

    const QByteArray url = settings.smtpUrl.toUtf8();
    const QByteArray user = settings.user.toUtf8();
    const QByteArray pass = password.toUtf8();
    const QByteArray from = angle(settings.from);
    const QByteArray ca = settings.caBundle.toUtf8();
    char errorBuffer[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl.get(), CURLOPT_URL, url.constData());
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, long(std::min(settings.timeoutSeconds, 30)));
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, long(settings.timeoutSeconds));
    // TLS is verified always; STARTTLS on smtp:// unless the settings allow plain text (smtps:// is TLS
    // from the first byte).
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ca.isEmpty())
        curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca.constData());
    switch (settings.startTls) {
    case MailSettings::StartTls::Required:
        curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, long(CURLUSESSL_ALL));
        break;
    case MailSettings::StartTls::Try:
        curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, long(CURLUSESSL_TRY));
        break;
    case MailSettings::StartTls::No:
        curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, long(CURLUSESSL_NONE));
        break;
    }
    if (!user.isEmpty()) {
        curl_easy_setopt(curl.get(), CURLOPT_USERNAME, user.constData());
        curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, pass.constData());
    }
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.constData());
    std::unique_ptr<curl_slist, CurlDeleter> recipients;
    for (const QString &to : settings.to)
        append(recipients, angle(to));
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());

    std::unique_ptr<curl_slist, CurlDeleter> headers;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    append(headers,
           "Date: " +
               QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss +0000")).toLatin1());
    append(headers, "From: Gatehouse " + from);
    append(headers, "To: " + settings.to.join(QStringLiteral(", ")).toUtf8());
    append(headers, "Subject: " + encodeHeader(message.subject));
    const QString domain = settings.from.section(u'@', 1);
    append(headers, "Message-ID: <" + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1() + '@' +
                        domain.toUtf8() + '>');
    append(headers, "X-Mailer: Gatehouse");
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());

    std::unique_ptr<curl_mime, CurlDeleter> mime(curl_mime_init(curl.get()));
    // Text travels with CRLF line ends: quoted-printable keeps those as real line breaks.
    QString text = message.body;
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n")).replace(u'\n', QStringLiteral("\r\n"));
    const QByteArray body = text.toUtf8();
    curl_mimepart *textPart = curl_mime_addpart(mime.get());
    curl_mime_data(textPart, body.constData(), size_t(body.size()));
    curl_mime_type(textPart, "text/plain; charset=UTF-8");
    curl_mime_encoder(textPart, "quoted-printable");
    // curl copies the data, the type and the name.
    for (const MailMessage::Attachment &attachment : message.attachments) {
        curl_mimepart *part = curl_mime_addpart(mime.get());
        curl_mime_data(part, attachment.data.constData(), size_t(attachment.data.size()));
        curl_mime_type(part, attachment.mimetype.toUtf8().constData());
        curl_mime_filename(part, attachment.fileName.toUtf8().constData());
        curl_mime_encoder(part, "base64");
    }
    curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());

    const CURLcode code = curl_easy_perform(curl.get());
    if (code != CURLE_OK) {
        long response = 0;
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response);
        QString detail = QString::fromUtf8(errorBuffer).trimmed();
        if (detail.isEmpty())
            detail = QString::fromUtf8(curl_easy_strerror(code));
        if (code == CURLE_USE_SSL_FAILED)
            detail = tr("the server does not offer STARTTLS (add ?starttls=no to smtp_url to send in plain "
                        "text)");
        if (response > 0)
            detail += tr(" (server answered %1)").arg(response);
        return Error{ErrorCode::Network, tr("Cannot send mail through %1: %2").arg(server, detail)};
    }
    qCInfo(lcReport) << "mail sent through" << server << "to" << settings.to;
    return {};
}

} // namespace gh
