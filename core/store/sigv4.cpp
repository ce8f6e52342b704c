#include "sigv4.h"

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace gh {

namespace {

bool isUnreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Trimall from the SigV4 specification: no white space at either end, inner runs become one space.
QByteArray trimAll(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    bool pendingSpace = false;
    for (char c : value) {
        if (isSpace(c)) {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace)
            out += ' ';
        pendingSpace = false;
        out += c;
    }
    return out;
}

// RFC 3986 section 5.2.4, plus the removal of empty segments AWS asks for (botocore's remove_dot_segments).
QByteArray removeDotSegments(QByteArrayView path)
{
    if (path.isEmpty())
        return QByteArrayLiteral("/");
    const QList<QByteArray> segments = path.toByteArray().split('/');
    QList<QByteArrayView> output; // views into segments
    for (const QByteArray &segment : segments) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!output.isEmpty())
                output.removeLast();
            continue;
        }
        output.append(segment);
    }
    QByteArray result;
    if (path.startsWith('/'))
        result += '/';
    for (qsizetype i = 0; i < output.size(); ++i) {
        if (i > 0)
            result += '/';
        result += output[i];
    }
    if (path.endsWith('/') && !output.isEmpty())
        result += '/';
    return result;
}

QByteArray digestHex(const EVP_MD *md, QByteArrayView data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), size_t(data.size()), out, &length, md, nullptr);
    return QByteArray(reinterpret_cast<const char *>(out), int(length)).toHex();
}

} // namespace

QByteArray SigV4::uriEncode(QByteArrayView bytes, bool encodeSlash)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3);
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (isUnreserved(c) || (c == '/' && !encodeSlash)) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

QByteArray SigV4::percentDecode(QByteArrayView bytes)
{
    QByteArray out;
    out.reserve(bytes.size());
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '%' && i + 2 < bytes.size()) {
            const int hi = hexValue(bytes[i + 1]);
            const int lo = hexValue(bytes[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += char(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += bytes[i];
    }
    return out;
}

SigV4::Pairs SigV4::parseQuery(QByteArrayView encodedQuery)
{
    Pairs pairs;
    if (encodedQuery.isEmpty())
        return pairs;
    const QList<QByteArray> items = encodedQuery.toByteArray().split('&');
    for (const QByteArray &item : items) {
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf('=');
        if (eq < 0)
            pairs.append({percentDecode(item), QByteArray()});
        else
            pairs.append({percentDecode(item.first(eq)), percentDecode(item.sliced(eq + 1))});
    }
    return pairs;
}

QByteArray SigV4::encodeQuery(const Pairs &query)
{
    return canonicalQueryString(query);
}

QByteArray SigV4::canonicalUri(QByteArrayView path, PathMode mode)
{
    if (mode == PathMode::Normalize) {
        // The path as sent is encoded once more: "%20" on the wire is "%2520" here.
        return uriEncode(removeDotSegments(path), false);
    }
    if (path.isEmpty())
        return QByteArrayLiteral("/");
    // S3 signs the path encoded exactly once. Decoding and re-encoding makes the result independent of how
    // the caller escaped reserved characters ("!" vs "%21"), which S3 itself canonicalises the same way; an
    // encoded slash stays encoded, because decoding it would change the key.
    QByteArray out;
    out.reserve(path.size() * 3);
    qsizetype start = 0;
    for (qsizetype i = 0; i + 2 < path.size(); ++i) {
        if (path[i] == '%' && (path[i + 1] == '2') && (path[i + 2] == 'F' || path[i + 2] == 'f')) {
            out += uriEncode(percentDecode(path.sliced(start, i - start)), false);
            out += "%2F";
            start = i + 3;
            i += 2;
        }
    }
    out += uriEncode(percentDecode(path.sliced(start)), false);
    return out;
}

QByteArray SigV4::canonicalQueryString(const Pairs &query)
{
    QList<std::pair<QByteArray, QByteArray>> encoded;
    encoded.reserve(query.size());
    for (const auto &[name, value] : query)
        encoded.append({uriEncode(name, true), uriEncode(value, true)});
    // Byte order of the encoded names, then values: what AWS specifies and what botocore does.
    std::sort(encoded.begin(), encoded.end());
    QByteArray out;
    for (const auto &[name, value] : std::as_const(encoded)) {
        if (!out.isEmpty())
            out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

QByteArray SigV4::canonicalHeaders(const Pairs &headers, QByteArray *signedHeaders)
{
    // Ordered by name; repeated headers keep the order in which they were given.
    QList<std::pair<QByteArray, QByteArray>> merged;
    for (const auto &[name, value] : headers) {
        const QByteArray lower = trimAll(name).toLower();
        const QByteArray trimmed = trimAll(value);
        auto it = std::find_if(merged.begin(), merged.end(), [&](const auto &p) { return p.first == lower; });
        if (it == merged.end())
            merged.append({lower, trimmed});
        else
            it->second += ',' + trimmed;
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QByteArray block;
    QByteArray names;
    for (const auto &[name, value] : std::as_const(merged)) {
        block += name + ':' + value + '\n';
        if (!names.isEmpty())
            names += ';';
        names += name;
    }
    if (signedHeaders)
        *signedHeaders = names;
    return block;
}

QByteArray SigV4::canonicalRequest(const Request &request, PathMode mode, QByteArray *signedHeaders)
{
    QByteArray names;
    const QByteArray headers = canonicalHeaders(request.headers, &names);
    if (signedHeaders)
        *signedHeaders = names;
    return request.method.toUpper() + '\n' + canonicalUri(request.path, mode) + '\n' +
           canonicalQueryString(request.query) + '\n' + headers + '\n' + names + '\n' + request.payloadHash;
}

QByteArray SigV4::credentialScope(QByteArrayView date, QByteArrayView region, QByteArrayView service)
{
    return date.toByteArray() + '/' + region.toByteArray() + '/' + service.toByteArray() + "/aws4_request";
}

QByteArray SigV4::stringToSign(QByteArrayView amzDate, QByteArrayView scope, QByteArrayView canonicalRequest)
{
    return "AWS4-HMAC-SHA256\n" + amzDate.toByteArray() + '\n' + scope.toByteArray() + '\n' +
           sha256Hex(canonicalRequest);
}

QByteArray SigV4::signingKey(QByteArrayView secret, QByteArrayView date, QByteArrayView region,
                             QByteArrayView service)
{
    const QByteArray kDate = hmacSha256(QByteArray("AWS4" + secret.toByteArray()), date);
    const QByteArray kRegion = hmacSha256(kDate, region);
    const QByteArray kService = hmacSha256(kRegion, service);
    return hmacSha256(kService, "aws4_request");
}

SigV4::Signature SigV4::sign(const Request &request, const Credentials &credentials, QByteArrayView region,
                             QByteArrayView service, QByteArrayView amzDate, PathMode mode)
{
    Signature s;
    s.canonicalRequest = canonicalRequest(request, mode, &s.signedHeaders);
    const QByteArrayView date = amzDate.first(std::min<qsizetype>(8, amzDate.size()));
    const QByteArray scope = credentialScope(date, region, service);
    s.stringToSign = stringToSign(amzDate, scope, s.canonicalRequest);
    s.signature =
        hmacSha256(signingKey(credentials.secretAccessKey, date, region, service), s.stringToSign).toHex();
    s.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.accessKeyId + '/' + scope +
                      ", SignedHeaders=" + s.signedHeaders + ", Signature=" + s.signature;
    return s;
}

void SigV4::prepare(Request &request, const Credentials &credentials, QByteArrayView amzDate, bool s3)
{
    auto set = [&](const QByteArray &name, const QByteArray &value) {
        request.headers.removeIf(
            [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        request.headers.append({name, value});
    };
    set(QByteArrayLiteral("X-Amz-Date"), amzDate.toByteArray());
    if (!credentials.sessionToken.isEmpty())
        set(QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken);
    if (s3)
        set(QByteArrayLiteral("X-Amz-Content-SHA256"), request.payloadHash);
}

QByteArray SigV4::amzDate(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

QByteArray SigV4::sha256Hex(QByteArrayView data)
{
    return digestHex(EVP_sha256(), data);
}

QByteArray SigV4::hmacSha256(QByteArrayView key, QByteArrayView data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
         size_t(data.size()), out, &length);
    return QByteArray(reinterpret_cast<const char *>(out), int(length));
}

QByteArray SigV4::emptyPayloadHash()
{
    return QByteArrayLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

} // namespace gh
