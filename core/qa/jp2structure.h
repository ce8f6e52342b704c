#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

class QIODevice;

namespace gh {

/*!
    \class gh::Jp2Structure
    The structure of a JPEG 2000 file, read as far as jpylyzer's first checks and no further, without
    decoding anything: the JP2 signature box, the file type box (\c ftyp, brand and compatibility \c{jp2 }),
    the header box (\c jp2h) with its image header (\c ihdr) first and a colour specification (\c colr), the
    contiguous codestream box (\c jp2c), and in the codestream the SOC and SIZ markers, the main header's
    marker segments, the chain of tile-parts (SOT lengths) and the closing EOC marker. The image header and
    SIZ must agree on width, height, components and bit depth.

    Every length is checked against the file and against its container before it is used, box nesting and
    counts are bounded, and nothing is ever read beyond what a length allows, so a damaged or hostile file
    yields problems, never a crash or an unbounded loop. Raw codestreams (.j2k, .j2c) are read from the SOC
    marker on. Reading costs a handful of small reads per tile-part.
*/
class Jp2Structure
{
    Q_DECLARE_TR_FUNCTIONS(gh::Jp2Structure)

public:
    enum class Container
    {
        Unknown,   //!< Neither a JP2 signature nor a codestream start.
        Jp2,       //!< JP2 boxes around the codestream.
        Codestream //!< A raw codestream.
    };

    Container container = Container::Unknown;
    //! What is wrong, each a complete sentence without the file's name (the caller adds it). Empty: sound.
    QStringList problems;

    bool hasImageHeader = false; //!< An ihdr box was read.
    quint32 headerWidth = 0;     //!< ihdr WIDTH.
    quint32 headerHeight = 0;    //!< ihdr HEIGHT.
    int headerComponents = 0;    //!< ihdr NC.
    int headerBitDepth = 0;      //!< ihdr BPC as bits per sample (1–38), 0 when it varies (BPC 255).

    bool hasSiz = false;   //!< A SIZ marker segment was read.
    quint32 width = 0;     //!< Xsiz - XOsiz: the image's width on the reference grid.
    quint32 height = 0;    //!< Ysiz - YOsiz.
    int components = 0;    //!< Csiz.
    QList<int> bitDepths;  //!< Bits per sample of each component (Ssiz & 0x7F) + 1.
    quint32 tiles = 0;     //!< Tiles the SIZ grid defines.
    quint32 tileParts = 0; //!< Tile-parts found in the codestream.
    bool hasEoc = false;   //!< The codestream ends with the EOC marker.

    qint64 codestreamOffset = -1; //!< Where the codestream starts in the file.
    qint64 codestreamLength = -1;

    bool isSound() const { return container != Container::Unknown && problems.isEmpty(); }

    //! Reads the structure of the JPEG 2000 data in \a device (opened for reading, random access).
    static Jp2Structure read(QIODevice &device);
    //! Reads the file at \a path; a file that cannot be opened gives one problem saying why.
    static Jp2Structure readFile(const QString &path);
};

} // namespace gh
