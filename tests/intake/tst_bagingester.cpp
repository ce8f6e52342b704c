#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "intake/bagit/bagingester.h"
#include "intake/folderpackage.h"
#include "intake/intakechain.h"
#include "testsupport.h"
#include "tst_bagsupport.h"

using namespace gh;

namespace {

class CollectingSink final : public RollbackSink
{
public:
    Status add(ItemDraft item) override
    {
        items.append(std::move(item));
        return {};
    }
    qint64 itemCount() const override { return items.size(); }
    Status discardFrom(qint64 count) override
    {
        items.resize(count);
        return {};
    }
    const ItemDraft *find(const QString &identifier) const
    {
        for (const ItemDraft &item : items) {
            if (item.identifier == identifier)
                return &item;
        }
        return nullptr;
    }
    const FileDraft *file(const QString &identifier, const QString &name) const
    {
        if (const ItemDraft *item = find(identifier)) {
            for (const FileDraft &f : item->files) {
                if (f.name == name)
                    return &f;
            }
        }
        return nullptr;
    }
    qsizetype fileCount() const
    {
        qsizetype n = 0;
        for (const ItemDraft &item : items)
            n += item.files.size();
        return n;
    }
    QList<ItemDraft> items;
};

} // namespace

class TestBagIngester : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void recognisesBagitTxtOnly();
    void groupsPayloadAndDeclaresEveryManifest();
    void bagInfoInEveryItem();
    void sha512ManifestDeclaresSha512();
    void oldCrlfBagWithPackageInfo();
    void percentEncodedNames();
    void fetchEntriesBecomeDownloads();
    void missingFileNamesTheManifest();
    void unlistedPayloadFileWarns();
    void unsafeEntriesBecomeUnsafePathFiles();
    void symlinkOutOfTheBagIsUnsafe();
    void registeredFirstInTheChain();
    void unusableBagsDegradeToTheListing_data();
    void unusableBagsDegradeToTheListing();
    void unreadableManifestIsInvalid();
    void floodOfIssuesIsSummarised();
    void cancellation();

private:
    Status ingest();
    QString path(const QString &relative) const { return m_dir->filePath(relative); }
    QString warnings() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    CollectingSink m_sink;
    IntakeTrace m_trace;
    IntakeOptions m_options;
};

void TestBagIngester::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_sink = {};
    m_trace = {};
}

Status TestBagIngester::ingest()
{
    auto package = FolderPackage::open(m_dir->path(), m_options);
    if (!package)
        return package.error();
    IntakeContext context{m_sink, m_trace, m_options};
    BagIngester ingester;
    if (!ingester.recognise(**package))
        return Error{ErrorCode::Unsupported, QStringLiteral("not recognised")};
    return ingester.ingest(**package, context);
}

QString TestBagIngester::warnings() const
{
    QStringList all;
    for (const TraceStep &step : m_trace.steps())
        all += step.warnings;
    return all.join(u'\n');
}

void TestBagIngester::recognisesBagitTxtOnly()
{
    test::writeFile(path(QStringLiteral("data/a.txt")), "a");
    test::writeFile(path(QStringLiteral("manifest-md5.txt")),
                    "0cc175b9c0f1b6a831c399e269772661  data/a.txt\n");
    auto package = FolderPackage::open(m_dir->path(), m_options);
    QVERIFY(package.ok());
    QVERIFY(!BagIngester().recognise(**package));
    test::writeFile(path(QStringLiteral("bagit.txt")),
                    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    package = FolderPackage::open(m_dir->path(), m_options);
    QVERIFY(BagIngester().recognise(**package));
    QCOMPARE(BagIngester().kind(), QStringLiteral("bagit"));
}

void TestBagIngester::groupsPayloadAndDeclaresEveryManifest()
{
    const test::BagSpec spec = test::sampleBag();
    test::writeBag(m_dir->path(), spec);
    const Status s = ingest();
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));

    // Items by folder and name stem inside data/; the tag files are not payload.
    QCOMPARE(m_sink.items.size(), 3);
    QCOMPARE(m_sink.fileCount(), 5);
    const ItemDraft *page = m_sink.find(QStringLiteral("film1/page0001"));
    QVERIFY(page);
    QCOMPARE(page->label, QStringLiteral("page0001"));
    QCOMPARE(page->metadata.value(QStringLiteral("folder")).toString(), QStringLiteral("film1"));
    QCOMPARE(page->files.size(), 2);
    QVERIFY(m_sink.find(QStringLiteral("README")));
    QVERIFY(!m_sink.find(QStringLiteral("bagit")));
    QVERIFY(!m_sink.find(QStringLiteral("manifest-sha256")));

    const FileDraft *jp2 = m_sink.file(QStringLiteral("film1/page0001"), QStringLiteral("page0001.jp2"));
    QVERIFY(jp2);
    const QByteArray bytes = spec.payload[0].second;
    QCOMPARE(jp2->status, FileStatus::Pending);
    QCOMPARE(jp2->sourcePath, path(QStringLiteral("data/film1/page0001.jp2")));
    QCOMPARE(jp2->declaredSize, bytes.size());
    QCOMPARE(jp2->declared.sha256, test::digestHex(bytes, QStringLiteral("sha256")));
    QCOMPARE(jp2->declared.md5, test::digestHex(bytes, QStringLiteral("md5")));
    QVERIFY(jp2->declared.sha1.isEmpty());
    QCOMPARE(jp2->declared.origin, QStringLiteral("manifest-md5.txt, manifest-sha256.txt"));

    const TraceStep &step = m_trace.steps().constLast();
    QCOMPARE(step.stage, QStringLiteral("manifest"));
    QVERIFY(step.decision.contains(QStringLiteral("BagIt 1.0")));
    QVERIFY2(step.warnings.isEmpty(), qPrintable(step.warnings.join(u'\n')));
}

void TestBagIngester::bagInfoInEveryItem()
{
    test::BagSpec spec = test::sampleBag();
    spec.bagInfo = QByteArray("Source-Organization: Example Library\n"
                              "Contact-Name: Ada Example\n"
                              "Contact-Name: Grace Example\n"
                              "External-Description: Two pages of film 1,\n"
                              "  scanned in 2024.\n"
                              "Bagging-Date: 2024-05-02\n");
    test::writeBag(m_dir->path(), spec);
    QVERIFY(ingest().ok());
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        const QJsonObject info = item.metadata.value(QStringLiteral("bag-info")).toObject();
        QCOMPARE(info.value(QStringLiteral("Source-Organization")).toString(),
                 QStringLiteral("Example Library"));
        QCOMPARE(info.value(QStringLiteral("Contact-Name")).toArray(),
                 (QJsonArray{QStringLiteral("Ada Example"), QStringLiteral("Grace Example")}));
        QCOMPARE(info.value(QStringLiteral("External-Description")).toString(),
                 QStringLiteral("Two pages of film 1,\nscanned in 2024."));
    }
}

void TestBagIngester::sha512ManifestDeclaresSha512()
{
    test::BagSpec spec = test::sampleBag();
    spec.algorithms = {QStringLiteral("sha512")};
    spec.tagAlgorithms = {QStringLiteral("sha512")};
    test::writeBag(m_dir->path(), spec);
    QVERIFY(ingest().ok());
    const FileDraft *readme = m_sink.file(QStringLiteral("README"), QStringLiteral("README.txt"));
    QVERIFY(readme);
    QCOMPARE(readme->declared.sha512, test::digestHex("Two pages of film 1.\n", QStringLiteral("sha512")));
    QCOMPARE(readme->declared.origin, QStringLiteral("manifest-sha512.txt"));
}

void TestBagIngester::oldCrlfBagWithPackageInfo()
{
    test::BagSpec spec = test::sampleBag();
    spec.version = QStringLiteral("0.95");
    spec.algorithms = {QStringLiteral("md5")};
    spec.tagAlgorithms = {};
    spec.eol = "\r\n";
    spec.bagInfo = QByteArray("Contact-Name : Ada Example\r\nBagging-Date: 2009-03-01\r\n");
    test::writeBag(m_dir->path(), spec);
    QVERIFY(QFile::exists(path(QStringLiteral("package-info.txt"))));
    QVERIFY(ingest().ok());
    QCOMPARE(m_sink.fileCount(), 5);
    const FileDraft *readme = m_sink.file(QStringLiteral("README"), QStringLiteral("README.txt"));
    QCOMPARE(readme->declared.md5, test::digestHex("Two pages of film 1.\n", QStringLiteral("md5")));
    QCOMPARE(m_sink.items[0]
                 .metadata.value(QStringLiteral("bag-info"))
                 .toObject()
                 .value(u"Contact-Name")
                 .toString(),
             QStringLiteral("Ada Example"));
}

void TestBagIngester::percentEncodedNames()
{
    test::BagSpec spec;
    spec.payload = {{QStringLiteral("data/notes/line\nbreak.txt"), "two\nlines\n"},
                    {QStringLiteral("data/notes/100% cotton.txt"), "pure\n"},
                    {QStringLiteral("data/notes/literal %0A.txt"), "not a newline\n"}};
    test::writeBag(m_dir->path(), spec);
    QVERIFY(
        test::readFile(path(QStringLiteral("manifest-sha256.txt"))).contains("data/notes/line%0Abreak.txt"));
    QVERIFY(ingest().ok());
    const FileDraft *lineBreak =
        m_sink.file(QStringLiteral("notes/line\nbreak"), QStringLiteral("line\nbreak.txt"));
    QVERIFY(lineBreak);
    QCOMPARE(lineBreak->status, FileStatus::Pending);
    QCOMPARE(lineBreak->sourcePath, path(QStringLiteral("data/notes/line\nbreak.txt")));
    QCOMPARE(lineBreak->declared.sha256, test::digestHex("two\nlines\n", QStringLiteral("sha256")));
    const FileDraft *percent =
        m_sink.file(QStringLiteral("notes/100% cotton"), QStringLiteral("100% cotton.txt"));
    QVERIFY(percent);
    QCOMPARE(percent->status, FileStatus::Pending);
    const FileDraft *literal =
        m_sink.file(QStringLiteral("notes/literal %0A"), QStringLiteral("literal %0A.txt"));
    QVERIFY(literal);
    QCOMPARE(literal->declared.sha256, test::digestHex("not a newline\n", QStringLiteral("sha256")));
    QVERIFY2(warnings().isEmpty(), qPrintable(warnings()));
}

void TestBagIngester::fetchEntriesBecomeDownloads()
{
    test::BagSpec spec = test::sampleBag();
    spec.remote = {{QStringLiteral("data/film2/page0001.tif"), test::pseudoRandomBytes(5000, 9)}};
    test::writeBag(m_dir->path(), spec);
    QVERIFY(ingest().ok());
    const FileDraft *remote = m_sink.file(QStringLiteral("film2/page0001"), QStringLiteral("page0001.tif"));
    QVERIFY(remote);
    QCOMPARE(remote->status, FileStatus::Pending);
    QCOMPARE(remote->sourceUrl, QStringLiteral("https://example.org/objects/page0001.tif"));
    QVERIFY(remote->sourcePath.isEmpty());
    QCOMPARE(remote->declaredSize, 5000);
    QCOMPARE(remote->declared.sha256, test::digestHex(spec.remote[0].second, QStringLiteral("sha256")));
    QVERIFY(m_trace.steps().constLast().decision.contains(QStringLiteral("1 to fetch")));

    // Once fetched into the bag, the local copy is used.
    init();
    test::writeBag(m_dir->path(), spec);
    test::writeFile(path(QStringLiteral("data/film2/page0001.tif")), spec.remote[0].second);
    QVERIFY(ingest().ok());
    remote = m_sink.file(QStringLiteral("film2/page0001"), QStringLiteral("page0001.tif"));
    QVERIFY(remote->sourceUrl.isEmpty());
    QCOMPARE(remote->sourcePath, path(QStringLiteral("data/film2/page0001.tif")));
}

void TestBagIngester::missingFileNamesTheManifest()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(QFile::remove(path(QStringLiteral("data/film1/page0002.jp2"))));
    QVERIFY(ingest().ok());
    QCOMPARE(m_sink.fileCount(), 5);
    const FileDraft *missing = m_sink.file(QStringLiteral("film1/page0002"), QStringLiteral("page0002.jp2"));
    QVERIFY(missing);
    QCOMPARE(missing->status, FileStatus::Missing);
    QVERIFY(missing->error.contains(QStringLiteral("data/film1/page0002.jp2")));
    QVERIFY(missing->error.contains(QStringLiteral("manifest-sha256.txt")));
    QVERIFY(missing->error.contains(QStringLiteral("manifest-md5.txt")));
    QVERIFY(!missing->declared.sha256.isEmpty());
}

void TestBagIngester::unlistedPayloadFileWarns()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    test::writeFile(path(QStringLiteral("data/film1/page0003.jp2")), "late addition");
    test::writeFile(path(QStringLiteral("data/.DS_Store")), "litter");
    QVERIFY(ingest().ok());
    const FileDraft *extra = m_sink.file(QStringLiteral("film1/page0003"), QStringLiteral("page0003.jp2"));
    QVERIFY(extra);
    QCOMPARE(extra->status, FileStatus::Pending);
    QVERIFY(extra->declared.isEmpty());
    QVERIFY(!m_sink.find(QStringLiteral(".DS_Store")));
    QVERIFY(warnings().contains(QStringLiteral("data/film1/page0003.jp2")));
    QVERIFY(warnings().contains(QStringLiteral("data/.DS_Store")));
}

void TestBagIngester::unsafeEntriesBecomeUnsafePathFiles()
{
    QTemporaryDir outer;
    const QString bagRoot = outer.filePath(QStringLiteral("bag"));
    m_dir = std::make_unique<QTemporaryDir>(); // unused; the bag lives below 'outer'
    test::writeBag(bagRoot, test::sampleBag());
    // A file where the traversal would land, which must never be read.
    test::writeFile(outer.filePath(QStringLiteral("etc/passwd")), "root:x:0:0");
    const QString sha = test::digestHex("root:x:0:0", QStringLiteral("sha256"));
    test::appendToFile(QDir(bagRoot).filePath(QStringLiteral("manifest-sha256.txt")),
                       (sha + u"  data/../../etc/passwd\n" + sha + u"  /etc/shadow\n").toUtf8());
    test::appendToFile(QDir(bagRoot).filePath(QStringLiteral("fetch.txt")),
                       "https://example.org/x 10 ../../outside.txt\n");

    auto package = FolderPackage::open(bagRoot, m_options);
    QVERIFY(package.ok());
    IntakeContext context{m_sink, m_trace, m_options};
    QVERIFY(BagIngester().ingest(**package, context).ok());

    QList<const FileDraft *> unsafe;
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        for (const FileDraft &f : item.files) {
            if (f.status == FileStatus::UnsafePath)
                unsafe.append(&f);
            QVERIFY(!f.sourcePath.contains(QStringLiteral("etc/passwd")));
        }
    }
    QCOMPARE(unsafe.size(), 3);
    QStringList errors;
    for (const FileDraft *f : unsafe) {
        errors.append(f->error);
        QVERIFY(f->sourcePath.isEmpty());
        QVERIFY(f->sourceUrl.isEmpty());
    }
    const QString all = errors.join(u'\n');
    QVERIFY2(all.contains(QStringLiteral(
                 "manifest-sha256.txt (line 6) lists data/../../etc/passwd, which leaves the bag")),
             qPrintable(all));
    QVERIFY(all.contains(QStringLiteral("/etc/shadow, which is an absolute path")));
    QVERIFY(all.contains(QStringLiteral("fetch.txt (line 1) lists ../../outside.txt")));
    // The good payload is still there.
    QCOMPARE(m_sink.fileCount(), 5 + 3);
}

void TestBagIngester::symlinkOutOfTheBagIsUnsafe()
{
    QTemporaryDir outside;
    test::writeFile(outside.filePath(QStringLiteral("secret.txt")), "secret");
    test::writeBag(m_dir->path(), test::sampleBag());
    QVERIFY(
        QFile::link(outside.filePath(QStringLiteral("secret.txt")), path(QStringLiteral("data/secret.txt"))));
    QVERIFY(ingest().ok());
    const FileDraft *link = m_sink.file(QStringLiteral("secret"), QStringLiteral("secret.txt"));
    QVERIFY(link);
    QCOMPARE(link->status, FileStatus::UnsafePath);
}

void TestBagIngester::registeredFirstInTheChain()
{
    const auto ingesters = IntakeChain::defaultPackageIngesters();
    QVERIFY(!ingesters.empty());
    QCOMPARE(ingesters.front()->kind(), QStringLiteral("bagit"));

    test::writeBag(m_dir->path(), test::sampleBag());
    IntakeChain chain;
    const auto kind = chain.ingest(m_dir->path(), m_sink, m_trace, m_options);
    QVERIFY(kind.ok());
    QCOMPARE(*kind, QStringLiteral("bagit"));
    QCOMPARE(m_sink.fileCount(), 5);
}

void TestBagIngester::unusableBagsDegradeToTheListing_data()
{
    QTest::addColumn<QString>("breakage");
    QTest::addColumn<QString>("reason");
    QTest::newRow("bad version") << QStringLiteral("version") << QStringLiteral("is not a version number");
    QTest::newRow("future version") << QStringLiteral("future") << QStringLiteral("2.0");
    QTest::newRow("no payload manifest")
        << QStringLiteral("no-manifest") << QStringLiteral("no payload manifest");
}

void TestBagIngester::unusableBagsDegradeToTheListing()
{
    QFETCH(QString, breakage);
    QFETCH(QString, reason);
    test::writeBag(m_dir->path(), test::sampleBag());
    if (breakage == u"version") {
        test::writeFile(path(QStringLiteral("bagit.txt")),
                        "BagIt-Version: latest\nTag-File-Character-Encoding: UTF-8\n");
    } else if (breakage == u"future") {
        test::writeFile(path(QStringLiteral("bagit.txt")),
                        "BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n");
    } else {
        QVERIFY(QFile::remove(path(QStringLiteral("manifest-md5.txt"))));
        QVERIFY(QFile::remove(path(QStringLiteral("manifest-sha256.txt"))));
    }
    IntakeChain chain;
    const auto kind = chain.ingest(m_dir->path(), m_sink, m_trace, m_options);
    QVERIFY(kind.ok());
    QCOMPARE(*kind, QStringLiteral("folder"));
    // The listing took over: tag files included, nothing left from the bag attempt.
    QVERIFY(m_sink.find(QStringLiteral("data/film1/page0001")));
    QVERIFY(m_sink.find(QStringLiteral("bagit")));
    QVERIFY2(warnings().contains(QStringLiteral("bagit stage")), qPrintable(warnings()));
    QVERIFY2(warnings().contains(reason), qPrintable(warnings()));
}

void TestBagIngester::unreadableManifestIsInvalid()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    auto package = FolderPackage::open(m_dir->path(), m_options);
    QVERIFY(package.ok());
    // Listed, but gone by the time it is read: the read fails as an unreadable file would.
    QVERIFY(QFile::remove(path(QStringLiteral("manifest-md5.txt"))));
    IntakeContext context{m_sink, m_trace, m_options};
    const Status s = BagIngester().ingest(**package, context);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::Invalid);
    QVERIFY2(s.error().message.contains(QStringLiteral("manifest-md5.txt")), qPrintable(s.error().message));
    QVERIFY(m_sink.items.isEmpty());
}

void TestBagIngester::floodOfIssuesIsSummarised()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    QByteArray junk;
    for (int i = 0; i < 150; ++i)
        junk += "not-a-checksum data/x" + QByteArray::number(i) + ".txt\n";
    test::appendToFile(path(QStringLiteral("manifest-md5.txt")), junk);
    for (int i = 0; i < 30; ++i)
        test::writeFile(path(QStringLiteral("data/unlisted/u%1.txt").arg(i)), "u");
    QVERIFY(ingest().ok());
    const QStringList trace = m_trace.steps().constLast().warnings;
    QCOMPARE(trace.size(), 100 + 1 + 1);
    QVERIFY(trace[100].contains(QStringLiteral("50 more issues")));
    QVERIFY(trace[100].contains(QStringLiteral("bag validate")));
    QVERIFY(trace[101].contains(QStringLiteral("and 10 more")));
    QCOMPARE(m_sink.fileCount(), 5 + 30); // all unlisted files loaded all the same
}

void TestBagIngester::cancellation()
{
    test::writeBag(m_dir->path(), test::sampleBag());
    auto package = FolderPackage::open(m_dir->path(), m_options);
    QVERIFY(package.ok());
    std::atomic_bool cancel{true};
    IntakeOptions options;
    options.cancel = &cancel;
    IntakeContext context{m_sink, m_trace, options};
    const Status s = BagIngester().ingest(**package, context);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::Cancelled);
    QVERIFY(m_sink.items.isEmpty());
}

QTEST_GUILESS_MAIN(TestBagIngester)
#include "tst_bagingester.moc"
