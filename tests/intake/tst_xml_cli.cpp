// End to end through gatehouse-cli: each manifest format and the newspaper batch, loaded and (where every
// file is local) run through fetch with its declared checksums verified.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QJsonObject loadJson(const test::Workspace &ws, const QString &source)
{
    const auto result = ws.cli({QStringLiteral("load"), source, QStringLiteral("--json")});
    if (result.exitCode != 0)
        qWarning().noquote() << "load failed:" << result.exitCode << result.err;
    return QJsonDocument::fromJson(result.out).object();
}

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + u'/' + QDir(from).relativeFilePath(source);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(source, target))
            return false;
    }
    return true;
}

QString filesJson(const test::Workspace &ws)
{
    return QString::fromUtf8(
        ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out);
}

} // namespace

class TestXmlCli : public QObject
{
    Q_OBJECT

private slots:
    void metsLoadAndRun();
    void metsWithWrongChecksumFailsFixity();
    void metsWithPagesInsideAZipRunsAndVerifies();
    void imsCpLoad();
    void iiifLoad();
    void newspaperLoad();
    void newspaperRunVerifiesEveryChecksum();
    void newspaperRunWithCorruptedPage();
};

void TestXmlCli::metsLoadAndRun()
{
    test::Workspace ws;
    const QJsonObject o = loadJson(ws, test::dataPath(QStringLiteral("mets/book")));
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("mets"));
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 8);
    QCOMPARE(o.value(QStringLiteral("files")).toInt(), 14);

    test::Workspace run;
    const auto result = run.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("mets/book"))});
    QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
    QVERIFY(!filesJson(run).contains(QStringLiteral("fixity-mismatch")));
}

void TestXmlCli::metsWithWrongChecksumFailsFixity()
{
    test::Workspace ws;
    const auto result = ws.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("mets/damaged"))});
    QCOMPARE(result.exitCode, 1);
    const QString files = filesJson(ws);
    QVERIFY2(files.contains(QStringLiteral("fixity-mismatch")), qPrintable(files));
    QVERIFY2(files.contains(QStringLiteral("\"missing\"")), qPrintable(files));
}

void TestXmlCli::metsWithPagesInsideAZipRunsAndVerifies()
{
    // The pages are read from inside images.zip by the fetch stage and checked against the METS checksums;
    // the one page the archive lacks is the only problem.
    test::Workspace ws;
    const auto result =
        ws.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("mets/zipped-images/delivery"))});
    QCOMPARE(result.exitCode, 1);
    const QString files = filesJson(ws);
    QVERIFY2(!files.contains(QStringLiteral("fixity-mismatch")), qPrintable(files));
    QCOMPARE(files.count(QStringLiteral("\"missing\"")), 1);
    QVERIFY2(files.contains(QStringLiteral("page-1.tif")) && files.contains(QStringLiteral("page-2.tif")),
             qPrintable(files));
    const QJsonObject counts =
        QJsonDocument::fromJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
            .object()
            .value(QStringLiteral("batches"))
            .toArray()[0]
            .toObject()
            .value(QStringLiteral("counts"))
            .toObject();
    // The two pages and the METS document itself.
    QCOMPARE(counts.value(QStringLiteral("success")).toInt(), 3);
}

void TestXmlCli::imsCpLoad()
{
    test::Workspace ws;
    const QJsonObject o = loadJson(ws, test::dataPath(QStringLiteral("imscp/course")));
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("imscp"));
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 6);
    QCOMPARE(o.value(QStringLiteral("files")).toInt(), 8);
}

void TestXmlCli::iiifLoad()
{
    test::Workspace ws;
    const QJsonObject o = loadJson(ws, test::dataPath(QStringLiteral("iiif/v3-manifest.json")));
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("iiif"));
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("files")).toInt(), 6);
    const QJsonObject c = loadJson(ws, test::dataPath(QStringLiteral("iiif/v2-collection.json")));
    QCOMPARE(c.value(QStringLiteral("detected")).toString(), QStringLiteral("iiif"));
    QCOMPARE(c.value(QStringLiteral("items")).toInt(), 4);
    QCOMPARE(c.value(QStringLiteral("files")).toInt(), 10);
}

void TestXmlCli::newspaperLoad()
{
    test::Workspace ws;
    const QJsonObject o = loadJson(ws, test::dataPath(QStringLiteral("newspaper/B400022028241-RT2")));
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("newspaper"));
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 8);
    QCOMPARE(o.value(QStringLiteral("files")).toInt(), 21); // with the missing alto file, recorded as missing
    const QString trace =
        QString::fromUtf8(QJsonDocument(o.value(QStringLiteral("trace")).toArray()).toJson());
    QVERIFY2(trace.contains(QStringLiteral("adresseavisen1759-1795-06-16-01-0002.alto.xml")),
             qPrintable(trace));
}

void TestXmlCli::newspaperRunVerifiesEveryChecksum()
{
    test::Workspace ws;
    const auto result =
        ws.cli({QStringLiteral("run"), test::dataPath(QStringLiteral("newspaper/B400022028240-RT1"))});
    QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
    const QString files = filesJson(ws);
    QCOMPARE(files.count(QStringLiteral("\"status\":\"success\"")), 19);
}

void TestXmlCli::newspaperRunWithCorruptedPage()
{
    QTemporaryDir dir;
    const QString batch = dir.filePath(QStringLiteral("B400022028240-RT1"));
    QVERIFY(copyTree(test::dataPath(QStringLiteral("newspaper/B400022028240-RT1")), batch));
    QFile page(batch +
               QStringLiteral("/400022028240-14/1795-06-16-01/adresseavisen1759-1795-06-16-01-0001.jp2"));
    QVERIFY(page.open(QIODevice::ReadWrite));
    QVERIFY(page.seek(40));
    QVERIFY(page.write("X") == 1); // one flipped byte after delivery
    page.close();

    test::Workspace ws;
    const auto result = ws.cli({QStringLiteral("run"), batch});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(QString::fromUtf8(result.out).contains(QStringLiteral("fixity-mismatch")),
             result.out.constData());
    const QString files = filesJson(ws);
    QCOMPARE(files.count(QStringLiteral("fixity-mismatch")), 1);
}

QTEST_GUILESS_MAIN(TestXmlCli)
#include "tst_xml_cli.moc"
