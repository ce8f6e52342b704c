#include "imagingtestdata.h"

#include <cstring>
#include <memory>
#include <vector>

#include <QBuffer>
#include <QFile>
#include <QImageWriter>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

#include <openjpeg.h>

namespace gh::test {

QColor quadrantColor(int quadrant, bool gray)
{
    static const QColor colours[] = {QColor(200, 40, 40), QColor(40, 170, 60), QColor(40, 70, 200),
                                     QColor(235, 225, 90)};
    static const int grays[] = {30, 100, 170, 240};
    return gray ? QColor(grays[quadrant], grays[quadrant], grays[quadrant]) : colours[quadrant];
}

QImage quadrantImage(QSize size, bool gray)
{
    QImage image(size, QImage::Format_RGB32);
    const int halfWidth = size.width() / 2;
    const int halfHeight = size.height() / 2;
    QPainter painter(&image);
    painter.fillRect(0, 0, halfWidth, halfHeight, quadrantColor(TopLeft, gray));
    painter.fillRect(halfWidth, 0, size.width() - halfWidth, halfHeight, quadrantColor(TopRight, gray));
    painter.fillRect(0, halfHeight, halfWidth, size.height() - halfHeight, quadrantColor(BottomLeft, gray));
    painter.fillRect(halfWidth, halfHeight, size.width() - halfWidth, size.height() - halfHeight,
                     quadrantColor(BottomRight, gray));
    painter.end();
    return gray ? image.convertToFormat(QImage::Format_Grayscale8) : image;
}

bool quadrantsMatch(const QImage &image, bool gray, int tolerance, QString *why)
{
    const QPoint centres[] = {{image.width() / 4, image.height() / 4},
                              {image.width() * 3 / 4, image.height() / 4},
                              {image.width() / 4, image.height() * 3 / 4},
                              {image.width() * 3 / 4, image.height() * 3 / 4}};
    for (int q = 0; q < 4; ++q) {
        const QColor expected = quadrantColor(q, gray);
        const QColor actual = image.pixelColor(centres[q]);
        if (std::abs(actual.red() - expected.red()) > tolerance ||
            std::abs(actual.green() - expected.green()) > tolerance ||
            std::abs(actual.blue() - expected.blue()) > tolerance) {
            *why = QStringLiteral("quadrant %1 at (%2,%3) is %4, expected %5 ± %6")
                       .arg(q)
                       .arg(centres[q].x())
                       .arg(centres[q].y())
                       .arg(actual.name(), expected.name())
                       .arg(tolerance);
            return false;
        }
    }
    return true;
}

QByteArray encodeWithQt(const QImage &image, const QByteArray &format, int quality)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    if (quality >= 0)
        writer.setQuality(quality);
    if (!writer.write(image))
        return {};
    return bytes;
}

QByteArray encodeGif(const QImage &image)
{
    const QImage indexed =
        image.convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither | Qt::AvoidDither);
    QList<QRgb> palette = indexed.colorTable();
    palette.resize(256, qRgb(0, 0, 0));
    QByteArray gif = "GIF89a";
    const auto little16 = [&gif](int value) {
        gif += char(value & 0xFF);
        gif += char((value >> 8) & 0xFF);
    };
    little16(indexed.width());
    little16(indexed.height());
    gif += char(0xF7); // global colour table of 2^(7+1) entries
    gif += char(0);
    gif += char(0);
    for (const QRgb colour : palette) {
        gif += char(qRed(colour));
        gif += char(qGreen(colour));
        gif += char(qBlue(colour));
    }
    gif += ',';
    little16(0);
    little16(0);
    little16(indexed.width());
    little16(indexed.height());
    gif += char(0);

    // "Uncompressed" LZW: 9-bit literal codes with a clear code often enough that the code width never grows.
    const int minimumCodeSize = 8;
    const int clear = 1 << minimumCodeSize;
    QByteArray data;
    quint32 bits = 0;
    int bitCount = 0;
    const auto put = [&](int code) {
        bits |= quint32(code) << bitCount;
        bitCount += 9;
        while (bitCount >= 8) {
            data += char(bits & 0xFF);
            bits >>= 8;
            bitCount -= 8;
        }
    };
    int sinceClear = 0;
    put(clear);
    for (int y = 0; y < indexed.height(); ++y) {
        const uchar *line = indexed.constScanLine(y);
        for (int x = 0; x < indexed.width(); ++x) {
            if (sinceClear == 250) {
                put(clear);
                sinceClear = 0;
            }
            put(line[x]);
            ++sinceClear;
        }
    }
    put(clear + 1); // end of information
    if (bitCount > 0)
        data += char(bits & 0xFF);

    gif += char(minimumCodeSize);
    for (qsizetype offset = 0; offset < data.size(); offset += 255) {
        const QByteArray block = data.mid(offset, 255);
        gif += char(block.size());
        gif += block;
    }
    gif += char(0);
    gif += ';';
    return gif;
}

QByteArray quadrantPdf()
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(72);
        QPainter painter(&writer);
        const int width = writer.width();
        const int height = writer.height();
        painter.fillRect(0, 0, width / 2, height / 2, quadrantColor(TopLeft, false));
        painter.fillRect(width / 2, 0, width - width / 2, height / 2, quadrantColor(TopRight, false));
        painter.fillRect(0, height / 2, width / 2, height - height / 2, quadrantColor(BottomLeft, false));
        painter.fillRect(width / 2, height / 2, width - width / 2, height - height / 2,
                         quadrantColor(BottomRight, false));
    }
    return bytes;
}

QByteArray encryptedPdf()
{
    const QByteArray hex32 = QByteArray(32, '\x5A').toHex();
    const QList<QByteArray> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        "<< /Filter /Standard /V 1 /R 2 /O <" + hex32 + "> /U <" + hex32 + "> /P -44 >>",
    };
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (int i = 0; i < objects.size(); ++i) {
        offsets.append(pdf.size());
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    const QByteArray id = QByteArray(16, '\x11').toHex();
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) +
           " /Root 1 0 R /Encrypt 4 0 R /ID [<" + id + "><" + id + ">] >>\nstartxref\n" +
           QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

QByteArray withExifOrientation(const QByteArray &jpeg, int orientation)
{
    // APP1 "Exif": a big-endian TIFF header and one IFD entry, tag 0x0112 (Orientation), SHORT, count 1.
    QByteArray exif("Exif\0\0", 6);
    exif += QByteArray("MM\0*\0\0\0\x08", 8);
    exif += QByteArray("\0\x01", 2);
    exif += QByteArray("\x01\x12\0\x03\0\0\0\x01\0", 9) + char(orientation) + QByteArray("\0\0", 2);
    exif += QByteArray(4, '\0');
    const int length = int(exif.size()) + 2;
    QByteArray segment("\xFF\xE1", 2);
    segment += char(length >> 8);
    segment += char(length & 0xFF);
    segment += exif;
    return jpeg.left(2) + segment + jpeg.mid(2);
}

namespace {

struct MemoryStream
{
    QByteArray data;
    qint64 position = 0;
};

OPJ_SIZE_T writeCallback(void *buffer, OPJ_SIZE_T size, void *user)
{
    auto *stream = static_cast<MemoryStream *>(user);
    const qint64 end = stream->position + qint64(size);
    if (end > stream->data.size())
        stream->data.resize(end);
    std::memcpy(stream->data.data() + stream->position, buffer, size);
    stream->position = end;
    return size;
}

OPJ_OFF_T skipCallback(OPJ_OFF_T count, void *user)
{
    auto *stream = static_cast<MemoryStream *>(user);
    stream->position += count;
    if (stream->position > stream->data.size())
        stream->data.resize(stream->position);
    return count;
}

OPJ_BOOL seekCallback(OPJ_OFF_T position, void *user)
{
    auto *stream = static_cast<MemoryStream *>(user);
    stream->position = position;
    if (stream->position > stream->data.size())
        stream->data.resize(stream->position);
    return OPJ_TRUE;
}

} // namespace

QByteArray encodeRawJpeg2000(QSize size, const QList<RawComponent> &components, RawColorSpace space,
                             bool codestream, int resolutions)
{
    std::vector<opj_image_cmptparm_t> parameters(components.size());
    for (int c = 0; c < components.size(); ++c) {
        std::memset(&parameters[c], 0, sizeof(opj_image_cmptparm_t));
        parameters[c].dx = OPJ_UINT32(components[c].dx);
        parameters[c].dy = OPJ_UINT32(components[c].dy);
        parameters[c].w = OPJ_UINT32((size.width() + components[c].dx - 1) / components[c].dx);
        parameters[c].h = OPJ_UINT32((size.height() + components[c].dy - 1) / components[c].dy);
        parameters[c].prec = OPJ_UINT32(components[c].precision);
    }
    const OPJ_COLOR_SPACE colorSpace = space == RawColorSpace::Gray   ? OPJ_CLRSPC_GRAY
                                       : space == RawColorSpace::Srgb ? OPJ_CLRSPC_SRGB
                                       : space == RawColorSpace::Sycc ? OPJ_CLRSPC_SYCC
                                                                      : OPJ_CLRSPC_UNSPECIFIED;
    std::unique_ptr<opj_image_t, void (*)(opj_image_t *)> image(
        opj_image_create(OPJ_UINT32(components.size()), parameters.data(), colorSpace), opj_image_destroy);
    if (!image)
        return {};
    image->x1 = OPJ_UINT32(size.width());
    image->y1 = OPJ_UINT32(size.height());
    for (int c = 0; c < components.size(); ++c) {
        opj_image_comp_t &component = image->comps[c];
        component.alpha = components[c].alpha ? 1 : 0;
        for (OPJ_UINT32 y = 0; y < component.h; ++y) {
            for (OPJ_UINT32 x = 0; x < component.w; ++x)
                component.data[y * component.w + x] = components[c].value(int(x), int(y));
        }
    }

    opj_cparameters_t cparameters;
    opj_set_default_encoder_parameters(&cparameters);
    cparameters.numresolution = resolutions;
    cparameters.tcp_numlayers = 1;
    cparameters.tcp_rates[0] = 0;
    cparameters.cp_disto_alloc = 1;
    cparameters.tcp_mct = 0;
    std::unique_ptr<opj_codec_t, void (*)(opj_codec_t *)> codec(
        opj_create_compress(codestream ? OPJ_CODEC_J2K : OPJ_CODEC_JP2), opj_destroy_codec);
    if (!codec || !opj_setup_encoder(codec.get(), &cparameters, image.get()))
        return {};
    MemoryStream memory;
    std::unique_ptr<opj_stream_t, void (*)(opj_stream_t *)> stream(opj_stream_create(1 << 20, OPJ_FALSE),
                                                                   opj_stream_destroy);
    opj_stream_set_user_data(stream.get(), &memory, nullptr);
    opj_stream_set_write_function(stream.get(), writeCallback);
    opj_stream_set_skip_function(stream.get(), skipCallback);
    opj_stream_set_seek_function(stream.get(), seekCallback);
    if (!opj_start_compress(codec.get(), image.get(), stream.get()) ||
        !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get())) {
        return {};
    }
    return memory.data;
}

bool writeBytes(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace gh::test
