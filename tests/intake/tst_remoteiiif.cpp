// IIIF manifests and collections given by URL, against a real nginx on loopback (tests/peers/nginx.sh):
// the collection and its member manifests are downloaded during intake with TLS verified, members that fail
// are recorded and named, and the others still load.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "intake/intakechain.h"
#include "peerserver.h"
#include "testsupport.h"
#include "tst_xml_collectingsink.h"

using namespace gh;

namespace {

QJsonObject lang(const QString &text)
{
    return QJsonObject{{QStringLiteral("en"), QJsonArray{text}}};
}

//! A v3 canvas with one image, \a image relative to the server.
QJsonObject v3Canvas(const QString &base, const QString &id, const QString &label, const QString &image)
{
    const QJsonObject annotation{
        {QStringLiteral("id"), QString(base + u"/anno/" + id)},
        {QStringLiteral("type"), QStringLiteral("Annotation")},
        {QStringLiteral("motivation"), QStringLiteral("painting")},
        {QStringLiteral("target"), QString(base + u"/canvas/" + id)},
        {QStringLiteral("body"), QJsonObject{{QStringLiteral("id"), QString(base + u'/' + image)},
                                             {QStringLiteral("type"), QStringLiteral("Image")},
                                             {QStringLiteral("format"), QStringLiteral("image/tiff")}}}};
    return QJsonObject{{QStringLiteral("id"), QString(base + u"/canvas/" + id)},
                       {QStringLiteral("type"), QStringLiteral("Canvas")},
                       {QStringLiteral("label"), lang(label)},
                       {QStringLiteral("height"), 100},
                       {QStringLiteral("width"), 80},
                       {QStringLiteral("items"),
                        QJsonArray{QJsonObject{{QStringLiteral("id"), QString(base + u"/page/" + id)},
                                               {QStringLiteral("type"), QStringLiteral("AnnotationPage")},
                                               {QStringLiteral("items"), QJsonArray{annotation}}}}}};
}

QJsonObject v3Manifest(const QString &base, const QString &path, const QString &label,
                       const QJsonArray &canvases)
{
    return QJsonObject{
        {QStringLiteral("@context"), QStringLiteral("http://iiif.io/api/presentation/3/context.json")},
        {QStringLiteral("id"), QString(base + u'/' + path)},
        {QStringLiteral("type"), QStringLiteral("Manifest")},
        {QStringLiteral("label"), lang(label)},
        {QStringLiteral("items"), canvases}};
}

QJsonObject v3Member(const QString &base, const QString &path, const QString &type, const QString &label)
{
    return QJsonObject{{QStringLiteral("id"), QString(base + u'/' + path)},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("label"), lang(label)}};
}

QJsonObject v3Collection(const QString &base, const QString &path, const QString &label,
                         const QJsonArray &items)
{
    return QJsonObject{
        {QStringLiteral("@context"), QStringLiteral("http://iiif.io/api/presentation/3/context.json")},
        {QStringLiteral("id"), QString(base + u'/' + path)},
        {QStringLiteral("type"), QStringLiteral("Collection")},
        {QStringLiteral("label"), lang(label)},
        {QStringLiteral("items"), items}};
}

QJsonObject v2Manifest(const QString &base, const QString &path, const QString &label,
                       const QStringList &pages)
{
    QJsonArray canvases;
    for (const QString &page : pages) {
        canvases.append(
            QJsonObject{{QStringLiteral("@id"), QString(base + u"/canvas/" + page)},
                        {QStringLiteral("@type"), QStringLiteral("sc:Canvas")},
                        {QStringLiteral("label"), page},
                        {QStringLiteral("height"), 100},
                        {QStringLiteral("width"), 80},
                        {QStringLiteral("images"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("@type"), QStringLiteral("oa:Annotation")},
                             {QStringLiteral("motivation"), QStringLiteral("sc:painting")},
                             {QStringLiteral("on"), QString(base + u"/canvas/" + page)},
                             {QStringLiteral("resource"),
                              QJsonObject{{QStringLiteral("@id"), QString(base + u"/img/" + page + u".jpg")},
                                          {QStringLiteral("@type"), QStringLiteral("dctypes:Image")},
                                          {QStringLiteral("format"), QStringLiteral("image/jpeg")}}}}}}});
    }
    return QJsonObject{
        {QStringLiteral("@context"), QStringLiteral("http://iiif.io/api/presentation/2/context.json")},
        {QStringLiteral("@id"), QString(base + u'/' + path)},
        {QStringLiteral("@type"), QStringLiteral("sc:Manifest")},
        {QStringLiteral("label"), label},
        {QStringLiteral("sequences"),
         QJsonArray{QJsonObject{{QStringLiteral("@type"), QStringLiteral("sc:Sequence")},
                                {QStringLiteral("canvases"), canvases}}}}};
}

QStringList names(const ItemDraft &item)
{
    QStringList list;
    for (const FileDraft &file : item.files)
        list.append(file.name);
    return list;
}

} // namespace

class TestRemoteIiif : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void v3CollectionOfTwoManifests();
    void v2CollectionWithNestedCollectionAndFailingMember();
    void collectionThatListsItselfEnds();
    void countLimitRecordsTheRest();
    void depthLimitStopsDeepNesting();
    void manifestFromUrl();
    void unverifiableTlsIsRefused();
    void notFoundSourceIsAClearError();
    void cliLoadsCollectionFromUrl();

private:
    void put(const QString &path, const QJsonObject &json);
    Result<QString> ingest(const QString &url, const IntakeOptions &options = {});
    void serveTwoBookCollection();

    QTemporaryDir m_root;
    std::unique_ptr<test::PeerServer> m_nginx;
    QString m_base;
    test::CollectingSink m_sink;
    IntakeTrace m_trace;
};

void TestRemoteIiif::initTestCase()
{
    QVERIFY(m_root.isValid());
    m_nginx = std::make_unique<test::PeerServer>(QStringLiteral("nginx"), QStringList{m_root.path()});
    QVERIFY2(m_nginx->isRunning(), qPrintable(m_nginx->error()));
    m_base = m_nginx->baseUrl();
}

void TestRemoteIiif::init()
{
    m_sink = {};
    m_trace = {};
}

void TestRemoteIiif::put(const QString &path, const QJsonObject &json)
{
    test::writeFile(m_root.filePath(path), QJsonDocument(json).toJson());
}

Result<QString> TestRemoteIiif::ingest(const QString &url, const IntakeOptions &options)
{
    IntakeChain chain;
    return chain.ingest(url, m_sink, m_trace, options);
}

void TestRemoteIiif::serveTwoBookCollection()
{
    put(QStringLiteral("v3/book1.json"),
        v3Manifest(m_base, QStringLiteral("v3/book1.json"), QStringLiteral("First book"),
                   {v3Canvas(m_base, QStringLiteral("b1p1"), QStringLiteral("Title page"),
                             QStringLiteral("img/b1p1.tif")),
                    v3Canvas(m_base, QStringLiteral("b1p2"), QStringLiteral("Page 2"),
                             QStringLiteral("img/b1p2.tif")),
                    v3Canvas(m_base, QStringLiteral("b1p3"), QStringLiteral("Page 3"),
                             QStringLiteral("img/b1p3.tif"))}));
    put(QStringLiteral("v3/book2.json"),
        v3Manifest(m_base, QStringLiteral("v3/book2.json"), QStringLiteral("Second book"),
                   {v3Canvas(m_base, QStringLiteral("b2p1"), QStringLiteral("Cover"),
                             QStringLiteral("img/b2p1.tif")),
                    v3Canvas(m_base, QStringLiteral("b2p2"), QStringLiteral("Back"),
                             QStringLiteral("img/b2p2.tif"))}));
    // Relative member ids resolve against the collection's URL.
    put(QStringLiteral("v3/collection.json"),
        v3Collection(m_base, QStringLiteral("v3/collection.json"), QStringLiteral("Two books"),
                     {QJsonObject{{QStringLiteral("id"), QStringLiteral("book2.json")},
                                  {QStringLiteral("type"), QStringLiteral("Manifest")},
                                  {QStringLiteral("label"), lang(QStringLiteral("Second book"))}},
                      v3Member(m_base, QStringLiteral("v3/book1.json"), QStringLiteral("Manifest"),
                               QStringLiteral("First book"))}));
}

void TestRemoteIiif::v3CollectionOfTwoManifests()
{
    serveTwoBookCollection();
    const auto kind = ingest(m_base + u"/v3/collection.json");
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));
    QCOMPARE(*kind, QStringLiteral("iiif"));

    // Members in the collection's order, canvases in each manifest's order, named by their labels.
    QCOMPARE(m_sink.items.size(), 2);
    QCOMPARE(m_sink.items[0].label, QStringLiteral("Second book"));
    QCOMPARE(m_sink.items[1].label, QStringLiteral("First book"));
    QVERIFY2(names(m_sink.items[0]).mid(0, 2) == test::strings({"Cover.tif", "Back.tif"}),
             qPrintable(names(m_sink.items[0]).join(u", ")));
    QVERIFY2(names(m_sink.items[1]).mid(0, 3) ==
                 test::strings({"Title page.tif", "Page 2.tif", "Page 3.tif"}),
             qPrintable(names(m_sink.items[1]).join(u", ")));
    QCOMPARE(m_sink.items[1].files[0].sourceUrl, QString(m_base + u"/img/b1p1.tif"));
    QCOMPARE(m_sink.items[0].files[1].sourceUrl, QString(m_base + u"/img/b2p2.tif"));
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        for (const FileDraft &file : item.files)
            QVERIFY2(file.status == FileStatus::Pending, qPrintable(file.name + u": " + file.error));
    }

    // Each download is a step of the trace.
    const QString trace = test::traceText(m_trace);
    QVERIFY2(trace.contains(m_base + u"/v3/collection.json"), qPrintable(trace));
    QVERIFY2(trace.contains(u"Downloaded the collection member " + m_base + u"/v3/book1.json"),
             qPrintable(trace));
    QVERIFY2(trace.contains(u"Downloaded the collection member " + m_base + u"/v3/book2.json"),
             qPrintable(trace));
    QVERIFY2(test::allWarnings(m_trace).isEmpty(), qPrintable(test::allWarnings(m_trace)));
}

void TestRemoteIiif::v2CollectionWithNestedCollectionAndFailingMember()
{
    put(QStringLiteral("v2/m1.json"), v2Manifest(m_base, QStringLiteral("v2/m1.json"),
                                                 QStringLiteral("Letters"), test::strings({"l1", "l2"})));
    put(QStringLiteral("v2/m2.json"),
        v2Manifest(m_base, QStringLiteral("v2/m2.json"), QStringLiteral("Postcards"), test::strings({"p1"})));
    const QJsonObject sub{
        {QStringLiteral("@context"), QStringLiteral("http://iiif.io/api/presentation/2/context.json")},
        {QStringLiteral("@id"), QString(m_base + u"/v2/sub.json")},
        {QStringLiteral("@type"), QStringLiteral("sc:Collection")},
        {QStringLiteral("label"), QStringLiteral("Postcard series")},
        {QStringLiteral("manifests"),
         QJsonArray{QJsonObject{{QStringLiteral("@id"), QString(m_base + u"/v2/m2.json")},
                                {QStringLiteral("@type"), QStringLiteral("sc:Manifest")},
                                {QStringLiteral("label"), QStringLiteral("Postcards")}}}}};
    put(QStringLiteral("v2/sub.json"), sub);
    const QJsonObject top{
        {QStringLiteral("@context"), QStringLiteral("http://iiif.io/api/presentation/2/context.json")},
        {QStringLiteral("@id"), QString(m_base + u"/v2/top.json")},
        {QStringLiteral("@type"), QStringLiteral("sc:Collection")},
        {QStringLiteral("label"), QStringLiteral("Correspondence")},
        {QStringLiteral("collections"),
         QJsonArray{QJsonObject{{QStringLiteral("@id"), QString(m_base + u"/v2/sub.json")},
                                {QStringLiteral("@type"), QStringLiteral("sc:Collection")},
                                {QStringLiteral("label"), QStringLiteral("Postcard series")}}}},
        {QStringLiteral("manifests"),
         QJsonArray{QJsonObject{{QStringLiteral("@id"), QString(m_base + u"/v2/m1.json")},
                                {QStringLiteral("@type"), QStringLiteral("sc:Manifest")},
                                {QStringLiteral("label"), QStringLiteral("Letters")}},
                    QJsonObject{{QStringLiteral("@id"), QString(m_base + u"/v2/gone.json")},
                                {QStringLiteral("@type"), QStringLiteral("sc:Manifest")},
                                {QStringLiteral("label"), QStringLiteral("Withdrawn")}}}}};
    put(QStringLiteral("v2/top.json"), top);

    const auto kind = ingest(m_base + u"/v2/top.json");
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));

    QStringList labels;
    for (const ItemDraft &item : std::as_const(m_sink.items))
        labels.append(item.label);
    QVERIFY2(labels.contains(QStringLiteral("Letters")) && labels.contains(QStringLiteral("Postcards")),
             qPrintable(labels.join(u", ")));
    QCOMPARE(m_sink.items.size(), 3);

    // The member that failed is an item whose one file names its URL and why; the warning names the URL.
    const FileDraft *gone = nullptr;
    for (const ItemDraft &item : std::as_const(m_sink.items)) {
        for (const FileDraft &file : item.files) {
            if (file.sourceUrl == QString(m_base + u"/v2/gone.json"))
                gone = &file;
        }
    }
    QVERIFY(gone);
    QCOMPARE(gone->status, FileStatus::NotFound);
    QVERIFY2(gone->error.contains(m_base + u"/v2/gone.json") && gone->error.contains(u"404"),
             qPrintable(gone->error));
    QVERIFY2(test::allWarnings(m_trace).contains(m_base + u"/v2/gone.json"),
             qPrintable(test::allWarnings(m_trace)));
}

void TestRemoteIiif::collectionThatListsItselfEnds()
{
    put(QStringLiteral("loop/a.json"),
        v3Collection(m_base, QStringLiteral("loop/a.json"), QStringLiteral("A"),
                     {v3Member(m_base, QStringLiteral("loop/b.json"), QStringLiteral("Collection"),
                               QStringLiteral("B"))}));
    put(QStringLiteral("loop/b.json"),
        v3Collection(m_base, QStringLiteral("loop/b.json"), QStringLiteral("B"),
                     {v3Member(m_base, QStringLiteral("loop/a.json"), QStringLiteral("Collection"),
                               QStringLiteral("A")),
                      v3Member(m_base, QStringLiteral("v3/book1.json"), QStringLiteral("Manifest"),
                               QStringLiteral("First book"))}));
    serveTwoBookCollection();
    const auto kind = ingest(m_base + u"/loop/a.json");
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].label, QStringLiteral("First book"));
    QVERIFY2(test::allWarnings(m_trace).contains(u"already read"), qPrintable(test::allWarnings(m_trace)));
}

void TestRemoteIiif::countLimitRecordsTheRest()
{
    serveTwoBookCollection();
    IntakeOptions options;
    options.maxRemoteManifests = 1;
    const auto kind = ingest(m_base + u"/v3/collection.json", options);
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));
    QCOMPARE(m_sink.items.size(), 2);
    QCOMPARE(m_sink.items[0].label, QStringLiteral("Second book"));
    QCOMPARE(m_sink.items[1].files.size(), 1);
    QCOMPARE(m_sink.items[1].files[0].status, FileStatus::LimitExceeded);
    QVERIFY2(m_sink.items[1].files[0].error.contains(m_base + u"/v3/book1.json"),
             qPrintable(m_sink.items[1].files[0].error));
}

void TestRemoteIiif::depthLimitStopsDeepNesting()
{
    // c0 lists c1 lists c2 … lists c11, each a separate document: deeper than the eight levels allowed.
    serveTwoBookCollection();
    for (int level = 0; level < 12; ++level) {
        const QString path = QStringLiteral("deep/c%1.json").arg(level);
        const QJsonArray items =
            level < 11 ? QJsonArray{v3Member(m_base, QStringLiteral("deep/c%1.json").arg(level + 1),
                                             QStringLiteral("Collection"),
                                             QStringLiteral("Level %1").arg(level + 1))}
                       : QJsonArray{v3Member(m_base, QStringLiteral("v3/book1.json"),
                                             QStringLiteral("Manifest"), QStringLiteral("First book"))};
        put(path, v3Collection(m_base, path, QStringLiteral("Level %1").arg(level), items));
    }
    const auto kind = ingest(m_base + u"/deep/c0.json");
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].files.size(), 1);
    const FileDraft &file = m_sink.items[0].files[0];
    QCOMPARE(file.status, FileStatus::LimitExceeded);
    QVERIFY2(file.error.contains(u"levels deep"), qPrintable(file.error));
    QVERIFY2(test::allWarnings(m_trace).contains(file.sourceUrl), qPrintable(test::allWarnings(m_trace)));
}

void TestRemoteIiif::manifestFromUrl()
{
    serveTwoBookCollection();
    const auto kind = ingest(m_base + u"/v3/book1.json");
    QVERIFY2(kind, qPrintable(kind ? QString() : kind.error().message));
    QCOMPARE(*kind, QStringLiteral("iiif"));
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].label, QStringLiteral("First book"));
    QVERIFY(names(m_sink.items[0]).startsWith(QStringLiteral("Title page.tif")));
    // Everything points at the server, nothing at intake's temporary copy of the manifest.
    for (const FileDraft &file : std::as_const(m_sink.items[0].files)) {
        QVERIFY2(file.sourcePath.isEmpty(), qPrintable(file.sourcePath));
        QVERIFY2(file.sourceUrl.startsWith(m_base), qPrintable(file.sourceUrl));
    }
    QVERIFY2(test::traceText(m_trace).contains(u"was downloaded"), qPrintable(test::traceText(m_trace)));
}

void TestRemoteIiif::unverifiableTlsIsRefused()
{
    QTemporaryDir root;
    test::writeFile(
        root.filePath(QStringLiteral("m.json")),
        QJsonDocument(v2Manifest(m_base, QStringLiteral("m.json"), QStringLiteral("X"), {})).toJson());
    test::PeerServer tls(QStringLiteral("nginx"), {root.path(), QStringLiteral("--tls")});
    QVERIFY2(tls.isRunning(), qPrintable(tls.error()));
    const QString url = QStringLiteral("https://127.0.0.1:%1/m.json").arg(tls.port());
    const auto kind = ingest(url);
    QVERIFY(!kind);
    QVERIFY2(kind.error().message.contains(url), qPrintable(kind.error().message));
    QVERIFY2(kind.error().message.contains(u"certificate", Qt::CaseInsensitive),
             qPrintable(kind.error().message));
    QCOMPARE(m_sink.items.size(), 0);

    // Trusting the test's own certificate authority makes the same URL load.
    IntakeOptions trusting;
    trusting.transfer.caBundle = tls.dir() + u"/cert.pem";
    const auto trusted = ingest(url, trusting);
    QVERIFY2(trusted, qPrintable(trusted ? QString() : trusted.error().message));
    QCOMPARE(m_sink.items.size(), 1);
}

void TestRemoteIiif::notFoundSourceIsAClearError()
{
    const QString url = m_base + u"/nothing/here.json";
    const auto kind = ingest(url);
    QVERIFY(!kind);
    QVERIFY2(kind.error().message.contains(url) && kind.error().message.contains(u"404"),
             qPrintable(kind.error().message));
}

void TestRemoteIiif::cliLoadsCollectionFromUrl()
{
    serveTwoBookCollection();
    test::Workspace ws;
    const auto load =
        ws.cli({QStringLiteral("load"), m_base + u"/v3/collection.json", QStringLiteral("--json")});
    QVERIFY2(load.exitCode == 0, load.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(load.out).object();
    QCOMPARE(o.value(QStringLiteral("detected")).toString(), QStringLiteral("iiif"));
    QCOMPARE(o.value(QStringLiteral("items")).toInt(), 2);

    // Items and their canvases in order, as the catalog holds them.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(ws.catalog());
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral(
            "SELECT i.label, f.name, f.source_url FROM items i JOIN files f ON f.item_id = i.id "
            "WHERE f.source_url LIKE '%/img/%' ORDER BY i.seq, f.seq")));
        QStringList rows;
        while (q.next())
            rows.append(q.value(0).toString() + u'|' + q.value(1).toString());
        QCOMPARE(rows,
                 test::strings({"Second book|Cover.tif", "Second book|Back.tif", "First book|Title page.tif",
                                "First book|Page 2.tif", "First book|Page 3.tif"}));
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

QTEST_GUILESS_MAIN(TestRemoteIiif)
#include "tst_remoteiiif.moc"
