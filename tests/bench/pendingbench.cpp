// Pending-work paging at scale (tests/bench/pending.sh): a batch of N files is written into a catalog of
// schema version 3, where "pending for fetch" was files.status = 'pending' on the (batch_id, status) index;
// half of it is settled; the pending half is paged through 512 at a time. Then the catalog is migrated to the
// current schema, where a stage's work is "no settled row of this stage in file_stages" on (batch_id, id),
// and the same half is paged through again. Prints seconds for each step and the ratio old/new.
//
//   gatehouse-pendingbench CATALOG FILES
//
// CATALOG is a SQLite path or a postgresql:// URL of an empty database.

#include <cstdio>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>

#include "catalog/catalog.h"

using namespace gh;

namespace {

constexpr int s_pageSize = 512;

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "pendingbench: %s\n", qPrintable(message));
    std::exit(2);
}

template <typename T>
T check(Result<T> result)
{
    if (!result)
        die(result.error().message);
    return std::move(result).value();
}

void check(const Status &status)
{
    if (!status)
        die(status.error().message);
}

double seconds(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

struct Paging
{
    double firstPage = 0; //!< The first page, when the half before it is settled (a resumed run).
    double all = 0;       //!< Every pending page.
    qint64 files = 0;
};

Paging page(Catalog &catalog, qint64 batchId, FileQuery query)
{
    Paging result;
    query.limit = s_pageSize;
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const QList<FileRecord> files = check(catalog.files(batchId, query));
        if (result.files == 0)
            result.firstPage = seconds(timer);
        result.files += files.size();
        if (files.size() < s_pageSize)
            break;
        query.afterId = files.constLast().id;
    }
    result.all = seconds(timer);
    return result;
}

void row(const char *what, double before, double after)
{
    std::printf("%-40s %10.3f %10.3f %8.2f\n", what, before, after, after > 0 ? before / after : 0.0);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 3)
        die(QStringLiteral("usage: gatehouse-pendingbench CATALOG FILES"));
    const auto location = check(CatalogLocation::parse(QString::fromLocal8Bit(argv[1])));
    const qint64 total = QByteArray(argv[2]).toLongLong();
    const qint64 perItem = 1000;

    // Version 3: what intake wrote then (the same rows as now: intake writes no stage rows for accepted
    // files).
    auto old = check(Catalog::open(location, 3));
    const qint64 batchId = check(old->createBatch(QStringLiteral("bench"), QStringLiteral("/bench")));
    QElapsedTimer timer;
    timer.start();
    {
        std::optional<Catalog::Transaction> tx;
        qint64 itemId = 0;
        for (qint64 i = 0; i < total; ++i) {
            if (!tx)
                tx.emplace(check(old->transaction()));
            if (i % perItem == 0) {
                ItemRecord item;
                item.batchId = batchId;
                item.seq = int(i / perItem + 1);
                item.identifier = QStringLiteral("item-%1").arg(i / perItem);
                itemId = check(old->insertItem(item));
            }
            FileRecord f;
            f.batchId = batchId;
            f.itemId = itemId;
            f.seq = int(i % perItem + 1);
            f.name = QStringLiteral("page-%1.tif").arg(i % perItem);
            f.sourceUrl = QStringLiteral("https://images.example.org/iiif/%1/full/max/0/default.jpg").arg(i);
            f.declaredSize = 1000 + i % 5000;
            check(old->insertFile(f));
            if (i % 2000 == 1999) {
                check(tx->commit());
                tx.reset();
            }
        }
        if (tx)
            check(tx->commit());
    }
    const double insertSeconds = seconds(timer);

    // Settle the first half, as a fetch interrupted half-way would have left it.
    const qint64 half = total / 2;
    qint64 midId = 0;
    {
        QSqlQuery q(old->database());
        q.prepare(QStringLiteral("SELECT id FROM files WHERE batch_id = ? ORDER BY id LIMIT 1 OFFSET ?"));
        q.addBindValue(batchId);
        q.addBindValue(half - 1);
        if (!q.exec() || !q.next())
            die(QStringLiteral("cannot find the middle"));
        midId = q.value(0).toLongLong();
        auto tx = check(old->transaction());
        q.prepare(
            QStringLiteral("UPDATE files SET status = 'success', attempts = 1, md5 = 'm', sha1 = 's',"
                           " sha256 = 's2', size = declared_size, processed_at = '2026-01-01T00:00:00.000Z'"
                           " WHERE batch_id = ? AND id <= ?"));
        q.addBindValue(batchId);
        q.addBindValue(midId);
        if (!q.exec())
            die(QStringLiteral("cannot settle"));
        check(tx.commit());
    }

    timer.restart();
    {
        QSqlQuery q(old->database());
        q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(declared_size), 0) FROM files"
                                 " WHERE batch_id = ? AND status = 'pending'"));
        q.addBindValue(batchId);
        if (!q.exec() || !q.next() || q.value(0).toLongLong() != total - half)
            die(QStringLiteral("version 3 counts the wrong work"));
    }
    const double oldCount = seconds(timer);
    FileQuery byStatus;
    byStatus.statuses = {FileStatus::Pending};
    const Paging oldPaging = page(*old, batchId, byStatus);
    if (oldPaging.files != total - half)
        die(QStringLiteral("version 3 paged %1 files").arg(oldPaging.files));
    old.reset();

    // The current schema: the migration backfills a fetch row per settled file.
    timer.restart();
    auto current = check(Catalog::open(location));
    const double migrateSeconds = seconds(timer);
    const PendingFor fetch{Stage::Fetch, Stage::Intake};
    timer.restart();
    const auto work = check(current->pendingWork(batchId, fetch));
    const double newCount = seconds(timer);
    if (work.files != total - half)
        die(QStringLiteral("the current schema counts %1 pending files").arg(work.files));
    FileQuery pending;
    pending.pending = fetch;
    const Paging newPaging = page(*current, batchId, pending);
    if (newPaging.files != total - half)
        die(QStringLiteral("the current schema paged %1 files").arg(newPaging.files));

    std::printf("%s: %lld files in one batch, half settled (insert %.1f s, migration to v%d %.1f s)\n",
                qPrintable(location.displayName()), total, insertSeconds, Catalog::latestVersion(),
                migrateSeconds);
    std::printf("%-40s %10s %10s %8s\n", "seconds", "v3 status", "v4 stages", "v3/v4");
    row("count pending work", oldCount, newCount);
    row("first page after the settled half", oldPaging.firstPage, newPaging.firstPage);
    row("page through the pending half", oldPaging.all, newPaging.all);
    std::printf("%-40s %10.1f %10.1f\n", "microseconds per pending file",
                oldPaging.all * 1e6 / double(oldPaging.files), newPaging.all * 1e6 / double(newPaging.files));
    return 0;
}
