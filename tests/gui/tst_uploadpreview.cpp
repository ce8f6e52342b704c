// The upload preview of one file (Batch → Preview Upload of File…): the name a target would give it, what the
// target holds there now, the page text; worked out off the GUI thread from the same core code as
// "upload --dry-run".
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "catalog/catalog.h"
#include "targets/uploadpreview.h"
#include "testsupport.h"
#include "ui/uploadpreviewdialog.h"

using namespace gh;

class TestUploadPreview : public QObject
{
    Q_OBJECT

    test::Workspace m_ws;
    qint64 m_fileId = 0;

    static void setTarget(UploadPreviewDialog &dialog, const QString &target,
                          const QString &titleTemplate = {})
    {
        const auto edits = dialog.findChildren<QLineEdit *>();
        QVERIFY(edits.size() >= 2);
        edits[0]->setText(target);
        edits[1]->setText(titleTemplate);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString source = m_ws.file(QStringLiteral("delivery"));
        test::writeFile(source + QStringLiteral("/rec-1/page1.xml"), "<page n='1'/>");
        test::writeFile(source + QStringLiteral("/rec-1/page2.xml"), "<page n='2'/>");
        const test::CliResult run =
            m_ws.cli({QStringLiteral("--store"), m_ws.store(), QStringLiteral("run"), source});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        QVERIFY(workspace);
        auto catalog = Catalog::open(workspace->catalog());
        QVERIFY(catalog);
        auto files = (*catalog)->files(1);
        QVERIFY(files && files->size() == 2);
        m_fileId = files->first().id;
    }

    void showsTheNameAndState()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        UploadPreviewDialog dialog(*workspace, {}, m_fileId);
        QSignalSpy ready(&dialog, &UploadPreviewDialog::previewReady);
        setTarget(dialog, QStringLiteral("local:") + m_ws.file(QStringLiteral("archive")));
        dialog.refresh();
        QVERIFY(ready.wait(20000));
        QCOMPARE(dialog.preview().value(QStringLiteral("state")).toString(), QStringLiteral("would-upload"));
        const QString name = dialog.preview().value(QStringLiteral("name")).toString();
        QVERIFY2(name.endsWith(QStringLiteral("/page1.xml")), qPrintable(name));

        // A title template names it differently; nothing was sent meanwhile.
        setTarget(dialog, QStringLiteral("local:") + m_ws.file(QStringLiteral("archive")),
                  QStringLiteral("access/{identifier}-{page}of{pages}{ext}"));
        dialog.refresh();
        QVERIFY(ready.wait(20000));
        QCOMPARE(dialog.preview().value(QStringLiteral("name")).toString(),
                 QStringLiteral("access/rec-1/page1-1of1.xml"));
        QVERIFY(!QFileInfo::exists(m_ws.file(QStringLiteral("archive/access"))));
    }

    //! The dialog does not block the window, so several may be open: each names its file in its title (they
    //! all said "Upload Preview", and the file showed only once a preview had been asked for).
    void titleNamesTheFile()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        QVERIFY(workspace);
        UploadPreviewDialog dialog(*workspace, {}, m_fileId);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.windowTitle(),
                                  QStringLiteral("Upload Preview: rec-1/page1 · page1.xml"), 20000);
    }

    void startsWithTheBatchsTargetInWords()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        QVERIFY(workspace);
        const QString target = QStringLiteral("local:") + m_ws.file(QStringLiteral("recorded"));
        {
            auto catalog = Catalog::open(workspace->catalog());
            QVERIFY(catalog);
            QVERIFY((*catalog)->setBatchTargetSpecs(
                {BatchTargetRecord{1, target, {}, QStringLiteral("anna"), QDateTime::currentDateTimeUtc()}}));
        }
        UploadPreviewDialog dialog(*workspace, {}, m_fileId);
        QSignalSpy ready(&dialog, &UploadPreviewDialog::previewReady);
        QVERIFY(ready.wait(20000));
        QCOMPARE(dialog.findChildren<QLineEdit *>().first()->text(), target);
        QCOMPARE(dialog.preview().value(QStringLiteral("state")).toString(), QStringLiteral("would-upload"));
        // The curator reads words, not the JSON key.
        bool inWords = false;
        for (QLabel *label : dialog.findChildren<QLabel *>()) {
            QVERIFY2(!label->text().contains(QStringLiteral("would-upload")), qPrintable(label->text()));
            inWords = inWords || label->text() == UploadPreview::stateText(QStringLiteral("would-upload"));
        }
        QVERIFY(inWords);
    }

    void reportsABadTarget()
    {
        auto workspace = Workspace::resolve(m_ws.catalog(), m_ws.store());
        UploadPreviewDialog dialog(*workspace, {}, m_fileId);
        QSignalSpy ready(&dialog, &UploadPreviewDialog::previewReady);
        setTarget(dialog, QStringLiteral("gopher://nowhere"));
        dialog.refresh();
        QVERIFY(ready.wait(20000));
        QVERIFY(dialog.preview().isEmpty());
        bool shown = false;
        for (QLabel *label : dialog.findChildren<QLabel *>())
            shown = shown || label->text().contains(QStringLiteral("Unknown target"));
        QVERIFY(shown);
    }
};

QTEST_MAIN(TestUploadPreview)
#include "tst_uploadpreview.moc"
