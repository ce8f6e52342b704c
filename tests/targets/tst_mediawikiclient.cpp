#include <QJsonDocument>
#include <QMutex>
#include <QTest>

#include "targets/mediawiki/mediawikiclient.h"

using namespace gh;

namespace {

// A wiki that loses sessions on demand: fault injection for the client's session handling (the real-wiki
// tests delete the sessions of a real MediaWiki; this one makes the corner cases exact).
class ScriptedWiki final : public ApiTransport
{
public:
    QMutex mutex;
    QList<ApiTransport::Send> calls;
    int sessionCounter = 0;
    QByteArray validSession; //!< The session cookie the wiki currently accepts.
    QString validToken;
    int loseSessionOnNextWrites = 0; //!< Writes answered with assertuserfailed.
    bool badtokenOnce = false;
    bool refuseLogin = false;

    Result<ApiReply> send(const Send &send) override
    {
        QMutexLocker lock(&mutex);
        calls.append(send);
        const ApiCall &c = send.call;
        const QString action = c.field(QStringLiteral("action"));
        auto json = [](const QByteArray &text, const QByteArray &cookie = {}) {
            ApiReply r;
            r.httpStatus = 200;
            r.body = text;
            if (!cookie.isEmpty())
                r.headers.insert("set-cookie", cookie);
            return r;
        };
        if (c.field(QStringLiteral("type")) == u"login") {
            ++sessionCounter;
            const QByteArray session = "s" + QByteArray::number(sessionCounter);
            return json(R"({"query":{"tokens":{"logintoken":"lt+"}}})",
                        "testwiki_session=" + session + "; path=/; HttpOnly");
        }
        const bool hasSession =
            !validSession.isEmpty() && send.cookies.contains(QByteArray("testwiki_session=" + validSession));
        if (action == u"login") {
            if (refuseLogin || c.field(QStringLiteral("lgpassword")) != u"0123456789abcdef0123456789abcdef")
                return json(
                    R"({"login":{"result":"Failed","reason":"Incorrect username or password entered."}})");
            validSession =
                send.cookies.mid(send.cookies.indexOf("testwiki_session=") + 17).split(';').first();
            return json(R"({"login":{"result":"Success","lguserid":1,"lgusername":"Admin"}})");
        }
        if (c.field(QStringLiteral("type")) == u"csrf") {
            validToken = hasSession ? QStringLiteral("tok%1+\\").arg(sessionCounter) : QStringLiteral("+\\");
            return json(
                QJsonDocument(
                    QJsonObject{{QStringLiteral("query"),
                                 QJsonObject{{QStringLiteral("tokens"),
                                              QJsonObject{{QStringLiteral("csrftoken"), validToken}}}}}})
                    .toJson());
        }
        if (send.write) {
            if (loseSessionOnNextWrites > 0) {
                --loseSessionOnNextWrites;
                validSession.clear();
                return json(R"({"error":{"code":"assertuserfailed","info":"You are no longer logged in."}})");
            }
            if (!hasSession)
                return json(R"({"error":{"code":"assertuserfailed","info":"You are no longer logged in."}})");
            if (badtokenOnce || c.field(QStringLiteral("token")) != validToken) {
                badtokenOnce = false;
                validToken = QStringLiteral("rotated");
                return json(R"({"error":{"code":"badtoken","info":"Invalid CSRF token."}})");
            }
            return json(
                R"({"upload":{"result":"Success","filename":"A.jpg","imageinfo":{"sha1":"ab","size":1}}})");
        }
        return json(R"({"batchcomplete":true,"query":{"pages":[]}})");
    }
};

MediaWikiClient::Options options()
{
    MediaWikiClient::Options o;
    o.api = QUrl(QStringLiteral("https://wiki.example/w/api.php"));
    o.user = QStringLiteral("Admin@ci");
    o.password = QStringLiteral("0123456789abcdef0123456789abcdef");
    return o;
}

ApiCall uploadCall()
{
    ApiCall c;
    c.post = true;
    c.fields = {{QStringLiteral("action"), QStringLiteral("upload")},
                {QStringLiteral("filename"), QStringLiteral("A.jpg")}};
    return c;
}

} // namespace

class tst_MediaWikiClient : public QObject
{
    Q_OBJECT

private slots:
    void readsStayAnonymousWritesLogInLazily()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient client(options(), wiki);
        ApiCall read;
        read.fields = {{QStringLiteral("action"), QStringLiteral("query")}};
        QVERIFY(client.read(read).ok());
        QCOMPARE(client.loginCount(), 0);
        QCOMPARE(wiki->calls.size(), 1);
        QCOMPARE(wiki->calls[0].call.field(QStringLiteral("maxlag")), QStringLiteral("5"));
        QCOMPARE(wiki->calls[0].call.field(QStringLiteral("formatversion")), QStringLiteral("2"));

        auto answer = client.write(uploadCall());
        QVERIFY2(answer.ok(), answer.ok() ? "" : qPrintable(answer.error().message));
        QCOMPARE(answer->verdict, MediaWikiApi::Verdict::Ok);
        QCOMPARE(client.loginCount(), 1);
        const ApiTransport::Send &upload = wiki->calls.last();
        QCOMPARE(upload.call.field(QStringLiteral("assert")), QStringLiteral("user"));
        QCOMPARE(upload.call.field(QStringLiteral("token")), QStringLiteral("tok1+\\"));
        QCOMPARE(upload.call.field(QStringLiteral("maxlag")), QStringLiteral("5"));
        QVERIFY(upload.write);
        QVERIFY(upload.cookies.contains("testwiki_session=s1"));
    }

    void sessionLossLogsInAgainAndRepeats()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient client(options(), wiki);
        QVERIFY(client.write(uploadCall()).ok());
        wiki->loseSessionOnNextWrites = 1;
        auto answer = client.write(uploadCall());
        QVERIFY(answer.ok());
        QCOMPARE(answer->verdict, MediaWikiApi::Verdict::Ok);
        QCOMPARE(client.loginCount(), 2);
        QVERIFY(wiki->calls.last().cookies.contains("testwiki_session=s2"));
        // A bad token alone also gets a new session and token.
        wiki->badtokenOnce = true;
        QVERIFY(client.write(uploadCall())->verdict == MediaWikiApi::Verdict::Ok);
        QCOMPARE(client.loginCount(), 3);
    }

    void givesUpAfterThreeConsecutiveRelogins()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient client(options(), wiki);
        QVERIFY(client.write(uploadCall()).ok());
        wiki->loseSessionOnNextWrites = 100;
        auto answer = client.write(uploadCall());
        QVERIFY(!answer.ok());
        QVERIFY(client.hasGivenUp());
        QCOMPARE(client.loginCount(), 1 + 3);
        QVERIFY2(answer.error().message.contains(QStringLiteral("3 times in a row")),
                 qPrintable(answer.error().message));
        QVERIFY(!answer.error().message.contains(options().password));
    }

    void consecutiveCountResetsAfterASuccess()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient client(options(), wiki);
        for (int i = 0; i < 6; ++i) {
            wiki->loseSessionOnNextWrites = 1;
            auto answer = client.write(uploadCall());
            QVERIFY2(answer.ok(), answer.ok() ? "" : qPrintable(answer.error().message));
        }
        QVERIFY(!client.hasGivenUp());
    }

    void refusedLoginSaysWhyWithoutThePassword()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient::Options o = options();
        o.password = QStringLiteral("wrongwrongwrongwrongwrongwrong00");
        MediaWikiClient client(o, wiki);
        auto answer = client.write(uploadCall());
        QVERIFY(!answer.ok());
        QCOMPARE(answer.error().code, ErrorCode::Usage);
        QVERIFY(answer.error().message.contains(QStringLiteral("Incorrect username or password")));
        QVERIFY(answer.error().message.contains(QStringLiteral("Admin@ci")));
        QVERIFY(!answer.error().message.contains(o.password));
    }

    void missingCredentialsAreAUsageError()
    {
        auto wiki = std::make_shared<ScriptedWiki>();
        MediaWikiClient::Options o = options();
        o.password.clear();
        MediaWikiClient client(o, wiki);
        auto answer = client.write(uploadCall());
        QVERIFY(!answer.ok());
        QVERIFY(answer.error().message.contains(QStringLiteral("GATEHOUSE_MEDIAWIKI_PASSWORD")));
        QCOMPARE(wiki->calls.size(), 0);
    }

    void cookieJar()
    {
        CookieJar jar;
        jar.update("a=1; path=/\nb=2; Max-Age=3600");
        QCOMPARE(jar.header(), QByteArray("a=1; b=2"));
        jar.update("a=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0");
        QCOMPARE(jar.header(), QByteArray("b=2"));
        jar.update("b=3");
        QCOMPARE(jar.header(), QByteArray("b=3"));
    }
};

QTEST_GUILESS_MAIN(tst_MediaWikiClient)
#include "tst_mediawikiclient.moc"
