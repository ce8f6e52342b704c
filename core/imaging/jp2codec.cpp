#include "jp2codec.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include <QColorSpace>
#include <QFile>
#include <QStringList>
#include <QThread>

#include <openjpeg.h>

#include "imaginglogging.h"

namespace gh {

namespace {

// An in-memory openjpeg stream that supports the seeks JP2 box writing needs.
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
    if (position < 0)
        return OPJ_FALSE;
    stream->position = position;
    if (stream->position > stream->data.size())
        stream->data.resize(stream->position);
    return OPJ_TRUE;
}

struct CodecDeleter
{
    void operator()(opj_codec_t *codec) const { opj_destroy_codec(codec); }
};
struct ImageDeleter
{
    void operator()(opj_image_t *image) const { opj_image_destroy(image); }
};
struct StreamDeleter
{
    void operator()(opj_stream_t *stream) const { opj_stream_destroy(stream); }
};

// openjpeg reports through callbacks with a client pointer, one per codec, so collecting the messages of
// one decode needs no locking even when many threads decode at once.
struct DecodeMessages
{
    QString path;
    QStringList errors;
    QStringList warnings;
};

QString trimmedMessage(const char *message)
{
    return QString::fromUtf8(message).trimmed();
}

void errorHandler(const char *message, void *user)
{
    auto *messages = static_cast<DecodeMessages *>(user);
    const QString text = trimmedMessage(message);
    qCDebug(lcImaging) << "openjpeg error:" << messages->path << text;
    messages->errors.append(text);
}

void warningHandler(const char *message, void *user)
{
    auto *messages = static_cast<DecodeMessages *>(user);
    const QString text = trimmedMessage(message);
    qCDebug(lcImaging) << "openjpeg warning:" << messages->path << text;
    messages->warnings.append(text);
}

void infoHandler(const char *message, void *user)
{
    qCDebug(lcImaging) << "openjpeg:" << static_cast<DecodeMessages *>(user)->path << trimmedMessage(message);
}

// The size of a full-resolution extent [begin, end) on the reference grid after discarding `reduction`
// resolution levels, as the codestream defines it (ceil on both edges).
int reducedExtent(quint32 begin, quint32 end, int reduction)
{
    const auto ceilShift = [reduction](quint64 value) {
        return (value + (quint64(1) << reduction) - 1) >> reduction;
    };
    return int(ceilShift(end) - ceilShift(begin));
}

// One decoded component, sampled onto the output grid with 8 bits per sample. Subsampled components
// (4:2:0 sYCC, say) are nearest-neighbour upsampled, which is all a thumbnail needs.
class Channel
{
public:
    Channel(const opj_image_comp_t &component, int outputWidth, int outputHeight)
        : m_data(component.data)
        , m_stride(int(component.w))
    {
        const int precision = std::clamp(int(component.prec), 1, 31);
        m_max = (qint64(1) << precision) - 1;
        m_offset = component.sgnd ? (qint64(1) << (precision - 1)) : 0;
        m_columns.resize(outputWidth);
        for (int x = 0; x < outputWidth; ++x)
            m_columns[x] = int(qint64(x) * component.w / outputWidth);
        m_rows.resize(outputHeight);
        for (int y = 0; y < outputHeight; ++y)
            m_rows[y] = int(qint64(y) * component.h / outputHeight);
    }

    int at(int x, int y) const
    {
        const qint64 value = std::clamp(
            qint64(m_data[qsizetype(m_rows[y]) * m_stride + m_columns[x]]) + m_offset, qint64(0), m_max);
        return m_max == 255 ? int(value) : int((value * 255 + m_max / 2) / m_max);
    }

private:
    const OPJ_INT32 *m_data;
    int m_stride;
    qint64 m_max = 255;
    qint64 m_offset = 0;
    std::vector<int> m_columns;
    std::vector<int> m_rows;
};

int clamp8(double value)
{
    return std::clamp(int(value + 0.5), 0, 255);
}

enum class Layout
{
    Gray,
    GrayAlpha,
    Rgb,
    Rgba,
    Ycc,
    YccAlpha,
    Cmyk
};

Layout layoutOf(const opj_image_t &image)
{
    const quint32 count = image.numcomps;
    if (count < 3)
        return count == 2 ? Layout::GrayAlpha : Layout::Gray;
    // A raw codestream has no colour specification; chroma subsampling is the tell-tale of YCbCr (the
    // same guess opj_decompress makes).
    const bool subsampledChroma = image.comps[0].dx == 1 && image.comps[0].dy == 1 &&
                                  (image.comps[1].dx != 1 || image.comps[1].dy != 1 ||
                                   image.comps[2].dx != 1 || image.comps[2].dy != 1);
    const bool ycc = image.color_space == OPJ_CLRSPC_SYCC || image.color_space == OPJ_CLRSPC_EYCC ||
                     (image.color_space == OPJ_CLRSPC_UNSPECIFIED && subsampledChroma);
    if (count >= 4 && image.color_space == OPJ_CLRSPC_CMYK)
        return Layout::Cmyk;
    if (count >= 4 && image.comps[3].alpha)
        return ycc ? Layout::YccAlpha : Layout::Rgba;
    return ycc ? Layout::Ycc : Layout::Rgb;
}

// Turns openjpeg's planar integer components into an 8-bit QImage.
QImage toQImage(const opj_image_t &image, int width, int height)
{
    const Layout layout = layoutOf(image);
    std::vector<Channel> channels;
    const quint32 used =
        std::min<quint32>(image.numcomps, layout == Layout::Gray                           ? 1
                                          : layout == Layout::GrayAlpha                    ? 2
                                          : layout == Layout::Rgb || layout == Layout::Ycc ? 3
                                                                                           : 4);
    channels.reserve(used);
    for (quint32 c = 0; c < used; ++c)
        channels.emplace_back(image.comps[c], width, height);

    if (layout == Layout::Gray) {
        QImage out(width, height, QImage::Format_Grayscale8);
        if (out.isNull())
            return out;
        for (int y = 0; y < height; ++y) {
            uchar *line = out.scanLine(y);
            for (int x = 0; x < width; ++x)
                line[x] = uchar(channels[0].at(x, y));
        }
        return out;
    }

    const bool alpha = layout == Layout::GrayAlpha || layout == Layout::Rgba || layout == Layout::YccAlpha;
    QImage out(width, height, alpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    if (out.isNull())
        return out;
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(out.scanLine(y));
        for (int x = 0; x < width; ++x) {
            switch (layout) {
            case Layout::Gray: { // handled above; kept for completeness of the switch
                const int v = channels[0].at(x, y);
                line[x] = qRgb(v, v, v);
                break;
            }
            case Layout::GrayAlpha: {
                const int v = channels[0].at(x, y);
                line[x] = qRgba(v, v, v, channels[1].at(x, y));
                break;
            }
            case Layout::Rgb:
                line[x] = qRgb(channels[0].at(x, y), channels[1].at(x, y), channels[2].at(x, y));
                break;
            case Layout::Rgba:
                line[x] = qRgba(channels[0].at(x, y), channels[1].at(x, y), channels[2].at(x, y),
                                channels[3].at(x, y));
                break;
            case Layout::Ycc:
            case Layout::YccAlpha: {
                // ITU-R BT.601 full range, as sYCC specifies.
                const double luma = channels[0].at(x, y);
                const double cb = channels[1].at(x, y) - 128.0;
                const double cr = channels[2].at(x, y) - 128.0;
                line[x] =
                    qRgba(clamp8(luma + 1.402 * cr), clamp8(luma - 0.344136 * cb - 0.714136 * cr),
                          clamp8(luma + 1.772 * cb), layout == Layout::YccAlpha ? channels[3].at(x, y) : 255);
                break;
            }
            case Layout::Cmyk: {
                const int k = 255 - channels[3].at(x, y);
                line[x] = qRgb((255 - channels[0].at(x, y)) * k / 255, (255 - channels[1].at(x, y)) * k / 255,
                               (255 - channels[2].at(x, y)) * k / 255);
                break;
            }
            }
        }
    }
    return out;
}

// The fewest resolution levels any component offers in the main header; a reduction beyond it is refused.
int resolutionLevels(opj_codec_t *codec, quint32 components)
{
    opj_codestream_info_v2_t *info = opj_get_cstr_info(codec);
    if (!info)
        return 1;
    int levels = 33;
    if (info->m_default_tile_info.tccp_info) {
        for (quint32 c = 0; c < std::min(components, info->nbcomps); ++c)
            levels = std::min(levels, int(info->m_default_tile_info.tccp_info[c].numresolutions));
    } else {
        levels = 1;
    }
    opj_destroy_cstr_info(&info);
    return std::max(levels, 1);
}

QString lastMessage(const DecodeMessages &messages)
{
    if (!messages.errors.isEmpty())
        return messages.errors.constLast();
    if (!messages.warnings.isEmpty())
        return messages.warnings.constLast();
    return {};
}

} // namespace

Result<QByteArray> Jp2Codec::encode(const QImage &source, const EncodeOptions &options)
{
    if (source.isNull())
        return Error{ErrorCode::Invalid, tr("Cannot encode an empty image as JPEG 2000.")};
    const bool gray = source.isGrayscale();
    const QImage image = source.convertToFormat(gray ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    const int components = gray ? 1 : 3;
    const int width = image.width();
    const int height = image.height();

    opj_image_cmptparm_t parameters[3];
    std::memset(parameters, 0, sizeof(parameters));
    for (int c = 0; c < components; ++c) {
        parameters[c].dx = 1;
        parameters[c].dy = 1;
        parameters[c].w = OPJ_UINT32(width);
        parameters[c].h = OPJ_UINT32(height);
        parameters[c].prec = 8;
        parameters[c].sgnd = 0;
    }
    std::unique_ptr<opj_image_t, ImageDeleter> opjImage(
        opj_image_create(OPJ_UINT32(components), parameters, gray ? OPJ_CLRSPC_GRAY : OPJ_CLRSPC_SRGB));
    if (!opjImage)
        return Error{ErrorCode::Io, tr("openjpeg could not allocate a %1×%2 image.").arg(width).arg(height)};
    opjImage->x0 = 0;
    opjImage->y0 = 0;
    opjImage->x1 = OPJ_UINT32(width);
    opjImage->y1 = OPJ_UINT32(height);
    for (int y = 0; y < height; ++y) {
        const uchar *line = image.constScanLine(y);
        for (int x = 0; x < width; ++x) {
            for (int c = 0; c < components; ++c)
                opjImage->comps[c].data[qsizetype(y) * width + x] = line[x * components + c];
        }
    }

    opj_cparameters_t cparameters;
    opj_set_default_encoder_parameters(&cparameters);
    const int maxResolutions = [&] {
        int levels = 1;
        int side = std::min(width, height);
        while (side >= 64 && levels < 33) {
            side /= 2;
            ++levels;
        }
        return levels;
    }();
    cparameters.numresolution = std::clamp(options.resolutions, 1, maxResolutions);
    cparameters.tcp_numlayers = 1;
    cparameters.cp_disto_alloc = 1;
    if (options.compressionRatio > 0) {
        cparameters.tcp_rates[0] = options.compressionRatio;
        cparameters.irreversible = 1;
    } else {
        cparameters.tcp_rates[0] = 0; // lossless
    }
    cparameters.tcp_mct = components == 3 ? 1 : 0;

    std::unique_ptr<opj_codec_t, CodecDeleter> codec(
        opj_create_compress(options.codestreamOnly ? OPJ_CODEC_J2K : OPJ_CODEC_JP2));
    if (!codec || !opj_setup_encoder(codec.get(), &cparameters, opjImage.get()))
        return Error{ErrorCode::Io, tr("openjpeg rejected the encoder settings.")};

    MemoryStream memory;
    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(1 << 20, OPJ_FALSE));
    opj_stream_set_user_data(stream.get(), &memory, nullptr);
    opj_stream_set_write_function(stream.get(), writeCallback);
    opj_stream_set_skip_function(stream.get(), skipCallback);
    opj_stream_set_seek_function(stream.get(), seekCallback);

    if (!opj_start_compress(codec.get(), opjImage.get(), stream.get()) ||
        !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get())) {
        return Error{ErrorCode::Io, tr("openjpeg failed to encode a %1×%2 image.").arg(width).arg(height)};
    }
    return memory.data;
}

Jp2Codec::Container Jp2Codec::detect(const QByteArray &header)
{
    static const char jp2Signature[] = {'\x00', '\x00', '\x00', '\x0C', 'j',    'P',
                                        ' ',    ' ',    '\r',   '\n',   '\x87', '\n'};
    static const char codestreamSignature[] = {'\xFF', '\x4F', '\xFF', '\x51'};
    if (header.startsWith(QByteArrayView(jp2Signature, sizeof(jp2Signature))))
        return Container::Jp2;
    if (header.startsWith(QByteArrayView(codestreamSignature, sizeof(codestreamSignature))))
        return Container::Codestream;
    return Container::None;
}

int Jp2Codec::reductionFor(QSize fullSize, int resolutions, int minimumSize)
{
    if (minimumSize <= 0 || fullSize.isEmpty())
        return 0;
    const qint64 longer = std::max(fullSize.width(), fullSize.height());
    int reduction = 0;
    while (reduction + 1 < resolutions && reduction < 31 &&
           ((longer + (qint64(1) << (reduction + 1)) - 1) >> (reduction + 1)) >= minimumSize) {
        ++reduction;
    }
    return reduction;
}

namespace {

// A decoder with the file's headers read: what decodeFile() and readInfo() share.
struct OpenDecoder
{
    // Declared first so it is destroyed last: the codec's message handlers point here.
    std::unique_ptr<DecodeMessages> messages;
    std::unique_ptr<opj_stream_t, StreamDeleter> stream;
    std::unique_ptr<opj_codec_t, CodecDeleter> codec;
    std::unique_ptr<opj_image_t, ImageDeleter> image;
    Jp2Codec::Decoded info;
};

Result<OpenDecoder> openDecoder(const QString &path, int threads)
{
    QByteArray header;
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return Error{file.exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                         Jp2Codec::tr("Cannot open %1: %2").arg(path, file.errorString())};
        }
        header = file.read(12);
    }
    const Jp2Codec::Container container = Jp2Codec::detect(header);
    if (container == Jp2Codec::Container::None)
        return Error{ErrorCode::Unsupported, Jp2Codec::tr("%1 is not a JPEG 2000 file.").arg(path)};

    OpenDecoder d;
    // Streamed from disk in 1 MiB chunks rather than read whole. openjpeg still buffers each tile-part it
    // decodes: without PLT markers (opj_compress does not write them by default) it cannot know where the
    // packets of the resolutions it needs end, and it parses every packet header to skip the rest.
    d.stream.reset(opj_stream_create_default_file_stream(QFile::encodeName(path).constData(), OPJ_TRUE));
    if (!d.stream)
        return Error{ErrorCode::Unreadable, Jp2Codec::tr("Cannot open %1 for reading.").arg(path)};

    d.codec.reset(
        opj_create_decompress(container == Jp2Codec::Container::Jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
    if (!d.codec)
        return Error{ErrorCode::Io, Jp2Codec::tr("openjpeg could not create a decoder for %1.").arg(path)};
    d.messages = std::make_unique<DecodeMessages>(DecodeMessages{path, {}, {}});
    opj_set_info_handler(d.codec.get(), infoHandler, d.messages.get());
    opj_set_warning_handler(d.codec.get(), warningHandler, d.messages.get());
    opj_set_error_handler(d.codec.get(), errorHandler, d.messages.get());

    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(d.codec.get(), &parameters))
        return Error{ErrorCode::Io, Jp2Codec::tr("openjpeg rejected the decoder settings for %1.").arg(path)};
    // Non-strict mode quietly returns a half-grey image for a truncated file; a curator must learn that the
    // file is damaged instead.
    opj_decoder_set_strict_mode(d.codec.get(), OPJ_TRUE);
    if (threads > 1 && opj_has_thread_support())
        opj_codec_set_threads(d.codec.get(), threads);

    opj_image_t *rawImage = nullptr;
    const bool headerRead = opj_read_header(d.stream.get(), d.codec.get(), &rawImage);
    d.image.reset(rawImage);
    const opj_image_t *image = d.image.get();
    if (!headerRead || !image || image->numcomps == 0 || image->x1 <= image->x0 || image->y1 <= image->y0) {
        return Error{
            ErrorCode::Corrupt,
            Jp2Codec::tr("The JPEG 2000 header of %1 is damaged: %2").arg(path, lastMessage(*d.messages))};
    }
    d.info.fullSize = QSize(int(std::min<quint32>(image->x1 - image->x0, INT_MAX)),
                            int(std::min<quint32>(image->y1 - image->y0, INT_MAX)));
    d.info.components = int(image->numcomps);
    d.info.precision = int(image->comps[0].prec);
    d.info.resolutions = resolutionLevels(d.codec.get(), image->numcomps);
    return d;
}

} // namespace

Result<Jp2Codec::Decoded> Jp2Codec::readInfo(const QString &path)
{
    auto opened = openDecoder(path, 1);
    if (!opened)
        return opened.error();
    return opened->info;
}

Result<Jp2Codec::Decoded> Jp2Codec::decodeFile(const QString &path, const DecodeOptions &options)
{
    const int threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    auto opened = openDecoder(path, threads);
    if (!opened)
        return opened.error();
    opj_codec_t *codec = opened->codec.get();
    opj_stream_t *stream = opened->stream.get();
    std::unique_ptr<opj_image_t, ImageDeleter> image = std::move(opened->image);
    const DecodeMessages &messages = *opened->messages;
    Decoded decoded = opened->info;
    decoded.reduction = reductionFor(decoded.fullSize, decoded.resolutions, options.minimumSize);

    const int width = reducedExtent(image->x0, image->x1, decoded.reduction);
    const int height = reducedExtent(image->y0, image->y1, decoded.reduction);
    if (options.maxPixels > 0 && qint64(width) * height > options.maxPixels) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 would decode to %2×%3 pixels, more than the limit of %4.")
                         .arg(path)
                         .arg(width)
                         .arg(height)
                         .arg(options.maxPixels)};
    }
    if (decoded.reduction > 0 && !opj_set_decoded_resolution_factor(codec, OPJ_UINT32(decoded.reduction))) {
        return Error{ErrorCode::Corrupt, tr("%1 does not offer %2 resolution levels in every tile: %3")
                                             .arg(path)
                                             .arg(decoded.reduction + 1)
                                             .arg(lastMessage(messages))};
    }
    qCDebug(lcImaging) << "decoding" << path << decoded.fullSize << "at reduction" << decoded.reduction
                       << "of" << decoded.resolutions << "levels with" << threads << "threads";

    if (!opj_decode(codec, stream, image.get()) || !opj_end_decompress(codec, stream)) {
        return Error{ErrorCode::Corrupt,
                     tr("%1 is damaged or truncated; openjpeg says: %2").arg(path, lastMessage(messages))};
    }
    for (quint32 c = 0; c < image->numcomps; ++c) {
        if (!image->comps[c].data || image->comps[c].w == 0 || image->comps[c].h == 0)
            return Error{ErrorCode::Corrupt, tr("%1 decoded to an empty component.").arg(path)};
    }

    decoded.image = toQImage(*image, width, height);
    if (decoded.image.isNull()) {
        return Error{ErrorCode::LimitExceeded,
                     tr("Not enough memory to hold %1 at %2×%3 pixels.").arg(path).arg(width).arg(height)};
    }
    // A zero-length buffer with a profile pointer is openjpeg's marker for CIELab, which QColorSpace cannot
    // describe; such images are shown unconverted.
    if (image->icc_profile_buf && image->icc_profile_len > 0 &&
        decoded.image.format() != QImage::Format_Grayscale8) {
        const QColorSpace space = QColorSpace::fromIccProfile(QByteArray(
            reinterpret_cast<const char *>(image->icc_profile_buf), qsizetype(image->icc_profile_len)));
        if (space.isValid())
            decoded.image.setColorSpace(space);
    }
    return decoded;
}

} // namespace gh
