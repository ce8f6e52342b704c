#pragma once

#include <QCoreApplication>

#include "targets/derivative.h"

namespace gh {

/*!
    \class gh::ImageDerivativeConverter
    Makes the dissemination copies that conversion rules ask for (DerivativeRule): the source is decoded as
    the thumbnailer does — JPEG 2000 through openjpeg at the smallest resolution level that still covers the
    longest side, JPEG with reduced DCT scaling, the rest through Qt's image plugins, EXIF orientation
    applied, converted to sRGB — scaled to the longest side, and written with QImageWriter at the rule's
    quality into a file that is hashed as it is written. Transparency is flattened onto white for formats
    without it (JPEG). The same source and rule give the same bytes on every run, so a rerun finds the
    derivative already on the target.

    The applications install one at start-up (DerivativeConverter::install()); reentrant, for the upload
    stage's worker threads.
*/
class ImageDerivativeConverter final : public DerivativeConverter
{
    Q_DECLARE_TR_FUNCTIONS(gh::ImageDerivativeConverter)

public:
    Status supports(const DerivativeRule &rule) const override;
    Result<Derivative> convert(const QString &sourcePath, const QString &mimetype, const DerivativeRule &rule,
                               const QString &tempDir,
                               const std::shared_ptr<std::atomic_bool> &cancel) const override;
};

} // namespace gh
