#include "httpapitransport.h"

#include <algorithm>

#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>

#include "net/httpengine.h"

namespace gh {

namespace {

QByteArray encoded(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &f : fields) {
        if (!out.isEmpty())
            out += '&';
        // Every reserved character encoded: PHP reads "+" as a space, and tokens end in "+\".
        out += QUrl::toPercentEncoding(f.first) + '=' + QUrl::toPercentEncoding(f.second);
    }
    return out;
}

} // namespace

HttpApiTransport::HttpApiTransport(std::shared_ptr<HttpEngine> engine, const QUrl &api, int writeLanes,
                                   const RetryPolicy &retry)
    : m_engine(std::move(engine))
    , m_api(api)
    , m_writeLanes(std::max(1, writeLanes))
    , m_retry(retry)
    , m_laneLoad(size_t(m_writeLanes), 0)
{}

int HttpApiTransport::takeLane()
{
    QMutexLocker lock(&m_laneMutex);
    const auto least = std::min_element(m_laneLoad.begin(), m_laneLoad.end());
    ++*least;
    return int(least - m_laneLoad.begin());
}

void HttpApiTransport::releaseLane(int lane)
{
    QMutexLocker lock(&m_laneMutex);
    --m_laneLoad[size_t(lane)];
}

bool HttpApiTransport::isTransient(int curlCode, int status, const QByteArray &apiError,
                                   const QByteArray &body)
{
    if (HttpRules::isTransient(curlCode, status))
        return true;
    QByteArray code = apiError.trimmed();
    if (code.isEmpty() && status == 200 && body.size() < 4096 && body.contains("\"error\"")) {
        const QJsonObject error =
            QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
        code = error.value(QStringLiteral("code")).toString().toUtf8();
    }
    return code == "maxlag" || code == "readonly" || code == "ratelimited" ||
           code.startsWith("internal_api_error_");
}

Result<ApiReply> HttpApiTransport::send(const Send &send)
{
    const ApiCall &call = send.call;
    HttpRequest request;
    request.url = m_api;
    if (!call.post) {
        request.method = "GET";
        request.exactUrl = m_api.toEncoded(QUrl::RemoveQuery) + '?' + encoded(call.fields);
    } else if (!call.hasFile()) {
        request.method = "POST";
        request.setHeader("Content-Type", "application/x-www-form-urlencoded");
        request.body = HttpBody::memory(encoded(call.fields));
    } else {
        request.method = "POST";
        HttpForm form;
        for (const auto &f : call.fields)
            form.addField(f.first.toUtf8(), f.second.toUtf8());
        if (!call.filePath.isEmpty())
            form.addFile(call.filePart.toUtf8(), call.fileName, call.filePath, call.fileOffset,
                         call.fileLength);
        else
            form.addData(call.filePart.toUtf8(), call.fileName, call.fileData);
        request.body = HttpBody::form(form);
        request.tag = call.tag;
        request.label = call.label;
        request.direction = TransferActivity::Direction::Upload;
    }
    if (!send.cookies.isEmpty())
        request.setHeader("Cookie", send.cookies);
    // One lane per wiki keeps writes strictly sequential; --jobs N spreads them over N lanes, each write
    // to one that is free (round robin would queue two writes in one lane while another stands idle).
    int lane = -1;
    if (send.write) {
        lane = takeLane();
        request.lane = m_api.toString() + QStringLiteral("#write%1").arg(lane);
    }
    const auto release = qScopeGuard([this, lane] {
        if (lane >= 0)
            releaseLane(lane);
    });

    HttpCallOptions options;
    options.retry = m_retry;
    options.transient = [](const HttpReply &reply) {
        return isTransient(reply.curlCode, reply.status, reply.header("mediawiki-api-error"), reply.body);
    };
    const auto cancel = send.cancel;
    options.cancelled = [cancel] { return cancel && cancel->load(); };
    auto reply = m_engine->perform(std::move(request), options);
    if (!reply)
        return reply.error();
    if (!reply->answered()) {
        return Error{ErrorCode::Network,
                     tr("No answer from %1 to action=%2 after %3 attempts: %4")
                         .arg(m_api.toString(QUrl::RemoveUserInfo), call.field(QStringLiteral("action")))
                         .arg(reply->attempts)
                         .arg(reply->transportError)};
    }
    ApiReply out;
    out.httpStatus = reply->status;
    out.body = reply->body;
    for (const auto &[name, value] : reply->headers) {
        QByteArray &slot = out.headers[name.toLower()];
        if (!slot.isEmpty())
            slot += '\n';
        slot += value;
    }
    return out;
}

} // namespace gh
