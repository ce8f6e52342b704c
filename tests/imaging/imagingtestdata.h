#pragma once

#include <functional>

#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QList>
#include <QString>

namespace gh::test {

// Test images are four flat quadrants of known colour; a thumbnail is right when the centre of each
// quadrant still has its colour (flat regions survive scaling, chroma subsampling and lossy coding).
enum Quadrant
{
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight
};

QColor quadrantColor(int quadrant, bool gray);
//! RGB32 (or Grayscale8) image of four quadrants.
QImage quadrantImage(QSize size, bool gray = false);
//! True when each quadrant's centre in \a image is within \a tolerance of its colour; else explains in \a
//! why.
bool quadrantsMatch(const QImage &image, bool gray, int tolerance, QString *why);

//! \a image in a Qt-supported \a format ("png", "jpeg", …); empty on failure.
QByteArray encodeWithQt(const QImage &image, const QByteArray &format, int quality = -1);
//! \a image as a GIF (Qt reads GIF but cannot write it): at most 256 colours, LZW without compression.
QByteArray encodeGif(const QImage &image);
//! A one-page PDF (QPdfWriter) whose page is four quadrants.
QByteArray quadrantPdf();
//! A PDF protected by a user password (a Standard security handler whose /U entry no empty password opens).
QByteArray encryptedPdf();
//! \a jpeg with an EXIF APP1 segment saying orientation \a orientation (6: rotate 90° clockwise).
QByteArray withExifOrientation(const QByteArray &jpeg, int orientation);

//! One component for encodeRawJpeg2000().
struct RawComponent
{
    int dx = 1; //!< Horizontal subsampling.
    int dy = 1;
    int precision = 8;
    bool alpha = false;
    std::function<int(int x, int y)> value; //!< Sample at component coordinates.
};

enum class RawColorSpace
{
    Gray,
    Srgb,
    Sycc,
    Unspecified
};

//! A JPEG 2000 file (or raw codestream) built directly with openjpeg; empty on failure.
QByteArray encodeRawJpeg2000(QSize size, const QList<RawComponent> &components, RawColorSpace space,
                             bool codestream, int resolutions = 6);

//! Writes \a content to \a path; false on failure.
bool writeBytes(const QString &path, const QByteArray &content);

} // namespace gh::test
