#include "samplingrandom.h"

#include <algorithm>

#include <QHash>
#include <QRandomGenerator>

namespace gh {

namespace {

quint64 splitMix64(quint64 &x)
{
    quint64 z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr quint64 rotl(quint64 x, int k)
{
    return (x << k) | (x >> (64 - k));
}

} // namespace

SamplingRandom::SamplingRandom(quint64 seed)
{
    quint64 x = seed;
    for (quint64 &s : m_state)
        s = splitMix64(x);
}

quint64 SamplingRandom::next()
{
    const quint64 result = rotl(m_state[1] * 5, 7) * 9;
    const quint64 t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

quint64 SamplingRandom::bounded(quint64 bound)
{
    Q_ASSERT(bound > 0);
    // Values below 2^64 mod bound would make the low residues more likely; draw again when one comes up.
    const quint64 threshold = (0 - bound) % bound;
    for (;;) {
        const quint64 r = next();
        if (r >= threshold)
            return r % bound;
    }
}

QList<qint64> SamplingRandom::choose(qint64 population, qint64 count)
{
    count = std::clamp<qint64>(count, 0, population);
    // A partial Fisher–Yates shuffle over a virtual array 0 … population-1: only swapped positions are
    // stored, so a sample of 50 from a million items costs 50 steps, not a million-element array.
    QHash<qint64, qint64> swapped;
    auto at = [&](qint64 i) { return swapped.value(i, i); };
    QList<qint64> chosen;
    chosen.reserve(count);
    for (qint64 i = 0; i < count; ++i) {
        const qint64 j = i + qint64(bounded(quint64(population - i)));
        const qint64 picked = at(j);
        swapped.insert(j, at(i));
        chosen.append(picked);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

quint64 SamplingRandom::randomSeed()
{
    return QRandomGenerator::system()->generate64() & maxSeed();
}

} // namespace gh
