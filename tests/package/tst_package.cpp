// The desktop package as a user's machine meets it: desktop-file-validate and appstreamcli validate --no-net
// accept the menu entry and the AppStream metadata, the icon exists at every hicolor size, the man pages
// carry every command's --help, and the .deb that CPack builds (as scripts/setup.sh package does) installs
// the expected tree, depends on what dpkg-shlibdeps found plus the Qt plugins, and its gatehouse-cli runs.
#include <QDir>
#include <QDirIterator>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "testsupport.h"

namespace {

struct Run
{
    int exit = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &arguments, const QString &workingDir = {},
        int timeoutMs = 120000)
{
    QProcess process;
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.start(program, arguments);
    Run result;
    if (!process.waitForStarted(10000)) {
        result.err = program + u": " + process.errorString();
        return result;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = program + QStringLiteral(": timed out");
        return result;
    }
    result.exit = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

const QString s_appId = QStringLiteral("invalid.gatehouse.Gatehouse");

} // namespace

class TestPackage : public QObject
{
    Q_OBJECT

private slots:
    void desktopEntryValidates();
    void metainfoValidates();
    void iconsRendered();
    void manPagesFromHelp();
    void debianPackage();
};

void TestPackage::desktopEntryValidates()
{
    const Run r = run(QStringLiteral("desktop-file-validate"), {QStringLiteral(GATEHOUSE_DESKTOP)});
    QVERIFY2(r.exit == 0 && r.out.trimmed().isEmpty(), qPrintable(r.out + r.err));
    QFile desktop(QStringLiteral(GATEHOUSE_DESKTOP));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(desktop.readAll());
    QVERIFY(text.contains(QStringLiteral("x-scheme-handler/gatehouse;")));
    QVERIFY(text.contains(QStringLiteral("Exec=gatehouse %u")));
}

void TestPackage::metainfoValidates()
{
    const Run r = run(QStringLiteral("appstreamcli"), {QStringLiteral("validate"), QStringLiteral("--no-net"),
                                                       QStringLiteral(GATEHOUSE_METAINFO)});
    QVERIFY2(r.exit == 0, qPrintable(r.out + r.err));
    QVERIFY2(!r.out.contains(QStringLiteral("W: ")) && !r.out.contains(QStringLiteral("E: ")),
             qPrintable(r.out));
    QFile metainfo(QStringLiteral(GATEHOUSE_METAINFO));
    QVERIFY(metainfo.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(metainfo.readAll());
    QVERIFY(text.contains(QStringLiteral("<release version=\"" GATEHOUSE_VERSION "\"")));
    QVERIFY(text.contains(QStringLiteral("<launchable type=\"desktop-id\">") + s_appId +
                          QStringLiteral(".desktop")));
}

void TestPackage::iconsRendered()
{
    for (int size : {48, 128, 256}) {
        const QString path =
            QStringLiteral(GATEHOUSE_BINARY_DIR "/icons/hicolor/%1x%1/apps/gatehouse.png").arg(size);
        const QImage icon(path);
        QVERIFY2(!icon.isNull(), qPrintable(path));
        QCOMPARE(icon.size(), QSize(size, size));
        QVERIFY(icon.hasAlphaChannel());
        // Drawn, not blank: the centre is opaque and the corners are transparent.
        QCOMPARE(qAlpha(icon.pixel(size / 2, size / 2)), 255);
        QCOMPARE(qAlpha(icon.pixel(0, 0)), 0);
    }
}

void TestPackage::manPagesFromHelp()
{
    const QString page = QStringLiteral(GATEHOUSE_MAN_DIR "/gatehouse-cli.1.gz");
    QVERIFY(QFileInfo::exists(page));
    const Run rendered = run(QStringLiteral("man"), {QStringLiteral("-l"), QStringLiteral("-Tutf8"), page});
    QVERIFY2(rendered.exit == 0, qPrintable(rendered.err));
    const QString text = rendered.out;
    QVERIFY(text.contains(QStringLiteral("gatehouse-cli")));
    // Every command's help, word for word as --help prints its description.
    for (const char *command :
         {"load", "fetch", "run", "status", "files", "report", "watch", "bag", "thumbnails"}) {
        const auto help = gh::test::Workspace().cli({QLatin1String(command), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        const QString description = QString::fromUtf8(help.out).section(u'\n', 1, 1).trimmed();
        QVERIFY2(!description.isEmpty(), command);
        QVERIFY2(
            text.simplified().contains(description.simplified()),
            qPrintable(
                QStringLiteral("%1: \"%2\" not in the man page").arg(QLatin1String(command), description)));
    }
    QVERIFY2(text.contains(QStringLiteral("premis")), "report --format's list of formats");
    // No roff warnings.
    const Run lint =
        run(QStringLiteral("sh"),
            {QStringLiteral("-c"), QStringLiteral("zcat '%1' | groff -man -Tutf8 -ww -z").arg(page)});
    QVERIFY2(lint.exit == 0 && lint.err.trimmed().isEmpty(), qPrintable(lint.err));
}

void TestPackage::debianPackage()
{
    QTemporaryDir out;
    const Run cpack = run(QStringLiteral("cpack"),
                          {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), out.path()},
                          QStringLiteral(GATEHOUSE_BINARY_DIR), 600000);
    QVERIFY2(cpack.exit == 0, qPrintable(cpack.out + cpack.err));
    QDir dir(out.path());
    const QStringList debs = dir.entryList({QStringLiteral("gatehouse_*.deb")}, QDir::Files);
    QCOMPARE(debs.size(), 1);
    const QString deb = dir.filePath(debs.constFirst());
    QVERIFY(debs.constFirst().startsWith(QStringLiteral("gatehouse_" GATEHOUSE_VERSION "_")));

    const Run contents = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--contents"), deb});
    QCOMPARE(contents.exit, 0);
    QStringList expected{
        QStringLiteral("./usr/bin/gatehouse-cli"),
        QStringLiteral("./usr/share/applications/") + s_appId + QStringLiteral(".desktop"),
        QStringLiteral("./usr/share/metainfo/") + s_appId + QStringLiteral(".metainfo.xml"),
        QStringLiteral("./usr/share/icons/hicolor/scalable/apps/gatehouse.svg"),
        QStringLiteral("./usr/share/icons/hicolor/48x48/apps/gatehouse.png"),
        QStringLiteral("./usr/share/icons/hicolor/128x128/apps/gatehouse.png"),
        QStringLiteral("./usr/share/icons/hicolor/256x256/apps/gatehouse.png"),
        QStringLiteral("./usr/share/man/man1/gatehouse-cli.1.gz"),
        QStringLiteral("./usr/share/gatehouse/translations/gatehouse_da.qm"),
        QStringLiteral("./usr/share/gatehouse/translations/gatehouse_de.qm"),
    };
    if (QFileInfo::exists(QStringLiteral(GATEHOUSE_BINARY_DIR "/bin/gatehouse")))
        expected << QStringLiteral("./usr/bin/gatehouse")
                 << QStringLiteral("./usr/share/man/man1/gatehouse.1.gz");
    QStringList listed;
    for (const QString &line : contents.out.split(u'\n', Qt::SkipEmptyParts))
        listed.append(line.section(u' ', -1));
    for (const QString &path : std::as_const(expected))
        QVERIFY2(listed.contains(path),
                 qPrintable(path + QStringLiteral(" is not in the package:\n") + contents.out));
    // Nothing from the build or test tree.
    for (const QString &path : std::as_const(listed)) {
        QVERIFY2(path.startsWith(QStringLiteral("./usr/")), qPrintable(path));
        QVERIFY2(!path.contains(QStringLiteral("tst_")) && !path.contains(QStringLiteral("samplegen")),
                 qPrintable(path));
    }

    const Run depends =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("--field"), deb, QStringLiteral("Depends")});
    QCOMPARE(depends.exit, 0);
    for (const char *package :
         {"libc6", "libqt6core6", "libqt6sql6 ", "libcurl4", "libarchive13", "libxml2",
          "libssl3", "libquazip1-qt6", "libqt6sql6-sqlite", "qt6-qpa-plugins"})
        QVERIFY2(depends.out.contains(QLatin1String(package).trimmed()),
                 qPrintable(QLatin1String(package) + u' ' + depends.out));

    // Unpacked, the program runs from its own tree: no path into the build folder (no RPATH), and the CLI
    // finds its translations beside it.
    QTemporaryDir root;
    QCOMPARE(run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), deb, root.path()}).exit, 0);
    const QString cli = root.filePath(QStringLiteral("usr/bin/gatehouse-cli"));
    const Run version = run(cli, {QStringLiteral("--version")});
    QCOMPARE(version.exit, 0);
    QCOMPARE(version.out.trimmed(), QStringLiteral("gatehouse-cli " GATEHOUSE_VERSION));
    const Run readelf = run(QStringLiteral("readelf"), {QStringLiteral("-d"), cli});
    QVERIFY2(!readelf.out.contains(QStringLiteral("RPATH")) &&
                 !readelf.out.contains(QStringLiteral("RUNPATH")),
             qPrintable(readelf.out));
    QProcess danish;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LANG"), QStringLiteral("da_DK.UTF-8"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("da_DK.UTF-8"));
    env.insert(QStringLiteral("LANGUAGE"), QStringLiteral("da"));
    danish.setProcessEnvironment(env);
    danish.start(cli, {QStringLiteral("--help")});
    QVERIFY(danish.waitForFinished(30000));
    const QString help = QString::fromUtf8(danish.readAllStandardOutput());
    QVERIFY2(help.contains(QStringLiteral("Kommandoer:")), qPrintable(help));

    // The unpacked metadata still validates.
    QCOMPARE(
        run(QStringLiteral("desktop-file-validate"),
            {root.filePath(QStringLiteral("usr/share/applications/") + s_appId + QStringLiteral(".desktop"))})
            .exit,
        0);
    QCOMPARE(run(QStringLiteral("appstreamcli"), {QStringLiteral("validate"), QStringLiteral("--no-net"),
                                                  root.filePath(QStringLiteral("usr/share/metainfo/") +
                                                                s_appId + QStringLiteral(".metainfo.xml"))})
                 .exit,
             0);
}

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
