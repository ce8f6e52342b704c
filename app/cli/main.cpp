#include <cstdlib> // defines __GLIBC__ where glibc is the C library
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <QCoreApplication>

#include "cli.h"
#include "imaging/imageanalysis.h"
#include "util/version.h"

int main(int argc, char *argv[])
{
#ifdef __GLIBC__
    // glibc merges its fast bins before every larger allocation after frees; building and freeing the trees
    // of large XML files (ALTO) that way spent a third of QA's XML validation in malloc_consolidate.
    mallopt(M_MXFAST, 0);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
    QCoreApplication::setApplicationVersion(gh::versionString());
    // The image checks of QA (decodable, dark-page, blank-page, black-border) need Gatehouse::Imaging.
    gh::registerImageChecks();
    return gh::cli::run(QCoreApplication::arguments());
}
