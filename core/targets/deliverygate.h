#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include <QList>
#include <QSet>
#include <QString>

#include "model/filestate.h"
#include "targetdelivery.h"

namespace gh {

class Catalog;
class Target;

/*!
    \class gh::DeliveryGate
    A say that a module above targets has in what the upload sends (the duplicate decisions of core/dedup
    are the first): the upload stage opens the registered gates for each batch and target
    (DeliveryGates::open()) and asks them at fixed points, so targets never needs to know who holds a file
    back. In the order the upload calls them:

    \list 1
    \li ignoreWarnings() and released() when the stage starts: the files sent over the target's warnings,
        and those an earlier run held back that may go now;
    \li apply() on each DeliveryItem after TargetDelivery::prepare(): the gate may settle the item (skipped,
        already there, needs a decision) or change its remote name;
    \li claim() on the group after apply(), on the stage's pool with the sending thread's own catalog
        connection: what the gate is about to carry out is claimed, so nobody takes it back meanwhile; an
        item whose claim fails is settled here and not sent;
    \li prepareTarget() on the group before TargetDelivery::lookUp(), on the stage's pool (the target only,
        no catalog);
    \li settle() with the rows the upload records, on the stage's thread, in the transaction that writes
        them: what was carried out stands, what was claimed and not carried out is let go.
    \endlist

    blockedMessage() says, in one sentence, why files were held back; the stage ends "needs attention" with
    it and the CLI exits 1.
*/
class DeliveryGate
{
public:
    using Factory = std::function<Result<std::unique_ptr<DeliveryGate>>(Catalog &catalog, qint64 batchId,
                                                                        const QString &target)>;

    virtual ~DeliveryGate();

    //! Why files of the batch are held back; empty when none is.
    virtual QString blockedMessage() const = 0;
    //! The files to send with the target's warnings ignored (overwrite, rename, forced upload).
    virtual QSet<qint64> ignoreWarnings() const = 0;
    //! The files a decision lets go: a run that held them back (needs-decision) takes them again.
    virtual QSet<qint64> released() const = 0;
    //! The files a decision keeps from this target whatever happens (skip, hand-fix, link): what the
    //! approval says stays behind before the upload runs. Default: none.
    virtual QSet<qint64> keptBack() const;
    virtual void apply(DeliveryItem &item) const = 0;
    //! Claims, as \a owner ("host:pid"), what the gate carries out for \a items (default: nothing).
    virtual Status claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const;
    virtual Status prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                                 const std::shared_ptr<std::atomic_bool> &cancel) const = 0;
    //! In the caller's transaction (see the list above).
    virtual Status settle(Catalog &catalog, const QList<FileTargetRecord> &rows,
                          const QString &owner) const = 0;

    /*!
        Registers \a factory under \a name (registering a name again replaces it). Called once at start-up
        (ShippedStages::registerAll()), before any upload runs.
    */
    static void add(const QString &name, Factory factory);
};

/*!
    \class gh::DeliveryGates
    The registered gates, opened for one batch and target; what the upload stage holds per target. Without
    any gate registered it lets everything through.
*/
class DeliveryGates
{
public:
    static Result<DeliveryGates> open(Catalog &catalog, qint64 batchId, const QString &target);

    bool isEmpty() const { return m_gates.empty(); }
    //! The gates' sentences, joined; empty when nothing is held back.
    QString blockedMessage() const;
    QSet<qint64> ignoreWarnings() const;
    QSet<qint64> released() const;
    QSet<qint64> keptBack() const;
    void apply(DeliveryItem &item) const;
    Status claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const;
    Status prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                         const std::shared_ptr<std::atomic_bool> &cancel) const;
    Status settle(Catalog &catalog, const QList<FileTargetRecord> &rows, const QString &owner) const;

private:
    std::vector<std::shared_ptr<const DeliveryGate>> m_gates;
};

} // namespace gh
