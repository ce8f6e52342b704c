#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "intake/bagit/bagvalidator.h"
#include "testsupport.h"
#include "tst_bagsupport.h"

using namespace gh;

namespace {

using Code = BagIssue::Code;

QString describe(const BagReport &report)
{
    QStringList lines;
    for (const BagIssue &issue : report.problems)
        lines.append(u"problem " + BagIssue::key(issue.code) + u": " + issue.message);
    for (const BagIssue &issue : report.warnings)
        lines.append(u"warning " + BagIssue::key(issue.code) + u": " + issue.message);
    return lines.join(u'\n');
}

QList<BagIssue> withCode(const QList<BagIssue> &issues, Code code)
{
    QList<BagIssue> result;
    for (const BagIssue &issue : issues) {
        if (issue.code == code)
            result.append(issue);
    }
    return result;
}

} // namespace

class TestBagValidator : public QObject
{
    Q_OBJECT

private slots:
    void init();

    // Valid bags
    void validV10WithTwoManifestsAndNoWarnings();
    void validV097Md5OnlyCrlf();
    void validBagInfoWithRepeatsAndContinuations();
    void validPercentEncodedNames();
    void validEmptyPayload();
    void validV093WithPackageInfo();
    void validSha512AndSha1();
    void holeyBagIsIncompleteUntilFetched();

    // Suspicious but valid
    void warnings();
    void normalizationDifferencesTolerated();
    void olderVersionsNeedOnlyOneManifest();

    // Invalid
    void notABag();
    void missingBagitTxt();
    void badVersionLine();
    void missingPayloadFile();
    void extraUnlistedPayloadFile();
    void wrongPayloadChecksum();
    void wrongTagManifestChecksum();
    void missingTagFile();
    void wrongPayloadOxum();
    void manifestPathTraversal();
    void absoluteManifestPath();
    void fetchPathOutsideData();
    void payloadManifestListsTagFile();
    void malformedManifestLine();
    void missingPayloadManifest();
    void duplicateEntries();
    void fileNotInEveryManifest();
    void symlinkLeavingTheBag();
    void missingPayloadFolder();
    void everyProblemIsReported();

    // RFC 8493, rule by rule (the table is in docs/bagit-conformance.md)
    void declarationByteOrderMarkIsInvalid();
    void declarationWhitespaceIsInvalid();
    void bagInfoWhitespaceStaysValid();
    void everyAlgorithmIsVerified_data();
    void everyAlgorithmIsVerified();
    void nonNormalisedAlgorithmNameIsInvalid();
    void manifestListingAFolderIsInvalid();
    void unencodedPercentIsInvalid();
    void tagFileByteOrderMarkIsInvalid();
    void tagManifestsShouldAgree();
    void osClutterWarns();
    void namesEqualButForCaseOrNormalisationWarn();
    void nonPortableNamesWarn();

    void notAFolder();
    void progressAndCancellation();
    void jsonShape();

private:
    BagReport validate(const QString &root = {});
    QString path(const QString &relative) const { return m_dir->filePath(relative); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestBagValidator::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

BagReport TestBagValidator::validate(const QString &root)
{
    const auto report = BagValidator::validate(root.isEmpty() ? m_dir->path() : root);
    if (!report) {
        qWarning() << report.error().message;
        return BagReport{false, {}, 0, 0, 0, {}, {}};
    }
    return *report;
}

void TestBagValidator::validV10WithTwoManifestsAndNoWarnings()
{
    const test::BagSpec spec = test::sampleBag();
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QVERIFY2(report.warnings.isEmpty(), qPrintable(describe(report)));
    QCOMPARE(report.version.toString(), QStringLiteral("1.0"));
    QCOMPARE(report.payloadFiles, 5);
    qint64 bytes = 0;
    for (const auto &file : spec.payload)
        bytes += file.second.size();
    QCOMPARE(report.payloadBytes, bytes);
    QCOMPARE(report.filesVerified, 5 + 4); // payload + bagit.txt, bag-info.txt and both payload manifests
}

void TestBagValidator::validV097Md5OnlyCrlf()
{
    test::BagSpec spec = test::sampleBag();
    spec.version = QStringLiteral("0.97");
    spec.algorithms = {QStringLiteral("md5")};
    spec.tagAlgorithms = {QStringLiteral("md5")};
    spec.eol = "\r\n";
    test::writeBag(m_dir->path(), spec);
    QVERIFY(test::readFile(path(QStringLiteral("manifest-md5.txt"))).contains("\r\n"));
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(report.version.toString(), QStringLiteral("0.97"));
    // md5 alone is valid but weak.
    QCOMPARE(report.warnings.size(), 1);
    QCOMPARE(report.warnings[0].code, Code::WeakAlgorithm);
    QVERIFY(report.warnings[0].message.contains(QStringLiteral("manifest-md5.txt")));
}

void TestBagValidator::validBagInfoWithRepeatsAndContinuations()
{
    test::BagSpec spec = test::sampleBag();
    qint64 bytes = 0;
    for (const auto &file : spec.payload)
        bytes += file.second.size();
    spec.bagInfo = QByteArray("Source-Organization: Example Library\n"
                              "Contact-Name: Ada Example\n"
                              "Contact-Name: Grace Example\n"
                              "External-Description: Uncompressed images from the\n"
                              "    FOO papers collection.\n"
                              "Bagging-Date: 2024-05-02\n"
                              "Payload-Oxum: ") +
                   QByteArray::number(bytes) + ".5\n";
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QVERIFY2(report.warnings.isEmpty(), qPrintable(describe(report)));
}

void TestBagValidator::validPercentEncodedNames()
{
    test::BagSpec spec;
    spec.payload = {{QStringLiteral("data/line\nbreak.txt"), "two\nlines\n"},
                    {QStringLiteral("data/carriage\rreturn.txt"), "cr\n"},
                    {QStringLiteral("data/100% cotton.txt"), "pure\n"},
                    {QStringLiteral("data/literal %0A name.txt"), "literal\n"}};
    test::writeBag(m_dir->path(), spec);
    const QByteArray manifest = test::readFile(path(QStringLiteral("manifest-sha256.txt")));
    QVERIFY(manifest.contains("data/line%0Abreak.txt"));
    QVERIFY(manifest.contains("data/carriage%0Dreturn.txt"));
    QVERIFY(manifest.contains("data/100%25 cotton.txt"));
    QVERIFY(manifest.contains("data/literal %250A name.txt"));
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(report.payloadFiles, 4);
}

void TestBagValidator::validEmptyPayload()
{
    test::BagSpec spec;
    test::writeBag(m_dir->path(), spec);
    QVERIFY(QDir(path(QStringLiteral("data"))).isEmpty());
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(report.payloadFiles, 0);
}

void TestBagValidator::validV093WithPackageInfo()
{
    test::BagSpec spec = test::sampleBag();
    spec.version = QStringLiteral("0.93");
    spec.declareEncoding = false;
    spec.algorithms = {QStringLiteral("sha1")};
    spec.tagAlgorithms = {};
    test::writeBag(m_dir->path(), spec);
    QVERIFY(QFile::exists(path(QStringLiteral("package-info.txt"))));
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(report.version.toString(), QStringLiteral("0.93"));
    QCOMPARE(withCode(report.warnings, Code::WeakAlgorithm).size(), 1);
}

void TestBagValidator::validSha512AndSha1()
{
    test::BagSpec spec = test::sampleBag();
    spec.algorithms = {QStringLiteral("sha512"), QStringLiteral("sha1")};
    spec.tagAlgorithms = {QStringLiteral("sha512")};
    // sha512 is the algorithm RFC 8493 asks tools to enable by default; sha1 for older receivers.
    test::writeBag(m_dir->path(), spec);
    BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QVERIFY(report.warnings.isEmpty());

    // sha512 is really computed: a wrong sha512 is caught even where the sha1 matches.
    QByteArray manifest = test::readFile(path(QStringLiteral("manifest-sha512.txt")));
    const QByteArray good = test::digestHex(spec.payload[4].second, QStringLiteral("sha512")).toLatin1();
    manifest.replace(good, QByteArray(128, 'a'));
    test::writeFile(path(QStringLiteral("manifest-sha512.txt")), manifest);
    test::refreshTagManifests(m_dir->path());
    report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ChecksumMismatch);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("data/README.txt")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("sha512")));
}

void TestBagValidator::holeyBagIsIncompleteUntilFetched()
{
    test::BagSpec spec = test::sampleBag();
    spec.remote = {{QStringLiteral("data/film2/page0001.tif"), test::pseudoRandomBytes(4000, 3)},
                   {QStringLiteral("data/film2/page0002.tif"), test::pseudoRandomBytes(4100, 4)}};
    test::writeBag(m_dir->path(), spec);
    BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 2);
    for (const BagIssue &problem : std::as_const(report.problems)) {
        QCOMPARE(problem.code, Code::FetchPending);
        QVERIFY(problem.message.contains(QStringLiteral("must be fetched")));
    }
    QVERIFY(report.problems[0].message.contains(QStringLiteral("data/film2/page0001.tif")));
    QVERIFY(report.problems[1].message.contains(QStringLiteral("data/film2/page0002.tif")));

    // Fetched: complete and valid (fetch.txt may stay).
    for (const auto &[file, bytes] : spec.remote)
        test::writeFile(path(file), bytes);
    report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
}

void TestBagValidator::warnings()
{
    test::BagSpec spec = test::sampleBag();
    spec.algorithms.append(QStringLiteral("blake2b"));
    spec.payload.append({QStringLiteral("data/.hidden/notes.txt"), "hidden\n"});
    spec.payload.append({QStringLiteral("data/Case.txt"), "upper\n"});
    spec.payload.append({QStringLiteral("data/case.txt"), "lower\n"});
    spec.bagInfo = QByteArray("Contact-Name: Ada Example\n");
    test::writeBag(m_dir->path(), spec);
    // A tag file the tag manifest does not cover.
    test::writeFile(path(QStringLiteral("notes/processing.txt")), "converted with tool X\n");

    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    const auto unknown = withCode(report.warnings, Code::UnknownAlgorithm);
    QCOMPARE(unknown.size(), 1);
    QVERIFY(unknown[0].message.contains(QStringLiteral("manifest-blake2b.txt")));
    const auto hidden = withCode(report.warnings, Code::HiddenFile);
    QCOMPARE(hidden.size(), 1);
    QVERIFY(hidden[0].message.contains(QStringLiteral("data/.hidden/notes.txt")));
    // §6.1.1.3: names equal but for case are a warning, never a problem.
    const auto collision = withCode(report.warnings, Code::CaseCollision);
    QCOMPARE(collision.size(), 1);
    QVERIFY(collision[0].message.contains(QStringLiteral("data/Case.txt")));
    QVERIFY(collision[0].message.contains(QStringLiteral("data/case.txt")));
    const auto untracked = withCode(report.warnings, Code::UntrackedTagFile);
    QCOMPARE(untracked.size(), 1);
    QVERIFY(untracked[0].message.contains(QStringLiteral("notes/processing.txt")));
    const auto labels = withCode(report.warnings, Code::MissingRecommendedLabel);
    QCOMPARE(labels.size(), 1);
    QVERIFY(labels[0].message.contains(QStringLiteral("Payload-Oxum")));
    QVERIFY(labels[0].message.contains(QStringLiteral("Bagging-Date")));
    QCOMPARE(report.warnings.size(), 5);

    // Covering the tag file leaves the other warnings.
    test::refreshTagManifests(m_dir->path());
    const BagReport fixed = validate();
    QVERIFY2(fixed.valid(), qPrintable(describe(fixed)));
    QCOMPARE(fixed.warnings.size(), report.warnings.size() - 1);
}

void TestBagValidator::normalizationDifferencesTolerated()
{
    test::BagSpec spec;
    const QString nfd = QStringLiteral("data/Nu\u0301n\u0303ez.txt");
    spec.payload = {{nfd, "surname\n"}};
    test::writeBag(m_dir->path(), spec);
    // The manifest says NFC; the file on disk is NFD, as after a trip through HFS+.
    QByteArray manifest = test::readFile(path(QStringLiteral("manifest-sha256.txt")));
    manifest.replace(nfd.toUtf8(), nfd.normalized(QString::NormalizationForm_C).toUtf8());
    test::writeFile(path(QStringLiteral("manifest-sha256.txt")), manifest);
    QByteArray md5 = test::readFile(path(QStringLiteral("manifest-md5.txt")));
    md5.replace(nfd.toUtf8(), nfd.normalized(QString::NormalizationForm_C).toUtf8());
    test::writeFile(path(QStringLiteral("manifest-md5.txt")), md5);
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(withCode(report.warnings, Code::NormalizationMismatch).size(), 1);
}

void TestBagValidator::olderVersionsNeedOnlyOneManifest()
{
    test::BagSpec spec = test::sampleBag();
    spec.version = QStringLiteral("0.97");
    spec.tagAlgorithms = {};
    test::writeBag(m_dir->path(), spec);
    // Drop README.txt from the md5 manifest only.
    QByteArray md5 = test::readFile(path(QStringLiteral("manifest-md5.txt")));
    const QList<QByteArray> lines = md5.split('\n');
    QByteArray kept;
    for (const QByteArray &line : lines) {
        if (!line.isEmpty() && !line.contains("README"))
            kept += line + '\n';
    }
    test::writeFile(path(QStringLiteral("manifest-md5.txt")), kept);
    BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(withCode(report.warnings, Code::NotInEveryManifest).size(), 1);

    // In 1.0 the same is a problem.
    test::writeFile(path(QStringLiteral("bagit.txt")),
                    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    report = validate();
    QVERIFY(!report.valid());
    const auto problems = withCode(report.problems, Code::NotInEveryManifest);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].message.contains(QStringLiteral("data/README.txt")));
    QVERIFY(problems[0].message.contains(QStringLiteral("not in manifest-md5.txt")));
}

void TestBagValidator::notABag()
{
    test::writeFile(path(QStringLiteral("photo.jpg")), "jpeg");
    const auto report = BagValidator::validate(m_dir->path());
    QVERIFY(report.ok());
    QVERIFY(!report->isBag);
    QVERIFY(!report->valid());
}

void TestBagValidator::missingBagitTxt()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::remove(path(QStringLiteral("bagit.txt"))));
    const BagReport report = validate();
    QVERIFY(report.isBag); // the manifests say it was meant to be one
    QVERIFY(!report.valid());
    const auto missing = withCode(report.problems, Code::MissingDeclaration);
    QCOMPARE(missing.size(), 1);
    QVERIFY(missing[0].message.contains(QStringLiteral("bagit.txt")));
    // The rest is still checked: the tag manifest lists bagit.txt, which is gone.
    const auto gone = withCode(report.problems, Code::MissingFile);
    QCOMPARE(gone.size(), 1);
    QVERIFY(gone[0].message.contains(QStringLiteral("bagit.txt is listed in tagmanifest-sha256.txt")));
}

void TestBagValidator::badVersionLine()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::writeFile(path(QStringLiteral("bagit.txt")),
                    "BagIt-Version: v1\nTag-File-Character-Encoding: UTF-8\n");
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::BadDeclaration);
    QCOMPARE(report.problems[0].file, QStringLiteral("bagit.txt"));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("\"v1\"")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("M.N")));
}

void TestBagValidator::missingPayloadFile()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::remove(path(QStringLiteral("data/film1/page0002.jp2"))));
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 2); // missing, and Payload-Oxum no longer adds up
    const auto missing = withCode(report.problems, Code::MissingFile);
    QCOMPARE(missing.size(), 1);
    QCOMPARE(missing[0].file, QStringLiteral("data/film1/page0002.jp2"));
    QCOMPARE(missing[0].message, QStringLiteral("data/film1/page0002.jp2 is listed in manifest-md5.txt, "
                                                "manifest-sha256.txt but is not in the bag."));
    QCOMPARE(withCode(report.problems, Code::PayloadOxumMismatch).size(), 1);
}

void TestBagValidator::extraUnlistedPayloadFile()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::writeFile(path(QStringLiteral("data/film1/page0003.jp2")), "late");
    const BagReport report = validate();
    QVERIFY(!report.valid());
    const auto unlisted = withCode(report.problems, Code::UnlistedFile);
    QCOMPARE(unlisted.size(), 1);
    QCOMPARE(unlisted[0].file, QStringLiteral("data/film1/page0003.jp2"));
    QVERIFY(unlisted[0].message.contains(QStringLiteral("manifest-md5.txt or manifest-sha256.txt")));
}

void TestBagValidator::wrongPayloadChecksum()
{
    const test::BagSpec spec = test::sampleBag();
    test::writeBag(m_dir->path(), spec);
    // Same size, different content: only the checksums can tell.
    QByteArray bytes = spec.payload[0].second;
    bytes[100] = char(bytes[100] ^ 0x01);
    test::writeFile(path(QStringLiteral("data/film1/page0001.jp2")), bytes);
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 2); // one per manifest
    for (const BagIssue &problem : report.problems) {
        QCOMPARE(problem.code, Code::ChecksumMismatch);
        QCOMPARE(problem.file, QStringLiteral("data/film1/page0001.jp2"));
    }
    const QString sha256 = test::digestHex(spec.payload[0].second, QStringLiteral("sha256"));
    QString both = report.problems[0].message + report.problems[1].message;
    QVERIFY(
        both.contains(QStringLiteral("sha256 checksum in manifest-sha256.txt (line 1): expected ") + sha256));
    QVERIFY(both.contains(QStringLiteral("md5 checksum in manifest-md5.txt")));
    QVERIFY(both.contains(test::digestHex(bytes, QStringLiteral("sha256"))));
}

void TestBagValidator::wrongTagManifestChecksum()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::appendToFile(path(QStringLiteral("bag-info.txt")), "Contact-Name: Added Later\n");
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ChecksumMismatch);
    QCOMPARE(report.problems[0].file, QStringLiteral("bag-info.txt"));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("tagmanifest-sha256.txt")));
}

void TestBagValidator::missingTagFile()
{
    test::BagSpec spec = test::sampleBag();
    spec.tagFiles = {{QStringLiteral("metadata/mods.xml"), "<mods/>"}};
    test::writeBag(m_dir->path(), spec);
    QVERIFY(QFile::remove(path(QStringLiteral("metadata/mods.xml"))));
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::MissingFile);
    QVERIFY(report.problems[0].message.contains(
        QStringLiteral("metadata/mods.xml is listed in tagmanifest-sha256.txt")));
}

void TestBagValidator::wrongPayloadOxum()
{
    test::BagSpec spec = test::sampleBag();
    spec.bagInfo = QByteArray("Bagging-Date: 2024-05-02\nPayload-Oxum: 999.4\n");
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::PayloadOxumMismatch);
    QCOMPARE(report.problems[0].file, QStringLiteral("bag-info.txt"));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("999 bytes in 4 files")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("in 5 files")));
}

void TestBagValidator::manifestPathTraversal()
{
    QTemporaryDir outer;
    const QString root = outer.filePath(QStringLiteral("bag"));
    test::writeBag(root, test::sampleBag());
    // What the traversal points at exists, with the right checksum: it must still not be read or accepted.
    test::writeFile(outer.filePath(QStringLiteral("etc/passwd")), "root:x:0:0");
    const QString sha = test::digestHex("root:x:0:0", QStringLiteral("sha256"));
    test::appendToFile(QDir(root).filePath(QStringLiteral("manifest-sha256.txt")),
                       (sha + u"  data/../../etc/passwd\n").toUtf8());
    test::refreshTagManifests(root);
    const BagReport report = validate(root);
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::UnsafePath);
    QCOMPARE(report.problems[0].file, QStringLiteral("manifest-sha256.txt"));
    QCOMPARE(report.problems[0].line, 6);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("data/../../etc/passwd")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("outside the bag's scope are invalid")));
    QCOMPARE(report.filesVerified, 5 + 4); // the outside file was not hashed
}

void TestBagValidator::absoluteManifestPath()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::appendToFile(path(QStringLiteral("manifest-md5.txt")),
                       "d41d8cd98f00b204e9800998ecf8427e  /etc/passwd\n");
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::UnsafePath);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("/etc/passwd\", which is an absolute path")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("manifest-md5.txt")));
}

void TestBagValidator::fetchPathOutsideData()
{
    test::BagSpec spec = test::sampleBag();
    spec.tagFiles = {{QStringLiteral("fetch.txt"), "https://example.org/bagit.txt 55 bagit.txt\n"
                                                   "https://example.org/x - ../../x.txt\n"}};
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 2);
    const auto outside = withCode(report.problems, Code::OutsidePayload);
    QCOMPARE(outside.size(), 1);
    QCOMPARE(outside[0].file, QStringLiteral("fetch.txt"));
    QCOMPARE(outside[0].line, 1);
    QVERIFY(outside[0].message.contains(QStringLiteral("fetch.txt must list only payload files")));
    const auto unsafe = withCode(report.problems, Code::UnsafePath);
    QCOMPARE(unsafe.size(), 1);
    QCOMPARE(unsafe[0].line, 2);
}

void TestBagValidator::payloadManifestListsTagFile()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    const QString sha =
        test::digestHex(test::readFile(path(QStringLiteral("bag-info.txt"))), QStringLiteral("sha256"));
    test::appendToFile(path(QStringLiteral("manifest-sha256.txt")), (sha + u"  bag-info.txt\n").toUtf8());
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::OutsidePayload);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("bag-info.txt\", which is outside data/")));
}

void TestBagValidator::malformedManifestLine()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::appendToFile(path(QStringLiteral("manifest-sha256.txt")),
                       "this-is-not-a-checksum data/README.txt\n");
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::MalformedLine);
    QCOMPARE(report.problems[0].file, QStringLiteral("manifest-sha256.txt"));
    QCOMPARE(report.problems[0].line, 6);
    QVERIFY(report.problems[0].message.startsWith(QStringLiteral("Line 6 of manifest-sha256.txt")));
}

void TestBagValidator::missingPayloadManifest()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::remove(path(QStringLiteral("manifest-sha256.txt"))));
    QVERIFY(QFile::remove(path(QStringLiteral("manifest-md5.txt"))));
    QVERIFY(QFile::remove(path(QStringLiteral("tagmanifest-sha256.txt"))));
    const BagReport report = validate();
    QVERIFY(report.isBag);
    QVERIFY(!report.valid());
    const auto none = withCode(report.problems, Code::NoPayloadManifest);
    QCOMPARE(none.size(), 1);
    QVERIFY(none[0].message.contains(QStringLiteral("manifest-<algorithm>.txt")));
}

void TestBagValidator::duplicateEntries()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    const QByteArray first = test::readFile(path(QStringLiteral("manifest-sha256.txt"))).split('\n').first();
    test::appendToFile(path(QStringLiteral("manifest-sha256.txt")), first + '\n');
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::DuplicateEntry);
    QCOMPARE(report.problems[0].line, 6);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("data/film1/page0001.jp2")));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("lines 1 and 6")));
}

void TestBagValidator::fileNotInEveryManifest()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QByteArray sha = test::readFile(path(QStringLiteral("manifest-sha256.txt")));
    sha = sha.mid(sha.indexOf('\n') + 1); // drop data/film1/page0001.jp2
    test::writeFile(path(QStringLiteral("manifest-sha256.txt")), sha);
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::NotInEveryManifest);
    QCOMPARE(report.problems[0].file, QStringLiteral("data/film1/page0001.jp2"));
}

void TestBagValidator::symlinkLeavingTheBag()
{
    QTemporaryDir outside;
    test::writeFile(outside.filePath(QStringLiteral("secret.txt")), "secret");
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(
        QFile::link(outside.filePath(QStringLiteral("secret.txt")), path(QStringLiteral("data/secret.txt"))));
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::UnsafePath);
    QCOMPARE(report.problems[0].file, QStringLiteral("data/secret.txt"));
    QVERIFY(
        report.problems[0].message.contains(QStringLiteral("Files outside the bag's scope are invalid.")));
}

void TestBagValidator::missingPayloadFolder()
{
    test::writeBag(m_dir->path(), test::BagSpec{});
    QVERIFY(QDir(path(QStringLiteral("data"))).removeRecursively());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::MissingPayloadDirectory);
}

void TestBagValidator::everyProblemIsReported()
{
    const test::BagSpec spec = test::sampleBag();
    test::writeBag(m_dir->path(), spec);
    QVERIFY(QFile::remove(path(QStringLiteral("data/README.txt"))));
    test::writeFile(path(QStringLiteral("data/extra.bin")), "extra");
    test::writeFile(path(QStringLiteral("data/film1/page0002.alto.xml")), "<alto>changed</alto>\n");
    test::appendToFile(path(QStringLiteral("manifest-md5.txt")), "garbage\n");
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(withCode(report.problems, Code::MissingFile).size(), 1);
    QCOMPARE(withCode(report.problems, Code::UnlistedFile).size(), 1);
    QCOMPARE(withCode(report.problems, Code::ChecksumMismatch).size(), 3); // alto ×2, manifest-md5.txt
    QCOMPARE(withCode(report.problems, Code::MalformedLine).size(), 1);
    QCOMPARE(withCode(report.problems, Code::PayloadOxumMismatch).size(), 1);
    QCOMPARE(report.problems.size(), 7);
    // Every message names its file.
    for (const BagIssue &problem : report.problems)
        QVERIFY2(problem.file.isEmpty() || problem.message.contains(problem.file),
                 qPrintable(problem.message));
}

void TestBagValidator::declarationByteOrderMarkIsInvalid()
{
    // §2.1.1: the bag declaration MUST NOT contain a byte-order mark. The tag manifest is refreshed, so the
    // mark is the only thing wrong.
    test::writeBag(m_dir->path(), test::sampleBag());
    test::writeFile(path(QStringLiteral("bagit.txt")),
                    "\xEF\xBB\xBF"
                    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ByteOrderMark);
    QCOMPARE(report.problems[0].file, QStringLiteral("bagit.txt"));
    QCOMPARE(report.filesVerified, 5 + 4); // everything else was still checked
}

void TestBagValidator::declarationWhitespaceIsInvalid()
{
    // §2.1.1: exactly "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENCODING". The Library of
    // Congress conformance suite's v0.97/invalid/bagit-with-invalid-whitespace is invalid in 0.97 as well.
    for (const QString &version : {QStringLiteral("0.97"), QStringLiteral("1.0")}) {
        QTemporaryDir dir;
        test::BagSpec spec = test::sampleBag();
        spec.version = version;
        test::writeBag(dir.path(), spec);
        test::writeFile(QDir(dir.path()).filePath(QStringLiteral("bagit.txt")),
                        "BagIt-Version : " + version.toLatin1() + "\nTag-File-Character-Encoding : UTF-8\n");
        test::refreshTagManifests(dir.path());
        const BagReport report = validate(dir.path());
        QVERIFY2(!report.valid(), qPrintable(version));
        QCOMPARE(report.version.toString(), version);
        const auto bad = withCode(report.problems, Code::BadDeclaration);
        QCOMPARE(bad.size(), 2);
        QCOMPARE(bad[0].line, 1);
        QCOMPARE(bad[1].line, 2);
        QCOMPARE(report.problems.size(), 2);
    }
}

void TestBagValidator::bagInfoWhitespaceStaysValid()
{
    // §2.2.2: before 1.0 whitespace around the colon MUST be accepted; in 1.0 it is read with a warning.
    for (const QString &version : {QStringLiteral("0.97"), QStringLiteral("1.0")}) {
        QTemporaryDir dir;
        test::BagSpec spec = test::sampleBag();
        spec.version = version;
        spec.bagInfo = QByteArray("Bagging-Date :  2024-05-02\nPayload-Oxum:") +
                       QByteArray::number(qint64(3000 + 27 + 2500 + 27 + 21)) + ".5\n";
        test::writeBag(dir.path(), spec);
        const BagReport report = validate(dir.path());
        QVERIFY2(report.valid(), qPrintable(version + u'\n' + describe(report)));
        const qsizetype expected = version == u"1.0" ? 2 : 0;
        QCOMPARE(withCode(report.warnings, Code::MalformedLine).size(), expected);
    }
}

void TestBagValidator::everyAlgorithmIsVerified_data()
{
    QTest::addColumn<QString>("algorithm");
    for (const char *name : {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestBagValidator::everyAlgorithmIsVerified()
{
    // §2.4: sha256 and sha512 MUST be supported, md5 and sha1 SHOULD; OpenSSL computes sha224 and sha384 too,
    // so a bag in any of them is valid when its checksums match, and invalid when one does not.
    QFETCH(QString, algorithm);
    test::BagSpec spec = test::sampleBag();
    spec.algorithms = {algorithm};
    spec.tagAlgorithms = {algorithm};
    test::writeBag(m_dir->path(), spec);
    BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(withCode(report.warnings, Code::UnknownAlgorithm).size(), 0);
    QCOMPARE(report.filesVerified, 5 + 3);

    const QString manifestName = u"manifest-" + algorithm + u".txt";
    QByteArray manifest = test::readFile(path(manifestName));
    const QByteArray good = test::digestHex(spec.payload[4].second, algorithm).toLatin1();
    QVERIFY(manifest.contains(good));
    manifest.replace(good, QByteArray(good.size(), 'a'));
    test::writeFile(path(manifestName), manifest);
    test::refreshTagManifests(m_dir->path());
    report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ChecksumMismatch);
    QVERIFY(report.problems[0].message.contains(QStringLiteral("data/README.txt")));
    QVERIFY(report.problems[0].message.contains(algorithm + u" checksum in " + manifestName));
}

void TestBagValidator::nonNormalisedAlgorithmNameIsInvalid()
{
    // §2.4: "manifest-SHA-256.txt" MUST be "manifest-sha256.txt"; its checksums are still verified.
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::rename(path(QStringLiteral("manifest-sha256.txt")),
                          path(QStringLiteral("manifest-SHA-256.txt"))));
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QVERIFY(!report.valid());
    const auto names = withCode(report.problems, Code::AlgorithmName);
    QCOMPARE(names.size(), 1);
    QVERIFY(names[0].message.contains(QStringLiteral("\"sha256\"")));
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.filesVerified, 5 + 4);
}

void TestBagValidator::manifestListingAFolderIsInvalid()
{
    // §2.1.3: a manifest MUST NOT reference directories.
    test::writeBag(m_dir->path(), test::sampleBag());
    test::appendToFile(path(QStringLiteral("manifest-sha256.txt")),
                       (test::digestHex({}, QStringLiteral("sha256")) + u"  data/film1\n").toUtf8());
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ManifestListsDirectory);
    QCOMPARE(report.problems[0].file, QStringLiteral("data/film1"));
    QVERIFY(report.problems[0].message.contains(QStringLiteral("which is a folder")));
}

void TestBagValidator::unencodedPercentIsInvalid()
{
    // §2.1.3: '%' in a path MUST be written %25. A 1.0 bag whose manifest has a bare '%' is invalid even
    // though the file is found (read literally); the same bag as 0.97 is valid.
    test::BagSpec spec;
    spec.payload = {{QStringLiteral("data/100% cotton.txt"), "cotton\n"}};
    test::writeBag(m_dir->path(), spec);
    for (const QString &name : {QStringLiteral("manifest-sha256.txt"), QStringLiteral("manifest-md5.txt")}) {
        QByteArray manifest = test::readFile(path(name));
        manifest.replace("100%25 cotton", "100% cotton");
        test::writeFile(path(name), manifest);
    }
    test::refreshTagManifests(m_dir->path());
    BagReport report = validate();
    QVERIFY(!report.valid());
    QCOMPARE(report.problems.size(), 2);
    QCOMPARE(withCode(report.problems, Code::PathEncoding).size(), 2);
    QCOMPARE(report.filesVerified, 1 + 4);

    test::writeFile(path(QStringLiteral("bagit.txt")),
                    "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n");
    test::refreshTagManifests(m_dir->path());
    report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
}

void TestBagValidator::tagFileByteOrderMarkIsInvalid()
{
    // §2.3: with UTF-8 declared, tag files MUST NOT begin with a byte-order mark.
    test::writeBag(m_dir->path(), test::sampleBag());
    const QByteArray info = test::readFile(path(QStringLiteral("bag-info.txt")));
    test::writeFile(path(QStringLiteral("bag-info.txt")), "\xEF\xBB\xBF" + info);
    test::refreshTagManifests(m_dir->path());
    const BagReport report = validate();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems[0].code, Code::ByteOrderMark);
    QCOMPARE(report.problems[0].file, QStringLiteral("bag-info.txt"));
}

void TestBagValidator::tagManifestsShouldAgree()
{
    // §2.2.1: tag manifests SHOULD list the same tag files and use the payload manifests' algorithms.
    test::BagSpec spec = test::sampleBag();
    spec.tagAlgorithms = {QStringLiteral("sha256"), QStringLiteral("sha512")};
    spec.tagFiles = {{QStringLiteral("metadata/mods.xml"), "<mods/>"}};
    test::writeBag(m_dir->path(), spec);
    // Drop mods.xml from the sha512 tag manifest.
    QByteArray tags = test::readFile(path(QStringLiteral("tagmanifest-sha512.txt")));
    QByteArray kept;
    for (const QByteArray &line : tags.split('\n')) {
        if (!line.isEmpty() && !line.contains("mods.xml"))
            kept += line + '\n';
    }
    test::writeFile(path(QStringLiteral("tagmanifest-sha512.txt")), kept);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    const auto differ = withCode(report.warnings, Code::TagManifestsDiffer);
    QCOMPARE(differ.size(), 1);
    QVERIFY(differ[0].message.contains(QStringLiteral("metadata/mods.xml")));
    const auto algorithm = withCode(report.warnings, Code::TagAlgorithmMismatch);
    QCOMPARE(algorithm.size(), 1);
    QCOMPARE(algorithm[0].file, QStringLiteral("tagmanifest-sha512.txt"));
    QCOMPARE(withCode(report.warnings, Code::UntrackedTagFile).size(), 1); // mods.xml, by the sha512 one
    QCOMPARE(report.warnings.size(), 3);
}

void TestBagValidator::osClutterWarns()
{
    // Thumbs.db and .DS_Store listed in the manifests: valid, with a warning each (bagit-java's
    // OS_SPECIFIC_FILES), not the generic hidden-file warning.
    test::BagSpec spec = test::sampleBag();
    spec.payload.append({QStringLiteral("data/film1/Thumbs.db"), "thumbnail cache"});
    spec.payload.append({QStringLiteral("data/.DS_Store"), "finder"});
    spec.payload.append({QStringLiteral("data/.Trashes/501/old.tif"), "deleted"});
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    const auto clutter = withCode(report.warnings, Code::OsFile);
    QCOMPARE(clutter.size(), 3);
    QCOMPARE(withCode(report.warnings, Code::HiddenFile).size(), 0);
    QCOMPARE(report.warnings.size(), 3);
}

void TestBagValidator::namesEqualButForCaseOrNormalisationWarn()
{
    // §6.1.1.3: names that differ only in case or in Unicode normalisation are warnings, never problems.
    test::BagSpec spec;
    spec.payload = {{QStringLiteral("data/Readme.txt"), "one\n"},
                    {QStringLiteral("data/README.TXT"), "two\n"},
                    {QStringLiteral("data/Nu\u0301n\u0303ez.txt"), "decomposed\n"},
                    {QStringLiteral("data/N\u00fa\u00f1ez.txt"), "composed\n"}};
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    QCOMPARE(withCode(report.warnings, Code::CaseCollision).size(), 1);
    QCOMPARE(withCode(report.warnings, Code::NormalizationCollision).size(), 1);
    QCOMPARE(report.warnings.size(), 2);
}

void TestBagValidator::nonPortableNamesWarn()
{
    // §6.1.2: names Windows cannot store are a warning.
    test::BagSpec spec = test::sampleBag();
    spec.payload.append({QStringLiteral("data/scan: 12.tif"), "colon"});
    spec.payload.append({QStringLiteral("data/aux.txt"), "reserved"});
    spec.payload.append({QStringLiteral("data/trailing."), "dot"});
    test::writeBag(m_dir->path(), spec);
    const BagReport report = validate();
    QVERIFY2(report.valid(), qPrintable(describe(report)));
    const auto names = withCode(report.warnings, Code::NonPortableName);
    QCOMPARE(names.size(), 3);
    QVERIFY(names[0].message.contains(QStringLiteral("Windows")));
    QCOMPARE(report.warnings.size(), 3);
}

void TestBagValidator::notAFolder()
{
    test::writeFile(path(QStringLiteral("bag.zip")), "PK\x03\x04");
    auto report = BagValidator::validate(path(QStringLiteral("bag.zip")));
    QVERIFY(!report.ok());
    QCOMPARE(report.error().code, ErrorCode::Unsupported);
    report = BagValidator::validate(path(QStringLiteral("nowhere")));
    QVERIFY(!report.ok());
    QCOMPARE(report.error().code, ErrorCode::NotFound);
}

void TestBagValidator::progressAndCancellation()
{
    test::BagSpec spec;
    for (int i = 0; i < 40; ++i)
        spec.payload.append(
            {QStringLiteral("data/f%1.bin").arg(i), test::pseudoRandomBytes(20000 + i, quint64(i))});
    test::writeBag(m_dir->path(), spec);

    QList<BagProgress> seen;
    BagValidator::Options options;
    options.threads = 2;
    options.progress = [&](const BagProgress &p) { seen.append(p); };
    auto report = BagValidator::validate(m_dir->path(), options);
    QVERIFY(report.ok());
    QVERIFY2(report->valid(), qPrintable(describe(*report)));
    QVERIFY(seen.size() >= 2);
    QCOMPARE(seen.constLast().filesDone, seen.constLast().filesTotal);
    QCOMPARE(seen.constLast().filesTotal, 40 + 4);
    QCOMPARE(seen.constLast().bytesDone, seen.constLast().bytesTotal);
    for (qsizetype i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i].filesDone >= seen[i - 1].filesDone);

    std::atomic_bool cancel{false};
    options.cancel = &cancel;
    options.progress = [&](const BagProgress &p) {
        if (p.filesDone >= 3)
            cancel = true;
    };
    report = BagValidator::validate(m_dir->path(), options);
    QVERIFY(!report.ok());
    QCOMPARE(report.error().code, ErrorCode::Cancelled);
}

void TestBagValidator::jsonShape()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::remove(path(QStringLiteral("data/README.txt"))));
    const QJsonObject json = validate().toJson();
    QCOMPARE(json.value(QStringLiteral("valid")).toBool(true), false);
    const QJsonArray problems = json.value(QStringLiteral("problems")).toArray();
    QCOMPARE(problems.size(), 2);
    const QJsonObject first = problems[0].toObject();
    QCOMPARE(first.value(QStringLiteral("code")).toString(), QStringLiteral("missing_file"));
    QCOMPARE(first.value(QStringLiteral("file")).toString(), QStringLiteral("data/README.txt"));
    QVERIFY(first.value(QStringLiteral("message")).toString().contains(QStringLiteral("data/README.txt")));
    QVERIFY(json.value(QStringLiteral("warnings")).isArray());
}

QTEST_GUILESS_MAIN(TestBagValidator)
#include "tst_bagvalidator.moc"
