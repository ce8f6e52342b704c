#include "batchhousekeeping.h"

#include <QDateTime>
#include <QDir>
#include <QLocale>

#include "catalog/catalog.h"
#include "store/bitstore.h"
#include "util/logging.h"

namespace gh {

QString BatchFootprint::text() const
{
    const QString files_ = BatchHousekeeping::tr("%n file(s)", nullptr, int(files));
    const QString copies = BatchHousekeeping::tr("%n stored copy(-ies)", nullptr, int(storedObjects)) +
                           u" (" + QLocale().formattedDataSize(storedBytes) + u')';
    QString text = BatchHousekeeping::tr("batch %1 \"%2\": %3, %4").arg(batchId).arg(name, files_, copies);
    if (sharedObjects > 0)
        text += u"; " + BatchHousekeeping::tr("%n stored copy(-ies) shared with other batches stay", nullptr,
                                              int(sharedObjects));
    return text;
}

QJsonObject BatchFootprint::toJson() const
{
    return QJsonObject{{QStringLiteral("batch"), batchId},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("files"), files},
                       {QStringLiteral("stored_objects"), storedObjects},
                       {QStringLiteral("stored_bytes"), storedBytes},
                       {QStringLiteral("shared_objects"), sharedObjects}};
}

BatchHousekeeping::BatchHousekeeping(const Workspace &workspace, Catalog &catalog, BitStore *store)
    : m_workspace(workspace)
    , m_catalog(catalog)
    , m_store(store)
{}

QString BatchHousekeeping::archivedKey()
{
    return QStringLiteral("archived_at");
}

Status BatchHousekeeping::ensureNotRunning(qint64 batchId)
{
    auto stages = m_catalog.stages(batchId);
    if (!stages)
        return stages.error();
    if (const StageRecord *r = StageRecord::runningNow(*stages)) {
        return Error{ErrorCode::Usage,
                     tr("Batch %1 is being processed (%2 stage); wait for it to finish or cancel it first.")
                         .arg(batchId)
                         .arg(StageInfo::displayName(r->stage))};
    }
    return {};
}

Status BatchHousekeeping::rename(qint64 batchId, const QString &name)
{
    const QString trimmed = name.simplified();
    if (trimmed.isEmpty())
        return Error{ErrorCode::Usage, tr("A batch needs a name.")};
    if (auto batch = m_catalog.batch(batchId); !batch)
        return batch.error();
    return m_catalog.renameBatch(batchId, trimmed);
}

Status BatchHousekeeping::setArchived(qint64 batchId, bool archived)
{
    auto settings = m_catalog.batchSettings(batchId);
    if (!settings)
        return settings.error();
    if (archived == settings->contains(archivedKey()))
        return {};
    if (archived)
        settings->insert(archivedKey(), Catalog::toDbTime(QDateTime::currentDateTimeUtc()));
    else
        settings->remove(archivedKey());
    return m_catalog.setBatchSettings(batchId, *settings);
}

Result<BatchFootprint> BatchHousekeeping::footprint(qint64 batchId)
{
    auto batch = m_catalog.batch(batchId);
    if (!batch)
        return batch.error();
    auto objects = m_catalog.storedObjects(batchId);
    if (!objects)
        return objects.error();
    BatchFootprint f;
    f.batchId = batchId;
    f.name = batch->name;
    f.files = batch->files;
    for (const Catalog::StoredObject &o : std::as_const(*objects)) {
        if (o.shared) {
            ++f.sharedObjects;
        } else {
            ++f.storedObjects;
            f.storedBytes += std::max<qint64>(0, o.size);
        }
    }
    return f;
}

Result<BatchFootprint> BatchHousekeeping::remove(qint64 batchId)
{
    if (!m_store)
        return Error{ErrorCode::Usage, tr("Deleting a batch needs its store.")};
    if (Status s = ensureNotRunning(batchId); !s)
        return s.error();
    auto plan = footprint(batchId);
    if (!plan)
        return plan.error();
    auto objects = m_catalog.storedObjects(batchId);
    if (!objects)
        return objects.error();
    QStringList keys;
    for (const Catalog::StoredObject &o : std::as_const(*objects)) {
        if (!o.shared)
            keys.append(o.key);
    }
    // Records first: once they are gone nothing points at the objects, which are then removed one by one.
    if (Status s = m_catalog.deleteBatch(batchId, keys); !s)
        return s.error();
    QStringList failed;
    for (const QString &key : std::as_const(keys)) {
        if (Status s = m_store->remove(key); !s)
            failed.append(s.error().message);
    }
    QDir folder(m_workspace.batchDir(batchId));
    if (folder.exists() && !folder.removeRecursively())
        failed.append(tr("The folder %1 could not be removed.").arg(QDir::toNativeSeparators(folder.path())));
    if (!failed.isEmpty()) {
        return Error{ErrorCode::Io, tr("Batch %1 was deleted from the catalog, but %n stored object(s) or "
                                       "files could not be removed: %2",
                                       nullptr, int(failed.size()))
                                        .arg(batchId)
                                        .arg(failed.mid(0, 3).join(u' '))};
    }
    qCInfo(lcPipeline).noquote() << "deleted" << plan->text();
    return *plan;
}

} // namespace gh
