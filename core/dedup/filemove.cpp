#include "filemove.h"

#include <QJsonArray>

#include "targets/mediawiki/mediawikitarget.h"

namespace gh {

Result<bool> FileMove::mayMove(MediaWikiTarget &wiki, const std::shared_ptr<std::atomic_bool> &cancel)
{
    ApiCall call;
    call.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                   {QStringLiteral("meta"), QStringLiteral("userinfo")},
                   {QStringLiteral("uiprop"), QStringLiteral("rights")}};
    auto answer = wiki.client().read(call, cancel, true);
    if (!answer)
        return answer.error();
    if (answer->verdict != MediaWikiApi::Verdict::Ok)
        return Error{ErrorCode::Network, answer->message};
    const QJsonArray rights = answer->json.value(QStringLiteral("query"))
                                  .toObject()
                                  .value(QStringLiteral("userinfo"))
                                  .toObject()
                                  .value(QStringLiteral("rights"))
                                  .toArray();
    return rights.contains(QStringLiteral("move")) && rights.contains(QStringLiteral("movefile"));
}

Status FileMove::move(MediaWikiTarget &wiki, const QString &from, const QString &to, const QString &reason,
                      const std::shared_ptr<std::atomic_bool> &cancel)
{
    ApiCall call;
    call.post = true;
    call.label = from;
    call.fields = {{QStringLiteral("action"), QStringLiteral("move")},
                   {QStringLiteral("from"), QStringLiteral("File:") + from},
                   {QStringLiteral("to"), QStringLiteral("File:") + to},
                   {QStringLiteral("reason"), reason},
                   {QStringLiteral("movetalk"), QStringLiteral("1")}};
    auto answer = wiki.client().write(call, cancel);
    if (!answer)
        return answer.error();
    if (answer->verdict == MediaWikiApi::Verdict::ApiFailure && answer->error) {
        return Error{answer->error->code == u"permissiondenied" || answer->error->code == u"cantmove"
                         ? ErrorCode::Usage
                         : ErrorCode::Invalid,
                     tr("%1 did not move File:%2 to File:%3: %4 (%5).")
                         .arg(wiki.client().apiText(), from, to, answer->error->info, answer->error->code)};
    }
    if (answer->verdict != MediaWikiApi::Verdict::Ok)
        return Error{ErrorCode::Network, answer->message};
    const QJsonObject moved = answer->json.value(QStringLiteral("move")).toObject();
    if (moved.value(QStringLiteral("to")).toString().isEmpty()) {
        return Error{
            ErrorCode::Network,
            tr("%1 gave no sign of moving File:%2 to File:%3.").arg(wiki.client().apiText(), from, to)};
    }
    return {};
}

} // namespace gh
