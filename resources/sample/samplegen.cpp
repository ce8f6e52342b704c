// Generates the bundled sample batch: a box of 1923 postcards as a scanning vendor might deliver them, with
// an .md5 sidecar for every file. The sidecar of card-0004.jp2 is deliberately wrong, so the first run shows
// a real QA finding. Output is deterministic: the same bytes on every build.

#include <cstdio>

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QPainterPath>
#include <QTextStream>

#include "imaging/jp2codec.h"

namespace {

struct Card
{
    QString folder;
    QString stem;
    QByteArray format; // png, jpeg, tiff, jp2
    QString suffix;
    QColor sky;
    QColor land;
    int sunX;
};

QImage paint(const Card &card)
{
    QImage image(640, 420, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient sky(0, 0, 0, 260);
    sky.setColorAt(0, card.sky.lighter(140));
    sky.setColorAt(1, card.sky);
    p.fillRect(image.rect(), sky);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(250, 220, 120));
    p.drawEllipse(QPointF(card.sunX, 110), 42, 42);
    QPainterPath hills;
    hills.moveTo(0, 300);
    hills.cubicTo(160, 220, 320, 340, 480, 260);
    hills.cubicTo(560, 230, 600, 250, 640, 270);
    hills.lineTo(640, 420);
    hills.lineTo(0, 420);
    hills.closeSubpath();
    p.setBrush(card.land);
    p.drawPath(hills);
    p.setBrush(card.land.darker(130));
    p.drawRect(QRectF(120, 250, 60, 70));
    p.setBrush(QColor(140, 40, 30));
    p.drawPolygon(QPolygonF{QPointF(110, 250), QPointF(150, 215), QPointF(190, 250)});
    // The card around the picture, as a scan of a printed postcard shows it: a cream margin with a thin
    // printed frame. (Its light peak is also why QA's dark-page check does not flag these cards.)
    const QColor cardStock(245, 240, 225);
    const int margin = 44;
    p.setPen(Qt::NoPen);
    p.setBrush(cardStock);
    QPainterPath margins;
    margins.addRect(image.rect());
    margins.addRect(image.rect().adjusted(margin, margin, -margin, -margin));
    p.drawPath(margins); // odd-even fill: the margin only
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(120, 95, 70), 2));
    p.drawRect(image.rect().adjusted(margin - 6, margin - 6, -(margin - 6), -(margin - 6)));
    return image;
}

QByteArray encode(const QImage &image, const QByteArray &format)
{
    if (format == "jp2") {
        auto jp2 = gh::Jp2Codec::encode(image);
        if (!jp2) {
            std::fprintf(stderr, "%s\n", qPrintable(jp2.error().message));
            return {};
        }
        return *jp2;
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    if (format == "jpeg")
        writer.setQuality(88);
    if (!writer.write(image)) {
        std::fprintf(stderr, "cannot write %s: %s\n", format.constData(), qPrintable(writer.errorString()));
        return {};
    }
    return bytes;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return false;
    }
    return true;
}

bool writeWithSidecar(const QDir &dir, const QString &name, const QByteArray &bytes, bool wrongChecksum)
{
    QByteArray md5 = QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex();
    if (wrongChecksum) // what a vendor's script produces when it hashes the file before a last-minute
                       // re-encode
        md5 = QCryptographicHash::hash(bytes.left(bytes.size() / 2), QCryptographicHash::Md5).toHex();
    return writeFile(dir.filePath(name), bytes) &&
           writeFile(dir.filePath(name + QStringLiteral(".md5")), md5 + "  " + name.toUtf8() + '\n');
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: gatehouse-samplegen OUTPUT-FOLDER\n");
        return 2;
    }
    const QDir root(QString::fromLocal8Bit(argv[1]));

    const QList<Card> cards{
        {QStringLiteral("box-01"), QStringLiteral("card-0001"), "png", QStringLiteral("png"),
         QColor(90, 140, 200), QColor(70, 130, 60), 500},
        {QStringLiteral("box-01"), QStringLiteral("card-0002"), "jpeg", QStringLiteral("jpg"),
         QColor(200, 120, 80), QColor(110, 100, 50), 120},
        {QStringLiteral("box-01"), QStringLiteral("card-0003"), "tiff", QStringLiteral("tif"),
         QColor(70, 90, 160), QColor(50, 90, 70), 320},
        {QStringLiteral("box-01"), QStringLiteral("card-0004"), "jp2", QStringLiteral("jp2"),
         QColor(120, 170, 210), QColor(160, 150, 90), 560},
        {QStringLiteral("box-02"), QStringLiteral("card-0005"), "png", QStringLiteral("png"),
         QColor(150, 150, 170), QColor(90, 110, 90), 80},
        {QStringLiteral("box-02"), QStringLiteral("card-0006"), "jp2", QStringLiteral("jp2"),
         QColor(230, 170, 110), QColor(120, 80, 60), 420},
    };

    for (const Card &card : cards) {
        if (!root.mkpath(card.folder))
            return 1;
        const QDir dir(root.filePath(card.folder));
        const QByteArray bytes = encode(paint(card), card.format);
        if (bytes.isEmpty())
            return 1;
        const bool planted = card.stem == u"card-0004";
        if (!writeWithSidecar(dir, card.stem + u'.' + card.suffix, bytes, planted))
            return 1;
    }

    const QByteArray transcription =
        "Kære Ingrid,\n"
        "Hilsen fra Skagen. Vejret er godt, og vi bader hver dag. Far har købt en ny hat.\n"
        "Mange hilsner, Karen — august 1923\n";
    if (!writeWithSidecar(QDir(root.filePath(QStringLiteral("box-02"))), QStringLiteral("card-0005.txt"),
                          transcription, false))
        return 1;

    std::printf("sample batch written to %s\n", qPrintable(root.absolutePath()));
    return 0;
}
