#include "shapair.h"

#include <algorithm>
#include <cstdint>

// The pair advances OpenSSL's own SHA1 and SHA256 contexts between whole blocks; the low-level API that
// exposes them is deprecated in OpenSSL 3 (in favour of EVP, which hides the state) but stays supported.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "fixity.h"
#include "md32length.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GH_SHA_PAIR 1
#include <immintrin.h>
#endif

namespace gh {

namespace {

constexpr size_t s_block = SHA_CBLOCK;
static_assert(SHA_CBLOCK == SHA256_CBLOCK);

#ifdef GH_SHA_PAIR

alignas(16) constexpr uint32_t s_k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// Everything from here to the pop is compiled for the SHA extensions (and SSE4.1, which every CPU with them
// has) and runs only where __builtin_cpu_supports("sha") is true. Nothing in this region is inline code
// shared with other files.
#pragma GCC push_options
#pragma GCC target("sha,sse4.1")

//! Words 4g to 4g + 3 of \a block, their bytes put in the order the instructions want by \a order (a
//! shuffle).
__m128i blockWords(const unsigned char *block, int g, __m128i order)
{
    return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(block + 16 * g)), order);
}

/*!
    The SHA256 state of one stream in the SHA instructions' layout (FIPS 180-4 §6.2, words A…H: ABEF and CDGH)
    and the last four groups of its message schedule, four words each.
*/
struct Sha256Lane
{
    __m128i abef, cdgh, abef0, cdgh0;
    __m128i w[4];

    void load(const uint32_t h[8])
    {
        const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i *>(h));
        const __m128i efgh =
            _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h + 4)), 0x1B);
        const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
        abef = _mm_alignr_epi8(cdab, efgh, 8);
        cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    }
    void store(uint32_t h[8]) const
    {
        const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
        const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
        _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm_blend_epi16(feba, dchg, 0xF0));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
    }
    //! Rounds 4g to 4g + 3 (of 64) of \a block: message words 4g to 4g + 3, loaded (g < 4) or scheduled.
    void group(int g, const unsigned char *block)
    {
        if (g == 0) {
            abef0 = abef;
            cdgh0 = cdgh;
        }
        __m128i words;
        if (g < 4) {
            words = blockWords(block, g, _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL));
        } else {
            // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]: msg1 adds σ0, msg2 adds σ1.
            const __m128i &w16 = w[g & 3], &w12 = w[(g + 1) & 3], &w8 = w[(g + 2) & 3], &w4 = w[(g + 3) & 3];
            words = _mm_sha256msg2_epu32(
                _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4)), w4);
        }
        w[g & 3] = words;
        const __m128i x =
            _mm_add_epi32(words, _mm_load_si128(reinterpret_cast<const __m128i *>(s_k256 + 4 * g)));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, x);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(x, 0x0E));
        if (g == 15) {
            abef = _mm_add_epi32(abef, abef0);
            cdgh = _mm_add_epi32(cdgh, cdgh0);
        }
    }
};

//! The SHA1 state of one stream in the SHA instructions' layout (ABCD, and E in the top word) and the last
//! four groups of its message schedule.
struct Sha1Lane
{
    __m128i abcd, e, abcd0, e0, before;
    __m128i w[4];

    void load(const uint32_t h[5])
    {
        abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h)), 0x1B);
        e = _mm_set_epi32(int(h[4]), 0, 0, 0);
    }
    void store(uint32_t h[5]) const
    {
        _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm_shuffle_epi32(abcd, 0x1B));
        h[4] = uint32_t(_mm_extract_epi32(e, 3));
    }
    //! Rounds 4g to 4g + 3 (of 80) of \a block, with the round function of rounds 20f to 20f + 19.
    template <int F>
    void group(int g, const unsigned char *block)
    {
        __m128i words;
        if (g < 4) {
            words = blockWords(block, g, _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL));
        } else {
            // W[t] = (W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]) <<< 1: msg1 and the xor the first three, msg2 the
            // rest.
            const __m128i &w16 = w[g & 3], &w12 = w[(g + 1) & 3], &w8 = w[(g + 2) & 3], &w4 = w[(g + 3) & 3];
            words = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32(w16, w12), w8), w4);
        }
        w[g & 3] = words;
        __m128i ew; // E of these rounds plus their message words
        if (g == 0) {
            abcd0 = abcd;
            e0 = e;
            ew = _mm_add_epi32(e, words);
        } else {
            ew = _mm_sha1nexte_epu32(before, words); // E is A of four rounds ago, rotated
        }
        before = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, ew, F);
        if (g == 19) {
            e = _mm_sha1nexte_epu32(before, e0);
            abcd = _mm_add_epi32(abcd, abcd0);
        }
    }
};

//! \a count blocks of \a data into both states, the two chains of SHA instructions side by side.
void hashBoth(uint32_t sha1[5], uint32_t sha256[8], const unsigned char *data, size_t count)
{
    Sha1Lane one;
    Sha256Lane two;
    one.load(sha1);
    two.load(sha256);
    for (; count > 0; --count, data += s_block) {
        // SHA1 has 20 groups of four rounds, SHA256 16: the first sixteen of each go together.
#pragma GCC unroll 5
        for (int g = 0; g < 5; ++g) {
            one.group<0>(g, data);
            two.group(g, data);
        }
#pragma GCC unroll 5
        for (int g = 5; g < 10; ++g) {
            one.group<1>(g, data);
            two.group(g, data);
        }
#pragma GCC unroll 5
        for (int g = 10; g < 15; ++g) {
            one.group<2>(g, data);
            two.group(g, data);
        }
        two.group(15, data);
#pragma GCC unroll 5
        for (int g = 15; g < 20; ++g)
            one.group<3>(g, data);
    }
    one.store(sha1);
    two.store(sha256);
}

#pragma GCC pop_options

#endif // GH_SHA_PAIR

bool cpuHasSha()
{
#ifdef GH_SHA_PAIR
    static const bool has = __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
    return has;
#else
    return false;
#endif
}

} // namespace

struct ShaPair::Private
{
    SHA_CTX sha1;
    SHA256_CTX sha256;
    bool sideBySide = false;

    void update(const unsigned char *data, size_t size)
    {
        SHA1_Update(&sha1, data, size);
        SHA256_Update(&sha256, data, size);
    }
};

ShaPair::ShaPair(Kernel kernel)
    : d(std::make_unique<Private>())
{
    SHA1_Init(&d->sha1);
    SHA256_Init(&d->sha256);
    d->sideBySide = kernel == Kernel::Best && cpuHasSha();
}

ShaPair::~ShaPair() = default;

bool ShaPair::accelerated()
{
    return cpuHasSha();
}

void ShaPair::add(const char *bytes, qsizetype length)
{
    auto data = reinterpret_cast<const unsigned char *>(bytes);
    auto size = size_t(std::max<qsizetype>(length, 0));
    if (!d->sideBySide) {
        d->update(data, size);
        return;
    }
#ifdef GH_SHA_PAIR
    // Up to the next block boundary through OpenSSL, which holds the bytes of a partial block (both contexts
    // hold the same number: they take the same bytes).
    if (d->sha1.num != 0) {
        const size_t fill = std::min(size, s_block - d->sha1.num);
        d->update(data, fill);
        data += fill;
        size -= fill;
    }
    if (const size_t blocks = size / s_block; blocks > 0) {
        uint32_t sha1[5] = {d->sha1.h0, d->sha1.h1, d->sha1.h2, d->sha1.h3, d->sha1.h4};
        hashBoth(sha1, d->sha256.h, data, blocks);
        d->sha1.h0 = sha1[0];
        d->sha1.h1 = sha1[1];
        d->sha1.h2 = sha1[2];
        d->sha1.h3 = sha1[3];
        d->sha1.h4 = sha1[4];
        countHashedBytes(d->sha1, blocks * s_block);
        countHashedBytes(d->sha256, blocks * s_block);
        data += blocks * s_block;
        size -= blocks * s_block;
    }
    d->update(data, size);
#endif
}

void ShaPair::finish()
{
    unsigned char sha1[SHA_DIGEST_LENGTH];
    unsigned char sha256[SHA256_DIGEST_LENGTH];
    SHA1_Final(sha1, &d->sha1);
    SHA256_Final(sha256, &d->sha256);
    m_sha1 = hexDigest(sha1, SHA_DIGEST_LENGTH);
    m_sha256 = hexDigest(sha256, SHA256_DIGEST_LENGTH);
}

} // namespace gh
