#include "jp2structure.h"

#include <algorithm>
#include <optional>

#include <QFile>

namespace gh {

namespace {

constexpr quint32 boxType(const char (&name)[5])
{
    return (quint32(quint8(name[0])) << 24) | (quint32(quint8(name[1])) << 16) |
           (quint32(quint8(name[2])) << 8) | quint32(quint8(name[3]));
}

constexpr quint32 s_signature = boxType("jP  ");
constexpr quint32 s_fileType = boxType("ftyp");
constexpr quint32 s_header = boxType("jp2h");
constexpr quint32 s_imageHeader = boxType("ihdr");
constexpr quint32 s_bitsPerComponent = boxType("bpcc");
constexpr quint32 s_colour = boxType("colr");
constexpr quint32 s_codestream = boxType("jp2c");
constexpr quint32 s_brand = boxType("jp2 ");

constexpr quint16 s_soc = 0xFF4F;
constexpr quint16 s_siz = 0xFF51;
constexpr quint16 s_cod = 0xFF52;
constexpr quint16 s_qcd = 0xFF5C;
constexpr quint16 s_sot = 0xFF90;
constexpr quint16 s_eoc = 0xFFD9;

// Bounds against hostile files: far beyond what any real file has, small enough that a crafted one cannot
// make the reader loop for long.
constexpr int s_maxTopLevelBoxes = 4096;
constexpr int s_maxHeaderBoxes = 256;
constexpr int s_maxMainHeaderMarkers = 65536;
constexpr quint32 s_maxTileParts = 1u << 20;

QString typeName(quint32 type)
{
    QString name;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const char c = char((type >> shift) & 0xFF);
        name += (c >= 0x20 && c < 0x7F) ? QChar::fromLatin1(c) : QChar(u'?');
    }
    return name;
}

QString markerName(quint16 marker)
{
    return QStringLiteral("0x%1").arg(marker, 4, 16, QLatin1Char('0')).toUpper().replace(u'X', u'x');
}

// Random-access reads that never go past the end of the device.
class Reader
{
public:
    explicit Reader(QIODevice &device)
        : m_device(device)
        , m_size(device.size())
    {}

    qint64 size() const { return m_size; }

    bool read(qint64 position, char *into, qint64 count)
    {
        if (position < 0 || count < 0 || position > m_size || count > m_size - position)
            return false;
        if (!m_device.seek(position))
            return false;
        qint64 done = 0;
        while (done < count) {
            const qint64 n = m_device.read(into + done, count - done);
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }

    std::optional<quint64> unsignedAt(qint64 position, int bytes)
    {
        char buffer[8];
        if (bytes < 1 || bytes > 8 || !read(position, buffer, bytes))
            return std::nullopt;
        quint64 value = 0;
        for (int i = 0; i < bytes; ++i)
            value = (value << 8) | quint8(buffer[i]);
        return value;
    }
    std::optional<quint32> u32(qint64 position)
    {
        const auto v = unsignedAt(position, 4);
        return v ? std::optional<quint32>(quint32(*v)) : std::nullopt;
    }
    std::optional<quint16> u16(qint64 position)
    {
        const auto v = unsignedAt(position, 2);
        return v ? std::optional<quint16>(quint16(*v)) : std::nullopt;
    }
    std::optional<quint8> u8(qint64 position)
    {
        const auto v = unsignedAt(position, 1);
        return v ? std::optional<quint8>(quint8(*v)) : std::nullopt;
    }

private:
    QIODevice &m_device;
    qint64 m_size;
};

struct Box
{
    quint32 type = 0;
    qint64 start = 0;
    qint64 contentStart = 0;
    qint64 end = 0;         //!< Clamped to the container when the box claims more than there is.
    bool toEnd = false;     //!< LBox 0: the box runs to the end of its container.
    bool truncated = false; //!< It declared more bytes than its container holds.
};

class StructureReader
{
    Q_DECLARE_TR_FUNCTIONS(gh::Jp2Structure)

public:
    StructureReader(Reader &reader, Jp2Structure &out)
        : m_reader(reader)
        , m_out(out)
    {}

    void readJp2();
    void readCodestream(qint64 offset, qint64 length);

private:
    void problem(const QString &text) { m_out.problems.append(text); }
    std::optional<Box> readBox(qint64 position, qint64 limit);
    void readHeader(const Box &header);
    void readImageHeader(const Box &box);
    void readColour(const Box &box);
    void readBitsPerComponent(const Box &box);
    bool readSiz(qint64 offset, qint64 end);
    void readTileParts(qint64 position, qint64 end);
    void compareHeaderAndSiz();

    Reader &m_reader;
    Jp2Structure &m_out;
    QList<int> m_bpccDepths; //!< From a bpcc box, when ihdr's BPC is 255.
    bool m_headerVaries = false;
};

std::optional<Box> StructureReader::readBox(qint64 position, qint64 limit)
{
    if (limit - position < 8) {
        problem(tr("the box header at byte %1 is cut off: only %2 bytes remain")
                    .arg(position)
                    .arg(limit - position));
        return std::nullopt;
    }
    const auto length = m_reader.u32(position);
    const auto type = m_reader.u32(position + 4);
    if (!length || !type) {
        problem(tr("the box header at byte %1 cannot be read").arg(position));
        return std::nullopt;
    }
    Box box;
    box.type = *type;
    box.start = position;
    box.contentStart = position + 8;
    if (*length == 1) {
        const auto extended = limit - position >= 16 ? m_reader.unsignedAt(position + 8, 8) : std::nullopt;
        if (!extended || *extended < 16 || *extended > quint64(std::numeric_limits<qint64>::max())) {
            problem(tr("the %1 box at byte %2 has an invalid extended length")
                        .arg(typeName(box.type))
                        .arg(position));
            return std::nullopt;
        }
        box.contentStart = position + 16;
        box.end = position + qint64(*extended);
        if (box.end < position) { // overflow
            problem(tr("the %1 box at byte %2 has an invalid extended length")
                        .arg(typeName(box.type))
                        .arg(position));
            return std::nullopt;
        }
    } else if (*length == 0) {
        box.toEnd = true;
        box.end = limit;
    } else if (*length < 8) {
        problem(tr("the %1 box at byte %2 declares a length of %3 bytes, less than its own header")
                    .arg(typeName(box.type))
                    .arg(position)
                    .arg(*length));
        return std::nullopt;
    } else {
        box.end = position + qint64(*length);
    }
    if (box.end > limit) {
        problem(tr("the %1 box at byte %2 declares %3 bytes but only %4 remain: the file is truncated")
                    .arg(typeName(box.type))
                    .arg(position)
                    .arg(box.end - position)
                    .arg(limit - position));
        box.end = limit;
        box.truncated = true;
    }
    return box;
}

void StructureReader::readJp2()
{
    const qint64 size = m_reader.size();
    // The signature box: exactly 12 bytes, always first.
    char signature[12];
    static const char expected[12] = {'\x00', '\x00', '\x00', '\x0C', 'j',    'P',
                                      ' ',    ' ',    '\r',   '\n',   '\x87', '\n'};
    if (!m_reader.read(0, signature, 12) || !std::equal(signature, signature + 12, expected)) {
        problem(tr("it does not start with the JP2 signature box"));
        return;
    }

    qint64 position = 12;
    std::optional<Box> fileType;
    bool headerSeen = false;
    bool codestreamSeen = false;
    int count = 0;
    while (position < size) {
        if (++count > s_maxTopLevelBoxes) {
            problem(tr("it has more than %1 boxes; the rest was not read").arg(s_maxTopLevelBoxes));
            break;
        }
        const std::optional<Box> box = readBox(position, size);
        if (!box)
            break;
        if (count == 1) {
            if (box->type != s_fileType)
                problem(tr("the file type box (ftyp) does not follow the signature box; found %1 instead")
                            .arg(typeName(box->type)));
            else
                fileType = box;
        }
        if (box->type == s_fileType && count == 1) {
            const qint64 content = box->end - box->contentStart;
            const auto brand = content >= 8 ? m_reader.u32(box->contentStart) : std::nullopt;
            if (!brand || (content - 8) % 4 != 0) {
                problem(
                    tr("the file type box is %1 bytes long, which is not a brand, a version and a list of "
                       "four-byte entries")
                        .arg(box->end - box->start));
            } else {
                if (*brand != s_brand)
                    problem(tr("the file type box's brand is \"%1\", not \"jp2 \"").arg(typeName(*brand)));
                bool compatible = false;
                for (qint64 at = box->contentStart + 8; at + 4 <= box->end && !compatible; at += 4)
                    compatible = m_reader.u32(at) == s_brand;
                if (!compatible)
                    problem(tr("the file type box's compatibility list does not name \"jp2 \""));
            }
        } else if (box->type == s_header) {
            if (headerSeen)
                problem(tr("it has more than one JP2 header box (jp2h)"));
            else if (codestreamSeen)
                problem(tr("the JP2 header box (jp2h) comes after the codestream box"));
            if (!headerSeen)
                readHeader(*box);
            headerSeen = true;
        } else if (box->type == s_codestream && !codestreamSeen) {
            codestreamSeen = true;
            m_out.codestreamOffset = box->contentStart;
            m_out.codestreamLength = box->end - box->contentStart;
            readCodestream(box->contentStart, box->end - box->contentStart);
        }
        if (box->toEnd || box->truncated)
            break;
        position = box->end;
    }
    if (!fileType && count == 0)
        problem(tr("the file type box (ftyp) is missing"));
    if (!headerSeen)
        problem(tr("the JP2 header box (jp2h) is missing"));
    if (!codestreamSeen)
        problem(tr("there is no contiguous codestream box (jp2c)"));
    compareHeaderAndSiz();
}

void StructureReader::readHeader(const Box &header)
{
    qint64 position = header.contentStart;
    int count = 0;
    bool colour = false;
    bool bitsPerComponent = false;
    while (position < header.end) {
        if (++count > s_maxHeaderBoxes) {
            problem(tr("the JP2 header box holds more than %1 boxes; the rest was not read")
                        .arg(s_maxHeaderBoxes));
            break;
        }
        const std::optional<Box> box = readBox(position, header.end);
        if (!box)
            break;
        if (count == 1 && box->type != s_imageHeader)
            problem(tr("the JP2 header box does not start with an image header box (ihdr); found %1")
                        .arg(typeName(box->type)));
        if (box->type == s_imageHeader && count == 1)
            readImageHeader(*box);
        else if (box->type == s_colour) {
            colour = true;
            readColour(*box);
        } else if (box->type == s_bitsPerComponent) {
            bitsPerComponent = true;
            readBitsPerComponent(*box);
        }
        if (box->toEnd || box->truncated)
            break;
        position = box->end;
    }
    if (!colour)
        problem(tr("the JP2 header box has no colour specification box (colr)"));
    if (m_headerVaries && !bitsPerComponent)
        problem(tr("the image header says bit depths vary by component (BPC 255) but there is no bpcc box"));
}

void StructureReader::readImageHeader(const Box &box)
{
    if (box.end - box.contentStart != 14) {
        problem(tr("the image header box (ihdr) holds %1 bytes; it must hold 14")
                    .arg(box.end - box.contentStart));
        return;
    }
    const auto height = m_reader.u32(box.contentStart);
    const auto width = m_reader.u32(box.contentStart + 4);
    const auto components = m_reader.u16(box.contentStart + 8);
    const auto bpc = m_reader.u8(box.contentStart + 10);
    const auto compression = m_reader.u8(box.contentStart + 11);
    const auto unknownColourspace = m_reader.u8(box.contentStart + 12);
    const auto ipr = m_reader.u8(box.contentStart + 13);
    if (!height || !width || !components || !bpc || !compression || !unknownColourspace || !ipr) {
        problem(tr("the image header box (ihdr) cannot be read"));
        return;
    }
    m_out.hasImageHeader = true;
    m_out.headerHeight = *height;
    m_out.headerWidth = *width;
    m_out.headerComponents = *components;
    m_headerVaries = *bpc == 255;
    m_out.headerBitDepth = m_headerVaries ? 0 : (*bpc & 0x7F) + 1;
    if (*width == 0 || *height == 0)
        problem(tr("the image header gives a size of %1×%2 pixels").arg(*width).arg(*height));
    if (*components == 0)
        problem(tr("the image header gives no colour components"));
    if (!m_headerVaries && m_out.headerBitDepth > 38)
        problem(tr("the image header gives a bit depth of %1, more than 38").arg(m_out.headerBitDepth));
    if (*compression != 7)
        problem(tr("the image header's compression type is %1, not 7 (JPEG 2000)").arg(*compression));
    if (*unknownColourspace > 1)
        problem(tr("the image header's UnkC field is %1; it must be 0 or 1").arg(*unknownColourspace));
    if (*ipr > 1)
        problem(tr("the image header's IPR field is %1; it must be 0 or 1").arg(*ipr));
}

void StructureReader::readColour(const Box &box)
{
    const auto method = box.end - box.contentStart >= 3 ? m_reader.u8(box.contentStart) : std::nullopt;
    if (!method) {
        problem(tr("the colour specification box (colr) at byte %1 is too short").arg(box.start));
        return;
    }
    if (*method == 1 && box.end - box.contentStart != 7)
        problem(
            tr("the colour specification box (colr) at byte %1 uses an enumerated colour space but holds %2 "
               "bytes instead of 7")
                .arg(box.start)
                .arg(box.end - box.contentStart));
    else if (*method != 1 && *method != 2)
        problem(tr("the colour specification box (colr) at byte %1 uses method %2; JP2 allows 1 and 2")
                    .arg(box.start)
                    .arg(*method));
}

void StructureReader::readBitsPerComponent(const Box &box)
{
    m_bpccDepths.clear();
    const qint64 count = box.end - box.contentStart;
    for (qint64 i = 0; i < std::min<qint64>(count, 16384); ++i) {
        const auto value = m_reader.u8(box.contentStart + i);
        if (!value)
            return;
        m_bpccDepths.append((*value & 0x7F) + 1);
    }
}

void StructureReader::readCodestream(qint64 offset, qint64 length)
{
    const qint64 end = offset + length;
    const auto soc = m_reader.u16(offset);
    const auto siz = length >= 4 ? m_reader.u16(offset + 2) : std::nullopt;
    if (!soc || *soc != s_soc || !siz || *siz != s_siz) {
        problem(tr("the codestream does not start with the SOC and SIZ markers"));
        return;
    }
    if (!readSiz(offset + 2, end))
        return;
    // Main header marker segments up to the first tile-part; COD and QCD are required.
    const auto sizLength = m_reader.u16(offset + 4);
    qint64 position = offset + 4 + *sizLength;
    bool cod = false;
    bool qcd = false;
    for (int count = 0;; ++count) {
        if (count > s_maxMainHeaderMarkers) {
            problem(tr("the codestream's main header has more than %1 marker segments")
                        .arg(s_maxMainHeaderMarkers));
            return;
        }
        const auto marker = m_reader.u16(position);
        if (!marker || position + 2 > end) {
            problem(tr("the codestream ends in its main header, at byte %1: the file is truncated")
                        .arg(position));
            return;
        }
        if (*marker == s_sot)
            break;
        if ((*marker & 0xFF00) != 0xFF00 || *marker < 0xFF30) {
            problem(tr("the codestream's main header has %1 at byte %2 where a marker should be")
                        .arg(markerName(*marker))
                        .arg(position));
            return;
        }
        if (*marker == s_eoc) {
            problem(tr("the codestream ends (EOC) before its first tile-part"));
            return;
        }
        const auto segment = m_reader.u16(position + 2);
        if (!segment || *segment < 2 || position + 2 + *segment > end) {
            problem(tr("the marker segment %1 at byte %2 runs past the end of the codestream: the file is "
                       "truncated")
                        .arg(markerName(*marker))
                        .arg(position));
            return;
        }
        cod = cod || *marker == s_cod;
        qcd = qcd || *marker == s_qcd;
        position += 2 + *segment;
    }
    if (!cod)
        problem(tr("the codestream's main header has no coding style marker (COD)"));
    if (!qcd)
        problem(tr("the codestream's main header has no quantization marker (QCD)"));
    readTileParts(position, end);
}

bool StructureReader::readSiz(qint64 offset, qint64 end)
{
    // offset points at the SIZ marker; its segment follows.
    const auto length = m_reader.u16(offset + 2);
    if (!length || *length < 41 || offset + 2 + *length > end) {
        problem(tr("the codestream's SIZ marker segment is cut off or too short"));
        return false;
    }
    const qint64 at = offset + 4;
    const auto xsiz = m_reader.u32(at + 2);
    const auto ysiz = m_reader.u32(at + 6);
    const auto xosiz = m_reader.u32(at + 10);
    const auto yosiz = m_reader.u32(at + 14);
    const auto xtsiz = m_reader.u32(at + 18);
    const auto ytsiz = m_reader.u32(at + 22);
    const auto xtosiz = m_reader.u32(at + 26);
    const auto ytosiz = m_reader.u32(at + 30);
    const auto csiz = m_reader.u16(at + 34);
    if (!xsiz || !ysiz || !xosiz || !yosiz || !xtsiz || !ytsiz || !xtosiz || !ytosiz || !csiz) {
        problem(tr("the codestream's SIZ marker segment cannot be read"));
        return false;
    }
    if (*csiz == 0 || *csiz > 16384 || *length != 38 + 3 * int(*csiz)) {
        problem(
            tr("the SIZ marker segment is %1 bytes long for %2 components; it must be 38 + 3 per component")
                .arg(*length)
                .arg(*csiz));
        return false;
    }
    if (*xsiz <= *xosiz || *ysiz <= *yosiz) {
        problem(tr("the SIZ marker segment gives an empty image (Xsiz %1, XOsiz %2, Ysiz %3, YOsiz %4)")
                    .arg(*xsiz)
                    .arg(*xosiz)
                    .arg(*ysiz)
                    .arg(*yosiz));
        return false;
    }
    if (*xtsiz == 0 || *ytsiz == 0 || *xtosiz > *xosiz || *ytosiz > *yosiz ||
        quint64(*xtsiz) + *xtosiz <= *xosiz || quint64(*ytsiz) + *ytosiz <= *yosiz) {
        problem(tr("the SIZ marker segment's tile grid does not cover the image"));
        return false;
    }
    const quint64 across = (quint64(*xsiz) - *xtosiz + *xtsiz - 1) / *xtsiz;
    const quint64 down = (quint64(*ysiz) - *ytosiz + *ytsiz - 1) / *ytsiz;
    const quint64 tiles = across * down;
    if (tiles > 65535) {
        problem(
            tr("the SIZ marker segment defines %1 tiles; a codestream can index at most 65535").arg(tiles));
        return false;
    }
    // Only a SIZ that passed every test above counts as read.
    m_out.hasSiz = true;
    m_out.width = *xsiz - *xosiz;
    m_out.height = *ysiz - *yosiz;
    m_out.components = *csiz;
    m_out.tiles = quint32(tiles);
    for (int c = 0; c < *csiz; ++c) {
        const auto ssiz = m_reader.u8(at + 36 + 3 * c);
        const auto xrsiz = m_reader.u8(at + 37 + 3 * c);
        const auto yrsiz = m_reader.u8(at + 38 + 3 * c);
        if (!ssiz || !xrsiz || !yrsiz)
            return false;
        m_out.bitDepths.append((*ssiz & 0x7F) + 1);
        if (*xrsiz == 0 || *yrsiz == 0)
            problem(tr("component %1 has a subsampling factor of 0 in the SIZ marker segment").arg(c));
    }
    return true;
}

void StructureReader::readTileParts(qint64 position, qint64 end)
{
    const quint32 limit = std::min<quint64>(quint64(m_out.tiles) * 255, s_maxTileParts);
    for (;;) {
        const auto marker = m_reader.u16(position);
        if (!marker || position + 2 > end) {
            problem(tr("the codestream ends at byte %1 without its end marker (EOC): the file is truncated")
                        .arg(end));
            return;
        }
        if (*marker == s_eoc) {
            m_out.hasEoc = true;
            if (position + 2 < end)
                problem(tr("%1 bytes follow the codestream's end marker (EOC)").arg(end - position - 2));
            return;
        }
        if (*marker != s_sot) {
            problem(tr("the codestream has %1 at byte %2 where a tile-part (SOT) or its end (EOC) should be")
                        .arg(markerName(*marker))
                        .arg(position));
            return;
        }
        if (m_out.tileParts >= limit) {
            problem(tr("the codestream has more tile-parts than its %1 tiles can have").arg(m_out.tiles));
            return;
        }
        const auto lsot = m_reader.u16(position + 2);
        const auto isot = m_reader.u16(position + 4);
        const auto psot = m_reader.u32(position + 6);
        if (!lsot || !isot || !psot || position + 12 > end) {
            problem(tr("the tile-part header at byte %1 is cut off: the file is truncated").arg(position));
            return;
        }
        if (*lsot != 10) {
            problem(tr("the tile-part header at byte %1 is %2 bytes long; it must be 10")
                        .arg(position)
                        .arg(*lsot));
            return;
        }
        if (*isot >= m_out.tiles) {
            problem(tr("the tile-part at byte %1 is for tile %2, but the image has %3 tiles")
                        .arg(position)
                        .arg(*isot)
                        .arg(m_out.tiles));
            return;
        }
        ++m_out.tileParts;
        if (*psot == 0) {
            // The last tile-part runs to the EOC marker.
            const auto last = m_reader.u16(end - 2);
            m_out.hasEoc = last && *last == s_eoc;
            if (!m_out.hasEoc)
                problem(tr("the codestream does not end with its end marker (EOC): the file is truncated"));
            return;
        }
        if (*psot < 14 || position + qint64(*psot) > end) {
            problem(tr("tile-part %1 (tile %2) at byte %3 declares %4 bytes but the codestream ends %5 bytes "
                       "after "
                       "its start: the file is truncated")
                        .arg(m_out.tileParts)
                        .arg(*isot)
                        .arg(position)
                        .arg(*psot)
                        .arg(end - position));
            return;
        }
        position += *psot;
    }
}

void StructureReader::compareHeaderAndSiz()
{
    if (!m_out.hasImageHeader || !m_out.hasSiz)
        return;
    if (m_out.headerWidth != m_out.width || m_out.headerHeight != m_out.height)
        problem(tr("the image header says %1×%2 pixels but the codestream says %3×%4")
                    .arg(m_out.headerWidth)
                    .arg(m_out.headerHeight)
                    .arg(m_out.width)
                    .arg(m_out.height));
    if (m_out.headerComponents != m_out.components)
        problem(tr("the image header says %1 components but the codestream has %2")
                    .arg(m_out.headerComponents)
                    .arg(m_out.components));
    const QList<int> &expected =
        m_headerVaries ? m_bpccDepths : QList<int>(m_out.components, m_out.headerBitDepth);
    if (!expected.isEmpty() && expected.size() == m_out.bitDepths.size() && expected != m_out.bitDepths) {
        QStringList header;
        QStringList codestream;
        for (int d : expected)
            header.append(QString::number(d));
        for (int d : std::as_const(m_out.bitDepths))
            codestream.append(QString::number(d));
        problem(tr("the JP2 header gives bit depths %1 but the codestream %2")
                    .arg(header.join(u'/'), codestream.join(u'/')));
    }
}

} // namespace

Jp2Structure Jp2Structure::read(QIODevice &device)
{
    Jp2Structure result;
    Reader reader(device);
    char head[4] = {};
    if (!reader.read(0, head, 4)) {
        result.problems.append(tr("it is too short to be JPEG 2000 (%1 bytes)").arg(reader.size()));
        return result;
    }
    StructureReader structure(reader, result);
    if (quint8(head[0]) == 0xFF && quint8(head[1]) == 0x4F) {
        result.container = Container::Codestream;
        result.codestreamOffset = 0;
        result.codestreamLength = reader.size();
        structure.readCodestream(0, reader.size());
        return result;
    }
    if (head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] == 12)
        result.container = Container::Jp2;
    structure.readJp2();
    return result;
}

Jp2Structure Jp2Structure::readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        Jp2Structure result;
        result.problems.append(tr("it cannot be opened: %1").arg(file.errorString()));
        return result;
    }
    return read(file);
}

} // namespace gh
