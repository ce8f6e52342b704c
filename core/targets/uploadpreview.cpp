#include "uploadpreview.h"

#include "catalog/catalog.h"
#include "mediawiki/pagetext.h"

namespace gh {

namespace {

constexpr int s_group = 50;

} // namespace

UploadPreview::UploadPreview(Catalog &catalog, BitStore &store, qint64 batchId,
                             const UploadSettings &settings)
    : m_catalog(catalog)
    , m_store(store)
    , m_batchId(batchId)
    , m_settings(settings)
{
    if (auto batch = m_catalog.batch(batchId))
        m_batchName = batch->name;
}

Result<DeliveryOptions> UploadPreview::deliveryOptions(const UploadSettings &settings, const Target &target,
                                                       qint64 batchId, const QString &batchName,
                                                       const QString &workDir)
{
    DeliveryOptions o;
    o.batchId = batchId;
    o.batchName = batchName;
    o.workDir = workDir;
    o.derive = settings.options.derive;
    o.converter = DerivativeConverter::installed();
    if (!o.derive.isEmpty()) {
        if (!o.converter)
            return Error{ErrorCode::Unsupported,
                         tr("Conversion rules are set, but this program cannot convert images.")};
        for (const DerivativeRule &rule : std::as_const(o.derive)) {
            if (Status s = o.converter->supports(rule); !s)
                return s.error();
        }
    }
    // The command line's template names files on every target; the settings have one for wikis and one for
    // keys.
    QString title = settings.titleTemplate;
    if (title.isEmpty() && target.kind() == u"mediawiki")
        title = settings.options.titleTemplate;
    if (!title.isEmpty()) {
        auto parsed = NameTemplate::parse(title);
        if (!parsed)
            return parsed.error();
        o.titleTemplate = *parsed;
    }
    auto page = PageText::create(
        settings.options.pageTemplate.isEmpty() ? PageText::defaultTemplate() : settings.options.pageTemplate,
        settings.options.summary.isEmpty() ? PageText::defaultSummary() : settings.options.summary,
        settings.options.categories);
    if (!page)
        return page.error();
    o.page = *page;
    return o;
}

QString UploadPreview::stateText(const QString &key)
{
    if (key == u"would-upload")
        return tr("Would be uploaded");
    if (key == u"name-exists")
        return tr("Name taken on the target");
    if (key == u"failed")
        return tr("Cannot be uploaded");
    if (auto state = FileStateInfo::targetStateFromKey(key))
        return FileStateInfo::displayName(*state);
    return key;
}

Status UploadPreview::previewGroup(Target &target, const DeliveryOptions &options, const DeliveryGates &gates,
                                   QList<DeliveryItem> &items,
                                   const std::function<void(const QJsonObject &)> &sink)
{
    TargetDelivery delivery(target, m_store, options);
    QList<LookupQuery> queries;
    QList<DeliveryItem *> asked;
    for (DeliveryItem &i : items) {
        delivery.prepare(i, {}, false);
        if (i.state == TargetState::Pending)
            gates.apply(i);
        if (i.state != TargetState::Pending)
            continue;
        // A file to be converted has no known bytes yet: ask by name only.
        queries.append(LookupQuery{i.remoteName, i.ruleText.isEmpty() ? i.file.digests : Digests{},
                                   i.ruleText.isEmpty() ? i.file.size : -1});
        asked.append(&i);
    }
    auto answers = target.lookup(queries, {});
    if (!answers)
        return answers.error();
    QHash<const DeliveryItem *, QString> states;
    for (qsizetype n = 0; n < asked.size(); ++n) {
        DeliveryItem &i = *asked[n];
        const LookupAnswer &a = answers->at(n);
        if (!a.normalizedName.isEmpty())
            i.remoteName = a.normalizedName;
        QString state = QStringLiteral("would-upload");
        if (!a.nameProblem.isEmpty()) {
            state = QStringLiteral("failed");
            i.message = a.nameProblem;
        } else if (!i.ruleText.isEmpty()) {
            if (a.named) {
                state = QStringLiteral("name-exists");
                i.message = tr("%1 exists; the converted bytes decide whether it is the same file.")
                                .arg(a.named->name);
            }
        } else if (a.alreadyThere(i.file.digests, i.file.size)) {
            state = FileStateInfo::key(TargetState::AlreadyThere);
            i.message = tr("Already there as %1.").arg(a.named->name);
        } else if (a.named) {
            state = FileStateInfo::key(TargetState::NeedsDecision);
            i.message = tr("%1 holds other content.").arg(a.named->name);
        } else if (!a.elsewhere(i.file.digests).isEmpty()) {
            state = FileStateInfo::key(TargetState::NeedsDecision);
            i.message =
                tr("The bytes are already there as %1.").arg(a.elsewhere(i.file.digests).first().name);
        }
        states.insert(&i, state);
    }
    for (const DeliveryItem &i : std::as_const(items)) {
        QJsonObject o{
            {QStringLiteral("file"), i.file.id},
            {QStringLiteral("item"), i.file.item},
            {QStringLiteral("path"), i.file.name},
            {QStringLiteral("target"), target.spec()},
            {QStringLiteral("name"), i.remoteName},
            {QStringLiteral("derive"), i.ruleText.isEmpty() ? QJsonValue() : QJsonValue(i.ruleText)},
            {QStringLiteral("state"),
             states.value(&i, i.state == TargetState::Pending ? QStringLiteral("failed")
                                                              : FileStateInfo::key(i.state))},
            {QStringLiteral("message"), i.message}};
        if (target.kind() == u"mediawiki") {
            o.insert(QStringLiteral("text"), i.pageText);
            o.insert(QStringLiteral("summary"), i.summary);
        }
        sink(o);
    }
    return {};
}

Status UploadPreview::run(Target &target, const TargetRoute &route,
                          const std::function<void(const QJsonObject &)> &sink,
                          const std::shared_ptr<std::atomic_bool> &cancel)
{
    auto plan = UploadPlan::build(m_catalog, m_batchId, route);
    if (!plan)
        return plan.error();
    auto options = deliveryOptions(m_settings, target, m_batchId, m_batchName, {});
    if (!options)
        return options.error();
    auto gates = DeliveryGates::open(m_catalog, m_batchId, target.spec());
    if (!gates)
        return gates.error();
    QList<DeliveryItem> group;
    Status failed;
    Status s = m_catalog.forEachFile(m_batchId, [&](const FileRecord &file) {
        if (cancel && cancel->load()) {
            failed = Error{ErrorCode::Cancelled, tr("The preview was cancelled.")};
            return false;
        }
        const auto entry = plan->entry(file.id);
        if (!entry)
            return true;
        auto it = m_items.item(file.itemId);
        if (!it) {
            failed = it.error();
            return false;
        }
        DeliveryItem d;
        d.file = file;
        d.item = *it;
        d.page = entry->page;
        d.pages = entry->pages;
        group.append(d);
        if (group.size() >= s_group) {
            failed = previewGroup(target, *options, *gates, group, sink);
            group.clear();
        }
        return failed.ok();
    });
    if (!s)
        return s;
    if (!failed)
        return failed;
    if (!group.isEmpty())
        return previewGroup(target, *options, *gates, group, sink);
    return {};
}

Result<QJsonObject> UploadPreview::file(Target &target, const TargetRoute &route, qint64 fileId)
{
    auto file = m_catalog.file(fileId);
    if (!file)
        return file.error();
    auto plan = UploadPlan::build(m_catalog, file->batchId, route);
    if (!plan)
        return plan.error();
    const auto entry = plan->entry(fileId);
    if (!entry)
        return Error{ErrorCode::NotFound,
                     tr("%1/%2 does not go to %3.").arg(file->item, file->name, target.spec())};
    auto options = deliveryOptions(m_settings, target, file->batchId, m_batchName, {});
    if (!options)
        return options.error();
    auto gates = DeliveryGates::open(m_catalog, file->batchId, target.spec());
    if (!gates)
        return gates.error();
    auto it = m_items.item(file->itemId);
    if (!it)
        return it.error();
    QList<DeliveryItem> one(1);
    one[0].file = *file;
    one[0].item = *it;
    one[0].page = entry->page;
    one[0].pages = entry->pages;
    QJsonObject result;
    if (Status s = previewGroup(target, *options, *gates, one, [&](const QJsonObject &o) { result = o; }); !s)
        return s.error();
    return result;
}

} // namespace gh
