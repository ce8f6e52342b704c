// Makes a large batch for tests/bench/reports.sh without copying a million files: a catalog with N files in
// items of four, each file fetched (digests, mimetype, stored key) with the three events the fetch stage
// records, written through the Catalog API in transactions of 5,000 files.
//   gatehouse-reportbench CATALOG N
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QTextStream>

#include "catalog/catalog.h"
#include "util/version.h"

using namespace gh;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream err(stderr);
    if (args.size() != 3) {
        err << "usage: gatehouse-reportbench CATALOG N\n";
        return 2;
    }
    const qint64 total = args[2].toLongLong();
    auto location = CatalogLocation::parse(args[1]);
    if (!location) {
        err << location.error().message << '\n';
        return 2;
    }
    auto opened = Catalog::open(*location);
    if (!opened) {
        err << opened.error().message << '\n';
        return 2;
    }
    Catalog &catalog = **opened;
    auto batch =
        catalog.createBatch(QStringLiteral("bench-%1").arg(total), QStringLiteral("/bench/%1").arg(total));
    if (!batch) {
        err << batch.error().message << '\n';
        return 2;
    }
    const QString agent = agentFor(QStringLiteral("fetch"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    qint64 made = 0;
    while (made < total) {
        auto tx = catalog.transaction();
        if (!tx) {
            err << tx.error().message << '\n';
            return 2;
        }
        QList<FileRecord> files;
        QList<EventRecord> events;
        for (int i = 0; i < 5000 && made < total; ++made, ++i) {
            qint64 itemId = 0;
            if (made % 4 == 0) {
                ItemRecord item;
                item.batchId = *batch;
                item.seq = int(made / 4) + 1;
                item.identifier = QStringLiteral("item-%1").arg(made / 4, 7, 10, QLatin1Char('0'));
                item.label = QStringLiteral("Page %1").arg(made / 4 + 1);
                auto id = catalog.insertItem(item);
                if (!id) {
                    err << id.error().message << '\n';
                    return 2;
                }
                itemId = *id;
            } else {
                itemId = files.isEmpty() ? 0 : files.constLast().itemId;
            }
            FileRecord f;
            f.batchId = *batch;
            f.itemId = itemId;
            f.seq = int(made % 4) + 1;
            f.name = QStringLiteral("scan-%1.tif").arg(made, 7, 10, QLatin1Char('0'));
            f.sourcePath = QStringLiteral("/bench/%1/%2").arg(total).arg(f.name);
            if (f.itemId == 0) {
                err << "internal: item of file " << made << " unknown\n";
                return 2;
            }
            auto id = catalog.insertFile(f);
            if (!id) {
                err << id.error().message << '\n';
                return 2;
            }
            f.id = *id;
            const QByteArray seed = QByteArray::number(made);
            f.size = 262144 + made % 4096;
            f.digests.md5 =
                QString::fromLatin1(QCryptographicHash::hash(seed, QCryptographicHash::Md5).toHex());
            f.digests.sha1 =
                QString::fromLatin1(QCryptographicHash::hash(seed, QCryptographicHash::Sha1).toHex());
            f.digests.sha256 =
                QString::fromLatin1(QCryptographicHash::hash(seed, QCryptographicHash::Sha256).toHex());
            f.mimetype = QStringLiteral("image/tiff");
            f.status = FileStatus::Success;
            f.storedKey = QStringLiteral("%1/item-%2/%3").arg(*batch).arg(made / 4).arg(f.name);
            f.processedAt = now;
            for (const char *type : {"message digest calculation", "format identification", "replication"}) {
                EventRecord e;
                e.batchId = *batch;
                e.itemId = f.itemId;
                e.fileId = f.id;
                e.type = QLatin1String(type);
                e.at = now;
                e.outcome = QStringLiteral("success");
                e.agent = agent;
                e.detail = QStringLiteral("bench");
                events.append(e);
            }
            files.append(f);
        }
        // Rows first, then what fetch measured (recordOutcomes is a transaction of its own).
        if (Status s = tx->commit(); !s) {
            err << s.error().message << '\n';
            return 2;
        }
        if (Status s = catalog.recordOutcomes(files, events); !s) {
            err << s.error().message << '\n';
            return 2;
        }
    }
    for (Stage stage : {Stage::Intake, Stage::Fetch})
        (void)catalog.setStageState(*batch, stage, StageState::Done);
    QTextStream(stdout) << *batch << '\n';
    return 0;
}
