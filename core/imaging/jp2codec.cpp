#include "jp2codec.h"

#include <cstring>
#include <memory>

#include <openjpeg.h>

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

} // namespace gh
