// The streaming reader the fetch stage copies archive members with: every member of every format byte for
// byte, nested archives, and the limits enforced on the bytes actually produced.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "intake/archive/archivepackage.h"
#include "intake/archive/archivereader.h"
#include "testsupport.h"
#include "tst_archivesupport.h"

using namespace gh;
using namespace gh::test;

namespace {

struct Streamed
{
    QHash<QString, QByteArray> members; //!< memberPath → bytes
    QStringList order;
    QString error; //!< The first member or walk error, if any.
};

//! Walks \a reader to its end, reading every member in chunks of \a chunk bytes.
Streamed streamAll(ArchiveReader &reader, qint64 chunk = 1024 * 1024)
{
    Streamed result;
    QByteArray buffer(chunk, Qt::Uninitialized);
    for (;;) {
        const auto entry = reader.next();
        if (!entry) {
            result.error = entry.error().message;
            break;
        }
        if (!*entry)
            break;
        QByteArray data;
        qint64 n = 0;
        while ((n = reader.read(buffer.data(), buffer.size())) > 0)
            data.append(buffer.constData(), n);
        if (n < 0 && result.error.isEmpty())
            result.error = reader.errorString();
        result.order.append(reader.memberPath());
        result.members.insert(reader.memberPath(), data);
    }
    return result;
}

std::unique_ptr<ArchiveReader> openReader(const QString &path, const ArchiveLimits &limits = {})
{
    auto reader = ArchiveReader::open(path, limits);
    if (!reader) {
        qWarning().noquote() << reader.error().message;
        return nullptr;
    }
    return std::move(*reader);
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestArchiveReader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void streamsEveryMemberOfEveryFormat_data();
    void streamsEveryMemberOfEveryFormat();
    void streamEqualsPackageRead_data();
    void streamEqualsPackageRead();
    void skipsMembersNotRead_data();
    void skipsMembersNotRead();
    void namesAsTheListingHasThem();
    void nestedReaders();
    void nestingDepthLimit();
    void totalSizeCountsActualBytes_data();
    void totalSizeCountsActualBytes();
    void ratioCountsActualBytes();
    void lyingHeaderNeverTrusted();
    void entryLimit();
    void readWithoutMember();
    void notAnArchive();

private:
    QTemporaryDir m_tmp;
};

void TestArchiveReader::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    qputenv("TMPDIR", QFile::encodeName(m_tmp.path()));
}

void TestArchiveReader::streamsEveryMemberOfEveryFormat_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<qint64>("chunk");
    for (const auto &[file, kind] :
         {std::pair{"deposit.zip", "zip"}, std::pair{"deposit.tar", "tar"},
          std::pair{"deposit.tar.gz", "tar.gz"}, std::pair{"deposit.tar.bz2", "tar.bz2"},
          std::pair{"deposit.tar.xz", "tar.xz"}, std::pair{"deposit.7z", "7z"}}) {
        QTest::addRow("%s, 1 MiB reads", kind)
            << QString::fromLatin1(file) << QString::fromLatin1(kind) << qint64(1024 * 1024);
        QTest::addRow("%s, 1000-byte reads", kind)
            << QString::fromLatin1(file) << QString::fromLatin1(kind) << qint64(1000);
    }
}

void TestArchiveReader::streamsEveryMemberOfEveryFormat()
{
    QFETCH(QString, file);
    QFETCH(QString, kind);
    QFETCH(qint64, chunk);
    const auto reader = openReader(archiveSample(file));
    QVERIFY(reader);
    QCOMPARE(reader->kind(), kind);
    QCOMPARE(reader->archivePath(), QFileInfo(archiveSample(file)).absoluteFilePath());
    const Streamed streamed = streamAll(*reader, chunk);
    QVERIFY2(streamed.error.isEmpty(), qPrintable(streamed.error));

    const QHash<QString, QByteArray> expected = expectedDeposit();
    QCOMPARE(streamed.members.size(), expected.size());
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QVERIFY2(streamed.members.contains(it.key()), qPrintable(it.key()));
        QCOMPARE(sha256(streamed.members.value(it.key())), it.value());
    }
    // After the end, the reader stays at the end.
    const auto after = reader->next();
    QVERIFY(after.ok());
    QVERIFY(!*after);
}

void TestArchiveReader::streamEqualsPackageRead_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("zip") << "deposit.zip";
    QTest::newRow("tar.xz") << "deposit.tar.xz";
    QTest::newRow("7z") << "deposit.7z";
    QTest::newRow("zip64") << "zip64.zip";
}

void TestArchiveReader::streamEqualsPackageRead()
{
    QFETCH(QString, file);
    const auto reader = openReader(archiveSample(file));
    QVERIFY(reader);
    const Streamed streamed = streamAll(*reader);
    QVERIFY(streamed.error.isEmpty());
    auto package = ArchivePackage::open(archiveSample(file), IntakeOptions{});
    QVERIFY(package.ok());
    qsizetype files = 0;
    for (const PackageEntry &entry : (*package)->entries()) {
        if (entry.type != PackageEntry::Type::File)
            continue;
        ++files;
        const auto data = (*package)->read(entry.path);
        QVERIFY(data.ok());
        QCOMPARE(streamed.members.value(entry.path), *data); // byte for byte
    }
    QCOMPARE(streamed.members.size(), files);
}

void TestArchiveReader::skipsMembersNotRead_data()
{
    streamEqualsPackageRead_data();
}

void TestArchiveReader::skipsMembersNotRead()
{
    // The fetch stage reads only the members it wants; the others are passed over.
    QFETCH(QString, file);
    const auto reader = openReader(archiveSample(file));
    QVERIFY(reader);
    auto package = ArchivePackage::open(archiveSample(file), IntakeOptions{});
    QVERIFY(package.ok());
    QByteArray buffer(100, Qt::Uninitialized);
    int index = 0;
    int compared = 0;
    for (;;) {
        const auto entry = reader->next();
        QVERIFY(entry.ok());
        if (!*entry)
            break;
        if (index++ % 3 == 1) {
            // Half-read: just the first bytes.
            QVERIFY(reader->read(buffer.data(), 10) >= 0);
            continue;
        }
        if (index % 3 == 0)
            continue;
        QByteArray data;
        for (qint64 n; (n = reader->read(buffer.data(), buffer.size())) > 0;)
            data.append(buffer.constData(), n);
        QCOMPARE(data, *(*package)->read(entry->value().path));
        ++compared;
    }
    QVERIFY(compared > 0);
}

void TestArchiveReader::namesAsTheListingHasThem()
{
    for (const char *file : {"utf8-names.zip", "cp437-names.zip", "backslash-separators.zip",
                             "dot-prefix.tar.gz", "inside-links.tar"}) {
        const QString path = archiveSample(QString::fromLatin1(file));
        const auto reader = openReader(path);
        QVERIFY(reader);
        QStringList streamed = streamAll(*reader).order;
        streamed.sort();
        auto package = ArchivePackage::open(path, IntakeOptions{});
        QVERIFY(package.ok());
        QStringList listed;
        for (const PackageEntry &entry : (*package)->entries()) {
            if (entry.type == PackageEntry::Type::File)
                listed.append(entry.path);
        }
        listed.sort();
        QCOMPARE(streamed, listed);
    }
}

void TestArchiveReader::nestedReaders()
{
    const QString path = archiveSample(QStringLiteral("nested.zip"));
    const auto reader = openReader(path);
    QVERIFY(reader);
    QHash<QString, QByteArray> nested;
    for (;;) {
        const auto entry = reader->next();
        QVERIFY(entry.ok());
        if (!*entry)
            break;
        if (!reader->memberPath().endsWith(QStringLiteral(".zip")) &&
            !reader->memberPath().endsWith(QStringLiteral(".tar.gz")))
            continue;
        auto inner = reader->openNested();
        QVERIFY2(inner.ok(), qPrintable(inner.ok() ? QString() : inner.error().message));
        QCOMPARE((*inner)->archivePath(), QFileInfo(path).absoluteFilePath());
        QVERIFY((*inner)->displayName().endsWith(QStringLiteral("nested.zip!/") + (*entry)->path));
        // While a nested reader lives, its copy is in a private temporary folder.
        QCOMPARE(tree(m_tmp.path()).size(), 2);
        const Streamed streamed = streamAll(**inner);
        QVERIFY(streamed.error.isEmpty());
        for (auto it = streamed.members.cbegin(); it != streamed.members.cend(); ++it)
            nested.insert(it.key(), it.value());
    }
    QCOMPARE(tree(m_tmp.path()), QStringList());
    QStringList addresses = nested.keys();
    addresses.sort();
    QCOMPARE(addresses,
             (QStringList{QStringLiteral("inner.zip!/page1.tif"), QStringLiteral("inner.zip!/page1.tif.md5"),
                          QStringLiteral("more/inner.tar.gz!/text/page1.txt")}));
    QCOMPARE(nested.value(QStringLiteral("more/inner.tar.gz!/text/page1.txt")),
             QByteArray("page one text\n"));

    // The same bytes as the nested package gives.
    auto package = ArchivePackage::open(path, IntakeOptions{});
    QVERIFY(package.ok());
    auto inner = (*package)->openMember(QStringLiteral("inner.zip"));
    QVERIFY(inner.ok());
    QCOMPARE(nested.value(QStringLiteral("inner.zip!/page1.tif")),
             *(*inner)->read(QStringLiteral("page1.tif")));
}

void TestArchiveReader::nestingDepthLimit()
{
    // deep-nesting.zip: l1.zip holds l2.zip holds l3.zip holds l4.zip holds deep.txt.
    const QString path = dataPath(QStringLiteral("hostile/deep-nesting.zip"));
    std::vector<std::unique_ptr<ArchiveReader>> chain;
    chain.push_back(openReader(path));
    QVERIFY(chain.back());
    for (int level = 1; level <= 3; ++level) {
        const auto entry = chain.back()->next();
        QVERIFY(entry.ok() && *entry);
        QCOMPARE((*entry)->path, QStringLiteral("l%1.zip").arg(level));
        auto nested = chain.back()->openNested();
        QVERIFY2(nested.ok(), qPrintable(nested.ok() ? QString() : nested.error().message));
        chain.push_back(std::move(*nested));
    }
    const auto entry = chain.back()->next();
    QVERIFY(entry.ok() && *entry);
    QCOMPARE(chain.back()->memberPath(), QStringLiteral("l1.zip!/l2.zip!/l3.zip!/l4.zip"));
    const auto tooDeep = chain.back()->openNested();
    QVERIFY(!tooDeep.ok());
    QCOMPARE(tooDeep.error().code, ErrorCode::LimitExceeded);
    QVERIFY2(tooDeep.error().message.contains(
                 QStringLiteral("deep-nesting.zip!/l1.zip!/l2.zip!/l3.zip!/l4.zip is an "
                                "archive nested 4 levels deep; the limit is 3 levels")),
             qPrintable(tooDeep.error().message));
    QCOMPARE(tree(m_tmp.path()).size(), 6); // three private folders with their copies
    chain.clear();
    QCOMPARE(tree(m_tmp.path()), QStringList());

    // A curator who allows four levels gets to the text.
    ArchiveLimits limits;
    limits.maxNestingDepth = 4;
    auto reader = openReader(path, limits);
    for (int level = 1; level <= 4; ++level) {
        QVERIFY(reader->next().ok());
        auto nested = reader->openNested();
        QVERIFY(nested.ok());
        reader = std::move(*nested);
    }
    const Streamed streamed = streamAll(*reader);
    QCOMPARE(streamed.members.value(QStringLiteral("l1.zip!/l2.zip!/l3.zip!/l4.zip!/deep.txt")),
             QByteArray("four archives down\n"));
}

void TestArchiveReader::totalSizeCountsActualBytes_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("zip") << "deposit.zip";
    QTest::newRow("tar.gz") << "deposit.tar.gz";
    QTest::newRow("7z") << "deposit.7z";
}

void TestArchiveReader::totalSizeCountsActualBytes()
{
    QFETCH(QString, file);
    ArchiveLimits limits;
    limits.maxTotalSize = 5000;
    const auto reader = openReader(archiveSample(file), limits);
    QVERIFY(reader);
    QByteArray buffer(700, Qt::Uninitialized);
    qint64 delivered = 0;
    QString failedMember;
    for (;;) {
        const auto entry = reader->next();
        if (!entry) {
            // Compressed streams refuse to inflate past the limit just to skip the rest.
            QCOMPARE(entry.error().code, ErrorCode::LimitExceeded);
            break;
        }
        if (!*entry)
            break;
        qint64 n = 0;
        while ((n = reader->read(buffer.data(), buffer.size())) > 0)
            delivered += n;
        if (n < 0) {
            QCOMPARE(reader->error().code, ErrorCode::LimitExceeded);
            const QString message = reader->errorString();
            QVERIFY2(message.contains(reader->memberPath()) && message.contains(file) &&
                         message.contains(QStringLiteral("the limit for one archive is 5000 bytes")),
                     qPrintable(message));
            if (failedMember.isEmpty())
                failedMember = reader->memberPath();
            // A failed member stays failed.
            QCOMPARE(reader->read(buffer.data(), buffer.size()), -1);
        }
    }
    QVERIFY(!failedMember.isEmpty());
    // Nothing past the limit was handed out, counted in actual bytes (reads of 700 may stop just past it).
    QVERIFY2(delivered <= 5000 + 700, qPrintable(QString::number(delivered)));
    QVERIFY(delivered > 5000 - 3200);
}

void TestArchiveReader::ratioCountsActualBytes()
{
    // bomb.tar.bz2's header says 1 GiB in 861 bytes; the reader stops once 16 MiB are out and the ratio is
    // past 1000:1, and refuses to inflate the rest just to skip it.
    const auto reader = openReader(dataPath(QStringLiteral("hostile/bomb.tar.bz2")));
    QVERIFY(reader);
    const auto entry = reader->next();
    QVERIFY(entry.ok() && *entry);
    QCOMPARE((*entry)->path, QStringLiteral("zeros.bin"));
    QByteArray buffer(1024 * 1024, Qt::Uninitialized);
    qint64 delivered = 0;
    qint64 n = 0;
    while ((n = reader->read(buffer.data(), buffer.size())) > 0)
        delivered += n;
    QCOMPARE(n, -1);
    QCOMPARE(reader->error().code, ErrorCode::LimitExceeded);
    QVERIFY2(reader->errorString().contains(QStringLiteral("zeros.bin from")) &&
                 reader->errorString().contains(QStringLiteral("bomb.tar.bz2")) &&
                 reader->errorString().contains(QStringLiteral("the limit is 1000:1")),
             qPrintable(reader->errorString()));
    QVERIFY(delivered <= 17 * 1024 * 1024);
    const auto after = reader->next();
    QVERIFY(!after.ok());
    QCOMPARE(after.error().code, ErrorCode::LimitExceeded);

    // In a zip the member's ratio is known from the directory: the reader never offers the bomb.
    const auto zip = openReader(dataPath(QStringLiteral("hostile/zip-bomb.zip")));
    QVERIFY(zip);
    const Streamed streamed = streamAll(*zip);
    QCOMPARE(streamed.order, QStringList{QStringLiteral("ok.txt")});
}

void TestArchiveReader::lyingHeaderNeverTrusted()
{
    // The central directory says 1,000 bytes; the deflate stream holds 16 MiB. No more than 1,000 bytes come
    // out, and the member fails its checksum.
    const auto reader = openReader(dataPath(QStringLiteral("hostile/lying-size.zip")));
    QVERIFY(reader);
    const auto entry = reader->next();
    QVERIFY(entry.ok() && *entry);
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    qint64 delivered = 0;
    qint64 n = 0;
    while ((n = reader->read(buffer.data(), buffer.size())) > 0)
        delivered += n;
    QCOMPARE(n, -1);
    QVERIFY(delivered <= 1000);
    QCOMPARE(reader->error().code, ErrorCode::Corrupt);
    QVERIFY2(reader->errorString().contains(QStringLiteral("zeros.bin in")) &&
                 reader->errorString().contains(QStringLiteral("lying-size.zip")) &&
                 reader->errorString().contains(QStringLiteral("CRC-32")),
             qPrintable(reader->errorString()));
}

void TestArchiveReader::entryLimit()
{
    ArchiveLimits limits;
    limits.maxEntries = 1000;
    for (const char *file : {"too-many-entries.zip", "too-many-entries.tar.gz"}) {
        auto reader =
            ArchiveReader::open(dataPath(QStringLiteral("hostile/") + QString::fromLatin1(file)), limits);
        if (!reader.ok()) {
            // The zip's directory declares its count up front.
            QCOMPARE(reader.error().code, ErrorCode::LimitExceeded);
            QVERIFY(reader.error().message.contains(QStringLiteral("declares 1001 members")));
            continue;
        }
        const Streamed streamed = streamAll(**reader);
        QCOMPARE(streamed.members.size(), 1000);
        QVERIFY2(streamed.error.contains(
                     QStringLiteral("has at least 1001 members; the limit for one archive is 1000")),
                 qPrintable(streamed.error));
    }
}

void TestArchiveReader::readWithoutMember()
{
    const auto reader = openReader(archiveSample(QStringLiteral("deposit.zip")));
    QVERIFY(reader);
    char buffer[16];
    QCOMPARE(reader->read(buffer, sizeof buffer), -1);
    QCOMPARE(reader->error().code, ErrorCode::Usage);
    QVERIFY(!reader->openNested().ok());
}

void TestArchiveReader::notAnArchive()
{
    const auto reader =
        ArchiveReader::open(dataPath(QStringLiteral("hostile/not-a-tar.gz")), ArchiveLimits{});
    QVERIFY(!reader.ok());
    QCOMPARE(reader.error().code, ErrorCode::Unsupported);
    QVERIFY(reader.error().message.contains(QStringLiteral("not-a-tar.gz is not an archive")));
}

QTEST_GUILESS_MAIN(TestArchiveReader)
#include "tst_archivereader.moc"
