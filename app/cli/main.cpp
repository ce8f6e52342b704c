#include <QCoreApplication>

#include "cli.h"
#include "imaging/imageanalysis.h"
#include "util/version.h"

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
    QCoreApplication::setApplicationVersion(gh::versionString());
    // The image checks of QA (decodable, dark-page, blank-page, black-border) need Gatehouse::Imaging.
    gh::registerImageChecks();
    return gh::cli::run(QCoreApplication::arguments());
}
