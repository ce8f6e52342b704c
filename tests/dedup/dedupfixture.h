#pragma once

#include <memory>

#include <QByteArray>
#include <QList>
#include <QString>

#include "catalog/catalog.h"
#include "dedup/dedupsettings.h"
#include "model/filestate.h"
#include "store/bitstore.h"
#include "testsupport.h"

namespace gh::test {

/*!
    \class gh::test::DedupFixture
    A workspace with batches loaded and fetched by the real CLI, the catalog and store opened in this
    process, and the upload run by the real CLI (\c {gatehouse-cli upload}: the upload stage with the
    duplicate decisions' gate), read back from the catalog's rows.
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

    //! What one \c upload run did: the CLI's exit and output, and the batch's rows for the target after it.
    struct Upload
    {
        CliResult cli;
        QHash<qint64, FileTargetRecord> rows; //!< By file id.
        FileTargetRecord value(qint64 fileId) const { return rows.value(fileId); }
    };
    /*!
        Runs \c {gatehouse-cli upload BATCH --target SPEC --title-template TEMPLATE --json} plus \a extra
        arguments, then reads the batch's rows for \a spec (the target's normalised spec).
    */
    Upload upload(qint64 batchId, const QString &spec, const QString &titleTemplate,
                  const QStringList &extra = {});
    //! The batch's rows for \a spec, by file id.
    QHash<qint64, FileTargetRecord> rows(qint64 batchId, const QString &spec);

private:
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<BitStore> m_store;
    int m_sources = 0;
};

} // namespace gh::test
