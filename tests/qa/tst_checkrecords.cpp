#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "peerserver.h"

using namespace gh;

// The catalog's QA tables (schema version 5) on SQLite and on a real PostgreSQL: per-file results replaced
// file by file, batch-level findings replaced as a whole, counts, items streamed page by page with their
// facts, image statistics kept across a fresh check, and rows going with their files.

class TestCheckRecords : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void perFileResultsReplaceTheirOwn_data() { engines(); }
    void perFileResultsReplaceTheirOwn();
    void batchFindingsReplaceOnlyThemselves_data() { engines(); }
    void batchFindingsReplaceOnlyThemselves();
    void itemsStreamWithFacts_data() { engines(); }
    void itemsStreamWithFacts();
    void rolledBackMeansNothingWritten_data() { engines(); }
    void rolledBackMeansNothingWritten();
    void rowsGoWithTheirFiles_data() { engines(); }
    void rowsGoWithTheirFiles();

private:
    void engines();
    std::unique_ptr<Catalog> freshCatalog();
    //! A batch of \a items items with \a filesPerItem files each; returns the file ids in order.
    QList<qint64> addBatch(Catalog &catalog, int items, int filesPerItem, qint64 *batchId);

    QTemporaryDir m_dir;
    std::unique_ptr<test::PeerServer> m_postgres;
    int m_counter = 0;
};

void TestCheckRecords::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestCheckRecords::cleanupTestCase()
{
    m_postgres.reset();
}

void TestCheckRecords::engines()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

std::unique_ptr<Catalog> TestCheckRecords::freshCatalog()
{
    QFETCH(QString, engine);
    QString spec = m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter));
    if (engine == u"postgresql") {
        spec =
            QStringLiteral("postgresql://gatehouse:gatehouse@127.0.0.1:%1/gatehouse").arg(m_postgres->port());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("reset"));
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_postgres->port());
        db.setUserName(QStringLiteral("gatehouse"));
        db.setPassword(QStringLiteral("gatehouse"));
        db.setDatabaseName(QStringLiteral("gatehouse"));
        if (!db.open())
            qFatal("cannot connect to the test PostgreSQL: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("DROP SCHEMA public CASCADE")) ||
            !q.exec(QStringLiteral("CREATE SCHEMA public")))
            qFatal("cannot reset the test database: %s", qPrintable(q.lastError().text()));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("reset"));
    }
    auto location = CatalogLocation::parse(spec);
    auto catalog = Catalog::open(*location);
    if (!catalog)
        qFatal("%s", qPrintable(catalog.error().message));
    return std::move(*catalog);
}

QList<qint64> TestCheckRecords::addBatch(Catalog &catalog, int items, int filesPerItem, qint64 *batchId)
{
    *batchId = *catalog.createBatch(QStringLiteral("qa"), QStringLiteral("/deliveries/B1"));
    QList<qint64> ids;
    auto tx = catalog.transaction();
    for (int i = 0; i < items; ++i) {
        ItemRecord item;
        item.batchId = *batchId;
        item.seq = i + 1;
        item.identifier = QStringLiteral("page-%1").arg(i + 1);
        item.metadata.insert(QStringLiteral("page_number"), i + 1);
        const qint64 itemId = *catalog.insertItem(item);
        for (int j = 0; j < filesPerItem; ++j) {
            FileRecord f;
            f.batchId = *batchId;
            f.itemId = itemId;
            f.seq = j + 1;
            f.name = QStringLiteral("page-%1.%2")
                         .arg(i + 1)
                         .arg(j == 0 ? QStringLiteral("jp2") : QStringLiteral("mix.xml"));
            f.sourcePath = QStringLiteral("/deliveries/B1/") + f.name;
            f.declared.md5 = QStringLiteral("0123456789abcdef0123456789abcdef");
            f.declared.origin = f.sourcePath + QStringLiteral(".md5");
            ids.append(*catalog.insertFile(f));
        }
    }
    (void)tx->commit();
    return ids;
}

namespace {

FindingRecord finding(qint64 batch, qint64 file, const QString &check, FindingSeverity severity, int line = 0)
{
    FindingRecord f;
    f.batchId = batch;
    f.fileId = file;
    f.itemId = 0;
    f.check = check;
    f.severity = severity;
    f.message = check + QStringLiteral(" found something in file %1").arg(file);
    f.line = line;
    return f;
}

CheckedFile checked(qint64 batch, qint64 file, QList<FindingRecord> findings, QJsonObject facts = {})
{
    CheckedFile c;
    c.batchId = batch;
    c.fileId = file;
    c.findings = std::move(findings);
    c.facts = std::move(facts);
    EventRecord e;
    e.batchId = batch;
    e.fileId = file;
    e.type = QStringLiteral("validation");
    e.outcome = c.findings.isEmpty() ? QStringLiteral("success") : QStringLiteral("failure");
    e.agent = QStringLiteral("gatehouse/test check");
    e.detail = QStringLiteral("xml-schema: …");
    c.events.append(e);
    return c;
}

} // namespace

void TestCheckRecords::perFileResultsReplaceTheirOwn()
{
    auto catalog = freshCatalog();
    qint64 batch = 0;
    const QList<qint64> files = addBatch(*catalog, 3, 2, &batch);
    CheckRecords records(*catalog);
    ImageStatistics s;
    s.sha256 = QStringLiteral("ab");
    s.width = 4000;
    s.height = 5000;
    s.sampleWidth = 500;
    s.sampleHeight = 625;
    s.reduction = 3;
    s.components = 1;
    s.histogram[230] = 312000;
    s.histogram[60] = 500;
    CheckedFile first = checked(
        batch, files[0], {finding(batch, files[0], QStringLiteral("dark-page"), FindingSeverity::Flag)});
    first.image = s;
    QVERIFY(records.recordFileResults(
        {first, checked(batch, files[1],
                        {finding(batch, files[1], QStringLiteral("xml-schema"), FindingSeverity::Error, 12),
                         finding(batch, files[1], QStringLiteral("xml-schema"), FindingSeverity::Error, 14)},
                        QJsonObject{{QStringLiteral("mix_width"), 4000}})}));
    auto all = records.findings(batch);
    QVERIFY(all);
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(1).line, 12);
    QCOMPARE(all->at(1).severity, FindingSeverity::Error);
    QCOMPARE(all->at(1).itemId, 0); // as given
    auto kept = records.imageStatistics(files[0]);
    QVERIFY(kept && kept->has_value());
    QCOMPARE((*kept)->histogram, s.histogram);
    QCOMPARE((*kept)->reduction, 3);
    QVERIFY((*kept)->decoded());

    // The same file checked again: its findings are replaced, not added to; other files keep theirs.
    QVERIFY(records.recordFileResults({checked(batch, files[1], {})}));
    all = records.findings(batch);
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->constFirst().check, QStringLiteral("dark-page"));
    auto byFile = records.findingsByFile(batch);
    QCOMPARE(byFile->value(files[0]).size(), 1);
    QVERIFY(!byFile->contains(files[1]));
    auto counts = records.counts(batch);
    QCOMPARE(counts->size(), 1);
    QCOMPARE(counts->constFirst().check, QStringLiteral("dark-page"));
    QCOMPARE(counts->constFirst().findings, 1);
    QCOMPARE(*records.checkedFileCount(batch), 2);
    // Every write added its events.
    auto events = catalog->events(batch);
    QCOMPARE(events->size(), 3);
}

void TestCheckRecords::batchFindingsReplaceOnlyThemselves()
{
    auto catalog = freshCatalog();
    qint64 batch = 0;
    const QList<qint64> files = addBatch(*catalog, 2, 1, &batch);
    CheckRecords records(*catalog);
    QVERIFY(records.recordFileResults({checked(
        batch, files[0], {finding(batch, files[0], QStringLiteral("empty"), FindingSeverity::Error)})}));
    QVERIFY(records.recordBatchResults(
        batch,
        {finding(batch, files[1], QStringLiteral("page-sequence"), FindingSeverity::Error, 5),
         finding(batch, 0, QStringLiteral("xml-schema"), FindingSeverity::Warning)},
        {}));
    QCOMPARE(records.findings(batch)->size(), 3);
    // The batch pass again: its old findings go, the per-file ones stay.
    QVERIFY(records.recordBatchResults(
        batch, {finding(batch, files[1], QStringLiteral("sidecars"), FindingSeverity::Error)}, {}));
    auto all = records.findings(batch);
    QCOMPARE(all->size(), 2);
    QStringList checks;
    for (const FindingRecord &f : *all)
        checks.append(f.check);
    checks.sort();
    QCOMPARE(checks, QStringList({QStringLiteral("empty"), QStringLiteral("sidecars")}));
    // A per-file pass on that file leaves the batch pass's finding about it alone.
    QVERIFY(records.recordFileResults({checked(batch, files[1], {})}));
    QCOMPARE(records.findings(batch)->size(), 2);
    // clearBatch forgets findings and facts, but not image statistics.
    CheckedFile withImage = checked(batch, files[0], {});
    withImage.image = ImageStatistics{};
    withImage.image->sha256 = QStringLiteral("cd");
    QVERIFY(records.recordFileResults({withImage}));
    QVERIFY(records.clearBatch(batch));
    QCOMPARE(records.findings(batch)->size(), 0);
    QCOMPARE(*records.checkedFileCount(batch), 0);
    QVERIFY(records.imageStatistics(files[0])->has_value());
}

void TestCheckRecords::itemsStreamWithFacts()
{
    auto catalog = freshCatalog();
    qint64 batch = 0;
    // More items than one page of the stream (2,000).
    const QList<qint64> files = addBatch(*catalog, 2300, 2, &batch);
    CheckRecords records(*catalog);
    QList<CheckedFile> results;
    for (int i = 0; i < files.size(); i += 2)
        results.append(checked(batch, files[i], {}, QJsonObject{{QStringLiteral("image_width"), i}}));
    QVERIFY(records.recordFileResults(results));
    int items = 0;
    int lastSeq = 0;
    bool ordered = true;
    bool factsRight = true;
    QVERIFY(records.forEachItem(batch, [&](const CheckedItem &item) {
        ++items;
        ordered = ordered && item.item.seq == lastSeq + 1 && item.files.size() == 2;
        lastSeq = item.item.seq;
        const CheckedItemFile &jp2 = item.files.constFirst();
        const CheckedItemFile &mix = item.files.constLast();
        factsRight = factsRight && jp2.checked && !mix.checked &&
                     jp2.file.name.endsWith(QStringLiteral(".jp2")) &&
                     jp2.facts.value(QStringLiteral("image_width")).toInt() == (item.item.seq - 1) * 2 &&
                     jp2.file.declared.origin.endsWith(QStringLiteral(".jp2.md5")) &&
                     jp2.file.item == item.item.identifier &&
                     item.item.metadata.value(QStringLiteral("page_number")).toInt() == item.item.seq;
        return true;
    }));
    QCOMPARE(items, 2300);
    QVERIFY(ordered);
    QVERIFY(factsRight);
    // Stopping early stops.
    int seen = 0;
    QVERIFY(records.forEachItem(batch, [&](const CheckedItem &) { return ++seen < 3; }));
    QCOMPARE(seen, 3);
}

void TestCheckRecords::rolledBackMeansNothingWritten()
{
    auto catalog = freshCatalog();
    qint64 batch = 0;
    const QList<qint64> files = addBatch(*catalog, 1, 1, &batch);
    CheckRecords records(*catalog);
    {
        auto tx = catalog->transaction();
        QVERIFY(tx);
        QVERIFY(records.writeFileResults({checked(
            batch, files[0], {finding(batch, files[0], QStringLiteral("empty"), FindingSeverity::Error)})}));
        // Not committed: the stage died before its commit.
    }
    QCOMPARE(records.findings(batch)->size(), 0);
    QCOMPARE(*records.checkedFileCount(batch), 0);
    QCOMPARE(catalog->events(batch)->size(), 0);
}

void TestCheckRecords::rowsGoWithTheirFiles()
{
    auto catalog = freshCatalog();
    qint64 batch = 0;
    const QList<qint64> files = addBatch(*catalog, 2, 1, &batch);
    CheckRecords records(*catalog);
    CheckedFile c =
        checked(batch, files[0], {finding(batch, files[0], QStringLiteral("empty"), FindingSeverity::Error)});
    c.image = ImageStatistics{};
    c.image->sha256 = QStringLiteral("ef");
    QVERIFY(records.recordFileResults({c}));
    QVERIFY(records.recordBatchResults(
        batch, {finding(batch, 0, QStringLiteral("xml-schema"), FindingSeverity::Warning)}, {}));
    // An intake that starts over removes the batch's files: their QA rows go with them.
    QVERIFY(catalog->clearBatchContents(batch));
    auto left = records.findings(batch);
    QCOMPARE(left->size(), 1); // the batch's own note stays until the next check replaces it
    QCOMPARE(left->constFirst().fileId, 0);
    QVERIFY(!records.imageStatistics(files[0])->has_value());
    QCOMPARE(*records.checkedFileCount(batch), 0);
}

QTEST_GUILESS_MAIN(TestCheckRecords)
#include "tst_checkrecords.moc"
