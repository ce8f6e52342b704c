// Rejecting a batch whose copies live in an S3 store (a real s3rver): every object of the batch is deleted
// from the bucket, the catalog keeps its records and events; a rejection killed half-way carries on.
#include <signal.h>
#include <sys/types.h>

#include <QProcess>
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

namespace {

//! The store the tests check with: \a bucket's "archive" prefix on the s3rver \a s3, as gatehouse-cli's
//! --store s3://BUCKET/archive with the environment below reaches it.
S3Options options(const test::PeerServer &s3, const QString &bucket, const QString &staging)
{
    S3Options o;
    o.bucket = bucket;
    o.prefix = QStringLiteral("archive");
    o.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(s3.port()));
    o.region = QStringLiteral("us-east-1");
    o.addressing = S3Options::Addressing::Path;
    o.credentials = {"S3RVER", "not-checked-by-s3rver", {}};
    o.stagingDir = staging;
    o.retryDelayMs = 20;
    return o;
}

} // namespace

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
        auto store = S3Store::open(options(s3, bucket, dir.filePath(QStringLiteral("staging"))));
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

    void rejectKilledMidwayCarriesOn()
    {
        // Deleting from S3 is one request per object, so a page of 500 takes long enough to be killed in.
        const QString bucket = QStringLiteral("gatehouse-reject");
        test::PeerServer s3(QStringLiteral("s3rver"), {bucket});
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        test::Workspace ws;
        constexpr int total = 1500;
        const QString delivery = ws.file(QStringLiteral("delivery"));
        for (int i = 1; i <= total; ++i)
            test::writeFile(delivery + QStringLiteral("/page-%1.bin").arg(i, 4, 10, QLatin1Char('0')),
                            test::pseudoRandomBytes(64 + i % 50, quint64(i)));
        QProcessEnvironment env = ws.environment();
        env.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"),
                   QStringLiteral("http://127.0.0.1:%1").arg(s3.port()));
        env.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
        env.insert(QStringLiteral("GATEHOUSE_S3_REGION"), QStringLiteral("us-east-1"));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("not-checked-by-s3rver"));
        const QString spec = QStringLiteral("s3://%1/archive").arg(bucket);
        const auto cli = [&](const QStringList &arguments) {
            auto *process = new QProcess(this);
            process->setProcessEnvironment(env);
            process->start(
                test::binary(QStringLiteral("gatehouse-cli")),
                QStringList{QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("--store"), spec} +
                    arguments);
            return process;
        };
        QProcess *run = cli({QStringLiteral("run"), delivery, QStringLiteral("-q")});
        QVERIFY(run->waitForFinished(300000));
        QVERIFY2(run->exitCode() == 0, run->readAllStandardError().constData());

        auto store = S3Store::open(options(s3, bucket, ws.file(QStringLiteral("staging"))));
        QVERIFY(store);
        const auto files = [&] {
            auto catalog = Catalog::open(*CatalogLocation::parse(ws.catalog()));
            return (*catalog)->files(1).value();
        };
        const QList<FileRecord> before = files();
        QCOMPARE(before.size(), total);
        for (const FileRecord &f : before)
            QVERIFY((*store)->exists(f.storedKey).value());

        QProcess *reject = cli({QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"),
                                QStringLiteral("wrong title")});
        reject->setReadChannel(QProcess::StandardError);
        QByteArray progress;
        while (!progress.contains("/1500 files") && reject->waitForReadyRead(60000))
            progress += reject->readAllStandardError();
        QVERIFY2(progress.contains("500/1500 files"), progress.constData());
        ::kill(pid_t(reject->processId()), SIGKILL);
        QVERIFY(reject->waitForFinished());
        QCOMPARE(reject->exitStatus(), QProcess::CrashExit);

        // Killed after a page: the batch is rejected, the files marked deleted have no object any more, and
        // some objects are still there.
        int marked = 0;
        int present = 0;
        for (const FileRecord &f : files()) {
            const bool exists = (*store)->exists(f.storedKey).value();
            present += exists ? 1 : 0;
            if (f.status == FileStatus::Deleted) {
                ++marked;
                QVERIFY2(!exists, qPrintable(f.storedKey));
            }
        }
        QVERIFY2(marked >= 500 && marked < total, qPrintable(QString::number(marked)));
        QVERIFY2(present > 0 && present <= total - marked, qPrintable(QString::number(present)));

        QProcess *again = cli({QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"),
                               QStringLiteral("a second reason is not recorded")});
        QVERIFY(again->waitForFinished(300000));
        QVERIFY2(again->exitCode() == 0, again->readAllStandardError().constData());
        for (const FileRecord &f : files()) {
            QCOMPARE(f.status, FileStatus::Deleted);
            QVERIFY2(!(*store)->exists(f.storedKey).value(), qPrintable(f.storedKey));
        }
        // One rejection and one deletion per file: nothing recorded twice, nothing missing.
        auto catalog = Catalog::open(*CatalogLocation::parse(ws.catalog()));
        auto events = (*catalog)->events(1);
        QCOMPARE(int(std::count_if(events->cbegin(), events->cend(),
                                   [](const EventRecord &e) { return e.type == u"deletion"; })),
                 total);
        QCOMPARE(int(std::count_if(
                     events->cbegin(), events->cend(),
                     [](const EventRecord &e) { return e.type == u"appraisal" && e.outcome == u"failure"; })),
                 1);
        QCOMPARE(ReviewBook(**catalog).summary(1)->reason, QStringLiteral("wrong title"));
    }
};

QTEST_GUILESS_MAIN(TestRejectS3)
#include "tst_rejects3.moc"
