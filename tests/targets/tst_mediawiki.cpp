// The MediaWiki target against a real MediaWiki 1.39 (tests/peers/mediawiki.sh: SQLite, PHP's upload limit at
// 4 MiB, a bot password), partly through the fault-injecting proxy (tests/peers/mwproxy.sh): look-ups batched
// by title and by SHA-1, single and chunked uploads, a chunked upload interrupted and continued from the
// wiki's stash by a new session, async publishing, warnings as outcomes, sessions deleted mid-run, maxlag and
// Retry-After waited out, a wiki that keeps failing, verify, delete and the deleted file found by its bytes;
// answers to uploads lost after the wiki stored the file (still our upload: a rejection withdraws it).

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "digest/multidigest.h"
#include "noiseimage.h"
#include "peerserver.h"
#include "targets/mediawiki/mediawikitarget.h"
#include "targets/targetregistry.h"
#include "testsupport.h"

using namespace gh;

namespace {

constexpr qint64 s_mib = 1024 * 1024;

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

struct Sample
{
    QString path;
    QByteArray bytes;
    Digests digests;
};

//! A PNG of noise: unique bytes for \a seed, about \a side² × 3 bytes.
Sample png(const QString &dir, const QString &name, int side, quint32 seed)
{
    const QByteArray bytes = test::noisePng(side, seed, 0);
    Sample s;
    s.path = QDir(dir).filePath(name);
    s.bytes = bytes;
    test::writeFile(s.path, bytes);
    s.digests = MultiDigest::of(bytes);
    return s;
}

UploadRequest request(const Sample &s, const QString &name)
{
    UploadRequest r;
    r.fileId = 1;
    r.label = name;
    r.name = name;
    r.source.localPath = s.path;
    r.source.size = s.bytes.size();
    r.source.digests = s.digests;
    r.source.mimetype = QStringLiteral("image/png");
    r.pageText = QStringLiteral("== {{int:filedesc}} ==\nA test upload of %1.\n").arg(name);
    r.summary = QStringLiteral("tst_mediawiki");
    return r;
}

//! The proxy's control endpoint.
QJsonDocument proxy(int port, const QString &path, bool post = true)
{
    QProcess curl;
    QStringList args{QStringLiteral("-s"), QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)};
    if (post)
        args.prepend(QStringLiteral("-XPOST"));
    curl.start(QStringLiteral("curl"), args);
    curl.waitForFinished(30000);
    return QJsonDocument::fromJson(curl.readAllStandardOutput());
}

/*!
    A wiki (a fake: fault injection) whose statistics say it holds one file while it lists \a pages pages of
    one file each ("File N.png" with the SHA-1 of "N"), or pages for ever (-1). It finds nothing by SHA-1 and
    holds none of the titles asked.
*/
class LaggingStatistics final : public ApiTransport
{
public:
    explicit LaggingStatistics(int pages)
        : m_pages(pages)
    {}

    std::atomic<int> statistics{0};
    std::atomic<int> pages{0};
    std::atomic<int> searches{0};
    std::atomic<bool> lostTheThread{false}; //!< A page was asked without the previous one's continuation.

    static QString sha1Of(int n) { return MultiDigest::of(QByteArray::number(n)).sha1; }

    Result<ApiReply> send(const Send &send) override
    {
        const ApiCall &c = send.call;
        QJsonObject answer{{QStringLiteral("batchcomplete"), true}};
        QJsonObject query;
        if (c.field(QStringLiteral("meta")) == u"siteinfo|userinfo") {
            ++statistics;
            query.insert(QStringLiteral("statistics"), QJsonObject{{QStringLiteral("images"), 1}});
            query.insert(QStringLiteral("userinfo"),
                         QJsonObject{{QStringLiteral("anon"), true},
                                     {QStringLiteral("rights"), QJsonArray{QStringLiteral("read")}}});
        } else if (c.field(QStringLiteral("list")) == u"allimages" &&
                   c.field(QStringLiteral("aisha1")).isEmpty()) {
            const int page = ++pages;
            if (c.field(QStringLiteral("aicontinue")) !=
                (page == 1 ? QString() : QStringLiteral("File_%1.png").arg(page)))
                lostTheThread = true;
            query.insert(QStringLiteral("allimages"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("name"), QStringLiteral("File_%1.png").arg(page)},
                             {QStringLiteral("title"), QStringLiteral("File:File %1.png").arg(page)},
                             {QStringLiteral("sha1"), sha1Of(page)},
                             {QStringLiteral("size"), 1}}});
            if (m_pages < 0 || page < m_pages)
                answer.insert(
                    QStringLiteral("continue"),
                    QJsonObject{{QStringLiteral("aicontinue"), QStringLiteral("File_%1.png").arg(page + 1)},
                                {QStringLiteral("continue"), QStringLiteral("-||")}});
        } else if (c.field(QStringLiteral("list")) == u"allimages") {
            ++searches;
            query.insert(QStringLiteral("allimages"), QJsonArray());
        } else {
            QJsonArray missing;
            for (const QString &title : c.field(QStringLiteral("titles")).split(u'|'))
                missing.append(
                    QJsonObject{{QStringLiteral("title"), title}, {QStringLiteral("missing"), true}});
            query.insert(QStringLiteral("pages"), missing);
        }
        answer.insert(QStringLiteral("query"), query);
        ApiReply reply;
        reply.httpStatus = 200;
        reply.body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
        return reply;
    }

private:
    int m_pages;
};

QList<LookupQuery> byContent(int from, int count)
{
    QList<LookupQuery> queries;
    for (int n = from; n < from + count; ++n) {
        Digests d;
        d.sha1 = LaggingStatistics::sha1Of(n);
        queries.append(LookupQuery{{}, d, 1});
    }
    return queries;
}

std::unique_ptr<MediaWikiTarget> fakeWiki(std::shared_ptr<ApiTransport> transport)
{
    auto target = MediaWikiTarget::create(QStringLiteral("mediawiki:http://wiki.invalid/api.php"),
                                          TargetOptions(), std::move(transport));
    if (!target)
        qFatal("%s", qPrintable(target.error().message));
    return std::move(*target);
}

} // namespace

class tst_MediaWiki : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::PeerServer> m_wiki;
    std::unique_ptr<test::PeerServer> m_proxy;
    QTemporaryDir m_dir;

    TargetOptions options() const
    {
        TargetOptions o;
        o.user = readText(m_wiki->dir() + u"/bot_user");
        o.password = readText(m_wiki->dir() + u"/bot_password");
        o.chunkSize = 2 * s_mib;
        o.maxAttempts = 4;
        o.contact = QStringLiteral("mailto:tests@gatehouse.invalid");
        return o;
    }

    TargetContext context() const
    {
        TargetContext c;
        c.environment = QProcessEnvironment();
        c.stagingDir = m_dir.filePath(QStringLiteral("staging"));
        return c;
    }

    std::unique_ptr<MediaWikiTarget> open(const TargetOptions &o, bool throughProxy = false) const
    {
        const QString url = throughProxy ? m_proxy->baseUrl() : m_wiki->baseUrl();
        auto opened = TargetRegistry::open(QStringLiteral("mediawiki:%1/api.php").arg(url), o, context());
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        return std::unique_ptr<MediaWikiTarget>(static_cast<MediaWikiTarget *>(opened->release()));
    }

    //! A settings file in \a ws with the wiki's account, \a mediawiki more [mediawiki] lines, and a contact.
    QString writeConfig(const test::Workspace &ws, const QString &mediawiki) const
    {
        const QString config = ws.file(QStringLiteral("gatehouse.ini"));
        test::writeFile(config, QStringLiteral("[mediawiki]\nuser=%1\npassword=%2\n%3\n"
                                               "[transfer]\ncontact=mailto:tests@gatehouse.invalid\n")
                                    .arg(readText(m_wiki->dir() + u"/bot_user"),
                                         readText(m_wiki->dir() + u"/bot_password"), mediawiki)
                                    .toUtf8());
        return config;
    }

    //! gatehouse-cli upload of batch 1 to \a spec with \a config, each file under its own name, in JSON.
    static QStringList uploadArguments(const QString &config, const QString &spec)
    {
        return {QStringLiteral("--config"),
                config,
                QStringLiteral("upload"),
                QStringLiteral("1"),
                QStringLiteral("--target"),
                spec,
                QStringLiteral("--title-template"),
                QStringLiteral("{filename}"),
                QStringLiteral("--json")};
    }

    void expireSessions() const
    {
        QProcess p;
        p.start(QStringLiteral("/bin/bash"), {QStringLiteral(GATEHOUSE_PEERS_DIR "/mediawiki.sh"),
                                              QStringLiteral("expire-sessions"), m_wiki->dir()});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(p.readAllStandardOutput().trimmed().toInt() > 0, "no session was deleted");
    }

private slots:
    void initTestCase()
    {
        m_wiki = std::make_unique<test::PeerServer>(QStringLiteral("mediawiki"));
        QVERIFY2(m_wiki->isRunning(), qPrintable(m_wiki->error()));
        m_proxy =
            std::make_unique<test::PeerServer>(QStringLiteral("mwproxy"), QStringList{m_wiki->baseUrl()});
        QVERIFY2(m_proxy->isRunning(), qPrintable(m_proxy->error()));
    }

    void uploadLookUpVerify()
    {
        auto target = open(options());
        const Sample a = png(m_dir.path(), QStringLiteral("a.png"), 200, 1);
        const QString name = QStringLiteral("Gatehouse test a.png");

        auto before = target->lookup({LookupQuery{name, a.digests, a.bytes.size()}}, {});
        QVERIFY2(before, before ? "" : qPrintable(before.error().message));
        QVERIFY(!before->first().named);
        QVERIFY(before->first().sameBytes.isEmpty());
        // Look-ups are anonymous: no login before there is something to upload.
        QCOMPARE(target->client().loginCount(), 0);

        const UploadOutcome up = target->upload(request(a, name));
        QVERIFY2(up.state == TargetState::Uploaded, qPrintable(up.message));
        QCOMPARE(up.name, name);
        QVERIFY(up.stored);
        QCOMPARE(up.stored->sha1, a.digests.sha1);
        QCOMPARE(target->client().loginCount(), 1);

        auto verified = target->verify({VerifyQuery{name, a.digests, a.bytes.size()}});
        QVERIFY(verified);
        QVERIFY2(verified->first().matches, qPrintable(verified->first().message));
        QCOMPARE(verified->first().found->uploader, QStringLiteral("Admin"));

        // A fresh target (a new run) finds it by name and by SHA-1.
        auto later = open(options());
        auto found = later->lookup(
            {LookupQuery{QStringLiteral("Gatehouse_test_a.png"), a.digests, a.bytes.size()}}, {});
        QVERIFY(found);
        QVERIFY(found->first().alreadyThere(a.digests, a.bytes.size()));
        QCOMPARE(found->first().normalizedName, name);
        QCOMPARE(found->first().sameBytes.size(), 1);

        // Never twice: sending again is answered "already there" and adds no revision.
        const UploadOutcome again = later->upload(request(a, name));
        QCOMPARE(again.state, TargetState::AlreadyThere);

        // The same bytes under another name need a decision.
        const UploadOutcome elsewhere =
            later->upload(request(a, QStringLiteral("Gatehouse test a copy.png")));
        QCOMPARE(elsewhere.state, TargetState::NeedsDecision);
        QVERIFY2(elsewhere.message.contains(QStringLiteral("File:Gatehouse test a.png")),
                 qPrintable(elsewhere.message));
        auto other = later->lookup(
            {LookupQuery{QStringLiteral("Gatehouse test a copy.png"), a.digests, a.bytes.size()}}, {});
        QCOMPARE(other->first().elsewhere(a.digests).size(), 1);

        // Other bytes under our name need a decision too; a curator's "overwrite" sends a new version.
        const Sample b = png(m_dir.path(), QStringLiteral("b.png"), 200, 2);
        const UploadOutcome taken = later->upload(request(b, name));
        QCOMPARE(taken.state, TargetState::NeedsDecision);
        QVERIFY2(taken.message.contains(QStringLiteral("other content")), qPrintable(taken.message));
        UploadRequest overwrite = request(b, name);
        overwrite.ignoreWarnings = true;
        QCOMPARE(later->upload(overwrite).state, TargetState::Uploaded);
        QVERIFY(later->verify({VerifyQuery{name, b.digests, b.bytes.size()}})->first().matches);
        QVERIFY(!later->verify({VerifyQuery{name, a.digests, a.bytes.size()}})->first().matches);
    }

    void cliUploadEndToEnd()
    {
        // gatehouse-cli itself: load a folder of images, upload it to the wiki, compare what the wiki says it
        // holds with what we fetched, and upload again with nothing sent.
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        QDir().mkpath(src);
        for (int i = 1; i <= 3; ++i)
            png(src, QStringLiteral("gatehouse-cli-page-%1.png").arg(i), 160, quint32(9000 + i));
        // A big one goes in chunks past PHP's 4 MiB limit.
        png(src, QStringLiteral("gatehouse-cli-page-4.png"), 1400, 9004);
        const QString config = writeConfig(ws, QStringLiteral("chunk_size=2M"));
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);

        const QString spec = QStringLiteral("mediawiki:%1/api.php").arg(m_wiki->baseUrl());
        const QStringList upload = uploadArguments(config, spec);
        const auto first = ws.cli(upload, 300000);
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const QJsonObject counts = QJsonDocument::fromJson(first.out)
                                       .object()
                                       .value(QStringLiteral("targets"))
                                       .toArray()
                                       .first()
                                       .toObject();
        QCOMPARE(counts.value(QStringLiteral("uploaded")).toInt(), 4);
        QVERIFY(!first.err.contains(readText(m_wiki->dir() + u"/bot_password").toUtf8()));

        // What the wiki holds, asked with Qt's own HTTP client: one revision each, our SHA-1 and size.
        const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(files.exitCode, 0);
        auto revisionsOnTheWiki = [&](const QString &title) {
            const QByteArray body = test::httpGet(
                QStringLiteral("%1/api.php?action=query&format=json&prop=imageinfo&iiprop=sha1%7Csize"
                               "&iilimit=50&titles=%2")
                    .arg(m_wiki->baseUrl(),
                         QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("File:") + title))));
            const QJsonObject pages = QJsonDocument::fromJson(body)
                                          .object()
                                          .value(QStringLiteral("query"))
                                          .toObject()
                                          .value(QStringLiteral("pages"))
                                          .toObject();
            return pages.isEmpty() ? QJsonArray()
                                   : pages.begin()->toObject().value(QStringLiteral("imageinfo")).toArray();
        };
        int checked = 0;
        for (const QByteArray &line : files.out.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject f = QJsonDocument::fromJson(line).object();
            const QJsonObject row = f.value(QStringLiteral("targets")).toArray().first().toObject();
            QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("uploaded"));
            QVERIFY(row.value(QStringLiteral("verified")).toBool());
            const QJsonArray revisions = revisionsOnTheWiki(row.value(QStringLiteral("name")).toString());
            QCOMPARE(revisions.size(), 1);
            QCOMPARE(revisions.first().toObject().value(QStringLiteral("sha1")).toString(),
                     f.value(QStringLiteral("sha1")).toString());
            QCOMPARE(revisions.first().toObject().value(QStringLiteral("size")).toInteger(),
                     f.value(QStringLiteral("size")).toInteger());
            ++checked;
        }
        QCOMPARE(checked, 4);

        // Again: exit 0, nothing sent, still one revision each.
        const auto again = ws.cli(upload, 300000);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        for (int i = 1; i <= 4; ++i)
            QCOMPARE(revisionsOnTheWiki(QStringLiteral("Gatehouse-cli-page-%1.png").arg(i)).size(), 1);
    }

    void manyTitlesInFewRequests()
    {
        auto target = open(options());
        QList<LookupQuery> queries;
        for (int i = 0; i < 120; ++i)
            queries.append(LookupQuery{QStringLiteral("Nothing here %1.png").arg(i), {}, -1});
        auto answers = target->lookup(queries, {});
        QVERIFY(answers);
        QCOMPARE(answers->size(), 120);
        QCOMPARE(target->readRequests(), 3); // 50 + 50 + 20 titles
        // Cached for the run.
        QVERIFY(target->lookup(queries, {}));
        QCOMPARE(target->readRequests(), 3);
    }

    void aListingFollowsTheWikisContinuation()
    {
        // Statistics behind the wiki: one file said, three listed; still cheaper than 20 searches.
        auto transport = std::make_shared<LaggingStatistics>(3);
        auto target = fakeWiki(transport);
        target->expectLookups(20);
        auto answers = target->lookup(byContent(1, 10), {});
        QVERIFY2(answers, answers ? "" : qPrintable(answers.error().message));
        QVERIFY(target->hasListing());
        QCOMPARE(transport->statistics.load(), 1);
        QCOMPARE(transport->pages.load(), 3);
        QCOMPARE(transport->searches.load(), 0);
        QVERIFY(!transport->lostTheThread);
        for (int n = 1; n <= 10; ++n) {
            const QList<RemoteObject> same = answers->at(n - 1).sameBytes;
            QCOMPARE(same.size(), n <= 3 ? 1 : 0);
            if (n <= 3)
                QCOMPARE(same.first().name, QStringLiteral("File %1.png").arg(n));
        }
        // The rest of the run asks the listing, not the wiki.
        QVERIFY(target->lookup(byContent(11, 10), {}));
        QCOMPARE(transport->pages.load() + transport->searches.load() + transport->statistics.load(), 4);
    }

    void aWikiFarLargerThanItSaysIsSearchedInstead()
    {
        auto transport = std::make_shared<LaggingStatistics>(-1);
        auto target = fakeWiki(transport);
        target->expectLookups(20);
        auto answers = target->lookup(byContent(1, 10), {});
        QVERIFY2(answers, answers ? "" : qPrintable(answers.error().message));
        // 20 searches to come: the listing gives up after 19 pages, and this call's 10 are searched.
        QVERIFY(!target->hasListing());
        QCOMPARE(transport->statistics.load(), 1);
        QCOMPARE(transport->pages.load(), 19);
        QCOMPARE(transport->searches.load(), 10);
        QVERIFY(!transport->lostTheThread);
        for (const LookupAnswer &a : std::as_const(*answers))
            QVERIFY(a.sameBytes.isEmpty()); // the abandoned pages are not taken for the wiki
        // Not tried again this run.
        QVERIFY(target->lookup(byContent(11, 10), {}));
        QCOMPARE(transport->statistics.load(), 1);
        QCOMPARE(transport->pages.load(), 19);
        QCOMPARE(transport->searches.load(), 20);
    }

    void largeFilesGoInChunksAndResume()
    {
        // 9 MiB: more than PHP takes in one request here, so only chunks carry it.
        const Sample big = png(m_dir.path(), QStringLiteral("big.png"), 1780, 3);
        QVERIFY(big.bytes.size() > 9 * s_mib);
        const QString name = QStringLiteral("Gatehouse test big.png");
        TargetOptions o = options();
        auto first = open(o, true);
        proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));

        // Stop after the second chunk, as a killed process would, keeping what the journal keeps.
        QJsonObject journal;
        UploadRequest interrupted = request(big, name);
        interrupted.cancel = std::make_shared<std::atomic_bool>(false);
        interrupted.saveResume = [&](const QJsonObject &state) { journal = state; };
        int chunks = 0;
        interrupted.progress = [&](qint64, qint64) {
            if (++chunks == 2)
                interrupted.cancel->store(true);
        };
        const UploadOutcome stopped = first->upload(interrupted);
        QVERIFY(stopped.cancelled);
        QCOMPARE(journal.value(QStringLiteral("stage")).toString(), QStringLiteral("chunks"));
        QCOMPARE(journal.value(QStringLiteral("offset")).toInteger(), 4 * s_mib);

        // A new run, a new session: it asks the wiki about the stash and sends only the rest.
        auto second = open(o, true);
        proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));
        UploadRequest resumed = request(big, name);
        resumed.resume = journal;
        const UploadOutcome done = second->upload(resumed);
        QVERIFY2(done.state == TargetState::Uploaded, qPrintable(done.message));
        const QJsonArray requests = proxy(m_proxy->port(), QStringLiteral("/_proxy/requests"), false).array();
        QList<qint64> offsets;
        for (const QJsonValue &r : requests) {
            const QJsonObject form = r.toObject().value(QStringLiteral("form")).toObject();
            if (form.contains(QStringLiteral("chunk")))
                offsets.append(form.value(QStringLiteral("offset")).toString().toLongLong());
        }
        QCOMPARE(offsets, (QList<qint64>{4 * s_mib, 6 * s_mib, 8 * s_mib}));
        QVERIFY(second->verify({VerifyQuery{name, big.digests, big.bytes.size()}})->first().matches);

        // A journal whose stash the wiki no longer has (expired, or another wiki) starts the file over.
        const Sample big2 = png(m_dir.path(), QStringLiteral("big2.png"), 1780, 4);
        UploadRequest stale = request(big2, QStringLiteral("Gatehouse test big2.png"));
        stale.resume = QJsonObject{{QStringLiteral("stage"), QStringLiteral("chunks")},
                                   {QStringLiteral("filekey"), QStringLiteral("nosuchkey.abc.1.png")},
                                   {QStringLiteral("offset"), 2 * s_mib},
                                   {QStringLiteral("size"), big2.bytes.size()},
                                   {QStringLiteral("sha1"), big2.digests.sha1}};
        const UploadOutcome restarted = second->upload(stale);
        QVERIFY2(restarted.state == TargetState::Uploaded, qPrintable(restarted.message));
        QVERIFY(second->verify({VerifyQuery{stale.name, big2.digests, big2.bytes.size()}})->first().matches);
    }

    void asyncPublishing()
    {
        TargetOptions o = options();
        o.asyncThreshold = 5 * s_mib;
        auto target = open(o);
        const Sample big = png(m_dir.path(), QStringLiteral("async.png"), 1400, 5);
        const UploadOutcome up = target->upload(request(big, QStringLiteral("Gatehouse test async.png")));
        QVERIFY2(up.state == TargetState::Uploaded, qPrintable(up.message));
        QVERIFY(target->verify({VerifyQuery{up.name, big.digests, big.bytes.size()}})->first().matches);
    }

    void sessionsDeletedMidRun()
    {
        auto target = open(options());
        const Sample c = png(m_dir.path(), QStringLiteral("c.png"), 120, 6);
        QCOMPARE(target->upload(request(c, QStringLiteral("Gatehouse test c.png"))).state,
                 TargetState::Uploaded);
        QCOMPARE(target->client().loginCount(), 1);
        expireSessions();
        const Sample d = png(m_dir.path(), QStringLiteral("d.png"), 120, 7);
        const UploadOutcome up = target->upload(request(d, QStringLiteral("Gatehouse test d.png")));
        QVERIFY2(up.state == TargetState::Uploaded, qPrintable(up.message));
        QCOMPARE(target->client().loginCount(), 2);
    }

    void maxlagAndRetryAfterAreWaitedOut()
    {
        auto target = open(options(), true);
        const Sample e = png(m_dir.path(), QStringLiteral("e.png"), 120, 8);
        proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=maxlag&count=2&retry=1"));
        QElapsedTimer timer;
        timer.start();
        auto looked = target->lookup(
            {LookupQuery{QStringLiteral("Gatehouse test e.png"), e.digests, e.bytes.size()}}, {});
        QVERIFY2(looked, looked ? "" : qPrintable(looked.error().message));
        QVERIFY2(timer.elapsed() >= 1500, qPrintable(QString::number(timer.elapsed())));
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=503&count=2&retry=1&method=POST"));
        const UploadOutcome up = target->upload(request(e, QStringLiteral("Gatehouse test e.png")));
        QVERIFY2(up.state == TargetState::Uploaded, qPrintable(up.message));
        const QJsonArray requests = proxy(m_proxy->port(), QStringLiteral("/_proxy/requests"), false).array();
        int faults = 0;
        for (const QJsonValue &r : requests) {
            const QJsonObject o = r.toObject();
            if (!o.value(QStringLiteral("fault")).isNull())
                ++faults;
            // maxlag=5 on every request, read or write.
            const QString maxlag = o.value(QStringLiteral("query"))
                                       .toObject()
                                       .value(QStringLiteral("maxlag"))
                                       .toString(o.value(QStringLiteral("form"))
                                                     .toObject()
                                                     .value(QStringLiteral("maxlag"))
                                                     .toString());
            QCOMPARE(maxlag, QStringLiteral("5"));
        }
        QCOMPARE(faults, 4);
    }

    void aWikiThatKeepsFailingEndsInFailed()
    {
        TargetOptions o = options();
        o.maxAttempts = 3;
        auto target = open(o, true);
        const Sample f = png(m_dir.path(), QStringLiteral("f.png"), 120, 9);
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=readonly&count=-1&method=POST"));
        const UploadOutcome up = target->upload(request(f, QStringLiteral("Gatehouse test f.png")));
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=none"));
        QCOMPARE(up.state, TargetState::Failed);
        QVERIFY(up.transient);
        QVERIFY2(up.message.contains(QStringLiteral("read-only")), qPrintable(up.message));
    }

    void deleteAndFindTheDeletedBytes()
    {
        auto target = open(options());
        const Sample g = png(m_dir.path(), QStringLiteral("g.png"), 120, 10);
        const QString name = QStringLiteral("Gatehouse test g.png");
        QCOMPARE(target->upload(request(g, name)).state, TargetState::Uploaded);
        QVERIFY(target->remove(name, QStringLiteral("Copyright violation: test")));
        auto later = open(options());
        later->setLookUpDeleted(true);
        auto found = later->lookup({LookupQuery{name, g.digests, g.bytes.size()}}, {});
        QVERIFY2(found, found ? "" : qPrintable(found.error().message));
        QVERIFY(!found->first().named);
        QVERIFY(found->first().nameWasDeleted);
        QCOMPARE(found->first().deletedSameBytes.size(), 1);
        QVERIFY(found->first().deletedSameBytes.first().deletedForCopyright);
        // Uploading the same bytes again is a curator's decision.
        const UploadOutcome again = later->upload(request(g, QStringLiteral("Gatehouse test g again.png")));
        QCOMPARE(again.state, TargetState::NeedsDecision);
        QVERIFY2(again.message.contains(QStringLiteral("deleted")), qPrintable(again.message));
    }

    void aLostAnswerIsStillOurUploadAndARejectionWithdrawsIt()
    {
        // The wiki stores a file, but its answer never arrives (the proxy drops it). Whether the engine's
        // retry learns in the same run that the bytes are there ("no change") or every attempt is lost and
        // the next run finds them, the file is this batch's upload, not "already there": a rejection
        // withdraws it. A file that was on the wiki before the batch stays.
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        QDir().mkpath(src);
        for (int i = 1; i <= 4; ++i)
            png(src, QStringLiteral("Lostanswer-%1.png").arg(i), 90, quint32(7000 + i));
        const Sample before = png(m_dir.path(), QStringLiteral("Lostanswer-4.png"), 90, 7004);
        QCOMPARE(open(options())->upload(request(before, QStringLiteral("Lostanswer-4.png"))).state,
                 TargetState::Uploaded);
        const QString config = writeConfig(ws, QStringLiteral("max_attempts=2"));
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);
        const QString spec = QStringLiteral("mediawiki:%1/api.php").arg(m_proxy->baseUrl());
        const QStringList upload = uploadArguments(config, spec);
        auto sha1OnTheWiki = [&](const QString &title) {
            const QByteArray body = test::httpGet(
                QStringLiteral("%1/api.php?action=query&format=json&formatversion=2&prop=imageinfo"
                               "&iiprop=sha1&titles=%2")
                    .arg(m_wiki->baseUrl(),
                         QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("File:") + title))));
            return QJsonDocument::fromJson(body)
                .object()
                .value(QStringLiteral("query"))
                .toObject()
                .value(QStringLiteral("pages"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("imageinfo"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("sha1"))
                .toString();
        };
        auto states = [&] {
            QHash<QString, QString> byName;
            const auto files =
                ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
            for (const QByteArray &line : files.out.split('\n')) {
                const QJsonObject f = QJsonDocument::fromJson(line).object();
                const QJsonObject row = f.value(QStringLiteral("targets")).toArray().first().toObject();
                if (!f.isEmpty())
                    byName.insert(f.value(QStringLiteral("name")).toString(),
                                  row.value(QStringLiteral("state")).toString() +
                                      (row.value(QStringLiteral("verified")).toBool() ? QStringLiteral("+v")
                                                                                      : QString()));
            }
            return byName;
        };

        // Every answer to Lostanswer-1's upload is lost, both attempts: failed, worth another run. The
        // first answer to Lostanswer-2's upload is lost; the retry hears "no change".
        proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=drop&count=3&action=upload"));
        const auto first =
            ws.cli(upload + QStringList{QStringLiteral("--jobs"), QStringLiteral("1")}, 300000);
        proxy(m_proxy->port(), QStringLiteral("/_proxy/faults?kind=none"));
        QCOMPARE(first.exitCode, 1);
        auto after = states();
        QCOMPARE(after.value(QStringLiteral("Lostanswer-1.png")), QStringLiteral("failed"));
        QCOMPARE(after.value(QStringLiteral("Lostanswer-2.png")), QStringLiteral("uploaded+v"));
        QCOMPARE(after.value(QStringLiteral("Lostanswer-3.png")), QStringLiteral("uploaded+v"));
        QCOMPARE(after.value(QStringLiteral("Lostanswer-4.png")), QStringLiteral("already-there+v"));
        // The wiki stored Lostanswer-1 all the same.
        const QJsonArray requests = proxy(m_proxy->port(), QStringLiteral("/_proxy/requests"), false).array();
        int dropped = 0;
        for (const QJsonValue &r : requests)
            dropped += r.toObject().value(QStringLiteral("fault")).toString() == u"drop";
        QCOMPARE(dropped, 3);
        QVERIFY(!sha1OnTheWiki(QStringLiteral("Lostanswer-1.png")).isEmpty());

        // The next run looks it up, finds our bytes under our name after our own attempt: uploaded.
        const auto second = ws.cli(upload, 300000);
        QVERIFY2(second.exitCode == 0, QByteArray(second.out + second.err).constData());
        after = states();
        QCOMPARE(after.value(QStringLiteral("Lostanswer-1.png")), QStringLiteral("uploaded+v"));
        QCOMPARE(after.value(QStringLiteral("Lostanswer-4.png")), QStringLiteral("already-there+v"));

        // Rejected: our three go, the one that was there before stays. (The rejection's hook reads the
        // account from the environment or the keyring.)
        qputenv("GATEHOUSE_MEDIAWIKI_USER", readText(m_wiki->dir() + u"/bot_user").toUtf8());
        qputenv("GATEHOUSE_MEDIAWIKI_PASSWORD", readText(m_wiki->dir() + u"/bot_password").toUtf8());
        const auto rejected =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("reject"), QStringLiteral("1"),
                    QStringLiteral("--reason"), QStringLiteral("wrong box")},
                   300000);
        qunsetenv("GATEHOUSE_MEDIAWIKI_USER");
        qunsetenv("GATEHOUSE_MEDIAWIKI_PASSWORD");
        QVERIFY2(rejected.exitCode == 0, rejected.err.constData());
        QVERIFY2(
            rejected.err.contains("3 files deleted from 127.0.0.1. 1 files that were there before stay."),
            rejected.err.constData());
        for (int i = 1; i <= 3; ++i)
            QVERIFY(sha1OnTheWiki(QStringLiteral("Lostanswer-%1.png").arg(i)).isEmpty());
        QCOMPARE(sha1OnTheWiki(QStringLiteral("Lostanswer-4.png")), before.digests.sha1);
    }

    void badCredentialsStopWithAClearError()
    {
        TargetOptions o = options();
        o.password = QStringLiteral("0000000000000000000000000000000000");
        auto target = open(o);
        const Sample h = png(m_dir.path(), QStringLiteral("h.png"), 64, 11);
        const UploadOutcome up = target->upload(request(h, QStringLiteral("Gatehouse test h.png")));
        QCOMPARE(up.state, TargetState::Failed);
        QVERIFY(up.fatal);
        QVERIFY2(up.message.contains(QStringLiteral("Admin@ci")), qPrintable(up.message));
        QVERIFY(!up.message.contains(o.password));
    }
};

QTEST_MAIN(tst_MediaWiki)
#include "tst_mediawiki.moc"
