#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "testsupport.h"
#include "tst_bagsupport.h"

// gatehouse-cli end to end on BagIt bags: run, bag validate, bag export.

using namespace gh;

namespace {

using test::jsonLines;

QStringList lines(const QByteArray &text)
{
    QStringList result;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            result.append(QString::fromUtf8(line));
    }
    return result;
}

QString show(const test::CliResult &r)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(r.exitCode)
        .arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err));
}

} // namespace

class TestBagCli : public QObject
{
    Q_OBJECT

private slots:
    void runOnABagStoresEveryFile();
    void runOnACorruptedBagReportsTheMismatch();
    void validateValidBag();
    void validateInvalidBagListsEveryProblem();
    void validateJson();
    void validateUsageAndNotABag();
    void validateFollowsRfc8493();
    void exportThenValidate();
    void exportWithChosenAlgorithms();
    void exportLeavesOutFailedFilesAndSaysSo();
};

void TestBagCli::runOnABagStoresEveryFile()
{
    test::Workspace ws;
    const test::BagSpec spec = test::sampleBag();
    test::writeBag(ws.file(QStringLiteral("deposit")), spec);
    const auto run = ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("deposit"))});
    QVERIFY2(run.exitCode == 0, qPrintable(show(run)));
    QVERIFY2(run.err.contains("(bagit)"), qPrintable(show(run)));

    const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(files.exitCode, 0);
    const QList<QJsonObject> records = jsonLines(files.out);
    QCOMPARE(records.size(), spec.payload.size()); // payload only, no tag files
    for (const QJsonObject &record : records) {
        QCOMPARE(record.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        const QJsonObject declared = record.value(QStringLiteral("declared")).toObject();
        QCOMPARE(declared.value(QStringLiteral("sha256")).toString(),
                 record.value(QStringLiteral("sha256")).toString());
        QCOMPARE(declared.value(QStringLiteral("origin")).toString(),
                 QStringLiteral("manifest-md5.txt, manifest-sha256.txt"));
    }
}

void TestBagCli::runOnACorruptedBagReportsTheMismatch()
{
    test::Workspace ws;
    const test::BagSpec spec = test::sampleBag();
    const QString bag = ws.file(QStringLiteral("deposit"));
    test::writeBag(bag, spec);
    QByteArray bytes = spec.payload[2].second; // data/film1/page0002.jp2
    bytes[10] = char(bytes[10] ^ 0x40);
    test::writeFile(QDir(bag).filePath(spec.payload[2].first), bytes);

    const auto run = ws.cli({QStringLiteral("run"), bag});
    QVERIFY2(run.exitCode == 1, qPrintable(show(run)));
    QVERIFY2(run.out.contains("fixity-mismatch"), qPrintable(show(run)));
    const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    int mismatches = 0;
    for (const QJsonObject &record : jsonLines(files.out)) {
        const QString status = record.value(QStringLiteral("status")).toString();
        if (record.value(QStringLiteral("name")).toString() == u"page0002.jp2") {
            QCOMPARE(status, QStringLiteral("fixity-mismatch"));
            QVERIFY(record.value(QStringLiteral("error"))
                        .toString()
                        .contains(QStringLiteral("manifest-sha256.txt")));
            ++mismatches;
        } else {
            QCOMPARE(status, QStringLiteral("success"));
        }
    }
    QCOMPARE(mismatches, 1);
}

void TestBagCli::validateValidBag()
{
    test::Workspace ws;
    test::writeBag(ws.file(QStringLiteral("bag")), test::sampleBag());
    auto result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), ws.file(QStringLiteral("bag"))});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QCOMPARE(lines(result.out).size(), 1);
    QVERIFY(result.out.contains("is a valid BagIt 1.0 bag: 5 payload files"));

    // Valid with warnings: exit 0, warnings printed.
    test::BagSpec old = test::sampleBag();
    old.version = QStringLiteral("0.97");
    old.algorithms = {QStringLiteral("md5")};
    old.eol = "\r\n";
    test::writeBag(ws.file(QStringLiteral("old")), old);
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), ws.file(QStringLiteral("old"))});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QVERIFY(result.out.contains("warning: The payload is protected only by manifest-md5.txt"));
    QVERIFY(result.out.contains("is a valid BagIt 0.97 bag"));
}

void TestBagCli::validateInvalidBagListsEveryProblem()
{
    test::Workspace ws;
    const QString bag = ws.file(QStringLiteral("bag"));
    test::writeBag(bag, test::sampleBag());
    QVERIFY(QFile::remove(QDir(bag).filePath(QStringLiteral("data/README.txt"))));
    test::writeFile(QDir(bag).filePath(QStringLiteral("data/film1/extra.tif")), "not in any manifest");
    test::writeFile(QDir(bag).filePath(QStringLiteral("data/film1/page0001.alto.xml")),
                    "<alto>changed</alto>\n");
    test::appendToFile(
        QDir(bag).filePath(QStringLiteral("manifest-sha256.txt")),
        "0000000000000000000000000000000000000000000000000000000000000000  data/../../etc/passwd\n");

    const auto result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), bag});
    QVERIFY2(result.exitCode == 1, qPrintable(show(result)));
    const QStringList out = lines(result.out);
    QStringList problems;
    for (const QString &line : out) {
        if (line.startsWith(u"problem: "))
            problems.append(line);
    }
    auto has = [&](const QString &text) {
        return std::count_if(problems.cbegin(), problems.cend(),
                             [&](const QString &p) { return p.contains(text); });
    };
    QCOMPARE(has(QStringLiteral(
                 "data/README.txt is listed in manifest-md5.txt, manifest-sha256.txt but is not in the bag")),
             1);
    QCOMPARE(has(QStringLiteral("data/film1/extra.tif is in data/ but is not listed")), 1);
    QCOMPARE(has(QStringLiteral(
                 "data/film1/page0001.alto.xml does not match its sha256 checksum in manifest-sha256.txt")),
             1);
    QCOMPARE(has(QStringLiteral(
                 "data/film1/page0001.alto.xml does not match its md5 checksum in manifest-md5.txt")),
             1);
    QCOMPARE(has(QStringLiteral(
                 "manifest-sha256.txt does not match its sha256 checksum in tagmanifest-sha256.txt")),
             1);
    QCOMPARE(has(QStringLiteral("data/../../etc/passwd")), 1);
    QCOMPARE(has(QStringLiteral("Payload-Oxum")), 1);
    QCOMPARE(problems.size(), 7);
    QVERIFY(out.constLast().contains(QStringLiteral("is not a valid bag: 7 problems")));
}

void TestBagCli::validateJson()
{
    test::Workspace ws;
    const QString bag = ws.file(QStringLiteral("bag"));
    test::writeBag(bag, test::sampleBag());
    auto result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), bag, QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    QJsonObject json = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(json.value(QStringLiteral("valid")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("problems")).toArray().size(), 0);
    QVERIFY(json.value(QStringLiteral("warnings")).isArray());

    QVERIFY(QFile::remove(QDir(bag).filePath(QStringLiteral("data/README.txt"))));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), QStringLiteral("--json"), bag});
    QCOMPARE(result.exitCode, 1);
    json = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(json.value(QStringLiteral("valid")).toBool(true), false);
    const QJsonArray problems = json.value(QStringLiteral("problems")).toArray();
    QCOMPARE(problems.size(), 2);
    QCOMPARE(problems[0].toObject().value(QStringLiteral("code")).toString(), QStringLiteral("missing_file"));
    QCOMPARE(problems[0].toObject().value(QStringLiteral("file")).toString(),
             QStringLiteral("data/README.txt"));
}

void TestBagCli::validateUsageAndNotABag()
{
    test::Workspace ws;
    test::writeFile(ws.file(QStringLiteral("plain/photo.jpg")), "jpeg");
    auto result =
        ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), ws.file(QStringLiteral("plain"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("is not a BagIt bag"), qPrintable(show(result)));

    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), ws.file(QStringLiteral("nowhere"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("does not exist"));

    result = ws.cli(
        {QStringLiteral("bag"), QStringLiteral("validate"), ws.file(QStringLiteral("plain/photo.jpg"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("is not a folder"));

    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate")});
    QCOMPARE(result.exitCode, 2);
    result = ws.cli({QStringLiteral("bag")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("bag validate PATH"));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("repack")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("Unknown bag command"));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("-o DIR"));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("--help")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.out.contains("bag export BATCH -o DIR"));
}

void TestBagCli::validateFollowsRfc8493()
{
    test::Workspace ws;
    auto validate = [&](const QString &bag) {
        return ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), ws.file(bag)});
    };
    // §2.1.1: a byte-order mark in bagit.txt makes the bag invalid (exit 1), as bagit-python says too.
    test::writeBag(ws.file(QStringLiteral("bom")), test::sampleBag());
    test::writeFile(ws.file(QStringLiteral("bom/bagit.txt")),
                    "\xEF\xBB\xBF"
                    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    test::refreshTagManifests(ws.file(QStringLiteral("bom")));
    auto result = validate(QStringLiteral("bom"));
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.contains("problem: bagit.txt starts with a UTF-8 byte-order mark"),
             qPrintable(show(result)));
    QVERIFY(result.out.contains("is not a valid bag: 1 problems"));

    // §2.1.1: "BagIt-Version : 1.0" is not the declaration's form.
    test::writeBag(ws.file(QStringLiteral("spaced")), test::sampleBag());
    test::writeFile(ws.file(QStringLiteral("spaced/bagit.txt")),
                    "BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n");
    test::refreshTagManifests(ws.file(QStringLiteral("spaced")));
    result = validate(QStringLiteral("spaced"));
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.contains("problem: Line 1 of bagit.txt reads \"BagIt-Version : 1.0\""),
             qPrintable(show(result)));

    // sha224 and sha384 manifests are verified, not "an algorithm Gatehouse cannot compute".
    test::BagSpec sha = test::sampleBag();
    sha.algorithms = {QStringLiteral("sha224"), QStringLiteral("sha384")};
    sha.tagAlgorithms = {QStringLiteral("sha384")};
    test::writeBag(ws.file(QStringLiteral("sha")), sha);
    result = validate(QStringLiteral("sha"));
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QVERIFY(!result.out.contains("cannot compute"));
    QVERIFY(result.out.contains("5 payload files"));

    // Operating-system clutter and names equal but for case: warnings, exit 0.
    test::BagSpec clutter = test::sampleBag();
    clutter.payload.append({QStringLiteral("data/Thumbs.db"), "cache"});
    clutter.payload.append({QStringLiteral("data/readme.txt"), "lower case"});
    test::writeBag(ws.file(QStringLiteral("clutter")), clutter);
    result = validate(QStringLiteral("clutter"));
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QVERIFY(result.out.contains("warning: data/Thumbs.db is a file an operating system leaves behind"));
    const QString out = QString::fromUtf8(result.out);
    QVERIFY2(
        out.contains(QStringLiteral("warning: data/README.txt and data/readme.txt differ only in case")) ||
            out.contains(QStringLiteral("warning: data/readme.txt and data/README.txt differ only in case")),
        qPrintable(out));
}

void TestBagCli::exportWithChosenAlgorithms()
{
    test::Workspace ws;
    test::writeBag(ws.file(QStringLiteral("deposit")), test::sampleBag());
    QCOMPARE(ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("deposit"))}).exitCode, 0);
    const QString out = ws.file(QStringLiteral("export/bag"));
    auto result =
        ws.cli({QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("-o"),
                out, QStringLiteral("--algorithm"), QStringLiteral("sha384,md5")});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QStringList manifests = QDir(out).entryList({QStringLiteral("*manifest-*.txt")}, QDir::Files, QDir::Name);
    QCOMPARE(manifests,
             (QStringList{QStringLiteral("manifest-md5.txt"), QStringLiteral("manifest-sha384.txt"),
                          QStringLiteral("tagmanifest-md5.txt"), QStringLiteral("tagmanifest-sha384.txt")}));
    QVERIFY(test::readFile(QDir(out).filePath(QStringLiteral("manifest-sha384.txt")))
                .contains(test::digestHex("Two pages of film 1.\n", QStringLiteral("sha384")).toLatin1()));

    result =
        ws.cli({QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("-o"),
                ws.file(QStringLiteral("other")), QStringLiteral("--algorithm"), QStringLiteral("blake3")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("Unknown manifest algorithm \"blake3\""));
    QVERIFY(!QFile::exists(ws.file(QStringLiteral("other"))));
}

void TestBagCli::exportThenValidate()
{
    test::Workspace ws;
    test::writeBag(ws.file(QStringLiteral("deposit")), test::sampleBag());
    QCOMPARE(ws.cli({QStringLiteral("run"), ws.file(QStringLiteral("deposit"))}).exitCode, 0);

    const QString out = ws.file(QStringLiteral("export/bag"));
    auto result = ws.cli(
        {QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("-o"), out});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QVERIFY(result.out.contains("Exported 5 files"));
    QVERIFY(result.out.contains("valid BagIt 1.0 bag"));
    QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("data/film1/page0001/page0001.jp2"))));

    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), out});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));

    // The exported bag loads as a bag again, with the same content.
    result = ws.cli({QStringLiteral("run"), out});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
    QVERIFY(result.err.contains("(bagit)"));

    // Into a folder that is not empty: refused, nothing touched.
    result = ws.cli(
        {QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("-o"), out});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("is not empty"));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), out});
    QCOMPARE(result.exitCode, 0);

    result = ws.cli({QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("42"),
                     QStringLiteral("-o"), ws.file(QStringLiteral("other"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(!QFile::exists(ws.file(QStringLiteral("other"))));
}

void TestBagCli::exportLeavesOutFailedFilesAndSaysSo()
{
    test::Workspace ws;
    const test::BagSpec spec = test::sampleBag();
    const QString bag = ws.file(QStringLiteral("deposit"));
    test::writeBag(bag, spec);
    test::writeFile(QDir(bag).filePath(QStringLiteral("data/README.txt")), "Tampered!\n");
    QCOMPARE(ws.cli({QStringLiteral("run"), bag}).exitCode, 1);

    const QString out = ws.file(QStringLiteral("partial-export"));
    auto result = ws.cli(
        {QStringLiteral("bag"), QStringLiteral("export"), QStringLiteral("1"), QStringLiteral("-o"), out});
    QVERIFY2(result.exitCode == 1, qPrintable(show(result)));
    QVERIFY(result.out.contains("Exported 4 files"));
    QVERIFY(result.out.contains("Left out 1 files that are not stored"));
    QVERIFY(result.out.contains("fixity-mismatch"));
    QVERIFY(result.out.contains("README/README.txt"));
    result = ws.cli({QStringLiteral("bag"), QStringLiteral("validate"), out});
    QVERIFY2(result.exitCode == 0, qPrintable(show(result)));
}

QTEST_GUILESS_MAIN(TestBagCli)
#include "tst_bagcli.moc"
