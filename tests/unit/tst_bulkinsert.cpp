// insertItems(): intake's multi-row INSERTs on SQLite and on a real PostgreSQL (tests/peers/postgres.sh).
// More items than one statement holds, items of several files, files intake refused among them: every row
// arrives once, linked to its item, in the order given, and a refused file keeps its intake stage row.
// The stages' multi-row outcome writes (runRows(): files, stage rows, events, QA results): every row once
// with its own values, a file given twice written as the last given, and a failing statement leaves nothing
// of the page written.

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/bulkrows.h"
#include "catalog/catalog.h"
#include "catalog/checkrecords.h"
#include "catalog/duplicatebook.h"
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
    void fetchOutcomesArriveOnce_data() { test::catalogEngines(); }
    void fetchOutcomesArriveOnce();
    void stageOutcomesArriveOnce_data() { test::catalogEngines(); }
    void stageOutcomesArriveOnce();
    void failedOutcomePageWritesNothing_data() { test::catalogEngines(); }
    void failedOutcomePageWritesNothing();
    void checkResultsArriveOnce_data() { test::catalogEngines(); }
    void checkResultsArriveOnce();
    void duplicateCasesArriveOnce_data() { test::catalogEngines(); }
    void duplicateCasesArriveOnce();

private:
    //! A batch of \a items loaded items (about 2 files each), its files in id order.
    QList<FileRecord> loadedFiles(Catalog &catalog, int items);

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

QList<FileRecord> TestBulkInsert::loadedFiles(Catalog &catalog, int count)
{
    const qint64 batch = *catalog.createBatch(QStringLiteral("bulk"), QStringLiteral("/src"));
    QList<NewItem> items = makeItems(batch, count);
    for (NewItem &i : items) {
        for (FileRecord &f : i.files) {
            f.status = FileStatus::Pending; // every file waits for fetch here
            f.error.clear();
        }
    }
    auto tx = catalog.transaction();
    if (!tx || !insertItems(catalog, items) || !tx->commit())
        qFatal("cannot load the batch");
    return *catalog.files(batch);
}

namespace {

// What fetch made of file \a f (its index \a i): statuses, digests, HTTP fields and texts that differ per
// file, quotes and non-ASCII text among them.
FileRecord fetched(FileRecord f, int i)
{
    f.status = i % 7 == 0 ? FileStatus::ClientError : FileStatus::Success;
    f.error = f.status == FileStatus::ClientError ? QStringLiteral("can't read \"%1\"; Ærø ÷ ß '%1'").arg(i)
                                                  : QString();
    f.size = i % 11 == 0 ? 0 : 1000 + i;
    f.digests.md5 = QStringLiteral("%1").arg(i, 32, 16, QLatin1Char('0'));
    f.digests.sha256 = QStringLiteral("%1").arg(i * 3, 64, 16, QLatin1Char('0'));
    f.mimetype = i % 2 ? QStringLiteral("image/tiff") : QString();
    f.attempts = 1 + i % 3;
    f.storedKey = i % 7 == 0 ? QString() : QStringLiteral("store/%1").arg(f.name);
    f.processedAt = QDateTime(QDate(2026, 12, 6), QTime(10, 0), Qt::UTC).addMSecs(i);
    f.httpStatus = i % 5 == 0 ? 200 + i % 3 : 0;
    f.etag = i % 5 == 0 ? QStringLiteral("\"e%1\"").arg(i) : QString();
    return f;
}

QList<EventRecord> eventsOf(const FileRecord &f, int perFile, const QString &agent)
{
    QList<EventRecord> events;
    for (int e = 0; e < perFile; ++e) {
        EventRecord event;
        event.batchId = f.batchId;
        event.itemId = f.itemId;
        event.fileId = f.id;
        event.type = e == 0 ? QStringLiteral("message digest calculation") : QStringLiteral("replication");
        event.outcome =
            f.status == FileStatus::Success ? QStringLiteral("success") : QStringLiteral("failure");
        event.agent = agent;
        event.detail = QStringLiteral("%1 #%2 of '%3'").arg(event.type).arg(e).arg(f.name);
        events.append(event);
    }
    return events;
}

} // namespace

void TestBulkInsert::fetchOutcomesArriveOnce()
{
    auto catalog = freshCatalog();
    const QList<FileRecord> loaded = loadedFiles(*catalog, 400);
    QVERIFY(loaded.size() > 600); // more than one statement's rows on either engine
    QList<FileRecord> outcomes;
    QList<EventRecord> events;
    for (int i = 0; i < loaded.size(); ++i) {
        outcomes.append(fetched(loaded.at(i), i));
        events += eventsOf(outcomes.constLast(), 2, QStringLiteral("gatehouse/test fetch"));
    }
    // A file given twice: the last outcome given is the one kept, as writing them one by one would leave.
    FileRecord first = outcomes.at(3);
    first.status = FileStatus::StoreError;
    first.error = QStringLiteral("first try");
    outcomes.insert(1, first);
    const Status s = catalog->recordOutcomes(outcomes, events, {});
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message));

    auto files = catalog->files(loaded.constFirst().batchId);
    QVERIFY(files);
    QCOMPARE(files->size(), loaded.size());
    for (int i = 0; i < files->size(); ++i) {
        const FileRecord &f = files->at(i);
        const FileRecord want = fetched(loaded.at(i), i);
        QCOMPARE(f.id, want.id);
        QCOMPARE(f.status, want.status);
        QCOMPARE(f.error, want.error);
        QCOMPARE(f.size, want.size);
        QCOMPARE(f.digests.md5, want.digests.md5);
        QCOMPARE(f.digests.sha256, want.digests.sha256);
        QCOMPARE(f.digests.sha1, QString());
        QCOMPARE(f.mimetype, want.mimetype);
        QCOMPARE(f.attempts, want.attempts);
        QCOMPARE(f.storedKey, want.storedKey);
        QCOMPARE(f.processedAt, want.processedAt);
        QCOMPARE(f.httpStatus, want.httpStatus);
        QCOMPARE(f.etag, want.etag);
        if (i % 97 == 0) {
            auto stages = catalog->fileStages(f.id);
            QVERIFY(stages);
            QCOMPARE(stages->size(), 1);
            QCOMPARE(stages->constFirst().stage, Stage::Fetch);
            QCOMPARE(stages->constFirst().status, want.status);
            QCOMPARE(stages->constFirst().attempts, want.attempts);
            QCOMPARE(stages->constFirst().detail, want.error);
        }
    }
    auto counts = catalog->stageCounts(loaded.constFirst().batchId, Stage::Fetch);
    QVERIFY(counts);
    qint64 rows = 0;
    for (qint64 n : std::as_const(*counts))
        rows += n;
    QCOMPARE(rows, qint64(loaded.size()));

    auto written = catalog->events(loaded.constFirst().batchId, -1);
    QVERIFY(written);
    QCOMPARE(written->size(), events.size());
    QSet<QString> seen;
    for (const EventRecord &e : std::as_const(*written))
        seen.insert(QStringLiteral("%1 %2 %3").arg(e.fileId).arg(e.type, e.detail));
    QCOMPARE(seen.size(), events.size()); // each once
    for (const EventRecord &e : std::as_const(events))
        QVERIFY(seen.contains(QStringLiteral("%1 %2 %3").arg(e.fileId).arg(e.type, e.detail)));
}

void TestBulkInsert::stageOutcomesArriveOnce()
{
    auto catalog = freshCatalog();
    const QList<FileRecord> loaded = loadedFiles(*catalog, 350);
    QList<FileRecord> outcomes;
    QList<EventRecord> events;
    for (int i = 0; i < loaded.size(); ++i) {
        FileRecord f = loaded.at(i);
        f.status = i % 4 == 0 ? FileStatus::Success : FileStatus::Pending; // pending: put back, untouched
        f.attempts = i % 4 == 0 ? 2 : 0;
        f.error = i % 9 == 0 ? QStringLiteral("note %1 'quoted'").arg(i) : QString();
        f.processedAt = QDateTime(QDate(2026, 12, 6), QTime(11, 0), Qt::UTC).addSecs(i);
        outcomes.append(f);
        if (i % 4 == 0)
            events += eventsOf(f, 1, QStringLiteral("gatehouse/test check"));
    }
    const Status s = catalog->recordStageOutcomes(Stage::Check, outcomes, events);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message));
    auto files = catalog->files(loaded.constFirst().batchId);
    QVERIFY(files);
    for (int i = 0; i < files->size(); ++i) {
        const FileRecord &f = files->at(i);
        const FileRecord &want = outcomes.at(i);
        QCOMPARE(f.status, want.status);
        QCOMPARE(f.attempts, want.attempts);
        QCOMPARE(f.error, want.error);
        QCOMPARE(f.processedAt, want.processedAt);
        auto stages = catalog->fileStages(f.id);
        QVERIFY(stages);
        QCOMPARE(stages->size(), 1);
        QCOMPARE(stages->constFirst().stage, Stage::Check);
        QCOMPARE(stages->constFirst().state, i % 4 == 0 ? FileStageState::Done : FileStageState::Pending);
    }
    auto written = catalog->events(loaded.constFirst().batchId, -1);
    QVERIFY(written);
    QCOMPARE(written->size(), events.size());
}

void TestBulkInsert::failedOutcomePageWritesNothing()
{
    auto catalog = freshCatalog();
    const QList<FileRecord> loaded = loadedFiles(*catalog, 400);
    QList<FileRecord> outcomes;
    QList<EventRecord> events;
    for (int i = 0; i < loaded.size(); ++i) {
        outcomes.append(fetched(loaded.at(i), i));
        events += eventsOf(outcomes.constLast(), 1, QStringLiteral("gatehouse/test fetch"));
    }
    // The last event names a batch that does not exist: its statement, after the files', stage rows' and the
    // other events' statements, fails (a foreign key; SQLite has them on too).
    events.last().batchId += 1000;
    const Status s = catalog->recordOutcomes(outcomes, events, {});
    QVERIFY(!s);
    QVERIFY2(s.error().message.contains(QStringLiteral("recording")), qPrintable(s.error().message));

    auto files = catalog->files(loaded.constFirst().batchId);
    QVERIFY(files);
    for (const FileRecord &f : std::as_const(*files)) {
        QCOMPARE(f.status, FileStatus::Pending);
        QCOMPARE(f.digests.md5, QString());
        QCOMPARE(f.storedKey, QString());
    }
    auto counts = catalog->stageCounts(loaded.constFirst().batchId, Stage::Fetch);
    QVERIFY(counts);
    QVERIFY(counts->isEmpty());
    auto written = catalog->events(loaded.constFirst().batchId, -1);
    QVERIFY(written);
    QCOMPARE(written->size(), 0);

    // The same page without the bad event goes through whole.
    events.removeLast();
    QVERIFY(catalog->recordOutcomes(outcomes, events, {}));
    QCOMPARE(catalog->events(loaded.constFirst().batchId, -1)->size(), events.size());
}

void TestBulkInsert::checkResultsArriveOnce()
{
    auto catalog = freshCatalog();
    const QList<FileRecord> loaded = loadedFiles(*catalog, 150);
    QList<CheckedFile> results;
    for (int i = 0; i < loaded.size(); ++i) {
        const FileRecord &f = loaded.at(i);
        CheckedFile c;
        c.fileId = f.id;
        c.batchId = f.batchId;
        c.facts.insert(QStringLiteral("pages"), i);
        for (int k = 0; k < i % 3; ++k) {
            FindingRecord finding;
            finding.batchId = f.batchId;
            finding.itemId = f.itemId;
            finding.fileId = f.id;
            finding.check = QStringLiteral("xml-schema");
            finding.severity = k ? FindingSeverity::Warning : FindingSeverity::Error;
            finding.message = QStringLiteral("%1: line %2 isn't valid").arg(f.name).arg(k + 1);
            finding.line = k + 1;
            c.findings.append(finding);
        }
        if (i % 2) {
            ImageStatistics image;
            image.sha256 = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
            image.format = QStringLiteral("tiff");
            image.width = 100 + i;
            image.height = 200 + i;
            image.components = 3;
            image.histogram[i % 256] = quint32(i);
            c.image = image;
        }
        c.events = eventsOf(f, 1, QStringLiteral("gatehouse/test check"));
        results.append(c);
    }
    CheckRecords records(*catalog);
    const Status s = records.recordFileResults(results);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message));
    // Again, as a run after a crash would: replaced, not doubled.
    QVERIFY(records.recordFileResults(results));

    QCOMPARE(*records.checkedFileCount(loaded.constFirst().batchId), qint64(loaded.size()));
    auto byFile = records.findingsByFile(loaded.constFirst().batchId);
    QVERIFY(byFile);
    for (const CheckedFile &c : std::as_const(results)) {
        const QList<FindingRecord> found = byFile->value(c.fileId);
        QCOMPARE(found.size(), c.findings.size());
        for (qsizetype k = 0; k < found.size(); ++k) {
            QCOMPARE(found[k].message, c.findings[k].message);
            QCOMPARE(found[k].severity, c.findings[k].severity);
            QCOMPARE(found[k].line, c.findings[k].line);
        }
        auto image = records.imageStatistics(c.fileId);
        QVERIFY(image);
        QCOMPARE(image->has_value(), c.image.has_value());
        if (c.image) {
            QCOMPARE((*image)->width, c.image->width);
            QCOMPARE((*image)->histogram, c.image->histogram);
        }
    }
    QCOMPARE(catalog->events(loaded.constFirst().batchId, -1)->size(), 2 * results.size());
}

void TestBulkInsert::duplicateCasesArriveOnce()
{
    auto catalog = freshCatalog();
    const QList<FileRecord> loaded = loadedFiles(*catalog, 200);
    const QString target = QStringLiteral("local:/archive");
    QList<DuplicateRecord> records;
    for (int i = 0; i < loaded.size(); ++i) {
        const FileRecord &f = loaded.at(i);
        DuplicateRecord r;
        r.fileId = f.id;
        r.batchId = f.batchId;
        r.itemId = f.itemId;
        r.target = target;
        r.dupCase = i % 3 == 0 ? DuplicateCase::InBatch : DuplicateCase::New;
        r.needsDecision = i % 6 == 0;
        r.intendedName = QStringLiteral("%1 'named' Ø").arg(f.name);
        r.sent.sha1 = QStringLiteral("%1").arg(i, 40, 16, QLatin1Char('0'));
        r.sentSize = i % 5 ? 100 + i : -1;
        r.existingFile = i % 3 == 0 ? loaded.constFirst().id : 0;
        r.details.insert(QStringLiteral("n"), i);
        records.append(r);
    }
    // A case given twice for one file: the last is kept.
    DuplicateRecord earlier = records.at(5);
    earlier.dupCase = DuplicateCase::InBatch;
    records.insert(0, earlier);
    DuplicateBook book(*catalog);
    const Status s = book.saveCases(records);
    QVERIFY2(s, qPrintable(s ? QString() : s.error().message));
    records.removeFirst();
    QList<qint64> ids;
    for (const FileRecord &f : loaded)
        ids.append(f.id);
    auto saved = book.casesOfFiles(ids, target);
    QVERIFY(saved);
    QCOMPARE(saved->size(), records.size());
    QHash<qint64, DuplicateRecord> byFile;
    for (const DuplicateRecord &r : std::as_const(*saved))
        byFile.insert(r.fileId, r);
    QCOMPARE(byFile.size(), records.size());
    for (const DuplicateRecord &want : std::as_const(records)) {
        const DuplicateRecord got = byFile.value(want.fileId);
        QCOMPARE(got.dupCase, want.dupCase);
        QCOMPARE(got.needsDecision, want.needsDecision);
        QCOMPARE(got.intendedName, want.intendedName);
        QCOMPARE(got.sent.sha1, want.sent.sha1);
        QCOMPARE(got.sentSize, want.sentSize);
        QCOMPARE(got.existingFile, want.existingFile);
        QCOMPARE(got.details, want.details);
    }
}

QTEST_GUILESS_MAIN(TestBulkInsert)
#include "tst_bulkinsert.moc"
