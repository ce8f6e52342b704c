#pragma once

#include <functional>
#include <utility>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include "transferactivity.h"

namespace gh {

//! Header fields in order, as (name, value) pairs; responses carry lower-case names.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

/*!
    \class gh::HttpForm
    A multipart/form-data form (RFC 7578), as MediaWiki's upload API wants it: plain fields and file parts
    whose bytes come from memory or from a byte range of a file. The engine streams every part through
    libcurl's MIME API; no file is ever read into memory whole.
*/
class HttpForm
{
public:
    struct Part
    {
        QByteArray name;
        QString fileName;       //!< Sent as the part's filename; empty for a plain field.
        QByteArray contentType; //!< Empty: none for fields, application/octet-stream for file parts.
        QByteArray data;        //!< The bytes of a part from memory, or
        QString path;           //!< the file a part's bytes are read from,
        qint64 offset = 0;      //!< from this offset,
        qint64 length = -1;     //!< this many bytes (-1: to the end of the file).

        bool isFileRange() const { return !path.isEmpty(); }
    };

    HttpForm &addField(const QByteArray &name, const QByteArray &value);
    //! A file part whose bytes are \a data.
    HttpForm &addData(const QByteArray &name, const QString &fileName, const QByteArray &data,
                      const QByteArray &contentType = {});
    //! A file part whose bytes are \a length bytes of \a path from \a offset (-1: to the end), read while the
    //! request is sent.
    HttpForm &addFile(const QByteArray &name, const QString &fileName, const QString &path, qint64 offset = 0,
                      qint64 length = -1, const QByteArray &contentType = {});

    const QList<Part> &parts() const { return m_parts; }
    bool isEmpty() const { return m_parts.isEmpty(); }

private:
    static Part filePart(const QByteArray &name, const QString &fileName, const QByteArray &contentType);

    QList<Part> m_parts;
};

/*!
    \class gh::HttpBody
    What a request sends: nothing, bytes in memory, a byte range of a file, a stream pulled as the server
    takes it, or a multipart form. Copies share their data.
*/
class HttpBody
{
public:
    enum class Kind
    {
        None,
        Memory,
        FileRange,
        Stream,
        Form
    };
    /*!
        Pulls up to \a max bytes of a stream into \a buffer, on the engine's thread: returns how many it
        wrote, 0 at the end, WouldBlock when nothing is ready yet (the exchange waits until
        HttpEngine::resume()), or -1 when the stream failed.
    */
    using Reader = std::function<qint64(char *buffer, qint64 max)>;
    //! Starts a stream over for another attempt; false if it cannot.
    using Rewinder = std::function<bool()>;
    static constexpr qint64 WouldBlock = -2;

    HttpBody() = default;
    static HttpBody memory(const QByteArray &data);
    //! \a length bytes of \a path from \a offset; -1 sends everything to the end of the file.
    static HttpBody fileRange(const QString &path, qint64 offset = 0, qint64 length = -1);
    //! A stream of \a length bytes, or of unknown length (-1: sent chunked).
    static HttpBody stream(Reader read, qint64 length = -1, Rewinder rewind = {});
    static HttpBody form(const HttpForm &form);

    Kind kind() const { return m_kind; }
    bool isEmpty() const { return m_kind == Kind::None; }
    const QByteArray &data() const { return m_data; }
    const QString &path() const { return m_path; }
    qint64 offset() const { return m_offset; }
    //! Bytes to send; -1 when not known in advance (a stream of unknown length, a file range to the end, a
    //! form).
    qint64 length() const { return m_length; }
    const Reader &reader() const { return m_reader; }
    const Rewinder &rewinder() const { return m_rewinder; }
    const HttpForm &formData() const { return m_form; }

private:
    Kind m_kind = Kind::None;
    QByteArray m_data;
    QString m_path;
    qint64 m_offset = 0;
    qint64 m_length = 0;
    Reader m_reader;
    Rewinder m_rewinder;
    HttpForm m_form;
};

/*!
    \class gh::HttpRequest
    One request: method, URL, the caller's headers (cookies, CSRF tokens, Authorization, Content-Type …) and a
    body, plus how the engine treats it. The User-Agent, TLS, timeouts and proxies are the engine's.
*/
struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    //! When set, sent byte for byte instead of url: a signed URL must not be re-encoded.
    QByteArray exactUrl;
    HttpHeaders headers;
    HttpBody body;
    /*!
        Requests with the same non-empty lane run strictly one at a time, in the order they were started
        (an exchange holds its lane through its retries): APIs that must see one request at a time, such as
        MediaWiki's, get a lane per session or host. Requests of different lanes, and those without one, run
        side by side.
    */
    QString lane;
    //! Redirects libcurl follows by itself (http and https only; more is CURLE_TOO_MANY_REDIRECTS); -1
    //! hands every 3xx to the handler, which may follow it hop by hop.
    int followRedirects = -1;
    bool decompress = false;  //!< Ask for a compressed body (Accept-Encoding) and hand over decoded bytes.
    qint64 maxBodyBytes = -1; //!< A response announcing more is refused before its body (libcurl's check).

    // What the transfers view shows: an exchange without a label reports no activity.
    qint64 tag = 0;
    QString label;
    TransferActivity::Direction direction = TransferActivity::Direction::Download;

    //! Sets \a name to \a value, replacing earlier values of that header.
    void setHeader(const QByteArray &name, const QByteArray &value);
    //! The first value of \a name (case-insensitive), or empty.
    QByteArray header(const QByteArray &name) const;
    //! The URL exactly as sent.
    QByteArray encodedUrl() const { return exactUrl.isEmpty() ? url.toEncoded() : exactUrl; }
    QString host() const;
};

} // namespace gh
