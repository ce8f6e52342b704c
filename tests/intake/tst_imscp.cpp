#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

#include "intake/folderpackage.h"
#include "intake/imscp/imscpingester.h"
#include "intake/intakechain.h"
#include "testsupport.h"
#include "tst_xml_collectingsink.h"

using namespace gh;

namespace {

QString course(const QString &relative = {})
{
    return test::dataPath(QStringLiteral("imscp/course") +
                          (relative.isEmpty() ? QString() : u'/' + relative));
}

QStringList names(const ItemDraft &item)
{
    QStringList list;
    for (const FileDraft &file : item.files)
        list.append(file.name);
    return list;
}

} // namespace

class TestImsCp : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void itemsFollowTheDefaultOrganization();
    void lomMetadataIsLayered();
    void missingAndUnlistedFiles();
    void curatorsLanguage();
    void standaloneManifest();
    void recognition();
    void brokenManifestDegrades();

private:
    Result<QString> ingest(const QString &source);
    test::CollectingSink m_sink;
    IntakeTrace m_trace;
};

void TestImsCp::init()
{
    m_sink = {};
    m_trace = {};
}

void TestImsCp::cleanup()
{
    QLocale::setDefault(QLocale::c());
}

Result<QString> TestImsCp::ingest(const QString &source)
{
    const IntakeOptions options;
    IntakeChain chain;
    return chain.ingest(source, m_sink, m_trace, options);
}

void TestImsCp::itemsFollowTheDefaultOrganization()
{
    const auto detected = ingest(course());
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("imscp"));
    QCOMPARE(m_sink.identifiers(), test::strings({"COURSE-HERBARIUM-101", "ITEM-INTRO", "ITEM-L1",
                                                  "ITEM-QUIZ", "RES-CSS", "unlisted"}));
    QCOMPARE(names(m_sink.items[0]), test::strings({"imsmanifest.xml", "imscp_v1p1.xsd"}));
    QCOMPARE(m_sink.items[1].label, QStringLiteral("Introduction"));
    QCOMPARE(names(m_sink.items[1]), test::strings({"index.html"}));
    QCOMPARE(m_sink.items[1].files[0].sourcePath, course(QStringLiteral("intro/index.html")));
    QCOMPARE(m_sink.items[2].label, QStringLiteral("Lesson 1: Pressing plants"));
    // xml:base="lesson1/" applies to the resource's files; the launch file comes first.
    QCOMPARE(names(m_sink.items[2]), test::strings({"page.html", "figure.png"}));
    QCOMPARE(m_sink.items[2].files[1].sourcePath, course(QStringLiteral("lesson1/figure.png")));
    // The shared style sheet is only a dependency: an item of its own, after the organization's items.
    QCOMPARE(m_sink.items[4].label, QStringLiteral("Resource RES-CSS"));
    QCOMPARE(names(m_sink.items[4]), test::strings({"style.css"}));
    QCOMPARE(m_sink.items[1].metadata.value(QStringLiteral("path")).toString(),
             QStringLiteral("Module 1: Collecting"));
    QCOMPARE(m_sink.items[3].metadata.value(QStringLiteral("path")).toString(),
             QStringLiteral("Module 2: Test yourself"));
    QCOMPARE(m_sink.items[1].metadata.value(QStringLiteral("href")).toString(),
             QStringLiteral("intro/index.html#start"));
    QCOMPARE(m_sink.items[3].metadata.value(QStringLiteral("resource_type")).toString(),
             QStringLiteral("imsqti_xmlv1p2"));
    QVERIFY2(test::allWarnings(m_trace).contains(
                 QStringLiteral("has 2 organizations; the items follow \"ORG-MAIN\"")),
             qPrintable(test::allWarnings(m_trace)));
}

void TestImsCp::lomMetadataIsLayered()
{
    QVERIFY(ingest(course()).ok());
    const QJsonObject package = m_sink.items[0].metadata;
    QCOMPARE(m_sink.items[0].label, QStringLiteral("Herbaria for beginners"));
    QCOMPARE(package.value(QStringLiteral("metadata_format")).toString(), QStringLiteral("lom"));
    QCOMPARE(package.value(QStringLiteral("identifier")).toString(),
             QStringLiteral("urn:example:course:herbarium-101"));
    QCOMPARE(package.value(QStringLiteral("description")).toString(),
             QStringLiteral("A short course on collecting and pressing plants."));
    QCOMPARE(package.value(QStringLiteral("keywords")).toArray(),
             QJsonArray({QStringLiteral("botany"), QStringLiteral("herbarium")}));
    QCOMPARE(package.value(QStringLiteral("rights")).toString(), QStringLiteral("CC BY-SA 4.0"));
    QCOMPARE(package.value(QStringLiteral("language")).toString(), QStringLiteral("en"));

    // The introduction has no LOM of its own: the package's, but its own title.
    const QJsonObject intro = m_sink.items[1].metadata;
    QCOMPARE(intro.value(QStringLiteral("title")).toString(), QStringLiteral("Introduction"));
    QCOMPARE(intro.value(QStringLiteral("package_title")).toString(),
             QStringLiteral("Herbaria for beginners"));
    QCOMPARE(intro.value(QStringLiteral("rights")).toString(), QStringLiteral("CC BY-SA 4.0"));
    // Lesson 1: IMS MD 1.2 (langstring) on the resource, LOM keywords on the item.
    const QJsonObject lesson = m_sink.items[2].metadata;
    QCOMPARE(lesson.value(QStringLiteral("title")).toString(), QStringLiteral("Lesson 1: Pressing plants"));
    QCOMPARE(lesson.value(QStringLiteral("description")).toString(),
             QStringLiteral("How to dry and mount a specimen."));
    QCOMPARE(lesson.value(QStringLiteral("identifier")).toString(), QStringLiteral("L1"));
    QCOMPARE(lesson.value(QStringLiteral("keywords")).toArray(), QJsonArray({QStringLiteral("pressing")}));
}

void TestImsCp::missingAndUnlistedFiles()
{
    QVERIFY(ingest(course()).ok());
    const FileDraft &quiz = m_sink.items[3].files.at(0);
    QCOMPARE(quiz.name, QStringLiteral("quiz.xml"));
    QCOMPARE(quiz.status, FileStatus::Missing);
    QVERIFY2(quiz.error.contains(QStringLiteral("imsmanifest.xml (line ")), qPrintable(quiz.error));
    QVERIFY2(quiz.error.contains(QStringLiteral("quiz/quiz.xml, which is not in the package")),
             qPrintable(quiz.error));
    const ItemDraft *unlisted = m_sink.find(QStringLiteral("unlisted"));
    QVERIFY(unlisted);
    QCOMPARE(names(*unlisted), test::strings({"notes/todo.txt"}));
    const QString warnings = test::allWarnings(m_trace);
    QVERIFY2(warnings.contains(QStringLiteral("imsmanifest.xml lists 1 file that is missing: quiz/quiz.xml")),
             qPrintable(warnings));
    QVERIFY2(warnings.contains(
                 QStringLiteral("1 file in the package is not listed in imsmanifest.xml: notes/todo.txt")),
             qPrintable(warnings));
}

void TestImsCp::curatorsLanguage()
{
    QLocale::setDefault(QLocale(QLocale::Danish, QLocale::Denmark));
    QVERIFY(ingest(course()).ok());
    QCOMPARE(m_sink.items[0].label, QStringLiteral("Herbarier for begyndere"));
}

void TestImsCp::standaloneManifest()
{
    const auto detected = ingest(course(QStringLiteral("imsmanifest.xml")));
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("imscp"));
    // Beside a standalone manifest nothing is "unlisted", and schema files are not the manifest's to claim.
    QCOMPARE(m_sink.identifiers(),
             test::strings({"COURSE-HERBARIUM-101", "ITEM-INTRO", "ITEM-L1", "ITEM-QUIZ", "RES-CSS"}));
    QCOMPARE(m_sink.items[2].files[0].sourcePath, course(QStringLiteral("lesson1/page.html")));
    QCOMPARE(m_sink.items[3].files[0].status, FileStatus::Missing);
}

void TestImsCp::recognition()
{
    ImsCpDocumentIngester document;
    Document doc;
    doc.head = "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" identifier=\"m\">";
    QVERIFY(document.recognise(doc));
    doc.head = "<manifest xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\">";
    QVERIFY(document.recognise(doc));
    doc.head = "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"x\">";
    QVERIFY(!document.recognise(doc));

    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("scorm-package/imsmanifest.xml")), "<manifest/>");
    test::writeFile(dir.filePath(QStringLiteral("scorm-package/a.html")), "<p/>");
    const IntakeOptions options;
    auto package = FolderPackage::open(dir.path(), options);
    QVERIFY(package.ok());
    QCOMPARE(ImsCpPackageIngester::findManifest(**package), QStringLiteral("scorm-package/imsmanifest.xml"));
}

void TestImsCp::brokenManifestDegrades()
{
    QTemporaryDir dir;
    test::writeFile(
        dir.filePath(QStringLiteral("imsmanifest.xml")),
        "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\">\n<resources>\n</manifest>\n");
    test::writeFile(dir.filePath(QStringLiteral("lesson.html")), "<p/>");
    const auto detected = ingest(dir.path());
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("folder"));
    QCOMPARE(m_sink.fileCount(), 2);
    QVERIFY2(test::traceText(m_trace).contains(
                 QStringLiteral("imscp stage: imsmanifest.xml is not well-formed XML: line 3")),
             qPrintable(test::traceText(m_trace)));
}

QTEST_GUILESS_MAIN(TestImsCp)
#include "tst_imscp.moc"
