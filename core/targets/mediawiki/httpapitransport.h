#pragma once

#include <memory>
#include <vector>

#include <QCoreApplication>
#include <QMutex>
#include <QUrl>

#include "mediawikiclient.h"
#include "net/httprules.h"

namespace gh {

class HttpEngine;

/*!
    \class gh::HttpApiTransport
    MediaWiki calls as exchanges of the HTTP engine. Writes run in the wiki's sequential lane (one at a time,
    in order) unless \a writeLanes allows more; reads run beside them. What the wiki asks to be waited out —
    a maxlag error (HTTP 200 with \c MediaWiki-API-Error: maxlag and Retry-After), \c readonly, 429 and 5xx
    answers, network failures — is retried by the engine within \a retry, honouring Retry-After. Multipart
    bodies stream file ranges: a chunk is read from disk as it is sent. Uploads show in the transfers view.
*/
class HttpApiTransport final : public ApiTransport
{
    Q_DECLARE_TR_FUNCTIONS(gh::HttpApiTransport)

public:
    /*!
        With \a writeLanes N > 1, each write takes a lane that has nothing running (the least busy one
        when every lane is taken), so N callers keep N lanes busy: a write never queues behind another
        while a lane stands idle.
    */
    HttpApiTransport(std::shared_ptr<HttpEngine> engine, const QUrl &api, int writeLanes,
                     const RetryPolicy &retry);
    Result<ApiReply> send(const Send &send) override;

    //! Whether a reply is one the wiki wants repeated later (maxlag, read-only, 429, 5xx, network).
    static bool isTransient(int curlCode, int status, const QByteArray &apiError, const QByteArray &body);

private:
    std::shared_ptr<HttpEngine> m_engine;
    QUrl m_api;
    int m_writeLanes;
    RetryPolicy m_retry;
    //! The writes running (or queued) in each lane.
    int takeLane();
    void releaseLane(int lane);
    QMutex m_laneMutex;
    std::vector<int> m_laneLoad;
};

} // namespace gh
