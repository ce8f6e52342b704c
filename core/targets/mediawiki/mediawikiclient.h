#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QUrl>

#include "mediawikiapi.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::ApiTransport
    How a MediaWikiClient's calls reach the wiki: one HTTP exchange per call, with the session's cookies.
    The transport waits out what the wiki asks to be waited out — maxlag answers, 429 and 5xx with their
    Retry-After, network failures — within its retry policy, and returns the last reply; judging it is the
    client's. Implementations are thread-safe.
*/
class ApiTransport
{
public:
    struct Send
    {
        ApiCall call;
        QByteArray cookies; //!< The Cookie header to send.
        bool write = false; //!< Writes run one at a time per wiki unless the client allows more.
        std::shared_ptr<std::atomic_bool> cancel;
    };
    virtual ~ApiTransport() = default;
    //! Sends \a send; fails when no answer came (after the retries) or it was cancelled.
    virtual Result<ApiReply> send(const Send &send) = 0;
};

/*!
    \class gh::CookieJar
    The session's cookies: what Set-Cookie headers set, sent back as one Cookie header. Enough for one wiki
    (one host, path /): attributes other than expiry are not needed.
*/
class CookieJar
{
public:
    //! Takes the Set-Cookie values of a reply (\a setCookie: the header's values joined with "\n").
    void update(const QByteArray &setCookie);
    QByteArray header() const;
    void clear() { m_cookies.clear(); }
    bool isEmpty() const { return m_cookies.isEmpty(); }

private:
    QList<QPair<QByteArray, QByteArray>> m_cookies;
};

/*!
    \class gh::MediaWikiClient
    A session with one wiki's action API: every call carries \c format=json, \c formatversion=2 and
    \c maxlag; writes carry the CSRF token and \c assert=user.

    Logging in (a bot password, \c action=login) happens lazily, before the first write or the first call
    that needs an account. When the wiki says the session is gone (\c badtoken, \c assertuserfailed,
    \c assertbotfailed, \c notloggedin …), the client logs in again, fetches a new token and repeats the
    call; more than \c maxRelogins consecutive re-logins without a successful write end the run with a clear
    error. The password never appears in a log line or a message. Thread-safe: worker threads share one
    session; one of them logs in while the others wait.
*/
class MediaWikiClient
{
    Q_DECLARE_TR_FUNCTIONS(gh::MediaWikiClient)

public:
    struct Options
    {
        QUrl api;         //!< https://host/w/api.php
        QString user;     //!< "Name@appid"
        QString password; //!< The bot password.
        int maxLagSeconds = 5;
        int maxRelogins = 3;
    };

    MediaWikiClient(const Options &options, std::shared_ptr<ApiTransport> transport);
    ~MediaWikiClient();

    const Options &options() const { return m_options; }
    //! "https://host/w/api.php" for messages.
    QString apiText() const { return m_options.api.toString(QUrl::RemoveUserInfo); }

    /*!
        A call that reads. Answers with verdict Ok or ApiFailure are returned for the caller to read;
        failures to get an answer at all, and answers that are no API answer, are errors. With
        \a needsLogin, logs in first (lists that need rights, such as deleted files).
    */
    Result<MediaWikiApi::Answer> read(ApiCall call, const std::shared_ptr<std::atomic_bool> &cancel = {},
                                      bool needsLogin = false);
    /*!
        A call that changes the wiki (upload, delete): logs in if needed, adds the token and assert=user,
        and repeats the call after a session loss. Returns the answer (Ok or ApiFailure); errors are
        transport failures, a refused login, too many re-logins, or a cancel.
    */
    Result<MediaWikiApi::Answer> write(ApiCall call, const std::shared_ptr<std::atomic_bool> &cancel = {});

    //! Logs in now (normally lazy). Fails with the wiki's reason.
    Status login(const std::shared_ptr<std::atomic_bool> &cancel = {});
    bool isLoggedIn() const;
    //! How often this client logged in (the first time included).
    int loginCount() const { return m_logins.load(); }
    //! Whether the session was lost more than maxRelogins times in a row: nothing more can be written.
    bool hasGivenUp() const { return m_gaveUp.load(); }

private:
    struct Session
    {
        QByteArray cookies;
        QString token;
        quint64 generation = 0;
    };
    Result<MediaWikiApi::Answer> exchange(ApiCall call, bool write, const QByteArray &cookies,
                                          const std::shared_ptr<std::atomic_bool> &cancel);
    //! Logs in if the session is still \a generation (another thread may have done it already).
    Status relogin(quint64 generation, const std::shared_ptr<std::atomic_bool> &cancel);
    Status loginLocked(const std::shared_ptr<std::atomic_bool> &cancel);
    Session session() const;

    Options m_options;
    std::shared_ptr<ApiTransport> m_transport;
    mutable QMutex m_mutex; //!< Guards the cookie jar and the token.
    QMutex m_loginMutex;    //!< One login at a time.
    CookieJar m_jar;
    QString m_token;
    bool m_loggedIn = false;
    quint64 m_generation = 0;
    int m_consecutiveRelogins = 0;
    std::atomic<int> m_logins{0};
    std::atomic_bool m_gaveUp{false};
};

} // namespace gh
