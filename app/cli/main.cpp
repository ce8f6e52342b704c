#include <cstdlib> // defines __GLIBC__ where glibc is the C library
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "cli.h"
#include "imaging/derivativeconverter.h"
#include "imaging/imageanalysis.h"
#include "review/qacsv.h"
#include "review/shippedstages.h"
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
    // Installed, the catalogues lie beside the binary (share/gatehouse/translations); the GUI embeds its own.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("gatehouse"), QStringLiteral("_"),
                        QDir(QCoreApplication::applicationDirPath())
                            .filePath(QStringLiteral("../share/gatehouse/translations"))))
        QCoreApplication::installTranslator(&translator);
    gh::QaCsv::registerExport();
    gh::ShippedStages::registerAll();
    // The image checks of QA (decodable, dark-page, blank-page, black-border) need Gatehouse::Imaging.
    gh::registerImageChecks();
    // Conversion rules (upload --derive) need the image codecs, which core does not link.
    gh::DerivativeConverter::install(std::make_shared<gh::ImageDerivativeConverter>());
    return gh::cli::run(QCoreApplication::arguments());
}
