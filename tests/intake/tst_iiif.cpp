#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

#include "intake/iiif/iiifingester.h"
#include "intake/intakechain.h"
#include "testsupport.h"
#include "tst_xml_collectingsink.h"

using namespace gh;

namespace {

QString iiifData(const QString &relative)
{
    return test::dataPath(QStringLiteral("iiif/") + relative);
}

QStringList names(const ItemDraft &item)
{
    QStringList list;
    for (const FileDraft &file : item.files)
        list.append(file.name);
    return list;
}

QStringList urls(const ItemDraft &item)
{
    QStringList list;
    for (const FileDraft &file : item.files)
        list.append(file.sourceUrl);
    return list;
}

} // namespace

class TestIiif : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void v2ManifestCanvasesAndImageRequests();
    void v2ManifestMetadata();
    void v2ManifestInTheCuratorsLanguage();
    void v3ManifestWithSoundVideoAndChoice();
    void v3ManifestMetadataAndLanguageMaps();
    void imageServiceLevels_data();
    void imageServiceLevels();
    void v2CollectionEmbeddedLocalAndRemote();
    void v3CollectionWithMissingMember();
    void malformedJsonNamesLineAndColumn();
    void onlyIiifContextIsClaimed();
    void jsonLinesAreLeftToOthers();
    void notAManifest();
    void fetchedManifestEntryPoint();

private:
    Result<QString> ingest(const QString &source);
    test::CollectingSink m_sink;
    IntakeTrace m_trace;
};

void TestIiif::init()
{
    m_sink = {};
    m_trace = {};
}

void TestIiif::cleanup()
{
    QLocale::setDefault(QLocale::c());
}

Result<QString> TestIiif::ingest(const QString &source)
{
    // These samples name servers that do not exist; downloading members is tested in tests/intake2.
    IntakeOptions options;
    options.fetchRemoteManifests = false;
    IntakeChain chain;
    return chain.ingest(source, m_sink, m_trace, options);
}

void TestIiif::v2ManifestCanvasesAndImageRequests()
{
    const auto detected = ingest(iiifData(QStringLiteral("v2-manifest.json")));
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("iiif"));
    QCOMPARE(m_sink.items.size(), 1);
    const ItemDraft &item = m_sink.items[0];
    QCOMPARE(item.identifier, QStringLiteral("https://iiif.example.org/v2/book-1/manifest"));
    QCOMPARE(item.label, QStringLiteral("Herbarium of Simon Paulli"));
    // Canvas order; named by label (sanitised), by index when unlabelled; duplicate labels made unique.
    QCOMPARE(names(item), test::strings({"Cover.jpg", "p. 1.jpg", "p. 2.jpg", "p. 3.jpg", "canvas-0005.tif",
                                         "Plate_ A_B_.jpg", "Cover-2.jpg"}));
    QCOMPARE(urls(item), test::strings({
                             // level 2 with a 2.1 profile description (maxWidth): max
                             "https://images.example.org/iiif/2/b1-001/full/max/0/default.jpg",
                             // level 2, nothing says 2.1: full
                             "https://images.example.org/iiif/2/b1-002/full/full/0/default.jpg",
                             // levels 1 and 0 never get max
                             "https://images.example.org/iiif/2/b1-003/full/full/0/default.jpg",
                             "https://images.example.org/iiif/2/b1-004/full/full/0/default.jpg",
                             // no service: the resource itself
                             "https://images.example.org/masters/b1-005.tif",
                             // oa:Choice: the default, whose level-2 profile lists max
                             "https://images.example.org/iiif/2/b1-006-colour/full/max/0/default.jpg",
                             // Image API 1.1
                             "https://images.example.org/legacy/b1-007/full/full/0/native.jpg",
                         }));
    for (const FileDraft &file : item.files) {
        QCOMPARE(file.status, FileStatus::Pending);
        QVERIFY(file.sourcePath.isEmpty());
    }
    QCOMPARE(item.files[0].declaredMimetype, QStringLiteral("image/jpeg"));
    QCOMPARE(item.files[4].declaredMimetype, QStringLiteral("image/tiff"));
    QVERIFY2(test::traceText(m_trace).contains(
                 QStringLiteral("IIIF Presentation 2 manifest: 1 manifests with 7 canvases")),
             qPrintable(test::traceText(m_trace)));
}

void TestIiif::v2ManifestMetadata()
{
    QVERIFY(ingest(iiifData(QStringLiteral("v2-manifest.json"))).ok());
    const QJsonObject m = m_sink.items[0].metadata;
    QCOMPARE(m.value(QStringLiteral("iiif_version")).toInt(), 2);
    QCOMPARE(m.value(QStringLiteral("manifest")).toString(),
             QStringLiteral("https://iiif.example.org/v2/book-1/manifest"));
    QCOMPARE(m.value(QStringLiteral("summary")).toString(),
             QStringLiteral("Pressed plants with handwritten labels, about 1640."));
    QCOMPARE(m.value(QStringLiteral("rights")).toString(),
             QStringLiteral("https://creativecommons.org/publicdomain/mark/1.0/"));
    QCOMPARE(m.value(QStringLiteral("required_statement")).toObject(),
             QJsonObject({{QStringLiteral("label"), QStringLiteral("Attribution")},
                          {QStringLiteral("value"), QStringLiteral("Royal Danish Library")}}));
    QCOMPARE(m.value(QStringLiteral("nav_date")).toString(), QStringLiteral("1640-01-01T00:00:00Z"));
    QCOMPARE(m.value(QStringLiteral("label_languages")).toObject(),
             QJsonObject({{QStringLiteral("en"), QStringLiteral("Herbarium of Simon Paulli")},
                          {QStringLiteral("da"), QStringLiteral("Simon Paullis herbarium")}}));
    const QJsonArray pairs = m.value(QStringLiteral("metadata")).toArray();
    QCOMPARE(pairs.size(), 3);
    QCOMPARE(pairs[0].toObject().value(QStringLiteral("label")).toString(), QStringLiteral("Author"));
    QCOMPARE(pairs[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("Paulli, Simon"));
    QCOMPARE(pairs[1].toObject().value(QStringLiteral("label")).toString(), QStringLiteral("Date"));
    QCOMPARE(pairs[1].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("about 1640"));
    QCOMPARE(pairs[1]
                 .toObject()
                 .value(QStringLiteral("value_languages"))
                 .toObject()
                 .value(QStringLiteral("da"))
                 .toString(),
             QStringLiteral("omkring 1640"));
}

void TestIiif::v2ManifestInTheCuratorsLanguage()
{
    QLocale::setDefault(QLocale(QLocale::Danish, QLocale::Denmark));
    QVERIFY(ingest(iiifData(QStringLiteral("v2-manifest.json"))).ok());
    const ItemDraft &item = m_sink.items[0];
    QCOMPARE(item.label, QStringLiteral("Simon Paullis herbarium"));
    const QJsonArray pairs = item.metadata.value(QStringLiteral("metadata")).toArray();
    QCOMPARE(pairs[1].toObject().value(QStringLiteral("label")).toString(), QStringLiteral("Dato"));
    QCOMPARE(pairs[1].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("omkring 1640"));
    // Values without a Danish version fall back (here: language-neutral strings).
    QCOMPARE(pairs[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("Paulli, Simon"));
}

void TestIiif::v3ManifestWithSoundVideoAndChoice()
{
    const auto detected = ingest(iiifData(QStringLiteral("v3-manifest.json")));
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("iiif"));
    const ItemDraft &item = m_sink.items.at(0);
    QCOMPARE(item.identifier, QStringLiteral("https://iiif.example.org/v3/rec-1/manifest"));
    QCOMPARE(names(item), test::strings({"Photograph 1.jpg", "Photograph 2.jpg", "Drum song, side A.mp3",
                                         "Kayak film.mp4", "Expedition map.png", "Missing leaf"}));
    QCOMPARE(urls(item), test::strings({
                             // Image API 3: always max
                             "https://images.example.org/iiif/3/rec1-p1/full/max/0/default.jpg",
                             // an Image API 2 service in a v3 manifest, level 2 without 2.1 hints: full
                             "https://images.example.org/iiif/2/rec1-p2/full/full/0/default.jpg",
                             "https://media.example.org/rec1/drum-song-a.mp3",
                             "https://media.example.org/rec1/kayak.mp4",
                             // Choice: the first item
                             "https://images.example.org/rec1/map-colour.png",
                             "",
                         }));
    QCOMPARE(item.files[2].declaredMimetype, QStringLiteral("audio/mpeg"));
    QCOMPARE(item.files[3].declaredMimetype, QStringLiteral("video/mp4"));
    QCOMPARE(item.files[5].status, FileStatus::Unsupported);
    QVERIFY2(item.files[5].error.contains(QStringLiteral("Canvas Missing leaf")),
             qPrintable(item.files[5].error));
    QVERIFY(test::allWarnings(m_trace).contains(QStringLiteral("has no image, sound or video")));
}

void TestIiif::v3ManifestMetadataAndLanguageMaps()
{
    QVERIFY(ingest(iiifData(QStringLiteral("v3-manifest.json"))).ok());
    const ItemDraft &item = m_sink.items[0];
    QCOMPARE(item.label,
             QStringLiteral("Field recordings from Greenland")); // English before the first (Danish)
    const QJsonObject m = item.metadata;
    QCOMPARE(m.value(QStringLiteral("iiif_version")).toInt(), 3);
    QCOMPARE(m.value(QStringLiteral("label_languages")).toObject().size(), 3);
    QCOMPARE(m.value(QStringLiteral("label_languages")).toObject().value(QStringLiteral("kl")).toString(),
             QStringLiteral("Kalaallit Nunaanni immiussat"));
    QCOMPARE(m.value(QStringLiteral("summary")).toString(),
             QStringLiteral("Songs, a film and two photographs from the 1934 expedition."));
    QCOMPARE(m.value(QStringLiteral("rights")).toString(),
             QStringLiteral("http://creativecommons.org/licenses/by/4.0/"));
    QCOMPARE(m.value(QStringLiteral("required_statement")).toObject(),
             QJsonObject({{QStringLiteral("label"), QStringLiteral("Attribution")},
                          {QStringLiteral("value"), QStringLiteral("Provided by the National Museum")}}));
    const QJsonArray pairs = m.value(QStringLiteral("metadata")).toArray();
    QCOMPARE(pairs.size(), 3);
    QCOMPARE(pairs[0].toObject().value(QStringLiteral("label")).toString(), QStringLiteral("Recorded by"));
    QCOMPARE(pairs[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("Leth, Poul"));
    QCOMPARE(pairs[2].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("Greenland"));
    QCOMPARE(pairs[2].toObject().value(QStringLiteral("value_languages")).toObject().size(), 3);

    m_sink = {};
    QLocale::setDefault(QLocale(QLocale::Danish, QLocale::Denmark));
    QVERIFY(ingest(iiifData(QStringLiteral("v3-manifest.json"))).ok());
    QCOMPARE(m_sink.items[0].label, QStringLiteral("Feltoptagelser fra Grønland"));
    QCOMPARE(m_sink.items[0].files[0].name, QStringLiteral("Fotografi 1.jpg"));
    QCOMPARE(m_sink.items[0]
                 .metadata.value(QStringLiteral("required_statement"))
                 .toObject()
                 .value(QStringLiteral("label"))
                 .toString(),
             QStringLiteral("Kreditering"));
}

void TestIiif::imageServiceLevels_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("url");
    QTest::newRow("v3") << R"({"id": "https://i.example/3/a", "type": "ImageService3", "profile": "level0"})"
                        << "https://i.example/3/a/full/max/0/default.jpg";
    QTest::newRow("v3 by context")
        << R"([{"@context": "http://iiif.io/api/image/3/context.json", "id": "https://i.example/3/b/"}])"
        << "https://i.example/3/b/full/max/0/default.jpg";
    QTest::newRow("v2 level2 maxArea")
        << R"({"@context": "http://iiif.io/api/image/2/context.json", "@id": "https://i.example/2/a", "profile": ["http://iiif.io/api/image/2/level2.json", {"maxArea": 1000000}]})"
        << "https://i.example/2/a/full/max/0/default.jpg";
    QTest::newRow("v2 level2 plain")
        << R"({"@id": "https://i.example/2/b", "@type": "ImageService2", "profile": "level2"})"
        << "https://i.example/2/b/full/full/0/default.jpg";
    QTest::newRow("v2 level1 maxWidth")
        << R"({"@context": "http://iiif.io/api/image/2/context.json", "@id": "https://i.example/2/c", "profile": ["http://iiif.io/api/image/2/level1.json", {"maxWidth": 800}]})"
        << "https://i.example/2/c/full/full/0/default.jpg";
    QTest::newRow("auth service first, image service second")
        << R"([{"@id": "https://i.example/auth", "profile": "http://iiif.io/api/auth/1/login"}, {"id": "https://i.example/3/d", "type": "ImageService3"}])"
        << "https://i.example/3/d/full/max/0/default.jpg";
    QTest::newRow("not an image service")
        << R"({"@id": "https://i.example/search", "profile": "http://iiif.io/api/search/0/search"})"
        << "";
}

void TestIiif::imageServiceLevels()
{
    QFETCH(QString, service);
    QFETCH(QString, url);
    const QJsonDocument doc = QJsonDocument::fromJson(service.toUtf8());
    const QJsonValue value = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    QCOMPARE(IiifReader::fullImageUrl(value), url);
}

void TestIiif::v2CollectionEmbeddedLocalAndRemote()
{
    const auto detected = ingest(iiifData(QStringLiteral("v2-collection.json")));
    QVERIFY2(detected.ok(), qPrintable(detected.ok() ? QString() : detected.error().message));
    QCOMPARE(*detected, QStringLiteral("iiif"));
    QCOMPARE(m_sink.identifiers(), test::strings({"https://iiif.example.org/v2/collection/mosses",
                                                  "https://iiif.example.org/v2/book-1/manifest",
                                                  "https://iiif.example.org/v2/book-2/manifest",
                                                  "https://iiif.example.org/v2/sheet-9/manifest"}));
    const QString collection = QStringLiteral("https://iiif.example.org/v2/collection/herbaria");
    for (const ItemDraft &item : std::as_const(m_sink.items))
        QCOMPARE(item.metadata.value(QStringLiteral("collection")).toString(), collection);

    // Read from the file beside the collection: all seven canvases.
    QCOMPARE(m_sink.items[1].files.size(), 7);
    QCOMPARE(m_sink.items[1].label, QStringLiteral("Herbarium of Simon Paulli"));
    // Remote: one file, the manifest URL, to be fetched.
    const ItemDraft &remote = m_sink.items[2];
    QCOMPARE(remote.label, QStringLiteral("Herbarium of Peder Kylling"));
    QCOMPARE(remote.files.size(), 1);
    QCOMPARE(remote.files[0].sourceUrl, QStringLiteral("https://iiif.example.org/v2/book-2/manifest"));
    QCOMPARE(remote.files[0].status, FileStatus::Unsupported);
    QVERIFY2(remote.files[0].error.startsWith(QStringLiteral("Collection member manifests must be fetched: "
                                                             "https://iiif.example.org/v2/book-2/manifest")),
             qPrintable(remote.files[0].error));
    QCOMPARE(m_sink.items[0].files[0].status,
             FileStatus::Unsupported); // a referenced sub-collection, likewise
    // Embedded: ingested directly.
    QCOMPARE(names(m_sink.items[3]), test::strings({"Recto.jpg"}));
    QCOMPARE(m_sink.items[3].files[0].sourceUrl, QStringLiteral("https://images.example.org/sheet9.jpg"));

    const QString trace = test::traceText(m_trace);
    QVERIFY2(trace.contains(QStringLiteral("1 member manifests were read from files beside the collection")),
             qPrintable(trace));
    QVERIFY2(
        test::allWarnings(m_trace).contains(QStringLiteral("2 collection member manifests must be fetched")),
        qPrintable(trace));
}

void TestIiif::v3CollectionWithMissingMember()
{
    QVERIFY(ingest(iiifData(QStringLiteral("v3-collection.json"))).ok());
    QCOMPARE(m_sink.items.size(), 3);
    QCOMPARE(m_sink.items[0].identifier, QStringLiteral("https://iiif.example.org/v3/rec-1/manifest"));
    QCOMPARE(m_sink.items[0].files.size(), 6);
    QCOMPARE(m_sink.items[1].label, QStringLiteral("Diary of the 1934 expedition"));
    QCOMPARE(m_sink.items[1].files[0].status, FileStatus::Unsupported);
    QCOMPARE(m_sink.items[2].files[0].status, FileStatus::Missing);
    QVERIFY2(
        m_sink.items[2].files[0].error.contains(QStringLiteral("not-delivered.json, which does not exist")),
        qPrintable(m_sink.items[2].files[0].error));
}

void TestIiif::malformedJsonNamesLineAndColumn()
{
    // Recognisably IIIF, but broken: loaded as one file, refused out loud with line and column.
    const QString path = iiifData(QStringLiteral("broken.json"));
    const auto detected = ingest(path);
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("file"));
    QCOMPARE(m_sink.items.size(), 1);
    const auto refusals = IntakeTrace::refusals(m_trace.toJson());
    QCOMPARE(refusals.size(), 1);
    QVERIFY2(refusals[0].startsWith(QStringLiteral("iiif stage: ") + path +
                                    QStringLiteral(" is not valid JSON: line 5, column ")),
             qPrintable(refusals[0]));
}

void TestIiif::onlyIiifContextIsClaimed()
{
    IiifIngester ingester;
    Document doc;
    doc.head = R"({"@context": "http://iiif.io/api/presentation/3/context.json", "type": "Manifest"})";
    QVERIFY(ingester.recognise(doc));
    doc.head = R"(  {"@context":"http:\/\/iiif.io\/api\/presentation\/2\/context.json"})";
    QVERIFY(ingester.recognise(doc));
    doc.head = R"({"records": [{"manifest": "https://iiif.example.org/iiif/presentation/3/x"}]})";
    QVERIFY(!ingester.recognise(doc));
    doc.head = R"({"@context": "http://iiif.io/api/image/3/context.json", "type": "ImageService3"})";
    QVERIFY(!ingester.recognise(doc)); // an image service's info.json is not a manifest
    doc.head = "id,title\n1,\"iiif.io/api/presentation/3\"\n";
    QVERIFY(!ingester.recognise(doc));
}

void TestIiif::jsonLinesAreLeftToOthers()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("records.jsonl"));
    test::writeFile(path,
                    "{\"@context\": \"http://iiif.io/api/presentation/3/context.json\", \"id\": \"a\"}\n"
                    "{\"@context\": \"http://iiif.io/api/presentation/3/context.json\", \"id\": \"b\"}\n");
    const auto detected = ingest(path);
    QVERIFY(detected.ok());
    QVERIFY(*detected != QStringLiteral("iiif"));
    QVERIFY2(test::allWarnings(m_trace).contains(QStringLiteral("one JSON document per line")),
             qPrintable(test::traceText(m_trace)));
}

void TestIiif::notAManifest()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("range.json"));
    test::writeFile(
        path,
        R"({"@context": "http://iiif.io/api/presentation/3/context.json", "id": "r", "type": "Range"})");
    const auto detected = ingest(path);
    QVERIFY(detected.ok());
    QCOMPARE(*detected, QStringLiteral("file"));
    const auto refusals = IntakeTrace::refusals(m_trace.toJson());
    QCOMPARE(refusals.size(), 1);
    QVERIFY2(refusals[0].contains(
                 QStringLiteral("neither a IIIF manifest nor a collection (its type is \"Range\")")),
             qPrintable(refusals[0]));
}

void TestIiif::fetchedManifestEntryPoint()
{
    // What the transfer engine will do for each collection member it downloads.
    QFile file(iiifData(QStringLiteral("v3-manifest.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const IntakeOptions options;
    IntakeContext context{m_sink, m_trace, options};
    const Status s = ingestManifestJson(
        file.readAll(), QUrl(QStringLiteral("https://iiif.example.org/v3/rec-1/manifest")), context);
    QVERIFY(s.ok());
    QCOMPARE(m_sink.items.size(), 1);
    QCOMPARE(m_sink.items[0].files.size(), 6);
    QVERIFY(test::traceText(m_trace).contains(QStringLiteral("https://iiif.example.org/v3/rec-1/manifest")));
}

QTEST_GUILESS_MAIN(TestIiif)
#include "tst_iiif.moc"
