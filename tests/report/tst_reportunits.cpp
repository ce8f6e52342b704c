// The small parts of the reports: gatehouse:// links (the desktop hands the GUI whatever was clicked), CSV
// fields (RFC 4180 quoting, formulas defused), flattening records for the files CSV (new keys appear by
// themselves), the [mail]/[report] settings, mail header encoding, XML-safe text and the PREMIS vocabulary.
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "report/csvexport.h"
#include "report/itemlink.h"
#include "report/mailer.h"
#include "report/premiswriter.h"
#include "report/reportsettings.h"
#include "testsupport.h"

using namespace gh;

class TestReportUnits : public QObject
{
    Q_OBJECT

private slots:
    void links_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("item");
        QTest::addColumn<qint64>("file");
        QTest::newRow("item") << "gatehouse://batch/3/item/17" << 3LL << 17LL << 0LL;
        QTest::newRow("batch") << "gatehouse://batch/3" << 3LL << 0LL << 0LL;
        QTest::newRow("file") << "gatehouse://batch/12/file/99" << 12LL << 0LL << 99LL;
        QTest::newRow("trailing slash") << "gatehouse://batch/3/item/17/" << 3LL << 17LL << 0LL;
        QTest::newRow("upper-case scheme") << "GATEHOUSE://batch/3/item/17" << 3LL << 17LL << 0LL;
        // Hostile or broken links are refused, never guessed at.
        QTest::newRow("zero") << "gatehouse://batch/0/item/1" << 0LL << 0LL << 0LL;
        QTest::newRow("negative") << "gatehouse://batch/-1" << 0LL << 0LL << 0LL;
        QTest::newRow("dot-dot") << "gatehouse://batch/3/../4/item/1" << 0LL << 0LL << 0LL;
        QTest::newRow("query") << "gatehouse://batch/3/item/17?x=1" << 0LL << 0LL << 0LL;
        QTest::newRow("overflow") << "gatehouse://batch/99999999999999999999999" << 0LL << 0LL << 0LL;
        QTest::newRow("other scheme") << "https://batch/3/item/17" << 0LL << 0LL << 0LL;
        QTest::newRow("words") << "gatehouse://batch/three" << 0LL << 0LL << 0LL;
    }

    void links()
    {
        QFETCH(QString, text);
        QFETCH(qint64, batch);
        QFETCH(qint64, item);
        QFETCH(qint64, file);
        const auto link = ItemLink::parse(text);
        QCOMPARE(link.has_value(), batch > 0);
        if (!link)
            return;
        QCOMPARE(link->batchId, batch);
        QCOMPARE(link->itemId, item);
        QCOMPARE(link->fileId, file);
        if (item > 0)
            QCOMPARE(ItemLink::parse(ItemLink::itemUrl(batch, item))->itemId, item);
    }

    void csvFields_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::newRow("plain") << "card-0001.png"
                               << "card-0001.png";
        QTest::newRow("comma") << "a,b"
                               << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "two\nlines"
                                 << "\"two\nlines\"";
        QTest::newRow("spaces kept") << " padded "
                                     << "\" padded \"";
        QTest::newRow("formula") << "=1+2"
                                 << "'=1+2";
        QTest::newRow("formula with comma") << "=SUM(1,2)"
                                            << "\"'=SUM(1,2)\"";
        QTest::newRow("at") << "@cmd"
                            << "'@cmd";
        QTest::newRow("negative number stays") << "-12.5"
                                               << "-12.5";
        QTest::newRow("plus number stays") << "+45"
                                           << "+45";
        QTest::newRow("minus text") << "-rf"
                                    << "'-rf";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("unicode") << "Ærø–Ω"
                                 << "Ærø–Ω";
    }

    void csvFields()
    {
        QFETCH(QString, text);
        QFETCH(QString, field);
        QCOMPARE(CsvWriter::field(text), field);
    }

    void flattenPicksUpNewKeys()
    {
        // What a later stage may add to files --json: findings (a list of objects), a duplicate (an object),
        // targets (a list of values). The CSV gets columns for them with no change to the export.
        const QJsonObject record{
            {QStringLiteral("id"), 7},
            {QStringLiteral("name"), QStringLiteral("p1.tif")},
            {QStringLiteral("size"), 1234567890123LL},
            {QStringLiteral("mimetype"), QJsonValue()},
            {QStringLiteral("declared"), QJsonObject{{QStringLiteral("md5"), QStringLiteral("abc")}}},
            {QStringLiteral("findings"),
             QJsonArray{QJsonObject{{QStringLiteral("check"), QStringLiteral("dark")},
                                    {QStringLiteral("severity"), QStringLiteral("warning")}},
                        QJsonObject{{QStringLiteral("check"), QStringLiteral("schema")}}}},
            {QStringLiteral("duplicate"),
             QJsonObject{{QStringLiteral("case"), 2}, {QStringLiteral("decision"), QStringLiteral("skip")}}},
            {QStringLiteral("targets"), QJsonArray{QStringLiteral("s3"), QStringLiteral("commons")}},
            {QStringLiteral("ok"), true},
        };
        const QHash<QString, QString> columns = CsvExport::flatten(record);
        QCOMPARE(columns.value(QStringLiteral("size")), QStringLiteral("1234567890123"));
        QCOMPARE(columns.value(QStringLiteral("mimetype")), QString());
        QVERIFY(columns.contains(QStringLiteral("mimetype")));
        QCOMPARE(columns.value(QStringLiteral("declared.md5")), QStringLiteral("abc"));
        QCOMPARE(columns.value(QStringLiteral("findings.check")), QStringLiteral("dark; schema"));
        QCOMPARE(columns.value(QStringLiteral("findings.severity")), QStringLiteral("warning; "));
        QCOMPARE(columns.value(QStringLiteral("duplicate.case")), QStringLiteral("2"));
        QCOMPARE(columns.value(QStringLiteral("duplicate.decision")), QStringLiteral("skip"));
        QCOMPARE(columns.value(QStringLiteral("targets")), QStringLiteral("s3; commons"));
        QCOMPARE(columns.value(QStringLiteral("ok")), QStringLiteral("true"));

        QSet<QString> keys;
        for (auto it = columns.cbegin(); it != columns.cend(); ++it)
            keys.insert(it.key());
        const QStringList order = CsvExport::columnOrder(keys);
        QCOMPARE(order.mid(0, 4), (QStringList{QStringLiteral("id"), QStringLiteral("name"),
                                               QStringLiteral("size"), QStringLiteral("mimetype")}));
        QCOMPARE(order.mid(4),
                 (QStringList{QStringLiteral("declared.md5"), QStringLiteral("duplicate.case"),
                              QStringLiteral("duplicate.decision"), QStringLiteral("findings.check"),
                              QStringLiteral("findings.severity"), QStringLiteral("ok"),
                              QStringLiteral("targets")}));
    }

    void settings_data()
    {
        QTest::addColumn<QString>("ini");
        QTest::addColumn<QString>("error"); // a fragment of the message, or empty for valid settings
        QTest::newRow("smtp with STARTTLS") << "[mail]\nsmtp_url=smtp://mail.example:587\nfrom=g@example\n"
                                               "to=a@example, b@example\n"
                                            << "";
        QTest::newRow("smtps") << "[mail]\nsmtp_url=smtps://mail.example:465\nfrom=g@example\nto=a@example\n"
                               << "";
        QTest::newRow("plain relay")
            << "[mail]\nsmtp_url=\"smtp://127.0.0.1:25?starttls=no\"\nfrom=g@example\n"
               "to=a@example\n"
            << "";
        QTest::newRow("http is no mail server")
            << "[mail]\nsmtp_url=http://mail.example\nfrom=g@example\nto=a@example\n"
            << "smtp_url";
        QTest::newRow("starttls nonsense")
            << "[mail]\nsmtp_url=\"smtp://m.example?starttls=maybe\"\nfrom=g@example\n"
               "to=a@example\n"
            << "starttls";
        QTest::newRow("no recipient") << "[mail]\nsmtp_url=smtp://m.example\nfrom=g@example\n"
                                      << "mail/to";
        QTest::newRow("bad recipient")
            << "[mail]\nsmtp_url=smtp://m.example\nfrom=g@example\nto=not an address\n"
            << "not an address";
        QTest::newRow("no sender") << "[mail]\nsmtp_url=smtp://m.example\nto=a@example\n"
                                   << "mail/from";
        QTest::newRow("log target") << "[report]\nlog_target=s3://logs/gatehouse\n"
                                    << "";
        QTest::newRow("log target not s3") << "[report]\nlog_target=/var/log\n"
                                           << "log_target";
        QTest::newRow("timeout") << "[mail]\ntimeout_seconds=0\n"
                                 << "timeout_seconds";
    }

    void settings()
    {
        QFETCH(QString, ini);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("gatehouse.ini"));
        test::writeFile(path, ini.toUtf8());
        auto options = ReportSettings::fromFile(path);
        if (!error.isEmpty()) {
            QVERIFY(!options);
            QVERIFY2(options.error().message.contains(error), qPrintable(options.error().message));
            QVERIFY(options.error().message.contains(path));
            return;
        }
        QVERIFY2(options, options ? "" : qPrintable(options.error().message));
        if (ini.contains(u"smtp_url")) {
            QVERIFY(options->mail.isConfigured());
            QVERIFY(!options->mail.smtpUrl.contains(u'?'));
        }
        if (QTest::currentDataTag() == QByteArrayLiteral("smtp with STARTTLS")) {
            QCOMPARE(options->mail.to,
                     (QStringList{QStringLiteral("a@example"), QStringLiteral("b@example")}));
            QCOMPARE(options->mail.startTls, MailSettings::StartTls::Required);
        }
        if (QTest::currentDataTag() == QByteArrayLiteral("plain relay"))
            QCOMPARE(options->mail.startTls, MailSettings::StartTls::No);
        if (QTest::currentDataTag() == QByteArrayLiteral("log target"))
            QCOMPARE(options->logTarget, QStringLiteral("s3://logs/gatehouse"));
    }

    void credentialsInTheUrlNeverShow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("gatehouse.ini"));
        test::writeFile(
            path, "[mail]\nsmtp_url=smtp://robot:s3cret@mail.example:587\nfrom=g@example\nto=a@example\n");
        auto options = ReportSettings::fromFile(path);
        QVERIFY(options);
        QCOMPARE(options->mail.user, QStringLiteral("robot"));
        QCOMPARE(options->mail.password, QStringLiteral("s3cret"));
        QVERIFY(!options->mail.smtpUrl.contains(QStringLiteral("s3cret")));
        QCOMPARE(options->mail.serverText(), QStringLiteral("smtp://mail.example:587"));
    }

    void mailHeaders()
    {
        QCOMPARE(Mailer::encodeHeader(QStringLiteral("Batch 3 done")), QByteArray("Batch 3 done"));
        const QByteArray encoded =
            Mailer::encodeHeader(QStringLiteral("Parti 3 (Postkort fra Ærø) kræver opmærksomhed"));
        QVERIFY(encoded.startsWith("=?UTF-8?B?"));
        for (const QByteArray &line : encoded.split('\n'))
            QVERIFY(line.trimmed().size() <= 76);
        // Decoding the words gives the text back.
        QByteArray decoded;
        for (QByteArray word : encoded.split('\n')) {
            word = word.trimmed();
            decoded += QByteArray::fromBase64(word.mid(10, word.size() - 12));
        }
        QCOMPARE(QString::fromUtf8(decoded),
                 QStringLiteral("Parti 3 (Postkort fra Ærø) kræver opmærksomhed"));
    }

    void xmlSafeText()
    {
        QCOMPARE(PremisWriter::xmlSafe(QStringLiteral("card-0001.png")), QStringLiteral("card-0001.png"));
        QCOMPARE(PremisWriter::xmlSafe(QStringLiteral("bell\aring\x01.txt")),
                 QStringLiteral("bell\uFFFDring\uFFFD.txt"));
        QCOMPARE(PremisWriter::xmlSafe(QStringLiteral("tab\tand\nline")), QStringLiteral("tab\tand\nline"));
        const QString emoji = QStringLiteral("📜 deed");
        QCOMPARE(PremisWriter::xmlSafe(emoji), emoji);
        QString lone = QStringLiteral("x");
        lone.append(QChar(0xD800));
        QCOMPARE(PremisWriter::xmlSafe(lone), QStringLiteral("x\uFFFD"));
    }

    void eventVocabulary()
    {
        QCOMPARE(PremisWriter::eventTypeUri(QStringLiteral("message digest calculation")),
                 QStringLiteral("http://id.loc.gov/vocabulary/preservation/eventType/mes"));
        QCOMPARE(PremisWriter::eventTypeUri(QStringLiteral("replication")),
                 QStringLiteral("http://id.loc.gov/vocabulary/preservation/eventType/rep"));
        QCOMPARE(PremisWriter::eventTypeUri(QStringLiteral("duplicate classification")), QString());
    }
};

QTEST_GUILESS_MAIN(TestReportUnits)
#include "tst_reportunits.moc"
