#pragma once

#include <memory>
#include <vector>

#include <QHash>

#include "duplicateclassifier.h"
#include "pipeline/filestage.h"

namespace gh {

/*!
    \class gh::DedupStage
    The duplicates stage: classifies every file the stages before it let through (fetch, check) into one
    duplicate case, as the batch comes in, so \c run, the GUI and the hot folder classify without being asked
    and the Duplicates lamp runs live. Files are gathered up to a page and classified in one go (one catalog
    query for the same bytes, one batched look-up at each target), then settled in the stage with the cases,
    their PREMIS \c validation events and the settings' rules written in the same page's transaction.

    Which targets: those recorded for the batch (batchTargets()); when none is, the catalog and the batch
    alone (DuplicateInfo::catalogTarget(): \c new, \c in-batch, \c earlier-batch). \c dedup \c --target
    classifies against any other target later.

    The stage settles every classified file (a case is a finding, not a failure); the lamp reads "needs
    attention" while a case waits for a curator's decision, and the approval of the batch waits with it
    (reviewhooks.cpp). A kill leaves the unsettled files pending: the next run classifies them; what was
    recorded before stays, and a file whose case did not change gets no second event.
*/
class DedupStage : public FileStage
{
    Q_OBJECT

public:
    explicit DedupStage(const StageEnvironment &environment, QObject *parent = nullptr);
    ~DedupStage() override;

    //! The stage as the runner walks it; placed before the curator's review (shippedstages.cpp).
    static StageDefinition definition();

    /*!
        The targets recorded for \a batchId that dedup classifies against: the batch's target once one is
        recorded (today the approval's \c batches.target). Empty: the catalog and the batch alone. The one
        place to read them, so the run's targets (catalog v8, \c batch_targets) can be read here later.
    */
    static Result<QStringList> batchTargets(Catalog &catalog, qint64 batchId);

protected:
    Status prepare() override;
    QString startMessage(qint64 files) const override;
    Status pageLoaded(const QList<FileRecord> &page) override;
    int dispatch(const FileRecord &file) override;
    void dispatched() override;
    QString doneDetail() const override;
    Status allSettled(StageState &state, QString &detail) override;

private:
    void classifyGathered();

    std::vector<std::unique_ptr<Target>> m_targets;
    std::vector<std::unique_ptr<DuplicateClassifier>> m_classifiers;
    QList<FileRecord> m_gathered;
    QHash<qint64, FileStatus> m_statuses; //!< The overall status of the files loaded, by id.
    bool m_posted = false;
    QString m_workDir;
};

} // namespace gh
