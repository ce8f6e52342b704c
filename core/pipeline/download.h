#pragma once

#include <memory>
#include <optional>

#include <QObject>

#include "fetchoutcome.h"
#include "net/transferactivity.h"
#include "net/transferoptions.h"

namespace gh {

class BitStore;
class HttpEngine;
struct DownloadContext;

/*!
    \class gh::DownloadJob
    One file to download into the store, with what the catalog knows about its URL from earlier batches.
*/
struct DownloadJob
{
    FileRecord file; //!< sourceUrl is what gets downloaded; declared checksums are verified.
    BatchContext batch;
    //! The catalog's earlier copy of the URL: its validators make the request conditional, and a 304 reuses
    //! it.
    std::optional<HttpCacheEntry> cached;
    //! Taken over from a process that may have stored it unrecorded: see FileFinisher::publish().
    bool lookFirst = false;
};

/*!
    \class gh::DownloadResult
    A finished download: the file as the fetch stage records it, its events, and what the catalog should
    remember about the URL for the next batch.
*/
struct DownloadResult
{
    FetchOutcome outcome;
    std::optional<HttpCacheEntry> cacheUpdate;
};

/*!
    \class gh::Downloader
    Downloads files into the bit store, each as one exchange (a DownloadExchange) on its own HttpEngine:
    up to TransferOptions::jobs at once and no more than perHost per host.

    Every byte is hashed (md5, sha1, sha256) and written to a temporary object as it arrives — off the
    engine's thread, in order per download, with backpressure when hashing falls behind — and the mimetype is
    sniffed from the first bytes (MimeSniffer). Redirects are followed hop by hop, so every hop is recorded
    and loops are recognised. Transient failures are retried with exponential backoff and jitter, honouring
    Retry-After; an interrupted body continues with Range/If-Range where the server allows it and starts over
    where it does not; a download interrupted by a crash continues in the next run. Requests are conditional
    when the catalog knows the URL, and a 304 reuses the stored copy. Limits (size, accepted types) are
    checked on the headers and again on the bytes.

    Call start(), cancelAll() and setPaused() from any thread; results arrive through the signals.
*/
class Downloader : public QObject
{
    Q_OBJECT

public:
    Downloader(BitStore &store, const TransferOptions &options, QObject *parent = nullptr);
    ~Downloader() override;

    //! Queues \a jobs (a page at a time: one hand-off to the engine's thread for many files).
    void start(const QList<DownloadJob> &jobs);
    //! Stops every transfer; their files stay pending and their partial bytes are kept for the next run.
    void cancelAll();
    //! Pauses running transfers and stops starting new ones, or resumes.
    void setPaused(bool paused);

signals:
    //! Finished downloads, gathered per turn of the engine's event loop.
    void finished(const QList<gh::DownloadResult> &results);
    //! The running transfers (tag = file id), a few times a second while any run.
    void activity(const QList<gh::TransferActivity> &transfers);

private:
    std::shared_ptr<DownloadContext> m_context;
    std::unique_ptr<HttpEngine> m_engine;
};

} // namespace gh

Q_DECLARE_METATYPE(gh::DownloadJob)
Q_DECLARE_METATYPE(gh::DownloadResult)
