#include "viewsamples.h"

#include <cstdlib>

#include <QFile>

#include "imaging/jp2codec.h"
#include "imagingtestdata.h"

namespace gh::test {

SampleFile writeSample(const QString &path, const QImage &image, const QByteArray &format)
{
    QByteArray bytes;
    QString mimetype;
    if (format == "jp2") {
        Result<QByteArray> encoded = Jp2Codec::encode(image.convertToFormat(QImage::Format_RGB32));
        if (!encoded)
            return {};
        bytes = *encoded;
        mimetype = QStringLiteral("image/jp2");
    } else {
        bytes = encodeWithQt(image, format, format == "jpeg" ? 95 : -1);
        mimetype = QStringLiteral("image/") + QString::fromLatin1(format);
    }
    if (bytes.isEmpty() || !writeBytes(path, bytes))
        return {};
    return SampleFile{path, mimetype, image.size()};
}

QImage solidImage(QSize size, const QColor &colour)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

FileRecord sampleRecord(qint64 batchId, qint64 id, qint64 itemId, const QString &name,
                        const SampleFile &sample)
{
    FileRecord f;
    f.id = id;
    f.batchId = batchId;
    f.itemId = itemId;
    f.item = QStringLiteral("item-%1").arg(itemId);
    f.name = name;
    f.sourcePath = sample.path;
    f.mimetype = sample.mimetype;
    f.size = QFile(sample.path).size();
    f.status = FileStatus::Success;
    return f;
}

bool closeTo(const QColor &actual, const QColor &expected, int tolerance)
{
    return std::abs(actual.red() - expected.red()) <= tolerance &&
           std::abs(actual.green() - expected.green()) <= tolerance &&
           std::abs(actual.blue() - expected.blue()) <= tolerance;
}

} // namespace gh::test
