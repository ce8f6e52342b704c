#pragma once

#include <memory>
#include <span>

#include <QString>

namespace gh {

/*!
    \class gh::Md5Lanes
    The md5 of several independent streams at once, for copies that go through many files side by side.

    md5 cannot be split within one stream: each 64-byte block needs the state the previous block left, so one
    stream runs at the speed of one chain of dependent instructions (about 0.7 GB/s here). Several streams are
    independent chains, and a SIMD register holds one 32-bit word of each: with AVX-512, add() hashes the
    blocks of 3 to 16 streams side by side (4, 8 or 16 lanes; 8 lanes or more reach about 3 GB/s on one core),
    and of up to 32 streams sixteen at a time.
    The bytes around those blocks stay OpenSSL's: each stream is an OpenSSL MD5 context, which takes the bytes
    up to the next block boundary, the bytes left after the last whole block, the padding and the length; the
    lanes only advance the four state words of contexts that stand on a block boundary. Fewer than three
    streams with whole blocks, or a CPU without AVX-512, and every byte goes to OpenSSL.
    tst_digest checks the lanes against OpenSSL on every width and on streams of unequal lengths.
*/
class Md5Lanes
{
public:
    static constexpr int maxStreams = 32;

    enum class Kernel
    {
        Best,   //!< SIMD lanes when the CPU has AVX-512, OpenSSL otherwise.
        OpenSsl //!< Every byte through OpenSSL (for comparison in tests and benchmarks).
    };

    struct Input
    {
        int stream = 0;
        const char *data = nullptr;
        qint64 size = 0;
    };

    explicit Md5Lanes(int streams, Kernel kernel = Kernel::Best);
    ~Md5Lanes();
    Md5Lanes(const Md5Lanes &) = delete;
    Md5Lanes &operator=(const Md5Lanes &) = delete;

    int streams() const;
    //! Adds each input's bytes to its stream, in order; an input per stream at most.
    void add(std::span<const Input> inputs);
    //! The md5 of \a stream (lowercase hex); nothing more may be added to it until restart().
    QString finish(int stream);
    //! Starts \a stream again from nothing, for the next input.
    void restart(int stream);

    //! Whether this CPU hashes streams side by side.
    static bool accelerated();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace gh
