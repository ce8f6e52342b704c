#pragma once

#include <atomic>
#include <functional>

#include <QJsonObject>

#include "bag.h"

namespace gh {

/*!
    \class gh::BagProgress
    How far a validation or export has got.
*/
struct BagProgress
{
    qint64 filesDone = 0;
    qint64 filesTotal = 0;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
};

/*!
    \class gh::BagReport
    Everything a validation found: problems make the bag invalid, warnings do not.
*/
struct BagReport
{
    bool isBag = true; //!< False when the folder has neither bagit.txt nor a manifest: not a bag at all.
    BagVersion version;
    qint64 payloadFiles = 0; //!< Payload files present.
    qint64 payloadBytes = 0;
    qint64 filesVerified = 0; //!< Files whose checksums were computed.
    QList<BagIssue> problems;
    QList<BagIssue> warnings;

    bool valid() const { return isBag && problems.isEmpty(); }
    //! {"valid", "version", "payload_files", "payload_bytes", "problems": [...], "warnings": [...]}.
    QJsonObject toJson() const;
};

/*!
    \class gh::BagValidationOptions
    How BagValidator works: cancellation, progress, threads.
*/
struct BagValidationOptions
{
    std::atomic_bool *cancel = nullptr;
    //! Called on the calling thread as files are verified.
    std::function<void(const BagProgress &)> progress;
    int threads = 0; //!< Hashing threads; 0 means one per core.
};

/*!
    \class gh::BagValidator
    Checks that a bag is complete and valid (RFC 8493 §3) and reports every problem and warning it finds, not
    just the first.

    Complete: bagit.txt and at least one payload manifest exist; every file every manifest lists is present;
    every payload file is listed in every payload manifest (in at least one before 1.0); no fetch.txt file is
    still to be fetched. Valid: complete, and every checksum of every payload and tag manifest matches —
    each file is read once, computing every algorithm it needs in one pass, on a thread pool. Also checked:
    paths stay inside the bag and payload manifests stay inside data/, duplicate entries, Payload-Oxum, the
    form of every tag file. Warnings: unknown or weak algorithms, missing recommended bag-info labels, tag
    files a tag manifest does not cover, hidden files and operating-system clutter in data/, names that differ
    only in case or normalisation or that Windows cannot store.

    Payload members are hashed from their file on disk when the package has one (folders); otherwise they
    are read through Package::read(), so bags inside archives validate once they are opened as packages.

    Every MUST of RFC 8493 is a problem, every SHOULD a warning; docs/bagit-conformance.md maps each section
    of the RFC to the check and the issue code that implement it.
*/
class BagValidator
{
    Q_DECLARE_TR_FUNCTIONS(gh::BagValidator)

public:
    using Options = BagValidationOptions;

    /*!
        Validates the bag in the folder \a path. Fails with ErrorCode::NotFound if \a path does not exist,
        ErrorCode::Unsupported if it is not a folder, ErrorCode::Cancelled if cancelled; a folder that is
        not a bag yields a report with isBag false.
    */
    static Result<BagReport> validate(const QString &path, const Options &options = {});
    /*!
        Validates the bag at the root of \a package. \a payloadFolderExists tells whether data/ exists when
        the package lists no member under it (folder packages do not list empty folders).
    */
    static Result<BagReport> validate(const Package &package, bool payloadFolderExists,
                                      const Options &options = {});
};

} // namespace gh
