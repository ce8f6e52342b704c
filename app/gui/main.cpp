#include <cstdlib> // defines __GLIBC__ where glibc is the C library
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTranslator>

#include "imaging/derivativeconverter.h"
#include "imaging/imageanalysis.h"
#include "pipeline/settings.h"
#include "report/itemlink.h"
#include "review/qacsv.h"
#include "review/shippedstages.h"
#include "ui/mainwindow.h"
#include "util/version.h"

int main(int argc, char *argv[])
{
#ifdef __GLIBC__
    // glibc merges its fast bins before every larger allocation after frees; building and freeing the trees
    // of large XML files (ALTO) that way spent a third of QA's XML validation in malloc_consolidate.
    mallopt(M_MXFAST, 0);
#endif
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QApplication::setApplicationName(QStringLiteral("gatehouse"));
    QApplication::setApplicationDisplayName(QStringLiteral("Gatehouse"));
    QApplication::setApplicationVersion(gh::versionString());
    // Wayland and the desktop match the window to its menu entry and icon by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral("invalid.gatehouse.Gatehouse"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("gatehouse")));
    // The image checks of QA (decodable, dark-page, blank-page, black-border) need Gatehouse::Imaging.
    gh::registerImageChecks();
    gh::DerivativeConverter::install(std::make_shared<gh::ImageDerivativeConverter>());

    // The GUI follows the system locale: Qt's own strings and ours.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("gatehouse"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Gatehouse ingest workstation"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("catalog"),
                      QApplication::translate("main", "The catalog file or PostgreSQL URL."),
                      QApplication::translate("main", "path")});
    parser.addOption({QStringLiteral("store"), QApplication::translate("main", "The bit store folder."),
                      QApplication::translate("main", "dir")});
    parser.addOption({QStringLiteral("config"), QApplication::translate("main", "Engine settings (INI)."),
                      QApplication::translate("main", "file")});
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QApplication::translate("main",
                                                         "A folder, archive, manifest or list to load, or a "
                                                         "gatehouse://batch/ID/item/ID link to show."),
                                 QStringLiteral("[source|link]"));
    parser.process(app);

    auto workspace = gh::Workspace::resolve(parser.value(QStringLiteral("catalog")),
                                            parser.value(QStringLiteral("store")));
    if (!workspace) {
        QMessageBox::critical(nullptr, QApplication::applicationDisplayName(), workspace.error().message);
        return 2;
    }
    // The curator's saved settings; a --config file overrides them for this session.
    gh::QaCsv::registerExport();
    gh::ShippedStages::registerAll();
    gh::Preferences preferences = gh::Preferences::load();
    if (parser.isSet(QStringLiteral("config"))) {
        auto fromFile =
            gh::EngineSettings::readFile(parser.value(QStringLiteral("config")), preferences.settings);
        if (!fromFile) {
            QMessageBox::critical(nullptr, QApplication::applicationDisplayName(), fromFile.error().message);
            return 2;
        }
        preferences = gh::Preferences::fromSettings(*fromFile);
    }

    gh::MainWindow window(*workspace, preferences);
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString argument = parser.positionalArguments().constFirst();
        if (gh::ItemLink::isLink(argument)) {
            // From the desktop's gatehouse:// handler (a QA spreadsheet, a mail): show, never load.
            const auto link = gh::ItemLink::parse(argument);
            if (!link) {
                QMessageBox::warning(&window, QApplication::applicationDisplayName(),
                                     QApplication::translate("main",
                                                             "%1 is not a Gatehouse link; links look like "
                                                             "gatehouse://batch/3/item/17.")
                                         .arg(argument));
            } else {
                window.openLink(*link);
            }
        } else {
            window.openSource(argument);
        }
    }
    return QApplication::exec();
}
