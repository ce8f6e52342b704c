#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "intake/folderpackage.h"
#include "intake/intakechain.h"
#include "intake/newspaper/newspaperingester.h"
#include "testsupport.h"
#include "tst_xml_collectingsink.h"

using namespace gh;

namespace {

QString batchData(const QString &relative)
{
    return test::dataPath(QStringLiteral("newspaper/") + relative);
}

QString md5Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Md5).toHex());
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

QStringList names(const ItemDraft &item)
{
    QStringList list;
    for (const FileDraft &file : item.files)
        list.append(file.name);
    return list;
}

const QString s_page1 = QStringLiteral("adresseavisen1759-1795-06-13-01-0001");

} // namespace

class TestNewspaper : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void batchIsOneItemPerPage();
    void pageMetadata();
    void checksumsFromSidecars();
    void redeliveryWithMissingAndStrayFiles();
    void batchAsTheSingleTopLevelFolder();
    void pageNumberFromMods();
    void recognition();

private:
    Result<QString> ingest(const QString &source);
    test::CollectingSink m_sink;
    IntakeTrace m_trace;
};

void TestNewspaper::init()
{
    m_sink = {};
    m_trace = {};
}

Result<QString> TestNewspaper::ingest(const QString &source)
{
    const IntakeOptions options;
    IntakeChain chain;
    return chain.ingest(source, m_sink, m_trace, options);
}

void TestNewspaper::batchIsOneItemPerPage()
{
    const auto detected = ingest(batchData(QStringLiteral("B400022028240-RT1")));
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("newspaper"));
    QCOMPARE(m_sink.identifiers(),
             test::strings({"400022028240-14", "400022028240-14/1795-06-13-01",
                            "400022028240-14/1795-06-13-01/adresseavisen1759-1795-06-13-01-0001",
                            "400022028240-14/1795-06-13-01/adresseavisen1759-1795-06-13-01-0002",
                            "400022028240-14/1795-06-16-01",
                            "400022028240-14/1795-06-16-01/adresseavisen1759-1795-06-16-01-0001",
                            "400022028240-14/1795-06-16-01/adresseavisen1759-1795-06-16-01-0002"}));
    QCOMPARE(names(m_sink.items[0]), test::strings({"400022028240-14.film.xml"}));
    QCOMPARE(names(m_sink.items[1]), test::strings({"adresseavisen1759-1795-06-13-01.edition.xml"}));
    const ItemDraft &page = m_sink.items[2];
    QCOMPARE(page.label, s_page1);
    // The fixed order: image, technical, descriptive, text.
    QCOMPARE(names(page),
             QStringList({s_page1 + QStringLiteral(".jp2"), s_page1 + QStringLiteral(".mix.xml"),
                          s_page1 + QStringLiteral(".mods.xml"), s_page1 + QStringLiteral(".alto.xml")}));
    QCOMPARE(page.files[0].sourcePath,
             batchData(QStringLiteral("B400022028240-RT1/400022028240-14/1795-06-13-01/") + s_page1 +
                       QStringLiteral(".jp2")));
    QCOMPARE(m_sink.fileCount(), 19); // sidecars are read, not ingested
    QVERIFY2(test::allWarnings(m_trace).isEmpty(), qPrintable(test::allWarnings(m_trace)));
    QVERIFY2(
        test::traceText(m_trace).contains(QStringLiteral(
            "as newspaper batch 400022028240, roundtrip 1: 1 film, 2 editions, 4 pages; 7 items, 19 files; "
            "19 checksum files read.")),
        qPrintable(test::traceText(m_trace)));
}

void TestNewspaper::pageMetadata()
{
    QVERIFY(ingest(batchData(QStringLiteral("B400022028240-RT1"))).ok());
    const QJsonObject m = m_sink.items[6].metadata;
    QCOMPARE(m.value(QStringLiteral("batch_id")).toString(), QStringLiteral("400022028240"));
    QCOMPARE(m.value(QStringLiteral("roundtrip")).toInt(), 1);
    QCOMPARE(m.value(QStringLiteral("film_id")).toString(), QStringLiteral("400022028240-14"));
    QCOMPARE(m.value(QStringLiteral("edition_date")).toString(), QStringLiteral("1795-06-16"));
    QCOMPARE(m.value(QStringLiteral("edition_number")).toInt(), 1);
    QCOMPARE(m.value(QStringLiteral("page_number")).toInt(), 2);
    QCOMPARE(m.value(QStringLiteral("page_number_source")).toString(), QStringLiteral("file name"));
    QCOMPARE(m.value(QStringLiteral("newspaper_id")).toString(), QStringLiteral("adresseavisen1759"));
    // Pages are the lot of the QA sample; folders are not.
    QCOMPARE(m.value(QStringLiteral("kind")).toString(), QStringLiteral("page"));
    const QJsonObject film = m_sink.items[0].metadata;
    QCOMPARE(film.value(QStringLiteral("film_id")).toString(), QStringLiteral("400022028240-14"));
    QVERIFY(!film.contains(QStringLiteral("edition_date")));
    QVERIFY(!film.contains(QStringLiteral("kind")));
}

void TestNewspaper::checksumsFromSidecars()
{
    QVERIFY(ingest(batchData(QStringLiteral("B400022028240-RT1"))).ok());
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        for (const FileDraft &file : item.files) {
            QCOMPARE(file.declared.md5, md5Of(file.sourcePath));
            QCOMPARE(file.declared.origin,
                     QDir(batchData(QStringLiteral("B400022028240-RT1"))).relativeFilePath(file.sourcePath) +
                         QStringLiteral(".md5"));
            QCOMPARE(file.status, FileStatus::Pending);
        }
    }
}

void TestNewspaper::redeliveryWithMissingAndStrayFiles()
{
    const auto detected = ingest(batchData(QStringLiteral("B400022028241-RT2")));
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("newspaper"));
    // The stray delivery note at the batch level comes first, in an item for the batch folder.
    QCOMPARE(m_sink.items[0].identifier, QStringLiteral("B400022028241-RT2"));
    QCOMPARE(names(m_sink.items[0]), test::strings({"delivery-note.txt"}));
    QCOMPARE(m_sink.items[0].metadata.value(QStringLiteral("roundtrip")).toInt(), 2);
    const ItemDraft *edition = m_sink.find(QStringLiteral("400022028241-1/1795-06-13-01"));
    QVERIFY(edition);
    QCOMPARE(names(*edition), test::strings({"adresseavisen1759-1795-06-13-01.edition.xml", "scanner.log"}));

    const QString key = QStringLiteral("400022028241-1/1795-06-16-01/adresseavisen1759-1795-06-16-01-0002");
    const ItemDraft *page = m_sink.find(key);
    QVERIFY(page);
    QCOMPARE(page->files.size(), 4);
    const FileDraft &alto = page->files[3];
    QCOMPARE(alto.name, QStringLiteral("adresseavisen1759-1795-06-16-01-0002.alto.xml"));
    QCOMPARE(alto.status, FileStatus::Missing);
    QVERIFY2(alto.error.contains(QStringLiteral("has no alto.xml file")), qPrintable(alto.error));
    QCOMPARE(page->files[0].status, FileStatus::Pending);

    const QString warnings = test::allWarnings(m_trace);
    QVERIFY2(
        warnings.contains(QStringLiteral("1 pages lack one of their four files (jp2, mix, mods, alto): ") +
                          key + QStringLiteral(" (missing adresseavisen1759-1795-06-16-01-0002.alto.xml)")),
        qPrintable(warnings));
    QVERIFY2(warnings.contains(
                 QStringLiteral("2 files are outside the newspaper batch layout; they are included with "
                                "the folder they are in: 400022028241-1/1795-06-13-01/scanner.log, "
                                "delivery-note.txt")),
             qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("1 files have no .md5 checksum file: delivery-note.txt")),
             qPrintable(warnings));
}

void TestNewspaper::batchAsTheSingleTopLevelFolder()
{
    // As unpacked from an archive of the batch: the batch folder inside an arbitrary one.
    QTemporaryDir dir;
    QVERIFY(copyTree(batchData(QStringLiteral("B400022028240-RT1")),
                     dir.filePath(QStringLiteral("B400022028240-RT1"))));
    const auto detected = ingest(dir.path());
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("newspaper"));
    QCOMPARE(m_sink.items.size(), 7);
    QCOMPARE(m_sink.items[2].identifier,
             QStringLiteral("B400022028240-RT1/400022028240-14/1795-06-13-01/") + s_page1);
    QCOMPARE(m_sink.items[2].files[0].declared.origin,
             QStringLiteral("B400022028240-RT1/400022028240-14/1795-06-13-01/") + s_page1 +
                 QStringLiteral(".jp2.md5"));
}

void TestNewspaper::pageNumberFromMods()
{
    QTemporaryDir dir;
    const QString edition = dir.filePath(QStringLiteral("B400022028240-RT1/400022028240-1/1795-06-13-01/"));
    test::writeFile(edition + QStringLiteral("adresseavisen1759-1795-06-13-01-forside.jp2"), "jp2");
    test::writeFile(edition + QStringLiteral("adresseavisen1759-1795-06-13-01-forside.mods.xml"),
                    "<mods xmlns=\"http://www.loc.gov/mods/v3\"><part><detail type=\"pageNumber\">"
                    "<number>3</number></detail></part></mods>");
    QVERIFY(ingest(dir.path()).ok());
    const ItemDraft *page = m_sink.find(QStringLiteral(
        "B400022028240-RT1/400022028240-1/1795-06-13-01/adresseavisen1759-1795-06-13-01-forside"));
    QVERIFY(page);
    QCOMPARE(page->metadata.value(QStringLiteral("page_number")).toInt(), 3);
    QCOMPARE(page->metadata.value(QStringLiteral("page_number_source")).toString(), QStringLiteral("mods"));
    QCOMPARE(page->files[1].status, FileStatus::Missing); // no mix
    QCOMPARE(page->files[2].status, FileStatus::Pending); // the mods
    QCOMPARE(page->files[3].status, FileStatus::Missing); // no alto
}

void TestNewspaper::recognition()
{
    const IntakeOptions options;
    NewspaperBatchIngester ingester;
    {
        // The right name but no film/edition folders.
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral("B400022028240-RT1/readme.txt")), "x");
        auto package = FolderPackage::open(dir.path(), options);
        QVERIFY(package.ok());
        QVERIFY(!ingester.recognise(**package));
    }
    {
        // The layout, but not under a batch folder.
        QTemporaryDir dir;
        test::writeFile(dir.filePath(QStringLiteral("delivery/400022028240-1/1795-06-13-01/a-0001.jp2")),
                        "x");
        auto package = FolderPackage::open(dir.path(), options);
        QVERIFY(!ingester.recognise(**package));
    }
    {
        const auto batch = FolderPackage::open(batchData(QStringLiteral("B400022028241-RT2")), options);
        QVERIFY(batch.ok());
        const auto located = NewspaperBatchIngester::locate(**batch);
        QVERIFY(located.has_value());
        QCOMPARE(located->id, QStringLiteral("400022028241"));
        QCOMPARE(located->roundtrip, 2);
        QVERIFY(located->prefix.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestNewspaper)
#include "tst_newspaper.moc"
