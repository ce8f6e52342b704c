#include <QDir>
#include <QImage>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "imaging/jp2codec.h"
#include "imaging/thumbnailgenerator.h"
#include "testsupport.h"

using namespace gh;

namespace {

// Runs gatehouse-cli as a server without a display would: no QT_QPA_PLATFORM, no DISPLAY, no Wayland.
test::CliResult headless(const test::Workspace &ws, const QStringList &arguments)
{
    QProcessEnvironment env = ws.environment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(ws.path());
    process.start(test::binary(QStringLiteral("gatehouse-cli")),
                  QStringList{QStringLiteral("--catalog"), ws.catalog()} + arguments);
    test::CliResult result;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitCode();
    result.crashed = process.exitStatus() == QProcess::CrashExit;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QJsonObject jsonOf(const QByteArray &text)
{
    return QJsonDocument::fromJson(text.trimmed()).object();
}

QSize sourceSize(const QString &path)
{
    if (path.endsWith(QStringLiteral(".jp2"))) {
        auto decoded = Jp2Codec::decodeFile(path, {});
        return decoded ? decoded->fullSize : QSize();
    }
    return QImageReader(path).size();
}

} // namespace

class TestThumbnailsCli : public QObject
{
    Q_OBJECT

private slots:
    void fillsTheCacheHeadless();
    void failedThumbnailExitsOne();
    void filesFilter();
    void badArguments_data();
    void badArguments();
};

void TestThumbnailsCli::fillsTheCacheHeadless()
{
    test::Workspace ws;
    QCOMPARE(headless(ws, {QStringLiteral("run"), test::sampleDir(), QStringLiteral("-q")}).exitCode, 1);

    const auto first =
        headless(ws, {QStringLiteral("thumbnails"), QStringLiteral("1"), QStringLiteral("--size"),
                      QStringLiteral("128"), QStringLiteral("--json")});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QJsonObject summary = jsonOf(first.out);
    // Six images (PNG, JPEG, TIFF, two JPEG 2000, one more PNG) and a text file, which has no thumbnail.
    QCOMPARE(summary.value(QStringLiteral("made")).toInt(), 6);
    QCOMPARE(summary.value(QStringLiteral("cached")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("failed")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("unsupported")).toInt(), 1);
    QVERIFY(first.err.contains("Thumbnails: 6 of 6")); // progress goes to stderr
    // The cache is the GUI's: under XDG_CACHE_HOME.
    const QString cache = summary.value(QStringLiteral("cache")).toString();
    QCOMPARE(cache, ws.environment().value(QStringLiteral("XDG_CACHE_HOME")) +
                        QStringLiteral("/gatehouse/thumbnails"));

    const auto files = headless(ws, {QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QStringList formats;
    for (const QByteArray &line : files.out.split('\n')) {
        const QJsonObject f = jsonOf(line);
        const QString mimetype = f.value(QStringLiteral("mimetype")).toString();
        if (!mimetype.startsWith(QStringLiteral("image/")))
            continue;
        formats.append(mimetype);
        const QString sha256 = f.value(QStringLiteral("sha256")).toString();
        const QDir shard(cache + u'/' + sha256.left(2));
        const QStringList stored = shard.entryList({sha256 + QStringLiteral("-128.*")}, QDir::Files);
        QVERIFY2(stored.size() == 1, qPrintable(f.value(QStringLiteral("name")).toString()));
        const QImage thumbnail(shard.filePath(stored.constFirst()));
        QVERIFY(!thumbnail.isNull());
        const QSize source = sourceSize(f.value(QStringLiteral("path")).toString());
        QVERIFY(source.isValid());
        QCOMPARE(thumbnail.size(), ThumbnailGenerator::fittedSize(source, 128));
    }
    formats.sort();
    formats.removeDuplicates();
    QCOMPARE(formats, (QStringList{QStringLiteral("image/jp2"), QStringLiteral("image/jpeg"),
                                   QStringLiteral("image/png"), QStringLiteral("image/tiff")}));

    // A second run finds everything cached and makes nothing.
    const auto second = headless(ws, {QStringLiteral("thumbnails"), QStringLiteral("1"),
                                      QStringLiteral("--size"), QStringLiteral("128")});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.contains("0 made, 6 cached already, 0 failed, 1 unsupported"),
             second.out.constData());
}

void TestThumbnailsCli::failedThumbnailExitsOne()
{
    test::Workspace ws;
    // A file that claims to be a PNG but is cut off after its header: stored fine, no thumbnail.
    QFile png(test::sampleDir() + QStringLiteral("/box-01/card-0001.png"));
    QVERIFY(png.open(QIODevice::ReadOnly));
    const QByteArray bytes = png.readAll();
    test::writeFile(ws.file(QStringLiteral("src/broken.png")), bytes.left(200));
    test::writeFile(ws.file(QStringLiteral("src/good.png")), bytes);
    QCOMPARE(
        headless(ws, {QStringLiteral("run"), ws.file(QStringLiteral("src")), QStringLiteral("-q")}).exitCode,
        0);

    const auto result = headless(ws, {QStringLiteral("thumbnails"), QStringLiteral("1")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.contains("1 made, 0 cached already, 1 failed"), result.out.constData());
    // The failure names the file and why.
    QVERIFY2(result.err.contains("broken.png"), result.err.constData());
}

void TestThumbnailsCli::filesFilter()
{
    test::Workspace ws;
    QCOMPARE(headless(ws, {QStringLiteral("run"), test::sampleDir(), QStringLiteral("-q")}).exitCode, 1);
    auto names = [&](const QString &query) {
        const auto r = headless(ws, {QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json"),
                                     QStringLiteral("--filter"), query});
        QStringList list;
        for (const QByteArray &line : r.out.split('\n')) {
            if (!line.isEmpty())
                list.append(jsonOf(line).value(QStringLiteral("name")).toString());
        }
        return list;
    };
    QCOMPARE(names(QStringLiteral("mime:image/jp2")),
             (QStringList{QStringLiteral("card-0004.jp2"), QStringLiteral("card-0006.jp2")}));
    QCOMPARE(names(QStringLiteral("status:failed")), QStringList{QStringLiteral("card-0004.jp2")});
    QCOMPARE(names(QStringLiteral("name:*.TIF")), QStringList{QStringLiteral("card-0003.tif")});
    QCOMPARE(names(QStringLiteral("box-02 mime:image/*")),
             (QStringList{QStringLiteral("card-0005.png"), QStringLiteral("card-0006.jp2")}));
    QCOMPARE(names(QStringLiteral("status:ok mime:text/*")), QStringList{QStringLiteral("card-0005.txt")});
    // run checks after fetch: the checksum mismatch is QA's fixity finding too, and the text file has none.
    QCOMPARE(names(QStringLiteral("check:fixity")), QStringList{QStringLiteral("card-0004.jp2")});
    const QStringList flagged = names(QStringLiteral("qa:flagged"));
    QVERIFY2(flagged.contains(QStringLiteral("card-0004.jp2")) &&
                 !flagged.contains(QStringLiteral("card-0005.txt")),
             qPrintable(flagged.join(u',')));

    const auto bad = headless(ws, {QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--filter"),
                                   QStringLiteral("size:>huge")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.out.isEmpty());
    QVERIFY2(bad.err.contains("\"size:>huge\""), bad.err.constData());
}

void TestThumbnailsCli::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("size too small") << QStringList{QStringLiteral("thumbnails"), QStringLiteral("1"),
                                                   QStringLiteral("--size"), QStringLiteral("3")}
                                    << QStringLiteral("--size");
    QTest::newRow("jobs zero") << QStringList{QStringLiteral("thumbnails"), QStringLiteral("1"),
                                              QStringLiteral("--jobs"), QStringLiteral("0")}
                               << QStringLiteral("--jobs");
    QTest::newRow("no such batch") << QStringList{QStringLiteral("thumbnails"), QStringLiteral("42")}
                                   << QStringLiteral("42");
    QTest::newRow("not a batch id") << QStringList{QStringLiteral("thumbnails"), QStringLiteral("abc")}
                                    << QStringLiteral("\"abc\" is not a batch id");
}

void TestThumbnailsCli::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    test::Workspace ws;
    const auto result = headless(ws, arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
    // Nothing is made for a command that did not run.
    QVERIFY(!QDir(ws.environment().value(QStringLiteral("XDG_CACHE_HOME")) +
                  QStringLiteral("/gatehouse/thumbnails"))
                 .exists() ||
            QDir(ws.environment().value(QStringLiteral("XDG_CACHE_HOME")) +
                 QStringLiteral("/gatehouse/thumbnails"))
                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                .isEmpty());
}

QTEST_GUILESS_MAIN(TestThumbnailsCli)
#include "tst_thumbnailscli.moc"
