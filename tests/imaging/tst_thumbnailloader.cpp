// ThumbnailLoader: results arrive as signals on the loader's thread, failures carry a message, the disk
// cache is consulted first, cancelled requests are never reported, visible requests jump the queue, and
// far-off requests beyond the prefetch limit are dropped before they start.

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "imaging/thumbnailcache.h"
#include "imaging/thumbnailloader.h"
#include "imagingtestdata.h"

using gh::ThumbnailLoader;
using namespace gh::test;

class TestThumbnailLoader : public QObject
{
    Q_OBJECT

private:
    // A PNG per key, named after it, with a distinct size so results can be told apart.
    QString file(int n)
    {
        const QString path = m_dir.filePath(QStringLiteral("image-%1.png").arg(n));
        if (!QFile::exists(path))
            writeBytes(path, encodeWithQt(quadrantImage(QSize(200 + n, 100)), "png"));
        return path;
    }
    static QString key(int n) { return QStringLiteral("k%1").arg(n); }
    static QString sha(const QString &path)
    {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
    }
    static QStringList readyKeys(const QSignalSpy &spy)
    {
        QStringList keys;
        for (const QList<QVariant> &arguments : spy)
            keys.append(arguments.at(0).toString());
        return keys;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void deliversOnTheLoadersThread()
    {
        ThumbnailLoader loader;
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QSignalSpy idle(&loader, &ThumbnailLoader::idle);
        QList<QThread *> threads;
        connect(&loader, &ThumbnailLoader::thumbnailReady, this,
                [&threads](const QString &, const QImage &) { threads.append(QThread::currentThread()); });
        for (int n = 0; n < 4; ++n)
            loader.request(key(n), file(n), QString(), QStringLiteral("image/png"), 100);
        QVERIFY(loader.isPending(key(0)));
        QTRY_COMPARE(ready.size(), 4);
        QTRY_COMPARE(idle.size(), 1);
        QVERIFY(!loader.isPending(key(0)));
        for (const QList<QVariant> &arguments : std::as_const(ready)) {
            const int n = arguments.at(0).toString().mid(1).toInt();
            const QImage image = arguments.at(1).value<QImage>();
            QCOMPARE(image.width(), 100);
            QCOMPARE(image.height(), qRound(100.0 * 100 / (200 + n)));
            QString why;
            QVERIFY2(quadrantsMatch(image, false, 2, &why), qPrintable(why));
        }
        for (QThread *thread : std::as_const(threads))
            QCOMPARE(thread, QThread::currentThread());
    }

    void reportsFailures()
    {
        ThumbnailLoader loader;
        QSignalSpy failed(&loader, &ThumbnailLoader::thumbnailFailed);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        const QString missing = m_dir.filePath(QStringLiteral("missing.png"));
        loader.request(QStringLiteral("missing"), missing, QString(), QString(), 64);
        loader.request(QStringLiteral("xml"), file(1), QString(), QStringLiteral("text/xml"), 64);
        QTRY_COMPARE(failed.size(), 2);
        QCOMPARE(ready.size(), 0);
        QMap<QString, QString> messages;
        for (const QList<QVariant> &arguments : std::as_const(failed))
            messages.insert(arguments.at(0).toString(), arguments.at(1).toString());
        QVERIFY(messages.value(QStringLiteral("missing")).contains(missing));
        QVERIFY(!messages.value(QStringLiteral("xml")).isEmpty());
    }

    void usesTheCacheFirst()
    {
        QTemporaryDir cacheDir;
        auto cache = std::make_shared<gh::ThumbnailCache>(cacheDir.path());
        const QString source = m_dir.filePath(QStringLiteral("cached-source.png"));
        QVERIFY(writeBytes(source, encodeWithQt(quadrantImage(QSize(300, 200)), "png")));
        const QString digest = sha(source);
        {
            ThumbnailLoader loader(cache);
            QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
            loader.request(QStringLiteral("a"), source, digest, QString(), 120);
            QTRY_COMPARE(ready.size(), 1);
        }
        QVERIFY(cache->contains(digest, 120));
        // The source is gone (a file on a disconnected share): the thumbnail still comes, from the cache.
        QVERIFY(QFile::remove(source));
        ThumbnailLoader loader(cache);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QSignalSpy failed(&loader, &ThumbnailLoader::thumbnailFailed);
        loader.request(QStringLiteral("b"), source, digest, QString(), 120);
        loader.request(QStringLiteral("c"), source, digest, QString(), 64); // another size is not cached
        QTRY_COMPARE(ready.size() + failed.size(), 2);
        QCOMPARE(readyKeys(ready), QStringList{QStringLiteral("b")});
        QCOMPARE(ready.at(0).at(1).value<QImage>().size(), QSize(120, 80));
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("c"));
    }

    void cancelledRequestsAreNeverReported()
    {
        ThumbnailLoader loader;
        loader.setMaxThreads(1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QSignalSpy failed(&loader, &ThumbnailLoader::thumbnailFailed);
        QSignalSpy idle(&loader, &ThumbnailLoader::idle);
        for (int n = 0; n < 5; ++n)
            loader.request(key(n), file(n), QString(), QString(), 80);
        QCOMPARE(loader.runningCount(), 1);
        QCOMPARE(loader.queuedCount(), 4);
        loader.cancel(key(0)); // running: its result is discarded
        loader.cancel(key(3)); // queued: never starts
        QVERIFY(!loader.isPending(key(0)));
        QVERIFY(!loader.isPending(key(3)));
        QTRY_COMPARE(idle.size(), 1);
        QStringList keys = readyKeys(ready);
        keys.sort();
        QCOMPARE(keys, (QStringList{key(1), key(2), key(4)}));
        QCOMPARE(failed.size(), 0);

        ready.clear();
        for (int n = 0; n < 5; ++n)
            loader.request(key(n), file(n), QString(), QString(), 80);
        loader.cancelAll();
        QCOMPARE(loader.queuedCount(), 0);
        QCOMPARE(loader.runningCount(), 0);
        QTRY_COMPARE(idle.size(), 2); // the running job finishes, unreported
        QCOMPARE(ready.size(), 0);
    }

    // One thread: the first request runs at once; then visible keys go first, then higher priority, then
    // the newest request.
    void visibleAndPriorityOrder()
    {
        ThumbnailLoader loader;
        loader.setMaxThreads(1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        for (int n = 0; n < 6; ++n)
            loader.request(key(n), file(n), QString(), QString(), 64, n == 2 ? 5 : 0);
        loader.setVisibleKeys({key(4), key(1)});
        QTRY_COMPARE(ready.size(), 6);
        QCOMPARE(readyKeys(ready), (QStringList{key(0), key(4), key(1), key(2), key(5), key(3)}));
    }

    void farOffRequestsAreDropped()
    {
        ThumbnailLoader loader;
        loader.setMaxThreads(1);
        loader.setPrefetchLimit(2);
        QCOMPARE(loader.prefetchLimit(), 2);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QSignalSpy idle(&loader, &ThumbnailLoader::idle);
        for (int n = 0; n < 6; ++n)
            loader.request(key(n), file(n), QString(), QString(), 64);
        // k0 runs; of k1…k5 only the two newest are kept.
        QCOMPARE(loader.queuedCount(), 2);
        QVERIFY(!loader.isPending(key(1)));
        QVERIFY(loader.isPending(key(5)));
        // Visible requests are never dropped, however many there are.
        loader.setVisibleKeys({key(6), key(7), key(8)});
        for (int n = 6; n < 9; ++n)
            loader.request(key(n), file(n), QString(), QString(), 64);
        QCOMPARE(loader.queuedCount(), 5);
        // Scrolling on: the old viewport becomes far-off and is trimmed to the limit, lowest priority first.
        loader.request(key(9), file(9), QString(), QString(), 64, 1);
        loader.setVisibleKeys({key(9)});
        QCOMPARE(loader.queuedCount(), 3);
        QVERIFY(loader.isPending(key(9)));
        QTRY_COMPARE(idle.size(), 1);
        QCOMPARE(readyKeys(ready), (QStringList{key(0), key(9), key(8), key(7)}));
    }

    void rerequestReplacesTheQueuedOne()
    {
        ThumbnailLoader loader;
        loader.setMaxThreads(1);
        QSignalSpy ready(&loader, &ThumbnailLoader::thumbnailReady);
        QSignalSpy idle(&loader, &ThumbnailLoader::idle);
        loader.request(key(0), file(0), QString(), QString(), 64);
        loader.request(key(1), file(1), QString(), QString(), 64);
        loader.request(key(1), file(1), QString(), QString(), 32); // the view's zoom changed
        loader.request(key(0), file(0), QString(), QString(), 64); // already running: no-op
        QCOMPARE(loader.queuedCount(), 1);
        QTRY_COMPARE(idle.size(), 1);
        QCOMPARE(ready.size(), 2);
        QCOMPARE(ready.at(1).at(1).value<QImage>().width(), 32);
    }

    void destroyedWhileBusy()
    {
        // Destroying a loader with work running and queued: the destructor returns only once every job has
        // finished (the pool drains: no job still holds the cache, none writes to it later), and no result is
        // delivered afterwards, even with the event loop running.
        QTemporaryDir cacheDir;
        auto cache = std::make_shared<gh::ThumbnailCache>(cacheDir.path());
        auto loader = std::make_unique<ThumbnailLoader>(cache);
        loader->setMaxThreads(2);
        int results = 0;
        QObject receiver;
        auto count = [&results] { ++results; };
        connect(loader.get(), &ThumbnailLoader::thumbnailReady, &receiver, count);
        connect(loader.get(), &ThumbnailLoader::thumbnailFailed, &receiver, count);
        connect(loader.get(), &ThumbnailLoader::idle, &receiver, count);
        // Large images, so decoding takes a while and the destructor meets running jobs.
        QStringList paths;
        for (int n = 0; n < 6; ++n) {
            const QString path = m_dir.filePath(QStringLiteral("large-%1.png").arg(n));
            if (!QFile::exists(path))
                writeBytes(path, encodeWithQt(quadrantImage(QSize(3000 + n, 2000)), "png"));
            paths.append(path);
        }
        for (int n = 0; n < 12; ++n)
            loader->request(key(n), paths[n % 6], sha(paths[n % 6]), QStringLiteral("image/png"), 64 + n);
        QCOMPARE(loader->runningCount(), 2); // busy: two decoding …
        QCOMPARE(loader->queuedCount(), 10); // … and ten waiting
        QVERIFY(cache.use_count() > 1);      // the running jobs hold the cache

        loader.reset();
        QCOMPARE(results, 0);           // nothing was delivered from the destructor
        QCOMPARE(cache.use_count(), 1); // every job is finished and gone: the pool drained
        const int cached = cache->count();
        QVERIFY(cached <= 2); // only what was running finished; the queued jobs never started
        QTest::qWait(300);
        QCOMPARE(results, 0);             // no result arrives after destruction
        QCOMPARE(cache->count(), cached); // and nothing was still working behind the loader's back
    }
};

QTEST_GUILESS_MAIN(TestThumbnailLoader)
#include "tst_thumbnailloader.moc"
