#pragma once

#include <QHash>
#include <QSet>

#include "bagparser.h"
#include "intake/package.h"

namespace gh {

/*!
    \class gh::Bag
    A bag's tag files as read from a Package (a folder, or an archive once one is opened as a package): the
    declaration, bag-info.txt, every payload and tag manifest at the root, and fetch.txt, with every issue
    parsing found. Reading never stops at the first problem; usable() says whether the bag can be ingested
    by its manifests at all.
*/
struct Bag
{
    Q_DECLARE_TR_FUNCTIONS(gh::Bag)

public:
    bool hasDeclaration = false; //!< bagit.txt exists.
    BagDeclaration declaration;  //!< BagIt 1.0 / UTF-8 when bagit.txt is missing or unusable.
    QString infoFile;            //!< "bag-info.txt" ("package-info.txt" before 0.96); empty if absent.
    BagInfo info;
    QList<Manifest> payloadManifests;
    QList<Manifest> tagManifests;
    bool hasFetch = false;
    QList<ManifestEntry> fetch;
    QList<BagIssue> issues;
    //! Why the bag cannot be ingested by its manifests; empty when it can.
    QString unusableReason;

    bool usable() const { return unusableReason.isEmpty(); }

    //! Reads the tag files of the bag at the root of \a package.
    static Bag read(const Package &package);
    //! True if \a package has bagit.txt at its root.
    static bool recognise(const Package &package);

    /*!
        \class gh::Bag::Listing
        What the payload manifests say about one payload path.
    */
    struct Listing
    {
        DeclaredChecksums declared; //!< From every payload manifest with a known algorithm.
        QStringList manifests;      //!< The payload manifests that list the path, in manifest order.
    };
    struct PayloadIndex
    {
        QStringList paths; //!< Every usable payload manifest path, in first-seen order.
        QHash<QString, Listing> listings;
    };
    PayloadIndex payloadIndex() const;

    static constexpr qint64 maxTagFileSize = 256LL * 1024 * 1024;
};

/*!
    \class gh::BagIndex
    The files of a package, for matching manifest paths: exact first, then after Unicode normalisation (NFC),
    which macOS file systems change behind a bag's back.
*/
class BagIndex
{
public:
    explicit BagIndex(const Package &package);

    //! The package member \a path refers to, or an empty string. \a normalized says whether only the
    //! Unicode-normalised forms matched.
    QString resolve(const QString &path, bool *normalized = nullptr) const;
    const QStringList &files() const { return m_files; }
    qint64 size(const QString &path) const { return m_sizes.value(path, -1); }

private:
    QStringList m_files;
    QHash<QString, qint64> m_sizes;
    QHash<QString, QString> m_nfc; //!< NFC form → member, only for members whose NFC form differs.
};

} // namespace gh
