#include <algorithm>
#include <random>

#include <QTest>

#include "query/filefilter.h"
#include "util/naturalorder.h"

using namespace gh;

namespace {

FileRecord record(qint64 id, const QString &item, const QString &name, FileStatus status, qint64 size,
                  const QString &mimetype)
{
    FileRecord f;
    f.id = id;
    f.batchId = 1;
    f.item = item;
    f.name = name;
    f.status = status;
    f.size = size;
    f.mimetype = mimetype;
    return f;
}

// One finding per check name, as the catalog would hand them over for a file.
QList<FindingRecord> findings(const QStringList &checks)
{
    QList<FindingRecord> result;
    for (const QString &check : checks) {
        FindingRecord f;
        f.fileId = 1;
        f.check = check;
        f.severity = FindingSeverity::Flag;
        f.message = check + QStringLiteral(" found something");
        result.append(f);
    }
    return result;
}

FileFilter parsed(const QString &query)
{
    auto filter = FileFilter::parse(query);
    if (!filter)
        qFatal("unexpected parse error for %s: %s", qPrintable(query), qPrintable(filter.error().message));
    return *filter;
}

} // namespace

class TestFileFilter : public QObject
{
    Q_OBJECT

private slots:
    void emptyMatchesAll();
    void parsesTheIssueExample();
    void statusGroups();
    void mimePatterns();
    void sizes_data();
    void sizes();
    void unknownSizeNeverMatchesASizeTerm();
    void nameSubstringAndGlob();
    void qaFlag();
    void checkTerm();
    void freeTextAndQuotes();
    void errorsNameTheTerm_data();
    void errorsNameTheTerm();
    void roundTripsThroughToQuery();
    void splitTermsKeepsQuotes();
    void naturalKeyAgreesWithNaturalCompare();
    void sortsByNameNaturally();
    void sorts100kRecords();
};

void TestFileFilter::emptyMatchesAll()
{
    const FileFilter filter = parsed(QStringLiteral("   "));
    QVERIFY(filter.isEmpty());
    QVERIFY(filter.matches(
        record(1, QStringLiteral("i"), QStringLiteral("a.tif"), FileStatus::NotFound, -1, {})));
}

void TestFileFilter::parsesTheIssueExample()
{
    const FileFilter filter =
        parsed(QStringLiteral("status:fixity-mismatch,failed mime:image/* size:>1M name:*.tif qa:flagged"));
    QVERIFY(filter.statuses().contains(FileStatus::FixityMismatch));
    QVERIFY(filter.statuses().contains(FileStatus::NotFound)); // via "failed"
    QVERIFY(!filter.statuses().contains(FileStatus::Success));
    QCOMPARE(filter.mimePatterns(), QStringList{QStringLiteral("image/*")});
    QCOMPARE(filter.minSize(), qint64(1024 * 1024 + 1));
    QCOMPARE(filter.maxSize(), qint64(-1));
    QCOMPARE(filter.namePattern(), QStringLiteral("*.tif"));
    QCOMPARE(filter.qa(), FileFilter::Qa::Flagged);

    const QList<FindingRecord> flagged = findings({QStringLiteral("blank-page")});
    const FileRecord hit = record(1, QStringLiteral("p1"), QStringLiteral("SCAN_0001.TIF"),
                                  FileStatus::FixityMismatch, 3 * 1024 * 1024, QStringLiteral("image/tiff"));
    QVERIFY(filter.matches(hit, flagged));
    QVERIFY(!filter.matches(hit, {})); // not flagged
    FileRecord small = hit;
    small.size = 1024 * 1024;
    QVERIFY(!filter.matches(small, flagged));
    FileRecord ok = hit;
    ok.status = FileStatus::Success;
    QVERIFY(!filter.matches(ok, flagged));
    FileRecord jpeg = hit;
    jpeg.name = QStringLiteral("scan.jpg");
    QVERIFY(!filter.matches(jpeg, flagged));
    FileRecord xml = hit;
    xml.mimetype = QStringLiteral("application/xml");
    QVERIFY(!filter.matches(xml, flagged));
}

void TestFileFilter::statusGroups()
{
    const FileFilter failed = parsed(QStringLiteral("status:failed"));
    for (FileStatus s : StatusInfo::all()) {
        QCOMPARE(failed.matches(record(1, {}, QStringLiteral("x"), s, 1, {})),
                 StatusInfo::severity(s) == Severity::Error);
    }
    const FileFilter pendingOrOk = parsed(QStringLiteral("STATUS:pending,ok"));
    QVERIFY(pendingOrOk.matches(record(1, {}, QStringLiteral("x"), FileStatus::Pending, 1, {})));
    QVERIFY(pendingOrOk.matches(record(1, {}, QStringLiteral("x"), FileStatus::Success, 1, {})));
    QVERIFY(pendingOrOk.matches(record(1, {}, QStringLiteral("x"), FileStatus::Unchanged, 1, {})));
    QVERIFY(!pendingOrOk.matches(record(1, {}, QStringLiteral("x"), FileStatus::Timeout, 1, {})));
}

void TestFileFilter::mimePatterns()
{
    const FileFilter filter = parsed(QStringLiteral("mime:image/*,application/PDF"));
    QVERIFY(filter.matches(
        record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("image/jp2"))));
    QVERIFY(filter.matches(
        record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("Image/PNG"))));
    QVERIFY(filter.matches(
        record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("application/pdf"))));
    QVERIFY(!filter.matches(
        record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("application/xml"))));
    // "image/*" is a prefix on the type, not on the text: "imagex/y" and "image" alone do not match.
    QVERIFY(!filter.matches(
        record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("imagex/y"))));
    QVERIFY(
        !filter.matches(record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QStringLiteral("image"))));
    QVERIFY(!filter.matches(record(1, {}, QStringLiteral("a"), FileStatus::Success, 1, QString())));
    // A file not fetched yet is matched on the mimetype its source declared.
    FileRecord declared = record(1, {}, QStringLiteral("a"), FileStatus::Pending, 1, QString());
    declared.declaredMimetype = QStringLiteral("image/jpeg");
    QVERIFY(filter.matches(declared));
}

void TestFileFilter::sizes_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("expected");
    QTest::newRow(">1M, larger") << QStringLiteral("size:>1M") << qint64(1048577) << true;
    QTest::newRow(">1M, equal") << QStringLiteral("size:>1M") << qint64(1048576) << false;
    QTest::newRow(">=1MiB, equal") << QStringLiteral("size:>=1MiB") << qint64(1048576) << true;
    QTest::newRow("<500k") << QStringLiteral("size:<500k") << qint64(511999) << true;
    QTest::newRow("<500k, equal") << QStringLiteral("size:<500k") << qint64(512000) << false;
    QTest::newRow("<=500KB") << QStringLiteral("size:<=500KB") << qint64(512000) << true;
    QTest::newRow("exact 0") << QStringLiteral("size:0") << qint64(0) << true;
    QTest::newRow("exact 0, one byte") << QStringLiteral("size:0") << qint64(1) << false;
    QTest::newRow("range in") << QStringLiteral("size:10k..2M") << qint64(20000) << true;
    QTest::newRow("range upper edge") << QStringLiteral("size:10k..2M") << qint64(2097152) << true;
    QTest::newRow("range above") << QStringLiteral("size:10k..2M") << qint64(2097153) << false;
    QTest::newRow("open range") << QStringLiteral("size:1G..") << qint64(5) << false;
    QTest::newRow("fraction") << QStringLiteral("size:>=1.5k") << qint64(1536) << true;
}

void TestFileFilter::sizes()
{
    QFETCH(QString, query);
    QFETCH(qint64, size);
    QFETCH(bool, expected);
    QCOMPARE(parsed(query).matches(record(1, {}, QStringLiteral("f"), FileStatus::Success, size, {})),
             expected);
}

void TestFileFilter::unknownSizeNeverMatchesASizeTerm()
{
    FileRecord f = record(1, {}, QStringLiteral("f"), FileStatus::Pending, -1, {});
    QVERIFY(!parsed(QStringLiteral("size:<1G")).matches(f));
    f.declaredSize = 100; // not fetched yet, but the manifest said how large it is
    QVERIFY(parsed(QStringLiteral("size:<1G")).matches(f));
}

void TestFileFilter::nameSubstringAndGlob()
{
    const FileRecord tif =
        record(1, QStringLiteral("film1"), QStringLiteral("Page_0001.TIF"), FileStatus::Success, 1, {});
    const FileRecord xml =
        record(2, QStringLiteral("film1"), QStringLiteral("page_0001.mix.xml"), FileStatus::Success, 1, {});
    QVERIFY(parsed(QStringLiteral("name:*.tif")).matches(tif));
    QVERIFY(!parsed(QStringLiteral("name:*.tif")).matches(xml));
    // A glob covers the whole name; a plain word is a substring.
    QVERIFY(!parsed(QStringLiteral("name:page*"))
                 .matches(record(3, {}, QStringLiteral("apage.tif"), FileStatus::Success, 1, {})));
    QVERIFY(parsed(QStringLiteral("name:0001")).matches(tif));
    QVERIFY(parsed(QStringLiteral("name:PAGE_")).matches(xml));
    QVERIFY(parsed(QStringLiteral("name:page_000?.*")).matches(xml));
    QVERIFY(!parsed(QStringLiteral("name:film1")).matches(tif)); // the item is not the name
    // Regular-expression characters in a glob are literal.
    QVERIFY(parsed(QStringLiteral("name:a+b(1)*"))
                .matches(record(4, {}, QStringLiteral("a+b(1).png"), FileStatus::Success, 1, {})));
}

void TestFileFilter::qaFlag()
{
    const FileRecord f = record(1, {}, QStringLiteral("f"), FileStatus::Success, 1, {});
    const QList<FindingRecord> flagged = findings({QStringLiteral("dark-page")});
    QVERIFY(parsed(QStringLiteral("qa:flagged")).matches(f, flagged));
    QVERIFY(!parsed(QStringLiteral("qa:flagged")).matches(f, {}));
    QVERIFY(parsed(QStringLiteral("qa:unflagged")).matches(f, {}));
    QVERIFY(!parsed(QStringLiteral("qa:unflagged")).matches(f, flagged));
}

void TestFileFilter::checkTerm()
{
    const FileRecord f = record(1, {}, QStringLiteral("p.alto.xml"), FileStatus::Success, 1, {});
    const FileFilter schema = parsed(QStringLiteral("check:xml-schema"));
    QVERIFY(schema.needsFindings());
    QVERIFY(schema.matches(f, findings({QStringLiteral("ocr-confidence"), QStringLiteral("xml-schema")})));
    QVERIFY(!schema.matches(f, findings({QStringLiteral("ocr-confidence")})));
    QVERIFY(!schema.matches(f, {}));
    // Several names: any of them; names are case-insensitive.
    const FileFilter either = parsed(QStringLiteral("check:Dark-Page,blank-page"));
    QCOMPARE(either.checks(), QStringList({QStringLiteral("dark-page"), QStringLiteral("blank-page")}));
    QVERIFY(either.matches(f, findings({QStringLiteral("blank-page")})));
    QVERIFY(!either.matches(f, findings({QStringLiteral("black-border")})));
    // With qa:unflagged nothing can match, and the filter says so by matching nothing.
    QVERIFY(!parsed(QStringLiteral("check:dark-page qa:unflagged"))
                 .matches(f, findings({QStringLiteral("dark-page")})));
    QVERIFY(!parsed(QStringLiteral("status:success")).needsFindings());
}

void TestFileFilter::freeTextAndQuotes()
{
    FileRecord f = record(1, QStringLiteral("Edition-1901"), QStringLiteral("page 7.jp2"),
                          FileStatus::NotFound, 1, QStringLiteral("image/jp2"));
    f.sourceUrl = QStringLiteral("https://vendor.example/B400/page%207.jp2");
    f.digests.sha256 = QStringLiteral("ab12cd") + QString(58, u'0');
    f.error = QStringLiteral("The server answered 404 Not Found.");
    QVERIFY(parsed(QStringLiteral("edition")).matches(f));
    QVERIFY(parsed(QStringLiteral("edition 1901")).matches(f));
    QVERIFY(!parsed(QStringLiteral("edition 1902")).matches(f)); // every word must be found
    QVERIFY(parsed(QStringLiteral("\"https://vendor.example\"")).matches(f));
    QVERIFY(parsed(QStringLiteral("\"page 7\"")).matches(f));
    QVERIFY(parsed(QStringLiteral("AB12CD")).matches(f));    // a SHA-256 prefix
    QVERIFY(parsed(QStringLiteral("not found")).matches(f)); // the error message
    QVERIFY(parsed(QStringLiteral("name:\"page 7*\"")).matches(f));
    QVERIFY(!parsed(QStringLiteral("\"page 8\"")).matches(f));
}

void TestFileFilter::errorsNameTheTerm_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("term");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown status") << QStringLiteral("mime:image/* status:ok,faild")
                                    << QStringLiteral("status:ok,faild")
                                    << QStringLiteral("\"faild\" is not a status");
    QTest::newRow("unknown key") << QStringLiteral("colour:red") << QStringLiteral("colour:red")
                                 << QStringLiteral("\"colour\" is not a filter");
    QTest::newRow("bad size") << QStringLiteral("size:>lots") << QStringLiteral("size:>lots")
                              << QStringLiteral("\"lots\" is not a size");
    QTest::newRow("bad unit") << QStringLiteral("size:5X") << QStringLiteral("size:5X")
                              << QStringLiteral("is not a size");
    QTest::newRow("inverted range") << QStringLiteral("size:2M..1k") << QStringLiteral("size:2M..1k")
                                    << QStringLiteral("smallest size is larger");
    QTest::newRow("empty value") << QStringLiteral("name:") << QStringLiteral("name:")
                                 << QStringLiteral("no value");
    QTest::newRow("bad mime") << QStringLiteral("mime:image") << QStringLiteral("mime:image")
                              << QStringLiteral("not a mimetype pattern");
    QTest::newRow("mime star inside") << QStringLiteral("mime:im*/png") << QStringLiteral("mime:im*/png")
                                      << QStringLiteral("not a mimetype pattern");
    QTest::newRow("bad qa") << QStringLiteral("qa:maybe") << QStringLiteral("qa:maybe")
                            << QStringLiteral("qa:flagged");
    QTest::newRow("empty check") << QStringLiteral("check:,") << QStringLiteral("check:,")
                                 << QStringLiteral("name a QA check");
    QTest::newRow("unclosed quote") << QStringLiteral("\"open ended") << QStringLiteral("\"open ended")
                                    << QStringLiteral("closing quote");
    QTest::newRow("two sizes") << QStringLiteral("size:>1 size:<5") << QStringLiteral("size:<5")
                               << QStringLiteral("only one size");
    QTest::newRow("smaller than nothing")
        << QStringLiteral("size:<0") << QStringLiteral("size:<0") << QStringLiteral("smaller than 0");
}

void TestFileFilter::errorsNameTheTerm()
{
    QFETCH(QString, query);
    QFETCH(QString, term);
    QFETCH(QString, reason);
    const auto filter = FileFilter::parse(query);
    QVERIFY(!filter);
    QCOMPARE(filter.error().code, ErrorCode::Usage);
    QVERIFY2(filter.error().message.contains(u'"' + term + u'"'), qPrintable(filter.error().message));
    QVERIFY2(filter.error().message.contains(reason), qPrintable(filter.error().message));
    QVERIFY2(filter.error().message.endsWith(u'.'), qPrintable(filter.error().message));
}

void TestFileFilter::roundTripsThroughToQuery()
{
    const QStringList queries{
        QStringLiteral("status:fixity-mismatch,failed mime:image/* size:>1M name:*.tif qa:flagged"),
        QStringLiteral("size:10k..2M \"http://x/y\" plain"),
        QStringLiteral("size:<=7 name:\"scan 1*\" qa:unflagged"),
        QStringLiteral("check:xml-schema,dimensions qa:flagged"),
        QStringLiteral("size:0 status:success"),
    };
    for (const QString &q : queries) {
        const FileFilter a = parsed(q);
        const FileFilter b = parsed(a.toQuery());
        QVERIFY2(a == b, qPrintable(q + QStringLiteral(" → ") + a.toQuery()));
    }
    FileFilter built;
    built.setStatuses({FileStatus::Timeout, FileStatus::NotFound});
    built.setSizeRange(-1, 100);
    QCOMPARE(built.toQuery(), QStringLiteral("status:not-found,timeout size:<=100"));
    QVERIFY(parsed(built.toQuery()) == built);
}

void TestFileFilter::splitTermsKeepsQuotes()
{
    QCOMPARE(FileFilter::splitTerms(u"  status:ok   name:\"a b\" \"c d\"x "),
             (QStringList{QStringLiteral("status:ok"), QStringLiteral("name:\"a b\""),
                          QStringLiteral("\"c d\"x")}));
}

void TestFileFilter::naturalKeyAgreesWithNaturalCompare()
{
    // Names built from a small alphabet so that digit runs, case and leading zeros collide often.
    std::mt19937 random(42);
    const QString alphabet = QStringLiteral("aAbB_-. 0019");
    QStringList names;
    for (int i = 0; i < 3000; ++i) {
        QString name;
        const int length = int(random() % 8);
        for (int j = 0; j < length; ++j)
            name += alphabet[int(random() % alphabet.size())];
        names.append(name);
    }
    for (int i = 0; i + 1 < names.size(); ++i) {
        for (int j = i + 1; j < std::min<int>(names.size(), i + 20); ++j) {
            FileRecord a;
            a.id = 1;
            a.name = names[i];
            FileRecord b;
            b.id = 2;
            b.name = names[j];
            const auto ka = FileOrder::key(a, FileOrder::Field::Name);
            const auto kb = FileOrder::key(b, FileOrder::Field::Name);
            const int natural = naturalCompare(a.name, b.name);
            if (natural != 0)
                QVERIFY2(FileOrder::less(ka, kb) == (natural < 0),
                         qPrintable(u'"' + a.name + QStringLiteral("\" vs \"") + b.name + u'"'));
        }
    }
}

void TestFileFilter::sortsByNameNaturally()
{
    QList<FileRecord> files{
        record(1, QStringLiteral("i"), QStringLiteral("page10.jp2"), FileStatus::Success, 5, {}),
        record(2, QStringLiteral("i"), QStringLiteral("Page2.jp2"), FileStatus::Success, 9, {}),
        record(3, QStringLiteral("i"), QStringLiteral("page1.jp2"), FileStatus::Success, -1, {}),
        record(4, QStringLiteral("i"), QStringLiteral("page02.jp2"), FileStatus::Success, 7, {}),
    };
    FileOrder::sort(files, FileOrder::Field::Name);
    QStringList names;
    for (const FileRecord &f : files)
        names.append(f.name);
    // "Page2" and "page02" are equal by value and case-insensitively; the case-sensitive pass puts "P" first,
    // as naturalCompare() does.
    QCOMPARE(names, (QStringList{QStringLiteral("page1.jp2"), QStringLiteral("Page2.jp2"),
                                 QStringLiteral("page02.jp2"), QStringLiteral("page10.jp2")}));
    FileOrder::sort(files, FileOrder::Field::Size, Qt::DescendingOrder);
    QList<qint64> ids;
    for (const FileRecord &f : files)
        ids.append(f.id);
    QCOMPARE(ids, (QList<qint64>{2, 4, 1, 3})); // unknown size last when descending
}

void TestFileFilter::sorts100kRecords()
{
    std::mt19937 random(7);
    QList<FileRecord> files;
    files.reserve(100000);
    for (int i = 0; i < 100000; ++i) {
        const int edition = int(random() % 40);
        const int page = int(random() % 500);
        files.append(record(i + 1, QStringLiteral("edition-%1").arg(edition),
                            QStringLiteral("page-%1.jp2").arg(page, random() % 2 ? 4 : 1, 10, QChar(u'0')),
                            StatusInfo::all()[int(random() % StatusInfo::all().size())],
                            qint64(random() % 5000000) - 1, QStringLiteral("image/jp2")));
    }
    QList<FileRecord> byName = files;
    FileOrder::sort(byName, FileOrder::Field::Name);
    QCOMPARE(byName.size(), files.size());
    for (int i = 1; i < byName.size(); ++i) {
        const FileRecord &a = byName[i - 1];
        const FileRecord &b = byName[i];
        const int c = naturalCompare(a.name, b.name);
        QVERIFY2(c < 0 || (c == 0 && naturalCompare(a.item, b.item) < 0) ||
                     (c == 0 && a.item == b.item && a.id < b.id),
                 qPrintable(a.name + QStringLiteral(" / ") + b.name));
    }

    QList<FileRecord> bySize = files;
    FileOrder::sort(bySize, FileOrder::Field::Size, Qt::DescendingOrder);
    for (int i = 1; i < bySize.size(); ++i)
        QVERIFY(bySize[i - 1].size >= bySize[i].size);

    QList<FileRecord> byStatus = files;
    FileOrder::sort(byStatus, FileOrder::Field::Status);
    for (int i = 1; i < byStatus.size(); ++i)
        QVERIFY(int(byStatus[i - 1].status) <= int(byStatus[i].status));

    // Filtering the same 100,000 agrees with a direct check of each criterion.
    const FileFilter filter = parsed(QStringLiteral("status:failed size:>1M name:page-00*"));
    const auto expected = std::count_if(files.cbegin(), files.cend(), [](const FileRecord &f) {
        return StatusInfo::severity(f.status) == Severity::Error && f.size > 1048576 &&
               f.name.startsWith(QStringLiteral("page-00"));
    });
    const auto matched =
        std::count_if(files.cbegin(), files.cend(), [&](const FileRecord &f) { return filter.matches(f); });
    QVERIFY(expected > 100);
    QCOMPARE(matched, expected);
}

QTEST_GUILESS_MAIN(TestFileFilter)
#include "tst_filefilter.moc"
