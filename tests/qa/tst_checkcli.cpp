#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

#include "catalog/catalog.h"
#include "newspaperbatch.h"
#include "testsupport.h"

using namespace gh;
using namespace gh::test;

// gatehouse-cli check on generated newspaper batches: every planted defect found by exactly its check, at its
// file and line; a clean batch without findings; files --json, the filters, PREMIS events, the QA profile.
// The checks run with no route out (unshare -rn) where the machine allows it: schema validation must never
// need the network.

namespace {

const QString s_catalog = QStringLiteral("/work/shared/schemas/catalog.xml");

QString schemasCatalog()
{
    // The published schemas with their catalog (tests only; the project never copies them).
    const QString fromEnv = qEnvironmentVariable("GATEHOUSE_SCHEMAS");
    return fromEnv.isEmpty() ? s_catalog : fromEnv + QStringLiteral("/catalog.xml");
}

// Whether "unshare -rn" can make a network namespace here (root, or user namespaces allowed).
bool offlineAvailable()
{
    static const bool available = [] {
        const QString unshare = QStandardPaths::findExecutable(QStringLiteral("unshare"));
        if (unshare.isEmpty())
            return false;
        QProcess probe;
        probe.start(unshare, {QStringLiteral("-rn"), QStringLiteral("true")});
        return probe.waitForFinished(10000) && probe.exitStatus() == QProcess::NormalExit &&
               probe.exitCode() == 0;
    }();
    return available;
}

// gatehouse-cli in its own network namespace with no interface up: a connection attempt fails at once.
CliResult offlineCli(const Workspace &ws, const QStringList &arguments)
{
    if (!offlineAvailable())
        return ws.cli(arguments, 600000);
    return ws.cli(arguments, 600000,
                  {QStandardPaths::findExecutable(QStringLiteral("unshare")), QStringLiteral("-rn")});
}

QJsonObject jsonOf(const CliResult &r)
{
    return QJsonDocument::fromJson(r.out).object();
}

QString describe(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.exitCode)
        .arg(QString::fromUtf8(r.out.left(4000)), QString::fromUtf8(r.err.left(4000)));
}

// Loads and fetches the batch at dir; returns its id.
qint64 loadAndFetch(const Workspace &ws, const QString &dir)
{
    const CliResult load = ws.cli({QStringLiteral("load"), dir, QStringLiteral("--json")});
    if (load.exitCode != 0)
        qWarning() << describe(load);
    const qint64 id = jsonOf(load).value(QStringLiteral("batch")).toInteger();
    const CliResult fetch = ws.cli({QStringLiteral("fetch"), QString::number(id)});
    // The planted empty and fixity defects make fetch exit 1; anything worse is fatal.
    if (fetch.exitCode == 2 || fetch.crashed)
        qWarning() << describe(fetch);
    return id;
}

} // namespace

class TestCheckCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void defectsFoundByExactlyTheirChecks();
    void premisEventsPerCheckAndBatch();
    void textOutputCountsPerCheck();
    void filesJsonCarriesFindings();
    void filtersByCheckAndFlag();
    void secondRunReusesImageStatistics();
    void cleanBatchHasNoFindings();
    void withoutSchemasSaysSoOncePerBatch();
    void profileSetsThresholdsAndChecks();
    void badProfileOrSchemasAreFatal();

private:
    QTemporaryDir m_data;
    NewspaperBatch m_defects;
    QString m_defectsDir;
    QString m_cleanDir;
    std::unique_ptr<Workspace> m_ws;
    qint64 m_batch = 0;
    QJsonObject m_report;
};

void TestCheckCli::initTestCase()
{
    QVERIFY2(QFileInfo::exists(schemasCatalog()), "the shared schemas are needed (../shared/schemas)");
    NewspaperBatch::Spec spec;
    const QList<NewspaperBatch::Defect> all = NewspaperBatch::allDefects();
    spec.defects = QSet<NewspaperBatch::Defect>(all.cbegin(), all.cend());
    QString error;
    m_defectsDir = m_defects.generate(m_data.filePath(QStringLiteral("defects")), spec, &error);
    QVERIFY2(!m_defectsDir.isEmpty(), qPrintable(error));
    NewspaperBatch clean;
    m_cleanDir = clean.generate(m_data.filePath(QStringLiteral("clean")), NewspaperBatch::Spec{}, &error);
    QVERIFY2(!m_cleanDir.isEmpty(), qPrintable(error));

    m_ws = std::make_unique<Workspace>();
    m_batch = loadAndFetch(*m_ws, m_defectsDir);
    QVERIFY(m_batch > 0);
    const CliResult check =
        offlineCli(*m_ws, {QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--json"),
                           QStringLiteral("--schemas"), schemasCatalog()});
    QVERIFY2(!check.crashed, qPrintable(describe(check)));
    QCOMPARE(check.exitCode, 1); // errors and flags
    m_report = jsonOf(check);
    QVERIFY2(!m_report.isEmpty(), qPrintable(describe(check)));
}

void TestCheckCli::defectsFoundByExactlyTheirChecks()
{
    using Key = std::pair<QString, QString>; // check, path
    QSet<Key> expected;
    for (const NewspaperBatch::Planted &p : m_defects.planted())
        expected.insert({p.check, p.path});
    QSet<Key> found;
    QList<QJsonObject> findings;
    for (const QJsonValue &v : m_report.value(QStringLiteral("findings")).toArray()) {
        const QJsonObject f = v.toObject();
        findings.append(f);
        QVERIFY2(!f.value(QStringLiteral("path")).toString().isEmpty(),
                 qPrintable(QStringLiteral("a finding about no file: ") +
                            QString::fromUtf8(QJsonDocument(f).toJson())));
        found.insert(
            {f.value(QStringLiteral("check")).toString(), f.value(QStringLiteral("path")).toString()});
    }
    auto list = [](const QSet<Key> &keys) {
        QStringList lines;
        for (const Key &k : keys)
            lines.append(k.first + u' ' + k.second);
        lines.sort();
        return lines.join(u'\n');
    };
    QVERIFY2(found - expected == QSet<Key>(), qPrintable(u"found, not planted:\n" + list(found - expected)));
    QVERIFY2(expected - found == QSet<Key>(), qPrintable(u"planted, not found:\n" + list(expected - found)));

    // Where a line applies, the finding names it, in its line field and in its message.
    for (const NewspaperBatch::Planted &p : m_defects.planted()) {
        if (p.line == 0)
            continue;
        const bool atLine = std::any_of(findings.cbegin(), findings.cend(), [&](const QJsonObject &f) {
            return f.value(QStringLiteral("check")).toString() == p.check &&
                   f.value(QStringLiteral("path")).toString() == p.path &&
                   f.value(QStringLiteral("line")).toInt() == p.line &&
                   f.value(QStringLiteral("message"))
                       .toString()
                       .contains(QStringLiteral("line %1").arg(p.line));
        });
        QVERIFY2(atLine, qPrintable(QStringLiteral("%1 at %2 line %3").arg(p.check, p.path).arg(p.line)));
    }
    // Every message names its file.
    for (const QJsonObject &f : std::as_const(findings)) {
        const QString path = f.value(QStringLiteral("path")).toString();
        QVERIFY2(f.value(QStringLiteral("message")).toString().contains(QFileInfo(path).fileName()) ||
                     f.value(QStringLiteral("message")).toString().contains(path.section(u'/', 0, -2)),
                 qPrintable(f.value(QStringLiteral("message")).toString()));
    }
    // Severities: image look and OCR are flags for manual QA, the rest errors.
    for (const QJsonObject &f : std::as_const(findings)) {
        const QString check = f.value(QStringLiteral("check")).toString();
        const QString severity = f.value(QStringLiteral("severity")).toString();
        const bool flag = check == u"dark-page" || check == u"blank-page" || check == u"black-border" ||
                          check == u"ocr-confidence";
        const bool warning = check == u"mimetype-extension";
        QCOMPARE(severity, flag      ? QStringLiteral("flag")
                           : warning ? QStringLiteral("warning")
                                     : QStringLiteral("error"));
    }
    QVERIFY(m_report.value(QStringLiteral("schemas")).toString().endsWith(QStringLiteral("catalog.xml")));
    QCOMPARE(m_report.value(QStringLiteral("files")).toInteger(), qint64(m_defects.fileCount()));
}

void TestCheckCli::textOutputCountsPerCheck()
{
    const CliResult text = offlineCli(*m_ws, {QStringLiteral("check"), QString::number(m_batch),
                                              QStringLiteral("--schemas"), schemasCatalog()});
    QCOMPARE(text.exitCode, 1);
    const QString out = QString::fromUtf8(text.out);
    // A row per check with its counts: dark-page has one flag, xml-schema one error (one invalid attribute).
    QRegularExpression dark(QStringLiteral("\\ndark-page\\s+0\\s+0\\s+1\\s+1\\n"));
    QVERIFY2(dark.match(out).hasMatch(), qPrintable(out));
    QRegularExpression schema(QStringLiteral("\\nxml-schema\\s+1\\s+0\\s+0\\s+1\\n"));
    QVERIFY2(schema.match(out).hasMatch(), qPrintable(out));
    for (const QString &name : {QStringLiteral("fixity"), QStringLiteral("empty"), QStringLiteral("sidecars"),
                                QStringLiteral("decodable"), QStringLiteral("black-border")})
        QVERIFY2(out.contains(u'\n' + name + u' '), qPrintable(name));
    QVERIFY(out.contains(QStringLiteral("Findings:")));
}

void TestCheckCli::filesJsonCarriesFindings()
{
    const CliResult files =
        m_ws->cli({QStringLiteral("files"), QString::number(m_batch), QStringLiteral("--json")});
    QCOMPARE(files.exitCode, 0);
    int withFindings = 0;
    int lines = 0;
    bool sawDark = false;
    for (const QByteArray &line : files.out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        ++lines;
        const QJsonObject file = QJsonDocument::fromJson(line).object();
        QVERIFY2(file.value(QStringLiteral("findings")).isArray(), line.constData()); // always there
        const QJsonArray findings = file.value(QStringLiteral("findings")).toArray();
        withFindings += findings.isEmpty() ? 0 : 1;
        for (const QJsonValue &v : findings) {
            const QJsonObject f = v.toObject();
            QVERIFY(f.contains(QStringLiteral("check")) && f.contains(QStringLiteral("severity")) &&
                    f.contains(QStringLiteral("message")));
            if (f.value(QStringLiteral("check")).toString() == u"dark-page") {
                sawDark = true;
                QVERIFY(file.value(QStringLiteral("name")).toString().endsWith(QStringLiteral("-0002.jp2")));
            }
        }
    }
    QCOMPARE(lines, m_defects.fileCount());
    QVERIFY(sawDark);
    QSet<QString> planted;
    for (const NewspaperBatch::Planted &p : m_defects.planted())
        planted.insert(p.path);
    QCOMPARE(withFindings, int(planted.size()));
}

void TestCheckCli::filtersByCheckAndFlag()
{
    auto count = [&](const QString &filter) {
        const CliResult r = m_ws->cli(
            {QStringLiteral("files"), QString::number(m_batch), QStringLiteral("--filter"), filter});
        return r.exitCode == 0 ? int(r.out.count('\n')) : -1;
    };
    QCOMPARE(count(QStringLiteral("check:dark-page")), 1);
    QCOMPARE(count(QStringLiteral("check:page-sequence")), 2); // after the gap, and the duplicate
    QCOMPARE(count(QStringLiteral("check:jp2-structure,decodable")), 1);
    QSet<QString> planted;
    for (const NewspaperBatch::Planted &p : m_defects.planted())
        planted.insert(p.path);
    QCOMPARE(count(QStringLiteral("qa:flagged")), int(planted.size()));
    QCOMPARE(count(QStringLiteral("qa:unflagged")), m_defects.fileCount() - int(planted.size()));
    QCOMPARE(count(QStringLiteral("check:dark-page name:*.xml")), 0);
}

void TestCheckCli::premisEventsPerCheckAndBatch()
{
    auto location = CatalogLocation::parse(m_ws->catalog());
    QVERIFY(location);
    auto catalog = Catalog::open(*location);
    QVERIFY2(catalog, qPrintable(catalog ? QString() : catalog.error().message));
    auto events = (*catalog)->events(m_batch);
    QVERIFY(events);
    QHash<qint64, QList<EventRecord>> byFile;
    QList<EventRecord> batchEvents;
    for (const EventRecord &e : std::as_const(*events)) {
        if (!e.agent.endsWith(QStringLiteral(" check")))
            continue;
        if (e.fileId == 0)
            batchEvents.append(e);
        else
            byFile[e.fileId].append(e);
    }
    // One per check of the batch so far: the check stage that fetch ran, and the check command.
    QCOMPARE(batchEvents.size(), 2);
    for (const EventRecord &e : std::as_const(batchEvents)) {
        QCOMPARE(e.type, QStringLiteral("validation"));
        QCOMPARE(e.outcome, QStringLiteral("failure"));
        QVERIFY(e.detail.contains(QStringLiteral("errors")));
    }

    auto files = (*catalog)->files(m_batch);
    QVERIFY(files);
    int checkedImages = 0;
    for (const FileRecord &f : std::as_const(*files)) {
        const QList<EventRecord> &mine = byFile[f.id];
        auto has = [&](const QString &type, const QString &check, const QString &outcome) {
            return std::any_of(mine.cbegin(), mine.cend(), [&](const EventRecord &e) {
                return e.type == type && e.detail.startsWith(check + u':') && e.outcome == outcome;
            });
        };
        if (f.name.endsWith(QStringLiteral("-0002.jp2")) && f.item.contains(QStringLiteral("1795-06-13"))) {
            QVERIFY(
                has(QStringLiteral("validation"), QStringLiteral("dark-page"), QStringLiteral("warning")));
            QVERIFY(
                has(QStringLiteral("validation"), QStringLiteral("decodable"), QStringLiteral("success")));
            QVERIFY(has(QStringLiteral("validation"), QStringLiteral("jp2-structure"),
                        QStringLiteral("success")));
            QVERIFY(has(QStringLiteral("fixity check"), QStringLiteral("fixity"), QStringLiteral("success")));
            QVERIFY(
                has(QStringLiteral("validation"), QStringLiteral("dimensions"), QStringLiteral("success")));
            ++checkedImages;
        }
        if (f.status == FileStatus::FixityMismatch)
            QVERIFY(has(QStringLiteral("fixity check"), QStringLiteral("fixity"), QStringLiteral("failure")));
        if (f.name.endsWith(QStringLiteral(".alto.xml")) && f.size > 0)
            QVERIFY2(has(QStringLiteral("validation"), QStringLiteral("xml-wellformed"),
                         QStringLiteral("success")),
                     qPrintable(f.name));
    }
    QCOMPARE(checkedImages, 1);
}

void TestCheckCli::secondRunReusesImageStatistics()
{
    // The check stage that fetch ran decoded each page once and kept its statistics: the check command
    // decoded none again.
    QCOMPARE(m_report.value(QStringLiteral("decoded")).toInteger(), qint64(0));
    {
        auto location = CatalogLocation::parse(m_ws->catalog());
        QVERIFY(location);
        auto catalog = Catalog::open(*location);
        QVERIFY(catalog);
        QSqlQuery kept((*catalog)->database());
        QVERIFY(
            kept.exec(QStringLiteral("SELECT COUNT(*) FROM image_stats WHERE batch_id = %1").arg(m_batch)));
        QVERIFY(kept.next());
        QVERIFY(kept.value(0).toInt() >= 10);
    }
    const CliResult again =
        offlineCli(*m_ws, {QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--json"),
                           QStringLiteral("--schemas"), schemasCatalog()});
    QCOMPARE(again.exitCode, 1);
    const QJsonObject report = jsonOf(again);
    // The histograms are kept by content: nothing is decoded again, and the findings are the same.
    QCOMPARE(report.value(QStringLiteral("decoded")).toInteger(), qint64(0));
    QCOMPARE(report.value(QStringLiteral("findings")).toArray().size(),
             m_report.value(QStringLiteral("findings")).toArray().size());
    QCOMPARE(report.value(QStringLiteral("flags")).toInteger(),
             m_report.value(QStringLiteral("flags")).toInteger());
}

void TestCheckCli::cleanBatchHasNoFindings()
{
    Workspace ws;
    const qint64 batch = loadAndFetch(ws, m_cleanDir);
    const CliResult check =
        offlineCli(ws, {QStringLiteral("check"), QString::number(batch), QStringLiteral("--json"),
                        QStringLiteral("--schemas"), schemasCatalog()});
    QVERIFY2(check.exitCode == 0, qPrintable(describe(check)));
    const QJsonObject report = jsonOf(check);
    QCOMPARE(report.value(QStringLiteral("findings")).toArray().size(), 0);
    QCOMPARE(report.value(QStringLiteral("errors")).toInteger(), qint64(0));
    QCOMPARE(report.value(QStringLiteral("flags")).toInteger(), qint64(0));
    QCOMPARE(report.value(QStringLiteral("warnings")).toInteger(), qint64(0));
    const CliResult status =
        ws.cli({QStringLiteral("status"), QString::number(batch), QStringLiteral("--json")});
    QVERIFY2(status.out.contains("\"check\":\"done\""), status.out.constData());
}

void TestCheckCli::withoutSchemasSaysSoOncePerBatch()
{
    Workspace ws; // a private data folder: no fetched schemas
    const qint64 batch = loadAndFetch(ws, m_cleanDir);
    const CliResult check =
        offlineCli(ws, {QStringLiteral("check"), QString::number(batch), QStringLiteral("--json")});
    QVERIFY2(check.exitCode == 0, qPrintable(describe(check))); // a warning alone is not a failure
    const QJsonArray findings = jsonOf(check).value(QStringLiteral("findings")).toArray();
    QCOMPARE(findings.size(), 1);
    const QJsonObject note = findings.first().toObject();
    QCOMPARE(note.value(QStringLiteral("check")).toString(), QStringLiteral("xml-schema"));
    QCOMPARE(note.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
    QVERIFY(note.value(QStringLiteral("file_id")).isNull());
    const QString message = note.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("skipped")) && message.contains(QStringLiteral("schemas fetch")),
             qPrintable(message));
}

void TestCheckCli::profileSetsThresholdsAndChecks()
{
    const QString profile = m_data.filePath(QStringLiteral("profile.ini"));
    writeFile(profile, "[check]\nskip=ocr-confidence,xml-schema\ndark_peak=0\nseverities=blank-page=error\n");
    const CliResult check =
        offlineCli(*m_ws, {QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--json"),
                           QStringLiteral("--profile"), profile});
    QCOMPARE(check.exitCode, 1);
    QSet<QString> checks;
    QString blankSeverity;
    for (const QJsonValue &v : jsonOf(check).value(QStringLiteral("findings")).toArray()) {
        checks.insert(v[QStringLiteral("check")].toString());
        if (v[QStringLiteral("check")].toString() == u"blank-page")
            blankSeverity = v[QStringLiteral("severity")].toString();
    }
    QVERIFY(!checks.contains(QStringLiteral("ocr-confidence")));
    QVERIFY(!checks.contains(QStringLiteral("xml-schema"))); // skipped by the profile: not even a note
    QVERIFY(!checks.contains(QStringLiteral("dark-page")));  // no peak is below 0
    QVERIFY(checks.contains(QStringLiteral("black-border")));
    QCOMPARE(blankSeverity, QStringLiteral("error"));
    QJsonArray listed = jsonOf(check).value(QStringLiteral("checks")).toArray();
    QVERIFY(std::none_of(listed.cbegin(), listed.cend(), [](const QJsonValue &c) {
        return c[QStringLiteral("check")].toString() == u"ocr-confidence";
    }));
}

void TestCheckCli::badProfileOrSchemasAreFatal()
{
    const QString profile = m_data.filePath(QStringLiteral("bad.ini"));
    writeFile(profile, "[check]\nchecks=fixity,no-such-check\n");
    CliResult r =
        m_ws->cli({QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--profile"), profile});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("no-such-check") && r.err.contains("dark-page"),
             r.err.constData()); // names the known ones

    writeFile(profile, "[check]\nborder_max_fraction=8.2\n");
    r = m_ws->cli({QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--profile"), profile});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("border_max_fraction") && r.err.contains("bad.ini"), r.err.constData());

    r = m_ws->cli({QStringLiteral("check"), QString::number(m_batch), QStringLiteral("--schemas"),
                   m_data.filePath(QStringLiteral("nowhere"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("nowhere"), r.err.constData());

    r = m_ws->cli({QStringLiteral("check"), QStringLiteral("999")});
    QCOMPARE(r.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCheckCli)
#include "tst_checkcli.moc"
