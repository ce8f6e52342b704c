#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// Builds BagIt bags on disk for the bag tests: valid ones to start from, which each test then breaks in one
// particular way.

namespace gh::test {

struct BagSpec
{
    QString version = QStringLiteral("1.0");
    bool declareEncoding = true;
    QStringList algorithms{QStringLiteral("sha256"), QStringLiteral("md5")};
    QStringList tagAlgorithms{QStringLiteral("sha256")};
    QByteArray eol = "\n";
    //! Payload files by bag path ("data/…"), written and listed in every manifest.
    QList<std::pair<QString, QByteArray>> payload;
    //! Payload files listed in every manifest and in fetch.txt, but not written: a holey bag.
    QList<std::pair<QString, QByteArray>> remote;
    //! bag-info.txt (package-info.txt before 0.96) as given; by default Bagging-Date and Payload-Oxum.
    std::optional<QByteArray> bagInfo;
    //! Other tag files by path, listed in the tag manifests.
    QList<std::pair<QString, QByteArray>> tagFiles;
};

//! Writes the bag described by \a spec into \a root (created if needed).
void writeBag(const QString &root, const BagSpec &spec);
//! A realistic small v1.0 bag: two pages with OCR, a README, in sub-folders.
BagSpec sampleBag();

//! Hex digest of \a bytes (QCryptographicHash, not the code under test); \a algorithm is md5, sha1, sha224,
//! sha256, sha384, sha512 or blake2b.
QString digestHex(const QByteArray &bytes, const QString &algorithm);
//! RFC 8493 §2.1.3: '%', LF and CR percent-encoded.
QString encodeBagPath(const QString &path);
//! Rewrites every tagmanifest-*.txt of the bag at \a root for its tag files as they are now.
void refreshTagManifests(const QString &root, const QByteArray &eol = "\n");
QByteArray readFile(const QString &path);
void appendToFile(const QString &path, const QByteArray &bytes);

} // namespace gh::test
