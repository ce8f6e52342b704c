// The hand-over from the curator's review to the targets (issues 10, 13 and 14), through gatehouse-cli
// against real servers: a batch loaded with a [targets] default waits at the review and sends nothing;
// approving it uploads every file once (a local folder, s3rver), approving or running again sends nothing; an
// upload an approval started and SIGKILL interrupted is finished by the next run with every file there once;
// a rejection withdraws what was delivered before the verdict (local folder and s3rver), rows say deleted and
// the PREMIS deletion events name the target, and the batch's own S3 store is emptied too; the summary mail
// goes out at the end of an upload and of an approval's upload (aiosmtpd).

#include <signal.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "catalog/catalog.h"
#include "peerserver.h"
#include "testsupport.h"

using namespace gh;

namespace {

using test::filesUnder;
using test::jsonLines;
using test::mailbox;
using test::sha256Of;

//! The objects s3rver holds in \a bucket under \a prefix, with the identity of their data files.
QHash<QString, test::FileIdentity> s3Objects(const test::PeerServer &s3, const QString &bucket,
                                             const QString &prefix)
{
    static const QString suffix = QStringLiteral("._S3rver_object");
    QHash<QString, test::FileIdentity> objects;
    const QString root = s3.dir() + u"/data/" + bucket;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString key = QDir(root).relativeFilePath(path);
        if (key.endsWith(suffix) && key.startsWith(prefix))
            objects.insert(key.chopped(suffix.size()), test::fileIdentity(path));
    }
    return objects;
}

QHash<QString, test::FileIdentity> identities(const QString &dir)
{
    QHash<QString, test::FileIdentity> result;
    for (const QString &f : filesUnder(dir))
        result.insert(f, test::fileIdentity(dir + u'/' + f));
    return result;
}

void useS3rver(const test::PeerServer &s3)
{
    qputenv("GATEHOUSE_S3_ENDPOINT", s3.baseUrl().toUtf8());
    qputenv("GATEHOUSE_S3_ADDRESSING", "path");
    qputenv("GATEHOUSE_S3_KEYCHAIN", "0");
    qputenv("AWS_ACCESS_KEY_ID", "S3RVER");
    qputenv("AWS_SECRET_ACCESS_KEY", "S3RVER");
}

} // namespace

class tst_Handover : public QObject
{
    Q_OBJECT

    //! A source folder of text and binary files: four items of one file each.
    static QString makeSource(const test::Workspace &ws)
    {
        const QString src = ws.file(QStringLiteral("src"));
        test::writeFile(src + u"/notes.txt", "a note\n");
        test::writeFile(src + u"/readme.txt", "read me\n");
        test::writeFile(src + u"/scan-1.bin", test::pseudoRandomBytes(70000, 1));
        test::writeFile(src + u"/scan-2.bin", test::pseudoRandomBytes(90000, 2));
        return src;
    }

    static QString writeConfig(const test::Workspace &ws, const QString &ini)
    {
        const QString config = ws.file(QStringLiteral("gatehouse.ini"));
        test::writeFile(config, ini.toUtf8());
        return config;
    }

    //! files BATCH --json, by name.
    static QHash<QString, QJsonObject> files(const test::Workspace &ws, int batch = 1)
    {
        const auto result =
            ws.cli({QStringLiteral("files"), QString::number(batch), QStringLiteral("--json")});
        [&] { QCOMPARE(result.exitCode, 0); }();
        QHash<QString, QJsonObject> byPath;
        for (const QJsonObject &o : jsonLines(result.out))
            byPath.insert(o.value(QStringLiteral("name")).toString(), o);
        return byPath;
    }

    //! The one row of each file at \a spec, by file name.
    static QHash<QString, QJsonObject> rowsAt(const test::Workspace &ws, const QString &spec)
    {
        QHash<QString, QJsonObject> rows;
        for (const QJsonObject &f : files(ws)) {
            for (const QJsonValue &t : f.value(QStringLiteral("targets")).toArray()) {
                if (t.toObject().value(QStringLiteral("target")).toString() == spec)
                    rows.insert(f.value(QStringLiteral("name")).toString(), t.toObject());
            }
        }
        return rows;
    }

    static QJsonObject status(const test::Workspace &ws)
    {
        const auto result = ws.cli({QStringLiteral("status"), QStringLiteral("1"), QStringLiteral("--json")});
        return QJsonDocument::fromJson(result.out)
            .object()
            .value(QStringLiteral("batches"))
            .toArray()
            .at(0)
            .toObject();
    }

    static QStringList approve(const QString &config)
    {
        return {QStringLiteral("--config"),   config,
                QStringLiteral("approve"),    QStringLiteral("1"),
                QStringLiteral("--override"), QStringLiteral("the sample is reviewed in tst_reviewcli")};
    }

private slots:
    void approvalUploadsToTheDefaultTargetOnce()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString archive = ws.file(QStringLiteral("archive"));
        const QString config = writeConfig(ws, QStringLiteral("[targets]\ndefault=local:%1\n").arg(archive));

        // Loaded with a default target: the batch waits at the review, and nothing has been sent.
        const auto run = ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(filesUnder(archive).isEmpty());
        QCOMPARE(status(ws).value(QStringLiteral("state")).toString(), QStringLiteral("open"));
        const QJsonObject waiting = status(ws).value(QStringLiteral("stages")).toObject();
        QCOMPARE(waiting.value(QStringLiteral("review")).toString(), QStringLiteral("attention"));
        QCOMPARE(waiting.value(QStringLiteral("upload")).toString(), QStringLiteral("not-started"));
        for (const QJsonObject &f : files(ws))
            QVERIFY(f.value(QStringLiteral("targets")).toArray().isEmpty());
        // Running the batch again does not pass the review either.
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("fetch"), QStringLiteral("1")})
                     .exitCode,
                 0);
        QVERIFY(filesUnder(archive).isEmpty());

        // Approving hands the batch over: every file arrives once, with the bytes that were fetched.
        const auto approved = ws.cli(approve(config) << QStringLiteral("--json"));
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        const QJsonObject said = QJsonDocument::fromJson(approved.out).object();
        QCOMPARE(said.value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
        const QJsonObject counts = said.value(QStringLiteral("targets")).toArray().at(0).toObject();
        QCOMPARE(counts.value(QStringLiteral("target")).toString(), QStringLiteral("local:") + archive);
        QCOMPARE(counts.value(QStringLiteral("uploaded")).toInt(), 4);
        QCOMPARE(counts.value(QStringLiteral("failed")).toInt(), 0);
        QCOMPARE(filesUnder(archive).size(), 4);
        const auto rows = rowsAt(ws, QStringLiteral("local:") + archive);
        QCOMPARE(rows.size(), 4);
        for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
            QCOMPARE(it->value(QStringLiteral("state")).toString(), QStringLiteral("uploaded"));
            QVERIFY(it->value(QStringLiteral("verified")).toBool());
            QCOMPARE(sha256Of(archive + u'/' + it->value(QStringLiteral("name")).toString()),
                     sha256Of(src + u'/' + it.key()));
        }
        QCOMPARE(status(ws).value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
        const auto delivered = identities(archive);

        // Approving again is refused and sends nothing; running the batch again sends nothing.
        QCOMPARE(ws.cli(approve(config)).exitCode, 1);
        const auto again =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("fetch"), QStringLiteral("1")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(identities(archive), delivered);

        // The catalog says where the batch goes and who said so.
        auto catalog = Catalog::open(*CatalogLocation::parse(ws.catalog()));
        QVERIFY(catalog);
        auto targets = (*catalog)->batchTargetSpecs(1);
        QVERIFY(targets);
        QCOMPARE(targets->size(), 1);
        QCOMPARE(targets->first().spec, QStringLiteral("local:") + archive);
        QCOMPARE(targets->first().setBy, QStringLiteral("settings"));
    }

    void approvalWithoutATargetFinishesAtTheReview()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString config = writeConfig(ws, QString());
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);
        const auto approved = ws.cli(approve(config));
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        // No upload lamp: the batch is finished at the review.
        const QJsonObject stages = status(ws).value(QStringLiteral("stages")).toObject();
        QCOMPARE(stages.value(QStringLiteral("review")).toString(), QStringLiteral("done"));
        QCOMPARE(stages.value(QStringLiteral("upload")).toString(), QStringLiteral("not-started"));
        for (const QJsonObject &f : files(ws))
            QVERIFY(f.value(QStringLiteral("targets")).toArray().isEmpty());
    }

    void approvalWithATargetUploadsToS3Once()
    {
        test::PeerServer s3(QStringLiteral("s3rver"));
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        useS3rver(s3);
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString config = writeConfig(ws, QString());
        const QString spec = QStringLiteral("s3://gatehouse-test/approved");
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);
        QVERIFY(s3Objects(s3, QStringLiteral("gatehouse-test"), QString()).isEmpty());

        const auto approved = ws.cli(approve(config) << QStringLiteral("--target") << spec);
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        const auto objects = s3Objects(s3, QStringLiteral("gatehouse-test"), QStringLiteral("approved/"));
        QCOMPARE(objects.size(), 4);
        const auto rows = rowsAt(ws, spec);
        QCOMPARE(rows.size(), 4);
        for (const QJsonObject &row : rows) {
            QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("uploaded"));
            QVERIFY(row.value(QStringLiteral("verified")).toBool());
            QVERIFY(
                objects.contains(QStringLiteral("approved/") + row.value(QStringLiteral("name")).toString()));
        }
        // Running again asks the bucket and sends nothing.
        const auto again =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("fetch"), QStringLiteral("1")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(s3Objects(s3, QStringLiteral("gatehouse-test"), QStringLiteral("approved/")), objects);
    }

    void killedApprovalUploadIsFinishedOnce()
    {
        test::Workspace ws;
        const QString src = ws.file(QStringLiteral("src"));
        constexpr int count = 40;
        for (int i = 0; i < count; ++i)
            test::writeFile(src + QStringLiteral("/f%1.bin").arg(i, 3, 10, QChar(u'0')),
                            test::pseudoRandomBytes(3 * 1024 * 1024, quint64(300 + i)));
        const QString archive = ws.file(QStringLiteral("archive"));
        const QString config =
            writeConfig(ws, QStringLiteral("[targets]\ndefault=local:%1\njobs=1\n").arg(archive));
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);

        QProcess cli;
        cli.setProcessEnvironment(ws.environment());
        cli.start(test::binary(QStringLiteral("gatehouse-cli")),
                  QStringList{QStringLiteral("--catalog"), ws.catalog()} + approve(config));
        QVERIFY(cli.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (filesUnder(archive).size() < 4 && timer.elapsed() < 120000 && cli.state() == QProcess::Running)
            QTest::qWait(5);
        QVERIFY2(cli.state() == QProcess::Running, "the approval's upload ended before it could be killed");
        ::kill(pid_t(cli.processId()), SIGKILL);
        QVERIFY(cli.waitForFinished(10000));
        QVERIFY(filesUnder(archive).size() < count);

        // Running the source again resumes this batch (no new one) and finishes its upload.
        const auto rerun = ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}, 300000);
        QVERIFY2(rerun.exitCode == 0, rerun.err.constData());
        const auto all = ws.cli({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(all.out).object().value(QStringLiteral("batches")).toArray().size(),
                 1);
        const auto rows = rowsAt(ws, QStringLiteral("local:") + archive);
        QCOMPARE(rows.size(), count);
        QStringList expected;
        for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
            QCOMPARE(it->value(QStringLiteral("state")).toString(), QStringLiteral("uploaded"));
            QVERIFY(it->value(QStringLiteral("verified")).toBool());
            const QString name = it->value(QStringLiteral("name")).toString();
            expected.append(name);
            QCOMPARE(sha256Of(archive + u'/' + name), sha256Of(src + u'/' + it.key()));
        }
        expected.sort();
        // Every file there once, and no half-written leftovers beside them.
        QCOMPARE(filesUnder(archive), expected);
    }

    void rejectionWithdrawsLocalDeliveries()
    {
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString archive = ws.file(QStringLiteral("archive"));
        const QString spec = QStringLiteral("local:") + archive;
        // Delivered before the verdict, as the operator asked.
        const auto run = ws.cli({QStringLiteral("run"), src, QStringLiteral("--target"), spec});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(filesUnder(archive).size(), 4);
        // Someone else's file in the same folder is none of the batch's business.
        test::writeFile(archive + u"/unrelated.txt", "keep me\n");

        const auto rejected = ws.cli({QStringLiteral("reject"), QStringLiteral("1"),
                                      QStringLiteral("--reason"), QStringLiteral("pages cropped")});
        QVERIFY2(rejected.exitCode == 0, rejected.err.constData());
        QVERIFY2(rejected.err.contains(QByteArray(QByteArray("4 files deleted from ") + archive.toUtf8())),
                 rejected.err.constData());
        QCOMPARE(filesUnder(archive), QStringList{QStringLiteral("unrelated.txt")});
        const auto rows = rowsAt(ws, spec);
        QCOMPARE(rows.size(), 4);
        for (const QJsonObject &row : rows)
            QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));

        // The events stay: the transfers, and a deletion per file naming the target.
        auto catalog = Catalog::open(*CatalogLocation::parse(ws.catalog()));
        QVERIFY(catalog);
        auto events = (*catalog)->events(1);
        QVERIFY(events);
        int deletions = 0;
        int transfers = 0;
        for (const EventRecord &e : std::as_const(*events)) {
            if (e.type == u"deletion" && e.detail.contains(spec) && e.fileId > 0)
                ++deletions;
            if (e.type == u"transfer")
                ++transfers;
        }
        QCOMPARE(deletions, 4);
        QVERIFY(transfers >= 4);

        // Rejecting again deletes nothing more and records nothing twice.
        QCOMPARE(ws.cli({QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"),
                         QStringLiteral("pages cropped")})
                     .exitCode,
                 0);
        auto after = (*catalog)->events(1);
        QVERIFY(after);
        QCOMPARE(std::count_if(
                     after->cbegin(), after->cend(),
                     [&](const EventRecord &e) { return e.type == u"deletion" && e.detail.contains(spec); }),
                 qsizetype(deletions));
        // And a rejected batch is never uploaded again.
        QCOMPARE(ws.cli({QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"), spec})
                     .exitCode,
                 2);
        QCOMPARE(filesUnder(archive), QStringList{QStringLiteral("unrelated.txt")});
    }

    void rejectionWithdrawsS3DeliveriesAndEmptiesTheS3Store()
    {
        test::PeerServer s3(QStringLiteral("s3rver"),
                            {QStringLiteral("gatehouse-test"), QStringLiteral("gatehouse-store")});
        QVERIFY2(s3.isRunning(), qPrintable(s3.error()));
        useS3rver(s3);
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString spec = QStringLiteral("s3://gatehouse-test/delivered");
        const QStringList store{QStringLiteral("--store"), QStringLiteral("s3://gatehouse-store/store")};
        const auto run =
            ws.cli(store + QStringList{QStringLiteral("run"), src, QStringLiteral("--target"), spec});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(s3Objects(s3, QStringLiteral("gatehouse-test"), QStringLiteral("delivered/")).size(), 4);
        QCOMPARE(s3Objects(s3, QStringLiteral("gatehouse-store"), QStringLiteral("store/")).size(), 4);

        const auto rejected =
            ws.cli(store + QStringList{QStringLiteral("reject"), QStringLiteral("1"),
                                       QStringLiteral("--reason"), QStringLiteral("wrong reel")});
        QVERIFY2(rejected.exitCode == 0, rejected.err.constData());
        QVERIFY2(rejected.err.contains(QByteArray(QByteArray("4 files deleted from ") + spec.toUtf8())),
                 rejected.err.constData());
        QVERIFY(s3Objects(s3, QStringLiteral("gatehouse-test"), QStringLiteral("delivered/")).isEmpty());
        QVERIFY(s3Objects(s3, QStringLiteral("gatehouse-store"), QStringLiteral("store/")).isEmpty());
        for (const QJsonObject &row : rowsAt(ws, spec))
            QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));
        for (const QJsonObject &f : files(ws))
            QCOMPARE(f.value(QStringLiteral("status")).toString(), QStringLiteral("deleted"));
    }

    void summaryMailAtTheEndOfUploadAndApproval()
    {
        test::PeerServer smtp(QStringLiteral("smtp"));
        QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
        test::Workspace ws;
        const QString src = makeSource(ws);
        const QString archive = ws.file(QStringLiteral("archive"));
        const QString config =
            writeConfig(ws, QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                           "from=gatehouse@library.example\nto=curators@library.example\n")
                                .arg(smtp.port()));
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), src}).exitCode, 0);
        const QString maildir = smtp.dir() + u"/maildir";
        QCOMPARE(mailbox(maildir).size(), 1); // the run's

        const auto upload =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("upload"), QStringLiteral("1"),
                    QStringLiteral("--target"), QStringLiteral("local:") + ws.file(QStringLiteral("early"))});
        QVERIFY2(upload.exitCode == 0, upload.err.constData());
        QCOMPARE(mailbox(maildir).size(), 2);

        const auto approved =
            ws.cli(approve(config) << QStringLiteral("--target") << QStringLiteral("local:") + archive);
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        QCOMPARE(filesUnder(archive).size(), 4);
        const auto messages = mailbox(maildir);
        QCOMPARE(messages.size(), 3);
        QStringList subjects;
        for (const QJsonObject &m : messages)
            subjects.append(m.value(QStringLiteral("subject")).toString());
        QVERIFY2(subjects.filter(QStringLiteral("approved")).size() == 1, qPrintable(subjects.join(u'\n')));
        // The approval's summary has its uploads.
        for (const QJsonObject &m : messages) {
            if (m.value(QStringLiteral("subject")).toString().contains(QStringLiteral("approved")))
                QVERIFY2(m.value(QStringLiteral("body")).toString().contains(QStringLiteral("Uploads")),
                         qPrintable(m.value(QStringLiteral("body")).toString()));
        }
    }

    void summaryMailAtTheEndOfRejectionAndOfAnApprovalWithoutUpload()
    {
        // Decisions that no run follows end as a run does: the summary mail, with the verdict in its subject.
        test::PeerServer smtp(QStringLiteral("smtp"));
        QVERIFY2(smtp.isRunning(), qPrintable(smtp.error()));
        test::Workspace ws;
        const QString config =
            writeConfig(ws, QStringLiteral("[mail]\nsmtp_url=\"smtp://127.0.0.1:%1?starttls=no\"\n"
                                           "from=gatehouse@library.example\nto=curators@library.example\n")
                                .arg(smtp.port()));
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), makeSource(ws)}).exitCode,
                 0);
        const QString maildir = smtp.dir() + u"/maildir";
        QCOMPARE(mailbox(maildir).size(), 1); // the run's

        const auto approved = ws.cli(approve(config)); // no target, no default: nothing to upload
        QVERIFY2(approved.exitCode == 0, approved.err.constData());
        QCOMPARE(mailbox(maildir).size(), 2);

        const QString second = ws.file(QStringLiteral("second"));
        test::writeFile(second + u"/page.txt", "page\n");
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("run"), second}).exitCode, 0);
        QCOMPARE(mailbox(maildir).size(), 3);
        const auto rejected =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("reject"), QStringLiteral("2"),
                    QStringLiteral("--reason"), QStringLiteral("torn")});
        QVERIFY2(rejected.exitCode == 0, rejected.err.constData());
        const auto messages = mailbox(maildir);
        QCOMPARE(messages.size(), 4);
        QStringList subjects;
        for (const QJsonObject &m : messages)
            subjects.append(m.value(QStringLiteral("subject")).toString());
        QVERIFY2(subjects.filter(QStringLiteral("approved")).size() == 1, qPrintable(subjects.join(u'\n')));
        QVERIFY2(subjects.filter(QStringLiteral("rejected")).size() == 1, qPrintable(subjects.join(u'\n')));
    }
};

QTEST_MAIN(tst_Handover)
#include "tst_handover.moc"
