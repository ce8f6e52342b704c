#include "s3store.h"

#include <cerrno>
#include <csignal>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScopeGuard>
#include <QTemporaryFile>
#include <QXmlStreamReader>

#include <openssl/evp.h>

#include "digest/multidigest.h"
#include "s3client.h"
#include "spoolfile.h"
#include "storekey.h"
#include "util/logging.h"
#include "util/savefile.h"

namespace gh {

namespace {

const QString s_spoolDir = QStringLiteral("spool");
const QString s_journalDir = QStringLiteral("multipart");
const QByteArray s_metaSha256 = QByteArrayLiteral("x-amz-meta-gatehouse-sha256");
constexpr int s_maxParts = 10000;
constexpr qint64 s_mib = 1024 * 1024;

QByteArray base64OfHex(const QString &hex)
{
    return QByteArray::fromHex(hex.toLatin1()).toBase64();
}

QByteArray unquote(QByteArray etag)
{
    etag = etag.trimmed();
    if (etag.size() >= 2 && etag.startsWith('"') && etag.endsWith('"'))
        etag = etag.mid(1, etag.size() - 2);
    return etag;
}

bool isPlainMd5(const QByteArray &etag)
{
    static const QRegularExpression md5(QStringLiteral("^[0-9a-fA-F]{32}$"));
    return md5.match(QString::fromLatin1(etag)).hasMatch();
}

//! md5 and sha256 of a byte range of a file, as hex.
struct RangeDigest
{
    QString md5;
    QString sha256;
};

Result<RangeDigest> digestRange(const QString &path, qint64 offset, qint64 length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset))
        return Error{
            ErrorCode::Io,
            QCoreApplication::translate("gh::S3Store", "Cannot read %1: %2").arg(path, file.errorString())};
    EVP_MD_CTX *md5 = EVP_MD_CTX_new();
    EVP_MD_CTX *sha256 = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md5, EVP_md5(), nullptr);
    EVP_DigestInit_ex(sha256, EVP_sha256(), nullptr);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 left = length;
    while (left > 0) {
        const qint64 n = file.read(buffer.data(), std::min<qint64>(buffer.size(), left));
        if (n <= 0)
            break;
        EVP_DigestUpdate(md5, buffer.constData(), size_t(n));
        EVP_DigestUpdate(sha256, buffer.constData(), size_t(n));
        left -= n;
    }
    auto finish = [](EVP_MD_CTX *ctx) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        EVP_DigestFinal_ex(ctx, out, &size);
        EVP_MD_CTX_free(ctx);
        return hexDigest(out, size);
    };
    RangeDigest digest{finish(md5), finish(sha256)};
    if (left > 0) {
        return Error{ErrorCode::Io,
                     QCoreApplication::translate("gh::S3Store", "%1 ended early while reading it for upload.")
                         .arg(path)};
    }
    return digest;
}

/*!
    What a commit knows about a multipart upload, saved after every part so that a later process can continue.
*/
struct Journal
{
    struct Part
    {
        QByteArray etag; //!< As the server sent it (quotes included).
        QString md5;
    };
    QString uploadId;
    qint64 partSize = 0;
    QMap<int, Part> parts;
};

bool loadJournal(const QString &path, const QString &bucket, const QString &objectKey, const QString &sha256,
                 qint64 size, Journal *journal)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    if (o.value(u"version").toInt() != 1 || o.value(u"bucket").toString() != bucket ||
        o.value(u"key").toString() != objectKey || o.value(u"sha256").toString() != sha256 ||
        o.value(u"size").toInteger() != size || o.value(u"upload_id").toString().isEmpty() ||
        o.value(u"part_size").toInteger() < 5 * s_mib)
        return false;
    journal->uploadId = o.value(u"upload_id").toString();
    journal->partSize = o.value(u"part_size").toInteger();
    journal->parts.clear();
    const QJsonArray parts = o.value(u"parts").toArray();
    for (const QJsonValue &value : parts) {
        const QJsonObject part = value.toObject();
        const int number = part.value(u"number").toInt();
        const QByteArray etag = part.value(u"etag").toString().toLatin1();
        if (number >= 1 && number <= s_maxParts && !etag.isEmpty())
            journal->parts.insert(number, {etag, part.value(u"md5").toString()});
    }
    return true;
}

Status saveJournal(const QString &path, const QString &bucket, const QString &objectKey,
                   const QString &sha256, qint64 size, const Journal &journal)
{
    QJsonArray parts;
    for (auto it = journal.parts.cbegin(); it != journal.parts.cend(); ++it) {
        parts.append(QJsonObject{{QStringLiteral("number"), it.key()},
                                 {QStringLiteral("etag"), QString::fromLatin1(it->etag)},
                                 {QStringLiteral("md5"), it->md5}});
    }
    const QJsonObject o{{QStringLiteral("version"), 1},
                        {QStringLiteral("bucket"), bucket},
                        {QStringLiteral("key"), objectKey},
                        {QStringLiteral("sha256"), sha256},
                        {QStringLiteral("size"), size},
                        {QStringLiteral("upload_id"), journal.uploadId},
                        {QStringLiteral("part_size"), journal.partSize},
                        {QStringLiteral("parts"), parts}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(o).toJson()) < 0 ||
        !SaveFile::commit(file)) {
        return Error{ErrorCode::Io, QCoreApplication::translate(
                                        "gh::S3Store", "Cannot record the progress of the upload of %1 in "
                                                       "%2: %3")
                                        .arg(objectKey, path, SaveFile::failure(file))};
    }
    return {};
}

//! The text of the first element named \a name in \a xml.
QString xmlValue(const QByteArray &xml, QStringView name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == name)
            return reader.readElementText().trimmed();
    }
    return {};
}

//! A HEAD of \a objectKey: the answer, nothing when there is no such object, or the failure.
Result<std::optional<S3Client::Response>> headObject(S3Client &client, const QString &objectKey)
{
    S3Client::Request request;
    request.method = "HEAD";
    request.objectKey = objectKey;
    auto response = client.send(request);
    if (!response)
        return response.error();
    if (response->status == 404)
        return std::optional<S3Client::Response>();
    if (!response->isSuccess()) {
        return client.failure(
            QCoreApplication::translate("gh::S3Store", "Cannot look up %1").arg(client.describe(objectKey)),
            *response);
    }
    return std::optional<S3Client::Response>(std::move(*response));
}

// After a failed verification: what the server holds is not what we meant to store.
void removeQuietly(S3Client &client, const QString &objectKey)
{
    S3Client::Request request;
    request.method = "DELETE";
    request.objectKey = objectKey;
    (void)client.send(request);
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

class S3Store::Writer final : public StoreWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::S3Store)

public:
    Writer(S3Store *store, std::unique_ptr<SpoolFile> spool)
        : m_store(store)
        , m_spool(std::move(spool))
    {}

    Status write(const char *data, qint64 size) override
    {
        if (!m_spool)
            return finished();
        return m_spool->write(data, size);
    }

    Status commit(const QString &key, const Digests &expected) override
    {
        if (!m_spool)
            return finished();
        if (Status s = StoreKey::validate(key); !s)
            return s;
        // Hash the spool as it is on disk — resumed bytes included — so wrong bytes never leave the machine.
        // One lane: replayed chunks live only for the call.
        MultiDigest digest;
        if (Status s = m_spool->replay([&](const char *data, qint64 size) { digest.add(data, size); }); !s)
            return s;
        const Digests actual = digest.finish();
        const std::pair<const char *, std::pair<QString, QString>> checks[] = {
            {"md5", {expected.md5, actual.md5}},
            {"sha1", {expected.sha1, actual.sha1}},
            {"sha256", {expected.sha256, actual.sha256}}};
        for (const auto &[name, values] : checks) {
            if (!values.first.isEmpty() && values.first.compare(values.second, Qt::CaseInsensitive) != 0) {
                return Error{
                    ErrorCode::Corrupt,
                    tr("The bytes for %1 do not match: %2 is %3, expected %4. Nothing was uploaded to %5.")
                        .arg(key, QString::fromLatin1(name), values.second, values.first,
                             m_store->displayName())};
            }
        }
        if (Status s = m_store->upload(key, m_spool->path(), m_spool->size(), actual); !s)
            return s; // the spool stays until abort(), so the caller may try again
        m_spool->remove();
        m_spool.reset();
        return {};
    }

    void abort() override
    {
        if (m_spool)
            m_spool->remove();
        m_spool.reset();
    }

    qint64 written() const override { return m_spool ? m_spool->size() : 0; }
    Status truncate() override { return m_spool ? m_spool->truncate() : finished(); }
    Status replay(const std::function<void(const char *, qint64)> &consumer) const override
    {
        return m_spool ? m_spool->replay(consumer) : finished();
    }
    QJsonObject resumeState() const override { return m_spool ? m_spool->state() : QJsonObject(); }
    Status setResumeState(const QJsonObject &state) override
    {
        return m_spool ? m_spool->setState(state) : finished();
    }

private:
    static Error finished()
    {
        return Error{ErrorCode::Usage, tr("The object was already committed or aborted.")};
    }

    S3Store *m_store;
    std::unique_ptr<SpoolFile> m_spool;
};

// ---------------------------------------------------------------------------------------------------------------

S3Store::S3Store(const S3Options &options)
    : m_client(std::make_unique<S3Client>(options))
{}

S3Store::~S3Store() = default;

Result<std::unique_ptr<S3Store>> S3Store::open(const S3Options &options)
{
    const S3Options complete = options.withDefaults();
    if (Status s = complete.validate(); !s)
        return s.error();
    QDir staging(complete.stagingDir);
    if (!staging.mkpath(s_spoolDir) || !staging.mkpath(s_journalDir)) {
        return Error{
            ErrorCode::Io,
            tr("Cannot create the S3 staging folder %1.").arg(QDir::toNativeSeparators(complete.stagingDir))};
    }
    return std::unique_ptr<S3Store>(new S3Store(complete));
}

const S3Options &S3Store::options() const
{
    return m_client->options();
}

QString S3Store::displayName() const
{
    QString name = QStringLiteral("s3://") + options().bucket;
    const QString prefix = options().normalizedPrefix();
    if (!prefix.isEmpty())
        name += u'/' + prefix.chopped(1);
    return name;
}

QString S3Store::objectKey(const QString &key) const
{
    return options().normalizedPrefix() + key;
}

QString S3Store::journalDir() const
{
    return QDir(options().stagingDir).filePath(s_journalDir);
}

QString S3Store::localPath(const QString &key) const
{
    Q_UNUSED(key);
    return {};
}

Result<std::unique_ptr<StoreWriter>> S3Store::beginWrite()
{
    return beginResumableWrite({});
}

Result<std::unique_ptr<StoreWriter>> S3Store::beginResumableWrite(const QString &token)
{
    auto spool = SpoolFile::open(QDir(options().stagingDir).filePath(s_spoolDir), token);
    if (!spool)
        return spool.error();
    return std::unique_ptr<StoreWriter>(new Writer(this, std::move(*spool)));
}

bool S3Store::hasResumableWrite(const QString &token) const
{
    return SpoolFile::hasResumable(QDir(options().stagingDir).filePath(s_spoolDir), token);
}

Status S3Store::flush()
{
    // An object is durable once the server acknowledged it: nothing is left to flush.
    return {};
}

Status S3Store::upload(const QString &key, const QString &spoolPath, qint64 size, const Digests &actual)
{
    const QString object = objectKey(key);
    if (size < options().multipartThreshold)
        return putSingle(object, spoolPath, size, actual);
    return putMultipart(object, spoolPath, size, actual);
}

Status S3Store::putSingle(const QString &objectKey, const QString &spoolPath, qint64 size,
                          const Digests &actual)
{
    S3Client::Request request;
    request.method = "PUT";
    request.objectKey = objectKey;
    request.bodyFile = spoolPath;
    request.bodyLength = size;
    request.payloadHash = actual.sha256.toLatin1();
    // The server checks the body against all three before it stores anything.
    request.headers = {{"Content-Type", "application/octet-stream"},
                       {"Content-MD5", base64OfHex(actual.md5)},
                       {"x-amz-checksum-sha256", base64OfHex(actual.sha256)},
                       {s_metaSha256, actual.sha256.toLatin1()}};
    auto response = m_client->send(request);
    if (!response)
        return response.error();
    if (!response->isSuccess())
        return m_client->failure(tr("Cannot upload %1").arg(m_client->describe(objectKey)), *response);

    // Servers that ignore Content-MD5 (s3rver) still report the md5 of what they stored as the ETag.
    const QByteArray etag = unquote(response->header("etag"));
    if (isPlainMd5(etag) && QString::fromLatin1(etag).compare(actual.md5, Qt::CaseInsensitive) != 0) {
        removeQuietly(*m_client, objectKey);
        return Error{ErrorCode::Corrupt,
                     tr("The store received different bytes for %1 (its md5 is %2, ours %3); "
                        "the object was removed.")
                         .arg(m_client->describe(objectKey), QString::fromLatin1(etag), actual.md5)};
    }
    qCDebug(lcStore).noquote() << "uploaded" << m_client->describe(objectKey) << size << "bytes";
    return {};
}

void S3Store::lockJournal(const QString &name)
{
    QMutexLocker locker(&m_journalMutex);
    while (m_busyJournals.contains(name))
        m_journalReleased.wait(&m_journalMutex);
    m_busyJournals.insert(name);
}

void S3Store::unlockJournal(const QString &name)
{
    QMutexLocker locker(&m_journalMutex);
    m_busyJournals.remove(name);
    m_journalReleased.wakeAll();
}

Status S3Store::putMultipart(const QString &objectKey, const QString &spoolPath, qint64 size,
                             const Digests &actual)
{
    const QString what = m_client->describe(objectKey);
    const S3Options &o = options();
    // One journal per endpoint, bucket, key and content: the same bytes under the same key continue where an
    // earlier process stopped; anything else starts a new upload.
    const QString name = QString::fromLatin1(SigV4::sha256Hex(
        QString(o.endpoint.toString() + u'\n' + o.bucket + u'\n' + objectKey + u'\n' + actual.sha256)
            .toUtf8()));
    const QString journalPath = QDir(journalDir()).filePath(name + u".json");

    lockJournal(name);
    auto unlock = qScopeGuard([&] { unlockJournal(name); });
    QLockFile processLock(journalPath + u".lock");
    processLock.setStaleLockTime(0); // a live upload may take hours; only a dead owner makes the lock stale
    if (!processLock.tryLock(10 * 60 * 1000)) {
        return Error{ErrorCode::Io,
                     tr("Another process has been uploading %1 for more than ten minutes; try again later.")
                         .arg(what)};
    }

    Journal journal;
    bool resumed = false;
    if (loadJournal(journalPath, o.bucket, objectKey, actual.sha256, size, &journal)) {
        resumed = true;
        // Ask the server which parts it really has; servers without ListParts (s3rver) leave us the journal.
        QMap<int, std::pair<QByteArray, qint64>> listed;
        bool listingWorked = true;
        bool uploadGone = false;
        QString marker;
        for (;;) {
            S3Client::Request request;
            request.method = "GET";
            request.objectKey = objectKey;
            request.query = {{"uploadId", journal.uploadId.toUtf8()}, {"max-parts", "1000"}};
            if (!marker.isEmpty())
                request.query.append({"part-number-marker", marker.toUtf8()});
            auto response = m_client->send(request);
            if (!response)
                return response.error();
            if (response->status == 404 || response->errorCode == u"NoSuchUpload") {
                uploadGone = true;
                break;
            }
            // s3rver answers 405, some gateways 501, and a key without s3:ListMultipartUploadParts 403.
            if (response->status == 405 || response->status == 501 || response->status == 403 ||
                response->errorCode == u"NotImplemented" || response->errorCode == u"MethodNotAllowed") {
                listingWorked = false;
                break;
            }
            if (!response->isSuccess()) {
                return m_client->failure(tr("Cannot list the uploaded parts of %1").arg(what), *response);
            }
            QXmlStreamReader xml(response->body);
            int number = 0;
            QByteArray etag;
            qint64 partSize = -1;
            bool truncated = false;
            QString next;
            while (!xml.atEnd()) {
                const auto token = xml.readNext();
                if (token == QXmlStreamReader::StartElement) {
                    if (xml.name() == u"PartNumber")
                        number = xml.readElementText().toInt();
                    else if (xml.name() == u"ETag")
                        etag = xml.readElementText().toLatin1();
                    else if (xml.name() == u"Size")
                        partSize = xml.readElementText().toLongLong();
                    else if (xml.name() == u"IsTruncated")
                        truncated = xml.readElementText().trimmed() == u"true";
                    else if (xml.name() == u"NextPartNumberMarker")
                        next = xml.readElementText().trimmed();
                } else if (token == QXmlStreamReader::EndElement && xml.name() == u"Part") {
                    listed.insert(number, {unquote(etag), partSize});
                    number = 0;
                    etag.clear();
                    partSize = -1;
                }
            }
            if (!truncated || next.isEmpty() || next == marker)
                break;
            marker = next;
        }
        if (uploadGone) {
            qCInfo(lcStore).noquote()
                << "the server no longer knows the interrupted upload of" << what << "- starting over";
            journal = Journal{};
            resumed = false;
        } else if (listingWorked) {
            for (auto it = journal.parts.begin(); it != journal.parts.end();) {
                const qint64 expectedSize =
                    std::min(journal.partSize, size - (it.key() - 1) * journal.partSize);
                const auto server = listed.constFind(it.key());
                if (server == listed.cend() || server->first != unquote(it->etag) ||
                    server->second != expectedSize)
                    it = journal.parts.erase(it);
                else
                    ++it;
            }
        }
    }

    for (int round = 0;; ++round) {
        if (journal.uploadId.isEmpty()) {
            journal = Journal{};
            // Keep within S3's 10,000 parts, in whole MiB.
            const qint64 minimum = (size + s_maxParts - 1) / s_maxParts;
            journal.partSize = std::max(o.partSize, (minimum + s_mib - 1) / s_mib * s_mib);
            S3Client::Request request;
            request.method = "POST";
            request.objectKey = objectKey;
            request.query = {{"uploads", {}}};
            request.headers = {{"Content-Type", "application/octet-stream"},
                               {s_metaSha256, actual.sha256.toLatin1()}};
            auto response = m_client->send(request);
            if (!response)
                return response.error();
            if (!response->isSuccess())
                return m_client->failure(tr("Cannot start the upload of %1").arg(what), *response);
            journal.uploadId = xmlValue(response->body, u"UploadId");
            if (journal.uploadId.isEmpty()) {
                return Error{ErrorCode::Network,
                             tr("Cannot start the upload of %1: the server sent no upload id (endpoint %2).")
                                 .arg(what, m_client->endpointText())};
            }
            if (Status s = saveJournal(journalPath, o.bucket, objectKey, actual.sha256, size, journal); !s)
                return s;
        }

        const int partCount = int((size + journal.partSize - 1) / journal.partSize);
        if (resumed) {
            qCInfo(lcStore).noquote() << "continuing the upload of" << what << "-" << journal.parts.size()
                                      << "of" << partCount << "parts are already stored";
        }
        bool uploadGone = false;
        bool atCompletion = false;
        Status status;
        for (int number = 1; number <= partCount && status; ++number) {
            if (journal.parts.contains(number))
                continue;
            const qint64 offset = qint64(number - 1) * journal.partSize;
            const qint64 length = std::min(journal.partSize, size - offset);
            auto digest = digestRange(spoolPath, offset, length);
            if (!digest)
                return digest.error();
            S3Client::Request request;
            request.method = "PUT";
            request.objectKey = objectKey;
            request.query = {{"partNumber", QByteArray::number(number)},
                             {"uploadId", journal.uploadId.toUtf8()}};
            request.headers = {{"Content-MD5", base64OfHex(digest->md5)}};
            request.bodyFile = spoolPath;
            request.bodyOffset = offset;
            request.bodyLength = length;
            request.payloadHash = digest->sha256.toLatin1();
            auto response = m_client->send(request);
            if (!response)
                return response.error(); // the journal keeps what is done
            if (!response->isSuccess()) {
                uploadGone = response->status == 404 || response->errorCode == u"NoSuchUpload";
                status = m_client->failure(
                    tr("Cannot upload part %1 of %2 of %3").arg(number).arg(partCount).arg(what), *response);
                break;
            }
            const QByteArray etag = response->header("etag");
            if (etag.isEmpty() ||
                (isPlainMd5(unquote(etag)) &&
                 QString::fromLatin1(unquote(etag)).compare(digest->md5, Qt::CaseInsensitive) != 0)) {
                status = Error{ErrorCode::Corrupt,
                               tr("The store received different bytes for part %1 of %2 (ETag %3, md5 %4).")
                                   .arg(number)
                                   .arg(what, QString::fromLatin1(etag), digest->md5)};
                break;
            }
            journal.parts.insert(number, {etag, digest->md5});
            if (Status s = saveJournal(journalPath, o.bucket, objectKey, actual.sha256, size, journal); !s)
                return s;
        }

        if (status) {
            atCompletion = true;
            status = [&]() -> Status {
                QByteArray xml =
                    "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
                QByteArray md5s;
                for (int number = 1; number <= partCount; ++number) {
                    const Journal::Part &part = journal.parts[number];
                    xml += "<Part><PartNumber>" + QByteArray::number(number) + "</PartNumber><ETag>" +
                           QString::fromLatin1(part.etag).toHtmlEscaped().toLatin1() + "</ETag></Part>";
                    md5s += QByteArray::fromHex(part.md5.toLatin1());
                }
                xml += "</CompleteMultipartUpload>";
                S3Client::Request request;
                request.method = "POST";
                request.objectKey = objectKey;
                request.query = {{"uploadId", journal.uploadId.toUtf8()}};
                request.headers = {{"Content-Type", "application/xml"}};
                request.body = xml;
                auto response = m_client->send(request);
                if (!response)
                    return response.error();
                if (!response->isSuccess()) {
                    uploadGone = response->errorCode == u"NoSuchUpload";
                    // A completion whose answer was lost, then retried, finds the upload gone because it
                    // succeeded: the object is there with our sha256.
                    if (uploadGone && holdsObject(objectKey, size, actual.sha256))
                        return {};
                    return m_client->failure(tr("Cannot complete the upload of %1").arg(what), *response);
                }
                // AWS: md5 of the parts' md5s and the part count; s3rver: md5 of the whole object.
                const QByteArray etag = unquote(xmlValue(response->body, u"ETag").toLatin1());
                const QByteArray composite = QCryptographicHash::hash(md5s, QCryptographicHash::Md5).toHex() +
                                             '-' + QByteArray::number(partCount);
                const bool matches =
                    etag.isEmpty() || etag.compare(composite, Qt::CaseInsensitive) == 0 ||
                    QString::fromLatin1(etag).compare(actual.md5, Qt::CaseInsensitive) == 0 ||
                    !(isPlainMd5(etag) || etag.contains('-'));
                if (!matches) {
                    removeQuietly(*m_client, objectKey);
                    return Error{ErrorCode::Corrupt,
                                 tr("The store assembled %1 from different bytes (ETag %2, "
                                    "expected %3 or %4); the object was removed.")
                                     .arg(what, QString::fromLatin1(etag), QString::fromLatin1(composite),
                                          actual.md5)};
                }
                return {};
            }();
        }

        if (status) {
            QFile::remove(journalPath);
            qCDebug(lcStore).noquote() << "uploaded" << what << size << "bytes in" << partCount << "parts";
            return {};
        }
        // An upload we continued may have expired or been aborted on the server: start over once. Failures of
        // a fresh upload, or of a cancelled one, are the caller's to see (and a later commit continues them).
        if (resumed && round == 0 && status.error().code != ErrorCode::Cancelled &&
            (uploadGone || atCompletion)) {
            qCInfo(lcStore).noquote() << "the interrupted upload of" << what
                                      << "cannot be continued; starting over:" << status.error().message;
            S3Client::Request abort;
            abort.method = "DELETE";
            abort.objectKey = objectKey;
            abort.query = {{"uploadId", journal.uploadId.toUtf8()}};
            (void)m_client->send(abort); // best effort; the server expires forgotten uploads
            QFile::remove(journalPath);
            journal = Journal{};
            resumed = false;
            continue;
        }
        if (uploadGone)
            QFile::remove(journalPath);
        return status;
    }
}

bool S3Store::holdsObject(const QString &objectKey, qint64 size, const QString &sha256)
{
    S3Client::Request request;
    request.method = "HEAD";
    request.objectKey = objectKey;
    auto response = m_client->send(request);
    return response && response->isSuccess() && response->header("content-length").toLongLong() == size &&
           QString::fromLatin1(response->header(s_metaSha256.constData()))
                   .compare(sha256, Qt::CaseInsensitive) == 0;
}

Result<bool> S3Store::exists(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    auto found = headObject(*m_client, objectKey(key));
    if (!found)
        return found.error();
    return found->has_value();
}

Result<bool> S3Store::holds(const QString &key, qint64 size, const Digests &digests)
{
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    auto found = headObject(*m_client, objectKey(key));
    if (!found)
        return found.error();
    if (!*found)
        return false;
    const S3Client::Response *response = &**found;
    bool sized = false;
    if (response->header("content-length").toLongLong(&sized) != size || !sized)
        return false;
    const QString sha256 = QString::fromLatin1(response->header(s_metaSha256.constData()));
    if (sha256.isEmpty() || digests.sha256.isEmpty() ||
        sha256.compare(digests.sha256, Qt::CaseInsensitive) != 0)
        return false;
    const QByteArray etag = unquote(response->header("etag"));
    if (isPlainMd5(etag) && !digests.md5.isEmpty() &&
        QString::fromLatin1(etag).compare(digests.md5, Qt::CaseInsensitive) != 0)
        return false;
    return true;
}

Result<std::unique_ptr<QIODevice>> S3Store::read(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s.error();
    auto file = std::make_unique<QTemporaryFile>(
        QDir(options().stagingDir)
            .filePath(s_spoolDir + u'/' + QString::number(QCoreApplication::applicationPid()) +
                      u"-read-XXXXXX.part"));
    if (!file->open()) {
        return Error{
            ErrorCode::Io,
            tr("Cannot create a download file in %1: %2").arg(options().stagingDir, file->errorString())};
    }
    S3Client::Request request;
    request.method = "GET";
    request.objectKey = objectKey(key);
    request.sink = file.get();
    const QString what = m_client->describe(request.objectKey);
    auto response = m_client->send(request);
    if (!response)
        return response.error();
    if (response->status == 404)
        return Error{ErrorCode::NotFound, tr("%1 does not exist in the store.").arg(what)};
    if (!response->isSuccess())
        return m_client->failure(tr("Cannot download %1").arg(what), *response);
    if (!file->flush())
        return Error{ErrorCode::Io,
                     tr("Cannot save the download of %1: %2").arg(what, SaveFile::failure(*file))};

    bool ok = false;
    const qint64 length = response->header("content-length").toLongLong(&ok);
    if (ok && length != file->size()) {
        return Error{
            ErrorCode::Network,
            tr("The download of %1 is incomplete (%2 of %3 bytes).").arg(what).arg(file->size()).arg(length)};
    }
    const QByteArray sha256 = response->header(s_metaSha256.constData());
    if (!sha256.isEmpty()) {
        auto digest = digestRange(file->fileName(), 0, file->size());
        if (!digest)
            return digest.error();
        if (digest->sha256.compare(QString::fromLatin1(sha256), Qt::CaseInsensitive) != 0) {
            return Error{ErrorCode::Corrupt,
                         tr("%1 in the store does not match its recorded sha256 (%2, got %3).")
                             .arg(what, QString::fromLatin1(sha256), digest->sha256)};
        }
    }
    file->seek(0);
    return std::unique_ptr<QIODevice>(std::move(file));
}

Status S3Store::remove(const QString &key)
{
    if (Status s = StoreKey::validate(key); !s)
        return s;
    S3Client::Request request;
    request.method = "DELETE";
    request.objectKey = objectKey(key);
    auto response = m_client->send(request);
    if (!response)
        return response.error();
    if (response->status == 404 || response->isSuccess())
        return {};
    return m_client->failure(tr("Cannot remove %1").arg(m_client->describe(request.objectKey)), *response);
}

Status S3Store::removeStaleTemporaries()
{
    // Multipart journals live elsewhere and are kept: a later commit of the same content continues them.
    SpoolFile::removeStale(QDir(options().stagingDir).filePath(s_spoolDir), 7 * 24 * 3600);
    return {};
}

} // namespace gh
