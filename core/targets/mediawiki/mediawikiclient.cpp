#include "mediawikiclient.h"

#include <QJsonObject>

#include "targets/targetslogging.h"

namespace gh {

void CookieJar::update(const QByteArray &setCookie)
{
    for (const QByteArray &line : setCookie.split('\n')) {
        const QList<QByteArray> attributes = line.split(';');
        const QByteArray pair = attributes.value(0).trimmed();
        const qsizetype eq = pair.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray name = pair.left(eq).trimmed();
        const QByteArray value = pair.mid(eq + 1).trimmed();
        bool expired = value == "deleted";
        for (qsizetype i = 1; i < attributes.size(); ++i) {
            const QByteArray a = attributes[i].trimmed().toLower();
            if (a.startsWith("max-age=") && a.mid(8).toLongLong() <= 0)
                expired = true;
            if (a.startsWith("expires=")) {
                const QDateTime at = QDateTime::fromString(
                    QString::fromLatin1(attributes[i].trimmed().mid(8)), Qt::RFC2822Date);
                if (at.isValid() && at < QDateTime::currentDateTimeUtc())
                    expired = true;
            }
        }
        m_cookies.removeIf([&](const QPair<QByteArray, QByteArray> &c) { return c.first == name; });
        if (!expired)
            m_cookies.append({name, value});
    }
}

QByteArray CookieJar::header() const
{
    QByteArray header;
    for (const auto &c : m_cookies) {
        if (!header.isEmpty())
            header += "; ";
        header += c.first + '=' + c.second;
    }
    return header;
}

MediaWikiClient::MediaWikiClient(const Options &options, std::shared_ptr<ApiTransport> transport)
    : m_options(options)
    , m_transport(std::move(transport))
{}

MediaWikiClient::~MediaWikiClient() = default;

MediaWikiClient::Session MediaWikiClient::session() const
{
    QMutexLocker lock(&m_mutex);
    return Session{m_jar.header(), m_token, m_generation};
}

bool MediaWikiClient::isLoggedIn() const
{
    QMutexLocker lock(&m_mutex);
    return m_loggedIn;
}

Result<MediaWikiApi::Answer> MediaWikiClient::exchange(ApiCall call, bool write, const QByteArray &cookies,
                                                       const std::shared_ptr<std::atomic_bool> &cancel)
{
    call.set(QStringLiteral("format"), QStringLiteral("json"));
    call.set(QStringLiteral("formatversion"), QStringLiteral("2"));
    call.set(QStringLiteral("maxlag"), QString::number(m_options.maxLagSeconds));
    auto reply = m_transport->send(ApiTransport::Send{call, cookies, write, cancel});
    if (!reply)
        return reply.error();
    {
        QMutexLocker lock(&m_mutex);
        m_jar.update(reply->header("set-cookie"));
    }
    MediaWikiApi::Answer answer = MediaWikiApi::judge(call, *reply);
    for (const QString &warning : std::as_const(answer.warnings))
        qCDebug(lcTargets).noquote() << apiText() << "warns:" << warning;
    switch (answer.verdict) {
    case MediaWikiApi::Verdict::Ok:
    case MediaWikiApi::Verdict::ApiFailure:
    case MediaWikiApi::Verdict::SessionLost:
        return answer;
    case MediaWikiApi::Verdict::Lagged:
    case MediaWikiApi::Verdict::Busy:
        // The transport waited as long as its policy allows; the wiki is still not answering.
        return Error{ErrorCode::Network,
                     tr("%1 %2 Gave up after the retries.").arg(apiText(), answer.message)};
    case MediaWikiApi::Verdict::TooLarge:
        return Error{ErrorCode::LimitExceeded, tr("%1: %2").arg(apiText(), answer.message)};
    case MediaWikiApi::Verdict::NotJson:
        return Error{ErrorCode::Network, tr("%1: %2").arg(apiText(), answer.message)};
    }
    return answer;
}

Status MediaWikiClient::login(const std::shared_ptr<std::atomic_bool> &cancel)
{
    QMutexLocker lock(&m_loginMutex);
    return loginLocked(cancel);
}

Status MediaWikiClient::loginLocked(const std::shared_ptr<std::atomic_bool> &cancel)
{
    if (m_options.user.isEmpty() || m_options.password.isEmpty()) {
        return Error{ErrorCode::Usage,
                     tr("No account to upload to %1 with: set GATEHOUSE_MEDIAWIKI_USER and "
                        "GATEHOUSE_MEDIAWIKI_PASSWORD (a bot password from Special:BotPasswords), the "
                        "[mediawiki] user and password settings, or store the password in the desktop "
                        "keyring.")
                         .arg(apiText())};
    }
    {
        // A fresh session: old cookies would only confuse the login.
        QMutexLocker lock(&m_mutex);
        m_jar.clear();
        m_token.clear();
        m_loggedIn = false;
    }
    auto tokenAnswer = exchange(MediaWikiApi::loginTokenCall(), false, {}, cancel);
    if (!tokenAnswer)
        return tokenAnswer.error();
    const QString loginToken = tokenAnswer->json.value(QStringLiteral("query"))
                                   .toObject()
                                   .value(QStringLiteral("tokens"))
                                   .toObject()
                                   .value(QStringLiteral("logintoken"))
                                   .toString();
    if (loginToken.isEmpty())
        return Error{ErrorCode::Network, tr("%1 gave no login token.").arg(apiText())};
    auto loginAnswer = exchange(MediaWikiApi::loginCall(m_options.user, m_options.password, loginToken), true,
                                session().cookies, cancel);
    if (!loginAnswer)
        return loginAnswer.error();
    const QJsonObject result = loginAnswer->json.value(QStringLiteral("login")).toObject();
    if (result.value(QStringLiteral("result")).toString() != u"Success") {
        QString reason = result.value(QStringLiteral("reason")).toString();
        if (reason.isEmpty() && loginAnswer->error)
            reason = loginAnswer->error->info;
        if (reason.isEmpty())
            reason = result.value(QStringLiteral("result")).toString();
        return Error{ErrorCode::Usage,
                     tr("%1 refused the login of %2: %3 (Use a bot password from Special:BotPasswords; the "
                        "user is written Name@appid.)")
                         .arg(apiText(), m_options.user, reason)};
    }
    auto csrf = exchange(MediaWikiApi::csrfTokenCall(), false, session().cookies, cancel);
    if (!csrf)
        return csrf.error();
    const QString token = csrf->json.value(QStringLiteral("query"))
                              .toObject()
                              .value(QStringLiteral("tokens"))
                              .toObject()
                              .value(QStringLiteral("csrftoken"))
                              .toString();
    if (token.isEmpty() || token == u"+\\")
        return Error{ErrorCode::Network,
                     tr("%1 gave no edit token after the login of %2.").arg(apiText(), m_options.user)};
    QMutexLocker lock(&m_mutex);
    m_token = token;
    m_loggedIn = true;
    ++m_generation;
    ++m_logins;
    qCInfo(lcTargets).noquote() << "logged in to" << apiText() << "as" << m_options.user;
    return {};
}

Status MediaWikiClient::relogin(quint64 generation, const std::shared_ptr<std::atomic_bool> &cancel)
{
    QMutexLocker lock(&m_loginMutex);
    {
        QMutexLocker state(&m_mutex);
        if (m_loggedIn && m_generation != generation)
            return {}; // another thread logged in meanwhile
        if (m_consecutiveRelogins >= m_options.maxRelogins) {
            m_gaveUp = true;
            return Error{ErrorCode::Network,
                         tr("%1 lost the session of %2 %3 times in a row, even right after logging in; "
                            "stopping. Check that the bot password has the upload grants and that the "
                            "wiki keeps sessions.")
                             .arg(apiText(), m_options.user)
                             .arg(m_consecutiveRelogins)};
        }
        ++m_consecutiveRelogins;
    }
    qCInfo(lcTargets).noquote() << apiText() << "lost the session; logging in again";
    return loginLocked(cancel);
}

Result<MediaWikiApi::Answer>
MediaWikiClient::read(ApiCall call, const std::shared_ptr<std::atomic_bool> &cancel, bool needsLogin)
{
    if (needsLogin && !isLoggedIn()) {
        if (Status s = relogin(session().generation, cancel); !s)
            return s.error();
    }
    for (;;) {
        const Session current = session();
        auto answer = exchange(call, false, current.cookies, cancel);
        if (!answer || answer->verdict != MediaWikiApi::Verdict::SessionLost)
            return answer;
        if (!needsLogin && !isLoggedIn())
            return answer; // an anonymous read has no session to lose
        if (Status s = relogin(current.generation, cancel); !s)
            return s.error();
    }
}

Result<MediaWikiApi::Answer> MediaWikiClient::write(ApiCall call,
                                                    const std::shared_ptr<std::atomic_bool> &cancel)
{
    if (!isLoggedIn()) {
        QMutexLocker lock(&m_loginMutex);
        if (!isLoggedIn()) {
            if (Status s = loginLocked(cancel); !s)
                return s.error();
        }
    }
    for (;;) {
        const Session current = session();
        call.set(QStringLiteral("assert"), QStringLiteral("user"));
        call.set(QStringLiteral("token"), current.token);
        auto answer = exchange(call, true, current.cookies, cancel);
        if (!answer)
            return answer;
        if (answer->verdict != MediaWikiApi::Verdict::SessionLost) {
            QMutexLocker lock(&m_mutex);
            m_consecutiveRelogins = 0;
            return answer;
        }
        qCInfo(lcTargets).noquote() << apiText() << "answered" << answer->error->code << "to"
                                    << call.field(QStringLiteral("action"));
        if (Status s = relogin(current.generation, cancel); !s)
            return s.error();
    }
}

} // namespace gh
