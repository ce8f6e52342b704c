#pragma once

#include <functional>

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "sigv4.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::S3RequestEvent
    One HTTP exchange with the object store, as an S3Options::observer sees it. Carries no secret: the
    Authorization header is left out and a session token is replaced by "<redacted>".
*/
struct S3RequestEvent
{
    QByteArray method;
    QString bucket;
    QString objectKey;      //!< The full key in the bucket (prefix included); empty for bucket requests.
    SigV4::Pairs query;     //!< Decoded, e.g. {"partNumber","3"}, {"uploadId","…"}.
    SigV4::Pairs headers;   //!< The signed request headers as sent, minus Authorization.
    qint64 bodySize = 0;    //!< Request body bytes.
    int attempt = 1;        //!< 1 for the first try, 2 for the first retry, …
    int httpStatus = 0;     //!< 0 when no response arrived.
    QString s3ErrorCode;    //!< From the XML error body ("NoSuchKey"), if any.
    QString transportError; //!< curl's description when no response arrived.
};

/*!
    \class gh::S3Options
    Everything an S3Store needs: where the bucket is, how to reach it, the credentials and the upload tuning.
    A caller fills it from a config file, from the environment (applyEnvironment()) or both; fields already
    set win over the environment.

    Credentials are looked for in this order: the fields of this struct, the environment (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the desktop keychain (loadSecretFromKeychain()). They
    never appear in a log line, an error message or S3Store::displayName().
*/
struct S3Options
{
    Q_DECLARE_TR_FUNCTIONS(gh::S3Options)

public:
    enum class Addressing
    {
        Auto,       //!< Virtual-host for AWS's own endpoint, path-style for any other endpoint.
        Path,       //!< http://host:port/bucket/key (MinIO, Ceph RGW, s3rver, most gateways)
        VirtualHost //!< http://bucket.host:port/key (AWS)
    };

    QString bucket;
    QString prefix; //!< Prepended to every key; "a/b" and "a/b/" both mean keys "a/b/KEY".
    QUrl endpoint;  //!< http(s)://host[:port][/path]; empty means AWS (https://s3.REGION.amazonaws.com).
    QString region; //!< Empty means us-east-1.
    Addressing addressing = Addressing::Auto;
    SigV4::Credentials credentials;

    QString stagingDir;                           //!< Spool files and multipart journals; empty: user cache.
    qint64 multipartThreshold = 16 * 1024 * 1024; //!< Objects this large or larger use multipart upload.
    qint64 partSize = 8 * 1024 * 1024; //!< At least 5 MiB (S3's minimum for all but the last part).

    int maxAttempts = 4;          //!< Tries per request for connection errors, 5xx and throttling.
    int retryDelayMs = 500;       //!< First back-off; doubles with each retry.
    int connectTimeoutMs = 10000; //!< Per connection attempt.
    int stallTimeoutSeconds = 60; //!< A transfer that moves no byte for this long is aborted (and retried).
    QString caBundle;      //!< CA certificates (PEM) to verify the endpoint with, instead of the system ones.
    QStringList connectTo; //!< curl --connect-to entries "HOST:PORT:ADDR:PORT" (pinning, tests).

    /*!
        Called after every attempt of every HTTP exchange, on the client's HTTP engine thread while the
        caller waits (so keep it quick); returning false cancels the operation (it fails with
        ErrorCode::Cancelled). For diagnostics and tests.
    */
    std::function<bool(const S3RequestEvent &)> observer;

    /*!
        Parses a store spec \c s3://bucket[/prefix] into bucket and prefix.
    */
    static Result<S3Options> fromSpec(const QString &spec);

    /*!
        Fills fields that are still empty from \a environment: GATEHOUSE_S3_ENDPOINT,
        GATEHOUSE_S3_REGION (else AWS_REGION, AWS_DEFAULT_REGION), GATEHOUSE_S3_ADDRESSING
        (path|virtual), GATEHOUSE_S3_STAGING, GATEHOUSE_S3_CA_BUNDLE, GATEHOUSE_S3_PART_SIZE_MB,
        GATEHOUSE_S3_MULTIPART_THRESHOLD_MB and the AWS credential variables. Fails on a malformed
        value.
    */
    Status applyEnvironment(const QProcessEnvironment &environment);

    /*!
        If an access key id is known but no secret, asks the desktop keychain (service "Gatehouse S3",
        key = the access key id) for it. Keychain reads are asynchronous and need a D-Bus session with
        a secret service: this waits at most \a timeoutMs and returns false, leaving the options
        unchanged, when there is no session bus, no entry, or no answer in time. Never fails loudly:
        the keychain is an optional source. openBitStore() asks it unless GATEHOUSE_S3_KEYCHAIN=0.
    */
    bool loadSecretFromKeychain(int timeoutMs = 3000);

    //! Empty fields replaced by their defaults (region, endpoint, addressing, staging folder).
    S3Options withDefaults() const;
    //! What is missing or out of range, as a user-facing error.
    Status validate() const;

    //! The endpoint after defaults, without any user info.
    QUrl effectiveEndpoint() const;
    QString effectiveRegion() const;
    Addressing effectiveAddressing() const;
    //! The prefix in key form: "" or "a/b/".
    QString normalizedPrefix() const;
};

} // namespace gh
