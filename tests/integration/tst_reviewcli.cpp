// The review commands as a curator or a script drives them: the binding JSON shapes of sample, the exit
// statuses of verdict, approve and reject, status --json's review fields, the qa-csv report, and
// re-deliveries.
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "testsupport.h"

using namespace gh;

namespace {

QJsonObject json(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QString text(const test::CliResult &r)
{
    return QString::fromUtf8(r.out + r.err);
}

//! A delivery of \a count small files, each its own item.
QString makeDelivery(const test::Workspace &ws, const QString &name, int count)
{
    const QString dir = ws.file(QStringLiteral("deliveries/") + name);
    for (int i = 1; i <= count; ++i)
        test::writeFile(dir + QStringLiteral("/page-%1.bin").arg(i, 3, 10, QLatin1Char('0')),
                        test::pseudoRandomBytes(100 + i, quint64(i)));
    return dir;
}

} // namespace

class TestReviewCli : public QObject
{
    Q_OBJECT

private slots:
    void planAlone()
    {
        test::Workspace ws;
        const auto r = ws.cli({QStringLiteral("sample"), QStringLiteral("--lot-size"), QStringLiteral("300"),
                               QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        QCOMPARE(o.value(QStringLiteral("lot_size")).toInteger(), 300);
        QCOMPARE(o.value(QStringLiteral("code_letter")).toString(), QStringLiteral("H"));
        QCOMPARE(o.value(QStringLiteral("plan_letter")).toString(), QStringLiteral("H"));
        QCOMPARE(o.value(QStringLiteral("sample_size")).toInteger(), 50);
        QCOMPARE(o.value(QStringLiteral("accept")).toInteger(), 1);
        QCOMPARE(o.value(QStringLiteral("reject")).toInteger(), 2);
        QCOMPARE(o.value(QStringLiteral("aql")).toDouble(), 1.0);
        QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("II"));
        QVERIFY(!o.contains(QStringLiteral("seed")));
        QVERIFY(!o.contains(QStringLiteral("items")));
        // An arrow to another row, and 100 % inspection of a small lot.
        const QJsonObject up =
            json(ws.cli({QStringLiteral("sample"), QStringLiteral("--lot-size"), QStringLiteral("10"),
                         QStringLiteral("--aql"), QStringLiteral("0.65"), QStringLiteral("--level"),
                         QStringLiteral("S-3"), QStringLiteral("--json")})
                     .out);
        QCOMPARE(up.value(QStringLiteral("code_letter")).toString(), QStringLiteral("A"));
        QCOMPARE(up.value(QStringLiteral("plan_letter")).toString(), QStringLiteral("F"));
        QCOMPARE(up.value(QStringLiteral("sample_size")).toInteger(), 10);
        // Wrong input is a usage error that says what is allowed.
        for (const QStringList &bad : {QStringList{QStringLiteral("--lot-size"), QStringLiteral("0")},
                                       QStringList{QStringLiteral("--lot-size"), QStringLiteral("5"),
                                                   QStringLiteral("--aql"), QStringLiteral("3")},
                                       QStringList{QStringLiteral("--lot-size"), QStringLiteral("5"),
                                                   QStringLiteral("--level"), QStringLiteral("IV")}}) {
            const auto e = ws.cli(QStringList{QStringLiteral("sample")} + bad);
            QCOMPARE(e.exitCode, 2);
            QVERIFY(!e.err.isEmpty());
        }
    }

    void reviewAndRejectABatch()
    {
        test::Workspace ws;
        const QString config = ws.file(QStringLiteral("gatehouse.ini"));
        test::writeFile(config, "[review]\ncurator=Karen Blixen\nsuppliers=B7=Example Scanning\n");
        const QString delivery = makeDelivery(ws, QStringLiteral("B7-RT1"), 60);
        QCOMPARE(ws.cli({QStringLiteral("run"), delivery, QStringLiteral("-q")}).exitCode, 0);

        const auto drawn =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("sample"), QStringLiteral("1"),
                    QStringLiteral("--seed"), QStringLiteral("42"), QStringLiteral("--json")});
        QCOMPARE(drawn.exitCode, 0);
        const QJsonObject sample = json(drawn.out);
        QCOMPARE(sample.value(QStringLiteral("lot_size")).toInteger(), 60);
        QCOMPARE(sample.value(QStringLiteral("code_letter")).toString(), QStringLiteral("E"));
        QCOMPARE(sample.value(QStringLiteral("sample_size")).toInteger(), 13);
        QCOMPARE(sample.value(QStringLiteral("seed")).toInteger(), 42);
        const QJsonArray items = sample.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 13);
        QCOMPARE(sample.value(QStringLiteral("flagged_items")).toArray().size(), 0);

        // The same seed in another catalog draws the same items.
        test::Workspace other;
        QCOMPARE(other
                     .cli({QStringLiteral("run"), makeDelivery(other, QStringLiteral("B7-RT1"), 60),
                           QStringLiteral("-q")})
                     .exitCode,
                 0);
        QCOMPARE(json(other
                          .cli({QStringLiteral("sample"), QStringLiteral("1"), QStringLiteral("--seed"),
                                QStringLiteral("42"), QStringLiteral("--json")})
                          .out)
                     .value(QStringLiteral("items"))
                     .toArray(),
                 items);

        const QString first = QString::number(items[0].toInteger());
        const auto pass =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("verdict"), QStringLiteral("1"),
                    QStringLiteral("--item"), first, QStringLiteral("--pass")});
        QCOMPARE(pass.exitCode, 0);
        QVERIFY2(text(pass).contains(QStringLiteral("1 of 13 reviewed")), qPrintable(text(pass)));
        // Approval refused while the sample is incomplete: exit 1, saying why.
        const auto early = ws.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QCOMPARE(early.exitCode, 1);
        QVERIFY2(text(early).contains(QStringLiteral("incomplete")), qPrintable(text(early)));
        // Usage errors and unknown items.
        QCOMPARE(ws.cli({QStringLiteral("verdict"), QStringLiteral("1"), QStringLiteral("--item"), first})
                     .exitCode,
                 2);
        QCOMPARE(ws.cli({QStringLiteral("verdict"), QStringLiteral("1"), QStringLiteral("--item"),
                         QStringLiteral("no-such-item"), QStringLiteral("--pass")})
                     .exitCode,
                 1);
        QCOMPARE(ws.cli({QStringLiteral("verdict"), QStringLiteral("99"), QStringLiteral("--item"), first,
                         QStringLiteral("--pass")})
                     .exitCode,
                 2);
        // One defect: Ac is 0 at this plan, so the verdict turns to reject.
        const auto fail =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("verdict"), QStringLiteral("1"),
                    QStringLiteral("--item"), QString::number(items[1].toInteger()), QStringLiteral("--fail"),
                    QStringLiteral("cropped or skewed"), QStringLiteral("--note"),
                    QStringLiteral("gutter cut, page 2")});
        QCOMPARE(fail.exitCode, 0);
        QVERIFY(text(fail).contains(QStringLiteral("verdict reject")));

        const QJsonObject status =
            json(ws.cli({QStringLiteral("status"), QStringLiteral("1"), QStringLiteral("--json")}).out)
                .value(QStringLiteral("batches"))
                .toArray()
                .at(0)
                .toObject();
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("open"));
        QCOMPARE(status.value(QStringLiteral("supplier")).toString(), QStringLiteral("Example Scanning"));
        const QJsonObject review = status.value(QStringLiteral("review")).toObject();
        QCOMPARE(review.value(QStringLiteral("sample_size")).toInteger(), 13);
        QCOMPARE(review.value(QStringLiteral("reviewed")).toInteger(), 2);
        QCOMPARE(review.value(QStringLiteral("defects")).toInteger(), 1);
        QCOMPARE(review.value(QStringLiteral("verdict")).toString(), QStringLiteral("reject"));
        QCOMPARE(status.value(QStringLiteral("supplier_history")).toArray().size(), 1);

        // The spreadsheet: a header and one row per sampled item, with the verdict, reviewer and a link.
        const QString csv = ws.file(QStringLiteral("qa.csv"));
        QCOMPARE(ws.cli({QStringLiteral("report"), QStringLiteral("1"), QStringLiteral("--format"),
                         QStringLiteral("qa-csv"), QStringLiteral("-o"), csv})
                     .exitCode,
                 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 14);
        QVERIFY(lines[0].startsWith(
            QStringLiteral("item,label,files,why,findings,verdict,reason,note,reviewer")));
        const QString failedRow = *std::find_if(lines.cbegin(), lines.cend(), [](const QString &l) {
            return l.contains(QStringLiteral(",fail,"));
        });
        QVERIFY2(failedRow.contains(QStringLiteral("cropped or skewed,\"gutter cut, page 2\",Karen Blixen")),
                 qPrintable(failedRow));
        QVERIFY(failedRow.contains(QStringLiteral("gatehouse://batch/1/item/")));
        QVERIFY(failedRow.contains(ws.store()));

        // Reject: every stored copy goes, the records stay.
        QCOMPARE(ws.cli({QStringLiteral("reject"), QStringLiteral("1")}).exitCode,
                 2); // the reason is required
        const auto rejected =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("reject"), QStringLiteral("1"),
                    QStringLiteral("--reason"), QStringLiteral("cropped pages"), QStringLiteral("-q")});
        QCOMPARE(rejected.exitCode, 0);
        QVERIFY2(text(rejected).contains(QStringLiteral("60 stored objects removed")),
                 qPrintable(text(rejected)));
        QDirIterator stored(ws.store(), QDir::Files, QDirIterator::Subdirectories);
        while (stored.hasNext()) {
            const QString path = stored.next();
            QVERIFY2(path.contains(QStringLiteral("/.partial/")), qPrintable(path));
        }
        const QList<QByteArray> files =
            ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")}).out.split('\n');
        int deleted = 0;
        for (const QByteArray &line : files)
            deleted += json(line).value(QStringLiteral("status")).toString() == u"deleted" ? 1 : 0;
        QCOMPARE(deleted, 60);
        const QJsonObject after =
            json(ws.cli({QStringLiteral("status"), QStringLiteral("1"), QStringLiteral("--json")}).out)
                .value(QStringLiteral("batches"))
                .toArray()
                .at(0)
                .toObject();
        QCOMPARE(after.value(QStringLiteral("state")).toString(), QStringLiteral("rejected"));
        QCOMPARE(ws.cli({QStringLiteral("approve"), QStringLiteral("1"), QStringLiteral("--override"),
                         QStringLiteral("x")})
                     .exitCode,
                 1);

        // The vendor re-delivers as RT2: linked to RT1, and status shows what was wrong last time.
        QCOMPARE(ws.cli({QStringLiteral("run"), makeDelivery(ws, QStringLiteral("B7-RT2"), 60),
                         QStringLiteral("-q")})
                     .exitCode,
                 0);
        QCOMPARE(ws.cli({QStringLiteral("--config"), config, QStringLiteral("sample"), QStringLiteral("2")})
                     .exitCode,
                 0);
        const auto second =
            ws.cli({QStringLiteral("--config"), config, QStringLiteral("status"), QStringLiteral("2")});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(text(second).contains(QStringLiteral("Re-delivers batch 1")), qPrintable(text(second)));
        QVERIFY(text(second).contains(QStringLiteral("cropped pages")));
        QVERIFY(text(second).contains(QStringLiteral("cropped or skewed — gutter cut, page 2")));
        QVERIFY(text(second).contains(QStringLiteral("Supplier Example Scanning, last 2 batches")));
    }

    void approveWithAnOverrideIsRecorded()
    {
        test::Workspace ws;
        QCOMPARE(ws.cli({QStringLiteral("run"), makeDelivery(ws, QStringLiteral("small"), 5),
                         QStringLiteral("-q")})
                     .exitCode,
                 0);
        const QJsonObject sample =
            json(ws.cli({QStringLiteral("sample"), QStringLiteral("1"), QStringLiteral("--json")}).out);
        QCOMPARE(sample.value(QStringLiteral("sample_size")).toInteger(), 5); // 100 % of a small lot
        QVERIFY(sample.value(QStringLiteral("seed")).isDouble());             // a random seed, recorded
        for (const QJsonValue &id : sample.value(QStringLiteral("items")).toArray())
            QCOMPARE(ws.cli({QStringLiteral("verdict"), QStringLiteral("1"), QStringLiteral("--item"),
                             QString::number(id.toInteger()), QStringLiteral("--pass")})
                         .exitCode,
                     0);
        const auto approved =
            ws.cli({QStringLiteral("approve"), QStringLiteral("1"), QStringLiteral("--target"),
                    QStringLiteral("local:") + ws.file(QStringLiteral("archive"))});
        QCOMPARE(approved.exitCode, 0);
        QVERIFY(text(approved).contains(QStringLiteral("approved")));
        QCOMPARE(ws.cli({QStringLiteral("approve"), QStringLiteral("1")}).exitCode, 1);
        QCOMPARE(json(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                     .value(QStringLiteral("batches"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("review"))
                     .toObject()
                     .value(QStringLiteral("verdict"))
                     .toString(),
                 QStringLiteral("accept"));
    }

    void loadAndRunNameTheSupplierAndTheRejectedBatch()
    {
        test::Workspace ws;
        const auto batch = [&](int index) {
            return json(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                .value(QStringLiteral("batches"))
                .toArray()
                .at(index)
                .toObject();
        };
        // load --supplier records it as soon as the batch exists.
        const auto loaded = ws.cli({QStringLiteral("load"), makeDelivery(ws, QStringLiteral("first"), 3),
                                    QStringLiteral("--supplier"), QStringLiteral("Vendor A")});
        QCOMPARE(loaded.exitCode, 0);
        QCOMPARE(batch(0).value(QStringLiteral("supplier")).toString(), QStringLiteral("Vendor A"));
        QVERIFY(batch(0).value(QStringLiteral("redelivery_of")).isNull());
        // run --redelivery-of links the new batch; it comes from the same supplier unless told otherwise.
        const auto run =
            ws.cli({QStringLiteral("run"), makeDelivery(ws, QStringLiteral("second"), 3),
                    QStringLiteral("--redelivery-of"), QStringLiteral("1"), QStringLiteral("-q")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(batch(1).value(QStringLiteral("redelivery_of")).toInteger(), 1);
        QCOMPARE(batch(1).value(QStringLiteral("supplier")).toString(), QStringLiteral("Vendor A"));
        const auto named =
            ws.cli({QStringLiteral("run"), makeDelivery(ws, QStringLiteral("third"), 2),
                    QStringLiteral("--supplier"), QStringLiteral("Vendor B"), QStringLiteral("-q")});
        QCOMPARE(named.exitCode, 0);
        QCOMPARE(batch(2).value(QStringLiteral("supplier")).toString(), QStringLiteral("Vendor B"));
        // A batch that does not exist, or an empty name, is refused before anything is loaded.
        for (const QStringList &bad : {QStringList{QStringLiteral("--redelivery-of"), QStringLiteral("99")},
                                       QStringList{QStringLiteral("--redelivery-of"), QStringLiteral("x")},
                                       QStringList{QStringLiteral("--supplier"), QStringLiteral(" ")}}) {
            for (const QString &command : {QStringLiteral("load"), QStringLiteral("run")}) {
                const auto refused =
                    ws.cli(QStringList{command, makeDelivery(ws, QStringLiteral("fourth"), 1)} + bad);
                QCOMPARE(refused.exitCode, 2);
                QVERIFY2(refused.err.contains(bad.constFirst().toUtf8()), refused.err.constData());
            }
        }
        QCOMPARE(json(ws.cli({QStringLiteral("status"), QStringLiteral("--json")}).out)
                     .value(QStringLiteral("batches"))
                     .toArray()
                     .size(),
                 3);
    }
};

QTEST_GUILESS_MAIN(TestReviewCli)
#include "tst_reviewcli.moc"
