#include <atomic>
#include <numeric>
#include <sys/stat.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include "digest/md5lanes.h"
#include "pipeline/localcopy.h"
#include "store/localstore.h"
#include "testsupport.h"

using namespace gh;

/*!
    Local copies one by one (LocalCopy::run) and side by side (LocalCopy::runGroup, whose md5s go through
    Md5Lanes): the same bytes stored, the same digests recorded, each file's failure its own, and a cancel
    that leaves every unfinished file as it was, with nothing left behind in the store.
*/
class TestLocalCopy : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void groupStoresWhatOneByOneStores_data();
    void groupStoresWhatOneByOneStores();
    void groupReportsEachFailureOnItsOwn();
    void cancelledGroupLeavesFilesUntouched();

private:
    FileRecord fileFor(const QString &name, const QByteArray &content);
    struct Group
    {
        QList<FetchOutcome> outcomes;
        qint64 reported = 0;
    };
    //! Copies \a files as one group; with \a joinLater > 0 the group starts with that many and the rest join
    //! between rounds, a few at a time.
    Group copyGroup(const QList<FileRecord> &files, BitStore &store, std::atomic_bool &cancel,
                    qint64 cancelAfterBytes = -1, int joinLater = 0,
                    LocalCopy::Threads threads = LocalCopy::Threads::All);
    QStringList leftInPartial() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    BatchContext m_batch;
    qint64 m_nextId = 1;
};

void TestLocalCopy::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("source")));
    m_batch = BatchContext{1, QStringLiteral("batch"), QDateTime::currentDateTimeUtc(),
                           QStringLiteral("{batch}/{item}/{filename}")};
}

FileRecord TestLocalCopy::fileFor(const QString &name, const QByteArray &content)
{
    const QString path = m_dir->filePath(QStringLiteral("source/") + name);
    test::writeFile(path, content);
    FileRecord file;
    file.id = m_nextId++;
    file.item = name.section(u'.', 0, 0);
    file.name = name;
    file.sourcePath = path;
    file.declaredSize = content.size();
    return file;
}

TestLocalCopy::Group TestLocalCopy::copyGroup(const QList<FileRecord> &files, BitStore &store,
                                              std::atomic_bool &cancel, qint64 cancelAfterBytes,
                                              int joinLater, LocalCopy::Threads threads)
{
    QList<LocalCopy::Request> requests;
    for (const FileRecord &file : files)
        requests.append({file, false});
    QList<LocalCopy::Request> later;
    if (joinLater > 0) {
        later = requests.mid(joinLater);
        requests = requests.first(joinLater);
    }
    Group group;
    std::atomic<qint64> progressed = 0; // a round is read on every core
    LocalCopy::runGroup(
        requests, store, m_batch, cancel,
        [&](qint64 bytes) {
            if (progressed.fetch_add(bytes) + bytes > cancelAfterBytes && cancelAfterBytes >= 0)
                cancel = true;
        },
        [&](const FetchOutcome &outcome, qint64 reported) {
            group.outcomes.append(outcome);
            group.reported += reported;
        },
        [&](int most) {
            const QList<LocalCopy::Request> joining =
                later.first(std::min<qsizetype>({most, 3, later.size()}));
            later.remove(0, joining.size());
            return joining;
        },
        threads);
    return group;
}

QStringList TestLocalCopy::leftInPartial() const
{
    return QDir(m_dir->filePath(QStringLiteral("store/.partial"))).entryList(QDir::Files | QDir::Hidden);
}

void TestLocalCopy::groupStoresWhatOneByOneStores_data()
{
    QTest::addColumn<QList<qint64>>("sizes");
    QTest::addColumn<int>("joinLater");
    QTest::addColumn<LocalCopy::Threads>("threads");
    // Lengths around the md5 block and padding edges, several chunks long, and empty; 16 files, the most a
    // group takes, with unequal lengths so lanes drop out at different rounds.
    const QList<qint64> small{
        1,       55,      56, 63, 64, 65, 4096, 100000, 262144, 262145, 999999, 1 << 20, (1 << 20) + 1,
        2500000, 3 << 20, 0};
    // Rounds read on every core (as the group of large files is), and on one thread (as smaller files are).
    QTest::newRow("smaller files") << small << 0 << LocalCopy::Threads::All;
    QTest::newRow("smaller files, one thread") << small << 0 << LocalCopy::Threads::One;
    // Large files are read on two threads, their md5s computed while the next round is read.
    QList<qint64> mixed = small.mid(0, 12);
    mixed << (9 << 20) << (9 << 20) + 17 << (12 << 20) + 5 << (8 << 20);
    QTest::newRow("large among smaller") << mixed << 0 << LocalCopy::Threads::All;
    QTest::newRow("joining between rounds") << mixed << 4 << LocalCopy::Threads::All;
    QTest::newRow("joining between rounds, one thread") << mixed << 4 << LocalCopy::Threads::One;
    QTest::newRow("one large file") << QList<qint64>{(10 << 20) + 3} << 0 << LocalCopy::Threads::All;
}

void TestLocalCopy::groupStoresWhatOneByOneStores()
{
    QFETCH(QList<qint64>, sizes);
    QFETCH(int, joinLater);
    QFETCH(LocalCopy::Threads, threads);
    QVERIFY(sizes.size() <= Md5Lanes::maxStreams);
    QList<FileRecord> files;
    QHash<qint64, QByteArray> contents;
    for (int i = 0; i < sizes.size(); ++i) {
        const QByteArray content = test::pseudoRandomBytes(sizes[i], quint64(i) + 11);
        files.append(fileFor(QStringLiteral("file%1.bin").arg(i), content));
        contents.insert(files.last().id, content);
    }
    auto grouped = LocalStore::open(m_dir->filePath(QStringLiteral("store")));
    QVERIFY(grouped);
    std::atomic_bool cancel = false;
    const Group group = copyGroup(files, **grouped, cancel, -1, joinLater, threads);
    QVERIFY((*grouped)->flush());
    QCOMPARE(group.outcomes.size(), files.size());
    QCOMPARE(group.reported, std::accumulate(sizes.cbegin(), sizes.cend(), qint64(0)));

    auto single = LocalStore::open(m_dir->filePath(QStringLiteral("single")));
    QVERIFY(single);
    for (const FetchOutcome &outcome : group.outcomes) {
        const FileRecord &file = outcome.file;
        const QByteArray &content = contents.value(file.id);
        QCOMPARE(file.status, content.isEmpty() ? FileStatus::Empty : FileStatus::Success);
        QVERIFY2(content.isEmpty() || file.error.isEmpty(), qPrintable(file.error));
        QCOMPARE(file.size, content.size());
        QCOMPARE(file.digests.md5,
                 QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex()));
        QCOMPARE(file.digests.sha1,
                 QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex()));
        QCOMPARE(file.digests.sha256,
                 QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));
        if (!content.isEmpty()) {
            QFile stored(m_dir->filePath(QStringLiteral("store/") + file.storedKey));
            QVERIFY2(stored.open(QIODevice::ReadOnly), qPrintable(stored.fileName()));
            QVERIFY(stored.readAll() == content);
        }
        // One by one, the same file gets the same record.
        const FetchOutcome alone =
            LocalCopy::run(files[int(file.id - files.first().id)], **single, m_batch, cancel, {});
        QCOMPARE(alone.file.status, file.status);
        QCOMPARE(alone.file.digests.md5, file.digests.md5);
        QCOMPARE(alone.file.mimetype, file.mimetype);
        QCOMPARE(alone.file.storedKey, file.storedKey);
        QCOMPARE(alone.events.size(), outcome.events.size());
    }
    QVERIFY(leftInPartial().isEmpty());
}

void TestLocalCopy::groupReportsEachFailureOnItsOwn()
{
    QList<FileRecord> files;
    files.append(fileFor(QStringLiteral("before.bin"), test::pseudoRandomBytes(300000, 1)));
    FileRecord missing = fileFor(QStringLiteral("missing.bin"), "soon gone");
    QVERIFY(QFile::remove(missing.sourcePath));
    files.append(missing);
    // A folder and a FIFO (whose open would wait for a writer) where intake saw files.
    FileRecord folder = fileFor(QStringLiteral("folder.bin"), "x");
    QVERIFY(QFile::remove(folder.sourcePath));
    QVERIFY(QDir().mkpath(folder.sourcePath));
    files.append(folder);
    FileRecord pipe = fileFor(QStringLiteral("pipe.bin"), "x");
    QVERIFY(QFile::remove(pipe.sourcePath));
    QVERIFY(::mkfifo(QFile::encodeName(pipe.sourcePath).constData(), 0600) == 0);
    files.append(pipe);
    // Shorter than the intake measured it: changed while it waited.
    FileRecord shrunk = fileFor(QStringLiteral("shrunk.bin"), test::pseudoRandomBytes(2000000, 2));
    shrunk.declaredSize = 2500000;
    files.append(shrunk);
    files.append(fileFor(QStringLiteral("after.bin"), test::pseudoRandomBytes(1500000, 3)));

    auto store = LocalStore::open(m_dir->filePath(QStringLiteral("store")));
    QVERIFY(store);
    std::atomic_bool cancel = false;
    const Group group = copyGroup(files, **store, cancel);
    QVERIFY((*store)->flush());
    QCOMPARE(group.outcomes.size(), files.size());
    QHash<QString, FileRecord> byName;
    for (const FetchOutcome &outcome : group.outcomes)
        byName.insert(outcome.file.name, outcome.file);
    QCOMPARE(byName.value(QStringLiteral("before.bin")).status, FileStatus::Success);
    QCOMPARE(byName.value(QStringLiteral("after.bin")).status, FileStatus::Success);
    QCOMPARE(byName.value(QStringLiteral("missing.bin")).status, FileStatus::NotFound);
    QVERIFY(byName.value(QStringLiteral("missing.bin")).error.contains(missing.sourcePath));
    for (const FileRecord &odd : {folder, pipe}) {
        QCOMPARE(byName.value(odd.name).status, FileStatus::Unreadable);
        QVERIFY(byName.value(odd.name).error.contains(odd.sourcePath));
        QVERIFY(byName.value(odd.name).error.contains(QStringLiteral("no longer a regular file")));
    }
    const FileRecord changed = byName.value(QStringLiteral("shrunk.bin"));
    QCOMPARE(changed.status, FileStatus::Unreadable);
    QVERIFY2(changed.error.contains(QStringLiteral("changed while it was being copied")),
             qPrintable(changed.error));
    // Only the two good files are in the store, and no temporary is left.
    QStringList stored;
    QDirIterator it(m_dir->filePath(QStringLiteral("store")), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        stored.append(QFileInfo(it.next()).fileName());
    stored.sort();
    QCOMPARE(stored, QStringList({QStringLiteral("after.bin"), QStringLiteral("before.bin")}));
}

void TestLocalCopy::cancelledGroupLeavesFilesUntouched()
{
    // Files of several chunks each: the cancel comes after the first chunk of the first file.
    QList<FileRecord> files;
    for (int i = 0; i < 4; ++i)
        files.append(
            fileFor(QStringLiteral("part%1.bin").arg(i), test::pseudoRandomBytes(3000000, quint64(i))));
    auto store = LocalStore::open(m_dir->filePath(QStringLiteral("store")));
    QVERIFY(store);
    std::atomic_bool cancel = false;
    const Group group = copyGroup(files, **store, cancel, 1);
    QVERIFY((*store)->flush());
    QCOMPARE(group.outcomes.size(), files.size());
    for (const FetchOutcome &outcome : group.outcomes) {
        const FileRecord original = files[int(outcome.file.id - files.first().id)];
        QCOMPARE(outcome.file.status, original.status); // still pending
        QCOMPARE(outcome.file.attempts, original.attempts);
        QVERIFY(outcome.file.storedKey.isEmpty());
        QVERIFY(outcome.events.isEmpty());
    }
    QVERIFY(group.reported > 0);
    QVERIFY(leftInPartial().isEmpty());
    QVERIFY(!QFileInfo::exists(m_dir->filePath(QStringLiteral("store/batch"))));
}

QTEST_GUILESS_MAIN(TestLocalCopy)
#include "tst_localcopy.moc"
