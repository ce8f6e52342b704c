#include "archivereader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "archivebackend.h"
#include "archiveguard.h"
#include "archivemember.h"

namespace gh {

namespace {

constexpr qint64 s_chunk = 1024 * 1024;

} // namespace

ArchiveReader::ArchiveReader() = default;

ArchiveReader::~ArchiveReader()
{
    // The backend may hold the temporary copy of a nested archive open; close it before the folder goes.
    m_backend.reset();
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open(const QString &archivePath,
                                                           const ArchiveLimits &limits)
{
    std::unique_ptr<ArchiveReader> reader(new ArchiveReader);
    reader->m_root = QFileInfo(archivePath).absoluteFilePath();
    reader->m_display = QDir::toNativeSeparators(reader->m_root);
    reader->m_limits = limits;
    if (Status s = reader->start(reader->m_root); !s)
        return s.error();
    return reader;
}

Status ArchiveReader::start(const QString &file)
{
    m_file = file;
    const auto format = ArchiveFormats::sniff(file);
    if (!format) {
        return Error{ErrorCode::Unsupported, tr("%1 is not an archive Gatehouse can open (zip, tar, tar.gz, "
                                                "tar.bz2, tar.xz or 7z).")
                                                 .arg(m_display)};
    }
    m_format = *format;
    auto backend = ArchiveBackend::open(file, m_format, m_display);
    if (!backend)
        return backend.error();
    m_backend = std::move(*backend);
    m_guard = std::make_unique<ArchiveGuard>(m_limits, m_display, QFileInfo(file).size());
    if (const auto declared = m_backend->declaredEntries())
        return m_guard->checkDeclaredEntries(*declared);
    return {};
}

Result<std::optional<PackageEntry>> ArchiveReader::next()
{
    if (m_finished)
        return std::optional<PackageEntry>();
    if (m_positioned && m_backend->skipDecompresses()) {
        const qint64 rest = m_entry.size - m_guard->memberActual();
        if (!m_ended && rest > 0) {
            if (Status s = m_guard->addSkipped(rest); !s) {
                m_finished = true;
                return s.error();
            }
        }
    }
    m_positioned = false;
    for (;;) {
        RawEntry raw;
        const Result<bool> more = m_backend->next(raw);
        if (!more) {
            m_finished = true;
            return more.error();
        }
        if (!*more) {
            m_finished = true;
            return std::optional<PackageEntry>();
        }
        if (Status s = m_guard->countEntry(); !s) {
            m_finished = true;
            return s.error();
        }
        const ArchiveGuard::Verdict verdict = m_guard->classify(raw);
        if (verdict.kind != ArchiveGuard::Verdict::Kind::File) {
            // The data of a refused file is decompressed to skip it, in a compressed stream.
            if (m_backend->skipDecompresses() && raw.type == PackageEntry::Type::File) {
                if (Status s = m_guard->addSkipped(raw.size); !s) {
                    m_finished = true;
                    return s.error();
                }
            }
            continue;
        }
        m_entry = PackageEntry{};
        m_entry.path = verdict.path;
        m_entry.size = raw.size;
        m_entry.type = PackageEntry::Type::File;
        m_guard->beginMember(memberPath(), raw.size, raw.compressedSize);
        m_positioned = true;
        m_ended = false;
        m_failed = false;
        return std::optional<PackageEntry>(m_entry);
    }
}

qint64 ArchiveReader::fail(Error error)
{
    m_failed = true;
    m_error = std::move(error);
    return -1;
}

qint64 ArchiveReader::read(char *buffer, qint64 size)
{
    if (!m_positioned)
        return fail(Error{ErrorCode::Usage, tr("No member of %1 is open for reading.").arg(m_display)});
    if (m_failed)
        return -1;
    if (m_ended || size <= 0)
        return 0;
    const qint64 n = m_backend->read(buffer, size);
    if (n < 0) {
        return fail(
            Error{ErrorCode::Corrupt,
                  tr("%1 in %2 cannot be read: %3.").arg(memberPath(), m_display, m_backend->errorString())});
    }
    if (n == 0) {
        m_ended = true;
        if (Status s = m_guard->endMember(); !s)
            return fail(s.error());
        return 0;
    }
    if (Status s = m_guard->addActual(n, true); !s)
        return fail(s.error());
    return n;
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::openNested()
{
    if (!m_positioned)
        return Error{ErrorCode::Usage, tr("No member of %1 is open for reading.").arg(m_display)};
    const QString address = memberPath();
    const QString display = m_display + ArchiveMember::nestedSeparator() + m_entry.path;
    if (m_depth + 1 > m_limits.maxNestingDepth) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 is an archive nested %2 levels deep; the limit is %3 levels.")
                         .arg(display)
                         .arg(m_depth + 1)
                         .arg(m_limits.maxNestingDepth)};
    }
    auto temporary =
        std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gatehouse-nested-XXXXXX")));
    if (!temporary->isValid()) {
        return Error{
            ErrorCode::Io,
            tr("Cannot create a temporary folder to open %1: %2").arg(display, temporary->errorString())};
    }
    const QString file = temporary->filePath(QStringLiteral("member"));
    {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly)) {
            return Error{ErrorCode::Io,
                         tr("Cannot create a temporary file to open %1: %2").arg(display, out.errorString())};
        }
        QByteArray buffer(s_chunk, Qt::Uninitialized);
        qint64 written = 0;
        for (;;) {
            const qint64 n = read(buffer.data(), buffer.size());
            if (n < 0)
                return m_error;
            if (n == 0)
                break;
            written += n;
            if (written > m_limits.maxNestedArchiveSize) {
                fail(Error{ErrorCode::LimitExceeded,
                           tr("%1 holds more than the %2 bytes allowed for a nested archive.")
                               .arg(display)
                               .arg(m_limits.maxNestedArchiveSize)});
                return m_error;
            }
            if (out.write(buffer.constData(), n) != n) {
                return Error{ErrorCode::Io, tr("Cannot unpack %1: %2").arg(display, out.errorString())};
            }
        }
        if (!out.flush())
            return Error{ErrorCode::Io, tr("Cannot unpack %1: %2").arg(display, out.errorString())};
    }
    std::unique_ptr<ArchiveReader> nested(new ArchiveReader);
    nested->m_root = m_root;
    nested->m_prefix = address + ArchiveMember::nestedSeparator();
    nested->m_display = display;
    nested->m_depth = m_depth + 1;
    nested->m_limits = m_limits;
    nested->m_temporary = std::move(temporary);
    if (Status s = nested->start(file); !s)
        return s.error();
    return nested;
}

} // namespace gh
