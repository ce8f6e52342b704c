#include <QJsonArray>
#include <QTest>

#include "intake/bagit/bagparser.h"

using namespace gh;

namespace {

using Code = BagIssue::Code;

//! The issues with \a code, so a test can say exactly which problem it expects.
QList<BagIssue> withCode(const QList<BagIssue> &issues, Code code)
{
    QList<BagIssue> result;
    for (const BagIssue &issue : issues) {
        if (issue.code == code)
            result.append(issue);
    }
    return result;
}

QString describe(const QList<BagIssue> &issues)
{
    QStringList lines;
    for (const BagIssue &issue : issues)
        lines.append(BagIssue::key(issue.code) + u": " + issue.message);
    return lines.join(u'\n');
}

BagVersion v(int major, int minor)
{
    return BagVersion{major, minor};
}

const QString s_sha256a = QStringLiteral("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
const QString s_sha256b = QStringLiteral("fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9");

} // namespace

class TestBagParser : public QObject
{
    Q_OBJECT

private slots:
    void declarationV1();
    void declarationCrlfAndOrder();
    void declarationByteOrderMarkIsAProblem();
    void declarationLinesMustBeExact_data();
    void declarationLinesMustBeExact();
    void declarationWithoutFinalLineBreakWarns();
    void declarationV093NeedsNoEncoding();
    void declarationMissingEncodingIsAProblemFrom094();
    void declarationBadVersions_data();
    void declarationBadVersions();
    void declarationExtraLinesAreProblems();
    void declarationOtherEncoding();

    void lineEndings();
    void bagInfoRepeatedLabelsAndContinuations();
    void bagInfoOldVersionsAllowWhitespaceAroundColon();
    void bagInfoMalformedLines();
    void bagInfoReservedValues();
    void tagFileByteOrderMarkIsAProblemFrom10();
    void bagInfoSpacingIn10IsWarnedAbout();
    void bagInfoLongLinesWarn();
    void bagCountWantsGroupIdentifier();

    void manifestLines();
    void manifestPercentDecodingIsA10Rule();
    void manifestUnsafePaths_data();
    void manifestUnsafePaths();
    void manifestPayloadOutsideData();
    void tagManifestListingPayload();
    void manifestMalformedLines();
    void manifestDuplicates();
    void manifestLegacyStarAndNonCanonicalPaths();
    void manifestUnknownAlgorithm();
    void manifestAlgorithmNameMustBeNormalised_data();
    void manifestAlgorithmNameMustBeNormalised();
    void manifestSha224AndSha384();

    void fetchLines();
    void fetchProblems();
    void pathEncodingRoundTrips();
};

void TestBagParser::declarationV1()
{
    QList<BagIssue> issues;
    const auto d =
        BagParser::parseDeclaration("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", issues);
    QVERIFY(d.ok());
    QCOMPARE(d->version.major, 1);
    QCOMPARE(d->version.minor, 0);
    QCOMPARE(d->encoding, QStringLiteral("UTF-8"));
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
}

void TestBagParser::declarationCrlfAndOrder()
{
    QList<BagIssue> issues;
    const auto d =
        BagParser::parseDeclaration("Tag-File-Character-Encoding: UTF-8\r\nBagIt-Version: 0.97\r\n", issues);
    QVERIFY(d.ok());
    QCOMPARE(d->version.toString(), QStringLiteral("0.97"));
    // RFC 8493 §2.1.1: "exactly two lines in this order"; the version is still read, so validation goes on.
    QCOMPARE(issues.size(), 1);
    QVERIFY(issues[0].isProblem());
    QCOMPARE(issues[0].code, Code::BadDeclaration);
    QCOMPARE(issues[0].line, 1);
}

void TestBagParser::declarationByteOrderMarkIsAProblem()
{
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration("\xEF\xBB\xBF"
                                               "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                                               issues);
    QVERIFY(d.ok());
    QVERIFY(d->hadByteOrderMark);
    QCOMPARE(d->version.toString(), QStringLiteral("1.0"));
    // §2.1.1: the bag declaration MUST NOT contain a byte-order mark.
    QCOMPARE(issues.size(), 1);
    const auto bom = withCode(issues, Code::ByteOrderMark);
    QCOMPARE(bom.size(), 1);
    QVERIFY(bom[0].isProblem());
    QVERIFY(bom[0].message.contains(QStringLiteral("bagit.txt")));
}

void TestBagParser::declarationLinesMustBeExact_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");
    const QByteArray encoding = "Tag-File-Character-Encoding: UTF-8\n";
    QTest::newRow("space before colon") << "BagIt-Version : 1.0\n" + encoding << 1;
    QTest::newRow("no space after colon") << "BagIt-Version:1.0\n" + encoding << 1;
    QTest::newRow("two spaces after colon") << "BagIt-Version:  1.0\n" + encoding << 1;
    QTest::newRow("tab after colon") << "BagIt-Version:\t1.0\n" + encoding << 1;
    QTest::newRow("trailing space") << "BagIt-Version: 1.0 \n" + encoding << 1;
    QTest::newRow("leading space") << " BagIt-Version: 1.0\n" + encoding << 1;
    QTest::newRow("label case") << "BagIt-version: 1.0\n" + encoding << 1;
    QTest::newRow("encoding label spacing")
        << QByteArray("BagIt-Version: 1.0\nTag-File-Character-Encoding :UTF-8\n") << 2;
}

void TestBagParser::declarationLinesMustBeExact()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration(content, issues);
    // Read leniently, so the rest of the bag can still be checked, but the bag is invalid.
    QVERIFY(d.ok());
    QCOMPARE(d->version.toString(), QStringLiteral("1.0"));
    QCOMPARE(d->encoding, QStringLiteral("UTF-8"));
    QCOMPARE(issues.size(), 1);
    QVERIFY2(issues[0].isProblem(), qPrintable(describe(issues)));
    QCOMPARE(issues[0].code, Code::BadDeclaration);
    QCOMPARE(issues[0].line, line);
    QVERIFY2(issues[0].message.contains(QStringLiteral("it must be exactly")), qPrintable(describe(issues)));
}

void TestBagParser::declarationWithoutFinalLineBreakWarns()
{
    QList<BagIssue> issues;
    const auto d =
        BagParser::parseDeclaration("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8", issues);
    QVERIFY(d.ok());
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::MissingLineEnding);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);
    QCOMPARE(issues[0].line, 2);
}

void TestBagParser::declarationV093NeedsNoEncoding()
{
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration("BagIt-Version: 0.93\n", issues);
    QVERIFY(d.ok());
    QCOMPARE(d->version.toString(), QStringLiteral("0.93"));
    QCOMPARE(d->encoding, QStringLiteral("UTF-8"));
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
}

void TestBagParser::declarationMissingEncodingIsAProblemFrom094()
{
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration("BagIt-Version: 0.96\n", issues);
    QVERIFY(d.ok()); // still usable: UTF-8 is assumed
    const auto bad = withCode(issues, Code::BadDeclaration);
    QCOMPARE(bad.size(), 1);
    QVERIFY(bad[0].isProblem());
    QVERIFY(bad[0].message.contains(QStringLiteral("Tag-File-Character-Encoding")));
}

void TestBagParser::declarationBadVersions_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("code");
    QTest::newRow("no version") << QByteArray("Tag-File-Character-Encoding: UTF-8\n")
                                << int(Code::BadDeclaration);
    QTest::newRow("words") << QByteArray("BagIt-Version: one.zero\nTag-File-Character-Encoding: UTF-8\n")
                           << int(Code::BadDeclaration);
    QTest::newRow("no minor") << QByteArray("BagIt-Version: 1\nTag-File-Character-Encoding: UTF-8\n")
                              << int(Code::BadDeclaration);
    QTest::newRow("future") << QByteArray("BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n")
                            << int(Code::UnsupportedVersion);
    QTest::newRow("too old") << QByteArray("BagIt-Version: 0.92\nTag-File-Character-Encoding: UTF-8\n")
                             << int(Code::UnsupportedVersion);
    QTest::newRow("empty") << QByteArray() << int(Code::BadDeclaration);
    QTest::newRow("binary") << QByteArray("\x00\x01\x02garbage", 10) << int(Code::BadDeclaration);
}

void TestBagParser::declarationBadVersions()
{
    QFETCH(QByteArray, content);
    QFETCH(int, code);
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration(content, issues);
    QVERIFY(!d.ok());
    QCOMPARE(d.error().code, ErrorCode::Invalid);
    QVERIFY(d.error().message.contains(QStringLiteral("bagit.txt")));
    const auto found = withCode(issues, Code(code));
    QVERIFY2(!found.isEmpty(), qPrintable(describe(issues)));
    QVERIFY(found.constLast().isProblem());
}

void TestBagParser::declarationExtraLinesAreProblems()
{
    // §2.1.1: "exactly two lines": a third, even an empty one, makes the declaration invalid.
    QList<BagIssue> issues;
    const auto d = BagParser::parseDeclaration(
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nCreated-By: a script\n", issues);
    QVERIFY(d.ok());
    QCOMPARE(issues.size(), 1);
    QVERIFY(issues[0].isProblem());
    QCOMPARE(issues[0].line, 3);

    issues.clear();
    QVERIFY(BagParser::parseDeclaration("BagIt-Version: 1.0\n\nTag-File-Character-Encoding: UTF-8\n", issues)
                .ok());
    QCOMPARE(issues.size(), 1);
    QVERIFY(issues[0].isProblem());
    QCOMPARE(issues[0].line, 2);
}

void TestBagParser::declarationOtherEncoding()
{
    QList<BagIssue> issues;
    auto d =
        BagParser::parseDeclaration("BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n", issues);
    QVERIFY(d.ok());
    QCOMPARE(withCode(issues, Code::NonUtf8Encoding).size(), 1);
    // Latin-1 tag files are decoded as Latin-1.
    QList<BagIssue> infoIssues;
    const QString text = BagParser::decodeTagFile("Contact-Name: J\xfcrgen\n", QStringLiteral("bag-info.txt"),
                                                  d->encoding, v(0, 97), infoIssues);
    QCOMPARE(text, QStringLiteral("Contact-Name: J\u00fcrgen\n"));
    QVERIFY(infoIssues.isEmpty());

    issues.clear();
    d = BagParser::parseDeclaration("BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON-42\n", issues);
    QVERIFY(d.ok());
    const auto unsupported = withCode(issues, Code::UnsupportedEncoding);
    QCOMPARE(unsupported.size(), 1);
    QVERIFY(unsupported[0].isProblem());
}

void TestBagParser::lineEndings()
{
    QCOMPARE(
        BagParser::splitLines(QStringLiteral("a\nb\r\nc\rd")),
        (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));
    QCOMPARE(BagParser::splitLines(QStringLiteral("a\r\n")), QStringList{QStringLiteral("a")});
    QCOMPARE(BagParser::splitLines(QStringLiteral("a\n\nb\n")),
             (QStringList{QStringLiteral("a"), QString(), QStringLiteral("b")}));
    QVERIFY(BagParser::splitLines(QString()).isEmpty());
}

void TestBagParser::bagInfoRepeatedLabelsAndContinuations()
{
    const QString text =
        QStringLiteral("Source-Organization: Example University Library\r\n"
                       "Contact-Name: Ada Example\r\n"
                       "External-Description: Uncompressed greyscale TIFF images from the\r\n"
                       "      FOO papers collection,\r\n"
                       "\tscanned in 2023.\r\n"
                       "Contact-Name: Grace Example\r\n"
                       "contact-name: Edsger Example\r\n"
                       "Bagging-Date: 2024-05-02\r\n"
                       "Payload-Oxum: 279164409832.1198\r\n");
    QList<BagIssue> issues;
    const BagInfo info = BagParser::parseBagInfo(text, QStringLiteral("bag-info.txt"), v(1, 0), issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    QCOMPARE(info.elements().size(), 7);
    // Order is preserved, and so are the line numbers.
    QCOMPARE(info.elements()[0].label, QStringLiteral("Source-Organization"));
    QCOMPARE(info.elements()[2].label, QStringLiteral("External-Description"));
    QCOMPARE(info.elements()[3].line, 6);
    QCOMPARE(info.values(u"External-Description"),
             QStringList{QStringLiteral(
                 "Uncompressed greyscale TIFF images from the\nFOO papers collection,\nscanned in 2023.")});
    QCOMPARE(info.values(u"CONTACT-NAME"),
             (QStringList{QStringLiteral("Ada Example"), QStringLiteral("Grace Example"),
                          QStringLiteral("Edsger Example")}));

    const QJsonObject json = info.toJson();
    QCOMPARE(json.value(QStringLiteral("Source-Organization")).toString(),
             QStringLiteral("Example University Library"));
    const QJsonArray names = json.value(QStringLiteral("Contact-Name")).toArray();
    QCOMPARE(names.size(), 3);
    QCOMPARE(names[2].toString(), QStringLiteral("Edsger Example"));
    QVERIFY(!json.contains(QStringLiteral("contact-name")));
    QCOMPARE(json.value(QStringLiteral("Payload-Oxum")).toString(), QStringLiteral("279164409832.1198"));
}

void TestBagParser::bagInfoOldVersionsAllowWhitespaceAroundColon()
{
    QList<BagIssue> issues;
    const BagInfo info =
        BagParser::parseBagInfo(QStringLiteral("Contact-Name  :   Ada\nBagging-Date:2009-01-01\n"),
                                QStringLiteral("bag-info.txt"), v(0, 96), issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    QCOMPARE(info.values(u"Contact-Name"), QStringList{QStringLiteral("Ada")});
    QCOMPARE(info.values(u"Bagging-Date"), QStringList{QStringLiteral("2009-01-01")});

    // In 1.0 the label must not end with whitespace: read, but warned about.
    issues.clear();
    BagParser::parseBagInfo(QStringLiteral("Contact-Name  : Ada\n"), QStringLiteral("bag-info.txt"), v(1, 0),
                            issues);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);
}

void TestBagParser::bagInfoMalformedLines()
{
    QList<BagIssue> issues;
    const BagInfo info = BagParser::parseBagInfo(
        QStringLiteral("  orphan continuation\nContact-Name: Ada\nthis line has no colon\n: no label\n"),
        QStringLiteral("bag-info.txt"), v(1, 0), issues);
    QCOMPARE(info.elements().size(), 1);
    const auto malformed = withCode(issues, Code::MalformedLine);
    QCOMPARE(malformed.size(), 3);
    QCOMPARE(malformed[0].line, 1);
    QCOMPARE(malformed[1].line, 3);
    QVERIFY(malformed[1].message.contains(QStringLiteral("Line 3 of bag-info.txt")));
    QVERIFY(malformed[1].message.contains(QStringLiteral("this line has no colon")));
    QCOMPARE(malformed[2].line, 4);
    for (const BagIssue &issue : malformed)
        QVERIFY(issue.isProblem());
}

void TestBagParser::bagInfoReservedValues()
{
    QList<BagIssue> issues;
    BagParser::parseBagInfo(
        QStringLiteral("Payload-Oxum: 12.3\nPayload-Oxum: 12.3\nBagging-Date: yesterday\n"
                       "Bagging-Date: 2024-01-01\nBag-Count: one of many\nBag-Size: 3 GB\n"),
        QStringLiteral("bag-info.txt"), v(1, 0), issues);
    const auto oxum = withCode(issues, Code::BadPayloadOxum);
    QCOMPARE(oxum.size(), 1); // repeated: a MUST NOT
    QVERIFY(oxum[0].isProblem());
    QCOMPARE(withCode(issues, Code::RepeatedLabel).size(), 1); // Bagging-Date twice: a SHOULD NOT
    const auto bad = withCode(issues, Code::BadReservedValue);
    QCOMPARE(bad.size(), 2);
    QVERIFY(bad[0].message.contains(QStringLiteral("yesterday")));
    QVERIFY(bad[1].message.contains(QStringLiteral("Bag-Count")));

    issues.clear();
    BagParser::parseBagInfo(QStringLiteral("Payload-Oxum: lots\n"), QStringLiteral("bag-info.txt"), v(1, 0),
                            issues);
    QCOMPARE(withCode(issues, Code::BadPayloadOxum).size(), 1);
}

void TestBagParser::tagFileByteOrderMarkIsAProblemFrom10()
{
    // §2.3: when bagit.txt says UTF-8, tag files MUST NOT begin with a byte-order mark.
    QList<BagIssue> issues;
    const QString text =
        BagParser::decodeTagFile("\xEF\xBB\xBF"
                                 "Contact-Name: Ada\n",
                                 QStringLiteral("bag-info.txt"), QStringLiteral("UTF-8"), v(1, 0), issues);
    QCOMPARE(text, QStringLiteral("Contact-Name: Ada\n"));
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::ByteOrderMark);
    QVERIFY(issues[0].isProblem());

    // 0.97 did not say so: a warning.
    issues.clear();
    BagParser::decodeTagFile("\xEF\xBB\xBF"
                             "Contact-Name: Ada\n",
                             QStringLiteral("bag-info.txt"), QStringLiteral("UTF-8"), v(0, 97), issues);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);

    issues.clear();
    BagParser::decodeTagFile("Contact-Name: \xff\xfe\n", QStringLiteral("bag-info.txt"),
                             QStringLiteral("UTF-8"), v(1, 0), issues);
    const auto invalid = withCode(issues, Code::InvalidText);
    QCOMPARE(invalid.size(), 1);
    QVERIFY(invalid[0].isProblem());

    // §2.3: the last line SHOULD end with a line break too.
    issues.clear();
    BagParser::decodeTagFile("Contact-Name: Ada\nBagging-Date: 2024-05-02", QStringLiteral("bag-info.txt"),
                             QStringLiteral("UTF-8"), v(1, 0), issues);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::MissingLineEnding);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);
    QCOMPARE(issues[0].line, 2);
}

void TestBagParser::bagInfoSpacingIn10IsWarnedAbout()
{
    // §2.2.2: label, colon, one space or tab, value. bag-info.txt is written by hand, so deviations are read
    // (the values are right) and warned about, never made problems.
    QList<BagIssue> issues;
    const BagInfo info = BagParser::parseBagInfo(
        QStringLiteral("Contact-Name:Ada\nContact-Email:   ada@example.org\nSource-Organization:\tExample\n"),
        QStringLiteral("bag-info.txt"), v(1, 0), issues);
    QCOMPARE(info.values(u"Contact-Name"), QStringList{QStringLiteral("Ada")});
    QCOMPARE(info.values(u"Contact-Email"), QStringList{QStringLiteral("ada@example.org")});
    QCOMPARE(info.values(u"Source-Organization"), QStringList{QStringLiteral("Example")});
    QCOMPARE(issues.size(), 2);
    for (const BagIssue &issue : issues) {
        QCOMPARE(issue.severity, BagIssue::Severity::Warning);
        QCOMPARE(issue.code, Code::MalformedLine);
    }
    QCOMPARE(issues[0].line, 1);
    QCOMPARE(issues[1].line, 2);
}

void TestBagParser::bagInfoLongLinesWarn()
{
    const QString longValue(90, u'x');
    QList<BagIssue> issues;
    BagParser::parseBagInfo(u"Contact-Name: Ada\nExternal-Description: " + longValue + u"\nNote: " +
                                longValue + u"\n",
                            QStringLiteral("bag-info.txt"), v(1, 0), issues);
    // One warning for the file, naming the first long line and how many there are.
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::LongLine);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);
    QCOMPARE(issues[0].line, 2);
    QVERIFY2(issues[0].message.startsWith(QStringLiteral("2 line")), qPrintable(issues[0].message));

    issues.clear();
    BagParser::parseBagInfo(u"Note: " + QString(73, u'x') + u"\n", QStringLiteral("bag-info.txt"), v(1, 0),
                            issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues))); // exactly 79 characters
}

void TestBagParser::bagCountWantsGroupIdentifier()
{
    QList<BagIssue> issues;
    BagParser::parseBagInfo(QStringLiteral("Bag-Count: 1 of 2\n"), QStringLiteral("bag-info.txt"), v(1, 0),
                            issues);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::MissingRecommendedLabel);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);
    QVERIFY(issues[0].message.contains(QStringLiteral("Bag-Group-Identifier")));

    issues.clear();
    BagParser::parseBagInfo(QStringLiteral("Bag-Count: 1 of 2\nBag-Group-Identifier: films-1934\n"),
                            QStringLiteral("bag-info.txt"), v(1, 0), issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
}

void TestBagParser::manifestLines()
{
    QList<BagIssue> issues;
    const QString text = s_sha256a + u"  data/a.txt\r\n" + s_sha256b.toUpper() +
                         u"\tdata/with space/b c.txt\r" + s_sha256a + u" \t data/x.txt";
    const Manifest m = BagParser::parseManifest(text, QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    QVERIFY(!m.tag);
    QCOMPARE(m.algorithm, std::optional(DigestAlgorithm::Sha256));
    QCOMPARE(m.entries.size(), 3);
    QCOMPARE(m.entries[0].path, QStringLiteral("data/a.txt"));
    QCOMPARE(m.entries[1].path, QStringLiteral("data/with space/b c.txt"));
    QCOMPARE(m.entries[1].digest, s_sha256b); // lower-cased
    QCOMPARE(m.entries[1].line, 2);
    QCOMPARE(m.entries[2].path, QStringLiteral("data/x.txt"));
}

void TestBagParser::manifestPercentDecodingIsA10Rule()
{
    const QString text = s_sha256a + u"  data/line%0Abreak.txt\n" + s_sha256b +
                         u"  data/100%25 cotton%0d.txt\n" + s_sha256a + u"  data/caf%C3%A9 %41.txt\n";
    QList<BagIssue> issues;
    Manifest m = BagParser::parseManifest(text, QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries[0].path, QStringLiteral("data/line\nbreak.txt"));
    QCOMPARE(m.entries[1].path, QStringLiteral("data/100% cotton\r.txt"));
    // Only %0A, %0D and %25 are BagIt escapes; anything else is a literal part of the name, but a '%' that
    // was not written as %25 breaks §2.1.3's MUST: the bag is invalid.
    QCOMPARE(m.entries[2].path, QStringLiteral("data/caf%C3%A9 %41.txt"));
    QCOMPARE(m.entries[0].written, QStringLiteral("data/line%0Abreak.txt"));
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::PathEncoding);
    QVERIFY(issues[0].isProblem());
    QCOMPARE(issues[0].line, 3);

    // Before 1.0 names were written literally, and a '%' is just a character.
    issues.clear();

    // Before 1.0 names were written literally.
    m = BagParser::parseManifest(text, QStringLiteral("manifest-sha256.txt"), v(0, 97), issues);
    QCOMPARE(m.entries[0].path, QStringLiteral("data/line%0Abreak.txt"));
    QCOMPARE(m.entries[1].path, QStringLiteral("data/100%25 cotton%0d.txt"));
}

void TestBagParser::manifestUnsafePaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("traversal") << QStringLiteral("data/../../etc/passwd") << QStringLiteral("leaves the bag");
    QTest::newRow("parent") << QStringLiteral("../outside.txt") << QStringLiteral("leaves the bag");
    QTest::newRow("absolute") << QStringLiteral("/etc/passwd") << QStringLiteral("absolute");
    QTest::newRow("drive") << QStringLiteral("C:/Windows/win.ini") << QStringLiteral("drive");
    QTest::newRow("backslash") << QStringLiteral("data\\..\\..\\boot.ini") << QStringLiteral("backslash");
    QTest::newRow("home") << QStringLiteral("~root/.ssh/id_rsa") << QStringLiteral("home folder");
    QTest::newRow("folder") << QStringLiteral("data/images/") << QStringLiteral("folder");
    QTest::newRow("encoded traversal") << QStringLiteral("data/%2E%2E/../x") << QString();
}

void TestBagParser::manifestUnsafePaths()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QList<BagIssue> issues;
    const Manifest m = BagParser::parseManifest(s_sha256a + u"  " + path + u'\n',
                                                QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries.size(), 1);
    if (reason.isEmpty()) {
        // "%2E%2E" is not a BagIt escape: a literal (odd but harmless) name inside data/.
        QVERIFY(m.entries[0].usable());
        QCOMPARE(m.entries[0].path, QStringLiteral("data/x"));
        return;
    }
    QVERIFY(!m.entries[0].usable());
    QVERIFY2(m.entries[0].problem.contains(reason), qPrintable(m.entries[0].problem));
    const auto unsafe = withCode(issues, Code::UnsafePath);
    QCOMPARE(unsafe.size(), 1);
    QVERIFY(unsafe[0].isProblem());
    QCOMPARE(unsafe[0].line, 1);
    QVERIFY(unsafe[0].message.contains(QStringLiteral("manifest-sha256.txt")));
    QVERIFY(unsafe[0].message.contains(path));
    QVERIFY(unsafe[0].message.contains(QStringLiteral("outside the bag's scope")));
}

void TestBagParser::manifestPayloadOutsideData()
{
    QList<BagIssue> issues;
    const Manifest m =
        BagParser::parseManifest(s_sha256a + u"  bagit.txt\n" + s_sha256b + u"  data/../bag-info.txt\n",
                                 QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries.size(), 2);
    QVERIFY(!m.entries[0].usable());
    QVERIFY(!m.entries[1].usable());
    QCOMPARE(m.entries[1].path, QStringLiteral("bag-info.txt"));
    const auto outside = withCode(issues, Code::OutsidePayload);
    QCOMPARE(outside.size(), 2);
    QVERIFY(outside[1].message.contains(QStringLiteral("data/../bag-info.txt")));
}

void TestBagParser::tagManifestListingPayload()
{
    QList<BagIssue> issues;
    const Manifest m = BagParser::parseManifest(s_sha256a + u"  bagit.txt\n" + s_sha256b + u"  data/a.txt\n",
                                                QStringLiteral("tagmanifest-sha256.txt"), v(1, 0), issues);
    QVERIFY(m.tag);
    QVERIFY(m.entries[0].usable());
    QVERIFY(!m.entries[1].usable());
    QCOMPARE(withCode(issues, Code::PayloadInTagManifest).size(), 1);
}

void TestBagParser::manifestMalformedLines()
{
    QList<BagIssue> issues;
    const QString text = s_sha256a + u"  data/ok.txt\n" + u"data/no-checksum.txt\n" +
                         u"nothex  data/b.txt\n" + s_sha256a.left(40) + u"  data/short.txt\n" + s_sha256a +
                         u"\n" + u"\n" + s_sha256b + u"  data/ok2.txt\n";
    const Manifest m = BagParser::parseManifest(text, QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries.size(), 2);
    const auto malformed = withCode(issues, Code::MalformedLine);
    QCOMPARE(malformed.size(), 4);
    QCOMPARE(malformed[0].line, 2);
    QVERIFY(malformed[0].message.contains(QStringLiteral("Line 2 of manifest-sha256.txt")));
    QCOMPARE(malformed[1].line, 3);
    QVERIFY(malformed[1].message.contains(QStringLiteral("is not a sha256 checksum")));
    QCOMPARE(malformed[2].line, 4);
    QCOMPARE(malformed[3].line, 5);
    QCOMPARE(m.entries[1].line, 7);
}

void TestBagParser::manifestDuplicates()
{
    const QString same = s_sha256a + u"  data/a.txt\n" + s_sha256a + u"  data/./a.txt\n";
    QList<BagIssue> issues;
    Manifest m = BagParser::parseManifest(same, QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries.size(), 1);
    auto duplicates = withCode(issues, Code::DuplicateEntry);
    QCOMPARE(duplicates.size(), 1);
    QVERIFY(duplicates[0].isProblem()); // 1.0: exactly once
    QVERIFY(duplicates[0].message.contains(QStringLiteral("data/a.txt")));

    issues.clear();
    m = BagParser::parseManifest(same, QStringLiteral("manifest-sha256.txt"), v(0, 97), issues);
    duplicates = withCode(issues, Code::DuplicateEntry);
    QCOMPARE(duplicates.size(), 1);
    QCOMPARE(duplicates[0].severity, BagIssue::Severity::Warning);

    issues.clear();
    m = BagParser::parseManifest(s_sha256a + u"  data/a.txt\n" + s_sha256b + u"  data/a.txt\n",
                                 QStringLiteral("manifest-sha256.txt"), v(0, 97), issues);
    duplicates = withCode(issues, Code::DuplicateEntry);
    QCOMPARE(duplicates.size(), 1);
    QVERIFY(duplicates[0].isProblem()); // conflicting checksums are never acceptable
    QVERIFY(duplicates[0].message.contains(QStringLiteral("different checksums")));
    QCOMPARE(m.entries[0].digest, s_sha256a); // the first one is kept
}

void TestBagParser::manifestLegacyStarAndNonCanonicalPaths()
{
    QList<BagIssue> issues;
    const Manifest m =
        BagParser::parseManifest(s_sha256a + u" *data/a.txt\n" + s_sha256b + u"  ./data//b.txt\n",
                                 QStringLiteral("manifest-sha256.txt"), v(1, 0), issues);
    QCOMPARE(m.entries.size(), 2);
    QCOMPARE(m.entries[0].path, QStringLiteral("data/a.txt"));
    QCOMPARE(m.entries[1].path, QStringLiteral("data/b.txt"));
    QCOMPARE(withCode(issues, Code::LegacyManifestFormat).size(), 1);
    QCOMPARE(withCode(issues, Code::NonCanonicalPath).size(), 1);
    for (const BagIssue &issue : issues)
        QCOMPARE(issue.severity, BagIssue::Severity::Warning);
}

void TestBagParser::manifestUnknownAlgorithm()
{
    QList<BagIssue> issues;
    const Manifest m = BagParser::parseManifest(QStringLiteral("abcdef0123  data/a.txt\n"),
                                                QStringLiteral("manifest-blake3.txt"), v(1, 0), issues);
    QVERIFY(!m.algorithm);
    QCOMPARE(m.algorithmName, QStringLiteral("blake3"));
    QCOMPARE(m.entries.size(), 1);
    const auto unknown = withCode(issues, Code::UnknownAlgorithm);
    QCOMPARE(unknown.size(), 1);
    QCOMPARE(unknown[0].severity, BagIssue::Severity::Warning);
    QVERIFY(unknown[0].message.contains(QStringLiteral("manifest-blake3.txt")));
    QCOMPARE(BagParser::payloadManifestAlgorithm(QStringLiteral("manifest-sha512.txt")),
             QStringLiteral("sha512"));
    QCOMPARE(BagParser::tagManifestAlgorithm(QStringLiteral("tagmanifest-md5.txt")), QStringLiteral("md5"));
    QVERIFY(BagParser::payloadManifestAlgorithm(QStringLiteral("tagmanifest-md5.txt")).isEmpty());
    QVERIFY(BagParser::payloadManifestAlgorithm(QStringLiteral("manifest-.txt")).isEmpty());
}

void TestBagParser::manifestAlgorithmNameMustBeNormalised_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("normalised");
    QTest::newRow("upper case") << QStringLiteral("manifest-SHA256.txt") << QStringLiteral("sha256");
    QTest::newRow("hyphen") << QStringLiteral("manifest-sha-256.txt") << QStringLiteral("sha256");
    QTest::newRow("tag manifest") << QStringLiteral("tagmanifest-SHA-256.txt") << QStringLiteral("sha256");
}

void TestBagParser::manifestAlgorithmNameMustBeNormalised()
{
    QFETCH(QString, fileName);
    QFETCH(QString, normalised);
    // §2.4: the name MUST be normalised; Gatehouse still knows the algorithm and verifies its checksums.
    QList<BagIssue> issues;
    const QString path =
        fileName.startsWith(u"tag") ? QStringLiteral("bagit.txt") : QStringLiteral("data/a.txt");
    const Manifest m = BagParser::parseManifest(s_sha256a + u"  " + path + u'\n', fileName, v(1, 0), issues);
    QCOMPARE(m.algorithm, std::optional(DigestAlgorithm::Sha256));
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::AlgorithmName);
    QVERIFY(issues[0].isProblem());
    QVERIFY2(issues[0].message.contains(u'"' + normalised + u'"'), qPrintable(issues[0].message));
}

void TestBagParser::manifestSha224AndSha384()
{
    const QString sha224(56, u'a');
    const QString sha384(96, u'b');
    QList<BagIssue> issues;
    Manifest m = BagParser::parseManifest(sha224 + u"  data/a.txt\n", QStringLiteral("manifest-sha224.txt"),
                                          v(1, 0), issues);
    QCOMPARE(m.algorithm, std::optional(DigestAlgorithm::Sha224));
    QCOMPARE(m.entries.size(), 1);
    // §2.4: sha-224 is not in IANA's Named Information registry: computed, with a warning.
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].code, Code::UnregisteredAlgorithm);
    QCOMPARE(issues[0].severity, BagIssue::Severity::Warning);

    issues.clear();
    m = BagParser::parseManifest(sha384 + u"  data/a.txt\n", QStringLiteral("manifest-sha384.txt"), v(1, 0),
                                 issues);
    QCOMPARE(m.algorithm, std::optional(DigestAlgorithm::Sha384));
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    // A sha256-length value is not a sha384 checksum.
    m = BagParser::parseManifest(s_sha256a + u"  data/a.txt\n", QStringLiteral("manifest-sha384.txt"),
                                 v(1, 0), issues);
    QVERIFY(m.entries.isEmpty());
    QCOMPARE(withCode(issues, Code::MalformedLine).size(), 1);
}

void TestBagParser::fetchLines()
{
    QList<BagIssue> issues;
    const QList<ManifestEntry> entries = BagParser::parseFetch(
        QStringLiteral("https://cdn.example.org/master/23364a.tif 216951362 data/23364a.tif\r\n"
                       "https://example.org/b?x=1%20y  -\tdata/sub dir/b%0A.txt\r\n"),
        QStringLiteral("fetch.txt"), v(1, 0), issues);
    QVERIFY2(issues.isEmpty(), qPrintable(describe(issues)));
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].url, QStringLiteral("https://cdn.example.org/master/23364a.tif"));
    QCOMPARE(entries[0].length, 216951362);
    QCOMPARE(entries[0].path, QStringLiteral("data/23364a.tif"));
    QCOMPARE(entries[1].length, -1);
    QCOMPARE(entries[1].path, QStringLiteral("data/sub dir/b\n.txt"));
}

void TestBagParser::fetchProblems()
{
    QList<BagIssue> issues;
    const QList<ManifestEntry> entries =
        BagParser::parseFetch(QStringLiteral("https://example.org/a 10 bagit.txt\n"           // 1: a tag file
                                             "https://example.org/b 10 data/../../../etc/x\n" // 2: escapes
                                             "relative/url 10 data/c.txt\n"            // 3: not absolute
                                             "https://example.org/d ten data/d.txt\n"  // 4: bad length
                                             "https://example.org/e 10\n"              // 5: no path
                                             "https://example.org/f 10 data/f.txt\n"   // 6
                                             "https://example.org/g 10 data/f.txt\n"), // 7: duplicate
                              QStringLiteral("fetch.txt"), v(1, 0), issues);
    QCOMPARE(withCode(issues, Code::OutsidePayload).size(), 1);
    QCOMPARE(withCode(issues, Code::OutsidePayload)[0].line, 1);
    QCOMPARE(withCode(issues, Code::UnsafePath).size(), 1);
    QCOMPARE(withCode(issues, Code::UnsafePath)[0].line, 2);
    QCOMPARE(withCode(issues, Code::BadFetchUrl).size(), 1);
    QCOMPARE(withCode(issues, Code::BadFetchUrl)[0].line, 3);
    const auto malformed = withCode(issues, Code::MalformedLine);
    QCOMPARE(malformed.size(), 2);
    QCOMPARE(malformed[0].line, 4);
    QCOMPARE(malformed[1].line, 5);
    QCOMPARE(withCode(issues, Code::DuplicateEntry).size(), 1);
    for (const BagIssue &issue : issues) {
        QVERIFY(issue.isProblem());
        QVERIFY(issue.message.contains(QStringLiteral("fetch.txt")));
    }
    // The unusable entries are kept (marked), so intake can show them; the rest are usable.
    int usable = 0;
    for (const ManifestEntry &e : entries)
        usable += e.usable() ? 1 : 0;
    QCOMPARE(usable, 1);
}

void TestBagParser::pathEncodingRoundTrips()
{
    const QString name = QStringLiteral("data/100% pure\nline\r\nend%0A.txt");
    const QString encoded = BagParser::encodePath(name);
    QCOMPARE(encoded, QStringLiteral("data/100%25 pure%0Aline%0D%0Aend%250A.txt"));
    QCOMPARE(BagParser::decodePath(encoded), name);
    QCOMPARE(BagParser::decodePath(u"trailing%"), QStringLiteral("trailing%"));
    QCOMPARE(BagParser::decodePath(u"short%2"), QStringLiteral("short%2"));
}

QTEST_GUILESS_MAIN(TestBagParser)
#include "tst_bagparser.moc"
