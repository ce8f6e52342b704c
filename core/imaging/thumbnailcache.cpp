#include "thumbnailcache.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryFile>

#include "imaginglogging.h"

namespace gh {

namespace {

// Measured with gatehouse-thumbbench cachesize on 256 px thumbnails: a scanned newspaper page takes 15 KiB
// as JPEG at quality 85 against 88 KiB as PNG, photograph-like images 8–10 KiB against 70–82 KiB. So the
// default 512 MiB holds some 35,000 thumbnails instead of about 6,000, and at 256 px the artefacts are not
// visible. PNG is kept for thumbnails with real transparency, which JPEG cannot store.
constexpr int jpegQuality = 85;
const QString jpegSuffix = QStringLiteral(".jpg");
const QString pngSuffix = QStringLiteral(".png");

bool hasTransparency(const QImage &image)
{
    if (!image.hasAlphaChannel())
        return false;
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(line[x]) != 255)
                return true;
        }
    }
    return false;
}

QString normalizedKey(const QString &sha256)
{
    return sha256.toLower();
}

} // namespace

QString ThumbnailCache::defaultLocation()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath();
    return base + u"/gatehouse/thumbnails";
}

bool ThumbnailCache::isValidKey(const QString &sha256)
{
    if (sha256.size() != 64)
        return false;
    return std::all_of(sha256.cbegin(), sha256.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    });
}

ThumbnailCache::ThumbnailCache(const QString &location, qint64 sizeLimit)
    : m_location(QDir::cleanPath(location))
    , m_sizeLimit(std::max<qint64>(sizeLimit, 0))
{}

qint64 ThumbnailCache::sizeLimit() const
{
    QMutexLocker locker(&m_mutex);
    return m_sizeLimit;
}

void ThumbnailCache::setSizeLimit(qint64 bytes)
{
    QMutexLocker locker(&m_mutex);
    m_sizeLimit = std::max<qint64>(bytes, 0);
    ensureIndexLocked();
    removeFiles(takeVictimsLocked());
}

QString ThumbnailCache::relativeStem(const QString &sha256, int size) const
{
    if (!isValidKey(sha256) || size <= 0)
        return {};
    const QString key = normalizedKey(sha256);
    return key.left(2) + u'/' + key + u'-' + QString::number(size);
}

QString ThumbnailCache::filePath(const QString &sha256, int size) const
{
    const QString stem = relativeStem(sha256, size);
    return stem.isEmpty() ? QString() : m_location + u'/' + stem + jpegSuffix;
}

std::optional<QImage> ThumbnailCache::find(const QString &sha256, int size)
{
    const QString stem = relativeStem(sha256, size);
    if (stem.isEmpty())
        return std::nullopt;
    for (const QString &suffix : {jpegSuffix, pngSuffix}) {
        const QString relative = stem + suffix;
        QFile file(m_location + u'/' + relative);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QImageReader reader(&file,
                            suffix == jpegSuffix ? QByteArrayLiteral("jpeg") : QByteArrayLiteral("png"));
        QImage image = reader.read();
        if (image.isNull()) {
            qCWarning(lcImaging) << "removing damaged cached thumbnail" << file.fileName()
                                 << reader.errorString();
            file.close();
            QMutexLocker locker(&m_mutex);
            file.remove();
            forgetLocked(relative);
            return std::nullopt;
        }
        // The modification time is the persistent "last used" stamp: access times are unreliable
        // (relatime, noatime) and the next process's index is built from it.
        file.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
        {
            QMutexLocker locker(&m_mutex);
            touchLocked(relative);
        }
        const QImage::Format format = image.hasAlphaChannel() ? QImage::Format_ARGB32 : QImage::Format_RGB32;
        if (image.format() != format)
            image = image.convertToFormat(format);
        return image;
    }
    // Another thread or process may have evicted it; the index must not count it any more — unless an insert
    // put it back since the failed open (inserts rename under this lock, so the check below is reliable).
    QMutexLocker locker(&m_mutex);
    for (const QString &suffix : {jpegSuffix, pngSuffix}) {
        if (!QFileInfo::exists(m_location + u'/' + stem + suffix))
            forgetLocked(stem + suffix);
    }
    return std::nullopt;
}

bool ThumbnailCache::contains(const QString &sha256, int size) const
{
    const QString stem = relativeStem(sha256, size);
    if (stem.isEmpty())
        return false;
    return QFileInfo::exists(m_location + u'/' + stem + jpegSuffix) ||
           QFileInfo::exists(m_location + u'/' + stem + pngSuffix);
}

Status ThumbnailCache::insert(const QString &sha256, int size, const QImage &thumbnail)
{
    const QString stem = relativeStem(sha256, size);
    if (stem.isEmpty()) {
        return Error{ErrorCode::Usage,
                     tr("“%1” is not a SHA-256 digest; the thumbnail was not cached.").arg(sha256)};
    }
    if (thumbnail.isNull())
        return Error{ErrorCode::Usage, tr("An empty thumbnail cannot be cached.")};

    const bool transparent = hasTransparency(thumbnail);
    const QString suffix = transparent ? pngSuffix : jpegSuffix;
    const QString relative = stem + suffix;
    const QString absolute = m_location + u'/' + relative;
    if (!QDir().mkpath(QFileInfo(absolute).path()))
        return Error{ErrorCode::Io,
                     tr("Cannot create the thumbnail cache folder %1.").arg(QFileInfo(absolute).path())};

    QImage image;
    if (transparent)
        image = thumbnail.convertToFormat(QImage::Format_ARGB32);
    else if (thumbnail.allGray())
        image = thumbnail.convertToFormat(QImage::Format_Grayscale8); // a third of the bytes, no chroma noise
    else
        image = thumbnail.convertToFormat(QImage::Format_RGB32);

    // Write a temporary file beside the target and rename it into place: a reader never sees half a
    // thumbnail, and two threads inserting the same key leave one whole file. (Not QSaveFile: its check that
    // an existing target is writable races with another thread evicting that target.)
    QTemporaryFile file(absolute + QStringLiteral(".XXXXXX.tmp"));
    if (!file.open())
        return Error{ErrorCode::Io,
                     tr("Cannot write the thumbnail %1: %2").arg(absolute, file.errorString())};
    QImageWriter writer(&file, transparent ? QByteArrayLiteral("png") : QByteArrayLiteral("jpeg"));
    if (!transparent) {
        writer.setQuality(jpegQuality);
        writer.setOptimizedWrite(true);
    }
    if (!writer.write(image))
        return Error{ErrorCode::Io,
                     tr("Cannot write the thumbnail %1: %2").arg(absolute, writer.errorString())};
    if (!file.flush())
        return Error{ErrorCode::Io,
                     tr("Cannot write the thumbnail %1: %2").arg(absolute, file.errorString())};

    // The index and the folder change together, under the lock: the rename, the size, the eviction's deletes
    // are cheap metadata operations, and doing them here means no other thread sees one without the other.
    const QString other = stem + (transparent ? jpegSuffix : pngSuffix);
    QMutexLocker locker(&m_mutex);
    ensureIndexLocked();
    if (::rename(QFile::encodeName(file.fileName()).constData(), QFile::encodeName(absolute).constData()) !=
        0)
        return Error{ErrorCode::Io, tr("Cannot write the thumbnail %1: %2")
                                        .arg(absolute, QString::fromLocal8Bit(std::strerror(errno)))};
    file.setAutoRemove(false); // it is the thumbnail now
    // A thumbnail that changed between opaque and transparent leaves its other file behind otherwise.
    QFile::remove(m_location + u'/' + other);
    forgetLocked(other);
    recordLocked(relative, QFileInfo(absolute).size());
    removeFiles(takeVictimsLocked());
    return {};
}

void ThumbnailCache::remove(const QString &sha256, int size)
{
    const QString stem = relativeStem(sha256, size);
    if (stem.isEmpty())
        return;
    QMutexLocker locker(&m_mutex);
    QFile::remove(m_location + u'/' + stem + jpegSuffix);
    QFile::remove(m_location + u'/' + stem + pngSuffix);
    forgetLocked(stem + jpegSuffix);
    forgetLocked(stem + pngSuffix);
}

Status ThumbnailCache::clear()
{
    QMutexLocker locker(&m_mutex);
    m_lru.clear();
    m_entries.clear();
    m_totalBytes = 0;
    m_indexed = true;
    QDir dir(m_location);
    if (dir.exists() && !dir.removeRecursively())
        return Error{ErrorCode::Io,
                     tr("Cannot remove every file in the thumbnail cache %1.").arg(m_location)};
    return {};
}

qint64 ThumbnailCache::totalBytes() const
{
    QMutexLocker locker(&m_mutex);
    ensureIndexLocked();
    return m_totalBytes;
}

int ThumbnailCache::count() const
{
    QMutexLocker locker(&m_mutex);
    ensureIndexLocked();
    return int(m_entries.size());
}

void ThumbnailCache::ensureIndexLocked() const
{
    if (m_indexed)
        return;
    m_indexed = true;
    static const QRegularExpression thumbnailName(QStringLiteral("^[0-9a-f]{64}-[0-9]+\\.(jpg|png)$"));
    struct Found
    {
        QString relativePath;
        qint64 bytes;
        qint64 used;
    };
    std::vector<Found> found;
    const QDir root(m_location);
    QDirIterator it(m_location, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (!thumbnailName.match(info.fileName()).hasMatch())
            continue;
        found.push_back(
            {root.relativeFilePath(info.filePath()), info.size(), info.lastModified().toMSecsSinceEpoch()});
    }
    std::sort(found.begin(), found.end(), [](const Found &a, const Found &b) { return a.used < b.used; });
    for (const Found &entry : found)
        recordLocked(entry.relativePath, entry.bytes);
    qCDebug(lcImaging) << "thumbnail cache" << m_location << "holds" << m_entries.size() << "files,"
                       << m_totalBytes << "bytes";
}

void ThumbnailCache::recordLocked(const QString &relativePath, qint64 bytes) const
{
    forgetLocked(relativePath);
    m_lru.push_back(Entry{relativePath, bytes});
    m_entries.insert(relativePath, std::prev(m_lru.end()));
    m_totalBytes += bytes;
}

void ThumbnailCache::forgetLocked(const QString &relativePath) const
{
    const auto found = m_entries.constFind(relativePath);
    if (found == m_entries.cend())
        return;
    m_totalBytes -= found.value()->bytes;
    m_lru.erase(found.value());
    m_entries.erase(found);
}

void ThumbnailCache::touchLocked(const QString &relativePath) const
{
    const auto found = m_entries.constFind(relativePath);
    if (found != m_entries.cend())
        m_lru.splice(m_lru.end(), m_lru, found.value());
}

QStringList ThumbnailCache::takeVictimsLocked() const
{
    QStringList victims;
    if (m_totalBytes <= m_sizeLimit)
        return victims;
    // Evicting down to 90 % of the limit means the next few inserts evict nothing, instead of one file each.
    const qint64 target = m_sizeLimit - m_sizeLimit / 10;
    while (m_totalBytes > target && !m_lru.empty()) {
        const Entry &oldest = m_lru.front();
        victims.append(oldest.relativePath);
        m_totalBytes -= oldest.bytes;
        m_entries.remove(oldest.relativePath);
        m_lru.pop_front();
    }
    return victims;
}

void ThumbnailCache::removeFiles(const QStringList &relativePaths) const
{
    for (const QString &relative : relativePaths) {
        if (!QFile::remove(m_location + u'/' + relative))
            qCDebug(lcImaging) << "could not evict" << relative << "(another process may have removed it)";
    }
    if (!relativePaths.isEmpty())
        qCDebug(lcImaging) << "evicted" << relativePaths.size() << "thumbnails from" << m_location;
}

} // namespace gh
