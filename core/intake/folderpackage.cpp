#include "folderpackage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include "archive/archivepackage.h"

namespace gh {

FolderPackage::FolderPackage(QString root)
    : m_root(std::move(root))
{}

Result<std::unique_ptr<FolderPackage>> FolderPackage::open(const QString &root, const IntakeOptions &options)
{
    std::unique_ptr<FolderPackage> package(new FolderPackage(QFileInfo(root).absoluteFilePath()));
    const QDir rootDir(package->m_root);
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    QStringList unfollowed;

    QDirIterator it(package->m_root, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(root)};
        it.next();
        const QFileInfo info = it.fileInfo();
        const QString relative = rootDir.relativeFilePath(info.filePath());
        if (info.isDir() && !info.isSymLink())
            continue;
        if (info.isSymLink() && info.isDir()) {
            unfollowed.append(relative);
            continue;
        }
        if (info.isSymLink()) {
            const QString target = info.canonicalFilePath();
            FileDraft rejected;
            rejected.name = relative;
            rejected.status = FileStatus::UnsafePath;
            if (target.isEmpty()) {
                rejected.error = tr("%1 is a symbolic link to %2, which does not exist.")
                                     .arg(relative, info.symLinkTarget());
                package->m_rejected.append(rejected);
                continue;
            }
            if (!target.startsWith(canonicalRoot + u'/')) {
                rejected.error = tr("%1 is a symbolic link to %2, outside the batch folder; it was not read.")
                                     .arg(relative, target);
                package->m_rejected.append(rejected);
                continue;
            }
        } else if (!info.isFile()) {
            FileDraft rejected;
            rejected.name = relative;
            rejected.status = FileStatus::Unsupported;
            rejected.error = tr("%1 is not a regular file (a device, socket or pipe).").arg(relative);
            package->m_rejected.append(rejected);
            continue;
        }
        PackageEntry entry;
        entry.path = relative;
        entry.size = info.size();
        entry.type = PackageEntry::Type::File;
        if (info.isSymLink())
            entry.linkTarget = info.symLinkTarget();
        package->m_index.insert(relative, package->m_entries.size());
        package->m_entries.append(entry);
    }
    for (FileDraft &rejected : package->m_rejected)
        rejected.sourcePath = rootDir.filePath(rejected.name);
    if (!unfollowed.isEmpty())
        package->m_warnings.append(
            tr("Did not follow links to folders: %1").arg(unfollowed.join(QStringLiteral(", "))));
    return package;
}

QString FolderPackage::displayName() const
{
    return QDir::toNativeSeparators(m_root);
}

Result<QByteArray> FolderPackage::read(const QString &path, qint64 maxBytes) const
{
    if (!contains(path))
        return Error{ErrorCode::NotFound, tr("%1 is not in %2.").arg(path, displayName())};
    QFile file(QDir(m_root).filePath(path));
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable,
                     tr("Cannot read %1: %2").arg(file.fileName(), file.errorString())};
    if (file.size() > maxBytes) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 is %2 bytes, more than the %3 bytes allowed for a manifest or tag file.")
                         .arg(file.fileName())
                         .arg(file.size())
                         .arg(maxBytes)};
    }
    return file.readAll();
}

void FolderPackage::locate(const QString &path, FileDraft &file) const
{
    file.sourcePath = QDir(m_root).filePath(path);
    file.sourceMember.clear();
    const qsizetype index = m_index.value(path, -1);
    if (index >= 0)
        file.declaredSize = m_entries[index].size;
}

Result<std::unique_ptr<Package>> FolderPackage::openArchive(const QString &path,
                                                            const IntakeOptions &options) const
{
    // Only listed members: the listing already refused links and paths that leave the folder.
    if (!contains(path)) {
        return Error{ErrorCode::NotFound, tr("%1 is not in %2.").arg(path, QDir::toNativeSeparators(m_root))};
    }
    auto archive = ArchivePackage::open(QDir(m_root).filePath(path), options);
    if (!archive)
        return archive.error();
    return std::unique_ptr<Package>(std::move(*archive));
}

} // namespace gh
