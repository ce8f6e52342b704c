#include <QCoreApplication>

#include "bitstore.h"
#include "localstore.h"

namespace gh {

Result<std::unique_ptr<BitStore>> openBitStore(const QString &spec)
{
    if (spec.contains(u"://")) {
        return Error{
            ErrorCode::Unsupported,
            QCoreApplication::translate("gh::BitStore", "Unknown store \"%1\"; give a folder.").arg(spec)};
    }
    auto local = LocalStore::open(spec);
    if (!local)
        return local.error();
    return std::unique_ptr<BitStore>(std::move(*local));
}

} // namespace gh
