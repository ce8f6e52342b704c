#pragma once

#include <QColor>
#include <QImage>
#include <QList>
#include <QString>

#include "model/records.h"

namespace gh::test {

//! One generated image file and what a viewer must show for it.
struct SampleFile
{
    QString path;
    QString mimetype;
    QSize size;
};

/*!
    Writes \a image to \a path as \a format ("png", "jpeg", "tiff" through Qt, "jp2" through Jp2Codec);
    returns the file, or an empty path on failure.
*/
SampleFile writeSample(const QString &path, const QImage &image, const QByteArray &format);

//! A flat image of \a colour.
QImage solidImage(QSize size, const QColor &colour);

/*!
    A stored file record of batch \a batchId for the model: id \a id, item \a itemId, named \a name, read
    from \a sample's path (its source), status success.
*/
FileRecord sampleRecord(qint64 batchId, qint64 id, qint64 itemId, const QString &name,
                        const SampleFile &sample);

//! Whether \a actual is within \a tolerance of \a expected in each channel.
bool closeTo(const QColor &actual, const QColor &expected, int tolerance);

} // namespace gh::test
