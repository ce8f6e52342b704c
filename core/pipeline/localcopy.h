#pragma once

#include <atomic>
#include <functional>

#include <QCoreApplication>
#include <QList>

#include "fetchoutcome.h"

namespace gh {

class BitStore;

/*!
    \class gh::LocalCopy
    Copies local files into the bit store: a single read of each file computes md5, sha1 and sha256, sniffs
    the mimetype from the first bytes and writes the temporary object; the store then verifies and publishes
    it under the file's key. Runs on a worker thread (and helpers); touches no QObject.

    runGroup() copies files side by side in rounds, a chunk of each file per round, so that their md5s go
    through Md5Lanes together: md5, the costliest of the three digests per byte, then costs a fraction of
    what it costs file by file. The md5s of a round are hashed during the next, as one more piece of it, so
    when every core shares the rounds (Threads::All) no thread waits for the md5s alone. run() is a group of
    one.
*/
class LocalCopy
{
    Q_DECLARE_TR_FUNCTIONS(gh::LocalCopy)

public:
    using ProgressCallback = std::function<void(qint64 bytes)>;

    struct Request
    {
        FileRecord file;
        bool lookFirst = false; //!< See FileFinisher::publish().
    };

    //! Called as each file of a group is done, with the bytes of it reported to the progress callback.
    using FinishedCallback = std::function<void(const FetchOutcome &outcome, qint64 bytesReported)>;
    //! Which threads share a group's rounds.
    enum class Threads
    {
        One, //!< The caller's alone: for smaller files, whose rounds are short and whose groups run side by
             //!< side.
        All  //!< The caller's and helpers', one per core: for large files, whose rounds are long and few.
    };
    //! Asked between rounds for up to \a most more files to join a group.
    using TakeMore = std::function<QList<Request>(int most)>;

    //! \a lookFirst: see FileFinisher::publish().
    static FetchOutcome run(const FileRecord &file, BitStore &store, const BatchContext &batch,
                            const std::atomic_bool &cancel, const ProgressCallback &progress,
                            bool lookFirst = false);

    /*!
        Copies \a requests (at most Md5Lanes::maxStreams) side by side and reports each file to \a finished
        as soon as it is done, in any order. A cancel leaves the files not yet done untouched (their outcome
        is the file as it was), as run() does.
    */
    static void runGroup(const QList<Request> &requests, BitStore &store, const BatchContext &batch,
                         const std::atomic_bool &cancel, const ProgressCallback &progress,
                         const FinishedCallback &finished, const TakeMore &takeMore = {},
                         Threads threads = Threads::All);

    //! Asks the kernel to start reading the file at \a path into the page cache, for a copy soon; does
    //! nothing where it is cached already, and nothing if the file cannot be opened (the copy will say why).
    static void readAhead(const QString &path);
};

} // namespace gh
