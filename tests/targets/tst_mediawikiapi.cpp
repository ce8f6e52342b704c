#include <QJsonDocument>
#include <QTest>

#include "targets/mediawiki/mediawikiapi.h"

using namespace gh;

// The wiki's answers as MediaWiki 1.39 gives them (recorded from the test peer), and what Gatehouse makes of
// them: verdicts, warnings, errors, look-up answers.
class tst_MediaWikiApi : public QObject
{
    Q_OBJECT

    static QJsonObject json(const char *text)
    {
        QJsonParseError error;
        const QJsonDocument d = QJsonDocument::fromJson(QByteArray(text), &error);
        if (!d.isObject())
            qFatal("bad test JSON: %s", qPrintable(error.errorString()));
        return d.object();
    }

    static ApiReply reply(int status, const QByteArray &body, QHash<QByteArray, QByteArray> headers = {})
    {
        ApiReply r;
        r.httpStatus = status;
        r.body = body;
        r.headers = headers;
        return r;
    }

    static ApiCall uploadWithFile()
    {
        ApiCall c;
        c.post = true;
        c.fields = {{QStringLiteral("action"), QStringLiteral("upload")}};
        c.filePart = QStringLiteral("file");
        c.fileData = QByteArray(10 * 1024 * 1024, 'x');
        return c;
    }

private slots:
    void verdicts_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<qint64>("retryMs");
        QTest::newRow("ok") << 200 << QByteArray(R"({"batchcomplete":true,"query":{}})") << QByteArray()
                            << int(MediaWikiApi::Verdict::Ok) << -1LL;
        QTest::newRow("maxlag")
            << 200
            << QByteArray(
                   R"({"error":{"code":"maxlag","info":"Waiting for 10.0.0.1: 7 seconds lagged.","host":"10.0.0.1","lag":7,"type":"db"}})")
            << QByteArray("5") << int(MediaWikiApi::Verdict::Lagged) << 5000LL;
        QTest::newRow("maxlag without header")
            << 200 << QByteArray(R"({"error":{"code":"maxlag","info":"lagged"}})") << QByteArray()
            << int(MediaWikiApi::Verdict::Lagged) << 5000LL;
        QTest::newRow("badtoken") << 200
                                  << QByteArray(
                                         R"({"error":{"code":"badtoken","info":"Invalid CSRF token."}})")
                                  << QByteArray() << int(MediaWikiApi::Verdict::SessionLost) << -1LL;
        QTest::newRow("assertuserfailed")
            << 200
            << QByteArray(R"({"error":{"code":"assertuserfailed","info":"You are no longer logged in."}})")
            << QByteArray() << int(MediaWikiApi::Verdict::SessionLost) << -1LL;
        QTest::newRow("assertbotfailed")
            << 200 << QByteArray(R"({"error":{"code":"assertbotfailed","info":"x"}})") << QByteArray()
            << int(MediaWikiApi::Verdict::SessionLost) << -1LL;
        QTest::newRow("readonly")
            << 200 << QByteArray(R"({"error":{"code":"readonly","info":"The wiki is in read-only mode."}})")
            << QByteArray() << int(MediaWikiApi::Verdict::Busy) << -1LL;
        QTest::newRow("503") << 503 << QByteArray("<html>down</html>") << QByteArray("30")
                             << int(MediaWikiApi::Verdict::Busy) << 30000LL;
        QTest::newRow("429") << 429 << QByteArray("slow down") << QByteArray()
                             << int(MediaWikiApi::Verdict::Busy) << -1LL;
        QTest::newRow("api failure") << 200
                                     << QByteArray(R"({"error":{"code":"filetype-banned","info":"nope"}})")
                                     << QByteArray() << int(MediaWikiApi::Verdict::ApiFailure) << -1LL;
        QTest::newRow("proxy page") << 200 << QByteArray("<html><title>Login</title></html>") << QByteArray()
                                    << int(MediaWikiApi::Verdict::NotJson) << -1LL;
        QTest::newRow("413") << 413 << QByteArray() << QByteArray() << int(MediaWikiApi::Verdict::TooLarge)
                             << -1LL;
    }

    void verdicts()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, retryAfter);
        QFETCH(int, verdict);
        QFETCH(qint64, retryMs);
        QHash<QByteArray, QByteArray> headers;
        if (!retryAfter.isEmpty())
            headers.insert("retry-after", retryAfter);
        ApiCall call;
        call.fields = {{QStringLiteral("action"), QStringLiteral("query")}};
        const auto answer = MediaWikiApi::judge(call, reply(status, body, headers));
        QCOMPARE(int(answer.verdict), verdict);
        QCOMPARE(answer.retryAfterMs, retryMs);
        if (answer.verdict != MediaWikiApi::Verdict::Ok)
            QVERIFY(!answer.message.isEmpty());
    }

    void droppedBodyIsTooLarge()
    {
        // What PHP does with a body over post_max_size: MediaWiki sees no parameters and shows its help.
        const QByteArray help = "<!DOCTYPE html>\n<html><head><title>MediaWiki API help - TestWiki</title>";
        const auto answer = MediaWikiApi::judge(uploadWithFile(), reply(200, help));
        QCOMPARE(answer.verdict, MediaWikiApi::Verdict::TooLarge);
        QVERIFY(answer.message.contains(QStringLiteral("10485760")));
    }

    void describeHidesSecrets()
    {
        const ApiCall login = MediaWikiApi::loginCall(
            QStringLiteral("Admin@ci"), QStringLiteral("s3cretpassw0rd"), QStringLiteral("abc+\\"));
        const QString text = login.describe();
        QVERIFY(text.contains(QStringLiteral("lgname=Admin@ci")));
        QVERIFY2(!text.contains(QStringLiteral("s3cret")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("abc+")));
    }

    void imageInfoCallBatchesTitles()
    {
        const ApiCall c = MediaWikiApi::imageInfoCall({QStringLiteral("A.jpg"), QStringLiteral("B c.png")});
        QCOMPARE(c.field(QStringLiteral("titles")), QStringLiteral("File:A.jpg|File:B c.png"));
        // A "|" inside a name switches to MediaWiki's unit-separator form.
        const ApiCall odd = MediaWikiApi::imageInfoCall({QStringLiteral("A|B.jpg"), QStringLiteral("C.jpg")});
        QCOMPARE(odd.field(QStringLiteral("titles")), QStringLiteral("\x1f"
                                                                     "File:A|B.jpg\x1f"
                                                                     "File:C.jpg"));
    }

    void parseImageInfo()
    {
        const QJsonObject answer = json(
            R"({"batchcomplete":true,"query":{)"
            R"("normalized":[{"fromencoded":false,"from":"File:test_a.png","to":"File:Test a.png"}],)"
            R"("pages":[)"
            R"({"ns":6,"title":"File:Big.tif","missing":true,"imagerepository":""},)"
            R"({"pageid":2,"ns":6,"title":"File:Test a.png","imagerepository":"local","imageinfo":[)"
            R"({"timestamp":"2026-12-05T23:53:07Z","user":"Admin","size":326612,"width":300,"height":200,)"
            R"("url":"http://127.0.0.1:33703/images/2/24/Test_a.png",)"
            R"("descriptionurl":"http://127.0.0.1:33703/index.php/File:Test_a.png",)"
            R"("sha1":"318D3724CDEE87E5C8A12752A9260BCD3AB411E5","mime":"image/png"}]},)"
            R"({"pageid":7,"ns":6,"title":"File:Page only.jpg","imagerepository":""},)"
            R"({"title":"File:Bad<name","invalidreason":"The requested page title contains invalid characters: <.","invalid":true})"
            R"(]}})");
        QHash<QString, QString> normalized;
        QHash<QString, QString> invalid;
        const QStringList asked{QStringLiteral("test_a.png"), QStringLiteral("Big.tif"),
                                QStringLiteral("Page only.jpg"), QStringLiteral("Bad<name")};
        const auto found = MediaWikiApi::parseImageInfo(answer, asked, &normalized, &invalid);
        QCOMPARE(normalized.value(QStringLiteral("test_a.png")), QStringLiteral("Test a.png"));
        const auto a = found.value(QStringLiteral("test_a.png"));
        QVERIFY(a);
        QCOMPARE(a->name, QStringLiteral("Test a.png"));
        QCOMPARE(a->sha1, QStringLiteral("318d3724cdee87e5c8a12752a9260bcd3ab411e5"));
        QCOMPARE(a->size, 326612);
        QCOMPARE(a->uploader, QStringLiteral("Admin"));
        QCOMPARE(a->uploaded, QDateTime(QDate(2026, 12, 5), QTime(23, 53, 7), Qt::UTC));
        QCOMPARE(a->url, QStringLiteral("http://127.0.0.1:33703/images/2/24/Test_a.png"));
        QCOMPARE(a->width, 300);
        QVERIFY(!found.value(QStringLiteral("Big.tif")));
        // A description page without a file takes the name all the same.
        const auto pageOnly = found.value(QStringLiteral("Page only.jpg"));
        QVERIFY(pageOnly);
        QVERIFY(pageOnly->sha1.isEmpty());
        QVERIFY(pageOnly->reported.value(QStringLiteral("page_exists")).toBool());
        QVERIFY(invalid.value(QStringLiteral("Bad<name")).contains(QStringLiteral("invalid characters")));
    }

    void parseAllImagesAndArchive()
    {
        const auto live = MediaWikiApi::parseAllImages(
            json("{\"query\":{\"allimages\":["
                 "{\"name\":\"Test_a.png\",\"timestamp\":\"2026-12-05T23:53:07Z\",\"user\":\"Admin\","
                 "\"size\":5,\"sha1\":\"ab\",\"ns\":6,\"title\":\"File:Test a.png\",\"url\":\"u\"}]}}"));
        QCOMPARE(live.size(), 1);
        QCOMPARE(live[0].name, QStringLiteral("Test a.png"));
        QCOMPARE(live[0].sha1, QStringLiteral("ab"));
        QVERIFY(!live[0].deleted);
        const auto deleted = MediaWikiApi::parseFileArchive(
            json("{\"query\":{\"filearchive\":["
                 "{\"id\":1,\"name\":\"Old_scan.jpg\",\"ns\":6,\"title\":\"File:Old "
                 "scan.jpg\",\"sha1\":\"cd\",\"size\":9,\"user\":\"Someone\",\"timestamp\":\"2020-01-01T00:"
                 "00:00Z\"}]}}"));
        QCOMPARE(deleted.size(), 1);
        QCOMPARE(deleted[0].name, QStringLiteral("Old scan.jpg"));
        QVERIFY(deleted[0].deleted);
        QCOMPARE(MediaWikiApi::parseDeletionReason(
                     json("{\"query\":{\"logevents\":["
                          "{\"action\":\"delete\",\"comment\":\"[[COM:CSD#F3|F3]]: Copyright "
                          "violation\",\"timestamp\":\"2021-01-01T00:00:00Z\"}]}}")),
                 QStringLiteral("[[COM:CSD#F3|F3]]: Copyright violation"));
        QVERIFY(MediaWikiApi::isCopyrightReason(QStringLiteral("[[COM:CSD#F3|F3]]: Copyright violation")));
        QVERIFY(MediaWikiApi::isCopyrightReason(QStringLiteral("No permission since 3 May")));
        QVERIFY(!MediaWikiApi::isCopyrightReason(QStringLiteral("Duplicate of a better scan")));
    }

    void uploadAnswers()
    {
        const auto cont = UploadAnswer::parse(
            json(R"({"upload":{"result":"Continue","offset":2097152,"filekey":"1d4x.afw.1.tif"}})"));
        QCOMPARE(cont.result, UploadAnswer::Result::Continue);
        QCOMPARE(cont.offset, 2097152);
        QCOMPARE(cont.filekey, QStringLiteral("1d4x.afw.1.tif"));
        const auto poll = UploadAnswer::parse(
            json(R"({"upload":{"result":"Poll","stage":"queued","filename":"Big2.tif"}})"));
        QCOMPARE(poll.result, UploadAnswer::Result::Poll);
        QCOMPARE(poll.stage, QStringLiteral("queued"));
        const auto success = UploadAnswer::parse(json(
            R"({"upload":{"result":"Success","filename":"Test_a.png","imageinfo":{"sha1":"ab","size":3}}})"));
        QCOMPARE(success.result, UploadAnswer::Result::Success);
        QCOMPARE(success.filename, QStringLiteral("Test a.png"));
        QCOMPARE(success.imageinfo.value(QStringLiteral("size")).toInt(), 3);
        QCOMPARE(UploadAnswer::parse(json(R"({"error":{"code":"x"}})")).result, UploadAnswer::Result::Error);
    }

    void warnings_data()
    {
        QTest::addColumn<QByteArray>("warnings");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("deleted");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("exists + nochange")
            << QByteArray(R"({"exists":"Ours.jpg","nochange":{"timestamp":"2026-01-01T00:00:00Z"}})")
            << int(TargetState::AlreadyThere) << false << QStringLiteral("File:Ours.jpg");
        QTest::newRow("duplicate of ours")
            << QByteArray(R"({"duplicate":["Ours.jpg"]})") << int(TargetState::AlreadyThere) << false
            << QStringLiteral("File:Ours.jpg");
        QTest::newRow("duplicate elsewhere")
            << QByteArray(R"({"duplicate":["Other_name.jpg"]})") << int(TargetState::NeedsDecision) << false
            << QStringLiteral("File:Other name.jpg");
        QTest::newRow("duplicate-archive")
            << QByteArray(R"({"duplicate-archive":"Deleted_one.jpg"})") << int(TargetState::NeedsDecision)
            << true << QStringLiteral("File:Deleted one.jpg");
        QTest::newRow("exists") << QByteArray(R"({"exists":"Ours.jpg"})") << int(TargetState::NeedsDecision)
                                << false << QStringLiteral("other content");
        QTest::newRow("exists-normalized")
            << QByteArray(R"({"exists-normalized":"Ours.JPG"})") << int(TargetState::NeedsDecision) << false
            << QStringLiteral("File:Ours.JPG");
        QTest::newRow("page-exists") << QByteArray(R"({"page-exists":"Ours.jpg"})")
                                     << int(TargetState::NeedsDecision) << false
                                     << QStringLiteral("without a file");
        QTest::newRow("was-deleted") << QByteArray(R"({"was-deleted":"Ours.jpg"})")
                                     << int(TargetState::NeedsDecision) << true
                                     << QStringLiteral("deleted before");
        QTest::newRow("badfilename") << QByteArray(R"({"badfilename":"Ours-x.jpg"})")
                                     << int(TargetState::Failed) << false
                                     << QStringLiteral("File:Ours-x.jpg");
        QTest::newRow("emptyfile") << QByteArray(R"({"emptyfile":"Ours.jpg"})") << int(TargetState::Failed)
                                   << false << QStringLiteral("empty");
        QTest::newRow("unknown") << QByteArray(R"({"large-file":{"size":10}})")
                                 << int(TargetState::NeedsDecision) << false << QStringLiteral("large-file");
    }

    void warnings()
    {
        QFETCH(QByteArray, warnings);
        QFETCH(int, state);
        QFETCH(bool, deleted);
        QFETCH(QString, mentions);
        const auto v =
            UploadWarnings::judge(QJsonDocument::fromJson(warnings).object(), QStringLiteral("Ours.jpg"));
        QCOMPARE(int(v.state), state);
        QCOMPARE(v.deleted, deleted);
        QVERIFY2(v.message.contains(mentions), qPrintable(v.message));
    }

    void errors()
    {
        auto judge = [](const char *text) {
            const QJsonObject e = QJsonDocument::fromJson(QByteArray(text)).object();
            return UploadErrors::judge(ApiError{e.value(QStringLiteral("code")).toString(),
                                                e.value(QStringLiteral("info")).toString(), e});
        };
        QCOMPARE(judge(R"({"code":"fileexists-no-change","info":"same"})").state, TargetState::AlreadyThere);
        const auto offset = judge(R"({"code":"stashfailed","info":"Invalid chunk offset","offset":4194304})");
        QCOMPARE(offset.resumeOffset, 4194304);
        QVERIFY(!offset.restart);
        const auto gone =
            judge(R"({"code":"stashfailed","info":"No chunked upload session with this key."})");
        QVERIFY(gone.restart);
        QVERIFY(judge(R"({"code":"uploaddisabled","info":"Uploads are not enabled."})").fatal);
        QVERIFY(judge(R"({"code":"permissiondenied","info":"no"})").fatal);
        const auto banned =
            judge(R"({"code":"filetype-banned","info":"'.exe' is not a permitted file type."})");
        QCOMPARE(banned.state, TargetState::Failed);
        QVERIFY(!banned.fatal && !banned.transient);
        QVERIFY(banned.message.contains(QStringLiteral("not a permitted file type")));
    }

    void chunkPlan()
    {
        ChunkPlan plan{10 * 1024 * 1024 + 5, 5 * 1024 * 1024};
        QCOMPARE(plan.count(), 3);
        QCOMPARE(plan.lengthAt(0), 5 * 1024 * 1024);
        QCOMPARE(plan.lengthAt(10 * 1024 * 1024), 5);
        QVERIFY(plan.isValidOffset(5 * 1024 * 1024));
        QVERIFY(!plan.isValidOffset(plan.size));
    }
};

QTEST_GUILESS_MAIN(tst_MediaWikiApi)
#include "tst_mediawikiapi.moc"
