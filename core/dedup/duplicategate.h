#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include "catalog/duplicatebook.h"
#include "targets/targetdelivery.h"

namespace gh {

/*!
    \class gh::DuplicateGate
    What the upload reads from the duplicate cases and decisions, so it honours them: the contract between
    dedup and the upload stage. For one batch and target, the upload:

    \list 1
    \li loads the gate, and refuses (or waits) while openCount() > 0: files still wait for a decision;
    \li puts ignoreWarnings() into DeliveryOptions::ignoreWarnings (only files a curator or rule decided to
        upload, overwrite or rename are sent with ignorewarnings);
    \li calls apply() on each DeliveryItem after TargetDelivery::prepare(): \c skip and \c hand-fix → skipped,
        \c link → already there as the linked name, \c rename → the new name, an open case → needs
        decision; \c upload, \c overwrite and files without a decision stay pending;
    \li calls prepareTarget() on the group before TargetDelivery::lookUp(): renames find their free name (a
        curator's name that holds other content is not overwritten), moves are made on the wiki and
        checked;
    \li after TargetDelivery::send() and verify(), calls settle(): decisions that changed the target can no
   longer be taken back, and the moves' PREMIS events are in the items' events. \endlist
*/
class DuplicateGate
{
    Q_DECLARE_TR_FUNCTIONS(gh::DuplicateGate)

public:
    //! Reads the open and decided cases of \a batchId against \a target.
    static Result<DuplicateGate> load(Catalog &catalog, qint64 batchId, const QString &target);

    //! Whether dedup classified the batch against the target at all.
    bool isClassified() const { return m_classified; }
    //! Files that need a decision and have none: the upload stays blocked while there are any.
    qint64 openCount() const { return m_open; }
    //! Why the upload is blocked, in one sentence; empty when it is not.
    QString blockedMessage() const;
    QSet<qint64> ignoreWarnings() const;
    std::optional<DuplicateRecord> record(qint64 fileId) const;

    void apply(DeliveryItem &item) const;
    Status prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                         const std::shared_ptr<std::atomic_bool> &cancel = {}) const;
    Status settle(Catalog &catalog, const QList<DeliveryItem *> &items) const;

private:
    QString m_target;
    qint64 m_batchId = 0;
    bool m_classified = false;
    qint64 m_open = 0;
    QHash<qint64, DuplicateRecord> m_records;
};

} // namespace gh
