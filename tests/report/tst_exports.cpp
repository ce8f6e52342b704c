// Exports of a batch that went through every stage: PREMIS 3 and METS 1.12 valid against the published
// schemas (libxml2, the workspace's shared/schemas through its XML catalog, no network), the files CSV with
// one header row and a row per file that agrees with files --json, the ingestion3-style errors CSV, and the
// _SUMMARY with a section per stage. The batch is the bundled sample plus hostile file names, run for real by
// gatehouse-cli through every stage: fetch, check, dedup, the curator's review and approval on the CLI, and
// the upload to a local archive that the approval starts.
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTest>
#include <QXmlStreamReader>

#include "catalog/catalog.h"
#include "csvreader.h"
#include "pipeline/fetchoutcome.h"
#include "report/exports.h"
#include "report/itemlink.h"
#include "report/premiswriter.h"
#include "schemavalidator.h"
#include "testsupport.h"
#include "util/version.h"

using namespace gh;

namespace {

const QString s_premisNs = QStringLiteral("http://www.loc.gov/premis/v3");
const QString s_metsNs = QStringLiteral("http://www.loc.gov/METS/");
const QString s_xsiNs = QStringLiteral("http://www.w3.org/2001/XMLSchema-instance");
const QString s_curator = QStringLiteral("curator:Karen Ørsted");
// A name a spreadsheet would run as a formula, with a comma and quotes; and one with a control character
// XML cannot hold.
const QString s_formulaName = QStringLiteral("=HYPERLINK(\"example.invalid\", \"x\").txt");
const QString s_bellName = QStringLiteral("bell\aring.txt");

void copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = QDir(to).filePath(QDir(from).relativeFilePath(path));
        QDir().mkpath(QFileInfo(target).absolutePath());
        QVERIFY(QFile::copy(path, target));
    }
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TestExports : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void premisValidAgainstSchema();
    void premisDescribesEveryObjectEventAndAgent();
    void validatorRejectsABrokenDocument();
    void metsValidAgainstSchema();
    void metsListsStoredFilesAndItemsInOrder();
    void filesCsvAgreesWithFilesJson();
    void filesCsvReadByPythonCsv();
    void errorsCsvListsEveryProblemOnce();
    void summaryHasAStageSectionPerStage();
    void cancelledExportLeavesNoFile();
    void fullDiskSaysSoAndLeavesNoFile();
    void unknownFormatIsAUsageError();

private:
    QString exportTo(const QString &format);

    test::Workspace m_ws;
    qint64 m_batch = 0;
    QList<QJsonObject> m_files;
    QList<ItemRecord> m_items;
    qint64 m_events = 0;
    QString m_archive; //!< The local archive the approval uploaded to.
};

QString TestExports::exportTo(const QString &format)
{
    const QString path = m_ws.file(QStringLiteral("out/batch.") + format);
    const auto result = m_ws.cli({QStringLiteral("report"), QString::number(m_batch),
                                  QStringLiteral("--format"), format, QStringLiteral("-o"), path});
    if (result.exitCode != 0)
        qWarning() << result.err;
    return result.exitCode == 0 ? path : QString();
}

void TestExports::initTestCase()
{
    QVERIFY2(QFileInfo::exists(QDir(test::schemasDir()).filePath(QStringLiteral("catalog.xml"))),
             qPrintable(QStringLiteral("the published schemas are not at %1 (set GATEHOUSE_SCHEMAS_DIR)")
                            .arg(test::schemasDir())));
    const QString source = m_ws.file(QStringLiteral("postcards"));
    copyTree(test::sampleDir(), source);
    test::writeFile(source + u"/hostile/" + s_formulaName, "formula\n");
    test::writeFile(source + u"/hostile/" + s_bellName, "bell\n");

    // A real run through every stage: intake, fetch (with the sample's planted checksum mismatch), check and
    // dedup; then the curator's review by the CLI — the sample drawn, a verdict on every item, approval with
    // a local archive as the target — and the upload the approval starts.
    const QString config = m_ws.file(QStringLiteral("gatehouse.ini"));
    test::writeFile(config, (u"[review]\ncurator=" + s_curator + u"\n").toUtf8());
    auto cli = [&](QStringList arguments) {
        return m_ws.cli(QStringList{QStringLiteral("--config"), config} + arguments);
    };
    const auto run =
        cli({QStringLiteral("run"), source, QStringLiteral("--name"), QStringLiteral("Postkort, 1923")});
    QCOMPARE(run.exitCode, 1);
    m_batch = 1;
    const auto sample = cli({QStringLiteral("sample"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY2(sample.exitCode == 0, sample.err.constData());
    const QJsonObject drawn = QJsonDocument::fromJson(sample.out).object();
    const QJsonArray sampled = drawn.value(QStringLiteral("items")).toArray();
    const QJsonArray flagged = drawn.value(QStringLiteral("flagged_items")).toArray();
    QVERIFY(!sampled.isEmpty());
    for (const QJsonArray &list : {sampled, flagged}) {
        for (const QJsonValue &item : list) {
            const auto verdict =
                cli({QStringLiteral("verdict"), QStringLiteral("1"), QStringLiteral("--item"),
                     QString::number(item.toInteger()), QStringLiteral("--pass")});
            QVERIFY2(verdict.exitCode == 0, verdict.err.constData());
        }
    }
    m_archive = m_ws.file(QStringLiteral("archive"));
    const auto approve = cli(
        {QStringLiteral("approve"), QStringLiteral("1"), QStringLiteral("--target"), u"local:" + m_archive});
    // Exit 1: every file that may go went, and the file with the mismatch is not among them.
    QVERIFY2(approve.exitCode == 0 || approve.exitCode == 1, approve.err.constData());
    QVERIFY(QDir(m_archive).exists());

    auto location = CatalogLocation::parse(m_ws.catalog());
    QVERIFY(location);
    auto catalog = Catalog::open(*location);
    QVERIFY2(catalog, catalog ? "" : qPrintable(catalog.error().message));
    auto files = (*catalog)->files(m_batch);
    QVERIFY(files);
    QVERIFY(files->size() > 5);
    auto batch = (*catalog)->batch(m_batch);
    QVERIFY(batch);
    for (const Stage stage : {Stage::Fetch, Stage::Check, Stage::Dedup, Stage::Review, Stage::Upload})
        QVERIFY2(batch->stages.value(stage, StageState::NotStarted) != StageState::NotStarted,
                 qPrintable(StageInfo::key(stage) + QStringLiteral(" did not run")));

    auto events = (*catalog)->events(m_batch);
    QVERIFY(events);
    m_events = events->size();
    QVERIFY((*catalog)->forEachItem(m_batch, [&](const ItemRecord &item) {
        m_items.append(item);
        return true;
    }));

    const auto json = m_ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    for (const QByteArray &line : json.out.split('\n')) {
        if (!line.isEmpty())
            m_files.append(QJsonDocument::fromJson(line).object());
    }
    QCOMPARE(m_files.size(), files->size());
}

void TestExports::premisValidAgainstSchema()
{
    const QString path = exportTo(QStringLiteral("premis"));
    QVERIFY(!path.isEmpty());
    const QStringList problems =
        test::validateFile(path, {{s_premisNs, QStringLiteral("premis/premis-3-0.xsd")}});
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestExports::premisDescribesEveryObjectEventAndAgent()
{
    const QString path = exportTo(QStringLiteral("premis"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int entities = 0, fileObjects = 0, events = 0;
    QMap<QString, QString> agentTypes;
    QStringList fixityOriginators; // of the file with the planted mismatch
    QString currentFile, lastIdentifier, currentAgent, fixityUri, storedKey, originalName;
    bool inObject = false, inAgent = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.namespaceUri() == s_premisNs) {
            const auto name = xml.name();
            if (name == u"object") {
                const QString type = xml.attributes().value(s_xsiNs, QStringLiteral("type")).toString();
                entities += type == u"premis:intellectualEntity";
                fileObjects += type == u"premis:file";
                inObject = true;
                currentFile.clear();
            } else if (name == u"event") {
                ++events;
            } else if (name == u"agent") {
                inAgent = true;
            } else if (name == u"objectIdentifierValue" && inObject) {
                lastIdentifier = xml.readElementText();
                if (lastIdentifier.endsWith(u"card-0004.jp2"))
                    currentFile = lastIdentifier;
            } else if (name == u"messageDigestOriginator" && !currentFile.isEmpty()) {
                fixityOriginators.append(xml.readElementText());
            } else if (name == u"contentLocationValue" && currentFile.endsWith(u"card-0004.jp2")) {
                storedKey = xml.readElementText();
            } else if (name == u"originalName" && currentFile.endsWith(u"card-0004.jp2")) {
                originalName = xml.readElementText();
            } else if (name == u"eventType" && fixityUri.isEmpty()) {
                const QString valueUri = xml.attributes().value(QStringLiteral("valueURI")).toString();
                if (xml.readElementText() == u"fixity check")
                    fixityUri = valueUri;
            } else if (name == u"agentIdentifierValue" && inAgent) {
                currentAgent = xml.readElementText();
            } else if (name == u"agentType" && inAgent) {
                agentTypes.insert(currentAgent, xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == u"object") {
            inObject = false;
        } else if (xml.isEndElement() && xml.name() == u"agent") {
            inAgent = false;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(entities, m_items.size() + 1); // every item, and the batch
    QCOMPARE(fileObjects, m_files.size());
    QCOMPARE(events, m_events);
    QCOMPARE(fixityUri, QStringLiteral("http://id.loc.gov/vocabulary/preservation/eventType/fix"));
    // The file with the planted mismatch: the three computed digests by Gatehouse, the declared md5 by the
    // sidecar it came from.
    QCOMPARE(fixityOriginators.count(QStringLiteral("gatehouse/") + versionString()), 3);
    QCOMPARE(fixityOriginators.size(), 4);
    QVERIFY2(fixityOriginators.last().contains(QStringLiteral(".md5")), qPrintable(fixityOriginators.last()));
    QVERIFY(originalName.endsWith(QStringLiteral("card-0004.jp2")));
    QVERIFY(!storedKey.isEmpty());
    // The agents: Gatehouse's stages as software, the curator as a person.
    QCOMPARE(agentTypes.value(agentFor(QStringLiteral("fetch"))), QStringLiteral("software"));
    QCOMPARE(agentTypes.value(agentFor(QStringLiteral("upload"))), QStringLiteral("software"));
    QCOMPARE(agentTypes.value(s_curator), QStringLiteral("person"));
}

void TestExports::validatorRejectsABrokenDocument()
{
    // The validation above can fail: the same export with one element renamed does not pass.
    const QString path = exportTo(QStringLiteral("premis"));
    QByteArray xml = readAll(path);
    QVERIFY(xml.contains("<premis:formatName>"));
    xml.replace("<premis:formatName>", "<premis:formatTitle>")
        .replace("</premis:formatName>", "</premis:formatTitle>");
    const QString broken = m_ws.file(QStringLiteral("out/broken.premis.xml"));
    test::writeFile(broken, xml);
    const QStringList problems =
        test::validateFile(broken, {{s_premisNs, QStringLiteral("premis/premis-3-0.xsd")}});
    QVERIFY(!problems.isEmpty());
    QVERIFY2(problems.constFirst().contains(QStringLiteral("formatTitle")),
             qPrintable(problems.constFirst()));
}

void TestExports::metsValidAgainstSchema()
{
    const QString path = exportTo(QStringLiteral("mets"));
    QVERIFY(!path.isEmpty());
    // METS takes its xmlData laxly; with the PREMIS schema loaded too, the PREMIS inside is checked in full.
    const QStringList problems =
        test::validateFile(path, {{s_metsNs, QStringLiteral("mets/mets-1-12-1.xsd")},
                                  {s_premisNs, QStringLiteral("premis/premis-3-0.xsd")}});
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestExports::metsListsStoredFilesAndItemsInOrder()
{
    const QString path = exportTo(QStringLiteral("mets"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    QMap<QString, QString> checksums; // FILE ID → CHECKSUM
    QList<int> order;
    int fptrs = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement() || xml.namespaceUri() != s_metsNs)
            continue;
        if (xml.name() == u"file") {
            QCOMPARE(xml.attributes().value(QStringLiteral("CHECKSUMTYPE")), QStringLiteral("SHA-256"));
            checksums.insert(xml.attributes().value(QStringLiteral("ID")).toString(),
                             xml.attributes().value(QStringLiteral("CHECKSUM")).toString());
        } else if (xml.name() == u"div" && xml.attributes().value(QStringLiteral("TYPE")) == u"item") {
            order.append(xml.attributes().value(QStringLiteral("ORDER")).toInt());
        } else if (xml.name() == u"fptr") {
            QVERIFY(checksums.contains(xml.attributes().value(QStringLiteral("FILEID")).toString()));
            ++fptrs;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    int stored = 0;
    for (const QJsonObject &f : std::as_const(m_files)) {
        const QString key = f.value(QStringLiteral("stored_key")).toString();
        if (key.isEmpty())
            continue;
        ++stored;
        QCOMPARE(checksums.value(QStringLiteral("file-%1").arg(f.value(QStringLiteral("id")).toInteger())),
                 f.value(QStringLiteral("sha256")).toString());
    }
    QCOMPARE(checksums.size(), stored);
    QCOMPARE(fptrs, stored);
    QCOMPARE(order.size(), m_items.size());
    QVERIFY(std::is_sorted(order.cbegin(), order.cend()));
}

void TestExports::filesCsvAgreesWithFilesJson()
{
    const QString path = exportTo(QStringLiteral("csv"));
    const test::CsvTable table = test::readCsv(readAll(path));
    QVERIFY2(table.error.isEmpty(), qPrintable(table.error));
    QCOMPARE(table.rows.size(), m_files.size() + 1); // one header row
    const QStringList header = table.rows.constFirst();
    QCOMPARE(header.mid(0, 3),
             (QStringList{QStringLiteral("id"), QStringLiteral("item"), QStringLiteral("name")}));
    QVERIFY(header.contains(QStringLiteral("declared.md5"))); // a nested object, flattened
    QVERIFY(header.contains(QStringLiteral("link")));
    for (const QStringList &row : table.rows)
        QCOMPARE(row.size(), header.size());
    // Every key of files --json is a column, and every row says what files --json says.
    for (qsizetype r = 1; r < table.rows.size(); ++r) {
        const QJsonObject &json = m_files[r - 1];
        const QStringList &row = table.rows[r];
        for (auto it = json.begin(); it != json.end(); ++it) {
            if (it.value().isObject() || it.value().isArray() || it.value().isNull())
                continue;
            const qsizetype column = header.indexOf(it.key());
            QVERIFY2(column >= 0, qPrintable(it.key()));
            QString expected =
                it.value().isDouble() ? QString::number(it.value().toInteger()) : it.value().toString();
            if (expected.startsWith(u'='))
                expected.prepend(u'\''); // a formula is defused
            QCOMPARE(row[column], expected);
        }
    }
    // The hostile name: still one cell, defused.
    const qsizetype name = header.indexOf(QStringLiteral("name"));
    bool found = false;
    for (const QStringList &row : table.rows)
        found = found || row[name] == u'\'' + s_formulaName;
    QVERIFY(found);
}

void TestExports::filesCsvReadByPythonCsv()
{
    // Python's csv module reads it as a spreadsheet would: one header, the same width on every row.
    const QString path = exportTo(QStringLiteral("csv"));
    QProcess python;
    python.start(
        test::python3(),
        {QStringLiteral("-c"),
         QStringLiteral("import csv,sys\n"
                        "rows=list(csv.reader(open(sys.argv[1],newline='',encoding='utf-8'),strict=True))\n"
                        "print(len(rows), len({len(r) for r in rows}), rows[0][0])"),
         path});
    QVERIFY(python.waitForFinished(30000));
    QCOMPARE(python.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(python.readAllStandardOutput()).trimmed(),
             QStringLiteral("%1 1 id").arg(m_files.size() + 1));
}

void TestExports::errorsCsvListsEveryProblemOnce()
{
    const QString path = exportTo(QStringLiteral("errors-csv"));
    const test::CsvTable table = test::readCsv(readAll(path));
    QVERIFY2(table.error.isEmpty(), qPrintable(table.error));
    QCOMPARE(table.rows.constFirst(),
             (QStringList{QStringLiteral("message"), QStringLiteral("level"), QStringLiteral("field"),
                          QStringLiteral("id"), QStringLiteral("value")}));
    int mismatch = 0;
    for (const QStringList &row : table.rows.mid(1)) {
        QCOMPARE(row.size(), 5);
        if (row[3].endsWith(u"card-0004.jp2")) {
            // The file's status is the error; its failed fixity-check event is the same problem.
            ++mismatch;
            QCOMPARE(row[1], QStringLiteral("error"));
            QCOMPARE(row[2], QStringLiteral("status"));
            QCOMPARE(row[4], QStringLiteral("fixity-mismatch"));
        }
        QVERIFY2(row[1] == u"error" || row[1] == u"warning", qPrintable(row.join(u',')));
    }
    QCOMPARE(mismatch, 1);
}

void TestExports::summaryHasAStageSectionPerStage()
{
    const auto result = m_ws.cli({QStringLiteral("report"), QStringLiteral("1")});
    QCOMPARE(result.exitCode, 0);
    const QString text = QString::fromUtf8(result.out);
    for (const char *title :
         {"Files", "By status", "Stages", "Checks", "Duplicates", "Review", "Uploads", "Approval"})
        QVERIFY2(text.contains(QLatin1String(title)), title);
    // The checks section counts the events by type and outcome, as the run's check stage recorded them.
    auto location = CatalogLocation::parse(m_ws.catalog());
    QVERIFY(location);
    auto catalog = Catalog::open(*location);
    QVERIFY(catalog);
    auto events = (*catalog)->events(1);
    QVERIFY(events);
    const auto validations = std::count_if(events->cbegin(), events->cend(), [](const EventRecord &e) {
        return e.type == u"validation" && e.outcome == u"success" &&
               e.agent == agentFor(QStringLiteral("check"));
    });
    QVERIFY(validations >= 1);
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("validation, success \\.+ \\d+\\n"))),
             qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("fixity check, failure \\.+ 1\\n"))),
             qPrintable(text));
    QVERIFY(text.contains(QRegularExpression(QStringLiteral("Verdict \\.+ approved\\n"))));
}

void TestExports::cancelledExportLeavesNoFile()
{
    auto location = CatalogLocation::parse(m_ws.catalog());
    QVERIFY(location);
    auto catalog = Catalog::open(*location);
    QVERIFY(catalog);
    for (const ExportFormat &format : Exports::all()) {
        ExportJob job;
        job.catalog = catalog->get();
        job.batchId = m_batch;
        job.progress = [](qint64, qint64) { return false; };
        const QString path = m_ws.file(QStringLiteral("cancelled/") + format.key);
        const Status s = Exports::writeFile(format, job, path);
        if (format.key == u"summary")
            continue; // written in one piece, nothing to cancel
        QVERIFY2(!s, qPrintable(format.key));
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        QVERIFY2(!QFileInfo::exists(path), qPrintable(path));
    }
}

void TestExports::fullDiskSaysSoAndLeavesNoFile()
{
    // A volume with no room: a 64 KiB tmpfs, filled to the last byte. Mounting it needs root, which the test
    // command has on a fresh machine; elsewhere the test says why it did not run.
    const QString full = m_ws.file(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(full));
    QProcess mount;
    mount.start(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                          QStringLiteral("size=64k"), QStringLiteral("tmpfs"), full});
    if (!mount.waitForFinished() || mount.exitStatus() != QProcess::NormalExit || mount.exitCode() != 0)
        QSKIP("cannot mount a small tmpfs here (needs root)");
    const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), {full}); });
    {
        QFile filler(full + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        const QByteArray block(4096, 'x');
        while (filler.write(block) == block.size()) {
        }
    }

    for (const QString &format : {QStringLiteral("premis"), QStringLiteral("mets"), QStringLiteral("csv"),
                                  QStringLiteral("summary")}) {
        const QString path = full + QStringLiteral("/batch.") + format;
        const auto result = m_ws.cli({QStringLiteral("report"), QString::number(m_batch),
                                      QStringLiteral("--format"), format, QStringLiteral("-o"), path});
        QVERIFY2(result.exitCode != 0, qPrintable(format));
        const QString err = QString::fromUtf8(result.err);
        QVERIFY2(err.contains(path), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("no space left on ") + full), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("Unknown error")), qPrintable(err));
        // Nothing half-written is left: neither the export nor QSaveFile's temporary file.
        QCOMPARE(QDir(full).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("filler")});
    }
}

void TestExports::unknownFormatIsAUsageError()
{
    const auto result = m_ws.cli(
        {QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("pdf")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains("premis"));
    QVERIFY(result.err.contains("errors-csv"));
}

QTEST_GUILESS_MAIN(TestExports)
#include "tst_exports.moc"
