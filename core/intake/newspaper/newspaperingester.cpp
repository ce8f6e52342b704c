#include "newspaperingester.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>

#include "digest/fixity.h"
#include "intake/listingingester.h"
#include "intake/xml/descriptive.h"
#include "intake/xml/manifestfiles.h"
#include "util/naturalorder.h"

namespace gh {

namespace {

constexpr int s_listedInWarnings = 10;

const QRegularExpression &batchPattern()
{
    static const QRegularExpression re(QStringLiteral("^B(\\d{12})-RT(\\d+)$"));
    return re;
}

const QRegularExpression &filmPattern()
{
    static const QRegularExpression re(QStringLiteral("^(\\d{12})-(\\d+)$"));
    return re;
}

const QRegularExpression &editionPattern()
{
    static const QRegularExpression re(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})-(\\d{2})$"));
    return re;
}

//! The four files of a page, in the order an item lists them.
const QStringList &pageSuffixes()
{
    static const QStringList suffixes{QStringLiteral(".jp2"), QStringLiteral(".mix.xml"),
                                      QStringLiteral(".mods.xml"), QStringLiteral(".alto.xml")};
    return suffixes;
}

QString listSome(const QStringList &names)
{
    QStringList shown = names.mid(0, s_listedInWarnings);
    if (names.size() > s_listedInWarnings)
        shown.append(NewspaperBatchIngester::tr("and %1 more").arg(names.size() - s_listedInWarnings));
    return shown.join(QStringLiteral(", "));
}

struct Page
{
    QString folder; //!< "film/edition", relative to the batch.
    QString film;
    QString edition;
    QString base;
    QMap<int, QString> files; //!< Suffix index → path relative to the batch.
};

struct Folder
{
    QStringList files; //!< Paths relative to the batch.
    QList<FileDraft> rejected;
};

} // namespace

std::optional<NewspaperBatchIngester::Batch> NewspaperBatchIngester::locate(const Package &package)
{
    Batch batch;
    QRegularExpressionMatch match;
    const QString top = singleTopLevelFolder(package);
    if (!top.isEmpty() && (match = batchPattern().match(top)).hasMatch()) {
        batch.prefix = top + u'/';
    } else {
        // The package is the batch folder itself (or an archive named after it).
        const QString root =
            QFileInfo(QDir::fromNativeSeparators(package.displayName())).fileName().section(u'.', 0, 0);
        match = batchPattern().match(root);
        if (!match.hasMatch())
            return std::nullopt;
    }
    batch.id = match.captured(1);
    batch.roundtrip = match.captured(2).toInt();
    // The name alone is not enough: at least one film/edition/page path must be there.
    for (const PackageEntry &entry : package.entries()) {
        if (!entry.path.startsWith(batch.prefix))
            continue;
        const QStringList parts = entry.path.mid(batch.prefix.size()).split(u'/');
        if (parts.size() == 3 && filmPattern().match(parts[0]).hasMatch() &&
            editionPattern().match(parts[1]).hasMatch())
            return batch;
    }
    return std::nullopt;
}

bool NewspaperBatchIngester::recognise(const Package &package) const
{
    return locate(package).has_value();
}

Status NewspaperBatchIngester::ingest(const Package &package, IntakeContext &context)
{
    const std::optional<Batch> found = locate(package);
    if (!found)
        return Error{ErrorCode::Invalid,
                     tr("%1 is not laid out as a newspaper batch.").arg(package.displayName())};
    const Batch batch = *found;
    const QString &prefix = batch.prefix;

    QSet<QString> present;
    QStringList paths;
    for (const PackageEntry &entry : package.entries()) {
        if (entry.type == PackageEntry::Type::File && entry.path.startsWith(prefix) &&
            !ListingIngester::isLitter(entry.path)) {
            paths.append(entry.path.mid(prefix.size()));
            present.insert(paths.last());
        }
    }
    std::sort(paths.begin(), paths.end(),
              [](const QString &a, const QString &b) { return naturalLess(a, b); });

    QStringList warnings;
    // Sidecars: NAME.md5 next to NAME declares NAME's checksum.
    QHash<QString, DeclaredChecksums> declared;
    QSet<QString> sidecars;
    for (const QString &path : std::as_const(paths)) {
        if (!path.endsWith(u".md5", Qt::CaseInsensitive) || !present.contains(path.chopped(4)))
            continue;
        sidecars.insert(path);
        const auto content = package.read(prefix + path, 64 * 1024);
        const Result<QString> digest =
            content ? Fixity::parseSidecar(*content, prefix + path, DigestAlgorithm::Md5)
                    : Result<QString>(content.error());
        if (!digest) {
            warnings.append(digest.error().message);
            continue;
        }
        DeclaredChecksums &d = declared[path.chopped(4)];
        d.md5 = *digest;
        d.origin = prefix + path;
    }

    QMap<QString, Page> pages; // keyed by folder/base, sorted below
    QHash<QString, Folder> folders;
    QStringList outside;
    QStringList withoutSidecar;
    QSet<QString> films;
    QSet<QString> editions;
    QStringList foreignFilms;
    for (const QString &path : std::as_const(paths)) {
        if (sidecars.contains(path))
            continue;
        if (!declared.contains(path))
            withoutSidecar.append(prefix + path);
        const QStringList parts = path.split(u'/');
        const QString folder = path.section(u'/', 0, -2);
        const QString name = parts.last();
        const bool inFilm = parts.size() >= 2 && filmPattern().match(parts[0]).hasMatch();
        if (inFilm && !films.contains(parts[0])) {
            films.insert(parts[0]);
            if (filmPattern().match(parts[0]).captured(1) != batch.id)
                foreignFilms.append(parts[0]);
        }
        bool known = false;
        bool pageFile = false;
        if (inFilm && parts.size() == 3 && editionPattern().match(parts[1]).hasMatch()) {
            editions.insert(parts[0] + u'/' + parts[1]);
            for (int i = 0; i < pageSuffixes().size(); ++i) {
                if (name.endsWith(pageSuffixes()[i], Qt::CaseInsensitive)) {
                    const QString base = name.chopped(pageSuffixes()[i].size());
                    Page &page = pages[folder + u'/' + base];
                    page.folder = folder;
                    page.film = parts[0];
                    page.edition = parts[1];
                    page.base = base;
                    page.files.insert(i, path);
                    pageFile = true;
                    break;
                }
            }
            known = pageFile || name.endsWith(u".edition.xml", Qt::CaseInsensitive);
        } else if (inFilm && parts.size() == 2) {
            known = name.endsWith(u".film.xml", Qt::CaseInsensitive);
        } else if (inFilm && parts.size() >= 3 && parts[1] == u"FILM-ISO-target") {
            known = true;
        }
        if (pageFile)
            continue;
        // Film, edition and stray files: an item per folder. ISO targets belong to their film.
        const QString owner = parts.size() >= 3 && parts[1] == u"FILM-ISO-target" ? parts[0] : folder;
        folders[owner].files.append(path);
        if (!known)
            outside.append(prefix + path);
    }
    for (const FileDraft &rejected : package.rejected()) {
        if (!rejected.name.startsWith(prefix))
            continue;
        FileDraft file = rejected;
        folders[rejected.name.mid(prefix.size()).section(u'/', 0, -2)].rejected.append(file);
    }

    // Items in path order: a folder's own item before the pages and folders inside it.
    QStringList keys = pages.keys();
    for (auto it = folders.cbegin(); it != folders.cend(); ++it)
        keys.append(it.key() + u'/');
    std::sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) { return naturalLess(a, b); });

    auto baseMetadata = [&](const QString &film, const QString &edition) {
        QJsonObject m;
        m.insert(QStringLiteral("batch_id"), batch.id);
        m.insert(QStringLiteral("roundtrip"), batch.roundtrip);
        if (!film.isEmpty())
            m.insert(QStringLiteral("film_id"), film);
        if (const QRegularExpressionMatch e = editionPattern().match(edition); e.hasMatch()) {
            m.insert(QStringLiteral("edition_date"), e.captured(1));
            m.insert(QStringLiteral("edition_number"), e.captured(2).toInt());
        }
        return m;
    };
    auto located = [&](const QString &path) {
        FileDraft file;
        package.locate(prefix + path, file);
        file.name = path.section(u'/', -1);
        file.declared = declared.value(path);
        return file;
    };

    static const QRegularExpression pageNumber(QStringLiteral("-(\\d+)$"));
    static const QRegularExpression newspaperId(QStringLiteral("^(.+)-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d+$"));
    QStringList incomplete;
    qint64 items = 0;
    qint64 fileCount = 0;
    for (const QString &key : std::as_const(keys)) {
        if (context.options.cancelled())
            return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(package.displayName())};
        ItemDraft item;
        if (key.endsWith(u'/')) {
            const QString folder = key.chopped(1);
            const Folder &contents = folders[folder];
            const QStringList parts = folder.isEmpty() ? QStringList() : folder.split(u'/');
            item.identifier = prefix + (folder.isEmpty() ? QString() : folder);
            if (item.identifier.endsWith(u'/'))
                item.identifier.chop(1);
            item.label = folder.isEmpty() ? item.identifier.section(u'/', -1) : parts.last();
            if (item.label.isEmpty())
                item.label = QStringLiteral("B%1-RT%2").arg(batch.id).arg(batch.roundtrip);
            if (item.identifier.isEmpty())
                item.identifier = item.label;
            item.metadata = baseMetadata(parts.value(0), parts.value(1));
            for (const QString &path : contents.files)
                item.files.append(located(path));
            for (const FileDraft &rejected : contents.rejected) {
                FileDraft file = rejected;
                file.name = rejected.name.section(u'/', -1);
                item.files.append(file);
            }
        } else {
            const Page &page = pages[key];
            item.identifier = prefix + key;
            item.label = page.base;
            item.metadata = baseMetadata(page.film, page.edition);
            // The lot of a newspaper batch's QA sample is its pages, not its film and edition folders.
            item.metadata.insert(QStringLiteral("kind"), QStringLiteral("page"));
            if (const QRegularExpressionMatch n = newspaperId.match(page.base); n.hasMatch())
                item.metadata.insert(QStringLiteral("newspaper_id"), n.captured(1));
            int number = 0;
            if (const QRegularExpressionMatch n = pageNumber.match(page.base); n.hasMatch()) {
                number = n.captured(1).toInt();
                item.metadata.insert(QStringLiteral("page_number_source"), QStringLiteral("file name"));
            } else if (page.files.contains(2)) {
                const auto mods = package.read(prefix + page.files[2], 16 * 1024 * 1024);
                const auto parsed = mods ? XmlDocument::parse(*mods, prefix + page.files[2])
                                         : Result<XmlDocument>(mods.error());
                if (parsed) {
                    number = DescriptiveMetadata::modsPageNumber(parsed->root());
                    if (number > 0)
                        item.metadata.insert(QStringLiteral("page_number_source"), QStringLiteral("mods"));
                } else {
                    warnings.append(parsed.error().message);
                }
            }
            if (number > 0)
                item.metadata.insert(QStringLiteral("page_number"), number);
            else
                warnings.append(
                    tr("The page %1 has no page number in its file name or MODS.").arg(prefix + key));
            QStringList missing;
            for (int i = 0; i < pageSuffixes().size(); ++i) {
                if (page.files.contains(i)) {
                    item.files.append(located(page.files[i]));
                    continue;
                }
                FileDraft file;
                file.name = page.base + pageSuffixes()[i];
                file.status = FileStatus::Missing;
                file.error =
                    tr("The page %1 has no %2 file: %3 is missing from the batch.")
                        .arg(prefix + key, pageSuffixes()[i].mid(1), prefix + page.folder + u'/' + file.name);
                item.files.append(file);
                missing.append(file.name);
            }
            if (!missing.isEmpty())
                incomplete.append(
                    tr("%1 (missing %2)").arg(prefix + key, missing.join(QStringLiteral(", "))));
        }
        ++items;
        fileCount += item.files.size();
        if (Status s = context.sink.add(std::move(item)); !s)
            return s;
    }

    if (!incomplete.isEmpty()) {
        warnings.prepend(tr("%1 pages lack one of their four files (jp2, mix, mods, alto): %2.")
                             .arg(incomplete.size())
                             .arg(listSome(incomplete)));
    }
    if (!outside.isEmpty()) {
        warnings.append(
            tr("%1 files are outside the newspaper batch layout; they are included with the folder they "
               "are in: %2.")
                .arg(outside.size())
                .arg(listSome(outside)));
    }
    if (!withoutSidecar.isEmpty()) {
        warnings.append(tr("%1 files have no .md5 checksum file: %2.")
                            .arg(withoutSidecar.size())
                            .arg(listSome(withoutSidecar)));
    }
    if (!foreignFilms.isEmpty()) {
        warnings.append(tr("Film folders whose number is not the batch's (%1): %2.")
                            .arg(batch.id, listSome(foreignFilms)));
    }
    for (const QString &warning : package.warnings())
        warnings.append(warning);
    context.trace.offerLabel(QStringLiteral("B%1-RT%2").arg(batch.id).arg(batch.roundtrip));
    context.trace.add(QStringLiteral("manifest"),
                      tr("Read %1 as newspaper batch %2, roundtrip %3: %4, %5, %6; %7, %8; %9.")
                          .arg(package.displayName(), batch.id)
                          .arg(batch.roundtrip)
                          .arg(tr("%n film(s)", nullptr, int(films.size())),
                               tr("%n edition(s)", nullptr, int(editions.size())),
                               tr("%n page(s)", nullptr, int(pages.size())),
                               tr("%n item(s)", nullptr, int(items)),
                               tr("%n file(s)", nullptr, int(fileCount)),
                               tr("%n checksum file(s) read", nullptr, int(sidecars.size()))),
                      warnings);
    return {};
}

} // namespace gh
