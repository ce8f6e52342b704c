#include <memory>

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/migrations.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"

using namespace gh;

/*!
    The catalog on both engines it supports: every test runs against SQLite and against a real PostgreSQL 15
    started for this test on loopback.
*/
class TestCatalog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void fromEmpty_data() { engines(); }
    void fromEmpty();
    void fromEachEarlierVersion_data();
    void fromEachEarlierVersion();
    void newerSchemaRefused_data() { engines(); }
    void newerSchemaRefused();
    void roundTrip_data() { engines(); }
    void roundTrip();
    void keysetPagingOverManyFiles_data() { engines(); }
    void keysetPagingOverManyFiles();
    void transactionRollsBack_data() { engines(); }
    void transactionRollsBack();
    void stageRecords_data() { engines(); }
    void stageRecords();

    void corruptFileRefused();
    void foreignDatabaseRefused();
    void folderAsCatalogRefused();

private:
    void engines();
    //! A fresh, empty catalog location for the current data row.
    CatalogLocation freshLocation();
    qint64 addBatchWithFiles(Catalog &catalog, int files);
    qint64 addBatchWithFilesAsOfVersion1(Catalog &catalog, int files);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestCatalog::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestCatalog::cleanupTestCase()
{
    m_postgres.reset();
}

void TestCatalog::engines()
{
    test::catalogEngines();
}

CatalogLocation TestCatalog::freshLocation()
{
    QFETCH(QString, engine);
    if (engine == u"sqlite") {
        auto location =
            CatalogLocation::parse(m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter)));
        return *location;
    }
    // Empty the database: drop what earlier tests created.
    auto location = CatalogLocation::parse(test::freshPostgresCatalog(*m_postgres));
    return *location;
}

qint64 TestCatalog::addBatchWithFiles(Catalog &catalog, int files)
{
    auto batch = catalog.createBatch(QStringLiteral("test"), QStringLiteral("/source"));
    if (!batch)
        return 0;
    auto tx = catalog.transaction();
    ItemRecord item;
    item.batchId = *batch;
    item.seq = 1;
    item.identifier = QStringLiteral("item-1");
    item.label = QStringLiteral("Item one");
    item.metadata.insert(QStringLiteral("title"), QStringLiteral("Ærø — Ålborg"));
    auto itemId = catalog.insertItem(item);
    if (!itemId)
        return 0;
    for (int i = 0; i < files; ++i) {
        FileRecord f;
        f.batchId = *batch;
        f.itemId = *itemId;
        f.seq = i + 1;
        f.name = QStringLiteral("file-%1.tif").arg(i, 5, 10, QLatin1Char('0'));
        f.sourcePath = QStringLiteral("/source/") + f.name;
        f.declaredSize = 100 + i;
        f.declared.md5 = QStringLiteral("900150983cd24fb0d6963f7d28e17f72");
        f.declared.origin = QStringLiteral("sidecar");
        if (!catalog.insertFile(f))
            return 0;
    }
    if (!tx->commit())
        return 0;
    return *batch;
}

qint64 TestCatalog::addBatchWithFilesAsOfVersion1(Catalog &catalog, int files)
{
    QSqlQuery q(catalog.database());
    if (!q.exec(QStringLiteral("INSERT INTO batches (name, source, created_at) VALUES ('test', '/source',"
                               " '2026-01-01T00:00:00.000Z') RETURNING id")) ||
        !q.next())
        return 0;
    const qint64 batchId = q.value(0).toLongLong();
    q.prepare(QStringLiteral(
        "INSERT INTO items (batch_id, seq, identifier, label, metadata) VALUES (?, 1, 'item-1',"
        " 'Item one', ?) RETURNING id"));
    q.addBindValue(batchId);
    q.addBindValue(QStringLiteral("{\"title\":\"Ærø — Ålborg\"}"));
    if (!q.exec() || !q.next())
        return 0;
    const qint64 itemId = q.value(0).toLongLong();
    for (int i = 0; i < files; ++i) {
        QSqlQuery f(catalog.database());
        f.prepare(
            QStringLiteral("INSERT INTO files (batch_id, item_id, seq, name, source_path, declared_size)"
                           " VALUES (?, ?, ?, ?, ?, ?)"));
        const QString name = QStringLiteral("file-%1.tif").arg(i, 5, 10, QLatin1Char('0'));
        f.addBindValue(batchId);
        f.addBindValue(itemId);
        f.addBindValue(i + 1);
        f.addBindValue(name);
        f.addBindValue(QString(QStringLiteral("/source/") + name));
        f.addBindValue(100 + i);
        if (!f.exec())
            return 0;
    }
    return batchId;
}

void TestCatalog::fromEmpty()
{
    const CatalogLocation location = freshLocation();
    {
        auto catalog = Catalog::open(location);
        QVERIFY2(catalog.ok(), qPrintable(catalog.ok() ? QString() : catalog.error().message));
        QCOMPARE((*catalog)->schemaVersion(), Catalog::latestVersion());
        const QStringList tables = (*catalog)->database().tables();
        for (const char *table : {"schema_version", "batches", "batch_stages", "items", "files", "events",
                                  "qa_samples", "http_cache"})
            QVERIFY2(tables.contains(QString::fromLatin1(table)), table);
    }
    // Opening again is a no-op.
    auto again = Catalog::open(location);
    QVERIFY(again.ok());
    QCOMPARE((*again)->schemaVersion(), Catalog::latestVersion());
}

void TestCatalog::fromEachEarlierVersion_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("from");
    for (const QString &engine : {QStringLiteral("sqlite"), QStringLiteral("postgresql")}) {
        for (const Migration &m : catalogMigrations()) {
            if (m.version < Catalog::latestVersion())
                QTest::addRow("%s from v%d", qPrintable(engine), m.version) << engine << m.version;
        }
    }
}

void TestCatalog::fromEachEarlierVersion()
{
    QFETCH(int, from);
    const CatalogLocation location = freshLocation();
    qint64 batchId = 0;
    {
        auto old = Catalog::open(location, from);
        QVERIFY2(old.ok(), qPrintable(old.ok() ? QString() : old.error().message));
        QCOMPARE((*old)->schemaVersion(), from);
        // Written with the SQL of that version: today's queries may use later columns.
        batchId = addBatchWithFilesAsOfVersion1(**old, 3);
        QVERIFY(batchId > 0);
    }
    auto current = Catalog::open(location);
    QVERIFY2(current.ok(), qPrintable(current.ok() ? QString() : current.error().message));
    QCOMPARE((*current)->schemaVersion(), Catalog::latestVersion());
    auto files = (*current)->files(batchId);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 3);
    QCOMPARE(files->at(2).name, QStringLiteral("file-00002.tif"));
    QCOMPARE(files->at(2).declaredSize, 102);
    auto item = (*current)->item(files->at(0).itemId);
    QVERIFY(item.ok());
    QCOMPARE(item->metadata.value(QStringLiteral("title")).toString(), QStringLiteral("Ærø — Ålborg"));
    // What later migrations added is usable.
    QSqlQuery q((*current)->database());
    QVERIFY2(
        q.exec(QStringLiteral("INSERT INTO http_cache (url, stored_key, size, md5, sha1, sha256, mimetype,"
                              " fetched_at) VALUES ('http://x/a', 'k', 1, 'm', 's', 's2', 't', 'now')")),
        qPrintable(q.lastError().text()));
}

void TestCatalog::newerSchemaRefused()
{
    const CatalogLocation location = freshLocation();
    {
        auto catalog = Catalog::open(location);
        QVERIFY(catalog.ok());
        QSqlQuery q((*catalog)->database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version, description, applied_at)"
                                      " VALUES (99, 'from the future', 'x')")));
    }
    auto refused = Catalog::open(location);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::SchemaTooNew);
    QVERIFY(refused.error().message.contains(QStringLiteral("99")));
    QVERIFY(refused.error().message.contains(location.displayName()));
}

void TestCatalog::roundTrip()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 4);
    QVERIFY(batchId > 0);
    QVERIFY(catalog.setBatchDetection(
        batchId, QStringLiteral("folder"),
        QJsonArray{QJsonObject{{QStringLiteral("stage"), QStringLiteral("folder")}}}));

    auto files = catalog.files(batchId);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 4);
    FileRecord f = files->at(1);
    QCOMPARE(f.item, QStringLiteral("item-1"));
    QCOMPARE(f.status, FileStatus::Pending);
    QCOMPARE(f.declared.md5, QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    QCOMPARE(f.size, -1);

    f.status = FileStatus::FixityMismatch;
    f.size = 4242;
    f.digests = {QStringLiteral("m"), QStringLiteral("s1"), QStringLiteral("s256"), {}};
    f.mimetype = QStringLiteral("image/tiff");
    f.storedKey = QStringLiteral("1/item-1/file-00001.tif");
    f.error = QStringLiteral("md5 declared x, computed y");
    f.attempts = 1;
    f.processedAt = QDateTime::currentDateTimeUtc();
    f.httpStatus = 200;
    f.hops = QJsonArray{QJsonObject{{QStringLiteral("url"), QStringLiteral("http://a")}}};
    EventRecord e;
    e.batchId = batchId;
    e.itemId = f.itemId;
    e.fileId = f.id;
    e.type = QStringLiteral("fixity check");
    e.outcome = QStringLiteral("failure");
    e.agent = QStringLiteral("gatehouse/test fetch");
    QVERIFY(catalog.recordOutcomes({f}, {e}));

    auto back = catalog.file(f.id);
    QVERIFY(back.ok());
    QCOMPARE(back->status, FileStatus::FixityMismatch);
    QCOMPARE(back->size, 4242);
    QCOMPARE(back->digests.sha256, QStringLiteral("s256"));
    QCOMPARE(back->storedKey, f.storedKey);
    QCOMPARE(back->httpStatus, 200);
    QCOMPARE(back->hops.size(), 1);
    QCOMPARE(back->processedAt.toMSecsSinceEpoch(), f.processedAt.toMSecsSinceEpoch());

    auto counts = catalog.statusCounts(batchId);
    QVERIFY(counts.ok());
    QCOMPARE(counts->value(FileStatus::Pending), 3);
    QCOMPARE(counts->value(FileStatus::FixityMismatch), 1);

    auto events = catalog.events(batchId, f.id);
    QVERIFY(events.ok());
    QCOMPARE(events->size(), 1);
    QCOMPARE(events->at(0).type, QStringLiteral("fixity check"));
    QCOMPARE(events->at(0).outcome, QStringLiteral("failure"));

    auto batches = catalog.batches();
    QVERIFY(batches.ok());
    QCOMPARE(batches->size(), 1);
    QCOMPARE(batches->at(0).files, 4);
    QCOMPARE(batches->at(0).items, 1);
    QCOMPARE(batches->at(0).detected, QStringLiteral("folder"));
    QCOMPARE(batches->at(0).counts.value(FileStatus::FixityMismatch), 1);

    auto reset = catalog.resetFiles(batchId, {FileStatus::FixityMismatch});
    QVERIFY(reset.ok());
    QCOMPARE(*reset, 1);
    QCOMPARE(catalog.statusCounts(batchId)->value(FileStatus::Pending), 4);

    auto latest = catalog.latestBatchForSource(QStringLiteral("/source"));
    QVERIFY(latest.ok() && latest->has_value());
    QCOMPARE(**latest, batchId);
    QVERIFY(catalog.clearBatchContents(batchId));
    QCOMPARE(catalog.files(batchId)->size(), 0);
}

void TestCatalog::keysetPagingOverManyFiles()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    const qint64 batchId = addBatchWithFiles(**opened, 12001);
    QVERIFY(batchId > 0);
    qint64 seen = 0;
    qint64 lastId = 0;
    QVERIFY((*opened)->forEachFile(batchId, [&](const FileRecord &f) {
        if (f.id <= lastId)
            return false;
        lastId = f.id;
        ++seen;
        return true;
    }));
    QCOMPARE(seen, 12001);

    FileQuery page;
    page.limit = 100;
    page.afterId = lastId - 50;
    QCOMPARE((*opened)->files(batchId, page)->size(), 50);
}

void TestCatalog::transactionRollsBack()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 1);
    {
        auto tx = catalog.transaction();
        QVERIFY(tx.ok());
        ItemRecord item;
        item.batchId = batchId;
        item.seq = 2;
        item.identifier = QStringLiteral("never committed");
        QVERIFY(catalog.insertItem(item).ok());
        // destroyed without commit
    }
    auto batch = catalog.batch(batchId);
    QVERIFY(batch.ok());
    QCOMPARE(batch->items, 1);
    // The connection is usable afterwards.
    QVERIFY(catalog.transaction().ok());
}

void TestCatalog::stageRecords()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 1);
    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::Running));
    QVERIFY(catalog.heartbeat(batchId, Stage::Fetch));
    auto stages = catalog.stages(batchId);
    QVERIFY(stages.ok());
    QCOMPARE(stages->size(), 1);
    QCOMPARE(stages->at(0).state, StageState::Running);
    QCOMPARE(stages->at(0).runner, currentRunner());
    QVERIFY(!stages->at(0).isInterrupted()); // this process is alive
    const QDateTime started = stages->at(0).started;
    QVERIFY(started.isValid());

    QVERIFY(catalog.setStageState(batchId, Stage::Fetch, StageState::NeedsAttention,
                                  QStringLiteral("1 problem")));
    stages = catalog.stages(batchId);
    QCOMPARE(stages->at(0).state, StageState::NeedsAttention);
    QCOMPARE(stages->at(0).started, started); // the first start is kept
    QVERIFY(stages->at(0).finished.isValid());
    QCOMPARE(stages->at(0).detail, QStringLiteral("1 problem"));

    // A stage left running by a process that no longer exists reads as interrupted.
    StageRecord dead;
    dead.state = StageState::Running;
    dead.runner = QSysInfo::machineHostName() + u":999999999";
    QVERIFY(dead.isInterrupted());
    QCOMPARE(dead.effectiveState(), StageState::NeedsAttention);
}

void TestCatalog::corruptFileRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("garbage.sqlite"));
    test::writeFile(path, test::pseudoRandomBytes(8192, 3));
    auto catalog = Catalog::open(*CatalogLocation::parse(path));
    QVERIFY(!catalog.ok());
    QCOMPARE(catalog.error().code, ErrorCode::Corrupt);
    QVERIFY(catalog.error().message.contains(path));
}

void TestCatalog::foreignDatabaseRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("foreign.sqlite"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE recipes (name TEXT)")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
    auto catalog = Catalog::open(*CatalogLocation::parse(path));
    QVERIFY(!catalog.ok());
    QCOMPARE(catalog.error().code, ErrorCode::Corrupt);
}

void TestCatalog::folderAsCatalogRefused()
{
    auto catalog = Catalog::open(*CatalogLocation::parse(m_dir.path()));
    QVERIFY(!catalog.ok());
    QCOMPARE(catalog.error().code, ErrorCode::Usage);
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
