#include "reportsettings.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>
#include <QUrlQuery>

namespace gh {

QString MailSettings::serverText() const
{
    QUrl url(smtpUrl);
    url.setUserInfo(QString());
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveFragment);
}

Status ReportSettings::read(const Lookup &value, const QString &where, ReportOptions &into)
{
    MailSettings &mail = into.mail;
    if (const auto text = value(QStringLiteral("mail/smtp_url"))) {
        QUrl url(text->trimmed(), QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (text->trimmed().isEmpty()) {
            mail.smtpUrl.clear();
        } else if (!url.isValid() || url.host().isEmpty() || (scheme != u"smtp" && scheme != u"smtps")) {
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/smtp_url must look like smtp://host:port or smtps://host:port, not "
                            "\"%2\".")
                             .arg(where, QUrl(*text).toString(QUrl::RemoveUserInfo))};
        } else {
            QUrlQuery query(url);
            const QString startTls = query.queryItemValue(QStringLiteral("starttls")).toLower();
            if (startTls.isEmpty() || startTls == u"required")
                mail.startTls = MailSettings::StartTls::Required;
            else if (startTls == u"try")
                mail.startTls = MailSettings::StartTls::Try;
            else if (startTls == u"no")
                mail.startTls = MailSettings::StartTls::No;
            else
                return Error{ErrorCode::Invalid,
                             tr("%1: mail/smtp_url: starttls must be required, try or no.").arg(where)};
            // Credentials in the URL are allowed, but kept apart from it so no message ever shows them.
            if (!url.userName().isEmpty()) {
                mail.user = url.userName();
                mail.password = url.password();
            }
            url.setQuery(QString());
            url.setUserInfo(QString());
            mail.smtpUrl = url.toString();
        }
    }
    if (const auto from = value(QStringLiteral("mail/from")))
        mail.from = from->trimmed();
    if (const auto to = value(QStringLiteral("mail/to"))) {
        mail.to.clear();
        for (const QString &address :
             to->split(QRegularExpression(QStringLiteral("[,;]")), Qt::SkipEmptyParts)) {
            if (!address.trimmed().isEmpty())
                mail.to.append(address.trimmed());
        }
    }
    if (const auto user = value(QStringLiteral("mail/user")))
        mail.user = *user;
    if (const auto password = value(QStringLiteral("mail/password")))
        mail.password = *password;
    if (const auto caBundle = value(QStringLiteral("mail/ca_bundle")))
        mail.caBundle = *caBundle;
    else if (const auto transferCa = value(QStringLiteral("transfer/ca_bundle")))
        mail.caBundle = *transferCa;
    if (const auto timeout = value(QStringLiteral("mail/timeout_seconds"))) {
        bool ok = false;
        const int seconds = timeout->toInt(&ok);
        if (!ok || seconds < 1)
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/timeout_seconds must be a number of at least 1.").arg(where)};
        mail.timeoutSeconds = seconds;
    }
    if (!mail.smtpUrl.isEmpty()) {
        if (mail.from.isEmpty() || !mail.from.contains(u'@'))
            return Error{ErrorCode::Invalid, tr("%1: mail/from must be an e-mail address.").arg(where)};
        if (mail.to.isEmpty())
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/to must name at least one e-mail address.").arg(where)};
        for (const QString &address : std::as_const(mail.to)) {
            if (!address.contains(u'@') || address.contains(u' ') || address.contains(u'<'))
                return Error{ErrorCode::Invalid,
                             tr("%1: mail/to: \"%2\" is not an e-mail address.").arg(where, address)};
        }
    }
    if (const auto target = value(QStringLiteral("report/log_target"))) {
        const QString trimmed = target->trimmed();
        if (!trimmed.isEmpty() && !trimmed.startsWith(u"s3://", Qt::CaseInsensitive))
            return Error{ErrorCode::Invalid,
                         tr("%1: report/log_target must be s3://bucket/prefix.").arg(where)};
        into.logTarget = trimmed;
    }
    return {};
}

Status ReportSettings::read(QSettings &ini, const QString &path, ReportOptions &into)
{
    return read(
        [&ini](const QString &key) -> std::optional<QString> {
            if (!ini.contains(key))
                return std::nullopt;
            // QSettings reads an unquoted "a, b" as a list.
            const QVariant v = ini.value(key);
            return v.typeId() == QMetaType::QStringList ? v.toStringList().join(QStringLiteral(", "))
                                                        : v.toString();
        },
        path, into);
}

QList<std::pair<QString, QString>> ReportSettings::values(const ReportOptions &options)
{
    const MailSettings &mail = options.mail;
    QString url = mail.smtpUrl;
    if (!url.isEmpty() && mail.startTls != MailSettings::StartTls::Required)
        url += mail.startTls == MailSettings::StartTls::Try ? QStringLiteral("?starttls=try")
                                                            : QStringLiteral("?starttls=no");
    return {
        {QStringLiteral("mail/smtp_url"), url},
        {QStringLiteral("mail/from"), mail.from},
        {QStringLiteral("mail/to"), mail.to.join(QStringLiteral(", "))},
        {QStringLiteral("mail/user"), mail.user},
        {QStringLiteral("mail/password"), mail.password},
        {QStringLiteral("mail/ca_bundle"), mail.caBundle},
        {QStringLiteral("mail/timeout_seconds"), QString::number(mail.timeoutSeconds)},
        {QStringLiteral("report/log_target"), options.logTarget},
    };
}

Result<ReportOptions> ReportSettings::fromFile(const QString &path)
{
    if (!QFileInfo(path).isReadable())
        return Error{ErrorCode::NotFound,
                     tr("The settings file %1 does not exist or cannot be read.").arg(path)};
    QSettings ini(path, QSettings::IniFormat);
    ReportOptions options;
    if (Status s = read(ini, path, options); !s)
        return s.error();
    return options;
}

} // namespace gh
