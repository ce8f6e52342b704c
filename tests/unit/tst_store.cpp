#include <fcntl.h>
#include <unistd.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "digest/multidigest.h"
#include "store/localstore.h"
#include "store/storekey.h"
#include "store/writeback.h"
#include "testsupport.h"

using namespace gh;

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void unsafeKeys_data();
    void unsafeKeys();
    void safeKeys();
    void expandTemplates();
    void expandRefusesUnknownVariable();
    void expandNeverEscapes();

    void commitPublishesVerifiedObject();
    void abortLeavesNothing();
    void verificationFailureLeavesNothing();
    void commitReplacesAtomically();
    void staleTemporariesOfDeadProcessesRemoved();
    void unsafeKeyRefusedOnCommit();
    void resumableWriteSurvivesTheWriter();
    void resumableWriteTruncates();
    void oldResumableWritesExpire();
    void flushAfterCommits();
    void groupIsPublishedByFlushOnly();
    void largeObjectsKeepTheGroupRule();
    void flushRemakesAKeyFolderRemovedMeanwhile();
    void writebackDrainsAndKeepsNoDescriptor();
    void writebackIgnoresBadRequests();

private:
    static QStringList filesUnder(const QString &root);
    static int openDescriptors();
    //! Creates \a path holding \a data and returns its open descriptor, or -1.
    static int createWith(const QByteArray &path, const QByteArray &data);
};

int TestStore::createWith(const QByteArray &path, const QByteArray &data)
{
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && ::write(fd, data.constData(), size_t(data.size())) != ssize_t(data.size())) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int TestStore::openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

QStringList TestStore::filesUnder(const QString &root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(root).relativeFilePath(it.next()));
    files.sort();
    return files;
}

void TestStore::unsafeKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("empty") << QString();
    QTest::newRow("absolute") << QStringLiteral("/etc/passwd");
    QTest::newRow("parent") << QStringLiteral("../outside");
    QTest::newRow("parent inside") << QStringLiteral("a/../../outside");
    QTest::newRow("dot") << QStringLiteral("a/./b");
    QTest::newRow("empty segment") << QStringLiteral("a//b");
    QTest::newRow("trailing slash") << QStringLiteral("a/b/");
    QTest::newRow("backslash") << QStringLiteral("a\\..\\b");
    QTest::newRow("nul") << QStringLiteral("a") + QChar(0) + QStringLiteral("b");
    QTest::newRow("newline") << QStringLiteral("a\nb");
    QTest::newRow("reserved first segment") << QStringLiteral(".partial/x");
    QTest::newRow("long segment") << QString(256, u'x');
}

void TestStore::unsafeKeys()
{
    QFETCH(QString, key);
    const Status s = StoreKey::validate(key);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::UnsafePath);
}

void TestStore::safeKeys()
{
    for (const QString &key :
         {QStringLiteral("1/box-01/card-0001/card-0001.png"), QStringLiteral("a b/ø æ/…x.tif"),
          QStringLiteral("sha1/ab/cd/abcdef"), QStringLiteral("a/.hidden"), QStringLiteral("a/..b")})
        QVERIFY2(StoreKey::validate(key).ok(), qPrintable(key));
}

void TestStore::expandTemplates()
{
    const QHash<QString, QString> vars{{QStringLiteral("batch"), QStringLiteral("7")},
                                       {QStringLiteral("item"), QStringLiteral("film-1/page-0001")},
                                       {QStringLiteral("filename"), QStringLiteral("page-0001.jp2")},
                                       {QStringLiteral("timestamp"), QStringLiteral("20261122T151800Z")},
                                       {QStringLiteral("resource_id"), QStringLiteral("res/42")},
                                       {QStringLiteral("sha1"), QStringLiteral("abcdef0123")}};
    QCOMPARE(*StoreKey::expand(StoreKey::defaultTemplate(), vars),
             QStringLiteral("7/film-1/page-0001/page-0001.jp2"));
    // {resource_id} is a single segment: its slash becomes an underscore.
    QCOMPARE(*StoreKey::expand(QStringLiteral("archive/{timestamp}/{resource_id}/{filename}"), vars),
             QStringLiteral("archive/20261122T151800Z/res_42/page-0001.jp2"));
    QCOMPARE(*StoreKey::expand(StoreKey::contentAddressedTemplate(), vars),
             QStringLiteral("sha1/ab/cd/abcdef0123"));
}

void TestStore::expandRefusesUnknownVariable()
{
    const auto key = StoreKey::expand(QStringLiteral("{batch}/{itme}/{filename}"),
                                      {{QStringLiteral("batch"), QStringLiteral("1")}});
    QVERIFY(!key.ok());
    QVERIFY(key.error().message.contains(QStringLiteral("{itme}")));
}

void TestStore::expandNeverEscapes()
{
    // Hostile values from a manifest cannot climb out of the store.
    for (const QString &item :
         {QStringLiteral("../../etc"), QStringLiteral("/abs"), QStringLiteral("a/../../b")}) {
        const auto key = StoreKey::expand(StoreKey::defaultTemplate(),
                                          {{QStringLiteral("batch"), QStringLiteral("1")},
                                           {QStringLiteral("item"), item},
                                           {QStringLiteral("filename"), QStringLiteral("f")}});
        QVERIFY2(!key.ok(), qPrintable(item));
        QCOMPARE(key.error().code, ErrorCode::UnsafePath);
    }
    const auto dotted = StoreKey::expand(QStringLiteral("x/{filename}"),
                                         {{QStringLiteral("filename"), QStringLiteral("..")}});
    QVERIFY(!dotted.ok());
}

void TestStore::commitPublishesVerifiedObject()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    QVERIFY(store.ok());
    const QByteArray data = test::pseudoRandomBytes(3 * (1 << 20) + 11, 1);
    auto writer = (*store)->beginWrite();
    QVERIFY(writer.ok());
    QVERIFY((*writer)->write(data.constData(), 1000));
    QVERIFY((*writer)->write(data.constData() + 1000, data.size() - 1000));
    QCOMPARE((*writer)->written(), data.size());
    // Nothing visible before commit.
    QVERIFY(!*(*store)->exists(QStringLiteral("1/item/file.bin")));
    QVERIFY((*writer)->commit(QStringLiteral("1/item/file.bin"), MultiDigest::of(data)));
    // Group-wise durability: committed, but under its key only once the group is synced.
    QVERIFY(!*(*store)->exists(QStringLiteral("1/item/file.bin")));
    QVERIFY((*store)->flush());
    QVERIFY(*(*store)->exists(QStringLiteral("1/item/file.bin")));
    auto device = (*store)->read(QStringLiteral("1/item/file.bin"));
    QVERIFY(device.ok());
    QCOMPARE((*device)->readAll(), data);
    QCOMPARE(filesUnder(dir.path()), QStringList{QStringLiteral("1/item/file.bin")});
}

void TestStore::abortLeavesNothing()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    {
        auto writer = (*store)->beginWrite();
        QVERIFY((*writer)->write("partial", 7));
        QCOMPARE(filesUnder(dir.path()).size(), 1); // the temporary
    }                                               // destroyed without commit
    QVERIFY(filesUnder(dir.path()).isEmpty());
}

void TestStore::verificationFailureLeavesNothing()
{
    QTemporaryDir dir;
    LocalStore::Options options;
    options.verifyAfterWrite = true;
    auto store = LocalStore::open(dir.path(), options);
    {
        auto writer = (*store)->beginWrite();
        QVERIFY((*writer)->write("actual bytes", 12));
        Digests wrong = MultiDigest::of(QByteArrayLiteral("other bytes!"));
        const Status s = (*writer)->commit(QStringLiteral("k/file"), wrong);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Io);
        QVERIFY(s.error().message.contains(QStringLiteral("k/file")));
    }
    QVERIFY(filesUnder(dir.path()).isEmpty());
}

void TestStore::commitReplacesAtomically()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    for (const QByteArray &content : {QByteArrayLiteral("first version"), QByteArrayLiteral("second")}) {
        auto writer = (*store)->beginWrite();
        QVERIFY((*writer)->write(content.constData(), content.size()));
        QVERIFY((*writer)->commit(QStringLiteral("a/b"), MultiDigest::of(content)));
        QVERIFY((*store)->flush());
    }
    QCOMPARE((*(*store)->read(QStringLiteral("a/b")))->readAll(), QByteArrayLiteral("second"));
    QCOMPARE(filesUnder(dir.path()), QStringList{QStringLiteral("a/b")});
}

void TestStore::staleTemporariesOfDeadProcessesRemoved()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    // A leftover of a process that died, and one of this (live) process.
    test::writeFile(dir.filePath(QStringLiteral(".partial/999999999-1-deadbeef.part")), "half a file");
    auto live = (*store)->beginWrite();
    QVERIFY((*live)->write("in progress", 11));
    QVERIFY((*store)->removeStaleTemporaries());
    const QStringList left = filesUnder(dir.path());
    QCOMPARE(left.size(), 1);
    QVERIFY(
        left.constFirst().startsWith(QStringLiteral(".partial/%1-").arg(QCoreApplication::applicationPid())));
}

void TestStore::unsafeKeyRefusedOnCommit()
{
    QTemporaryDir dir;
    QTemporaryDir outside;
    auto store = LocalStore::open(dir.path());
    auto writer = (*store)->beginWrite();
    QVERIFY((*writer)->write("x", 1));
    const QString escape = QDir(dir.path()).relativeFilePath(outside.filePath(QStringLiteral("evil")));
    QVERIFY(escape.startsWith(QStringLiteral("..")));
    const Status s = (*writer)->commit(escape, MultiDigest::of(QByteArrayLiteral("x")));
    QCOMPARE(s.error().code, ErrorCode::UnsafePath);
    QVERIFY(!QFile::exists(outside.filePath(QStringLiteral("evil"))));
}

void TestStore::resumableWriteSurvivesTheWriter()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    const QByteArray first = test::pseudoRandomBytes(3 * (1 << 20) + 5, 21);
    const QJsonObject state{{QStringLiteral("url"), QStringLiteral("http://example.org/a.tif")},
                            {QStringLiteral("etag"), QStringLiteral("\"abc\"")}};
    {
        auto writer = (*store)->beginResumableWrite(QStringLiteral("file-42"));
        QVERIFY(writer.ok());
        QCOMPARE((*writer)->written(), 0);
        QVERIFY((*writer)->write(first.constData(), first.size()));
        QVERIFY((*writer)->setResumeState(state));
    } // the process "dies" here: the bytes stay

    // Stale clean-up of dead processes does not touch it.
    QVERIFY((*store)->removeStaleTemporaries());
    auto again = (*store)->beginResumableWrite(QStringLiteral("file-42"));
    QVERIFY(again.ok());
    QCOMPARE((*again)->written(), first.size());
    QCOMPARE((*again)->resumeState(), state);
    QByteArray replayed;
    QVERIFY((*again)->replay([&](const char *data, qint64 size) { replayed.append(data, size); }));
    QCOMPARE(replayed, first);

    const QByteArray rest = QByteArrayLiteral("and the rest");
    QVERIFY((*again)->write(rest.constData(), rest.size()));
    QVERIFY((*again)->commit(QStringLiteral("k/a.tif"), MultiDigest::of(first + rest)));
    QCOMPARE((*(*store)->read(QStringLiteral("k/a.tif")))->readAll(), first + rest);
    // Published: nothing left under .partial, state included.
    QCOMPARE(filesUnder(dir.path()), QStringList{QStringLiteral("k/a.tif")});
}

void TestStore::resumableWriteTruncates()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    auto writer = (*store)->beginResumableWrite(QStringLiteral("file-7"));
    QVERIFY((*writer)->write("stale half", 10));
    QVERIFY((*writer)->truncate());
    QCOMPARE((*writer)->written(), 0);
    QVERIFY((*writer)->write("fresh", 5));
    QVERIFY((*writer)->commit(QStringLiteral("f"), MultiDigest::of(QByteArrayLiteral("fresh"))));
    QCOMPARE((*(*store)->read(QStringLiteral("f")))->readAll(), QByteArrayLiteral("fresh"));
    // Abort removes a resumable write entirely.
    {
        auto other = (*store)->beginResumableWrite(QStringLiteral("file-8"));
        QVERIFY((*other)->write("x", 1));
        (*other)->abort();
    }
    QCOMPARE(filesUnder(dir.path()), QStringList{QStringLiteral("f")});
    QVERIFY(!(*store)->beginResumableWrite(QStringLiteral("../escape")).ok());
}

void TestStore::oldResumableWritesExpire()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    {
        auto writer = (*store)->beginResumableWrite(QStringLiteral("old"));
        QVERIFY((*writer)->write("x", 1));
    }
    const QString path = dir.filePath(QStringLiteral(".partial/resume-old.part"));
    QVERIFY(QFile::exists(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addDays(-8), QFileDevice::FileModificationTime));
    file.close();
    QVERIFY((*store)->removeStaleTemporaries());
    QVERIFY(!QFile::exists(path));
}

void TestStore::flushAfterCommits()
{
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    QVERIFY((*store)->flush()); // nothing to flush
    auto writer = (*store)->beginWrite();
    QVERIFY((*writer)->write("x", 1));
    QVERIFY((*writer)->commit(QStringLiteral("x"), MultiDigest::of(QByteArrayLiteral("x"))));
    QVERIFY((*store)->flush());
}

void TestStore::groupIsPublishedByFlushOnly()
{
    // A group of objects stays under .partial/ until flush() has synced it; then all of it is published.
    // A store dropped before flushing leaves nothing behind: the catalog never heard of those objects.
    QTemporaryDir dir;
    {
        auto store = LocalStore::open(dir.path());
        for (int i = 0; i < 20; ++i) {
            const QByteArray data = test::pseudoRandomBytes(4096 + i, quint64(i));
            auto writer = (*store)->beginWrite();
            QVERIFY((*writer)->write(data.constData(), data.size()));
            QVERIFY((*writer)->commit(QStringLiteral("g/%1.bin").arg(i), MultiDigest::of(data)));
        }
        QCOMPARE(filesUnder(dir.path()).size(), 20); // all temporaries
        for (const QString &file : filesUnder(dir.path()))
            QVERIFY2(file.startsWith(QStringLiteral(".partial/")), qPrintable(file));
        QVERIFY((*store)->flush());
        QCOMPARE(filesUnder(dir.path()).size(), 20);
        for (int i = 0; i < 20; ++i) {
            QCOMPARE((*(*store)->read(QStringLiteral("g/%1.bin").arg(i)))->readAll(),
                     test::pseudoRandomBytes(4096 + i, quint64(i)));
        }
        auto writer = (*store)->beginWrite();
        QVERIFY((*writer)->write("late", 4));
        QVERIFY((*writer)->commit(QStringLiteral("g/late.bin"), MultiDigest::of(QByteArrayLiteral("late"))));
    } // destroyed without a flush
    QCOMPARE(filesUnder(dir.path()).size(), 20);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("g/late.bin"))));

    // Each-file sync publishes at commit, as before.
    LocalStore::Options eachFile;
    eachFile.sync = LocalStore::Sync::EachFile;
    auto store = LocalStore::open(dir.path(), eachFile);
    auto writer = (*store)->beginWrite();
    QVERIFY((*writer)->write("now", 3));
    QVERIFY((*writer)->commit(QStringLiteral("g/now.bin"), MultiDigest::of(QByteArrayLiteral("now"))));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("g/now.bin"))));
}

void TestStore::largeObjectsKeepTheGroupRule()
{
    // Objects large enough that their writeback starts while they are written (every 8 MiB) and the disk is
    // asked to settle them (every 32 MiB) still appear under their keys only at flush(), complete; an aborted
    // one and a dropped group leave nothing behind.
    QTemporaryDir dir;
    const QByteArray big = test::pseudoRandomBytes(40 * 1024 * 1024 + 123, 77);
    {
        auto store = LocalStore::open(dir.path());
        for (int i = 0; i < 2; ++i) {
            auto writer = (*store)->beginWrite();
            for (qsizetype at = 0; at < big.size(); at += 1 << 20) {
                const qsizetype n = std::min<qsizetype>(1 << 20, big.size() - at);
                QVERIFY((*writer)->write(big.constData() + at, n));
            }
            QCOMPARE((*writer)->written(), big.size());
            QVERIFY((*writer)->commit(QStringLiteral("masters/%1.wav").arg(i), MultiDigest::of(big)));
        }
        {
            auto aborted = (*store)->beginWrite();
            for (int i = 0; i < 12; ++i)
                QVERIFY((*aborted)->write(big.constData(), 1 << 20));
            (*aborted)->abort();
        }
        for (const QString &file : filesUnder(dir.path()))
            QVERIFY2(file.startsWith(QStringLiteral(".partial/")), qPrintable(file));
        QCOMPARE(filesUnder(dir.path()).size(), 2);
        QVERIFY((*store)->flush());
        QCOMPARE(filesUnder(dir.path()),
                 QStringList({QStringLiteral("masters/0.wav"), QStringLiteral("masters/1.wav")}));
        for (int i = 0; i < 2; ++i)
            QCOMPARE((*(*store)->read(QStringLiteral("masters/%1.wav").arg(i)))->readAll(), big);

        auto dropped = (*store)->beginWrite();
        for (int i = 0; i < 10; ++i)
            QVERIFY((*dropped)->write(big.constData(), 1 << 20));
        QVERIFY((*dropped)->commit(QStringLiteral("masters/dropped.wav"),
                                   MultiDigest::of(big.left(1 << 20).repeated(10))));
    } // destroyed without a flush, its writeback possibly still running
    QCOMPARE(filesUnder(dir.path()),
             QStringList({QStringLiteral("masters/0.wav"), QStringLiteral("masters/1.wav")}));
}

void TestStore::flushRemakesAKeyFolderRemovedMeanwhile()
{
    // The store makes each key's folder once; if someone removes it before the group is published (a
    // curator tidying the store by hand), flush() makes it again instead of losing the object.
    QTemporaryDir dir;
    auto store = LocalStore::open(dir.path());
    for (const QString &key : {QStringLiteral("box/a.tif"), QStringLiteral("box/b.tif")}) {
        auto writer = (*store)->beginWrite();
        QVERIFY((*writer)->write("first", 5));
        QVERIFY((*writer)->commit(key, MultiDigest::of(QByteArrayLiteral("first"))));
        if (key.endsWith(u"a.tif")) {
            QVERIFY((*store)->flush());
            QVERIFY((*store)->remove(key));
            QVERIFY(QDir(dir.path()).rmdir(QStringLiteral("box")));
        }
    }
    QVERIFY((*store)->flush());
    QCOMPARE(filesUnder(dir.path()), QStringList({QStringLiteral("box/b.tif")}));
}

void TestStore::writebackDrainsAndKeepsNoDescriptor()
{
    QTemporaryDir dir;
    const QByteArray data = test::pseudoRandomBytes(3 * 1024 * 1024, 5);
    const int before = openDescriptors();
    {
        Writeback writeback;
        const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("f.bin")));
        const int fd = createWith(path, data);
        QVERIFY(fd >= 0);
        for (int i = 0; i < 3; ++i)
            writeback.start(fd, qint64(i) << 20, 1 << 20);
        writeback.settle(fd);
        ::close(fd); // the requests hold their own descriptors
        ::unlink(path.constData());
        QTRY_COMPARE(writeback.queued(), 0);
        QCOMPARE(openDescriptors(), before); // each request closed its descriptor when done
    }
    QCOMPARE(openDescriptors(), before);

    // Requests still queued when the Writeback goes are dropped, their descriptors closed.
    {
        Writeback writeback;
        const int fd = createWith(QFile::encodeName(dir.filePath(QStringLiteral("g.bin"))), data);
        QVERIFY(fd >= 0);
        for (int i = 0; i < 1000; ++i)
            writeback.start(fd, 0, data.size());
        QVERIFY(writeback.queued() <= int(Writeback::s_maxQueued) + 1); // bounded, one being carried out
        ::close(fd);
    }
    QCOMPARE(openDescriptors(), before);
}

void TestStore::writebackIgnoresBadRequests()
{
    Writeback writeback;
    const int before = openDescriptors();
    writeback.start(-1, 0, 4096);    // no file
    writeback.start(0, 0, 0);        // nothing to write
    writeback.start(1000000, 0, 10); // a descriptor that is not open
    writeback.settle(-1);
    writeback.settle(1000000);
    QCOMPARE(writeback.queued(), 0);
    QCOMPARE(openDescriptors(), before);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
