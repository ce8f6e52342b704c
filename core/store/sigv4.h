#pragma once

#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>

namespace gh {

/*!
    \class gh::SigV4
    AWS Signature Version 4, computed by Gatehouse itself with OpenSSL (HMAC-SHA256, SHA-256): pure functions,
    no network. curl's CURLOPT_AWS_SIGV4 is not used because curl 7.88 does not sort query parameters.

    A request is described as it is sent: the path percent-encoded, headers as they go on the wire. Every
    header in Request::headers is signed, so leave out hop-by-hop headers (User-Agent, Expect) that a proxy
    may change.

    \sa https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
*/
class SigV4
{
public:
    //! Name/value pairs, in the order given.
    using Pairs = QList<std::pair<QByteArray, QByteArray>>;

    /*!
        How the path becomes the canonical URI. S3 signs the path as sent, encoded once (a key "a b" is
        "/a%20b"); every other service normalizes the path (removes "." and ".." segments and repeated
        slashes) and encodes it again ("/a%2520b").
    */
    enum class PathMode
    {
        S3,
        Normalize
    };

    //! Never logged or shown; see S3Store for how they are found.
    struct Credentials
    {
        QByteArray accessKeyId;
        QByteArray secretAccessKey;
        QByteArray sessionToken; //!< Temporary credentials only; sent as X-Amz-Security-Token.
    };

    struct Request
    {
        QByteArray method;
        QByteArray path;        //!< As sent: starts with '/', percent-encoded (raw UTF-8 is accepted too).
        Pairs query;            //!< Decoded names and values, in any order.
        Pairs headers;          //!< As sent; all of them are signed. Must include Host and X-Amz-Date.
        QByteArray payloadHash; //!< Hex sha256 of the body, or unsignedPayload().
    };

    struct Signature
    {
        QByteArray canonicalRequest;
        QByteArray stringToSign;
        QByteArray signedHeaders; //!< "host;x-amz-date;…"
        QByteArray signature;     //!< Hex HMAC-SHA256 of the string to sign.
        QByteArray authorization; //!< The Authorization header value.
    };

    //! AWS's URI encoding: every byte except A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex); '/' only
    //! when \a encodeSlash.
    static QByteArray uriEncode(QByteArrayView bytes, bool encodeSlash);
    //! Decodes %XX escapes; malformed escapes are kept as they are.
    static QByteArray percentDecode(QByteArrayView bytes);
    //! Splits an encoded query string ("a=1&b") into decoded pairs.
    static Pairs parseQuery(QByteArrayView encodedQuery);
    //! The query string to send for \a query, in canonical order (the same bytes that are signed).
    static QByteArray encodeQuery(const Pairs &query);

    static QByteArray canonicalUri(QByteArrayView path, PathMode mode);
    //! Names and values encoded, sorted by name then value, joined with '&'.
    static QByteArray canonicalQueryString(const Pairs &query);
    /*!
        The canonical header block: a line "name:value\n" per header, names in lower case, values
        trimmed with inner runs of white space collapsed, repeated headers joined with ',', sorted by
        name. \a signedHeaders receives the sorted names joined with ';'.
    */
    static QByteArray canonicalHeaders(const Pairs &headers, QByteArray *signedHeaders);
    static QByteArray canonicalRequest(const Request &request, PathMode mode,
                                       QByteArray *signedHeaders = nullptr);
    //! "20150830/us-east-1/service/aws4_request"
    static QByteArray credentialScope(QByteArrayView date, QByteArrayView region, QByteArrayView service);
    static QByteArray stringToSign(QByteArrayView amzDate, QByteArrayView scope,
                                   QByteArrayView canonicalRequest);
    //! The derived key: HMAC chain over date, region, service and "aws4_request", starting from
    //! "AWS4"+secret.
    static QByteArray signingKey(QByteArrayView secret, QByteArrayView date, QByteArrayView region,
                                 QByteArrayView service);

    /*!
        Signs \a request at \a amzDate ("yyyyMMddTHHmmssZ", which must equal the X-Amz-Date header). The
        request must already carry the headers prepare() adds.
    */
    static Signature sign(const Request &request, const Credentials &credentials, QByteArrayView region,
                          QByteArrayView service, QByteArrayView amzDate, PathMode mode);

    /*!
        Adds the headers SigV4 needs to \a request, replacing any already there: X-Amz-Date,
        X-Amz-Security-Token when the credentials have a session token, and for S3
        X-Amz-Content-SHA256 (the payload hash).
    */
    static void prepare(Request &request, const Credentials &credentials, QByteArrayView amzDate, bool s3);

    //! "yyyyMMddTHHmmssZ" in UTC.
    static QByteArray amzDate(const QDateTime &time);
    static QByteArray sha256Hex(QByteArrayView data);
    static QByteArray hmacSha256(QByteArrayView key, QByteArrayView data);
    //! The payload hash of an empty body.
    static QByteArray emptyPayloadHash();
    static QByteArray unsignedPayload() { return QByteArrayLiteral("UNSIGNED-PAYLOAD"); }
};

} // namespace gh
