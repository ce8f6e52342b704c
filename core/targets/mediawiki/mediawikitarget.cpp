#include "mediawikitarget.h"

#include <limits>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QThread>
#include <QThreadPool>

#include "mediawikititle.h"
#include "targets/targetslogging.h"

namespace gh {

namespace {

const QString s_scheme = QStringLiteral("mediawiki:");

bool cancelled(const std::shared_ptr<std::atomic_bool> &cancel)
{
    return cancel && cancel->load();
}

//! Sleeps \a ms in small steps, waking early on cancel.
void nap(qint64 ms, const std::shared_ptr<std::atomic_bool> &cancel)
{
    for (qint64 slept = 0; slept < ms && !cancelled(cancel); slept += 50)
        QThread::msleep(50);
}

} // namespace

MediaWikiTarget::Resume MediaWikiTarget::Resume::from(const QJsonObject &json)
{
    Resume r;
    r.stage = json.value(QStringLiteral("stage")).toString();
    r.filekey = json.value(QStringLiteral("filekey")).toString();
    r.offset = json.value(QStringLiteral("offset")).toVariant().toLongLong();
    r.size = json.contains(QStringLiteral("size"))
                 ? json.value(QStringLiteral("size")).toVariant().toLongLong()
                 : -1;
    r.sha1 = json.value(QStringLiteral("sha1")).toString();
    return r;
}

QJsonObject MediaWikiTarget::Resume::toJson() const
{
    if (filekey.isEmpty())
        return {};
    return QJsonObject{{QStringLiteral("stage"), stage},
                       {QStringLiteral("filekey"), filekey},
                       {QStringLiteral("offset"), offset},
                       {QStringLiteral("size"), size},
                       {QStringLiteral("sha1"), sha1}};
}

MediaWikiTarget::MediaWikiTarget(const QString &spec, const TargetOptions &options,
                                 std::unique_ptr<MediaWikiClient> client)
    : m_spec(spec)
    , m_options(options)
    , m_client(std::move(client))
{}

MediaWikiTarget::~MediaWikiTarget() = default;

Result<QUrl> MediaWikiTarget::apiUrlOf(const QString &spec)
{
    const QString text = spec.startsWith(s_scheme, Qt::CaseInsensitive) ? spec.mid(s_scheme.size()) : spec;
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http") ||
        !url.userInfo().isEmpty()) {
        return Error{ErrorCode::Usage, tr("The target \"%1\" is not a wiki's API address; write "
                                          "mediawiki:https://host/w/api.php.")
                                           .arg(spec)};
    }
    if (!url.path().endsWith(QStringLiteral("/api.php"))) {
        return Error{
            ErrorCode::Usage,
            tr("The target \"%1\" must name the wiki's api.php, as in mediawiki:https://host/w/api.php.")
                .arg(spec)};
    }
    return url;
}

Result<std::unique_ptr<MediaWikiTarget>> MediaWikiTarget::create(const QString &spec,
                                                                 const TargetOptions &options,
                                                                 std::shared_ptr<ApiTransport> transport)
{
    auto api = apiUrlOf(spec);
    if (!api)
        return api.error();
    auto title = NameTemplate::parse(options.titleTemplate.isEmpty() ? MediaWikiTitle::defaultTemplate()
                                                                     : options.titleTemplate);
    if (!title)
        return title.error();
    MediaWikiClient::Options clientOptions;
    clientOptions.api = *api;
    clientOptions.user = options.user;
    clientOptions.password = options.password;
    clientOptions.maxLagSeconds = options.maxLagSeconds;
    clientOptions.maxRelogins = options.maxRelogins;
    std::unique_ptr<MediaWikiTarget> target(
        new MediaWikiTarget(s_scheme + api->toString(), options,
                            std::make_unique<MediaWikiClient>(clientOptions, std::move(transport))));
    target->m_titleTemplate = *title;
    return target;
}

Result<QString> MediaWikiTarget::nameFor(const TemplateFields &fields, const NameTemplate *custom) const
{
    return MediaWikiTitle::build(custom && !custom->isEmpty() ? *custom : m_titleTemplate, fields);
}

QList<Result<MediaWikiApi::Answer>> MediaWikiTarget::readAll(const QList<ApiCall> &calls,
                                                             const std::shared_ptr<std::atomic_bool> &cancel,
                                                             bool needsLogin)
{
    std::vector<std::optional<Result<MediaWikiApi::Answer>>> answers(size_t(calls.size()));
    m_readRequests += int(calls.size());
    if (calls.size() <= 1 || m_readParallelism <= 1) {
        for (qsizetype i = 0; i < calls.size(); ++i)
            answers[size_t(i)] = m_client->read(calls[i], cancel, needsLogin);
    } else {
        if (needsLogin && !m_client->isLoggedIn()) {
            if (Status s = m_client->login(cancel); !s) {
                QList<Result<MediaWikiApi::Answer>> failed;
                for (qsizetype i = 0; i < calls.size(); ++i)
                    failed.append(s.error());
                return failed;
            }
        }
        QThreadPool pool;
        pool.setMaxThreadCount(std::min<int>(m_readParallelism, int(calls.size())));
        for (qsizetype i = 0; i < calls.size(); ++i) {
            pool.start([&, i] { answers[size_t(i)] = m_client->read(calls[i], cancel, needsLogin); });
        }
        pool.waitForDone();
    }
    QList<Result<MediaWikiApi::Answer>> result;
    result.reserve(calls.size());
    for (auto &a : answers)
        result.append(std::move(*a));
    return result;
}

Status MediaWikiTarget::queryNames(const QStringList &names, const std::shared_ptr<std::atomic_bool> &cancel,
                                   QHash<QString, std::optional<RemoteObject>> *found,
                                   QHash<QString, QString> *normalized, QHash<QString, QString> *invalid)
{
    QList<ApiCall> calls;
    QList<QStringList> groups;
    for (qsizetype i = 0; i < names.size(); i += MediaWikiApi::maxTitlesPerQuery) {
        groups.append(names.mid(i, MediaWikiApi::maxTitlesPerQuery));
        calls.append(MediaWikiApi::imageInfoCall(groups.last()));
    }
    const auto answers = readAll(calls, cancel, false);
    for (qsizetype i = 0; i < answers.size(); ++i) {
        if (!answers[i])
            return answers[i].error();
        if (answers[i]->verdict != MediaWikiApi::Verdict::Ok)
            return Error{ErrorCode::Network, answers[i]->message};
        const auto parsed = MediaWikiApi::parseImageInfo(answers[i]->json, groups[i], normalized, invalid);
        for (auto it = parsed.cbegin(); it != parsed.cend(); ++it)
            found->insert(it.key(), it.value());
    }
    return {};
}

Result<QList<LookupAnswer>> MediaWikiTarget::lookup(const QList<LookupQuery> &queries,
                                                    const std::shared_ptr<std::atomic_bool> &cancel)
{
    m_asked += queries.size();
    // What the cache does not know yet, each name and each SHA-1 once.
    QStringList names;
    QStringList sha1s;
    {
        QMutexLocker lock(&m_cacheMutex);
        for (const LookupQuery &q : queries) {
            if (!q.name.isEmpty() && !m_byName.contains(q.name) && !names.contains(q.name))
                names.append(q.name);
            // A file sent in one request is checked by the upload itself: without ignorewarnings the wiki
            // publishes nothing it holds already and answers "duplicate" (or "duplicate-archive"), which
            // UploadWarnings judges as the look-up would. Larger files are asked for first, before chunks go,
            // and so is every file where deleted copies are looked into (why they were deleted matters).
            if (!m_lookUpDeleted && q.beforeSend && q.size >= 0 &&
                q.size <= m_options.effectiveSingleUploadMax())
                continue;
            const QString sha1 = q.digests.sha1.toLower();
            if (!sha1.isEmpty() && !m_bySha1.contains(sha1) && !sha1s.contains(sha1))
                sha1s.append(sha1);
        }
    }
    QHash<QString, std::optional<RemoteObject>> found;
    QHash<QString, QString> normalized;
    QHash<QString, QString> invalid;
    if (!names.isEmpty()) {
        if (Status s = queryNames(names, cancel, &found, &normalized, &invalid); !s)
            return s.error();
    }
    // Bytes our name already holds need no search by content: the file is already there, whatever else
    // holds them (unless another query with the same bytes names something else, or deleted copies matter).
    if (!m_lookUpDeleted && !sha1s.isEmpty()) {
        QSet<QString> needed;
        QSet<QString> held;
        QMutexLocker lock(&m_cacheMutex);
        for (const LookupQuery &q : queries) {
            const QString sha1 = q.digests.sha1.toLower();
            const auto it = found.constFind(q.name);
            const std::optional<RemoteObject> named =
                q.name.isEmpty() ? std::nullopt : (it != found.cend() ? *it : m_byName.value(q.name));
            if (named && named->holds(q.digests, q.size))
                held.insert(sha1);
            else
                needed.insert(sha1);
        }
        sha1s.removeIf([&](const QString &sha1) { return held.contains(sha1) && !needed.contains(sha1); });
    }
    QHash<QString, QList<RemoteObject>> bySha1;
    auto fromListing = answerFromListing(sha1s.size(), queries.size(), cancel);
    if (!fromListing)
        return fromListing.error();
    QList<ApiCall> hashCalls;
    if (*fromListing) {
        QMutexLocker lock(&m_cacheMutex);
        for (const QString &sha1 : std::as_const(sha1s))
            bySha1.insert(sha1, m_listed.value(sha1));
    } else {
        for (const QString &sha1 : std::as_const(sha1s))
            hashCalls.append(MediaWikiApi::allImagesBySha1Call(sha1));
    }
    const auto hashAnswers = readAll(hashCalls, cancel, false);
    for (qsizetype i = 0; i < hashAnswers.size(); ++i) {
        if (!hashAnswers[i])
            return hashAnswers[i].error();
        if (hashAnswers[i]->verdict != MediaWikiApi::Verdict::Ok)
            return Error{ErrorCode::Network, hashAnswers[i]->message};
        bySha1.insert(sha1s[i], MediaWikiApi::parseAllImages(hashAnswers[i]->json));
    }

    QHash<QString, QList<RemoteObject>> deletedBySha1;
    QHash<QString, QString> deletionReason;
    if (m_lookUpDeleted) {
        QStringList unknownDeleted;
        {
            QMutexLocker lock(&m_cacheMutex);
            for (const QString &sha1 : std::as_const(sha1s)) {
                if (!m_deletedBySha1.contains(sha1))
                    unknownDeleted.append(sha1);
            }
        }
        QList<ApiCall> archiveCalls;
        for (const QString &sha1 : std::as_const(unknownDeleted))
            archiveCalls.append(MediaWikiApi::fileArchiveBySha1Call(sha1));
        const auto archived = readAll(archiveCalls, cancel, true);
        for (qsizetype i = 0; i < archived.size(); ++i) {
            if (!archived[i])
                return archived[i].error();
            // Without the deletedhistory right the wiki refuses; deleted files then show only as upload
            // warnings.
            if (archived[i]->verdict == MediaWikiApi::Verdict::Ok)
                deletedBySha1.insert(unknownDeleted[i], MediaWikiApi::parseFileArchive(archived[i]->json));
            else
                deletedBySha1.insert(unknownDeleted[i], {});
        }
        // Who deleted what and why: for names that are free now and for the deleted files found.
        QStringList logNames;
        for (const QString &name : std::as_const(names)) {
            if (!found.value(name))
                logNames.append(normalized.value(name, name));
        }
        for (const auto &list : std::as_const(deletedBySha1)) {
            for (const RemoteObject &o : list) {
                if (!logNames.contains(o.name))
                    logNames.append(o.name);
            }
        }
        QList<ApiCall> logCalls;
        for (const QString &name : std::as_const(logNames))
            logCalls.append(MediaWikiApi::deletionLogCall(name));
        const auto logs = readAll(logCalls, cancel, true);
        for (qsizetype i = 0; i < logs.size(); ++i) {
            if (!logs[i])
                return logs[i].error();
            deletionReason.insert(logNames[i], logs[i]->verdict == MediaWikiApi::Verdict::Ok
                                                   ? MediaWikiApi::parseDeletionReason(logs[i]->json)
                                                   : QString());
        }
    }

    QMutexLocker lock(&m_cacheMutex);
    for (auto it = found.cbegin(); it != found.cend(); ++it)
        m_byName.insert(it.key(), it.value());
    for (auto it = normalized.cbegin(); it != normalized.cend(); ++it)
        m_normalized.insert(it.key(), it.value());
    for (auto it = invalid.cbegin(); it != invalid.cend(); ++it)
        m_invalid.insert(it.key(), it.value());
    for (auto it = bySha1.cbegin(); it != bySha1.cend(); ++it)
        m_bySha1.insert(it.key(), it.value());
    for (auto it = deletedBySha1.cbegin(); it != deletedBySha1.cend(); ++it) {
        QList<RemoteObject> list = it.value();
        for (RemoteObject &o : list) {
            o.deletionReason = deletionReason.value(o.name);
            o.deletedForCopyright = MediaWikiApi::isCopyrightReason(o.deletionReason);
        }
        m_deletedBySha1.insert(it.key(), list);
    }
    for (auto it = deletionReason.cbegin(); it != deletionReason.cend(); ++it)
        m_deletionReason.insert(it.key(), it.value());

    QList<LookupAnswer> answers;
    answers.reserve(queries.size());
    for (const LookupQuery &q : queries) {
        LookupAnswer a;
        a.normalizedName = m_normalized.value(q.name, q.name);
        a.nameProblem = m_invalid.value(q.name);
        if (!q.name.isEmpty())
            a.named = m_byName.value(q.name);
        const QString sha1 = q.digests.sha1.toLower();
        if (const auto it = m_bySha1.constFind(sha1); it != m_bySha1.cend())
            a.sameBytes = *it;
        else if (a.named && a.named->holds(q.digests, q.size))
            a.sameBytes = {*a.named}; // not searched by content: our name holds them
        a.deletedSameBytes = m_deletedBySha1.value(sha1);
        a.nameWasDeleted = !m_deletionReason.value(a.normalizedName).isEmpty();
        answers.append(a);
    }
    return answers;
}

void MediaWikiTarget::expectLookups(qint64 files)
{
    m_expected = std::max<qint64>(0, files);
    m_asked = 0;
}

bool MediaWikiTarget::hasListing() const
{
    QMutexLocker lock(&m_cacheMutex);
    return m_haveListing;
}

Result<bool> MediaWikiTarget::answerFromListing(qsizetype needed, qsizetype asked,
                                                const std::shared_ptr<std::atomic_bool> &cancel)
{
    if (needed == 0 || m_contentSearch == ContentSearch::PerHash)
        return hasListing();
    QMutexLocker listing(&m_listingMutex);
    if (hasListing())
        return true;
    if (m_listingAbandoned)
        return false;
    // What one search per SHA-1 would still cost this run: this call's, and as many for each file still to
    // come as this call needed for each of its files.
    qint64 searches = needed;
    if (asked > 0)
        searches += std::max<qint64>(0, m_expected - m_asked) * needed / asked;
    const bool forced = m_contentSearch == ContentSearch::List;
    // Asking how large the wiki is costs a request of its own: not worth it for a search or two.
    if (!forced && searches <= 2)
        return false;
    if (!m_siteSize) {
        // An account's list requests give ten times as many rows; deleted files need it logged in anyway.
        if (m_lookUpDeleted && !m_client->isLoggedIn()) {
            if (Status s = m_client->login(cancel); !s)
                return s.error();
        }
        ++m_readRequests;
        auto answer = m_client->read(MediaWikiApi::siteStatisticsCall(), cancel);
        if (!answer)
            return answer.error();
        m_siteSize = answer->verdict == MediaWikiApi::Verdict::Ok
                         ? MediaWikiApi::parseSiteStatistics(answer->json)
                         : MediaWikiApi::SiteSize{};
    }
    if (m_siteSize->files < 0 || m_siteSize->files > listingMaxFiles) {
        qCDebug(lcTargets).noquote() << m_client->apiText() << "holds" << m_siteSize->files
                                     << "files: searched by SHA-1";
        return false;
    }
    const qint64 listRequests = m_siteSize->listRequests();
    if (!forced && listRequests >= searches)
        return false;
    qCInfo(lcTargets).noquote() << "listing the" << m_siteSize->files << "files of" << m_client->apiText()
                                << "in" << listRequests << "request(s) instead of" << searches
                                << "searches by SHA-1";
    // The statistics may lag behind the wiki: give up once the listing costs as much as the searches.
    auto listed = listAll(forced ? std::numeric_limits<qint64>::max() : searches - 1, cancel);
    if (!listed)
        return listed.error();
    if (!*listed) {
        qCInfo(lcTargets).noquote() << m_client->apiText()
                                    << "holds more files than it said; searching by SHA-1 instead";
        m_listingAbandoned = true;
    }
    return *listed;
}

Result<bool> MediaWikiTarget::listAll(qint64 maxRequests, const std::shared_ptr<std::atomic_bool> &cancel)
{
    QHash<QString, QList<RemoteObject>> bySha1;
    QHash<QString, QString> sha1ByName;
    QJsonObject continuation;
    for (qint64 requests = 0;; ++requests) {
        if (cancelled(cancel))
            return Error{ErrorCode::Cancelled, tr("Cancelled.")};
        if (requests >= maxRequests || sha1ByName.size() > listingMaxFiles)
            return false;
        ++m_readRequests;
        auto answer = m_client->read(MediaWikiApi::allImagesCall(continuation), cancel);
        if (!answer)
            return answer.error();
        if (answer->verdict != MediaWikiApi::Verdict::Ok)
            return Error{ErrorCode::Network, answer->message};
        for (const RemoteObject &o : MediaWikiApi::parseAllImages(answer->json)) {
            if (o.sha1.isEmpty())
                continue;
            bySha1[o.sha1].append(o);
            sha1ByName.insert(o.name, o.sha1);
        }
        continuation = MediaWikiApi::continuationOf(answer->json);
        if (continuation.isEmpty())
            break;
    }
    QMutexLocker lock(&m_cacheMutex);
    m_listed = std::move(bySha1);
    m_listedSha1 = std::move(sha1ByName);
    m_haveListing = true;
    return true;
}

void MediaWikiTarget::remember(const RemoteObject &object)
{
    QMutexLocker lock(&m_cacheMutex);
    m_byName.insert(object.name, object);
    m_normalized.insert(object.name, object.name);
    if (!object.sha1.isEmpty()) {
        QList<RemoteObject> &list = m_bySha1[object.sha1];
        list.removeIf([&](const RemoteObject &o) { return o.name == object.name; });
        list.append(object);
    }
    if (m_haveListing) {
        // Our upload is on the wiki now, and a new version no longer holds the bytes it held.
        if (const QString before = m_listedSha1.take(object.name); !before.isEmpty())
            m_listed[before].removeIf([&](const RemoteObject &o) { return o.name == object.name; });
        if (!object.sha1.isEmpty()) {
            m_listed[object.sha1].append(object);
            m_listedSha1.insert(object.name, object.sha1);
        }
    }
}

void MediaWikiTarget::save(const UploadRequest &request, const Resume &resume) const
{
    if (request.saveResume)
        request.saveResume(resume.toJson());
}

UploadOutcome MediaWikiTarget::failure(const UploadRequest &request, const Error &error) const
{
    UploadOutcome o;
    o.name = request.name;
    o.message = error.message;
    o.cancelled = error.code == ErrorCode::Cancelled;
    o.state = o.cancelled ? TargetState::Pending : TargetState::Failed;
    o.transient = error.code == ErrorCode::Network;
    // A refused login or a session that keeps getting lost stops every upload, not just this one.
    o.fatal = error.code == ErrorCode::Usage || m_client->hasGivenUp();
    o.reported = QJsonObject{{QStringLiteral("error"), error.message}};
    return o;
}

ApiCall MediaWikiTarget::uploadCall(const UploadRequest &request) const
{
    ApiCall call;
    call.post = true;
    call.label = request.label;
    call.tag = request.fileId;
    call.fields = {{QStringLiteral("action"), QStringLiteral("upload")},
                   {QStringLiteral("filename"), request.name}};
    if (request.ignoreWarnings)
        call.set(QStringLiteral("ignorewarnings"), QStringLiteral("1"));
    return call;
}

UploadOutcome MediaWikiTarget::upload(const UploadRequest &request)
{
    if (request.isCancelled())
        return failure(request, Error{ErrorCode::Cancelled, tr("Cancelled.")});
    const Resume resume = Resume::from(request.resume);
    const bool resumable = !resume.filekey.isEmpty() && resume.size == request.source.size &&
                           resume.sha1.compare(request.source.digests.sha1, Qt::CaseInsensitive) == 0;
    if (request.source.size > m_options.effectiveSingleUploadMax() ||
        (resumable && resume.stage != u"chunks"))
        return uploadChunked(request);
    return uploadWhole(request);
}

UploadOutcome MediaWikiTarget::uploadWhole(const UploadRequest &request)
{
    ApiCall call = uploadCall(request);
    call.set(QStringLiteral("text"), request.pageText);
    call.set(QStringLiteral("comment"), request.summary);
    call.filePart = QStringLiteral("file");
    call.fileName = request.name;
    if (!request.source.localPath.isEmpty()) {
        call.filePath = request.source.localPath;
    } else {
        // Only small files come here (at most the single-upload size): memory is fine.
        auto device = request.source.openDevice();
        if (!device)
            return failure(request, device.error());
        call.fileData = (*device)->readAll();
        if (call.fileData.size() != request.source.size) {
            return failure(request, Error{ErrorCode::Unreadable, tr("Read %1 of the %2 bytes of %3.")
                                                                     .arg(call.fileData.size())
                                                                     .arg(request.source.size)
                                                                     .arg(request.label)});
        }
    }
    auto answer = m_client->write(call, request.cancel);
    if (!answer) {
        if (answer.error().code == ErrorCode::LimitExceeded) {
            // The server takes less in one request than we thought: send it in chunks instead.
            qCInfo(lcTargets).noquote() << m_client->apiText() << "refused" << request.source.size
                                        << "bytes in one request; sending" << request.label << "in chunks";
            return uploadChunked(request);
        }
        return failure(request, answer.error());
    }
    if (request.progress)
        request.progress(request.source.size, request.source.size);
    Resume none;
    none.size = request.source.size;
    none.sha1 = request.source.digests.sha1;
    return finish(request, *answer, &none);
}

UploadOutcome MediaWikiTarget::uploadChunked(const UploadRequest &request)
{
    const qint64 size = request.source.size;
    const bool async = size >= m_options.asyncThreshold;
    ChunkPlan plan{size, std::max<qint64>(1024, m_options.chunkSize)};
    Resume resume = Resume::from(request.resume);
    if (resume.size != size || resume.sha1.compare(request.source.digests.sha1, Qt::CaseInsensitive) != 0)
        resume = Resume{};
    resume.size = size;
    resume.sha1 = request.source.digests.sha1.toLower();

    // A stash an earlier run left: ask the wiki how far it got, if it still has it.
    if (!resume.filekey.isEmpty()) {
        ApiCall status = uploadCall(request);
        status.set(QStringLiteral("checkstatus"), QStringLiteral("1"));
        status.set(QStringLiteral("filekey"), resume.filekey);
        auto answer = m_client->write(status, request.cancel);
        if (!answer)
            return failure(request, answer.error());
        const UploadAnswer a = UploadAnswer::parse(answer->json);
        if (resume.stage == u"chunks" && a.result == UploadAnswer::Result::Continue &&
            plan.isValidOffset(a.offset)) {
            resume.offset = a.offset;
            qCInfo(lcTargets).noquote()
                << "continuing the stash of" << request.label << "at" << resume.offset;
        } else if (resume.stage == u"chunks" && a.result == UploadAnswer::Result::Poll) {
            // The last chunk was sent and is being assembled.
            auto polled = poll(request, resume.filekey);
            if (!polled)
                return failure(request, polled.error());
            const UploadAnswer p = UploadAnswer::parse(polled->json);
            if (p.result == UploadAnswer::Result::Success && !p.filekey.isEmpty()) {
                resume.stage = QStringLiteral("stashed");
                resume.filekey = p.filekey;
                resume.offset = size;
            } else {
                resume = Resume{QString(), QString(), 0, size, resume.sha1};
            }
        } else if ((resume.stage == u"stashed" || resume.stage == u"publishing") &&
                   (a.result == UploadAnswer::Result::Success || a.result == UploadAnswer::Result::Poll ||
                    a.result == UploadAnswer::Result::Warning)) {
            if (resume.stage == u"publishing" && a.result == UploadAnswer::Result::Poll) {
                auto polled = poll(request, resume.filekey);
                if (!polled)
                    return failure(request, polled.error());
                return finish(request, *polled, &resume);
            }
            // Stashed and waiting for its commit.
        } else if (resume.stage == u"stashed" && answer->verdict == MediaWikiApi::Verdict::ApiFailure) {
            // Stashes made by a plain upload with warnings have no status record; try the commit.
        } else {
            qCInfo(lcTargets).noquote()
                << "the wiki no longer has the stash of" << request.label << "; starting over";
            resume = Resume{QString(), QString(), 0, size, resume.sha1};
        }
    }

    int restarts = 0;
    int offsetCorrections = 0;
    std::unique_ptr<QIODevice> device;
    qint64 devicePosition = 0;
    while (resume.stage != u"stashed" && resume.stage != u"publishing") {
        if (request.isCancelled())
            return failure(request, Error{ErrorCode::Cancelled, tr("Cancelled.")});
        const qint64 offset = resume.filekey.isEmpty() ? 0 : resume.offset;
        const qint64 length = plan.lengthAt(offset);
        ApiCall call = uploadCall(request);
        call.set(QStringLiteral("stash"), QStringLiteral("1"));
        call.set(QStringLiteral("filesize"), QString::number(size));
        call.set(QStringLiteral("offset"), QString::number(offset));
        if (offset > 0)
            call.set(QStringLiteral("filekey"), resume.filekey);
        if (async)
            call.set(QStringLiteral("async"), QStringLiteral("1"));
        call.filePart = QStringLiteral("chunk");
        call.fileName = request.name;
        if (!request.source.localPath.isEmpty()) {
            call.filePath = request.source.localPath;
            call.fileOffset = offset;
            call.fileLength = length;
        } else {
            // One chunk at a time in memory, never the whole file.
            if (!device || devicePosition > offset) {
                auto opened = request.source.openDevice();
                if (!opened)
                    return failure(request, opened.error());
                device = std::move(*opened);
                devicePosition = 0;
            }
            if (!device->isSequential() && device->seek(offset)) {
                devicePosition = offset;
            } else {
                while (devicePosition < offset) {
                    const QByteArray skipped =
                        device->read(std::min<qint64>(offset - devicePosition, 1 << 20));
                    if (skipped.isEmpty())
                        break;
                    devicePosition += skipped.size();
                }
            }
            call.fileData = device->read(length);
            devicePosition += call.fileData.size();
            if (call.fileData.size() != length) {
                return failure(request, Error{ErrorCode::Unreadable, tr("Cannot read bytes %1 to %2 of %3.")
                                                                         .arg(offset)
                                                                         .arg(offset + length)
                                                                         .arg(request.label)});
            }
        }
        auto answer = m_client->write(call, request.cancel);
        if (!answer)
            return failure(request, answer.error());
        if (answer->verdict == MediaWikiApi::Verdict::ApiFailure) {
            const UploadErrors::Verdict v = UploadErrors::judge(*answer->error);
            if (v.resumeOffset >= 0 && plan.isValidOffset(v.resumeOffset) && !resume.filekey.isEmpty() &&
                offsetCorrections++ < 3) {
                // The wiki has more (or less) of the file than we knew: carry on from where it stands.
                qCInfo(lcTargets).noquote()
                    << "the wiki expects" << request.label << "from offset" << v.resumeOffset;
                resume.offset = v.resumeOffset;
                resume.stage = QStringLiteral("chunks");
                save(request, resume);
                continue;
            }
            if ((v.restart || v.resumeOffset >= 0) && restarts++ < 1) {
                qCInfo(lcTargets).noquote() << "the stash of" << request.label << "is gone; starting over";
                resume = Resume{QString(), QString(), 0, size, resume.sha1};
                save(request, resume);
                continue;
            }
            return finish(request, *answer, &resume);
        }
        const UploadAnswer a = UploadAnswer::parse(answer->json);
        if (!a.filekey.isEmpty())
            resume.filekey = a.filekey;
        if (a.result == UploadAnswer::Result::Continue && a.offset > offset && a.offset <= size) {
            resume.stage = QStringLiteral("chunks");
            resume.offset = a.offset;
            save(request, resume);
            if (request.progress)
                request.progress(resume.offset, size);
            continue;
        }
        if (a.result == UploadAnswer::Result::Poll) {
            resume.stage = QStringLiteral("chunks");
            resume.offset = offset;
            save(request, resume);
            auto polled = poll(request, resume.filekey);
            if (!polled)
                return failure(request, polled.error());
            const UploadAnswer p = UploadAnswer::parse(polled->json);
            if (polled->verdict != MediaWikiApi::Verdict::Ok || p.result != UploadAnswer::Result::Success ||
                p.filekey.isEmpty()) {
                if (polled->verdict == MediaWikiApi::Verdict::ApiFailure && restarts++ < 1) {
                    resume = Resume{QString(), QString(), 0, size, resume.sha1};
                    save(request, resume);
                    continue;
                }
                return finish(request, *polled, &resume);
            }
            resume.filekey = p.filekey;
        } else if (a.result != UploadAnswer::Result::Success) {
            return failure(
                request,
                Error{ErrorCode::Network,
                      tr("%1 answered a chunk of %2 unexpectedly: %3")
                          .arg(m_client->apiText(), request.label,
                               QString::fromUtf8(QJsonDocument(answer->json).toJson(QJsonDocument::Compact))
                                   .left(300))});
        }
        resume.stage = QStringLiteral("stashed");
        resume.offset = size;
        save(request, resume);
        if (request.progress)
            request.progress(size, size);
    }
    return commit(request, resume, async);
}

UploadOutcome MediaWikiTarget::commit(const UploadRequest &request, Resume &resume, bool async)
{
    ApiCall call = uploadCall(request);
    call.set(QStringLiteral("filekey"), resume.filekey);
    call.set(QStringLiteral("text"), request.pageText);
    call.set(QStringLiteral("comment"), request.summary);
    if (async)
        call.set(QStringLiteral("async"), QStringLiteral("1"));
    auto answer = m_client->write(call, request.cancel);
    if (!answer)
        return failure(request, answer.error());
    UploadAnswer a = UploadAnswer::parse(answer->json);
    if (answer->verdict == MediaWikiApi::Verdict::Ok && a.result == UploadAnswer::Result::Poll) {
        resume.stage = QStringLiteral("publishing");
        save(request, resume);
        auto polled = poll(request, resume.filekey);
        if (!polled)
            return failure(request, polled.error());
        return finish(request, *polled, &resume);
    }
    if (answer->verdict == MediaWikiApi::Verdict::ApiFailure) {
        const UploadErrors::Verdict v = UploadErrors::judge(*answer->error);
        if (v.restart || v.resumeOffset >= 0) {
            // The stash expired between runs: send the file again.
            UploadRequest again = request;
            again.resume = {};
            resume = Resume{QString(), QString(), 0, resume.size, resume.sha1};
            save(request, resume);
            return uploadChunked(again);
        }
    }
    return finish(request, *answer, &resume);
}

Result<MediaWikiApi::Answer> MediaWikiTarget::poll(const UploadRequest &request, const QString &filekey)
{
    QElapsedTimer waited;
    waited.start();
    qint64 delay = 500;
    for (;;) {
        nap(delay, request.cancel);
        if (request.isCancelled())
            return Error{ErrorCode::Cancelled, tr("Cancelled.")};
        ApiCall call = uploadCall(request);
        call.set(QStringLiteral("checkstatus"), QStringLiteral("1"));
        call.set(QStringLiteral("filekey"), filekey);
        auto answer = m_client->write(call, request.cancel);
        if (!answer)
            return answer;
        const UploadAnswer a = UploadAnswer::parse(answer->json);
        if (answer->verdict != MediaWikiApi::Verdict::Ok || a.result != UploadAnswer::Result::Poll)
            return answer;
        if (waited.elapsed() > m_options.pollTimeoutMs) {
            return Error{ErrorCode::Network,
                         tr("%1 has been processing %2 for %3 s (stage %4); giving up for now.")
                             .arg(m_client->apiText(), request.label)
                             .arg(waited.elapsed() / 1000)
                             .arg(a.stage)};
        }
        delay = std::min<qint64>(delay * 2, 5000);
    }
}

UploadOutcome MediaWikiTarget::finish(const UploadRequest &request, const MediaWikiApi::Answer &answer,
                                      Resume *resume)
{
    UploadOutcome o;
    o.name = request.name;
    o.reported = answer.json;
    if (answer.verdict == MediaWikiApi::Verdict::ApiFailure && answer.error) {
        const UploadErrors::Verdict v = UploadErrors::judge(*answer.error);
        o.state = v.state == TargetState::Pending ? TargetState::Failed : v.state;
        o.fatal = v.fatal;
        o.transient = v.transient;
        o.message = v.message;
        if (o.state == TargetState::AlreadyThere && resume)
            save(request, Resume{});
        return o;
    }
    const UploadAnswer a = UploadAnswer::parse(answer.json);
    switch (a.result) {
    case UploadAnswer::Result::Success: {
        o.state = TargetState::Uploaded;
        if (!a.filename.isEmpty())
            o.name = a.filename;
        RemoteObject stored;
        stored.name = o.name;
        stored.sha1 = a.imageinfo.value(QStringLiteral("sha1")).toString().toLower();
        stored.size = a.imageinfo.contains(QStringLiteral("size"))
                          ? a.imageinfo.value(QStringLiteral("size")).toVariant().toLongLong()
                          : -1;
        stored.uploaded =
            QDateTime::fromString(a.imageinfo.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
        stored.uploader = a.imageinfo.value(QStringLiteral("user")).toString();
        stored.url = a.imageinfo.value(QStringLiteral("url")).toString();
        stored.pageUrl = a.imageinfo.value(QStringLiteral("descriptionurl")).toString();
        stored.mimetype = a.imageinfo.value(QStringLiteral("mime")).toString();
        stored.width = a.imageinfo.value(QStringLiteral("width")).toInt();
        stored.height = a.imageinfo.value(QStringLiteral("height")).toInt();
        o.stored = stored;
        o.storedByTarget = true;
        // The answer's imageinfo (with metadata) can be large: keep what the curator and verify need.
        o.reported = QJsonObject{{QStringLiteral("result"), QStringLiteral("Success")},
                                 {QStringLiteral("filename"), o.name},
                                 {QStringLiteral("imageinfo"), stored.toJson()}};
        remember(stored);
        save(request, Resume{});
        return o;
    }
    case UploadAnswer::Result::Warning: {
        const UploadWarnings::Verdict v = UploadWarnings::judge(a.warnings, request.name);
        o.state = v.state;
        o.message = v.message;
        o.reported = QJsonObject{{QStringLiteral("result"), QStringLiteral("Warning")},
                                 {QStringLiteral("warnings"), a.warnings}};
        if (resume && !a.filekey.isEmpty() && v.state == TargetState::NeedsDecision) {
            // The wiki keeps the file in the stash: a decision to upload anyway commits it from there.
            resume->stage = QStringLiteral("stashed");
            resume->filekey = a.filekey;
            resume->offset = resume->size;
            save(request, *resume);
        } else if (resume) {
            save(request, Resume{});
        }
        return o;
    }
    default:
        o.state = TargetState::Failed;
        o.transient = true;
        o.message =
            tr("%1 gave an answer Gatehouse does not understand for %2: %3")
                .arg(m_client->apiText(), request.label,
                     QString::fromUtf8(QJsonDocument(answer.json).toJson(QJsonDocument::Compact)).left(300));
        return o;
    }
}

Result<QList<VerifyResult>> MediaWikiTarget::verify(const QList<VerifyQuery> &queries)
{
    QStringList names;
    for (const VerifyQuery &q : queries) {
        if (!names.contains(q.name))
            names.append(q.name);
    }
    QHash<QString, std::optional<RemoteObject>> found;
    QHash<QString, QString> normalized;
    if (Status s = queryNames(names, {}, &found, &normalized, nullptr); !s)
        return s.error();
    QList<VerifyResult> results;
    for (const VerifyQuery &q : queries) {
        VerifyResult r;
        r.found = found.value(q.name);
        const QString where =
            QStringLiteral("File:%1 on %2").arg(normalized.value(q.name, q.name), m_client->apiText());
        if (!r.found || r.found->sha1.isEmpty()) {
            r.message = tr("%1 is missing after the upload.").arg(where);
        } else if (!r.found->holds(q.digests, q.size) ||
                   (!q.digests.sha1.isEmpty() &&
                    r.found->sha1.compare(q.digests.sha1, Qt::CaseInsensitive) != 0)) {
            r.message =
                tr("%1 holds other bytes than were sent: %2 bytes with SHA-1 %3, expected %4 bytes with "
                   "SHA-1 %5.")
                    .arg(where)
                    .arg(r.found->size)
                    .arg(r.found->sha1)
                    .arg(q.size)
                    .arg(q.digests.sha1);
        } else {
            r.matches = true;
        }
        results.append(r);
    }
    return results;
}

Status MediaWikiTarget::remove(const QString &name, const QString &reason)
{
    ApiCall call;
    call.post = true;
    call.fields = {{QStringLiteral("action"), QStringLiteral("delete")},
                   {QStringLiteral("title"), QStringLiteral("File:") + name},
                   {QStringLiteral("reason"), reason}};
    auto answer = m_client->write(call);
    if (!answer)
        return answer.error();
    if (answer->verdict == MediaWikiApi::Verdict::ApiFailure && answer->error->code != u"missingtitle")
        // An account without the right to delete (most bots) is told apart from a failure to reach the wiki.
        return Error{answer->error->code == u"permissiondenied" ? ErrorCode::Usage : ErrorCode::Network,
                     tr("Cannot delete File:%1 from %2: %3 (%4).")
                         .arg(name, m_client->apiText(), answer->error->info, answer->error->code)};
    QMutexLocker lock(&m_cacheMutex);
    m_byName.remove(name);
    for (auto &list : m_bySha1)
        list.removeIf([&](const RemoteObject &o) { return o.name == name; });
    if (const QString sha1 = m_listedSha1.take(name); !sha1.isEmpty())
        m_listed[sha1].removeIf([&](const RemoteObject &o) { return o.name == name; });
    return {};
}

} // namespace gh
