#include <unistd.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTemporaryFile>
#include <QTest>
#include <QtConcurrent>

#include "intake/xml/safexml.h"
#include "testsupport.h"

using namespace gh;

Q_DECLARE_METATYPE(gh::ErrorCode)

namespace {

QByteArray sample(const QString &name, quint16 port)
{
    QFile file(test::dataPath(QStringLiteral("hostile/xml/") + name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().replace("@PORT@", QByteArray::number(port));
}

//! Captures everything written to file descriptor 2 while it lives.
class StderrCapture
{
public:
    StderrCapture()
    {
        m_file.open();
        fflush(stderr);
        m_saved = dup(2);
        dup2(m_file.handle(), 2);
    }
    QByteArray finish()
    {
        fflush(stderr);
        dup2(m_saved, 2);
        close(m_saved);
        m_file.seek(0);
        return m_file.readAll();
    }

private:
    QTemporaryFile m_file;
    int m_saved = -1;
};

} // namespace

class TestXml : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void namespaceAwareWalking();
    void hostile_data();
    void hostile();
    void malformedNamesFileAndLine();
    void undeclaredEntityRefused();
    void xincludeIsNotProcessed();
    void sizeLimit();
    void rootElementProbe();
    void parsesOnSeveralThreads();

private:
    QTcpServer m_listener;
};

void TestXml::initTestCase()
{
    // A listener that no parse may ever contact: every hostile sample points its URLs here.
    QVERIFY(m_listener.listen(QHostAddress::LocalHost));
}

void TestXml::namespaceAwareWalking()
{
    const QByteArray xml = R"(<?xml version="1.0"?>
<METS:mets xmlns:METS="http://www.loc.gov/METS/" xmlns:xl="http://www.w3.org/1999/xlink" OBJID="b1">
  <METS:fileSec>
    <METS:fileGrp USE="MASTER">
      <METS:file ID="F1"><METS:FLocat LOCTYPE="URL" xl:href="img/p1.tif"/></METS:file>
      <other:file xmlns:other="urn:x-other" ID="NOT-METS"/>
      <METS:file ID="F2"><METS:FLocat LOCTYPE="URL" href="img/p2.tif"/></METS:file>
    </METS:fileGrp>
  </METS:fileSec>
  <METS:metsHdr><METS:agent><METS:name>  Scanner &amp; Co  </METS:name></METS:agent></METS:metsHdr>
</METS:mets>
)";
    auto doc = XmlDocument::parse(xml, QStringLiteral("mets.xml"));
    QVERIFY2(doc.ok(), qPrintable(doc.ok() ? QString() : doc.error().message));
    const XmlElement root = doc->root();
    QVERIFY(root.is(xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!root.is(xmlns::mods, QStringLiteral("mets")));
    QCOMPARE(root.attribute(QStringLiteral("OBJID")), QStringLiteral("b1"));
    const QList<XmlElement> files = root.descendants(xmlns::mets, QStringLiteral("file"));
    QCOMPARE(files.size(), 2); // the urn:x-other element is not a METS file
    QCOMPARE(files[0].attribute(QStringLiteral("ID")), QStringLiteral("F1"));
    QCOMPARE(files[0].line(), 5);
    const XmlElement flocat = files[0].firstChild(xmlns::mets, QStringLiteral("FLocat"));
    QCOMPARE(flocat.attribute(xmlns::xlink, QStringLiteral("href")), QStringLiteral("img/p1.tif"));
    // An unprefixed href, as careless producers write it, is still found.
    QCOMPARE(files[1]
                 .firstChild(xmlns::mets, QStringLiteral("FLocat"))
                 .attribute(xmlns::xlink, QStringLiteral("href")),
             QStringLiteral("img/p2.tif"));
    QCOMPARE(root.childText(xmlns::mets, QStringLiteral("metsHdr/agent/name")),
             QStringLiteral("Scanner & Co"));
    QVERIFY(root.firstChild(xmlns::mets, QStringLiteral("dmdSec")).isNull());
    QVERIFY(root.firstChild(xmlns::mets, QStringLiteral("dmdSec")).text().isEmpty());
}

void TestXml::hostile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("XXE file:///etc/passwd")
        << "xxe-file.xml" << 3 << "external entity xxe (file:///etc/passwd)" << ErrorCode::Invalid;
    QTest::newRow("XXE http://") << "xxe-http.xml" << 3
                                 << "external entity xxe (http://127.0.0.1:" << ErrorCode::Invalid;
    QTest::newRow("parameter entity")
        << "parameter-entity.xml" << 3 << "external entity %remote" << ErrorCode::Invalid;
    QTest::newRow("external DTD") << "external-dtd.xml" << 2
                                  << "external DTD http://127.0.0.1:" << ErrorCode::Invalid;
    QTest::newRow("billion laughs") << "billion-laughs.xml" << 3 << "declares the entity lol in its DTD"
                                    << ErrorCode::Invalid;
    QTest::newRow("quadratic blowup")
        << "quadratic-blowup.xml" << 3 << "declares the entity a in its DTD" << ErrorCode::Invalid;
    QTest::newRow("deep nesting") << "deep-nesting.xml" << 2 << "nested more than 256 levels deep"
                                  << ErrorCode::LimitExceeded;
}

void TestXml::hostile()
{
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(QString, reason);
    QFETCH(ErrorCode, code);
    const QByteArray xml = sample(file, m_listener.serverPort());
    QVERIFY(!xml.isEmpty());

    StderrCapture stderrCapture;
    QElapsedTimer timer;
    timer.start();
    auto doc = XmlDocument::parse(xml, file);
    const qint64 elapsed = timer.elapsed();
    const QByteArray stderrOutput = stderrCapture.finish();

    QVERIFY(!doc.ok());
    QCOMPARE(doc.error().code, code);
    const QString message = doc.error().message;
    QVERIFY2(message.startsWith(file), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("line %1").arg(line)), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("root:")), qPrintable(message)); // nothing of /etc/passwd
    // Refused up front, not after expanding or waiting for a connection.
    QVERIFY2(elapsed < 2000, qPrintable(QString::number(elapsed)));
    // libxml2 never tried to load anything, and said nothing on stderr.
    QVERIFY(!m_listener.waitForNewConnection(200));
    QVERIFY2(stderrOutput.isEmpty(), stderrOutput.constData());
}

void TestXml::malformedNamesFileAndLine()
{
    StderrCapture stderrCapture;
    auto doc =
        XmlDocument::parse(sample(QStringLiteral("malformed.xml"), 0), QStringLiteral("deposit/mets.xml"));
    QVERIFY(stderrCapture.finish().isEmpty());
    QVERIFY(!doc.ok());
    QCOMPARE(doc.error().code, ErrorCode::Invalid);
    QVERIFY2(
        doc.error().message.startsWith(QStringLiteral("deposit/mets.xml is not well-formed XML: line 6")),
        qPrintable(doc.error().message));
    QVERIFY2(doc.error().message.contains(QStringLiteral("mismatch")), qPrintable(doc.error().message));

    auto empty = XmlDocument::parse(QByteArray(), QStringLiteral("empty.xml"));
    QVERIFY(!empty.ok());
    QVERIFY(empty.error().message.startsWith(QStringLiteral("empty.xml")));
}

void TestXml::undeclaredEntityRefused()
{
    auto doc = XmlDocument::parse(sample(QStringLiteral("undeclared-entity.xml"), 0),
                                  QStringLiteral("undeclared-entity.xml"));
    QVERIFY(!doc.ok());
    QVERIFY2(doc.error().message.contains(QStringLiteral("line 3")), qPrintable(doc.error().message));
    QVERIFY2(doc.error().message.contains(QStringLiteral("xxe")), qPrintable(doc.error().message));
}

void TestXml::xincludeIsNotProcessed()
{
    auto doc = XmlDocument::parse(sample(QStringLiteral("xinclude.xml"), 0), QStringLiteral("xinclude.xml"));
    QVERIFY(doc.ok());
    const XmlElement header = doc->root().firstChild(xmlns::mets, QStringLiteral("metsHdr"));
    QVERIFY(header.text().isEmpty()); // the include element stays an element; /etc/passwd is never read
    QCOMPARE(header.children().size(), 1);
    QCOMPARE(header.children().first().localName(), QStringLiteral("include"));
}

void TestXml::sizeLimit()
{
    QByteArray big = "<mets xmlns=\"http://www.loc.gov/METS/\"><metsHdr>";
    big.append(QByteArray(5000, 'x'));
    big.append("</metsHdr></mets>");
    XmlDocument::Limits limits;
    limits.maxBytes = 4096;
    auto doc = XmlDocument::parse(big, QStringLiteral("big.xml"), limits);
    QVERIFY(!doc.ok());
    QCOMPARE(doc.error().code, ErrorCode::LimitExceeded);
    QVERIFY2(doc.error().message.startsWith(QStringLiteral("big.xml is %1 bytes").arg(big.size())),
             qPrintable(doc.error().message));
    QVERIFY(doc.error().message.contains(QStringLiteral("4096")));
    QVERIFY(XmlDocument::parse(big, QStringLiteral("big.xml")).ok());
}

void TestXml::rootElementProbe()
{
    const QByteArray mets = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- a comment first -->\n<m:mets "
                            "xmlns:m=\"http://www.loc.gov/METS/\">"
                            "<m:fileSec>"; // a head: cut off mid-document
    QVERIFY(XmlDocument::hasRootElement(mets, xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!XmlDocument::hasRootElement(mets, xmlns::mods, QStringLiteral("mets")));
    QVERIFY(!XmlDocument::hasRootElement("<mets/>", xmlns::mets, QStringLiteral("mets"))); // no namespace
    QVERIFY(!XmlDocument::hasRootElement("{\"@context\": \"x\"}", xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!XmlDocument::hasRootElement("plain text", xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!XmlDocument::hasRootElement(sample(QStringLiteral("external-dtd.xml"), m_listener.serverPort()),
                                         xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!XmlDocument::hasRootElement(sample(QStringLiteral("xxe-http.xml"), m_listener.serverPort()),
                                         xmlns::mets, QStringLiteral("mets")));
    QVERIFY(!m_listener.waitForNewConnection(100));
}

void TestXml::parsesOnSeveralThreads()
{
    QByteArray xml = "<mets xmlns=\"http://www.loc.gov/METS/\"><fileSec>";
    for (int i = 0; i < 500; ++i)
        xml += "<file ID=\"F" + QByteArray::number(i) + "\"/>";
    xml += "</fileSec></mets>";
    const QByteArray bad = sample(QStringLiteral("billion-laughs.xml"), 0);
    QList<int> inputs;
    for (int i = 0; i < 64; ++i)
        inputs.append(i);
    const QList<int> counts = QtConcurrent::blockingMapped(inputs, [&](int i) {
        if (i % 2) {
            auto doc = XmlDocument::parse(bad, QStringLiteral("bad.xml"));
            return doc.ok() ? -1 : 0;
        }
        auto doc = XmlDocument::parse(xml, QStringLiteral("good.xml"));
        return doc.ok() ? int(doc->root().descendants(xmlns::mets, QStringLiteral("file")).size()) : -1;
    });
    for (int i = 0; i < counts.size(); ++i)
        QCOMPARE(counts[i], i % 2 ? 0 : 500);
}

QTEST_GUILESS_MAIN(TestXml)
#include "tst_xml.moc"
