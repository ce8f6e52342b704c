#pragma once

// Internal to core/intake/archive: one sequential walk over an archive's headers and data, with zip behind
// QuaZip and everything else behind libarchive, so ArchivePackage and ArchiveReader share every rule above
// it.

#include <memory>

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include "archiveformat.h"
#include "intake/package.h"

namespace gh {

/*!
    A member's header as the archive states it, before any check: names are raw bytes plus what the format's
    encoding rules make of them.
*/
struct RawEntry
{
    QByteArray rawName;
    QString name;            //!< Decoded; empty when the bytes are not valid in the name's encoding.
    bool nameDecoded = true; //!< False when rawName is not valid UTF-8 although it must be.
    PackageEntry::Type type = PackageEntry::Type::File;
    bool hardLink = false; //!< type is Symlink and linkTarget names another member (tar hard links).
    QString linkTarget;
    qint64 size = -1;           //!< Uncompressed size the header declares; -1 if it does not say.
    qint64 compressedSize = -1; //!< Zip only: the member's compressed bytes.
    bool encrypted = false;
    QString unsupported; //!< Why the data cannot be read (compression method), if it cannot.
    qint64 ordinal = -1; //!< Position in the archive's own order, for going back to it.
};

class ArchiveBackend
{
    Q_DECLARE_TR_FUNCTIONS(gh::ArchiveBackend)

public:
    /*!
        Opens \a path, which is a \a format archive. \a name is how messages call it (the outermost archive's
        path, with "!/" and the member path for nested archives).
    */
    static Result<std::unique_ptr<ArchiveBackend>> open(const QString &path, ArchiveFormat format,
                                                        const QString &name);
    virtual ~ArchiveBackend() = default;

    //! The number of members the archive's directory declares, where the format has one (zip).
    virtual std::optional<qint64> declaredEntries() const { return std::nullopt; }
    //! Advances to the next member; false at the end. Unread data of the current member is skipped.
    virtual Result<bool> next(RawEntry &entry) = 0;
    //! Moves back to the member at \a ordinal for reading. Zip seeks; the others reopen and walk.
    virtual Status seek(qint64 ordinal) = 0;
    //! Reads the current member's data: bytes read, 0 at its end, -1 on error (errorString()). At the end the
    //! member's checksum, where the format has one, has been verified.
    virtual qint64 read(char *buffer, qint64 size) = 0;
    //! Compressed bytes consumed so far, or -1 where the format does not say (zip has per-member sizes).
    virtual qint64 compressedConsumed() const { return -1; }
    //! Whether skipping an unread member costs decompressing it (compressed streams, 7z solid blocks).
    virtual bool skipDecompresses() const = 0;
    QString errorString() const { return m_error; }

protected:
    QString m_name;
    QString m_error;
};

} // namespace gh
