// Every hostile sample in tests/data/hostile/ (see README.md there), through the whole packager chain and the
// streaming reader: a clear error or a refused file naming the archive, the member and the reason, and
// nothing written anywhere but the private temporary folders of nested archives, which are gone afterwards.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "intake/archive/archivepackage.h"
#include "intake/archive/archivereader.h"
#include "testsupport.h"
#include "tst_archivesupport.h"

using namespace gh;
using namespace gh::test;

namespace {

struct Refusal
{
    QString member; //!< The name the refused file carries.
    FileStatus status;
    QString reason; //!< A part of the message.
};

} // namespace

Q_DECLARE_METATYPE(Refusal)
Q_DECLARE_METATYPE(QList<Refusal>)

class TestArchiveHostile : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void refusedMembers_data();
    void refusedMembers();
    void failedArchives_data();
    void failedArchives();
    void duplicatesKeepTheFirstCopy();
    void zipBombMemberIsRefusedNotInflated();
    void nestedBomb();
    void deepNestingThroughPackages();
    void tooManyEntries();
    void lyingSizeFailsWhenRead();

private:
    //! Copies the sample into the sandbox's input folder, as a curator's delivery.
    QString deliver(const QString &sample);
    //! Runs the chain over \a path and the reader over every member; returns the chain's result.
    Result<QString> ingestAndStream(const QString &path, const ArchiveLimits &limits = {});
    //! Nothing but the delivery (and empty temporary folders) may be in the sandbox, and nothing escaped it.
    void verifyNothingWritten(const QString &sample);

    std::unique_ptr<QTemporaryDir> m_sandbox;
    CollectingSink m_sink;
    IntakeTrace m_trace;
    QStringList m_streamed;
    QString m_streamError;
    QStringList m_memberErrors;
};

void TestArchiveHostile::init()
{
    m_sandbox = std::make_unique<QTemporaryDir>();
    QVERIFY(m_sandbox->isValid());
    QVERIFY(QDir(m_sandbox->path()).mkpath(QStringLiteral("in")));
    QVERIFY(QDir(m_sandbox->path()).mkpath(QStringLiteral("tmp")));
    qputenv("TMPDIR", QFile::encodeName(m_sandbox->filePath(QStringLiteral("tmp"))));
    m_sink = {};
    m_trace = {};
    m_streamed.clear();
    m_streamError.clear();
    m_memberErrors.clear();
}

void TestArchiveHostile::cleanup()
{
    qunsetenv("TMPDIR");
    m_sandbox.reset();
}

QString TestArchiveHostile::deliver(const QString &sample)
{
    const QString path = m_sandbox->filePath(QStringLiteral("in/") + sample);
    if (!QFile::copy(hostileSample(sample), path))
        return {};
    return path;
}

Result<QString> TestArchiveHostile::ingestAndStream(const QString &path, const ArchiveLimits &limits)
{
    IntakeOptions options;
    options.archive = limits;
    IntakeChain chain({}, {});
    const Result<QString> detected = chain.ingest(path, m_sink, m_trace, options);

    // What the fetch stage would do: read every member the reader offers.
    auto reader = ArchiveReader::open(path, limits);
    if (!reader) {
        m_streamError = reader.error().message;
        return detected;
    }
    QByteArray buffer(1024 * 1024, Qt::Uninitialized);
    for (;;) {
        const auto entry = (*reader)->next();
        if (!entry) {
            m_streamError = entry.error().message;
            break;
        }
        if (!*entry)
            break;
        m_streamed.append((*reader)->memberPath());
        qint64 n = 0;
        while ((n = (*reader)->read(buffer.data(), buffer.size())) > 0) {
        }
        if (n < 0)
            m_memberErrors.append((*reader)->errorString());
    }
    return detected;
}

void TestArchiveHostile::verifyNothingWritten(const QString &sample)
{
    QCOMPARE(tree(m_sandbox->path()),
             (QStringList{QStringLiteral("in/"), QStringLiteral("in/") + sample, QStringLiteral("tmp/")}));
    // Where "../../evil.txt" and friends would have landed from the delivery folder, or from the working
    // folder.
    for (const QString &base : {m_sandbox->filePath(QStringLiteral("in")), QDir::currentPath()}) {
        for (const char *escape : {"../evil.txt", "../../evil.txt", "evil.txt", "evil", "dir-link/evil.txt"})
            QVERIFY2(!QFileInfo::exists(QDir(base).filePath(QString::fromLatin1(escape))), escape);
    }
    QVERIFY(!QFileInfo::exists(QStringLiteral("/etc/evil")));
}

void TestArchiveHostile::refusedMembers_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<QList<Refusal>>("refusals");
    QTest::addColumn<QStringList>("streamed"); // what the reader offers: exactly the accepted files

    const QStringList ok{QStringLiteral("ok.txt")};
    const QString dotdot = QStringLiteral("climbs out of the archive with \"..\"");
    const QString absolute = QStringLiteral("it is an absolute path");
    QTest::newRow("zip-slip zip") << "zip-slip.zip"
                                  << QList<Refusal>{{QStringLiteral("../../evil.txt"), FileStatus::UnsafePath,
                                                     dotdot}}
                                  << ok;
    QTest::newRow("zip-slip tar") << "zip-slip.tar"
                                  << QList<Refusal>{{QStringLiteral("../../evil.txt"), FileStatus::UnsafePath,
                                                     dotdot}}
                                  << ok;
    QTest::newRow("absolute zip")
        << "absolute.zip"
        << QList<Refusal>{{QStringLiteral("/etc/evil"), FileStatus::UnsafePath, absolute},
                          {QStringLiteral("C:\\evil"), FileStatus::UnsafePath,
                           QStringLiteral("names a Windows drive")},
                          {QStringLiteral("\\\\server\\share\\evil"), FileStatus::UnsafePath, absolute}}
        << ok;
    QTest::newRow("absolute tar") << "absolute.tar"
                                  << QList<Refusal>{{QStringLiteral("/etc/evil"), FileStatus::UnsafePath,
                                                     absolute}}
                                  << ok;
    QTest::newRow("backslash traversal")
        << "backslash-traversal.zip"
        << QList<Refusal>{{QStringLiteral("..\\..\\evil.txt"), FileStatus::UnsafePath, dotdot}} << ok;
    QTest::newRow("symlinks out")
        << "symlink-escape.tar"
        << QList<Refusal>{{QStringLiteral("abs-link"), FileStatus::UnsafePath,
                           QStringLiteral("symbolic link to /etc/passwd, outside the archive")},
                          {QStringLiteral("sub/rel-link"), FileStatus::UnsafePath,
                           QStringLiteral("symbolic link to ../../outside/secret, outside the archive")}}
        << ok;
    QTest::newRow("file through a symlink")
        << "symlink-through.tar"
        << QList<Refusal>{{QStringLiteral("dir-link"), FileStatus::UnsafePath,
                           QStringLiteral("symbolic link to /tmp, outside the archive")},
                          {QStringLiteral("dir-link/evil.txt"), FileStatus::UnsafePath,
                           QStringLiteral("passes through the link dir-link")}}
        << ok;
    QTest::newRow("hard links")
        << "hardlink.tar"
        << QList<Refusal>{{QStringLiteral("out-hard"), FileStatus::UnsafePath,
                           QStringLiteral("hard link to ../../etc/passwd, outside the archive")},
                          {QStringLiteral("abs-hard"), FileStatus::UnsafePath,
                           QStringLiteral("hard link to /etc/passwd, outside the archive")},
                          {QStringLiteral("missing-hard"), FileStatus::UnsafePath,
                           QStringLiteral(
                               "hard link to nonexistent.txt, which is not a file in the archive")}}
        << ok;
    QTest::newRow("special files") << "special-files.tar"
                                   << QList<Refusal>{{QStringLiteral("fifo"), FileStatus::Unsupported,
                                                      QStringLiteral("not a regular file")},
                                                     {QStringLiteral("dev-null"), FileStatus::Unsupported,
                                                      QStringLiteral("not a regular file")}}
                                   << ok;
    QTest::newRow("zip bomb")
        << "zip-bomb.zip"
        << QList<Refusal>{{QStringLiteral("zeros.bin"), FileStatus::LimitExceeded,
                           QStringLiteral(
                               "expands from 260916 to 268435456 bytes, a compression ratio of 1028:1; the "
                               "limit is 1000:1")}}
        << ok;
    QTest::newRow("invalid UTF-8 zip")
        << "invalid-utf8.zip"
        << QList<Refusal>{{QStringLiteral("bad\\xff\\xfe.txt"), FileStatus::UnsafePath,
                           QStringLiteral("its name is not valid UTF-8")}}
        << ok;
    QTest::newRow("invalid UTF-8 tar")
        << "invalid-utf8.tar"
        << QList<Refusal>{{QStringLiteral("bad\\xff.txt"), FileStatus::UnsafePath,
                           QStringLiteral("its name is not valid UTF-8")}}
        << ok;
    QTest::newRow("control characters")
        << "control-chars.zip"
        << QList<Refusal>{{QStringLiteral("evil\\x0aname.txt"), FileStatus::UnsafePath,
                           QStringLiteral("control characters")}}
        << ok;
    QTest::newRow("long path")
        << "long-path.zip"
        << QList<Refusal>{{QStringLiteral("d/").repeated(600) + QStringLiteral("long.txt"),
                           FileStatus::LimitExceeded,
                           QStringLiteral("its path is 1208 bytes long, more than the limit "
                                          "of 1024 bytes")}}
        << ok;
    QTest::newRow("nested-member marker")
        << "nested-marker.zip"
        << QList<Refusal>{{QStringLiteral("inner.zip!/fake.txt"), FileStatus::Unsupported,
                           QStringLiteral("reserves for members of nested archives")}}
        << ok;
    QTest::newRow("encrypted") << "encrypted.zip"
                               << QList<Refusal>{{QStringLiteral("secret.txt"), FileStatus::Unsupported,
                                                  QStringLiteral("it is encrypted")}}
                               << ok;
    QTest::newRow("duplicates zip") << "duplicates.zip"
                                    << QList<Refusal>{{QStringLiteral("a.txt (copy 2)"),
                                                       FileStatus::UnsafePath,
                                                       QStringLiteral("another member has the same path")}}
                                    << QStringList{QStringLiteral("a.txt"), QStringLiteral("b.txt")};
    QTest::newRow("duplicates tar") << "duplicates.tar"
                                    << QList<Refusal>{{QStringLiteral("a.txt (copy 2)"),
                                                       FileStatus::UnsafePath,
                                                       QStringLiteral("another member has the same path")}}
                                    << QStringList{QStringLiteral("a.txt"), QStringLiteral("b.txt")};
}

void TestArchiveHostile::refusedMembers()
{
    QFETCH(QString, sample);
    QFETCH(QList<Refusal>, refusals);
    QFETCH(QStringList, streamed);
    const QString path = deliver(sample);
    QVERIFY(!path.isEmpty());
    const Result<QString> detected = ingestAndStream(path);
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QVERIFY(m_streamError.isEmpty());
    QVERIFY2(m_memberErrors.isEmpty(), qPrintable(m_memberErrors.join(u'\n')));

    // The curator sees each refused member as a file with its status and a message naming the archive, the
    // member and the reason; it is never fetched.
    const QString archive = QDir::toNativeSeparators(path);
    for (const Refusal &refusal : refusals) {
        const FileDraft *file = m_sink.fileByMember(refusal.member);
        QVERIFY2(file, qPrintable(refusal.member));
        QCOMPARE(file->status, refusal.status);
        QCOMPARE(file->sourcePath, path);
        QVERIFY2(file->error.startsWith(refusal.member + QStringLiteral(" in ") + archive +
                                        QStringLiteral(" was not "
                                                       "read: ")),
                 qPrintable(file->error));
        QVERIFY2(file->error.contains(refusal.reason), qPrintable(file->error));
    }
    // The accepted files are pending, and exactly what the reader streams.
    QStringList pending;
    for (const FileDraft &file : m_sink.files()) {
        if (file.status == FileStatus::Pending)
            pending.append(file.sourceMember);
    }
    pending.sort();
    QCOMPARE(pending, streamed);
    m_streamed.sort();
    QCOMPARE(m_streamed, streamed);

    const TraceStep *step = nullptr;
    for (const TraceStep &s : m_trace.steps()) {
        if (s.stage == u"archive")
            step = &s;
    }
    QVERIFY(step);
    QVERIFY2(step->warnings.join(u' ').contains(
                 QStringLiteral("Refused members of %1: %2 ").arg(archive).arg(refusals.size())),
             qPrintable(step->warnings.join(u' ')));
    verifyNothingWritten(sample);
}

void TestArchiveHostile::failedArchives_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message"); // after the archive's path

    const int corrupt = int(ErrorCode::Corrupt);
    QTest::newRow("bzip2 bomb")
        << "bomb.tar.bz2" << int(ErrorCode::LimitExceeded)
        << " expands from its 861 bytes to at least 1073741824 bytes, a compression ratio of "
           "1247086:1; the limit is 1000:1.";
    QTest::newRow("entry claim")
        << "entries-claim.zip" << int(ErrorCode::LimitExceeded)
        << " declares 1000000000000 members; the limit for one archive is 1000000 members.";
    QTest::newRow("truncated zip")
        << "truncated.zip" << corrupt
        << " is not a readable zip archive: its central directory is missing or damaged "
           "(the file may be truncated).";
    QTest::newRow("zip head only")
        << "zip-head-only.zip" << corrupt
        << " is not a readable zip archive: its central directory is missing or damaged "
           "(the file may be truncated).";
    QTest::newRow("truncated tar") << "truncated.tar" << corrupt
                                   << " is damaged after its member b.txt (the file may be truncated): ";
    QTest::newRow("truncated tar.gz") << "truncated.tar.gz" << corrupt
                                      << " is damaged after its member a.txt (the file may be truncated): ";
    QTest::newRow("truncated tar.bz2") << "truncated.tar.bz2" << corrupt
                                       << " is damaged after its member a.txt (the file may be truncated): ";
    QTest::newRow("truncated tar.xz") << "truncated.tar.xz" << corrupt
                                      << " is damaged after its member a.txt (the file may be truncated): ";
    QTest::newRow("truncated 7z") << "truncated.7z" << corrupt << " is not a readable 7z archive: ";
    QTest::newRow("empty .zip") << "empty.zip" << corrupt << " is named like a zip archive but is empty.";
}

void TestArchiveHostile::failedArchives()
{
    QFETCH(QString, sample);
    QFETCH(int, code);
    QFETCH(QString, message);
    const QString path = deliver(sample);
    QVERIFY(!path.isEmpty());
    const Result<QString> detected = ingestAndStream(path);
    QVERIFY(!detected.ok());
    QCOMPARE(int(detected.error().code), code);
    const QString expected = QDir::toNativeSeparators(path) + message;
    QVERIFY2(detected.error().message.startsWith(expected),
             qPrintable(detected.error().message + QStringLiteral("\nexpected: ") + expected));
    // Nothing reached the catalog.
    QVERIFY(m_sink.items.isEmpty());
    // The reader fails as clearly, now or when it reaches the damage.
    QVERIFY2(!m_streamError.isEmpty() || !m_memberErrors.isEmpty(), qPrintable(sample));
    QVERIFY(m_streamError.contains(sample) || m_memberErrors.join(u' ').contains(sample));
    verifyNothingWritten(sample);
}

void TestArchiveHostile::duplicatesKeepTheFirstCopy()
{
    for (const char *sample : {"duplicates.zip", "duplicates.tar"}) {
        init();
        const QString path = deliver(QString::fromLatin1(sample));
        auto package = ArchivePackage::open(path, IntakeOptions{});
        QVERIFY(package.ok());
        QCOMPARE(*(*package)->read(QStringLiteral("a.txt")), QByteArray("first copy\n"));
        auto reader = ArchiveReader::open(path, ArchiveLimits{});
        QVERIFY(reader.ok());
        QByteArray buffer(100, Qt::Uninitialized);
        QVERIFY((*reader)->next().ok());
        QCOMPARE((*reader)->memberPath(), QStringLiteral("a.txt"));
        QCOMPARE(QByteArray(buffer.constData(), (*reader)->read(buffer.data(), buffer.size())),
                 QByteArray("first copy\n"));
    }
}

void TestArchiveHostile::zipBombMemberIsRefusedNotInflated()
{
    // Even asked for directly, the bomb is not inflated: the package does not list it, so it cannot be read.
    const QString path = deliver(QStringLiteral("zip-bomb.zip"));
    auto package = ArchivePackage::open(path, IntakeOptions{});
    QVERIFY(package.ok());
    QVERIFY(!(*package)->contains(QStringLiteral("zeros.bin")));
    QCOMPARE((*package)->read(QStringLiteral("zeros.bin")).error().code, ErrorCode::NotFound);
    // A curator who raises the ratio limit gets the member, counted while inflating.
    IntakeOptions generous;
    generous.archive.maxCompressionRatio = 2000;
    auto allowed = ArchivePackage::open(path, generous);
    QVERIFY(allowed.ok());
    QVERIFY((*allowed)->contains(QStringLiteral("zeros.bin")));
    QCOMPARE((*allowed)->read(QStringLiteral("zeros.bin"), 1024).error().code, ErrorCode::LimitExceeded);
    verifyNothingWritten(QStringLiteral("zip-bomb.zip"));
}

void TestArchiveHostile::nestedBomb()
{
    // 42.zip-style: four levels of four copies, 64 MiB of zeros at the bottom, 16 GiB in 3 KiB. The outer
    // listing is harmless (the members are small zips); opening levels stops at the nesting limit, and the
    // zeros themselves are refused by their ratio when a curator allows the depth.
    const QString path = deliver(QStringLiteral("nested-bomb.zip"));
    const Result<QString> detected = ingestAndStream(path);
    QVERIFY(detected.ok());
    QCOMPARE(m_sink.files().size(), 4);

    auto outer = ArchivePackage::open(path, IntakeOptions{});
    QVERIFY(outer.ok());
    std::vector<std::unique_ptr<ArchivePackage>> levels;
    const ArchivePackage *current = outer->get();
    for (int depth = 1; depth <= 3; ++depth) {
        auto next = current->openMember(QStringLiteral("level%1-0.zip").arg(depth));
        QVERIFY2(next.ok(), qPrintable(next.ok() ? QString() : next.error().message));
        levels.push_back(std::move(*next));
        current = levels.back().get();
    }
    const auto tooDeep = current->openMember(QStringLiteral("level4-0.zip"));
    QVERIFY(!tooDeep.ok());
    QCOMPARE(tooDeep.error().code, ErrorCode::LimitExceeded);
    QVERIFY2(
        tooDeep.error().message.contains(QStringLiteral("nested-bomb.zip!/level1-0.zip!/level2-0.zip!/"
                                                        "level3-0.zip!/level4-0.zip is an archive nested 4 "
                                                        "levels deep; the limit is 3 levels.")),
        qPrintable(tooDeep.error().message));
    levels.clear();

    IntakeOptions deeper;
    deeper.archive.maxNestingDepth = 4;
    auto outer4 = ArchivePackage::open(path, deeper);
    QVERIFY(outer4.ok());
    current = outer4->get();
    for (int depth = 1; depth <= 4; ++depth) {
        auto next = current->openMember(QStringLiteral("level%1-3.zip").arg(depth));
        QVERIFY(next.ok());
        levels.push_back(std::move(*next));
        current = levels.back().get();
    }
    QCOMPARE(current->entries().size(), 0);
    QCOMPARE(current->rejected().size(), 1);
    const FileDraft &zeros = current->rejected()[0];
    QCOMPARE(zeros.status, FileStatus::LimitExceeded);
    QCOMPARE(zeros.sourceMember,
             QStringLiteral("level1-3.zip!/level2-3.zip!/level3-3.zip!/level4-3.zip!/zeros.bin"));
    QVERIFY2(zeros.error.contains(QStringLiteral("compression ratio")), qPrintable(zeros.error));
    levels.clear();
    verifyNothingWritten(QStringLiteral("nested-bomb.zip"));
}

void TestArchiveHostile::deepNestingThroughPackages()
{
    const QString path = deliver(QStringLiteral("deep-nesting.zip"));
    auto outer = ArchivePackage::open(path, IntakeOptions{});
    QVERIFY(outer.ok());
    std::vector<std::unique_ptr<ArchivePackage>> levels;
    const ArchivePackage *current = outer->get();
    for (int depth = 1; depth <= 3; ++depth) {
        auto next = current->openMember(QStringLiteral("l%1.zip").arg(depth));
        QVERIFY(next.ok());
        QCOMPARE((*next)->depth(), depth);
        levels.push_back(std::move(*next));
        current = levels.back().get();
    }
    const auto tooDeep = current->openMember(QStringLiteral("l4.zip"));
    QVERIFY(!tooDeep.ok());
    QCOMPARE(tooDeep.error().code, ErrorCode::LimitExceeded);
    QVERIFY(
        tooDeep.error().message.contains(QStringLiteral("deep-nesting.zip!/l1.zip!/l2.zip!/l3.zip!/l4.zip")));
    levels.clear();
    verifyNothingWritten(QStringLiteral("deep-nesting.zip"));
}

void TestArchiveHostile::tooManyEntries()
{
    ArchiveLimits limits;
    limits.maxEntries = 1000;
    for (const QString &sample :
         {QStringLiteral("too-many-entries.zip"), QStringLiteral("too-many-entries.tar.gz")}) {
        init();
        const QString path = deliver(sample);
        const Result<QString> detected = ingestAndStream(path, limits);
        QVERIFY(!detected.ok());
        QCOMPARE(detected.error().code, ErrorCode::LimitExceeded);
        QVERIFY2(
            detected.error().message.startsWith(QDir::toNativeSeparators(path)) &&
                detected.error().message.contains(QStringLiteral("1001 members; the limit for one archive is "
                                                                 "1000 members.")),
            qPrintable(detected.error().message));
        QVERIFY(m_sink.items.isEmpty());
        QVERIFY(m_streamError.contains(QStringLiteral("1001 members")));
        verifyNothingWritten(sample);
        cleanup();
    }
    // Within the default limit the same archives load.
    init();
    const QString path = deliver(QStringLiteral("too-many-entries.tar.gz"));
    QVERIFY(ingestAndStream(path).ok());
    QCOMPARE(m_sink.files().size(), 1001);
}

void TestArchiveHostile::lyingSizeFailsWhenRead()
{
    const QString path = deliver(QStringLiteral("lying-size.zip"));
    const Result<QString> detected = ingestAndStream(path);
    QVERIFY(detected.ok());
    const FileDraft *zeros = m_sink.fileByMember(QStringLiteral("zeros.bin"));
    QVERIFY(zeros);
    QCOMPARE(zeros->declaredSize, 1000);
    QCOMPARE(m_memberErrors.size(), 1);
    QVERIFY2(m_memberErrors[0].contains(QStringLiteral("CRC-32")), qPrintable(m_memberErrors[0]));
    auto package = ArchivePackage::open(path, IntakeOptions{});
    const auto data = (*package)->read(QStringLiteral("zeros.bin"));
    QVERIFY(!data.ok());
    QCOMPARE(data.error().code, ErrorCode::Corrupt);
    QVERIFY(data.error().message.contains(QStringLiteral("zeros.bin in ")));
    verifyNothingWritten(QStringLiteral("lying-size.zip"));
}

QTEST_GUILESS_MAIN(TestArchiveHostile)
#include "tst_archivehostile.moc"
