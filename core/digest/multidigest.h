#pragma once

#include <initializer_list>
#include <memory>

#include <QByteArray>

#include "fixity.h"
#include "model/records.h"

namespace gh {

/*!
    \class gh::DigestSet
    A set of checksum algorithms, small enough to pass by value.
*/
class DigestSet
{
public:
    constexpr DigestSet() = default;
    constexpr DigestSet(std::initializer_list<DigestAlgorithm> algorithms)
    {
        for (DigestAlgorithm algorithm : algorithms)
            m_bits |= bit(algorithm);
    }

    constexpr DigestSet &insert(DigestAlgorithm algorithm)
    {
        m_bits |= bit(algorithm);
        return *this;
    }
    constexpr bool contains(DigestAlgorithm algorithm) const { return (m_bits & bit(algorithm)) != 0; }
    constexpr bool isEmpty() const { return m_bits == 0; }
    constexpr DigestSet operator|(DigestSet other) const { return DigestSet(m_bits | other.m_bits); }
    constexpr bool operator==(const DigestSet &) const = default;

    //! md5, sha1 and sha256: what the catalog records for every file; sha512 too when \a withSha512.
    static constexpr DigestSet standard(bool withSha512 = false)
    {
        DigestSet set{DigestAlgorithm::Md5, DigestAlgorithm::Sha1, DigestAlgorithm::Sha256};
        if (withSha512)
            set.insert(DigestAlgorithm::Sha512);
        return set;
    }

private:
    constexpr explicit DigestSet(unsigned bits)
        : m_bits(bits)
    {}
    static constexpr unsigned bit(DigestAlgorithm algorithm) { return 1u << unsigned(algorithm); }
    unsigned m_bits = 0;
};

/*!
    \class gh::MultiDigest
    Computes several checksums in one pass over the data (OpenSSL EVP), so every byte is read once: by default
    md5, sha1 and sha256 (and sha512 on request), or any DigestSet. sha1 and sha256 on the same lane go
    together through a ShaPair where the CPU has SHA extensions.

    With \c Lanes::Split, md5 runs on a second thread while this thread computes the others (without md5, the
    costliest of the rest goes to the second thread): on CPUs with SHA extensions md5 is the slowest of the
    three standard algorithms, so splitting nearly doubles throughput for one large file. Use it for large
    inputs; for many small files, hash them in parallel instead.
*/
class MultiDigest
{
public:
    enum class Lanes
    {
        Single,
        Split
    };

    explicit MultiDigest(Lanes lanes = Lanes::Single, bool withSha512 = false);
    MultiDigest(Lanes lanes, DigestSet algorithms);
    ~MultiDigest();
    MultiDigest(const MultiDigest &) = delete;
    MultiDigest &operator=(const MultiDigest &) = delete;

    //! Adds \a data. In split mode the buffer must stay valid and unchanged until the next call to add() or
    //! finish(), which lets the caller double-buffer.
    void add(const char *data, qsizetype size);
    void add(const QByteArray &data) { add(data.constData(), data.size()); }
    //! Finishes every digest; the fields of algorithms not computed stay empty.
    Digests finish();
    //! After finish(): the hex digest of \a algorithm, or an empty string if it was not computed.
    QString result(DigestAlgorithm algorithm) const;
    qint64 bytes() const { return m_bytes; }
    DigestSet algorithms() const;

    //! One-shot helpers.
    static Digests of(const QByteArray &data);

private:
    struct Private;
    std::unique_ptr<Private> d;
    qint64 m_bytes = 0;
};

/*!
    Which lane setup suits an input of \a size bytes.
*/
MultiDigest::Lanes lanesForSize(qint64 size);

} // namespace gh
