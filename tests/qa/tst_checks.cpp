#include <QBuffer>
#include <QCryptographicHash>
#include <QMimeDatabase>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "imaging/imageanalysis.h"
#include "imaging/jp2codec.h"
#include "qa/checkregistry.h"
#include "qa/checkrunner.h"
#include "qa/qaprofile.h"
#include "testsupport.h"

using namespace gh;

// The checks one by one, on files made here and a catalog of their own: what each finds, what it leaves
// alone, the thresholds of the profile, and the checks across files on small hand-made batches.

namespace {

QByteArray hex(const QByteArray &content, QCryptographicHash::Algorithm algorithm)
{
    return QCryptographicHash::hash(content, algorithm).toHex();
}

QByteArray grayJp2(QSize size, const std::function<int(int, int)> &value)
{
    QImage image(size, QImage::Format_Grayscale8);
    for (int y = 0; y < size.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < size.width(); ++x)
            line[x] = uchar(value(x, y));
    }
    auto encoded = Jp2Codec::encode(image);
    if (!encoded)
        qFatal("%s", qPrintable(encoded.error().message));
    return *encoded;
}

// A page: paper at 230, lines of ink at 60 covering about a tenth of it.
int pageValue(int x, int y)
{
    return (y % 32) < 6 && (x / 12) % 3 != 0 ? 60 : 230;
}

/*!
    A batch in a catalog of its own, with files written beside it and measured as fetch would have; run()
    checks it with a registry that has the image checks.
*/
class Harness
{
public:
    explicit Harness(const QString &detected = QStringLiteral("folder"))
    {
        auto location = CatalogLocation::parse(m_dir.filePath(QStringLiteral("catalog.sqlite")));
        auto catalog = Catalog::open(*location);
        if (!catalog)
            qFatal("%s", qPrintable(catalog.error().message));
        m_catalog = std::move(*catalog);
        m_source = m_dir.filePath(QStringLiteral("B400022028240-RT1"));
        m_batch = *m_catalog->createBatch(QStringLiteral("test"), m_source);
        (void)m_catalog->setBatchDetection(m_batch, detected, {});
        registerImageChecks(m_registry);
    }

    qint64 item(const QString &identifier, const QJsonObject &metadata = {})
    {
        ItemRecord item;
        item.batchId = m_batch;
        item.seq = ++m_items;
        item.identifier = identifier;
        item.label = identifier.section(u'/', -1);
        item.metadata = metadata;
        return *m_catalog->insertItem(item);
    }

    //! A stored file; \a declaredMd5 empty declares the right one, "-" declares none.
    qint64 file(qint64 itemId, const QString &relative, const QByteArray &content,
                const QByteArray &declaredMd5 = {}, FileStatus status = FileStatus::Success)
    {
        FileRecord f;
        f.batchId = m_batch;
        f.itemId = itemId;
        f.seq = ++m_files;
        f.name = relative.section(u'/', -1);
        f.sourcePath = m_source + u'/' + relative;
        if (status == FileStatus::Missing)
            f.status = status;
        if (declaredMd5 != "-") {
            f.declared.md5 = QString::fromLatin1(declaredMd5.isEmpty() ? hex(content, QCryptographicHash::Md5)
                                                                       : declaredMd5);
            f.declared.origin = f.sourcePath + QStringLiteral(".md5");
        }
        f.id = *m_catalog->insertFile(f);
        if (status == FileStatus::Missing)
            return f.id;
        test::writeFile(f.sourcePath, content);
        f.size = content.size();
        f.digests.md5 = QString::fromLatin1(hex(content, QCryptographicHash::Md5));
        f.digests.sha1 = QString::fromLatin1(hex(content, QCryptographicHash::Sha1));
        f.digests.sha256 = QString::fromLatin1(hex(content, QCryptographicHash::Sha256));
        f.mimetype = QMimeDatabase().mimeTypeForData(content).name();
        f.status = content.isEmpty() ? FileStatus::Empty : status;
        f.storedKey = relative;
        (void)m_catalog->recordOutcomes({f}, {});
        return f.id;
    }

    //! Both passes, as the check stage runs them; the findings by check, each "path[:line] message".
    QList<FindingRecord> run(const QaProfile &profile = {})
    {
        auto batch = m_catalog->batch(m_batch);
        auto runner = CheckRunner::create(*batch, profile, m_registry);
        if (!runner)
            qFatal("%s", qPrintable(runner.error().message));
        m_runner = *runner;
        CheckRecords records(*m_catalog);
        (void)records.clearBatch(m_batch);
        const QList<FileRecord> files = *m_catalog->files(m_batch);
        QList<qint64> ids;
        for (const FileRecord &f : files)
            ids.append(f.id);
        const QHash<qint64, ImageStatistics> kept = *records.imageStatistics(ids);
        QList<CheckedFile> results;
        for (const FileRecord &f : files) {
            std::optional<ImageStatistics> statistics;
            if (kept.contains(f.id))
                statistics = kept.value(f.id);
            results.append(
                m_runner->checkFile(f, f.storedKey.isEmpty() ? QString() : f.sourcePath, statistics));
        }
        if (Status s = records.recordFileResults(results); !s)
            qFatal("%s", qPrintable(s.error().message));
        auto across = m_runner->checkBatch(records);
        if (Status s = m_runner->recordBatch(records, *across); !s)
            qFatal("%s", qPrintable(s.error().message));
        return *records.findings(m_batch);
    }

    static QStringList checksOf(const QList<FindingRecord> &findings)
    {
        QStringList names;
        for (const FindingRecord &f : findings)
            names.append(f.check);
        names.sort();
        return names;
    }
    static const FindingRecord *find(const QList<FindingRecord> &findings, const QString &check)
    {
        for (const FindingRecord &f : findings) {
            if (f.check == check)
                return &f;
        }
        return nullptr;
    }

    Catalog &catalog() { return *m_catalog; }
    qint64 batch() const { return m_batch; }
    QString source() const { return m_source; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Catalog> m_catalog;
    CheckRegistry m_registry;
    std::shared_ptr<const CheckRunner> m_runner;
    QString m_source;
    qint64 m_batch = 0;
    int m_items = 0;
    int m_files = 0;
};

QString dump(const QList<FindingRecord> &findings)
{
    QStringList lines;
    for (const FindingRecord &f : findings)
        lines.append(f.check + u' ' + severityKey(f.severity) + u' ' + f.message);
    return lines.join(u'\n');
}

QJsonObject pageMetadata(int page, const QString &edition = QStringLiteral("1795-06-13"), int number = 1)
{
    return QJsonObject{{QStringLiteral("batch_id"), QStringLiteral("400022028240")},
                       {QStringLiteral("film_id"), QStringLiteral("400022028240-14")},
                       {QStringLiteral("edition_date"), edition},
                       {QStringLiteral("edition_number"), number},
                       {QStringLiteral("page_number"), page},
                       {QStringLiteral("page_number_source"), QStringLiteral("file name")}};
}

QByteArray modsPage(int page, const QString &reel = QStringLiteral("400022028240-14"))
{
    return QStringLiteral(
               "<?xml version=\"1.0\"?>\n<mods xmlns=\"http://www.loc.gov/mods/v3\">\n"
               "  <identifier type=\"reel number\">%1</identifier>\n"
               "  <part><detail type=\"pageNumber\">\n    <number>%2</number>\n  </detail></part>\n</mods>\n")
        .arg(reel)
        .arg(page)
        .toUtf8();
}

} // namespace

//! A listener on loopback that counts the connections made to it: where a hostile document points.
struct Loopback
{
    Loopback()
    {
        listening = server.listen(QHostAddress::LocalHost);
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            ++connections;
            server.nextPendingConnection()->close();
        });
    }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1/secret").arg(listening ? server.serverPort() : 9);
    }
    QTcpServer server;
    bool listening = false;
    int connections = 0;
};

class TestChecks : public QObject
{
    Q_OBJECT

private slots:
    void registryOrderAndNames();
    void fixityAndEmpty();
    void mimetypeAgainstExtension();
    void xmlWellformedRefusesDoctypesWithoutTouchingTheNetwork();
    void binaryBytesAfterALessThanAreNotXml();
    void xmlChecksReadEachFileOnceWithoutATree();
    void ocrConfidenceThreshold();
    void imageChecksAndTheirThresholds();
    void imageChecksOnOtherFormats();
    void decodableFindsATruncatedJp2();
    void pageSequenceEdgeCases();
    void batchIdentifierEverywhere();
    void sidecarsAndPlaceholders();
    void dimensionsAndBounds();
    void pageChecksStaySilentOutsideNewspapers();
    void statisticsAreKeptAndReused();
    void profileIsTheSettingsTablesCheckSection();
};

void TestChecks::registryOrderAndNames()
{
    CheckRegistry registry;
    QCOMPARE(registry.names(), QStringList({QStringLiteral("fixity"), QStringLiteral("empty"),
                                            QStringLiteral("mimetype-extension"),
                                            QStringLiteral("jp2-structure"), QStringLiteral("xml-wellformed"),
                                            QStringLiteral("xml-schema"), QStringLiteral("page-sequence"),
                                            QStringLiteral("batch-identifier"), QStringLiteral("sidecars"),
                                            QStringLiteral("dimensions"), QStringLiteral("ocr-confidence")}));
    QVERIFY(!registry.imageAnalyser());
    registerImageChecks(registry);
    QVERIFY(registry.imageAnalyser());
    const QStringList withImages = registry.names();
    QCOMPARE(withImages.mid(11), QStringList({QStringLiteral("decodable"), QStringLiteral("dark-page"),
                                              QStringLiteral("blank-page"), QStringLiteral("black-border")}));
    registerImageChecks(registry); // again: replaced, not doubled
    QCOMPARE(registry.names(), withImages);
    for (const auto &check : registry.checks())
        QVERIFY2(!check->description().isEmpty(), qPrintable(check->name()));
}

void TestChecks::fixityAndEmpty()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    h.file(item, QStringLiteral("good.txt"), "good\n");
    h.file(item, QStringLiteral("bad.txt"), "bad\n", "0123456789abcdef0123456789abcdef",
           FileStatus::FixityMismatch);
    h.file(item, QStringLiteral("undeclared.txt"), "no checksum\n", "-");
    h.file(item, QStringLiteral("empty.txt"), QByteArray());
    const QList<FindingRecord> found = h.run();
    QCOMPARE(Harness::checksOf(found), QStringList({QStringLiteral("empty"), QStringLiteral("fixity")}));
    const FindingRecord *fixity = Harness::find(found, QStringLiteral("fixity"));
    QVERIFY(fixity->message.contains(QStringLiteral("bad.txt")));
    QVERIFY(fixity->message.contains(QStringLiteral("0123456789abcdef")));
    QVERIFY(fixity->message.contains(QStringLiteral("bad.txt.md5")));
    QCOMPARE(fixity->severity, FindingSeverity::Error);
    QVERIFY(Harness::find(found, QStringLiteral("empty"))
                ->message.contains(QStringLiteral("empty.txt is empty")));
    // Messages name the file by its path inside the batch's folder.
    QVERIFY(fixity->message.startsWith(QStringLiteral("B400022028240-RT1/bad.txt")));
}

void TestChecks::mimetypeAgainstExtension()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    h.file(item, QStringLiteral("note.pdf"), "just some text\n");
    h.file(item, QStringLiteral("note.txt"), "just some text\n");
    h.file(item, QStringLiteral("record.xml"), "<?xml version=\"1.0\"?><r/>\n");
    h.file(item, QStringLiteral("page.jp2"), grayJp2({64, 64}, pageValue));
    h.file(item, QStringLiteral("unknown.zzz-none"), "whatever\n");
    // Bytes no signature names: wrong for an image's extension, unremarkable for a data file's.
    const QByteArray noise = QByteArray::fromHex("8c1e77a0d35b29f1446e0b9ac27d5513e8906f4b");
    h.file(item, QStringLiteral("scan.tif"), noise.repeated(50));
    h.file(item, QStringLiteral("readings.dat"), noise.repeated(50));
    QaProfile profile;
    profile.skip = {QStringLiteral("xml-schema")};
    QList<FindingRecord> found = h.run(profile);
    std::sort(found.begin(), found.end(),
              [](const FindingRecord &a, const FindingRecord &b) { return a.message < b.message; });
    QCOMPARE(Harness::checksOf(found), QStringList(2, QStringLiteral("mimetype-extension")));
    QVERIFY2(found.at(1).message.contains(QStringLiteral("scan.tif: the content is not a TIFF image")),
             qPrintable(found.at(1).message));
    const FindingRecord &f = found.constFirst();
    QVERIFY2(f.message.contains(QStringLiteral("note.pdf")) &&
                 f.message.contains(QStringLiteral("text/plain")) &&
                 f.message.contains(QStringLiteral("application/pdf")),
             qPrintable(f.message));
    QCOMPARE(f.severity, FindingSeverity::Warning);
}

void TestChecks::xmlWellformedRefusesDoctypesWithoutTouchingTheNetwork()
{
    Loopback listener;
    const QString url = listener.url();
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    h.file(item, QStringLiteral("laughs.xml"),
           "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 "
           "\"&lol;&lol;&lol;&lol;\">\n]>\n"
           "<lolz>&lol2;</lolz>\n");
    h.file(item, QStringLiteral("xxe.xml"),
           QStringLiteral("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"%1\">]>\n<r>&x;</r>\n")
               .arg(url)
               .toUtf8());
    h.file(item, QStringLiteral("dtd.xml"),
           QStringLiteral("<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"%1\">\n<r/>\n").arg(url).toUtf8());
    h.file(item, QStringLiteral("broken.xml"), "<?xml version=\"1.0\"?>\n<r>\n  <open>\n</r>\n");
    h.file(item, QStringLiteral("fine.xml"), "<?xml version=\"1.0\"?>\n<r/>\n");
    const QList<FindingRecord> found = h.run();
    QTest::qWait(200);
    QCOMPARE(listener.connections, 0);
    QStringList checks = Harness::checksOf(found);
    checks.removeAll(QStringLiteral("xml-schema")); // the note that no schemas are configured
    QCOMPARE(checks, QStringList(4, QStringLiteral("xml-wellformed")));
    for (const FindingRecord &f : found) {
        if (f.check != u"xml-wellformed")
            continue;
        QVERIFY2(f.line > 0, qPrintable(f.message));
        if (f.message.contains(QStringLiteral("laughs.xml")))
            QVERIFY2(f.message.contains(QStringLiteral("entity")) && f.line == 3, qPrintable(f.message));
        if (f.message.contains(QStringLiteral("xxe.xml")))
            QVERIFY2(f.message.contains(QStringLiteral("external entity")) && f.line == 2,
                     qPrintable(f.message));
        if (f.message.contains(QStringLiteral("dtd.xml")))
            QVERIFY2(f.message.contains(QStringLiteral("external DTD")), qPrintable(f.message));
        if (f.message.contains(QStringLiteral("broken.xml")))
            QCOMPARE(f.line, 4);
    }
    const FindingRecord *note = Harness::find(found, QStringLiteral("xml-schema"));
    QVERIFY(note);
    QCOMPARE(note->fileId, 0);
    QVERIFY2(note->message.contains(QStringLiteral("1 XML files")),
             qPrintable(note->message)); // only fine.xml parsed
}

void TestChecks::binaryBytesAfterALessThanAreNotXml()
{
    // One random file in 256 begins with '<'. A scan whose bytes start "<\x8E\xA5" is not a TIFF (a warning),
    // and not broken XML either: an XML error on it sent curators looking for XML that was never there. Text
    // that opens an element is still taken for XML whatever its name.
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    const QByteArray noise = QByteArray::fromHex("8ea57b08d35b29f1446e0b9ac27d5513e8906f4b");
    h.file(item, QStringLiteral("scan-0174.tif"), "<" + noise.repeated(50));
    h.file(item, QStringLiteral("record.txt"), "<record>\n  <open>\n</record>\n");
    QaProfile profile;
    profile.skip = {QStringLiteral("xml-schema")};
    const QList<FindingRecord> found = h.run(profile);
    const FindingRecord *scan = nullptr;
    const FindingRecord *record = nullptr;
    for (const FindingRecord &f : found) {
        if (f.message.contains(QStringLiteral("scan-0174.tif")) && f.check == u"xml-wellformed")
            scan = &f;
        if (f.message.contains(QStringLiteral("record.txt")) && f.check == u"xml-wellformed")
            record = &f;
    }
    QVERIFY2(!scan, scan ? qPrintable(scan->message) : "");
    QVERIFY(record);
    QCOMPARE(record->severity, FindingSeverity::Error);
    const FindingRecord *tiff = Harness::find(found, QStringLiteral("mimetype-extension"));
    QVERIFY(tiff && tiff->message.contains(QStringLiteral("scan-0174.tif")));
}

void TestChecks::xmlChecksReadEachFileOnceWithoutATree()
{
    // With only xml-wellformed and xml-schema in the profile, no check reads a tree, so each XML file is
    // validated while it is parsed; with ocr-confidence too, the tree is built and validated. The findings
    // of both XML checks are the same either way: hostile files refused with file and line, nothing
    // fetched, validity errors on their lines, the batch's note about a namespace without a schema.
    QString catalog = qEnvironmentVariable("GATEHOUSE_SCHEMAS");
    if (catalog.isEmpty())
        catalog = QStringLiteral("/work/shared/schemas");
    catalog += QStringLiteral("/catalog.xml");
    QVERIFY2(QFileInfo::exists(catalog), "the shared schemas are needed");
    Loopback listener;
    const QString url = listener.url();
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    h.file(item, QStringLiteral("xxe.xml"),
           QStringLiteral("<?xml version=\"1.0\"?>\n<!DOCTYPE mods [<!ENTITY x SYSTEM \"%1\">]>\n"
                          "<mods xmlns=\"http://www.loc.gov/mods/v3\"><note>&x;</note></mods>\n")
               .arg(url)
               .toUtf8());
    h.file(item, QStringLiteral("dtd.xml"),
           QStringLiteral("<?xml version=\"1.0\"?>\n<!DOCTYPE mods SYSTEM \"%1\">\n"
                          "<mods xmlns=\"http://www.loc.gov/mods/v3\"/>\n")
               .arg(url)
               .toUtf8());
    h.file(item, QStringLiteral("broken.xml"),
           "<?xml version=\"1.0\"?>\n<mods xmlns=\"http://www.loc.gov/mods/v3\">\n  <note>\n</mods>\n");
    const QByteArray mods = "<?xml version=\"1.0\"?>\n<mods xmlns=\"http://www.loc.gov/mods/v3\">\n"
                            "  <titleInfo><title>Adresseavisen</title></titleInfo>\n</mods>\n";
    h.file(item, QStringLiteral("mods.xml"), mods);
    QByteArray invalid = mods;
    invalid.replace("<titleInfo>", "<titleInfo>\n  <subtitel>x</subtitel>\n  ");
    invalid.replace("<mods ", "<mods version=\"three\" ");
    h.file(item, QStringLiteral("invalid.xml"), invalid);
    h.file(item, QStringLiteral("plain.xml"), "<?xml version=\"1.0\"?>\n<plain/>\n");

    auto xmlFindings = [&](const QStringList &checks) {
        QaProfile profile;
        profile.checks = checks;
        profile.schemas = catalog;
        QStringList lines;
        for (const FindingRecord &f : h.run(profile)) {
            if (f.check == u"xml-wellformed" || f.check == u"xml-schema")
                lines.append(QStringLiteral("%1 file %2 line %3: %4")
                                 .arg(f.check)
                                 .arg(f.fileId)
                                 .arg(f.line)
                                 .arg(f.message));
        }
        lines.sort();
        return lines;
    };
    const QStringList streamed =
        xmlFindings({QStringLiteral("xml-wellformed"), QStringLiteral("xml-schema")});
    const QStringList tree = xmlFindings(
        {QStringLiteral("xml-wellformed"), QStringLiteral("xml-schema"), QStringLiteral("ocr-confidence")});
    QTest::qWait(200);
    QCOMPARE(listener.connections, 0);
    QCOMPARE(streamed, tree);
    const QString all = streamed.join(u'\n');
    QCOMPARE(streamed.filter(QStringLiteral("xml-wellformed ")).size(), 3);
    QVERIFY2(all.contains(QStringLiteral("xxe.xml was refused at line 2")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("external DTD")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("broken.xml is not well-formed XML: line 4")), qPrintable(all));
    const QStringList validity = streamed.filter(QStringLiteral("invalid.xml"));
    QCOMPARE(validity.size(), 2);
    // The version attribute on the start tag's line, the element the schema lacks on its own.
    QCOMPARE(validity.filter(QStringLiteral(" line 2: ")).filter(QStringLiteral("three")).size(), 1);
    QCOMPARE(validity.filter(QStringLiteral(" line 4: ")).filter(QStringLiteral("subtitel")).size(), 1);
    QVERIFY2(all.contains(QStringLiteral("no schema for the namespace (no namespace)")), qPrintable(all));
}

void TestChecks::ocrConfidenceThreshold()
{
    auto alto = [](const QStringList &confidences) {
        QByteArray xml =
            "<?xml version=\"1.0\"?>\n<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\"><Layout><Page "
            "ID=\"P\" WIDTH=\"10\" HEIGHT=\"10\" PHYSICAL_IMG_NR=\"1\"><PrintSpace><TextBlock><TextLine>";
        for (const QString &wc : confidences)
            xml +=
                "<String CONTENT=\"w\"" + (wc.isEmpty() ? QByteArray() : " WC=\"" + wc.toUtf8() + '"') + "/>";
        return xml + "</TextLine></TextBlock></PrintSpace></Page></Layout></alto>\n";
    };
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    h.file(item, QStringLiteral("low.alto.xml"),
           alto({QStringLiteral("0.2"), QStringLiteral("0.3"), QStringLiteral("0.4")}));
    h.file(item, QStringLiteral("high.alto.xml"), alto({QStringLiteral("0.9"), QStringLiteral("0.8")}));
    h.file(item, QStringLiteral("none.alto.xml"), alto({QString(), QString()}));
    QaProfile profile;
    profile.skip = {QStringLiteral("xml-schema")};
    QList<FindingRecord> found = h.run(profile);
    QCOMPARE(Harness::checksOf(found), QStringList{QStringLiteral("ocr-confidence")});
    QVERIFY2(found.constFirst().message.contains(QStringLiteral("low.alto.xml")) &&
                 found.constFirst().message.contains(QStringLiteral("0.30")) &&
                 found.constFirst().message.contains(QStringLiteral("3 words")),
             qPrintable(found.constFirst().message));
    QCOMPARE(found.constFirst().severity, FindingSeverity::Flag);
    profile.ocrMinConfidence = 0.85;
    QCOMPARE(h.run(profile).size(), 1); // high's mean is 0.85: not below
    profile.ocrMinConfidence = 0.86;
    QCOMPARE(h.run(profile).size(), 2);
}

void TestChecks::imageChecksAndTheirThresholds()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    const QSize size(400, 500);
    h.file(item, QStringLiteral("page.jp2"), grayJp2(size, pageValue));
    h.file(item, QStringLiteral("dark.jp2"),
           grayJp2(size, [](int x, int y) { return pageValue(x, y) == 60 ? 40 : 90; }));
    h.file(item, QStringLiteral("blank.jp2"), grayJp2(size, [](int, int) { return 236; }));
    h.file(item, QStringLiteral("border.jp2"), grayJp2(size, [&](int x, int y) {
               const int t = 25; // about 22 % of the page
               return x < t || y < t || x >= size.width() - t || y >= size.height() - t ? 0 : pageValue(x, y);
           }));
    QList<FindingRecord> found = h.run();
    QCOMPARE(Harness::checksOf(found),
             QStringList({QStringLiteral("black-border"), QStringLiteral("blank-page"),
                          QStringLiteral("dark-page")}));
    for (const FindingRecord &f : found)
        QCOMPARE(f.severity, FindingSeverity::Flag);
    QVERIFY(Harness::find(found, QStringLiteral("dark-page"))->message.contains(QStringLiteral("dark.jp2")));
    QVERIFY(
        Harness::find(found, QStringLiteral("dark-page"))->message.contains(QStringLiteral("peaks at 90")));
    QVERIFY(
        Harness::find(found, QStringLiteral("blank-page"))->message.contains(QStringLiteral("blank.jp2")));
    QVERIFY(
        Harness::find(found, QStringLiteral("black-border"))->message.contains(QStringLiteral("border.jp2")));

    // Thresholds are the profile's: a lower dark peak, a tolerated border, a stricter blank page.
    QaProfile profile;
    profile.darkPeak = 90;
    profile.borderMaxFraction = 0.25;
    profile.blankMaxInk = 0.5;
    found = h.run(profile);
    // Only the dark page has more than half its pixels as ink.
    QCOMPARE(Harness::checksOf(found), QStringList(3, QStringLiteral("blank-page")));
    profile = {};
    profile.checks = {QStringLiteral("dark-page")};
    QCOMPARE(Harness::checksOf(h.run(profile)), QStringList{QStringLiteral("dark-page")});
}

void TestChecks::imageChecksOnOtherFormats()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    QImage dark(300, 200, QImage::Format_RGB32);
    dark.fill(QColor(40, 40, 70));
    QByteArray png;
    {
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        dark.save(&buffer, "PNG");
    }
    h.file(item, QStringLiteral("dark.png"), png);
    QByteArray corrupt = png;
    corrupt[18] = char(corrupt[18] ^ 0x5A); // the width in IHDR: its CRC no longer matches
    h.file(item, QStringLiteral("broken.png"), corrupt);
    const QList<FindingRecord> found = h.run();
    QVERIFY2(Harness::checksOf(found).contains(QStringLiteral("dark-page")), qPrintable(dump(found)));
    const FindingRecord *broken = Harness::find(found, QStringLiteral("decodable"));
    QVERIFY2(broken && broken->message.contains(QStringLiteral("broken.png")), qPrintable(dump(found)));
}

void TestChecks::decodableFindsATruncatedJp2()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    const QByteArray jp2 = grayJp2({300, 300}, pageValue);
    h.file(item, QStringLiteral("cut.jp2"), jp2.left(jp2.size() * 6 / 10));
    h.file(item, QStringLiteral("whole.jp2"), jp2);
    const QList<FindingRecord> found = h.run();
    QCOMPARE(Harness::checksOf(found),
             QStringList({QStringLiteral("decodable"), QStringLiteral("jp2-structure")}));
    for (const FindingRecord &f : found)
        QVERIFY2(f.message.contains(QStringLiteral("cut.jp2")) &&
                     !f.message.contains(QStringLiteral("whole")),
                 qPrintable(f.message));
    QVERIFY(
        Harness::find(found, QStringLiteral("jp2-structure"))->message.contains(QStringLiteral("truncated")));
}

void TestChecks::pageSequenceEdgeCases()
{
    Harness h(QStringLiteral("newspaper"));
    QaProfile profile;
    profile.checks = {QStringLiteral("page-sequence")};
    // Edition A: pages 2, 3, 6 (does not start at 1; 4 and 5 missing). Edition B: 1, 2, and a page whose file
    // name says 3 while its MODS says 2.
    auto page = [&](const QString &edition, int fromName, int fromMods) {
        const QString base =
            QStringLiteral("film/%1-01/news-%1-01-%2").arg(edition).arg(fromName, 4, 10, QLatin1Char('0'));
        const qint64 item = h.item(base, pageMetadata(fromName, edition));
        h.file(item, base + QStringLiteral(".jp2"), grayJp2({32, 32}, pageValue));
        h.file(item, base + QStringLiteral(".mods.xml"), modsPage(fromMods));
    };
    page(QStringLiteral("1795-06-13"), 2, 2);
    page(QStringLiteral("1795-06-13"), 3, 3);
    page(QStringLiteral("1795-06-13"), 6, 6);
    page(QStringLiteral("1795-06-16"), 1, 1);
    page(QStringLiteral("1795-06-16"), 2, 2);
    page(QStringLiteral("1795-06-16"), 3, 2);
    const QList<FindingRecord> found = h.run(profile);
    const QString all = dump(found);
    QCOMPARE(found.size(), 4);
    QVERIFY2(all.contains(QStringLiteral("does not start at page 1: page 1 is missing")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("has no pages 4 to 5: the pages go from 3 to 6")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("page 2 of edition 400022028240-14/1795-06-16-01 is there twice")),
             qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("MODS gives page 2, but the file name says page 3")),
             qPrintable(all));
    for (const FindingRecord &f : found) {
        QCOMPARE(f.line, 5); // the MODS number element
        QVERIFY(f.message.contains(QStringLiteral(".mods.xml, line 5")));
    }
}

void TestChecks::batchIdentifierEverywhere()
{
    Harness h(QStringLiteral("newspaper"));
    QaProfile profile;
    profile.checks = {QStringLiteral("batch-identifier")};
    QJsonObject foreignFilm = pageMetadata(1);
    foreignFilm.insert(QStringLiteral("film_id"), QStringLiteral("400022028241-3"));
    const qint64 film = h.item(QStringLiteral("400022028241-3"), foreignFilm);
    h.file(film, QStringLiteral("400022028241-3/400022028241-3.film.xml"),
           modsPage(1, QStringLiteral("400022028241-3")));
    const qint64 good = h.item(QStringLiteral("400022028240-14/p1"), pageMetadata(1));
    h.file(good, QStringLiteral("400022028240-14/p1.mods.xml"), modsPage(1));
    h.file(good, QStringLiteral("400022028240-14/400022028240-14.film.xml"), modsPage(1));
    const QList<FindingRecord> found = h.run(profile);
    const QString all = dump(found);
    // The foreign film folder once, its file name, and its MODS reel number.
    QCOMPARE(found.size(), 3);
    QVERIFY2(all.contains(QStringLiteral("the film folder 400022028241-3 names batch 400022028241")),
             qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("the file name names batch 400022028241")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("\"400022028241-3\" (type \"reel number\")")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("film.xml, line 3")), qPrintable(all));
}

void TestChecks::sidecarsAndPlaceholders()
{
    Harness h(QStringLiteral("newspaper"));
    QaProfile profile;
    profile.checks = {QStringLiteral("sidecars")};
    const qint64 page = h.item(QStringLiteral("film/ed/p-0001"), pageMetadata(1));
    h.file(page, QStringLiteral("film/ed/p-0001.jp2"), grayJp2({32, 32}, pageValue));
    h.file(page, QStringLiteral("film/ed/p-0001.mix.xml"), "<mix/>", "-"); // no .md5
    h.file(page, QStringLiteral("film/ed/p-0001.mods.xml"), modsPage(1));
    h.file(page, QStringLiteral("film/ed/p-0001.alto.xml"), {}, "-",
           FileStatus::Missing); // intake's placeholder
    QList<FindingRecord> found = h.run(profile);
    QString all = dump(found);
    QCOMPARE(found.size(), 2);
    QVERIFY2(all.contains(QStringLiteral("p-0001.mix.xml has no checksum file p-0001.mix.xml.md5")),
             qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("has no alto.xml file: p-0001.alto.xml is missing")),
             qPrintable(all));
    // The profile decides the companions and the checksum file.
    profile.sidecars = {QStringLiteral(".jp2"), QStringLiteral(".mods.xml")};
    profile.checksumSidecar.clear();
    QCOMPARE(h.run(profile).size(), 0);
    profile.sidecars = {QStringLiteral(".jp2"), QStringLiteral(".tif")};
    found = h.run(profile);
    QCOMPARE(found.size(), 1);
    QVERIFY(found.constFirst().message.contains(QStringLiteral("p-0001.tif is missing")));
}

void TestChecks::dimensionsAndBounds()
{
    Harness h;
    QaProfile profile;
    profile.checks = {QStringLiteral("dimensions")};
    const qint64 page = h.item(QStringLiteral("p"));
    h.file(page, QStringLiteral("p.jp2"), grayJp2({120, 90}, pageValue));
    h.file(page, QStringLiteral("p.mix.xml"),
           "<?xml version=\"1.0\"?>\n<mix xmlns=\"http://www.loc.gov/mix/v20\"><BasicImageInformation>\n"
           "<BasicImageCharacteristics>\n<imageWidth>120</imageWidth>\n<imageHeight>91</imageHeight>\n"
           "</BasicImageCharacteristics></BasicImageInformation></mix>\n");
    h.file(page, QStringLiteral("p.alto.xml"),
           "<?xml version=\"1.0\"?>\n<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v2#\">\n<Layout>\n"
           "<Page ID=\"P1\" WIDTH=\"120\" HEIGHT=\"90\" PHYSICAL_IMG_NR=\"1\"/></Layout></alto>\n");
    // ALTO in tenths of millimetres is not compared with pixels.
    const qint64 other = h.item(QStringLiteral("q"));
    h.file(other, QStringLiteral("q.jp2"), grayJp2({120, 90}, pageValue));
    h.file(other, QStringLiteral("q.alto.xml"),
           "<?xml version=\"1.0\"?>\n<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v2#\">\n<Description>"
           "<MeasurementUnit>mm10</MeasurementUnit></Description><Layout>\n"
           "<Page ID=\"P1\" WIDTH=\"2000\" HEIGHT=\"1500\" PHYSICAL_IMG_NR=\"1\"/></Layout></alto>\n");
    QList<FindingRecord> found = h.run(profile);
    QCOMPARE(found.size(), 1);
    QVERIFY2(
        found.constFirst().message.contains(QStringLiteral("p.mix.xml, line 4: MIX says 120×91 pixels")) &&
            found.constFirst().message.contains(QStringLiteral("120×90 according to its codestream")),
        qPrintable(found.constFirst().message));
    QCOMPARE(found.constFirst().line, 4);
    profile.minWidth = 200;
    found = h.run(profile);
    QCOMPARE(found.size(), 3);
    QVERIFY(dump(found).contains(QStringLiteral("outside the profile's bounds")));
}

void TestChecks::pageChecksStaySilentOutsideNewspapers()
{
    Harness h(QStringLiteral("folder"));
    const qint64 page = h.item(QStringLiteral("p"), pageMetadata(3));
    h.file(page, QStringLiteral("p-0003.jp2"), grayJp2({32, 32}, pageValue), "-");
    h.file(page, QStringLiteral("p-0003.mods.xml"), modsPage(3, QStringLiteral("999999999999-1")));
    QaProfile profile;
    profile.checks = {QStringLiteral("page-sequence"), QStringLiteral("batch-identifier"),
                      QStringLiteral("sidecars")};
    QCOMPARE(h.run(profile).size(), 0);
}

void TestChecks::statisticsAreKeptAndReused()
{
    Harness h;
    const qint64 item = h.item(QStringLiteral("a"));
    const qint64 id =
        h.file(item, QStringLiteral("dark.jp2"), grayJp2({2000, 1600}, [](int, int) { return 50; }));
    QaProfile profile;
    profile.sampleSize = 400;
    profile.checks = {QStringLiteral("dark-page")};
    QCOMPARE(Harness::checksOf(h.run(profile)), QStringList{QStringLiteral("dark-page")});
    CheckRecords records(h.catalog());
    auto kept = records.imageStatistics(id);
    QVERIFY(kept && kept->has_value());
    const ImageStatistics s = **kept;
    QCOMPARE(s.width, 2000);
    QCOMPARE(s.height, 1600);
    // A reduced decode: the longer side at least 400, never the full 2000.
    QCOMPARE(s.reduction, 2);
    QCOMPARE(s.sampleWidth, 500);
    QCOMPARE(s.sampleHeight, 400);
    QCOMPARE(s.pixelCount(), quint64(500 * 400));
    QCOMPARE(s.peak(), 50);
    QCOMPARE(s.format, QStringLiteral("jp2"));
    // Kept statistics are what the next run judges by; the file is not read again (here: removed).
    QVERIFY(QFile::remove(h.source() + QStringLiteral("/dark.jp2")));
    QCOMPARE(Harness::checksOf(h.run(profile)), QStringList({QStringLiteral("dark-page")}));
}

void TestChecks::profileIsTheSettingsTablesCheckSection()
{
    // The defaults of the table's [check] rows are the profile's defaults.
    auto defaults = QaProfile::fromSettings(Settings(), QStringLiteral("nowhere"));
    QVERIFY(defaults);
    const QaProfile plain;
    QCOMPARE(defaults->checks, plain.checks);
    QCOMPARE(defaults->darkPeak, plain.darkPeak);
    QCOMPARE(defaults->blankMaxInk, plain.blankMaxInk);
    QCOMPARE(defaults->borderMaxFraction, plain.borderMaxFraction);
    QCOMPARE(defaults->ocrMinConfidence, plain.ocrMinConfidence);
    QCOMPARE(defaults->sidecars, plain.sidecars);
    QCOMPARE(defaults->checksumSidecar, plain.checksumSidecar);
    QCOMPARE(plain.toSettings(), Settings());

    // An INI file's [check] keys, layered over the settings of --config.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("profile.ini"));
    test::writeFile(path, "[check]\nskip=ocr-confidence, xml-schema\ndark_peak=90\nblank_max_ink=0.01\n"
                          "sidecars=jp2, .alto.xml\nseverities=blank-page=error, dark-page=warning\n");
    Settings base;
    QVERIFY(base.setText(QStringLiteral("check/border_level"), QStringLiteral("40")));
    QVERIFY(base.setText(QStringLiteral("check/dark_peak"), QStringLiteral("100")));
    auto read = QaProfile::fromFile(path, base);
    QVERIFY2(read, qPrintable(read ? QString() : read.error().message));
    QCOMPARE(read->skip, (QSet<QString>{QStringLiteral("ocr-confidence"), QStringLiteral("xml-schema")}));
    QCOMPARE(read->darkPeak, 90);    // the file's
    QCOMPARE(read->borderLevel, 40); // --config's
    QCOMPARE(read->blankMaxInk, 0.01);
    QCOMPARE(read->sidecars, (QStringList{QStringLiteral(".jp2"), QStringLiteral(".alto.xml")}));
    QCOMPARE(read->severityFor(QStringLiteral("blank-page"), FindingSeverity::Flag), FindingSeverity::Error);
    QCOMPARE(read->severityFor(QStringLiteral("dark-page"), FindingSeverity::Flag), FindingSeverity::Warning);
    QVERIFY(read->runs(QStringLiteral("fixity")));
    QVERIFY(!read->runs(QStringLiteral("xml-schema")));
    // Back to the table and read again: the same profile.
    auto again = QaProfile::fromSettings(read->toSettings(), QStringLiteral("again"));
    QVERIFY(again);
    QCOMPARE(again->toSettings(), read->toSettings());
    QCOMPARE(again->severities, read->severities);

    // Refused, naming the key and the file: out of range, a severity that is none, a minimum over its
    // maximum.
    const std::pair<QByteArray, const char *> bad[] = {
        {"[check]\nborder_max_fraction=8.2\n", "check/border_max_fraction"},
        {"[check]\ndark_peak=-1\n", "check/dark_peak"},
        {"[check]\nseverities=dark-page=fatal\n", "check/severities"},
        {"[check]\nmin_width=500\nmax_width=400\n", "check/min_width"},
    };
    for (const auto &[content, key] : bad) {
        test::writeFile(path, content);
        auto refused = QaProfile::fromFile(path);
        QVERIFY2(!refused, content.constData());
        QVERIFY2(refused.error().message.contains(QLatin1StringView(key)) &&
                     refused.error().message.contains(path),
                 qPrintable(refused.error().message));
    }
}

QTEST_MAIN(TestChecks)
#include "tst_checks.moc"
