#include "archivebackend.h"

#include <climits>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <quazip/quazip.h>
#include <quazip/quazipfileinfo.h>
#include <quazip/unzip.h>

#include <archive.h>
#include <archive_entry.h>

#include "archivemember.h"

namespace gh {

namespace {

constexpr int s_maxLinkTarget = 4096;

/*!
    Zip through QuaZip. QuaZip 1.4 decodes a name whose general-purpose bit 11 is set as UTF-8 by itself and
    uses the file-name codec only for the others, so the codec is IBM437 (CP437), the encoding the zip
    specification gives legacy names. Names flagged UTF-8 are additionally checked byte by byte, because
    QString::fromUtf8 would quietly replace invalid sequences. Data is read with QuaZip's unz* API on the same
    handle, which reports CRC mismatches and never inflates past the size the central directory records.
*/
class ZipBackend final : public ArchiveBackend
{
public:
    ZipBackend(const QString &path, const QString &name)
        : m_zip(path)
    {
        m_name = name;
    }

    ~ZipBackend() override
    {
        closeData();
        m_zip.close();
    }

    Status open(const QString &path)
    {
        m_zip.setFileNameCodec("IBM437");
        if (!m_zip.open(QuaZip::mdUnzip)) {
            if (QFileInfo(path).size() == 0)
                return Error{ErrorCode::Corrupt, tr("%1 is empty, not a zip archive.").arg(m_name)};
            return Error{
                ErrorCode::Corrupt,
                tr("%1 is not a readable zip archive: its central directory is missing or damaged (the "
                   "file may be truncated).")
                    .arg(m_name)};
        }
        unz_global_info64 info{};
        if (unzGetGlobalInfo64(m_zip.getUnzFile(), &info) == UNZ_OK)
            m_declared = qint64(qMin<ZPOS64_T>(info.number_entry, ZPOS64_T(LLONG_MAX)));
        return {};
    }

    std::optional<qint64> declaredEntries() const override { return m_declared; }

    Result<bool> next(RawEntry &entry) override
    {
        closeData();
        const bool more = m_started ? m_zip.goToNextFile() : m_zip.goToFirstFile();
        m_started = true;
        if (!more) {
            if (m_zip.getZipError() == UNZ_OK)
                return false;
            return Error{ErrorCode::Corrupt,
                         m_positions.empty()
                             ? tr("The central directory of %1 is damaged.").arg(m_name)
                             : tr("The central directory of %1 is damaged after its member %2.")
                                   .arg(m_name, ArchiveMember::displayBytes(m_lastName))};
        }
        unz64_file_pos position{};
        unzGetFilePos64(m_zip.getUnzFile(), &position);
        m_positions.push_back(position);
        m_current = qint64(m_positions.size()) - 1;
        return describe(entry);
    }

    Status seek(qint64 ordinal) override
    {
        closeData();
        if (ordinal < 0 || ordinal >= qint64(m_positions.size()))
            return Error{ErrorCode::NotFound, tr("%1 has no member number %2.").arg(m_name).arg(ordinal)};
        unz64_file_pos position = m_positions[size_t(ordinal)];
        if (unzGoToFilePos64(m_zip.getUnzFile(), &position) != UNZ_OK)
            return Error{ErrorCode::Corrupt, tr("The central directory of %1 is damaged.").arg(m_name)};
        m_current = ordinal;
        return {};
    }

    qint64 read(char *buffer, qint64 size) override
    {
        if (m_dataEnded)
            return 0;
        if (!m_dataOpen) {
            const int rc = unzOpenCurrentFile(m_zip.getUnzFile());
            if (rc != UNZ_OK) {
                m_error = tr("its data cannot be opened (zip error %1)").arg(rc);
                return -1;
            }
            m_dataOpen = true;
        }
        const int n = unzReadCurrentFile(m_zip.getUnzFile(), buffer, unsigned(qMin<qint64>(size, INT_MAX)));
        if (n < 0) {
            m_error = tr("its compressed data is damaged (zip error %1)").arg(n);
            closeData();
            return -1;
        }
        if (n > 0)
            return n;
        m_dataOpen = false;
        m_dataEnded = true;
        const int rc = unzCloseCurrentFile(m_zip.getUnzFile());
        if (rc == UNZ_CRCERROR) {
            m_error = tr("its data does not match the CRC-32 checksum the archive records");
            return -1;
        }
        if (rc != UNZ_OK) {
            m_error = tr("its data cannot be read to the end (zip error %1)").arg(rc);
            return -1;
        }
        return 0;
    }

    bool skipDecompresses() const override { return false; }

private:
    void closeData()
    {
        if (m_dataOpen)
            unzCloseCurrentFile(m_zip.getUnzFile());
        m_dataOpen = false;
        m_dataEnded = false;
    }

    Result<bool> describe(RawEntry &entry)
    {
        entry = RawEntry{};
        entry.ordinal = m_current;
        QuaZipFileInfo64 info;
        unz_file_info64 raw{};
        if (!m_zip.getCurrentFileInfo(&info) ||
            unzGetCurrentFileInfo64(m_zip.getUnzFile(), &raw, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
            return Error{
                ErrorCode::Corrupt,
                tr("The central directory of %1 is damaged at member %2.").arg(m_name).arg(m_current + 1)};
        }
        entry.rawName = QByteArray(qsizetype(raw.size_filename), '\0');
        unzGetCurrentFileInfo64(m_zip.getUnzFile(), &raw, entry.rawName.data(), uLong(entry.rawName.size()),
                                nullptr, 0, nullptr, 0);
        m_lastName = entry.rawName;
        entry.name = info.name;
        if (info.flags & UNZ_ENCODING_UTF8)
            entry.nameDecoded = ArchiveMember::decodeUtf8(entry.rawName).has_value();
        entry.size = qint64(qMin<quint64>(info.uncompressedSize, quint64(LLONG_MAX)));
        entry.compressedSize = qint64(qMin<quint64>(info.compressedSize, quint64(LLONG_MAX)));
        entry.encrypted = info.flags & 0x1;
        if (info.method != 0 && info.method != Z_DEFLATED)
            entry.unsupported =
                tr("it is compressed with method %1, which Gatehouse cannot read").arg(info.method);

        const bool unixHost = (info.versionCreated >> 8) == 3;
        const quint32 mode = info.externalAttr >> 16;
        const quint32 type = mode & 0170000;
        if (entry.name.endsWith(u'/') || entry.name.endsWith(u'\\') || (unixHost && type == 0040000)) {
            entry.type = PackageEntry::Type::Directory;
        } else if (unixHost && type == 0120000) {
            entry.type = PackageEntry::Type::Symlink;
            // The target is the member's data; a few bytes, read now so the link can be judged while listing.
            QByteArray target(s_maxLinkTarget + 1, '\0');
            qint64 length = 0;
            while (length < target.size()) {
                const qint64 n = read(target.data() + length, target.size() - length);
                if (n <= 0)
                    break;
                length += n;
            }
            closeData();
            target.truncate(length);
            entry.linkTarget = length > s_maxLinkTarget ? QString() : QString::fromUtf8(target);
        } else if (unixHost && type != 0 && type != 0100000) {
            entry.type = PackageEntry::Type::Other;
        }
        return true;
    }

    QuaZip m_zip;
    std::vector<unz64_file_pos> m_positions;
    std::optional<qint64> m_declared;
    qint64 m_current = -1;
    QByteArray m_lastName;
    bool m_started = false;
    bool m_dataOpen = false;
    bool m_dataEnded = false;
};

/*!
    tar (plain, gzip, bzip2, xz) and 7z through libarchive, with only the one filter and format enabled that
    detection found, so libarchive never guesses something else.
*/
class LibarchiveBackend final : public ArchiveBackend
{
public:
    LibarchiveBackend(const QString &path, ArchiveFormat format, const QString &name)
        : m_path(path)
        , m_format(format)
    {
        m_name = name;
    }

    ~LibarchiveBackend() override
    {
        if (m_archive)
            archive_read_free(m_archive);
    }

    Status open()
    {
        if (m_archive)
            archive_read_free(m_archive);
        m_ordinal = -1;
        m_broken = false;
        m_archive = archive_read_new();
        switch (m_format) {
        case ArchiveFormat::TarGz:
            archive_read_support_filter_gzip(m_archive);
            break;
        case ArchiveFormat::TarBz2:
            archive_read_support_filter_bzip2(m_archive);
            break;
        case ArchiveFormat::TarXz:
            archive_read_support_filter_xz(m_archive);
            break;
        default:
            break;
        }
        if (m_format == ArchiveFormat::SevenZip)
            archive_read_support_format_7zip(m_archive);
        else
            archive_read_support_format_tar(m_archive);
        if (archive_read_open_filename(m_archive, QFile::encodeName(m_path).constData(), 64 * 1024) !=
            ARCHIVE_OK) {
            if (QFileInfo(m_path).size() == 0) {
                return Error{
                    ErrorCode::Corrupt,
                    tr("%1 is empty, not a %2 archive.").arg(m_name, ArchiveFormats::kind(m_format))};
            }
            return Error{ErrorCode::Corrupt,
                         tr("%1 is not a readable %2 archive: %3")
                             .arg(m_name, ArchiveFormats::kind(m_format), libraryError())};
        }
        return {};
    }

    Result<bool> next(RawEntry &entry) override
    {
        archive_entry *header = nullptr;
        const int rc = archive_read_next_header(m_archive, &header);
        if (rc == ARCHIVE_EOF)
            return false;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            m_broken = true;
            return Error{ErrorCode::Corrupt,
                         m_ordinal < 0
                             ? tr("%1 is not a readable %2 archive: %3")
                                   .arg(m_name, ArchiveFormats::kind(m_format), libraryError())
                             : tr("%1 is damaged after its member %2 (the file may be truncated): %3")
                                   .arg(m_name, ArchiveMember::displayBytes(m_lastName), libraryError())};
        }
        ++m_ordinal;
        m_dataEnded = false;
        m_dataTouched = false;
        entry = RawEntry{};
        entry.ordinal = m_ordinal;
        if (const char *raw = archive_entry_pathname(header))
            entry.rawName = QByteArray(raw);
        // libarchive converts names it knows the encoding of (pax headers, 7z's UTF-16) to UTF-8; for the raw
        // bytes of an old tar header it returns them as they are, or nothing under a locale that rejects
        // them.
        const char *utf8 = archive_entry_pathname_utf8(header);
        const auto decoded = ArchiveMember::decodeUtf8(utf8 ? QByteArray(utf8) : entry.rawName);
        entry.nameDecoded = decoded.has_value();
        if (decoded)
            entry.name = *decoded;
        if (entry.rawName.isEmpty() && utf8)
            entry.rawName = QByteArray(utf8);
        m_lastName = entry.rawName;

        if (const char *hardLink = archive_entry_hardlink(header)) {
            entry.type = PackageEntry::Type::Symlink;
            entry.hardLink = true;
            const char *target = archive_entry_hardlink_utf8(header);
            entry.linkTarget = QString::fromUtf8(target ? target : hardLink);
        } else {
            switch (archive_entry_filetype(header)) {
            case AE_IFREG:
                entry.type = PackageEntry::Type::File;
                break;
            case AE_IFDIR:
                entry.type = PackageEntry::Type::Directory;
                break;
            case AE_IFLNK: {
                entry.type = PackageEntry::Type::Symlink;
                const char *target = archive_entry_symlink_utf8(header);
                if (!target)
                    target = archive_entry_symlink(header);
                entry.linkTarget = QString::fromUtf8(target ? target : "");
                break;
            }
            default:
                entry.type = PackageEntry::Type::Other;
                break;
            }
        }
        entry.size = archive_entry_size_is_set(header) ? qint64(archive_entry_size(header)) : -1;
        entry.encrypted = archive_entry_is_encrypted(header);
        return true;
    }

    Status seek(qint64 ordinal) override
    {
        if (ordinal == m_ordinal && !m_dataTouched && !m_broken)
            return {};
        // After an error libarchive's handle is unusable; going back means starting again.
        if (ordinal <= m_ordinal || m_broken) {
            if (Status s = open(); !s)
                return s;
        }
        RawEntry scratch;
        while (m_ordinal < ordinal) {
            auto more = next(scratch);
            if (!more)
                return more.error();
            if (!*more)
                return Error{ErrorCode::NotFound, tr("%1 has no member number %2.").arg(m_name).arg(ordinal)};
        }
        m_dataTouched = false;
        return {};
    }

    qint64 read(char *buffer, qint64 size) override
    {
        if (m_dataEnded)
            return 0;
        m_dataTouched = true;
        const la_ssize_t n = archive_read_data(m_archive, buffer, size_t(size));
        if (n < 0) {
            m_error = libraryError();
            m_broken = true;
            return -1;
        }
        if (n == 0)
            m_dataEnded = true;
        return qint64(n);
    }

    qint64 compressedConsumed() const override { return qint64(archive_filter_bytes(m_archive, -1)); }
    bool skipDecompresses() const override { return m_format != ArchiveFormat::Tar; }

private:
    QString libraryError() const
    {
        const char *message = archive_error_string(m_archive);
        return message ? QString::fromUtf8(message) : tr("unknown error");
    }

    QString m_path;
    ArchiveFormat m_format;
    archive *m_archive = nullptr;
    qint64 m_ordinal = -1;
    bool m_dataEnded = false;
    bool m_dataTouched = false;
    bool m_broken = false;
    QByteArray m_lastName;
};

} // namespace

Result<std::unique_ptr<ArchiveBackend>> ArchiveBackend::open(const QString &path, ArchiveFormat format,
                                                             const QString &name)
{
    if (format == ArchiveFormat::Zip) {
        auto zip = std::make_unique<ZipBackend>(path, name);
        if (Status s = zip->open(path); !s)
            return s.error();
        return std::unique_ptr<ArchiveBackend>(std::move(zip));
    }
    auto other = std::make_unique<LibarchiveBackend>(path, format, name);
    if (Status s = other->open(); !s)
        return s.error();
    return std::unique_ptr<ArchiveBackend>(std::move(other));
}

} // namespace gh
