#include "mediawikiapi.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace gh {

namespace {

//! Several values for one parameter; MediaWiki's \x1f form when a value itself holds "|".
QString multiValue(const QStringList &values)
{
    const bool needsUnitSeparator =
        std::any_of(values.cbegin(), values.cend(), [](const QString &v) { return v.contains(u'|'); });
    if (!needsUnitSeparator)
        return values.join(u'|');
    return QChar(0x1f) + values.join(QChar(0x1f));
}

QDateTime isoTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODate);
}

//! Names as MediaWiki compares them: underscores are spaces.
QString spaced(QString name)
{
    return MediaWikiApi::stripNamespace(name.replace(u'_', u' '));
}

} // namespace

QString ApiCall::field(const QString &name) const
{
    for (const auto &f : fields) {
        if (f.first == name)
            return f.second;
    }
    return {};
}

void ApiCall::set(const QString &name, const QString &value)
{
    for (auto &f : fields) {
        if (f.first == name) {
            f.second = value;
            return;
        }
    }
    fields.append({name, value});
}

qint64 ApiCall::fileSize() const
{
    if (!hasFile())
        return 0;
    if (filePath.isEmpty())
        return fileData.size();
    if (fileLength >= 0)
        return fileLength;
    return std::max<qint64>(0, QFileInfo(filePath).size() - fileOffset);
}

QString ApiCall::describe() const
{
    QStringList parts;
    for (const auto &f : fields) {
        const bool secret = f.first == u"lgpassword" || f.first == u"token" || f.first.endsWith(u"token");
        parts.append(f.first + u'=' + (secret ? QStringLiteral("…") : f.second.left(80)));
    }
    if (hasFile())
        parts.append(QStringLiteral("%1=<%2 bytes>").arg(filePart).arg(fileSize()));
    return parts.join(u'&');
}

QString MediaWikiApi::stripNamespace(const QString &title)
{
    for (const QLatin1String prefix : {QLatin1String("File:"), QLatin1String("Image:")}) {
        if (title.startsWith(prefix, Qt::CaseInsensitive))
            return title.mid(prefix.size());
    }
    return title;
}

bool MediaWikiApi::isSessionLoss(const QString &code)
{
    static const QStringList codes{
        QStringLiteral("badtoken"),
        QStringLiteral("notoken"),
        QStringLiteral("assertuserfailed"),
        QStringLiteral("assertbotfailed"),
        QStringLiteral("assertnameduserfailed"),
        QStringLiteral("notloggedin"),
        QStringLiteral("mustbeloggedin"),
        QStringLiteral("login-required"),
    };
    return codes.contains(code);
}

MediaWikiApi::Answer MediaWikiApi::judge(const ApiCall &call, const ApiReply &reply)
{
    Answer answer;
    const QByteArray retryAfter = reply.header("retry-after").trimmed();
    if (!retryAfter.isEmpty()) {
        bool ok = false;
        const qint64 seconds = retryAfter.toLongLong(&ok);
        if (ok && seconds >= 0) {
            answer.retryAfterMs = seconds * 1000;
        } else {
            const QDateTime at = QDateTime::fromString(QString::fromLatin1(retryAfter), Qt::RFC2822Date);
            if (at.isValid())
                answer.retryAfterMs = std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at));
        }
    }
    const QString action = call.field(QStringLiteral("action"));
    if (reply.httpStatus == 413) {
        answer.verdict = Verdict::TooLarge;
        answer.message =
            tr("The wiki refused a request of %1 bytes as too large (HTTP 413).").arg(call.fileSize());
        return answer;
    }
    if (reply.httpStatus == 429 || reply.httpStatus >= 500) {
        answer.verdict = Verdict::Busy;
        answer.message = tr("The wiki answered HTTP %1 to action=%2.").arg(reply.httpStatus).arg(action);
        return answer;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &parseError);
    if (!document.isObject()) {
        // When PHP drops a body larger than post_max_size, MediaWiki sees no parameters and answers with the
        // API's HTML help page.
        const bool helpPage =
            reply.body.contains("MediaWiki API help") || reply.body.contains("<title>MediaWiki API");
        if (call.hasFile() && helpPage) {
            answer.verdict = Verdict::TooLarge;
            answer.message =
                tr("The wiki dropped a request of %1 bytes: it is larger than the server accepts in "
                   "one request.")
                    .arg(call.fileSize());
        } else {
            answer.verdict = Verdict::NotJson;
            answer.message =
                tr("The wiki answered action=%1 with something other than the API's JSON (HTTP %2, "
                   "%3 bytes starting \"%4\").")
                    .arg(action)
                    .arg(reply.httpStatus)
                    .arg(reply.body.size())
                    .arg(QString::fromUtf8(reply.body.left(60)).simplified());
        }
        return answer;
    }
    answer.json = document.object();
    const QJsonValue warnings = answer.json.value(QStringLiteral("warnings"));
    if (warnings.isObject()) {
        const QJsonObject w = warnings.toObject();
        for (auto it = w.begin(); it != w.end(); ++it) {
            const QJsonObject module = it.value().toObject();
            const QString text = module.value(QStringLiteral("warnings"))
                                     .toString(module.value(QStringLiteral("*")).toString());
            answer.warnings.append(it.key() + u": " + text);
        }
    }
    const QJsonValue error = answer.json.value(QStringLiteral("error"));
    if (!error.isObject()) {
        answer.verdict = Verdict::Ok;
        return answer;
    }
    const QJsonObject e = error.toObject();
    ApiError apiError{e.value(QStringLiteral("code")).toString(), e.value(QStringLiteral("info")).toString(),
                      e};
    answer.error = apiError;
    answer.message = tr("The wiki refused action=%1: %2 (%3).").arg(action, apiError.info, apiError.code);
    if (apiError.code == u"maxlag") {
        answer.verdict = Verdict::Lagged;
        if (answer.retryAfterMs < 0)
            answer.retryAfterMs = 5000;
        answer.message = tr("The wiki is lagged (%1); waiting as it asks.").arg(apiError.info);
    } else if (isSessionLoss(apiError.code)) {
        answer.verdict = Verdict::SessionLost;
    } else if (apiError.code == u"readonly" || apiError.code == u"ratelimited" ||
               apiError.code == u"actionthrottledtext" || apiError.code.startsWith(u"internal_api_error_") ||
               apiError.code == u"backend-fail-internal" || apiError.code == u"databaseerror") {
        answer.verdict = Verdict::Busy;
    } else {
        answer.verdict = Verdict::ApiFailure;
    }
    return answer;
}

ApiCall MediaWikiApi::loginTokenCall()
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("meta"), QStringLiteral("tokens")},
                {QStringLiteral("type"), QStringLiteral("login")}};
    return c;
}

ApiCall MediaWikiApi::loginCall(const QString &user, const QString &password, const QString &loginToken)
{
    ApiCall c;
    c.post = true;
    c.fields = {{QStringLiteral("action"), QStringLiteral("login")},
                {QStringLiteral("lgname"), user},
                {QStringLiteral("lgpassword"), password},
                {QStringLiteral("lgtoken"), loginToken}};
    return c;
}

ApiCall MediaWikiApi::csrfTokenCall()
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("meta"), QStringLiteral("tokens")},
                {QStringLiteral("type"), QStringLiteral("csrf")}};
    return c;
}

ApiCall MediaWikiApi::userInfoCall()
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("meta"), QStringLiteral("userinfo")},
                {QStringLiteral("uiprop"), QStringLiteral("rights")}};
    return c;
}

ApiCall MediaWikiApi::imageInfoCall(const QStringList &names)
{
    QStringList titles;
    for (const QString &name : names)
        titles.append(QStringLiteral("File:") + name);
    ApiCall c;
    // POST: fifty long titles do not fit every server's URL limit.
    c.post = true;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("prop"), QStringLiteral("imageinfo")},
                {QStringLiteral("iiprop"), QStringLiteral("sha1|size|dimensions|timestamp|user|url|mime")},
                {QStringLiteral("titles"), multiValue(titles)}};
    return c;
}

namespace {

//! What a content search and a listing say of each file: the same, so that both answer alike.
const QString s_allImagesProps = QStringLiteral("sha1|size|dimensions|timestamp|user|url|mime");

} // namespace

ApiCall MediaWikiApi::allImagesBySha1Call(const QString &sha1)
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("list"), QStringLiteral("allimages")},
                {QStringLiteral("aisha1"), sha1.toLower()},
                {QStringLiteral("aiprop"), s_allImagesProps},
                {QStringLiteral("ailimit"), QStringLiteral("50")}};
    return c;
}

ApiCall MediaWikiApi::allImagesCall(const QJsonObject &continuation)
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("list"), QStringLiteral("allimages")},
                {QStringLiteral("aiprop"), s_allImagesProps},
                {QStringLiteral("ailimit"), QStringLiteral("max")}};
    // The wiki says which parameters carry on where it stopped (aicontinue, continue): all go back.
    for (auto it = continuation.begin(); it != continuation.end(); ++it)
        c.set(it.key(), it.value().toVariant().toString());
    return c;
}

ApiCall MediaWikiApi::siteStatisticsCall()
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("meta"), QStringLiteral("siteinfo|userinfo")},
                {QStringLiteral("siprop"), QStringLiteral("statistics")},
                {QStringLiteral("uiprop"), QStringLiteral("rights")}};
    return c;
}

qint64 MediaWikiApi::SiteSize::listRequests() const
{
    const qint64 limit = std::max(1, listLimit);
    return std::max<qint64>(1, (std::max<qint64>(0, files) + limit - 1) / limit);
}

MediaWikiApi::SiteSize MediaWikiApi::parseSiteStatistics(const QJsonObject &json)
{
    const QJsonObject query = json.value(QStringLiteral("query")).toObject();
    SiteSize size;
    const QJsonValue images =
        query.value(QStringLiteral("statistics")).toObject().value(QStringLiteral("images"));
    if (images.isDouble())
        size.files = images.toInteger();
    const QJsonArray rights =
        query.value(QStringLiteral("userinfo")).toObject().value(QStringLiteral("rights")).toArray();
    if (rights.contains(QStringLiteral("apihighlimits")))
        size.listLimit = highListLimit;
    return size;
}

QJsonObject MediaWikiApi::continuationOf(const QJsonObject &json)
{
    return json.value(QStringLiteral("continue")).toObject();
}

ApiCall MediaWikiApi::fileArchiveBySha1Call(const QString &sha1)
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("list"), QStringLiteral("filearchive")},
                {QStringLiteral("fasha1"), sha1.toLower()},
                {QStringLiteral("faprop"), QStringLiteral("sha1|size|dimensions|timestamp|user|mime")},
                {QStringLiteral("falimit"), QStringLiteral("50")}};
    return c;
}

ApiCall MediaWikiApi::deletionLogCall(const QString &name)
{
    ApiCall c;
    c.fields = {{QStringLiteral("action"), QStringLiteral("query")},
                {QStringLiteral("list"), QStringLiteral("logevents")},
                {QStringLiteral("letype"), QStringLiteral("delete")},
                {QStringLiteral("letitle"), QStringLiteral("File:") + name},
                {QStringLiteral("leprop"), QStringLiteral("comment|timestamp|user")},
                {QStringLiteral("lelimit"), QStringLiteral("5")}};
    return c;
}

namespace {

RemoteObject objectFromInfo(const QString &name, const QJsonObject &info)
{
    RemoteObject o;
    o.name = name;
    o.size = info.value(QStringLiteral("size")).toVariant().toLongLong();
    if (!info.contains(QStringLiteral("size")))
        o.size = -1;
    o.sha1 = info.value(QStringLiteral("sha1")).toString().toLower();
    o.mimetype = info.value(QStringLiteral("mime")).toString();
    o.width = info.value(QStringLiteral("width")).toInt();
    o.height = info.value(QStringLiteral("height")).toInt();
    o.uploaded = isoTime(info.value(QStringLiteral("timestamp")));
    o.uploader = info.value(QStringLiteral("user")).toString();
    o.url = info.value(QStringLiteral("url")).toString();
    o.pageUrl = info.value(QStringLiteral("descriptionurl")).toString();
    o.reported = info;
    return o;
}

} // namespace

QHash<QString, std::optional<RemoteObject>> MediaWikiApi::parseImageInfo(const QJsonObject &json,
                                                                         const QStringList &asked,
                                                                         QHash<QString, QString> *normalized,
                                                                         QHash<QString, QString> *invalid)
{
    const QJsonObject query = json.value(QStringLiteral("query")).toObject();
    // How the wiki respelled what we asked: "File:foo_bar.jpg" → "File:Foo bar.jpg".
    QHash<QString, QString> respelled;
    for (const QJsonValue &n : query.value(QStringLiteral("normalized")).toArray()) {
        const QJsonObject o = n.toObject();
        respelled.insert(stripNamespace(o.value(QStringLiteral("from")).toString()),
                         stripNamespace(o.value(QStringLiteral("to")).toString()));
    }
    QHash<QString, QJsonObject> pages;
    for (const QJsonValue &p : query.value(QStringLiteral("pages")).toArray()) {
        const QJsonObject page = p.toObject();
        pages.insert(stripNamespace(page.value(QStringLiteral("title")).toString()), page);
    }
    QHash<QString, std::optional<RemoteObject>> result;
    for (const QString &name : asked) {
        const QString spelled = respelled.value(name, name);
        if (normalized)
            normalized->insert(name, spelled);
        const auto it = pages.constFind(spelled);
        if (it == pages.cend()) {
            result.insert(name, std::nullopt);
            continue;
        }
        const QJsonObject page = *it;
        if (page.value(QStringLiteral("invalid")).toBool()) {
            if (invalid)
                invalid->insert(name, page.value(QStringLiteral("invalidreason")).toString());
            result.insert(name, std::nullopt);
            continue;
        }
        const QJsonArray infos = page.value(QStringLiteral("imageinfo")).toArray();
        const bool local = page.value(QStringLiteral("imagerepository")).toString() == u"local";
        if (!infos.isEmpty() && local) {
            result.insert(name, objectFromInfo(spelled, infos.first().toObject()));
        } else if (!page.value(QStringLiteral("missing")).toBool()) {
            // A description page without a file: the name is taken all the same (the upload warns
            // page-exists).
            RemoteObject o;
            o.name = spelled;
            o.reported = QJsonObject{{QStringLiteral("page_exists"), true},
                                     {QStringLiteral("pageid"), page.value(QStringLiteral("pageid"))}};
            result.insert(name, o);
        } else {
            result.insert(name, std::nullopt);
        }
    }
    return result;
}

QList<RemoteObject> MediaWikiApi::parseAllImages(const QJsonObject &json)
{
    QList<RemoteObject> objects;
    for (const QJsonValue &v :
         json.value(QStringLiteral("query")).toObject().value(QStringLiteral("allimages")).toArray()) {
        const QJsonObject image = v.toObject();
        const QString title = image.value(QStringLiteral("title")).toString();
        objects.append(objectFromInfo(title.isEmpty() ? spaced(image.value(QStringLiteral("name")).toString())
                                                      : stripNamespace(title),
                                      image));
    }
    return objects;
}

QList<RemoteObject> MediaWikiApi::parseFileArchive(const QJsonObject &json)
{
    QList<RemoteObject> objects;
    for (const QJsonValue &v :
         json.value(QStringLiteral("query")).toObject().value(QStringLiteral("filearchive")).toArray()) {
        const QJsonObject entry = v.toObject();
        const QString title = entry.value(QStringLiteral("title")).toString();
        RemoteObject o = objectFromInfo(
            title.isEmpty() ? spaced(entry.value(QStringLiteral("name")).toString()) : stripNamespace(title),
            entry);
        o.deleted = true;
        o.url.clear();
        objects.append(o);
    }
    return objects;
}

QString MediaWikiApi::parseDeletionReason(const QJsonObject &json)
{
    const QJsonArray events =
        json.value(QStringLiteral("query")).toObject().value(QStringLiteral("logevents")).toArray();
    for (const QJsonValue &v : events) {
        const QJsonObject event = v.toObject();
        if (event.value(QStringLiteral("action")).toString() == u"restore")
            return {};
        const QString comment = event.value(QStringLiteral("comment")).toString();
        if (!comment.isEmpty() || event.value(QStringLiteral("action")).toString() == u"delete")
            return comment.isEmpty() ? tr("(no reason given)") : comment;
    }
    return {};
}

bool MediaWikiApi::isCopyrightReason(const QString &reason)
{
    static const QRegularExpression copyright(
        QStringLiteral("copyright|copyvio|\\bdmca\\b|licen[cs]|no permission|no source|\\bCSD F3\\b|\\bF3\\b|"
                       "\\bOTRS\\b|\\bVRT\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return copyright.match(reason).hasMatch();
}

UploadAnswer UploadAnswer::parse(const QJsonObject &json)
{
    UploadAnswer a;
    a.raw = json;
    if (json.contains(QStringLiteral("error"))) {
        a.result = Result::Error;
        return a;
    }
    const QJsonObject upload = json.value(QStringLiteral("upload")).toObject();
    const QString result = upload.value(QStringLiteral("result")).toString();
    if (result == u"Success")
        a.result = Result::Success;
    else if (result == u"Warning")
        a.result = Result::Warning;
    else if (result == u"Continue")
        a.result = Result::Continue;
    else if (result == u"Poll")
        a.result = Result::Poll;
    a.filekey = upload.value(QStringLiteral("filekey")).toString();
    if (upload.contains(QStringLiteral("offset")))
        a.offset = upload.value(QStringLiteral("offset")).toVariant().toLongLong();
    a.filename = spaced(upload.value(QStringLiteral("filename")).toString());
    a.stage = upload.value(QStringLiteral("stage")).toString();
    a.warnings = upload.value(QStringLiteral("warnings")).toObject();
    a.imageinfo = upload.value(QStringLiteral("imageinfo")).toObject();
    return a;
}

UploadWarnings::Verdict UploadWarnings::judge(const QJsonObject &warnings, const QString &ourName)
{
    Verdict v;
    v.codes = warnings.keys();
    v.codes.sort();
    auto names = [&](const QString &code) {
        QStringList list;
        const QJsonValue value = warnings.value(code);
        if (value.isArray()) {
            for (const QJsonValue &n : value.toArray())
                list.append(spaced(n.toString()));
        } else if (value.isString()) {
            list.append(spaced(value.toString()));
        }
        return list;
    };
    auto same = [](const QString &a, const QString &b) {
        // The first letter is case-insensitive on wikis with $wgCapitalLinks (Commons).
        return a.size() == b.size() && !a.isEmpty() && a.mid(1) == b.mid(1) &&
               a.left(1).toUpper() == b.left(1).toUpper();
    };
    const QString ours = spaced(ourName);
    v.duplicates = names(QStringLiteral("duplicate"));
    v.deletedDuplicates = names(QStringLiteral("duplicate-archive"));
    v.deleted = !v.deletedDuplicates.isEmpty() || warnings.contains(QStringLiteral("was-deleted"));

    const bool ownDuplicate = std::any_of(v.duplicates.cbegin(), v.duplicates.cend(),
                                          [&](const QString &d) { return same(d, ours); });
    if (warnings.contains(QStringLiteral("nochange")) || ownDuplicate) {
        v.state = TargetState::AlreadyThere;
        v.message = tr("The wiki already holds these bytes as File:%1.").arg(ours);
        return v;
    }

    QStringList sentences;
    TargetState state = TargetState::NeedsDecision;
    for (const QString &code : std::as_const(v.codes)) {
        const QString name = names(code).value(0);
        if (code == u"duplicate") {
            QStringList others = v.duplicates;
            for (QString &o : others)
                o.prepend(QStringLiteral("File:"));
            sentences.append(
                tr("The wiki already holds these bytes as %1.").arg(others.join(QStringLiteral(", "))));
        } else if (code == u"duplicate-archive") {
            sentences.append(tr("A file with these bytes was deleted from the wiki (File:%1).").arg(name));
        } else if (code == u"exists") {
            sentences.append(tr("File:%1 exists with other content.").arg(name));
        } else if (code == u"exists-normalized") {
            sentences.append(
                tr("File:%1 exists and differs from our name only in the case of its extension.").arg(name));
        } else if (code == u"page-exists") {
            sentences.append(tr("The page File:%1 exists without a file.").arg(name));
        } else if (code == u"was-deleted") {
            sentences.append(tr("A file named File:%1 was deleted before.").arg(name));
        } else if (code == u"duplicateversions") {
            sentences.append(tr("An older version of File:%1 has these bytes.").arg(ours));
        } else if (code == u"badfilename") {
            state = TargetState::Failed;
            sentences.append(
                tr("The wiki would publish the file as File:%1 instead of File:%2; change the title "
                   "template.")
                    .arg(name, ours));
        } else if (code == u"emptyfile") {
            state = TargetState::Failed;
            sentences.append(tr("The file is empty."));
        } else if (code == u"filetype-unwanted-type") {
            state = TargetState::Failed;
            sentences.append(tr("The wiki does not want files of this type (%1).")
                                 .arg(warnings.value(code).toVariant().toString()));
        } else {
            sentences.append(
                tr("The wiki warns: %1 %2.")
                    .arg(code, QString::fromUtf8(QJsonDocument(QJsonObject{{code, warnings.value(code)}})
                                                     .toJson(QJsonDocument::Compact))));
        }
    }
    v.state = state;
    v.message = sentences.join(u' ');
    return v;
}

UploadErrors::Verdict UploadErrors::judge(const ApiError &error)
{
    Verdict v;
    const QString &code = error.code;
    v.message = tr("The wiki refused the upload: %1 (%2).").arg(error.info, code);
    if (code == u"fileexists-no-change") {
        v.state = TargetState::AlreadyThere;
        v.message = tr("The wiki already holds these bytes under this name.");
    } else if (code == u"stashfailed" || code == u"stashnosuchfilekey" || code == u"missingresult" ||
               code == u"stashfilenotfound" || code == u"stasherror") {
        const QJsonValue offset = error.raw.value(QStringLiteral("offset"));
        if (offset.isDouble() || offset.isString()) {
            v.resumeOffset = offset.toVariant().toLongLong();
            v.state = TargetState::Pending;
        } else {
            v.restart = true;
            v.state = TargetState::Pending;
        }
        v.transient = true;
    } else if (code == u"uploaddisabled" || code == u"permissiondenied" || code == u"badaccess-groups" ||
               code == u"blocked" || code == u"autoblocked" || code == u"mustbeloggedin" ||
               code == u"copyuploaddisabled" || code == u"readapidenied") {
        v.fatal = true;
    } else if (code == u"ratelimited" || code == u"readonly" || code.startsWith(u"internal_api_error_") ||
               code == u"backend-fail-internal" || code == u"backend-fail-notsame") {
        v.transient = true;
    }
    return v;
}

} // namespace gh
