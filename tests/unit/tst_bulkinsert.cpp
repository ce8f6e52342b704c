// insertItems(): intake's multi-row INSERTs on SQLite and on a real PostgreSQL (tests/peers/postgres.sh).
// More items than one statement holds, items of several files, files intake refused among them: every row
// arrives once, linked to its item, in the order given, and a refused file keeps its intake stage row.

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/bulkrows.h"
#include "catalog/catalog.h"
#include "peerserver.h"
#include "postgrestest.h"

using namespace gh;

class TestBulkInsert : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rowsArriveOnceInOrder_data() { test::catalogEngines(); }
    void rowsArriveOnceInOrder();
    void failureWritesNothing_data() { test::catalogEngines(); }
    void failureWritesNothing();
    void targetsOfManyFiles_data() { test::catalogEngines(); }
    void targetsOfManyFiles();

private:
    std::unique_ptr<Catalog> freshCatalog();

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestBulkInsert::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestBulkInsert::cleanupTestCase()
{
    m_postgres.reset();
}

std::unique_ptr<Catalog> TestBulkInsert::freshCatalog()
{
    QFETCH(QString, engine);
    const QString spec = engine == u"sqlite"
                             ? m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter))
                             : test::freshPostgresCatalog(*m_postgres);
    auto catalog = Catalog::open(*CatalogLocation::parse(spec));
    if (!catalog)
        qFatal("cannot open the catalog: %s", qPrintable(catalog.error().message));
    return std::move(*catalog);
}

namespace {

// \a count items of one to three files each; every 97th file is refused by intake (missing from the package).
QList<NewItem> makeItems(qint64 batchId, int count)
{
    QList<NewItem> items;
    int fileNo = 0;
    for (int i = 1; i <= count; ++i) {
        NewItem added;
        added.item.batchId = batchId;
        added.item.seq = i;
        added.item.identifier = QStringLiteral("item-%1").arg(i, 5, 10, QLatin1Char('0'));
        added.item.label = i % 2 ? QStringLiteral("Page %1").arg(i) : QString();
        for (int f = 1; f <= 1 + i % 3; ++f) {
            FileRecord file;
            file.batchId = batchId;
            file.seq = f;
            file.name = QStringLiteral("file-%1.tif").arg(++fileNo, 6, 10, QLatin1Char('0'));
            file.sourcePath = QStringLiteral("/src/") + file.name;
            file.declaredSize = fileNo;
            file.declared.md5 = fileNo % 5 ? QString() : QStringLiteral("0123456789abcdef0123456789abcdef");
            if (fileNo % 97 == 0) {
                file.status = FileStatus::Missing;
                file.error = QStringLiteral("not in the manifest");
            }
            added.files.append(file);
        }
        items.append(added);
    }
    return items;
}

} // namespace

void TestBulkInsert::rowsArriveOnceInOrder()
{
    auto catalog = freshCatalog();
    const qint64 batch = *catalog->createBatch(QStringLiteral("bulk"), QStringLiteral("/src"));
    QList<NewItem> items = makeItems(batch, 1234);
    qsizetype expectedFiles = 0;
    for (const NewItem &i : std::as_const(items))
        expectedFiles += i.files.size();
    {
        auto tx = catalog->transaction();
        QVERIFY(tx);
        const Status s = insertItems(*catalog, items);
        QVERIFY2(s, qPrintable(s ? QString() : s.error().message));
        QVERIFY(tx->commit());
    }
    for (const NewItem &i : std::as_const(items))
        QVERIFY(i.item.id > 0);

    auto files = catalog->files(batch);
    QVERIFY(files);
    QCOMPARE(files->size(), expectedFiles);
    // In the order given: the names were numbered that way, and each file hangs on its own item.
    int index = 0;
    int refused = 0;
    for (const NewItem &i : std::as_const(items)) {
        for (const FileRecord &given : i.files) {
            const FileRecord &f = files->at(index++);
            QCOMPARE(f.name, given.name);
            QCOMPARE(f.itemId, i.item.id);
            QCOMPARE(f.seq, given.seq);
            QCOMPARE(f.declaredSize, given.declaredSize);
            QCOMPARE(f.declared.md5, given.declared.md5);
            QCOMPARE(f.status, given.status);
            if (given.status != FileStatus::Pending) {
                ++refused;
                QCOMPARE(f.error, given.error);
                auto stages = catalog->fileStages(f.id);
                QVERIFY(stages);
                QCOMPARE(stages->size(), 1);
                QCOMPARE(stages->constFirst().stage, Stage::Intake);
                QCOMPARE(stages->constFirst().status, FileStatus::Missing);
            }
        }
    }
    QVERIFY(refused >= 10);
    auto item = catalog->item(items.at(1232).item.id);
    QVERIFY(item);
    QCOMPARE(item->identifier, QStringLiteral("item-01233"));
    QCOMPARE(item->label, QStringLiteral("Page 1233"));
    QCOMPARE(catalog->item(items.at(1233).item.id)->label, QString());
}

void TestBulkInsert::failureWritesNothing()
{
    auto catalog = freshCatalog();
    const qint64 batch = *catalog->createBatch(QStringLiteral("bulk"), QStringLiteral("/src"));
    QList<NewItem> items = makeItems(batch, 600);
    // An item of a batch that does not exist: a later statement's items fail (foreign key on
    // PostgreSQL; on SQLite the catalog turns foreign keys on too).
    items[550].item.batchId = batch + 1000;
    {
        auto tx = catalog->transaction();
        QVERIFY(tx);
        const Status s = insertItems(*catalog, items);
        QVERIFY(!s);
        // The error names the statement's items, which hold the broken one (item-00551) and not the first.
        const QRegularExpressionMatch named =
            QRegularExpression(QStringLiteral("adding items item-(\\d+) to item-(\\d+)"))
                .match(s.error().message);
        QVERIFY2(named.hasMatch(), qPrintable(s.error().message));
        QVERIFY2(named.captured(1).toInt() > 1 && named.captured(1).toInt() <= 551 &&
                     named.captured(2).toInt() >= 551,
                 qPrintable(s.error().message));
    }
    auto files = catalog->files(batch);
    QVERIFY(files);
    QCOMPARE(files->size(), 0);
    auto listed = catalog->items(batch, 0, 10);
    QVERIFY(listed);
    QCOMPARE(listed->size(), 0);
}

void TestBulkInsert::targetsOfManyFiles()
{
    auto catalog = freshCatalog();
    const qint64 batch = *catalog->createBatch(QStringLiteral("bulk"), QStringLiteral("/src"));
    QList<NewItem> items = makeItems(batch, 700);
    {
        auto tx = catalog->transaction();
        QVERIFY(tx && insertItems(*catalog, items) && tx->commit());
    }
    auto files = catalog->files(batch);
    QVERIFY(files);
    // Every third file went to two targets, every fifth to one, the rest nowhere.
    QList<FileTargetRecord> rows;
    QList<qint64> ids;
    for (const FileRecord &f : std::as_const(*files)) {
        ids.append(f.id);
        const QStringList targets = f.id % 3 == 0
                                        ? QStringList{QStringLiteral("s3://b/p"), QStringLiteral("local:/a")}
                                    : f.id % 5 == 0 ? QStringList{QStringLiteral("local:/a")}
                                                    : QStringList{};
        for (const QString &target : targets) {
            FileTargetRecord row;
            row.fileId = f.id;
            row.batchId = batch;
            row.target = target;
            row.remoteName = f.name + u'@' + target;
            row.state = f.id % 2 ? TargetState::Uploaded : TargetState::Failed;
            row.verified = f.id % 2;
            rows.append(row);
        }
    }
    QVERIFY(catalog->recordTargets(rows));
    QVERIFY(ids.size() > 1000);

    auto byFile = fileTargetsOf(*catalog, ids);
    QVERIFY2(byFile, qPrintable(byFile ? QString() : byFile.error().message));
    int seen = 0;
    for (const qint64 id : std::as_const(ids)) {
        auto one = catalog->fileTargets(id);
        QVERIFY(one);
        const QList<FileTargetRecord> many = byFile->value(id);
        QCOMPARE(many.size(), one->size());
        QCOMPARE(byFile->contains(id), !one->isEmpty());
        for (qsizetype i = 0; i < many.size(); ++i) {
            QCOMPARE(many[i].target, one->at(i).target);
            QCOMPARE(many[i].remoteName, one->at(i).remoteName);
            QCOMPARE(many[i].state, one->at(i).state);
            QCOMPARE(many[i].verified, one->at(i).verified);
            ++seen;
        }
    }
    QCOMPARE(seen, rows.size());
    QVERIFY(fileTargetsOf(*catalog, {})->isEmpty());
}

QTEST_GUILESS_MAIN(TestBulkInsert)
#include "tst_bulkinsert.moc"
