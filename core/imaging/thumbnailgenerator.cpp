#include "thumbnailgenerator.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include <QColorSpace>
#include <QFile>
#include <QImageReader>
#include <QVariant>

#include <poppler/qt6/poppler-qt6.h>

#include "imaginglogging.h"
#include "jp2codec.h"

namespace gh {

namespace {

// A JPEG 2000 page that cannot be reduced (one resolution level) is decoded whole; beyond this many pixels
// openjpeg's 32-bit-per-sample buffers would need gigabytes.
constexpr qint64 maxJp2Pixels = 64 * 1024 * 1024;
// Qt refuses images above 256 MiB by default; TIFF masters of broadsheet newspapers are larger, and TIFF
// cannot be decoded at a reduced scale.
constexpr int readerAllocationLimitMiB = 1024;
// A hostile or pathological PDF must not hold a pool thread forever.
constexpr std::chrono::seconds pdfRenderBudget{30};

qint64 steadyMilliseconds()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Poppler writes syntax errors to stderr by default; a batch of damaged PDFs must not flood the console.
void popplerMessage(const QString &message, const QVariant &)
{
    qCDebug(lcImaging) << "poppler:" << message;
}

void routePopplerMessages()
{
    static std::once_flag once;
    std::call_once(once, [] { Poppler::setDebugErrorFunction(popplerMessage, QVariant()); });
}

// Qt's JPEG reader fills a truncated file's missing rows with grey and reports success, so completeness is
// checked first: after the first start-of-scan, only a real end-of-image marker can produce FF D9 (entropy
// coded data stuffs every FF with 00). Data appended after EOI (motion photos) does no harm.
bool jpegIsComplete(QIODevice &device)
{
    if (!device.seek(0))
        return false;
    const QByteArray start = device.read(2);
    if (start.size() != 2 || uchar(start[0]) != 0xFF || uchar(start[1]) != 0xD8)
        return false;
    char byte = 0;
    while (true) {
        // Markers may be preceded by any number of FF fill bytes.
        if (!device.getChar(&byte))
            return false;
        if (uchar(byte) != 0xFF)
            return false;
        do {
            if (!device.getChar(&byte))
                return false;
        } while (uchar(byte) == 0xFF);
        const uchar marker = uchar(byte);
        if (marker == 0xD9)
            return true;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue;
        const QByteArray lengthBytes = device.read(2);
        if (lengthBytes.size() != 2)
            return false;
        const int length = (uchar(lengthBytes[0]) << 8) | uchar(lengthBytes[1]);
        if (length < 2 || !device.seek(device.pos() + length - 2) || device.pos() > device.size())
            return false;
        if (marker == 0xDA)
            break;
    }
    bool previousWasFF = false;
    while (true) {
        const QByteArray chunk = device.read(64 * 1024);
        if (chunk.isEmpty())
            return false;
        for (const char c : chunk) {
            if (previousWasFF && uchar(c) == 0xD9)
                return true;
            previousWasFF = uchar(c) == 0xFF;
        }
    }
}

// Qt's GIF reader, too, returns a partial first frame from a truncated file. Walking the block structure up
// to the end of the first image's data costs a few seeks.
bool gifFirstFrameIsComplete(QIODevice &device)
{
    const auto skipSubBlocks = [&device] {
        char length = 0;
        while (device.getChar(&length)) {
            if (length == 0)
                return true;
            if (!device.seek(device.pos() + uchar(length)) || device.pos() > device.size())
                return false;
        }
        return false;
    };
    const auto skipColourTable = [&device](uchar flags) {
        return !(flags & 0x80) || (device.seek(device.pos() + 3 * (qint64(2) << (flags & 0x07))) &&
                                   device.pos() <= device.size());
    };
    if (!device.seek(10))
        return false;
    char flags = 0;
    if (!device.getChar(&flags) || !device.seek(13) || !skipColourTable(uchar(flags)))
        return false;
    char introducer = 0;
    while (device.getChar(&introducer)) {
        if (introducer == 0x21) { // extension: label, then data sub-blocks
            if (!device.seek(device.pos() + 1) || !skipSubBlocks())
                return false;
        } else if (introducer == 0x2C) { // image descriptor, colour table, LZW code size, data sub-blocks
            const QByteArray descriptor = device.read(9);
            return descriptor.size() == 9 && skipColourTable(uchar(descriptor[8])) &&
                   device.seek(device.pos() + 1) && skipSubBlocks();
        } else {
            return false;
        }
    }
    return false;
}

quint32 littleEndian32(const QByteArray &bytes, qsizetype offset)
{
    if (bytes.size() < offset + 4)
        return 0;
    return quint32(uchar(bytes[offset])) | (quint32(uchar(bytes[offset + 1])) << 8) |
           (quint32(uchar(bytes[offset + 2])) << 16) | (quint32(uchar(bytes[offset + 3])) << 24);
}

// Qt's BMP reader stops quietly at the end of a truncated file and returns the rows it has. For the
// uncompressed layouts (nearly every BMP) the header says exactly how many bytes of pixels must follow.
bool bmpIsComplete(const QByteArray &header, qint64 fileSize)
{
    if (header.size() < 34 || littleEndian32(header, 14) < 40)
        return true; // OS/2 headers: let the reader decide
    const quint32 pixelOffset = littleEndian32(header, 10);
    const qint64 width = qint32(littleEndian32(header, 18));
    const qint64 height = qint32(littleEndian32(header, 22));
    const int bitsPerPixel = uchar(header[28]) | (uchar(header[29]) << 8);
    const quint32 compression = littleEndian32(header, 30);
    if (compression != 0 && compression != 3) // BI_RGB, BI_BITFIELDS; RLE lengths are not known up front
        return true;
    const qint64 rowBytes = ((std::abs(width) * bitsPerPixel + 31) / 32) * 4;
    return fileSize >= qint64(pixelOffset) + rowBytes * std::abs(height);
}

QByteArray qtFormatName(ThumbnailGenerator::SourceFormat format)
{
    switch (format) {
    case ThumbnailGenerator::SourceFormat::Jpeg:
        return QByteArrayLiteral("jpeg");
    case ThumbnailGenerator::SourceFormat::Png:
        return QByteArrayLiteral("png");
    case ThumbnailGenerator::SourceFormat::Gif:
        return QByteArrayLiteral("gif");
    case ThumbnailGenerator::SourceFormat::Bmp:
        return QByteArrayLiteral("bmp");
    case ThumbnailGenerator::SourceFormat::Tiff:
        return QByteArrayLiteral("tiff");
    case ThumbnailGenerator::SourceFormat::WebP:
        return QByteArrayLiteral("webp");
    default:
        return {};
    }
}

// The last step for every decoder: exact size, a format the GUI can turn into a QPixmap without another
// conversion, and sRGB so an embedded ICC profile is honoured.
QImage finish(QImage image, QSize target)
{
    if (image.size() != target)
        image = image.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const QImage::Format format = image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32;
    if (image.format() != format)
        image = image.convertToFormat(format);
    const QColorSpace space = image.colorSpace();
    if (space.isValid() && space != QColorSpace(QColorSpace::SRgb))
        image.convertToColorSpace(QColorSpace::SRgb);
    return image;
}

} // namespace

QSize ThumbnailGenerator::fittedSize(QSize source, int size)
{
    if (source.isEmpty() || size <= 0)
        return {};
    const int longer = std::max(source.width(), source.height());
    if (longer <= size)
        return source;
    const auto shorten = [&](int side) {
        return std::max(1, int((qint64(side) * size + longer / 2) / longer));
    };
    return source.width() >= source.height() ? QSize(size, shorten(source.height()))
                                             : QSize(shorten(source.width()), size);
}

ThumbnailGenerator::SourceFormat ThumbnailGenerator::sniff(const QByteArray &header)
{
    switch (Jp2Codec::detect(header)) {
    case Jp2Codec::Container::Jp2:
        return SourceFormat::Jp2;
    case Jp2Codec::Container::Codestream:
        return SourceFormat::J2kCodestream;
    case Jp2Codec::Container::None:
        break;
    }
    if (header.startsWith("\xFF\xD8\xFF"))
        return SourceFormat::Jpeg;
    if (header.startsWith("\x89PNG\r\n\x1A\n"))
        return SourceFormat::Png;
    if (header.startsWith("GIF87a") || header.startsWith("GIF89a"))
        return SourceFormat::Gif;
    if (header.startsWith(QByteArrayView("II*\0", 4)) || header.startsWith(QByteArrayView("MM\0*", 4)) ||
        header.startsWith(QByteArrayView("II+\0", 4)) || header.startsWith(QByteArrayView("MM\0+", 4))) {
        return SourceFormat::Tiff;
    }
    if (header.size() >= 12 && header.startsWith("RIFF") && header.mid(8, 4) == "WEBP")
        return SourceFormat::WebP;
    // "BM" alone would match too much text; the BITMAPINFOHEADER size (12, 40, 52, 56, 64, 108, 124) at
    // offset 14 makes it specific.
    if (header.size() >= 18 && header.startsWith("BM")) {
        const quint32 infoSize = quint32(uchar(header[14])) | (quint32(uchar(header[15])) << 8) |
                                 (quint32(uchar(header[16])) << 16) | (quint32(uchar(header[17])) << 24);
        if (infoSize == 12 || infoSize == 40 || infoSize == 52 || infoSize == 56 || infoSize == 64 ||
            infoSize == 108 || infoSize == 124) {
            return SourceFormat::Bmp;
        }
    }
    // PDF readers accept the header anywhere in the first 1024 bytes (some generators prepend junk).
    if (header.left(1024).contains("%PDF-"))
        return SourceFormat::Pdf;
    return SourceFormat::Unknown;
}

bool ThumbnailGenerator::mayHaveThumbnail(const QString &mimetype)
{
    if (mimetype.isEmpty() || mimetype == u"application/octet-stream")
        return true;
    return mimetype.startsWith(u"image/") || mimetype == u"application/pdf" ||
           mimetype == u"application/x-pdf";
}

QString ThumbnailGenerator::formatName(SourceFormat format)
{
    switch (format) {
    case SourceFormat::Unknown:
        return QStringLiteral("unknown");
    case SourceFormat::Jpeg:
        return QStringLiteral("jpeg");
    case SourceFormat::Png:
        return QStringLiteral("png");
    case SourceFormat::Gif:
        return QStringLiteral("gif");
    case SourceFormat::Bmp:
        return QStringLiteral("bmp");
    case SourceFormat::Tiff:
        return QStringLiteral("tiff");
    case SourceFormat::WebP:
        return QStringLiteral("webp");
    case SourceFormat::Jp2:
        return QStringLiteral("jp2");
    case SourceFormat::J2kCodestream:
        return QStringLiteral("j2k");
    case SourceFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

Result<QImage> ThumbnailGenerator::generate(const QString &path, int size, const QString &mimetype)
{
    Options options;
    options.size = size;
    options.mimetype = mimetype;
    Result<Thumbnail> thumbnail = generate(path, options);
    if (!thumbnail)
        return thumbnail.error();
    return std::move(thumbnail->image);
}

Result<ThumbnailGenerator::Thumbnail> ThumbnailGenerator::generate(const QString &path,
                                                                   const Options &options)
{
    if (options.size <= 0)
        return Error{ErrorCode::Usage, tr("A thumbnail must be at least one pixel large.")};
    if (!mayHaveThumbnail(options.mimetype)) {
        return Error{ErrorCode::Unsupported,
                     tr("%1 is %2, which has no thumbnail.").arg(path, options.mimetype)};
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{file.exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                     tr("Cannot open %1: %2").arg(path, file.errorString())};
    }
    const QByteArray header = file.read(1024);
    if (header.isEmpty())
        return Error{ErrorCode::Corrupt, tr("%1 is empty.").arg(path)};

    Thumbnail thumbnail;
    thumbnail.format = sniff(header);
    qCDebug(lcImaging) << "thumbnail of" << path << "as" << formatName(thumbnail.format) << "at"
                       << options.size;

    switch (thumbnail.format) {
    case SourceFormat::Unknown:
        return Error{ErrorCode::Unsupported,
                     tr("%1 is not an image or PDF that Gatehouse can make a thumbnail of.").arg(path)};

    case SourceFormat::Jp2:
    case SourceFormat::J2kCodestream: {
        file.close();
        Jp2Codec::DecodeOptions decodeOptions;
        decodeOptions.minimumSize = options.size;
        decodeOptions.threads = options.decodeThreads;
        decodeOptions.maxPixels = maxJp2Pixels;
        Result<Jp2Codec::Decoded> decoded = Jp2Codec::decodeFile(path, decodeOptions);
        if (!decoded)
            return decoded.error();
        thumbnail.sourceSize = decoded->fullSize;
        thumbnail.jp2Reduction = decoded->reduction;
        // The reduced image is at least `size` on its longer side; aim for the full image's proportions,
        // which rounding at each level may have nudged by a pixel.
        QSize target = fittedSize(decoded->fullSize, options.size);
        if (target.width() > decoded->image.width() || target.height() > decoded->image.height())
            target = fittedSize(decoded->image.size(), options.size);
        thumbnail.image = finish(std::move(decoded->image), target);
        return thumbnail;
    }

    case SourceFormat::Pdf: {
        // Poppler silently reconstructs a truncated file and renders what is left; every complete PDF
        // (incremental updates included) ends with %%EOF, give or take trailing whitespace or junk.
        const qint64 tail = std::min<qint64>(file.size(), 1024);
        if (!file.seek(file.size() - tail) || !file.read(tail).contains("%%EOF"))
            return Error{ErrorCode::Corrupt,
                         tr("%1 is a truncated PDF document (it has no end marker).").arg(path)};
        file.close();
        routePopplerMessages();
        const std::unique_ptr<Poppler::Document> document = Poppler::Document::load(path);
        if (!document)
            return Error{ErrorCode::Corrupt, tr("%1 is not a readable PDF document.").arg(path)};
        if (document->isLocked())
            return Error{ErrorCode::Unsupported, tr("%1 is a password-protected PDF document.").arg(path)};
        if (document->numPages() < 1)
            return Error{ErrorCode::Corrupt, tr("%1 is a PDF document without pages.").arg(path)};
        const std::unique_ptr<Poppler::Page> page = document->page(0);
        const QSizeF points = page ? page->pageSizeF() : QSizeF();
        if (!page || points.isEmpty())
            return Error{ErrorCode::Corrupt, tr("The first page of %1 cannot be read.").arg(path)};
        document->setRenderHint(Poppler::Document::Antialiasing);
        document->setRenderHint(Poppler::Document::TextAntialiasing);
        const double dpi = options.size * 72.0 / std::max(points.width(), points.height());
        const qint64 deadline = steadyMilliseconds() + std::chrono::milliseconds(pdfRenderBudget).count();
        const QImage rendered = page->renderToImage(
            dpi, dpi, -1, -1, -1, -1, Poppler::Page::Rotate0, nullptr, nullptr,
            [](const QVariant &until) { return steadyMilliseconds() > until.toLongLong(); },
            QVariant(deadline));
        if (rendered.isNull())
            return Error{ErrorCode::Corrupt, tr("The first page of %1 cannot be rendered.").arg(path)};
        thumbnail.sourceSize = points.toSize();
        // A page is vector art on opaque paper: render it at the size asked for, whatever its size in points.
        const QSize target =
            points.scaled(options.size, options.size, Qt::KeepAspectRatio).toSize().expandedTo({1, 1});
        thumbnail.image = finish(rendered.convertToFormat(QImage::Format_RGB32), target);
        return thumbnail;
    }

    case SourceFormat::Jpeg:
    case SourceFormat::Png:
    case SourceFormat::Gif:
    case SourceFormat::Bmp:
    case SourceFormat::Tiff:
    case SourceFormat::WebP:
        break;
    }

    if (thumbnail.format == SourceFormat::Jpeg && !jpegIsComplete(file))
        return Error{ErrorCode::Corrupt, tr("%1 is a truncated or damaged JPEG file.").arg(path)};
    if (thumbnail.format == SourceFormat::Gif && !gifFirstFrameIsComplete(file))
        return Error{ErrorCode::Corrupt, tr("%1 is a truncated or damaged GIF file.").arg(path)};
    if (thumbnail.format == SourceFormat::Bmp && !bmpIsComplete(header, file.size()))
        return Error{ErrorCode::Corrupt, tr("%1 is a truncated BMP file.").arg(path)};
    if (!file.seek(0))
        return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(path, file.errorString())};

    QImageReader reader(&file, qtFormatName(thumbnail.format));
    reader.setAllocationLimit(readerAllocationLimitMiB);
    reader.setAutoTransform(true);
    // The size before EXIF orientation: scaling happens on the stored pixels, rotation afterwards, and the
    // longer side is the same either way.
    const QSize stored = reader.size();
    if (stored.isValid()) {
        thumbnail.sourceSize = stored;
        // Scaled decoding is where the time goes for JPEG (libjpeg decodes at 1/2, 1/4 or 1/8 scale) and
        // WebP; other handlers scale a full decode, which finish() would do anyway.
        if (reader.supportsOption(QImageIOHandler::ScaledSize))
            reader.setScaledSize(fittedSize(stored, options.size));
    }
    QImage image = reader.read();
    if (image.isNull()) {
        return Error{ErrorCode::Corrupt, tr("%1 cannot be decoded as %2: %3")
                                             .arg(path, formatName(thumbnail.format), reader.errorString())};
    }
    if (!stored.isValid())
        thumbnail.sourceSize = image.size();
    if (reader.transformation() & QImageIOHandler::TransformationRotate90)
        thumbnail.sourceSize.transpose();
    const QSize oriented = thumbnail.sourceSize;
    thumbnail.image = finish(std::move(image), fittedSize(oriented, options.size));
    return thumbnail;
}

} // namespace gh
