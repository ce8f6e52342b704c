#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "cli.h"
#include "review/qacsv.h"
#include "util/version.h"

int main(int argc, char *argv[])
{
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
    return gh::cli::run(QCoreApplication::arguments());
}
