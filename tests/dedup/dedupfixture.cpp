#include "dedupfixture.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>

#include "dedup/duplicategate.h"
#include "targets/uploadpreview.h"

namespace gh::test {

qint64 DedupFixture::loadBatch(const QString &name, const QList<std::pair<QString, QByteArray>> &files,
                               const QStringList &extraArguments)
{
    const QString dir = workspace.file(QStringLiteral("sources/%1-%2").arg(++m_sources).arg(name));
    for (const auto &[path, bytes] : files)
        writeFile(QDir(dir).filePath(path), bytes);
    const CliResult load = workspace.cli(
        QStringList{QStringLiteral("load"), dir, QStringLiteral("--name"), name, QStringLiteral("--json")} +
        extraArguments);
    if (load.exitCode != 0) {
        lastError = QString::fromUtf8(load.err);
        return 0;
    }
    const qint64 batch =
        QJsonDocument::fromJson(load.out).object().value(QStringLiteral("batch")).toInteger();
    const CliResult fetch = workspace.cli({QStringLiteral("fetch"), QString::number(batch)});
    if (fetch.exitCode != 0) {
        lastError = QString::fromUtf8(fetch.err);
        return 0;
    }
    return batch;
}

Catalog &DedupFixture::catalog()
{
    if (!m_catalog) {
        auto opened = Catalog::open(*CatalogLocation::parse(workspace.catalog()));
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        m_catalog = std::move(*opened);
    }
    return *m_catalog;
}

BitStore &DedupFixture::store()
{
    if (!m_store) {
        auto opened = openBitStore(workspace.store());
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        m_store = std::move(*opened);
    }
    return *m_store;
}

FileRecord DedupFixture::file(qint64 batchId, const QString &fileName)
{
    auto files = catalog().files(batchId);
    if (files) {
        for (const FileRecord &f : std::as_const(*files)) {
            if (f.name == fileName || f.item + u'/' + f.name == fileName)
                return f;
        }
    }
    qFatal("no file %s in batch %lld", qPrintable(fileName), batchId);
    return {};
}

Result<QHash<qint64, DeliveryItem>> DedupFixture::upload(Target &target, qint64 batchId,
                                                         const DedupSettings &settings)
{
    Catalog &c = catalog();
    auto gate = DuplicateGate::load(c, batchId, target.spec());
    if (!gate)
        return gate.error();
    auto batch = c.batch(batchId);
    if (!batch)
        return batch.error();
    auto options = UploadPreview::deliveryOptions(settings.upload, target, batchId, batch->name,
                                                  workspace.file(QStringLiteral("upload-work")));
    if (!options)
        return options.error();
    options->ignoreWarnings = gate->ignoreWarnings();
    TargetRoute route = settings.route;
    route.spec = target.spec();
    auto plan = UploadPlan::build(c, batchId, route);
    if (!plan)
        return plan.error();
    TargetDelivery delivery(target, store(), *options);
    QList<DeliveryItem> items;
    auto files = c.files(batchId);
    if (!files)
        return files.error();
    for (const FileRecord &f : std::as_const(*files)) {
        const auto entry = plan->entry(f.id);
        if (!entry)
            continue;
        auto item = c.item(f.itemId);
        if (!item)
            return item.error();
        DeliveryItem d;
        d.file = f;
        d.item = *item;
        d.page = entry->page;
        d.pages = entry->pages;
        items.append(d);
    }
    QList<DeliveryItem *> all;
    for (DeliveryItem &d : items) {
        delivery.prepare(d, {});
        gate->apply(d);
        all.append(&d);
    }
    if (Status s = gate->prepareTarget(target, all); !s)
        return s.error();
    if (Status s = delivery.lookUp(all, {}); !s)
        return s.error();
    for (DeliveryItem &d : items)
        delivery.send(d, {}, {});
    if (Status s = delivery.verify(all); !s)
        return s.error();
    if (Status s = gate->settle(c, all); !s)
        return s.error();
    QList<EventRecord> events;
    QHash<qint64, DeliveryItem> byId;
    for (DeliveryItem &d : items) {
        TargetDelivery::cleanUp(d);
        events += d.events;
        byId.insert(d.file.id, d);
    }
    if (Status s = c.addEvents(events); !s)
        return s.error();
    return byId;
}

} // namespace gh::test
