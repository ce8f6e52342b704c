#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include "catalog/duplicatebook.h"
#include "targets/deliverygate.h"
#include "targets/targetdelivery.h"

namespace gh {

/*!
    \class gh::DuplicateGate
    What the upload reads from the duplicate cases and decisions, so it honours them: the DeliveryGate that
    core/dedup registers (ShippedStages::registerAll()). For one batch and target, the upload stage:

    \list 1
    \li opens the gate (open()); while any file waits for a decision (openCount()) nothing of the batch
        goes: every file is held back as \c needs-decision, and the stage ends with blockedMessage(); once
        none waits, released() lets the held-back files go;
    \li puts ignoreWarnings() into DeliveryOptions::ignoreWarnings (only files a curator or rule decided to
        upload, overwrite or rename are sent with ignorewarnings);
    \li calls apply() on each DeliveryItem after TargetDelivery::prepare(): \c skip and \c hand-fix → skipped,
        \c link → already there as the linked name, \c rename → the new name, an open case → needs
        decision; \c upload, \c overwrite and files without a decision stay pending;
    \li calls claim() on the group: every decision about to change the target is claimed in the catalog
        (DuplicateBook::claimExecution()); one taken back or replaced since the gate was opened is not
        carried out (the file needs a decision again), and one claimed cannot be taken back;
    \li calls prepareTarget() on the group before TargetDelivery::lookUp(): renames find their free name (a
        curator's name that holds other content is not overwritten), moves are made on the wiki and
        checked;
    \li calls settle() in the transaction that records the rows: decisions that changed the target can no
        longer be taken back; claimed ones that did not are let go. \endlist

    A batch not classified against the target (an upload straight after fetch) is held to the cases the
    dedup stage found against the catalog and the batch alone (\c in-batch, \c earlier-batch): their
    links name no file at the target, so a link there skips the file.
*/
class DuplicateGate : public DeliveryGate
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateGate)

public:
    //! Reads the open and decided cases of \a batchId against \a target.
    static Result<DuplicateGate> load(Catalog &catalog, qint64 batchId, const QString &target);
    //! The gate as the upload opens it (DeliveryGate::Factory): load(), or the catalog's cases when the
    //! batch was not classified against \a target.
    static Result<std::unique_ptr<DeliveryGate>> open(Catalog &catalog, qint64 batchId,
                                                      const QString &target);

    //! Whether dedup classified the batch against the target at all.
    bool isClassified() const { return m_classified; }
    //! Files that need a decision and have none: the upload stays blocked while there are any.
    qint64 openCount() const { return m_open; }
    //! Why the upload is blocked, in one sentence; empty when it is not.
    QString blockedMessage() const override;
    QSet<qint64> ignoreWarnings() const override;
    //! Every file with a decision in force.
    QSet<qint64> released() const override;
    QSet<qint64> keptBack() const override;
    std::optional<DuplicateRecord> record(qint64 fileId) const;

    void apply(DeliveryItem &item) const override;
    Status claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const override;
    Status prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                         const std::shared_ptr<std::atomic_bool> &cancel = {}) const override;
    Status settle(Catalog &catalog, const QList<FileTargetRecord> &rows, const QString &owner) const override;

private:
    //! Keeps \a item back (needs-decision) while other files of the batch wait for a decision.
    void holdBack(DeliveryItem &item) const;

    QString m_target;
    qint64 m_batchId = 0;
    bool m_classified = false;
    bool m_catalogCases = false; //!< The cases are the catalog's (DuplicateInfo::catalogTarget()).
    qint64 m_open = 0;
    QHash<qint64, DuplicateRecord> m_records;
    //! Files an earlier upload held back (needs-decision rows at the target): let go once nothing is open.
    QSet<qint64> m_heldBack;
};

} // namespace gh
