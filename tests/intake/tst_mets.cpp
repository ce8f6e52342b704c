#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "intake/folderpackage.h"
#include "intake/intakechain.h"
#include "intake/mets/metsingester.h"
#include "testsupport.h"
#include "tst_xml_collectingsink.h"

using namespace gh;

namespace {

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
}

QString metsData(const QString &relative)
{
    return test::dataPath(QStringLiteral("mets/") + relative);
}

} // namespace

class TestMets : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void bookWithPagesInPhysicalOrder();
    void bookMetadataFromModsAndDublinCore();
    void declaredChecksumsAreCarried();
    void unlistedFilesAreIncludedAndNamed();
    void wrongChecksumAndMissingFile();
    void standaloneDocumentWithUrls();
    void standaloneDocumentResolvesBesideIt();
    void brokenMetsInPackageDegradesToListing();
    void brokenStandaloneMetsIsRefusedOutLoud();
    void recognition();
    void singleTopLevelFolder();
    void rootDivisionWithoutPages();
    void referencesIntoAnArchiveBesideTheManifest();
    void referencesIntoAnArchiveInsideAnArchive();

private:
    Result<QString> ingest(const QString &source);
    test::CollectingSink m_sink;
    IntakeTrace m_trace;
};

void TestMets::init()
{
    m_sink = {};
    m_trace = {};
}

Result<QString> TestMets::ingest(const QString &source)
{
    const IntakeOptions options;
    IntakeChain chain;
    return chain.ingest(source, m_sink, m_trace, options);
}

void TestMets::bookWithPagesInPhysicalOrder()
{
    const auto detected = ingest(metsData(QStringLiteral("book")));
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("mets"));
    QCOMPARE(m_sink.identifiers(),
             test::strings({"flora-danica-1", "flora-danica-1/0001", "flora-danica-1/0002",
                            "flora-danica-1/0003", "flora-danica-1/0004", "flora-danica-1/0005",
                            "flora-danica-1/0006", "flora-danica-1/unlisted"}));
    // The object holds the METS document; each page its master and access copy, in structMap order.
    const ItemDraft &object = m_sink.items[0];
    QCOMPARE(object.files.size(), 1);
    QCOMPARE(object.files[0].name, QStringLiteral("mets.xml"));
    QCOMPARE(object.files[0].sourcePath, metsData(QStringLiteral("book/mets.xml")));
    QCOMPARE(object.metadata.value(QStringLiteral("mets_structure")).toString(), QStringLiteral("PHYSICAL"));

    QStringList labels;
    for (int i = 1; i <= 6; ++i) {
        const ItemDraft &page = m_sink.items[i];
        labels.append(page.label);
        QCOMPARE(page.files.size(), 2);
        const QString n = QStringLiteral("%1").arg(i, 4, 10, QChar(u'0'));
        QCOMPARE(page.files[0].name, n + QStringLiteral(".tif"));
        QCOMPARE(page.files[0].sourcePath,
                 metsData(QStringLiteral("book/master/") + n + QStringLiteral(".tif")));
        QCOMPARE(page.files[0].declaredMimetype, QStringLiteral("image/tiff"));
        QCOMPARE(page.files[0].declaredSize, QFileInfo(page.files[0].sourcePath).size());
        QCOMPARE(page.files[0].status, FileStatus::Pending);
        QCOMPARE(page.files[1].name, n + QStringLiteral(".jpg"));
        QCOMPARE(page.files[1].declaredMimetype, QStringLiteral("image/jpeg"));
        QCOMPARE(page.metadata.value(QStringLiteral("order")).toInt(), i);
        QCOMPARE(page.metadata.value(QStringLiteral("div_type")).toString(), QStringLiteral("page"));
        QCOMPARE(page.metadata.value(QStringLiteral("object")).toString(), QStringLiteral("flora-danica-1"));
    }
    // LABEL where the METS gives one, else the printed page number (ORDERLABEL).
    QCOMPARE(labels, test::strings({"Title page", "[ii]", "1", "2", "3", "Plate I"}));
    QCOMPARE(m_sink.items[2].metadata.value(QStringLiteral("order_label")).toString(),
             QStringLiteral("[ii]"));
    QVERIFY2(test::traceText(m_trace).contains(QStringLiteral("PHYSICAL structure map (6 divisions)")),
             qPrintable(test::traceText(m_trace)));
}

void TestMets::bookMetadataFromModsAndDublinCore()
{
    QVERIFY(ingest(metsData(QStringLiteral("book"))).ok());
    const ItemDraft &object = m_sink.items[0];
    QCOMPARE(object.label, QStringLiteral("Flora Danica"));
    const QJsonObject &m = object.metadata;
    QCOMPARE(m.value(QStringLiteral("metadata_format")).toString(), QStringLiteral("mods"));
    QCOMPARE(m.value(QStringLiteral("title")).toString(), QStringLiteral("Flora Danica"));
    QCOMPARE(m.value(QStringLiteral("subtitle")).toString(), QStringLiteral("Fasciculus 1"));
    QCOMPARE(m.value(QStringLiteral("date")).toString(), QStringLiteral("1761"));
    QCOMPARE(m.value(QStringLiteral("date_issued")).toString(), QStringLiteral("1761"));
    // Only the author: the printer's role is neither creator nor author.
    QCOMPARE(m.value(QStringLiteral("creators")).toArray(),
             QJsonArray({QStringLiteral("Oeder, Georg Christian")}));
    QCOMPARE(m.value(QStringLiteral("identifier")).toString(),
             QStringLiteral("urn:nbn:dk:kb-flora-danica-1"));
    const QJsonArray ids = m.value(QStringLiteral("identifiers")).toArray();
    QCOMPARE(ids.size(), 2);
    QCOMPARE(ids[1].toObject().value(QStringLiteral("type")).toString(), QStringLiteral("local"));
    QCOMPARE(ids[1].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("FD-0001"));

    // A page without its own DMDID carries the book's record; the plate has its own Dublin Core record.
    QCOMPARE(m_sink.items[3].metadata.value(QStringLiteral("title")).toString(),
             QStringLiteral("Flora Danica"));
    const QJsonObject plate = m_sink.items[6].metadata;
    QCOMPARE(plate.value(QStringLiteral("metadata_format")).toString(), QStringLiteral("dc"));
    QCOMPARE(plate.value(QStringLiteral("title")).toString(), QStringLiteral("Tab. I. Gentiana"));
    QCOMPARE(plate.value(QStringLiteral("creators")).toArray(),
             QJsonArray({QStringLiteral("Rosenberg, Johann Christoph")}));
    QCOMPARE(plate.value(QStringLiteral("identifier")).toString(), QStringLiteral("FD-0001-T1"));
    QCOMPARE(plate.value(QStringLiteral("div_id")).toString(), QStringLiteral("PHYS_0006"));
}

void TestMets::declaredChecksumsAreCarried()
{
    QVERIFY(ingest(metsData(QStringLiteral("book"))).ok());
    for (int i = 1; i <= 6; ++i) {
        for (const FileDraft &file : m_sink.items[i].files) {
            QCOMPARE(file.declared.sha256, sha256Of(file.sourcePath));
            QCOMPARE(file.declared.origin, QStringLiteral("mets.xml"));
            QVERIFY(file.declared.md5.isEmpty());
        }
    }
}

void TestMets::unlistedFilesAreIncludedAndNamed()
{
    QVERIFY(ingest(metsData(QStringLiteral("book"))).ok());
    const ItemDraft *unlisted = m_sink.find(QStringLiteral("flora-danica-1/unlisted"));
    QVERIFY(unlisted);
    QCOMPARE(unlisted->label, QStringLiteral("Files not listed in mets.xml"));
    QCOMPARE(unlisted->files.size(), 1);
    QCOMPARE(unlisted->files[0].name, QStringLiteral("scan-notes.txt"));
    QCOMPARE(unlisted->files[0].status, FileStatus::Pending);
    const QString warnings = test::allWarnings(m_trace);
    QVERIFY2(
        warnings.contains(QStringLiteral("1 file in the package is not listed in mets.xml: scan-notes.txt")),
        qPrintable(warnings));
}

void TestMets::wrongChecksumAndMissingFile()
{
    const auto detected = ingest(metsData(QStringLiteral("damaged")));
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("mets"));
    // Intake carries what the METS declares; the fetch stage compares it with what it computes.
    const FileDraft *master2 = m_sink.file(QStringLiteral("flora-danica-1/0002"), QStringLiteral("0002.tif"));
    QVERIFY(master2);
    const QString declared = QString::fromLatin1(
        QCryptographicHash::hash("what the vendor scanned first", QCryptographicHash::Sha256).toHex());
    QCOMPARE(master2->declared.sha256, declared);
    QVERIFY(master2->declared.sha256 != sha256Of(master2->sourcePath));
    QCOMPARE(master2->status, FileStatus::Pending);

    const FileDraft *access3 = m_sink.file(QStringLiteral("flora-danica-1/0003"), QStringLiteral("0003.jpg"));
    QVERIFY(access3);
    QCOMPARE(access3->status, FileStatus::Missing);
    QVERIFY2(access3->error.contains(QStringLiteral("mets.xml (line ")), qPrintable(access3->error));
    QVERIFY2(access3->error.contains(QStringLiteral("access/0003.jpg, which is not in the package")),
             qPrintable(access3->error));
    QVERIFY(!access3->declared.sha256.isEmpty());
    QVERIFY2(test::allWarnings(m_trace).contains(
                 QStringLiteral("mets.xml lists 1 file that is missing: access/0003.jpg")),
             qPrintable(test::allWarnings(m_trace)));
}

void TestMets::standaloneDocumentWithUrls()
{
    const QString path = metsData(QStringLiteral("remote/remote.mets.xml"));
    const auto detected = ingest(path);
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("mets"));
    // No OBJID: the object is named by the document.
    QCOMPARE(m_sink.identifiers(),
             test::strings({"remote", "remote/0001", "remote/0002", "remote/0003", "remote/0004"}));
    const ItemDraft &object = m_sink.items[0];
    QCOMPARE(object.label, QStringLiteral("Letters from the West Indies"));
    QCOMPARE(object.metadata.value(QStringLiteral("metadata_format")).toString(), QStringLiteral("dc"));
    QCOMPARE(object.metadata.value(QStringLiteral("creators")).toArray().size(), 2);
    QCOMPARE(object.metadata.value(QStringLiteral("mets_structure")).toString(), QStringLiteral("(untyped)"));
    QCOMPARE(object.files[0].name, QStringLiteral("remote.mets.xml"));
    QCOMPARE(object.files[0].sourcePath, path);

    const FileDraft &first = m_sink.items[1].files.at(0);
    QCOMPARE(first.sourceUrl, QStringLiteral("https://images.example.org/letters/1802/0001.jpg"));
    QVERIFY(first.sourcePath.isEmpty());
    QCOMPARE(first.name, QStringLiteral("0001.jpg"));
    QCOMPARE(first.declaredSize, 48213);
    QCOMPARE(first.declared.md5, QStringLiteral("9e107d9d372bb6826bd81d3542a419d6"));
    QCOMPARE(first.declared.origin, QDir::toNativeSeparators(path));
    QCOMPARE(m_sink.items[1].label, QStringLiteral("1r"));

    const FileDraft &second = m_sink.items[2].files.at(0);
    QCOMPARE(second.sourceUrl, QStringLiteral("http://images.example.org/letters/1802/0002%20verso.jpg"));
    QCOMPARE(second.name, QStringLiteral("0002 verso.jpg"));
    QCOMPARE(second.declared.sha1, QStringLiteral("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"));

    const ItemDraft &third = m_sink.items[3];
    QCOMPARE(third.label, QStringLiteral("page 3"));
    QCOMPARE(third.files.size(), 3);
    QCOMPARE(third.files[0].sourcePath, metsData(QStringLiteral("remote/local-page.tif")));
    QCOMPARE(third.files[0].status, FileStatus::Pending);
    QCOMPARE(third.files[1].status, FileStatus::Unsupported);
    QVERIFY2(third.files[1].error.contains(QStringLiteral("ftp://ftp.example.org/letters/0004.jpg")),
             qPrintable(third.files[1].error));
    QCOMPARE(third.files[2].status, FileStatus::UnsafePath);
    QVERIFY2(third.files[2].error.contains(QStringLiteral("outside the manifest's folder")),
             qPrintable(third.files[2].error));
    QVERIFY(third.files[2].sourcePath.isEmpty());

    const QString warnings = test::allWarnings(m_trace);
    QVERIFY2(warnings.contains(QStringLiteral("checksum type \"CRC32\"")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("file IDs the fileSec does not define: NO_SUCH_FILE")),
             qPrintable(warnings));
    // A standalone document does not claim the rest of its folder.
    QVERIFY(!m_sink.find(QStringLiteral("remote/unlisted")));
}

void TestMets::standaloneDocumentResolvesBesideIt()
{
    const auto detected = ingest(metsData(QStringLiteral("book/mets.xml")));
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("mets"));
    QCOMPARE(m_sink.items.size(), 7);
    QCOMPARE(m_sink.items[6].files[1].sourcePath, metsData(QStringLiteral("book/access/0006.jpg")));
    QCOMPARE(m_sink.items[6].files[1].declared.sha256,
             sha256Of(metsData(QStringLiteral("book/access/0006.jpg"))));
}

void TestMets::brokenMetsInPackageDegradesToListing()
{
    const auto detected = ingest(metsData(QStringLiteral("broken")));
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("folder"));
    QCOMPARE(m_sink.fileCount(), 3); // both images and the broken METS itself
    QVERIFY(m_sink.find(QStringLiteral("images/0001")));
    QVERIFY(m_sink.find(QStringLiteral("images/0002")));
    const QString trace = test::traceText(m_trace);
    QVERIFY2(trace.contains(QStringLiteral("as a mets package; using the plain listing instead")),
             qPrintable(trace));
    QVERIFY2(trace.contains(QStringLiteral("mets stage: mets.xml is not well-formed XML: line 6")),
             qPrintable(trace));
}

void TestMets::brokenStandaloneMetsIsRefusedOutLoud()
{
    // A document that is recognisably METS but broken is loaded as the one file it is, and the refusal is a
    // step of its own, naming the METS reader and the reason, with file and line.
    const QString path = metsData(QStringLiteral("broken/mets.xml"));
    const auto detected = ingest(path);
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("file"));
    QCOMPARE(m_sink.fileCount(), 1);
    QVERIFY(m_trace.hasRefusal());
    const auto refusals = IntakeTrace::refusals(m_trace.toJson());
    QCOMPARE(refusals.size(), 1);
    QVERIFY2(refusals[0].startsWith(QStringLiteral("mets stage: ") + path +
                                    QStringLiteral(" is not well-formed XML: line 6")),
             qPrintable(refusals[0]));
}

void TestMets::recognition()
{
    QTemporaryDir dir;
    const QByteArray mets = "<?xml version=\"1.0\"?>\n<m:mets xmlns:m=\"http://www.loc.gov/METS/\">"
                            "<m:structMap><m:div/></m:structMap></m:mets>";
    test::writeFile(dir.filePath(QStringLiteral("description.xml")), mets);
    test::writeFile(dir.filePath(QStringLiteral("other.xml")), "<record xmlns=\"urn:x\"/>");
    test::writeFile(dir.filePath(QStringLiteral("sub/mets.xml")), mets); // not at the root: not the package's
    const IntakeOptions options;
    auto package = FolderPackage::open(dir.path(), options);
    QVERIFY(package.ok());
    QCOMPARE(MetsPackageIngester::findManifest(**package), QStringLiteral("description.xml"));

    QFile::remove(dir.filePath(QStringLiteral("description.xml")));
    package = FolderPackage::open(dir.path(), options);
    QVERIFY(!MetsPackageIngester().recognise(**package));

    Document doc;
    doc.head = mets;
    QVERIFY(MetsDocumentIngester().recognise(doc));
    doc.head = "<mets/>";
    QVERIFY(!MetsDocumentIngester().recognise(doc));
    doc.head = "{\"mets\": 1}";
    QVERIFY(!MetsDocumentIngester().recognise(doc));
}

void TestMets::singleTopLevelFolder()
{
    // Zips usually hold one folder: its mets.xml describes the package and references resolve inside it.
    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("deposit/mets.xml")),
                    R"(<mets xmlns="http://www.loc.gov/METS/"
        xmlns:xlink="http://www.w3.org/1999/xlink" OBJID="d1">
      <fileSec><fileGrp><file ID="F1"><FLocat LOCTYPE="URL" xlink:href="data/a.pdf"/></file></fileGrp></fileSec>
      <structMap><div><fptr FILEID="F1"/></div></structMap></mets>)");
    test::writeFile(dir.filePath(QStringLiteral("deposit/data/a.pdf")), "%PDF-1.4");
    QVERIFY(ingest(dir.path()).ok());
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].files.size(), 2);
    QCOMPARE(m_sink.items[0].files[1].sourcePath, dir.filePath(QStringLiteral("deposit/data/a.pdf")));
    QVERIFY(test::allWarnings(m_trace).isEmpty());
}

void TestMets::rootDivisionWithoutPages()
{
    QTemporaryDir dir;
    test::writeFile(dir.filePath(QStringLiteral("thesis.mets.xml")), R"(<mets xmlns="http://www.loc.gov/METS/"
        xmlns:xlink="http://www.w3.org/1999/xlink">
      <fileSec><fileGrp USE="ORIGINAL">
        <file ID="F1"><FLocat LOCTYPE="URL" xlink:href="thesis.pdf"/></file>
        <file ID="F2"><FLocat LOCTYPE="URL" xlink:href="appendix.zip"/></file>
        <file ID="F3"><FLocat LOCTYPE="URL" xlink:href="licence.txt"/></file>
      </fileGrp></fileSec>
      <structMap TYPE="physical"><div LABEL="A thesis"><fptr FILEID="F1"/><fptr FILEID="F2"/></div></structMap></mets>)");
    test::writeFile(dir.filePath(QStringLiteral("thesis.pdf")), "%PDF-1.4");
    test::writeFile(dir.filePath(QStringLiteral("appendix.zip")), "PK");
    test::writeFile(dir.filePath(QStringLiteral("licence.txt")), "CC BY");
    QVERIFY(ingest(dir.path()).ok());
    QCOMPARE(m_sink.identifiers(), test::strings({"thesis", "thesis/not-in-structure"}));
    QCOMPARE(m_sink.items[0].label, QStringLiteral("A thesis"));
    QCOMPARE(m_sink.items[0].files.size(), 3);
    QCOMPARE(m_sink.items[0].files[0].name, QStringLiteral("thesis.mets.xml"));
    QCOMPARE(m_sink.items[0].files[2].name, QStringLiteral("appendix.zip"));
    QCOMPARE(m_sink.items[1].files[0].name, QStringLiteral("licence.txt"));
    QVERIFY2(
        test::allWarnings(m_trace).contains(QStringLiteral("no division of the structure map points to: F3")),
        qPrintable(test::allWarnings(m_trace)));
}

namespace {

//! The file of \a sink whose item is \a item (identifier) and whose name is \a name.
const FileDraft *fileOf(const test::CollectingSink &sink, const QString &item, const QString &name)
{
    return sink.file(item, name);
}

} // namespace

void TestMets::referencesIntoAnArchiveBesideTheManifest()
{
    const QString delivery = metsData(QStringLiteral("zipped-images/delivery"));
    const auto detected = ingest(delivery);
    QVERIFY2(detected, qPrintable(detected ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("mets"));

    const QString zip = QDir(delivery).filePath(QStringLiteral("images.zip"));
    const FileDraft *one = fileOf(m_sink, QStringLiteral("zipped-1/0001"), QStringLiteral("page-1.tif"));
    QVERIFY2(one, qPrintable(test::traceText(m_trace)));
    QCOMPARE(one->status, FileStatus::Pending);
    QCOMPARE(QFileInfo(one->sourcePath).canonicalFilePath(), QFileInfo(zip).canonicalFilePath());
    QCOMPARE(one->sourceMember, QStringLiteral("page-1.tif"));
    QVERIFY(!one->declared.sha256.isEmpty());

    const FileDraft *two = fileOf(m_sink, QStringLiteral("zipped-1/0002"), QStringLiteral("page-2.tif"));
    QVERIFY(two);
    QCOMPARE(two->status, FileStatus::Pending);
    QCOMPARE(two->sourceMember, QStringLiteral("scans/page-2.tif"));

    // A page the archive does not hold is missing, and the message says which archive was looked in.
    const FileDraft *nine = fileOf(m_sink, QStringLiteral("zipped-1/0009"), QStringLiteral("page-9.tif"));
    QVERIFY(nine);
    QCOMPARE(nine->status, FileStatus::Missing);
    QVERIFY2(nine->error.contains(u"page-9.tif") && nine->error.contains(u"images.zip") &&
                 nine->error.contains(u"mets.xml"),
             qPrintable(nine->error));

    // The archive is not listed again as a file of its own.
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        for (const FileDraft &file : item.files)
            QVERIFY2(file.name != u"images.zip", qPrintable(item.identifier));
    }
}

void TestMets::referencesIntoAnArchiveInsideAnArchive()
{
    const QString deposit = metsData(QStringLiteral("zipped-images/deposit.zip"));
    const auto detected = ingest(deposit);
    QVERIFY2(detected, qPrintable(detected ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("mets"));
    const FileDraft *one = fileOf(m_sink, QStringLiteral("zipped-1/0001"), QStringLiteral("page-1.tif"));
    QVERIFY2(one, qPrintable(test::traceText(m_trace)));
    QCOMPARE(one->status, FileStatus::Pending);
    QCOMPARE(QFileInfo(one->sourcePath).canonicalFilePath(), QFileInfo(deposit).canonicalFilePath());
    QCOMPARE(one->sourceMember, QStringLiteral("images.zip!/page-1.tif"));
    const FileDraft *two = fileOf(m_sink, QStringLiteral("zipped-1/0002"), QStringLiteral("page-2.tif"));
    QVERIFY(two);
    QCOMPARE(two->sourceMember, QStringLiteral("images.zip!/scans/page-2.tif"));
    const FileDraft *nine = fileOf(m_sink, QStringLiteral("zipped-1/0009"), QStringLiteral("page-9.tif"));
    QVERIFY(nine);
    QCOMPARE(nine->status, FileStatus::Missing);
}

QTEST_GUILESS_MAIN(TestMets)
#include "tst_mets.moc"
