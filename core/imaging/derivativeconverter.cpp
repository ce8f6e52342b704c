#include "derivativeconverter.h"

#include <QColorSpace>
#include <QDir>
#include <QImageWriter>
#include <QPainter>
#include <QTemporaryFile>

#include "digest/multidigest.h"
#include "thumbnailgenerator.h"

namespace gh {

namespace {

QByteArray writerFormat(const QString &mimetype)
{
    for (const QByteArray &format : QImageWriter::imageFormatsForMimeType(mimetype.toLatin1()))
        return format;
    return {};
}

//! A file that hashes what is written to it, so the derivative is never read back to be hashed.
class HashingFile final : public QIODevice
{
public:
    HashingFile(QFile &file)
        : m_file(file)
    {
        open(QIODevice::WriteOnly);
    }
    Digests finish() { return m_digest.finish(); }
    qint64 written() const { return m_digest.bytes(); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        const qint64 n = m_file.write(data, size);
        if (n > 0)
            m_digest.add(data, n);
        return n;
    }

private:
    QFile &m_file;
    MultiDigest m_digest;
};

} // namespace

Status ImageDerivativeConverter::supports(const DerivativeRule &rule) const
{
    if (!rule.from.startsWith(u"image/")) {
        return Error{
            ErrorCode::Unsupported,
            tr("Gatehouse converts images only; the rule %1 starts from %2.").arg(rule.toText(), rule.from)};
    }
    if (writerFormat(rule.to).isEmpty()) {
        return Error{ErrorCode::Unsupported,
                     tr("This installation cannot write %1 (rule %2).").arg(rule.to, rule.toText())};
    }
    return {};
}

Result<Derivative> ImageDerivativeConverter::convert(const QString &sourcePath, const QString &mimetype,
                                                     const DerivativeRule &rule, const QString &tempDir,
                                                     const std::shared_ptr<std::atomic_bool> &cancel) const
{
    if (Status s = supports(rule); !s)
        return s.error();
    ThumbnailGenerator::Options options;
    options.size = rule.longestSide > 0 ? rule.longestSide : std::numeric_limits<int>::max();
    options.mimetype = mimetype;
    // The upload stage converts several files at once on its own pool: one decoder thread each.
    options.decodeThreads = 1;
    auto decoded = ThumbnailGenerator::generate(sourcePath, options);
    if (!decoded) {
        return Error{
            decoded.error().code,
            tr("Cannot make the %1 copy of %2: %3").arg(rule.to, sourcePath, decoded.error().message)};
    }
    if (cancel && cancel->load())
        return Error{ErrorCode::Cancelled, tr("The conversion of %1 was cancelled.").arg(sourcePath)};
    QImage image = std::move(decoded->image);
    const QByteArray format = writerFormat(rule.to);
    if (image.hasAlphaChannel() && rule.to == u"image/jpeg") {
        QImage flat(image.size(), QImage::Format_RGB32);
        flat.setColorSpace(image.colorSpace());
        flat.fill(Qt::white);
        QPainter painter(&flat);
        painter.drawImage(0, 0, image);
        painter.end();
        image = flat;
    }

    if (!QDir().mkpath(tempDir))
        return Error{ErrorCode::Io, tr("Cannot create the folder %1 for converted copies.").arg(tempDir)};
    QTemporaryFile file(QDir(tempDir).filePath(QStringLiteral("derivative-XXXXXX") + rule.extension()));
    file.setAutoRemove(false);
    if (!file.open())
        return Error{ErrorCode::Io,
                     tr("Cannot create a converted copy in %1: %2").arg(tempDir, file.errorString())};
    HashingFile sink(file);
    QImageWriter writer(&sink, format);
    if (rule.quality >= 0)
        writer.setQuality(rule.quality);
    if (rule.to == u"image/tiff")
        writer.setCompression(1); // LZW: lossless and much smaller than raw
    const bool written = writer.write(image);
    const qint64 size = sink.written();
    const Digests digests = sink.finish();
    file.close();
    if (!written || file.error() != QFileDevice::NoError) {
        const QString reason = !written ? writer.errorString() : file.errorString();
        QFile::remove(file.fileName());
        return Error{ErrorCode::Io,
                     tr("Cannot write the %1 copy of %2: %3").arg(rule.to, sourcePath, reason)};
    }
    Derivative d;
    d.path = file.fileName();
    d.mimetype = rule.to;
    d.size = size;
    d.digests = digests;
    d.width = image.width();
    d.height = image.height();
    return d;
}

} // namespace gh
