#include "clisupport.h"

#include <atomic>
#include <csignal>
#include <unistd.h>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QTimer>

#include "catalog/eventperson.h"
#include "intake/intaketypes.h"
#include "pipeline/curator.h"
#include "pipeline/settings.h"
#include "report/reports.h"

namespace gh::cli {

namespace {

// Ctrl-C and SIGTERM cancel cooperatively: running copies abort and their files stay pending. A second signal
// ends the process at once.
std::atomic_bool s_interrupted{false};

void onSignal(int)
{
    if (s_interrupted.exchange(true))
        ::_exit(130);
}

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

} // namespace

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

QString tr(const char *text, const char *disambiguation, int n)
{
    return QCoreApplication::translate("gh::cli", text, disambiguation, n);
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

QString usageText(const QCommandLineParser &parser, const QString &program)
{
    // Qt names the program by argv[0], which may be a full path and never says which command this is.
    QString text = parser.helpText();
    const QString invoked = QCoreApplication::arguments().value(0);
    const QString usage = QStringLiteral("Usage: ");
    if (text.startsWith(usage) && text.mid(usage.size()).startsWith(invoked))
        text.replace(usage.size(), invoked.size(), program);
    return text;
}

QList<QCommandLineOption> globalOptions()
{
    return {
        {QStringLiteral("catalog"),
         tr("The catalog: an SQLite file, or postgresql://user:password@host:port/db."), tr("path")},
        {QStringLiteral("store"),
         tr("The bit store: a folder (default: store/ next to the catalog) or s3://bucket/prefix."),
         tr("dir")},
        {QStringLiteral("config"), tr("Engine settings (INI)."), tr("file")},
        {{QStringLiteral("q"), QStringLiteral("quiet")}, tr("Print no progress.")},
        {QStringLiteral("verbose"), tr("Print the engine's log on stderr.")},
        {QStringLiteral("as"),
         tr("The curator recorded with decisions and their events (default: the [team] curator setting, "
            "else the operating system's user)."),
         tr("name")},
    };
}

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
    // Who is at work, for every decision this process records.
    if (parser.isSet(QStringLiteral("as")))
        Curator::setOverride(parser.value(QStringLiteral("as")));
}

Result<Context> openContext(const Global &global, bool withStore)
{
    Context context;
    context.global = global;
    auto workspace = Workspace::resolve(global.catalog, global.store);
    if (!workspace)
        return workspace.error();
    context.workspace = *workspace;
    if (!global.config.isEmpty()) {
        QStringList warnings;
        auto settings = EngineSettings::readFile(global.config, {}, &warnings);
        if (!settings)
            return settings.error();
        for (const QString &warning : std::as_const(warnings))
            err() << tr("warning: ") << warning << Qt::endl;
        context.settings = *settings;
    }
    auto options = EngineSettings::runOptions(context.settings);
    if (!options)
        return Error{ErrorCode::Invalid, tr("%1: %2").arg(global.config, options.error().message)};
    context.options = *options;
    context.options.settingsFile = global.config;
    // The person beside the software in every machine event this process records (--as, [team] curator).
    EventPerson::set(Curator::name(context.settings));
    if (!context.options.bannedList.isEmpty()) {
        auto banned = EngineSettings::readBannedList(context.options.bannedList);
        if (!banned)
            return banned.error();
        context.options.intake.bannedIds = *banned;
    }
    auto catalog = Catalog::open(context.workspace.catalog());
    if (!catalog)
        return catalog.error();
    context.catalog = std::move(*catalog);
    if (withStore) {
        auto store = openBitStore(context.workspace.storeSpec(), context.options.store);
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

CommandLine::CommandLine(const QString &command, const QString &description)
    : name(command)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOptions(globalOptions());
}

std::optional<int> CommandLine::parse(const QStringList &arguments, int minPositional, int maxPositional,
                                      Global &global)
{
    if (!parser.parse(QStringList{QStringLiteral("gatehouse-cli ") + name} + arguments))
        return fatal(parser.errorText() + u'\n' + tr("Run \"gatehouse-cli %1 --help\" for usage.").arg(name));
    if (parser.isSet(QStringLiteral("help"))) {
        out() << usageText(parser, QStringLiteral("gatehouse-cli ") + name);
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

//! 0 when every file of the batch is done or skipped; 1 when any failed or is still pending, or intake
//! refused a manifest (IntakeTrace::refusals()).
int exitForBatch(Catalog &catalog, qint64 batchId)
{
    // A manifest intake had to refuse means the batch is not what its source meant, however its files fare.
    auto batch = catalog.batch(batchId);
    if (!batch)
        return fatal(batch.error().message);
    if (!IntakeTrace::refusals(batch->trace).isEmpty())
        return ExitFailures;
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

void catchInterrupts(bool on)
{
    if (on) {
        s_interrupted.store(false);
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    } else {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
}

bool interruptRequested()
{
    return s_interrupted.load();
}

std::atomic_bool &interruptFlag()
{
    return s_interrupted;
}

/*!
    Runs \a start on a BatchRunner with an event loop until it finishes; returns the batch it worked on, or
    an exit status for a fatal error.
*/
std::variant<qint64, int> drive(Context &context, const std::function<void(BatchRunner &)> &start,
                                const std::function<Status(qint64)> &onLoaded)
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
        if (onLoaded) {
            if (Status s = onLoaded(r.batchId); !s) {
                err() << "gatehouse-cli: " << s.error().message << Qt::endl;
                runner.cancel();
            }
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

} // namespace gh::cli
