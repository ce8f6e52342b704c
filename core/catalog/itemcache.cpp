#include "itemcache.h"

#include <algorithm>

namespace gh {

ItemCache::ItemCache(Catalog &catalog, qsizetype capacity)
    : m_catalog(catalog)
    , m_capacity(std::max<qsizetype>(capacity, 1))
{}

Result<ItemRecord> ItemCache::item(qint64 itemId)
{
    if (const auto it = m_items.constFind(itemId); it != m_items.cend())
        return *it;
    auto item = m_catalog.item(itemId);
    if (!item)
        return item.error();
    if (m_items.size() >= m_capacity)
        m_items.clear();
    m_items.insert(itemId, *item);
    return *item;
}

} // namespace gh
