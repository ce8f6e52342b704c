#include "batchchecks.h"

#include <map>

#include <QJsonArray>
#include <QRegularExpression>

#include "metadatafacts.h"

namespace gh {

namespace {

const QString s_batchId = QStringLiteral("batch_id");

// The part of a name before its first dot: "page-0001.mix.xml" → "page-0001".
QString stemOf(const QString &name)
{
    const qsizetype dot = name.indexOf(u'.');
    return dot > 0 ? name.left(dot) : name;
}

bool parsedXml(CheckSubject &subject)
{
    return subject.isXml() && subject.xml().ok();
}

MetadataFacts::Kind kindOf(CheckSubject &subject)
{
    return parsedXml(subject) ? MetadataFacts::kindOf(subject.xml()->root()) : MetadataFacts::Kind::Other;
}

// A page of a newspaper batch: its item holds the profile's first page file (".jp2"), or intake found a page
// number for it.
bool isPageItem(const CheckedItem &item, const QaProfile &profile)
{
    if (item.item.metadata.contains(QStringLiteral("page_number")))
        return true;
    const QString primary = profile.sidecars.value(0);
    if (primary.isEmpty())
        return false;
    for (const CheckedItemFile &f : item.files) {
        if (f.file.name.endsWith(primary, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString editionOf(const ItemRecord &item)
{
    const QJsonObject &m = item.metadata;
    const QString date = m.value(QStringLiteral("edition_date")).toString();
    if (date.isEmpty())
        return {};
    return QStringLiteral("%1/%2-%3")
        .arg(m.value(QStringLiteral("film_id")).toString(), date)
        .arg(m.value(QStringLiteral("edition_number")).toInt(), 2, 10, QLatin1Char('0'));
}

bool exists(const FileRecord &file)
{
    switch (file.status) {
    case FileStatus::Pending:
    case FileStatus::Success:
    case FileStatus::Unchanged:
    case FileStatus::FixityMismatch:
    case FileStatus::Empty:
        return true;
    default:
        return false;
    }
}

int intFact(const QJsonObject &facts, const char *key)
{
    return facts.value(QLatin1StringView(key)).toInt();
}

} // namespace

// ---- page-sequence

QString PageSequenceCheck::description() const
{
    return tr("The pages of every newspaper edition are numbered from 1, consecutively, with no number "
              "twice, and MODS agrees with the file names.");
}

void PageSequenceCheck::gatherFacts(CheckSubject &subject) const
{
    if (!subject.environment().isNewspaper() || kindOf(subject) != MetadataFacts::Kind::Mods)
        return;
    if (const auto page = MetadataFacts::modsPageNumber(subject.xml()->root())) {
        subject.facts().insert(QStringLiteral("mods_page"), page->number);
        subject.facts().insert(QStringLiteral("mods_page_line"), page->line);
    }
}

namespace {

class PageSequencePass final : public BatchPass
{
    Q_DECLARE_TR_FUNCTIONS(gh::PageSequenceCheck)

public:
    void item(const CheckedItem &item, FindingSink &sink) override
    {
        const CheckEnvironment &env = sink.environment();
        if (!env.isNewspaper() || !isPageItem(item, env.profile))
            return;
        const QString edition = editionOf(item.item);
        if (edition.isEmpty())
            return;
        Page page;
        const QJsonObject &m = item.item.metadata;
        if (m.value(QStringLiteral("page_number_source")).toString() == u"file name")
            page.fromName = m.value(QStringLiteral("page_number")).toInt();
        for (const CheckedItemFile &f : item.files) {
            if (f.facts.contains(QStringLiteral("mods_page"))) {
                page.fromMods = intFact(f.facts, "mods_page");
                page.line = intFact(f.facts, "mods_page_line");
                page.target = f.file;
            }
        }
        if (page.target.id == 0) {
            // No MODS page number: the finding goes to the page's first file.
            for (const CheckedItemFile &f : item.files) {
                if (exists(f.file)) {
                    page.target = f.file;
                    break;
                }
            }
        }
        page.number = page.fromMods > 0 ? page.fromMods : page.fromName;
        if (page.number <= 0 || page.target.id == 0)
            return;
        m_editions[edition].append(page);
    }

    void finish(FindingSink &sink) override
    {
        const CheckEnvironment &env = sink.environment();
        for (auto &[edition, pages] : m_editions) {
            for (const Page &p : pages)
                sink.judged(p.target);
            // Numbers that disagree.
            for (const Page &p : pages) {
                if (p.fromMods > 0 && p.fromName > 0 && p.fromMods != p.fromName)
                    sink.reportOn(p.target,
                                  tr("%1: MODS gives page %2, but the file name says page %3.")
                                      .arg(env.where(p.target, p.line))
                                      .arg(p.fromMods)
                                      .arg(p.fromName),
                                  p.line);
            }
            // Duplicates: every page after the first with a number.
            std::map<int, const Page *> first;
            for (const Page &p : pages) {
                const auto [at, inserted] = first.emplace(p.number, &p);
                if (!inserted)
                    sink.reportOn(p.target,
                                  tr("%1: page %2 of edition %3 is there twice; %4 has the same number.")
                                      .arg(env.where(p.target, p.line))
                                      .arg(p.number)
                                      .arg(edition, env.displayPath(at->second->target)),
                                  p.line);
            }
            // Gaps, reported at the page after them.
            int expected = 1;
            for (const auto &[number, page] : first) {
                if (number > expected) {
                    const QString missing = number - 1 == expected
                                                ? tr("page %1").arg(expected)
                                                : tr("pages %1 to %2").arg(expected).arg(number - 1);
                    const QString message =
                        expected == 1
                            ? tr("%1: edition %2 does not start at page 1: %3 is missing, the first "
                                 "page is %4.")
                            : tr("%1: edition %2 has no %3: the pages go from %4 to %5.");
                    if (expected == 1)
                        sink.reportOn(
                            page->target,
                            message.arg(env.where(page->target, page->line), edition, missing).arg(number),
                            page->line);
                    else
                        sink.reportOn(page->target,
                                      message.arg(env.where(page->target, page->line), edition, missing)
                                          .arg(expected - 1)
                                          .arg(number),
                                      page->line);
                }
                expected = number + 1;
            }
        }
    }

private:
    struct Page
    {
        int number = 0;
        int fromMods = 0;
        int fromName = 0;
        int line = 0;
        FileRecord target; //!< The MODS file, else the page's first file.
    };
    std::map<QString, QList<Page>> m_editions;
};

} // namespace

std::unique_ptr<BatchPass> PageSequenceCheck::startBatch(const CheckEnvironment &) const
{
    return std::make_unique<PageSequencePass>();
}

// ---- batch-identifier

QString BatchIdentifierCheck::description() const
{
    return tr("The batch id of the batch folder's name is the one in film folder names, file names and the "
              "MODS reel and batch identifiers.");
}

void BatchIdentifierCheck::gatherFacts(CheckSubject &subject) const
{
    if (!subject.environment().isNewspaper() || kindOf(subject) != MetadataFacts::Kind::Mods)
        return;
    QJsonArray ids;
    static const QRegularExpression letters(QStringLiteral("[^a-z]"));
    for (const MetadataFacts::Identifier &id : MetadataFacts::modsIdentifiers(subject.xml()->root())) {
        const QString type = id.type.toLower().remove(letters);
        if (!type.contains(u"reel") && !type.contains(u"batch"))
            continue;
        ids.append(QJsonObject{{QStringLiteral("type"), id.type},
                               {QStringLiteral("value"), id.value},
                               {QStringLiteral("line"), id.line}});
    }
    if (!ids.isEmpty())
        subject.facts().insert(QStringLiteral("mods_ids"), ids);
}

namespace {

class BatchIdentifierPass final : public BatchPass
{
    Q_DECLARE_TR_FUNCTIONS(gh::BatchIdentifierCheck)

public:
    void item(const CheckedItem &item, FindingSink &sink) override
    {
        const CheckEnvironment &env = sink.environment();
        const QString expected = item.item.metadata.value(s_batchId).toString();
        if (!env.isNewspaper() || expected.isEmpty() || item.files.isEmpty())
            return;
        static const QRegularExpression film(QStringLiteral("^(\\d{12})-\\d+$"));
        static const QRegularExpression inName(QStringLiteral("(?<!\\d)(\\d{12})-\\d+"));
        static const QRegularExpression inMods(QStringLiteral("^B?(\\d{12})(?:-RT\\d+|-\\d+)?$"));

        const QString filmId = item.item.metadata.value(QStringLiteral("film_id")).toString();
        if (const QRegularExpressionMatch m = film.match(filmId); m.hasMatch() && !m_films.contains(filmId)) {
            m_films.insert(filmId);
            const FileRecord &first = item.files.constFirst().file;
            if (m.captured(1) != expected)
                sink.reportOn(first,
                              tr("%1: the film folder %2 names batch %3, but the batch folder names %4.")
                                  .arg(env.displayPath(first), filmId, m.captured(1), expected));
            else
                sink.judged(first);
        }
        for (const CheckedItemFile &f : item.files) {
            if (const QRegularExpressionMatch m = inName.match(f.file.name); m.hasMatch()) {
                if (m.captured(1) != expected)
                    sink.reportOn(f.file,
                                  tr("%1: the file name names batch %2, but the batch folder names %3.")
                                      .arg(env.displayPath(f.file), m.captured(1), expected));
                else
                    sink.judged(f.file);
            }
            for (const QJsonValue &value : f.facts.value(QStringLiteral("mods_ids")).toArray()) {
                const QJsonObject id = value.toObject();
                const QString text = id.value(QStringLiteral("value")).toString().trimmed();
                const int line = id.value(QStringLiteral("line")).toInt();
                const QRegularExpressionMatch m = inMods.match(text);
                if (!m.hasMatch())
                    continue;
                if (m.captured(1) != expected)
                    sink.reportOn(
                        f.file,
                        tr("%1: the MODS identifier \"%2\" (type \"%3\") names batch %4, but the batch "
                           "folder names %5.")
                            .arg(env.where(f.file, line), text, id.value(QStringLiteral("type")).toString(),
                                 m.captured(1), expected),
                        line);
                else
                    sink.judged(f.file);
            }
        }
    }

private:
    QSet<QString> m_films;
};

} // namespace

std::unique_ptr<BatchPass> BatchIdentifierCheck::startBatch(const CheckEnvironment &) const
{
    return std::make_unique<BatchIdentifierPass>();
}

// ---- sidecars

QString SidecarsCheck::description() const
{
    return tr("Every page of a newspaper batch has the files the profile names (by default .jp2, .mix.xml, "
              ".mods.xml and .alto.xml) and every file its checksum file (.md5).");
}

namespace {

class SidecarsPass final : public BatchPass
{
    Q_DECLARE_TR_FUNCTIONS(gh::SidecarsCheck)

public:
    void item(const CheckedItem &item, FindingSink &sink) override
    {
        const CheckEnvironment &env = sink.environment();
        if (!env.isNewspaper())
            return;
        const QaProfile &profile = env.profile;
        if (isPageItem(item, profile))
            checkCompanions(item, sink);
        if (profile.checksumSidecar.isEmpty())
            return;
        for (const CheckedItemFile &f : item.files) {
            if (!exists(f.file))
                continue;
            const QString expected = f.file.name + profile.checksumSidecar;
            if (f.file.declared.origin.endsWith(expected, Qt::CaseInsensitive))
                sink.judged(f.file);
            else
                sink.reportOn(
                    f.file,
                    tr("%1 has no checksum file %2 beside it.").arg(env.displayPath(f.file), expected));
        }
    }

private:
    void checkCompanions(const CheckedItem &item, FindingSink &sink)
    {
        const CheckEnvironment &env = sink.environment();
        QMap<QString, QList<const CheckedItemFile *>> stems;
        for (const CheckedItemFile &f : item.files)
            stems[stemOf(f.file.name)].append(&f);
        for (auto it = stems.cbegin(); it != stems.cend(); ++it) {
            const QList<const CheckedItemFile *> &files = it.value();
            const CheckedItemFile *anchor = nullptr;
            bool isPage = false;
            for (const CheckedItemFile *f : files) {
                for (const QString &suffix : env.profile.sidecars) {
                    if (f->file.name.compare(it.key() + suffix, Qt::CaseInsensitive) == 0)
                        isPage = true;
                }
                if (!anchor && exists(f->file))
                    anchor = f;
            }
            if (!isPage)
                continue;
            for (const QString &suffix : env.profile.sidecars) {
                const QString expected = it.key() + suffix;
                const CheckedItemFile *match = nullptr;
                for (const CheckedItemFile *f : files) {
                    if (f->file.name.compare(expected, Qt::CaseInsensitive) == 0)
                        match = f;
                }
                if (match && exists(match->file)) {
                    sink.judged(match->file);
                    continue;
                }
                const QString message = tr("The page %1 has no %2 file: %3 is missing.")
                                            .arg(item.item.identifier, suffix.mid(1), expected);
                if (match)
                    sink.reportOn(match->file, message); // intake's placeholder for the missing file
                else if (anchor)
                    sink.reportOn(anchor->file, message);
                else
                    sink.reportOnItem(item.item, message);
            }
        }
    }
};

} // namespace

std::unique_ptr<BatchPass> SidecarsCheck::startBatch(const CheckEnvironment &) const
{
    return std::make_unique<SidecarsPass>();
}

// ---- dimensions

QString DimensionsCheck::description() const
{
    return tr("Each image's pixel size equals the size its MIX and ALTO files state, and lies within the "
              "profile's bounds.");
}

void DimensionsCheck::gatherFacts(CheckSubject &subject) const
{
    QJsonObject &facts = subject.facts();
    if (subject.isJpeg2000()) {
        const Jp2Structure &s = subject.jp2();
        if (s.hasSiz) {
            facts.insert(QStringLiteral("image_width"), qint64(s.width));
            facts.insert(QStringLiteral("image_height"), qint64(s.height));
            facts.insert(QStringLiteral("image_from"), QStringLiteral("codestream"));
        }
        return;
    }
    if (subject.isImage()) {
        if (const ImageStatistics *s = subject.image(); s && s->width > 0 && s->height > 0) {
            facts.insert(QStringLiteral("image_width"), s->width);
            facts.insert(QStringLiteral("image_height"), s->height);
            facts.insert(QStringLiteral("image_from"), QStringLiteral("decoder"));
        }
        return;
    }
    switch (kindOf(subject)) {
    case MetadataFacts::Kind::Mix:
        if (const auto size = MetadataFacts::mixSize(subject.xml()->root())) {
            facts.insert(QStringLiteral("mix_width"), size->width);
            facts.insert(QStringLiteral("mix_height"), size->height);
            facts.insert(QStringLiteral("mix_line"), size->line);
        }
        break;
    case MetadataFacts::Kind::Alto:
        if (const auto size = MetadataFacts::altoPageSize(subject.xml()->root())) {
            facts.insert(QStringLiteral("alto_width"), size->width);
            facts.insert(QStringLiteral("alto_height"), size->height);
            facts.insert(QStringLiteral("alto_line"), size->line);
            facts.insert(QStringLiteral("alto_unit"), size->unit);
        }
        break;
    default:
        break;
    }
}

namespace {

class DimensionsPass final : public BatchPass
{
    Q_DECLARE_TR_FUNCTIONS(gh::DimensionsCheck)

public:
    void item(const CheckedItem &item, FindingSink &sink) override
    {
        QMap<QString, QList<const CheckedItemFile *>> stems;
        for (const CheckedItemFile &f : item.files)
            stems[stemOf(f.file.name)].append(&f);
        for (const QList<const CheckedItemFile *> &files : std::as_const(stems)) {
            const CheckedItemFile *image = nullptr;
            for (const CheckedItemFile *f : files) {
                if (f->facts.contains(QStringLiteral("image_width")))
                    image = f;
            }
            if (!image)
                continue;
            check(*image, files, sink);
        }
    }

private:
    void check(const CheckedItemFile &image, const QList<const CheckedItemFile *> &files, FindingSink &sink)
    {
        const CheckEnvironment &env = sink.environment();
        const QaProfile &p = env.profile;
        const qint64 width = image.facts.value(QStringLiteral("image_width")).toInteger();
        const qint64 height = image.facts.value(QStringLiteral("image_height")).toInteger();
        const QString from = image.facts.value(QStringLiteral("image_from")).toString() == u"codestream"
                                 ? tr("its codestream")
                                 : tr("its decoder");
        sink.judged(image.file);
        const bool tooSmall =
            (p.minWidth > 0 && width < p.minWidth) || (p.minHeight > 0 && height < p.minHeight);
        const bool tooLarge =
            (p.maxWidth > 0 && width > p.maxWidth) || (p.maxHeight > 0 && height > p.maxHeight);
        if (tooSmall || tooLarge) {
            sink.reportOn(image.file, tr("%1 is %2×%3 pixels, outside the profile's bounds (width %4 to %5, "
                                         "height %6 to %7).")
                                          .arg(env.displayPath(image.file))
                                          .arg(width)
                                          .arg(height)
                                          .arg(p.minWidth)
                                          .arg(p.maxWidth > 0 ? QString::number(p.maxWidth) : tr("any"))
                                          .arg(p.minHeight)
                                          .arg(p.maxHeight > 0 ? QString::number(p.maxHeight) : tr("any")));
        }
        for (const CheckedItemFile *f : files) {
            const QJsonObject &facts = f->facts;
            if (facts.contains(QStringLiteral("mix_width"))) {
                const qint64 w = facts.value(QStringLiteral("mix_width")).toInteger();
                const qint64 h = facts.value(QStringLiteral("mix_height")).toInteger();
                const int line = intFact(facts, "mix_line");
                if (w != width || h != height)
                    sink.reportOn(f->file,
                                  tr("%1: MIX says %2×%3 pixels, but %4 is %5×%6 according to %7.")
                                      .arg(env.where(f->file, line))
                                      .arg(w)
                                      .arg(h)
                                      .arg(env.displayPath(image.file))
                                      .arg(width)
                                      .arg(height)
                                      .arg(from),
                                  line);
                else
                    sink.judged(f->file);
            }
            if (facts.contains(QStringLiteral("alto_width")) &&
                facts.value(QStringLiteral("alto_unit")).toString() == u"pixel") {
                const qint64 w = facts.value(QStringLiteral("alto_width")).toInteger();
                const qint64 h = facts.value(QStringLiteral("alto_height")).toInteger();
                const int line = intFact(facts, "alto_line");
                if (w != width || h != height)
                    sink.reportOn(f->file,
                                  tr("%1: the ALTO page is %2×%3 pixels, but %4 is %5×%6 according to %7.")
                                      .arg(env.where(f->file, line))
                                      .arg(w)
                                      .arg(h)
                                      .arg(env.displayPath(image.file))
                                      .arg(width)
                                      .arg(height)
                                      .arg(from),
                                  line);
                else
                    sink.judged(f->file);
            }
        }
    }
};

} // namespace

std::unique_ptr<BatchPass> DimensionsCheck::startBatch(const CheckEnvironment &) const
{
    return std::make_unique<DimensionsPass>();
}

} // namespace gh
