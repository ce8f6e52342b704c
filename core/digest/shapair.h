#pragma once

#include <memory>

#include <QString>

namespace gh {

/*!
    \class gh::ShaPair
    sha1 and sha256 of one stream in one pass, for the copies and downloads that record both.

    With the CPU's SHA extensions each algorithm is one chain of dependent SHA instructions per 64-byte block
    (about 1.8 GB/s each here), and the two chains are independent: hashed block by block side by side, both
    digests of a buffer take about 60% of the time of hashing it twice, once per algorithm (as two OpenSSL
    contexts do, each running through the whole buffer before the other starts).
    The bytes around the whole blocks stay OpenSSL's, as in Md5Lanes: each algorithm is an OpenSSL context,
    which takes the bytes up to the next block boundary, the bytes after the last whole block, the padding and
    the length; the SHA instructions only advance the state words of contexts that stand on a block boundary.
    Without SHA extensions every byte goes to OpenSSL. tst_digest checks the pair against OpenSSL on inputs
    of every length around a block and in chunks of uneven sizes.
*/
class ShaPair
{
public:
    enum class Kernel
    {
        Best,   //!< Side by side with SHA extensions when the CPU has them, OpenSSL otherwise.
        OpenSsl //!< Every byte through OpenSSL (for comparison in tests and benchmarks).
    };

    explicit ShaPair(Kernel kernel = Kernel::Best);
    ~ShaPair();
    ShaPair(const ShaPair &) = delete;
    ShaPair &operator=(const ShaPair &) = delete;

    void add(const char *data, qsizetype size);
    //! Finishes both digests; nothing more may be added.
    void finish();
    //! After finish(): the digests in lowercase hex.
    const QString &sha1() const { return m_sha1; }
    const QString &sha256() const { return m_sha256; }

    //! Whether this CPU hashes the two side by side.
    static bool accelerated();

private:
    struct Private;
    std::unique_ptr<Private> d;
    QString m_sha1;
    QString m_sha256;
};

} // namespace gh
