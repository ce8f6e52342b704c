// One mimetype for the same bytes, whichever way they reach the store: MimeSniffer's window covers every
// magic rule of the installed shared-mime-info database, feeding it in pieces changes nothing, and a local
// copy, an archive member and a download (from nginx) of the same bytes are recorded with the same type.

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QXmlStreamReader>

#include "digest/mimesniff.h"
#include "peerserver.h"
#include "testsupport.h"

using namespace gh;

namespace {

//! DTS-HD audio: the core's sync word at the start, the HD sync word further in. Sniffed from 4 KiB (what
//! downloads used to read) it is plain DTS; from the whole file it is DTS-HD.
QByteArray dtsHd()
{
    QByteArray bytes(20000, '\0');
    const char core[] = {'\x7f', '\xfe', '\x80', '\x01'};
    const char hd[] = {'\x64', '\x58', '\x20', '\x25'};
    bytes.replace(0, 4, QByteArray(core, 4));
    bytes.replace(10000, 4, QByteArray(hd, 4));
    return bytes;
}

//! Bytes a magic match needs beyond its offset.
qint64 matchLength(const QString &type, const QString &value)
{
    if (type == u"byte")
        return 1;
    if (type.endsWith(u"16"))
        return 2;
    if (type.endsWith(u"32"))
        return 4;
    // A string: escapes (\x41, \0, \\) only shorten it, so its written length is an upper bound.
    return value.toUtf8().size();
}

} // namespace

class TestMimeSniff : public QObject
{
    Q_OBJECT

private slots:
    void windowCoversEveryMagicRule();
    void piecesGiveTheSameAnswer();
    void sameBytesSameTypeThroughEveryPath();
};

void TestMimeSniff::windowCoversEveryMagicRule()
{
    const QString database = QStringLiteral("/usr/share/mime/packages/freedesktop.org.xml");
    QFile file(database);
    if (!file.open(QIODevice::ReadOnly))
        QSKIP("shared-mime-info's freedesktop.org.xml is not installed");
    QXmlStreamReader xml(&file);
    qint64 farthest = 0;
    QString farthestType;
    QString mimeType;
    int matches = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"mime-type") {
            mimeType = xml.attributes().value(QStringLiteral("type")).toString();
        } else if (xml.name() == u"match") {
            ++matches;
            const QString offset = xml.attributes().value(QStringLiteral("offset")).toString();
            const qint64 end = offset.section(u':', -1).toLongLong() +
                               matchLength(xml.attributes().value(QStringLiteral("type")).toString(),
                                           xml.attributes().value(QStringLiteral("value")).toString());
            if (end > farthest) {
                farthest = end;
                farthestType = mimeType;
            }
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(matches > 1000);
    QVERIFY2(farthest <= MimeSniffer::window,
             qPrintable(QStringLiteral("%1's magic reaches byte %2, beyond the %3-byte window")
                            .arg(farthestType)
                            .arg(farthest)
                            .arg(MimeSniffer::window)));
    // The window is not wider than it needs to be by an order of magnitude either.
    QVERIFY(farthest > MimeSniffer::window / 8);
}

void TestMimeSniff::piecesGiveTheSameAnswer()
{
    const QByteArray bytes = dtsHd() + test::pseudoRandomBytes(100000, 3);
    // The reason for one window: the same bytes sniffed from 4 KiB and from the whole window differ.
    QCOMPARE(MimeSniffer::sniff(bytes.left(4096)), QStringLiteral("audio/vnd.dts"));
    const QString whole = MimeSniffer::sniff(bytes);
    QCOMPARE(whole, QStringLiteral("audio/vnd.dts.hd"));
    for (const qint64 piece : {qint64(1), qint64(7), qint64(4096), qint64(65536), qint64(1 << 20)}) {
        MimeSniffer sniffer;
        for (qint64 at = 0; at < bytes.size(); at += piece)
            sniffer.add(bytes.constData() + at, std::min<qint64>(piece, bytes.size() - at));
        QVERIFY(sniffer.isComplete());
        QCOMPARE(sniffer.mimetype(), whole);
    }
    // Short files are sniffed from all they have.
    MimeSniffer shortFile;
    shortFile.add(bytes.constData(), 12000);
    QVERIFY(!shortFile.isComplete());
    QCOMPARE(shortFile.mimetype(), QStringLiteral("audio/vnd.dts.hd"));
}

void TestMimeSniff::sameBytesSameTypeThroughEveryPath()
{
    const QByteArray bytes = dtsHd() + test::pseudoRandomBytes(300000, 11);
    QTemporaryDir source;
    test::writeFile(source.filePath(QStringLiteral("recording/track.bin")), bytes);
    test::PeerServer nginx(QStringLiteral("nginx"), {source.path()});
    QVERIFY2(nginx.isRunning(), qPrintable(nginx.error()));

    // The same file as a local copy, as a member of a zip, and downloaded.
    QTemporaryDir zipDir;
    const QString zip = zipDir.filePath(QStringLiteral("recording.zip"));
    QProcess python;
    python.start(test::python3(),
                 {QStringLiteral("-c"),
                  QStringLiteral("import sys, zipfile\n"
                                 "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                                 "    z.write(sys.argv[2], 'recording/track.bin')\n"),
                  zip, source.filePath(QStringLiteral("recording/track.bin"))});
    QVERIFY(python.waitForFinished(30000));
    QCOMPARE(python.exitCode(), 0);
    QTemporaryDir listDir;
    const QString list = listDir.filePath(QStringLiteral("urls.txt"));
    test::writeFile(list, (nginx.baseUrl() + QStringLiteral("/recording/track.bin\n")).toUtf8());

    QStringList seen;
    for (const QString &input : {source.filePath(QStringLiteral("recording")), zip, list}) {
        test::Workspace ws;
        const auto run = ws.cli({QStringLiteral("run"), input, QStringLiteral("-q")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto files = ws.cli({QStringLiteral("files"), QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(files.exitCode, 0);
        const QJsonObject file = QJsonDocument::fromJson(files.out.split('\n').constFirst()).object();
        QCOMPARE(file.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        QCOMPARE(file.value(QStringLiteral("size")).toInteger(), qint64(bytes.size()));
        seen.append(file.value(QStringLiteral("mimetype")).toString());
    }
    QCOMPARE(seen, QStringList(3, QStringLiteral("audio/vnd.dts.hd")));
}

QTEST_GUILESS_MAIN(TestMimeSniff)
#include "tst_mimesniff.moc"
