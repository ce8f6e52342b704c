#include <memory>

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
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
    void missingVersionBelowTheHighestIsApplied_data() { engines(); }
    void missingVersionBelowTheHighestIsApplied();
    void roundTrip_data() { engines(); }
    void roundTrip();
    void keysetPagingOverManyFiles_data() { engines(); }
    void keysetPagingOverManyFiles();
    void transactionRollsBack_data() { engines(); }
    void transactionRollsBack();
    void stageRecords_data() { engines(); }
    void stageRecords();
    void fileStateIsKeptPerStage_data() { engines(); }
    void fileStateIsKeptPerStage();
    void pendingWorkFollowsTheStageBefore_data() { engines(); }
    void pendingWorkFollowsTheStageBefore();
    void fileTargets_data() { engines(); }
    void fileTargets();
    void batchTargetSpecs_data() { engines(); }
    void batchTargetSpecs();

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
                                  "http_cache", "file_stages", "file_targets"})
            QVERIFY2(tables.contains(QString::fromLatin1(table)), table);
        // What was never used is gone.
        QVERIFY(!tables.contains(QStringLiteral("qa_samples")));
        const QSqlRecord files = (*catalog)->database().record(QStringLiteral("files"));
        QVERIFY(files.contains(QStringLiteral("status")));
        for (const char *column : {"dedup_case", "dedup_decision", "qa_flags", "target_name", "target_state"})
            QVERIFY2(!files.contains(QString::fromLatin1(column)), column);
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
        batchId = addBatchWithFilesAsOfVersion1(**old, 5);
        QVERIFY(batchId > 0);
        // Before v4, settled as that version did: one refused by intake (no processing time), two by
        // fetch; the columns v4 drops hold something. From v4 on, files are settled per stage.
        QSqlQuery q((*old)->database());
        if (from < 4) {
            QVERIFY2(
                q.exec(QStringLiteral("UPDATE files SET status = 'missing', error = 'not in the package',"
                                      " dedup_case = '4', qa_flags = 'x' WHERE seq = 2")),
                qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("UPDATE files SET status = 'success', attempts = 1, md5 = 'm',"
                                          " processed_at = '2026-01-02T00:00:00.000Z', target_state = 'x'"
                                          " WHERE seq = 3")));
            QVERIFY(
                q.exec(QStringLiteral("UPDATE files SET status = 'timeout', attempts = 3, error = 'stalled',"
                                      " processed_at = '2026-01-02T00:00:01.000Z' WHERE seq = 4")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO qa_samples (batch_id, item_id, plan, seq)"
                                          " SELECT batch_id, item_id, 'p', 1 FROM files WHERE seq = 1")));
        }
    }
    auto current = Catalog::open(location);
    QVERIFY2(current.ok(), qPrintable(current.ok() ? QString() : current.error().message));
    QCOMPARE((*current)->schemaVersion(), Catalog::latestVersion());
    Catalog &catalog = **current;
    auto files = catalog.files(batchId);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 5);
    QCOMPARE(files->at(2).name, QStringLiteral("file-00002.tif"));
    QCOMPARE(files->at(2).declaredSize, 102);
    if (from < 4) {
        // The overall status is what it was; the stages that settled the files have their rows.
        QCOMPARE(files->at(0).status, FileStatus::Pending);
        QCOMPARE(files->at(1).status, FileStatus::Missing);
        QCOMPARE(files->at(2).status, FileStatus::Success);
        QCOMPARE(files->at(2).digests.md5, QStringLiteral("m"));
        QCOMPARE(files->at(3).status, FileStatus::Timeout);
        QVERIFY(catalog.fileStages(files->at(0).id)->isEmpty());
        auto refused = catalog.fileStages(files->at(1).id);
        QCOMPARE(refused->size(), 1);
        QCOMPARE(refused->at(0).stage, Stage::Intake);
        QCOMPARE(refused->at(0).state, FileStageState::Failed);
        QCOMPARE(refused->at(0).detail, QStringLiteral("not in the package"));
        auto fetched = catalog.fileStages(files->at(2).id);
        QCOMPARE(fetched->size(), 1);
        QCOMPARE(fetched->at(0).stage, Stage::Fetch);
        QCOMPARE(fetched->at(0).state, FileStageState::Done);
        QCOMPARE(fetched->at(0).attempts, 1);
        QCOMPARE(fetched->at(0).at.toMSecsSinceEpoch(),
                 QDateTime::fromString(QStringLiteral("2026-01-02T00:00:00.000Z"), Qt::ISODateWithMs)
                     .toMSecsSinceEpoch());
        QCOMPARE(catalog.fileStages(files->at(3).id)->at(0).state, FileStageState::Failed);
        // The fetch stage's work is what it was: the two pending files, then the timeout once it is retried.
        FileQuery pending;
        pending.pending = PendingFor{Stage::Fetch, Stage::Intake};
        QCOMPARE(catalog.files(batchId, pending)->size(), 2);
        QCOMPARE(*catalog.resetStage(batchId, Stage::Fetch, {FileStatus::Timeout}), 1);
        QCOMPARE(catalog.files(batchId, pending)->size(), 3);
        QCOMPARE(catalog.file(files->at(3).id)->status, FileStatus::Pending);
    }
    QVERIFY(!catalog.database().tables().contains(QStringLiteral("qa_samples")));
    auto item = catalog.item(files->at(0).itemId);
    QVERIFY(item.ok());
    QCOMPARE(item->metadata.value(QStringLiteral("title")).toString(), QStringLiteral("Ærø — Ålborg"));
    // What later migrations added is usable.
    QSqlQuery q(catalog.database());
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

void TestCatalog::missingVersionBelowTheHighestIsApplied()
{
    // A catalog written while v6 (dedup) was still reserved went from v5 straight to v7: opening it applies
    // v6.
    const CatalogLocation location = freshLocation();
    qint64 batchId = 0;
    {
        auto catalog = Catalog::open(location);
        QVERIFY(catalog.ok());
        batchId = addBatchWithFilesAsOfVersion1(**catalog, 2);
        QSqlQuery q((*catalog)->database());
        QVERIFY(q.exec(QStringLiteral("DROP TABLE duplicate_decisions")));
        QVERIFY(q.exec(QStringLiteral("DROP TABLE duplicate_cases")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version = 6")));
    }
    auto reopened = Catalog::open(location);
    QVERIFY2(reopened.ok(), qPrintable(reopened.ok() ? QString() : reopened.error().message));
    QCOMPARE((*reopened)->schemaVersion(), Catalog::latestVersion());
    QSqlQuery q((*reopened)->database());
    QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version ORDER BY version")));
    QList<int> versions;
    while (q.next())
        versions << q.value(0).toInt();
    QList<int> expected;
    for (const Migration &m : catalogMigrations())
        expected << m.version;
    QCOMPARE(versions, expected);
    const QStringList tables = (*reopened)->database().tables();
    QVERIFY(tables.contains(QStringLiteral("duplicate_cases")));
    QVERIFY(tables.contains(QStringLiteral("duplicate_decisions")));
    // The batch written before is untouched, and the new tables take rows for it.
    QCOMPARE((*reopened)->files(batchId)->size(), 2);
    QVERIFY2(
        q.exec(QStringLiteral("INSERT INTO duplicate_cases (file_id, target, batch_id, item_id, dup_case,"
                              " classified_at) SELECT id, 't', batch_id, item_id, 'new', 'now' FROM files"
                              " WHERE batch_id = %1")
                   .arg(batchId)),
        qPrintable(q.lastError().text()));
    QCOMPARE(q.numRowsAffected(), 2);
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

    auto reset = catalog.resetStage(batchId, Stage::Fetch, {FileStatus::FixityMismatch});
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

void TestCatalog::fileStateIsKeptPerStage()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 4);
    QVERIFY(batchId > 0);
    QList<FileRecord> files = *catalog.files(batchId);

    // Fetch settles three files: the rows say how, the overall status follows the latest outcome.
    files[0].status = FileStatus::Success;
    files[0].attempts = 1;
    files[0].processedAt = QDateTime::currentDateTimeUtc();
    files[1].status = FileStatus::Timeout;
    files[1].error = QStringLiteral("stalled for 60 s");
    files[1].attempts = 3;
    files[2].status = FileStatus::SkippedBanned;
    QVERIFY(catalog.recordOutcomes({files[0], files[1], files[2]}, {}));
    auto rows = catalog.fileStages(files[1].id);
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->at(0).stage, Stage::Fetch);
    QCOMPARE(rows->at(0).state, FileStageState::Failed);
    QCOMPARE(rows->at(0).status, FileStatus::Timeout);
    QCOMPARE(rows->at(0).attempts, 3);
    QCOMPARE(rows->at(0).detail, QStringLiteral("stalled for 60 s"));
    QVERIFY(rows->at(0).at.isValid());
    QCOMPARE(catalog.fileStages(files[2].id)->at(0).state, FileStageState::Skipped);
    QCOMPARE(catalog.file(files[1].id)->status, FileStatus::Timeout);
    auto counts = *catalog.stageCounts(batchId, Stage::Fetch);
    QCOMPARE(counts.value(FileStatus::Success), 1);
    QCOMPARE(counts.value(FileStatus::Timeout), 1);
    QCOMPARE(counts.value(FileStatus::Pending), 0);

    // A later stage (a plug-in) takes the file fetch let through, and its outcome becomes the overall one.
    const Stage mark = StageInfo::define(QStringLiteral("catalog-test-mark"), QStringLiteral("Mark"));
    QCOMPARE(StageInfo::define(QStringLiteral("catalog-test-mark"), QStringLiteral("Mark")), mark);
    FileQuery forMark;
    forMark.pending = PendingFor{mark, Stage::Fetch};
    auto markWork = catalog.files(batchId, forMark);
    QCOMPARE(markWork->size(), 1);
    QCOMPARE(markWork->at(0).id, files[0].id);
    FileRecord marked = markWork->at(0);
    marked.status = FileStatus::FixityMismatch;
    marked.error = QStringLiteral("marked");
    marked.attempts = 1;
    EventRecord e;
    e.batchId = batchId;
    e.fileId = marked.id;
    e.type = QStringLiteral("validation");
    e.outcome = QStringLiteral("failure");
    e.agent = QStringLiteral("gatehouse/test mark");
    QVERIFY(catalog.recordStageOutcomes(mark, {marked}, {e}));
    QCOMPARE(catalog.file(marked.id)->status, FileStatus::FixityMismatch);
    QCOMPARE(catalog.file(marked.id)->error, QStringLiteral("marked"));
    QCOMPARE(catalog.files(batchId, forMark)->size(), 0);
    QCOMPARE(catalog.fileStages(marked.id)->size(), 2);
    QCOMPARE(catalog.events(batchId, marked.id)->size(), 1);

    // Transient failures go back to pending; a refresh of fetch takes the later stage's word back too.
    QCOMPARE(*catalog.resetStage(batchId, Stage::Fetch, {FileStatus::Timeout}), 1);
    QCOMPARE(*catalog.resetStage(batchId, Stage::Fetch, {FileStatus::Timeout}), 0); // counted once
    QCOMPARE(catalog.file(files[1].id)->status, FileStatus::Pending);
    QCOMPARE(catalog.fileStages(files[1].id)->at(0).status, FileStatus::Timeout); // still says why
    QCOMPARE(catalog.stageCounts(batchId, Stage::Fetch)->value(FileStatus::Pending), 1);
    QCOMPARE(*catalog.resetStage(batchId, Stage::Fetch, {FileStatus::Success}, false, {mark}), 1);
    QCOMPARE(catalog.fileStages(marked.id)->size(), 1);
    QCOMPARE(catalog.file(marked.id)->status, FileStatus::Pending);

    // Starting intake over removes every row of the batch.
    QVERIFY(catalog.clearBatchContents(batchId));
    QVERIFY(catalog.fileStages(files[2].id)->isEmpty());
}

void TestCatalog::pendingWorkFollowsTheStageBefore()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 1200);
    QVERIFY(batchId > 0);
    // A file intake refused gets its intake row and is nobody's work.
    ItemRecord item;
    item.batchId = batchId;
    item.seq = 2;
    item.identifier = QStringLiteral("item-2");
    const qint64 itemId = *catalog.insertItem(item);
    FileRecord missing;
    missing.batchId = batchId;
    missing.itemId = itemId;
    missing.seq = 1;
    missing.name = QStringLiteral("gone.tif");
    missing.declaredSize = 5;
    missing.status = FileStatus::Missing;
    missing.error = QStringLiteral("listed in the manifest, not in the package");
    const qint64 missingId = *catalog.insertFile(missing);
    auto refusal = catalog.fileStages(missingId);
    QCOMPARE(refusal->size(), 1);
    QCOMPARE(refusal->at(0).stage, Stage::Intake);
    QCOMPARE(refusal->at(0).status, FileStatus::Missing);

    const PendingFor fetch{Stage::Fetch, Stage::Intake};
    auto work = catalog.pendingWork(batchId, fetch);
    QCOMPARE(work->files, 1200);
    qint64 declared = 0;
    for (int i = 0; i < 1200; ++i)
        declared += 100 + i;
    QCOMPARE(work->bytes, declared);
    QVERIFY(work->allSizesKnown);

    // Settle every third file, then page through the rest: keyset order, nothing twice, nothing settled.
    QList<FileRecord> settled;
    FileQuery all;
    all.limit = 5000;
    const QList<FileRecord> everything = *catalog.files(batchId, all);
    for (const FileRecord &f : everything) {
        if (f.id % 3 == 0 && f.status == FileStatus::Pending) {
            FileRecord s = f;
            s.status = FileStatus::Success;
            settled.append(s);
        }
    }
    QVERIFY(catalog.recordOutcomes(settled, {}));
    FileQuery page;
    page.pending = fetch;
    page.limit = 512;
    QSet<qint64> seen;
    qint64 last = 0;
    for (;;) {
        auto files = catalog.files(batchId, page);
        QVERIFY(files.ok());
        for (const FileRecord &f : *files) {
            QVERIFY(f.id > last);
            last = f.id;
            QVERIFY(f.id % 3 != 0);
            QVERIFY(f.id != missingId);
            seen.insert(f.id);
        }
        if (files->size() < page.limit)
            break;
        page.afterId = files->constLast().id;
    }
    QCOMPARE(seen.size(), 1200 - settled.size());
    QCOMPARE(catalog.pendingWork(batchId, fetch)->files, 1200 - settled.size());

    // Members of one archive, pending: the fetch stage's archive pass.
    FileQuery members;
    members.pending = fetch;
    members.sourcePath = QStringLiteral("/source/file-00001.tif");
    QCOMPARE(catalog.files(batchId, members)->size(), 1);
}

void TestCatalog::fileTargets()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 3);
    const QList<FileRecord> files = *catalog.files(batchId);
    const QString s3 = QStringLiteral("s3://archive/masters");
    const QString wiki = QStringLiteral("mediawiki:https://commons.example/w/api.php");

    // On S3, failed on the wiki: one file, two targets, two states.
    FileTargetRecord onS3;
    onS3.fileId = files[0].id;
    onS3.batchId = batchId;
    onS3.target = s3;
    onS3.remoteName = QStringLiteral("masters/file-00000.tif");
    onS3.state = TargetState::Uploaded;
    onS3.attempts = 1;
    onS3.reported = QJsonObject{{QStringLiteral("etag"), QStringLiteral("\"abc\"")}};
    onS3.verified = true;
    FileTargetRecord onWiki = onS3;
    onWiki.target = wiki;
    onWiki.remoteName = QStringLiteral("File:Ærø 1923.tif");
    onWiki.state = TargetState::Failed;
    onWiki.attempts = 3;
    onWiki.reported = QJsonObject{{QStringLiteral("error"), QStringLiteral("fileexists-no-change")}};
    onWiki.verified = false;
    FileTargetRecord decide = onWiki;
    decide.fileId = files[1].id;
    decide.state = TargetState::NeedsDecision;
    QVERIFY(catalog.recordTargets({onS3, onWiki, decide}));

    auto targets = catalog.fileTargets(files[0].id);
    QCOMPARE(targets->size(), 2);
    const FileTargetRecord &first = targets->at(0).target == s3 ? targets->at(0) : targets->at(1);
    const FileTargetRecord &second = targets->at(0).target == s3 ? targets->at(1) : targets->at(0);
    QCOMPARE(first.state, TargetState::Uploaded);
    QCOMPARE(first.remoteName, QStringLiteral("masters/file-00000.tif"));
    QCOMPARE(first.reported.value(QStringLiteral("etag")).toString(), QStringLiteral("\"abc\""));
    QVERIFY(first.verified);
    QVERIFY(first.at.isValid());
    QCOMPARE(second.state, TargetState::Failed);
    QCOMPARE(second.remoteName, QStringLiteral("File:Ærø 1923.tif"));
    QCOMPARE(second.attempts, 3);
    QVERIFY(!second.verified);

    // A second attempt replaces the row.
    onWiki.state = TargetState::AlreadyThere;
    onWiki.attempts = 4;
    onWiki.verified = true;
    QVERIFY(catalog.recordTargets({onWiki}));
    auto counts = *catalog.targetCounts(batchId, wiki);
    QCOMPARE(counts.value(TargetState::AlreadyThere), 1);
    QCOMPARE(counts.value(TargetState::NeedsDecision), 1);
    QCOMPARE(counts.value(TargetState::Failed), 0);
    auto page = catalog.batchTargets(batchId, wiki, files[0].id, 10);
    QCOMPARE(page->size(), 1);
    QCOMPARE(page->at(0).fileId, files[1].id);
    QCOMPARE(catalog.batchTargets(batchId, wiki)->size(), 2);

    for (TargetState state : FileStateInfo::allTargetStates())
        QCOMPARE(FileStateInfo::targetStateFromKey(FileStateInfo::key(state)).value(), state);
    QCOMPARE(FileStateInfo::key(TargetState::TargetMismatch), QStringLiteral("target-mismatch"));
}

void TestCatalog::batchTargetSpecs()
{
    auto opened = Catalog::open(freshLocation());
    QVERIFY(opened.ok());
    Catalog &catalog = **opened;
    const qint64 batchId = addBatchWithFiles(catalog, 2);
    const qint64 other = addBatchWithFiles(catalog, 1);
    QVERIFY(catalog.batchTargetSpecs(batchId)->isEmpty());

    const QDateTime first = QDateTime::currentDateTimeUtc().addSecs(-60);
    QVERIFY(catalog.setBatchTargetSpecs(
        {{batchId, QStringLiteral("local:/srv/archive"), QString(), QStringLiteral("settings"), first},
         {batchId, QStringLiteral("s3://bucket/jp2"), QStringLiteral("mime:image/jp2"), QStringLiteral("run"),
          first.addSecs(1)},
         {other, QStringLiteral("local:/srv/other"), QString(), QStringLiteral("upload"), first}}));
    auto targets = catalog.batchTargetSpecs(batchId);
    QVERIFY(targets);
    QCOMPARE(targets->size(), 2);
    QCOMPARE(targets->at(0).spec, QStringLiteral("local:/srv/archive"));
    QCOMPARE(targets->at(0).setBy, QStringLiteral("settings"));
    QCOMPARE(targets->at(1).filter, QStringLiteral("mime:image/jp2"));
    QCOMPARE(targets->at(1).setAt.toSecsSinceEpoch(), first.addSecs(1).toSecsSinceEpoch());

    // Setting a target again takes the new filter and setter; the batch still has two.
    QVERIFY(catalog.setBatchTargetSpecs(
        {{batchId, QStringLiteral("s3://bucket/jp2"), QStringLiteral("name:*.jp2"), QStringLiteral("approve"),
          first.addSecs(2)}}));
    targets = catalog.batchTargetSpecs(batchId);
    QCOMPARE(targets->size(), 2);
    QCOMPARE(targets->at(1).filter, QStringLiteral("name:*.jp2"));
    QCOMPARE(targets->at(1).setBy, QStringLiteral("approve"));
    QCOMPARE(catalog.batchTargetSpecs(other)->size(), 1);

    // Where files went is another question: the targets with file rows.
    QVERIFY(catalog.deliveredTargets(batchId)->isEmpty());
    FileTargetRecord row;
    row.fileId = catalog.files(batchId)->first().id;
    row.batchId = batchId;
    row.target = QStringLiteral("s3://bucket/jp2");
    row.state = TargetState::Deleted;
    QVERIFY(catalog.recordTargets({row}));
    QCOMPARE(*catalog.deliveredTargets(batchId), QStringList{QStringLiteral("s3://bucket/jp2")});
    QCOMPARE(catalog.fileTargets(row.fileId)->first().state, TargetState::Deleted);
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
