#pragma once

#include <QCoreApplication>

#include "intaketypes.h"

namespace gh {

class Catalog;

/*!
    \class gh::LoadResult
    What \c load reports: the batch, its size, what the source was detected to be, and the trace.
*/
struct LoadResult
{
    qint64 batchId = 0;
    qint64 items = 0;
    qint64 files = 0;
    QString detected;
    QJsonArray trace;
    QString
        name; //!< The name intake gave the batch from the source's own label; empty if it kept the one given.
};

/*!
    \class gh::Intake
    Turns a source into a batch of items and files in the catalog: detects what the source is, runs the
    matching ingester, streams its items into the catalog in batched transactions, and records the intake
    stage. An intake interrupted by a crash is detected by its stage state and started over.
*/
class Intake
{
    Q_DECLARE_TR_FUNCTIONS(gh::Intake)

public:
    explicit Intake(Catalog &catalog);

    //! Creates a new batch from \a source.
    Result<LoadResult> load(const QString &source, const IntakeOptions &options);
    //! Runs intake again into an existing batch whose intake did not finish, replacing what it had.
    Result<LoadResult> reload(qint64 batchId, const QString &source, const IntakeOptions &options);

    //! The canonical form of a source (absolute path or URL), used to find earlier batches of it.
    static QString normalizeSource(const QString &source);

private:
    Result<LoadResult> loadNew(const QString &name, const QString &source, const IntakeOptions &options);
    Result<LoadResult> ingestInto(qint64 batchId, const QString &source, const IntakeOptions &options);
    Catalog &m_catalog;
};

} // namespace gh
