// "load --banned FILE" for every ingester whose records have identifiers: the listed records' files are
// skipped-banned, the others stay pending, and "report --format summary" counts them.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"
#include "tst_bagsupport.h"

using namespace gh;

class TestBanned : public QObject
{
    Q_OBJECT

private slots:
    void bannedRecordsAreSkipped_data();
    void bannedRecordsAreSkipped();
};

void TestBanned::bannedRecordsAreSkipped_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("banned");
    QTest::addColumn<QString>("detected");
    QTest::addColumn<int>("bannedFiles"); // -1: every file of the batch that intake found usable
    QTest::addColumn<int>("otherFiles");

    QTest::newRow("csv id") << QStringLiteral("csv") << QByteArray("rec-2\n") << QStringLiteral("csv")
                            << 1 << 2;
    QTest::newRow("jsonl link_source_id and combined id")
        << QStringLiteral("jsonl") << QByteArray("# withdrawn\n10.1/b\ndoi:10.1/c\n")
        << QStringLiteral("ingest-requests") << 2 << 1;
    QTest::newRow("mets OBJID") << QStringLiteral("mets") << QByteArray("flora-danica-1\n")
                                << QStringLiteral("mets") << -1 << 0;
    QTest::newRow("iiif manifest id")
        << QStringLiteral("iiif") << QByteArray("https://iiif.example.org/v3/rec-1/manifest\n")
        << QStringLiteral("iiif") << -1 << 0;
    QTest::newRow("bag item") << QStringLiteral("bag") << QByteArray("film1/page0002\n")
                              << QStringLiteral("bagit") << 2 << 3;
}

void TestBanned::bannedRecordsAreSkipped()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, banned);
    QFETCH(QString, detected);
    QFETCH(int, bannedFiles);
    QFETCH(int, otherFiles);

    test::Workspace ws;
    QString source;
    if (kind == u"csv") {
        source = ws.file(QStringLiteral("records.csv"));
        test::writeFile(source, "id,title,url\n"
                                "rec-1,One,https://example.org/1.jpg\n"
                                "rec-2,Two,https://example.org/2.jpg\n"
                                "rec-3,Three,https://example.org/3.jpg\n");
    } else if (kind == u"jsonl") {
        source = ws.file(QStringLiteral("requests.jsonl"));
        QByteArray lines;
        for (const char *id : {"10.1/a", "10.1/b", "10.1/c"}) {
            lines += R"({"ingest_type":"pdf","base_url":"https://example.org/)" +
                     QByteArray(id).replace('/', '-') + R"(.pdf","link_source":"doi","link_source_id":")" +
                     QByteArray(id) + "\"}\n";
        }
        test::writeFile(source, lines);
    } else if (kind == u"mets") {
        source = test::dataPath(QStringLiteral("mets/book"));
    } else if (kind == u"iiif") {
        source = test::dataPath(QStringLiteral("iiif/v3-manifest.json"));
    } else {
        source = ws.file(QStringLiteral("bag"));
        test::writeBag(source, test::sampleBag());
    }
    test::writeFile(ws.file(QStringLiteral("banned.txt")), banned);

    const auto load = ws.cli({QStringLiteral("load"), source, QStringLiteral("--banned"),
                              ws.file(QStringLiteral("banned.txt")), QStringLiteral("--json")});
    QVERIFY2(load.exitCode == 0, load.err.constData());
    QCOMPARE(QJsonDocument::fromJson(load.out).object().value(QStringLiteral("detected")).toString(),
             detected);

    const QJsonObject counts =
        QJsonDocument::fromJson(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
            .object()
            .value(QStringLiteral("batches"))
            .toArray()[0]
            .toObject()
            .value(QStringLiteral("counts"))
            .toObject();
    const int skipped = counts.value(QStringLiteral("skipped-banned")).toInt();
    const int pending = counts.value(QStringLiteral("pending")).toInt();
    if (bannedFiles < 0)
        QVERIFY2(skipped > 0, qPrintable(QString::fromUtf8(QJsonDocument(counts).toJson())));
    else
        QCOMPARE(skipped, bannedFiles);
    QCOMPARE(pending, otherFiles);

    const auto report = ws.cli({QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("--format"),
                                QStringLiteral("summary")});
    QCOMPARE(report.exitCode, 0);
    const QString text = QString::fromUtf8(report.out);
    QVERIFY2(
        QRegularExpression(QStringLiteral("skipped-banned \\.+ %1\\n").arg(skipped)).match(text).hasMatch(),
        qPrintable(text));
    QVERIFY2(QRegularExpression(QStringLiteral("Skipped \\.+ %1\\n").arg(skipped)).match(text).hasMatch(),
             qPrintable(text));
}

QTEST_GUILESS_MAIN(TestBanned)
#include "tst_banned.moc"
