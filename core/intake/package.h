#pragma once

#include <memory>

#include <QCoreApplication>

#include "intaketypes.h"

namespace gh {

/*!
    \class gh::PackageEntry
    One member of a package as it is listed: a relative, '/'-separated path that has already been checked
    (no "..", no absolute path, valid UTF-8), its size, and its type.
*/
struct PackageEntry
{
    enum class Type
    {
        File,
        Directory,
        Symlink, //!< Listed, never followed unless it resolves inside the package.
        Other    //!< Devices, pipes, sockets.
    };

    QString path;
    qint64 size = -1;
    Type type = Type::File;
    QString linkTarget;
};

/*!
    \class gh::Package
    A set of files with relative paths — a folder on disk or an archive — that manifest ingesters read without
    knowing which. Entries whose paths are unsafe never appear in entries(); they are reported through
    rejected() so intake can record them as unsafe-path files with a reason.
*/
class Package
{
public:
    virtual ~Package() = default;

    //! Where the package is, for messages ("/data/deposit.zip").
    virtual QString displayName() const = 0;
    //! "folder", "zip", "tar", "tar.gz", "7z", …
    virtual QString kind() const = 0;
    //! Every member, in the package's own order.
    virtual const QList<PackageEntry> &entries() const = 0;
    //! Members that were refused while listing (path traversal, absolute paths, links that leave the package,
    //! invalid names), each with the reason.
    virtual const QList<FileDraft> &rejected() const = 0;
    //! Things the listing noticed that are not files (links to folders that were not followed, …).
    virtual QStringList warnings() const { return {}; }
    virtual bool contains(const QString &path) const = 0;
    //! Reads a member fully. For manifests, tag files and sidecars: members larger than \a maxBytes are
    //! refused.
    virtual Result<QByteArray> read(const QString &path, qint64 maxBytes = 64 * 1024 * 1024) const = 0;
    //! Fills \a file's source fields (path, and member for archives) so the fetch stage can read the member.
    virtual void locate(const QString &path, FileDraft &file) const = 0;
    /*!
        The member \a path, an archive itself (a zip of page images inside a deposit), as a package whose
       files locate() to where the fetch stage reads them. Limits and the cancel flag come from \a options for
       an archive in a folder, from the outer archive for a nested one. Fails when it is not an archive or
       past a limit.
    */
    virtual Result<std::unique_ptr<Package>> openArchive(const QString &path,
                                                         const IntakeOptions &options) const = 0;
};

/*!
    \class gh::IntakeContext
    What an ingester works with: where items go, the trace to record decisions and warnings in, and the
    curator's options (banned list, limits, cancellation).
*/
struct IntakeContext
{
    ItemSink &sink;
    IntakeTrace &trace;
    const IntakeOptions &options;
};

/*!
    \class gh::PackageIngester
    Recognises a manifest inside a package (BagIt, METS, IMS CP, a newspaper batch layout …) and turns the
    package into items by it. recognise() must be cheap (look for a tag file or a root element); ingest()
    does the work. If ingest() fails with ErrorCode::Invalid or ErrorCode::Corrupt, the chain degrades to the
    next ingester and finally to the plain listing, with a warning naming this stage and the reason.
*/
class PackageIngester
{
public:
    virtual ~PackageIngester() = default;
    //! The value of `detected` when this ingester succeeds ("bagit", "mets", …).
    virtual QString kind() const = 0;
    virtual bool recognise(const Package &package) const = 0;
    virtual Status ingest(const Package &package, IntakeContext &context) = 0;
};

/*!
    \class gh::Document
    A single-file source: a manifest, spreadsheet or list given directly (not inside a package).
*/
struct Document
{
    QString path;        //!< A local file (remote documents are downloaded first).
    QString originalUrl; //!< Where it came from, if remote: relative references resolve against it.
    QString mimetype;    //!< Sniffed from content.
    QByteArray head;     //!< The first 64 KiB, for recognise().
};

/*!
    \class gh::DocumentIngester
    Recognises a standalone document by content (a METS or IMS CP XML file, a IIIF manifest or collection, a
    CSV/TSV spreadsheet, JSON lines of ingest requests, a list of URLs) and turns it into items. Large
    documents are read as a stream from Document::path, never loaded whole.
*/
class DocumentIngester
{
public:
    virtual ~DocumentIngester() = default;
    virtual QString kind() const = 0;
    virtual bool recognise(const Document &document) const = 0;
    virtual Status ingest(const Document &document, IntakeContext &context) = 0;
};

} // namespace gh
