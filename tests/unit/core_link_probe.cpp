// Links every part of the core library a headless tool uses, so the linker pulls in their dependencies.
#include <QCoreApplication>

#include "catalog/catalog.h"
#include "digest/multidigest.h"
#include "pipeline/batchrunner.h"
#include "store/bitstore.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const gh::Digests d = gh::MultiDigest::of(QByteArrayLiteral("abc"));
    auto store = gh::openBitStore(QStringLiteral("/nonexistent/\0"));
    return d.md5.isEmpty() || store.ok() ? 1 : 0;
}
