#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "model/stage.h"
#include "model/status.h"

using namespace gh;

class TestStatus : public QObject
{
    Q_OBJECT

private slots:
    void keysAreLowerCaseHyphenatedAndUnique();
    void roundTrip();
    void contractKeys();
    void transientSet();
    void severities();
    void stages();
};

void TestStatus::keysAreLowerCaseHyphenatedAndUnique()
{
    static const QRegularExpression shape(QStringLiteral("^[a-z]+(-[a-z]+)*$"));
    QSet<QString> seen;
    for (FileStatus s : StatusInfo::all()) {
        const QString key = StatusInfo::key(s);
        QVERIFY2(shape.match(key).hasMatch(), qPrintable(key));
        QVERIFY2(!seen.contains(key), qPrintable(key));
        seen.insert(key);
        QVERIFY(!StatusInfo::displayName(s).isEmpty());
    }
    QCOMPARE(seen.size(), StatusInfo::all().size());
}

void TestStatus::roundTrip()
{
    for (FileStatus s : StatusInfo::all())
        QCOMPARE(StatusInfo::fromKey(StatusInfo::key(s)), std::optional<FileStatus>(s));
    QVERIFY(!StatusInfo::fromKey(u"Success").has_value());
    QVERIFY(!StatusInfo::fromKey(u"").has_value());
}

void TestStatus::contractKeys()
{
    // Names external checks rely on (DESIGN §3 and the issues); renaming one breaks the CLI contract.
    const QStringList contract{QStringLiteral("success"),
                               QStringLiteral("unchanged"),
                               QStringLiteral("skipped-banned"),
                               QStringLiteral("too-large"),
                               QStringLiteral("wrong-mimetype"),
                               QStringLiteral("empty"),
                               QStringLiteral("not-found"),
                               QStringLiteral("forbidden"),
                               QStringLiteral("server-error"),
                               QStringLiteral("timeout"),
                               QStringLiteral("network-error"),
                               QStringLiteral("redirect-loop"),
                               QStringLiteral("too-many-redirects"),
                               QStringLiteral("fixity-mismatch"),
                               QStringLiteral("unsafe-path"),
                               QStringLiteral("unsupported"),
                               QStringLiteral("deleted")};
    for (const QString &key : contract)
        QVERIFY2(StatusInfo::fromKey(key).has_value(), qPrintable(key));
}

void TestStatus::transientSet()
{
    QSet<QString> transient;
    for (FileStatus s : StatusInfo::all()) {
        if (StatusInfo::isTransient(s))
            transient.insert(StatusInfo::key(s));
    }
    const QSet<QString> expected{QStringLiteral("server-error"), QStringLiteral("rate-limited"),
                                 QStringLiteral("timeout"),      QStringLiteral("network-error"),
                                 QStringLiteral("truncated"),    QStringLiteral("store-error")};
    QCOMPARE(transient, expected);
}

void TestStatus::severities()
{
    QCOMPARE(StatusInfo::severity(FileStatus::Pending), Severity::Open);
    QCOMPARE(StatusInfo::severity(FileStatus::Success), Severity::Ok);
    QCOMPARE(StatusInfo::severity(FileStatus::Unchanged), Severity::Ok);
    QCOMPARE(StatusInfo::severity(FileStatus::SkippedBanned), Severity::Skipped);
    // A rejected batch's files were deleted on purpose: counted, not a problem for the issues list.
    QCOMPARE(StatusInfo::severity(FileStatus::Deleted), Severity::Skipped);
    QVERIFY(!StatusInfo::isTransient(FileStatus::Deleted));
    QCOMPARE(StatusInfo::severity(FileStatus::FixityMismatch), Severity::Error);
    // Every permanent failure is an error a curator must see.
    for (FileStatus s : StatusInfo::all()) {
        if (s != FileStatus::Pending && s != FileStatus::Success && s != FileStatus::Unchanged &&
            s != FileStatus::SkippedBanned && s != FileStatus::Deleted)
            QCOMPARE(StatusInfo::severity(s), Severity::Error);
    }
}

void TestStatus::stages()
{
    QStringList keys;
    for (Stage s : StageInfo::all())
        keys.append(StageInfo::key(s));
    QCOMPARE(keys,
             (QStringList{QStringLiteral("intake"), QStringLiteral("fetch"), QStringLiteral("check"),
                          QStringLiteral("dedup"), QStringLiteral("review"), QStringLiteral("upload")}));
    for (StageState st : {StageState::NotStarted, StageState::Running, StageState::Done,
                          StageState::NeedsAttention, StageState::Failed})
        QCOMPARE(StageInfo::stateFromKey(StageInfo::key(st)), std::optional<StageState>(st));
}

QTEST_GUILESS_MAIN(TestStatus)
#include "tst_status.moc"
