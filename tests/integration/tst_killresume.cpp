#include <csignal>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include "testsupport.h"

using namespace gh;

/*!
    Kills gatehouse-cli with SIGKILL in the middle of a large local batch and shows that running it again
    completes the batch: every file present once, every digest right, no duplicate rows, no half-written file.
*/
class TestKillResume : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killAndResume_data();
    void killAndResume();

private:
    struct Expected
    {
        qint64 size;
        QString sha256;
        QString md5;
    };
    QTemporaryDir m_source;
    QHash<QString, Expected> m_expected; // relative path → content
    qint64 m_totalBytes = 0;
};

void TestKillResume::initTestCase()
{
    // 1,600 small files in 40 folders, a .md5 sidecar for every tenth, and four large files that take several
    // read buffers each — so a kill can land in the middle of a large copy as well as between small ones.
    for (int i = 0; i < 1600; ++i) {
        const QString relative = QStringLiteral("reel-%1/frame-%2.bin")
                                     .arg(i % 40, 2, 10, QLatin1Char('0'))
                                     .arg(i, 5, 10, QLatin1Char('0'));
        const QByteArray content = test::pseudoRandomBytes(1024 + (i * 7919) % (96 * 1024), quint64(i + 1));
        test::writeFile(m_source.filePath(relative), content);
        m_expected.insert(
            relative,
            {content.size(),
             QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()),
             QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex())});
        if (i % 10 == 0)
            test::writeFile(m_source.filePath(relative + u".md5"),
                            m_expected[relative].md5.toLatin1() + "\n");
        m_totalBytes += content.size();
    }
    for (int i = 0; i < 4; ++i) {
        const QString relative = QStringLiteral("masters/master-%1.tif").arg(i);
        const QByteArray content = test::pseudoRandomBytes(48 * 1024 * 1024 + i, quint64(5000 + i));
        test::writeFile(m_source.filePath(relative), content);
        m_expected.insert(
            relative,
            {content.size(),
             QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()),
             QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex())});
        m_totalBytes += content.size();
    }
}

void TestKillResume::killAndResume_data()
{
    QTest::addColumn<int>("killAfterFiles");
    QTest::newRow("during intake") << -1;
    QTest::newRow("early in fetch") << 50;
    QTest::newRow("late in fetch") << 1200;
}

void TestKillResume::killAndResume()
{
    QFETCH(int, killAfterFiles);
    test::Workspace ws;

    QProcess first;
    first.setProcessEnvironment(ws.environment());
    first.start(test::binary(QStringLiteral("gatehouse-cli")),
                {QStringLiteral("--catalog"), ws.catalog(), QStringLiteral("run"), m_source.path(),
                 QStringLiteral("-q")});
    QVERIFY(first.waitForStarted());

    // Watch the catalog from outside, as a curator's second window would, and kill at the chosen point.
    bool killed = false;
    QElapsedTimer clock;
    clock.start();
    if (killAfterFiles < 0) {
        QTest::qWait(40);
    } else {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("watch"));
        db.setDatabaseName(ws.catalog());
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
        while (first.state() == QProcess::Running && clock.elapsed() < 120000) {
            if (QFile::exists(ws.catalog()) && (db.isOpen() || db.open())) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM files WHERE status != 'pending'")) &&
                    q.next() && q.value(0).toInt() >= killAfterFiles)
                    break;
            }
            QTest::qWait(5);
        }
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("watch"));
    }
    if (first.state() == QProcess::Running) {
        ::kill(pid_t(first.processId()), SIGKILL);
        killed = true;
    }
    first.waitForFinished();
    QVERIFY2(killed, "the run finished before it could be killed; the batch is too small for this machine");
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);

    // Nothing under a final key is half-written, even before resuming.
    QDirIterator partial(ws.store(), QDir::Files, QDirIterator::Subdirectories);
    while (partial.hasNext()) {
        const QString path = partial.next();
        if (path.contains(QStringLiteral("/.partial/")))
            continue;
        QFile file(path);
        QVERIFY(file.size() > 0);
        bool known = false;
        for (const Expected &e : std::as_const(m_expected))
            known = known || e.size == file.size();
        QVERIFY2(known, qPrintable(path + u" has a size no source file has"));
    }

    // Run again: it resumes the same batch and completes it.
    const auto second = ws.cli({QStringLiteral("run"), m_source.path(), QStringLiteral("-q")}, 300000);
    QVERIFY2(second.exitCode == 0, second.err.constData());

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(ws.catalog());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM batches")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1); // resumed, not a second batch
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT source_path) FROM files")) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), m_expected.size()); // no duplicate rows
        QCOMPARE(q.value(1).toInt(), m_expected.size());
        QVERIFY(
            q.exec(QStringLiteral("SELECT source_path, size, sha256, md5, status, stored_key FROM files")));
        int checked = 0;
        QSet<QString> keys;
        while (q.next()) {
            const QString relative = QDir(m_source.path()).relativeFilePath(q.value(0).toString());
            QVERIFY2(m_expected.contains(relative), qPrintable(relative));
            const Expected &e = m_expected[relative];
            QCOMPARE(q.value(4).toString(), QStringLiteral("success"));
            QCOMPARE(q.value(1).toLongLong(), e.size);
            QCOMPARE(q.value(2).toString(), e.sha256);
            QCOMPARE(q.value(3).toString(), e.md5);
            keys.insert(q.value(5).toString());
            ++checked;
        }
        QCOMPARE(checked, m_expected.size());
        QCOMPARE(keys.size(), m_expected.size());
    }
    db.close();
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("check"));

    // The store holds every file exactly once, byte-identical, and no temporaries.
    QHash<qint64, int> sizes;
    int stored = 0;
    QDirIterator it(ws.store(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QVERIFY2(!path.contains(QStringLiteral("/.partial/")), qPrintable(u"temporary left behind: " + path));
        ++stored;
    }
    QCOMPARE(stored, m_expected.size());
}

QTEST_GUILESS_MAIN(TestKillResume)
#include "tst_killresume.moc"
