#pragma once

class QThreadPool;

namespace gh {

/*!
    A new thread pool for helpers that a worker waits for (a second digest lane, a share of a copy round): one
    thread per core, two at least, idle ones gone after 5 s. Each kind of helper keeps a pool of its own, made
    once and never deleted, so that waiting for one never queues behind the caller's own pool or another
   kind's work.
*/
QThreadPool *newHelperPool();

} // namespace gh
