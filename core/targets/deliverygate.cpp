#include "deliverygate.h"

#include <QMutex>

namespace gh {

namespace {

struct Registered
{
    QString name;
    DeliveryGate::Factory factory;
};

QMutex &registryMutex()
{
    static QMutex mutex;
    return mutex;
}

QList<Registered> &registry()
{
    static QList<Registered> gates;
    return gates;
}

} // namespace

DeliveryGate::~DeliveryGate() = default;

void DeliveryGate::add(const QString &name, Factory factory)
{
    QMutexLocker lock(&registryMutex());
    for (Registered &r : registry()) {
        if (r.name == name) {
            r.factory = std::move(factory);
            return;
        }
    }
    registry().append(Registered{name, std::move(factory)});
}

Result<DeliveryGates> DeliveryGates::open(Catalog &catalog, qint64 batchId, const QString &target)
{
    QList<Registered> factories;
    {
        QMutexLocker lock(&registryMutex());
        factories = registry();
    }
    DeliveryGates gates;
    for (const Registered &r : std::as_const(factories)) {
        auto gate = r.factory(catalog, batchId, target);
        if (!gate)
            return gate.error();
        if (*gate)
            gates.m_gates.push_back(std::shared_ptr<const DeliveryGate>(std::move(*gate)));
    }
    return gates;
}

QString DeliveryGates::blockedMessage() const
{
    QStringList sentences;
    for (const auto &gate : m_gates) {
        if (const QString s = gate->blockedMessage(); !s.isEmpty())
            sentences.append(s);
    }
    return sentences.join(u' ');
}

QSet<qint64> DeliveryGates::ignoreWarnings() const
{
    QSet<qint64> ids;
    for (const auto &gate : m_gates)
        ids.unite(gate->ignoreWarnings());
    return ids;
}

QSet<qint64> DeliveryGates::released() const
{
    QSet<qint64> ids;
    for (const auto &gate : m_gates)
        ids.unite(gate->released());
    return ids;
}

QSet<qint64> DeliveryGates::keptBack() const
{
    QSet<qint64> ids;
    for (const auto &gate : m_gates)
        ids.unite(gate->keptBack());
    return ids;
}

void DeliveryGates::apply(DeliveryItem &item) const
{
    for (const auto &gate : m_gates)
        gate->apply(item);
}

Status DeliveryGates::prepareTarget(Target &target, const QList<DeliveryItem *> &items,
                                    const std::shared_ptr<std::atomic_bool> &cancel) const
{
    for (const auto &gate : m_gates) {
        if (Status s = gate->prepareTarget(target, items, cancel); !s)
            return s;
    }
    return {};
}

QSet<qint64> DeliveryGate::keptBack() const
{
    return {};
}

Status DeliveryGate::claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const
{
    Q_UNUSED(catalog);
    Q_UNUSED(items);
    Q_UNUSED(owner);
    return {};
}

Status DeliveryGates::claim(Catalog &catalog, const QList<DeliveryItem *> &items, const QString &owner) const
{
    for (const auto &gate : m_gates) {
        if (Status s = gate->claim(catalog, items, owner); !s)
            return s;
    }
    return {};
}

Status DeliveryGates::settle(Catalog &catalog, const QList<FileTargetRecord> &rows,
                             const QString &owner) const
{
    for (const auto &gate : m_gates) {
        if (Status s = gate->settle(catalog, rows, owner); !s)
            return s;
    }
    return {};
}

} // namespace gh
