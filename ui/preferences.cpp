#include "preferences.h"

#include <QSettings>

namespace gh {

namespace {

QString syncKey(StoreOptions::Sync sync)
{
    switch (sync) {
    case StoreOptions::Sync::EachFile:
        return QStringLiteral("each-file");
    case StoreOptions::Sync::None:
        return QStringLiteral("none");
    case StoreOptions::Sync::Batched:
        break;
    }
    return QStringLiteral("batched");
}

StoreOptions::Sync syncFromKey(const QString &key)
{
    if (key == u"each-file")
        return StoreOptions::Sync::EachFile;
    if (key == u"none")
        return StoreOptions::Sync::None;
    return StoreOptions::Sync::Batched;
}

} // namespace

Preferences Preferences::load()
{
    QSettings s;
    Preferences p;
    TransferOptions &t = p.options.fetch.transfer;
    t.jobs = std::clamp(s.value(QStringLiteral("transfer/jobs"), t.jobs).toInt(), 1, 256);
    t.perHost = std::clamp(s.value(QStringLiteral("transfer/per_host"), t.perHost).toInt(), 1, 256);
    t.maxSize = s.value(QStringLiteral("transfer/max_size"), t.maxSize).toLongLong();
    t.accept = s.value(QStringLiteral("transfer/accept"), t.accept).toStringList();
    t.contact = s.value(QStringLiteral("transfer/contact"), t.contact).toString();
    t.honourFreshness = s.value(QStringLiteral("transfer/honour_freshness"), t.honourFreshness).toBool();
    p.options.fetch.keyTemplate =
        s.value(QStringLiteral("fetch/key_template"), p.options.fetch.keyTemplate).toString();
    p.options.store.sync = syncFromKey(s.value(QStringLiteral("store/sync")).toString());
    p.options.bannedList = s.value(QStringLiteral("intake/banned_list")).toString();
    p.hotFolder = s.value(QStringLiteral("intake/hot_folder")).toString();
    p.options.intake.columns =
        ColumnMapping::fromJson(s.value(QStringLiteral("intake/column_mapping")).toJsonObject());
    // A value someone wrote by hand that is out of range leaves the whole profile at its defaults.
    if (auto qa = QaProfile::read(s, QStringLiteral("the settings")))
        p.qa = *qa;
    return p;
}

void Preferences::save() const
{
    QSettings s;
    const TransferOptions &t = options.fetch.transfer;
    s.setValue(QStringLiteral("transfer/jobs"), t.jobs);
    s.setValue(QStringLiteral("transfer/per_host"), t.perHost);
    s.setValue(QStringLiteral("transfer/max_size"), t.maxSize);
    s.setValue(QStringLiteral("transfer/accept"), t.accept);
    s.setValue(QStringLiteral("transfer/contact"), t.contact);
    s.setValue(QStringLiteral("transfer/honour_freshness"), t.honourFreshness);
    s.setValue(QStringLiteral("fetch/key_template"), options.fetch.keyTemplate);
    s.setValue(QStringLiteral("store/sync"), syncKey(options.store.sync));
    s.setValue(QStringLiteral("intake/banned_list"), options.bannedList);
    s.setValue(QStringLiteral("intake/hot_folder"), hotFolder);
    s.setValue(QStringLiteral("intake/column_mapping"), options.intake.columns.toJson());
    qa.write(s);
}

} // namespace gh
