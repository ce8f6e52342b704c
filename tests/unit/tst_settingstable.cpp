// The one settings table: the INI file (--config) and the GUI's QSettings read and write the same keys with
// the same syntax, and docs/settings.md documents exactly the table.
#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "pipeline/curator.h"
#include "pipeline/settings.h"
#include "testsupport.h"

using namespace gh;

class TestSettingsTable : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString ini(const QByteArray &content)
    {
        const QString path = m_dir.filePath(QStringLiteral("s%1.ini").arg(++m_counter));
        test::writeFile(path, content);
        return path;
    }

private slots:
    void defaultsAreTheEnginesDefaults()
    {
        // The table's defaults and RunOptions' defaults say the same: capturing default options changes
        // nothing.
        QCOMPARE(EngineSettings::capture(RunOptions()), Settings());
        auto options = EngineSettings::runOptions(Settings());
        QVERIFY(options);
        const RunOptions defaults;
        QCOMPARE(options->transfer.jobs, defaults.transfer.jobs);
        QCOMPARE(options->transfer.maxSize, qint64(-1));
        QCOMPARE(options->transfer.contact, defaults.transfer.contact);
        QCOMPARE(options->fetch.keyTemplate, defaults.fetch.keyTemplate);
        QCOMPARE(options->store.sync, defaults.store.sync);
    }

    void everyKeyRoundTripsThroughAnIniFile()
    {
        for (const SettingDefinition &d : SettingsTable::all()) {
            QVERIFY2(d.meaning && *d.meaning, qPrintable(d.key));
            QVERIFY2(d.example != d.defaultValue, qPrintable(d.key));
            // The documented default and example are what the table itself accepts, in canonical form.
            QCOMPARE(SettingsTable::normalise(d, d.defaultValue).value(), d.defaultValue);
            QCOMPARE(SettingsTable::normalise(d, d.example).value(), d.example);

            Settings written;
            QVERIFY(written.setText(d.key, d.example));
            const QString path = m_dir.filePath(QStringLiteral("roundtrip-%1.ini").arg(++m_counter));
            QVERIFY(EngineSettings::writeFile(path, written));
            auto read = EngineSettings::readFile(path);
            QVERIFY2(read, qPrintable(read ? QString() : read.error().message));
            QCOMPARE(read->text(d.key), d.example);
            QVERIFY2(*read == written, qPrintable(d.key));
        }
    }

    void everyEngineKeyRoundTripsThroughRunOptions()
    {
        // A value read into RunOptions is written back identically: no key is read without being written.
        Settings all;
        for (const SettingDefinition &d : SettingsTable::all())
            QVERIFY(all.setText(d.key, d.example));
        auto options = EngineSettings::runOptions(all);
        QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
        const Settings back = EngineSettings::capture(*options, Settings());
        for (const SettingDefinition &d : SettingsTable::all()) {
            if (d.section() == u"review" || d.section() == u"check" || d.key == u"intake/hot_folder" ||
                d.key == u"team/curator")
                continue; // not engine options: the review book, QA's profile, the GUI and Curator read them
            if (d.section() == u"mediawiki" || d.section() == u"targets" ||
                d.key == u"team/reconnect_seconds") {
                // Read by the upload stage (TargetOptions), and by the runner for the catalog's reconnects,
                // from the settings the run carries.
                QCOMPARE(options->settings.text(d.key), d.example);
                continue;
            }
            QCOMPARE(back.text(d.key), d.example);
        }
        QCOMPARE(options->transfer.maxSize, qint64(500) << 20);
        QCOMPARE(options->transfer.accept,
                 (QStringList{QStringLiteral("image/*"), QStringLiteral("application/pdf")}));
        QCOMPARE(options->store.sync, StoreOptions::Sync::EachFile);
    }

    void sizesAsTheGuiTakesThem()
    {
        for (const auto &[text, bytes] :
             {std::pair{"500M", qint64(500) << 20}, std::pair{"2G", qint64(2) << 30},
              std::pair{"64KiB", qint64(64) << 10}, std::pair{"1 GB", qint64(1) << 30},
              std::pair{"1048576", qint64(1) << 20}, std::pair{"1000", qint64(1000)}}) {
            auto options = EngineSettings::fromFile(ini(QByteArray("[transfer]\nmax_size=") + text + '\n'));
            QVERIFY2(options, text);
            QCOMPARE(options->transfer.maxSize, bytes);
        }
        // 0 and absent mean no limit, never "refuse every byte".
        QCOMPARE(EngineSettings::fromFile(ini("[transfer]\nmax_size=0\n"))->transfer.maxSize, qint64(-1));
        QCOMPARE(EngineSettings::fromFile(ini("[transfer]\nper_host=2\n"))->transfer.maxSize, qint64(-1));
        QCOMPARE(EngineSettings::parseSizeLimit(QStringLiteral("0")).value(), qint64(-1));
        QCOMPARE(EngineSettings::parseSizeLimit(QString()).value(), qint64(-1));
        QCOMPARE(SettingsTable::formatSize(qint64(1536) << 20), QStringLiteral("1536M"));
        QCOMPARE(SettingsTable::formatSize(1000), QStringLiteral("1000"));
        auto bad = EngineSettings::fromFile(ini("[transfer]\nmax_size=lots\n"));
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QStringLiteral("transfer/max_size")),
                 qPrintable(bad.error().message));
        QVERIFY(!EngineSettings::fromFile(ini("[transfer]\nmax_size=99999999999T\n")));
        QVERIFY(!EngineSettings::fromFile(ini("[transfer]\nmax_size=-1\n")));
    }

    void jobsUnderFetchAndTheGuisOldKey()
    {
        QCOMPARE(EngineSettings::fromFile(ini("[fetch]\njobs=3\n"))->transfer.jobs, 3);
        // What the GUI wrote before there was one table still counts…
        QCOMPARE(EngineSettings::fromFile(ini("[transfer]\njobs=5\n"))->transfer.jobs, 5);
        // …and writing replaces it with the table's key.
        const QString path = ini("[transfer]\njobs=5\n");
        auto settings = EngineSettings::readFile(path);
        QVERIFY(settings);
        QVERIFY(EngineSettings::writeFile(path, *settings));
        QSettings check(path, QSettings::IniFormat);
        QVERIFY(!check.contains(QStringLiteral("transfer/jobs")));
        QCOMPARE(check.value(QStringLiteral("fetch/jobs")).toString(), QStringLiteral("5"));
        auto zero = EngineSettings::fromFile(ini("[fetch]\njobs=0\n"));
        QVERIFY(!zero);
        QVERIFY(zero.error().message.contains(QStringLiteral("fetch/jobs")));
    }

    void listsWrittenByHand()
    {
        // QSettings reads an unquoted "a, b" as a list; it must not turn into an empty string.
        auto options = EngineSettings::fromFile(ini("[transfer]\naccept=image/png,application/pdf\n"));
        QVERIFY(options);
        QCOMPARE(options->transfer.accept,
                 (QStringList{QStringLiteral("image/png"), QStringLiteral("application/pdf")}));
        auto settings =
            EngineSettings::readFile(ini("[review]\ndefect_reasons=unreadable, cropped , ,skewed\n"));
        QVERIFY(settings);
        QCOMPARE(
            settings->list(QStringLiteral("review/defect_reasons")),
            (QStringList{QStringLiteral("unreadable"), QStringLiteral("cropped"), QStringLiteral("skewed")}));
    }

    void choicesAndBooleans()
    {
        auto settings =
            EngineSettings::readFile(ini("[review]\naql=1\nlevel=s-4\n[store]\nverify_after_write=yes\n"));
        QVERIFY(settings);
        QCOMPARE(settings->text(QStringLiteral("review/aql")), QStringLiteral("1.0"));
        QCOMPARE(settings->text(QStringLiteral("review/level")), QStringLiteral("S-4"));
        QVERIFY(settings->boolean(QStringLiteral("store/verify_after_write")));
        auto bad = EngineSettings::readFile(ini("[review]\naql=2\n"));
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(QStringLiteral("review/aql")));
        QVERIFY(!EngineSettings::readFile(ini("[store]\nsync=sometimes\n")));
        QVERIFY(!EngineSettings::readFile(ini("[store]\nverify_after_write=perhaps\n")));
    }

    void misspeltKeysAreReported()
    {
        QStringList warnings;
        auto settings = EngineSettings::readFile(ini("[fetch]\njob=3\n[other]\nx=1\n"), {}, &warnings);
        QVERIFY(settings);
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.constFirst().contains(QStringLiteral("fetch/job")));
        QCOMPARE(settings->integer(QStringLiteral("fetch/jobs")), 8);
    }

    void aBadKeyTemplateFailsBeforeARun()
    {
        auto options = EngineSettings::fromFile(ini("[fetch]\nkey_template={nonsense}/{filename}\n"));
        QVERIFY(!options);
        QVERIFY(options.error().message.contains(QStringLiteral("fetch/key_template")));
    }

    void theCuratorIsTheAccountWithoutUserVariables()
    {
        // A hot folder run by a service or cron has no USER, LOGNAME or USERNAME: decisions and events
        // carry the account's name (as "id -un" says), not "unknown curator".
        QProcess id;
        id.start(QStringLiteral("id"), {QStringLiteral("-un")});
        QVERIFY(id.waitForFinished());
        const QString account = QString::fromLocal8Bit(id.readAllStandardOutput()).trimmed();
        QVERIFY(!account.isEmpty());
        QHash<QByteArray, QByteArray> saved;
        for (const char *variable : {"USER", "LOGNAME", "USERNAME"}) {
            saved.insert(variable, qgetenv(variable));
            qunsetenv(variable);
        }
        QCOMPARE(Curator::name(), account);
        auto settings = EngineSettings::readFile(ini("[team]\ncurator=Karen Blixen\n"));
        QVERIFY(settings);
        QCOMPARE(Curator::name(*settings), QStringLiteral("Karen Blixen"));
        Curator::setOverride(QStringLiteral("anna"));
        QCOMPARE(Curator::name(*settings), QStringLiteral("anna"));
        Curator::setOverride({});
        qputenv("LOGNAME", "tania");
        QCOMPARE(Curator::name(), QStringLiteral("tania"));
        for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
            if (it.value().isNull())
                qunsetenv(it.key().constData());
            else
                qputenv(it.key().constData(), it.value());
        }
    }

    void documentationIsTheTable()
    {
        QFile doc(QStringLiteral(GATEHOUSE_SOURCE_DIR "/docs/settings.md"));
        QVERIFY2(doc.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(doc.errorString()));
        const QString text = QString::fromUtf8(doc.readAll());
        const QString begin = QStringLiteral("<!-- settings-table:begin -->\n");
        const QString end = QStringLiteral("<!-- settings-table:end -->");
        const qsizetype from = text.indexOf(begin);
        const qsizetype to = text.indexOf(end);
        QVERIFY(from >= 0 && to > from);
        const QString documented = text.mid(from + begin.size(), to - from - begin.size());
        if (documented != SettingsTable::markdown()) {
            // QTest cuts long messages: write the whole document as it should be, for a copy over the old
            // one.
            const QString expected = QCoreApplication::applicationDirPath() + u"/settings.md";
            QFile out(expected);
            if (out.open(QIODevice::WriteOnly | QIODevice::Text))
                out.write(
                    (text.left(from + begin.size()) + SettingsTable::markdown() + text.mid(to)).toUtf8());
            QFAIL(qPrintable(u"docs/settings.md is out of date; the table as it is now was written to " +
                             expected));
        }
    }
};

QTEST_GUILESS_MAIN(TestSettingsTable)
#include "tst_settingstable.moc"
