#pragma once

#include <QCoreApplication>
#include <QImage>
#include <QSize>

#include "model/finding.h"
#include "qa/check.h"
#include "util/result.h"

namespace gh {

class CheckRegistry;

/*!
    \class gh::ImageProbe
    What an image file's headers say, without decoding its pixels: the pixel size (JPEG 2000 from its
    codestream header through openjpeg, other formats through QImageReader). For the metadata pane and
    anything else that only needs the size.
*/
class ImageProbe
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImageProbe)

public:
    //! The full pixel size of the image at \a path. Errors name the file and say why.
    static Result<QSize> pixelSize(const QString &path);
};

/*!
    \class gh::ImageStatisticsAnalyser
    The ImageAnalyser of the image checks: decodes an image once at a reduced size — JPEG 2000 at the
    resolution level whose longer side is at least the sample size, so a 4000×5000 page costs about what
    \c{opj_decompress -r 3} does; JPEG with DCT scaling; other formats through Qt's plugins; the first page
    of a PDF through poppler — and measures the luminance histogram (ITU-R BT.601) of what it decoded.
    Reentrant; one decoding thread per call, as the checks run many files at once.
*/
class ImageStatisticsAnalyser final : public ImageAnalyser
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImageStatisticsAnalyser)

public:
    bool handles(const QByteArray &head, const QString &mimetype) const override;
    ImageStatistics analyse(const QString &path, int sampleSize) const override;

    //! The luminance histogram of \a image into \a statistics (histogram, sample size).
    static void measure(const QImage &image, ImageStatistics &statistics);
};

/*!
    Adds the image checks (decodable, dark-page, blank-page, black-border) and the ImageStatisticsAnalyser
    to \a registry. gatehouse and gatehouse-cli call it once in main().
*/
void registerImageChecks(CheckRegistry &registry);
//! registerImageChecks() on the process's registry.
void registerImageChecks();

} // namespace gh
