#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

#include "testsupport.h"

using namespace gh;

/*!
    Kills gatehouse-cli with SIGKILL while the store makes a group of objects durable, at the exact syscall
    (strace's --inject=…:signal=SIGKILL, a fault injector, not a fake), and proves the group-wise durability
    rule: before the kill, the catalog records as stored only files whose complete bytes are under their keys;
    an object appears under its key only after its group was synced, so no key ever holds incomplete bytes;
    and a second run completes the batch with nothing lost and nothing twice.

    LocalStore::flush() (run on the stage's thread, which makes every syncfs and every publishing rename):
    syncfs (the group's data), rename each object to its key, syncfs (the renames), then the catalog
    transaction. The n-th syncfs of that thread is therefore the data sync (odd) or the rename sync (even) of
    group (n + 1) / 2. The store's writeback thread starts writing each object early (sync_file_range, a hint
    that makes nothing durable); a kill there, with objects half-hinted and their group neither synced nor
    published, must leave the same guarantees.
*/
class TestGroupSync : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killDuringGroupSync_data();
    void killDuringGroupSync();

private:
    struct Expected
    {
        qint64 size;
        QString sha256;
    };
    static QString sha256(const QByteArray &bytes)
    {
        return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    }
    QTemporaryDir m_source;
    QHash<QString, Expected> m_expected; // absolute source path → content
    QString m_strace;
};

void TestGroupSync::initTestCase()
{
    m_strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    QVERIFY2(!m_strace.isEmpty(), "strace is needed (scripts/setup.sh installs it)");
    // Enough small files for several groups (a group is at most 256 files or 250 ms), and two large ones.
    for (int i = 0; i < 900; ++i) {
        const QString path = m_source.filePath(QStringLiteral("roll-%1/frame-%2.bin")
                                                   .arg(i % 30, 2, 10, QLatin1Char('0'))
                                                   .arg(i, 4, 10, QLatin1Char('0')));
        const QByteArray content = test::pseudoRandomBytes(2048 + (i * 7919) % (48 * 1024), quint64(i + 1));
        test::writeFile(path, content);
        m_expected.insert(path, {content.size(), sha256(content)});
    }
    for (int i = 0; i < 2; ++i) {
        const QString path = m_source.filePath(QStringLiteral("masters/master-%1.tif").arg(i));
        const QByteArray content = test::pseudoRandomBytes(24 * 1024 * 1024 + i, quint64(9000 + i));
        test::writeFile(path, content);
        m_expected.insert(path, {content.size(), sha256(content)});
    }
}

void TestGroupSync::killDuringGroupSync_data()
{
    QTest::addColumn<QString>("inject");
    QTest::addColumn<bool>("beforeRenames");
    QTest::newRow("syncing the 2nd group's data") << QStringLiteral("syncfs:signal=SIGKILL:when=3") << true;
    QTest::newRow("syncing the 3rd group's renames")
        << QStringLiteral("syncfs:signal=SIGKILL:when=6") << false;
    QTest::newRow("publishing a group") << QStringLiteral("rename:signal=SIGKILL:when=400") << false;
    QTest::newRow("starting a group's writeback")
        << QStringLiteral("sync_file_range:signal=SIGKILL:when=500") << false;
}

void TestGroupSync::killDuringGroupSync()
{
    QFETCH(QString, inject);
    QFETCH(bool, beforeRenames);
    test::Workspace ws;

    QProcess first;
    first.setProcessEnvironment(ws.environment());
    const QString log = ws.file(QStringLiteral("strace.log"));
    first.start(m_strace,
                {QStringLiteral("-f"), QStringLiteral("-qq"), QStringLiteral("-o"), log, QStringLiteral("-e"),
                 QStringLiteral("trace=syncfs,rename,sync_file_range"), QStringLiteral("-e"),
                 u"inject=" + inject, test::binary(QStringLiteral("gatehouse-cli")),
                 QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("--store"), ws.store(),
                 QStringLiteral("run"), m_source.path(), QStringLiteral("-q")});
    QVERIFY(first.waitForStarted());
    QVERIFY(first.waitForFinished(300000));
    QVERIFY2(first.exitCode() != 0 || first.exitStatus() == QProcess::CrashExit,
             "the run finished before the injected kill; the batch is too small");

    // What the catalog calls stored at the moment of the kill …
    QHash<QString, QString> recorded; // stored key → source path
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("killed"));
        db.setDatabaseName(ws.catalog());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT stored_key, source_path, status FROM files")));
        int pending = 0;
        while (q.next()) {
            if (q.value(2).toString() == u"success")
                recorded.insert(q.value(0).toString(), q.value(1).toString());
            else
                ++pending;
        }
        QVERIFY2(!recorded.isEmpty(), "the kill came before any group was recorded");
        QVERIFY2(pending > 0, "the kill came after every file was recorded");
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("killed"));

    // … is under its key, complete (size and sha256 of its source) …
    QHash<QString, QString> visible; // key → sha256 of what the key holds
    QDirIterator it(ws.store(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(QStringLiteral("/.partial/")))
            continue;
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        visible.insert(QDir(ws.store()).relativeFilePath(path), sha256(file.readAll()));
    }
    for (auto r = recorded.cbegin(); r != recorded.cend(); ++r) {
        QVERIFY2(visible.contains(r.key()),
                 qPrintable(u"recorded as stored but not in the store: " + r.key()));
        QCOMPARE(visible.value(r.key()), m_expected.value(r.value()).sha256);
    }
    // … and no object appears under its key before its group's data was synced: killed in a data sync, no
    // rename into the store happened since the sync before it (the previous group's rename sync).
    if (beforeRenames) {
        QFile trace(log);
        QVERIFY(trace.open(QIODevice::ReadOnly));
        QList<int> syncs;
        QList<int> publishes;
        const QList<QByteArray> lines = trace.readAll().split('\n');
        for (int i = 0; i < lines.size(); ++i) {
            if (lines[i].contains("syncfs("))
                syncs.append(i);
            else if (lines[i].contains("rename(") && lines[i].contains("/.partial/"))
                publishes.append(i);
        }
        QVERIFY2(syncs.size() >= 3, "the kill did not come at the third syncfs");
        const int previous = syncs[syncs.size() - 2];
        const int killed = syncs.constLast();
        for (int at : std::as_const(publishes))
            QVERIFY2(at < previous || at > killed, lines[at].constData());
        QVERIFY2(!publishes.isEmpty() && publishes.constLast() < previous,
                 "nothing was published before the kill");
    }
    QSet<QString> completeContents;
    for (const Expected &e : std::as_const(m_expected))
        completeContents.insert(e.sha256);
    for (auto v = visible.cbegin(); v != visible.cend(); ++v)
        QVERIFY2(completeContents.contains(v.value()), qPrintable(v.key() + u" holds incomplete bytes"));

    // The second run resumes the batch and loses nothing.
    const auto second = ws.cli(
        {QStringLiteral("run"), m_source.path(), QStringLiteral("-q"), QStringLiteral("--store"), ws.store()},
        300000);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("resumed"));
    db.setDatabaseName(ws.catalog());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM batches")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(q.exec(QStringLiteral("SELECT source_path, status, sha256, stored_key FROM files")));
        int rows = 0;
        while (q.next()) {
            ++rows;
            QCOMPARE(q.value(1).toString(), QStringLiteral("success"));
            const Expected e = m_expected.value(q.value(0).toString());
            QCOMPARE(q.value(2).toString(), e.sha256);
            QFile stored(QDir(ws.store()).filePath(q.value(3).toString()));
            QVERIFY(stored.open(QIODevice::ReadOnly));
            QCOMPARE(sha256(stored.readAll()), e.sha256);
        }
        QCOMPARE(rows, m_expected.size());
    }
    db.close();
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("resumed"));
    int objects = 0;
    QDirIterator all(ws.store(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (all.hasNext()) {
        const QString path = all.next();
        QVERIFY2(!path.contains(QStringLiteral("/.partial/")), qPrintable(u"temporary left behind: " + path));
        ++objects;
    }
    QCOMPARE(objects, m_expected.size());
}

QTEST_GUILESS_MAIN(TestGroupSync)
#include "tst_groupsync.moc"
