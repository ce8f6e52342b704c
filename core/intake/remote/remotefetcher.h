#pragma once

#include <memory>

#include <QCoreApplication>
#include <QUrl>

#include "intake/intaketypes.h"

class QIODevice;

namespace gh {

class HttpEngine;

/*!
    \class gh::RemoteFetcher
    Downloads the documents intake itself must read — a manifest, spreadsheet or list given by URL, the member
    manifests of a IIIF collection — synchronously, on the intake's thread, before anything is written to the
    catalog. It runs on the HTTP engine with the fetch stage's settings (TransferOptions): http and https
    only, TLS always verified (with the extra CA bundle if one is configured), the engine's User-Agent,
    connect and stall timeouts, at most maxRedirects redirects, transient failures retried with backoff up
    to maxAttempts (timers in the engine; this thread only waits), and a size limit checked on Content-Length
    and again on the bytes as they arrive. The intake's cancel flag aborts a download at once.

    One engine serves every download of a fetcher, so member manifests from one server share a connection.
    Not thread-safe.
*/
class RemoteFetcher
{
    Q_DECLARE_TR_FUNCTIONS(gh::RemoteFetcher)

public:
    explicit RemoteFetcher(const IntakeOptions &options);
    ~RemoteFetcher();
    RemoteFetcher(const RemoteFetcher &) = delete;
    RemoteFetcher &operator=(const RemoteFetcher &) = delete;

    //! What a successful download was.
    struct Fetched
    {
        QUrl finalUrl;       //!< After redirects: what relative references resolve against.
        QString contentType; //!< The Content-Type's mimetype, lower-cased, without parameters.
        qint64 size = 0;
    };

    //! Whether \a source is something this class downloads (an http or https URL).
    static bool isRemote(const QString &source);

    /*!
        Downloads \a url into \a sink (written from its current position; rewound for a retry), refusing
        more than \a maxBytes. Errors name the URL and the reason; the file status they correspond to
        (not-found, too-large, timeout, …) is lastStatus().
    */
    Result<Fetched> download(const QUrl &url, QIODevice &sink, qint64 maxBytes);
    //! Downloads \a url into memory, at most \a maxBytes.
    Result<std::pair<Fetched, QByteArray>> fetch(const QUrl &url, qint64 maxBytes);

    //! The file status of the latest failed download (FileStatus::Success after a successful one).
    FileStatus lastStatus() const { return m_lastStatus; }

private:
    const IntakeOptions &m_options;
    std::unique_ptr<HttpEngine> m_engine; //!< Started with the first download.
    FileStatus m_lastStatus = FileStatus::Success;
};

} // namespace gh
