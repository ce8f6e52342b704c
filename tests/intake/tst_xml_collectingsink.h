#pragma once

// A sink that keeps what an ingester produced, for the intake-xml tests (METS, IMS CP, IIIF, newspaper).

#include <QJsonDocument>

#include "intake/intakechain.h"

namespace gh::test {

class CollectingSink final : public RollbackSink
{
public:
    Status add(ItemDraft item) override
    {
        items.append(std::move(item));
        return {};
    }
    qint64 itemCount() const override { return items.size(); }
    Status discardFrom(qint64 count) override
    {
        items.resize(count);
        return {};
    }
    const ItemDraft *find(const QString &identifier) const
    {
        for (const ItemDraft &item : items) {
            if (item.identifier == identifier)
                return &item;
        }
        return nullptr;
    }
    const FileDraft *file(const QString &identifier, const QString &name) const
    {
        if (const ItemDraft *item = find(identifier)) {
            for (const FileDraft &f : item->files) {
                if (f.name == name)
                    return &f;
            }
        }
        return nullptr;
    }
    QStringList identifiers() const
    {
        QStringList ids;
        for (const ItemDraft &item : items)
            ids.append(item.identifier);
        return ids;
    }
    qsizetype fileCount() const
    {
        qsizetype n = 0;
        for (const ItemDraft &item : items)
            n += item.files.size();
        return n;
    }
    QList<ItemDraft> items;
};

//! A QStringList from literals (QT_NO_CAST_FROM_ASCII is on).
inline QStringList strings(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *s : list)
        result.append(QString::fromUtf8(s));
    return result;
}

//! Every warning of every step, one string.
inline QString allWarnings(const IntakeTrace &trace)
{
    QStringList warnings;
    for (const TraceStep &step : trace.steps())
        warnings += step.warnings;
    return warnings.join(u'\n');
}

inline QString traceText(const IntakeTrace &trace)
{
    return QString::fromUtf8(QJsonDocument(trace.toJson()).toJson());
}

} // namespace gh::test
