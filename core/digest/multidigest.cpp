#include "multidigest.h"

#include <array>

#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <openssl/evp.h>

#include "shapair.h"
#include "util/helperpool.h"

namespace gh {

namespace {

const EVP_MD *evpOf(DigestAlgorithm algorithm)
{
    switch (algorithm) {
    case DigestAlgorithm::Md5:
        return EVP_md5();
    case DigestAlgorithm::Sha1:
        return EVP_sha1();
    case DigestAlgorithm::Sha224:
        return EVP_sha224();
    case DigestAlgorithm::Sha256:
        return EVP_sha256();
    case DigestAlgorithm::Sha384:
        return EVP_sha384();
    case DigestAlgorithm::Sha512:
        return EVP_sha512();
    }
    Q_UNREACHABLE();
}

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
        return hexDigest(out, length);
    }

    EVP_MD_CTX *ctx;
};

constexpr size_t s_algorithmCount = std::size(s_digestAlgorithms);

//! A group of digests updated together on one thread.
struct Lane
{
    std::array<EvpContext *, s_algorithmCount> contexts{};
    size_t count = 0;
    ShaPair *shaPair = nullptr; //!< sha1 and sha256 together, in place of a context each

    void add(EvpContext *context) { contexts[count++] = context; }
    bool isEmpty() const { return count == 0 && !shaPair; }
    void update(const char *data, qsizetype size) const
    {
        if (shaPair)
            shaPair->add(data, size);
        for (size_t i = 0; i < count; ++i)
            contexts[i]->update(data, size);
    }
};

// A pool of its own, so waiting for the second lane never competes with the caller's pool for a thread.
QThreadPool &lanePool()
{
    static QThreadPool *pool = newHelperPool();
    return *pool;
}

} // namespace

struct MultiDigest::Private
{
    std::array<std::unique_ptr<EvpContext>, s_algorithmCount> contexts;
    std::unique_ptr<ShaPair> shaPair;
    std::array<QString, s_algorithmCount> results;
    DigestSet algorithms;
    Lane here;  //!< Updated on the calling thread.
    Lane other; //!< Updated on lanePool() in split mode; empty otherwise.
    QFuture<void> otherLane;

    void waitForOtherLane()
    {
        if (otherLane.isValid())
            otherLane.waitForFinished();
        otherLane = {};
    }
};

MultiDigest::MultiDigest(Lanes lanes, bool withSha512)
    : MultiDigest(lanes, DigestSet::standard(withSha512))
{}

MultiDigest::MultiDigest(Lanes lanes, DigestSet algorithms)
    : d(std::make_unique<Private>())
{
    d->algorithms = algorithms;
    // Which digest, if any, goes to the second lane: md5 when present (slowest per byte where SHA extensions
    // exist), otherwise the costliest of the rest; a lone digest cannot be split.
    int offloaded = -1; // a DigestAlgorithm, or -1 for none
    int count = 0;
    for (DigestAlgorithm algorithm : s_digestAlgorithms)
        count += algorithms.contains(algorithm) ? 1 : 0;
    if (lanes == Lanes::Split && count >= 2) {
        for (DigestAlgorithm candidate :
             {DigestAlgorithm::Md5, DigestAlgorithm::Sha512, DigestAlgorithm::Sha384, DigestAlgorithm::Sha1,
              DigestAlgorithm::Sha256}) {
            if (algorithms.contains(candidate)) {
                offloaded = int(candidate);
                break;
            }
        }
    }
    // sha1 and sha256 on the same lane go together where the CPU hashes them side by side.
    const bool together = algorithms.contains(DigestAlgorithm::Sha1) &&
                          algorithms.contains(DigestAlgorithm::Sha256) && ShaPair::accelerated() &&
                          offloaded != int(DigestAlgorithm::Sha1) &&
                          offloaded != int(DigestAlgorithm::Sha256);
    if (together) {
        d->shaPair = std::make_unique<ShaPair>();
        d->here.shaPair = d->shaPair.get();
    }
    for (DigestAlgorithm algorithm : s_digestAlgorithms) {
        if (!algorithms.contains(algorithm) ||
            (together && (algorithm == DigestAlgorithm::Sha1 || algorithm == DigestAlgorithm::Sha256)))
            continue;
        auto &context = d->contexts[size_t(algorithm)];
        context = std::make_unique<EvpContext>(evpOf(algorithm));
        (int(algorithm) == offloaded ? d->other : d->here).add(context.get());
    }
}

MultiDigest::~MultiDigest()
{
    d->waitForOtherLane();
}

DigestSet MultiDigest::algorithms() const
{
    return d->algorithms;
}

void MultiDigest::add(const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    m_bytes += size;
    if (d->other.isEmpty()) {
        d->here.update(data, size);
        return;
    }
    // The previous chunk must finish on the other lane before this one starts: digests are order-dependent.
    d->waitForOtherLane();
    d->otherLane =
        QtConcurrent::run(&lanePool(), [lane = &d->other, data, size] { lane->update(data, size); });
    d->here.update(data, size);
}

Digests MultiDigest::finish()
{
    d->waitForOtherLane();
    for (DigestAlgorithm algorithm : s_digestAlgorithms) {
        if (auto &context = d->contexts[size_t(algorithm)])
            d->results[size_t(algorithm)] = context->finish();
    }
    if (d->shaPair) {
        d->shaPair->finish();
        d->results[size_t(DigestAlgorithm::Sha1)] = d->shaPair->sha1();
        d->results[size_t(DigestAlgorithm::Sha256)] = d->shaPair->sha256();
    }
    Digests result;
    result.md5 = d->results[size_t(DigestAlgorithm::Md5)];
    result.sha1 = d->results[size_t(DigestAlgorithm::Sha1)];
    result.sha256 = d->results[size_t(DigestAlgorithm::Sha256)];
    result.sha512 = d->results[size_t(DigestAlgorithm::Sha512)];
    return result;
}

QString MultiDigest::result(DigestAlgorithm algorithm) const
{
    return d->results[size_t(algorithm)];
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
