// The end of a run, for real: gatehouse-cli run with [mail] configured sends the _SUMMARY to an SMTP server
// (aiosmtpd started by tests/peers/smtp.sh, the mail read back by Python's email package), with the errors
// CSV attached; STARTTLS is required unless the URL says otherwise; a server that refuses, or none at all, is
// a line in the batch log and never changes the run's outcome. With [report] log_target the log, _SUMMARY and
// CSVs land on s3rver under {prefix}/{batch}/{date}/.
#include <QDate>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "peerserver.h"
#include "store/s3client.h"
#include "testsupport.h"

using namespace gh;

namespace {

using test::mailbox;

//! Points gatehouse-cli at \a s3 (s3rver, which takes any credentials) for this test's runs.
void useS3rver(const test::PeerServer &s3)
{
    qputenv("GATEHOUSE_S3_ENDPOINT", s3.baseUrl().toUtf8());
    qputenv("GATEHOUSE_S3_KEYCHAIN", "0");
    qputenv("AWS_ACCESS_KEY_ID", "S3RVER");
    qputenv("AWS_SECRET_ACCESS_KEY", "S3RVER");
}

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestNotify : public QObject
{
    Q_OBJECT

private slots:
    void mailArrivesWithSummaryAndErrors();
    void refusingServerNeverFailsTheBatch();
    void startTlsIsRequiredByDefault();
    void startTlsWithTheServersCertificate();
    void noServerAtAllIsALogLine();
    void fetchAloneSendsNoMail();
    void logsLandOnS3();
    void unreachableBucketIsALogLine();

private:
    //! Runs the sample with a config holding \a ini; returns the exit code and fills \a log.
    int runSample(test::Workspace &ws, const QString &ini, QString *log = nullptr);
};

int TestNotify::runSample(test::Workspace &ws, const QString &ini, QString *log)
{
    const QString config = ws.file(QStringLiteral("gatehouse.ini"));
    test::writeFile(config, ini.toUtf8());
    const auto result =
        ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), test::sampleDir()});
    if (log)
        *log = readText(ws.file(QStringLiteral("batches/1/gatehouse.log")));
    if (result.exitCode < 0 || result.crashed)
        qWarning() << result.err;
    return result.exitCode;
}

void TestNotify::mailArrivesWithSummaryAndErrors()
{
    test::PeerServer smtp(QStringLiteral("smtp"));
    QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
    test::Workspace ws;
    QString log;
    const int exit = runSample(ws,
                               QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                              "from=gatehouse@library.example\n"
                                              "to=curators@library.example, vendor-desk@library.example\n")
                                   .arg(smtp.port()),
                               &log);
    QCOMPARE(exit, 1); // the sample's planted mismatch, as without mail
    QVERIFY2(log.contains(QStringLiteral(
                 "Mailed the summary to curators@library.example, vendor-desk@library.example")),
             qPrintable(log));

    const QList<QJsonObject> messages = mailbox(smtp.dir() + u"/maildir");
    QCOMPARE(messages.size(), 1);
    const QJsonObject mail = messages.constFirst();
    const QString subject = mail.value(QStringLiteral("subject")).toString();
    QVERIFY2(subject.contains(QStringLiteral("batch 1")), qPrintable(subject));
    QVERIFY2(subject.contains(QStringLiteral("needs attention")), qPrintable(subject));
    QVERIFY2(subject.contains(QStringLiteral("1 failed")), qPrintable(subject));
    QVERIFY(
        mail.value(QStringLiteral("to")).toString().contains(QStringLiteral("vendor-desk@library.example")));
    // The body is the _SUMMARY written next to the log.
    const QString body = mail.value(QStringLiteral("body")).toString();
    const QString summary = readText(ws.file(QStringLiteral("batches/1/_SUMMARY")));
    QVERIFY(!summary.isEmpty());
    QCOMPARE(body.trimmed(), summary.trimmed());
    const QJsonArray attachments = mail.value(QStringLiteral("attachments")).toArray();
    QCOMPARE(attachments.size(), 1);
    const QJsonObject csv = attachments[0].toObject();
    QCOMPARE(csv.value(QStringLiteral("filename")).toString(), QStringLiteral("batch-1-errors.csv"));
    QCOMPARE(csv.value(QStringLiteral("content_type")).toString(), QStringLiteral("text/csv"));
    const QString content = csv.value(QStringLiteral("content")).toString();
    QVERIFY(content.startsWith(QStringLiteral("message,level,field,id,value")));
    QVERIFY2(content.contains(QStringLiteral("fixity-mismatch")), qPrintable(content));
}

void TestNotify::refusingServerNeverFailsTheBatch()
{
    test::PeerServer smtp(QStringLiteral("smtp"), {QStringLiteral("refuse")});
    QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
    test::Workspace ws;
    QString log;
    const int exit = runSample(ws,
                               QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                              "from=gatehouse@library.example\nto=curators@library.example\n")
                                   .arg(smtp.port()),
                               &log);
    QCOMPARE(exit, 1);
    QVERIFY2(log.contains(QStringLiteral("The summary mail was not sent")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("550")), qPrintable(log));
    QVERIFY(log.contains(QStringLiteral("smtp://127.0.0.1:%1").arg(smtp.port())));
    QVERIFY(QFileInfo::exists(ws.file(QStringLiteral("batches/1/_SUMMARY"))));
}

void TestNotify::startTlsIsRequiredByDefault()
{
    // A server without STARTTLS: nothing is sent in plain text unless the URL allows it.
    test::PeerServer smtp(QStringLiteral("smtp"));
    QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
    test::Workspace ws;
    QString log;
    QCOMPARE(runSample(ws,
                       QStringLiteral("[mail]\nsmtp_url=smtp://127.0.0.1:%1\nfrom=gatehouse@library.example\n"
                                      "to=curators@library.example\n")
                           .arg(smtp.port()),
                       &log),
             1);
    QVERIFY2(log.contains(QStringLiteral("STARTTLS")), qPrintable(log));
    QVERIFY(mailbox(smtp.dir() + u"/maildir").isEmpty());
}

void TestNotify::startTlsWithTheServersCertificate()
{
    test::PeerServer smtp(QStringLiteral("smtp"), {QStringLiteral("tls")});
    QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
    test::Workspace ws;
    QString log;
    const QString ini =
        QStringLiteral("[mail]\nsmtp_url=smtp://127.0.0.1:%1\nfrom=gatehouse@library.example\n"
                       "to=curators@library.example\nca_bundle=%2\n")
            .arg(smtp.port())
            .arg(smtp.dir() + u"/ca.pem");
    QCOMPARE(runSample(ws, ini, &log), 1);
    QVERIFY2(log.contains(QStringLiteral("Mailed the summary")), qPrintable(log));
    QCOMPARE(mailbox(smtp.dir() + u"/maildir").size(), 1);

    // Without the certificate the server cannot be verified, and nothing is sent.
    test::Workspace untrusting;
    QCOMPARE(runSample(untrusting,
                       QStringLiteral("[mail]\nsmtp_url=smtp://127.0.0.1:%1\nfrom=gatehouse@library.example\n"
                                      "to=curators@library.example\n")
                           .arg(smtp.port()),
                       &log),
             1);
    QVERIFY2(log.contains(QStringLiteral("The summary mail was not sent")), qPrintable(log));
    QCOMPARE(mailbox(smtp.dir() + u"/maildir").size(), 1);
}

void TestNotify::noServerAtAllIsALogLine()
{
    // A port nobody listens on (bound, then released).
    int port = 0;
    {
        test::PeerServer smtp(QStringLiteral("smtp"));
        QVERIFY(smtp.isRunning());
        port = smtp.port();
    }
    test::Workspace ws;
    QString log;
    QCOMPARE(runSample(ws,
                       QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                      "from=gatehouse@library.example\nto=curators@library.example\n")
                           .arg(port),
                       &log),
             1);
    QVERIFY2(log.contains(QStringLiteral("The summary mail was not sent")), qPrintable(log));
}

void TestNotify::fetchAloneSendsNoMail()
{
    test::PeerServer smtp(QStringLiteral("smtp"));
    QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
    test::Workspace ws;
    const QString config = ws.file(QStringLiteral("gatehouse.ini"));
    test::writeFile(config, QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                           "from=gatehouse@library.example\nto=curators@library.example\n")
                                .arg(smtp.port())
                                .toUtf8());
    QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("load"), test::sampleDir()}).exitCode,
             0);
    QCOMPARE(
        ws.cli({QStringLiteral("--config"), config, QStringLiteral("fetch"), QStringLiteral("1")}).exitCode,
        1);
    QVERIFY(mailbox(smtp.dir() + u"/maildir").isEmpty());
}

void TestNotify::logsLandOnS3()
{
    test::PeerServer s3(QStringLiteral("s3rver"), {QStringLiteral("gatehouse-logs")});
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    useS3rver(s3);
    test::Workspace ws;
    QString log;
    QCOMPARE(
        runSample(ws, QStringLiteral("[report]\nlog_target=s3://gatehouse-logs/reports/nightly\n"), &log), 1);
    QVERIFY2(log.contains(QStringLiteral("Copied 4 report files to s3://gatehouse-logs/reports/nightly")),
             qPrintable(log));

    S3Options options;
    options.bucket = QStringLiteral("gatehouse-logs");
    options.endpoint = QUrl(s3.baseUrl());
    options.credentials.accessKeyId = "S3RVER";
    options.credentials.secretAccessKey = "S3RVER";
    S3Client client(options);
    const QString folder =
        QStringLiteral("reports/nightly/1/%1/").arg(QDate::currentDate().toString(Qt::ISODate));
    for (const QString &name : {QStringLiteral("gatehouse.log"), QStringLiteral("_SUMMARY"),
                                QStringLiteral("files.csv"), QStringLiteral("errors.csv")}) {
        S3Client::Request get;
        get.method = "GET";
        get.objectKey = folder + name;
        auto response = client.send(get);
        QVERIFY2(response, qPrintable(name));
        QVERIFY2(response->isSuccess(), qPrintable(folder + name + u' ' + QString::number(response->status)));
        const QString local = readText(ws.file(QStringLiteral("batches/1/") + name));
        if (name == u"gatehouse.log")
            QVERIFY(local.startsWith(QString::fromUtf8(response->body))); // the copy line came after
        else
            QCOMPARE(QString::fromUtf8(response->body), local);
    }
    qunsetenv("GATEHOUSE_S3_ENDPOINT");
}

void TestNotify::unreachableBucketIsALogLine()
{
    test::PeerServer s3(QStringLiteral("s3rver"), {QStringLiteral("gatehouse-logs")});
    QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
    useS3rver(s3);
    test::Workspace ws;
    QString log;
    QCOMPARE(runSample(ws, QStringLiteral("[report]\nlog_target=s3://no-such-bucket/reports\n"), &log), 1);
    QVERIFY2(log.contains(QStringLiteral("The reports were not copied to s3://no-such-bucket/reports")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("NoSuchBucket")), qPrintable(log));
    qunsetenv("GATEHOUSE_S3_ENDPOINT");
}

QTEST_GUILESS_MAIN(TestNotify)
#include "tst_notify.moc"
