#include <QCoreApplication>

#include "cli.h"
#include "imaging/derivativeconverter.h"
#include "util/version.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
    QCoreApplication::setApplicationVersion(gh::versionString());
    // Conversion rules (upload --derive) need the image codecs, which core does not link.
    gh::DerivativeConverter::install(std::make_shared<gh::ImageDerivativeConverter>());
    return gh::cli::run(QCoreApplication::arguments());
}
