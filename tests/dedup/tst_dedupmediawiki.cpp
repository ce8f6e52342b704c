// Duplicates against a real MediaWiki 1.39 (tests/peers/mediawiki.sh), seeded before the run through its API
// with: our bytes under our name, our bytes under another name, other bytes under our name, our bytes under
// another name while other bytes hold ours, and a file with our bytes deleted for copyright; plus a batch
// with the same pictures twice and a second batch repeating a file of the first. Classification, decisions
// and reports go through the real CLI (so every decision survives into another process), and so does the
// upload (gatehouse-cli upload: the upload stage with the duplicates' gate): a file waiting for a decision is
// held back and the CLI exits 1, each decision is carried out once (a rerun sends nothing twice); what each
// action did is then read back through the API.
// The wiki is searched for our bytes either by listing every file it holds or with one search per SHA-1:
// both classify a batch alike, within the request budget (one per file plus one per 50 titles), counted in
// the wiki's own server log.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include "catalog/duplicatebook.h"
#include "dedup/duplicateclassifier.h"
#include "dedupfixture.h"
#include "digest/multidigest.h"
#include "noiseimage.h"
#include "peerserver.h"
#include "targets/mediawiki/mediawikitarget.h"
#include "targets/targetregistry.h"

using namespace gh;

namespace {

//! A PNG of noise: unique bytes for \a seed.
QByteArray png(quint32 seed, int side = 48)
{
    return test::noisePng(side, seed);
}

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

class tst_DedupMediaWiki : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::PeerServer> m_wiki;
    test::DedupFixture m_fx;
    QString m_spec;
    QString m_ini;

    TargetOptions options() const
    {
        TargetOptions o;
        o.user = readText(m_wiki->dir() + u"/bot_user");
        o.password = readText(m_wiki->dir() + u"/bot_password");
        o.contact = QStringLiteral("mailto:tests@gatehouse.invalid");
        return o;
    }

    std::unique_ptr<MediaWikiTarget> open() const
    {
        TargetContext context;
        context.environment = QProcessEnvironment();
        context.stagingDir = m_fx.workspace.file(QStringLiteral("staging"));
        auto opened = TargetRegistry::open(m_spec, options(), context);
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        return std::unique_ptr<MediaWikiTarget>(static_cast<MediaWikiTarget *>(opened->release()));
    }

    void seed(MediaWikiTarget &wiki, const QString &name, const QByteArray &bytes)
    {
        const QString path = m_fx.workspace.file(QStringLiteral("seeds/") + name);
        test::writeFile(path, bytes);
        UploadRequest r;
        r.fileId = 1;
        r.label = name;
        r.name = name;
        r.source.localPath = path;
        r.source.size = bytes.size();
        r.source.digests = MultiDigest::of(bytes);
        r.source.mimetype = QStringLiteral("image/png");
        r.pageText = QStringLiteral("Seeded by tst_dedupmediawiki.");
        r.summary = QStringLiteral("seed");
        r.ignoreWarnings = true;
        const UploadOutcome o = wiki.upload(r);
        QVERIFY2(o.state == TargetState::Uploaded, qPrintable(name + u": " + o.message));
    }

    test::CliResult cli(const QStringList &arguments)
    {
        return m_fx.workspace.cli(arguments + QStringList{QStringLiteral("--config"), m_ini}, 300000);
    }

    //! What the wiki holds under \a name now, asked by a fresh target (no cache).
    std::optional<RemoteObject> onWiki(const QString &name)
    {
        auto wiki = open();
        auto found = wiki->lookup({LookupQuery{name, {}, -1}}, {});
        if (!found)
            qFatal("%s", qPrintable(found.error().message));
        return found->first().named;
    }

    //! How many versions File:\a name has.
    int versions(const QString &name)
    {
        auto wiki = open();
        ApiCall call;
        call.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                       {QStringLiteral("prop"), QStringLiteral("imageinfo")},
                       {QStringLiteral("iiprop"), QStringLiteral("sha1")},
                       {QStringLiteral("iilimit"), QStringLiteral("10")},
                       {QStringLiteral("titles"), QStringLiteral("File:") + name}};
        auto answer = wiki->client().read(call);
        if (!answer)
            return -1;
        const QJsonArray pages =
            answer->json.value(QStringLiteral("query")).toObject().value(QStringLiteral("pages")).toArray();
        return pages.isEmpty()
                   ? 0
                   : int(pages.first().toObject().value(QStringLiteral("imageinfo")).toArray().size());
    }

    //! The case rows of \a batch by file name, as the catalog holds them.
    QHash<QString, DuplicateRecord> cases(qint64 batch)
    {
        DuplicateBook book(m_fx.catalog());
        DuplicateCaseQuery query;
        query.limit = 0;
        QHash<QString, DuplicateRecord> byName;
        const auto records = book.cases(batch, query);
        if (!records)
            qFatal("%s", qPrintable(records.error().message));
        for (const DuplicateRecord &r : *records) {
            auto file = m_fx.catalog().file(r.fileId);
            byName.insert(file->name, r);
        }
        return byName;
    }

    //! API requests the wiki has served so far (php -S logs one line for each, once it is answered).
    int servedRequests() const
    {
        int count = -1;
        for (int stable = 0; stable < 3;) {
            // The line is written after the answer goes out: wait until the count stops moving.
            const QString log = readText(m_wiki->dir() + u"/logs/server.log");
            static const QRegularExpression request(QStringLiteral("\\]: (GET|POST) /api\\.php"));
            const int now = int(log.count(request));
            stable = now == count ? stable + 1 : 0;
            count = now;
            QTest::qWait(100);
        }
        return count;
    }

    struct Classified
    {
        QMap<QString, QString> byFile; //!< File name → its case, names, flags and details, as JSON text.
        int requests = 0;
        bool listed = false;
    };

    //! Classifies \a batch of \a fx against the wiki with a fresh target searching as \a how.
    Classified classifyWith(test::DedupFixture &fx, qint64 batch, MediaWikiTarget::ContentSearch how,
                            bool deleted)
    {
        Classified out;
        auto wiki = open();
        DedupSettings settings;
        settings.upload.titleTemplate = QStringLiteral("{identifier}{ext}");
        settings.route = *TargetRoute::make(m_spec);
        settings.lookUpDeleted = deleted;
        settings.wikiSearch = how;
        settings.workDir = fx.workspace.file(QStringLiteral("work"));
        const int before = servedRequests();
        DuplicateClassifier classifier(fx.catalog(), fx.store(), *wiki, batch, settings);
        if (Status s = classifier.run(); !s)
            qFatal("%s", qPrintable(s.error().message));
        out.requests = servedRequests() - before;
        out.listed = wiki->hasListing();
        DuplicateBook book(fx.catalog());
        DuplicateCaseQuery query;
        query.limit = 0;
        const auto records = book.cases(batch, query);
        if (!records)
            qFatal("%s", qPrintable(records.error().message));
        for (const DuplicateRecord &r : *records) {
            const QJsonObject row{{QStringLiteral("case"), DuplicateInfo::key(r.dupCase)},
                                  {QStringLiteral("intended"), r.intendedName},
                                  {QStringLiteral("existing"), r.existingName},
                                  {QStringLiteral("existing_sha1"), r.existingSha1},
                                  {QStringLiteral("deleted_before"), r.deletedBefore},
                                  {QStringLiteral("for_copyright"), r.deletedForCopyright},
                                  {QStringLiteral("needs_decision"), r.needsDecision},
                                  {QStringLiteral("details"), r.details}};
            out.byFile.insert(fx.catalog().file(r.fileId)->name,
                              QString::fromUtf8(QJsonDocument(row).toJson(QJsonDocument::Compact)));
        }
        return out;
    }

    qint64 m_first = 0;
    qint64 m_second = 0;

private slots:
    void initTestCase()
    {
        m_wiki = std::make_unique<test::PeerServer>(QStringLiteral("mediawiki"));
        QVERIFY2(m_wiki->isRunning(), qPrintable(m_wiki->error()));
        m_spec = QStringLiteral("mediawiki:%1/api.php").arg(m_wiki->baseUrl());
        m_ini = m_fx.workspace.file(QStringLiteral("gatehouse.ini"));
        test::writeFile(m_ini,
                        QStringLiteral("[mediawiki]\nuser=%1\npassword=%2\n\n[dedup]\nalready-there=skip\n")
                            .arg(options().user, options().password)
                            .toUtf8());

        auto wiki = open();
        seed(*wiki, QStringLiteral("Harbour.png"), png(1));        // ours under our name
        seed(*wiki, QStringLiteral("Old mill photo.png"), png(2)); // ours under another name
        seed(*wiki, QStringLiteral("Church.png"), png(90));        // other bytes under our name
        seed(*wiki, QStringLiteral("Tower.png"), png(91));         // other bytes under our name …
        seed(*wiki, QStringLiteral("Tower 1900.png"), png(5));     // … and ours under another
        seed(*wiki, QStringLiteral("Lake old.png"), png(4));       // ours, then deleted for copyright
        QVERIFY(wiki->remove(QStringLiteral("Lake old.png"),
                             QStringLiteral("Copyright violation: no permission")));

        m_first = m_fx.loadBatch(QStringLiteral("first"), {{QStringLiteral("harbour.png"), png(1)},
                                                           {QStringLiteral("mill.png"), png(2)},
                                                           {QStringLiteral("church.png"), png(3)},
                                                           {QStringLiteral("lake.png"), png(4)},
                                                           {QStringLiteral("tower.png"), png(5)},
                                                           {QStringLiteral("bridge.png"), png(6)},
                                                           {QStringLiteral("bridge_copy.png"), png(6)},
                                                           {QStringLiteral("gate.png"), png(7)},
                                                           {QStringLiteral("gate_copy.png"), png(7)},
                                                           {QStringLiteral("fresh.png"), png(8)}});
        QVERIFY2(m_first > 0, qPrintable(m_fx.lastError));
        m_second = m_fx.loadBatch(QStringLiteral("second"), {{QStringLiteral("repeat.png"), png(8)},
                                                             {QStringLiteral("meadow.png"), png(9)}});
        QVERIFY2(m_second > 0, qPrintable(m_fx.lastError));
    }

    void cleanupTestCase() { m_wiki.reset(); }

    void everyFileInItsCase()
    {
        const test::CliResult r = cli({QStringLiteral("dedup"), QString::number(m_first),
                                       QStringLiteral("--target"), m_spec, QStringLiteral("--title-template"),
                                       QStringLiteral("{identifier}{ext}"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 1, r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(QStringLiteral("files")).toInt(), 10);
        QCOMPARE(summary.value(QStringLiteral("deleted_before")).toInt(), 1);

        auto c = cases(m_first);
        QCOMPARE(c[QStringLiteral("harbour.png")].dupCase, DuplicateCase::AlreadyThere);
        QCOMPARE(c[QStringLiteral("harbour.png")].decision->action,
                 DuplicateAction::Skip); // the settings' rule
        QCOMPARE(c[QStringLiteral("mill.png")].dupCase, DuplicateCase::HashElsewhere);
        QCOMPARE(c[QStringLiteral("mill.png")].existingName, QStringLiteral("Old mill photo.png"));
        QCOMPARE(c[QStringLiteral("mill.png")].intendedName, QStringLiteral("Mill.png"));
        const QJsonObject there = c[QStringLiteral("mill.png")]
                                      .details.value(QStringLiteral("elsewhere"))
                                      .toArray()
                                      .first()
                                      .toObject();
        // What the curator sees of theirs: name, size, date, uploader, URLs.
        QCOMPARE(there.value(QStringLiteral("uploader")).toString(), QStringLiteral("Admin"));
        QCOMPARE(there.value(QStringLiteral("size")).toInteger(), png(2).size());
        QVERIFY(there.value(QStringLiteral("url")).toString().startsWith(m_wiki->baseUrl()));
        QVERIFY(there.value(QStringLiteral("page_url"))
                    .toString()
                    .contains(QStringLiteral("Old_mill_photo.png")));
        QVERIFY(!there.value(QStringLiteral("uploaded")).toString().isEmpty());
        QCOMPARE(c[QStringLiteral("church.png")].dupCase, DuplicateCase::NameTaken);
        QCOMPARE(c[QStringLiteral("church.png")].existingSha1, MultiDigest::of(png(90)).sha1);
        QCOMPARE(c[QStringLiteral("tower.png")].dupCase, DuplicateCase::HashElsewhereNameTaken);
        QCOMPARE(c[QStringLiteral("tower.png")].existingName, QStringLiteral("Tower 1900.png"));
        QCOMPARE(c[QStringLiteral("lake.png")].dupCase, DuplicateCase::New);
        QVERIFY(c[QStringLiteral("lake.png")].deletedBefore);
        QVERIFY(c[QStringLiteral("lake.png")].deletedForCopyright);
        QVERIFY(c[QStringLiteral("lake.png")].needsDecision);
        QCOMPARE(c[QStringLiteral("bridge.png")].dupCase, DuplicateCase::New);
        QVERIFY(!c[QStringLiteral("bridge.png")].needsDecision);
        QCOMPARE(c[QStringLiteral("bridge_copy.png")].dupCase, DuplicateCase::InBatch);
        QCOMPARE(c[QStringLiteral("bridge_copy.png")].existingName, QStringLiteral("Bridge.png"));
        QCOMPARE(c[QStringLiteral("gate_copy.png")].dupCase, DuplicateCase::InBatch);
        QCOMPARE(c[QStringLiteral("fresh.png")].dupCase, DuplicateCase::New);

        // files --json carries the binding object.
        QHash<QString, QJsonObject> files;
        for (const QJsonObject &o : jsonLines(
                 cli({QStringLiteral("files"), QString::number(m_first), QStringLiteral("--json")}).out))
            files.insert(o.value(QStringLiteral("name")).toString(),
                         o.value(QStringLiteral("duplicate")).toObject());
        QCOMPARE(files[QStringLiteral("mill.png")].value(QStringLiteral("case")).toString(),
                 QStringLiteral("hash-elsewhere"));
        QCOMPARE(files[QStringLiteral("mill.png")].value(QStringLiteral("existing")).toString(),
                 QStringLiteral("Old mill photo.png"));
        QCOMPARE(files[QStringLiteral("harbour.png")].value(QStringLiteral("decision")).toString(),
                 QStringLiteral("skip"));
    }

    void listingAndSearchesClassifyAlike()
    {
        // The first batch's pictures and 50 the wiki has never seen, in a catalog of their own (no earlier
        // batch), against the wiki as seeded.
        test::DedupFixture fx;
        QList<std::pair<QString, QByteArray>> files{
            {QStringLiteral("harbour.png"), png(1)},    {QStringLiteral("mill.png"), png(2)},
            {QStringLiteral("church.png"), png(3)},     {QStringLiteral("lake.png"), png(4)},
            {QStringLiteral("tower.png"), png(5)},      {QStringLiteral("bridge.png"), png(6)},
            {QStringLiteral("bridge_copy.png"), png(6)}};
        for (int i = 0; i < 50; ++i)
            files.append({QStringLiteral("new-%1.png").arg(i, 2, 10, QLatin1Char('0')), png(1000 + i)});
        const qint64 batch = fx.loadBatch(QStringLiteral("alike"), files);
        QVERIFY2(batch > 0, qPrintable(fx.lastError));
        const int budget = int(files.size() + (files.size() + 49) / 50);

        using Search = MediaWikiTarget::ContentSearch;
        for (const bool deleted : {false, true}) {
            const Classified searched = classifyWith(fx, batch, Search::PerHash, deleted);
            const Classified listed = classifyWith(fx, batch, Search::List, deleted);
            const Classified chosen = classifyWith(fx, batch, Search::Auto, deleted);
            QVERIFY(!searched.listed);
            QVERIFY(listed.listed);
            // A wiki of a handful of files is listed in one request rather than searched 55 times.
            QVERIFY(chosen.listed);
            QCOMPARE(searched.byFile.size(), files.size());
            QCOMPARE(listed.byFile, searched.byFile);
            QCOMPARE(chosen.byFile, searched.byFile);

            const QJsonObject mill =
                QJsonDocument::fromJson(listed.byFile.value(QStringLiteral("mill.png")).toUtf8()).object();
            QCOMPARE(mill.value(QStringLiteral("case")).toString(), QStringLiteral("hash-elsewhere"));
            QCOMPARE(mill.value(QStringLiteral("existing")).toString(), QStringLiteral("Old mill photo.png"));
            const QJsonObject tower =
                QJsonDocument::fromJson(listed.byFile.value(QStringLiteral("tower.png")).toUtf8()).object();
            QCOMPARE(tower.value(QStringLiteral("case")).toString(),
                     QStringLiteral("hash-elsewhere-name-taken"));
            const QJsonObject lake =
                QJsonDocument::fromJson(listed.byFile.value(QStringLiteral("lake.png")).toUtf8()).object();
            QCOMPARE(lake.value(QStringLiteral("deleted_before")).toBool(), deleted);

            if (!deleted) {
                // The budget: one request per file plus one per 50 titles. Searching: 2 title requests and
                // 55 SHA-1s (harbour.png's bytes are under its name, bridge_copy.png's are bridge.png's);
                // listing: 2 title requests, the wiki's size, one page of files.
                QVERIFY2(searched.requests <= budget, qPrintable(QString::number(searched.requests)));
                QCOMPARE(searched.requests, 2 + 55);
                QCOMPARE(listed.requests, 2 + 1 + 1);
                QCOMPARE(chosen.requests, listed.requests);
            }
        }
    }

    void decisionsThroughTheCli()
    {
        auto decide = [&](const QStringList &arguments) {
            const test::CliResult r =
                cli(QStringList{QStringLiteral("decide"), QString::number(m_first)} + arguments);
            return r.exitCode == 0 ? QString() : QString::fromUtf8(r.err);
        };
        auto id = [&](const char *name) {
            return QString::number(m_fx.file(m_first, QLatin1String(name)).id);
        };
        QCOMPARE(decide({QStringLiteral("--file"), id("mill.png"), QStringLiteral("--action"),
                         QStringLiteral("move"), QStringLiteral("--note"),
                         QStringLiteral("our title is the catalogue's")}),
                 QString());
        QCOMPARE(decide({QStringLiteral("--file"), id("church.png"), QStringLiteral("--action"),
                         QStringLiteral("overwrite")}),
                 QString());
        QCOMPARE(
            decide({QStringLiteral("--file"), id("tower.png"), QStringLiteral("--action"),
                    QStringLiteral("rename"), QStringLiteral("--name"), QStringLiteral("Tower (ours).png")}),
            QString());
        QCOMPARE(decide({QStringLiteral("--file"), id("lake.png"), QStringLiteral("--action"),
                         QStringLiteral("upload"), QStringLiteral("--note"),
                         QStringLiteral("permission received since")}),
                 QString());
        // Apply to all: every in-batch file is linked to its first; then one of them is taken back and put on
        // the hand-fix list instead.
        QCOMPARE(decide({QStringLiteral("--case"), QStringLiteral("in-batch"), QStringLiteral("--action"),
                         QStringLiteral("link")}),
                 QString());
        QCOMPARE(decide({QStringLiteral("--file"), id("gate_copy.png"), QStringLiteral("--undo")}),
                 QString());
        QCOMPARE(decide({QStringLiteral("--file"), id("gate_copy.png"), QStringLiteral("--action"),
                         QStringLiteral("hand-fix"), QStringLiteral("--note"),
                         QStringLiteral("two scans of one print: pick on the wiki")}),
                 QString());
        // Move is refused where it makes no sense.
        QVERIFY(!decide({QStringLiteral("--file"), id("church.png"), QStringLiteral("--action"),
                         QStringLiteral("move")})
                     .isEmpty());

        const test::CliResult done =
            cli({QStringLiteral("dedup"), QString::number(m_first), QStringLiteral("--target"), m_spec,
                 QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}"),
                 QStringLiteral("--json")});
        QCOMPARE(done.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(done.out).object().value(QStringLiteral("needs_decision")).toInt(),
                 0);

        const test::CliResult handFix = cli({QStringLiteral("report"), QString::number(m_first),
                                             QStringLiteral("--format"), QStringLiteral("hand-fix")});
        QCOMPARE(handFix.exitCode, 0);
        const QList<QJsonObject> lines = jsonLines(handFix.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].value(QStringLiteral("file")).toString(), QStringLiteral("gate_copy.png"));
        QCOMPARE(lines[0].value(QStringLiteral("intended_name")).toString(), QStringLiteral("Gate copy.png"));
        QCOMPARE(lines[0].value(QStringLiteral("existing_name")).toString(), QStringLiteral("Gate.png"));
        QCOMPARE(lines[0].value(QStringLiteral("reason")).toString(),
                 QStringLiteral("two scans of one print: pick on the wiki"));
        QCOMPARE(lines[0].value(QStringLiteral("sha1")).toString(), MultiDigest::of(png(7)).sha1);
    }

    void uploadDoesWhatWasDecided()
    {
        // The real upload: gatehouse-cli upload, with the decisions made through the CLI before.
        const auto uploaded = m_fx.upload(m_first, m_spec, QStringLiteral("{identifier}{ext}"),
                                          {QStringLiteral("--config"), m_ini});
        QVERIFY2(uploaded.cli.exitCode == 0, uploaded.cli.err.constData());
        auto state = [&](const char *name) {
            return uploaded.value(m_fx.file(m_first, QLatin1String(name)).id);
        };
        QCOMPARE(state("harbour.png").state, TargetState::Skipped);
        QCOMPARE(state("mill.png").state, TargetState::AlreadyThere);
        QCOMPARE(state("church.png").state, TargetState::Uploaded);
        QCOMPARE(state("tower.png").state, TargetState::Uploaded);
        QCOMPARE(state("tower.png").remoteName, QStringLiteral("Tower (ours).png"));
        QCOMPARE(state("lake.png").state, TargetState::Uploaded);
        QCOMPARE(state("bridge.png").state, TargetState::Uploaded);
        QCOMPARE(state("bridge_copy.png").state, TargetState::AlreadyThere);
        QCOMPARE(state("gate_copy.png").state, TargetState::Skipped);
        QCOMPARE(state("fresh.png").state, TargetState::Uploaded);

        // What the wiki says now, through its API.
        QCOMPARE(onWiki(QStringLiteral("Mill.png"))->sha1, MultiDigest::of(png(2)).sha1); // moved
        auto moved = open()->lookup({LookupQuery{{}, MultiDigest::of(png(2)), -1}}, {});
        QCOMPARE(moved->first().sameBytes.size(), 1);
        QCOMPARE(moved->first().sameBytes.first().name, QStringLiteral("Mill.png"));
        QCOMPARE(onWiki(QStringLiteral("Church.png"))->sha1, MultiDigest::of(png(3)).sha1); // overwritten
        QCOMPARE(versions(QStringLiteral("Church.png")), 2);
        QCOMPARE(onWiki(QStringLiteral("Tower (ours).png"))->sha1, MultiDigest::of(png(5)).sha1); // renamed
        QCOMPARE(onWiki(QStringLiteral("Tower.png"))->sha1, MultiDigest::of(png(91)).sha1);       // untouched
        QCOMPARE(onWiki(QStringLiteral("Lake.png"))->sha1, MultiDigest::of(png(4)).sha1);         // forced
        QCOMPARE(versions(QStringLiteral("Harbour.png")), 1);                                     // skipped
        QVERIFY(!onWiki(QStringLiteral("Bridge copy.png")));                                      // linked
        QVERIFY(!onWiki(QStringLiteral("Gate copy.png")));                                        // hand-fix
        QCOMPARE(onWiki(QStringLiteral("Gate.png"))->sha1, MultiDigest::of(png(7)).sha1);
        QCOMPARE(state("mill.png").remoteName, QStringLiteral("Mill.png"));
        QCOMPARE(state("bridge_copy.png").remoteName, QStringLiteral("Bridge.png"));

        // A second run sends nothing twice: every decision was carried out once.
        const auto rerun = m_fx.upload(m_first, m_spec, QStringLiteral("{identifier}{ext}"),
                                       {QStringLiteral("--config"), m_ini});
        QVERIFY2(rerun.cli.exitCode == 0, rerun.cli.err.constData());
        QCOMPARE(versions(QStringLiteral("Church.png")), 2);
        QCOMPARE(versions(QStringLiteral("Tower (ours).png")), 1);
        QCOMPARE(versions(QStringLiteral("Lake.png")), 1);
        QCOMPARE(versions(QStringLiteral("Fresh.png")), 1);
        QCOMPARE(versions(QStringLiteral("Mill.png")), 1);

        // Carried out: no undo. Still undoable: the link and the hand-fix, which sent nothing.
        const test::CliResult late = cli(
            {QStringLiteral("decide"), QString::number(m_first), QStringLiteral("--file"),
             QString::number(m_fx.file(m_first, QStringLiteral("church.png")).id), QStringLiteral("--undo")});
        QCOMPARE(late.exitCode, 1);
        QVERIFY2(late.err.contains("Church.png"), late.err.constData());

        // The move left a PREMIS filename change event with the wiki's names.
        bool sawMove = false;
        const auto events = m_fx.catalog().events(m_first, m_fx.file(m_first, QStringLiteral("mill.png")).id);
        QVERIFY(events);
        for (const EventRecord &e : *events)
            sawMove = sawMove || (e.type == u"filename change" &&
                                  e.detail.contains(QStringLiteral("Old mill photo.png")));
        QVERIFY(sawMove);
    }

    void secondBatchRepeatsTheFirst()
    {
        const test::CliResult r = cli({QStringLiteral("dedup"), QString::number(m_second),
                                       QStringLiteral("--target"), m_spec, QStringLiteral("--title-template"),
                                       QStringLiteral("{identifier}{ext}"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        auto c = cases(m_second);
        QCOMPARE(c[QStringLiteral("repeat.png")].dupCase, DuplicateCase::EarlierBatch);
        QCOMPARE(c[QStringLiteral("repeat.png")].existingBatch, m_first);
        QCOMPARE(c[QStringLiteral("repeat.png")].existingFile,
                 m_fx.file(m_first, QStringLiteral("fresh.png")).id);
        // The earlier batch's copy is on the wiki by now: its name there.
        QCOMPARE(c[QStringLiteral("repeat.png")].existingName, QStringLiteral("Fresh.png"));
        QCOMPARE(c[QStringLiteral("meadow.png")].dupCase, DuplicateCase::New);
        const qint64 repeat = m_fx.file(m_second, QStringLiteral("repeat.png")).id;

        // Uploaded while repeat.png waits for a decision: the batch's upload stays blocked (nothing sent,
        // meadow.png neither), and the CLI exits 1 saying why.
        const auto held = m_fx.upload(m_second, m_spec, QStringLiteral("{identifier}{ext}"),
                                      {QStringLiteral("--config"), m_ini});
        QCOMPARE(held.cli.exitCode, 1);
        QVERIFY2(held.cli.err.contains("1 file of batch") && held.cli.err.contains("duplicate decision"),
                 held.cli.err.constData());
        QCOMPARE(held.value(repeat).state, TargetState::NeedsDecision);
        QCOMPARE(held.value(m_fx.file(m_second, QStringLiteral("meadow.png")).id).state,
                 TargetState::NeedsDecision);
        QVERIFY(!onWiki(QStringLiteral("Repeat.png")));
        QVERIFY(!onWiki(QStringLiteral("Meadow.png")));

        QCOMPARE(cli({QStringLiteral("decide"), QString::number(m_second), QStringLiteral("--case"),
                      QStringLiteral("earlier-batch"), QStringLiteral("--action"), QStringLiteral("skip")})
                     .exitCode,
                 0);
        const auto uploaded = m_fx.upload(m_second, m_spec, QStringLiteral("{identifier}{ext}"),
                                          {QStringLiteral("--config"), m_ini});
        QVERIFY2(uploaded.cli.exitCode == 0, uploaded.cli.err.constData());
        QCOMPARE(uploaded.value(repeat).state, TargetState::Skipped);
        QCOMPARE(uploaded.value(m_fx.file(m_second, QStringLiteral("meadow.png")).id).state,
                 TargetState::Uploaded);
        QVERIFY(!onWiki(QStringLiteral("Repeat.png")));
        QCOMPARE(onWiki(QStringLiteral("Meadow.png"))->sha1, MultiDigest::of(png(9)).sha1);
        QCOMPARE(versions(QStringLiteral("Meadow.png")), 1);
    }
};

QTEST_GUILESS_MAIN(tst_DedupMediaWiki)
#include "tst_dedupmediawiki.moc"
