// The duplicates commands as a user runs them: fetch's duplicates stage against the catalog alone, dedup
// (counts per case, exit 1 while a decision is open, 0 after), decide (by file and by case, with a note,
// undo), files --json's "duplicate" object, the hand-fix report's JSON lines, the _SUMMARY's duplicates
// section, decisions surviving from one process to the next, and clear refusals of hostile input (unknown
// actions and cases, files of no case, a name for many files, no target, a batch never classified) that
// change nothing. Then the upload as a user runs it (upload, run --target) against a local archive: a file
// waiting for a decision is held back (nothing sent for it, exit 1, the reason on stderr), each decision is
// carried out (skip, overwrite, rename by name and numbered, link), a rerun sends nothing twice, and an
// upload killed with SIGKILL and run again leaves each decided file once under its decided name.

#include <csignal>

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "catalog/catalog.h"
#include "review/shippedstages.h"
#include "targets/handover.h"
#include "targets/targetoptions.h"
#include "targets/uploadplan.h"
#include "testsupport.h"

using namespace gh;

namespace {

QByteArray bytes(quint64 seed)
{
    return test::pseudoRandomBytes(5000 + qint64(seed), seed);
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

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

//! The files under \a dir (relative paths, sorted) with their modification times.
QMap<QString, QDateTime> filesUnder(const QString &dir)
{
    QMap<QString, QDateTime> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(QDir(dir).relativeFilePath(path), QFileInfo(path).lastModified());
    }
    return files;
}

/*!
    A workspace with one batch loaded and fetched from \a files (name → bytes), and an archive folder
    seeded with \a seeds (name → bytes) behind Gatehouse's back.
*/
struct Archive
{
    test::Workspace ws;
    QTemporaryDir dir;
    QString spec;
    QHash<QString, QString> ids; // file name → id

    Archive(const QList<std::pair<QString, QByteArray>> &files,
            const QList<std::pair<QString, QByteArray>> &seeds)
    {
        for (const auto &[name, content] : files)
            test::writeFile(ws.file(QStringLiteral("src/") + name), content);
        for (const auto &[name, content] : seeds)
            test::writeFile(dir.filePath(name), content);
        spec = QStringLiteral("local:") + dir.path();
    }

    test::CliResult cli(const QStringList &arguments) { return ws.cli(arguments, 600000); }

    //! Loads and fetches the source folder (the duplicates stage runs with fetch, against the catalog).
    bool fetch()
    {
        const test::CliResult load =
            cli({QStringLiteral("load"), ws.file(QStringLiteral("src")), QStringLiteral("--json")});
        if (load.exitCode != 0 || cli({QStringLiteral("fetch"), QStringLiteral("1")}).exitCode != 0)
            return false;
        readIds();
        return true;
    }

    void readIds()
    {
        for (const QJsonObject &o :
             jsonLines(cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out))
            ids.insert(o.value(QStringLiteral("name")).toString(),
                       QString::number(o.value(QStringLiteral("id")).toInteger()));
    }

    test::CliResult dedup()
    {
        return cli({QStringLiteral("dedup"), QStringLiteral("1"), QStringLiteral("--target"), spec,
                    QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}"),
                    QStringLiteral("--quiet")});
    }

    int decide(const QString &file, const QString &action, const QString &name = {})
    {
        QStringList arguments{QStringLiteral("decide"), QStringLiteral("1"),        QStringLiteral("--file"),
                              ids.value(file),          QStringLiteral("--action"), action};
        if (!name.isEmpty())
            arguments += {QStringLiteral("--name"), name};
        return cli(arguments).exitCode;
    }

    QStringList uploadArguments() const
    {
        return {QStringLiteral("upload"),           QStringLiteral("1"),
                QStringLiteral("--target"),         spec,
                QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}")};
    }
    test::CliResult upload() { return cli(uploadArguments()); }

    //! Each file's row for the archive (files --json "targets"), by file name.
    QHash<QString, QJsonObject> rows()
    {
        QHash<QString, QJsonObject> byName;
        for (const QJsonObject &o :
             jsonLines(cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out)) {
            const QJsonArray targets = o.value(QStringLiteral("targets")).toArray();
            byName.insert(o.value(QStringLiteral("name")).toString(),
                          targets.isEmpty() ? QJsonObject() : targets.first().toObject());
        }
        return byName;
    }
};

QString stateOf(const QJsonObject &row)
{
    return row.value(QStringLiteral("state")).toString();
}

} // namespace

class tst_DedupCli : public QObject
{
    Q_OBJECT

    test::Workspace m_ws;
    QTemporaryDir m_archive;
    QString m_spec;
    QString m_batch;
    QHash<QString, qint64> m_ids; // by file name

    test::CliResult cli(const QStringList &arguments) { return m_ws.cli(arguments); }

    QJsonObject dedupJson()
    {
        const test::CliResult r =
            cli({QStringLiteral("dedup"), m_batch, QStringLiteral("--target"), m_spec,
                 QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}"),
                 QStringLiteral("--json"), QStringLiteral("--quiet")});
        lastExit = r.exitCode;
        return QJsonDocument::fromJson(r.out).object();
    }
    int lastExit = -1;

    QHash<qint64, QJsonObject> files()
    {
        const test::CliResult r = cli({QStringLiteral("files"), m_batch, QStringLiteral("--json")});
        QHash<qint64, QJsonObject> byId;
        for (const QJsonObject &o : jsonLines(r.out))
            byId.insert(o.value(QStringLiteral("id")).toInteger(), o);
        return byId;
    }

private slots:
    void initTestCase()
    {
        const QString src = m_ws.file(QStringLiteral("src"));
        test::writeFile(src + QStringLiteral("/harbour.tif"), bytes(1));
        test::writeFile(src + QStringLiteral("/mill.tif"), bytes(2));
        test::writeFile(src + QStringLiteral("/church.tif"), bytes(3));
        test::writeFile(src + QStringLiteral("/twin.tif"), bytes(1));
        test::writeFile(src + QStringLiteral("/lake.tif"), bytes(4));
        test::writeFile(src + QStringLiteral("/tower.tif"), bytes(5));
        const test::CliResult load = cli({QStringLiteral("load"), src, QStringLiteral("--json")});
        QCOMPARE(load.exitCode, 0);
        m_batch = QString::number(
            QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger());
        QCOMPARE(cli({QStringLiteral("fetch"), m_batch}).exitCode, 0);
        for (const QJsonObject &o :
             jsonLines(cli({QStringLiteral("files"), m_batch, QStringLiteral("--json")}).out))
            m_ids.insert(o.value(QStringLiteral("name")).toString(),
                         o.value(QStringLiteral("id")).toInteger());
        QCOMPARE(m_ids.size(), 6);
        m_spec = QStringLiteral("local:") + m_archive.path();
        test::writeFile(m_archive.filePath(QStringLiteral("harbour.tif")), bytes(1));
        test::writeFile(m_archive.filePath(QStringLiteral("mill.tif")), bytes(9));
        test::writeFile(m_archive.filePath(QStringLiteral("church.tif")), bytes(8));
    }

    void fetchClassifiesAgainstTheCatalogAlone()
    {
        // The duplicates stage ran with fetch: no target yet, so the catalog and the batch alone.
        const auto byId = files();
        QCOMPARE(byId.size(), 6);
        for (const QJsonObject &o : byId) {
            const QJsonObject d = o.value(QStringLiteral("duplicate")).toObject();
            const QString name = o.value(QStringLiteral("name")).toString();
            QCOMPARE(d.value(QStringLiteral("case")).toString(),
                     name == u"twin.tif" ? QStringLiteral("in-batch") : QStringLiteral("new"));
        }
        // Deciding against a target the batch was never classified against is refused, naming it.
        const test::CliResult r =
            cli({QStringLiteral("decide"), m_batch, QStringLiteral("--case"), QStringLiteral("in-batch"),
                 QStringLiteral("--action"), QStringLiteral("link"), QStringLiteral("--target"), m_spec});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("not classified against"), r.err.constData());
    }

    void dedupCountsAndExit()
    {
        const QJsonObject summary = dedupJson();
        QCOMPARE(lastExit, 1);
        QCOMPARE(summary.value(QStringLiteral("target")).toString(), m_spec);
        QCOMPARE(summary.value(QStringLiteral("files")).toInt(), 6);
        const QJsonObject cases = summary.value(QStringLiteral("cases")).toObject();
        QCOMPARE(cases.size(), 7); // every case key, zero where none
        QCOMPARE(cases.value(QStringLiteral("already-there")).toInt(), 1);
        QCOMPARE(cases.value(QStringLiteral("name-taken")).toInt(), 2);
        QCOMPARE(cases.value(QStringLiteral("in-batch")).toInt(), 1);
        QCOMPARE(cases.value(QStringLiteral("new")).toInt(), 2);
        QCOMPARE(cases.value(QStringLiteral("hash-elsewhere")).toInt(), 0);
        QCOMPARE(summary.value(QStringLiteral("needs_decision")).toInt(), 3);
        QCOMPARE(summary.value(QStringLiteral("open")).toObject().value(QStringLiteral("name-taken")).toInt(),
                 2);

        // The text form says the same for a person.
        const test::CliResult text =
            cli({QStringLiteral("dedup"), m_batch, QStringLiteral("--target"), m_spec,
                 QStringLiteral("--title-template"), QStringLiteral("{identifier}{ext}")});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains("name-taken"), text.out.constData());
        QVERIFY2(text.out.contains("3 file(s) need a decision"), text.out.constData());

        const auto byId = files();
        const QJsonObject twin =
            byId.value(m_ids.value(QStringLiteral("twin.tif"))).value(QStringLiteral("duplicate")).toObject();
        QCOMPARE(twin.keys(), (QStringList{QStringLiteral("case"), QStringLiteral("decision"),
                                           QStringLiteral("existing"), QStringLiteral("existing_batch")}));
        QCOMPARE(twin.value(QStringLiteral("case")).toString(), QStringLiteral("in-batch"));
        QCOMPARE(twin.value(QStringLiteral("existing")).toString(), QStringLiteral("harbour.tif"));
        QCOMPARE(twin.value(QStringLiteral("existing_batch")).toInteger(), m_batch.toLongLong());
        QVERIFY(twin.value(QStringLiteral("decision")).isNull());
        const QJsonObject lake =
            byId.value(m_ids.value(QStringLiteral("lake.tif"))).value(QStringLiteral("duplicate")).toObject();
        QCOMPARE(lake.value(QStringLiteral("case")).toString(), QStringLiteral("new"));
        QVERIFY(lake.value(QStringLiteral("existing")).isNull());
        QVERIFY(lake.value(QStringLiteral("existing_batch")).isNull());
    }

    void hostileInputChangesNothing()
    {
        const QString mill = QString::number(m_ids.value(QStringLiteral("mill.tif")));
        const QList<QStringList> refusals{
            {QStringLiteral("decide"), m_batch, QStringLiteral("--file"), mill, QStringLiteral("--action"),
             QStringLiteral("teleport")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--case"), QStringLiteral("hash-somewhere"),
             QStringLiteral("--action"), QStringLiteral("skip")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--action"), QStringLiteral("skip")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--file"), mill, QStringLiteral("--case"),
             QStringLiteral("name-taken"), QStringLiteral("--action"), QStringLiteral("skip")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--file"), QStringLiteral("x1"),
             QStringLiteral("--action"), QStringLiteral("skip")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--case"), QStringLiteral("name-taken"),
             QStringLiteral("--action"), QStringLiteral("rename"), QStringLiteral("--name"),
             QStringLiteral("x.tif")},
            {QStringLiteral("decide"), m_batch, QStringLiteral("--file"), mill, QStringLiteral("--action"),
             QStringLiteral("skip"), QStringLiteral("--target"), QStringLiteral("local:/nowhere")},
            {QStringLiteral("dedup"), m_batch},
            {QStringLiteral("dedup"), QStringLiteral("999"), QStringLiteral("--target"), m_spec},
            {QStringLiteral("dedup"), m_batch, QStringLiteral("--target"), QStringLiteral("gopher://x")},
        };
        for (const QStringList &arguments : refusals) {
            const test::CliResult r = cli(arguments);
            QVERIFY2(r.exitCode == 2, qPrintable(arguments.join(u' ') + u" → " + QString::fromUtf8(r.err)));
            QVERIFY2(r.err.startsWith("gatehouse-cli: "), r.err.constData());
        }
        // Files that are not in a case, and actions a case does not allow: refused per file, exit 1.
        const test::CliResult unknown =
            cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"), QStringLiteral("99999"),
                 QStringLiteral("--action"), QStringLiteral("skip")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("99999"), unknown.err.constData());
        const test::CliResult notAllowed = cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"),
                                                QString::number(m_ids.value(QStringLiteral("twin.tif"))),
                                                QStringLiteral("--action"), QStringLiteral("overwrite")});
        QCOMPARE(notAllowed.exitCode, 1);
        QVERIFY2(notAllowed.err.contains("harbour.tif") || notAllowed.err.contains("nothing to overwrite"),
                 notAllowed.err.constData());
        // Nothing was decided by any of it.
        for (const QJsonObject &o : files())
            QVERIFY(
                o.value(QStringLiteral("duplicate")).toObject().value(QStringLiteral("decision")).isNull());
    }

    void decideByCaseAndFile()
    {
        const test::CliResult all =
            cli({QStringLiteral("decide"), m_batch, QStringLiteral("--case"), QStringLiteral("name-taken"),
                 QStringLiteral("--action"), QStringLiteral("overwrite"), QStringLiteral("--note"),
                 QStringLiteral("ours are the masters"), QStringLiteral("--json")});
        QCOMPARE(all.exitCode, 0);
        const QJsonObject decided = QJsonDocument::fromJson(all.out).object();
        QCOMPARE(decided.value(QStringLiteral("files")).toArray().size(), 2);
        QCOMPARE(decided.value(QStringLiteral("action")).toString(), QStringLiteral("overwrite"));

        const QString twin = QString::number(m_ids.value(QStringLiteral("twin.tif")));
        QCOMPARE(cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"), twin,
                      QStringLiteral("--action"), QStringLiteral("hand-fix"), QStringLiteral("--by"),
                      QStringLiteral("anna")})
                     .exitCode,
                 0);
        // Everything decided: dedup says so with exit 0, and the decisions were kept across processes.
        const QJsonObject summary = dedupJson();
        QCOMPARE(lastExit, 0);
        QCOMPARE(summary.value(QStringLiteral("needs_decision")).toInt(), 0);
        QCOMPARE(
            summary.value(QStringLiteral("decided")).toObject().value(QStringLiteral("overwrite")).toInt(),
            2);
        const auto byId = files();
        QCOMPARE(byId.value(twin.toLongLong())
                     .value(QStringLiteral("duplicate"))
                     .toObject()
                     .value(QStringLiteral("decision"))
                     .toString(),
                 QStringLiteral("hand-fix"));
        QCOMPARE(byId.value(m_ids.value(QStringLiteral("mill.tif")))
                     .value(QStringLiteral("duplicate"))
                     .toObject()
                     .value(QStringLiteral("decision"))
                     .toString(),
                 QStringLiteral("overwrite"));

        // The hand-fix list, for a person on the target.
        const QString path = m_ws.file(QStringLiteral("handfix.jsonl"));
        QCOMPARE(cli({QStringLiteral("report"), m_batch, QStringLiteral("--format"),
                      QStringLiteral("hand-fix"), QStringLiteral("-o"), path})
                     .exitCode,
                 0);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QJsonObject> lines = jsonLines(f.readAll());
        QCOMPARE(lines.size(), 1);
        const QJsonObject line = lines[0];
        for (const char *key :
             {"item", "file", "sha1", "intended_name", "existing_name", "existing_sha1", "reason"})
            QVERIFY2(line.contains(QLatin1String(key)), key);
        QCOMPARE(line.value(QStringLiteral("item")).toString(), QStringLiteral("twin"));
        QCOMPARE(line.value(QStringLiteral("file")).toString(), QStringLiteral("twin.tif"));
        QCOMPARE(line.value(QStringLiteral("intended_name")).toString(), QStringLiteral("twin.tif"));
        QCOMPARE(line.value(QStringLiteral("existing_name")).toString(), QStringLiteral("harbour.tif"));
        QCOMPARE(line.value(QStringLiteral("sha1")).toString(),
                 line.value(QStringLiteral("existing_sha1")).toString());
        QCOMPARE(line.value(QStringLiteral("decided_by")).toString(), QStringLiteral("curator:anna"));
        QVERIFY(!line.value(QStringLiteral("reason")).toString().isEmpty());

        // The _SUMMARY has the duplicates section.
        const test::CliResult report =
            cli({QStringLiteral("report"), m_batch, QStringLiteral("--format"), QStringLiteral("summary")});
        QCOMPARE(report.exitCode, 0);
        QVERIFY2(report.out.contains("Duplicates"), report.out.constData());
        QVERIFY2(report.out.contains("Decided: overwrite"), report.out.constData());

        // Another curator cannot take anna's decision back (first writer wins); anna can.
        const test::CliResult other =
            cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"), twin, QStringLiteral("--undo"),
                 QStringLiteral("--by"), QStringLiteral("bruno")});
        QCOMPARE(other.exitCode, 1);
        QVERIFY2(other.err.contains("Already decided by anna at "), other.err.constData());
        // Undo by file: the case is open again and dedup exits 1.
        const test::CliResult undo =
            cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"), twin, QStringLiteral("--undo"),
                 QStringLiteral("--by"), QStringLiteral("anna")});
        QCOMPARE(undo.exitCode, 0);
        dedupJson();
        QCOMPARE(lastExit, 1);
        const test::CliResult again = cli({QStringLiteral("decide"), m_batch, QStringLiteral("--file"), twin,
                                           QStringLiteral("--action"), QStringLiteral("link")});
        QCOMPARE(again.exitCode, 0);
        dedupJson();
        QCOMPARE(lastExit, 0);
    }

    void uploadHoldsBackWhatWaitsAndCarriesOutEachDecision()
    {
        Archive a({{QStringLiteral("harbour.tif"), bytes(1)},
                   {QStringLiteral("mill.tif"), bytes(2)},
                   {QStringLiteral("church.tif"), bytes(3)},
                   {QStringLiteral("twin.tif"), bytes(1)},
                   {QStringLiteral("lake.tif"), bytes(4)},
                   {QStringLiteral("tower.tif"), bytes(5)},
                   {QStringLiteral("fresh.tif"), bytes(6)}},
                  {{QStringLiteral("harbour.tif"), bytes(1)},
                   {QStringLiteral("mill.tif"), bytes(9)},
                   {QStringLiteral("church.tif"), bytes(8)},
                   {QStringLiteral("lake.tif"), bytes(7)},
                   {QStringLiteral("tower.tif"), bytes(10)}});
        QVERIFY(a.fetch());
        QCOMPARE(a.dedup().exitCode, 1); // name-taken ×4 and in-batch wait

        // Nothing decided yet: the upload of the batch stays blocked. Nothing is sent, not even the file that
        // needs no decision; every file is held back and the CLI says why.
        const QMap<QString, QDateTime> before = filesUnder(a.dir.path());
        // The dry run says so before: every file would be held back.
        const test::CliResult dry =
            a.cli(a.uploadArguments() + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
        const QList<QJsonObject> preview = jsonLines(dry.out);
        QCOMPARE(preview.size(), 7);
        for (const QJsonObject &line : preview)
            QVERIFY2(line.value(QStringLiteral("state")).toString() == u"needs-decision",
                     QJsonDocument(line).toJson().constData());
        const test::CliResult held = a.upload();
        QCOMPARE(held.exitCode, 1);
        QVERIFY2(held.err.contains("5 files of batch 1 wait for a duplicate decision"), held.err.constData());
        QVERIFY(!QFile::exists(a.dir.filePath(QStringLiteral("fresh.tif"))));
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("mill.tif"))), bytes(9)); // not overwritten
        QVERIFY(!QFile::exists(a.dir.filePath(QStringLiteral("twin.tif"))));
        QCOMPARE(filesUnder(a.dir.path()), before);
        auto rows = a.rows();
        for (const char *name :
             {"fresh.tif", "harbour.tif", "mill.tif", "church.tif", "twin.tif", "lake.tif", "tower.tif"})
            QCOMPARE(stateOf(rows.value(QLatin1String(name))), QStringLiteral("needs-decision"));

        QCOMPARE(a.decide(QStringLiteral("mill.tif"), QStringLiteral("overwrite")), 0);
        QCOMPARE(a.decide(QStringLiteral("church.tif"), QStringLiteral("rename"),
                          QStringLiteral("church-ours.tif")),
                 0);
        QCOMPARE(a.decide(QStringLiteral("lake.tif"), QStringLiteral("skip")), 0);
        QCOMPARE(a.decide(QStringLiteral("tower.tif"), QStringLiteral("rename")), 0);
        QCOMPARE(a.decide(QStringLiteral("twin.tif"), QStringLiteral("link")), 0);

        // The approval says beforehand what the decisions keep from the archive: lake (skip) and twin (link).
        {
            ShippedStages::registerAll();
            auto location = CatalogLocation::parse(a.ws.catalog());
            QVERIFY(location);
            auto catalog = Catalog::open(*location);
            QVERIFY(catalog);
            auto route = TargetRoute::make(a.spec);
            QVERIFY(route);
            auto said = UploadHandover::approveConsequence(**catalog, 1, TargetOptions{}, {*route});
            QVERIFY2(said, said ? "" : qPrintable(said.error().message));
            QCOMPARE(*said, QStringLiteral("Upload 5 files to %1 (2 kept back by duplicate decisions).")
                                .arg(UploadHandover::displayName(a.spec)));
            // A curator who types the target in the review view reads the same: the view looks the typed spec
            // up among the targets the duplicates were classified against.
            auto both = UploadHandover::approveConsequences(**catalog, 1, TargetOptions{});
            QVERIFY2(both, both ? "" : qPrintable(both.error().message));
            const QHash<QString, QString> &byTarget = both->byTarget;
            QCOMPARE(byTarget.keys(), QList<QString>{a.spec});
            QCOMPARE(byTarget.value(a.spec),
                     QStringLiteral("Upload 5 files to %1 (2 kept back by duplicate decisions).")
                         .arg(UploadHandover::displayName(a.spec)));
        }

        const test::CliResult done = a.upload();
        QVERIFY2(done.exitCode == 0, done.err.constData());
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("mill.tif"))), bytes(2));        // overwritten
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("church-ours.tif"))), bytes(3)); // renamed
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("church.tif"))), bytes(8));      // untouched
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("lake.tif"))), bytes(7));        // skipped
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("tower (2).tif"))), bytes(5));   // numbered
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("tower.tif"))), bytes(10));      // untouched
        QVERIFY(!QFile::exists(a.dir.filePath(QStringLiteral("twin.tif"))));            // linked
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("fresh.tif"))), bytes(6));       // let go
        const QMap<QString, QDateTime> after = filesUnder(a.dir.path());
        QCOMPARE(after.keys(), (QStringList{QStringLiteral("church-ours.tif"), QStringLiteral("church.tif"),
                                            QStringLiteral("fresh.tif"), QStringLiteral("harbour.tif"),
                                            QStringLiteral("lake.tif"), QStringLiteral("mill.tif"),
                                            QStringLiteral("tower (2).tif"), QStringLiteral("tower.tif")}));
        rows = a.rows();
        QCOMPARE(stateOf(rows.value(QStringLiteral("fresh.tif"))), QStringLiteral("uploaded"));
        QCOMPARE(stateOf(rows.value(QStringLiteral("harbour.tif"))), QStringLiteral("already-there"));
        QCOMPARE(stateOf(rows.value(QStringLiteral("twin.tif"))), QStringLiteral("already-there"));
        QCOMPARE(rows.value(QStringLiteral("twin.tif")).value(QStringLiteral("name")).toString(),
                 QStringLiteral("harbour.tif"));
        QCOMPARE(stateOf(rows.value(QStringLiteral("lake.tif"))), QStringLiteral("skipped"));
        QCOMPARE(rows.value(QStringLiteral("church.tif")).value(QStringLiteral("name")).toString(),
                 QStringLiteral("church-ours.tif"));
        QVERIFY(rows.value(QStringLiteral("church.tif")).value(QStringLiteral("verified")).toBool());
        // The overwrite was carried out: it cannot be taken back any more.
        const test::CliResult late =
            a.cli({QStringLiteral("decide"), QStringLiteral("1"), QStringLiteral("--file"),
                   a.ids.value(QStringLiteral("mill.tif")), QStringLiteral("--undo")});
        QCOMPARE(late.exitCode, 1);

        // A rerun sends nothing twice: nothing in the archive is written again.
        QTest::qWait(1100); // a rewrite would show in the modification times
        const test::CliResult again = a.upload();
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(filesUnder(a.dir.path()), after);
    }

    void runWithTargetHonoursDecisions()
    {
        // run --target: the duplicates stage checks the batch against the catalog, and the upload after it
        // stays blocked while a file waits. With a rule deciding in-batch copies, they are not sent.
        Archive a({{QStringLiteral("a.tif"), bytes(11)},
                   {QStringLiteral("a_copy.tif"), bytes(11)},
                   {QStringLiteral("b.tif"), bytes(12)}},
                  {});
        const QStringList run{QStringLiteral("run"),
                              a.ws.file(QStringLiteral("src")),
                              QStringLiteral("--target"),
                              a.spec,
                              QStringLiteral("--title-template"),
                              QStringLiteral("{identifier}{ext}")};
        const test::CliResult held = a.cli(run);
        QCOMPARE(held.exitCode, 1);
        a.readIds();
        QCOMPARE(filesUnder(a.dir.path()).keys(), QStringList());
        for (const char *name : {"a.tif", "a_copy.tif", "b.tif"})
            QCOMPARE(stateOf(a.rows().value(QLatin1String(name))), QStringLiteral("needs-decision"));
        // Decided: the upload takes it from there, and sends nothing twice.
        QCOMPARE(a.decide(QStringLiteral("a_copy.tif"), QStringLiteral("skip")), 0);
        const test::CliResult done = a.upload();
        QVERIFY2(done.exitCode == 0, done.err.constData());
        QCOMPARE(stateOf(a.rows().value(QStringLiteral("a_copy.tif"))), QStringLiteral("skipped"));
        QCOMPARE(filesUnder(a.dir.path()).keys(),
                 (QStringList{QStringLiteral("a.tif"), QStringLiteral("b.tif")}));

        // A rule decides before the upload: run --target carries it out in one go.
        Archive ruled({{QStringLiteral("c.tif"), bytes(13)}, {QStringLiteral("c_copy.tif"), bytes(13)}}, {});
        const QString ini = ruled.ws.file(QStringLiteral("gatehouse.ini"));
        test::writeFile(ini, "[dedup]\nin-batch=link\n");
        const test::CliResult linked =
            ruled.cli({QStringLiteral("run"), ruled.ws.file(QStringLiteral("src")),
                       QStringLiteral("--target"), ruled.spec, QStringLiteral("--title-template"),
                       QStringLiteral("{identifier}{ext}"), QStringLiteral("--config"), ini});
        QVERIFY2(linked.exitCode == 0, linked.err.constData());
        QCOMPARE(filesUnder(ruled.dir.path()).keys(), QStringList{QStringLiteral("c.tif")});
        const QJsonObject copy = ruled.rows().value(QStringLiteral("c_copy.tif"));
        QVERIFY2(copy.value(QStringLiteral("message")).toString().contains(QStringLiteral("linked")),
                 QJsonDocument(copy).toJson().constData());
    }

    void killedUploadCarriesEachDecisionOutOnce()
    {
        // Enough bytes that the upload is still running when it is killed; the decided files sit in the
        // middle of the batch.
        QList<std::pair<QString, QByteArray>> files;
        QList<std::pair<QString, QByteArray>> seeds;
        constexpr int count = 48;
        for (int i = 0; i < count; ++i)
            files.append({QStringLiteral("f%1.bin").arg(i, 3, 10, QChar(u'0')),
                          test::pseudoRandomBytes(3 * 1024 * 1024, quint64(200 + i))});
        files.append({QStringLiteral("f020_copy.bin"), files[20].second});
        for (int i : {21, 22, 23, 24})
            seeds.append({QStringLiteral("f%1.bin").arg(i, 3, 10, QChar(u'0')), bytes(quint64(300 + i))});
        Archive a(files, seeds);
        QVERIFY(a.fetch());
        QCOMPARE(a.dedup().exitCode, 1);
        QCOMPARE(a.decide(QStringLiteral("f021.bin"), QStringLiteral("overwrite")), 0);
        QCOMPARE(
            a.decide(QStringLiteral("f022.bin"), QStringLiteral("rename"), QStringLiteral("f022-ours.bin")),
            0);
        QCOMPARE(a.decide(QStringLiteral("f023.bin"), QStringLiteral("rename")), 0);
        QCOMPARE(a.decide(QStringLiteral("f024.bin"), QStringLiteral("skip")), 0);
        QCOMPARE(a.decide(QStringLiteral("f020_copy.bin"), QStringLiteral("link")), 0);
        QCOMPARE(a.dedup().exitCode, 0);

        QProcess cli;
        cli.setProcessEnvironment(a.ws.environment());
        cli.start(test::binary(QStringLiteral("gatehouse-cli")),
                  QStringList{QStringLiteral("--catalog"), a.ws.catalog()} + a.uploadArguments() +
                      QStringList{QStringLiteral("--jobs"), QStringLiteral("2")});
        QVERIFY(cli.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (filesUnder(a.dir.path()).size() < 4 + 18 && timer.elapsed() < 120000 &&
               cli.state() == QProcess::Running)
            QTest::qWait(5);
        QVERIFY2(cli.state() == QProcess::Running, "the upload ended before it could be killed");
        ::kill(pid_t(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished(10000));
        QVERIFY(filesUnder(a.dir.path()).size() < 4 + count);

        const test::CliResult rerun = a.upload();
        QVERIFY2(rerun.exitCode == 0, rerun.err.constData());
        // Each file once under its decided name, with its bytes; nothing else.
        QStringList expected;
        for (int i = 0; i < count; ++i)
            expected.append(QStringLiteral("f%1.bin").arg(i, 3, 10, QChar(u'0')));
        expected += {QStringLiteral("f022-ours.bin"), QStringLiteral("f023 (2).bin")};
        expected.sort();
        QCOMPARE(filesUnder(a.dir.path()).keys(), expected);
        for (int i = 0; i < count; ++i) {
            const QString name = files[i].first;
            if (i == 22 || i == 23 || i == 24)
                continue;
            QVERIFY2(readAll(a.dir.filePath(name)) == files[i].second, qPrintable(name));
        }
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("f022-ours.bin"))), files[22].second);
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("f023 (2).bin"))), files[23].second);
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("f022.bin"))), bytes(322));
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("f023.bin"))), bytes(323));
        QCOMPARE(readAll(a.dir.filePath(QStringLiteral("f024.bin"))), bytes(324));
        const auto rows = a.rows();
        QCOMPARE(stateOf(rows.value(QStringLiteral("f020_copy.bin"))), QStringLiteral("already-there"));
        QCOMPARE(rows.value(QStringLiteral("f020_copy.bin")).value(QStringLiteral("name")).toString(),
                 QStringLiteral("f020.bin"));
        QCOMPARE(stateOf(rows.value(QStringLiteral("f024.bin"))), QStringLiteral("skipped"));
    }
};

QTEST_GUILESS_MAIN(tst_DedupCli)
#include "tst_dedupcli.moc"
