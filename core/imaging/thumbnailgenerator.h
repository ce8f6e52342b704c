#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QImage>
#include <QSize>
#include <QString>

#include "util/result.h"

namespace gh {

/*!
    \class gh::ThumbnailGenerator
    Makes a thumbnail of an image or PDF file without a display: JPEG, PNG, TIFF, WebP, GIF and BMP through
    Qt's image plugins (JPEG decoded at a reduced DCT scale, EXIF orientation applied), JPEG 2000 through
    openjpeg at a reduced resolution level, and the first page of a PDF through poppler. The decoder is
    chosen by the file's content, never by its name. Every function is reentrant and may run on any number of
    QThreadPool threads at once.
*/
class ThumbnailGenerator
{
    Q_DECLARE_TR_FUNCTIONS(gh::ThumbnailGenerator)

public:
    //! What a file's first bytes say it is.
    enum class SourceFormat
    {
        Unknown,
        Jpeg,
        Png,
        Gif,
        Bmp,
        Tiff,
        WebP,
        Jp2,           //!< A JPEG 2000 JP2 file.
        J2kCodestream, //!< A raw JPEG 2000 codestream (.j2k, .j2c).
        Pdf
    };

    struct Options
    {
        int size = 256; //!< Longest side of the thumbnail in pixels.
        /*!
            The file's mimetype as the catalog sniffed it, if known. A type that cannot have a thumbnail
            (text/xml, say) fails at once without touching the disk; otherwise the content decides.
        */
        QString mimetype;
        int decodeThreads = 0; //!< Threads for one JPEG 2000 decode; 0 uses every core.
    };

    /*!
        \class gh::ThumbnailGenerator::Thumbnail
        A thumbnail and how it was made.
    */
    struct Thumbnail
    {
        //! RGB32, or ARGB32 when the source has transparency; sRGB. Its longer side is the requested size,
        //! or the source's own when that is smaller: thumbnails are never upscaled (PDF pages, being
        //! vector, are always rendered at the requested size).
        QImage image;
        SourceFormat format = SourceFormat::Unknown;
        QSize sourceSize;      //!< Full size of the source in pixels (a PDF page: in points).
        int jp2Reduction = -1; //!< JPEG 2000 only: resolution levels that were never decoded.
    };

    //! Makes a thumbnail of \a path whose longer side is \a size pixels (never upscaled).
    static Result<QImage> generate(const QString &path, int size, const QString &mimetype = {});
    //! Makes a thumbnail of \a path as \a options say, and reports how.
    static Result<Thumbnail> generate(const QString &path, const Options &options);

    //! Recognises a format by the magic bytes at the start of a file (the first 1 KiB is plenty).
    static SourceFormat sniff(const QByteArray &header);
    //! False for mimetypes that are known not to be images or PDF; true for unknown or empty ones.
    static bool mayHaveThumbnail(const QString &mimetype);
    //! A short, untranslated name of \a format for logs ("jpeg", "jp2", …).
    static QString formatName(SourceFormat format);
    //! The size an image of \a source size gets in a \a size thumbnail: longer side \a size, aspect kept,
    //! never larger than \a source.
    static QSize fittedSize(QSize source, int size);
};

} // namespace gh
