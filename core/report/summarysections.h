#pragma once

#include <optional>

#include <QCoreApplication>

#include "catalog/catalog.h"

namespace gh {

/*!
    \class gh::SummarySection
    One titled block of the \c _SUMMARY: label/value lines printed with dot leaders.
*/
struct SummarySection
{
    QString title;
    QList<std::pair<QString, QString>> lines;

    void add(const QString &label, const QString &value) { lines.append({label, value}); }
    void add(const QString &label, qint64 value);
};

/*!
    \class gh::SummaryContext
    What a section builder reads: the batch and the catalog, with the per-stage event counts computed once
    for all sections.
*/
class SummaryContext
{
public:
    SummaryContext(Catalog &catalog, const BatchRecord &batch);
    Catalog &catalog() const { return m_catalog; }
    const BatchRecord &batch() const { return m_batch; }
    //! Events of the batch counted by agent, type and outcome (cached).
    Result<QList<Catalog::EventCount>> eventCounts();

private:
    Catalog &m_catalog;
    BatchRecord m_batch;
    std::optional<QList<Catalog::EventCount>> m_eventCounts;
};

/*!
    \class gh::SummarySections
    The sections of the \c _SUMMARY after its header, in order. Each stage owns one builder in
    summarysections.cpp and returns nothing when the batch has no data for it, so a batch that never reached
    a stage shows no empty block. Today the check, dedup, review and upload sections count the events those
    stages record (by type and outcome); a stage that keeps richer tables (findings per check, duplicate cases
    and decisions, the sample plan and verdict, uploads per target) replaces its builder's body with lines
    from them, and nothing else changes.
*/
class SummarySections
{
    Q_DECLARE_TR_FUNCTIONS(gh::SummarySections)

public:
    using Builder = Result<std::optional<SummarySection>> (*)(SummaryContext &context);
    static const QList<Builder> &all();
};

} // namespace gh
