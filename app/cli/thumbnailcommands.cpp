#include <atomic>
#include <memory>

#include <QFileInfo>
#include <QJsonArray>
#include <QMutex>
#include <QSet>
#include <QTemporaryFile>
#include <QThread>
#include <QThreadPool>

#include "commands.h"
#include "imaging/thumbnailcache.h"
#include "imaging/thumbnailgenerator.h"

// "thumbnails BATCH": fills the thumbnail cache the GUI reads, for every stored file of a batch. QImage needs
// no QGuiApplication, so this runs without a display like every other command.

namespace gh::cli {

namespace {

struct ThumbnailJob
{
    QString label; // item/name, for messages
    QString storedKey;
    QString sha256;
    QString mimetype;
};

struct ThumbnailTally
{
    std::atomic<int> made{0};
    std::atomic<int> cached{0};
    std::atomic<int> failed{0};
    std::atomic<int> unsupported{0};
    std::atomic<int> done{0};
    QMutex mutex;
    QJsonArray failures; // guarded by mutex
};

// Makes one thumbnail. Objects of a store without local files (S3) are copied to a temporary file first,
// since the decoders read from a path.
void makeThumbnail(const ThumbnailJob &job, int size, int decodeThreads, BitStore &store,
                   ThumbnailCache &cache, ThumbnailTally &tally)
{
    auto fail = [&](const QString &message, bool unsupported) {
        (unsupported ? tally.unsupported : tally.failed)++;
        if (unsupported)
            return;
        QMutexLocker lock(&tally.mutex);
        tally.failures.append(
            QJsonObject{{QStringLiteral("file"), job.label}, {QStringLiteral("error"), message}});
    };
    QString path = store.localPath(job.storedKey);
    std::unique_ptr<QTemporaryFile> copy;
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        auto device = store.read(job.storedKey);
        if (!device)
            return fail(device.error().message, false);
        copy = std::make_unique<QTemporaryFile>();
        if (!copy->open())
            return fail(tr("Cannot create a temporary copy of %1 for its thumbnail: %2")
                            .arg(job.label, copy->errorString()),
                        false);
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        for (;;) {
            const qint64 n = (*device)->read(buffer.data(), buffer.size());
            if (n < 0)
                return fail(tr("Cannot read %1 from the store: %2").arg(job.label, (*device)->errorString()),
                            false);
            if (n == 0)
                break;
            if (copy->write(buffer.constData(), n) != n)
                return fail(tr("Cannot write a temporary copy of %1: %2").arg(job.label, copy->errorString()),
                            false);
        }
        copy->flush();
        path = copy->fileName();
    }
    ThumbnailGenerator::Options options;
    options.size = size;
    options.mimetype = job.mimetype;
    options.decodeThreads = decodeThreads;
    auto thumbnail = ThumbnailGenerator::generate(path, options);
    if (!thumbnail)
        return fail(thumbnail.error().message, thumbnail.error().code == ErrorCode::Unsupported);
    if (Status s = cache.insert(job.sha256, size, thumbnail->image); !s)
        return fail(s.error().message, false);
    tally.made++;
}

} // namespace

int cmdThumbnails(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("thumbnails"),
                   tr("Fill the thumbnail cache for every stored file of a batch (the cache the GUI reads, "
                      "under the user's cache folder)."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("size"),
                         tr("Longest side of a thumbnail in pixels (default 128, what the GUI's grid "
                            "shows on a normal-density screen; 256 for a high-density one)."),
                         tr("px"), QStringLiteral("128")});
    cl.parser.addOption(
        {QStringLiteral("jobs"), tr("Thumbnails made at once (default: one per core)."), tr("n")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the summary as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;

    bool ok = false;
    const int size = cl.parser.value(QStringLiteral("size")).toInt(&ok);
    if (!ok || size < 16 || size > 4096)
        return fatal(tr("--size takes a number of pixels from 16 to 4096."));
    int jobs = QThread::idealThreadCount();
    if (cl.parser.isSet(QStringLiteral("jobs"))) {
        jobs = cl.parser.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || jobs < 1 || jobs > 256)
            return fatal(tr("--jobs takes a number from 1 to 256."));
    }
    const bool json = cl.parser.isSet(QStringLiteral("json"));

    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);

    ThumbnailCache cache;
    ThumbnailTally tally;
    QList<ThumbnailJob> work;
    QSet<QString> seen; // the same content twice in a batch gets one thumbnail
    int notStored = 0;
    Status s = context.catalog->forEachFile(*batchId, [&](const FileRecord &f) {
        if (f.storedKey.isEmpty() || !ThumbnailCache::isValidKey(f.digests.sha256)) {
            ++notStored;
            return true;
        }
        if (seen.contains(f.digests.sha256))
            return true;
        seen.insert(f.digests.sha256);
        if (!ThumbnailGenerator::mayHaveThumbnail(f.mimetype))
            tally.unsupported++;
        else if (cache.contains(f.digests.sha256, size))
            tally.cached++;
        else
            work.append({f.item + u'/' + f.name, f.storedKey, f.digests.sha256, f.mimetype});
        return true;
    });
    if (!s)
        return fatal(s.error().message);

    QThreadPool pool;
    pool.setMaxThreadCount(jobs);
    // A large JPEG 2000 page decodes on several threads; with many jobs at once one thread each is enough.
    const int decodeThreads = std::max(1, QThread::idealThreadCount() / jobs);
    for (const ThumbnailJob &job : std::as_const(work)) {
        pool.start([&, job] {
            makeThumbnail(job, size, decodeThreads, *context.store, cache, tally);
            tally.done++;
        });
    }
    const qsizetype total = work.size();
    while (!pool.waitForDone(250)) {
        if (!global.quiet)
            err() << '\r' << tr("Thumbnails: %1 of %2").arg(tally.done.load()).arg(total) << Qt::flush;
    }
    if (!global.quiet && total > 0)
        err() << '\r' << tr("Thumbnails: %1 of %2").arg(tally.done.load()).arg(total) << Qt::endl;

    for (const QJsonValue &failure : std::as_const(tally.failures)) {
        const QJsonObject f = failure.toObject();
        err() << "gatehouse-cli: " << f.value(QStringLiteral("file")).toString() << ": "
              << f.value(QStringLiteral("error")).toString() << Qt::endl;
    }
    if (json) {
        printJson(QJsonObject{
            {QStringLiteral("batch"), *batchId},
            {QStringLiteral("size"), size},
            {QStringLiteral("cache"), cache.location()},
            {QStringLiteral("made"), tally.made.load()},
            {QStringLiteral("cached"), tally.cached.load()},
            {QStringLiteral("failed"), tally.failed.load()},
            {QStringLiteral("unsupported"), tally.unsupported.load()},
            {QStringLiteral("not_stored"), notStored},
            {QStringLiteral("failures"), tally.failures},
        });
    } else {
        out() << tr("Thumbnails of batch %1 at %2 px: %3 made, %4 cached already, %5 failed, %6 unsupported")
                     .arg(*batchId)
                     .arg(size)
                     .arg(tally.made.load())
                     .arg(tally.cached.load())
                     .arg(tally.failed.load())
                     .arg(tally.unsupported.load());
        if (notStored > 0)
            out() << tr(" (%1 files not stored)").arg(notStored);
        out() << u'\n' << tr("Cache: %1").arg(cache.location()) << Qt::endl;
    }
    return tally.failed.load() > 0 ? ExitFailures : ExitOk;
}

} // namespace gh::cli
