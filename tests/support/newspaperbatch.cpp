#include "newspaperbatch.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace gh::test {

namespace {

using Defect = NewspaperBatch::Defect;

// A deterministic xorshift, so the same spec gives the same pages.
class Noise
{
public:
    explicit Noise(quint64 seed)
        : m_state(seed * 0x9E3779B97F4A7C15ULL + 1)
    {}
    int next(int amplitude)
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        return int(m_state % quint64(2 * amplitude + 1)) - amplitude;
    }

private:
    quint64 m_state;
};

enum class Look
{
    Normal,
    Dark,
    Blank,
    BlackBorder
};

/*!
    A greyscale page: paper with a little grain, columns of text lines (ink at 60: dark enough to count as
    ink, not so dark that it counts as black border), as PGM. Dark pages are paper at 70, blank ones paper
    only, and a black border is a frame at 5 covering about 12 % of the page.
*/
QByteArray pagePgm(int width, int height, Look look, quint64 seed)
{
    const int paper = look == Look::Dark ? 70 : 230;
    const int ink = look == Look::Dark ? 40 : 60;
    QByteArray pixels(qsizetype(width) * height, Qt::Uninitialized);
    Noise noise(seed);
    const int margin = width / 10;
    const int columns = 3;
    const int gutter = width / 40;
    const int columnWidth = (width - 2 * margin - (columns - 1) * gutter) / columns;
    const int border =
        look == Look::BlackBorder ? int(0.12 * width * height / (2.0 * (width + height))) + 1 : 0;
    for (int y = 0; y < height; ++y) {
        uchar *line = reinterpret_cast<uchar *>(pixels.data()) + qsizetype(y) * width;
        // Text lines 16 px high every 64 px, between the margins.
        const bool textRow = look != Look::Blank && y > margin && y < height - margin && (y % 64) < 16;
        for (int x = 0; x < width; ++x) {
            int value = paper + noise.next(3);
            if (textRow && x >= margin && x < width - margin) {
                const int inColumn = (x - margin) % (columnWidth + gutter);
                // Words: 5 of every 8 blocks of 24 px, shifted per line.
                const bool word = inColumn < columnWidth && (((x - margin) / 24 + y / 64) % 8) < 5;
                if (word)
                    value = ink + noise.next(3);
            }
            if (x < border || y < border || x >= width - border || y >= height - border)
                value = 6 + noise.next(4);
            line[x] = uchar(std::clamp(value, 0, 255));
        }
    }
    return QByteArray("P5\n") + QByteArray::number(width) + ' ' + QByteArray::number(height) + "\n255\n" +
           pixels;
}

struct Writer
{
    QString root; // the batch folder
    QString top;  // its name
    int *files;
    QString error;

    bool write(const QString &relative, const QByteArray &content, bool checksum = true,
               const QByteArray &declared = {})
    {
        const QString path = root + u'/' + relative;
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size()) {
            error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        f.close();
        ++*files;
        if (checksum)
            return writeChecksum(relative, declared.isEmpty() ? md5(content) : declared);
        return true;
    }
    bool writeChecksum(const QString &relative, const QByteArray &digest)
    {
        QFile f(root + u'/' + relative + QStringLiteral(".md5"));
        if (!f.open(QIODevice::WriteOnly)) {
            error = QStringLiteral("cannot write %1.md5").arg(relative);
            return false;
        }
        f.write(digest + "  " + QFileInfo(relative).fileName().toUtf8() + '\n');
        return true;
    }
    static QByteArray md5(const QByteArray &content)
    {
        return QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex();
    }
    QString display(const QString &relative) const { return top + u'/' + relative; }
};

// Builds a document line by line, remembering the lines of interest.
struct Lines
{
    QStringList lines;
    int add(const QString &line)
    {
        lines.append(line);
        return int(lines.size());
    }
    QByteArray bytes() const { return (lines.join(u'\n') + u'\n').toUtf8(); }
};

} // namespace

QList<NewspaperBatch::Defect> NewspaperBatch::allDefects()
{
    return {Defect::InvalidAlto,        Defect::MissingPage,      Defect::DuplicatedPage,
            Defect::WrongBatchIdInMods, Defect::DarkPage,         Defect::BlankPage,
            Defect::BlackBorder,        Defect::MixSizeMismatch,  Defect::TruncatedJp2,
            Defect::EmptyFile,          Defect::LowOcrConfidence, Defect::FixityMismatch,
            Defect::MissingChecksum,    Defect::EntityInXml,      Defect::WrongExtension};
}

QStringList NewspaperBatch::checksFor(Defect defect)
{
    switch (defect) {
    case Defect::InvalidAlto:
        return {QStringLiteral("xml-schema")};
    case Defect::MissingPage:
    case Defect::DuplicatedPage:
        return {QStringLiteral("page-sequence")};
    case Defect::WrongBatchIdInMods:
        return {QStringLiteral("batch-identifier")};
    case Defect::DarkPage:
        return {QStringLiteral("dark-page")};
    case Defect::BlankPage:
        return {QStringLiteral("blank-page")};
    case Defect::BlackBorder:
        return {QStringLiteral("black-border")};
    case Defect::MixSizeMismatch:
        return {QStringLiteral("dimensions")};
    case Defect::TruncatedJp2:
        // A cut codestream is a broken structure and an image that does not decode: both say so.
        return {QStringLiteral("jp2-structure"), QStringLiteral("decodable")};
    case Defect::EmptyFile:
        return {QStringLiteral("empty")};
    case Defect::LowOcrConfidence:
        return {QStringLiteral("ocr-confidence")};
    case Defect::FixityMismatch:
        return {QStringLiteral("fixity")};
    case Defect::MissingChecksum:
        return {QStringLiteral("sidecars")};
    case Defect::EntityInXml:
        return {QStringLiteral("xml-wellformed")};
    case Defect::WrongExtension:
        return {QStringLiteral("mimetype-extension")};
    }
    return {};
}

QString NewspaperBatch::generate(const QString &parent, const Spec &spec, QString *error)
{
    m_planted.clear();
    m_files = 0;
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return QString();
    };
    const QString opj = QStandardPaths::findExecutable(QStringLiteral("opj_compress"));
    if (opj.isEmpty())
        return fail(QStringLiteral("opj_compress is not installed (package libopenjp2-tools)"));
    const QString top = QStringLiteral("B%1-RT1").arg(spec.batchId);
    Writer out{QDir(parent).absoluteFilePath(top), top, &m_files, {}};
    QDir().mkpath(out.root);
    QTemporaryDir scratch;
    const QString filmFolder = spec.batchId + u'-' + spec.film;
    const QString reel = filmFolder;
    auto has = [&](Defect d) { return spec.defects.contains(d); };
    auto plant = [&](Defect d, const QString &relative, int line) {
        for (const QString &check : checksFor(d))
            m_planted.append({d, check, out.display(relative), line});
    };

    // The film's own record.
    {
        Lines film;
        film.add(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        film.add(QStringLiteral("<mods:mods xmlns:mods=\"http://www.loc.gov/mods/v3\" version=\"3.7\">"));
        film.add(QStringLiteral("  <mods:titleInfo><mods:title>Microfilm %1</mods:title></mods:titleInfo>")
                     .arg(reel));
        film.add(QStringLiteral("  <mods:identifier type=\"reel number\">%1</mods:identifier>").arg(reel));
        film.add(QStringLiteral("</mods:mods>"));
        if (!out.write(filmFolder + u'/' + filmFolder + QStringLiteral(".film.xml"), film.bytes()))
            return fail(out.error);
    }

    int pageSeed = 0;
    for (int e = 0; e < spec.editions.size(); ++e) {
        const QString edition = spec.editions[e];
        const QString folder = filmFolder + u'/' + edition;
        const QString base = spec.newspaper + u'-' + edition;
        // Which page of this edition carries which defect: spread so no page carries two.
        QMap<int, Defect> onPage;
        auto place = [&](int editionIndex, int page, Defect d) {
            if (e == editionIndex && has(d))
                onPage.insert(page, d);
        };
        place(0, 2, Defect::DarkPage);
        place(0, 5, Defect::BlankPage);
        place(1, 1, Defect::BlackBorder);
        place(1, 2, Defect::TruncatedJp2);
        place(1, 3, Defect::MixSizeMismatch);
        place(1, 4, Defect::InvalidAlto);
        place(2, 1, Defect::WrongBatchIdInMods);
        place(2, 2, Defect::LowOcrConfidence);
        place(2, 3, Defect::EmptyFile);
        place(2, 4, Defect::FixityMismatch);
        place(2, 5, Defect::MissingChecksum);

        // The edition's record, or one that declares an entity.
        {
            Lines record;
            record.add(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
            int entityLine = 0;
            if (e == 2 && has(Defect::EntityInXml))
                entityLine =
                    record.add(QStringLiteral("<!DOCTYPE mods:mods [<!ENTITY vendor \"Scan &amp; Co\">]>"));
            record.add(
                QStringLiteral("<mods:mods xmlns:mods=\"http://www.loc.gov/mods/v3\" version=\"3.7\">"));
            record.add(
                QStringLiteral("  <mods:titleInfo><mods:title>Adresseavisen</mods:title></mods:titleInfo>"));
            record.add(
                QStringLiteral("  <mods:originInfo><mods:dateIssued>%1</mods:dateIssued></mods:originInfo>")
                    .arg(edition.left(10)));
            record.add(
                QStringLiteral("  <mods:identifier type=\"reel number\">%1</mods:identifier>").arg(reel));
            record.add(QStringLiteral("</mods:mods>"));
            const QString path = folder + u'/' + base + QStringLiteral(".edition.xml");
            if (!out.write(path, record.bytes()))
                return fail(out.error);
            if (entityLine > 0)
                plant(Defect::EntityInXml, path, entityLine);
        }
        if (e == 2 && has(Defect::WrongExtension)) {
            const QString path = folder + QStringLiteral("/delivery-note.pdf");
            if (!out.write(path, QByteArray("Delivery note: edition ") + edition.toUtf8() +
                                     " scanned and checked by the vendor.\nNo remarks.\n"))
                return fail(out.error);
            plant(Defect::WrongExtension, path, 0);
        }

        int pages = spec.pagesPerEdition;
        const bool duplicate = e == 1 && has(Defect::DuplicatedPage);
        if (duplicate)
            ++pages;
        for (int page = 1; page <= pages; ++page) {
            if (e == 0 && page == 3 && has(Defect::MissingPage)) {
                // Nothing of page 3 is delivered; the page after the gap carries the finding (its MODS page
                // number, written below on line 12).
                plant(Defect::MissingPage, folder + u'/' + base + QStringLiteral("-0004.mods.xml"), 12);
                continue;
            }
            const Defect defect = onPage.value(page, Defect(-1));
            const bool planted = onPage.contains(page);
            const QString stem = base + QStringLiteral("-%1").arg(page, 4, 10, QLatin1Char('0'));
            const QString prefix = folder + u'/' + stem;
            const int modsPage = duplicate && page == pages ? page - 1 : page;

            // The image.
            Look look = Look::Normal;
            if (planted && defect == Defect::DarkPage)
                look = Look::Dark;
            else if (planted && defect == Defect::BlankPage)
                look = Look::Blank;
            else if (planted && defect == Defect::BlackBorder)
                look = Look::BlackBorder;
            const QString pgm = scratch.filePath(stem + QStringLiteral(".pgm"));
            const QString jp2 = scratch.filePath(stem + QStringLiteral(".jp2"));
            {
                QFile f(pgm);
                if (!f.open(QIODevice::WriteOnly) ||
                    f.write(pagePgm(spec.width, spec.height, look, ++pageSeed)) < 0)
                    return fail(QStringLiteral("cannot write %1").arg(pgm));
            }
            QStringList arguments{QStringLiteral("-i"), pgm, QStringLiteral("-o"), jp2};
            if (spec.compressionRatio > 0)
                arguments << QStringLiteral("-r") << QString::number(spec.compressionRatio);
            if (spec.encoderThreads > 1)
                arguments << QStringLiteral("-threads") << QString::number(spec.encoderThreads);
            QProcess compress;
            compress.start(opj, arguments);
            if (!compress.waitForFinished(300000) || compress.exitCode() != 0)
                return fail(QStringLiteral("opj_compress failed on %1: %2")
                                .arg(pgm, QString::fromLocal8Bit(compress.readAllStandardError())));
            QFile::remove(pgm);
            QFile image(jp2);
            if (!image.open(QIODevice::ReadOnly))
                return fail(QStringLiteral("opj_compress wrote no %1").arg(jp2));
            QByteArray codestream = image.readAll();
            if (planted && defect == Defect::TruncatedJp2) {
                codestream.truncate(codestream.size() * 6 / 10);
                plant(defect, prefix + QStringLiteral(".jp2"), 0);
            } else if (planted && (defect == Defect::DarkPage || defect == Defect::BlankPage ||
                                   defect == Defect::BlackBorder)) {
                plant(defect, prefix + QStringLiteral(".jp2"), 0);
            }
            if (!out.write(prefix + QStringLiteral(".jp2"), codestream))
                return fail(out.error);

            // MIX.
            {
                const bool wrongSize = planted && defect == Defect::MixSizeMismatch;
                Lines mix;
                mix.add(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
                mix.add(QStringLiteral("<mix:mix xmlns:mix=\"http://www.loc.gov/mix/v20\">"));
                mix.add(QStringLiteral("  <mix:BasicDigitalObjectInformation>"));
                mix.add(QStringLiteral("    <mix:ObjectIdentifier>"));
                mix.add(
                    QStringLiteral("      <mix:objectIdentifierType>Filename</mix:objectIdentifierType>"));
                mix.add(QStringLiteral("      <mix:objectIdentifierValue>%1.jp2</mix:objectIdentifierValue>")
                            .arg(stem));
                mix.add(QStringLiteral("    </mix:ObjectIdentifier>"));
                mix.add(QStringLiteral("    "
                                       "<mix:FormatDesignation><mix:formatName>image/jp2</mix:formatName></"
                                       "mix:FormatDesignation>"));
                mix.add(QStringLiteral("  </mix:BasicDigitalObjectInformation>"));
                mix.add(QStringLiteral("  <mix:BasicImageInformation>"));
                mix.add(QStringLiteral("    <mix:BasicImageCharacteristics>"));
                const int widthLine = mix.add(QStringLiteral("      <mix:imageWidth>%1</mix:imageWidth>")
                                                  .arg(spec.width + (wrongSize ? 1 : 0)));
                mix.add(QStringLiteral("      <mix:imageHeight>%1</mix:imageHeight>").arg(spec.height));
                mix.add(QStringLiteral("    </mix:BasicImageCharacteristics>"));
                mix.add(QStringLiteral("  </mix:BasicImageInformation>"));
                mix.add(QStringLiteral("</mix:mix>"));
                const QString path = prefix + QStringLiteral(".mix.xml");
                const bool wrongDigest = planted && defect == Defect::FixityMismatch;
                if (!out.write(path, mix.bytes(), true,
                               wrongDigest ? Writer::md5("not this file") : QByteArray()))
                    return fail(out.error);
                if (wrongSize)
                    plant(defect, path, widthLine);
                if (wrongDigest)
                    plant(defect, path, 0);
            }

            // MODS.
            {
                const bool wrongBatch = planted && defect == Defect::WrongBatchIdInMods;
                Lines mods;
                mods.add(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
                mods.add(
                    QStringLiteral("<mods:mods xmlns:mods=\"http://www.loc.gov/mods/v3\" version=\"3.7\">"));
                mods.add(QStringLiteral("  <mods:titleInfo>"));
                mods.add(QStringLiteral("    <mods:title>Adresseavisen %1, page %2</mods:title>")
                             .arg(edition.left(10))
                             .arg(modsPage));
                mods.add(QStringLiteral("  </mods:titleInfo>"));
                const int reelLine =
                    mods.add(QStringLiteral("  <mods:identifier type=\"reel number\">%1</mods:identifier>")
                                 .arg(wrongBatch ? QStringLiteral("400022028299-") + spec.film : reel));
                mods.add(QStringLiteral("  <mods:relatedItem type=\"original\">"));
                mods.add(
                    QStringLiteral("    <mods:identifier type=\"reel sequence number\">%1</mods:identifier>")
                        .arg(pageSeed));
                mods.add(QStringLiteral("  </mods:relatedItem>"));
                mods.add(QStringLiteral("  <mods:part>"));
                mods.add(QStringLiteral("    <mods:detail type=\"pageNumber\">"));
                const int numberLine =
                    mods.add(QStringLiteral("      <mods:number>%1</mods:number>").arg(modsPage));
                mods.add(QStringLiteral("    </mods:detail>"));
                mods.add(QStringLiteral("  </mods:part>"));
                mods.add(QStringLiteral("</mods:mods>"));
                Q_ASSERT(numberLine == 12);
                const QString path = prefix + QStringLiteral(".mods.xml");
                if (!out.write(path, mods.bytes()))
                    return fail(out.error);
                if (wrongBatch)
                    plant(defect, path, reelLine);
                if (duplicate && page == pages)
                    plant(Defect::DuplicatedPage, path, numberLine);
            }

            // ALTO.
            {
                const QString path = prefix + QStringLiteral(".alto.xml");
                if (planted && defect == Defect::EmptyFile) {
                    if (!out.write(path, QByteArray()))
                        return fail(out.error);
                    plant(defect, path, 0);
                    continue;
                }
                const bool lowConfidence = planted && defect == Defect::LowOcrConfidence;
                const bool invalid = planted && defect == Defect::InvalidAlto;
                Lines alto;
                alto.add(QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
                alto.add(QStringLiteral("<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v2#\">"));
                alto.add(QStringLiteral("  <Description>"));
                alto.add(QStringLiteral("    <MeasurementUnit>pixel</MeasurementUnit>"));
                alto.add(
                    QStringLiteral(
                        "    <sourceImageInformation><fileName>%1.jp2</fileName></sourceImageInformation>")
                        .arg(stem));
                alto.add(QStringLiteral("  </Description>"));
                alto.add(QStringLiteral("  <Layout>"));
                alto.add(
                    QStringLiteral("    <Page ID=\"P%1\" PHYSICAL_IMG_NR=\"%1\" HEIGHT=\"%2\" WIDTH=\"%3\">")
                        .arg(page)
                        .arg(spec.height)
                        .arg(spec.width));
                alto.add(QStringLiteral(
                             "      <PrintSpace ID=\"PS1\" HEIGHT=\"%1\" WIDTH=\"%2\" HPOS=\"0\" VPOS=\"0\">")
                             .arg(spec.height)
                             .arg(spec.width));
                alto.add(QStringLiteral(
                    "        <TextBlock ID=\"TB1\" HEIGHT=\"200\" WIDTH=\"600\" HPOS=\"80\" VPOS=\"80\">"));
                int invalidLine = 0;
                const QStringList words{QStringLiteral("Kiøbenhavns"), QStringLiteral("Adresse-Contoirs"),
                                        QStringLiteral("Efterretninger"), QStringLiteral("Løverdagen")};
                for (int l = 0; l < spec.altoLines; ++l) {
                    alto.add(QStringLiteral("          <TextLine ID=\"TL%1\" HEIGHT=\"16\" WIDTH=\"600\" "
                                            "HPOS=\"80\" VPOS=\"%2\">")
                                 .arg(l + 1)
                                 .arg(80 + 64 * l));
                    for (int w = 0; w < words.size(); ++w) {
                        const QString wc = lowConfidence ? QStringLiteral("0.2")
                                                         : QStringLiteral("0.%1").arg(86 + (w + l) % 12);
                        const QString extra =
                            invalid && l == 1 && w == 2 ? QStringLiteral(" CONFIDENCE=\"high\"") : QString();
                        const int line = alto.add(
                            QStringLiteral("            <String ID=\"S%1_%2\" CONTENT=\"%3\" WC=\"%4\" "
                                           "HEIGHT=\"16\" WIDTH=\"120\" HPOS=\"%5\" VPOS=\"%6\"%7/>")
                                .arg(l + 1)
                                .arg(w + 1)
                                .arg(words[w], wc)
                                .arg(80 + 140 * w)
                                .arg(80 + 64 * l)
                                .arg(extra));
                        if (!extra.isEmpty())
                            invalidLine = line;
                    }
                    alto.add(QStringLiteral("          </TextLine>"));
                }
                alto.add(QStringLiteral("        </TextBlock>"));
                alto.add(QStringLiteral("      </PrintSpace>"));
                alto.add(QStringLiteral("    </Page>"));
                alto.add(QStringLiteral("  </Layout>"));
                alto.add(QStringLiteral("</alto>"));
                const bool noChecksum = planted && defect == Defect::MissingChecksum;
                if (!out.write(path, alto.bytes(), !noChecksum))
                    return fail(out.error);
                if (invalid)
                    plant(defect, path, invalidLine);
                if (lowConfidence || noChecksum)
                    plant(defect, path, 0);
            }
        }
    }
    return out.root;
}

} // namespace gh::test
