#include "s3options.h"

#include <QDir>
#include <QStandardPaths>

#include "util/keychain.h"
#include "util/logging.h"

namespace gh {

namespace {

constexpr qint64 s_mib = 1024 * 1024;
constexpr qint64 s_minimumPartSize = 5 * s_mib;
constexpr qint64 s_maximumPartSize = 5 * 1024 * s_mib;

const QString s_keychainService = QStringLiteral("Gatehouse S3");

bool isAwsHost(const QString &host)
{
    return host.endsWith(u".amazonaws.com") || host == u"amazonaws.com";
}

} // namespace

Result<S3Options> S3Options::fromSpec(const QString &spec)
{
    const QString scheme = QStringLiteral("s3://");
    if (!spec.startsWith(scheme, Qt::CaseInsensitive)) {
        return Error{ErrorCode::Usage, tr("\"%1\" is not an S3 store; write s3://bucket/prefix.").arg(spec)};
    }
    const QString rest = spec.mid(scheme.size());
    const qsizetype slash = rest.indexOf(u'/');
    S3Options options;
    options.bucket = slash < 0 ? rest : rest.left(slash);
    options.prefix = slash < 0 ? QString() : rest.mid(slash + 1);
    if (options.bucket.isEmpty())
        return Error{ErrorCode::Usage,
                     tr("The S3 store \"%1\" names no bucket; write s3://bucket/prefix.").arg(spec)};
    return options;
}

Status S3Options::applyEnvironment(const QProcessEnvironment &environment)
{
    auto value = [&](const char *name) { return environment.value(QString::fromLatin1(name)).trimmed(); };

    if (endpoint.isEmpty()) {
        const QString text = value("GATEHOUSE_S3_ENDPOINT");
        if (!text.isEmpty()) {
            const QUrl url(text, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty() ||
                (url.scheme() != u"http" && url.scheme() != u"https")) {
                return Error{ErrorCode::Usage,
                             tr("GATEHOUSE_S3_ENDPOINT must be an http or https URL such as "
                                "https://s3.example.org:9000.")};
            }
            endpoint = url;
        }
    }
    if (region.isEmpty()) {
        for (const char *name : {"GATEHOUSE_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
            region = value(name);
            if (!region.isEmpty())
                break;
        }
    }
    if (addressing == Addressing::Auto) {
        const QString text = value("GATEHOUSE_S3_ADDRESSING").toLower();
        if (text == u"path")
            addressing = Addressing::Path;
        else if (text == u"virtual" || text == u"virtual-host" || text == u"vhost")
            addressing = Addressing::VirtualHost;
        else if (!text.isEmpty() && text != u"auto")
            return Error{ErrorCode::Usage, tr("GATEHOUSE_S3_ADDRESSING must be \"path\" or \"virtual\".")};
    }
    if (stagingDir.isEmpty())
        stagingDir = value("GATEHOUSE_S3_STAGING");
    if (caBundle.isEmpty())
        caBundle = value("GATEHOUSE_S3_CA_BUNDLE");

    auto sizeInMib = [&](const char *name, qint64 *target) -> Status {
        const QString text = value(name);
        if (text.isEmpty())
            return {};
        bool ok = false;
        const qint64 mib = text.toLongLong(&ok);
        if (!ok || mib <= 0)
            return Error{ErrorCode::Usage,
                         tr("%1 must be a positive number of MiB.").arg(QString::fromLatin1(name))};
        *target = mib * s_mib;
        return {};
    };
    if (Status s = sizeInMib("GATEHOUSE_S3_PART_SIZE_MB", &partSize); !s)
        return s;
    if (Status s = sizeInMib("GATEHOUSE_S3_MULTIPART_THRESHOLD_MB", &multipartThreshold); !s)
        return s;

    // The three credential variables belong together: a session token from the environment never pairs with a
    // key pair from a config file.
    if (credentials.accessKeyId.isEmpty() && credentials.secretAccessKey.isEmpty()) {
        credentials.accessKeyId = value("AWS_ACCESS_KEY_ID").toUtf8();
        credentials.secretAccessKey = environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).toUtf8();
        credentials.sessionToken = environment.value(QStringLiteral("AWS_SESSION_TOKEN")).toUtf8();
    } else if (credentials.secretAccessKey.isEmpty() &&
               value("AWS_ACCESS_KEY_ID").toUtf8() == credentials.accessKeyId) {
        credentials.secretAccessKey = environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).toUtf8();
        credentials.sessionToken = environment.value(QStringLiteral("AWS_SESSION_TOKEN")).toUtf8();
    }
    return {};
}

bool S3Options::loadSecretFromKeychain(int timeoutMs)
{
    if (credentials.accessKeyId.isEmpty() || !credentials.secretAccessKey.isEmpty())
        return false;
    const auto secret =
        readKeychainSecret(s_keychainService, QString::fromUtf8(credentials.accessKeyId), timeoutMs);
    if (!secret) {
        qCDebug(lcStore) << "no S3 secret from the keychain for" << credentials.accessKeyId;
        return false;
    }
    credentials.secretAccessKey = *secret;
    return true;
}

QUrl S3Options::effectiveEndpoint() const
{
    QUrl url = endpoint;
    if (url.isEmpty())
        url = QUrl(QStringLiteral("https://s3.%1.amazonaws.com").arg(effectiveRegion()));
    url.setUserInfo(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QString S3Options::effectiveRegion() const
{
    return region.isEmpty() ? QStringLiteral("us-east-1") : region;
}

S3Options::Addressing S3Options::effectiveAddressing() const
{
    if (addressing != Addressing::Auto)
        return addressing;
    return isAwsHost(effectiveEndpoint().host()) ? Addressing::VirtualHost : Addressing::Path;
}

QString S3Options::normalizedPrefix() const
{
    QString p = prefix;
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    while (p.endsWith(u'/'))
        p.chop(1);
    return p.isEmpty() ? QString() : p + u'/';
}

S3Options S3Options::withDefaults() const
{
    S3Options o = *this;
    o.endpoint = effectiveEndpoint();
    o.region = effectiveRegion();
    o.addressing = effectiveAddressing();
    if (o.stagingDir.isEmpty()) {
        // One folder per endpoint and bucket, so journals of two stores never meet.
        const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
        QString name = o.endpoint.host() + u'-' + QString::number(o.endpoint.port(0)) + u'-' + o.bucket;
        for (QChar &c : name) {
            if (!c.isLetterOrNumber() && c != u'-' && c != u'.' && c != u'_')
                c = u'_';
        }
        o.stagingDir = QDir(base).filePath(QStringLiteral("gatehouse/s3/") + name);
    }
    return o;
}

Status S3Options::validate() const
{
    if (bucket.isEmpty() || bucket.contains(u'/'))
        return Error{ErrorCode::Usage, tr("The S3 bucket name \"%1\" is not valid.").arg(bucket)};
    const QUrl url = effectiveEndpoint();
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"https"))
        return Error{ErrorCode::Usage, tr("The S3 endpoint must be an http or https URL.")};
    if (!endpoint.userInfo().isEmpty()) {
        return Error{ErrorCode::Usage,
                     tr("The S3 endpoint %1 must not contain a user name or password; "
                        "give credentials through AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
                         .arg(url.toDisplayString())};
    }
    if (credentials.accessKeyId.isEmpty() || credentials.secretAccessKey.isEmpty()) {
        return Error{
            ErrorCode::Usage,
            tr("No credentials for the S3 store s3://%1: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
               "(and AWS_SESSION_TOKEN for temporary credentials), or keep the secret in the keychain "
               "under \"%2\" with the access key id as its name.")
                .arg(bucket, s_keychainService)};
    }
    if (partSize < s_minimumPartSize || partSize > s_maximumPartSize) {
        return Error{
            ErrorCode::Usage,
            tr("The S3 part size must be between 5 MiB and 5 GiB; %1 bytes was given.").arg(partSize)};
    }
    if (multipartThreshold < 0)
        return Error{ErrorCode::Usage, tr("The S3 multipart threshold cannot be negative.")};
    if (maxAttempts < 1 || retryDelayMs < 0 || connectTimeoutMs <= 0 || stallTimeoutSeconds <= 0)
        return Error{ErrorCode::Usage, tr("The S3 retry and timeout settings must be positive.")};
    return {};
}

} // namespace gh
