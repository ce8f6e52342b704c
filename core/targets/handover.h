#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

#include "pipeline/runoptions.h"
#include "pipeline/stagedefinition.h"
#include "targetoptions.h"
#include "uploadplan.h"

namespace gh {

class Catalog;

/*!
    \class gh::UploadHandover
    How a batch goes on from the curator's review to where it belongs (issues 10 and 13).

    A batch's targets are recorded in the catalog (batch_targets) by whoever sets them: \c upload and
    \c {run --target} (what they deliver to), \c {approve --target}, the \c [targets] default for a batch
    loaded without one, the GUI. The upload stage registered after the review (afterReview()) sends an
    approved batch's files to those targets; delivery before the verdict (\c upload, \c {run --target}) is
    a supported order too, and a rejection withdraws what was delivered (withdraw()).
*/
class UploadHandover
{
    Q_DECLARE_TR_FUNCTIONS(gh::UploadHandover)

public:
    /*!
        Records \a routes as targets of \a batchId, each under the spec its target normalises it to
        (\c local:rel becomes \c local:/abs/rel, as the file rows carry it); a target already recorded takes
        the new filter. \a setBy says who set it ("upload", "approve", "settings", a curator's name).
    */
    static Status record(Catalog &catalog, qint64 batchId, const QList<TargetRoute> &routes,
                         const TargetOptions &options, const QString &setBy);
    //! The \c [targets] default with its \c filter; empty when no default is set.
    static Result<QList<TargetRoute>> defaultRoutes(const TargetOptions &options);
    //! Records the \c [targets] default for a batch that has no target yet; true when it recorded one.
    static Result<bool> recordDefault(Catalog &catalog, qint64 batchId, const TargetOptions &options);
    //! Whether the upload after the review has work for \a batchId: the batch is approved and has a target.
    static Result<bool> due(Catalog &catalog, qint64 batchId);

    /*!
        The upload stage as registered after the curator's review (core/review/shippedstages.cpp): it
        applies to approved batches with a target (due()), and reads \c [targets] and \c [mediawiki] from
        the run's settings (RunOptions::settings) and the environment each time the runner creates it.
    */
    static StageDefinition afterReview();
    /*!
        The upload options a run's settings make: the settings table's \c [mediawiki] and \c [targets]
        keys, credentials from the environment or the keyring, the run's User-Agent, contact and CA bundle.
    */
    static Result<TargetOptions> optionsFor(const RunOptions &run);

    /*!
        What approving \a batchId does, in one sentence: "Upload 1,204 files to Wikimedia Commons." for its
        targets (\a targets when given, else the recorded ones, else the default of \a options), or
        "Accept 1,204 stored files into the archive." when it goes nowhere. For the approve button and the
        CLI alike.
    */
    static Result<QString> approveConsequence(Catalog &catalog, qint64 batchId, const TargetOptions &options,
                                              const QList<TargetRoute> &targets = {});
    struct ApproveConsequences
    {
        QString recorded; //!< approveConsequence() with the batch's own targets.
        //! approveConsequence() with each target the batch's duplicates were classified against, by spec: a
        //! curator who types one of them in the review view reads what its duplicate decisions keep back
        //! ("Upload 5 files to … (2 kept back by duplicate decisions)."); on another target no decision can
        //! keep anything back.
        QHash<QString, QString> byTarget;
    };
    //! Both at once, each target's files counted once however many of the sentences name it.
    static Result<ApproveConsequences> approveConsequences(Catalog &catalog, qint64 batchId,
                                                           const TargetOptions &options);
    //! How a curator names a target: "Wikimedia Commons", "wiki.example.org", "s3://bucket/prefix", "/srv/a".
    static QString displayName(const QString &spec);

    /*!
        Withdraws what \a batchId delivered (rows \c uploaded or \c target-mismatch) from its
        targets: deletes each object (Target::remove()), then marks its row \c deleted and records a PREMIS
        deletion event per file naming the target, page by page, so running it again carries on where a
        crash stopped it. Files that were at a target before (\c already-there) are not ours and stay. A
        wiki deletes them too where the account may (a bot password with the delete grant); otherwise they
        stay (deleting there needs an administrator) and their rows stay as they are.
        Returns a sentence per target.
    */
    static Result<QStringList> withdraw(Catalog &catalog, qint64 batchId, const TargetOptions &options,
                                        const QString &agent, const QString &reason);
};

} // namespace gh
