// ThumbnailCache: hits and misses, where files go (XDG_CACHE_HOME, sharding, formats), keys that must not
// become paths, least-recently-used eviction within the size limit, persistence of the LRU order across
// processes, damaged entries, and concurrent use. Runs without a GUI application, as gatehouse-cli does.

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include "imaging/thumbnailcache.h"
#include "imagingtestdata.h"
#include "testsupport.h"

using gh::ThumbnailCache;
using namespace gh::test;

namespace {

QString keyFor(int n)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArray::number(n), QCryptographicHash::Sha256).toHex());
}

// Noise, so every thumbnail is about the same, incompressible size.
QImage noiseImage(int seed, QSize size = QSize(128, 96))
{
    const QByteArray bytes = pseudoRandomBytes(qint64(size.width()) * size.height() * 3, quint64(seed) + 1);
    QImage image(size, QImage::Format_RGB32);
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x) {
            const qsizetype i = (qsizetype(y) * size.width() + x) * 3;
            image.setPixel(x, y, qRgb(uchar(bytes[i]), uchar(bytes[i + 1]), uchar(bytes[i + 2])));
        }
    }
    return image;
}

qint64 sizeOnDisk(const QString &root)
{
    qint64 total = 0;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

void setUsed(const QString &path, const QDateTime &when)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(when, QFileDevice::FileModificationTime));
}

} // namespace

class TestThumbnailCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultLocationFollowsXdgCacheHome()
    {
        QTemporaryDir home;
        const QByteArray previous = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", QFile::encodeName(home.path()));
        const QString location = ThumbnailCache::defaultLocation();
        ThumbnailCache cache;
        const gh::Status stored = cache.insert(keyFor(1), 128, quadrantImage(QSize(128, 96)));
        qputenv("XDG_CACHE_HOME", previous);
        QCOMPARE(location, QString(home.path() + u"/gatehouse/thumbnails"));
        QCOMPARE(cache.location(), location);
        QVERIFY(stored.ok());
        QVERIFY(QFileInfo::exists(cache.filePath(keyFor(1), 128)));
        QVERIFY(cache.filePath(keyFor(1), 128).startsWith(home.path() + u'/'));
        QCOMPARE(cache.sizeLimit(), qint64(512) * 1024 * 1024);
    }

    void missThenHit()
    {
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        const QString key = keyFor(2);
        QVERIFY(!cache.find(key, 256).has_value());
        QVERIFY(!cache.contains(key, 256));

        const QImage thumbnail = quadrantImage(QSize(205, 256));
        QVERIFY(cache.insert(key, 256, thumbnail).ok());
        QVERIFY(cache.contains(key, 256));
        const std::optional<QImage> hit = cache.find(key, 256);
        QVERIFY(hit.has_value());
        QCOMPARE(hit->size(), QSize(205, 256));
        QCOMPARE(hit->format(), QImage::Format_RGB32);
        QString why;
        QVERIFY2(quadrantsMatch(*hit, false, 6, &why), qPrintable(why)); // stored as JPEG: close, not exact

        // Size is part of the key; so is nothing else (the same content elsewhere shares the thumbnail).
        QVERIFY(!cache.find(key, 128).has_value());
        QCOMPARE(cache.count(), 1);
        QVERIFY(cache.totalBytes() > 0);

        // Upper-case hex is the same key.
        QVERIFY(cache.find(key.toUpper(), 256).has_value());
    }

    void filesAreShardedAndTyped()
    {
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        const QString key = keyFor(3);
        QVERIFY(cache.insert(key, 256, quadrantImage(QSize(64, 48))).ok());
        const QString expected = dir.path() + u'/' + key.left(2) + u'/' + key + u"-256.jpg";
        QCOMPARE(cache.filePath(key, 256), expected);
        QVERIFY(QFileInfo::exists(expected));
        QFile file(expected);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(3) == QByteArray("\xFF\xD8\xFF"));

        // Transparency needs PNG; replacing the thumbnail removes the JPEG.
        QImage transparent(64, 48, QImage::Format_ARGB32);
        transparent.fill(Qt::transparent);
        QVERIFY(cache.insert(key, 256, transparent).ok());
        QVERIFY(!QFileInfo::exists(expected));
        const QString png = dir.path() + u'/' + key.left(2) + u'/' + key + u"-256.png";
        QVERIFY(QFileInfo::exists(png));
        const std::optional<QImage> hit = cache.find(key, 256);
        QVERIFY(hit.has_value());
        QCOMPARE(hit->format(), QImage::Format_ARGB32);
        QCOMPARE(qAlpha(hit->pixel(10, 10)), 0);
        QCOMPARE(cache.count(), 1);

        // Gray thumbnails are stored as gray JPEGs, a third of the size.
        const QString grayKey = keyFor(4);
        QVERIFY(cache
                    .insert(grayKey, 256,
                            quadrantImage(QSize(200, 150), true).convertToFormat(QImage::Format_RGB32))
                    .ok());
        QCOMPARE(QImage(cache.filePath(grayKey, 256)).format(), QImage::Format_Grayscale8);
        QCOMPARE(cache.find(grayKey, 256)->format(), QImage::Format_RGB32);
    }

    void keysAreNeverPaths_data()
    {
        QTest::addColumn<QString>("key");
        QTest::newRow("traversal") << QStringLiteral("../../../../etc/passwd");
        QTest::newRow("absolute") << QStringLiteral("/tmp/x");
        QTest::newRow("too short") << QStringLiteral("abcdef");
        QTest::newRow("64 chars, not hex") << QString(64, u'z');
        QTest::newRow("64 chars with slash") << QString(31, u'a') + u"/.." + QString(30, u'b');
        QTest::newRow("empty") << QString();
    }
    void keysAreNeverPaths()
    {
        QFETCH(QString, key);
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        const gh::Status stored = cache.insert(key, 256, quadrantImage(QSize(10, 10)));
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().code, gh::ErrorCode::Usage);
        QVERIFY(!cache.find(key, 256).has_value());
        QVERIFY(cache.filePath(key, 256).isEmpty());
        QCOMPARE(sizeOnDisk(dir.path()), 0);
        QVERIFY(!cache.insert(keyFor(5), 0, quadrantImage(QSize(10, 10))).ok());
        QVERIFY(!cache.insert(keyFor(5), 256, QImage()).ok());
    }

    // Five thumbnails of about the same size; the first is used again, so the second is the least recently
    // used and goes first when the limit shrinks.
    void evictsLeastRecentlyUsed()
    {
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        for (int i = 0; i < 5; ++i)
            QVERIFY(cache.insert(keyFor(100 + i), 128, noiseImage(i)).ok());
        QCOMPARE(cache.count(), 5);
        const qint64 total = cache.totalBytes();
        QCOMPARE(total, sizeOnDisk(dir.path()));
        QVERIFY(cache.find(keyFor(100), 128).has_value());

        cache.setSizeLimit(total - 1); // evicts down to 90 % of this: one thumbnail
        QCOMPARE(cache.count(), 4);
        QVERIFY(!cache.contains(keyFor(101), 128));
        QVERIFY(cache.contains(keyFor(100), 128));
        for (int i = 2; i < 5; ++i)
            QVERIFY(cache.contains(keyFor(100 + i), 128));
        QCOMPARE(cache.totalBytes(), sizeOnDisk(dir.path()));
        QVERIFY(cache.totalBytes() <= cache.sizeLimit());
    }

    void insertKeepsTheCacheWithinItsLimit()
    {
        QTemporaryDir dir;
        ThumbnailCache probe(QDir(dir.path()).filePath(QStringLiteral("probe")));
        QVERIFY(probe.insert(keyFor(1), 128, noiseImage(1)).ok());
        const qint64 one = probe.totalBytes();

        ThumbnailCache cache(QDir(dir.path()).filePath(QStringLiteral("cache")), one * 7 / 2); // room for 3
        for (int i = 0; i < 20; ++i) {
            QVERIFY(cache.insert(keyFor(200 + i), 128, noiseImage(i)).ok());
            QVERIFY(cache.totalBytes() <= cache.sizeLimit());
            QVERIFY(cache.contains(keyFor(200 + i), 128)); // the newest always survives
        }
        QVERIFY(cache.count() >= 2 && cache.count() <= 3);
        QVERIFY(!cache.contains(keyFor(200), 128));
        QCOMPARE(cache.totalBytes(), sizeOnDisk(cache.location()));
    }

    // A new process builds its index from the files, oldest modification time first; a hit updates it.
    void lruOrderSurvivesRestart()
    {
        QTemporaryDir dir;
        {
            ThumbnailCache first(dir.path());
            for (int i = 0; i < 3; ++i)
                QVERIFY(first.insert(keyFor(300 + i), 128, noiseImage(i)).ok());
            const QDateTime now = QDateTime::currentDateTimeUtc();
            setUsed(first.filePath(keyFor(300), 128), now.addSecs(-3 * 3600));
            setUsed(first.filePath(keyFor(301), 128), now.addSecs(-1 * 3600));
            setUsed(first.filePath(keyFor(302), 128), now.addSecs(-2 * 3600));
        }
        ThumbnailCache second(dir.path());
        QCOMPARE(second.count(), 3);
        const qint64 total = second.totalBytes();
        QVERIFY(second.find(keyFor(300), 128).has_value()); // the oldest becomes the newest
        QVERIFY(QFileInfo(second.filePath(keyFor(300), 128))
                    .lastModified()
                    .secsTo(QDateTime::currentDateTimeUtc()) < 60);

        second.setSizeLimit(total - 1);
        QCOMPARE(second.count(), 2);
        QVERIFY(!second.contains(keyFor(302), 128));
        QVERIFY(second.contains(keyFor(300), 128));
        QVERIFY(second.contains(keyFor(301), 128));

        ThumbnailCache third(dir.path());
        QCOMPARE(third.count(), 2);
    }

    void damagedEntryIsAMiss()
    {
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        const QString key = keyFor(400);
        QVERIFY(cache.insert(key, 128, noiseImage(4)).ok());
        QVERIFY(writeBytes(cache.filePath(key, 128), "not a JPEG at all"));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("removing damaged cached thumbnail")));
        QVERIFY(!cache.find(key, 128).has_value());
        QVERIFY(!QFileInfo::exists(cache.filePath(key, 128)));
        QCOMPARE(cache.count(), 0);

        // A file removed behind the cache's back (another process evicting) is a miss and is forgotten.
        QVERIFY(cache.insert(key, 128, noiseImage(4)).ok());
        QVERIFY(QFile::remove(cache.filePath(key, 128)));
        QVERIFY(!cache.find(key, 128).has_value());
        QCOMPARE(cache.totalBytes(), 0);
    }

    void removeAndClear()
    {
        QTemporaryDir dir;
        ThumbnailCache cache(dir.path());
        for (int i = 0; i < 3; ++i)
            QVERIFY(cache.insert(keyFor(500 + i), 64, noiseImage(i, QSize(64, 64))).ok());
        cache.remove(keyFor(500), 64);
        QVERIFY(!cache.contains(keyFor(500), 64));
        QCOMPARE(cache.count(), 2);
        QVERIFY(cache.clear().ok());
        QCOMPARE(cache.count(), 0);
        QCOMPARE(cache.totalBytes(), 0);
        QVERIFY(!cache.find(keyFor(501), 64).has_value());
        QVERIFY(cache.insert(keyFor(501), 64, noiseImage(1, QSize(64, 64))).ok());
        QCOMPARE(cache.count(), 1);
    }

    // Many threads inserting, finding and evicting overlapping keys: no crash, no torn files, and the
    // limit holds (verified again by a fresh process's view of the disk).
    void concurrentUse()
    {
        QTemporaryDir dir;
        ThumbnailCache probe(QDir(dir.path()).filePath(QStringLiteral("probe")));
        QVERIFY(probe.insert(keyFor(1), 96, noiseImage(1, QSize(96, 96))).ok());
        const qint64 one = probe.totalBytes();
        const QString location = QDir(dir.path()).filePath(QStringLiteral("cache"));
        ThumbnailCache cache(location, one * 10);
        QList<QImage> images;
        for (int i = 0; i < 8; ++i)
            images.append(noiseImage(i, QSize(96, 96)));
        QThreadPool pool;
        pool.setMaxThreadCount(8);
        std::atomic<int> failures{0};
        QMutex firstFailureMutex;
        QString firstFailure;
        auto failed = [&](const QString &what) {
            ++failures;
            QMutexLocker lock(&firstFailureMutex);
            if (firstFailure.isEmpty())
                firstFailure = what;
        };
        for (int task = 0; task < 8; ++task) {
            pool.start([&, task] {
                for (int i = 0; i < 60; ++i) {
                    const int n = (task * 7 + i) % 24;
                    if (i % 3 == 0) {
                        if (const gh::Status s = cache.insert(keyFor(600 + n), 96, images[n % 8]); !s.ok())
                            failed(s.error().message);
                    } else if (std::optional<QImage> hit = cache.find(keyFor(600 + n), 96)) {
                        if (hit->size() != QSize(96, 96))
                            failed(
                                QStringLiteral("a hit of size %1x%2").arg(hit->width()).arg(hit->height()));
                    }
                }
            });
        }
        pool.waitForDone();
        QVERIFY2(failures.load() == 0, qPrintable(firstFailure));
        QVERIFY(cache.totalBytes() <= cache.sizeLimit());
        ThumbnailCache fresh(location, one * 10);
        QVERIFY(fresh.totalBytes() <= fresh.sizeLimit());
        QCOMPARE(fresh.totalBytes(), sizeOnDisk(location));
    }
};

QTEST_GUILESS_MAIN(TestThumbnailCache)
#include "tst_thumbnailcache.moc"
