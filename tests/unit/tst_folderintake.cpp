#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "intake/folderpackage.h"
#include "intake/intakechain.h"
#include "intake/listingingester.h"
#include "testsupport.h"

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
    QList<ItemDraft> items;
};

} // namespace

class TestFolderIntake : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void itemIdentifiers();
    void groupsByFolderAndStem();
    void naturalOrder();
    void sidecarsDeclareChecksums();
    void orphanSidecarIsAFile();
    void badSidecarWarns();
    void litterSkippedAndNamed();
    void symlinks();
    void specialFilesUnsupported();
    void emptyFolderWarns();
    void cancellation();
    void litterInArchivesToo();
    void chainDegradesAndRollsBack();
    void chainStopsOnFatalErrors();
    void chainLoadsASingleFile();

private:
    void ingest();
    QTemporaryDir *m_dir = nullptr;
    std::unique_ptr<QTemporaryDir> m_owner;
    CollectingSink m_sink;
    IntakeTrace m_trace;
    QString path(const QString &relative) const { return m_dir->filePath(relative); }
};

void TestFolderIntake::init()
{
    m_owner = std::make_unique<QTemporaryDir>();
    m_dir = m_owner.get();
    m_sink = {};
    m_trace = {};
}

void TestFolderIntake::ingest()
{
    const IntakeOptions options;
    auto package = FolderPackage::open(m_dir->path(), options);
    QVERIFY(package.ok());
    IntakeContext context{m_sink, m_trace, options};
    ListingIngester listing;
    const Status s = listing.ingest(**package, context);
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
}

void TestFolderIntake::itemIdentifiers()
{
    QCOMPARE(ListingIngester::itemIdentifier(QStringLiteral("film1/page0001.jp2")),
             QStringLiteral("film1/page0001"));
    QCOMPARE(ListingIngester::itemIdentifier(QStringLiteral("film1/page0001.alto.xml")),
             QStringLiteral("film1/page0001"));
    QCOMPARE(ListingIngester::itemIdentifier(QStringLiteral("README")), QStringLiteral("README"));
    QCOMPARE(ListingIngester::itemIdentifier(QStringLiteral("a/.hidden.txt")), QStringLiteral("a/.hidden"));
}

void TestFolderIntake::groupsByFolderAndStem()
{
    test::writeFile(path(QStringLiteral("film1/page0001.jp2")), "jp2");
    test::writeFile(path(QStringLiteral("film1/page0001.alto.xml")), "<alto/>");
    test::writeFile(path(QStringLiteral("film1/page0001.mix.xml")), "<mix/>");
    test::writeFile(path(QStringLiteral("film2/page0001.jp2")), "other film");
    ingest();
    QCOMPARE(m_sink.items.size(), 2);
    const ItemDraft *page = m_sink.find(QStringLiteral("film1/page0001"));
    QVERIFY(page);
    QCOMPARE(page->files.size(), 3);
    QCOMPARE(page->label, QStringLiteral("page0001"));
    QCOMPARE(page->metadata.value(QStringLiteral("folder")).toString(), QStringLiteral("film1"));
    const FileDraft *jp2 = m_sink.file(QStringLiteral("film1/page0001"), QStringLiteral("page0001.jp2"));
    QVERIFY(jp2);
    QCOMPARE(jp2->declaredSize, 3);
    QCOMPARE(jp2->sourcePath, path(QStringLiteral("film1/page0001.jp2")));
    QCOMPARE(jp2->status, FileStatus::Pending);
}

void TestFolderIntake::naturalOrder()
{
    for (const char *name : {"p10.tif", "p2.tif", "p1.tif", "P3.tif"})
        test::writeFile(path(QString::fromLatin1(name)), name);
    ingest();
    QStringList order;
    for (const ItemDraft &item : std::as_const(m_sink.items))
        order.append(item.identifier);
    QCOMPARE(order.indexOf(QStringLiteral("p1")) < order.indexOf(QStringLiteral("p2")), true);
    QCOMPARE(order.indexOf(QStringLiteral("p2")) < order.indexOf(QStringLiteral("p10")), true);
}

void TestFolderIntake::sidecarsDeclareChecksums()
{
    test::writeFile(path(QStringLiteral("a/page.jp2")), "abc");
    test::writeFile(path(QStringLiteral("a/page.jp2.md5")), "900150983cd24fb0d6963f7d28e17f72  page.jp2\n");
    test::writeFile(path(QStringLiteral("a/page.jp2.sha256")),
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
    ingest();
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].files.size(), 1); // sidecars are declarations, not files
    const FileDraft &f = m_sink.items[0].files[0];
    QCOMPARE(f.declared.md5, QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    QCOMPARE(f.declared.sha256,
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QVERIFY(f.declared.origin.contains(QStringLiteral("a/page.jp2.md5")));
    QVERIFY(f.declared.origin.contains(QStringLiteral("a/page.jp2.sha256")));
}

void TestFolderIntake::orphanSidecarIsAFile()
{
    test::writeFile(path(QStringLiteral("b/lonely.txt.md5")), "900150983cd24fb0d6963f7d28e17f72\n");
    ingest();
    QVERIFY(m_sink.file(QStringLiteral("b/lonely"), QStringLiteral("lonely.txt.md5")));
}

void TestFolderIntake::badSidecarWarns()
{
    test::writeFile(path(QStringLiteral("page.tif")), "tif");
    test::writeFile(path(QStringLiteral("page.tif.sha1")), "not a checksum at all\n");
    ingest();
    const FileDraft *f = m_sink.file(QStringLiteral("page"), QStringLiteral("page.tif"));
    QVERIFY(f);
    QVERIFY(f->declared.isEmpty());
    QVERIFY(m_trace.steps().constLast().warnings.join(u' ').contains(QStringLiteral("page.tif.sha1")));
}

void TestFolderIntake::litterSkippedAndNamed()
{
    test::writeFile(path(QStringLiteral("page.tif")), "tif");
    test::writeFile(path(QStringLiteral(".DS_Store")), "x");
    test::writeFile(path(QStringLiteral("sub/Thumbs.db")), "x");
    test::writeFile(path(QStringLiteral("._page.tif")), "x");
    test::writeFile(path(QStringLiteral(".hidden-but-real")), "kept");
    ingest();
    QCOMPARE(m_sink.items.size(), 2);
    QVERIFY(m_sink.find(QStringLiteral(".hidden-but-real")));
    const QString warnings = m_trace.steps().constLast().warnings.join(u' ');
    QVERIFY(warnings.contains(QStringLiteral(".DS_Store")));
    QVERIFY(warnings.contains(QStringLiteral("sub/Thumbs.db")));
}

void TestFolderIntake::symlinks()
{
    QTemporaryDir outside;
    test::writeFile(outside.filePath(QStringLiteral("secret.txt")), "secret");
    test::writeFile(path(QStringLiteral("real.txt")), "inside");
    QVERIFY(QFile::link(path(QStringLiteral("real.txt")), path(QStringLiteral("inner-link.txt"))));
    QVERIFY(
        QFile::link(outside.filePath(QStringLiteral("secret.txt")), path(QStringLiteral("outer-link.txt"))));
    QVERIFY(QFile::link(path(QStringLiteral("gone.txt")), path(QStringLiteral("dangling.txt"))));
    QVERIFY(QFile::link(outside.path(), path(QStringLiteral("folder-link"))));
    ingest();

    const FileDraft *inner = m_sink.file(QStringLiteral("inner-link"), QStringLiteral("inner-link.txt"));
    QVERIFY(inner);
    QCOMPARE(inner->status, FileStatus::Pending);
    const FileDraft *outer = m_sink.file(QStringLiteral("outer-link"), QStringLiteral("outer-link.txt"));
    QVERIFY(outer);
    QCOMPARE(outer->status, FileStatus::UnsafePath);
    QVERIFY(outer->error.contains(QStringLiteral("outside")));
    const FileDraft *dangling = m_sink.file(QStringLiteral("dangling"), QStringLiteral("dangling.txt"));
    QVERIFY(dangling);
    QCOMPARE(dangling->status, FileStatus::UnsafePath);
    // Nothing inside the linked folder was listed.
    QVERIFY(!m_sink.find(QStringLiteral("folder-link/secret")));
    QVERIFY(m_trace.steps().constLast().warnings.join(u' ').contains(QStringLiteral("folder-link")));
}

void TestFolderIntake::specialFilesUnsupported()
{
    QVERIFY(::mkfifo(QFile::encodeName(path(QStringLiteral("pipe"))).constData(), 0600) == 0);
    ingest();
    const FileDraft *pipe = m_sink.file(QStringLiteral("pipe"), QStringLiteral("pipe"));
    QVERIFY(pipe);
    QCOMPARE(pipe->status, FileStatus::Unsupported);
}

void TestFolderIntake::emptyFolderWarns()
{
    ingest();
    QVERIFY(m_sink.items.isEmpty());
    QVERIFY(!m_trace.steps().constLast().warnings.isEmpty());
}

void TestFolderIntake::cancellation()
{
    test::writeFile(path(QStringLiteral("a.txt")), "a");
    std::atomic_bool cancel{true};
    IntakeOptions options;
    options.cancel = &cancel;
    const auto package = FolderPackage::open(m_dir->path(), options);
    QVERIFY(!package.ok());
    QCOMPARE(package.error().code, ErrorCode::Cancelled);
}

void TestFolderIntake::litterInArchivesToo()
{
    QVERIFY(ListingIngester::isLitter(QStringLiteral("__MACOSX/a/._b.jpg")));
    QVERIFY(ListingIngester::isLitter(QStringLiteral("x/__MACOSX/b.jpg")));
    QVERIFY(!ListingIngester::isLitter(QStringLiteral("x/MACOSX/b.jpg")));
}

namespace {

//! A manifest ingester that adds items and then finds the manifest broken.
class BrokenManifest final : public PackageIngester
{
public:
    explicit BrokenManifest(ErrorCode code)
        : m_code(code)
    {}
    QString kind() const override { return QStringLiteral("broken"); }
    bool recognise(const Package &package) const override
    {
        return package.contains(QStringLiteral("manifest.xml"));
    }
    Status ingest(const Package &, IntakeContext &context) override
    {
        for (int i = 0; i < 2; ++i) {
            ItemDraft item;
            item.identifier = QStringLiteral("half-%1").arg(i);
            if (Status s = context.sink.add(item); !s)
                return s;
        }
        return Error{m_code, QStringLiteral("manifest.xml line 7: unexpected end of element")};
    }

private:
    ErrorCode m_code;
};

} // namespace

void TestFolderIntake::chainDegradesAndRollsBack()
{
    test::writeFile(path(QStringLiteral("manifest.xml")), "<broken");
    test::writeFile(path(QStringLiteral("data/a.tif")), "a");
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    ingesters.push_back(std::make_unique<BrokenManifest>(ErrorCode::Invalid));
    IntakeChain chain(std::move(ingesters), {});
    const auto kind = chain.ingest(m_dir->path(), m_sink, m_trace, IntakeOptions{});
    QVERIFY(kind.ok());
    QCOMPARE(*kind, QStringLiteral("folder"));
    // The half-made items are gone; the listing's items are there, manifest included.
    QVERIFY(!m_sink.find(QStringLiteral("half-0")));
    QVERIFY(m_sink.find(QStringLiteral("data/a")));
    QVERIFY(m_sink.find(QStringLiteral("manifest")));
    QStringList stages;
    QString warnings;
    for (const TraceStep &step : m_trace.steps()) {
        stages.append(step.stage);
        warnings += step.warnings.join(u' ');
    }
    QCOMPARE(stages,
             (QStringList{QStringLiteral("file"), QStringLiteral("manifest"), QStringLiteral("folder")}));
    QVERIFY(warnings.contains(QStringLiteral("broken stage")));
    QVERIFY(warnings.contains(QStringLiteral("line 7")));
}

void TestFolderIntake::chainStopsOnFatalErrors()
{
    test::writeFile(path(QStringLiteral("manifest.xml")), "<x/>");
    std::vector<std::unique_ptr<PackageIngester>> ingesters;
    ingesters.push_back(std::make_unique<BrokenManifest>(ErrorCode::Io));
    IntakeChain chain(std::move(ingesters), {});
    const auto kind = chain.ingest(m_dir->path(), m_sink, m_trace, IntakeOptions{});
    QVERIFY(!kind.ok());
    QCOMPARE(kind.error().code, ErrorCode::Io);
}

void TestFolderIntake::chainLoadsASingleFile()
{
    test::writeFile(path(QStringLiteral("scan.tif")), QByteArray("II*\0\x08\0\0\0", 8));
    IntakeChain chain({}, {});
    const auto kind = chain.ingest(path(QStringLiteral("scan.tif")), m_sink, m_trace, IntakeOptions{});
    QVERIFY(kind.ok());
    QCOMPARE(*kind, QStringLiteral("file"));
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].files[0].sourcePath, path(QStringLiteral("scan.tif")));
    QCOMPARE(m_trace.steps().constFirst().stage, QStringLiteral("file"));
    QVERIFY(m_trace.steps().constFirst().decision.contains(QStringLiteral("image/tiff")));
}

QTEST_GUILESS_MAIN(TestFolderIntake)
#include "tst_folderintake.moc"
