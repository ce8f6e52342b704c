#pragma once

#include <memory>

#include <QCoreApplication>
#include <QString>

#include "util/result.h"

class QTemporaryFile;

namespace gh {

class BitStore;

/*!
    \class gh::StoredCopy
    A stored object as a file on this machine, for readers that need a path (decoders, libxml2): the store's
    own file for a local store, or a temporary copy for a store without local files (S3), removed when the
    StoredCopy goes.
*/
class StoredCopy
{
    Q_DECLARE_TR_FUNCTIONS(gh::StoredCopy)

public:
    StoredCopy();
    ~StoredCopy();
    StoredCopy(StoredCopy &&) noexcept;
    StoredCopy &operator=(StoredCopy &&) noexcept;

    //! The object under \a key in \a store; \a label names it in errors.
    static Result<StoredCopy> open(BitStore &store, const QString &key, const QString &label);

    QString path() const { return m_path; }
    bool isTemporary() const { return m_temporary != nullptr; }

private:
    QString m_path;
    std::unique_ptr<QTemporaryFile> m_temporary;
};

} // namespace gh
