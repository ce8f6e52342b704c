#include "archiveformat.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

namespace gh {

namespace {

enum class Compression
{
    Gzip,
    Bzip2,
    Xz
};

//! Whether the compressed stream in \a path holds a tar: libarchive decompresses just enough to read the
//! first header. Only the one filter and the tar format are enabled, so nothing else can be guessed.
bool holdsTar(const QString &path, Compression compression)
{
    archive *a = archive_read_new();
    switch (compression) {
    case Compression::Gzip:
        archive_read_support_filter_gzip(a);
        break;
    case Compression::Bzip2:
        archive_read_support_filter_bzip2(a);
        break;
    case Compression::Xz:
        archive_read_support_filter_xz(a);
        break;
    }
    archive_read_support_format_tar(a);
    bool tar = false;
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 64 * 1024) == ARCHIVE_OK) {
        archive_entry *entry = nullptr;
        const int rc = archive_read_next_header(a, &entry);
        // A damaged tar is still a tar: opening it reports the damage with the member where it happens.
        tar = rc == ARCHIVE_OK || rc == ARCHIVE_WARN || rc == ARCHIVE_EOF ||
              (rc == ARCHIVE_FATAL && archive_format(a) != 0);
    }
    archive_read_free(a);
    return tar;
}

} // namespace

QString ArchiveFormats::kind(ArchiveFormat format)
{
    switch (format) {
    case ArchiveFormat::Zip:
        return QStringLiteral("zip");
    case ArchiveFormat::Tar:
        return QStringLiteral("tar");
    case ArchiveFormat::TarGz:
        return QStringLiteral("tar.gz");
    case ArchiveFormat::TarBz2:
        return QStringLiteral("tar.bz2");
    case ArchiveFormat::TarXz:
        return QStringLiteral("tar.xz");
    case ArchiveFormat::SevenZip:
        return QStringLiteral("7z");
    }
    return {};
}

std::optional<ArchiveFormat> ArchiveFormats::sniff(const QString &path, const QByteArray &head)
{
    if (head.startsWith("PK\x03\x04") || head.startsWith("PK\x05\x06") || head.startsWith("PK\x07\x08"))
        return ArchiveFormat::Zip;
    if (head.startsWith(QByteArrayView("7z\xbc\xaf\x27\x1c", 6)))
        return ArchiveFormat::SevenZip;
    if (head.size() >= 262 && head.mid(257, 5) == "ustar")
        return ArchiveFormat::Tar;
    if (head.startsWith("\x1f\x8b") && holdsTar(path, Compression::Gzip))
        return ArchiveFormat::TarGz;
    if (head.startsWith("BZh") && holdsTar(path, Compression::Bzip2))
        return ArchiveFormat::TarBz2;
    if (head.startsWith(QByteArrayView("\xfd"
                                       "7zXZ\x00",
                                       6)) &&
        holdsTar(path, Compression::Xz))
        return ArchiveFormat::TarXz;
    return std::nullopt;
}

std::optional<ArchiveFormat> ArchiveFormats::sniff(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return sniff(path, file.read(512));
}

std::optional<ArchiveFormat> ArchiveFormats::fromFileName(const QString &fileName)
{
    const QString name = fileName.toLower();
    if (name.endsWith(u".zip"))
        return ArchiveFormat::Zip;
    if (name.endsWith(u".tar"))
        return ArchiveFormat::Tar;
    if (name.endsWith(u".tar.gz") || name.endsWith(u".tgz"))
        return ArchiveFormat::TarGz;
    if (name.endsWith(u".tar.bz2") || name.endsWith(u".tbz2") || name.endsWith(u".tbz"))
        return ArchiveFormat::TarBz2;
    if (name.endsWith(u".tar.xz") || name.endsWith(u".txz"))
        return ArchiveFormat::TarXz;
    if (name.endsWith(u".7z"))
        return ArchiveFormat::SevenZip;
    return std::nullopt;
}

} // namespace gh
