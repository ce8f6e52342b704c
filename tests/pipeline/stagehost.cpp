// A test-only host for a plug-in stage: "gatehouse-cli run" with the tests' mark stage registered after
// fetch, so a test can SIGKILL a process in the middle of a registered stage and run it again. Not shipped.
//
//   stagehost --catalog PATH --store DIR [--delay-ms N] [--marks FILE] SOURCE
//
// Exit status: 0 done, 1 finished with problems, 2 a stage could not run.

#include <cstdio>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include "catalog/catalog.h"
#include "markstage.h"
#include "pipeline/batchrunner.h"
#include "store/bitstore.h"

using namespace gh;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalog."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("store"), QStringLiteral("The store."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("delay-ms"), QStringLiteral("Per marked file."), QStringLiteral("ms")});
    parser.addOption({QStringLiteral("marks"), QStringLiteral("Log of marks."), QStringLiteral("file")});
    parser.addPositionalArgument(QStringLiteral("source"), QStringLiteral("What to run."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1) {
        std::fputs("usage: stagehost --catalog PATH --store DIR [--delay-ms N] [--marks FILE] SOURCE\n",
                   stderr);
        return 2;
    }
    auto workspace =
        Workspace::resolve(parser.value(QStringLiteral("catalog")), parser.value(QStringLiteral("store")));
    if (!workspace) {
        std::fprintf(stderr, "%s\n", qPrintable(workspace.error().message));
        return 2;
    }
    auto catalog = Catalog::open(workspace->catalog());
    if (!catalog) {
        std::fprintf(stderr, "%s\n", qPrintable(catalog.error().message));
        return 2;
    }
    auto store = openBitStore(workspace->storeSpec(), {});
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 2;
    }

    test::MarkOptions mark;
    mark.delayMs = parser.value(QStringLiteral("delay-ms")).toInt();
    mark.marksLog = parser.value(QStringLiteral("marks"));
    BatchRunner runner(*workspace, **catalog, **store);
    QList<StageDefinition> stages =
        StageDefinition::with(StageDefinition::defaults(), test::MarkStage::definition(mark));
    runner.setStages(stages);

    int exitCode = 2;
    QObject::connect(
        &runner, &BatchRunner::finished, &runner, [&](qint64 batchId, bool ok, const QString &message) {
            std::fprintf(stderr, "batch %lld: %s\n", batchId, qPrintable(message));
            exitCode = ok ? 0 : 2;
            if (const auto counts = (*catalog)->statusCounts(batchId); ok && counts) {
                for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
                    const Severity severity = StatusInfo::severity(it.key());
                    if (it.value() > 0 && (severity == Severity::Error || severity == Severity::Open))
                        exitCode = 1;
                }
            }
            QCoreApplication::exit(exitCode);
        });
    QTimer::singleShot(0, &runner,
                       [&] { runner.run(parser.positionalArguments().constFirst(), RunOptions{}); });
    return app.exec();
}
