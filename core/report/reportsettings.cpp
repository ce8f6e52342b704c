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

Status ReportSettings::read(QSettings &ini, const QString &path, ReportOptions &into)
{
    MailSettings &mail = into.mail;
    if (ini.contains(QStringLiteral("mail/smtp_url"))) {
        const QString text = ini.value(QStringLiteral("mail/smtp_url")).toString().trimmed();
        QUrl url(text, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty() || (scheme != u"smtp" && scheme != u"smtps"))
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/smtp_url must look like smtp://host:port or smtps://host:port, not "
                            "\"%2\".")
                             .arg(path, QUrl(text).toString(QUrl::RemoveUserInfo))};
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
                         tr("%1: mail/smtp_url: starttls must be required, try or no.").arg(path)};
        // Credentials in the URL are allowed, but kept apart from it so no message ever shows them.
        if (!url.userName().isEmpty()) {
            mail.user = url.userName();
            mail.password = url.password();
        }
        url.setQuery(QString());
        url.setUserInfo(QString());
        mail.smtpUrl = url.toString();
    }
    if (ini.contains(QStringLiteral("mail/from")))
        mail.from = ini.value(QStringLiteral("mail/from")).toString().trimmed();
    if (ini.contains(QStringLiteral("mail/to"))) {
        // QSettings reads "a, b" as a list already; a single value may still hold commas or semicolons.
        const QVariant value = ini.value(QStringLiteral("mail/to"));
        const QStringList parts =
            value.typeId() == QMetaType::QStringList ? value.toStringList() : QStringList{value.toString()};
        mail.to.clear();
        for (const QString &part : parts) {
            for (const QString &address :
                 part.split(QRegularExpression(QStringLiteral("[,;]")), Qt::SkipEmptyParts)) {
                if (!address.trimmed().isEmpty())
                    mail.to.append(address.trimmed());
            }
        }
    }
    if (ini.contains(QStringLiteral("mail/user")))
        mail.user = ini.value(QStringLiteral("mail/user")).toString();
    if (ini.contains(QStringLiteral("mail/password")))
        mail.password = ini.value(QStringLiteral("mail/password")).toString();
    mail.caBundle = ini.value(QStringLiteral("mail/ca_bundle"),
                              ini.value(QStringLiteral("transfer/ca_bundle"), mail.caBundle))
                        .toString();
    if (ini.contains(QStringLiteral("mail/timeout_seconds"))) {
        bool ok = false;
        const int seconds = ini.value(QStringLiteral("mail/timeout_seconds")).toInt(&ok);
        if (!ok || seconds < 1)
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/timeout_seconds must be a number of at least 1.").arg(path)};
        mail.timeoutSeconds = seconds;
    }
    if (!mail.smtpUrl.isEmpty()) {
        if (mail.from.isEmpty() || !mail.from.contains(u'@'))
            return Error{ErrorCode::Invalid, tr("%1: mail/from must be an e-mail address.").arg(path)};
        if (mail.to.isEmpty())
            return Error{ErrorCode::Invalid,
                         tr("%1: mail/to must name at least one e-mail address.").arg(path)};
        for (const QString &address : std::as_const(mail.to)) {
            if (!address.contains(u'@') || address.contains(u' ') || address.contains(u'<'))
                return Error{ErrorCode::Invalid,
                             tr("%1: mail/to: \"%2\" is not an e-mail address.").arg(path, address)};
        }
    }
    if (ini.contains(QStringLiteral("report/log_target"))) {
        const QString target = ini.value(QStringLiteral("report/log_target")).toString().trimmed();
        if (!target.isEmpty() && !target.startsWith(u"s3://", Qt::CaseInsensitive))
            return Error{ErrorCode::Invalid,
                         tr("%1: report/log_target must be s3://bucket/prefix.").arg(path)};
        into.logTarget = target;
    }
    return {};
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
