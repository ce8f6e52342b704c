#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTextStream>

#include "catalog/catalog.h"
#include "pipeline/batchrunner.h"
#include "pipeline/settingstable.h"
#include "store/bitstore.h"

// What every gatehouse-cli command shares: output streams, exit statuses, the global options, opening the
// catalog and store, parsing a command's own arguments, and driving a BatchRunner with progress and Ctrl-C.

namespace gh::cli {

enum Exit
{
    ExitOk = 0,       //!< All done.
    ExitFailures = 1, //!< Finished with failures or invalid input.
    ExitFatal = 2     //!< Usage or fatal error.
};

QTextStream &out();
QTextStream &err();
QString tr(const char *text);
//! The plural form of \a text for \a n ("%n file(s)").
QString tr(const char *text, const char *disambiguation, int n);
//! Prints "gatehouse-cli: MESSAGE" on stderr and returns ExitFatal.
int fatal(const QString &message);
//! One compact JSON document on its own line.
void printJson(const QJsonObject &object);

//! \a parser's help text with the program named \a program ("gatehouse-cli load") instead of argv[0].
QString usageText(const QCommandLineParser &parser, const QString &program);

//! The options every command accepts, before or after the command name.
struct Global
{
    QString catalog;
    QString store;
    QString config;
    bool quiet = false;
    bool verbose = false;
};
QList<QCommandLineOption> globalOptions();
//! Reads the global options from \a parser, keeping what \a global already has where the parser has nothing.
void readGlobals(const QCommandLineParser &parser, Global &global);

/*!
    What a command works with: the workspace, an open catalog and, for commands that write, the store.
*/
struct Context
{
    Global global;
    Workspace workspace;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BitStore> store;
    Settings settings;  //!< The --config file's values over the defaults (docs/settings.md).
    RunOptions options; //!< What \c settings make for the engine.
};
Result<Context> openContext(const Global &global, bool withStore);

Result<qint64> parseBatchId(const QString &text);

/*!
    A command's own parser, which also knows the global options.
*/
struct CommandLine
{
    QCommandLineParser parser;
    QString name;

    CommandLine(const QString &command, const QString &description);
    //! Returns an exit status when the command should stop (error or --help), nothing to go on.
    std::optional<int> parse(const QStringList &arguments, int minPositional, int maxPositional,
                             Global &global);
};

//! 0 when every file of the batch is done or skipped; 1 when any failed or is still pending, or intake
//! refused a manifest (IntakeTrace::refusals()).
int exitForBatch(Catalog &catalog, qint64 batchId);
void printSummary(Context &context, qint64 batchId);

//! While \a on, Ctrl-C and SIGTERM request a cooperative stop (see interruptRequested()); a second signal
//! ends the process at once. Off restores the default handlers.
void catchInterrupts(bool on);
//! Whether Ctrl-C or SIGTERM arrived since catchInterrupts(true).
bool interruptRequested();
//! The flag behind interruptRequested(), for work that polls a cancel flag of its own.
std::atomic_bool &interruptFlag();

/*!
    Runs \a start on a BatchRunner with an event loop until it finishes, printing progress on stderr and
    turning Ctrl-C into a cooperative cancel; returns the batch it worked on, or an exit status for a fatal
    error. \a onLoaded, if given, runs as soon as a new batch exists; its error stops the run.
*/
std::variant<qint64, int> drive(Context &context, const std::function<void(BatchRunner &)> &start,
                                const std::function<Status(qint64)> &onLoaded = {});

} // namespace gh::cli
