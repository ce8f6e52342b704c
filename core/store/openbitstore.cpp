#include <QCoreApplication>
#include <QProcessEnvironment>

#include "bitstore.h"
#include "localstore.h"
#include "s3store.h"

namespace gh {

Result<std::unique_ptr<BitStore>> openBitStore(const QString &spec, const StoreOptions &options)
{
    if (spec.startsWith(u"s3://", Qt::CaseInsensitive)) {
        auto s3 = S3Options::fromSpec(spec);
        if (!s3)
            return s3.error();
        const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        if (Status s = s3->applyEnvironment(environment); !s)
            return s.error();
        // The keychain is a last resort for the secret, and a slow one without a secret service.
        if (environment.value(QStringLiteral("GATEHOUSE_S3_KEYCHAIN")) != u"0")
            s3->loadSecretFromKeychain();
        auto store = S3Store::open(*s3);
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
    LocalStore::Options local;
    local.sync = options.sync;
    local.verifyAfterWrite = options.verifyAfterWrite;
    auto opened = LocalStore::open(spec, local);
    if (!opened)
        return opened.error();
    return std::unique_ptr<BitStore>(std::move(*opened));
}

} // namespace gh
