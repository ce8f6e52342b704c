#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

namespace gh {

/*!
    \enum gh::ArchiveFormat
    The archive formats Gatehouse opens as packages: zip through QuaZip, the others through libarchive.
*/
enum class ArchiveFormat
{
    Zip,
    Tar,
    TarGz,
    TarBz2,
    TarXz,
    SevenZip
};

/*!
    \class gh::ArchiveFormats
    Detection of archives by content. Compressed streams count only when what they hold is a tar: a plain
    \c .gz of a text file is not a package.
*/
class ArchiveFormats
{
public:
    //! "zip", "tar", "tar.gz", "tar.bz2", "tar.xz" or "7z"; also Package::kind().
    static QString kind(ArchiveFormat format);
    //! The format of the file at \a path, whose first bytes are \a head; nothing when it is not an archive.
    static std::optional<ArchiveFormat> sniff(const QString &path, const QByteArray &head);
    //! Reads the head of \a path itself.
    static std::optional<ArchiveFormat> sniff(const QString &path);
    //! The format a file name promises (".zip", ".tgz", ".tar.xz", …), to explain a file that breaks it.
    static std::optional<ArchiveFormat> fromFileName(const QString &fileName);
};

} // namespace gh
