#include "s3target.h"

#include <QBuffer>
#include <QThreadPool>
#include <QXmlStreamReader>

#include "digest/multidigest.h"
#include "localtarget.h"
#include "nametemplate.h"
#include "store/s3client.h"
#include "store/s3store.h"
#include "store/storekey.h"
#include "streamhash.h"

namespace gh {

namespace {

const QByteArray s_metaSha256 = QByteArrayLiteral("x-amz-meta-gatehouse-sha256");

QString unquoted(const QByteArray &etag)
{
    QByteArray e = etag.trimmed();
    if (e.startsWith("W/"))
        e = e.mid(2);
    if (e.size() >= 2 && e.startsWith('"') && e.endsWith('"'))
        e = e.mid(1, e.size() - 2);
    return QString::fromLatin1(e).toLower();
}

bool isPlainMd5(const QString &etag)
{
    if (etag.size() != 32)
        return false;
    return std::all_of(etag.cbegin(), etag.cend(), [](QChar c) { return isxdigit(c.toLatin1()); });
}

//! A device that hashes what is written to it and keeps nothing.
class HashSink final : public QIODevice
{
public:
    explicit HashSink(const std::function<void(const char *, qint64)> &consume)
        : m_consume(consume)
    {
        open(QIODevice::WriteOnly);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        m_consume(data, size);
        return size;
    }

private:
    std::function<void(const char *, qint64)> m_consume;
};

} // namespace

S3Target::S3Target(const TargetOptions &targetOptions)
    : m_keyTemplate(targetOptions.keyTemplate)
    , m_jobs(std::max(1, targetOptions.jobs))
{}

S3Target::~S3Target() = default;

Result<std::unique_ptr<Target>> S3Target::open(const QString &spec, const TargetOptions &options,
                                               const QProcessEnvironment &environment,
                                               const QString &stagingDir)
{
    auto s3 = S3Options::fromSpec(spec);
    if (!s3)
        return s3.error();
    if (!stagingDir.isEmpty())
        s3->stagingDir = stagingDir;
    if (Status s = s3->applyEnvironment(environment); !s)
        return s.error();
    if (environment.value(QStringLiteral("GATEHOUSE_S3_KEYCHAIN")) != u"0")
        s3->loadSecretFromKeychain();
    std::unique_ptr<S3Target> target(new S3Target(options));
    S3Target *self = target.get();
    s3->observer = [self](const S3RequestEvent &event) { return self->observe(event); };
    auto store = S3Store::open(*s3);
    if (!store)
        return store.error();
    target->m_store = std::move(*store);
    target->m_client = std::make_unique<S3Client>(s3->withDefaults());
    target->m_spec = target->m_store->displayName();
    return std::unique_ptr<Target>(std::move(target));
}

Result<QString> S3Target::nameFor(const TemplateFields &fields, const NameTemplate *custom) const
{
    return keyNameFor(fields, custom, m_keyTemplate);
}

Result<std::optional<RemoteObject>> S3Target::head(const QString &name)
{
    if (Status s = StoreKey::validate(name); !s)
        return s.error();
    S3Client::Request request;
    request.method = "HEAD";
    request.objectKey = m_store->objectKey(name);
    auto response = m_client->send(request);
    if (!response)
        return response.error();
    if (response->status == 404)
        return std::optional<RemoteObject>();
    if (!response->isSuccess())
        return m_client->failure(tr("Cannot look up %1").arg(m_client->describe(request.objectKey)),
                                 *response);
    RemoteObject object;
    object.name = name;
    bool ok = false;
    const qint64 length = response->header("content-length").toLongLong(&ok);
    object.size = ok ? length : -1;
    object.sha256 = QString::fromLatin1(response->header(s_metaSha256.constData())).trimmed().toLower();
    const QString etag = unquoted(response->header("etag"));
    if (isPlainMd5(etag))
        object.md5 = etag;
    object.mimetype = QString::fromLatin1(response->header("content-type"));
    object.uploaded =
        QDateTime::fromString(QString::fromLatin1(response->header("last-modified")), Qt::RFC2822Date);
    object.url = QString::fromLatin1(m_client->url(request.objectKey));
    object.reported = QJsonObject{{QStringLiteral("etag"), etag},
                                  {QStringLiteral("content_length"), object.size},
                                  {QStringLiteral("sha256_metadata"), object.sha256}};
    return std::optional<RemoteObject>(object);
}

Result<RemoteObject> S3Target::readBack(const QString &name, RemoteObject object)
{
    MultiDigest digest;
    HashSink sink([&](const char *data, qint64 size) { digest.add(data, size); });
    S3Client::Request request;
    request.method = "GET";
    request.objectKey = m_store->objectKey(name);
    request.sink = &sink;
    auto response = m_client->send(request);
    if (!response)
        return response.error();
    if (!response->isSuccess())
        return m_client->failure(tr("Cannot read back %1").arg(m_client->describe(request.objectKey)),
                                 *response);
    const qint64 bytes = digest.bytes();
    const Digests digests = digest.finish();
    object.size = bytes;
    object.sha256 = digests.sha256;
    object.sha1 = digests.sha1;
    object.md5 = digests.md5;
    object.reported.insert(QStringLiteral("read_back"), true);
    return object;
}

Result<QHash<QString, std::optional<RemoteObject>>>
S3Target::headMany(const QStringList &names, const std::shared_ptr<std::atomic_bool> &cancel)
{
    QHash<QString, std::optional<RemoteObject>> found;
    QStringList unknown;
    {
        QMutexLocker lock(&m_cacheMutex);
        for (const QString &name : names) {
            if (m_byName.contains(name))
                found.insert(name, m_byName.value(name));
            else if (!unknown.contains(name))
                unknown.append(name);
        }
    }
    std::vector<std::optional<Result<std::optional<RemoteObject>>>> heads(size_t(unknown.size()));
    QThreadPool pool;
    pool.setMaxThreadCount(std::clamp(int(unknown.size()), 1, 8));
    for (qsizetype i = 0; i < unknown.size(); ++i) {
        pool.start([&, i] {
            if (cancel && cancel->load())
                heads[size_t(i)] =
                    Error{ErrorCode::Cancelled, tr("The look-up in %1 was cancelled.").arg(m_spec)};
            else
                heads[size_t(i)] = head(unknown[i]);
        });
    }
    pool.waitForDone();
    QMutexLocker lock(&m_cacheMutex);
    for (qsizetype i = 0; i < unknown.size(); ++i) {
        if (!*heads[size_t(i)])
            return heads[size_t(i)]->error();
        found.insert(unknown[i], heads[size_t(i)]->value());
        m_byName.insert(unknown[i], heads[size_t(i)]->value());
    }
    return found;
}

Status S3Target::listOnce(const std::shared_ptr<std::atomic_bool> &cancel)
{
    {
        QMutexLocker lock(&m_cacheMutex);
        if (m_listed)
            return {};
    }
    // A bucket with more objects than this is not listed: look-ups then find bytes under our names only.
    constexpr int maxObjects = 200000;
    const QString prefix = m_store->objectKey(QStringLiteral("x")).chopped(1);
    QHash<QString, QList<RemoteObject>> byMd5;
    QString token;
    int objects = 0;
    bool tooLarge = false;
    do {
        if (cancel && cancel->load())
            return Error{ErrorCode::Cancelled, tr("The look-up in %1 was cancelled.").arg(m_spec)};
        S3Client::Request request;
        request.method = "GET";
        request.query = {{"list-type", "2"}, {"max-keys", "1000"}};
        if (!prefix.isEmpty())
            request.query.append({"prefix", prefix.toUtf8()});
        if (!token.isEmpty())
            request.query.append({"continuation-token", token.toUtf8()});
        auto response = m_client->send(request);
        if (!response)
            return response.error();
        if (!response->isSuccess())
            return m_client->failure(tr("Cannot list %1").arg(m_spec), *response);
        token.clear();
        QXmlStreamReader xml(response->body);
        RemoteObject object;
        while (!xml.atEnd()) {
            const auto t = xml.readNext();
            if (t == QXmlStreamReader::StartElement) {
                if (xml.name() == u"Contents")
                    object = RemoteObject{};
                else if (xml.name() == u"Key")
                    object.name = xml.readElementText().mid(prefix.size());
                else if (xml.name() == u"ETag")
                    object.md5 = unquoted(xml.readElementText().toUtf8());
                else if (xml.name() == u"Size")
                    object.size = xml.readElementText().toLongLong();
                else if (xml.name() == u"LastModified")
                    object.uploaded = QDateTime::fromString(xml.readElementText(), Qt::ISODateWithMs);
                else if (xml.name() == u"NextContinuationToken")
                    token = xml.readElementText();
            } else if (t == QXmlStreamReader::EndElement && xml.name() == u"Contents") {
                ++objects;
                if (isPlainMd5(object.md5)) {
                    object.url = QString::fromLatin1(m_client->url(m_store->objectKey(object.name)));
                    byMd5[object.md5].append(object);
                }
            }
        }
        if (objects > maxObjects) {
            tooLarge = true;
            byMd5.clear();
            break;
        }
    } while (!token.isEmpty());
    QMutexLocker lock(&m_cacheMutex);
    m_listed = true;
    m_listTooLarge = tooLarge;
    m_byMd5 = byMd5;
    return {};
}

void S3Target::forget(const QString &name)
{
    QMutexLocker lock(&m_cacheMutex);
    m_byName.remove(name);
    for (auto &list : m_byMd5)
        list.removeIf([&](const RemoteObject &o) { return o.name == name; });
}

Result<QList<LookupAnswer>> S3Target::lookup(const QList<LookupQuery> &queries,
                                             const std::shared_ptr<std::atomic_bool> &cancel)
{
    QStringList names;
    QHash<QString, QString> problems;
    for (const LookupQuery &query : queries) {
        if (query.name.isEmpty())
            continue;
        if (Status s = StoreKey::validate(query.name); !s)
            problems.insert(query.name, s.error().message);
        else
            names.append(query.name);
    }
    auto found = headMany(names, cancel);
    if (!found)
        return found.error();
    if (Status s = listOnce(cancel); !s)
        return s.error();
    QMutexLocker lock(&m_cacheMutex);
    QList<LookupAnswer> answers;
    for (const LookupQuery &query : queries) {
        LookupAnswer answer;
        answer.normalizedName = query.name;
        answer.nameProblem = problems.value(query.name);
        answer.named = found->value(query.name);
        answer.sameBytes = m_byMd5.value(query.digests.md5.toLower());
        if (answer.named && answer.named->holds(query.digests, query.size) &&
            std::none_of(answer.sameBytes.cbegin(), answer.sameBytes.cend(),
                         [&](const RemoteObject &o) { return o.name == query.name; })) {
            answer.sameBytes.append(*answer.named);
        }
        answers.append(answer);
    }
    return answers;
}

UploadOutcome S3Target::upload(const UploadRequest &request)
{
    UploadOutcome outcome;
    outcome.name = request.name;
    const QString what = m_client->describe(m_store->objectKey(request.name));
    auto fail = [&](const Error &error) {
        outcome.cancelled = error.code == ErrorCode::Cancelled;
        outcome.state = outcome.cancelled ? TargetState::Pending : TargetState::Failed;
        outcome.transient = error.code == ErrorCode::Network;
        outcome.message = error.message;
        return outcome;
    };
    auto existing = head(request.name);
    if (!existing)
        return fail(existing.error());
    if (*existing) {
        if ((*existing)->holds(request.source.digests, request.source.size)) {
            outcome.state = TargetState::AlreadyThere;
            outcome.stored = *existing;
            outcome.message = tr("%1 already holds these bytes.").arg(what);
            return outcome;
        }
        if (!request.ignoreWarnings) {
            outcome.state = TargetState::NeedsDecision;
            outcome.stored = *existing;
            outcome.reported = QJsonObject{{QStringLiteral("warning"), QStringLiteral("exists")},
                                           {QStringLiteral("existing"), (*existing)->toJson()}};
            outcome.message = tr("%1 already exists with other content.").arg(what);
            return outcome;
        }
    }

    // The store's writer spools the bytes and checks them before anything leaves the machine; its commit
    // uploads in one PUT or in parts that a later run continues.
    auto writer = m_store->beginWrite();
    if (!writer)
        return fail(writer.error());
    auto device = request.source.openDevice();
    if (!device)
        return fail(device.error());
    const qint64 total = request.source.size;
    auto copied = StreamHash::run(
        **device, request.label, [&](const char *data, qint64 size) { return (*writer)->write(data, size); },
        {}, request.cancel);
    if (!copied) {
        (*writer)->abort();
        return fail(copied.error());
    }
    RemoteObject sent;
    sent.sha256 = copied->digests.sha256;
    sent.size = copied->bytes;
    if (!sent.holds(request.source.digests, total)) {
        (*writer)->abort();
        return fail(
            Error{ErrorCode::Corrupt,
                  tr("%1 changed since it was stored (sha256 %2, expected %3); nothing was sent to %4.")
                      .arg(request.label, copied->digests.sha256, request.source.digests.sha256, what)});
    }
    {
        QMutexLocker lock(&m_watchMutex);
        m_watched.insert(m_store->objectKey(request.name), Watch{request.progress, request.cancel, 0, total});
    }
    const Status committed = (*writer)->commit(request.name, copied->digests);
    {
        QMutexLocker lock(&m_watchMutex);
        m_watched.remove(m_store->objectKey(request.name));
    }
    if (!committed) {
        (*writer)->abort();
        return fail(committed.error());
    }
    if (request.progress)
        request.progress(total, total);
    forget(request.name);
    outcome.state = TargetState::Uploaded;
    sent.name = request.name;
    sent.sha1 = copied->digests.sha1;
    sent.md5 = copied->digests.md5;
    sent.url = QString::fromLatin1(m_client->url(m_store->objectKey(request.name)));
    sent.uploaded = QDateTime::currentDateTimeUtc();
    outcome.stored = sent;
    outcome.reported = sent.toJson();
    return outcome;
}

bool S3Target::observe(const S3RequestEvent &event)
{
    QMutexLocker lock(&m_watchMutex);
    auto it = m_watched.find(event.objectKey);
    if (it == m_watched.end())
        return true;
    const bool isPart = event.method == "PUT" && event.httpStatus >= 200 && event.httpStatus < 300;
    if (isPart) {
        it->sent = std::min(it->total, it->sent + event.bodySize);
        if (it->progress)
            it->progress(it->sent, it->total);
    }
    return !(it->cancel && it->cancel->load());
}

Result<QList<VerifyResult>> S3Target::verify(const QList<VerifyQuery> &queries)
{
    QList<VerifyResult> results;
    for (const VerifyQuery &query : queries) {
        VerifyResult result;
        const QString what = m_client->describe(m_store->objectKey(query.name));
        auto found = head(query.name);
        if (!found)
            return found.error();
        if (!*found) {
            result.message = tr("%1 is missing.").arg(what);
            results.append(result);
            continue;
        }
        RemoteObject object = **found;
        // The ETag of a single-part object is its md5 as the server computed it: the strongest check a HEAD
        // can give. Objects without it or our sha256 metadata are read back.
        if (object.md5.isEmpty() && object.sha256.isEmpty()) {
            auto read = readBack(query.name, object);
            if (!read)
                return read.error();
            object = *read;
        }
        result.found = object;
        const bool md5Differs = !object.md5.isEmpty() && !query.digests.md5.isEmpty() &&
                                object.md5.compare(query.digests.md5, Qt::CaseInsensitive) != 0;
        if (md5Differs || !object.holds(query.digests, query.size)) {
            result.message =
                tr("%1 differs from what was sent: %2 bytes (md5 %3, sha256 %4), expected %5 bytes "
                   "(md5 %6, sha256 %7).")
                    .arg(what)
                    .arg(object.size)
                    .arg(object.md5.isEmpty() ? QStringLiteral("-") : object.md5,
                         object.sha256.isEmpty() ? QStringLiteral("-") : object.sha256)
                    .arg(query.size)
                    .arg(query.digests.md5, query.digests.sha256);
        } else {
            result.matches = true;
        }
        results.append(result);
    }
    return results;
}

Status S3Target::remove(const QString &name, const QString &reason)
{
    Q_UNUSED(reason) // S3 keeps no reason; the catalog records the deletion with it
    forget(name);
    return m_store->remove(name);
}

} // namespace gh
