#pragma once

#include <QCoreApplication>
#include <QJsonObject>

#include "util/result.h"
#include "workspace.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::BatchFootprint
    What deleting a batch would remove: its files in the catalog and the stored copies only it uses.
*/
struct BatchFootprint
{
    qint64 batchId = 0;
    QString name;
    qint64 files = 0;
    qint64 storedObjects = 0; //!< Stored copies no other batch (and no cached download) shares.
    qint64 storedBytes = 0;   //!< Their size.
    qint64 sharedObjects = 0; //!< Stored copies other batches use too; they stay.

    //! "batch 3 "postcards": 7 files, 6 stored copies (1.2 MB)"
    QString text() const;
    QJsonObject toJson() const;
};

/*!
    \class gh::BatchHousekeeping
    Renaming, archiving and deleting batches — what the dashboard's context menu and \c{gatehouse-cli batch}
    do. Archiving hides a batch from the dashboard and \c status (without \c --all); everything stays in the
    catalog and the store. Deleting removes the batch's catalog records, its log folder and the stored copies
    that no other batch uses, after the caller has shown footprint() to the curator.
*/
class BatchHousekeeping
{
    Q_DECLARE_TR_FUNCTIONS(gh::BatchHousekeeping)

public:
    //! \a store may be null for renaming and archiving; deleting needs it.
    BatchHousekeeping(const Workspace &workspace, Catalog &catalog, BitStore *store);

    //! Renames \a batchId; the name may not be empty.
    Status rename(qint64 batchId, const QString &name);
    //! Hides (or, with \a archived false, shows again) \a batchId.
    Status setArchived(qint64 batchId, bool archived);
    //! What delete() would remove.
    Result<BatchFootprint> footprint(qint64 batchId);
    /*!
        Deletes \a batchId: its records first (one transaction), then its stored copies and its folder, so
        an interruption can leave an unreferenced object behind but never a batch that points at nothing.
        Refused while a stage of the batch is running.
    */
    Result<BatchFootprint> remove(qint64 batchId);

    //! The batch settings key that marks an archived batch (the time it was archived).
    static QString archivedKey();

private:
    Status ensureNotRunning(qint64 batchId);

    Workspace m_workspace;
    Catalog &m_catalog;
    BitStore *m_store;
};

} // namespace gh
