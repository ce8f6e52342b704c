#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QString>

#include "util/result.h"

namespace gh {

/*!
    \class gh::StoreKey
    Keys name objects in a bit store: relative, '/'-separated, with no empty, "." or ".." segments, no
    backslashes or control characters. A key that passes validate() cannot escape the store's root.
*/
class StoreKey
{
    Q_DECLARE_TR_FUNCTIONS(gh::StoreKey)

public:
    static Status validate(const QString &key);

    /*!
        Expands a key template such as \c {batch}/{item}/{filename}. Variables whose values may hold several
        segments ({item}, {path}) keep their slashes; every other value is one segment. Unknown variables are
        an error, so a typo never silently becomes a literal folder name.
    */
    static Result<QString> expand(const QString &pattern, const QHash<QString, QString> &variables);

    //! The default for local batches.
    static QString defaultTemplate() { return QStringLiteral("{batch}/{item}/{filename}"); }
    //! Content-addressed: identical bytes share one object.
    static QString contentAddressedTemplate() { return QStringLiteral("sha1/{sha1:0:2}/{sha1:2:2}/{sha1}"); }
};

} // namespace gh
