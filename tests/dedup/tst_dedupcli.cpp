// The duplicates commands as a user runs them: fetch's duplicates stage against the catalog alone, dedup
// (counts per case, exit 1 while a decision is open, 0 after), decide (by file and by case, with a note,
// undo), files --json's "duplicate" object, the hand-fix report's JSON lines, the _SUMMARY's duplicates
// section, decisions surviving from one process to the next, and clear refusals of hostile input (unknown
// actions and cases, files of no case, a name for many files, no target, a batch never classified) that
// change nothing.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

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
};

QTEST_GUILESS_MAIN(tst_DedupCli)
#include "tst_dedupcli.moc"
