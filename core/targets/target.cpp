#include "target.h"

#include <QFile>

namespace gh {

bool RemoteObject::holds(const Digests &digests, qint64 expectedSize) const
{
    if (expectedSize >= 0 && size >= 0 && expectedSize != size)
        return false;
    if (!sha256.isEmpty() && !digests.sha256.isEmpty())
        return sha256.compare(digests.sha256, Qt::CaseInsensitive) == 0;
    if (!sha1.isEmpty() && !digests.sha1.isEmpty())
        return sha1.compare(digests.sha1, Qt::CaseInsensitive) == 0;
    if (!md5.isEmpty() && !digests.md5.isEmpty())
        return md5.compare(digests.md5, Qt::CaseInsensitive) == 0;
    return false;
}

QJsonObject RemoteObject::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name}};
    if (size >= 0)
        o.insert(QStringLiteral("size"), size);
    auto put = [&](const char *key, const QString &value) {
        if (!value.isEmpty())
            o.insert(QLatin1String(key), value);
    };
    put("sha1", sha1);
    put("sha256", sha256);
    put("md5", md5);
    put("mimetype", mimetype);
    if (width > 0 && height > 0) {
        o.insert(QStringLiteral("width"), width);
        o.insert(QStringLiteral("height"), height);
    }
    if (uploaded.isValid())
        o.insert(QStringLiteral("uploaded"), uploaded.toUTC().toString(Qt::ISODate));
    put("uploader", uploader);
    put("url", url);
    put("page_url", pageUrl);
    if (deleted) {
        o.insert(QStringLiteral("deleted"), true);
        put("deletion_reason", deletionReason);
        o.insert(QStringLiteral("deleted_for_copyright"), deletedForCopyright);
    }
    return o;
}

bool LookupAnswer::alreadyThere(const Digests &digests, qint64 size) const
{
    return named && !named->deleted && named->holds(digests, size);
}

QList<RemoteObject> LookupAnswer::elsewhere(const Digests &digests) const
{
    QList<RemoteObject> others;
    const QString ours = named ? named->name : normalizedName;
    for (const RemoteObject &object : sameBytes) {
        if (object.name != ours && object.holds(digests))
            others.append(object);
    }
    return others;
}

Result<std::unique_ptr<QIODevice>> UploadSource::openDevice() const
{
    if (!localPath.isEmpty()) {
        auto file = std::make_unique<QFile>(localPath);
        if (!file->open(QIODevice::ReadOnly)) {
            return Error{file->exists() ? ErrorCode::Unreadable : ErrorCode::NotFound,
                         QCoreApplication::translate("gh::Target", "Cannot read %1: %2")
                             .arg(localPath, file->errorString())};
        }
        return std::unique_ptr<QIODevice>(std::move(file));
    }
    if (open)
        return open();
    return Error{ErrorCode::Usage, QCoreApplication::translate("gh::Target", "The upload has no source.")};
}

} // namespace gh
