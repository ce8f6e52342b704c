#pragma once

#include <memory>

#include <QHash>

#include "archiveformat.h"
#include "intake/package.h"

class QTemporaryDir;

namespace gh {

class ArchiveBackend;

/*!
    \class gh::ArchivePackage
    A zip (QuaZip), tar, tar.gz, tar.bz2, tar.xz or 7z (libarchive) archive as a package, listed from its
    directory without extracting anything: the central directory for zip, one sequential pass over the headers
    for the others.

    Members whose names are unsafe (see ArchiveMember), links that leave the archive, files beneath a link,
   hard links to members that do not exist, duplicates, special files, encrypted members and members past a
    per-member limit are refused: they appear in rejected() with the reason, never in entries(). Links that
   stay inside are listed as PackageEntry::Type::Symlink, never followed, and named in warnings().
   Archive-wide limits (ArchiveLimits) make open() fail with ErrorCode::LimitExceeded.

    An archive member that is itself an archive stays a file; openMember() opens it as a package of its own,
    addressed as described in ArchiveMember. Reading is not thread-safe: one package, one thread.
*/
class ArchivePackage final : public Package
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchivePackage)

public:
    /*!
        Opens the archive at \a path, whose format is detected by content, with the limits and the cancel flag
        of \a options (the flag must outlive the package and the packages openMember() makes). Fails with
       ErrorCode::Unsupported when the file is not an archive, ErrorCode::Corrupt when it is damaged or
       truncated, ErrorCode::LimitExceeded past an archive-wide limit.
    */
    static Result<std::unique_ptr<ArchivePackage>> open(const QString &path, const IntakeOptions &options);
    ~ArchivePackage() override;

    //! The member \a path, an archive itself, as a package. Its files locate() to this package's archive with
    //! a nested member address ("inner.zip!/page1.tif"). The member is unpacked to a private temporary
    //! folder, removed when the returned package is destroyed. Fails past ArchiveLimits::maxNestingDepth.
    Result<std::unique_ptr<ArchivePackage>> openMember(const QString &path) const;

    QString displayName() const override { return m_display; }
    QString kind() const override { return ArchiveFormats::kind(m_format); }
    ArchiveFormat format() const { return m_format; }
    //! The outermost archive file on disk, absolute.
    QString archivePath() const { return m_root; }
    //! "" for an archive on disk; "inner.zip!/" for one opened with openMember().
    QString memberPrefix() const { return m_prefix; }
    //! 0 for an archive on disk, 1 for an archive inside it, …
    int depth() const { return m_depth; }

    const QList<PackageEntry> &entries() const override { return m_entries; }
    const QList<FileDraft> &rejected() const override { return m_rejected; }
    QStringList warnings() const override { return m_warnings; }
    bool contains(const QString &path) const override;
    //! Reads a file member, refusing more than \a maxBytes while reading (never trusting its header's size)
    //! and checking its CRC where the format has one.
    Result<QByteArray> read(const QString &path, qint64 maxBytes = 64 * 1024 * 1024) const override;
    void locate(const QString &path, FileDraft &file) const override;
    Result<std::unique_ptr<Package>> openArchive(const QString &path,
                                                 const IntakeOptions &options) const override;

private:
    ArchivePackage() = default;
    Status list();
    void refuse(const QString &display, qint64 size, FileStatus status, const QString &message);
    //! Streams a file member into \a sink (a QByteArray or a temporary file), at most \a maxBytes.
    Status copyMember(const QString &path, QIODevice &sink, qint64 maxBytes, const QString &limitName) const;

    QString m_root;
    QString m_file; //!< The archive read: m_root, or the temporary copy of a nested archive.
    QString m_prefix;
    QString m_display;
    ArchiveFormat m_format = ArchiveFormat::Zip;
    int m_depth = 0;
    ArchiveLimits m_limits;
    std::atomic_bool *m_cancel = nullptr; //!< The intake's, which outlives the packages it opens.
    std::shared_ptr<QTemporaryDir> m_temporary;

    QList<PackageEntry> m_entries;
    QList<FileDraft> m_rejected;
    QStringList m_warnings;
    QHash<QString, qsizetype> m_index; //!< File members → entries().
    QHash<QString, qint64> m_ordinals; //!< File members → position in the archive.
    QHash<QString, qint64> m_compressed;
    QHash<QString, QByteArray> m_cache; //!< Small members of sequential archives, read while listing.
    mutable std::unique_ptr<ArchiveBackend> m_backend;
};

} // namespace gh
