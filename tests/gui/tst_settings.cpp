// The curator's settings: kept across restarts, edited in the dialog, refused when they make no sense.
#include <QApplication>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

#include "store/storekey.h"
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
        p.options.fetch.transfer.jobs = 3;
        p.options.fetch.transfer.maxSize = 5 * 1024 * 1024;
        p.options.fetch.transfer.accept = {QStringLiteral("image/*"), QStringLiteral("application/pdf")};
        p.options.fetch.keyTemplate = StoreKey::contentAddressedTemplate();
        p.options.store.sync = StoreOptions::Sync::EachFile;
        p.bannedList = QStringLiteral("/srv/banned.txt");
        p.hotFolder = QStringLiteral("/srv/incoming");
        p.save();

        const Preferences q = Preferences::load();
        QCOMPARE(q.options.fetch.transfer.jobs, 3);
        QCOMPARE(q.options.fetch.transfer.maxSize, qint64(5 * 1024 * 1024));
        QCOMPARE(q.options.fetch.transfer.accept, p.options.fetch.transfer.accept);
        QCOMPARE(q.options.fetch.keyTemplate, p.options.fetch.keyTemplate);
        QCOMPARE(q.options.store.sync, StoreOptions::Sync::EachFile);
        QCOMPARE(q.bannedList, p.bannedList);
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
        QCOMPARE(r.options.fetch.transfer.jobs, 12);
        QCOMPARE(r.options.fetch.transfer.maxSize, qint64(2 * 1024 * 1024));
        QCOMPARE(r.options.fetch.transfer.accept,
                 QStringList({QStringLiteral("image/*"), QStringLiteral("application/pdf")}));
        QCOMPARE(r.bannedList, QStringLiteral("/tmp/banned.txt"));
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
        QCOMPARE(dialog.preferences().options.fetch.transfer.maxSize, qint64(-1));
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
