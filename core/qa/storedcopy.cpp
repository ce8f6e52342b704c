#include "storedcopy.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

#include "store/bitstore.h"

namespace gh {

StoredCopy::StoredCopy() = default;
StoredCopy::~StoredCopy() = default;
StoredCopy::StoredCopy(StoredCopy &&) noexcept = default;
StoredCopy &StoredCopy::operator=(StoredCopy &&) noexcept = default;

Result<StoredCopy> StoredCopy::open(BitStore &store, const QString &key, const QString &label)
{
    StoredCopy copy;
    const QString local = store.localPath(key);
    if (!local.isEmpty() && QFileInfo::exists(local)) {
        copy.m_path = local;
        return copy;
    }
    auto device = store.read(key);
    if (!device)
        return device.error();
    copy.m_temporary =
        std::make_unique<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/gatehouse-XXXXXX"));
    if (!copy.m_temporary->open())
        return Error{
            ErrorCode::Io,
            tr("Cannot create a temporary copy of %1: %2").arg(label, copy.m_temporary->errorString())};
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = (*device)->read(buffer.data(), buffer.size());
        if (n < 0)
            return Error{
                ErrorCode::Unreadable,
                tr("Cannot read %1 from %2: %3").arg(label, store.displayName(), (*device)->errorString())};
        if (n == 0)
            break;
        if (copy.m_temporary->write(buffer.constData(), n) != n)
            return Error{
                ErrorCode::Io,
                tr("Cannot write a temporary copy of %1: %2").arg(label, copy.m_temporary->errorString())};
    }
    if (!copy.m_temporary->flush())
        return Error{
            ErrorCode::Io,
            tr("Cannot write a temporary copy of %1: %2").arg(label, copy.m_temporary->errorString())};
    copy.m_path = copy.m_temporary->fileName();
    return copy;
}

} // namespace gh
