#pragma once

#include <list>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QImage>
#include <QMutex>
#include <QString>

#include "util/result.h"

namespace gh {

/*!
    \class gh::ThumbnailCache
    Thumbnails on disk, keyed by the content's SHA-256 (which the catalog already knows) and the thumbnail
    size, so a renamed or re-delivered file keeps its thumbnail and a changed file never shows a stale one.

    Files live under location()/<first two hex digits>/<sha256>-<size>.jpg (or .png for thumbnails with
    transparency), written atomically. The cache keeps its total size under sizeLimit() by evicting the least
    recently used thumbnails; a hit counts as a use and is recorded in the file's modification time, so the
    order survives restarts. One directory scan per process builds the in-memory index; inserts after that
    cost no scan. Several processes may share the cache; each one's view of the total is then approximate.

    All functions are thread-safe.
*/
class ThumbnailCache
{
    Q_DECLARE_TR_FUNCTIONS(gh::ThumbnailCache)

public:
    static constexpr qint64 defaultSizeLimit = qint64(512) * 1024 * 1024;

    //! GenericCacheLocation/gatehouse/thumbnails, so XDG_CACHE_HOME is respected.
    static QString defaultLocation();
    //! True for a 64-digit hex SHA-256, the only keys the cache accepts (so a key is never a path).
    static bool isValidKey(const QString &sha256);

    explicit ThumbnailCache(const QString &location = defaultLocation(), qint64 sizeLimit = defaultSizeLimit);
    Q_DISABLE_COPY_MOVE(ThumbnailCache)

    QString location() const { return m_location; }
    qint64 sizeLimit() const;
    //! Changes the limit, evicting at once if the cache is now over it.
    void setSizeLimit(qint64 bytes);

    //! The thumbnail stored for \a sha256 at \a size, marking it recently used; nothing on a miss. A damaged
    //! file counts as a miss and is removed.
    std::optional<QImage> find(const QString &sha256, int size);
    //! Whether a thumbnail is stored, without marking it used.
    bool contains(const QString &sha256, int size) const;
    //! Stores \a thumbnail (replacing any earlier one) and evicts least recently used ones beyond the limit.
    Status insert(const QString &sha256, int size, const QImage &thumbnail);
    void remove(const QString &sha256, int size);
    //! Removes every thumbnail.
    Status clear();

    //! Bytes of thumbnails as this process knows them.
    qint64 totalBytes() const;
    //! Thumbnails as this process knows them.
    int count() const;

    //! The file a thumbnail is stored in, whether or not it exists; empty for an invalid key.
    QString filePath(const QString &sha256, int size) const;

private:
    struct Entry
    {
        QString relativePath;
        qint64 bytes = 0;
    };
    using Lru = std::list<Entry>; // front: least recently used

    QString relativeStem(const QString &sha256, int size) const;
    void ensureIndexLocked() const;
    void recordLocked(const QString &relativePath, qint64 bytes) const;
    void forgetLocked(const QString &relativePath) const;
    void touchLocked(const QString &relativePath) const;
    QStringList takeVictimsLocked() const;
    void removeFiles(const QStringList &relativePaths) const;

    const QString m_location;
    mutable QMutex m_mutex;
    qint64 m_sizeLimit;
    // The index is a cache of the directory, filled lazily, hence mutable.
    mutable bool m_indexed = false;
    mutable Lru m_lru;
    mutable QHash<QString, Lru::iterator> m_entries;
    mutable qint64 m_totalBytes = 0;
};

} // namespace gh
