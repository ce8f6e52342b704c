#include "archiveguard.h"

#include <algorithm>

#include "archivemember.h"

namespace gh {

ArchiveGuard::ArchiveGuard(const ArchiveLimits &limits, QString name, qint64 archiveSize)
    : m_limits(limits)
    , m_name(std::move(name))
    , m_archiveSize(qMax<qint64>(archiveSize, 1))
{}

Status ArchiveGuard::checkDeclaredEntries(qint64 declared) const
{
    if (declared <= m_limits.maxEntries)
        return {};
    return Error{ErrorCode::LimitExceeded,
                 tr("%1 declares %2 members; the limit for one archive is %3 members.")
                     .arg(m_name)
                     .arg(declared)
                     .arg(m_limits.maxEntries)};
}

Status ArchiveGuard::countEntry()
{
    if (++m_entries <= m_limits.maxEntries)
        return {};
    return Error{ErrorCode::LimitExceeded,
                 tr("%1 has at least %2 members; the limit for one archive is %3 members.")
                     .arg(m_name)
                     .arg(m_entries)
                     .arg(m_limits.maxEntries)};
}

QString ArchiveGuard::linkAbove(const QString &path) const
{
    if (m_links.isEmpty())
        return {};
    for (qsizetype slash = path.indexOf(u'/'); slash > 0; slash = path.indexOf(u'/', slash + 1)) {
        const QString prefix = path.left(slash);
        if (m_links.contains(prefix))
            return prefix;
    }
    return {};
}

ArchiveGuard::Verdict ArchiveGuard::classify(const RawEntry &entry)
{
    Verdict verdict;
    auto refuse = [&verdict](FileStatus status, const QString &reason) {
        verdict.kind = Verdict::Kind::Refused;
        verdict.status = status;
        verdict.reason = reason;
        return verdict;
    };
    if (!entry.nameDecoded) {
        verdict.display = ArchiveMember::displayBytes(entry.rawName);
        return refuse(FileStatus::UnsafePath, tr("its name is not valid UTF-8"));
    }
    verdict.display = ArchiveMember::displayName(entry.name);
    if (entry.type == PackageEntry::Type::Directory && !entry.name.isEmpty() &&
        std::all_of(entry.name.cbegin(), entry.name.cend(), [](QChar c) { return c == u'.' || c == u'/'; }) &&
        !entry.name.startsWith(u'/') && !entry.name.contains(QStringLiteral(".."))) {
        // "./", the archive's own root, as "tar -C dir -cf x.tar ." writes it first.
        verdict.kind = Verdict::Kind::Directory;
        return verdict;
    }
    const ArchiveMember::Check check = ArchiveMember::check(entry.name, m_limits.maxPathLength);
    if (!check.ok())
        return refuse(check.status, check.reason);
    verdict.path = check.path;
    if (entry.type != PackageEntry::Type::Directory)
        verdict.display = ArchiveMember::displayName(check.path);

    if (entry.type == PackageEntry::Type::Other)
        return refuse(FileStatus::Unsupported, tr("it is not a regular file (a device, pipe or socket)"));
    if (entry.type == PackageEntry::Type::Directory) {
        verdict.kind = Verdict::Kind::Directory;
        return verdict;
    }
    if (const QString link = linkAbove(verdict.path); !link.isEmpty()) {
        return refuse(FileStatus::UnsafePath,
                      tr("its path passes through the link %1, which Gatehouse never follows")
                          .arg(ArchiveMember::displayName(link)));
    }
    if (entry.type == PackageEntry::Type::Symlink) {
        // Every link is remembered, also one that is refused: a file "inside" it must be refused as well.
        m_links.insert(verdict.path);
        QString resolved;
        if (entry.hardLink) {
            // Hard link targets are paths from the archive's root, not from the link's folder.
            const ArchiveMember::Check target =
                ArchiveMember::check(entry.linkTarget, m_limits.maxPathLength);
            resolved = target.path;
        } else {
            resolved = ArchiveMember::resolveLink(verdict.path, entry.linkTarget);
        }
        if (resolved.isEmpty()) {
            return refuse(FileStatus::UnsafePath,
                          (entry.hardLink ? tr("it is a hard link to %1, outside the archive")
                                          : tr("it is a symbolic link to %1, outside the archive"))
                              .arg(ArchiveMember::displayName(entry.linkTarget)));
        }
        verdict.kind = Verdict::Kind::Link;
        verdict.linkTarget = resolved;
        return verdict;
    }

    const int copy = ++m_seen[verdict.path];
    if (copy > 1) {
        verdict.display = tr("%1 (copy %2)").arg(verdict.display).arg(copy);
        return refuse(FileStatus::UnsafePath,
                      tr("another member has the same path, and only the first one is used"));
    }
    if (entry.encrypted)
        return refuse(FileStatus::Unsupported, tr("it is encrypted"));
    if (!entry.unsupported.isEmpty())
        return refuse(FileStatus::Unsupported, entry.unsupported);
    if (entry.compressedSize >= 0 && entry.size > m_limits.ratioCheckFrom &&
        entry.size / qMax<qint64>(entry.compressedSize, 1) > m_limits.maxCompressionRatio) {
        return refuse(FileStatus::LimitExceeded,
                      tr("it expands from %1 to %2 bytes, a compression ratio of %3:1; the limit is %4:1")
                          .arg(entry.compressedSize)
                          .arg(entry.size)
                          .arg(entry.size / qMax<qint64>(entry.compressedSize, 1))
                          .arg(m_limits.maxCompressionRatio));
    }
    verdict.kind = Verdict::Kind::File;
    return verdict;
}

Error ArchiveGuard::ratioError(qint64 expanded) const
{
    return Error{
        ErrorCode::LimitExceeded,
        tr("%1 expands from its %2 bytes to at least %3 bytes, a compression ratio of %4:1; the limit is "
           "%5:1.")
            .arg(m_name)
            .arg(m_archiveSize)
            .arg(expanded)
            .arg(expanded / m_archiveSize)
            .arg(m_limits.maxCompressionRatio)};
}

Status ArchiveGuard::addDeclared(qint64 size)
{
    if (size <= 0)
        return {};
    m_declaredTotal += size;
    if (m_declaredTotal > m_limits.maxTotalSize) {
        return Error{ErrorCode::LimitExceeded,
                     tr("The files in %1 add up to at least %2 bytes; the limit for one archive is %3 bytes.")
                         .arg(m_name)
                         .arg(m_declaredTotal)
                         .arg(m_limits.maxTotalSize)};
    }
    if (m_declaredTotal > m_limits.ratioCheckFrom &&
        m_declaredTotal / m_archiveSize > m_limits.maxCompressionRatio)
        return ratioError(m_declaredTotal);
    return {};
}

Status ArchiveGuard::addPassed(const RawEntry &entry, const Verdict &verdict, bool skipDecompresses)
{
    if (verdict.kind == Verdict::Kind::File || (skipDecompresses && verdict.kind == Verdict::Kind::Refused &&
                                                entry.type == PackageEntry::Type::File))
        return addDeclared(entry.size);
    return {};
}

void ArchiveGuard::beginMember(const QString &display, qint64 declared, qint64 compressed)
{
    m_member = display;
    m_memberDeclared = declared;
    m_memberCompressed = compressed;
    m_memberActual = 0;
}

Status ArchiveGuard::addActual(qint64 n, bool countTotals)
{
    m_memberActual += n;
    if (m_memberDeclared >= 0 && m_memberActual > m_memberDeclared) {
        return Error{ErrorCode::Corrupt, tr("%1 in %2 holds more data than the %3 bytes its header declares.")
                                             .arg(m_member, m_name)
                                             .arg(m_memberDeclared)};
    }
    if (m_memberCompressed >= 0 && m_memberActual > m_limits.ratioCheckFrom &&
        m_memberActual / qMax<qint64>(m_memberCompressed, 1) > m_limits.maxCompressionRatio) {
        return Error{
            ErrorCode::LimitExceeded,
            tr("%1 in %2 expands from %3 to at least %4 bytes, a compression ratio of %5:1; the limit is "
               "%6:1.")
                .arg(m_member, m_name)
                .arg(m_memberCompressed)
                .arg(m_memberActual)
                .arg(m_memberActual / qMax<qint64>(m_memberCompressed, 1))
                .arg(m_limits.maxCompressionRatio)};
    }
    if (!countTotals)
        return {};
    m_actualTotal += n;
    return checkActualTotal();
}

Status ArchiveGuard::addSkipped(qint64 size)
{
    if (size <= 0)
        return {};
    m_actualTotal += size;
    if (m_actualTotal > m_limits.maxTotalSize) {
        return Error{
            ErrorCode::LimitExceeded,
            tr("Going on in %1 means decompressing at least %2 bytes; the limit for one archive is %3 "
               "bytes.")
                .arg(m_name)
                .arg(m_actualTotal)
                .arg(m_limits.maxTotalSize)};
    }
    if (m_actualTotal > m_limits.ratioCheckFrom &&
        m_actualTotal / m_archiveSize > m_limits.maxCompressionRatio)
        return ratioError(m_actualTotal);
    return {};
}

Status ArchiveGuard::checkActualTotal() const
{
    if (m_actualTotal > m_limits.maxTotalSize) {
        return Error{ErrorCode::LimitExceeded,
                     tr("Reading %1 from %2 passes %3 bytes in all; the limit for one archive is %4 bytes.")
                         .arg(m_member, m_name)
                         .arg(m_actualTotal)
                         .arg(m_limits.maxTotalSize)};
    }
    if (m_actualTotal > m_limits.ratioCheckFrom &&
        m_actualTotal / m_archiveSize > m_limits.maxCompressionRatio) {
        return Error{
            ErrorCode::LimitExceeded,
            tr("Reading %1 from %2 expands the archive's %3 bytes to at least %4 bytes, a compression ratio "
               "of %5:1; the limit is %6:1.")
                .arg(m_member, m_name)
                .arg(m_archiveSize)
                .arg(m_actualTotal)
                .arg(m_actualTotal / m_archiveSize)
                .arg(m_limits.maxCompressionRatio)};
    }
    return {};
}

Status ArchiveGuard::endMember() const
{
    if (m_memberDeclared >= 0 && m_memberActual < m_memberDeclared) {
        return Error{ErrorCode::Corrupt, tr("%1 in %2 ends after %3 bytes, but its header declares %4 bytes.")
                                             .arg(m_member, m_name)
                                             .arg(m_memberActual)
                                             .arg(m_memberDeclared)};
    }
    return {};
}

QString ArchiveGuard::refusal(const QString &member, const QString &reason) const
{
    return tr("%1 in %2 was not read: %3.").arg(member, m_name, reason);
}

} // namespace gh
