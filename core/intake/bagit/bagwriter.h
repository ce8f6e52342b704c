#pragma once

#include <atomic>
#include <functional>

#include <QCoreApplication>
#include <QDate>

#include "bagvalidator.h"
#include "digest/fixity.h"
#include "model/records.h"

namespace gh {

class BitStore;
class Catalog;

/*!
    \class gh::BagExport
    What BagWriter::write() wrote, and what it left out.
*/
struct BagExport
{
    struct Skipped
    {
        QString item;
        QString name;
        FileStatus status = FileStatus::Pending;
    };

    QString directory;
    qint64 files = 0;
    qint64 bytes = 0;
    QList<Skipped> skipped; //!< Files of the batch that are not stored (failed, pending, skipped).
    QStringList renamed;    //!< "item/name → data/…" for files whose natural path was taken.
};

/*!
    \class gh::BagWriteOptions
    What BagWriter adds to bag-info.txt, and how it reports and is cancelled.
*/
struct BagWriteOptions
{
    //! Extra bag-info.txt elements (Source-Organization, External-Identifier, …), written after ours.
    QList<std::pair<QString, QString>> bagInfo;
    QDate baggingDate; //!< Today when null.
    /*!
        The algorithms of the payload and tag manifests, one manifest each, in this order. RFC 8493 §2.4 asks
        bag creators to enable sha512 by default; sha256 is what the catalog records for every file.
    */
    QList<DigestAlgorithm> algorithms{DigestAlgorithm::Sha512, DigestAlgorithm::Sha256};
    std::atomic_bool *cancel = nullptr;
    std::function<void(const BagProgress &)> progress;
};

/*!
    \class gh::BagWriter
    Exports a batch's stored files as a BagIt 1.0 bag (RFC 8493).

    Layout: \c data/<item identifier>/<file name>, the item's folders kept, so the bag mirrors how the batch
    was grouped and a curator finds a file where the catalog shows it. Path segments that BagIt or file
    systems cannot take ("", ".", "..", backslashes) are replaced by "_"; a path that collides with another
    (also case-insensitively, so the bag unpacks on any file system) gets the file's id in front of its name
    and is listed in BagExport::renamed.

    Tag files: a payload manifest per algorithm of Options::algorithms (by default manifest-sha512.txt and
    manifest-sha256.txt; md5, sha1, sha224, sha256, sha384 and sha512 are all possible), bag-info.txt
    (Bag-Software-Agent, Bagging-Date, Payload-Oxum, the batch name as External-Description, the batch id as
    Internal-Sender-Identifier, plus Options::bagInfo), a tag manifest per algorithm, and bagit.txt (1.0,
    UTF-8).

    Every byte copied out of the store is hashed while it is copied, in one pass for every manifest; a file
    whose sha256 differs from the catalog's, or whose size differs, stops the export, so the manifests
    describe exactly the bytes the catalog vouches for. Only files whose status is success or unchanged and
    that have a stored key are exported; the rest are listed in BagExport::skipped.

    Atomicity: the bag is assembled in a hidden sibling folder (".NAME.partial-XXXXXX", same file system),
    each file flushed to disk, bagit.txt written last, and the folder renamed to its final name in one
    rename(2) — which also replaces an empty destination folder. An interrupted or failed export leaves no
    folder under the destination's name, and the partial folder has no bagit.txt, so nothing half-written
    ever validates as a complete bag; a failed export removes the partial folder.
*/
class BagWriter
{
    Q_DECLARE_TR_FUNCTIONS(gh::BagWriter)

public:
    using Options = BagWriteOptions;

    /*!
        Writes the stored files of batch \a batchId to \a directory, which must not exist or be an empty
        folder. Fails with ErrorCode::Usage for a destination that is not empty or no algorithm in the
        options, ErrorCode::Corrupt when a
        stored file differs from the catalog, ErrorCode::Cancelled when cancelled; nothing is left at
        \a directory on failure.
    */
    static Result<BagExport> write(Catalog &catalog, BitStore &store, qint64 batchId,
                                   const QString &directory, const Options &options = {});

    //! The path below data/ for file \a name of item \a item: "film1/page1/page1.jp2".
    static QString payloadPath(const QString &item, const QString &name);
};

} // namespace gh
