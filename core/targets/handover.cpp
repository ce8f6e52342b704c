#include "handover.h"

#include <limits>

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QUrl>

#include "catalog/catalog.h"
#include "catalog/duplicatebook.h"
#include "deliverygate.h"
#include "pipeline/fetchoutcome.h"
#include "pipeline/workspace.h"
#include "targetregistry.h"
#include "uploadstage.h"

namespace gh {

namespace {

constexpr int s_page = 500;

TargetContext contextFor(Catalog &catalog)
{
    TargetContext context;
    context.stagingDir = Workspace::dataDirOf(catalog.location()) + QStringLiteral("/staging");
    return context;
}

} // namespace

Status UploadHandover::record(Catalog &catalog, qint64 batchId, const QList<TargetRoute> &routes,
                              const TargetOptions &options, const QString &setBy)
{
    QList<BatchTargetRecord> rows;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const TargetRoute &route : routes) {
        // The spec as the target normalises it is what the file rows carry. A folder is only made absolute
        // (as LocalTarget does): recording where a batch goes creates nothing there yet.
        if (TargetRegistry::schemeOf(route.spec) == u"local") {
            const QString dir = route.spec.mid(route.spec.indexOf(u':') + 1);
            if (dir.trimmed().isEmpty())
                return Error{ErrorCode::Usage,
                             tr("The target \"%1\" names no folder; write local:DIR.").arg(route.spec)};
            rows.append({batchId, QStringLiteral("local:") + QFileInfo(dir).absoluteFilePath(),
                         route.filterText, setBy, now});
            continue;
        }
        auto target = TargetRegistry::open(route.spec, options, contextFor(catalog));
        if (!target)
            return target.error();
        rows.append({batchId, (*target)->spec(), route.filterText, setBy, now});
    }
    return catalog.setBatchTargetSpecs(rows);
}

Result<QList<TargetRoute>> UploadHandover::defaultRoutes(const TargetOptions &options)
{
    if (options.defaultTarget.trimmed().isEmpty())
        return QList<TargetRoute>();
    auto route = TargetRoute::make(options.defaultTarget, options.defaultFilter);
    if (!route)
        return Error{route.error().code, tr("targets/default: %1").arg(route.error().message)};
    return QList<TargetRoute>{*route};
}

Result<bool> UploadHandover::recordDefault(Catalog &catalog, qint64 batchId, const TargetOptions &options)
{
    auto routes = defaultRoutes(options);
    if (!routes)
        return routes.error();
    if (routes->isEmpty())
        return false;
    auto recorded = catalog.batchTargetSpecs(batchId);
    if (!recorded)
        return recorded.error();
    if (!recorded->isEmpty())
        return false;
    if (Status s = record(catalog, batchId, *routes, options, QStringLiteral("settings")); !s)
        return s.error();
    return true;
}

Result<bool> UploadHandover::due(Catalog &catalog, qint64 batchId)
{
    auto batch = catalog.batch(batchId);
    if (!batch)
        return batch.error();
    if (batch->state != BatchState::Approved)
        return false;
    auto recorded = catalog.batchTargetSpecs(batchId);
    if (!recorded)
        return recorded.error();
    return !recorded->isEmpty();
}

Result<TargetOptions> UploadHandover::optionsFor(const RunOptions &run)
{
    auto options = TargetOptions::fromSettings(run.settings);
    if (!options)
        return options.error();
    options->applyEnvironment(QProcessEnvironment::systemEnvironment());
    options->userAgent = run.transfer.userAgent;
    if (!run.transfer.contact.isEmpty())
        options->contact = run.transfer.contact;
    options->caBundle = run.transfer.caBundle;
    return options;
}

StageDefinition UploadHandover::afterReview()
{
    StageDefinition definition{Stage::Upload, StageDefinition::Kind::Files, [](const StageEnvironment &env) {
                                   // Created for each batch the runner takes here, so the settings are those
                                   // of this run.
                                   UploadSettings settings;
                                   settings.routesFromBatch = true;
                                   if (auto options = optionsFor(env.options))
                                       settings.options = *options;
                                   else
                                       settings.settingsError = options.error().message;
                                   return std::unique_ptr<FileStage>(new UploadStage(
                                       env, settings, Workspace::dataDirOf(env.catalog.location())));
                               }};
    definition.applies = &UploadHandover::due;
    return definition;
}

QString UploadHandover::displayName(const QString &spec)
{
    if (TargetRegistry::schemeOf(spec) == u"mediawiki") {
        const QString host = QUrl(spec.mid(spec.indexOf(u':') + 1)).host();
        if (host == u"commons.wikimedia.org")
            return tr("Wikimedia Commons");
        return host.isEmpty() ? spec : host;
    }
    if (TargetRegistry::schemeOf(spec) == u"local")
        return spec.mid(spec.indexOf(u':') + 1);
    return spec;
}

namespace {

//! The targets approving \a batchId sends to: \a targets when given, else the recorded ones, else the
//! default.
Result<QList<TargetRoute>> approvedRoutes(Catalog &catalog, qint64 batchId, const TargetOptions &options,
                                          const QList<TargetRoute> &targets)
{
    if (!targets.isEmpty())
        return targets;
    auto recorded = TargetRoute::ofBatch(catalog, batchId);
    if (!recorded || !recorded->isEmpty())
        return recorded;
    return UploadHandover::defaultRoutes(options);
}

/*!
    The clauses of approveConsequence()'s sentence, one per route ("5 files to Wikimedia Commons (2 kept
    back by duplicate decisions)"), each route's plan built once however often it is asked for.
*/
class ConsequenceParts
{
public:
    ConsequenceParts(Catalog &catalog, qint64 batchId)
        : m_catalog(catalog)
        , m_batchId(batchId)
    {}

    Result<QString> sentence(const QList<TargetRoute> &routes)
    {
        if (routes.isEmpty())
            return QString();
        QStringList parts;
        for (const TargetRoute &route : routes) {
            auto part = partOf(route);
            if (!part)
                return part.error();
            parts.append(*part);
        }
        return UploadHandover::tr("Upload %1.").arg(parts.join(QStringLiteral(", ")));
    }

private:
    Result<QString> partOf(const TargetRoute &route)
    {
        const std::pair<QString, QString> key{route.spec, route.filterText};
        if (const auto it = m_parts.constFind(key); it != m_parts.cend())
            return *it;
        auto plan = UploadPlan::build(m_catalog, m_batchId, route);
        if (!plan)
            return plan.error();
        // Files a duplicate decision keeps from the target are not counted as going, and said.
        auto gates = DeliveryGates::open(m_catalog, m_batchId, route.spec);
        if (!gates)
            return gates.error();
        qint64 kept = 0;
        for (qint64 fileId : gates->keptBack()) {
            if (plan->entry(fileId))
                ++kept;
        }
        QString part =
            UploadHandover::tr("%1 files to %2")
                .arg(QLocale().toString(plan->size() - kept), UploadHandover::displayName(route.spec));
        if (kept > 0)
            part += u' ' + UploadHandover::tr("(%n kept back by duplicate decisions)", nullptr,
                                              int(std::min<qint64>(kept, std::numeric_limits<int>::max())));
        m_parts.insert(key, part);
        return part;
    }

    Catalog &m_catalog;
    qint64 m_batchId;
    QHash<std::pair<QString, QString>, QString> m_parts;
};

} // namespace

Result<QString> UploadHandover::approveConsequence(Catalog &catalog, qint64 batchId,
                                                   const TargetOptions &options,
                                                   const QList<TargetRoute> &targets)
{
    auto routes = approvedRoutes(catalog, batchId, options, targets);
    if (!routes)
        return routes.error();
    return ConsequenceParts(catalog, batchId).sentence(*routes);
}

Result<UploadHandover::ApproveConsequences>
UploadHandover::approveConsequences(Catalog &catalog, qint64 batchId, const TargetOptions &options)
{
    auto routes = approvedRoutes(catalog, batchId, options, {});
    if (!routes)
        return routes.error();
    ConsequenceParts parts(catalog, batchId);
    ApproveConsequences said;
    auto recorded = parts.sentence(*routes);
    if (!recorded)
        return recorded.error();
    said.recorded = *recorded;
    auto classified = DuplicateBook(catalog).targets(batchId);
    if (!classified)
        return classified.error();
    for (const QString &spec : std::as_const(*classified)) {
        auto route = TargetRoute::make(spec);
        if (!route)
            continue; // no kind of target in this build takes it: approving with it is refused anyway
        auto typed = parts.sentence({*route});
        if (!typed)
            return typed.error();
        said.byTarget.insert(spec, *typed);
    }
    return said;
}

Result<QStringList> UploadHandover::withdraw(Catalog &catalog, qint64 batchId, const TargetOptions &options,
                                             const QString &agent, const QString &reason)
{
    auto specs = catalog.deliveredTargets(batchId);
    if (!specs)
        return specs.error();
    QStringList said;
    for (const QString &spec : std::as_const(*specs)) {
        auto counts = catalog.targetCounts(batchId, spec);
        if (!counts)
            return counts.error();
        const qint64 ours = counts->value(TargetState::Uploaded) + counts->value(TargetState::TargetMismatch);
        const qint64 before = counts->value(TargetState::AlreadyThere);
        if (ours == 0) {
            if (before > 0)
                said.append(tr("%1: nothing of this batch to delete; %2 files were there before and stay.")
                                .arg(displayName(spec))
                                .arg(before));
            continue;
        }
        auto target = TargetRegistry::open(spec, options, contextFor(catalog));
        if (!target)
            return Error{target.error().code, tr("Cannot withdraw batch %1 from %2: %3")
                                                  .arg(batchId)
                                                  .arg(displayName(spec), target.error().message)};
        qint64 removed = 0;
        qint64 afterId = 0;
        QString refused; //!< Why a wiki keeps the rest (the account may not delete).
        for (;;) {
            auto rows = catalog.batchTargets(batchId, spec, afterId, s_page);
            if (!rows)
                return rows.error();
            if (rows->isEmpty())
                break;
            afterId = rows->constLast().fileId;
            QList<FileTargetRecord> changed;
            QList<EventRecord> events;
            Status stopped;
            for (FileTargetRecord row : std::as_const(*rows)) {
                if (row.state != TargetState::Uploaded && row.state != TargetState::TargetMismatch)
                    continue;
                if (Status s = (*target)->remove(row.remoteName, reason); !s) {
                    if ((*target)->kind() == u"mediawiki" && s.error().code == ErrorCode::Usage) {
                        // The account may not delete: the files stay, and their rows say delivered.
                        stopped = Error{ErrorCode::Usage, tr("%1 files stay on %2: deleting needs an "
                                                             "administrator.")
                                                              .arg(ours - removed - changed.size())
                                                              .arg(displayName(spec))};
                        break;
                    }
                    stopped =
                        Error{s.error().code,
                              tr("Deleting batch %1 from %2 stopped at %3: %4 Reject it again to carry on.")
                                  .arg(batchId)
                                  .arg(displayName(spec), row.remoteName, s.error().message)};
                    break;
                }
                row.state = TargetState::Deleted;
                row.at = QDateTime::currentDateTimeUtc();
                changed.append(row);
                FileRecord about;
                about.batchId = batchId;
                about.id = row.fileId;
                events.append(FileFinisher::event(
                    about, QStringLiteral("deletion"), QStringLiteral("success"),
                    tr("batch rejected; %1 deleted from %2").arg(row.remoteName, spec), agent));
            }
            // The events first: a crash before the rows leaves them saying delivered, and the next
            // rejection deletes again (deleting what is gone succeeds) rather than losing the record.
            if (Status s = catalog.addEvents(events); !s)
                return s.error();
            if (!changed.isEmpty()) {
                if (Status s = catalog.recordTargets(changed); !s)
                    return s.error();
            }
            removed += changed.size();
            if (!stopped && stopped.error().code == ErrorCode::Usage) {
                refused = stopped.error().message;
                break;
            }
            if (!stopped)
                return stopped.error();
        }
        if (!refused.isEmpty()) {
            said.append(refused);
            continue;
        }
        QString line = tr("%1 files deleted from %2.").arg(removed).arg(displayName(spec));
        if (before > 0)
            line += u' ' + tr("%1 files that were there before stay.").arg(before);
        said.append(line);
    }
    return said;
}

} // namespace gh
