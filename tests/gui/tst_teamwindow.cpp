// A main window open on a shared catalog shows, within its refresh interval, what a curator on another
// workstation decided with the command line (`gatehouse-cli --as anna`): a duplicate decision in the
// duplicates view and a QA verdict in the review view, each with "anna" where the decision is shown, while
// the curator's own selection stays where it was. On PostgreSQL (LISTEN/NOTIFY; a real PostgreSQL 15 from
// tests/peers/postgres.sh) and on SQLite (polling). Offscreen.

#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTreeView>

#include "catalog/catalog.h"
#include "peerserver.h"
#include "postgrestest.h"
#include "testsupport.h"
#include "ui/batchlistmodel.h"
#include "ui/duplicatesmodel.h"
#include "ui/duplicatesview.h"
#include "ui/filetablemodel.h"
#include "ui/mainwindow.h"
#include "ui/reviewview.h"

using namespace gh;

namespace {

//! The default [team] refresh_ms.
constexpr int s_intervalMs = 2000;
//! What a loaded machine may add to the interval: the CLI's exit, the views' reads on the engine thread.
constexpr int s_slackMs = 2000;

} // namespace

class TestTeamWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void decisionsMadeElsewhereAppear_data();
    void decisionsMadeElsewhereAppear();

private:
    test::CliResult cli(const QString &catalog, const QStringList &arguments);
    QString storeOf() const;

    std::unique_ptr<test::PeerServer> m_postgres;
    test::Workspace m_ws;
    int m_counter = 0;
};

void TestTeamWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    m_postgres = std::make_unique<test::PeerServer>(QStringLiteral("postgres"));
    QVERIFY2(m_postgres->isRunning(), qPrintable(m_postgres->error()));
    // Ten pages, and three of them delivered twice: three in-batch duplicates wait for a decision.
    for (int i = 0; i < 10; ++i) {
        const QByteArray bytes = test::pseudoRandomBytes(900 + i * 53, quint64(i + 11));
        test::writeFile(m_ws.file(QStringLiteral("source/box-%1/page-%2.txt").arg(i % 2).arg(i)), bytes);
        if (i < 3)
            test::writeFile(m_ws.file(QStringLiteral("source/again/page-%1.txt").arg(i)), bytes);
    }
}

void TestTeamWindow::cleanupTestCase()
{
    m_postgres.reset();
}

QString TestTeamWindow::storeOf() const
{
    return m_ws.file(QStringLiteral("store-%1").arg(m_counter));
}

test::CliResult TestTeamWindow::cli(const QString &catalog, const QStringList &arguments)
{
    // The workspace's own --catalog comes first; the last one given counts.
    return m_ws.cli(QStringList{QStringLiteral("--catalog"), catalog, QStringLiteral("--store"), storeOf()} +
                        arguments,
                    300000);
}

void TestTeamWindow::decisionsMadeElsewhereAppear_data()
{
    test::catalogEngines();
}

void TestTeamWindow::decisionsMadeElsewhereAppear()
{
    QFETCH(QString, engine);
    ++m_counter;
    const QString spec = engine == u"postgresql"
                             ? test::freshPostgresCatalog(*m_postgres)
                             : m_ws.file(QStringLiteral("catalog-%1.sqlite").arg(m_counter));
    // A batch fetched through to the review on "another workstation", with its sample drawn there.
    const test::CliResult load = cli(spec, {QStringLiteral("load"), m_ws.file(QStringLiteral("source"))});
    QVERIFY2(load.exitCode == 0, load.err.constData());
    const qint64 batchId = load.out.trimmed().toLongLong();
    const QString batch = QString::number(batchId);
    // Files waiting for a duplicate decision make the run say so (exit 1); the batch is at the review.
    const test::CliResult fetch = cli(spec, {QStringLiteral("fetch"), batch});
    QVERIFY2(!fetch.crashed && (fetch.exitCode == 0 || fetch.exitCode == 1), fetch.err.constData());
    QCOMPARE(cli(spec, {QStringLiteral("--as"), QStringLiteral("clara"), QStringLiteral("sample"), batch})
                 .exitCode,
             0);
    QString fileId;
    QString firstItem;
    QString secondItem;
    {
        auto location = CatalogLocation::parse(spec);
        QVERIFY(location);
        auto catalog = Catalog::open(*location);
        QVERIFY(catalog);
        QSqlQuery q((*catalog)->database());
        QVERIFY(q.exec(QStringLiteral("SELECT file_id FROM duplicate_cases WHERE batch_id = %1"
                                      " AND needs_decision = 1 ORDER BY file_id LIMIT 1 OFFSET 1")
                           .arg(batchId)) &&
                q.next());
        fileId = q.value(0).toString();
        QVERIFY(
            q.exec(QStringLiteral("SELECT item_id FROM review_items WHERE batch_id = %1 ORDER BY seq LIMIT 2")
                       .arg(batchId)));
        QVERIFY(q.next());
        firstItem = q.value(0).toString();
        QVERIFY(q.next());
        secondItem = q.value(0).toString();
    }

    auto workspace = Workspace::resolve(spec, storeOf());
    QVERIFY(workspace);
    Preferences preferences;
    preferences.options.team.refreshMs = s_intervalMs;
    MainWindow window(*workspace, preferences);
    window.resize(1400, 900);
    window.show();
    QTRY_COMPARE_WITH_TIMEOUT(window.shownBatch(), batchId, 20000);

    // The duplicates view, with the curator's place on the second file that waits for a decision.
    window.showDuplicates();
    DuplicatesView *duplicates = window.duplicatesView();
    QTRY_VERIFY_WITH_TIMEOUT(duplicates->model()->indexForFile(fileId.toLongLong()).isValid(), 20000);
    duplicates->tree()->setCurrentIndex(duplicates->model()->indexForFile(fileId.toLongLong()));
    QCOMPARE(duplicates->currentFile(), fileId.toLongLong());
    auto *caseText = duplicates->findChild<QLabel *>(QStringLiteral("caseText"));
    QVERIFY(caseText);
    QVERIFY(!caseText->text().contains(QStringLiteral("anna")));

    // The review view, at the second item of the sample; anna will judge the first and the second.
    window.openReview(batchId, secondItem.toLongLong());
    ReviewView *review = window.reviewView();
    QVERIFY(review);
    QTRY_COMPARE_WITH_TIMEOUT(review->currentItemId(), secondItem.toLongLong(), 20000);
    auto *itemVerdict = review->findChild<QLabel *>(QStringLiteral("itemVerdict"));
    QVERIFY(itemVerdict);
    QTest::qWait(s_intervalMs); // the views settle; what follows is news

    // anna decides the case on her workstation: the decision and her name show here.
    QElapsedTimer clock;
    test::CliResult decided =
        cli(spec, {QStringLiteral("--as"), QStringLiteral("anna"), QStringLiteral("decide"), batch,
                   QStringLiteral("--file"), fileId, QStringLiteral("--action"), QStringLiteral("skip")});
    QVERIFY2(decided.exitCode == 0, decided.err.constData());
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(caseText->text().contains(QStringLiteral("by anna")), s_intervalMs + s_slackMs);
    qInfo().noquote() << engine << "duplicate decision shown" << clock.elapsed() << "ms after the CLI ended";
    // The curator's place stayed on that file, though it no longer waits for a decision.
    QCOMPARE(duplicates->currentFile(), fileId.toLongLong());
    QVERIFY(!duplicates->model()->record(fileId.toLongLong())->isOpen());

    // anna passes the item on screen here: her verdict and name show, and the item stays on screen.
    test::CliResult verdict =
        cli(spec, {QStringLiteral("--as"), QStringLiteral("anna"), QStringLiteral("verdict"), batch,
                   QStringLiteral("--item"), secondItem, QStringLiteral("--pass")});
    QVERIFY2(verdict.exitCode == 0, verdict.err.constData());
    clock.restart();
    QTRY_VERIFY_WITH_TIMEOUT(itemVerdict->text().contains(QStringLiteral("anna")), s_intervalMs + s_slackMs);
    qInfo().noquote() << engine << "verdict shown" << clock.elapsed() << "ms after the CLI ended";
    QCOMPARE(review->currentItemId(), secondItem.toLongLong());
    // An item not on screen is judged too: the list and the state follow.
    verdict = cli(spec, {QStringLiteral("--as"), QStringLiteral("anna"), QStringLiteral("verdict"), batch,
                         QStringLiteral("--item"), firstItem, QStringLiteral("--fail"),
                         QStringLiteral("torn page")});
    QVERIFY2(verdict.exitCode == 0, verdict.err.constData());
    const auto verdictOf = [&](const QString &item) {
        const qsizetype i = review->state().sample.indexOf(item.toLongLong());
        return i >= 0 ? review->state().sample.items.at(i).verdict : Verdict::None;
    };
    QTRY_VERIFY_WITH_TIMEOUT(verdictOf(firstItem) == Verdict::Fail, s_intervalMs + s_slackMs);
    QCOMPARE(review->state().sample.items.at(review->state().sample.indexOf(firstItem.toLongLong())).reviewer,
             QStringLiteral("anna"));
    QCOMPARE(review->currentItemId(), secondItem.toLongLong());
    review->close();

    // anna rejects the batch: the file table shows every file deleted, the curator's file still current.
    auto *fileView = window.findChild<QTableView *>(QStringLiteral("fileView"));
    QVERIFY(fileView);
    FileTableModel *files = window.fileModel();
    QTRY_VERIFY_WITH_TIMEOUT(files->rowCount() > 3, 20000);
    fileView->setCurrentIndex(fileView->model()->index(3, 0));
    const qint64 current = fileView->currentIndex().data(FileTableModel::FileIdRole).toLongLong();
    QVERIFY(current > 0);
    const test::CliResult rejected =
        cli(spec, {QStringLiteral("--as"), QStringLiteral("anna"), QStringLiteral("reject"), batch,
                   QStringLiteral("--reason"), QStringLiteral("wrong reel")});
    QVERIFY2(rejected.exitCode == 0, rejected.err.constData());
    clock.restart();
    QTRY_VERIFY_WITH_TIMEOUT(
        FileStatus(files->index(files->rowForFile(current), 0).data(FileTableModel::StatusRole).toInt()) ==
            FileStatus::Deleted,
        s_intervalMs + s_slackMs);
    qInfo().noquote() << engine << "rejection shown in the file table" << clock.elapsed()
                      << "ms after the CLI ended";
    QCOMPARE(fileView->currentIndex().data(FileTableModel::FileIdRole).toLongLong(), current);
    for (int row = 0; row < files->rowCount(); ++row)
        QCOMPARE(FileStatus(files->index(row, 0).data(FileTableModel::StatusRole).toInt()),
                 FileStatus::Deleted);
    // The batch list says so too, and its selection stayed on the batch.
    const int batchRow = window.batchModel()->rowForBatch(batchId);
    QTRY_VERIFY_WITH_TIMEOUT(window.batchModel()->batch(batchRow)->state == BatchState::Rejected,
                             s_intervalMs + s_slackMs);
    QCOMPARE(window.shownBatch(), batchId);
}

QTEST_MAIN(TestTeamWindow)
#include "tst_teamwindow.moc"
