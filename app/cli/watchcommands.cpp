#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTimer>

#include "commands.h"
#include "pipeline/hotfolderrunner.h"
#include "pipeline/settings.h"

// The hot folder: "watch DIR [--settle SECONDS] [--once]".

namespace gh::cli {

int cmdWatch(Global global, const QStringList &arguments)
{
    CommandLine cl(
        QStringLiteral("watch"),
        tr("Watch a folder for deliveries: each top-level folder or file becomes a batch once it has "
           "stopped changing (and, with --run, runs through every automatic stage). Names starting with "
           "\".\" "
           "or ending in \".part\" or \".tmp\" are ignored until they are renamed. A delivery "
           "that was loaded is not loaded again unless it changes."));
    cl.parser.addPositionalArgument(QStringLiteral("dir"), tr("The folder to watch."));
    cl.parser.addOption({QStringLiteral("settle"),
                         tr("Seconds a delivery must stay unchanged before it is loaded (default 10)."),
                         tr("seconds")});
    cl.parser.addOption(
        {QStringLiteral("once"), tr("Process the deliveries that are settled now, then exit (for cron).")});
    cl.parser.addOption(
        {QStringLiteral("run"),
         tr("Run every automatic stage of each batch after loading it (default: load only).")});
    cl.parser.addOption(
        {QStringLiteral("banned"), tr("File of record identifiers to skip, one per line."), tr("file")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;

    HotFolderOptions hot;
    hot.dir = cl.parser.positionalArguments().constFirst();
    hot.once = cl.parser.isSet(QStringLiteral("once"));
    hot.run = cl.parser.isSet(QStringLiteral("run"));
    if (cl.parser.isSet(QStringLiteral("settle"))) {
        bool ok = false;
        const double seconds = cl.parser.value(QStringLiteral("settle")).toDouble(&ok);
        if (!ok || seconds < 0 || seconds > 86400)
            return fatal(tr("--settle takes a number of seconds from 0 to 86400."));
        hot.settleMs = qint64(seconds * 1000);
    }

    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (cl.parser.isSet(QStringLiteral("banned"))) {
        auto banned = EngineSettings::readBannedList(cl.parser.value(QStringLiteral("banned")));
        if (!banned)
            return fatal(banned.error().message);
        context.options.intake.bannedIds = *banned;
    }

    HotFolderRunner folder(context.workspace, *context.catalog, *context.store, context.options, hot);
    bool failures = false;
    QObject::connect(&folder, &HotFolderRunner::logMessage, &folder, [&](const QString &line) {
        if (!context.global.quiet)
            err() << QDateTime::currentDateTime().toString(Qt::ISODate) << ' ' << line << Qt::endl;
    });
    QObject::connect(&folder, &HotFolderRunner::deliveryFinished, &folder,
                     [&](const QString &path, qint64 batchId, bool ok) {
                         if (!ok ||
                             (hot.run && batchId > 0 && exitForBatch(*context.catalog, batchId) != ExitOk))
                             failures = true;
                         // One line per batch: its id, then the delivery it came from.
                         if (ok && batchId > 0)
                             out() << batchId << '\t' << QDir::toNativeSeparators(path) << Qt::endl;
                     });
    QObject::connect(&folder, &HotFolderRunner::finished, &folder, [] { QCoreApplication::exit(0); });
    if (Status s = folder.start(); !s)
        return fatal(s.error().message);

    catchInterrupts(true);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &folder, [&] {
        if (interruptRequested()) {
            interruptPoll.stop();
            err() << tr("Interrupted; stopping after the files in progress.") << Qt::endl;
            folder.stop();
        }
    });
    interruptPoll.start(100);
    QCoreApplication::exec();
    catchInterrupts(false);
    return failures ? ExitFailures : ExitOk;
}

} // namespace gh::cli
