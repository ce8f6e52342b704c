#include "imageanalysis.h"

#include <QDir>
#include <QFile>
#include <QImageReader>

#include "imagechecks.h"
#include "jp2codec.h"
#include "qa/checkregistry.h"
#include "thumbnailgenerator.h"

namespace gh {

// ---- ImageProbe

Result<QSize> ImageProbe::pixelSize(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{file.exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                     tr("cannot open %1: %2").arg(QDir::toNativeSeparators(path), file.errorString())};
    const QByteArray header = file.read(16);
    file.close();
    if (Jp2Codec::detect(header) != Jp2Codec::Container::None) {
        // The codestream's header states the full size; nothing is decoded.
        auto info = Jp2Codec::readInfo(path);
        if (!info)
            return info.error();
        return info->fullSize;
    }
    QImageReader reader(path);
    const QSize size = reader.size();
    if (!size.isValid())
        return Error{ErrorCode::Unsupported, tr("cannot read the image header of %1: %2")
                                                 .arg(QDir::toNativeSeparators(path), reader.errorString())};
    return size;
}

// ---- ImageStatisticsAnalyser

bool ImageStatisticsAnalyser::handles(const QByteArray &head, const QString &) const
{
    // By content only: a name or a sniffed type can lie, and the checks judge what the bytes are.
    return ThumbnailGenerator::sniff(head) != ThumbnailGenerator::SourceFormat::Unknown;
}

void ImageStatisticsAnalyser::measure(const QImage &image, ImageStatistics &statistics)
{
    statistics.histogram.fill(0);
    statistics.sampleWidth = image.width();
    statistics.sampleHeight = image.height();
    if (image.isNull())
        return;
    if (image.format() == QImage::Format_Grayscale8) {
        for (int y = 0; y < image.height(); ++y) {
            const uchar *line = image.constScanLine(y);
            for (int x = 0; x < image.width(); ++x)
                ++statistics.histogram[line[x]];
        }
        return;
    }
    const QImage rgb = image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32
                           ? image
                           : image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            const QRgb p = line[x];
            // ITU-R BT.601 luma in fixed point.
            const int luma = (299 * qRed(p) + 587 * qGreen(p) + 114 * qBlue(p) + 500) / 1000;
            ++statistics.histogram[size_t(std::clamp(luma, 0, 255))];
        }
    }
}

ImageStatistics ImageStatisticsAnalyser::analyse(const QString &path, int sampleSize) const
{
    ImageStatistics s;
    s.computedAt = QDateTime::currentDateTimeUtc();
    QByteArray head;
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            s.error = tr("cannot open %1: %2").arg(path, file.errorString());
            return s;
        }
        head = file.read(1024);
    }
    const ThumbnailGenerator::SourceFormat format = ThumbnailGenerator::sniff(head);
    s.format = ThumbnailGenerator::formatName(format);
    if (format == ThumbnailGenerator::SourceFormat::Jp2 ||
        format == ThumbnailGenerator::SourceFormat::J2kCodestream) {
        Jp2Codec::DecodeOptions options;
        options.minimumSize = sampleSize;
        options.threads = 1;
        auto decoded = Jp2Codec::decodeFile(path, options);
        if (!decoded) {
            s.error = decoded.error().message;
            return s;
        }
        s.width = decoded->fullSize.width();
        s.height = decoded->fullSize.height();
        s.reduction = decoded->reduction;
        s.components = decoded->components;
        measure(decoded->image, s);
        return s;
    }
    ThumbnailGenerator::Options options;
    options.size = sampleSize;
    options.decodeThreads = 1;
    auto sample = ThumbnailGenerator::generate(path, options);
    if (!sample) {
        s.error = sample.error().message;
        return s;
    }
    // A PDF page's size is in points, not pixels: there is no pixel size to compare.
    if (format != ThumbnailGenerator::SourceFormat::Pdf) {
        s.width = sample->sourceSize.width();
        s.height = sample->sourceSize.height();
    }
    s.components = sample->image.isGrayscale() ? 1 : (sample->image.hasAlphaChannel() ? 4 : 3);
    measure(sample->image, s);
    return s;
}

void registerImageChecks(CheckRegistry &registry)
{
    registry.setImageAnalyser(std::make_shared<ImageStatisticsAnalyser>());
    registry.add(std::make_shared<DecodableCheck>());
    registry.add(std::make_shared<DarkPageCheck>());
    registry.add(std::make_shared<BlankPageCheck>());
    registry.add(std::make_shared<BlackBorderCheck>());
}

void registerImageChecks()
{
    registerImageChecks(CheckRegistry::instance());
}

} // namespace gh
