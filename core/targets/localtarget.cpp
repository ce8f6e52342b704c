#include "localtarget.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "nametemplate.h"
#include "store/localstore.h"
#include "store/storekey.h"
#include "streamhash.h"

namespace gh {

Result<QString> keyNameFor(const TemplateFields &fields, const NameTemplate *custom,
                           const QString &keyTemplate)
{
    QString key;
    if (custom && !custom->isEmpty()) {
        key = custom->expand(fields);
    } else if (!keyTemplate.isEmpty()) {
        auto parsed = NameTemplate::parse(keyTemplate);
        if (!parsed)
            return parsed.error();
        key = parsed->expand(fields);
    } else {
        key = fields.value(QStringLiteral("stored_key"));
    }
    if (key.isEmpty()) {
        return Error{ErrorCode::Invalid,
                     QCoreApplication::translate("gh::Target", "%1 has no name on the target: it was never "
                                                               "stored, or the key template gives nothing.")
                         .arg(fields.value(QStringLiteral("path")))};
    }
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    return key;
}

LocalTarget::LocalTarget(QString spec, std::unique_ptr<LocalStore> store, const TargetOptions &options)
    : m_spec(std::move(spec))
    , m_store(std::move(store))
    , m_keyTemplate(options.keyTemplate)
    , m_jobs(std::max(1, options.jobs))
{}

LocalTarget::~LocalTarget() = default;

Result<std::unique_ptr<Target>> LocalTarget::open(const QString &spec, const TargetOptions &options)
{
    const QString dir = spec.mid(spec.indexOf(u':') + 1);
    if (dir.trimmed().isEmpty())
        return Error{ErrorCode::Usage, tr("The target \"%1\" names no folder; write local:DIR.").arg(spec)};
    const QString absolute = QFileInfo(dir).absoluteFilePath();
    LocalStore::Options storeOptions;
    storeOptions.sync = LocalStore::Sync::EachFile;
    auto store = LocalStore::open(absolute, storeOptions);
    if (!store)
        return store.error();
    // Half-written copies of a run that was killed: they are sent again, never published.
    if (Status s = (*store)->removeStaleTemporaries(); !s)
        return s.error();
    return std::unique_ptr<Target>(
        new LocalTarget(QStringLiteral("local:") + absolute, std::move(*store), options));
}

QString LocalTarget::root() const
{
    return m_store->root();
}

Result<QString> LocalTarget::nameFor(const TemplateFields &fields, const NameTemplate *custom) const
{
    return keyNameFor(fields, custom, m_keyTemplate);
}

Result<std::optional<RemoteObject>> LocalTarget::inspect(const QString &name, bool fresh,
                                                         const std::shared_ptr<std::atomic_bool> &cancel)
{
    if (Status s = StoreKey::validate(name); !s)
        return s.error();
    const QString path = m_store->localPath(name);
    const QFileInfo info(path);
    if (!info.exists() || info.isSymLink() || !info.isFile())
        return std::optional<RemoteObject>();
    const qint64 mtime = info.lastModified().toMSecsSinceEpoch() * 1000000;
    if (!fresh) {
        QMutexLocker lock(&m_cacheMutex);
        const auto it = m_cache.constFind(name);
        if (it != m_cache.cend() && it->size == info.size() && it->mtimeNs == mtime)
            return std::optional<RemoteObject>(it->object);
    }
    auto hashed = StreamHash::file(path, cancel);
    if (!hashed)
        return hashed.error();
    RemoteObject object;
    object.name = name;
    object.size = hashed->bytes;
    object.md5 = hashed->digests.md5;
    object.sha1 = hashed->digests.sha1;
    object.sha256 = hashed->digests.sha256;
    object.uploaded = info.lastModified().toUTC();
    object.url = QUrl::fromLocalFile(path).toString();
    QMutexLocker lock(&m_cacheMutex);
    m_cache.insert(name, Cached{info.size(), mtime, object});
    return std::optional<RemoteObject>(object);
}

Result<QList<LookupAnswer>> LocalTarget::lookup(const QList<LookupQuery> &queries,
                                                const std::shared_ptr<std::atomic_bool> &cancel)
{
    QList<LookupAnswer> answers;
    answers.reserve(queries.size());
    for (const LookupQuery &query : queries) {
        LookupAnswer answer;
        answer.normalizedName = query.name;
        if (!query.name.isEmpty()) {
            if (Status s = StoreKey::validate(query.name); !s) {
                answer.nameProblem = s.error().message;
            } else {
                auto found = inspect(query.name, false, cancel);
                if (!found)
                    return found.error();
                answer.named = *found;
                if (answer.named && answer.named->holds(query.digests, query.size))
                    answer.sameBytes.append(*answer.named);
            }
        }
        answers.append(answer);
    }
    return answers;
}

UploadOutcome LocalTarget::upload(const UploadRequest &request)
{
    UploadOutcome outcome;
    outcome.name = request.name;
    const QString where = QDir::toNativeSeparators(m_store->localPath(request.name));
    auto existing = inspect(request.name, false, request.cancel);
    if (!existing) {
        outcome.cancelled = existing.error().code == ErrorCode::Cancelled;
        outcome.state = outcome.cancelled ? TargetState::Pending : TargetState::Failed;
        outcome.message = existing.error().message;
        return outcome;
    }
    if (*existing) {
        if ((*existing)->holds(request.source.digests, request.source.size)) {
            outcome.state = TargetState::AlreadyThere;
            outcome.stored = *existing;
            outcome.message = tr("%1 already holds these bytes.").arg(where);
            return outcome;
        }
        if (!request.ignoreWarnings) {
            outcome.state = TargetState::NeedsDecision;
            outcome.stored = *existing;
            outcome.reported = QJsonObject{{QStringLiteral("warning"), QStringLiteral("exists")},
                                           {QStringLiteral("existing"), (*existing)->toJson()}};
            outcome.message =
                tr("%1 already exists with other content (sha256 %2).").arg(where, (*existing)->sha256);
            return outcome;
        }
    }

    auto writer = m_store->beginWrite();
    auto device = request.source.openDevice();
    if (!writer || !device) {
        outcome.state = TargetState::Failed;
        outcome.message = !writer ? writer.error().message : device.error().message;
        return outcome;
    }
    auto copied = StreamHash::run(
        **device, request.label, [&](const char *data, qint64 size) { return (*writer)->write(data, size); },
        [&](qint64 done) {
            if (request.progress)
                request.progress(done, request.source.size);
        },
        request.cancel);
    if (!copied) {
        (*writer)->abort();
        outcome.cancelled = copied.error().code == ErrorCode::Cancelled;
        outcome.state = outcome.cancelled ? TargetState::Pending : TargetState::Failed;
        outcome.message = copied.error().message;
        return outcome;
    }
    RemoteObject sent;
    sent.sha256 = copied->digests.sha256;
    sent.sha1 = copied->digests.sha1;
    sent.md5 = copied->digests.md5;
    sent.size = copied->bytes;
    if (!sent.holds(request.source.digests, request.source.size)) {
        (*writer)->abort();
        outcome.state = TargetState::Failed;
        outcome.message = tr("%1 changed since it was stored: %2 bytes with sha256 %3 read, %4 bytes with "
                             "sha256 %5 expected. Nothing was written to %6.")
                              .arg(request.label)
                              .arg(copied->bytes)
                              .arg(copied->digests.sha256)
                              .arg(request.source.size)
                              .arg(request.source.digests.sha256, where);
        return outcome;
    }
    if (Status s = (*writer)->commit(request.name, copied->digests); !s) {
        (*writer)->abort();
        outcome.state = TargetState::Failed;
        outcome.message = s.error().message;
        return outcome;
    }
    {
        QMutexLocker lock(&m_cacheMutex);
        m_cache.remove(request.name);
    }
    outcome.state = TargetState::Uploaded;
    sent.name = request.name;
    sent.url = QUrl::fromLocalFile(m_store->localPath(request.name)).toString();
    sent.uploaded = QDateTime::currentDateTimeUtc();
    outcome.stored = sent;
    outcome.reported = sent.toJson();
    return outcome;
}

Result<QList<VerifyResult>> LocalTarget::verify(const QList<VerifyQuery> &queries)
{
    QList<VerifyResult> results;
    for (const VerifyQuery &query : queries) {
        VerifyResult result;
        auto found = inspect(query.name, true, {});
        if (!found)
            return found.error();
        result.found = *found;
        const QString where = QDir::toNativeSeparators(m_store->localPath(query.name));
        if (!*found) {
            result.message = tr("%1 is missing.").arg(where);
        } else if (!(*found)->holds(query.digests, query.size)) {
            result.message = tr("%1 differs from what was sent: %2 bytes with sha256 %3, expected %4 bytes "
                                "with sha256 %5.")
                                 .arg(where)
                                 .arg((*found)->size)
                                 .arg((*found)->sha256)
                                 .arg(query.size)
                                 .arg(query.digests.sha256);
        } else {
            result.matches = true;
        }
        results.append(result);
    }
    return results;
}

Status LocalTarget::remove(const QString &name, const QString &reason)
{
    Q_UNUSED(reason) // a folder keeps no log; the catalog records the deletion with its reason
    {
        QMutexLocker lock(&m_cacheMutex);
        m_cache.remove(name);
    }
    return m_store->remove(name);
}

} // namespace gh
