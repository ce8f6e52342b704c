#include "bagingester.h"

#include <algorithm>

#include "bag.h"
#include "intake/listingingester.h"
#include "util/naturalorder.h"

namespace gh {

namespace {

const QString s_payloadPrefix = QStringLiteral("data/");

constexpr qsizetype s_maxWarnings = 100;

//! The first names of a long list, and how many more there are.
QString abbreviated(const QStringList &names)
{
    constexpr qsizetype shown = 20;
    if (names.size() <= shown)
        return names.join(QStringLiteral(", "));
    return QCoreApplication::translate("gh::BagIngester", "%1 and %2 more")
        .arg(names.first(shown).join(QStringLiteral(", ")))
        .arg(names.size() - shown);
}

struct Planned
{
    QString path; //!< Where the file is (or would be) in the bag: "data/film1/page1.jp2".
    FileDraft file;
};

} // namespace

bool BagIngester::recognise(const Package &package) const
{
    return Bag::recognise(package);
}

Status BagIngester::ingest(const Package &package, IntakeContext &context)
{
    auto cancelled = [&] {
        return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(package.displayName())};
    };
    const Bag bag = Bag::read(package);
    if (!bag.usable())
        return Error{ErrorCode::Invalid, bag.unusableReason};
    if (context.options.cancelled())
        return cancelled();

    const BagIndex index(package);
    const Bag::PayloadIndex listed = bag.payloadIndex();
    QHash<QString, const ManifestEntry *> fetchByPath;
    for (const ManifestEntry &entry : bag.fetch) {
        if (entry.usable())
            fetchByPath.insert(entry.path, &entry);
    }
    QHash<QString, FileDraft> rejected;
    for (const FileDraft &file : package.rejected())
        rejected.insert(file.name, file);

    QStringList warnings;
    for (const BagIssue &issue : bag.issues)
        warnings.append(issue.message);
    warnings += package.warnings();
    for (const Manifest &manifest : bag.payloadManifests) {
        if (manifest.algorithm && !Fixity::isRecorded(*manifest.algorithm)) {
            warnings.append(
                tr("The catalog records md5, sha1, sha256 and sha512 checksums, so the %1 checksums "
                   "of %2 are not verified while fetching; \"gatehouse-cli bag validate\" verifies "
                   "them.")
                    .arg(manifest.algorithmName, manifest.fileName));
        }
    }

    QList<Planned> planned;
    QSet<QString> covered; // package members (and rejected names) already planned
    qint64 toFetch = 0;
    qint64 missing = 0;

    for (const QString &path : listed.paths) {
        const Bag::Listing &listing = listed.listings[path];
        bool normalized = false;
        const QString member = index.resolve(path, &normalized);
        Planned p{member.isEmpty() ? path : member, {}};
        if (!member.isEmpty()) {
            package.locate(member, p.file);
            covered.insert(member);
            if (normalized) {
                warnings.append(tr("%1 lists %2, which the bag holds as %3 (the same name in another Unicode "
                                   "normalisation form).")
                                    .arg(listing.manifests.constFirst(), path, member));
            }
        } else if (const auto bad = rejected.constFind(path); bad != rejected.cend()) {
            p.file = *bad;
            covered.insert(path);
        } else if (const ManifestEntry *fetch = fetchByPath.value(path)) {
            p.file.sourceUrl = fetch->url;
            p.file.declaredSize = fetch->length;
            ++toFetch;
        } else {
            p.file.status = FileStatus::Missing;
            p.file.error = tr("%1 is listed in %2 but is not in the bag.")
                               .arg(path, listing.manifests.join(QStringLiteral(", ")));
            ++missing;
        }
        p.file.declared = listing.declared;
        planned.append(std::move(p));
    }

    // fetch.txt entries no manifest lists: still downloaded, but nothing declares what they should hold.
    for (const ManifestEntry &entry : bag.fetch) {
        if (!entry.usable() || listed.listings.contains(entry.path) || !index.resolve(entry.path).isEmpty())
            continue;
        warnings.append(
            tr("fetch.txt (line %1) lists %2, which no payload manifest lists; its content cannot "
               "be verified.")
                .arg(entry.line)
                .arg(entry.path));
        Planned p{entry.path, {}};
        p.file.sourceUrl = entry.url;
        p.file.declaredSize = entry.length;
        planned.append(std::move(p));
        ++toFetch;
    }

    QStringList unlisted;
    QStringList litter;
    for (const QString &member : index.files()) {
        if (!member.startsWith(s_payloadPrefix) || covered.contains(member))
            continue;
        if (ListingIngester::isLitter(member)) {
            litter.append(member);
            continue;
        }
        Planned p{member, {}};
        package.locate(member, p.file);
        planned.append(std::move(p));
        unlisted.append(member);
    }
    for (auto it = rejected.cbegin(); it != rejected.cend(); ++it) {
        if (covered.contains(it.key()))
            continue;
        if (it.key().startsWith(s_payloadPrefix))
            planned.append(Planned{it.key(), *it});
        else
            warnings.append(it->error);
    }

    // Entries whose paths cannot be used become unsafe-path files, so the curator sees them.
    QSet<QString> unsafeSeen;
    auto addUnsafe = [&](const QString &source, const ManifestEntry &entry) {
        if (entry.usable() || unsafeSeen.contains(entry.written))
            return;
        unsafeSeen.insert(entry.written);
        Planned p{entry.written, {}};
        p.file.status = FileStatus::UnsafePath;
        p.file.error = tr("%1 (line %2) lists %3, which %4; it was not read.")
                           .arg(source)
                           .arg(entry.line)
                           .arg(entry.written, entry.problem);
        planned.append(std::move(p));
    };
    for (const Manifest &manifest : bag.payloadManifests) {
        for (const ManifestEntry &entry : manifest.entries)
            addUnsafe(manifest.fileName, entry);
    }
    for (const ManifestEntry &entry : bag.fetch)
        addUnsafe(QStringLiteral("fetch.txt"), entry);

    if (context.options.cancelled())
        return cancelled();

    std::stable_sort(planned.begin(), planned.end(),
                     [](const Planned &a, const Planned &b) { return naturalLess(a.path, b.path); });

    const QJsonObject bagInfo = bag.info.toJson();
    QList<ItemDraft> items;
    QHash<QString, qsizetype> itemIndex;
    for (Planned &p : planned) {
        const QString relative =
            p.path.startsWith(s_payloadPrefix) ? p.path.mid(s_payloadPrefix.size()) : p.path;
        const QString identifier = ListingIngester::itemIdentifier(relative);
        auto found = itemIndex.constFind(identifier);
        if (found == itemIndex.cend()) {
            ItemDraft item;
            item.identifier = identifier;
            item.label = identifier.section(u'/', -1);
            const qsizetype slash = relative.lastIndexOf(u'/');
            if (slash > 0)
                item.metadata.insert(QStringLiteral("folder"), relative.left(slash));
            if (!bagInfo.isEmpty())
                item.metadata.insert(QStringLiteral("bag-info"), bagInfo);
            found = itemIndex.insert(identifier, items.size());
            items.append(std::move(item));
        }
        p.file.name = relative.section(u'/', -1);
        items[*found].files.append(std::move(p.file));
    }

    if (const QStringList ids = bag.info.values(u"External-Identifier"); !ids.isEmpty())
        context.trace.offerLabel(ids.constFirst());
    QStringList algorithms;
    for (const Manifest &manifest : bag.payloadManifests)
        algorithms.append(manifest.algorithmName);
    context.trace.add(
        QStringLiteral("manifest"),
        tr("%1 is a BagIt %2 bag: %3 payload files in %4 items, checksums from %5 manifests (%6); "
           "%7 to fetch, %8 missing.")
            .arg(package.displayName(), bag.declaration.version.toString())
            .arg(planned.size())
            .arg(items.size())
            .arg(bag.payloadManifests.size())
            .arg(algorithms.join(QStringLiteral(", ")))
            .arg(toFetch)
            .arg(missing));
    // The trace is for reading: a bag with thousands of bad lines gets the first ones and a count;
    // "bag validate" lists them all.
    for (qsizetype i = 0; i < warnings.size() && i < s_maxWarnings; ++i)
        context.trace.warn(warnings[i]);
    if (warnings.size() > s_maxWarnings) {
        context.trace.warn(
            tr("… and %1 more issues with this bag; \"gatehouse-cli bag validate\" lists them all.")
                .arg(warnings.size() - s_maxWarnings));
    }
    if (!unlisted.isEmpty()) {
        context.trace.warn(tr("Payload files that no manifest lists (loaded without declared checksums): %1")
                               .arg(abbreviated(unlisted)));
    }
    if (!litter.isEmpty()) {
        context.trace.warn(
            tr("Skipped operating-system files that no manifest lists: %1").arg(abbreviated(litter)));
    }

    for (ItemDraft &item : items) {
        if (context.options.cancelled())
            return cancelled();
        if (Status s = context.sink.add(std::move(item)); !s)
            return s;
    }
    return {};
}

} // namespace gh
