// Rejecting a batch whose copies live in an S3 store (a real s3rver): every object of the batch is deleted
// from the bucket, the catalog keeps its records and events.
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "digest/multidigest.h"
#include "peerserver.h"
#include "review/batchdecisions.h"
#include "review/reviewbook.h"
#include "store/s3store.h"
#include "testsupport.h"

using namespace gh;

class TestRejectS3 : public QObject
{
    Q_OBJECT

private slots:
    void rejectDeletesTheObjectsFromTheBucket()
    {
        const QString bucket = QStringLiteral("gatehouse-reject");
        test::PeerServer s3(QStringLiteral("s3rver"), {bucket});
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        QTemporaryDir dir;
        S3Options o;
        o.bucket = bucket;
        o.prefix = QStringLiteral("archive");
        o.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(s3.port()));
        o.region = QStringLiteral("us-east-1");
        o.addressing = S3Options::Addressing::Path;
        o.credentials = {"S3RVER", "not-checked-by-s3rver", {}};
        o.stagingDir = dir.filePath(QStringLiteral("staging"));
        o.retryDelayMs = 20;
        auto store = S3Store::open(o);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        auto catalog = Catalog::open(*CatalogLocation::parse(dir.filePath(QStringLiteral("catalog.sqlite"))));
        QVERIFY(catalog);
        Catalog &c = **catalog;

        const qint64 batch = *c.createBatch(QStringLiteral("B5-RT1"), QStringLiteral("/deliveries/B5-RT1"));
        QList<FileRecord> stored;
        auto tx = c.transaction();
        for (int i = 1; i <= 12; ++i) {
            ItemRecord item;
            item.batchId = batch;
            item.seq = i;
            item.identifier = QStringLiteral("page-%1").arg(i);
            const qint64 itemId = *c.insertItem(item);
            FileRecord f;
            f.batchId = batch;
            f.itemId = itemId;
            f.seq = 1;
            f.name = QStringLiteral("page.jp2");
            f.sourcePath = QStringLiteral("/deliveries/B5-RT1/page-%1.jp2").arg(i);
            f.id = *c.insertFile(f);
            const QByteArray content = test::pseudoRandomBytes(2000 + i, quint64(i));
            f.size = content.size();
            f.digests = MultiDigest::of(content);
            f.status = FileStatus::Success;
            f.storedKey = QStringLiteral("B5-RT1/page-%1/page.jp2").arg(i);
            auto writer = (*store)->beginWrite();
            QVERIFY(writer);
            QVERIFY((*writer)->write(content.constData(), content.size()));
            QVERIFY((*writer)->commit(f.storedKey, f.digests));
            stored.append(f);
        }
        QVERIFY(tx->commit());
        QVERIFY(c.recordOutcomes(stored, {}));
        for (const FileRecord &f : std::as_const(stored))
            QVERIFY((*store)->exists(f.storedKey).value());

        BatchDecisions decisions(c, store->get());
        auto outcome =
            decisions.reject(batch, QStringLiteral("the wrong film was scanned"), QStringLiteral("Karen"));
        QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().message));
        QCOMPARE(outcome->objectsRemoved, 12);
        QVERIFY(outcome->message.contains(QStringLiteral("s3://gatehouse-reject/archive")));
        for (const FileRecord &f : std::as_const(stored))
            QVERIFY2(!(*store)->exists(f.storedKey).value(), qPrintable(f.storedKey));
        auto files = c.files(batch);
        QCOMPARE(files->size(), 12);
        QHash<qint64, QString> digests;
        for (const FileRecord &f : std::as_const(stored))
            digests.insert(f.id, f.digests.sha256);
        for (const FileRecord &f : *files) {
            QCOMPARE(f.status, FileStatus::Deleted);
            QCOMPARE(f.digests.sha256, digests.value(f.id)); // what was measured stays on record
        }
        auto events = c.events(batch);
        QCOMPARE(std::count_if(events->cbegin(), events->cend(),
                               [](const EventRecord &e) { return e.type == u"deletion"; }),
                 12);
        QCOMPARE(ReviewBook(c).summary(batch)->reason, QStringLiteral("the wrong film was scanned"));
    }
};

QTEST_GUILESS_MAIN(TestRejectS3)
#include "tst_rejects3.moc"
