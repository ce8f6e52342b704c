#include <QApplication>
#include <QDir>
#include <QImageReader>
#include <QSignalSpy>
#include <QSplitter>
#include <QTest>
#include <QTextBrowser>

#include "catalog/catalog.h"
#include "testsupport.h"
#include "ui/enginecontroller.h"
#include "ui/metadatapane.h"

using namespace gh;

/*!
    The metadata pane on real batches run by the engine: it asks for a file by id, the engine reads it on its
    thread, and the three columns show what intake and fetch recorded.
*/
class TestMetadataPane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void metsBookShowsThreeParts();
    void fixityMismatchInProvenance();
    void laterAnswerWins();
    void pixelSizeOfAnImage();

private:
    //! Runs \a source to the end and returns its files, read from the catalog by the test itself.
    QList<FileRecord> runBatch(EngineController &controller, const Workspace &workspace,
                               const QString &source);

    std::unique_ptr<test::Workspace> m_ws;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<EngineController> m_controller;
    QList<FileRecord> m_book;
    QList<FileRecord> m_sample;
};

QList<FileRecord> TestMetadataPane::runBatch(EngineController &controller, const Workspace &workspace,
                                             const QString &source)
{
    QSignalSpy finished(controller.engine(), &Engine::runFinished);
    controller.runSource(source);
    if (!finished.wait(120000))
        return {};
    auto catalog = Catalog::open(workspace.catalog());
    if (!catalog)
        return {};
    auto files = (*catalog)->files(finished.constFirst().at(0).toLongLong());
    return files ? *files : QList<FileRecord>{};
}

void TestMetadataPane::initTestCase()
{
    m_ws = std::make_unique<test::Workspace>();
    auto workspace = Workspace::resolve(m_ws->catalog(), m_ws->store());
    QVERIFY(workspace);
    m_workspace = std::make_unique<Workspace>(*workspace);
    m_controller = std::make_unique<EngineController>(*m_workspace, RunOptions{});
    m_controller->start();
    m_book = runBatch(*m_controller, *m_workspace, test::dataPath(QStringLiteral("mets/book")));
    QVERIFY(!m_book.isEmpty());
    m_sample = runBatch(*m_controller, *m_workspace, test::sampleDir());
    QVERIFY(!m_sample.isEmpty());
}

namespace {

const FileRecord *byName(const QList<FileRecord> &files, const QString &name)
{
    for (const FileRecord &f : files) {
        if (f.name.endsWith(name))
            return &f;
    }
    return nullptr;
}

} // namespace

void TestMetadataPane::metsBookShowsThreeParts()
{
    MetadataPane pane(m_controller.get());
    pane.resize(1200, 500);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QVERIFY(!pane.isShowingFile());

    const FileRecord *master = byName(m_book, QStringLiteral("0001.tif"));
    QVERIFY(master);
    QCOMPARE(master->status, FileStatus::Success);
    pane.showFile(master->id);
    QTRY_COMPARE(pane.fileId(), master->id);
    QVERIFY(pane.splitter()->isVisible());
    QCOMPARE(pane.splitter()->count(), 3);

    // Descriptive: the MODS record of the book, as intake stored it.
    const QString descriptive = pane.descriptiveView()->toPlainText();
    QVERIFY2(descriptive.contains(QStringLiteral("Flora Danica")), qPrintable(descriptive));
    QVERIFY2(descriptive.contains(QStringLiteral("Oeder")), qPrintable(descriptive));
    QVERIFY2(descriptive.contains(QStringLiteral("1761")), qPrintable(descriptive));

    // Technical: size, type, digests and where the bytes went.
    const QString technical = pane.technicalView()->toPlainText();
    QVERIFY2(technical.contains(master->digests.sha256), qPrintable(technical));
    QVERIFY2(technical.contains(master->digests.md5), qPrintable(technical));
    QVERIFY2(technical.contains(master->digests.sha1), qPrintable(technical));
    QVERIFY2(technical.contains(QStringLiteral("image/tiff")), qPrintable(technical));
    QVERIFY2(technical.contains(master->storedKey), qPrintable(technical));
    QVERIFY2(technical.contains(QLocale().toString(master->size)), qPrintable(technical));
    // These masters are not decodable TIFFs: the pixel size is tried off the GUI thread and reported unknown.
    QTRY_VERIFY_WITH_TIMEOUT(pane.technicalView()->toPlainText().contains(QStringLiteral("unknown")), 10000);
    QVERIFY(!pane.imageSize().isValid());

    // Provenance: the file's events, in time order.
    const QString provenance = pane.provenanceView()->toPlainText();
    QVERIFY2(provenance.contains(QStringLiteral("message digest calculation")), qPrintable(provenance));
    QVERIFY2(provenance.contains(QStringLiteral("fixity check")) ||
                 provenance.contains(QStringLiteral("ingestion")) ||
                 provenance.contains(QStringLiteral("replication")),
             qPrintable(provenance));

    // Nothing selected: the placeholder again.
    pane.showFile(0);
    QVERIFY(!pane.isShowingFile());
}

void TestMetadataPane::fixityMismatchInProvenance()
{
    MetadataPane pane(m_controller.get());
    const FileRecord *bad = byName(m_sample, QStringLiteral("card-0004.jp2"));
    QVERIFY(bad);
    QCOMPARE(bad->status, FileStatus::FixityMismatch);
    pane.showFile(bad->id);
    QTRY_COMPARE(pane.fileId(), bad->id);
    const QString technical = pane.technicalView()->toPlainText();
    // The declared checksum is shown next to the computed one, which differs.
    QVERIFY(!bad->declared.md5.isEmpty() || !bad->declared.sha256.isEmpty() || !bad->declared.sha1.isEmpty());
    for (const QString &declared : {bad->declared.md5, bad->declared.sha1, bad->declared.sha256}) {
        if (!declared.isEmpty())
            QVERIFY2(technical.contains(declared), qPrintable(technical));
    }
    const QString provenance = pane.provenanceView()->toPlainText();
    QVERIFY2(provenance.contains(QStringLiteral("fixity check")), qPrintable(provenance));
    QVERIFY2(provenance.contains(QStringLiteral("failure")), qPrintable(provenance));
}

void TestMetadataPane::laterAnswerWins()
{
    // Two quick selections whose answers come back out of order: only the file asked for last is shown.
    MetadataPane pane(m_controller.get());
    const FileRecord *first = byName(m_book, QStringLiteral("0002.tif"));
    const FileRecord *second = byName(m_book, QStringLiteral("0003.jpg"));
    QVERIFY(first && second);
    QVERIFY(first->digests.sha256 != second->digests.sha256);
    pane.showFile(first->id);
    pane.showFile(second->id);
    QTRY_COMPARE(pane.fileId(), second->id);

    // The answer to the first request arrives only now, as from an engine that was slow with it: emitted by
    // the engine's signal and queued to the pane like every real answer. A sentinel connected after the pane
    // runs after the pane has handled it.
    Engine *engine = m_controller->engine();
    bool delivered = false;
    QObject sentinel;
    connect(
        engine, &Engine::fileDetails, &sentinel,
        [&delivered, id = first->id](const FileRecord &file, const ItemRecord &, const QList<EventRecord> &) {
            delivered = delivered || file.id == id;
        },
        Qt::QueuedConnection);
    ItemRecord item;
    item.id = first->itemId;
    item.identifier = QStringLiteral("0002");
    Q_EMIT engine->fileDetails(*first, item, {});
    QTRY_VERIFY(delivered);
    QCOMPARE(pane.fileId(), second->id);
    const QString technical = pane.technicalView()->toPlainText();
    QVERIFY(technical.contains(second->digests.sha256));
    QVERIFY(!technical.contains(first->digests.sha256));
}

void TestMetadataPane::pixelSizeOfAnImage()
{
    MetadataPane pane(m_controller.get());
    const FileRecord *png = byName(m_sample, QStringLiteral("card-0001.png"));
    QVERIFY(png);
    const QSize expected = QImageReader(png->sourcePath).size();
    QVERIFY(expected.isValid());
    QSignalSpy read(&pane, &MetadataPane::imageSizeRead);
    pane.showFile(png->id);
    QTRY_COMPARE(pane.fileId(), png->id);
    // The header may be read before the QTRY above returns: count, do not wait for a further signal.
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 10000);
    QCOMPARE(read.constFirst().at(0).toLongLong(), png->id);
    QCOMPARE(pane.imageSize(), expected);
    const QString technical = pane.technicalView()->toPlainText();
    QVERIFY2(technical.contains(
                 QStringLiteral("%1 × %2 pixels")
                     .arg(QLocale().toString(expected.width()), QLocale().toString(expected.height()))),
             qPrintable(technical));
    QVERIFY2(technical.contains(QStringLiteral("image/png")), qPrintable(technical));
}

QTEST_MAIN(TestMetadataPane)
#include "tst_metadatapane.moc"
