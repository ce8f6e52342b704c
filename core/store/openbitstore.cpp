#include <QCoreApplication>
#include <QProcessEnvironment>

#include "bitstore.h"
#include "localstore.h"
#include "s3store.h"

namespace gh {

Result<std::unique_ptr<BitStore>> openBitStore(const QString &spec)
{
    if (spec.startsWith(u"s3://", Qt::CaseInsensitive)) {
        auto options = S3Options::fromSpec(spec);
        if (!options)
            return options.error();
        const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        if (Status s = options->applyEnvironment(environment); !s)
            return s.error();
        // The keychain is a last resort for the secret, and a slow one without a secret service.
        if (environment.value(QStringLiteral("GATEHOUSE_S3_KEYCHAIN")) != u"0")
            options->loadSecretFromKeychain();
        auto store = S3Store::open(*options);
        if (!store)
            return store.error();
        return std::unique_ptr<BitStore>(std::move(*store));
    }
    if (spec.contains(u"://")) {
        return Error{ErrorCode::Unsupported,
                     QCoreApplication::translate("gh::BitStore",
                                                 "Unknown store \"%1\"; give a folder or s3://bucket/prefix.")
                         .arg(spec)};
    }
    auto local = LocalStore::open(spec);
    if (!local)
        return local.error();
    return std::unique_ptr<BitStore>(std::move(*local));
}

} // namespace gh
