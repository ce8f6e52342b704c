#pragma once

#include <functional>
#include <optional>

#include <QCoreApplication>
#include <QStringList>

#include "util/result.h"

class QSettings;

namespace gh {

/*!
    \class gh::MailSettings
    Where the end-of-run summary mail goes (\c [mail] in the settings file).

    \code
    [mail]
    smtp_url=smtp://mail.example.org:587      ; or smtps://host:465; STARTTLS is required on smtp://
                                              ; unless the URL ends in ?starttls=try or ?starttls=no
    from=gatehouse@library.example
    to=curators@library.example, digitisation@library.example
    user=gatehouse                            ; optional; the password from here or from the keychain
    password=…                                ; (service "Gatehouse SMTP", key = user)
    ca_bundle=/etc/ssl/local-ca.pem           ; optional; else [transfer] ca_bundle, else the system's
    timeout_seconds=60
    \endcode
*/
struct MailSettings
{
    enum class StartTls
    {
        Required, //!< smtp:// must upgrade to TLS or nothing is sent (the default).
        Try,      //!< Upgrade when the server offers it.
        No        //!< Plain text (a relay on the same machine).
    };

    QString smtpUrl; //!< Without the ?starttls= option.
    StartTls startTls = StartTls::Required;
    QString from;
    QStringList to;
    QString user;
    QString password;
    QString caBundle;
    int timeoutSeconds = 60;

    bool isConfigured() const { return !smtpUrl.isEmpty() && !to.isEmpty(); }
    //! The server for messages: scheme, host and port, never credentials.
    QString serverText() const;
};

/*!
    \class gh::ReportOptions
    What happens with a batch's reports at the end of a run: the summary mail, and where the batch log,
    \c _SUMMARY and CSVs are copied (\c [report] log_target=s3://bucket/prefix).
*/
struct ReportOptions
{
    MailSettings mail;
    QString logTarget;
};

/*!
    \class gh::ReportSettings
    Reads \c [mail] and \c [report]. The keys are rows of the settings table (core/pipeline/settingstable),
    which checks each value's syntax; this class checks them as a whole (a sender and recipients for a
    server) and turns them into ReportOptions. EngineSettings::runOptions() calls it.
*/
class ReportSettings
{
    Q_DECLARE_TR_FUNCTIONS(gh::ReportSettings)

public:
    //! The value of a key ("mail/from") where one is set; nullopt where the key is absent.
    using Lookup = std::function<std::optional<QString>(const QString &key)>;

    //! Fills \a into from \a value; \a where names the source in messages. Absent keys keep their value.
    static Status read(const Lookup &value, const QString &where, ReportOptions &into);
    //! Fills \a into from \a ini, a settings file at \a path.
    static Status read(QSettings &ini, const QString &path, ReportOptions &into);
    //! The keys and values that \a options hold (the reverse of read()), for writing settings back.
    static QList<std::pair<QString, QString>> values(const ReportOptions &options);
    static Result<ReportOptions> fromFile(const QString &path);
};

} // namespace gh
