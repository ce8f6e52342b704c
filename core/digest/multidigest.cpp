#include "multidigest.h"

#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <openssl/evp.h>

namespace gh {

namespace {

struct EvpContext
{
    explicit EvpContext(const EVP_MD *md)
        : ctx(EVP_MD_CTX_new())
    {
        EVP_DigestInit_ex(ctx, md, nullptr);
    }
    ~EvpContext() { EVP_MD_CTX_free(ctx); }
    EvpContext(const EvpContext &) = delete;
    EvpContext &operator=(const EvpContext &) = delete;

    void update(const char *data, qsizetype size) { EVP_DigestUpdate(ctx, data, size_t(size)); }
    QString finish()
    {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(ctx, out, &length);
        return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), int(length)).toHex());
    }

    EVP_MD_CTX *ctx;
};

// A pool of its own, so waiting for the md5 lane never competes with the caller's pool for a thread.
QThreadPool &md5Pool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setExpiryTimeout(5000);
        return p;
    }();
    return *pool;
}

} // namespace

struct MultiDigest::Private
{
    EvpContext md5{EVP_md5()};
    EvpContext sha1{EVP_sha1()};
    EvpContext sha256{EVP_sha256()};
    std::unique_ptr<EvpContext> sha512;
    Lanes lanes;
    QFuture<void> md5Lane;

    void waitForMd5()
    {
        if (md5Lane.isValid())
            md5Lane.waitForFinished();
        md5Lane = {};
    }
};

MultiDigest::MultiDigest(Lanes lanes, bool withSha512)
    : d(std::make_unique<Private>())
{
    d->lanes = lanes;
    if (withSha512)
        d->sha512 = std::make_unique<EvpContext>(EVP_sha512());
}

MultiDigest::~MultiDigest()
{
    d->waitForMd5();
}

void MultiDigest::add(const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    m_bytes += size;
    if (d->lanes == Lanes::Single) {
        d->md5.update(data, size);
        d->sha1.update(data, size);
        d->sha256.update(data, size);
        if (d->sha512)
            d->sha512->update(data, size);
        return;
    }
    // The previous chunk's md5 must finish before this one starts: digests are order-dependent.
    d->waitForMd5();
    d->md5Lane = QtConcurrent::run(&md5Pool(), [ctx = &d->md5, data, size] { ctx->update(data, size); });
    d->sha1.update(data, size);
    d->sha256.update(data, size);
    if (d->sha512)
        d->sha512->update(data, size);
}

Digests MultiDigest::finish()
{
    d->waitForMd5();
    Digests result;
    result.md5 = d->md5.finish();
    result.sha1 = d->sha1.finish();
    result.sha256 = d->sha256.finish();
    if (d->sha512)
        result.sha512 = d->sha512->finish();
    return result;
}

Digests MultiDigest::of(const QByteArray &data)
{
    MultiDigest digest;
    digest.add(data);
    return digest.finish();
}

MultiDigest::Lanes lanesForSize(qint64 size)
{
    constexpr qint64 splitThreshold = 8 * 1024 * 1024;
    return size >= splitThreshold ? MultiDigest::Lanes::Split : MultiDigest::Lanes::Single;
}

} // namespace gh
