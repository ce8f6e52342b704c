#pragma once

#include <QHash>

#include "catalog.h"

namespace gh {

/*!
    \class gh::ItemCache
    The items a pass over a batch's files reads, each from the catalog once (Catalog::item()): files of one
    item come together, and templates, page text and look-ups read their item again and again. Bounded: at
    \l capacity items it starts afresh, so a batch of a million items never holds them all. Works on the
    thread that owns the catalog.
*/
class ItemCache
{
public:
    explicit ItemCache(Catalog &catalog, qsizetype capacity = 10000);

    //! The item \a itemId, from the cache or the catalog.
    Result<ItemRecord> item(qint64 itemId);
    //! How many items the cache holds now.
    qsizetype size() const { return m_items.size(); }

private:
    Catalog &m_catalog;
    qsizetype m_capacity;
    QHash<qint64, ItemRecord> m_items;
};

} // namespace gh
