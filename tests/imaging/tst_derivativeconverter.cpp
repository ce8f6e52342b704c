// Dissemination copies: JPEG 2000 → JPEG at a longest side and quality, determinism (a rerun makes the same
// bytes), digests that match the file, transparency flattened, unsupported rules and damaged sources refused.

#include <QFile>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTest>

#include "digest/multidigest.h"
#include "imaging/derivativeconverter.h"
#include "imaging/jp2codec.h"
#include "imagingtestdata.h"

using namespace gh;

class tst_DerivativeConverter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void jp2ToJpeg()
    {
        auto jp2 = Jp2Codec::encode(test::quadrantImage(QSize(3000, 2000)));
        QVERIFY(jp2);
        const QString source = write(QStringLiteral("page.jp2"), *jp2);
        auto rule = DerivativeRule::parse(QStringLiteral("image/jp2=image/jpeg:q90:1000"));
        QVERIFY(rule);
        ImageDerivativeConverter converter;
        QVERIFY(converter.supports(*rule));
        auto d = converter.convert(source, QStringLiteral("image/jp2"), *rule,
                                   m_dir.filePath(QStringLiteral("tmp")), {});
        QVERIFY2(d, d ? "" : qPrintable(d.error().message));
        QCOMPARE(d->mimetype, QStringLiteral("image/jpeg"));
        QVERIFY(d->path.endsWith(QStringLiteral(".jpg")));
        QCOMPARE(QSize(d->width, d->height), QSize(1000, 667));
        const QByteArray bytes = read(d->path);
        QCOMPARE(d->size, bytes.size());
        QCOMPARE(d->digests.sha1, MultiDigest::of(bytes).sha1);
        QCOMPARE(d->digests.sha256, MultiDigest::of(bytes).sha256);
        QImageReader reader(d->path);
        QCOMPARE(reader.format(), QByteArray("jpeg"));
        const QImage image = reader.read();
        QCOMPARE(image.size(), QSize(1000, 667));
        QString why;
        QVERIFY2(test::quadrantsMatch(image, false, 24, &why), qPrintable(why));

        // Same source, same rule: the same bytes, so a rerun finds the copy already on the target.
        auto again = converter.convert(source, QStringLiteral("image/jp2"), *rule,
                                       m_dir.filePath(QStringLiteral("tmp")), {});
        QVERIFY(again);
        QVERIFY(again->path != d->path);
        QCOMPARE(again->digests.sha1, d->digests.sha1);

        // A lower quality gives other bytes.
        auto q50 = DerivativeRule::parse(QStringLiteral("image/jp2=image/jpeg:q50:1000"));
        auto lower = converter.convert(source, QStringLiteral("image/jp2"), *q50,
                                       m_dir.filePath(QStringLiteral("tmp")), {});
        QVERIFY(lower);
        QVERIFY(lower->digests.sha1 != d->digests.sha1);
        QVERIFY(lower->size < d->size);
    }

    void neverUpscales()
    {
        auto jp2 = Jp2Codec::encode(test::quadrantImage(QSize(400, 300)));
        const QString source = write(QStringLiteral("small.jp2"), *jp2);
        auto rule = DerivativeRule::parse(QStringLiteral("image/*=image/png:4000"));
        auto d =
            ImageDerivativeConverter().convert(source, QStringLiteral("image/jp2"), *rule, m_dir.path(), {});
        QVERIFY2(d, d ? "" : qPrintable(d.error().message));
        QCOMPARE(QSize(d->width, d->height), QSize(400, 300));
        QCOMPARE(QImageReader(d->path).format(), QByteArray("png"));
    }

    void transparencyIsFlattenedOntoWhite()
    {
        QImage image(200, 100, QImage::Format_ARGB32);
        image.fill(Qt::transparent);
        const QString source = write(QStringLiteral("clear.png"), test::encodeWithQt(image, "png"));
        auto rule = DerivativeRule::parse(QStringLiteral("image/png=image/jpeg:q95"));
        auto d =
            ImageDerivativeConverter().convert(source, QStringLiteral("image/png"), *rule, m_dir.path(), {});
        QVERIFY2(d, d ? "" : qPrintable(d.error().message));
        const QImage out(d->path);
        QVERIFY(qGray(out.pixel(100, 50)) > 245);
    }

    void refusals()
    {
        ImageDerivativeConverter converter;
        QVERIFY(!converter.supports(*DerivativeRule::parse(QStringLiteral("application/pdf=image/jpeg"))));
        const QString broken = write(QStringLiteral("broken.jp2"),
                                     Jp2Codec::encode(test::quadrantImage(QSize(64, 64)))->left(200));
        auto rule = DerivativeRule::parse(QStringLiteral("image/jp2=image/jpeg:q90:1000"));
        auto d = converter.convert(broken, QStringLiteral("image/jp2"), *rule,
                                   m_dir.filePath(QStringLiteral("refused")), {});
        QVERIFY(!d);
        QVERIFY2(d.error().message.contains(QStringLiteral("broken.jp2")), qPrintable(d.error().message));
        QVERIFY(QDir(m_dir.filePath(QStringLiteral("refused"))).entryList(QDir::Files).isEmpty());
    }
};

QTEST_MAIN(tst_DerivativeConverter)
#include "tst_derivativeconverter.moc"
