#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "digest/multidigest.h"
#include "intake/bagit/bagwriter.h"
#include "store/localstore.h"
#include "testsupport.h"
#include "tst_bagsupport.h"

using namespace gh;

namespace {

struct Source
{
    QString item;
    QString name;
    QByteArray bytes;
    FileStatus status = FileStatus::Success;
};

} // namespace

class TestBagWriter : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void writesAValidBag();
    void writesEveryAlgorithm();
    void refusesBadAlgorithmLists();
    void leavesOutFilesThatAreNotStored();
    void encodesAwkwardNames();
    void resolvesCollidingPaths();
    void intoAnEmptyFolder();
    void refusesANonEmptyFolder();
    void refusesWhenTheStoreDiffersFromTheCatalog();
    void cancelledExportLeavesNothing();
    void payloadPaths();

private:
    qint64 makeBatch(const QList<Source> &sources,
                     const QString &name = QStringLiteral("Newspaper batch RT1"));
    QString out(const QString &relative = QStringLiteral("bag")) const { return m_dir->filePath(relative); }
    //! Everything in the temporary folder's root except the catalog and the store.
    QStringList leftovers() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<LocalStore> m_store;
};

void TestBagWriter::init()
{
    m_catalog.reset();
    m_store.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    auto location = CatalogLocation::parse(m_dir->filePath(QStringLiteral("catalog.sqlite")));
    QVERIFY(location.ok());
    auto catalog = Catalog::open(*location);
    QVERIFY2(catalog.ok(), qPrintable(catalog.ok() ? QString() : catalog.error().message));
    m_catalog = std::move(*catalog);
    auto store = LocalStore::open(m_dir->filePath(QStringLiteral("store")));
    QVERIFY(store.ok());
    m_store = std::move(*store);
}

qint64 TestBagWriter::makeBatch(const QList<Source> &sources, const QString &name)
{
    const auto batchId = m_catalog->createBatch(name, QStringLiteral("/deliveries/rt1"));
    if (!batchId)
        return -1;
    QHash<QString, qint64> items;
    QList<FileRecord> outcomes;
    int seq = 0;
    for (const Source &s : sources) {
        if (!items.contains(s.item)) {
            ItemRecord item;
            item.batchId = *batchId;
            item.seq = int(items.size() + 1);
            item.identifier = s.item;
            items.insert(s.item, m_catalog->insertItem(item).value());
        }
        FileRecord f;
        f.batchId = *batchId;
        f.itemId = items.value(s.item);
        f.seq = ++seq;
        f.name = s.name;
        f.sourcePath = u"/deliveries/rt1/" + s.name;
        f.id = m_catalog->insertFile(f).value();
        f.status = s.status;
        f.attempts = 1;
        if (s.status == FileStatus::Success) {
            const Digests digests = MultiDigest::of(s.bytes);
            f.size = s.bytes.size();
            f.digests = digests;
            f.storedKey = QStringLiteral("%1/%2").arg(*batchId).arg(f.id);
            auto writer = m_store->beginWrite();
            if (!writer || !(*writer)->write(s.bytes.constData(), s.bytes.size()) ||
                !(*writer)->commit(f.storedKey, digests))
                return -1;
        } else {
            f.error = QStringLiteral("did not work out");
        }
        outcomes.append(f);
    }
    // As the fetch stage does: the objects become durable and visible before the catalog records them.
    if (!m_store->flush() || !m_catalog->recordOutcomes(outcomes, {}))
        return -1;
    return *batchId;
}

QStringList TestBagWriter::leftovers() const
{
    QStringList names = QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString &ours : {QStringLiteral("catalog.sqlite"), QStringLiteral("catalog.sqlite-wal"),
                                QStringLiteral("catalog.sqlite-shm"), QStringLiteral("store")})
        names.removeAll(ours);
    return names;
}

void TestBagWriter::writesAValidBag()
{
    const QByteArray page = test::pseudoRandomBytes(300000, 7);
    const qint64 batch =
        makeBatch({{QStringLiteral("film1/page0001"), QStringLiteral("page0001.jp2"), page},
                   {QStringLiteral("film1/page0001"), QStringLiteral("page0001.alto.xml"), "<alto/>"},
                   {QStringLiteral("README"), QStringLiteral("README.txt"), "Read me.\n"}});
    QVERIFY(batch > 0);

    QList<BagProgress> progress;
    BagWriter::Options options;
    options.baggingDate = QDate(2024, 5, 2);
    options.bagInfo = {{QStringLiteral("Source-Organization"), QStringLiteral("Example Library")}};
    options.progress = [&](const BagProgress &p) { progress.append(p); };
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out(), options);
    QVERIFY2(exported.ok(), qPrintable(exported.ok() ? QString() : exported.error().message));
    QCOMPARE(exported->files, 3);
    QCOMPARE(exported->bytes, page.size() + 7 + 9);
    QVERIFY(exported->skipped.isEmpty());
    QCOMPARE(exported->directory, out());
    QCOMPARE(progress.constLast().filesDone, 3);
    QCOMPARE(progress.constLast().bytesDone, exported->bytes);

    // data/<item>/<file name>, byte for byte.
    QCOMPARE(test::readFile(out(QStringLiteral("bag/data/film1/page0001/page0001.jp2"))), page);
    QCOMPARE(test::readFile(out(QStringLiteral("bag/data/README/README.txt"))), QByteArray("Read me.\n"));
    QCOMPARE(test::readFile(out(QStringLiteral("bag/bagit.txt"))),
             QByteArray("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"));
    const QByteArray sha256 = test::readFile(out(QStringLiteral("bag/manifest-sha256.txt")));
    QVERIFY(sha256.contains(
        (test::digestHex(page, QStringLiteral("sha256")) + u"  data/film1/page0001/page0001.jp2\n")
            .toUtf8()));
    // RFC 8493 §2.4: creators should enable sha512 by default; sha256 is what the catalog records.
    const QByteArray sha512 = test::readFile(out(QStringLiteral("bag/manifest-sha512.txt")));
    QVERIFY(sha512.contains(
        (test::digestHex("Read me.\n", QStringLiteral("sha512")) + u"  data/README/README.txt\n").toUtf8()));
    QVERIFY(!QFile::exists(out(QStringLiteral("bag/manifest-md5.txt"))));
    const QByteArray info = test::readFile(out(QStringLiteral("bag/bag-info.txt")));
    QVERIFY(info.contains("Bag-Software-Agent: Gatehouse "));
    QVERIFY(info.contains("Bagging-Date: 2024-05-02\n"));
    QVERIFY(info.contains("External-Description: Newspaper batch RT1\n"));
    QVERIFY(info.contains("Source-Organization: Example Library\n"));
    QVERIFY(info.contains(QByteArray("Payload-Oxum: " + QByteArray::number(exported->bytes) + ".3\n")));
    QVERIFY(!info.contains("External-Identifier"));
    QVERIFY(QFile::exists(out(QStringLiteral("bag/tagmanifest-sha256.txt"))));
    QVERIFY(QFile::exists(out(QStringLiteral("bag/tagmanifest-sha512.txt"))));

    const auto report = BagValidator::validate(out());
    QVERIFY(report.ok());
    QVERIFY(report->valid());
    QVERIFY(report->warnings.isEmpty());
    QCOMPARE(report->filesVerified, 3 + 4);
    QCOMPARE(leftovers(), QStringList{QStringLiteral("bag")}); // no working folder left behind
}

void TestBagWriter::writesEveryAlgorithm()
{
    const QByteArray page = test::pseudoRandomBytes(20 * 1024 * 1024, 9); // large enough to split lanes
    const qint64 batch = makeBatch({{QStringLiteral("film1"), QStringLiteral("page0001.tif"), page},
                                    {QStringLiteral("README"), QStringLiteral("README.txt"), "Read me.\n"}});
    QVERIFY(batch > 0);
    BagWriter::Options options;
    options.algorithms = {DigestAlgorithm::Md5,    DigestAlgorithm::Sha1,   DigestAlgorithm::Sha224,
                          DigestAlgorithm::Sha256, DigestAlgorithm::Sha384, DigestAlgorithm::Sha512};
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out(), options);
    QVERIFY2(exported.ok(), qPrintable(exported.ok() ? QString() : exported.error().message));
    // Every manifest holds what an independent implementation (QCryptographicHash) computes.
    for (const char *name : {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}) {
        const QString algorithm = QString::fromLatin1(name);
        const QByteArray manifest = test::readFile(out(u"bag/manifest-" + algorithm + u".txt"));
        QVERIFY2(
            manifest.contains((test::digestHex(page, algorithm) + u"  data/film1/page0001.tif\n").toUtf8()),
            name);
        QVERIFY2(manifest.contains(
                     (test::digestHex("Read me.\n", algorithm) + u"  data/README/README.txt\n").toUtf8()),
                 name);
        const QByteArray tags = test::readFile(out(u"bag/tagmanifest-" + algorithm + u".txt"));
        const QByteArray bagit = test::readFile(out(QStringLiteral("bag/bagit.txt")));
        QVERIFY2(tags.contains((test::digestHex(bagit, algorithm) + u"  bagit.txt\n").toUtf8()), name);
        QVERIFY2(
            tags.contains(
                (test::digestHex(manifest, algorithm) + u"  manifest-" + algorithm + u".txt\n").toUtf8()),
            name);
    }
    const auto report = BagValidator::validate(out());
    QVERIFY(report.ok());
    QVERIFY(report->valid());
    QCOMPARE(report->filesVerified, 2 + 2 + 6);
    // sha224 is outside IANA's registry: the only warnings, one for each of its manifests.
    QStringList warnings;
    for (const BagIssue &issue : report->warnings)
        warnings.append(issue.message);
    QVERIFY2(report->warnings.size() == 2, qPrintable(warnings.join(u'\n')));
    for (const BagIssue &issue : report->warnings)
        QCOMPARE(issue.code, BagIssue::Code::UnregisteredAlgorithm);
}

void TestBagWriter::refusesBadAlgorithmLists()
{
    const qint64 batch = makeBatch({{QStringLiteral("a"), QStringLiteral("a.txt"), "stored"}});
    BagWriter::Options options;
    options.algorithms = {};
    auto exported = BagWriter::write(*m_catalog, *m_store, batch, out(), options);
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Usage);
    options.algorithms = {DigestAlgorithm::Sha256, DigestAlgorithm::Sha256};
    exported = BagWriter::write(*m_catalog, *m_store, batch, out(), options);
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Usage);
    QVERIFY(!QFile::exists(out()));
}

void TestBagWriter::leavesOutFilesThatAreNotStored()
{
    const qint64 batch =
        makeBatch({{QStringLiteral("a"), QStringLiteral("a.txt"), "stored"},
                   {QStringLiteral("b"), QStringLiteral("b.txt"), "bad", FileStatus::FixityMismatch},
                   {QStringLiteral("c"), QStringLiteral("c.txt"), "", FileStatus::NotFound}});
    QVERIFY(batch > 0);
    // A fixity mismatch is stored (for the curator to inspect) but must not go out as good content.
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY(exported.ok());
    QCOMPARE(exported->files, 1);
    QCOMPARE(exported->skipped.size(), 2);
    QCOMPARE(exported->skipped[0].name, QStringLiteral("b.txt"));
    QCOMPARE(exported->skipped[0].status, FileStatus::FixityMismatch);
    QCOMPARE(exported->skipped[1].item, QStringLiteral("c"));
    QCOMPARE(exported->skipped[1].status, FileStatus::NotFound);
    QVERIFY(!QFile::exists(out(QStringLiteral("bag/data/b/b.txt"))));
    const auto report = BagValidator::validate(out());
    QVERIFY(report->valid());
    QCOMPARE(report->payloadFiles, 1);
}

void TestBagWriter::encodesAwkwardNames()
{
    const qint64 batch =
        makeBatch({{QStringLiteral("notes"), QStringLiteral("100% cotton.txt"), "pure"},
                   {QStringLiteral("notes"), QStringLiteral("line\nbreak.txt"), "two\nlines"},
                   {QStringLiteral("../up"), QStringLiteral("back\\slash.txt"), "escape?"}});
    QVERIFY(batch > 0);
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY2(exported.ok(), qPrintable(exported.ok() ? QString() : exported.error().message));
    const QByteArray manifest = test::readFile(out(QStringLiteral("bag/manifest-sha256.txt")));
    QVERIFY(manifest.contains("  data/notes/100%25 cotton.txt\n"));
    QVERIFY(manifest.contains("  data/notes/line%0Abreak.txt\n"));
    QVERIFY(manifest.contains("  data/_/up/back_slash.txt\n"));
    QCOMPARE(test::readFile(out(QStringLiteral("bag/data/notes/line\nbreak.txt"))), QByteArray("two\nlines"));
    const auto report = BagValidator::validate(out());
    QVERIFY(report->valid());
    QCOMPARE(report->payloadFiles, 3);
}

void TestBagWriter::resolvesCollidingPaths()
{
    const qint64 batch = makeBatch({{QStringLiteral("scan"), QStringLiteral("Page.tif"), "first"},
                                    {QStringLiteral("Scan"), QStringLiteral("page.tif"), "second"}});
    QVERIFY(batch > 0);
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY(exported.ok());
    QCOMPARE(exported->files, 2);
    QCOMPARE(exported->renamed.size(), 1);
    QVERIFY2(exported->renamed[0].contains(QStringLiteral("Scan/page.tif")),
             qPrintable(exported->renamed[0]));
    const auto report = BagValidator::validate(out());
    QVERIFY(report->valid());
    QVERIFY(report->warnings.isEmpty()); // no two names differ only in case
}

void TestBagWriter::intoAnEmptyFolder()
{
    const qint64 batch = makeBatch({{QStringLiteral("a"), QStringLiteral("a.txt"), "a"}});
    QVERIFY(QDir().mkpath(out()));
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY2(exported.ok(), qPrintable(exported.ok() ? QString() : exported.error().message));
    QVERIFY(BagValidator::validate(out())->valid());
    // A new folder below one that does not exist yet works too.
    const auto nested =
        BagWriter::write(*m_catalog, *m_store, batch, out(QStringLiteral("exports/2024/bag")));
    QVERIFY(nested.ok());
    QVERIFY(BagValidator::validate(out(QStringLiteral("exports/2024/bag")))->valid());
}

void TestBagWriter::refusesANonEmptyFolder()
{
    const qint64 batch = makeBatch({{QStringLiteral("a"), QStringLiteral("a.txt"), "a"}});
    test::writeFile(out(QStringLiteral("bag/keep-me.txt")), "precious");
    auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Usage);
    QVERIFY(exported.error().message.contains(QStringLiteral("is not empty")));
    QCOMPARE(QDir(out()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("keep-me.txt")});

    test::writeFile(out(QStringLiteral("file")), "x");
    exported = BagWriter::write(*m_catalog, *m_store, batch, out(QStringLiteral("file")));
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Usage);
    QCOMPARE(test::readFile(out(QStringLiteral("file"))), QByteArray("x"));

    exported = BagWriter::write(*m_catalog, *m_store, 999, out(QStringLiteral("other")));
    QVERIFY(!exported.ok());
    QVERIFY(!QFile::exists(out(QStringLiteral("other"))));
}

void TestBagWriter::refusesWhenTheStoreDiffersFromTheCatalog()
{
    const qint64 batch = makeBatch({{QStringLiteral("a"), QStringLiteral("a.txt"), "original"},
                                    {QStringLiteral("b"), QStringLiteral("b.txt"), "fine"}});
    // Bit rot in the store: same size, one byte different.
    const FileRecord first = m_catalog->files(batch).value().constFirst();
    const QString stored = m_store->localPath(first.storedKey);
    test::writeFile(stored, "0riginal");
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out());
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Corrupt);
    QVERIFY2(exported.error().message.contains(QStringLiteral("a/a.txt")),
             qPrintable(exported.error().message));
    QVERIFY(exported.error().message.contains(first.digests.sha256));
    // Nothing under the destination's name, and no working folder left over.
    QVERIFY(!QFile::exists(out()));
    QVERIFY2(leftovers().isEmpty(), qPrintable(leftovers().join(u' ')));
}

void TestBagWriter::cancelledExportLeavesNothing()
{
    QList<Source> sources;
    for (int i = 0; i < 10; ++i)
        sources.append({QStringLiteral("p%1").arg(i), QStringLiteral("p%1.bin").arg(i),
                        test::pseudoRandomBytes(5000, quint64(i))});
    const qint64 batch = makeBatch(sources);
    std::atomic_bool cancel{false};
    BagWriter::Options options;
    options.cancel = &cancel;
    options.progress = [&](const BagProgress &p) {
        if (p.filesDone == 4)
            cancel = true;
    };
    const auto exported = BagWriter::write(*m_catalog, *m_store, batch, out(), options);
    QVERIFY(!exported.ok());
    QCOMPARE(exported.error().code, ErrorCode::Cancelled);
    QVERIFY(!QFile::exists(out()));
    QVERIFY(leftovers().isEmpty());
}

void TestBagWriter::payloadPaths()
{
    QCOMPARE(BagWriter::payloadPath(QStringLiteral("film1/page0001"), QStringLiteral("page0001.jp2")),
             QStringLiteral("film1/page0001/page0001.jp2"));
    QCOMPARE(BagWriter::payloadPath(QString(), QStringLiteral("a.txt")), QStringLiteral("a.txt"));
    QCOMPARE(BagWriter::payloadPath(QStringLiteral("a//./b/.."), QStringLiteral("c")),
             QStringLiteral("a/_/_/b/_/c"));
}

QTEST_GUILESS_MAIN(TestBagWriter)
#include "tst_bagwriter.moc"
