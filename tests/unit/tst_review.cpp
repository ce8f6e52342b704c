// Review and approval in the catalog, on SQLite and on a real PostgreSQL: seeded samples, flagged items,
// verdicts that flip the batch verdict, approval refused then allowed, rejection that deletes the stored
// copies and keeps the records, re-deliveries and the supplier's history.
#include <memory>

#include <QDirIterator>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "digest/multidigest.h"
#include "peerserver.h"
#include "pipeline/settingstable.h"
#include "postgrestest.h"
#include "qa/samplingrandom.h"
#include "review/batchdecisions.h"
#include "review/reviewbook.h"
#include "store/bitstore.h"
#include "testsupport.h"

using namespace gh;

class TestReview : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void seededSampleIsTheSameAcrossRuns_data() { engines(); }
    void seededSampleIsTheSameAcrossRuns();
    void theLotIsThePages_data() { engines(); }
    void theLotIsThePages();
    void flaggedItemsAreAddedBeyondTheSample_data() { engines(); }
    void flaggedItemsAreAddedBeyondTheSample();
    void verdictsFlipTheBatchToReject_data() { engines(); }
    void verdictsFlipTheBatchToReject();
    void approveIsRefusedThenAllowed_data() { engines(); }
    void approveIsRefusedThenAllowed();
    void rejectDeletesStoredCopiesAndKeepsRecords_data() { engines(); }
    void rejectDeletesStoredCopiesAndKeepsRecords();
    void redeliveryIsLinkedToTheRejectedBatch_data() { engines(); }
    void redeliveryIsLinkedToTheRejectedBatch();
    void supplierHistoryOverASequenceOfBatches_data() { engines(); }
    void supplierHistoryOverASequenceOfBatches();
    void sampleWaitsForIntakeAndTheLampFollowsReview_data() { engines(); }
    void sampleWaitsForIntakeAndTheLampFollowsReview();

private:
    void engines();
    std::unique_ptr<Catalog> freshCatalog();
    //! A batch of \a count items with one stored file each (in \a store when given); returns its id.
    qint64 addBatch(Catalog &catalog, const QString &name, int count, BitStore *store = nullptr,
                    int folders = 0, const QString &keyPrefix = {});
    QList<qint64> itemIds(Catalog &catalog, qint64 batchId);
    //! Passes every drawn item without a verdict.
    void passAll(ReviewBook &book, qint64 batchId);

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    int m_counter = 0;
    Settings m_settings;
};

void TestReview::initTestCase()
{
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
}

void TestReview::cleanupTestCase()
{
    m_postgres.reset();
}

void TestReview::engines()
{
    test::catalogEngines();
}

std::unique_ptr<Catalog> TestReview::freshCatalog()
{
    QFETCH(QString, engine);
    QString spec = m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter));
    if (engine == u"postgresql")
        spec = test::freshPostgresCatalog(*m_postgres);
    auto catalog = Catalog::open(*CatalogLocation::parse(spec));
    if (!catalog)
        qFatal("cannot open the catalog: %s", qPrintable(catalog.error().message));
    return std::move(*catalog);
}

qint64 TestReview::addBatch(Catalog &catalog, const QString &name, int count, BitStore *store, int folders,
                            const QString &keyPrefix)
{
    auto batch = catalog.createBatch(name, u"/deliveries/" + name);
    if (!batch)
        return 0;
    QList<FileRecord> outcomes;
    auto tx = catalog.transaction();
    int seq = 0;
    for (int i = 0; i < folders + count; ++i) {
        ItemRecord item;
        item.batchId = *batch;
        item.seq = ++seq;
        const bool page = i >= folders;
        item.identifier =
            page ? QStringLiteral("%1/page-%2").arg(name).arg(i - folders + 1, 4, 10, QLatin1Char('0'))
                 : QStringLiteral("%1/folder-%2").arg(name).arg(i + 1);
        item.label = item.identifier.section(u'/', -1);
        if (folders > 0 && page)
            item.metadata.insert(QStringLiteral("kind"), QStringLiteral("page"));
        auto itemId = catalog.insertItem(item);
        if (!itemId)
            return 0;
        FileRecord f;
        f.batchId = *batch;
        f.itemId = *itemId;
        f.seq = 1;
        f.name = page ? QStringLiteral("page.jp2") : QStringLiteral("edition.xml");
        f.sourcePath = QStringLiteral("/deliveries/%1/%2").arg(name, item.identifier);
        auto fileId = catalog.insertFile(f);
        if (!fileId)
            return 0;
        f.id = *fileId;
        const QByteArray content = test::pseudoRandomBytes(256 + i, quint64(i) + 1);
        f.size = content.size();
        f.digests = MultiDigest::of(content);
        f.status = FileStatus::Success;
        f.storedKey = (keyPrefix.isEmpty() ? name : keyPrefix) + u'/' + item.label + u'/' + f.name;
        if (store) {
            auto writer = store->beginWrite();
            if (!writer || !(*writer)->write(content.constData(), content.size()) ||
                !(*writer)->commit(f.storedKey, f.digests))
                return 0;
        }
        outcomes.append(f);
    }
    // The store publishes its committed objects group-wise: flush before the catalog records them, as the
    // fetch stage does.
    if (store && !store->flush())
        return 0;
    if (!tx->commit() || !catalog.recordOutcomes(outcomes, {}))
        return 0;
    return *batch;
}

QList<qint64> TestReview::itemIds(Catalog &catalog, qint64 batchId)
{
    QList<qint64> ids;
    QSqlQuery q(catalog.database());
    q.prepare(QStringLiteral("SELECT id FROM items WHERE batch_id = ? ORDER BY seq"));
    q.addBindValue(batchId);
    q.exec();
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

void TestReview::passAll(ReviewBook &book, qint64 batchId)
{
    auto s = book.sample(batchId);
    QVERIFY(s);
    for (const ReviewItem &item : std::as_const(s->items)) {
        if (item.verdict == Verdict::None)
            QVERIFY(book.setVerdict(batchId, item.itemId, Verdict::Pass, {}, {}, QStringLiteral("Karen")));
    }
}

void TestReview::seededSampleIsTheSameAcrossRuns()
{
    QStringList drawnIdentifiers[2];
    for (int run = 0; run < 2; ++run) {
        auto catalog = freshCatalog();
        const qint64 batch = addBatch(*catalog, QStringLiteral("B1-RT1"), 320);
        QVERIFY(batch > 0);
        ReviewBook book(*catalog);
        SampleRequest request;
        request.seed = 20240601;
        request.agent = QStringLiteral("Karen");
        auto sample = book.draw(batch, request, m_settings);
        QVERIFY2(sample, qPrintable(sample ? QString() : sample.error().message));
        QCOMPARE(sample->plan.sampleSize, 50);
        QCOMPARE(sample->plan.codeLetter, QChar(u'H'));
        QCOMPARE(sample->seed, quint64(20240601));
        QCOMPARE(sample->items.size(), 50);
        // The items at the positions the generator chooses, in batch order.
        const QList<qint64> ids = itemIds(*catalog, batch);
        const QList<qint64> positions = SamplingRandom(20240601).choose(320, 50);
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(sample->items[i].itemId, ids[positions[i]]);
            drawnIdentifiers[run].append(sample->items[i].identifier);
        }
        // Asking again with nothing different shows the recorded sample.
        auto again = book.draw(batch, SampleRequest{}, m_settings);
        QVERIFY(again);
        QCOMPARE(again->seed, quint64(20240601));
        // The event says which plan and which seed.
        auto events = catalog->events(batch);
        QVERIFY(events);
        QCOMPARE(events->size(), 1);
        QCOMPARE(events->constFirst().type, QStringLiteral("appraisal"));
        QVERIFY(events->constFirst().detail.contains(QStringLiteral("seed 20240601")));
        QVERIFY(events->constFirst().detail.contains(QStringLiteral("inspect 50")));
        QCOMPARE(events->constFirst().agent, QStringLiteral("Karen"));
        // Another seed draws another sample while no verdict is given; once one is, it is refused.
        request.seed = 7;
        QVERIFY(book.draw(batch, request, m_settings));
        QVERIFY(book.setVerdict(batch, book.sample(batch)->items[0].itemId, Verdict::Pass, {}, {},
                                QStringLiteral("K")));
        request.seed = 8;
        auto refused = book.draw(batch, request, m_settings);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Invalid);
        QCOMPARE(book.sample(batch)->seed, quint64(7));
    }
    QCOMPARE(drawnIdentifiers[0], drawnIdentifiers[1]);
}

void TestReview::theLotIsThePages()
{
    auto catalog = freshCatalog();
    const qint64 batch = addBatch(*catalog, QStringLiteral("news"), 40, nullptr, 6);
    ReviewBook book(*catalog);
    auto lot = book.lotItems(batch);
    QVERIFY(lot);
    QCOMPARE(lot->size(), 40);
    auto sample =
        book.draw(batch, SampleRequest{std::nullopt, std::nullopt, 1, QStringLiteral("K")}, m_settings);
    QVERIFY(sample);
    QCOMPARE(sample->plan.lotSize, 40);
    for (const ReviewItem &item : std::as_const(sample->items))
        QVERIFY2(item.identifier.contains(QStringLiteral("page-")), qPrintable(item.identifier));
}

void TestReview::flaggedItemsAreAddedBeyondTheSample()
{
    auto catalog = freshCatalog();
    const qint64 batch = addBatch(*catalog, QStringLiteral("flags"), 320);
    auto files = catalog->files(batch);
    QVERIFY(files);
    // Three pages whose checksums did not match: the curator must look at them whatever the draw.
    QList<FileRecord> bad{files->at(3), files->at(100), files->at(299)};
    for (FileRecord &f : bad) {
        f.status = FileStatus::FixityMismatch;
        f.error = QStringLiteral("md5 differs");
    }
    QVERIFY(catalog->recordOutcomes(bad, {}));
    ReviewBook book(*catalog);
    auto sample =
        book.draw(batch, SampleRequest{std::nullopt, std::nullopt, 3, QStringLiteral("K")}, m_settings);
    QVERIFY(sample);
    QSet<qint64> flagged;
    qint64 random = 0;
    for (const ReviewItem &item : std::as_const(sample->items)) {
        if (item.reason == ReviewReason::Random)
            ++random;
        if (!item.flags.isEmpty()) {
            flagged.insert(item.itemId);
            QVERIFY(item.flags.constFirst().contains(QStringLiteral("fixity-mismatch")));
        }
    }
    QCOMPARE(random, 50); // the statistical sample is whole, whatever was flagged
    QCOMPARE(flagged, (QSet<qint64>{bad[0].itemId, bad[1].itemId, bad[2].itemId}));
    const qint64 extra = sample->extraItems();
    QVERIFY(extra >= 1 && extra <= 3);
    // Failing a flagged item added beyond the sample does not count toward Ac/Re.
    for (const ReviewItem &item : std::as_const(sample->items)) {
        if (item.reason == ReviewReason::Flag)
            QVERIFY(book.setVerdict(batch, item.itemId, Verdict::Fail, QStringLiteral("unreadable"), {},
                                    QStringLiteral("K")));
    }
    QCOMPARE(book.sample(batch)->defects(), 0);
    // A file that fails later is added when the review looks again.
    FileRecord later = files->at(200);
    later.status = FileStatus::NotFound;
    QVERIFY(catalog->recordOutcomes({later}, {}));
    auto added = book.refreshFlags(batch);
    QVERIFY(added);
    const bool wasDrawn = sample->indexOf(later.itemId) >= 0;
    QCOMPARE(*added, wasDrawn ? 0 : 1);
    QVERIFY(book.sample(batch)->indexOf(later.itemId) >= 0);
}

void TestReview::verdictsFlipTheBatchToReject()
{
    auto catalog = freshCatalog();
    const qint64 batch = addBatch(*catalog, QStringLiteral("flip"), 320);
    ReviewBook book(*catalog);
    auto sample =
        book.draw(batch, SampleRequest{100, InspectionLevel::II, 11, QStringLiteral("K")}, m_settings);
    QVERIFY(sample);
    QCOMPARE(sample->plan.accept, 1);
    QCOMPARE(sample->plan.reject, 2);
    const QList<ReviewItem> items = sample->items;
    for (int i = 0; i < 10; ++i)
        QVERIFY(book.setVerdict(batch, items[i].itemId, Verdict::Pass, {}, {}, QStringLiteral("K")));
    QVERIFY(book.setVerdict(batch, items[10].itemId, Verdict::Fail, QStringLiteral("cropped or skewed"),
                            QStringLiteral("left margin cut"), QStringLiteral("K")));
    QCOMPARE(book.sample(batch)->verdict(), BatchVerdict::Pending);
    // A fail needs a reason.
    QCOMPARE(
        book.setVerdict(batch, items[11].itemId, Verdict::Fail, {}, {}, QStringLiteral("K")).error().code,
        ErrorCode::Usage);
    QVERIFY(book.setVerdict(batch, items[11].itemId, Verdict::Fail, QStringLiteral("unreadable"), {},
                            QStringLiteral("K")));
    auto flipped = book.sample(batch);
    QCOMPARE(flipped->defects(), 2);
    QCOMPARE(flipped->verdict(), BatchVerdict::Reject);
    const ReviewItem &failed = flipped->items[10];
    QCOMPARE(failed.defect, QStringLiteral("cropped or skewed"));
    QCOMPARE(failed.note, QStringLiteral("left margin cut"));
    QCOMPARE(failed.reviewer, QStringLiteral("K"));
    QVERIFY(failed.decidedAt.isValid());
    // Undo brings it back; a verdict changed replaces the old one.
    QVERIFY(book.withdrawVerdict(batch, items[11].itemId, QStringLiteral("K")));
    QCOMPARE(book.sample(batch)->verdict(), BatchVerdict::Pending);
    QVERIFY(book.setVerdict(batch, items[10].itemId, Verdict::Pass, {}, {}, QStringLiteral("K")));
    QCOMPARE(book.sample(batch)->defects(), 0);
    // An item outside the sample is added by hand and does not count.
    const QList<qint64> ids = itemIds(*catalog, batch);
    qint64 outside = 0;
    for (qint64 id : ids) {
        if (book.sample(batch)->indexOf(id) < 0) {
            outside = id;
            break;
        }
    }
    QVERIFY(book.setVerdict(batch, outside, Verdict::Fail, QStringLiteral("wrong page order"), {},
                            QStringLiteral("K")));
    auto withManual = book.sample(batch);
    QCOMPARE(withManual->items[withManual->indexOf(outside)].reason, ReviewReason::Manual);
    QCOMPARE(withManual->defects(), 0);
    // Every verdict is a PREMIS event about its item.
    auto events = catalog->itemEvents(batch, items[10].itemId);
    QVERIFY(events);
    QCOMPARE(events->size(), 2);
    QCOMPARE(events->at(0).outcome, QStringLiteral("failure"));
    QCOMPARE(events->at(1).outcome, QStringLiteral("success"));
    // Items are found by id or identifier.
    QCOMPARE(book.resolveItem(batch, QString::number(outside)).value(), outside);
    QCOMPARE(book.resolveItem(batch, items[0].identifier).value(), items[0].itemId);
    QCOMPARE(book.resolveItem(batch, QStringLiteral("no such item")).error().code, ErrorCode::NotFound);
}

void TestReview::approveIsRefusedThenAllowed()
{
    auto catalog = freshCatalog();
    const qint64 batch = addBatch(*catalog, QStringLiteral("approve"), 30);
    BatchDecisions decisions(*catalog, nullptr);
    ReviewBook book(*catalog);
    // No sample: refused.
    auto refused = decisions.approve(batch, {}, {}, QStringLiteral("Karen"));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::Invalid);
    auto sample =
        book.draw(batch, SampleRequest{100, InspectionLevel::II, 5, QStringLiteral("Karen")}, m_settings);
    QVERIFY(sample);
    QCOMPARE(sample->plan.sampleSize, 13); // 26–50 items: D, arrow to E
    // Incomplete: refused, and the blocker says how much is missing.
    QVERIFY(book.setVerdict(batch, sample->items[0].itemId, Verdict::Pass, {}, {}, QStringLiteral("Karen")));
    auto blockers = decisions.approvalBlockers(batch);
    QVERIFY(blockers);
    QCOMPARE(blockers->size(), 1);
    QVERIFY2(blockers->constFirst().contains(QStringLiteral("12 of 13")), qPrintable(blockers->constFirst()));
    QVERIFY(!decisions.approve(batch, {}, {}, QStringLiteral("Karen")));
    QCOMPARE(catalog->batch(batch)->state, BatchState::Open);
    passAll(book, batch);
    QCOMPARE(book.sample(batch)->verdict(), BatchVerdict::Accept);
    QVERIFY(decisions.approvalBlockers(batch)->isEmpty());
    auto approved =
        decisions.approve(batch, QStringLiteral("local:/srv/archive"), {}, QStringLiteral("Karen"));
    QVERIFY2(approved, qPrintable(approved ? QString() : approved.error().message));
    const BatchRecord record = *catalog->batch(batch);
    QCOMPARE(record.state, BatchState::Approved);
    auto events = catalog->events(batch);
    QCOMPARE(events->constLast().type, QStringLiteral("accession"));
    QCOMPARE(events->constLast().agent, QStringLiteral("Karen"));
    QVERIFY(events->constLast().detail.contains(QStringLiteral("local:/srv/archive")));
    // Decided once: approving again, rejecting, or giving verdicts is refused.
    QVERIFY(!decisions.approve(batch, {}, {}, QStringLiteral("Karen")));
    QCOMPARE(book.setVerdict(batch, sample->items[0].itemId, Verdict::Fail, QStringLiteral("x"), {},
                             QStringLiteral("K"))
                 .error()
                 .code,
             ErrorCode::Invalid);

    // A rejecting sample can be approved only with a reason, which is recorded.
    const qint64 second = addBatch(*catalog, QStringLiteral("override"), 30);
    auto s2 =
        book.draw(second, SampleRequest{100, InspectionLevel::II, 5, QStringLiteral("Karen")}, m_settings);
    QVERIFY(book.setVerdict(second, s2->items[0].itemId, Verdict::Fail, QStringLiteral("unreadable"), {},
                            QStringLiteral("K")));
    auto rejecting = decisions.approve(second, {}, {}, QStringLiteral("Karen"));
    QVERIFY(!rejecting);
    QVERIFY(rejecting.error().message.contains(QStringLiteral("reject")));
    auto overridden = decisions.approve(second, {}, QStringLiteral("the vendor rescanned page 3 on site"),
                                        QStringLiteral("Karen"));
    QVERIFY(overridden);
    auto summary = book.summary(second);
    QVERIFY(summary->overridden);
    QCOMPARE(summary->reason, QStringLiteral("the vendor rescanned page 3 on site"));
    QVERIFY(catalog->events(second)->constLast().detail.contains(QStringLiteral("overriding")));
}

void TestReview::rejectDeletesStoredCopiesAndKeepsRecords()
{
    auto catalog = freshCatalog();
    const QString root = m_dir.filePath(QStringLiteral("store%1").arg(++m_counter));
    auto store = openBitStore(root);
    QVERIFY(store);
    const qint64 other = addBatch(*catalog, QStringLiteral("other"), 3, store->get());
    const qint64 batch = addBatch(*catalog, QStringLiteral("reject"), 20, store->get());
    QVERIFY(other > 0 && batch > 0);
    // One object of the rejected batch is also another batch's file (a content-addressed key, a reused copy).
    auto otherFiles = catalog->files(other);
    auto files = catalog->files(batch);
    FileRecord shared = files->at(0);
    shared.storedKey = otherFiles->at(0).storedKey;
    QVERIFY(catalog->recordOutcomes({shared}, {}));
    QVERIFY((*store)->remove(files->at(0).storedKey)); // its own copy was never made
    QVERIFY(QDir(root).rmpath(QFileInfo(files->at(0).storedKey).path()));
    // And one file failed permanently without a copy: its status stays, as the record of what was wrong.
    FileRecord failed = files->at(1);
    failed.status = FileStatus::NotFound;
    failed.storedKey.clear();
    QVERIFY(catalog->recordOutcomes({failed}, {}));
    QVERIFY((*store)->remove(files->at(1).storedKey));
    QVERIFY(QDir(root).rmpath(QFileInfo(files->at(1).storedKey).path()));
    const qint64 eventsBefore = catalog->events(batch)->size();

    BatchDecisions decisions(*catalog, store->get());
    QCOMPARE(decisions.reject(batch, QString(), QStringLiteral("Karen"), {}).error().code, ErrorCode::Usage);
    QVERIFY(decisions.rejectConsequence(batch).value().contains(QStringLiteral("Delete 19 stored files")));
    // The approve button counts what an upload would send: a stored copy with a problem stays behind.
    FileRecord mismatch = files->at(2);
    mismatch.status = FileStatus::FixityMismatch;
    QVERIFY(catalog->recordOutcomes({mismatch}, {}));
    const QString approveText = decisions.approveConsequence(batch, QStringLiteral("the archive")).value();
    QVERIFY2(approveText ==
                 QStringLiteral("Upload 18 files to the archive. 1 stored file with a problem stays "
                                "behind."),
             qPrintable(approveText));
    qint64 lastDone = 0;
    auto outcome = decisions.reject(batch, QStringLiteral("pages 4 and 9 cropped"), QStringLiteral("Karen"),
                                    [&](qint64 done, qint64) { lastDone = done; });
    QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().message));
    QCOMPARE(outcome->filesDeleted, 19);
    QCOMPARE(outcome->objectsRemoved, 18);
    QCOMPARE(outcome->objectsKept, 1);
    QCOMPARE(lastDone, 20);
    // Nothing of the batch is left in the store but the shared object; the other batch is whole.
    QDirIterator it(root + QStringLiteral("/reject"), QDir::Files, QDirIterator::Subdirectories);
    QVERIFY2(!it.hasNext(), qPrintable(it.hasNext() ? it.next() : QString()));
    QVERIFY(!QDir(root + QStringLiteral("/reject")).exists());
    for (const FileRecord &f : *otherFiles)
        QVERIFY((*store)->exists(f.storedKey).value());
    // Records, metadata and events stay; files say deleted; the batch says who, when and why.
    auto after = catalog->files(batch);
    QCOMPARE(after->size(), 20);
    for (const FileRecord &f : *after)
        QCOMPARE(f.status, f.id == failed.id ? FileStatus::NotFound : FileStatus::Deleted);
    auto record = catalog->batch(batch);
    QCOMPARE(record->state, BatchState::Rejected);
    QCOMPARE(record->counts.value(FileStatus::Deleted), 19);
    auto summary = ReviewBook(*catalog).summary(batch);
    QCOMPARE(summary->reason, QStringLiteral("pages 4 and 9 cropped"));
    QCOMPARE(summary->decidedBy, QStringLiteral("Karen"));
    auto events = catalog->events(batch);
    QCOMPARE(events->size(), eventsBefore + 1 + 19);
    QVERIFY(std::any_of(events->cbegin(), events->cend(), [](const EventRecord &e) {
        return e.type == u"appraisal" && e.outcome == u"failure" &&
               e.detail.contains(QStringLiteral("cropped"));
    }));
    // Rejecting again carries on (nothing left) without a second decision; approving is refused.
    auto again = decisions.reject(batch, QStringLiteral("again"), QStringLiteral("Karen"), {});
    QVERIFY(again);
    QCOMPARE(again->filesDeleted, 0);
    QCOMPARE(ReviewBook(*catalog).summary(batch)->reason, QStringLiteral("pages 4 and 9 cropped"));
    QVERIFY(!decisions.approve(batch, {}, QStringLiteral("changed my mind"), QStringLiteral("Karen")));
}

void TestReview::redeliveryIsLinkedToTheRejectedBatch()
{
    auto catalog = freshCatalog();
    Settings settings;
    QVERIFY(settings.setText(QStringLiteral("review/suppliers"), QStringLiteral("B4000=Example Scanning")));
    ReviewBook book(*catalog);
    const qint64 rt1 = addBatch(*catalog, QStringLiteral("B400022028240-RT1"), 30);
    QCOMPARE(book.assignSupplier(rt1, settings).value(), QStringLiteral("Example Scanning"));
    auto sample = book.draw(rt1, SampleRequest{100, InspectionLevel::II, 9, QStringLiteral("K")}, settings);
    QVERIFY(book.setVerdict(rt1, sample->items[2].itemId, Verdict::Fail, QStringLiteral("cropped or skewed"),
                            QStringLiteral("gutter cut"), QStringLiteral("K")));
    QVERIFY(BatchDecisions(*catalog, nullptr).approvalBlockers(rt1)->size() >= 1);
    auto store = openBitStore(m_dir.filePath(QStringLiteral("store%1").arg(++m_counter)));
    QVERIFY(BatchDecisions(*catalog, store->get())
                .reject(rt1, QStringLiteral("cropped pages"), QStringLiteral("K"), {}));

    const qint64 other = addBatch(*catalog, QStringLiteral("B999-RT1"), 3);
    const qint64 rt2 = addBatch(*catalog, QStringLiteral("B400022028240-RT2"), 30);
    QCOMPARE(book.linkRedeliveryByName(other).value(), std::optional<qint64>());
    QCOMPARE(book.linkRedeliveryByName(rt2).value(), std::optional<qint64>(rt1));
    QCOMPARE(book.summary(rt2)->redeliveryOf, rt1);
    QCOMPARE(book.summary(rt2)->redeliveryOfName, QStringLiteral("B400022028240-RT1"));
    // What was wrong last time: the rejection and the failed item with its reason.
    auto problems = book.previousProblems(rt2);
    QVERIFY(problems);
    QVERIFY2(problems->join(u'\n').contains(QStringLiteral("cropped pages")),
             qPrintable(problems->join(u'\n')));
    QVERIFY(problems->join(u'\n').contains(QStringLiteral("cropped or skewed — gutter cut")));
    // A re-delivery named some other way is linked by hand; the supplier comes along.
    const qint64 manual = addBatch(*catalog, QStringLiteral("resent"), 5);
    QVERIFY(book.linkRedelivery(manual, rt1));
    QCOMPARE(book.assignSupplier(manual, Settings()).value(), QStringLiteral("Example Scanning"));
    QCOMPARE(book.linkRedelivery(manual, 9999).error().code, ErrorCode::NotFound);
}

void TestReview::supplierHistoryOverASequenceOfBatches()
{
    auto catalog = freshCatalog();
    ReviewBook book(*catalog);
    BatchDecisions decisions(*catalog, nullptr);
    auto store = openBitStore(m_dir.filePath(QStringLiteral("store%1").arg(++m_counter)));
    BatchDecisions rejecter(*catalog, store->get());
    Settings settings;
    QVERIFY(settings.setText(QStringLiteral("review/supplier"), QStringLiteral("Vendor A")));
    // Four batches: accepted clean, accepted with one defect, rejected with two, and its re-delivery open.
    QList<qint64> batches;
    for (int i = 0; i < 4; ++i) {
        const qint64 b =
            addBatch(*catalog, QStringLiteral("V-%1-RT%2").arg(i < 3 ? i : 2).arg(i < 3 ? 1 : 2), 320);
        QVERIFY(book.assignSupplier(b, settings));
        batches.append(b);
        auto s =
            book.draw(b, SampleRequest{100, InspectionLevel::II, quint64(i), QStringLiteral("K")}, settings);
        QVERIFY(s);
        if (i == 3)
            break;
        const int defects = i;
        for (int k = 0; k < s->items.size(); ++k) {
            const bool fail = k < defects;
            QVERIFY(book.setVerdict(b, s->items[k].itemId, fail ? Verdict::Fail : Verdict::Pass,
                                    fail ? QStringLiteral("unreadable") : QString(), {},
                                    QStringLiteral("K")));
        }
        if (i < 2)
            QVERIFY(decisions.approve(b, {}, {}, QStringLiteral("K")));
        else
            QVERIFY(rejecter.reject(b, QStringLiteral("two unreadable pages"), QStringLiteral("K"), {}));
    }
    QCOMPARE(book.linkRedeliveryByName(batches[3]).value(), std::optional<qint64>(batches[2]));
    auto history = book.supplierHistory(QStringLiteral("Vendor A"));
    QVERIFY(history);
    QCOMPARE(history->size(), 4);
    // Newest first.
    QCOMPARE(history->at(0).batchId, batches[3]);
    QCOMPARE(history->at(0).state, BatchState::Open);
    QCOMPARE(history->at(0).redeliveryOf, batches[2]);
    QCOMPARE(history->at(1).state, BatchState::Rejected);
    QCOMPARE(history->at(1).verdict, BatchVerdict::Reject);
    QCOMPARE(history->at(1).defects, 2);
    QCOMPARE(history->at(1).reviewed, 50);
    QCOMPARE(history->at(1).defectRate(), 0.04);
    QCOMPARE(history->at(2).verdict, BatchVerdict::Accept);
    QCOMPARE(history->at(2).defects, 1);
    QCOMPARE(history->at(3).defects, 0);
    QCOMPARE(history->at(3).state, BatchState::Approved);
    QCOMPARE(book.supplierHistory(QStringLiteral("Vendor B"))->size(), 0);
    QCOMPARE(book.supplierHistory(QStringLiteral("Vendor A"), 2)->size(), 2);
}

void TestReview::sampleWaitsForIntakeAndTheLampFollowsReview()
{
    auto catalog = freshCatalog();
    ReviewBook book(*catalog);
    BatchDecisions decisions(*catalog, nullptr);
    const SampleRequest request{100, InspectionLevel::II, 11, QStringLiteral("Karen")};
    const qint64 batch = addBatch(*catalog, QStringLiteral("lamp"), 30);
    // Items still arriving (or an intake that failed): the lot is not known, so no sample yet.
    for (StageState intake : {StageState::Running, StageState::Failed}) {
        QVERIFY(catalog->setStageState(batch, Stage::Intake, intake));
        auto refused = book.draw(batch, request, m_settings);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Invalid);
        QVERIFY2(refused.error().message.contains(QStringLiteral("intake")),
                 qPrintable(refused.error().message));
        QVERIFY(!book.sample(batch)->drawn);
    }
    QVERIFY(catalog->setStageState(batch, Stage::Intake, StageState::Done));
    auto sample = book.draw(batch, request, m_settings);
    QVERIFY(sample);
    const auto lamp = [&](qint64 id) {
        const QList<StageRecord> stages = catalog->stages(id).value();
        for (const StageRecord &r : stages) {
            if (r.stage == Stage::Review)
                return std::pair(r.state, r.detail);
        }
        return std::pair(StageState::NotStarted, QString());
    };
    // Drawn: the review waits for the curator, and its lamp says where it stands.
    QCOMPARE(lamp(batch).first, StageState::NeedsAttention);
    QVERIFY2(lamp(batch).second.startsWith(QStringLiteral("0 of 13 reviewed")),
             qPrintable(lamp(batch).second));
    QVERIFY(book.setVerdict(batch, sample->items[0].itemId, Verdict::Fail, QStringLiteral("cropped"), {},
                            QStringLiteral("Karen")));
    QVERIFY2(lamp(batch).second.contains(QStringLiteral("1 of 13 reviewed · 1 defect")),
             qPrintable(lamp(batch).second));
    // Rejected: red; approved: done.
    auto store = openBitStore(m_dir.filePath(QStringLiteral("lampstore%1").arg(++m_counter)));
    QVERIFY(store);
    QVERIFY(BatchDecisions(*catalog, store->get())
                .reject(batch, QStringLiteral("cropped"), QStringLiteral("Karen")));
    QCOMPARE(lamp(batch).first, StageState::Failed);
    QVERIFY(lamp(batch).second.contains(QStringLiteral("cropped")));
    const qint64 good = addBatch(*catalog, QStringLiteral("lamp-2"), 5);
    QVERIFY(book.draw(good, request, m_settings));
    passAll(book, good);
    QVERIFY(decisions.approve(good, {}, {}, QStringLiteral("Karen")));
    QCOMPARE(lamp(good).first, StageState::Done);
}

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
