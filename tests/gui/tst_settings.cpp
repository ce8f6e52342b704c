// The curator's settings: kept across restarts, edited in the dialog, refused when they make no sense.
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "pipeline/settings.h"
#include "store/storekey.h"
#include "ui/columnmappingeditor.h"
#include "ui/preferences.h"
#include "ui/settingsdialog.h"

using namespace gh;

namespace {

template <typename W>
W *byAccessibleName(QWidget *root, const QString &name)
{
    for (W *w : root->findChildren<W *>())
        if (w->accessibleName() == name)
            return w;
    return nullptr;
}

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GatehouseTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QSettings().clear();
    }

    void preferencesSurviveARestart()
    {
        Preferences p = Preferences::load();
        p.options.transfer.jobs = 3;
        p.options.transfer.maxSize = 5 * 1024 * 1024;
        p.options.transfer.accept = {QStringLiteral("image/*"), QStringLiteral("application/pdf")};
        p.options.fetch.keyTemplate = StoreKey::contentAddressedTemplate();
        p.options.store.sync = StoreOptions::Sync::EachFile;
        p.options.bannedList = QStringLiteral("/srv/banned.txt");
        p.hotFolder = QStringLiteral("/srv/incoming");
        p.save();

        const Preferences q = Preferences::load();
        QCOMPARE(q.options.transfer.jobs, 3);
        QCOMPARE(q.options.transfer.maxSize, qint64(5 * 1024 * 1024));
        QCOMPARE(q.options.transfer.accept, p.options.transfer.accept);
        QCOMPARE(q.options.fetch.keyTemplate, p.options.fetch.keyTemplate);
        QCOMPARE(q.options.store.sync, StoreOptions::Sync::EachFile);
        QCOMPARE(q.options.bannedList, p.options.bannedList);
        QCOMPARE(q.hotFolder, p.hotFolder);
    }

    void dialogReturnsWhatTheCuratorTyped()
    {
        Preferences p;
        SettingsDialog dialog(p);
        auto *jobs = byAccessibleName<QSpinBox>(&dialog, QStringLiteral("Parallel transfers"));
        auto *maxSize = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Largest file to accept"));
        auto *accept = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Accepted types"));
        auto *banned = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Banned records file"));
        QVERIFY(jobs && maxSize && accept && banned);

        jobs->setValue(12);
        maxSize->setText(QStringLiteral("2M"));
        accept->setText(QStringLiteral("image/*, application/pdf"));
        banned->setText(QStringLiteral("/tmp/banned.txt"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());

        const Preferences r = dialog.preferences();
        QCOMPARE(r.options.transfer.jobs, 12);
        QCOMPARE(r.options.transfer.maxSize, qint64(2 * 1024 * 1024));
        QCOMPARE(r.options.transfer.accept,
                 QStringList({QStringLiteral("image/*"), QStringLiteral("application/pdf")}));
        QCOMPARE(r.options.bannedList, QStringLiteral("/tmp/banned.txt"));
    }

    void uploadsTabHoldsTheTargetAndHidesThePassword()
    {
        Settings settings;
        QVERIFY(settings.setText(QStringLiteral("targets/default"), QStringLiteral("local:/srv/archive")));
        QVERIFY(
            settings.setText(QStringLiteral("mediawiki/password"), QStringLiteral("s3cret-bot-password")));
        SettingsDialog dialog(Preferences::fromSettings(settings));
        auto *target = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Default target"));
        auto *password = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Wiki bot password"));
        auto *filter = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Files for the default target"));
        QVERIFY(target && password && filter);
        QCOMPARE(target->text(), QStringLiteral("local:/srv/archive"));
        // Never shown in clear.
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QVERIFY(password->displayText() != password->text());

        target->setText(QStringLiteral("s3://archive/approved"));
        filter->setText(QStringLiteral("mime:image/jp2"));
        const Preferences r = dialog.preferences();
        QCOMPARE(r.settings.text(QStringLiteral("targets/default")), QStringLiteral("s3://archive/approved"));
        QCOMPARE(r.settings.text(QStringLiteral("targets/filter")), QStringLiteral("mime:image/jp2"));
        QCOMPARE(r.settings.text(QStringLiteral("mediawiki/password")),
                 QStringLiteral("s3cret-bot-password"));
        // The run the engine starts next reads them: the upload after the review takes its settings there.
        QCOMPARE(r.options.settings.text(QStringLiteral("targets/default")),
                 QStringLiteral("s3://archive/approved"));
    }

    void defectReasonsAreOnePerLine()
    {
        Settings settings;
        QVERIFY(settings.setText(QStringLiteral("review/defect_reasons"), QStringLiteral("cropped, skewed")));
        SettingsDialog dialog(Preferences::fromSettings(settings));
        auto *reasons = byAccessibleName<QPlainTextEdit>(&dialog, QStringLiteral("Defect reasons"));
        QVERIFY(reasons);
        QCOMPARE(reasons->toPlainText(), QStringLiteral("cropped\nskewed"));
        // Blank lines and stray spaces are the curator's typing, not reasons.
        reasons->setPlainText(QStringLiteral("cropped\n\n  page missing \nskewed\n"));
        QCOMPARE(dialog.preferences().settings.list(QStringLiteral("review/defect_reasons")),
                 QStringList(
                     {QStringLiteral("cropped"), QStringLiteral("page missing"), QStringLiteral("skewed")}));
    }

    //! The box shows six reasons whole, as many as the defaults: its height held six lines of text but
    //! not its frame and margins, so the sixth default reason was cut in half behind a scroll bar.
    void sixDefectReasonsShowWithoutScrolling()
    {
        SettingsDialog dialog(Preferences{});
        auto *reasons = byAccessibleName<QPlainTextEdit>(&dialog, QStringLiteral("Defect reasons"));
        QVERIFY(reasons);
        reasons->setPlainText(QStringLiteral("unreadable\npage missing\nwrong page order\ncropped or skewed\n"
                                             "poor image quality\nmetadata wrong"));
        auto *tabs = dialog.findChild<QTabWidget *>();
        QVERIFY(tabs);
        tabs->setCurrentIndex(tabs->indexOf(reasons->parentWidget()));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(reasons->isVisible());
        QCOMPARE(reasons->verticalScrollBar()->maximum(), 0);
        // A seventh scrolls, as a longer list should.
        reasons->appendPlainText(QStringLiteral("wrong item"));
        QTRY_VERIFY(reasons->verticalScrollBar()->maximum() > 0);
    }

    //! Settings > Quality: the schema folder field has its box's width (it shared a row with Browse and
    //! showed a few letters of a path; in German at 1024 x 700 four letters of its hint).
    void schemaFolderFieldIsReadable()
    {
        SettingsDialog dialog(Preferences{});
        auto *schemas = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("XML schema folder or catalog"));
        QVERIFY(schemas);
        auto *tabs = dialog.findChild<QTabWidget *>();
        auto *box = dialog.findChild<QWidget *>(QStringLiteral("schemasBox"));
        QVERIFY(tabs && box);
        tabs->setCurrentIndex(tabs->count() - 1);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(schemas->isVisible());
        QVERIFY2(
            schemas->width() >= box->contentsRect().width() * 8 / 10,
            qPrintable(QStringLiteral("%1 of %2 px").arg(schemas->width()).arg(box->contentsRect().width())));
        QCOMPARE(schemas->toolTip(), schemas->placeholderText());
    }

    void anEmptyCuratorShowsWhoIsRecorded()
    {
        // Without USER (a service account, a desktop session that sets only LOGNAME) the field still says
        // which name a decision will carry.
        const QByteArray user = qgetenv("USER");
        qunsetenv("USER");
        qputenv("LOGNAME", "karen");
        SettingsDialog dialog(Preferences{});
        auto *curator = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Curator name"));
        QVERIFY(curator);
        QCOMPARE(curator->placeholderText(), QStringLiteral("karen"));
        qputenv("USER", user);
    }

    void aSizeThatIsNotASizeKeepsOkDisabled()
    {
        SettingsDialog dialog(Preferences{});
        auto *maxSize = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Largest file to accept"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        maxSize->setText(QStringLiteral("lots"));
        QVERIFY(!ok->isEnabled());
        maxSize->setText(QStringLiteral("500M"));
        QVERIFY(ok->isEnabled());
        maxSize->clear();
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.preferences().options.transfer.maxSize, qint64(-1));
    }

    void everyKeyWrittenByTheGuiIsReadByTheIniFileAndBack()
    {
        // The GUI saves every key of the table with a non-default value…
        QSettings().clear();
        Settings all;
        for (const SettingDefinition &d : SettingsTable::all())
            QVERIFY(all.setText(d.key, d.example));
        const Preferences gui = Preferences::fromSettings(all);
        QVERIFY2(gui.problems.isEmpty(), qPrintable(gui.problems.join(u'\n')));
        gui.save();
        QSettings().sync();
        // …and the CLI's INI reader, pointed at the GUI's file, reads each one identically.
        QStringList warnings;
        auto read = EngineSettings::readFile(QSettings().fileName(), {}, &warnings);
        QVERIFY2(read, qPrintable(read ? QString() : read.error().message));
        for (const SettingDefinition &d : SettingsTable::all())
            QCOMPARE(read->text(d.key), d.example);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));

        // An INI file written by hand, the way a curator writes one, is what the GUI then shows.
        QSettings().clear();
        QSettings().sync();
        QFile ini(QSettings().fileName());
        QVERIFY(ini.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ini.write("[fetch]\njobs=3\n[transfer]\nmax_size=500M\naccept=image/png,application/pdf\n"
                  "[review]\ncurator=Karen Blixen\naql=2.5\nlevel=S-4\n[intake]\nhot_folder=/srv/incoming\n");
        ini.close();
        const Preferences loaded = Preferences::load();
        QCOMPARE(loaded.options.transfer.jobs, 3);
        QCOMPARE(loaded.options.transfer.maxSize, qint64(500) << 20);
        QCOMPARE(loaded.options.transfer.accept,
                 (QStringList{QStringLiteral("image/png"), QStringLiteral("application/pdf")}));
        QCOMPARE(loaded.settings.text(QStringLiteral("team/curator")), QStringLiteral("Karen Blixen"));
        QCOMPARE(loaded.settings.text(QStringLiteral("review/aql")), QStringLiteral("2.5"));
        QCOMPARE(loaded.hotFolder, QStringLiteral("/srv/incoming"));
        // The dialog shows the size as it was written, and the review tab what the file says.
        SettingsDialog dialog(loaded);
        QCOMPARE(byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Largest file to accept"))->text(),
                 QStringLiteral("500M"));
        QCOMPARE(byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Curator name"))->text(),
                 QStringLiteral("Karen Blixen"));
        QCOMPARE(byAccessibleName<QComboBox>(&dialog, QStringLiteral("Inspection level"))->currentText(),
                 QStringLiteral("S-4"));
        QCOMPARE(dialog.preferences().settings, loaded.toSettings());
    }

    void aBadValueInTheGuisFileKeepsTheDefault()
    {
        QSettings s;
        s.clear();
        // What earlier versions wrote for "no limit", and a job count the table refuses.
        s.setValue(QStringLiteral("transfer/max_size"), -1);
        s.setValue(QStringLiteral("transfer/jobs"), 0);
        s.sync();
        const Preferences p = Preferences::load();
        QCOMPARE(p.problems.size(), 2);
        QCOMPARE(p.options.transfer.maxSize, qint64(-1));
        QCOMPARE(p.options.transfer.jobs, 8);
        p.save();
        QSettings after;
        QVERIFY(!after.contains(QStringLiteral("transfer/max_size")));
        QVERIFY(!after.contains(QStringLiteral("transfer/jobs")));
    }

    void zeroMeansNoLimitInTheDialog()
    {
        SettingsDialog dialog(Preferences{});
        auto *maxSize = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Largest file to accept"));
        maxSize->setText(QStringLiteral("0"));
        QVERIFY(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        QCOMPARE(dialog.preferences().options.transfer.maxSize, qint64(-1));
        // The content-addressed template is a valid key template.
        auto *key = byAccessibleName<QLineEdit>(&dialog, QStringLiteral("Storage key template"));
        key->setText(StoreKey::contentAddressedTemplate());
        QVERIFY(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
    }

    void columnMappingReadsTheHeaderAndKeepsOnlyOverrides()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("deliveries.csv"));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // A byte-order mark and a quoted header with a comma in it: the header is read as CSV, not split.
        file.write(
            "\xEF\xBB\xBF\"Accession No\",title,\"Scan, master\",md5\r\nA1,Map,http://x/a.tif,abc\r\n");
        file.close();

        ColumnMappingEditor editor(ColumnMapping{});
        QSignalSpy read(&editor, &ColumnMappingEditor::columnsRead);
        editor.readColumnsFrom(csv);
        QVERIFY(read.wait(5000));
        QCOMPARE(read.first().first().toString(), QString());
        QCOMPARE(editor.columns(), QStringList({QStringLiteral("accession no"), QStringLiteral("title"),
                                                QStringLiteral("scan, master"), QStringLiteral("md5")}));
        // Nothing changed yet: the defaults need no overrides.
        QVERIFY(editor.mapping().overrides.isEmpty());

        auto *accession =
            byAccessibleName<QComboBox>(&editor, QStringLiteral("Meaning of column accession no"));
        auto *scan = byAccessibleName<QComboBox>(&editor, QStringLiteral("Meaning of column scan, master"));
        QVERIFY(accession && scan);
        accession->setCurrentIndex(accession->findData(int(ColumnMapping::Role::Identifier)));
        scan->setCurrentIndex(scan->findData(int(ColumnMapping::Role::Url)));
        const ColumnMapping mapping = editor.mapping();
        QCOMPARE(mapping.overrides.size(), 2);
        QCOMPARE(mapping.roleFor(QStringLiteral("Accession No")), ColumnMapping::Role::Identifier);
        QCOMPARE(mapping.roleFor(QStringLiteral("Scan, master")), ColumnMapping::Role::Url);

        // Saved with the preferences, shown again next time.
        Preferences p;
        p.options.intake.columns = mapping;
        p.save();
        ColumnMappingEditor again(Preferences::load().options.intake.columns);
        QCOMPARE(again.mapping().overrides, mapping.overrides);
    }

    void columnMappingNamesAnUnreadableSpreadsheet()
    {
        ColumnMappingEditor editor(ColumnMapping{});
        QSignalSpy read(&editor, &ColumnMappingEditor::columnsRead);
        editor.readColumnsFrom(QStringLiteral("/nonexistent/list.csv"));
        QVERIFY(read.wait(5000));
        QVERIFY(read.first().first().toString().contains(QStringLiteral("/nonexistent/list.csv")));
        QVERIFY(editor.columns().isEmpty());
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
