#include "httpexchange.h"

#include <curl/curl.h>

#include "httpengine.h"
#include "util/version.h"

namespace gh {

// HttpEngineOptions

QString HttpEngineOptions::effectiveUserAgent() const
{
    return userAgent.isEmpty() ? defaultUserAgent(contact) : userAgent;
}

QString HttpEngineOptions::defaultUserAgent(const QString &contact)
{
    // https://meta.wikimedia.org/wiki/User-Agent_policy: client/version (contact) library/version.
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    return QStringLiteral("Gatehouse/%1 (%2) libcurl/%3")
        .arg(versionString(), contact, QString::fromLatin1(curl && curl->version ? curl->version : "?"));
}

// HttpForm, HttpBody, HttpRequest, heads and replies

HttpForm &HttpForm::addField(const QByteArray &name, const QByteArray &value)
{
    Part part;
    part.name = name;
    part.data = value;
    m_parts.append(part);
    return *this;
}

HttpForm &HttpForm::addData(const QByteArray &name, const QString &fileName, const QByteArray &data,
                            const QByteArray &contentType)
{
    Part part = filePart(name, fileName, contentType);
    part.data = data;
    m_parts.append(part);
    return *this;
}

HttpForm &HttpForm::addFile(const QByteArray &name, const QString &fileName, const QString &path,
                            qint64 offset, qint64 length, const QByteArray &contentType)
{
    Part part = filePart(name, fileName, contentType);
    part.path = path;
    part.offset = offset;
    part.length = length;
    m_parts.append(part);
    return *this;
}

HttpForm::Part HttpForm::filePart(const QByteArray &name, const QString &fileName,
                                  const QByteArray &contentType)
{
    Part part;
    part.name = name;
    part.fileName = fileName;
    part.contentType = contentType.isEmpty() ? QByteArrayLiteral("application/octet-stream") : contentType;
    return part;
}

HttpBody HttpBody::memory(const QByteArray &data)
{
    HttpBody body;
    body.m_kind = Kind::Memory;
    body.m_data = data;
    body.m_length = data.size();
    return body;
}

HttpBody HttpBody::fileRange(const QString &path, qint64 offset, qint64 length)
{
    HttpBody body;
    body.m_kind = Kind::FileRange;
    body.m_path = path;
    body.m_offset = offset;
    body.m_length = length;
    return body;
}

HttpBody HttpBody::stream(Reader read, qint64 length, Rewinder rewind)
{
    HttpBody body;
    body.m_kind = Kind::Stream;
    body.m_reader = std::move(read);
    body.m_length = length;
    body.m_rewinder = std::move(rewind);
    return body;
}

HttpBody HttpBody::form(const HttpForm &form)
{
    HttpBody body;
    body.m_kind = Kind::Form;
    body.m_form = form;
    body.m_length = -1;
    return body;
}

void HttpRequest::setHeader(const QByteArray &name, const QByteArray &value)
{
    headers.removeIf([&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    headers.append({name, value});
}

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QString HttpRequest::host() const
{
    return exactUrl.isEmpty() ? url.host() : QUrl::fromEncoded(exactUrl).host();
}

QByteArray HttpResponseHead::header(const QByteArray &lowerCaseName) const
{
    for (auto it = headers.crbegin(); it != headers.crend(); ++it) {
        if (it->first == lowerCaseName)
            return it->second;
    }
    return {};
}

QList<QByteArray> HttpResponseHead::values(const QByteArray &lowerCaseName) const
{
    QList<QByteArray> found;
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            found.append(value);
    }
    return found;
}

qint64 HttpResponseHead::contentLength() const
{
    bool ok = false;
    const qint64 length = header("content-length").toLongLong(&ok);
    return ok && length >= 0 ? length : -1;
}

QByteArray HttpReply::header(const QByteArray &lowerCaseName) const
{
    for (auto it = headers.crbegin(); it != headers.crend(); ++it) {
        if (it->first == lowerCaseName)
            return it->second;
    }
    return {};
}

// HttpHandler

HttpHandler::~HttpHandler() = default;

HttpVerdict HttpHandler::prepare(HttpRequest &, int)
{
    return HttpVerdict::send();
}

bool HttpHandler::onHead(const HttpResponseHead &)
{
    return true;
}

HttpBodyAction HttpHandler::onBody(const char *, qint64)
{
    return HttpBodyAction::Accept;
}

void HttpHandler::onClosed(HttpEnd) {}

void HttpHandler::describe(TransferActivity &) const {}

void HttpHandler::resume() const
{
    if (m_engine)
        m_engine->resume(m_id);
}

void HttpHandler::release() const
{
    if (m_engine)
        m_engine->release(m_id);
}

} // namespace gh
