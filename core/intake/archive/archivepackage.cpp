#include "archivepackage.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "archivebackend.h"
#include "archiveguard.h"
#include "archivemember.h"

namespace gh {

namespace {

// Sequential archives cannot go back to a member cheaply, and the listing ingester reads a sidecar for nearly
// every file: small members are kept from the listing pass, so reading them later costs nothing.
constexpr qint64 s_cacheMemberSize = 64 * 1024;
constexpr qint64 s_cacheBudget = 32 * 1024 * 1024;
constexpr qint64 s_chunk = 256 * 1024;
constexpr int s_maxNamedLinks = 20;

} // namespace

ArchivePackage::~ArchivePackage()
{
    // The backend holds the temporary file open; close it before the folder goes.
    m_backend.reset();
}

Result<std::unique_ptr<ArchivePackage>> ArchivePackage::open(const QString &path,
                                                             const IntakeOptions &options)
{
    const QFileInfo info(path);
    const auto format = ArchiveFormats::sniff(path);
    if (!format) {
        return Error{ErrorCode::Unsupported, tr("%1 is not an archive Gatehouse can open (zip, tar, tar.gz, "
                                                "tar.bz2, tar.xz or 7z).")
                                                 .arg(QDir::toNativeSeparators(path))};
    }
    std::unique_ptr<ArchivePackage> package(new ArchivePackage);
    package->m_root = info.absoluteFilePath();
    package->m_file = package->m_root;
    package->m_display = QDir::toNativeSeparators(package->m_root);
    package->m_format = *format;
    package->m_limits = options.archive;
    package->m_cancel = options.cancel;
    if (Status s = package->list(); !s)
        return s.error();
    return package;
}

void ArchivePackage::refuse(const QString &display, qint64 size, FileStatus status, const QString &message)
{
    FileDraft file;
    file.name = display;
    file.sourcePath = m_root;
    file.sourceMember = m_prefix + display;
    file.declaredSize = size;
    file.status = status;
    file.error = message;
    m_rejected.append(file);
}

Status ArchivePackage::list()
{
    auto backend = ArchiveBackend::open(m_file, m_format, m_display);
    if (!backend)
        return backend.error();
    m_backend = std::move(*backend);
    ArchiveGuard guard(m_limits, m_display, QFileInfo(m_file).size());
    if (const auto declared = m_backend->declaredEntries()) {
        if (Status s = guard.checkDeclaredEntries(*declared); !s)
            return s;
    }

    const bool cache = m_format != ArchiveFormat::Zip;
    qint64 cacheBudget = s_cacheBudget;
    QHash<QString, QString> hardLinks;
    QStringList insideLinks;
    RawEntry raw;
    for (qint64 count = 0;; ++count) {
        if ((count & 0xff) == 0 && m_cancel && m_cancel->load(std::memory_order_relaxed))
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(m_display)};
        const Result<bool> more = m_backend->next(raw);
        if (!more)
            return more.error();
        if (!*more)
            break;
        if (Status s = guard.countEntry(); !s)
            return s;
        const ArchiveGuard::Verdict verdict = guard.classify(raw);
        if (Status s = guard.addPassed(raw, verdict, m_backend->skipDecompresses()); !s)
            return s;
        PackageEntry entry;
        entry.path = verdict.path;
        entry.size = raw.size;
        switch (verdict.kind) {
        case ArchiveGuard::Verdict::Kind::Refused:
            refuse(verdict.display, raw.size, verdict.status, guard.refusal(verdict.display, verdict.reason));
            continue;
        case ArchiveGuard::Verdict::Kind::Directory:
            entry.type = PackageEntry::Type::Directory;
            if (!entry.path.isEmpty())
                m_entries.append(entry);
            continue;
        case ArchiveGuard::Verdict::Kind::Link:
            entry.type = PackageEntry::Type::Symlink;
            entry.linkTarget = verdict.linkTarget;
            if (raw.hardLink)
                hardLinks.insert(entry.path, verdict.linkTarget);
            else
                insideLinks.append(entry.path + QStringLiteral(" → ") + entry.linkTarget);
            m_entries.append(entry);
            continue;
        case ArchiveGuard::Verdict::Kind::File:
            break;
        }
        entry.type = PackageEntry::Type::File;
        m_index.insert(entry.path, m_entries.size());
        m_ordinals.insert(entry.path, raw.ordinal);
        m_compressed.insert(entry.path, raw.compressedSize);
        m_entries.append(entry);

        if (cache && raw.size >= 0 && raw.size <= s_cacheMemberSize && raw.size <= cacheBudget) {
            // A member that cannot be read now is simply not kept; reading it later reports why.
            QByteArray data(raw.size + 1, '\0');
            qint64 length = 0;
            qint64 n = 0;
            while (length < data.size() &&
                   (n = m_backend->read(data.data() + length, data.size() - length)) > 0)
                length += n;
            if (n >= 0 && length == raw.size) {
                data.truncate(length);
                m_cache.insert(entry.path, data);
                cacheBudget -= length;
            }
        }
    }

    // A file beneath a link that comes later in the archive is as dangerous as one after it.
    QSet<QString> dropped;
    for (const PackageEntry &entry : std::as_const(m_entries)) {
        if (entry.type != PackageEntry::Type::File)
            continue;
        const QString link = guard.linkAbove(entry.path);
        if (link.isEmpty())
            continue;
        refuse(entry.path, entry.size, FileStatus::UnsafePath,
               guard.refusal(
                   entry.path,
                   tr("its path passes through the link %1, which Gatehouse never follows").arg(link)));
        dropped.insert(entry.path);
    }
    // A hard link's target must be a file of the archive, wherever it comes.
    for (auto it = hardLinks.cbegin(); it != hardLinks.cend(); ++it) {
        if (m_index.contains(*it) && !dropped.contains(*it)) {
            insideLinks.append(it.key() + QStringLiteral(" → ") + *it);
            continue;
        }
        refuse(it.key(), 0, FileStatus::UnsafePath,
               guard.refusal(it.key(),
                             tr("it is a hard link to %1, which is not a file in the archive").arg(*it)));
        dropped.insert(it.key());
    }
    if (!dropped.isEmpty()) {
        m_entries.removeIf([&dropped](const PackageEntry &entry) {
            return entry.type != PackageEntry::Type::Directory && dropped.contains(entry.path);
        });
        m_index.clear();
        for (qsizetype i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].type == PackageEntry::Type::File)
                m_index.insert(m_entries[i].path, i);
        }
    }
    if (!insideLinks.isEmpty()) {
        insideLinks.sort();
        const qsizetype more = insideLinks.size() - s_maxNamedLinks;
        if (more > 0)
            insideLinks.resize(s_maxNamedLinks);
        QString named = insideLinks.join(QStringLiteral(", "));
        if (more > 0)
            named += tr(" and %1 more").arg(more);
        m_warnings.append(
            tr("Links inside %1 are listed, not followed; their targets are loaded themselves: %2")
                .arg(m_display, named));
    }
    return {};
}

bool ArchivePackage::contains(const QString &path) const
{
    return m_index.contains(path);
}

Status ArchivePackage::copyMember(const QString &path, QIODevice &sink, qint64 maxBytes,
                                  const QString &limitName) const
{
    const qint64 ordinal = m_ordinals.value(path, -1);
    if (!m_index.contains(path) || ordinal < 0)
        return Error{ErrorCode::NotFound, tr("%1 is not a file in %2.").arg(path, m_display)};
    if (!m_backend) {
        auto backend = ArchiveBackend::open(m_file, m_format, m_display);
        if (!backend)
            return backend.error();
        m_backend = std::move(*backend);
    }
    if (Status s = m_backend->seek(ordinal); !s)
        return s;
    const PackageEntry &entry = m_entries[m_index.value(path)];
    ArchiveGuard guard(m_limits, m_display, QFileInfo(m_file).size());
    guard.beginMember(path, entry.size, m_compressed.value(path, -1));
    QByteArray buffer(s_chunk, Qt::Uninitialized);
    for (;;) {
        const qint64 n = m_backend->read(buffer.data(), buffer.size());
        if (n < 0) {
            const QString reason = m_backend->errorString();
            return Error{ErrorCode::Corrupt, tr("%1 in %2 cannot be read: %3.").arg(path, m_display, reason)};
        }
        if (n == 0)
            break;
        if (Status s = guard.addActual(n, false); !s)
            return s;
        if (guard.memberActual() > maxBytes) {
            return Error{ErrorCode::LimitExceeded, tr("%1 in %2 holds more than the %3 bytes allowed for %4.")
                                                       .arg(path, m_display)
                                                       .arg(maxBytes)
                                                       .arg(limitName)};
        }
        if (sink.write(buffer.constData(), n) != n)
            return Error{ErrorCode::Io,
                         tr("Cannot unpack %1 from %2: %3").arg(path, m_display, sink.errorString())};
    }
    return guard.endMember();
}

Result<QByteArray> ArchivePackage::read(const QString &path, qint64 maxBytes) const
{
    if (const auto cached = m_cache.constFind(path); cached != m_cache.cend()) {
        if (cached->size() > maxBytes) {
            return Error{ErrorCode::LimitExceeded, tr("%1 in %2 holds more than the %3 bytes allowed for %4.")
                                                       .arg(path, m_display)
                                                       .arg(maxBytes)
                                                       .arg(tr("a manifest or tag file"))};
        }
        return *cached;
    }
    QByteArray data;
    QBuffer buffer(&data);
    buffer.open(QIODevice::WriteOnly);
    if (Status s = copyMember(path, buffer, maxBytes, tr("a manifest or tag file")); !s)
        return s.error();
    return data;
}

void ArchivePackage::locate(const QString &path, FileDraft &file) const
{
    file.sourcePath = m_root;
    file.sourceMember = m_prefix + path;
    const qsizetype index = m_index.value(path, -1);
    if (index >= 0)
        file.declaredSize = m_entries[index].size;
}

Result<std::unique_ptr<Package>> ArchivePackage::openArchive(const QString &path, const IntakeOptions &) const
{
    auto member = openMember(path);
    if (!member)
        return member.error();
    return std::unique_ptr<Package>(std::move(*member));
}

Result<std::unique_ptr<ArchivePackage>> ArchivePackage::openMember(const QString &path) const
{
    const QString address = m_prefix + path;
    const QString display = m_display + ArchiveMember::nestedSeparator() + path;
    if (!contains(path))
        return Error{ErrorCode::NotFound, tr("%1 is not a file in %2.").arg(path, m_display)};
    if (m_depth + 1 > m_limits.maxNestingDepth) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 is an archive nested %2 levels deep; the limit is %3 levels.")
                         .arg(display)
                         .arg(m_depth + 1)
                         .arg(m_limits.maxNestingDepth)};
    }
    auto temporary =
        std::make_shared<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gatehouse-nested-XXXXXX")));
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
        if (Status s = copyMember(path, out, m_limits.maxNestedArchiveSize, tr("a nested archive")); !s)
            return s.error();
        if (!out.flush())
            return Error{ErrorCode::Io, tr("Cannot unpack %1: %2").arg(display, out.errorString())};
    }
    const auto format = ArchiveFormats::sniff(file);
    if (!format) {
        return Error{ErrorCode::Unsupported, tr("%1 is not an archive Gatehouse can open (zip, tar, tar.gz, "
                                                "tar.bz2, tar.xz or 7z).")
                                                 .arg(display)};
    }
    std::unique_ptr<ArchivePackage> package(new ArchivePackage);
    package->m_root = m_root;
    package->m_file = file;
    package->m_prefix = address + ArchiveMember::nestedSeparator();
    package->m_display = display;
    package->m_format = *format;
    package->m_depth = m_depth + 1;
    package->m_limits = m_limits;
    package->m_cancel = m_cancel;
    package->m_temporary = std::move(temporary);
    if (Status s = package->list(); !s)
        return s.error();
    return package;
}

} // namespace gh
