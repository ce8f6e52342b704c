#pragma once

#include <memory>
#include <optional>

#include "archiveformat.h"
#include "intake/package.h"

class QTemporaryDir;

namespace gh {

class ArchiveBackend;
class ArchiveGuard;

/*!
    \class gh::ArchiveReader
    Streams the file members of an archive in one sequential pass, for the fetch stage: open the archive once,
    walk it with next(), and read() the members it wants in chunks into a hasher and a store writer. Zip goes
    through QuaZip, the other formats through libarchive, behind this one interface.

    next() applies the same checks as ArchivePackage's listing and returns only the members the listing
    accepts as files, so a member that the listing refused (unsafe path, link, duplicate, special file,
    encrypted) is never produced. Sizes are never taken from headers: read() counts the bytes it actually
    produces and fails the member (returns -1, error()) when they pass a limit of ArchiveLimits, disagree with
    the header, or fail the format's checksum. Limits on the archive as a whole make next() fail too.

    \code
    auto opened = ArchiveReader::open(archivePath, options.archive);
    if (!opened) return opened.error();                   // not an archive, damaged, past a limit
    ArchiveReader &reader = **opened;
    auto entry = reader.next();
    for (; entry && *entry; entry = reader.next()) {
        if (!wanted.contains(reader.memberPath())) continue; // skipped cheaply, or counted if it must inflate
        qint64 n;
        while ((n = reader.read(buffer, 1024 * 1024)) > 0) { hasher.add(buffer, n); writer.write(buffer, n); }
        if (n < 0) fail(reader.memberPath(), reader.error()); // this member failed; the walk goes on
    }
    if (!entry) failRemaining(entry.error());             // the archive broke off or passed a limit
    \endcode

    Members of nested archives ("inner.zip!/page1.tif", see ArchiveMember) are reached by positioning the
    reader on the inner archive's member and calling openNested(), which returns a reader over it.
*/
class ArchiveReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchiveReader)

public:
    //! Opens \a archivePath (format detected by content) for one sequential pass under \a limits.
    static Result<std::unique_ptr<ArchiveReader>> open(const QString &archivePath,
                                                       const ArchiveLimits &limits);
    ~ArchiveReader();

    //! The outermost archive file.
    QString archivePath() const { return m_root; }
    //! "zip", "tar", "tar.gz", "tar.bz2", "tar.xz" or "7z".
    QString kind() const { return ArchiveFormats::kind(m_format); }
    //! The archive as messages name it ("/data/a.zip", "/data/a.zip!/inner.zip").
    QString displayName() const { return m_display; }

    /*!
        Advances to the next regular-file member that the listing would accept, skipping whatever is left of
        the current one. Returns nothing at the end of the archive; an error when the archive is damaged or
        past an archive-wide limit (after which the walk is over).
    */
    Result<std::optional<PackageEntry>> next();
    //! The current member's address as FileDraft::sourceMember holds it ("page1.tif",
    //! "inner.zip!/page1.tif").
    QString memberPath() const { return m_prefix + m_entry.path; }

    /*!
        Reads up to \a size bytes of the current member into \a buffer: the number read, 0 at its end, -1 when
        the member failed (error() says why, naming the archive, the member and the reason). A failed member
        stays failed; next() moves on.
    */
    qint64 read(char *buffer, qint64 size);
    //! Why the last read() or openNested() failed.
    const Error &error() const { return m_error; }
    QString errorString() const { return m_error.message; }

    /*!
        Opens the current member, an archive itself, as a reader one level deeper: it is unpacked (within the
        limits) to a private temporary folder that the returned reader removes when destroyed. Consumes the
        current member. Fails past ArchiveLimits::maxNestingDepth.
    */
    Result<std::unique_ptr<ArchiveReader>> openNested();

private:
    ArchiveReader();
    Status start(const QString &file);
    qint64 fail(Error error);

    QString m_root;
    QString m_file;
    QString m_prefix;
    QString m_display;
    ArchiveFormat m_format = ArchiveFormat::Zip;
    int m_depth = 0;
    ArchiveLimits m_limits;
    std::unique_ptr<QTemporaryDir> m_temporary;
    std::unique_ptr<ArchiveBackend> m_backend;
    std::unique_ptr<ArchiveGuard> m_guard;

    PackageEntry m_entry;
    bool m_positioned = false;
    bool m_ended = false;
    bool m_failed = false;
    bool m_finished = false;
    Error m_error{ErrorCode::Usage, {}};
};

} // namespace gh
