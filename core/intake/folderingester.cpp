#include "folderingester.h"

#include <algorithm>

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include "digest/fixity.h"
#include "util/naturalorder.h"

namespace gh {

namespace {

bool isLitter(const QString &name)
{
    return name == u".DS_Store" || name.compare(u"Thumbs.db", Qt::CaseInsensitive) == 0 ||
           name.compare(u"desktop.ini", Qt::CaseInsensitive) == 0 || name.startsWith(u"._");
}

const QList<DigestAlgorithm> s_sidecarAlgorithms{DigestAlgorithm::Md5, DigestAlgorithm::Sha1,
                                                 DigestAlgorithm::Sha256, DigestAlgorithm::Sha512};

} // namespace

QString FolderIngester::itemIdentifier(const QString &relativePath)
{
    const qsizetype slash = relativePath.lastIndexOf(u'/');
    const QString dir = slash >= 0 ? relativePath.left(slash + 1) : QString();
    const QString name = relativePath.mid(slash + 1);
    // A leading dot is part of the name, not a suffix separator (".hidden.txt" → ".hidden").
    const qsizetype dot = name.indexOf(u'.', 1);
    return dir + (dot > 0 ? name.left(dot) : name);
}

Status FolderIngester::ingest(const QString &root, ItemSink &sink, IntakeTrace &trace,
                              const IntakeOptions &options)
{
    const QDir rootDir(root);
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    QStringList paths; // relative, '/'-separated
    QStringList litter;
    QStringList unfollowed;

    QDirIterator it(root, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
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
        if (isLitter(info.fileName())) {
            litter.append(relative);
            continue;
        }
        paths.append(relative);
    }

    // Natural order, so page2 comes before page10 and items are numbered the way a curator reads them.
    std::sort(paths.begin(), paths.end(),
              [](const QString &a, const QString &b) { return naturalLess(a, b); });

    const QSet<QString> present(paths.cbegin(), paths.cend());
    QHash<QString, DeclaredChecksums> declared;
    QSet<QString> sidecars;
    QStringList sidecarProblems;
    for (const QString &path : paths) {
        const qsizetype dot = path.lastIndexOf(u'.');
        if (dot <= 0)
            continue;
        const auto algorithm = Fixity::algorithmFromName(QStringView(path).mid(dot + 1));
        const QString target = path.left(dot);
        if (!algorithm || !present.contains(target))
            continue;
        sidecars.insert(path);
        const Result<QString> digest = Fixity::readSidecar(rootDir.filePath(path), *algorithm);
        if (!digest) {
            sidecarProblems.append(digest.error().message);
            continue;
        }
        DeclaredChecksums &d = declared[target];
        Fixity::declare(d, *algorithm, *digest);
        d.origin = d.origin.isEmpty() ? path : d.origin + u", " + path;
    }

    // Group into items, in the order the first file of each item appears.
    QList<ItemDraft> items;
    QHash<QString, qsizetype> itemIndex;
    qint64 fileCount = 0;
    for (const QString &path : paths) {
        if (sidecars.contains(path))
            continue;
        const QString identifier = itemIdentifier(path);
        auto found = itemIndex.constFind(identifier);
        if (found == itemIndex.cend()) {
            ItemDraft item;
            item.identifier = identifier;
            item.label = identifier.section(u'/', -1);
            const qsizetype slash = path.lastIndexOf(u'/');
            if (slash > 0)
                item.metadata.insert(QStringLiteral("folder"), path.left(slash));
            found = itemIndex.insert(identifier, items.size());
            items.append(item);
        }

        FileDraft file;
        file.name = path.section(u'/', -1);
        file.sourcePath = rootDir.filePath(path);
        file.declared = declared.value(path);
        const QFileInfo info(file.sourcePath);
        if (info.isSymLink()) {
            const QString target = info.canonicalFilePath();
            if (target.isEmpty()) {
                file.status = FileStatus::UnsafePath;
                file.error =
                    tr("%1 is a symbolic link to %2, which does not exist.").arg(path, info.symLinkTarget());
            } else if (!target.startsWith(canonicalRoot + u'/')) {
                file.status = FileStatus::UnsafePath;
                file.error = tr("%1 is a symbolic link to %2, outside the batch folder; it was not read.")
                                 .arg(path, target);
            }
        } else if (!info.isFile()) {
            file.status = FileStatus::Unsupported;
            file.error = tr("%1 is not a regular file (a device, socket or pipe).").arg(path);
        }
        if (file.status == FileStatus::Pending)
            file.declaredSize = info.size();
        items[*found].files.append(file);
        ++fileCount;
    }

    trace.add(QStringLiteral("folder"), tr("Listed the folder: %1 files in %2 items, grouped by folder and "
                                           "name stem; %3 checksum files read.")
                                            .arg(fileCount)
                                            .arg(items.size())
                                            .arg(sidecars.size()));
    if (!litter.isEmpty())
        trace.warn(tr("Skipped operating-system files: %1").arg(litter.join(QStringLiteral(", "))));
    if (!unfollowed.isEmpty())
        trace.warn(tr("Did not follow links to folders: %1").arg(unfollowed.join(QStringLiteral(", "))));
    for (const QString &problem : sidecarProblems)
        trace.warn(problem);
    if (fileCount == 0)
        trace.warn(tr("The folder holds no files."));

    for (ItemDraft &item : items) {
        if (options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(root)};
        if (Status s = sink.add(std::move(item)); !s)
            return s;
    }
    return {};
}

} // namespace gh
