#pragma once

#include <memory>

#include <QByteArray>

#include "model/records.h"

namespace gh {

/*!
    \class gh::MultiDigest
    Computes md5, sha1 and sha256 in one pass over the data (OpenSSL EVP), so every byte is read once.

    With \c Lanes::Split, md5 runs on a second thread while this thread computes sha1 and sha256: on CPUs with
    SHA extensions md5 is the slowest of the three, so splitting nearly doubles throughput for one large file.
    Use it for large inputs; for many small files, hash them in parallel instead.
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
    ~MultiDigest();
    MultiDigest(const MultiDigest &) = delete;
    MultiDigest &operator=(const MultiDigest &) = delete;

    //! Adds \a data. In split mode the buffer must stay valid and unchanged until the next call to add() or
    //! finish(), which lets the caller double-buffer.
    void add(const char *data, qsizetype size);
    void add(const QByteArray &data) { add(data.constData(), data.size()); }
    Digests finish();
    qint64 bytes() const { return m_bytes; }

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
