// Archives as packages: listing without extracting, reading members, names in every encoding, nested
// archives, and the packager chain detecting each archive kind end to end.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "intake/archive/archiveformat.h"
#include "intake/archive/archivemember.h"
#include "intake/archive/archivepackage.h"
#include "intake/listingingester.h"
#include "testsupport.h"
#include "tst_archivesupport.h"

using namespace gh;
using namespace gh::test;

namespace {

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

std::unique_ptr<ArchivePackage> openPackage(const QString &path, const IntakeOptions &options = {})
{
    auto package = ArchivePackage::open(path, options);
    if (!package) {
        qWarning().noquote() << package.error().message;
        return nullptr;
    }
    return std::move(*package);
}

QStringList filePaths(const Package &package)
{
    QStringList paths;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type == PackageEntry::Type::File)
            paths.append(entry.path);
    }
    paths.sort();
    return paths;
}

//! A manifest ingester that recognises the deposit's README, adds half its items and finds the manifest
//! broken.
class BrokenManifest final : public PackageIngester
{
public:
    QString kind() const override { return QStringLiteral("broken"); }
    bool recognise(const Package &package) const override
    {
        return package.contains(QStringLiteral("deposit/README.txt"));
    }
    Status ingest(const Package &package, IntakeContext &context) override
    {
        // Reading through the Package interface works for archives like for folders.
        const auto readme = package.read(QStringLiteral("deposit/README.txt"), 1024);
        if (!readme || !readme->startsWith("Delivery"))
            return Error{ErrorCode::Io, QStringLiteral("README unreadable")};
        ItemDraft item;
        item.identifier = QStringLiteral("half-made");
        if (Status s = context.sink.add(item); !s)
            return s;
        return Error{ErrorCode::Invalid,
                     QStringLiteral("deposit/README.txt line 1: not a manifest after all")};
    }
};

} // namespace

class TestArchivePackage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsAndReadsEveryFormat_data();
    void listsAndReadsEveryFormat();
    void detectsByContentNotName_data();
    void detectsByContentNotName();
    void chainLoadsEveryFormat_data();
    void chainLoadsEveryFormat();
    void sidecarsAreVerifiedDeclarations();
    void chainDegradesWhenManifestBreaks();
    void plainGzipIsADocument();
    void zipBasedDocumentsAreDocuments();
    void namedLikeAnArchiveButIsNot();
    void utf8Names();
    void cp437Names();
    void backslashSeparators();
    void dotPrefixedTar();
    void zip64Flagged();
    void zip64ManyEntries();
    void linksInsideAreListedNotFollowed();
    void nestedArchiveAsPackage();
    void nestedArchiveListingVerifiesSidecars();
    void nestedMemberThatIsNoArchive();
    void readRefusesMoreThanMaxBytes();
    void readUnknownMember();
    void memberAddresses();
    void cancellation();

private:
    QTemporaryDir m_tmp;
};

void TestArchivePackage::initTestCase()
{
    // Nested archives are unpacked under the temporary folder; keep them where the tests can watch.
    QVERIFY(m_tmp.isValid());
    qputenv("TMPDIR", QFile::encodeName(m_tmp.path()));
    QCOMPARE(QDir::tempPath(), m_tmp.path());
}

void TestArchivePackage::listsAndReadsEveryFormat_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("kind");
    QTest::newRow("zip") << "deposit.zip"
                         << "zip";
    QTest::newRow("tar") << "deposit.tar"
                         << "tar";
    QTest::newRow("tar.gz") << "deposit.tar.gz"
                            << "tar.gz";
    QTest::newRow("tar.bz2") << "deposit.tar.bz2"
                             << "tar.bz2";
    QTest::newRow("tar.xz") << "deposit.tar.xz"
                            << "tar.xz";
    QTest::newRow("7z") << "deposit.7z"
                        << "7z";
}

void TestArchivePackage::listsAndReadsEveryFormat()
{
    QFETCH(QString, file);
    QFETCH(QString, kind);
    const auto package = openPackage(archiveSample(file));
    QVERIFY(package);
    QCOMPARE(package->kind(), kind);
    QCOMPARE(package->archivePath(), QFileInfo(archiveSample(file)).absoluteFilePath());
    QVERIFY(package->rejected().isEmpty());

    const QHash<QString, QByteArray> expected = expectedDeposit();
    QCOMPARE(expected.size(), 26);
    QStringList expectedPaths = expected.keys();
    expectedPaths.sort();
    QCOMPARE(filePaths(*package), expectedPaths);
    // Folders are listed as folders, never as files.
    qsizetype folders = 0;
    for (const PackageEntry &entry : package->entries())
        folders += entry.type == PackageEntry::Type::Directory ? 1 : 0;
    QCOMPARE(folders, 6);

    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(package->contains(it.key()), qPrintable(it.key()));
        const auto data = package->read(it.key());
        QVERIFY2(data.ok(), qPrintable(data.ok() ? QString() : data.error().message));
        QCOMPARE(sha256(*data), it.value());
    }
    // Reading again, in another order, gives the same bytes (sequential formats walk again or use the cache).
    const QString first = QStringLiteral("deposit/film1/page0001.tif");
    const auto again = package->read(first);
    QVERIFY(again.ok());
    QCOMPARE(sha256(*again), expected.value(first));
}

void TestArchivePackage::detectsByContentNotName_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("kind");
    QTest::newRow("zip") << "deposit.zip"
                         << "zip";
    QTest::newRow("tar") << "deposit.tar"
                         << "tar";
    QTest::newRow("tar.gz") << "deposit.tar.gz"
                            << "tar.gz";
    QTest::newRow("tar.bz2") << "deposit.tar.bz2"
                             << "tar.bz2";
    QTest::newRow("tar.xz") << "deposit.tar.xz"
                            << "tar.xz";
    QTest::newRow("7z") << "deposit.7z"
                        << "7z";
}

void TestArchivePackage::detectsByContentNotName()
{
    QFETCH(QString, file);
    QFETCH(QString, kind);
    QTemporaryDir dir;
    const QString renamed = dir.filePath(QStringLiteral("delivery-without-extension"));
    QVERIFY(QFile::copy(archiveSample(file), renamed));
    const auto format = ArchiveFormats::sniff(renamed);
    QVERIFY(format);
    QCOMPARE(ArchiveFormats::kind(*format), kind);

    CollectingSink sink;
    IntakeTrace trace;
    IntakeChain chain({}, {});
    const auto detected = chain.ingest(renamed, sink, trace, IntakeOptions{});
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, kind);
}

void TestArchivePackage::chainLoadsEveryFormat_data()
{
    listsAndReadsEveryFormat_data();
}

void TestArchivePackage::chainLoadsEveryFormat()
{
    QFETCH(QString, file);
    QFETCH(QString, kind);
    const QString path = archiveSample(file);
    CollectingSink sink;
    IntakeTrace trace;
    IntakeChain chain({}, {});
    const auto detected = chain.ingest(path, sink, trace, IntakeOptions{});
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, kind);

    QCOMPARE(stages(trace),
             (QStringList{QStringLiteral("file"), QStringLiteral("archive"), QStringLiteral("folder")}));
    const TraceStep &archive = trace.steps().at(1);
    QVERIFY2(
        archive.decision.contains(QStringLiteral("is a %1 archive with 32 entries (files: 26)").arg(kind)),
        qPrintable(archive.decision));
    QVERIFY(archive.decision.contains(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
    QVERIFY(archive.warnings.isEmpty());

    // 26 files, 12 of them sidecars: 14 files in 7 items (each page with its ALTO, README, notes).
    const QList<FileDraft> files = sink.files();
    QCOMPARE(files.size(), 14);
    QCOMPARE(sink.items.size(), 8);
    const FileDraft *page = sink.fileByMember(QStringLiteral("deposit/film2/page0010.tif"));
    QVERIFY(page);
    QCOMPARE(page->name, QStringLiteral("page0010.tif"));
    QCOMPARE(page->sourcePath, QFileInfo(path).absoluteFilePath());
    QCOMPARE(page->declaredSize, 3174);
    QCOMPARE(page->status, FileStatus::Pending);
    QVERIFY(!page->declared.md5.isEmpty());
    for (const FileDraft &f : files) {
        QCOMPARE(f.sourcePath, QFileInfo(path).absoluteFilePath());
        QVERIFY2(!f.sourceMember.endsWith(QStringLiteral(".md5")), qPrintable(f.sourceMember));
    }
}

void TestArchivePackage::sidecarsAreVerifiedDeclarations()
{
    // The listing ingester reads each .md5 sidecar through the package; the declared digest must be the md5
    // of the member's actual bytes, for every format.
    for (const char *file : {"deposit.zip", "deposit.tar.gz", "deposit.7z"}) {
        const auto package = openPackage(archiveSample(QString::fromLatin1(file)));
        QVERIFY(package);
        CollectingSink sink;
        IntakeTrace trace;
        const IntakeOptions options;
        IntakeContext context{sink, trace, options};
        ListingIngester listing;
        QVERIFY(listing.ingest(*package, context).ok());
        QVERIFY2(trace.steps().constLast().decision.contains(QStringLiteral("12 checksum files read")),
                 qPrintable(trace.steps().constLast().decision));
        int verified = 0;
        for (const FileDraft &f : sink.files()) {
            if (f.sourceMember.contains(QStringLiteral("README")) ||
                f.sourceMember.contains(QStringLiteral("notes")))
                continue;
            const auto data = package->read(f.sourceMember);
            QVERIFY(data.ok());
            QCOMPARE(f.declared.md5,
                     QString::fromLatin1(QCryptographicHash::hash(*data, QCryptographicHash::Md5).toHex()));
            QCOMPARE(f.declared.origin, f.sourceMember + QStringLiteral(".md5"));
            ++verified;
        }
        QCOMPARE(verified, 12);
    }
}

void TestArchivePackage::chainDegradesWhenManifestBreaks()
{
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    ingesters.push_back(std::make_unique<BrokenManifest>());
    IntakeChain chain(std::move(ingesters), {});
    CollectingSink sink;
    IntakeTrace trace;
    const auto detected =
        chain.ingest(archiveSample(QStringLiteral("deposit.zip")), sink, trace, IntakeOptions{});
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    // The zip whose manifest is broken still yields its files, through the plain listing.
    QCOMPARE(*detected, QStringLiteral("zip"));
    QCOMPARE(sink.files().size(), 14);
    for (const ItemDraft &item : std::as_const(sink.items))
        QVERIFY(item.identifier != u"half-made");
    QCOMPARE(stages(trace), (QStringList{QStringLiteral("file"), QStringLiteral("archive"),
                                         QStringLiteral("manifest"), QStringLiteral("folder")}));
    const QString warnings = allWarnings(trace);
    QVERIFY(warnings.contains(QStringLiteral("broken stage")));
    QVERIFY(warnings.contains(QStringLiteral("README.txt line 1")));
    QVERIFY(trace.steps().at(2).decision.contains(QStringLiteral("deposit.zip")));
}

void TestArchivePackage::plainGzipIsADocument()
{
    CollectingSink sink;
    IntakeTrace trace;
    IntakeChain chain({}, {});
    const QString path = dataPath(QStringLiteral("hostile/not-a-tar.gz"));
    QVERIFY(!ArchiveFormats::sniff(path));
    const auto detected = chain.ingest(path, sink, trace, IntakeOptions{});
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("file"));
    QVERIFY(!stages(trace).contains(QStringLiteral("archive")));
    QCOMPARE(sink.files().size(), 1);
    QCOMPARE(sink.files()[0].sourceMember, QString());
}

void TestArchivePackage::zipBasedDocumentsAreDocuments()
{
    // An EPUB is a zip inside; given on its own it is a document, not a package to unpack.
    QTemporaryDir dir;
    const QString epub = dir.filePath(QStringLiteral("book.epub"));
    const QString script =
        QStringLiteral("import zipfile,sys\n"
                       "with zipfile.ZipFile(sys.argv[1],'w') as z:\n"
                       "    z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip')\n"
                       "    z.writestr('OEBPS/chapter1.xhtml', '<html/>')\n");
    QCOMPARE(QProcess::execute(python3(), {QStringLiteral("-c"), script, epub}), 0);
    CollectingSink sink;
    IntakeTrace trace;
    IntakeChain chain({}, {});
    const auto detected = chain.ingest(epub, sink, trace, IntakeOptions{});
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("file"));
    QVERIFY(trace.steps().constFirst().decision.contains(QStringLiteral("epub")));

    // The same bytes called .zip are what the curator says they are: an archive.
    const QString zip = dir.filePath(QStringLiteral("book.zip"));
    QVERIFY(QFile::copy(epub, zip));
    CollectingSink zipSink;
    IntakeTrace zipTrace;
    const auto zipDetected = chain.ingest(zip, zipSink, zipTrace, IntakeOptions{});
    QVERIFY(zipDetected.ok());
    QCOMPARE(*zipDetected, QStringLiteral("zip"));
    QVERIFY(zipSink.fileByMember(QStringLiteral("OEBPS/chapter1.xhtml")));
}

void TestArchivePackage::namedLikeAnArchiveButIsNot()
{
    QTemporaryDir dir;
    const QString text = dir.filePath(QStringLiteral("delivery.tar.gz"));
    writeFile(text, "just a text file\n");
    CollectingSink sink;
    IntakeTrace trace;
    IntakeChain chain({}, {});
    const auto detected = chain.ingest(text, sink, trace, IntakeOptions{});
    QVERIFY(!detected.ok());
    QCOMPARE(detected.error().code, ErrorCode::Corrupt);
    QVERIFY2(detected.error().message.contains(
                 QStringLiteral("delivery.tar.gz is named like a tar.gz archive, but "
                                "its content is text/plain")),
             qPrintable(detected.error().message));
    QVERIFY(sink.items.isEmpty());
}

void TestArchivePackage::utf8Names()
{
    // Python sets general-purpose bit 11 on these names; QuaZip reads them as UTF-8.
    const auto package = openPackage(archiveSample(QStringLiteral("utf8-names.zip")));
    QVERIFY(package);
    QCOMPARE(filePaths(*package),
             (QStringList{QStringLiteral("café/Über.txt"), QStringLiteral("日本語.txt")}));
    const auto data = package->read(QStringLiteral("日本語.txt"));
    QVERIFY(data.ok());
    QCOMPARE(*data, QByteArray("utf8 two\n"));
}

void TestArchivePackage::cp437Names()
{
    // No bit 11: the bytes are CP437 (0x8E is Ä, 0xE1 ß, 0x8B ï), which as UTF-8 would be invalid.
    const auto package = openPackage(archiveSample(QStringLiteral("cp437-names.zip")));
    QVERIFY(package);
    QVERIFY(package->rejected().isEmpty());
    QCOMPARE(filePaths(*package),
             (QStringList{QStringLiteral("naïve.txt"), QStringLiteral("Äpfel/Straße.txt")}));
    const auto data = package->read(QStringLiteral("Äpfel/Straße.txt"));
    QVERIFY(data.ok());
    QCOMPARE(*data, QByteArray("cp437 one\n"));
}

void TestArchivePackage::backslashSeparators()
{
    const auto package = openPackage(archiveSample(QStringLiteral("backslash-separators.zip")));
    QVERIFY(package);
    QCOMPARE(filePaths(*package),
             (QStringList{QStringLiteral("scans/page1.tif"), QStringLiteral("scans/page2.tif")}));
    QCOMPARE(*package->read(QStringLiteral("scans/page2.tif")), QByteArray("II*\0two", 7));
}

void TestArchivePackage::dotPrefixedTar()
{
    const auto package = openPackage(archiveSample(QStringLiteral("dot-prefix.tar.gz")));
    QVERIFY(package);
    QVERIFY(package->rejected().isEmpty());
    QCOMPARE(filePaths(*package), (QStringList{QStringLiteral("scan.tif"), QStringLiteral("sub/note.txt")}));
    QCOMPARE(*package->read(QStringLiteral("sub/note.txt")), QByteArray("note\n"));
}

void TestArchivePackage::zip64Flagged()
{
    // Every member carries a zip64 extra field and the archive ends with a zip64 end-of-central-directory
    // record.
    const QByteArray raw = [] {
        QFile f(archiveSample(QStringLiteral("zip64.zip")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    QVERIFY(raw.contains(QByteArray("PK\x06\x06", 4)));
    const auto package = openPackage(archiveSample(QStringLiteral("zip64.zip")));
    QVERIFY(package);
    QCOMPARE(filePaths(*package),
             (QStringList{QStringLiteral("big/part1.bin"), QStringLiteral("big/part2.txt")}));
    const auto text = package->read(QStringLiteral("big/part2.txt"));
    QVERIFY(text.ok());
    QCOMPARE(*text, QByteArray("zip64 member\n").repeated(40));
    QCOMPARE(package->read(QStringLiteral("big/part1.bin"))->size(), 5000);
}

void TestArchivePackage::zip64ManyEntries()
{
    // More than 65,535 members need zip64's end record; too large to commit, so made here.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("many.zip"));
    const QString script = QStringLiteral("import zipfile,sys\n"
                                          "with zipfile.ZipFile(sys.argv[1],'w') as z:\n"
                                          "    for i in range(65600): z.writestr('d/%05d.txt' % i, b'')\n"
                                          "    z.writestr('last.txt', b'the last one\\n')\n");
    QCOMPARE(QProcess::execute(python3(), {QStringLiteral("-c"), script, path}), 0);
    const auto package = openPackage(path);
    QVERIFY(package);
    QCOMPARE(package->entries().size(), 65601);
    QCOMPARE(*package->read(QStringLiteral("last.txt")), QByteArray("the last one\n"));

    IntakeOptions tight;
    tight.archive.maxEntries = 65535;
    const auto refused = ArchivePackage::open(path, tight);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::LimitExceeded);
    QVERIFY(refused.error().message.contains(
        QStringLiteral("declares 65601 members; the limit for one archive is "
                       "65535 members")));
}

void TestArchivePackage::linksInsideAreListedNotFollowed()
{
    const auto package = openPackage(archiveSample(QStringLiteral("inside-links.tar")));
    QVERIFY(package);
    QVERIFY(package->rejected().isEmpty());
    QCOMPARE(filePaths(*package), QStringList{QStringLiteral("data/real.txt")});
    QStringList links;
    for (const PackageEntry &entry : package->entries()) {
        if (entry.type == PackageEntry::Type::Symlink)
            links.append(entry.path + u'>' + entry.linkTarget);
    }
    links.sort();
    QCOMPARE(links, (QStringList{QStringLiteral("data/alias.txt>data/real.txt"),
                                 QStringLiteral("data/hard.txt>data/real.txt")}));
    QCOMPARE(package->warnings().size(), 1);
    QVERIFY(package->warnings()[0].contains(QStringLiteral("data/alias.txt → data/real.txt")));
    QVERIFY(!package->read(QStringLiteral("data/alias.txt")).ok());
}

void TestArchivePackage::nestedArchiveAsPackage()
{
    const QString path = archiveSample(QStringLiteral("nested.zip"));
    const auto outer = openPackage(path);
    QVERIFY(outer);
    // Nested archives stay files in the listing.
    QCOMPARE(filePaths(*outer), (QStringList{QStringLiteral("cover.txt"), QStringLiteral("inner.zip"),
                                             QStringLiteral("more/inner.tar.gz")}));
    {
        auto inner = outer->openMember(QStringLiteral("inner.zip"));
        QVERIFY2(inner.ok(), qPrintable(inner.ok() ? QString() : inner.error().message));
        const ArchivePackage &zip = **inner;
        QCOMPARE(zip.kind(), QStringLiteral("zip"));
        QCOMPARE(zip.depth(), 1);
        QCOMPARE(zip.memberPrefix(), QStringLiteral("inner.zip!/"));
        QCOMPARE(zip.displayName(), QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()) +
                                        QStringLiteral("!/inner.zip"));
        QCOMPARE(filePaths(zip), (QStringList{QStringLiteral("page1.tif"), QStringLiteral("page1.tif.md5")}));
        FileDraft file;
        zip.locate(QStringLiteral("page1.tif"), file);
        QCOMPARE(file.sourcePath, QFileInfo(path).absoluteFilePath());
        QCOMPARE(file.sourceMember, QStringLiteral("inner.zip!/page1.tif"));
        QCOMPARE(file.declaredSize, 2052);
        QCOMPARE(zip.read(QStringLiteral("page1.tif"))->size(), 2052);
        // The inner archive lives in a private temporary folder while the package does.
        QCOMPARE(tree(m_tmp.path()).size(), 2);

        auto deeper = outer->openMember(QStringLiteral("more/inner.tar.gz"));
        QVERIFY(deeper.ok());
        QCOMPARE((*deeper)->kind(), QStringLiteral("tar.gz"));
        FileDraft text;
        (*deeper)->locate(QStringLiteral("text/page1.txt"), text);
        QCOMPARE(text.sourceMember, QStringLiteral("more/inner.tar.gz!/text/page1.txt"));
        QCOMPARE(*(*deeper)->read(QStringLiteral("text/page1.txt")), QByteArray("page one text\n"));
    }
    // Both temporary copies are gone with their packages.
    QCOMPARE(tree(m_tmp.path()), QStringList());
}

void TestArchivePackage::nestedArchiveListingVerifiesSidecars()
{
    const auto outer = openPackage(archiveSample(QStringLiteral("nested.zip")));
    QVERIFY(outer);
    auto inner = outer->openMember(QStringLiteral("inner.zip"));
    QVERIFY(inner.ok());
    CollectingSink sink;
    IntakeTrace trace;
    const IntakeOptions options;
    IntakeContext context{sink, trace, options};
    ListingIngester listing;
    QVERIFY(listing.ingest(**inner, context).ok());
    const QList<FileDraft> files = sink.files(); // by value: a reference into a temporary would dangle
    QCOMPARE(files.size(), 1);
    const FileDraft &page = files[0];
    QCOMPARE(page.sourceMember, QStringLiteral("inner.zip!/page1.tif"));
    const auto data = (*inner)->read(QStringLiteral("page1.tif"));
    QCOMPARE(page.declared.md5,
             QString::fromLatin1(QCryptographicHash::hash(*data, QCryptographicHash::Md5).toHex()));
}

void TestArchivePackage::nestedMemberThatIsNoArchive()
{
    const auto outer = openPackage(archiveSample(QStringLiteral("nested.zip")));
    QVERIFY(outer);
    const auto notArchive = outer->openMember(QStringLiteral("cover.txt"));
    QVERIFY(!notArchive.ok());
    QCOMPARE(notArchive.error().code, ErrorCode::Unsupported);
    QVERIFY(notArchive.error().message.contains(QStringLiteral("nested.zip!/cover.txt is not an archive")));
    const auto missing = outer->openMember(QStringLiteral("nothing.zip"));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QCOMPARE(tree(m_tmp.path()), QStringList());
}

void TestArchivePackage::readRefusesMoreThanMaxBytes()
{
    for (const char *file : {"deposit.zip", "deposit.tar.gz"}) {
        const auto package = openPackage(archiveSample(QString::fromLatin1(file)));
        QVERIFY(package);
        const auto data = package->read(QStringLiteral("deposit/film1/page0001.tif"), 1000);
        QVERIFY(!data.ok());
        QCOMPARE(data.error().code, ErrorCode::LimitExceeded);
        QVERIFY2(data.error().message.contains(QStringLiteral("deposit/film1/page0001.tif in ")) &&
                     data.error().message.contains(QString::fromLatin1(file)) &&
                     data.error().message.contains(QStringLiteral("1000 bytes")),
                 qPrintable(data.error().message));
        // The package is still usable afterwards.
        QVERIFY(package->read(QStringLiteral("deposit/README.txt")).ok());
    }
}

void TestArchivePackage::readUnknownMember()
{
    const auto package = openPackage(archiveSample(QStringLiteral("deposit.zip")));
    QVERIFY(package);
    const auto data = package->read(QStringLiteral("deposit/nothing.txt"));
    QVERIFY(!data.ok());
    QCOMPARE(data.error().code, ErrorCode::NotFound);
    // Folders are not files to read.
    QVERIFY(!package->read(QStringLiteral("deposit/film1")).ok());
}

void TestArchivePackage::memberAddresses()
{
    QCOMPARE(ArchiveMember::join(QStringLiteral("a/inner.zip"), QStringLiteral("b/x.tif")),
             QStringLiteral("a/inner.zip!/b/x.tif"));
    QCOMPARE(ArchiveMember::split(QStringLiteral("a/inner.zip!/b/deeper.tar!/x.tif")),
             (QStringList{QStringLiteral("a/inner.zip"), QStringLiteral("b/deeper.tar"),
                          QStringLiteral("x.tif")}));
    QCOMPARE(ArchiveMember::check(QStringLiteral("./a//b/./c.txt"), 1024).path, QStringLiteral("a/b/c.txt"));
    QCOMPARE(ArchiveMember::check(QStringLiteral("a\\b.txt"), 1024).path, QStringLiteral("a/b.txt"));
    QCOMPARE(ArchiveMember::check(QStringLiteral("a/../b.txt"), 1024).status, FileStatus::UnsafePath);
    QCOMPARE(ArchiveMember::check(QStringLiteral("C:evil"), 1024).status, FileStatus::UnsafePath);
    QCOMPARE(ArchiveMember::check(QStringLiteral("notes:v2.txt"), 1024).path, QStringLiteral("notes:v2.txt"));
    QCOMPARE(ArchiveMember::check(QStringLiteral("a!/b"), 1024).status, FileStatus::Unsupported);
    QCOMPARE(ArchiveMember::check(QStringLiteral("wow!.txt"), 1024).path, QStringLiteral("wow!.txt"));
    QCOMPARE(ArchiveMember::resolveLink(QStringLiteral("a/b/link"), QStringLiteral("../c")),
             QStringLiteral("a/c"));
    QCOMPARE(ArchiveMember::resolveLink(QStringLiteral("a/link"), QStringLiteral("../../c")), QString());
    QCOMPARE(ArchiveMember::displayBytes(QByteArray("ok\xff\xc3\xa9", 5)), QStringLiteral("ok\\xffé"));
}

void TestArchivePackage::cancellation()
{
    std::atomic_bool cancel{true};
    IntakeOptions options;
    options.cancel = &cancel;
    const auto package = ArchivePackage::open(archiveSample(QStringLiteral("deposit.tar.gz")), options);
    QVERIFY(!package.ok());
    QCOMPARE(package.error().code, ErrorCode::Cancelled);
}

QTEST_GUILESS_MAIN(TestArchivePackage)
#include "tst_archivepackage.moc"
