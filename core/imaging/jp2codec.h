#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QImage>

#include "util/result.h"

namespace gh {

/*!
    \class gh::Jp2Codec
    JPEG 2000 through openjpeg (Qt 6 has no JPEG 2000 plugin).
*/
class Jp2Codec
{
    Q_DECLARE_TR_FUNCTIONS(gh::Jp2Codec)

public:
    struct EncodeOptions
    {
        int resolutions = 6; //!< Decomposition levels + 1; lets a reader decode small previews cheaply.
        float compressionRatio = 0;  //!< 0 for lossless, 20 for a typical lossy access copy.
        bool codestreamOnly = false; //!< Write a raw J2K codestream instead of a JP2 file.
    };

    //! Encodes \a image (RGB or grayscale) as JP2.
    static Result<QByteArray> encode(const QImage &image, const EncodeOptions &options);
    static Result<QByteArray> encode(const QImage &image) { return encode(image, EncodeOptions{}); }
};

} // namespace gh
