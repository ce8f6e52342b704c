// The catalog's duplicate cases and decisions (schema v6) on SQLite and on a real PostgreSQL, with the
// solver that records decisions: a case keeps its decision while it stays the same case and loses it when it
// changes; undo brings the decision before back; a decision the upload carried out stands; actions a case
// does not allow are refused with the reason; every decision and undo is a PREMIS appraisal event naming
// who and why; the rows go with their batch.

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "catalog/duplicatebook.h"
#include "catalog/takeover.h"
#include "dedup/dedupsettings.h"
#include "dedup/duplicatesolver.h"
#include "peerserver.h"

using namespace gh;

namespace {

const QString s_target = QStringLiteral("mediawiki:http://127.0.0.1:1/api.php");

} // namespace

class tst_DuplicateBook : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::PeerServer> m_postgres;
    QTemporaryDir m_dir;
    int m_counter = 0;

    std::unique_ptr<Catalog> open()
    {
        QFETCH(QString, engine);
        QString where;
        if (engine == u"sqlite") {
            where = m_dir.filePath(QStringLiteral("c%1/catalog.sqlite").arg(++m_counter));
        } else {
            where = QStringLiteral("postgresql://gatehouse:gatehouse@127.0.0.1:%1/gatehouse")
                        .arg(m_postgres->port());
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
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("reset"));
        }
        auto location = CatalogLocation::parse(where);
        if (!location)
            qFatal("%s", qPrintable(location.error().message));
        auto catalog = Catalog::open(*location);
        if (!catalog)
            qFatal("%s", qPrintable(catalog.error().message));
        return std::move(*catalog);
    }

    //! A batch with \a n stored files (sha1 "…%1"), returning their ids.
    static QList<qint64> batchWithFiles(Catalog &catalog, int n, qint64 *batchId)
    {
        auto batch = catalog.createBatch(QStringLiteral("dedup"), QStringLiteral("/src"));
        if (!batch)
            qFatal("%s", qPrintable(batch.error().message));
        *batchId = *batch;
        ItemRecord item;
        item.batchId = *batch;
        item.seq = 1;
        item.identifier = QStringLiteral("rec-%1").arg(*batch);
        auto itemId = catalog.insertItem(item);
        QList<FileRecord> files;
        QList<qint64> ids;
        for (int i = 0; i < n; ++i) {
            FileRecord f;
            f.batchId = *batch;
            f.itemId = *itemId;
            f.seq = i + 1;
            f.name = QStringLiteral("p%1.jpg").arg(i + 1);
            f.sourcePath = QStringLiteral("/src/") + f.name;
            auto id = catalog.insertFile(f);
            if (!id)
                qFatal("%s", qPrintable(id.error().message));
            f.id = *id;
            f.status = FileStatus::Success;
            f.size = 1000 + i;
            f.digests.sha1 = QStringLiteral("%1").arg(i + 1, 40, 10, QLatin1Char('a'));
            f.digests.sha256 = QStringLiteral("%1").arg(i + 1, 64, 10, QLatin1Char('b'));
            f.digests.md5 = QStringLiteral("%1").arg(i + 1, 32, 10, QLatin1Char('c'));
            f.storedKey = QStringLiteral("%1/rec/%2").arg(*batch).arg(f.name);
            files.append(f);
            ids.append(*id);
        }
        if (Status s = catalog.recordOutcomes(files, {}); !s)
            qFatal("%s", qPrintable(s.error().message));
        return ids;
    }

    static DuplicateRecord record(qint64 batchId, qint64 fileId, DuplicateCase c,
                                  const QString &existing = {})
    {
        DuplicateRecord r;
        r.fileId = fileId;
        r.batchId = batchId;
        r.itemId = 1;
        r.target = s_target;
        r.dupCase = c;
        r.needsDecision = DuplicateInfo::needsDecision(c);
        r.intendedName = QStringLiteral("Harbour - rec-%1.jpg").arg(fileId);
        r.existingName = existing;
        if (!existing.isEmpty() &&
            (c == DuplicateCase::HashElsewhere || c == DuplicateCase::HashElsewhereNameTaken)) {
            r.details.insert(QStringLiteral("elsewhere"),
                             QJsonArray{QJsonObject{{QStringLiteral("name"), existing}}});
        }
        if (c == DuplicateCase::NameTaken || c == DuplicateCase::HashElsewhereNameTaken)
            r.details.insert(QStringLiteral("named"), QJsonObject{{QStringLiteral("name"), r.intendedName}});
        return r;
    }

    static void save(Catalog &catalog, const QList<DuplicateRecord> &records)
    {
        DuplicateBook book(catalog);
        auto tx = catalog.transaction();
        QVERIFY(tx);
        QVERIFY(book.saveCases(records));
        QVERIFY(tx->commit());
    }

private slots:
    void initTestCase()
    {
        m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
        QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    }

    void cleanupTestCase() { m_postgres.reset(); }

    void keys()
    {
        // The binding keys, in the order the issue lists them.
        QStringList cases;
        for (DuplicateCase c : DuplicateInfo::cases())
            cases.append(DuplicateInfo::key(c));
        QCOMPARE(cases, (QStringList{QStringLiteral("already-there"), QStringLiteral("hash-elsewhere"),
                                     QStringLiteral("hash-elsewhere-name-taken"), QStringLiteral("new"),
                                     QStringLiteral("name-taken"), QStringLiteral("in-batch"),
                                     QStringLiteral("earlier-batch")}));
        QStringList actions;
        for (DuplicateAction a : DuplicateInfo::actions())
            actions.append(DuplicateInfo::key(a));
        QCOMPARE(actions,
                 (QStringList{QStringLiteral("skip"), QStringLiteral("upload"), QStringLiteral("rename"),
                              QStringLiteral("overwrite"), QStringLiteral("move"), QStringLiteral("link"),
                              QStringLiteral("hand-fix")}));
        for (DuplicateCase c : DuplicateInfo::cases())
            QCOMPARE(DuplicateInfo::caseFromKey(DuplicateInfo::key(c)), c);
        QVERIFY(!DuplicateInfo::caseFromKey(u"hash-somewhere"));
        QVERIFY(!DuplicateInfo::needsDecision(DuplicateCase::New));
        QVERIFY(!DuplicateInfo::needsDecision(DuplicateCase::AlreadyThere));
        QVERIFY(DuplicateInfo::needsDecision(DuplicateCase::InBatch));
        QCOMPARE(DuplicateSolver::numberedName(QStringLiteral("Harbour - rec-1.jpg"), 2),
                 QStringLiteral("Harbour - rec-1 (2).jpg"));
        QCOMPARE(DuplicateSolver::numberedName(QStringLiteral("a.b/c"), 3), QStringLiteral("a.b/c (3)"));
        QCOMPARE(DuplicateSolver::numberedName(QStringLiteral("3/rec/p.tif"), 2),
                 QStringLiteral("3/rec/p (2).tif"));
    }

    void rules()
    {
        auto rules = DuplicateRules::parse(
            {QStringLiteral("already-there=skip"), QStringLiteral(" in-batch = link ")});
        QVERIFY(rules);
        QCOMPARE(rules->actionFor(DuplicateCase::InBatch), DuplicateAction::Link);
        QCOMPARE(rules->text(DuplicateCase::AlreadyThere), QStringLiteral("already-there=skip"));
        QVERIFY(!rules->actionFor(DuplicateCase::NameTaken));
        // Unknown words and actions a case never allows are refused, naming the entry.
        auto unknown = DuplicateRules::parse({QStringLiteral("in-bach=link")});
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains(QStringLiteral("in-bach=link")));
        QVERIFY(!DuplicateRules::parse({QStringLiteral("new=move")}));
        QVERIFY(!DuplicateRules::parse({QStringLiteral("already-there=upload")}));
        QVERIFY(!DuplicateRules::parse({QStringLiteral("in-batch")}));

        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("gatehouse.ini"));
        QFile f(ini);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[dedup]\ndeleted=false\nalready-there=skip\nearlier-batch=link\n");
        f.close();
        DedupSettings settings;
        QVERIFY(DedupSettings::readFile(ini, settings));
        QVERIFY(!settings.lookUpDeleted);
        QCOMPARE(settings.rules.actionFor(DuplicateCase::EarlierBatch), DuplicateAction::Link);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("[dedup]\nname-taken=move\n");
        f.close();
        DedupSettings bad;
        auto refused = DedupSettings::readFile(ini, bad);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(ini));
    }

    void casesAndCounts_data() { engines(); }
    void casesAndCounts()
    {
        auto catalog = open();
        QCOMPARE(catalog->schemaVersion(), Catalog::latestVersion());
        qint64 batch = 0;
        const QList<qint64> ids = batchWithFiles(*catalog, 5, &batch);
        save(*catalog,
             {record(batch, ids[0], DuplicateCase::AlreadyThere, QStringLiteral("A.jpg")),
              record(batch, ids[1], DuplicateCase::HashElsewhere, QStringLiteral("Other.jpg")),
              record(batch, ids[2], DuplicateCase::New), record(batch, ids[3], DuplicateCase::InBatch),
              record(batch, ids[4], DuplicateCase::InBatch)});
        DuplicateBook book(*catalog);
        QCOMPARE(*book.targets(batch), QStringList{s_target});
        auto counts = book.counts(batch, s_target);
        QVERIFY(counts);
        QCOMPARE(counts->value(DuplicateCase::InBatch).files, 2);
        QCOMPARE(counts->value(DuplicateCase::InBatch).open, 2);
        QCOMPARE(counts->value(DuplicateCase::New).open, 0);
        QCOMPARE(*book.openCount(batch), 3);

        // Paging by file id, open ones only.
        DuplicateCaseQuery query;
        query.onlyOpen = true;
        query.limit = 2;
        auto first = book.cases(batch, query);
        QVERIFY(first);
        QCOMPARE(first->size(), 2);
        QCOMPARE(first->at(0).fileId, ids[1]);
        query.afterFileId = first->last().fileId;
        auto second = book.cases(batch, query);
        QCOMPARE(second->size(), 1);
        QCOMPARE(second->at(0).fileId, ids[4]);
        QCOMPARE(second->at(0).dupCase, DuplicateCase::InBatch);

        // The same bytes in the catalog, for in-batch and earlier-batch cases.
        auto same = book.sameBytes({QStringLiteral("%1").arg(2, 40, 10, QLatin1Char('a'))}, batch);
        QVERIFY(same);
        QCOMPARE(same->size(), 1);
        QCOMPARE(same->at(0).fileId, ids[1]);
        QCOMPARE(same->at(0).item, QStringLiteral("rec-%1").arg(batch));
        auto none = book.sameBytes({QStringLiteral("%1").arg(2, 40, 10, QLatin1Char('a'))}, batch - 1);
        QVERIFY(none->isEmpty());

        // Clearing the batch takes its cases and decisions along.
        DuplicateSolver solver(*catalog, batch);
        DecisionRequest skip;
        skip.fileIds = {ids[1]};
        skip.action = DuplicateAction::Skip;
        QVERIFY(solver.decide(skip));
        QVERIFY(catalog->clearBatchContents(batch));
        QCOMPARE(*book.openCount(batch), 0);
        QVERIFY(book.targets(batch)->isEmpty());
        QSqlQuery left(catalog->database());
        QVERIFY(left.exec(QStringLiteral("SELECT COUNT(*) FROM duplicate_decisions")) && left.next());
        QCOMPARE(left.value(0).toInt(), 0);
    }

    void decideUndoExecute_data() { engines(); }
    void decideUndoExecute()
    {
        auto catalog = open();
        qint64 batch = 0;
        const QList<qint64> ids = batchWithFiles(*catalog, 4, &batch);
        save(*catalog, {record(batch, ids[0], DuplicateCase::HashElsewhere, QStringLiteral("Other.jpg")),
                        record(batch, ids[1], DuplicateCase::HashElsewhere, QStringLiteral("Other 2.jpg")),
                        record(batch, ids[2], DuplicateCase::NameTaken, QStringLiteral("Harbour.jpg")),
                        record(batch, ids[3], DuplicateCase::New)});
        DuplicateSolver solver(*catalog, batch);
        DuplicateBook book(*catalog);

        // One file, with who and why.
        DecisionRequest skip;
        skip.fileIds = {ids[0]};
        skip.action = DuplicateAction::Skip;
        skip.note = QStringLiteral("the wiki's copy is better");
        skip.curator = QStringLiteral("anna");
        auto decided = solver.decide(skip);
        QVERIFY2(decided, decided ? "" : qPrintable(decided.error().message));
        QCOMPARE(decided->decisions.size(), 1);
        QVERIFY(decided->refused.isEmpty());
        auto one = *book.caseOf(ids[0], s_target);
        QVERIFY(one->decision);
        QCOMPARE(one->decision->action, DuplicateAction::Skip);
        QCOMPARE(one->decision->decidedBy, QStringLiteral("curator:anna"));
        QCOMPARE(one->decision->note, QStringLiteral("the wiki's copy is better"));
        auto events = catalog->events(batch, ids[0]);
        QVERIFY(events);
        QCOMPARE(events->size(), 1);
        QCOMPARE(events->at(0).type, QStringLiteral("appraisal"));
        QCOMPARE(events->at(0).agent, QStringLiteral("curator:anna"));
        QVERIFY(events->at(0).detail.contains(QStringLiteral("the wiki's copy is better")));
        QVERIFY(events->at(0).detail.contains(QStringLiteral("hash-elsewhere")));

        // A second decision replaces it; undo brings the first back; undo again leaves none.
        DecisionRequest move = skip;
        move.action = DuplicateAction::Move;
        move.note.clear();
        QVERIFY(solver.decide(move));
        QCOMPARE((*book.caseOf(ids[0], s_target))->decision->action, DuplicateAction::Move);
        QVERIFY(solver.undo({ids[0]}, {}, QStringLiteral("anna")));
        QCOMPARE((*book.caseOf(ids[0], s_target))->decision->action, DuplicateAction::Skip);
        auto undone = solver.undo({ids[0]}, {}, QStringLiteral("anna"));
        QVERIFY(undone);
        QCOMPARE(undone->decisions.size(), 1);
        QVERIFY(!(*book.caseOf(ids[0], s_target))->decision);
        auto nothing = solver.undo({ids[0]}, {}, QStringLiteral("anna"));
        QVERIFY(nothing);
        QCOMPARE(nothing->refused.size(), 1);
        QCOMPARE(book.history(ids[0], s_target)->size(), 2);

        // Actions a case does not allow are refused with the reason; others go through.
        DecisionRequest overwrite;
        overwrite.fileIds = {ids[0], ids[2], ids[3]};
        overwrite.action = DuplicateAction::Overwrite;
        auto mixed = solver.decide(overwrite);
        QVERIFY(mixed);
        QCOMPARE(mixed->decisions.size(), 1);
        QCOMPARE(mixed->decisions[0].fileId, ids[2]);
        QCOMPARE(mixed->refused.size(), 2);
        QVERIFY(mixed->refused.join(u'\n').contains(QStringLiteral("hash-elsewhere")));

        // A new name is for one file only.
        DecisionRequest renameMany;
        renameMany.dupCase = DuplicateCase::HashElsewhere;
        renameMany.action = DuplicateAction::Rename;
        renameMany.name = QStringLiteral("Mine.jpg");
        auto many = solver.decide(renameMany);
        QVERIFY(!many);
        QCOMPARE(many.error().code, ErrorCode::Usage);

        // Apply to all of a case, open ones only.
        DecisionRequest all;
        all.dupCase = DuplicateCase::HashElsewhere;
        all.onlyOpen = true;
        all.action = DuplicateAction::HandFix;
        auto applied = solver.decide(all);
        QVERIFY(applied);
        QCOMPARE(applied->decisions.size(), 2);
        QCOMPARE(*book.openCount(batch), 0);

        // The upload carried one out: no undo, no new decision; it stays through a new classification.
        const qint64 executedId = (*book.caseOf(ids[2], s_target))->decision->id;
        QVERIFY(book.markExecuted(executedId, QStringLiteral("uploaded as Harbour.jpg")));
        auto late = solver.undo({ids[2]}, {}, QStringLiteral("anna"));
        QVERIFY(late);
        QCOMPARE(late->refused.size(), 1);
        QVERIFY(late->refused[0].contains(QStringLiteral("uploaded as Harbour.jpg")));
        DecisionRequest again;
        again.fileIds = {ids[2]};
        again.action = DuplicateAction::Skip;
        QCOMPARE(solver.decide(again)->refused.size(), 1);

        // A new classification into the same case keeps the decision; another case drops it.
        save(*catalog, {record(batch, ids[0], DuplicateCase::HashElsewhere, QStringLiteral("Other.jpg")),
                        record(batch, ids[1], DuplicateCase::AlreadyThere, QStringLiteral("Harbour.jpg"))});
        QCOMPARE((*book.caseOf(ids[0], s_target))->decision->action, DuplicateAction::HandFix);
        QVERIFY(!(*book.caseOf(ids[1], s_target))->decision);
        // A decision for the old case is refused.
        DuplicateDecision stale;
        stale.fileId = ids[1];
        stale.target = s_target;
        stale.forCase = DuplicateCase::HashElsewhere;
        stale.action = DuplicateAction::Skip;
        stale.decidedBy = QStringLiteral("curator:anna");
        auto tx = catalog->transaction();
        QVERIFY(!book.addDecision(stale));
    }

    void claimAndUndoExcludeEachOther_data() { engines(); }
    void claimAndUndoExcludeEachOther()
    {
        auto catalog = open();
        qint64 batch = 0;
        const QList<qint64> ids = batchWithFiles(*catalog, 3, &batch);
        save(*catalog, {record(batch, ids[0], DuplicateCase::NameTaken, QStringLiteral("A.jpg")),
                        record(batch, ids[1], DuplicateCase::NameTaken, QStringLiteral("B.jpg")),
                        record(batch, ids[2], DuplicateCase::NameTaken, QStringLiteral("C.jpg"))});
        DuplicateSolver solver(*catalog, batch);
        DuplicateBook book(*catalog);
        DecisionRequest overwrite;
        overwrite.fileIds = ids;
        overwrite.action = DuplicateAction::Overwrite;
        overwrite.curator = QStringLiteral("anna");
        auto decided = solver.decide(overwrite);
        QVERIFY2(decided, decided ? "" : qPrintable(decided.error().message));
        QCOMPARE(decided->decisions.size(), 3);
        auto decisionOf = [&](qint64 file) { return (*book.caseOf(file, s_target))->decision->id; };
        // 1 claimed, 0 refused, -1 failed (the reason in the log).
        auto claim = [&](qint64 decision, const QString &owner) {
            auto claimed = book.claimExecution(decision, owner);
            if (!claimed)
                qWarning().noquote() << claimed.error().message;
            return claimed ? int(*claimed) : -1;
        };
        // The upload holds the files' leases while it works on them.
        const QString upload = QStringLiteral("host-a:101");
        for (qint64 id : ids) {
            QSqlQuery lease(catalog->database());
            QVERIFY(lease.prepare(QStringLiteral("INSERT INTO file_leases (file_id, stage, batch_id, owner,"
                                                 " expires_at) VALUES (?, 'upload', ?, ?, 4102444800000)")));
            lease.addBindValue(id);
            lease.addBindValue(batch);
            lease.addBindValue(upload);
            QVERIFY2(lease.exec(), qPrintable(lease.lastError().text()));
        }

        // Claimed: the curator cannot take it back, nor decide anew, and is told why.
        const qint64 first = decisionOf(ids[0]);
        QCOMPARE(claim(first, upload), 1);
        QCOMPARE(claim(first, upload), 1);                       // its own claim again
        QCOMPARE(claim(first, QStringLiteral("host-b:202")), 0); // another's, alive
        auto refused = solver.undo({ids[0]}, {}, QStringLiteral("anna"));
        QVERIFY(refused);
        QCOMPARE(refused->refused.size(), 1);
        QVERIFY2(refused->refused[0].contains(QStringLiteral("host-a:101 is carrying out")),
                 qPrintable(refused->refused[0]));
        DecisionRequest skipFirst = overwrite;
        skipFirst.fileIds = {ids[0]};
        skipFirst.action = DuplicateAction::Skip;
        QCOMPARE(solver.decide(skipFirst)->refused.size(), 1);
        // Carried out, in the caller's transaction: it stands, and says by whom and when.
        {
            auto tx = catalog->transaction();
            QVERIFY(tx);
            QVERIFY(book.settleClaim(first, upload, QStringLiteral("uploaded as A.jpg")));
            QVERIFY(tx->commit());
        }
        auto late = solver.undo({ids[0]}, {}, QStringLiteral("anna"));
        QCOMPARE(late->refused.size(), 1);
        QVERIFY2(late->refused[0].startsWith(
                     QStringLiteral("File %1: Already carried out by the upload at ").arg(ids[0])) &&
                     late->refused[0].contains(QStringLiteral("uploaded as A.jpg")),
                 qPrintable(late->refused[0]));

        // Taken back first: the upload's claim fails, and it must not carry the decision out.
        const qint64 second = decisionOf(ids[1]);
        QCOMPARE(solver.undo({ids[1]}, {}, QStringLiteral("anna"))->decisions.size(), 1);
        QCOMPARE(claim(second, upload), 0);
        QVERIFY(book.settleClaim(second, upload, QStringLiteral("uploaded as B.jpg")));
        QVERIFY(!(*book.decision(second))->isExecuted());

        // Claimed and let go (nothing was sent): it can be taken back again.
        const qint64 third = decisionOf(ids[2]);
        QCOMPARE(claim(third, upload), 1);
        QVERIFY(book.settleClaim(third, upload, {}));
        QCOMPARE(solver.undo({ids[2]}, {}, QStringLiteral("anna"))->decisions.size(), 1);

        // A claim whose upload stopped (its leases ran out) is taken over by the next upload.
        DecisionRequest again = overwrite;
        again.fileIds = {ids[2]};
        QCOMPARE(solver.decide(again)->decisions.size(), 1);
        const qint64 fourth = decisionOf(ids[2]);
        QCOMPARE(claim(fourth, upload), 1);
        QVERIFY(expireLeases(*catalog, batch, Stage::Upload, upload));
        QCOMPARE(claim(fourth, QStringLiteral("host-b:202")), 1);
    }

    void targetChoice_data() { engines(); }
    void targetChoice()
    {
        auto catalog = open();
        qint64 batch = 0;
        const QList<qint64> ids = batchWithFiles(*catalog, 1, &batch);
        DuplicateSolver solver(*catalog, batch);
        auto none = solver.resolveTarget({});
        QVERIFY(!none);
        QVERIFY(none.error().message.contains(QStringLiteral("dedup")));
        DuplicateRecord other = record(batch, ids[0], DuplicateCase::New);
        other.target = QStringLiteral("local:/archive");
        save(*catalog, {record(batch, ids[0], DuplicateCase::New), other});
        auto ambiguous = solver.resolveTarget({});
        QVERIFY(!ambiguous);
        QVERIFY(ambiguous.error().message.contains(QStringLiteral("--target")));
        QCOMPARE(*solver.resolveTarget(QStringLiteral("local:/archive")), QStringLiteral("local:/archive"));
        QVERIFY(!solver.resolveTarget(QStringLiteral("local:/elsewhere")));
    }

private:
    void engines()
    {
        QTest::addColumn<QString>("engine");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }
};

QTEST_GUILESS_MAIN(tst_DuplicateBook)
#include "tst_duplicatebook.moc"
