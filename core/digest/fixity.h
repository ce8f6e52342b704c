#pragma once

#include <optional>

#include <QCoreApplication>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    The checksum algorithms Gatehouse computes (OpenSSL EVP). The catalog records computed md5, sha1 and
   sha256 for every file and declared md5, sha1, sha256 and sha512; sha224 and sha384 are computed where a
   BagIt manifest names them (validation and export).
*/
enum class DigestAlgorithm
{
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512
};

//! Every DigestAlgorithm, in enum order.
inline constexpr DigestAlgorithm s_digestAlgorithms[] = {DigestAlgorithm::Md5,    DigestAlgorithm::Sha1,
                                                         DigestAlgorithm::Sha224, DigestAlgorithm::Sha256,
                                                         DigestAlgorithm::Sha384, DigestAlgorithm::Sha512};

//! A digest's bytes as Gatehouse records and compares them: lowercase hex.
QString hexDigest(const unsigned char *bytes, qsizetype length);

/*!
    \class gh::Fixity
    Declared checksums: reading them from sidecar files and comparing them with what was computed.
*/
class Fixity
{
    Q_DECLARE_TR_FUNCTIONS(gh::Fixity)

public:
    /*!
        "md5" → Md5 and so on, for the algorithms whose declared checksums the catalog records (md5, sha1,
        sha256, sha512); case-insensitive, hyphens ignored ("SHA-256"). Used for sidecar suffixes, METS
        CHECKSUMTYPE and spreadsheet columns.
    */
    static std::optional<DigestAlgorithm> algorithmFromName(QStringView name);
    //! The same for every DigestAlgorithm, sha224 and sha384 included (BagIt manifests).
    static std::optional<DigestAlgorithm> anyAlgorithmFromName(QStringView name);
    //! True for the algorithms whose declared checksums DeclaredChecksums (and the catalog) can hold.
    static bool isRecorded(DigestAlgorithm algorithm);
    static QString name(DigestAlgorithm algorithm);
    static int hexLength(DigestAlgorithm algorithm);
    //! True when \a text is a hex digest of the right length for \a algorithm.
    static bool isHexDigest(QStringView text, DigestAlgorithm algorithm);

    /*!
        Reads a sidecar file such as \c page.jp2.md5. Accepts the bare digest and the md5sum/sha1sum formats
        ("<hex>  name", "<hex> *name") and the BSD format ("MD5 (name) = <hex>"). Returns the lower-case
       digest.
    */
    static Result<QString> readSidecar(const QString &path, DigestAlgorithm algorithm);
    //! The same for sidecar content already read; \a name is used in messages.
    static Result<QString> parseSidecar(const QByteArray &content, const QString &name,
                                        DigestAlgorithm algorithm);

    //! Stores \a digest in the matching field of \a declared; does nothing for an algorithm that is not
    //! isRecorded().
    static void declare(DeclaredChecksums &declared, DigestAlgorithm algorithm, const QString &digest);

    struct Verdict
    {
        bool checked = false; //!< At least one declared checksum could be compared.
        bool matches = true;
        QString detail; //!< "md5 declared 0ab… computed 9f1…" for each mismatch, or what was verified.
    };
    //! Compares every declared checksum with the computed one.
    static Verdict compare(const DeclaredChecksums &declared, const Digests &computed);
};

} // namespace gh
