#include "md5lanes.h"

#include <algorithm>
#include <cstdint>
#include <vector>

// The lanes advance OpenSSL's own MD5 contexts between whole blocks; the low-level MD5 API that exposes them
// is deprecated in OpenSSL 3 (in favour of EVP, which hides the state) but stays supported.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>

#include "fixity.h"
#include "md32length.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GH_MD5_LANES 1
// GCC 12 warns inside its own AVX-512 intrinsics (the "undefined" vectors they start from; GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

namespace gh {

namespace {

//! Fewer streams than this with whole blocks to hash go to OpenSSL one by one: on 4 lanes each lane runs at
//! about half the speed of OpenSSL's single stream, so 3 lanes are the least that gain.
constexpr int s_minLanes = 3;
constexpr size_t s_block = MD5_CBLOCK;
//! The most lanes hashed side by side (a 512-bit register).
constexpr int s_widest = 16;

#ifdef GH_MD5_LANES

using Kernel = void (*)(uint32_t state[4][16], const unsigned char **blocks, size_t count);

constexpr uint32_t s_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

// Everything from here to the pop is compiled for AVX-512 (F and VL) and runs only where
// __builtin_cpu_supports() found both. Nothing in this region is inline code shared with other files.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl")

//! 4 lanes in a 128-bit register.
struct Lanes4
{
    using V = __m128i;
    static constexpr int width = 4;
    static V set1(uint32_t x) { return _mm_set1_epi32(int(x)); }
    static V add(V a, V b) { return _mm_add_epi32(a, b); }
    template <int Table>
    static V logic(V a, V b, V c)
    {
        return _mm_ternarylogic_epi32(a, b, c, Table);
    }
    template <int Bits>
    static V rotate(V a)
    {
        return _mm_rol_epi32(a, Bits);
    }
    static V load(const uint32_t *p) { return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p)); }
    static void store(uint32_t *p, V v) { _mm_storeu_si128(reinterpret_cast<__m128i *>(p), v); }
    //! w[j] = word j of every lane's block: four 4x4 transposes of 32-bit words.
    static void words(V w[16], const unsigned char *const *blocks)
    {
        for (int j = 0; j < 4; ++j) {
            const V r0 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(blocks[0] + 16 * j));
            const V r1 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(blocks[1] + 16 * j));
            const V r2 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(blocks[2] + 16 * j));
            const V r3 = _mm_loadu_si128(reinterpret_cast<const __m128i *>(blocks[3] + 16 * j));
            const V t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpackhi_epi32(r0, r1);
            const V t2 = _mm_unpacklo_epi32(r2, r3), t3 = _mm_unpackhi_epi32(r2, r3);
            w[4 * j + 0] = _mm_unpacklo_epi64(t0, t2);
            w[4 * j + 1] = _mm_unpackhi_epi64(t0, t2);
            w[4 * j + 2] = _mm_unpacklo_epi64(t1, t3);
            w[4 * j + 3] = _mm_unpackhi_epi64(t1, t3);
        }
    }
};

//! 8 lanes in a 256-bit register.
struct Lanes8
{
    using V = __m256i;
    static constexpr int width = 8;
    static V set1(uint32_t x) { return _mm256_set1_epi32(int(x)); }
    static V add(V a, V b) { return _mm256_add_epi32(a, b); }
    template <int Table>
    static V logic(V a, V b, V c)
    {
        return _mm256_ternarylogic_epi32(a, b, c, Table);
    }
    template <int Bits>
    static V rotate(V a)
    {
        return _mm256_rol_epi32(a, Bits);
    }
    static V load(const uint32_t *p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)); }
    static void store(uint32_t *p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), v); }
    //! w[j] = word j of every lane's block: two 8x8 transposes of 32-bit words.
    static void words(V w[16], const unsigned char *const *blocks)
    {
        for (int j = 0; j < 2; ++j) {
            V r[8];
            for (int l = 0; l < 8; ++l)
                r[l] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(blocks[l] + 32 * j));
            const V t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
            const V t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
            const V t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
            const V t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
            const V u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
            const V u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
            const V u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
            const V u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
            w[8 * j + 0] = _mm256_permute2x128_si256(u0, u4, 0x20);
            w[8 * j + 1] = _mm256_permute2x128_si256(u1, u5, 0x20);
            w[8 * j + 2] = _mm256_permute2x128_si256(u2, u6, 0x20);
            w[8 * j + 3] = _mm256_permute2x128_si256(u3, u7, 0x20);
            w[8 * j + 4] = _mm256_permute2x128_si256(u0, u4, 0x31);
            w[8 * j + 5] = _mm256_permute2x128_si256(u1, u5, 0x31);
            w[8 * j + 6] = _mm256_permute2x128_si256(u2, u6, 0x31);
            w[8 * j + 7] = _mm256_permute2x128_si256(u3, u7, 0x31);
        }
    }
};

//! 16 lanes in a 512-bit register.
struct Lanes16
{
    using V = __m512i;
    static constexpr int width = 16;
    static V set1(uint32_t x) { return _mm512_set1_epi32(int(x)); }
    static V add(V a, V b) { return _mm512_add_epi32(a, b); }
    template <int Table>
    static V logic(V a, V b, V c)
    {
        return _mm512_ternarylogic_epi32(a, b, c, Table);
    }
    template <int Bits>
    static V rotate(V a)
    {
        return _mm512_rol_epi32(a, Bits);
    }
    static V load(const uint32_t *p) { return _mm512_loadu_si512(p); }
    static void store(uint32_t *p, V v) { _mm512_storeu_si512(p, v); }
    //! w[j] = word j of every lane's block, gathered through the sixteen block addresses.
    static void words(V w[16], const unsigned char *const *blocks)
    {
        const __m512i low = _mm512_loadu_si512(blocks);
        const __m512i high = _mm512_loadu_si512(blocks + 8);
        for (int j = 0; j < 16; ++j) {
            const __m512i offset = _mm512_set1_epi64(4 * j);
            const __m256i l = _mm512_i64gather_epi32(_mm512_add_epi64(low, offset), nullptr, 1);
            const __m256i h = _mm512_i64gather_epi32(_mm512_add_epi64(high, offset), nullptr, 1);
            w[j] = _mm512_inserti64x4(_mm512_castsi256_si512(l), h, 1);
        }
    }
};

//! One md5 step (RFC 1321 §3.4) in every lane: a = b + ((a + F(b, c, d) + x) <<< s), x = word + constant.
template <class L, int Round, int Bits>
typename L::V step(typename L::V a, typename L::V b, typename L::V c, typename L::V d, typename L::V x)
{
    typename L::V f;
    if constexpr (Round == 0)
        f = L::template logic<0xCA>(b, c, d); // F = (b & c) | (~b & d)
    else if constexpr (Round == 1)
        f = L::template logic<0xCA>(d, b, c); // G = (b & d) | (c & ~d)
    else if constexpr (Round == 2)
        f = L::template logic<0x96>(b, c, d); // H = b ^ c ^ d
    else
        f = L::template logic<0x39>(b, c, d); // I = c ^ (b | ~d)
    // a + x does not wait for b: computed apart, the chain from b to the next b is four instructions (f, + f,
    // <<<, + b). Left to itself GCC reassociates the sum into (a + f) + x, five; the empty asm keeps a + x
    // whole.
    typename L::V ax = L::add(a, x);
    __asm__("" : "+v"(ax));
    return L::add(b, L::template rotate<Bits>(L::add(ax, f)));
}

//! \a count blocks of each of the L::width lanes; state[k][lane] holds word k (A, B, C, D) of each lane.
template <class L>
void compress(uint32_t state[4][16], const unsigned char **blocks, size_t count)
{
    using V = typename L::V;
    V a = L::load(state[0]), b = L::load(state[1]), c = L::load(state[2]), d = L::load(state[3]);
    for (size_t n = 0; n < count; ++n) {
        V w[16];
        L::words(w, blocks);
        const V a0 = a, b0 = b, c0 = c, d0 = d;
#define GH_MD5_X(i, g) L::add(L::set1(s_k[i]), w[g])
#define GH_MD5_ROUND(r, s0, s1, s2, s3, i, g0, g1, g2, g3)                                                   \
    a = step<L, r, s0>(a, b, c, d, GH_MD5_X(i, g0));                                                         \
    d = step<L, r, s1>(d, a, b, c, GH_MD5_X(i + 1, g1));                                                     \
    c = step<L, r, s2>(c, d, a, b, GH_MD5_X(i + 2, g2));                                                     \
    b = step<L, r, s3>(b, c, d, a, GH_MD5_X(i + 3, g3));
        GH_MD5_ROUND(0, 7, 12, 17, 22, 0, 0, 1, 2, 3)
        GH_MD5_ROUND(0, 7, 12, 17, 22, 4, 4, 5, 6, 7)
        GH_MD5_ROUND(0, 7, 12, 17, 22, 8, 8, 9, 10, 11)
        GH_MD5_ROUND(0, 7, 12, 17, 22, 12, 12, 13, 14, 15)
        GH_MD5_ROUND(1, 5, 9, 14, 20, 16, 1, 6, 11, 0)
        GH_MD5_ROUND(1, 5, 9, 14, 20, 20, 5, 10, 15, 4)
        GH_MD5_ROUND(1, 5, 9, 14, 20, 24, 9, 14, 3, 8)
        GH_MD5_ROUND(1, 5, 9, 14, 20, 28, 13, 2, 7, 12)
        GH_MD5_ROUND(2, 4, 11, 16, 23, 32, 5, 8, 11, 14)
        GH_MD5_ROUND(2, 4, 11, 16, 23, 36, 1, 4, 7, 10)
        GH_MD5_ROUND(2, 4, 11, 16, 23, 40, 13, 0, 3, 6)
        GH_MD5_ROUND(2, 4, 11, 16, 23, 44, 9, 12, 15, 2)
        GH_MD5_ROUND(3, 6, 10, 15, 21, 48, 0, 7, 14, 5)
        GH_MD5_ROUND(3, 6, 10, 15, 21, 52, 12, 3, 10, 1)
        GH_MD5_ROUND(3, 6, 10, 15, 21, 56, 8, 15, 6, 13)
        GH_MD5_ROUND(3, 6, 10, 15, 21, 60, 4, 11, 2, 9)
#undef GH_MD5_ROUND
#undef GH_MD5_X
        a = L::add(a, a0);
        b = L::add(b, b0);
        c = L::add(c, c0);
        d = L::add(d, d0);
        for (int l = 0; l < L::width; ++l)
            blocks[l] += s_block;
    }
    L::store(state[0], a);
    L::store(state[1], b);
    L::store(state[2], c);
    L::store(state[3], d);
}

void compress4(uint32_t state[4][16], const unsigned char **blocks, size_t count)
{
    compress<Lanes4>(state, blocks, count);
}

void compress8(uint32_t state[4][16], const unsigned char **blocks, size_t count)
{
    compress<Lanes8>(state, blocks, count);
}

void compress16(uint32_t state[4][16], const unsigned char **blocks, size_t count)
{
    compress<Lanes16>(state, blocks, count);
}

#pragma GCC pop_options

#endif // GH_MD5_LANES

//! Whole blocks of one stream, waiting to be hashed.
struct Run
{
    MD5_CTX *context;
    const unsigned char *data;
    size_t blocks;
};

#ifdef GH_MD5_LANES
//! Hashes the runs side by side while at least s_minLanes of them have blocks left; returns how many runs
//! are left (compacted to the front), for OpenSSL.
int hashSideBySide(Run *runs, int count)
{
    while (count >= s_minLanes) {
        const Kernel kernel = count <= 4 ? compress4 : count <= 8 ? compress8 : compress16;
        const int width = count <= 4 ? 4 : count <= 8 ? 8 : 16;
        size_t blocks = runs[0].blocks;
        for (int i = 1; i < count; ++i)
            blocks = std::min(blocks, runs[i].blocks);
        alignas(64) uint32_t state[4][16];
        const unsigned char *data[16];
        for (int lane = 0; lane < width; ++lane) {
            // Lanes beyond the runs repeat the first run; their results are dropped.
            const Run &run = runs[lane < count ? lane : 0];
            data[lane] = run.data;
            state[0][lane] = run.context->A;
            state[1][lane] = run.context->B;
            state[2][lane] = run.context->C;
            state[3][lane] = run.context->D;
        }
        kernel(state, data, blocks);
        int left = 0;
        for (int lane = 0; lane < count; ++lane) {
            Run run = runs[lane];
            run.context->A = state[0][lane];
            run.context->B = state[1][lane];
            run.context->C = state[2][lane];
            run.context->D = state[3][lane];
            countHashedBytes(*run.context, blocks * s_block);
            run.data += blocks * s_block;
            run.blocks -= blocks;
            if (run.blocks > 0)
                runs[left++] = run;
        }
        count = left;
    }
    return count;
}
#endif

bool cpuHasLanes()
{
#ifdef GH_MD5_LANES
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
    return has;
#else
    return false;
#endif
}

} // namespace

struct Md5Lanes::Private
{
    std::vector<MD5_CTX> contexts;
    std::vector<char> finished; // not vector<bool>: restart() may run beside add() on other streams
    bool sideBySide = false;
};

Md5Lanes::Md5Lanes(int streams, Kernel kernel)
    : d(std::make_unique<Private>())
{
    Q_ASSERT(streams >= 1 && streams <= maxStreams);
    d->contexts.resize(size_t(std::clamp(streams, 1, maxStreams)));
    d->finished.assign(d->contexts.size(), 0);
    for (MD5_CTX &context : d->contexts)
        MD5_Init(&context);
    d->sideBySide = kernel == Kernel::Best && cpuHasLanes();
}

Md5Lanes::~Md5Lanes() = default;

int Md5Lanes::streams() const
{
    return int(d->contexts.size());
}

bool Md5Lanes::accelerated()
{
    return cpuHasLanes();
}

void Md5Lanes::add(std::span<const Input> inputs)
{
    if (!d->sideBySide) {
        for (const Input &input : inputs) {
            Q_ASSERT(input.stream >= 0 && input.stream < streams() && !d->finished[size_t(input.stream)]);
            MD5_Update(&d->contexts[size_t(input.stream)], input.data,
                       size_t(std::max<qint64>(input.size, 0)));
        }
        return;
    }
    struct Tail
    {
        MD5_CTX *context;
        const unsigned char *data;
        size_t size;
    };
    Run runs[maxStreams];
    Tail tails[maxStreams]; // the bytes after each run's last whole block
    int runCount = 0;
    int tailCount = 0;
    quint32 seen = 0;
    const auto hash = [&] {
        int left = runCount;
#ifdef GH_MD5_LANES
        // Sixteen lanes at a time; what a batch leaves (its runs of unequal length) goes to OpenSSL.
        left = 0;
        for (int start = 0; start < runCount; start += s_widest) {
            const int rest = hashSideBySide(runs + start, std::min(s_widest, runCount - start));
            for (int i = 0; i < rest; ++i)
                runs[left++] = runs[start + i];
        }
#endif
        for (int i = 0; i < left; ++i)
            MD5_Update(runs[i].context, runs[i].data, runs[i].blocks * s_block);
        for (int i = 0; i < tailCount; ++i)
            MD5_Update(tails[i].context, tails[i].data, tails[i].size);
        runCount = tailCount = 0;
        seen = 0;
    };
    for (const Input &input : inputs) {
        Q_ASSERT(input.stream >= 0 && input.stream < streams() && !d->finished[size_t(input.stream)]);
        if (seen & (1u << input.stream))
            hash(); // a stream's second input follows its first
        seen |= 1u << input.stream;
        MD5_CTX &context = d->contexts[size_t(input.stream)];
        auto data = reinterpret_cast<const unsigned char *>(input.data);
        auto size = size_t(std::max<qint64>(input.size, 0));
        // Up to the next block boundary through OpenSSL, which holds the bytes of a partial block.
        if (context.num != 0) {
            const size_t fill = std::min(size, s_block - context.num);
            MD5_Update(&context, data, fill);
            data += fill;
            size -= fill;
        }
        const size_t blocks = size / s_block;
        if (blocks > 0)
            runs[runCount++] = {&context, data, blocks};
        if (size % s_block != 0)
            tails[tailCount++] = {&context, data + blocks * s_block, size % s_block};
    }
    hash();
}

QString Md5Lanes::finish(int stream)
{
    Q_ASSERT(stream >= 0 && stream < streams());
    unsigned char out[MD5_DIGEST_LENGTH];
    MD5_Final(out, &d->contexts[size_t(stream)]);
    d->finished[size_t(stream)] = 1;
    return hexDigest(out, MD5_DIGEST_LENGTH);
}

void Md5Lanes::restart(int stream)
{
    Q_ASSERT(stream >= 0 && stream < streams());
    MD5_Init(&d->contexts[size_t(stream)]);
    d->finished[size_t(stream)] = 0;
}

} // namespace gh
