#include "cli.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTextStream>
#include <QTimer>

#include "catalog/catalog.h"
#include "pipeline/batchrunner.h"
#include "pipeline/settings.h"
#include "report/reports.h"
#include "store/bitstore.h"
#include "util/version.h"

namespace gh::cli {

namespace {

enum Exit
{
    ExitOk = 0,
    ExitFailures = 1,
    ExitFatal = 2
};

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("gh::cli", text);
}

int fatal(const QString &message)
{
    err() << "gatehouse-cli: " << message << Qt::endl;
    return ExitFatal;
}

void printJson(const QJsonObject &object)
{
    out() << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << '\n';
}

// Ctrl-C and SIGTERM cancel cooperatively: running copies abort and their files stay pending. A second signal
// ends the process at once.
std::atomic_bool s_interrupted{false};

void onSignal(int)
{
    if (s_interrupted.exchange(true))
        ::_exit(130);
}

struct Global
{
    QString catalog;
    QString store;
    QString config;
    bool quiet = false;
    bool verbose = false;
};

//! The options every command accepts, before or after the command name.
QList<QCommandLineOption> globalOptions()
{
    return {
        {QStringLiteral("catalog"),
         tr("The catalog: an SQLite file, or postgresql://user:password@host:port/db."), tr("path")},
        {QStringLiteral("store"), tr("The bit store folder (default: store/ next to the catalog)."),
         tr("dir")},
        {QStringLiteral("config"), tr("Engine settings (INI)."), tr("file")},
        {{QStringLiteral("q"), QStringLiteral("quiet")}, tr("Print no progress.")},
        {QStringLiteral("verbose"), tr("Print the engine's log on stderr.")},
    };
}

//! Reads the global options from \a parser, keeping what \a global already has where the parser has nothing.
void readGlobals(const QCommandLineParser &parser, Global &global)
{
    auto take = [&](const QString &name, QString &into) {
        if (parser.isSet(name))
            into = parser.value(name);
    };
    take(QStringLiteral("catalog"), global.catalog);
    take(QStringLiteral("store"), global.store);
    take(QStringLiteral("config"), global.config);
    global.quiet = global.quiet || parser.isSet(QStringLiteral("quiet"));
    global.verbose = global.verbose || parser.isSet(QStringLiteral("verbose"));
}

/*!
    What a command works with: the workspace, an open catalog and, for commands that write, the store.
*/
struct Context
{
    Global global;
    Workspace workspace;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BitStore> store;
    RunOptions options;
};

Result<Context> openContext(const Global &global, bool withStore)
{
    Context context;
    context.global = global;
    auto workspace = Workspace::resolve(global.catalog, global.store);
    if (!workspace)
        return workspace.error();
    context.workspace = *workspace;
    if (!global.config.isEmpty()) {
        auto options = EngineSettings::fromFile(global.config);
        if (!options)
            return options.error();
        context.options = *options;
    }
    auto catalog = Catalog::open(context.workspace.catalog());
    if (!catalog)
        return catalog.error();
    context.catalog = std::move(*catalog);
    if (withStore) {
        auto store = openBitStore(context.workspace.storeSpec());
        if (!store)
            return store.error();
        context.store = std::move(*store);
    }
    return context;
}

Result<qint64> parseBatchId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        return Error{ErrorCode::Usage,
                     tr("\"%1\" is not a batch id; batch ids are positive numbers.").arg(text)};
    return id;
}

/*!
    Parses a command's own options. Returns the positional arguments, or an exit status on error or --help.
*/
struct CommandLine
{
    QCommandLineParser parser;
    QString name;

    CommandLine(const QString &command, const QString &description)
        : name(command)
    {
        parser.setApplicationDescription(description);
        parser.addHelpOption();
        parser.addOptions(globalOptions());
    }

    std::optional<int> parse(const QStringList &arguments, int minPositional, int maxPositional,
                             Global &global)
    {
        if (!parser.parse(QStringList{QStringLiteral("gatehouse-cli ") + name} + arguments))
            return fatal(parser.errorText() + u'\n' +
                         tr("Run \"gatehouse-cli %1 --help\" for usage.").arg(name));
        if (parser.isSet(QStringLiteral("help"))) {
            out() << parser.helpText();
            return ExitOk;
        }
        readGlobals(parser, global);
        if (global.verbose)
            QLoggingCategory::setFilterRules(QStringLiteral("gatehouse.*.info=true"));
        const qsizetype n = parser.positionalArguments().size();
        if (n < minPositional || n > maxPositional) {
            return fatal(tr("Wrong number of arguments for %1.").arg(name) + u'\n' +
                         tr("Run \"gatehouse-cli %1 --help\" for usage.").arg(name));
        }
        return std::nullopt;
    }
};

/*!
    Prints progress on stderr: a line rewritten in place on a terminal, a line every ten seconds otherwise.
*/
class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool quiet)
        : m_quiet(quiet)
        , m_terminal(::isatty(STDERR_FILENO))
    {
        m_clock.start();
    }

    void show(const Progress &p)
    {
        if (m_quiet)
            return;
        if (!m_terminal && m_lastPrint >= 0 && m_clock.elapsed() - m_lastPrint < 10000)
            return;
        m_lastPrint = m_clock.elapsed();
        const QLocale c = QLocale::c();
        QString line =
            tr("%1/%2 files, %3").arg(p.filesDone).arg(p.filesTotal).arg(c.formattedDataSize(p.bytesDone));
        if (p.bytesTotal >= 0)
            line += u" / " + c.formattedDataSize(p.bytesTotal);
        if (p.bytesPerSecond > 0)
            line += u", " + c.formattedDataSize(qint64(p.bytesPerSecond)) + u"/s";
        if (p.etaSeconds >= 0)
            line += u", " + tr("%1 s left").arg(p.etaSeconds);
        if (p.filesFailed > 0)
            line += u", " + tr("%1 failed").arg(p.filesFailed);
        if (m_terminal)
            err() << '\r' << line << "\x1b[K" << Qt::flush;
        else
            err() << line << Qt::endl;
    }

    void done()
    {
        if (m_terminal && !m_quiet && m_lastPrint >= 0)
            err() << Qt::endl;
    }

private:
    bool m_quiet;
    bool m_terminal;
    QElapsedTimer m_clock;
    qint64 m_lastPrint = -1;
};

//! 0 when every file of the batch is done or skipped, 1 when any failed or is still pending.
int exitForBatch(Catalog &catalog, qint64 batchId)
{
    auto counts = catalog.statusCounts(batchId);
    if (!counts)
        return fatal(counts.error().message);
    for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
        const Severity severity = StatusInfo::severity(it.key());
        if (it.value() > 0 && (severity == Severity::Error || severity == Severity::Open))
            return ExitFailures;
    }
    return ExitOk;
}

void printSummary(Context &context, qint64 batchId)
{
    if (auto summary = Reports::summary(*context.catalog, batchId))
        out() << *summary << Qt::flush;
    else
        err() << summary.error().message << Qt::endl;
}

/*!
    Runs \a start on a BatchRunner with an event loop until it finishes; returns the batch it worked on, or
    an exit status for a fatal error.
*/
std::variant<qint64, int> drive(Context &context, const std::function<void(BatchRunner &)> &start)
{
    BatchRunner runner(context.workspace, *context.catalog, *context.store);
    ProgressPrinter printer(context.global.quiet);
    qint64 batchId = 0;
    bool ok = true;
    QString message;

    QObject::connect(&runner, &BatchRunner::loaded, &runner, [&](const LoadResult &r) {
        if (!context.global.quiet) {
            err() << tr("Batch %1: %2 items, %3 files (%4)")
                         .arg(r.batchId)
                         .arg(r.items)
                         .arg(r.files)
                         .arg(r.detected)
                  << Qt::endl;
        }
    });
    QObject::connect(&runner, &BatchRunner::progressChanged, &runner,
                     [&](const Progress &p) { printer.show(p); });
    QObject::connect(&runner, &BatchRunner::finished, &runner,
                     [&](qint64 id, bool success, const QString &text) {
                         batchId = id;
                         ok = success;
                         message = text;
                         QCoreApplication::exit(0);
                     });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &runner, [&] {
        if (s_interrupted.load()) {
            interruptPoll.stop();
            err() << '\n' << tr("Interrupted; stopping after the files in progress.") << Qt::endl;
            runner.cancel();
        }
    });
    interruptPoll.start(100);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    QTimer::singleShot(0, &runner, [&] { start(runner); });
    QCoreApplication::exec();
    printer.done();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!ok)
        return fatal(message);
    return batchId;
}

// Commands

int cmdLoad(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("load"), tr("Create a batch from a folder."));
    cl.parser.addPositionalArgument(QStringLiteral("source"), tr("The folder to load."));
    cl.parser.addOption(
        {QStringLiteral("name"), tr("Name of the batch (default: the source's name)."), tr("name")});
    cl.parser.addOption(
        {QStringLiteral("banned"), tr("File of record identifiers to skip, one per line."), tr("file")});
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;

    IntakeOptions options;
    options.name = cl.parser.value(QStringLiteral("name"));
    if (cl.parser.isSet(QStringLiteral("banned"))) {
        auto banned = EngineSettings::readBannedList(cl.parser.value(QStringLiteral("banned")));
        if (!banned)
            return fatal(banned.error().message);
        options.bannedIds = *banned;
    }
    BatchRunner runner(context.workspace, *context.catalog, *context.store);
    auto result = runner.load(cl.parser.positionalArguments().constFirst(), options);
    if (!result)
        return fatal(result.error().message);
    if (cl.parser.isSet(QStringLiteral("json"))) {
        printJson(QJsonObject{{QStringLiteral("batch"), result->batchId},
                              {QStringLiteral("items"), result->items},
                              {QStringLiteral("files"), result->files},
                              {QStringLiteral("detected"), result->detected},
                              {QStringLiteral("trace"), result->trace}});
    } else {
        out() << result->batchId << Qt::endl;
        err() << tr("Batch %1: %2 items, %3 files (%4)")
                     .arg(result->batchId)
                     .arg(result->items)
                     .arg(result->files)
                     .arg(result->detected)
              << Qt::endl;
        for (const QJsonValue &step : std::as_const(result->trace)) {
            for (const QJsonValue &warning : step[QStringLiteral("warnings")].toArray())
                err() << tr("warning: ") << warning.toString() << Qt::endl;
        }
    }
    return ExitOk;
}

void addFetchOptions(CommandLine &cl)
{
    cl.parser.addOption({QStringLiteral("jobs"), tr("Parallel transfers (default 8)."), tr("n")});
}

std::optional<int> applyFetchOptions(const CommandLine &cl, Context &context)
{
    if (cl.parser.isSet(QStringLiteral("jobs"))) {
        bool ok = false;
        const int jobs = cl.parser.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || jobs < 1 || jobs > 256)
            return fatal(tr("--jobs takes a number from 1 to 256."));
        context.options.fetch.jobs = jobs;
    }
    return std::nullopt;
}

int cmdFetch(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("fetch"), tr("Copy or download and hash every pending file of a batch."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    addFetchOptions(cl);
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto exit = applyFetchOptions(cl, context))
        return *exit;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    const auto result =
        drive(context, [&](BatchRunner &runner) { runner.runBatch(*batchId, context.options); });
    if (const int *exit = std::get_if<int>(&result))
        return *exit;
    return exitForBatch(*context.catalog, *batchId);
}

int cmdRun(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("run"), tr("Load a source and run every automatic stage; resumes an "
                                             "interrupted run of the same source."));
    cl.parser.addPositionalArgument(QStringLiteral("source"), tr("The folder to load."));
    cl.parser.addOption(
        {QStringLiteral("name"), tr("Name of the batch (default: the source's name)."), tr("name")});
    cl.parser.addOption(
        {QStringLiteral("banned"), tr("File of record identifiers to skip, one per line."), tr("file")});
    addFetchOptions(cl);
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, true);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    if (auto exit = applyFetchOptions(cl, context))
        return *exit;
    context.options.intake.name = cl.parser.value(QStringLiteral("name"));
    if (cl.parser.isSet(QStringLiteral("banned"))) {
        auto banned = EngineSettings::readBannedList(cl.parser.value(QStringLiteral("banned")));
        if (!banned)
            return fatal(banned.error().message);
        context.options.intake.bannedIds = *banned;
    }
    const QString source = cl.parser.positionalArguments().constFirst();
    const auto result = drive(context, [&](BatchRunner &runner) { runner.run(source, context.options); });
    if (const int *exit = std::get_if<int>(&result))
        return *exit;
    const qint64 batchId = std::get<qint64>(result);
    if (!context.global.quiet)
        printSummary(context, batchId);
    return exitForBatch(*context.catalog, batchId);
}

QString shortTime(const QDateTime &time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

int cmdStatus(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("status"), tr("Show stages and counts per batch, oldest first."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("Only this batch."),
                                    QStringLiteral("[batch]"));
    cl.parser.addOption({QStringLiteral("json"), tr("Print the result as JSON.")});
    if (auto exit = cl.parse(arguments, 0, 1, global))
        return *exit;
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    QList<BatchRecord> batches;
    if (!cl.parser.positionalArguments().isEmpty()) {
        auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
        if (!batchId)
            return fatal(batchId.error().message);
        auto batch = context.catalog->batch(*batchId);
        if (!batch)
            return fatal(batch.error().message);
        batches.append(*batch);
    } else {
        auto all = context.catalog->batches();
        if (!all)
            return fatal(all.error().message);
        batches = *all;
    }

    if (cl.parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const BatchRecord &b : std::as_const(batches))
            array.append(Reports::batchJson(b));
        printJson(QJsonObject{{QStringLiteral("batches"), array}});
        return ExitOk;
    }
    if (batches.isEmpty()) {
        err() << tr("No batches in %1.").arg(context.workspace.catalog().displayName()) << Qt::endl;
        return ExitOk;
    }
    QStringList header{tr("ID"), tr("NAME"), tr("CREATED")};
    for (Stage stage : StageInfo::all())
        header.append(StageInfo::key(stage).toUpper());
    header << tr("FILES") << tr("PROBLEMS");
    QList<QStringList> rows{header};
    for (const BatchRecord &b : std::as_const(batches)) {
        QStringList row{QString::number(b.id), b.name, shortTime(b.created)};
        for (Stage stage : StageInfo::all())
            row.append(StageInfo::key(b.stages.value(stage, StageState::NotStarted)));
        qint64 problems = 0;
        for (auto it = b.counts.cbegin(); it != b.counts.cend(); ++it) {
            if (StatusInfo::severity(it.key()) == Severity::Error)
                problems += it.value();
        }
        row << QString::number(b.files) << QString::number(problems);
        rows.append(row);
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : std::as_const(rows)) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    for (const QStringList &row : std::as_const(rows)) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += row[i].leftJustified(widths[i] + 2);
        out() << line.trimmed() << '\n';
    }
    return ExitOk;
}

int cmdFiles(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("files"),
                   tr("List the files of a batch: path or URL, size, digests, mimetype, "
                      "status and stored key."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption({QStringLiteral("json"), tr("Print JSON lines, one object per file.")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    if (auto batch = context.catalog->batch(*batchId); !batch)
        return fatal(batch.error().message);
    const bool json = cl.parser.isSet(QStringLiteral("json"));
    Status s = context.catalog->forEachFile(*batchId, [&](const FileRecord &f) {
        if (json) {
            printJson(Reports::fileJson(f));
        } else {
            out() << StatusInfo::key(f.status).leftJustified(16) << ' '
                  << (f.size >= 0 ? QString::number(f.size) : QStringLiteral("-")).rightJustified(12) << "  "
                  << (f.digests.sha256.isEmpty() ? QStringLiteral("-").leftJustified(16)
                                                 : f.digests.sha256.left(16))
                  << "  " << f.item << u'/' << f.name << '\n';
        }
        return true;
    });
    out() << Qt::flush;
    if (!s)
        return fatal(s.error().message);
    return ExitOk;
}

int cmdReport(Global global, const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("report"), tr("Write a report for a batch."));
    cl.parser.addPositionalArgument(QStringLiteral("batch"), tr("The batch id."));
    cl.parser.addOption(
        {QStringLiteral("format"), tr("Report format: summary."), tr("format"), QStringLiteral("summary")});
    cl.parser.addOption(
        {{QStringLiteral("o"), QStringLiteral("output")}, tr("Write to this file."), tr("file")});
    if (auto exit = cl.parse(arguments, 1, 1, global))
        return *exit;
    auto opened = openContext(global, false);
    if (!opened)
        return fatal(opened.error().message);
    Context &context = *opened;
    auto batchId = parseBatchId(cl.parser.positionalArguments().constFirst());
    if (!batchId)
        return fatal(batchId.error().message);
    const QString format = cl.parser.value(QStringLiteral("format"));
    if (format != u"summary")
        return fatal(tr("Unknown report format \"%1\"; known: summary.").arg(format));

    // The summary always goes next to the batch's log too.
    auto text = Reports::writeSummary(*context.catalog, *batchId, context.workspace.summaryPath(*batchId));
    if (!text)
        return fatal(text.error().message);
    if (cl.parser.isSet(QStringLiteral("output"))) {
        const QString path = cl.parser.value(QStringLiteral("output"));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(text->toUtf8()) < 0 ||
            !file.commit())
            return fatal(tr("Cannot write %1: %2").arg(path, file.errorString()));
    } else {
        out() << *text << Qt::flush;
    }
    return ExitOk;
}

struct Command
{
    QString name;
    const char *summary;
    int (*run)(Global, const QStringList &);
};

const QList<Command> &commands()
{
    static const QList<Command> list{
        {QStringLiteral("load"), QT_TRANSLATE_NOOP("gh::cli", "create a batch from a source; print its id"),
         cmdLoad},
        {QStringLiteral("fetch"), QT_TRANSLATE_NOOP("gh::cli", "copy/download and hash every pending file"),
         cmdFetch},
        {QStringLiteral("run"), QT_TRANSLATE_NOOP("gh::cli", "load + every automatic stage"), cmdRun},
        {QStringLiteral("status"), QT_TRANSLATE_NOOP("gh::cli", "stages and counts per batch"), cmdStatus},
        {QStringLiteral("files"), QT_TRANSLATE_NOOP("gh::cli", "one record per file"), cmdFiles},
        {QStringLiteral("report"), QT_TRANSLATE_NOOP("gh::cli", "write a report (summary)"), cmdReport},
    };
    return list;
}

} // namespace

int run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Gatehouse: take batches of digital objects into an archive."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(globalOptions());
    parser.addPositionalArgument(QStringLiteral("command"), tr("One of the commands below."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);

    auto usage = [&] {
        QString text = parser.helpText() + u'\n' + tr("Commands:") + u'\n';
        for (const Command &c : commands())
            text += u"  " + c.name.leftJustified(10) + tr(c.summary) + u'\n';
        text += u'\n' + tr("Run \"gatehouse-cli COMMAND --help\" for a command's options.") + u'\n';
        return text;
    };

    if (!parser.parse(arguments))
        return fatal(parser.errorText());
    if (parser.isSet(QStringLiteral("version"))) {
        out() << "gatehouse-cli " << versionString() << Qt::endl;
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help")) && positional.isEmpty()) {
        out() << usage() << Qt::flush;
        return ExitOk;
    }
    if (positional.isEmpty()) {
        err() << usage() << Qt::flush;
        return ExitFatal;
    }
    const QString name = positional.constFirst();
    const auto command = std::find_if(commands().cbegin(), commands().cend(),
                                      [&](const Command &c) { return c.name == name; });
    if (command == commands().cend())
        return fatal(tr("Unknown command \"%1\". Run \"gatehouse-cli --help\" for the list.").arg(name));

    Global global;
    readGlobals(parser, global);

    return command->run(global, positional.mid(1));
}

} // namespace gh::cli
