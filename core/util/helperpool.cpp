#include "helperpool.h"

#include <algorithm>

#include <QThread>
#include <QThreadPool>

namespace gh {

QThreadPool *newHelperPool()
{
    auto *pool = new QThreadPool;
    pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    pool->setExpiryTimeout(5000);
    return pool;
}

} // namespace gh
