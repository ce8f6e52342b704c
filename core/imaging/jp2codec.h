#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QImage>
#include <QSize>

#include "util/result.h"

namespace gh {

/*!
    \class gh::Jp2Codec
    JPEG 2000 through openjpeg (Qt 6 has no JPEG 2000 plugin): encoding, and decoding at a reduced
    resolution so a thumbnail of a large page costs a fraction of a full decode. Every function is
    reentrant; decoding is safe from any number of threads at once.
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

    //! How JPEG 2000 data is wrapped, from its first bytes.
    enum class Container
    {
        None,      //!< Not JPEG 2000.
        Jp2,       //!< A JP2 file (signature box, then boxes around the codestream).
        Codestream //!< A raw J2K/J2C codestream (starts with the SOC and SIZ markers).
    };

    //! Recognises JPEG 2000 by the magic bytes at the start of \a header (12 bytes are enough).
    static Container detect(const QByteArray &header);

    struct DecodeOptions
    {
        /*!
            The longer side the caller needs, in pixels. The decoder discards the largest number of
            resolution levels that still leaves at least this many pixels on the longer side, so a 256 px
            thumbnail of a 4000×5000 page decodes about 1/256 of the samples. 0 decodes full resolution.
        */
        int minimumSize = 0;
        //! Decoder threads for this call; 0 uses every core, 1 decodes on the calling thread only.
        int threads = 0;
        //! Refuse (ErrorCode::LimitExceeded) when the decoded image would have more pixels; 0 for no limit.
        qint64 maxPixels = 0;
    };

    /*!
        \class gh::Jp2Codec::Decoded
        A decoded image and what the codestream said about it.
    */
    struct Decoded
    {
        //! Grayscale8 for one component, RGB32 for three, ARGB32 with alpha; 8 bits per sample whatever
        //! the source precision. Carries the file's ICC profile as its colour space when it has one.
        QImage image;
        QSize fullSize;    //!< The image's size at full resolution.
        int reduction = 0; //!< Resolution levels discarded; the image is fullSize / 2^reduction, rounded up.
        int resolutions = 0; //!< Resolution levels the codestream offers (decomposition levels + 1).
        int components = 0;  //!< Components in the codestream.
        int precision = 0;   //!< Bits per sample of the first component.
    };

    /*!
        Decodes the JPEG 2000 file (JP2 or raw codestream, recognised by content) at \a path, streaming it
        from disk. Damaged or truncated files give ErrorCode::Corrupt with a message naming the file.
    */
    static Result<Decoded> decodeFile(const QString &path, const DecodeOptions &options);
    /*!
        Reads only the headers of the JPEG 2000 file at \a path: what decodeFile() would report, with a null
        image and no decoding at all (a few kilobytes read, whatever the file's size).
    */
    static Result<Decoded> readInfo(const QString &path);

    /*!
        The reduction (resolution levels to discard) for a \a fullSize image with \a resolutions levels so
        that the longer side stays at least \a minimumSize: the largest r with
        ceil(longer / 2^r) >= minimumSize, at most \a resolutions - 1.
    */
    static int reductionFor(QSize fullSize, int resolutions, int minimumSize);
};

} // namespace gh
