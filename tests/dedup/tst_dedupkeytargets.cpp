// Duplicate cases and decisions against the key-addressed targets a curator meets: a local archive folder and
// a real S3 server (s3rver). Batches are loaded and fetched by the real CLI; the targets are seeded behind
// Gatehouse's back first. Every file lands in its case (already-there, name-taken, new, in-batch,
// earlier-batch; on S3 also hash-elsewhere and hash-elsewhere-name-taken through the prefix listing); the
// settings' rules pre-decide; each decision does what it says when the upload runs (checked on disk and on
// the S3 server afterwards); undo works until the upload carried a decision out, and not after.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/duplicatebook.h"
#include "dedup/duplicateclassifier.h"
#include "dedup/duplicategate.h"
#include "dedup/duplicatesolver.h"
#include "dedupfixture.h"
#include "digest/multidigest.h"
#include "peerserver.h"
#include "targets/targetregistry.h"

using namespace gh;

namespace {

QByteArray bytes(quint64 seed)
{
    return test::pseudoRandomBytes(20000 + qint64(seed) * 7, seed);
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

UploadRequest seedRequest(const QString &path, const QByteArray &content, const QString &name)
{
    test::writeFile(path, content);
    UploadRequest r;
    r.fileId = 1;
    r.label = name;
    r.name = name;
    r.source.localPath = path;
    r.source.size = content.size();
    r.source.digests = MultiDigest::of(content);
    return r;
}

} // namespace

class tst_DedupKeyTargets : public QObject
{
    Q_OBJECT

    static DedupSettings settings(const QString &spec)
    {
        DedupSettings s;
        s.upload.titleTemplate = QStringLiteral("{identifier}{ext}");
        s.route = *TargetRoute::make(spec);
        s.upload.routes = {s.route};
        return s;
    }

    static QHash<qint64, DuplicateRecord> classify(test::DedupFixture &fx, Target &target, qint64 batch,
                                                   const DedupSettings &s)
    {
        QHash<qint64, DuplicateRecord> byFile;
        DuplicateClassifier classifier(fx.catalog(), fx.store(), target, batch, s);
        if (Status st = classifier.run(); !st)
            qFatal("%s", qPrintable(st.error().message));
        DuplicateBook book(fx.catalog());
        DuplicateCaseQuery query;
        query.target = target.spec();
        query.limit = 0;
        const auto records = book.cases(batch, query);
        if (!records)
            qFatal("%s", qPrintable(records.error().message));
        for (const DuplicateRecord &r : *records)
            byFile.insert(r.fileId, r);
        return byFile;
    }

    static void decide(Catalog &catalog, qint64 batch, qint64 fileId, DuplicateAction action,
                       const QString &name = {})
    {
        DuplicateSolver solver(catalog, batch);
        DecisionRequest request;
        request.fileIds = {fileId};
        request.action = action;
        request.name = name;
        request.curator = QStringLiteral("tester");
        auto outcome = solver.decide(request);
        QVERIFY2(outcome, outcome ? "" : qPrintable(outcome.error().message));
        QVERIFY2(outcome->refused.isEmpty(), qPrintable(outcome->refused.join(u'\n')));
        QCOMPARE(outcome->decisions.size(), 1);
    }

private slots:
    void localArchive()
    {
        test::DedupFixture fx;
        QTemporaryDir archive;
        const QString spec = QStringLiteral("local:") + archive.path();
        // Seeded before the run: our bytes under our name, other bytes under our name.
        test::writeFile(archive.filePath(QStringLiteral("harbour.tif")), bytes(1));
        test::writeFile(archive.filePath(QStringLiteral("mill.tif")), bytes(99));
        const QDateTime harbourWritten =
            QFileInfo(archive.filePath(QStringLiteral("harbour.tif"))).lastModified();

        const qint64 first = fx.loadBatch(QStringLiteral("first"), {{QStringLiteral("harbour.tif"), bytes(1)},
                                                                    {QStringLiteral("mill.tif"), bytes(2)},
                                                                    {QStringLiteral("church.tif"), bytes(3)},
                                                                    {QStringLiteral("twin.tif"), bytes(1)},
                                                                    {QStringLiteral("fresh.tif"), bytes(4)}});
        QVERIFY2(first > 0, qPrintable(fx.lastError));
        DedupSettings s = settings(spec);
        s.rules = *DuplicateRules::parse({QStringLiteral("already-there=skip")});
        auto target = TargetRegistry::open(spec, TargetOptions());
        QVERIFY(target);
        const FileRecord harbour = fx.file(first, QStringLiteral("harbour.tif"));
        const FileRecord mill = fx.file(first, QStringLiteral("mill.tif"));
        const FileRecord church = fx.file(first, QStringLiteral("church.tif"));
        const FileRecord twin = fx.file(first, QStringLiteral("twin.tif"));
        const FileRecord fresh = fx.file(first, QStringLiteral("fresh.tif"));

        auto cases = classify(fx, **target, first, s);
        QCOMPARE(cases.size(), 5);
        QCOMPARE(cases[harbour.id].dupCase, DuplicateCase::AlreadyThere);
        QCOMPARE(cases[harbour.id].existingName, QStringLiteral("harbour.tif"));
        QCOMPARE(cases[harbour.id].decision->action, DuplicateAction::Skip); // the rule
        QVERIFY(!cases[harbour.id].decision->rule.isEmpty());
        QCOMPARE(cases[mill.id].dupCase, DuplicateCase::NameTaken);
        QCOMPARE(cases[mill.id].existingSha1, MultiDigest::of(bytes(99)).sha1);
        QCOMPARE(cases[church.id].dupCase, DuplicateCase::New);
        QCOMPARE(cases[twin.id].dupCase, DuplicateCase::InBatch);
        QCOMPARE(cases[twin.id].existingFile, harbour.id);
        QCOMPARE(cases[twin.id].existingName, QStringLiteral("harbour.tif"));
        QCOMPARE(cases[fresh.id].dupCase, DuplicateCase::New);
        QCOMPARE(cases[twin.id].intendedName, QStringLiteral("twin.tif"));

        // The upload is blocked while files wait; a decision for each opens it.
        auto gate = DuplicateGate::load(fx.catalog(), first, spec);
        QVERIFY(gate);
        QCOMPARE(gate->openCount(), 2);
        QVERIFY2(gate->blockedMessage().contains(QStringLiteral("2 file")),
                 qPrintable(gate->blockedMessage()));
        decide(fx.catalog(), first, mill.id, DuplicateAction::Overwrite);
        decide(fx.catalog(), first, twin.id, DuplicateAction::Link);
        // A skip taken back before the upload: the file goes as new.
        decide(fx.catalog(), first, fresh.id, DuplicateAction::Skip);
        DuplicateSolver solver(fx.catalog(), first);
        QCOMPARE(solver.undo({fresh.id}, {}, QStringLiteral("tester"))->decisions.size(), 1);
        QCOMPARE(DuplicateGate::load(fx.catalog(), first, spec)->openCount(), 0);

        auto uploaded = fx.upload(**target, first, s);
        QVERIFY2(uploaded, uploaded ? "" : qPrintable(uploaded.error().message));
        QCOMPARE(uploaded->value(harbour.id).state, TargetState::Skipped);
        QCOMPARE(QFileInfo(archive.filePath(QStringLiteral("harbour.tif"))).lastModified(), harbourWritten);
        QCOMPARE(uploaded->value(mill.id).state, TargetState::Uploaded);
        QCOMPARE(readAll(archive.filePath(QStringLiteral("mill.tif"))), bytes(2));
        QCOMPARE(uploaded->value(church.id).state, TargetState::Uploaded);
        QCOMPARE(readAll(archive.filePath(QStringLiteral("church.tif"))), bytes(3));
        QCOMPARE(uploaded->value(twin.id).state, TargetState::AlreadyThere);
        QCOMPARE(uploaded->value(twin.id).remoteName, QStringLiteral("harbour.tif"));
        QVERIFY(!QFile::exists(archive.filePath(QStringLiteral("twin.tif"))));
        QCOMPARE(uploaded->value(fresh.id).state, TargetState::Uploaded);
        QCOMPARE(readAll(archive.filePath(QStringLiteral("fresh.tif"))), bytes(4));

        // The overwrite was carried out: no undo now. The link was not (nothing sent): still undoable.
        auto late = solver.undo({mill.id, twin.id}, {}, QStringLiteral("tester"));
        QVERIFY(late);
        QCOMPARE(late->decisions.size(), 1);
        QCOMPARE(late->decisions[0].fileId, twin.id);
        QCOMPARE(late->refused.size(), 1);
        QVERIFY(late->refused[0].contains(QStringLiteral("mill.tif")));

        // A second batch repeating a file of the first.
        const qint64 second =
            fx.loadBatch(QStringLiteral("second"),
                         {{QStringLiteral("repeat.tif"), bytes(3)}, {QStringLiteral("other.tif"), bytes(5)}});
        QVERIFY2(second > 0, qPrintable(fx.lastError));
        const FileRecord repeat = fx.file(second, QStringLiteral("repeat.tif"));
        auto later = classify(fx, **target, second, s);
        QCOMPARE(later[repeat.id].dupCase, DuplicateCase::EarlierBatch);
        QCOMPARE(later[repeat.id].existingBatch, first);
        QCOMPARE(later[repeat.id].existingFile, church.id);
        QCOMPARE(later[repeat.id].existingName, QStringLiteral("church.tif"));
        QCOMPARE(later[fx.file(second, QStringLiteral("other.tif")).id].dupCase, DuplicateCase::New);
        // Rename without a name: ours numbered.
        decide(fx.catalog(), second, repeat.id, DuplicateAction::Rename);
        auto again = fx.upload(**target, second, s);
        QVERIFY2(again, again ? "" : qPrintable(again.error().message));
        QCOMPARE(again->value(repeat.id).state, TargetState::Uploaded);
        QCOMPARE(again->value(repeat.id).remoteName, QStringLiteral("repeat (2).tif"));
        QCOMPARE(readAll(archive.filePath(QStringLiteral("repeat (2).tif"))), bytes(3));
        QVERIFY(!QFile::exists(archive.filePath(QStringLiteral("repeat.tif"))));

        // Classified again after the upload: carried-out decisions stand, the rest is what the folder holds.
        auto after = classify(fx, **target, second, s);
        QCOMPARE(after[repeat.id].dupCase, DuplicateCase::EarlierBatch);
        QVERIFY(after[repeat.id].decision->isExecuted());
        QVERIFY(after[repeat.id].decision->execution.contains(QStringLiteral("repeat (2).tif")));
        auto firstAgain = classify(fx, **target, first, s);
        QCOMPARE(firstAgain[church.id].dupCase, DuplicateCase::AlreadyThere);
        QCOMPARE(firstAgain[fresh.id].dupCase, DuplicateCase::AlreadyThere);
        QCOMPARE(firstAgain[mill.id].dupCase, DuplicateCase::NameTaken); // the executed overwrite stands

        // Every decision and classification is a PREMIS event of the file.
        auto events = fx.catalog().events(first, mill.id);
        QVERIFY(events);
        QStringList types;
        for (const EventRecord &e : *events)
            types.append(e.type + u':' + e.agent.section(u' ', -1));
        QVERIFY2(types.contains(QStringLiteral("validation:dedup")), qPrintable(types.join(u',')));
        QVERIFY2(types.contains(QStringLiteral("appraisal:curator:tester")), qPrintable(types.join(u',')));
        QVERIFY2(types.contains(QStringLiteral("transfer:upload")), qPrintable(types.join(u',')));
    }

    void s3Bucket()
    {
        test::PeerServer s3(QStringLiteral("s3rver"));
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        QTemporaryDir dir;
        TargetContext context;
        context.environment = QProcessEnvironment::systemEnvironment();
        context.environment.insert(QStringLiteral("GATEHOUSE_S3_ENDPOINT"),
                                   QStringLiteral("http://127.0.0.1:%1").arg(s3.port()));
        context.environment.insert(QStringLiteral("GATEHOUSE_S3_ADDRESSING"), QStringLiteral("path"));
        context.environment.insert(QStringLiteral("GATEHOUSE_S3_KEYCHAIN"), QStringLiteral("0"));
        context.environment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("S3RVER"));
        context.environment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("S3RVER"));
        context.stagingDir = dir.filePath(QStringLiteral("staging"));
        const QString spec = QStringLiteral("s3://gatehouse-test/archive");
        {
            // Seeded before the run, by another tool: ours under our name, ours under other names, other
            // bytes under our names.
            auto seeder = TargetRegistry::open(spec, TargetOptions(), context);
            QVERIFY(seeder);
            const QList<std::pair<QString, QByteArray>> seeds{
                {QStringLiteral("harbour.tif"), bytes(1)},
                {QStringLiteral("old/fresh-copy.tif"), bytes(4)},
                {QStringLiteral("old/church.tif"), bytes(3)},
                {QStringLiteral("church.tif"), bytes(98)},
                {QStringLiteral("mill.tif"), bytes(99)}};
            for (const auto &[name, content] : seeds) {
                const UploadOutcome o =
                    (*seeder)->upload(seedRequest(dir.filePath(QStringLiteral("seed.bin")), content, name));
                QVERIFY2(o.state == TargetState::Uploaded, qPrintable(o.message));
            }
        }
        test::DedupFixture fx;
        const qint64 batch = fx.loadBatch(QStringLiteral("s3"), {{QStringLiteral("harbour.tif"), bytes(1)},
                                                                 {QStringLiteral("mill.tif"), bytes(2)},
                                                                 {QStringLiteral("church.tif"), bytes(3)},
                                                                 {QStringLiteral("fresh.tif"), bytes(4)},
                                                                 {QStringLiteral("twin.tif"), bytes(4)},
                                                                 {QStringLiteral("new.tif"), bytes(5)}});
        QVERIFY2(batch > 0, qPrintable(fx.lastError));
        auto target = TargetRegistry::open(spec, TargetOptions(), context);
        QVERIFY(target);
        const DedupSettings s = settings(spec);
        auto cases = classify(fx, **target, batch, s);
        auto caseOf = [&](const char *name) { return cases[fx.file(batch, QLatin1String(name)).id]; };
        QCOMPARE(caseOf("harbour.tif").dupCase, DuplicateCase::AlreadyThere);
        QCOMPARE(caseOf("mill.tif").dupCase, DuplicateCase::NameTaken);
        QCOMPARE(caseOf("church.tif").dupCase, DuplicateCase::HashElsewhereNameTaken);
        QCOMPARE(caseOf("church.tif").existingName, QStringLiteral("old/church.tif"));
        QCOMPARE(caseOf("fresh.tif").dupCase, DuplicateCase::HashElsewhere);
        QCOMPARE(caseOf("fresh.tif").existingName, QStringLiteral("old/fresh-copy.tif"));
        QCOMPARE(caseOf("twin.tif").dupCase, DuplicateCase::InBatch);
        QCOMPARE(caseOf("new.tif").dupCase, DuplicateCase::New);
        // Move is for wikis only.
        QVERIFY(!DuplicateSolver::refusal(caseOf("fresh.tif"), DuplicateAction::Move).isEmpty());

        decide(fx.catalog(), batch, caseOf("mill.tif").fileId, DuplicateAction::Skip);
        decide(fx.catalog(), batch, caseOf("church.tif").fileId, DuplicateAction::Rename,
               QStringLiteral("church-2024.tif"));
        decide(fx.catalog(), batch, caseOf("fresh.tif").fileId, DuplicateAction::Upload);
        decide(fx.catalog(), batch, caseOf("twin.tif").fileId, DuplicateAction::HandFix);
        auto uploaded = fx.upload(**target, batch, s);
        QVERIFY2(uploaded, uploaded ? "" : qPrintable(uploaded.error().message));
        QCOMPARE(uploaded->value(caseOf("mill.tif").fileId).state, TargetState::Skipped);
        QCOMPARE(uploaded->value(caseOf("church.tif").fileId).state, TargetState::Uploaded);
        QCOMPARE(uploaded->value(caseOf("fresh.tif").fileId).state, TargetState::Uploaded);
        QCOMPARE(uploaded->value(caseOf("twin.tif").fileId).state, TargetState::Skipped);
        QCOMPARE(uploaded->value(caseOf("new.tif").fileId).state, TargetState::Uploaded);

        // What the server holds afterwards, asked by a fresh target.
        auto check = TargetRegistry::open(spec, TargetOptions(), context);
        QVERIFY(check);
        auto held =
            (*check)->lookup({LookupQuery{QStringLiteral("mill.tif"), MultiDigest::of(bytes(99)), -1},
                              LookupQuery{QStringLiteral("church-2024.tif"), MultiDigest::of(bytes(3)), -1},
                              LookupQuery{QStringLiteral("church.tif"), MultiDigest::of(bytes(98)), -1},
                              LookupQuery{QStringLiteral("fresh.tif"), MultiDigest::of(bytes(4)), -1},
                              LookupQuery{QStringLiteral("twin.tif"), MultiDigest::of(bytes(4)), -1}});
        QVERIFY2(held, held ? "" : qPrintable(held.error().message));
        QVERIFY(held->at(0).alreadyThere(MultiDigest::of(bytes(99)))); // skipped: untouched
        QVERIFY(held->at(1).alreadyThere(MultiDigest::of(bytes(3))));  // renamed
        QVERIFY(held->at(2).alreadyThere(MultiDigest::of(bytes(98)))); // not overwritten
        QVERIFY(held->at(3).alreadyThere(MultiDigest::of(bytes(4))));  // forced
        QVERIFY(!held->at(4).named);                                   // on the hand-fix list
    }
};

QTEST_GUILESS_MAIN(tst_DedupKeyTargets)
#include "tst_dedupkeytargets.moc"
