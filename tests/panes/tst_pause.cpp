#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "catalog/catalog.h"
#include "peerserver.h"
#include "testsupport.h"
#include "ui/enginecontroller.h"
#include "ui/transfersmodel.h"
#include "ui/transfersview.h"

using namespace gh;

namespace {

QPushButton *button(QWidget *parent, const QString &accessibleName)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>()) {
        if (b->accessibleName() == accessibleName)
            return b;
    }
    return nullptr;
}

//! Bytes waiting under the store's .partial folder: what running downloads have written so far.
qint64 partialBytes(const QString &store)
{
    qint64 total = 0;
    const QDir partial(QDir(store).filePath(QStringLiteral(".partial")));
    for (const QFileInfo &info : partial.entryInfoList(QDir::Files | QDir::Hidden))
        total += info.size();
    return total;
}

} // namespace

/*!
    Pause, resume and cancel a real batch through the transfers view's buttons, the EngineController and the
    engine's thread, against nginx slowed down so the downloads are still running when the buttons are
   pressed.
*/
class TestPause : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pauseHoldsThenResumeCompletes();
    void cancelWhilePaused();

private:
    //! Files served by nginx, name → sha256.
    QHash<QString, QString> m_expected;
    QTemporaryDir m_root;
    std::unique_ptr<test::PeerServer> m_nginx;
};

void TestPause::initTestCase()
{
    QVERIFY(m_root.isValid());
    for (int i = 0; i < 6; ++i) {
        const QByteArray content = test::pseudoRandomBytes(3 * 1024 * 1024 + i * 1000, quint64(900 + i));
        const QString name = QStringLiteral("scan-%1.tif").arg(i);
        test::writeFile(m_root.filePath(name), content);
        m_expected.insert(
            name, QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));
    }
    // 1 MB/s per connection: each file takes about three seconds, so there is time to pause mid-way.
    m_nginx = std::make_unique<test::PeerServer>(
        QStringLiteral("nginx"),
        QStringList{m_root.path(), QStringLiteral("--rate"), QStringLiteral("1000000")});
    QVERIFY2(m_nginx->isRunning(), qPrintable(m_nginx->error()));
}

void TestPause::pauseHoldsThenResumeCompletes()
{
    test::Workspace ws;
    QStringList urls;
    for (auto it = m_expected.cbegin(); it != m_expected.cend(); ++it)
        urls.append(m_nginx->baseUrl() + u'/' + it.key());
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8() + '\n');

    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY2(workspace, qPrintable(workspace ? QString() : workspace.error().message));
    RunOptions options;
    options.transfer.jobs = 2; // four files wait while two run: pause must hold those back too
    EngineController controller(*workspace, options);
    TransfersView view(&controller);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QSignalSpy progress(controller.engine(), &Engine::progressChanged);
    QSignalSpy paused(controller.engine(), &Engine::pausedChanged);
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    controller.start();
    controller.runSource(ws.file(QStringLiteral("list.txt")));

    // Wait until downloads are under way, then pause with the view's button.
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0 && partialBytes(ws.store()) > 200 * 1024, 30000);
    QPushButton *pause = button(&view, QStringLiteral("Pause transfers"));
    QVERIFY(pause && pause->isEnabled());
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!paused.isEmpty(), 10000);
    QCOMPARE(paused.constLast().at(0).toBool(), true);
    QVERIFY(view.isPaused());
    QCOMPARE(pause->accessibleName(), QStringLiteral("Resume transfers"));

    // Bytes already in socket buffers may still land just after the pause; then nothing moves.
    QTest::qWait(700);
    const qint64 heldBytes = partialBytes(ws.store());
    QHash<qint64, qint64> heldReceived;
    for (int row = 0; row < view.model()->rowCount(); ++row) {
        const QModelIndex index = view.model()->index(row, 0);
        heldReceived.insert(index.data(TransfersModel::FileIdRole).toLongLong(),
                            index.data(TransfersModel::ReceivedRole).toLongLong());
    }
    progress.clear();
    QTest::qWait(2500);
    QCOMPARE(partialBytes(ws.store()), heldBytes);
    // What the view shows holds too: no transfer's count moves, none starts.
    for (const QList<QVariant> &args : std::as_const(progress)) {
        const auto p = args.at(0).value<Progress>();
        for (const TransferActivity &t : p.transfers) {
            QVERIFY2(heldReceived.contains(t.tag), qPrintable(t.label));
            QCOMPARE(t.bytesDone, heldReceived.value(t.tag));
        }
    }
    QVERIFY(finished.isEmpty());
    QVERIFY(view.summaryText().contains(QStringLiteral("paused")));

    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(paused.constLast().at(0).toBool(), false, 10000);
    QCOMPARE(pause->accessibleName(), QStringLiteral("Pause transfers"));
    QTRY_VERIFY_WITH_TIMEOUT(partialBytes(ws.store()) > heldBytes || !finished.isEmpty(), 10000);

    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.constFirst().at(1).toBool(), true);
    const qint64 batchId = finished.constFirst().at(0).toLongLong();

    // Every file arrived whole: the catalog's digests match what nginx served, and so do the stored bytes.
    auto catalog = Catalog::open(workspace->catalog());
    QVERIFY(catalog);
    auto files = (*catalog)->files(batchId);
    QVERIFY(files);
    QCOMPARE(files->size(), m_expected.size());
    for (const FileRecord &f : std::as_const(*files)) {
        QCOMPARE(f.status, FileStatus::Success);
        const QString name = QUrl(f.sourceUrl).fileName();
        QCOMPARE(f.digests.sha256, m_expected.value(name));
        QFile stored(QDir(ws.store()).filePath(f.storedKey));
        QVERIFY2(stored.open(QIODevice::ReadOnly), qPrintable(stored.fileName()));
        QCOMPARE(QString::fromLatin1(
                     QCryptographicHash::hash(stored.readAll(), QCryptographicHash::Sha256).toHex()),
                 m_expected.value(name));
    }
    QTRY_VERIFY(!pause->isEnabled());
}

void TestPause::cancelWhilePaused()
{
    test::Workspace ws;
    QStringList urls;
    for (auto it = m_expected.cbegin(); it != m_expected.cend(); ++it)
        urls.append(m_nginx->baseUrl() + u'/' + it.key());
    test::writeFile(ws.file(QStringLiteral("list.txt")), urls.join(u'\n').toUtf8() + '\n');
    auto workspace = Workspace::resolve(ws.catalog(), ws.store());
    QVERIFY(workspace);
    EngineController controller(*workspace, RunOptions{});
    TransfersView view(&controller);
    QSignalSpy paused(controller.engine(), &Engine::pausedChanged);
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    controller.start();
    controller.runSource(ws.file(QStringLiteral("list.txt")));
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 30000);

    QTest::mouseClick(button(&view, QStringLiteral("Pause transfers")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!paused.isEmpty(), 10000);
    // A paused download must not hold the cancel until it finishes.
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(button(&view, QStringLiteral("Cancel the running stage")), Qt::LeftButton);
    QVERIFY(finished.wait(15000));
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    // The run ended its pause, and nothing that did not arrive is marked done.
    QTRY_COMPARE(paused.constLast().at(0).toBool(), false);
    QVERIFY(!view.isPaused());
    auto catalog = Catalog::open(workspace->catalog());
    QVERIFY(catalog);
    auto files = (*catalog)->files(finished.constFirst().at(0).toLongLong());
    QVERIFY(files);
    int pending = 0;
    for (const FileRecord &f : std::as_const(*files)) {
        if (f.status == FileStatus::Pending)
            ++pending;
        else
            QCOMPARE(f.digests.sha256, m_expected.value(QUrl(f.sourceUrl).fileName()));
    }
    QVERIFY(pending > 0);
}

QTEST_MAIN(TestPause)
#include "tst_pause.moc"
