// Uploads in the transfers view: an approved batch goes to a real MediaWiki 1.39 (tests/peers/mediawiki.sh)
// behind the fault-injecting proxy reading request bodies slowly (tests/peers/mwproxy.py), driven through the
// EngineController as the main window drives it. While it runs the view shows each upload (file, host, bytes,
// rate) and the summary an ETA; the view's pause holds it (no new file starts) and resume finishes it; the
// Upload lamp goes running → done; cancel stops it, and the next run sends what is left, each file once.

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "catalog/catalog.h"
#include "noiseimage.h"
#include "peerserver.h"
#include "review/batchdecisions.h"
#include "review/shippedstages.h"
#include "store/localstore.h"
#include "targets/handover.h"
#include "targets/uploadplan.h"
#include "testsupport.h"
#include "ui/enginecontroller.h"
#include "ui/transfersmodel.h"
#include "ui/transfersview.h"

using namespace gh;

namespace {

QString readText(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

QPushButton *button(QWidget *parent, const QString &accessibleName)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>()) {
        if (b->accessibleName() == accessibleName)
            return b;
    }
    return nullptr;
}

//! A PNG of noise, stored uncompressed: about side² × 3 bytes, unique for \a seed.
void writePng(const QString &path, int side, quint32 seed)
{
    test::writeFile(path, test::noisePng(side, seed, 0));
}

//! The proxy's control endpoint.
QJsonDocument proxy(int port, const QString &path, bool post = true)
{
    QProcess curl;
    QStringList args{QStringLiteral("-s"), QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)};
    if (post)
        args.prepend(QStringLiteral("-XPOST"));
    curl.start(QStringLiteral("curl"), args);
    curl.waitForFinished(30000);
    return QJsonDocument::fromJson(curl.readAllStandardOutput());
}

} // namespace

class TestUploadTransfers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void showsPausesAndFinishesAnUpload();
    void cancelStopsAndTheNextRunSendsTheRest();

private:
    //! A batch of \a count images, loaded and fetched, approved for the wiki behind the proxy.
    qint64 approvedBatch(const test::Workspace &ws, const QString &prefix, int count, quint32 seed);
    RunOptions runOptions() const;
    StageState uploadLamp(const Workspace &workspace, qint64 batchId) const;
    //! Upload requests the wiki has been sent so far (through the proxy).
    int uploadRequests() const;
    QString spec() const { return QStringLiteral("mediawiki:%1/api.php").arg(m_proxy->baseUrl()); }

    std::unique_ptr<test::PeerServer> m_wiki;
    std::unique_ptr<test::PeerServer> m_proxy;
    QHash<QString, qint64> m_sizes; //!< File name → bytes, of every file made.
};

void TestUploadTransfers::initTestCase()
{
    // The stages an approval hands over to, as the main window registers them at start-up.
    ShippedStages::registerAll();
    m_wiki = std::make_unique<test::PeerServer>(QStringLiteral("mediawiki"));
    QVERIFY2(m_wiki->isRunning(), qPrintable(m_wiki->error()));
    m_proxy = std::make_unique<test::PeerServer>(QStringLiteral("mwproxy"), QStringList{m_wiki->baseUrl()});
    QVERIFY2(m_proxy->isRunning(), qPrintable(m_proxy->error()));
    // The run's credentials, as a curator's session has them (environment, config file or keyring).
    qputenv("GATEHOUSE_MEDIAWIKI_USER", readText(m_wiki->dir() + u"/bot_user").toUtf8());
    qputenv("GATEHOUSE_MEDIAWIKI_PASSWORD", readText(m_wiki->dir() + u"/bot_password").toUtf8());
}

void TestUploadTransfers::cleanup()
{
    proxy(m_proxy->port(), QStringLiteral("/_proxy/slow?rate=0"));
}

RunOptions TestUploadTransfers::runOptions() const
{
    RunOptions options;
    options.transfer.contact = QStringLiteral("mailto:tests@gatehouse.invalid");
    return options;
}

qint64 TestUploadTransfers::approvedBatch(const test::Workspace &ws, const QString &prefix, int count,
                                          quint32 seed)
{
    const QString src = ws.file(prefix);
    QDir().mkpath(src);
    for (int i = 1; i <= count; ++i) {
        const QString name = QStringLiteral("%1-%2.png").arg(prefix).arg(i);
        writePng(QDir(src).filePath(name), 560, seed + quint32(i));
        m_sizes.insert(name, QFileInfo(QDir(src).filePath(name)).size());
    }
    const auto run = ws.cli({QStringLiteral("run"), src}, 300000);
    if (run.exitCode > 1)
        qWarning("%s", run.err.constData());
    // Approved as the review view approves: the decision, the batch's target, then the engine runs it.
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    auto catalog = Catalog::open(workspace->catalog());
    auto store = LocalStore::open(ws.store());
    if (!catalog || !store)
        return 0;
    BatchDecisions decisions(**catalog, store->get());
    auto approved =
        decisions.approve(1, spec(), QStringLiteral("tst_uploadtransfers"), QStringLiteral("tester"));
    if (!approved) {
        qWarning("%s", qPrintable(approved.error().message));
        return 0;
    }
    auto routes = TargetRoute::fromArguments({QStringLiteral("--target"), spec()});
    auto options = UploadHandover::optionsFor(runOptions());
    if (!routes || !options ||
        !UploadHandover::record(**catalog, 1, *routes, *options, QStringLiteral("approve")))
        return 0;
    return 1;
}

StageState TestUploadTransfers::uploadLamp(const Workspace &workspace, qint64 batchId) const
{
    auto catalog = Catalog::open(workspace.catalog());
    if (!catalog)
        return StageState::Failed;
    auto batch = (*catalog)->batch(batchId);
    return batch ? batch->stages.value(Stage::Upload, StageState::NotStarted) : StageState::Failed;
}

int TestUploadTransfers::uploadRequests() const
{
    int n = 0;
    const QJsonArray requests = proxy(m_proxy->port(), QStringLiteral("/_proxy/requests"), false).array();
    for (const QJsonValue &r : requests)
        n += r.toObject()
                 .value(QStringLiteral("form"))
                 .toObject()
                 .value(QStringLiteral("action"))
                 .toString() == u"upload";
    return n;
}

void TestUploadTransfers::showsPausesAndFinishesAnUpload()
{
    test::Workspace ws;
    const qint64 batchId = approvedBatch(ws, QStringLiteral("Transfers-p"), 4, 100);
    QCOMPARE(batchId, qint64(1));
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    QCOMPARE(uploadLamp(*workspace, batchId), StageState::NotStarted);

    // About 940 KiB a file at 300 kB/s: three seconds each, one at a time (a wiki's default).
    proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));
    proxy(m_proxy->port(), QStringLiteral("/_proxy/slow?rate=300000"));
    EngineController controller(*workspace, runOptions());
    TransfersView view(&controller);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy paused(controller.engine(), &Engine::pausedChanged);
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    bool rateAndEta = false;
    connect(controller.engine(), &Engine::progressChanged, this, [&](const Progress &p) {
        for (const TransferActivity &t : p.transfers)
            rateAndEta =
                rateAndEta || (p.stage == Stage::Upload && t.bytesPerSecond > 0 && p.etaSeconds >= 0);
    });
    controller.start();
    controller.runBatch(batchId);

    // A row per running upload: the file, the wiki's host, its bytes, a rate; an ETA for the stage.
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 60000);
    const QModelIndex row = view.model()->index(0, TransfersModel::NameColumn);
    const QString label = row.data().toString();
    const QString name = label.section(u'/', -1);
    QVERIFY2(label.contains(u'/') && m_sizes.contains(name), qPrintable(label));
    QCOMPARE(view.model()->index(0, TransfersModel::HostColumn).data().toString(),
             QStringLiteral("127.0.0.1"));
    QCOMPARE(row.data(TransfersModel::TotalRole).toLongLong(), m_sizes.value(name));
    QVERIFY(row.data(TransfersModel::ReceivedRole).toLongLong() <= m_sizes.value(name));
    QTRY_VERIFY_WITH_TIMEOUT(rateAndEta, 30000);
    QVERIFY(
        view.model()->index(0, TransfersModel::RateColumn).data().toString().endsWith(QStringLiteral("/s")));
    QCOMPARE(uploadLamp(*workspace, batchId), StageState::Running);

    // Pause: the upload on the wire is held, and no other file starts.
    QPushButton *pause = button(&view, QStringLiteral("Pause transfers"));
    QVERIFY(pause && pause->isEnabled());
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!paused.isEmpty(), 10000);
    QCOMPARE(paused.constLast().at(0).toBool(), true);
    QVERIFY(view.isPaused());
    QTest::qWait(1000);
    const int sentAtPause = uploadRequests();
    QSet<qint64> rowsAtPause;
    for (int r = 0; r < view.model()->rowCount(); ++r)
        rowsAtPause.insert(view.model()->index(r, 0).data(TransfersModel::FileIdRole).toLongLong());
    QTest::qWait(4000);
    // The request the proxy was reading may end (its bytes were in the sockets' buffers); none starts.
    QVERIFY2(uploadRequests() <= sentAtPause + 1, qPrintable(QString::number(uploadRequests())));
    QVERIFY(uploadRequests() < 4);
    for (int r = 0; r < view.model()->rowCount(); ++r)
        QVERIFY(
            rowsAtPause.contains(view.model()->index(r, 0).data(TransfersModel::FileIdRole).toLongLong()));
    QVERIFY(finished.isEmpty());
    QVERIFY(view.summaryText().contains(QStringLiteral("paused")));

    // Resume: every file arrives, once, and the lamp says done.
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(paused.constLast().at(0).toBool(), false, 10000);
    QVERIFY(finished.wait(180000));
    QCOMPARE(finished.constFirst().at(1).toBool(), true);
    QCOMPARE(uploadLamp(*workspace, batchId), StageState::Done);
    QCOMPARE(uploadRequests(), 4);
    const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
    int uploaded = 0;
    for (const QByteArray &line : files.out.split('\n')) {
        const QJsonObject target = QJsonDocument::fromJson(line)
                                       .object()
                                       .value(QStringLiteral("targets"))
                                       .toArray()
                                       .first()
                                       .toObject();
        uploaded += target.value(QStringLiteral("state")).toString() == u"uploaded" &&
                    target.value(QStringLiteral("verified")).toBool();
    }
    QCOMPARE(uploaded, 4);
    QTRY_VERIFY(!pause->isEnabled());
    QCOMPARE(view.model()->rowCount(), 0);
}

void TestUploadTransfers::cancelStopsAndTheNextRunSendsTheRest()
{
    test::Workspace ws;
    const qint64 batchId = approvedBatch(ws, QStringLiteral("Transfers-c"), 4, 200);
    QCOMPARE(batchId, qint64(1));
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    proxy(m_proxy->port(), QStringLiteral("/_proxy/reset"));
    proxy(m_proxy->port(), QStringLiteral("/_proxy/slow?rate=300000"));
    {
        EngineController controller(*workspace, runOptions());
        TransfersView view(&controller);
        QSignalSpy finished(controller.engine(), &Engine::runFinished);
        controller.start();
        controller.runBatch(batchId);
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 60000);
        QTest::mouseClick(button(&view, QStringLiteral("Cancel the running stage")), Qt::LeftButton);
        QVERIFY(finished.wait(20000));
        QVERIFY(uploadRequests() < 4);
        QVERIFY(uploadLamp(*workspace, batchId) != StageState::Done);
        QVERIFY(uploadLamp(*workspace, batchId) != StageState::Running);
    }
    // Nothing lost, nothing twice: the next run sends the rest.
    proxy(m_proxy->port(), QStringLiteral("/_proxy/slow?rate=0"));
    const auto again = ws.cli({QStringLiteral("upload"), QStringLiteral("1"), QStringLiteral("--target"),
                               spec(), QStringLiteral("--json")},
                              300000);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QCOMPARE(uploadLamp(*workspace, batchId), StageState::Done);
    const QJsonArray requests = proxy(m_proxy->port(), QStringLiteral("/_proxy/requests"), false).array();
    QHash<QString, int> perName;
    for (const QJsonValue &r : requests) {
        const QJsonObject form = r.toObject().value(QStringLiteral("form")).toObject();
        if (form.value(QStringLiteral("action")).toString() == u"upload")
            ++perName[form.value(QStringLiteral("filename")).toString()];
    }
    QCOMPARE(perName.size(), 4);
    for (auto it = perName.cbegin(); it != perName.cend(); ++it)
        QVERIFY2(it.value() <= 2,
                 qPrintable(it.key())); // at most the cancelled attempt and the one that went
}

QTEST_MAIN(TestUploadTransfers)
#include "tst_uploadtransfers.moc"
