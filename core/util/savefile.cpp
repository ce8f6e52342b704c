#include "savefile.h"

#include <QFileInfo>
#include <QLocale>
#include <QSaveFile>
#include <QStorageInfo>

namespace gh {

namespace {

// Below this, a failed write is taken for a full disk: no file Gatehouse writes in one piece fits.
constexpr qint64 s_nearlyFull = 1 << 20;

} // namespace

bool SaveFile::commit(QSaveFile &file)
{
    return file.flush() && file.commit();
}

QString SaveFile::failure(const QFileDevice &file)
{
    const QStorageInfo volume(QFileInfo(file.fileName()).absolutePath());
    if (volume.isValid() && volume.isReady() && volume.bytesAvailable() < s_nearlyFull)
        return tr("no space left on %1 (%2 free)")
            .arg(volume.rootPath(), QLocale().formattedDataSize(volume.bytesAvailable()));
    return file.errorString();
}

} // namespace gh
