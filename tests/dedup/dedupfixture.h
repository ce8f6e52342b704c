#pragma once

#include <memory>

#include <QByteArray>
#include <QList>
#include <QString>

#include "catalog/catalog.h"
#include "dedup/dedupsettings.h"
#include "store/bitstore.h"
#include "targets/targetdelivery.h"
#include "testsupport.h"

namespace gh::test {

/*!
    \class gh::test::DedupFixture
    A workspace with batches loaded and fetched by the real CLI, the catalog and store opened in this
    process, and the upload as the upload stage runs it: TargetDelivery's steps with the DuplicateGate around
   them.
*/
class DedupFixture
{
public:
    Workspace workspace;

    //! Writes \a files (relative path → bytes) to a fresh folder, loads it as batch \a name and fetches it.
    //! Returns the batch id, 0 on failure (the reason is in lastError).
    qint64 loadBatch(const QString &name, const QList<std::pair<QString, QByteArray>> &files,
                     const QStringList &extraArguments = {});
    QString lastError;

    Catalog &catalog();
    BitStore &store();
    //! The batch's file whose path in the source folder is \a relativePath ("harbour.png").
    FileRecord file(qint64 batchId, const QString &fileName);

    /*!
        Uploads the batch to \a target as the upload stage does with the duplicate decisions: the gate's
        ignoreWarnings, apply(), prepareTarget(), TargetDelivery's look-up, send and verify, then settle();
       the items' events go to the catalog. Returns the items by file id.
    */
    Result<QHash<qint64, DeliveryItem>> upload(Target &target, qint64 batchId, const DedupSettings &settings);

private:
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<BitStore> m_store;
    int m_sources = 0;
};

} // namespace gh::test
