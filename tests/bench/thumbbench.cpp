// Benchmark helper for tests/bench/thumbnails.sh.
//
//   gatehouse-thumbbench page OUT.ppm WIDTH HEIGHT SEED   draw a scanned-newspaper-like page (PPM, for
//   opj_compress) gatehouse-thumbbench thumb IN OUT.png SIZE            one thumbnail, as a user-facing
//   process would make it gatehouse-thumbbench inprocess SIZE RUNS THREADS FILE...  median in-process time
//   per file (no process
//                                                         start-up); THREADS per JPEG 2000 decode, 0 = all
//                                                         cores
//   gatehouse-thumbbench batch SIZE OUTDIR FILE...         thumbnails of all files in one process, as
//                                                         gatehouse-cli thumbnails does (sequentially here)
//   gatehouse-thumbbench cachesize SIZE FILE...           bytes of each thumbnail as PNG and as JPEG (cache
//   format)

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <QBuffer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFont>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QRandomGenerator>

#include "imaging/thumbnailgenerator.h"

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return 1;
}

// Paper with grain, a masthead, ruled columns of body text and a half-tone picture: what a 400 dpi scan of
// a newspaper page looks like to a codec (lots of fine detail, which is what makes full decodes expensive).
QImage drawPage(int width, int height, quint32 seed)
{
    QRandomGenerator random(seed);
    QImage page(width, height, QImage::Format_RGB32);
    page.fill(QColor(236, 229, 212));
    QPainter painter(&page);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const int margin = width / 20;
    const int columns = 5;
    const int gutter = width / 60;
    const int columnWidth = (width - 2 * margin - (columns - 1) * gutter) / columns;

    QFont masthead(QStringLiteral("DejaVu Serif"));
    masthead.setPixelSize(height / 34);
    masthead.setBold(true);
    painter.setFont(masthead);
    painter.setPen(QColor(25, 22, 20));
    painter.drawText(QRect(margin, margin, width - 2 * margin, height / 12), Qt::AlignCenter,
                     QStringLiteral("The Gatehouse Courier — No. %1").arg(seed));
    const int bodyTop = margin + height / 10;
    painter.fillRect(margin, bodyTop - height / 100, width - 2 * margin, height / 400, QColor(30, 28, 25));

    static const char *const words[] = {"council",   "harbour",   "the",       "railway", "of",
                                        "announced", "and",       "weather",   "market",  "in",
                                        "yesterday", "committee", "a",         "bridge",  "election",
                                        "school",    "to",        "orchestra", "farmers", "steamer"};
    QFont body(QStringLiteral("DejaVu Serif"));
    body.setPixelSize(std::max(8, height / 130));
    painter.setFont(body);
    const int lineHeight = body.pixelSize() * 5 / 4;
    // One half-tone-like picture across the second and third columns; text flows around it.
    const QRect picture(margin + columnWidth + gutter, bodyTop + height / 8, columnWidth * 2 + gutter,
                        height / 4);
    QLinearGradient gradient(picture.topLeft(), picture.bottomRight());
    gradient.setColorAt(0, QColor(60, 55, 50));
    gradient.setColorAt(1, QColor(200, 190, 170));
    painter.fillRect(picture, gradient);
    for (int column = 0; column < columns; ++column) {
        const int x = margin + column * (columnWidth + gutter);
        int y = bodyTop;
        while (y + lineHeight < height - margin) {
            const QRect lineRect(x, y, columnWidth, lineHeight);
            if (lineRect.intersects(picture)) {
                y = picture.bottom() + lineHeight;
                continue;
            }
            QString line;
            while (line.size() < columnWidth / (body.pixelSize() / 2))
                line += QString::fromLatin1(words[random.bounded(int(std::size(words)))]) + u' ';
            painter.drawText(lineRect, Qt::AlignLeft | Qt::AlignVCenter, line);
            y += lineHeight;
            if (random.bounded(18) == 0)
                y += lineHeight; // paragraph break
        }
    }
    painter.end();

    // Grain: small per-pixel noise and a faint uneven illumination, as a scanner delivers.
    quint64 state = 0x9E3779B97F4A7C15ull ^ seed;
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(page.scanLine(y));
        const int shade = (y * 12) / height;
        for (int x = 0; x < width; ++x) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            const int noise = int(state % 13) - 6 - shade;
            const QRgb p = line[x];
            line[x] = qRgb(std::clamp(qRed(p) + noise, 0, 255), std::clamp(qGreen(p) + noise, 0, 255),
                           std::clamp(qBlue(p) + noise, 0, 255));
        }
    }
    return page;
}

int page(const QStringList &args)
{
    if (args.size() != 4)
        return fail(QStringLiteral("usage: gatehouse-thumbbench page OUT.ppm WIDTH HEIGHT SEED"));
    const QImage image = drawPage(args[1].toInt(), args[2].toInt(), args[3].toUInt());
    QImageWriter writer(args[0], "ppm");
    if (!writer.write(image))
        return fail(writer.errorString());
    return 0;
}

int thumb(const QStringList &args)
{
    if (args.size() != 3)
        return fail(QStringLiteral("usage: gatehouse-thumbbench thumb IN OUT.png SIZE"));
    const auto thumbnail = gh::ThumbnailGenerator::generate(args[0], args[2].toInt());
    if (!thumbnail)
        return fail(thumbnail.error().message);
    // Compression level 1: what a cache would use; the comparison tools write default PNGs of similar size.
    QImageWriter writer(args[1], "png");
    writer.setCompression(1);
    if (!writer.write(*thumbnail))
        return fail(writer.errorString());
    return 0;
}

int batch(const QStringList &args)
{
    if (args.size() < 3)
        return fail(QStringLiteral("usage: gatehouse-thumbbench batch SIZE OUTDIR FILE..."));
    const int size = args[0].toInt();
    int index = 0;
    for (const QString &file : args.mid(2)) {
        const auto thumbnail = gh::ThumbnailGenerator::generate(file, size);
        if (!thumbnail)
            return fail(thumbnail.error().message);
        QImageWriter writer(QStringLiteral("%1/%2.png").arg(args[1]).arg(++index), "png");
        writer.setCompression(1);
        if (!writer.write(*thumbnail))
            return fail(writer.errorString());
    }
    return 0;
}

int inprocess(const QStringList &args)
{
    if (args.size() < 4)
        return fail(QStringLiteral("usage: gatehouse-thumbbench inprocess SIZE RUNS THREADS FILE..."));
    gh::ThumbnailGenerator::Options options;
    options.size = args[0].toInt();
    const int runs = std::max(1, args[1].toInt());
    options.decodeThreads = args[2].toInt();
    for (const QString &file : args.mid(3)) {
        std::vector<double> times;
        int reduction = -1;
        for (int run = 0; run < runs; ++run) {
            QElapsedTimer timer;
            timer.start();
            const auto thumbnail = gh::ThumbnailGenerator::generate(file, options);
            times.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (!thumbnail)
                return fail(thumbnail.error().message);
            reduction = thumbnail->jp2Reduction;
        }
        std::sort(times.begin(), times.end());
        std::printf("%s\t%.2f\t%d\n", qPrintable(file), times[times.size() / 2], reduction);
    }
    return 0;
}

int cachesize(const QStringList &args)
{
    if (args.size() < 2)
        return fail(QStringLiteral("usage: gatehouse-thumbbench cachesize SIZE FILE..."));
    for (const QString &file : args.mid(1)) {
        const auto thumbnail = gh::ThumbnailGenerator::generate(file, args[0].toInt());
        if (!thumbnail)
            return fail(thumbnail.error().message);
        const auto encoded = [&](const QByteArray &format, int quality, const QImage &image) {
            QByteArray bytes;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            QImageWriter writer(&buffer, format);
            if (quality >= 0)
                writer.setQuality(quality);
            if (format == "jpeg")
                writer.setOptimizedWrite(true);
            writer.write(image);
            return bytes.size();
        };
        const QImage gray =
            thumbnail->allGray() ? thumbnail->convertToFormat(QImage::Format_Grayscale8) : *thumbnail;
        std::printf("%s\t%dx%d\tpng %lld\tjpeg85 %lld\tpng-as-stored %lld\tjpeg85-as-stored %lld\n",
                    qPrintable(file), thumbnail->width(), thumbnail->height(),
                    qint64(encoded("png", -1, *thumbnail)), qint64(encoded("jpeg", 85, *thumbnail)),
                    qint64(encoded("png", -1, gray)), qint64(encoded("jpeg", 85, gray)));
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    // Only drawing text needs fonts, hence a GUI application; thumbnails are made exactly as headless
    // gatehouse-cli makes them.
    std::unique_ptr<QCoreApplication> app;
    if (command == u"page")
        app = std::make_unique<QGuiApplication>(argc, argv);
    else
        app = std::make_unique<QCoreApplication>(argc, argv);
    const QStringList args = QCoreApplication::arguments().mid(2);
    if (command == u"page")
        return page(args);
    if (command == u"thumb")
        return thumb(args);
    if (command == u"inprocess")
        return inprocess(args);
    if (command == u"batch")
        return batch(args);
    if (command == u"cachesize")
        return cachesize(args);
    return fail(QStringLiteral("usage: gatehouse-thumbbench page|thumb|batch|inprocess|cachesize …"));
}
