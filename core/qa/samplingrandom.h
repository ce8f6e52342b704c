#pragma once

#include <QList>
#include <QtGlobal>

namespace gh {

/*!
    \class gh::SamplingRandom
    The random numbers behind a QA sample, identical on every machine, compiler and standard library, so a
    recorded seed always redraws the same sample.

    The generator is xoshiro256** 1.0 (Blackman and Vigna, 2018), its 256-bit state filled from the 64-bit
    seed by SplitMix64, exactly as its authors' reference code does. Only unsigned 64-bit arithmetic is
    used, which C++ defines completely. std::uniform_int_distribution is not used because its algorithm is
    left to each standard library; bounded() is written here instead (rejection sampling, so every value
    below the bound is equally likely).

    Seeds are limited to 0 … 2^53 − 1 (maxSeed()), so that they survive a trip through JSON numbers.
*/
class SamplingRandom
{
public:
    explicit SamplingRandom(quint64 seed);

    //! The next 64 random bits.
    quint64 next();
    //! A value in [0, bound), every one equally likely; \a bound must be positive.
    quint64 bounded(quint64 bound);

    /*!
        The positions of \a count distinct elements drawn from \a population (0-based, ascending): the first
        \a count steps of a Fisher–Yates shuffle. \a count larger than \a population draws everything.
    */
    QList<qint64> choose(qint64 population, qint64 count);

    static constexpr quint64 maxSeed() { return (quint64(1) << 53) - 1; }
    //! A fresh seed from the operating system's entropy, at most maxSeed().
    static quint64 randomSeed();

private:
    quint64 m_state[4];
};

} // namespace gh
