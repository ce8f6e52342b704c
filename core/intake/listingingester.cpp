#include "listingingester.h"

#include <algorithm>

#include "digest/fixity.h"
#include "util/naturalorder.h"

namespace gh {

QString ListingIngester::itemIdentifier(const QString &relativePath)
{
    const qsizetype slash = relativePath.lastIndexOf(u'/');
    const QString dir = slash >= 0 ? relativePath.left(slash + 1) : QString();
    const QString name = relativePath.mid(slash + 1);
    // A leading dot is part of the name, not a suffix separator (".hidden.txt" → ".hidden").
    const qsizetype dot = name.indexOf(u'.', 1);
    return dir + (dot > 0 ? name.left(dot) : name);
}

bool ListingIngester::isLitter(const QString &relativePath)
{
    const QString name = relativePath.section(u'/', -1);
    return name == u".DS_Store" || name.compare(u"Thumbs.db", Qt::CaseInsensitive) == 0 ||
           name.compare(u"desktop.ini", Qt::CaseInsensitive) == 0 || name.startsWith(u"._") ||
           relativePath.startsWith(u"__MACOSX/") || relativePath.contains(u"/__MACOSX/");
}

Status ListingIngester::ingest(const Package &package, IntakeContext &context)
{
    QStringList paths;
    QStringList litter;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type != PackageEntry::Type::File)
            continue;
        if (isLitter(entry.path))
            litter.append(entry.path);
        else
            paths.append(entry.path);
    }
    QHash<QString, FileDraft> rejected;
    for (const FileDraft &file : package.rejected()) {
        rejected.insert(file.name, file);
        paths.append(file.name);
    }
    std::sort(paths.begin(), paths.end(),
              [](const QString &a, const QString &b) { return naturalLess(a, b); });

    const QSet<QString> present(paths.cbegin(), paths.cend());
    QHash<QString, DeclaredChecksums> declared;
    QSet<QString> sidecars;
    QStringList sidecarProblems;
    for (const QString &path : std::as_const(paths)) {
        const qsizetype dot = path.lastIndexOf(u'.');
        if (dot <= 0 || rejected.contains(path))
            continue;
        const auto algorithm = Fixity::algorithmFromName(QStringView(path).mid(dot + 1));
        const QString target = path.left(dot);
        if (!algorithm || !present.contains(target))
            continue;
        sidecars.insert(path);
        const auto content = package.read(path, 64 * 1024);
        const Result<QString> digest =
            content ? Fixity::parseSidecar(*content, path, *algorithm) : Result<QString>(content.error());
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
    for (const QString &path : std::as_const(paths)) {
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
        if (const auto bad = rejected.constFind(path); bad != rejected.cend()) {
            file = *bad;
        } else {
            package.locate(path, file);
            file.declared = declared.value(path);
        }
        file.name = path.section(u'/', -1);
        items[*found].files.append(file);
        ++fileCount;
    }

    context.trace.add(QStringLiteral("folder"),
                      tr("Listed %1: %2 in %3, grouped by folder and name stem; %4.")
                          .arg(package.displayName(), tr("%n file(s)", nullptr, int(fileCount)),
                               tr("%n item(s)", nullptr, int(items.size())),
                               tr("%n checksum file(s) read", nullptr, int(sidecars.size()))));
    if (!litter.isEmpty())
        context.trace.warn(tr("Skipped operating-system files: %1").arg(litter.join(QStringLiteral(", "))));
    for (const QString &warning : package.warnings())
        context.trace.warn(warning);
    for (const QString &problem : std::as_const(sidecarProblems))
        context.trace.warn(problem);
    if (fileCount == 0)
        context.trace.warn(tr("%1 holds no files.").arg(package.displayName()));

    for (ItemDraft &item : items) {
        if (context.options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(package.displayName())};
        if (Status s = context.sink.add(std::move(item)); !s)
            return s;
    }
    return {};
}

} // namespace gh
